"""ExperimentAnalytics against a real embedded store, filled by the walk-through's own code.

The tracking code below is the PyTorch MNIST walk-through (../shared/seeds/000_*.txt) with its
imports changed; the SageMaker training job it starts is replaced by a Tracker that logs what the
job logs (its hyperparameters and per-epoch metrics), since no job runs locally.
"""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from smx_lab import Experiment, Tracker, Trial
from smx_lab.analytics import ExperimentAnalytics, TrialAnalytics
from smx_lab.errors import QueryError, ValidationError
from smx_lab.stores import open_store

# test:accuracy per epoch for each hidden-channel count. 5 channels peaks highest but ends below
# 10 channels, so ranking by the maximum differs from ranking by the last value or by time.
ACCURACY = {2: [81.0, 88.5], 5: [97.0, 95.0], 10: [93.3, 96.7]}


@dataclass
class Walkthrough:
    experiment_name: str
    trial_names: dict[int, str]
    preprocessing_name: str
    training_names: dict[int, str]


def run_walkthrough(prefix: str = "") -> Walkthrough:
    sagemaker_client = (
        None  # the walk-through passes a boto3 client; smx_lab accepts and ignores it
    )
    inputs = "s3://bucket/mnist"
    stamp = datetime.datetime.now().strftime("%Y%m%d%H%M")

    with Tracker.create(
        display_name="Preprocessing", sagemaker_boto_client=sagemaker_client
    ) as tracker:
        tracker.log_parameters({"normalization_mean": 0.1307, "normalization_std": 0.3081})
        tracker.log_input(name="mnist-dataset", media_type="s3/uri", value=inputs)

    experiment_name = f"{prefix}torch-mnist-{stamp}"
    mnist_experiment = Experiment.create(
        experiment_name=experiment_name,
        description="Classification of mnist hand-written digits with pytorch.",
        sagemaker_boto_client=sagemaker_client,
    )

    hidden_channel_trial_name_map = {}
    training_names = {}
    for num_hidden_channel in [2, 5, 10]:
        trial_name = f"{prefix}torch-{num_hidden_channel}-hidden-channels-{stamp}"
        cnn_trial = Trial.create(
            trial_name=trial_name,
            experiment_name=mnist_experiment.experiment_name,
            sagemaker_boto_client=sagemaker_client,
        )
        hidden_channel_trial_name_map[num_hidden_channel] = trial_name
        cnn_trial.add_trial_component(tracker.trial_component)

        # What estimator.fit(..., experiment_config={"TrialName": ..., "TrialComponentDisplayName":
        # "Training"}) records: the hyperparameters and the metrics scraped from the job's log.
        with Tracker.create(display_name="Training", sagemaker_boto_client=sagemaker_client) as job:
            job.log_parameters(
                {
                    "epochs": 2,
                    "backend": "gloo",
                    "hidden_channels": num_hidden_channel,
                    "dropout": 0.2,
                    "optimizer": "sgd",
                }
            )
            for epoch, accuracy in enumerate(ACCURACY[num_hidden_channel], start=1):
                job.log_metric(
                    "train:loss", 1.0 / (epoch + num_hidden_channel), iteration_number=epoch
                )
                job.log_metric(
                    "test:loss", 2.0 / (epoch + num_hidden_channel), iteration_number=epoch
                )
                job.log_metric("test:accuracy", accuracy, iteration_number=epoch)
        cnn_trial.add_trial_component(job.trial_component)
        training_names[num_hidden_channel] = job.trial_component.trial_component_name

    return Walkthrough(
        experiment_name=experiment_name,
        trial_names=hidden_channel_trial_name_map,
        preprocessing_name=tracker.trial_component.trial_component_name,
        training_names=training_names,
    )


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "experiments.db"
    monkeypatch.setenv("SMX_LAB_DB", str(path))
    monkeypatch.delenv("SMX_LAB_STORE", raising=False)
    return path


@pytest.fixture
def walkthrough(database: Path) -> Walkthrough:
    return run_walkthrough()


def best_model_analytics(walkthrough: Walkthrough, **overrides: object) -> ExperimentAnalytics:
    """The walk-through's analysis cell, verbatim apart from the import."""
    sagemaker_session = None
    search_expression = {
        "Filters": [
            {
                "Name": "DisplayName",
                "Operator": "Equals",
                "Value": "Training",
            }
        ],
    }
    arguments: dict[str, object] = dict(
        sagemaker_session=sagemaker_session,
        experiment_name=walkthrough.experiment_name,
        search_expression=search_expression,
        sort_by="metrics.test:accuracy.max",
        sort_order="Descending",
        metric_names=["test:accuracy"],
        parameter_names=["hidden_channels", "epochs", "dropout", "optimizer"],
    )
    arguments.update(overrides)
    return ExperimentAnalytics(**arguments)  # type: ignore[arg-type]


