"""The seed walk-through (a PyTorch MNIST hidden-channel sweep tracked with smexperiments),
re-created with only its imports changed, against the embedded store.

SageMaker's training jobs are the one thing that cannot run here: each trial's "Training"
component, which the estimator would have created, is logged with a Tracker instead, with the
job's hyperparameters and its per-epoch ``train:loss``, ``test:loss`` and ``test:accuracy``.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass

import boto3
import pandas as pd
import pytest

# The walk-through's imports, changed from smexperiments / sagemaker to smx_lab:
from smx_lab import Experiment, Tracker, Trial
from smx_lab.analytics import ExperimentAnalytics
from smx_lab.stores.local import LocalStore


def _training_job(trial: Trial, hidden_channels: int, sagemaker_client: object) -> None:
    """What ``estimator.fit(experiment_config={"TrialName": ..., "TrialComponentDisplayName":
    "Training"})`` records: the hyperparameters and the metrics scraped from the job's log."""
    with Tracker.create(display_name="Training", sagemaker_boto_client=sagemaker_client) as job:
        job.log_parameters(
            {
                "epochs": 2,
                "backend": "gloo",
                "hidden_channels": hidden_channels,
                "dropout": 0.2,
                "optimizer": "sgd",
            }
        )
        for epoch in range(2):
            job.log_metric(
                "train:loss", 2.0 / (epoch + 1) / hidden_channels, iteration_number=epoch
            )
            job.log_metric("test:loss", 1.5 / (epoch + 1) / hidden_channels, iteration_number=epoch)
            job.log_metric(
                "test:accuracy", 90.0 + hidden_channels / 2 + epoch, iteration_number=epoch
            )
    trial.add_trial_component(job.trial_component)


INPUTS = "s3://sagemaker-us-east-1-123456789012/sagemaker/DEMO-pytorch-mnist"


@dataclass
class Walked:
    """What the walk-through leaves behind, for the tests to check wherever it logged."""

    tracker: Tracker
    experiment_name: str
    trial_names: dict[int, str]
    training: pd.DataFrame
    lineage: pd.DataFrame


def walkthrough() -> Walked:
    """The walk-through, logging wherever smx-lab is configured to (the embedded store, or an
    MLflow server with ``SMX_LAB_STORE=mlflow``)."""
    sagemaker_client = boto3.client("sagemaker", region_name="us-east-1")  # made, never called
    sagemaker_session = None
    inputs = INPUTS

    # --- the walk-through's code, unchanged from here ---------------------------------------
    with Tracker.create(
        display_name="Preprocessing", sagemaker_boto_client=sagemaker_client
    ) as tracker:
        tracker.log_parameters(
            {
                "normalization_mean": 0.1307,
                "normalization_std": 0.3081,
            }
        )

        tracker.log_input(name="mnist-dataset", media_type="s3/uri", value=inputs)

    experiment_name = f"torch-mnist-{datetime.datetime.now().strftime('%Y%m%d%H%M')}"
    description = "Classification of mnist hand-written digits with pytorch."

    mnist_experiment = Experiment.create(
        experiment_name=experiment_name,
        description=description,
        sagemaker_boto_client=sagemaker_client,
    )

    hidden_channel_trial_name_map = {}  # Keep references to each Trial object

    for i, num_hidden_channel in enumerate([2, 5, 10]):  # noqa: B007 - the walk-through's own loop
        # create Trial object
        trial_name = (
            f"torch-{num_hidden_channel}-hidden-channels-"
            f"{datetime.datetime.now().strftime('%Y%m%d%H%M')}"
        )
        cnn_trial = Trial.create(
            trial_name=trial_name,
            experiment_name=mnist_experiment.experiment_name,
            sagemaker_boto_client=sagemaker_client,
        )
        # Have a dict for variable references to the trial names
        hidden_channel_trial_name_map[num_hidden_channel] = trial_name

        # Associate the proprocessing trial component with the current trial
        cnn_trial.add_trial_component(tracker.trial_component)

        _training_job(cnn_trial, num_hidden_channel, sagemaker_client)  # estimator.fit(...)
        time.sleep(0.01)

    search_expression = {
        "Filters": [
            {
                "Name": "DisplayName",
                "Operator": "Equals",
                "Value": "Training",
            }
        ],
    }

    trial_component_analytics = ExperimentAnalytics(
        sagemaker_session=sagemaker_session,
        experiment_name=mnist_experiment.experiment_name,
        search_expression=search_expression,
        sort_by="metrics.test:accuracy.max",
        sort_order="Descending",
        metric_names=["test:accuracy"],
        parameter_names=["hidden_channels", "epochs", "dropout", "optimizer"],
    )

    training = trial_component_analytics.dataframe()

    lineage_table = ExperimentAnalytics(
        sagemaker_session=sagemaker_session,
        search_expression={
            "Filters": [
                {
                    "Name": "Parents.TrialName",
                    "Operator": "Equals",
                    "Value": hidden_channel_trial_name_map[2],
                }
            ]
        },
        sort_by="CreationTime",
        sort_order="Ascending",
    )
    lineage = lineage_table.dataframe()
    # --- end of the walk-through -------------------------------------------------------------
    return Walked(tracker, experiment_name, hidden_channel_trial_name_map, training, lineage)


def check_results(walked: Walked) -> None:
    """What ExperimentAnalytics gives back, whichever store the walk-through logged to."""
    training, lineage = walked.training, walked.lineage
    assert list(training["hidden_channels"]) == [10.0, 5.0, 2.0]  # best test:accuracy first
    assert list(training["test:accuracy - Max"]) == [96.0, 93.5, 92.0]
    assert list(training["test:accuracy - Count"]) == [2, 2, 2]
    assert sorted(lineage["DisplayName"]) == ["Preprocessing", "Training"]


def test_the_seed_walkthrough_runs_with_only_its_imports_changed(
    monkeypatch: pytest.MonkeyPatch, _isolated_default_store: object
) -> None:
    monkeypatch.delenv("SMX_LAB_STORE", raising=False)
    walked = walkthrough()
    tracker, experiment_name = walked.tracker, walked.experiment_name
    hidden_channel_trial_name_map, inputs = walked.trial_names, INPUTS

    store = LocalStore()
    assert [t.trial_component_count for t in store.list_trials(experiment_name).items] == [2, 2, 2]
    preprocessing = store.get_trial_component(tracker.trial_component_name)
    assert preprocessing.parameters == {"normalization_mean": 0.1307, "normalization_std": 0.3081}
    assert preprocessing.input_artifacts["mnist-dataset"].to_dict() == {
        "MediaType": "s3/uri",
        "Value": inputs,
    }
    assert sorted(p.trial_name for p in preprocessing.parents) == sorted(
        hidden_channel_trial_name_map.values()
    )

    check_results(walked)
