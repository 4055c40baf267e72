"""Writing to SageMaker through the Writer interface the tracking API uses."""

from __future__ import annotations

from pathlib import Path

import pytest
from sagemaker_fixtures import REGION, T0, Aws

from smx_lab.errors import AlreadyExists, NotFound, ValidationError
from smx_lab.model import Artifact, MetricPoint, Status
from smx_lab.stores.base import Writer
from smx_lab.stores.sagemaker import SageMakerWriter

pytest_plugins = ["sagemaker_fixtures"]


def test_writer_implements_the_writer_protocol(aws: Aws) -> None:
    assert isinstance(aws.writer(), Writer)


def test_experiment_trial_and_component_written_are_browsable(aws: Aws) -> None:
    writer = aws.writer()
    writer.create_experiment(
        "mnist", display_name="MNIST", description="digits", tags={"team": "v"}
    )
    writer.create_trial("cnn", "mnist")
    writer.create_trial_component("train", display_name="Training", start_time=T0)
    writer.update_trial_component(
        "train",
        status=Status("Completed", "done"),
        end_time=T0 + 60,
        parameters={"lr": 0.1, "optimizer": "sgd"},
        input_artifacts={"data": Artifact("s3://bucket/data.csv", "text/csv")},
    )
    writer.associate_trial_component("train", "cnn")

    store = aws.store()
    experiment = store.get_experiment("mnist")
    (component,) = store.list_trial_components(trial_name="cnn").items
    assert (experiment.display_name, experiment.description, experiment.tags) == (
        "MNIST",
        "digits",
        {"team": "v"},
    )
    assert component.display_name == "Training"
    assert component.parameters == {"lr": 0.1, "optimizer": "sgd"}
    assert component.input_artifacts["data"].media_type == "text/csv"
    assert component.status is not None
    assert (component.status.primary_status, component.status.message) == ("Completed", "done")
    assert (component.start_time, component.end_time) == pytest.approx((T0, T0 + 60), abs=0.001)


def test_component_names_are_lower_cased_as_sagemaker_requires(aws: Aws) -> None:
    writer = aws.writer()
    written = writer.create_trial_component("Train-Run-1")
    writer.update_trial_component("Train-Run-1", parameters={"epochs": 3})

    component = aws.store().get_trial_component("train-run-1")
    assert written.trial_component_name == "train-run-1"
    assert component.parameters == {"epochs": 3.0}


def test_updating_parameters_merges_them_with_the_existing_ones(aws: Aws) -> None:
    writer = aws.writer()
    writer.create_trial_component("train")
    writer.update_trial_component("train", parameters={"lr": 0.1, "epochs": 3})
    writer.update_trial_component("train", parameters={"lr": 0.2}, parameters_to_remove=["epochs"])
    writer.update_trial_component("train", parameters={"batch": 32})

    assert aws.store().get_trial_component("train").parameters == {"lr": 0.2, "batch": 32.0}


def test_metrics_are_sent_ten_points_a_call_and_summarised(aws: Aws) -> None:
    writer = aws.writer()
    writer.create_trial_component("train")
    points = [MetricPoint("loss", 1.0 / (step + 1), T0 + step, step) for step in range(25)]

    with writer.aws.counting("test") as calls:
        writer.log_metrics("train", points)

    assert calls == {"BatchPutMetrics": 3}
    loss = aws.store().get_trial_component("train").metric("loss")
    assert loss is not None
    assert (loss.count, loss.max, loss.last) == (25, 1.0, pytest.approx(1 / 25))


def test_metrics_without_a_step_are_accepted(aws: Aws) -> None:
    writer = aws.writer()
    writer.create_trial_component("train")
    writer.log_metrics("train", [MetricPoint("loss", 0.5, T0), MetricPoint("loss", 0.25, T0 + 1)])

    loss = aws.store().get_trial_component("train").metric("loss")
    assert loss is not None and loss.count == 2


def test_non_finite_metric_values_are_skipped(aws: Aws) -> None:
    writer = aws.writer()
    writer.create_trial_component("train")
    writer.log_metrics(
        "train", [MetricPoint("loss", float("nan"), T0, 0), MetricPoint("loss", 0.5, T0 + 1, 1)]
    )

    loss = aws.store().get_trial_component("train").metric("loss")
    assert loss is not None and (loss.count, loss.last) == (1, 0.5)


def test_invalid_name_is_refused_before_any_aws_call(aws: Aws) -> None:
    writer = aws.writer()

    with writer.aws.counting("test") as calls, pytest.raises(ValidationError) as raised:
        writer.create_experiment("not valid!")

    assert raised.value.field == "experiment_name"
    assert sum(calls.values()) == 0


def test_invalid_metric_value_refuses_the_whole_batch(aws: Aws) -> None:
    writer = aws.writer()
    writer.create_trial_component("train")
    points = [
        MetricPoint("loss", 0.5, T0, 0),
        MetricPoint("loss", "high", T0, 1),  # type: ignore[arg-type]
    ]

    with writer.aws.counting("test") as calls, pytest.raises(ValidationError):
        writer.log_metrics("train", points)

    assert sum(calls.values()) == 0
    assert aws.store().get_trial_component("train").metrics == []


def test_creating_an_existing_experiment_is_refused(aws: Aws) -> None:
    writer = aws.writer()
    writer.create_experiment("mnist")

    with pytest.raises(AlreadyExists):
        writer.create_experiment("mnist")


def test_trial_of_an_unknown_experiment_is_not_found(aws: Aws) -> None:
    with pytest.raises(NotFound) as raised:
        aws.writer().create_trial("cnn", "nope")

    assert (raised.value.kind, raised.value.name) == ("Experiment", "nope")


def test_associating_an_unknown_component_names_it(aws: Aws) -> None:
    writer = aws.writer()
    writer.create_experiment("mnist")
    writer.create_trial("cnn", "mnist")

    with pytest.raises(NotFound) as raised:
        writer.associate_trial_component("ghost", "cnn")

    assert (raised.value.kind, raised.value.name) == ("TrialComponent", "ghost")


def test_writer_accepts_a_boto3_client_of_the_callers(aws: Aws) -> None:
    writer = SageMakerWriter(
        sagemaker_client=aws.client("sagemaker"), metrics_client=aws.client("sagemaker-metrics")
    )
    writer.create_trial_component("from-client")
    writer.log_metrics("from-client", [MetricPoint("loss", 1.0, T0, 0)])

    assert aws.store().get_trial_component("from-client").metric("loss") is not None


def test_artifact_file_is_uploaded_to_s3_under_the_component(aws: Aws, tmp_path: Path) -> None:
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="artifacts")
    model = tmp_path / "model.pkl"
    model.write_bytes(b"weights")
    writer = SageMakerWriter(
        session=aws.session,
        endpoint_url=aws.endpoint,
        region=REGION,
        artifact_location="s3://artifacts/runs",
    )

    uri = writer.upload_artifact("Train", str(model), "model.pkl")

    assert uri == "s3://artifacts/runs/train/model.pkl"
    assert (
        s3.get_object(Bucket="artifacts", Key="runs/train/model.pkl")["Body"].read() == b"weights"
    )