def test_walkthrough_ranks_training_runs_by_best_test_accuracy(walkthrough: Walkthrough) -> None:
    frame = best_model_analytics(walkthrough).dataframe()

    assert list(frame["hidden_channels"]) == [5.0, 10.0, 2.0]
    assert list(frame["test:accuracy - Max"]) == [97.0, 96.7, 88.5]
    assert list(frame["TrialComponentName"]) == [walkthrough.training_names[n] for n in (5, 10, 2)]


def test_walkthrough_dataframe_has_the_sdk_columns_in_the_sdk_order(
    walkthrough: Walkthrough,
) -> None:
    frame = best_model_analytics(walkthrough).dataframe()

    statistics = ["Min", "Max", "Avg", "StdDev", "Last", "Count"]
    assert list(frame.columns) == [
        "TrialComponentName",
        "DisplayName",
        # parameters sorted by name, as the SDK sorts them; "backend" is not asked for
        "dropout",
        "epochs",
        "hidden_channels",
        "optimizer",
        *(f"test:accuracy - {s}" for s in statistics),
        "Trials",
        "Experiments",
    ]


def test_walkthrough_row_holds_parameters_statistics_and_parents(walkthrough: Walkthrough) -> None:
    frame = best_model_analytics(walkthrough).dataframe()
    row = frame.set_index("TrialComponentName").loc[walkthrough.training_names[10]]

    assert row["DisplayName"] == "Training"
    assert (row["epochs"], row["dropout"], row["optimizer"]) == (2.0, 0.2, "sgd")
    assert row["test:accuracy - Min"] == 93.3
    assert row["test:accuracy - Last"] == 96.7
    assert row["test:accuracy - Count"] == 2
    assert row["test:accuracy - Avg"] == pytest.approx((93.3 + 96.7) / 2)
    assert row["test:accuracy - StdDev"] == pytest.approx(pd.Series([93.3, 96.7]).std())
    assert list(row["Trials"]) == [walkthrough.trial_names[10]]
    assert list(row["Experiments"]) == [walkthrough.experiment_name]


def test_ascending_sort_order_reverses_the_ranking(walkthrough: Walkthrough) -> None:
    frame = best_model_analytics(walkthrough, sort_order="Ascending").dataframe()

    assert list(frame["hidden_channels"]) == [2.0, 10.0, 5.0]


def test_lineage_filter_lists_a_trials_steps_in_creation_order(walkthrough: Walkthrough) -> None:
    sagemaker_session = None
    hidden_channel_trial_name_map = walkthrough.trial_names
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

    frame = lineage_table.dataframe()

    assert list(frame["DisplayName"]) == ["Preprocessing", "Training"]
    assert list(frame["TrialComponentName"]) == [
        walkthrough.preprocessing_name,
        walkthrough.training_names[2],
    ]
    preprocessing = frame.iloc[0]
    assert preprocessing["normalization_mean"] == 0.1307
    assert preprocessing["mnist-dataset - MediaType"] == "s3/uri"
    assert preprocessing["mnist-dataset - Value"] == "s3://bucket/mnist"
    # The shared preprocessing step belongs to all three trials.
    assert sorted(preprocessing["Trials"]) == sorted(walkthrough.trial_names.values())
    assert pd.isna(preprocessing["test:accuracy - Max"])


def test_trial_analytics_gives_the_lineage_table_of_one_trial(walkthrough: Walkthrough) -> None:
    frame = TrialAnalytics(walkthrough.trial_names[5]).dataframe()

    assert list(frame["TrialComponentName"]) == [
        walkthrough.preprocessing_name,
        walkthrough.training_names[5],
    ]
    assert frame.iloc[1]["hidden_channels"] == 5.0


def test_experiment_name_alone_gives_every_component_of_the_experiment(
    walkthrough: Walkthrough,
) -> None:
    frame = ExperimentAnalytics(experiment_name=walkthrough.experiment_name).dataframe()

    assert sorted(frame["TrialComponentName"]) == sorted(
        [walkthrough.preprocessing_name, *walkthrough.training_names.values()]
    )


def test_components_of_other_experiments_are_left_out(walkthrough: Walkthrough) -> None:
    other = run_walkthrough(prefix="other-")

    frame = best_model_analytics(walkthrough).dataframe()

    assert set(frame["TrialComponentName"]).isdisjoint(other.training_names.values())
    assert len(frame) == 3


def test_an_or_expression_is_still_narrowed_to_the_experiment(walkthrough: Walkthrough) -> None:
    other = run_walkthrough(prefix="other-")
    either = {
        "Filters": [
            {"Name": "DisplayName", "Operator": "Equals", "Value": "Training"},
            {"Name": "DisplayName", "Operator": "Equals", "Value": "Preprocessing"},
        ],
        "Operator": "Or",
    }

    frame = ExperimentAnalytics(
        experiment_name=other.experiment_name, search_expression=either
    ).dataframe()

    assert sorted(frame["TrialComponentName"]) == sorted(
        [other.preprocessing_name, *other.training_names.values()]
    )


