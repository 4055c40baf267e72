"""The tracking API writes to SageMaker when ``SMX_LAB_STORE=sagemaker`` and a SageMaker session
or boto client is given, so the same notebook code logs locally or to AWS."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sagemaker_fixtures import Aws

from smx_lab.tracking import Run, Tracker, Trial

pytest_plugins = ["sagemaker_fixtures"]


@pytest.fixture
def sagemaker_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMX_LAB_STORE", "sagemaker")


@pytest.mark.usefixtures("sagemaker_store")
def test_run_logs_parameters_and_metrics_to_sagemaker(aws: Aws) -> None:
    session = SimpleNamespace(boto_session=aws.session, sagemaker_client=aws.client("sagemaker"))

    with Run("mnist", run_name="Run-1", sagemaker_session=session) as run:
        run.log_parameters({"lr": 0.1, "optimizer": "sgd"})
        for step in range(12):
            run.log_metric("loss", 1.0 / (step + 1), step=step)

    (component,) = aws.store().list_trial_components(experiment_name="mnist").items
    assert component.trial_component_name == "mnist-run-1"
    assert component.parameters == {"lr": 0.1, "optimizer": "sgd"}
    loss = component.metric("loss")
    assert loss is not None and (loss.count, loss.last) == (12, pytest.approx(1 / 12))
    assert [p.trial_name for p in component.parents] == ["Default-Run-Group-mnist"]


@pytest.mark.usefixtures("sagemaker_store")
def test_tracker_component_added_to_a_trial_lands_in_sagemaker(aws: Aws) -> None:
    client = aws.client("sagemaker")
    client.create_experiment(ExperimentName="mnist")

    with Tracker.create(display_name="Preprocessing", sagemaker_boto_client=client) as tracker:
        tracker.log_parameters({"normalization_mean": 0.1307})
        tracker.log_input("raw", "s3://bucket/raw.csv", "text/csv")
    trial = Trial.create(trial_name="cnn-2", experiment_name="mnist", sagemaker_boto_client=client)
    trial.add_trial_component(tracker.trial_component)

    (component,) = aws.store().list_trial_components(trial_name="cnn-2").items
    assert component.display_name == "Preprocessing"
    assert component.parameters == {"normalization_mean": 0.1307}
    assert component.input_artifacts["raw"].value == "s3://bucket/raw.csv"
