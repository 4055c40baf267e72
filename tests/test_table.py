"""``build_table`` names and orders columns as sagemaker.analytics.ExperimentAnalytics does."""

from __future__ import annotations

from smx_lab.model import Artifact, MetricSummary, Parent, Source, TrialComponent
from smx_lab.table import build_table, describe_columns


def summary(name: str, values: list[float]) -> MetricSummary:
    count = len(values)
    mean = sum(values) / count
    variance = sum((v - mean) ** 2 for v in values) / (count - 1) if count > 1 else 0.0
    return MetricSummary(
        metric_name=name,
        count=count,
        min=min(values),
        max=max(values),
        avg=mean,
        std_dev=variance**0.5,
        last=values[-1],
    )


def training_component() -> TrialComponent:
    return TrialComponent(
        trial_component_name="train-1",
        display_name="Training",
        source=Source(
            "arn:aws:sagemaker:us-east-1:123456789012:training-job/train-1", "SageMakerTrainingJob"
        ),
        # Given out of order: the table sorts parameters and artifacts by name.
        parameters={"optimizer": "sgd", "epochs": 10.0, "lr": 0.1},
        metrics=[summary("train:loss", [0.9, 0.5, 0.3]), summary("test:accuracy", [0.8, 0.9])],
        input_artifacts={
            "train": Artifact("s3://b/train", "text/csv"),
            "code": Artifact("s3://b/src"),
        },
        output_artifacts={"model": Artifact("s3://b/model.tar.gz", "application/x-tar")},
        parents=[Parent("trial-a", "mnist"), Parent("trial-b", "mnist")],
    )


def test_columns_follow_experiment_analytics_order() -> None:
    columns, _ = build_table([training_component()])

    assert columns == [
        "TrialComponentName",
        "DisplayName",
        "SourceArn",
        "epochs",
        "lr",
        "optimizer",
        "train:loss - Min",
        "train:loss - Max",
        "train:loss - Avg",
        "train:loss - StdDev",
        "train:loss - Last",
        "train:loss - Count",
        "test:accuracy - Min",
        "test:accuracy - Max",
        "test:accuracy - Avg",
        "test:accuracy - StdDev",
        "test:accuracy - Last",
        "test:accuracy - Count",
        "code - MediaType",
        "code - Value",
        "train - MediaType",
        "train - Value",
        "model - MediaType",
        "model - Value",
        "Trials",
        "Experiments",
    ]


def test_row_holds_parameter_metric_artifact_and_parent_values() -> None:
    _, [row] = build_table([training_component()])

    assert row["TrialComponentName"] == "train-1"
    assert row["DisplayName"] == "Training"
    assert row["SourceArn"].endswith("training-job/train-1")
    assert (row["epochs"], row["lr"], row["optimizer"]) == (10.0, 0.1, "sgd")
    assert row["train:loss - Min"] == 0.3
    assert row["train:loss - Max"] == 0.9
    assert row["train:loss - Last"] == 0.3
    assert row["train:loss - Count"] == 3
    assert isinstance(row["train:loss - Count"], int)
    assert abs(row["test:accuracy - Avg"] - 0.85) < 1e-12
    assert row["code - MediaType"] is None  # an artifact without a media type still has the column
    assert row["code - Value"] == "s3://b/src"
    assert row["model - MediaType"] == "application/x-tar"
    assert row["Trials"] == ["trial-a", "trial-b"]
    assert row["Experiments"] == ["mnist", "mnist"]


def test_source_arn_column_only_when_a_component_has_a_source() -> None:
    columns, rows = build_table([TrialComponent("local-run", parameters={"lr": 0.1})])

    assert columns == ["TrialComponentName", "DisplayName", "lr", "Trials", "Experiments"]
    assert rows == [
        {
            "TrialComponentName": "local-run",
            "DisplayName": "local-run",
            "lr": 0.1,
            "Trials": [],
            "Experiments": [],
        }
    ]


def test_columns_are_the_union_in_first_seen_order_like_a_dataframe() -> None:
    first = TrialComponent("a", parameters={"lr": 0.1})
    second = TrialComponent("b", parameters={"batch_size": 32.0, "lr": 0.01})

    columns, rows = build_table([first, second])

    # pandas.DataFrame(list_of_dicts) appends a column first seen in a later row at the end.
    assert columns == [
        "TrialComponentName",
        "DisplayName",
        "lr",
        "Trials",
        "Experiments",
        "batch_size",
    ]
    assert rows[0]["batch_size"] is None
    assert rows[1]["batch_size"] == 32.0


def test_name_filters_keep_only_the_named_metrics_parameters_and_artifacts() -> None:
    columns, _ = build_table(
        [training_component()],
        metric_names=["test:accuracy"],
        parameter_names=["lr"],
        input_artifact_names=["train"],
        output_artifact_names=["no-such-artifact"],
    )

    assert columns == [
        "TrialComponentName",
        "DisplayName",
        "SourceArn",
        "lr",
        "test:accuracy - Min",
        "test:accuracy - Max",
        "test:accuracy - Avg",
        "test:accuracy - StdDev",
        "test:accuracy - Last",
        "test:accuracy - Count",
        "train - MediaType",
        "train - Value",
        "Trials",
        "Experiments",
    ]


def test_empty_name_filter_keeps_everything_as_the_sdk_does() -> None:
    unfiltered, _ = build_table([training_component()])
    with_empty_filters, _ = build_table(
        [training_component()], metric_names=[], parameter_names=[], input_artifact_names=[]
    )

    assert with_empty_filters == unfiltered


def test_no_components_make_an_empty_table() -> None:
    assert build_table([]) == ([], [])


def test_each_column_is_described_by_what_it_holds() -> None:
    component = training_component()
    columns, _ = build_table([component])

    described = {d["name"]: d for d in describe_columns(columns, [component])}

    assert [d for d in described] == columns
    assert described["TrialComponentName"] == {"name": "TrialComponentName", "kind": "name"}
    assert described["SourceArn"]["kind"] == "source"
    assert described["lr"] == {"name": "lr", "kind": "parameter", "parameter": "lr"}
    assert described["train:loss - StdDev"] == {
        "name": "train:loss - StdDev",
        "kind": "metric",
        "metric": "train:loss",
        "statistic": "StdDev",
    }
    assert described["code - Value"]["kind"] == "input_artifact"
    assert described["model - MediaType"] == {
        "name": "model - MediaType",
        "kind": "output_artifact",
        "artifact": "model",
        "field": "MediaType",
    }
    assert (described["Trials"]["kind"], described["Experiments"]["kind"]) == (
        "trials",
        "experiments",
    )


def test_a_parameter_named_like_a_metric_column_is_a_parameter() -> None:
    component = TrialComponent(trial_component_name="odd", parameters={"loss - Max": 3.0})
    columns, rows = build_table([component])

    described = {d["name"]: d["kind"] for d in describe_columns(columns, [component])}

    assert described["loss - Max"] == "parameter"
    assert rows[0]["loss - Max"] == 3.0


def test_where_a_parameter_and_a_metric_share_a_column_the_value_held_describes_it() -> None:
    component = TrialComponent(
        trial_component_name="clash",
        parameters={"loss - Max": 3.0},
        metrics=[summary("loss", [1.0, 2.0])],
    )
    columns, rows = build_table([component])

    described = {d["name"]: d["kind"] for d in describe_columns(columns, [component])}

    assert rows[0]["loss - Max"] == 2.0
    assert described["loss - Max"] == "metric"