def test_the_callers_search_expression_is_not_changed(walkthrough: Walkthrough) -> None:
    search_expression = {
        "Filters": [{"Name": "DisplayName", "Operator": "Equals", "Value": "Training"}]
    }
    before = copy.deepcopy(search_expression)
    analytics = ExperimentAnalytics(
        experiment_name=walkthrough.experiment_name, search_expression=search_expression
    )

    analytics.dataframe()
    analytics.dataframe(force_refresh=True)

    assert search_expression == before


def test_neither_experiment_nor_search_expression_raises_the_sdks_value_error(
    database: Path,
) -> None:
    with pytest.raises(
        ValueError, match="Either experiment_name or search_expression must be supplied."
    ):
        ExperimentAnalytics(sort_by="CreationTime")


def test_an_unknown_sort_order_names_the_argument_and_the_allowed_values(database: Path) -> None:
    with pytest.raises(ValidationError) as raised:
        ExperimentAnalytics(experiment_name="e", sort_order="Down")
    assert raised.value.field == "sort_order"
    assert "'Ascending' or 'Descending'" in raised.value.rule


def test_an_unknown_filter_property_raises_a_query_error_with_suggestions(
    walkthrough: Walkthrough,
) -> None:
    analytics = ExperimentAnalytics(
        search_expression={"Filters": [{"Name": "DisplayNme", "Operator": "Equals", "Value": "x"}]}
    )

    with pytest.raises(QueryError) as raised:
        analytics.dataframe()
    assert "DisplayName" in raised.value.suggestions


def test_an_unknown_sort_field_raises_a_validation_error_naming_sort_by(
    walkthrough: Walkthrough,
) -> None:
    analytics = best_model_analytics(walkthrough, sort_by="accuracy")

    with pytest.raises(ValidationError) as raised:
        analytics.dataframe()
    assert raised.value.field == "sort_by"


def add_evaluation_step(trial_name: str) -> str:
    """A component logged after a DataFrame was made, in one of the walk-through's trials."""
    with Tracker.create(display_name="Evaluation") as late:
        late.log_parameter("split", "holdout")
    Trial.load(trial_name).add_trial_component(late.trial_component)
    return str(late.trial_component.trial_component_name)


def test_dataframe_is_cached_until_force_refresh(walkthrough: Walkthrough) -> None:
    analytics = ExperimentAnalytics(experiment_name=walkthrough.experiment_name)
    first = analytics.dataframe()
    add_evaluation_step(walkthrough.trial_names[2])

    assert len(analytics.dataframe()) == len(first)
    assert len(analytics.dataframe(force_refresh=True)) == len(first) + 1


def test_clear_cache_makes_the_next_dataframe_read_the_store(walkthrough: Walkthrough) -> None:
    analytics = ExperimentAnalytics(experiment_name=walkthrough.experiment_name)
    first = analytics.dataframe()
    late = add_evaluation_step(walkthrough.trial_names[5])

    analytics.clear_cache()

    assert late in set(analytics.dataframe()["TrialComponentName"])
    assert len(analytics.dataframe()) == len(first) + 1


def test_export_csv_writes_the_dataframe(walkthrough: Walkthrough, tmp_path: Path) -> None:
    analytics = best_model_analytics(walkthrough)
    target = tmp_path / "ranking.csv"

    analytics.export_csv(str(target))

    written = pd.read_csv(target, index_col=0)
    assert list(written.columns) == list(analytics.dataframe().columns)
    assert list(written["TrialComponentName"]) == list(analytics.dataframe()["TrialComponentName"])


def test_artifact_name_filters_keep_only_the_named_artifacts(walkthrough: Walkthrough) -> None:
    frame = ExperimentAnalytics(
        experiment_name=walkthrough.experiment_name,
        search_expression={
            "Filters": [{"Name": "DisplayName", "Operator": "Equals", "Value": "Preprocessing"}]
        },
        input_artifact_names=["another-dataset"],
    ).dataframe()

    assert len(frame) == 1
    assert not any(column.startswith("mnist-dataset") for column in frame.columns)


def test_a_store_passed_in_is_used_instead_of_the_environment(
    walkthrough: Walkthrough, database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMX_LAB_DB", str(tmp_path / "empty.db"))
    store = open_store("local", path=str(database))
    try:
        frame = best_model_analytics(walkthrough, store=store).dataframe()
    finally:
        store.close()

    assert len(frame) == 3


def test_no_match_gives_an_empty_dataframe(walkthrough: Walkthrough) -> None:
    frame = ExperimentAnalytics(
        search_expression={
            "Filters": [{"Name": "DisplayName", "Operator": "Equals", "Value": "nope"}]
        }
    ).dataframe()

    assert frame.empty
