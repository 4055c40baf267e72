"""Metric series from SageMaker: BatchGetMetrics, the CloudWatch fallback for training jobs, and
the same reduction contract as the embedded store."""

from __future__ import annotations

from itertools import pairwise

import pytest
from sagemaker_fixtures import T0, Aws, put_metric

from smx_lab.errors import NotFound, ValidationError
from smx_lab.model import SeriesQuery

pytest_plugins = ["sagemaker_fixtures"]


def test_series_by_step_comes_from_one_batch_get_metrics_call(seeded: Aws) -> None:
    store = seeded.store()
    queries = [
        SeriesQuery("train-sgd", "test:accuracy"),
        SeriesQuery("train-adam", "test:accuracy"),
    ]

    with store.aws.counting("test") as calls:
        sgd, adam = store.metric_series(queries)

    assert (sgd.x, sgd.y) == ([0.0, 1.0, 2.0, 3.0], [0.5, 0.7, 0.9, 0.85])
    assert adam.y == [0.6, 0.8, 0.95, 0.97]
    assert (sgd.raw_count, sgd.reduced, sgd.x_axis) == (4, False, "step")
    assert calls["BatchGetMetrics"] == 1


def test_series_by_time_has_epoch_seconds_on_x(seeded: Aws) -> None:
    (series,) = seeded.store().metric_series(
        [SeriesQuery("train-sgd", "test:accuracy")], x_axis="time"
    )

    assert series.x == [float(int(T0 + step)) for step in range(4)]
    assert series.y == [0.5, 0.7, 0.9, 0.85]


def test_long_series_is_reduced_to_the_budget_keeping_first_last_and_spikes(aws: Aws) -> None:
    aws.sagemaker.create_trial_component(TrialComponentName="long")
    values = [float(step % 7) for step in range(1000)]
    values[500] = 100.0
    put_metric(aws, "long", "loss", values)

    (series,) = aws.store().metric_series([SeriesQuery("long", "loss")], max_points=50)

    assert series.reduced and series.raw_count == 1000
    assert len(series.x) <= 50
    assert (series.x[0], series.x[-1]) == (0.0, 999.0)
    assert 100.0 in series.y


def test_zoomed_series_counts_only_the_points_in_range(aws: Aws) -> None:
    aws.sagemaker.create_trial_component(TrialComponentName="long")
    put_metric(aws, "long", "loss", [float(step) for step in range(300)])

    (series,) = aws.store().metric_series(
        [SeriesQuery("long", "loss")], max_points=20, x_range=(100.0, 199.0)
    )

    assert series.raw_count == 100
    assert series.x[0] == 100.0 and series.x[-1] == 199.0
    assert len(series.x) <= 20


def test_more_than_100_series_take_one_call_per_100(aws: Aws) -> None:
    aws.sagemaker.create_trial_component(TrialComponentName="wide")
    for index in range(120):
        aws.metrics.batch_put_metrics(
            TrialComponentName="wide",
            MetricData=[{"MetricName": f"m{index}", "Timestamp": T0, "Step": 0, "Value": index}],
        )
    store = aws.store()

    with store.aws.counting("test") as calls:
        series = store.metric_series([SeriesQuery("wide", f"m{index}") for index in range(120)])

    assert [s.y for s in series] == [[float(index)] for index in range(120)]
    assert calls["BatchGetMetrics"] == 2


def test_training_job_without_experiment_metrics_falls_back_to_cloudwatch(seeded: Aws) -> None:
    store = seeded.store()

    with store.aws.counting("test") as calls:
        (series,) = store.metric_series([SeriesQuery("resnet-job-aws-training-job", "train:loss")])

    assert series.y == pytest.approx([2.0, 1.9, 1.8, 1.7, 1.6])
    assert series.x == [0.0, 1.0, 2.0, 3.0, 4.0]  # CloudWatch has no step: positions
    assert calls["GetMetricData"] == 1


def test_cloudwatch_fallback_on_the_time_axis_uses_the_datapoint_times(seeded: Aws) -> None:
    (series,) = seeded.store().metric_series(
        [SeriesQuery("resnet-job-aws-training-job", "train:loss")], x_axis="time"
    )

    assert len(series.x) == 5
    assert all(later - earlier == 60.0 for earlier, later in pairwise(series.x))


def test_unknown_metric_of_a_component_is_not_found(seeded: Aws) -> None:
    with pytest.raises(NotFound) as raised:
        seeded.store().metric_series([SeriesQuery("train-sgd", "nope")])

    assert raised.value.kind == "Metric"


def test_unknown_component_is_not_found(seeded: Aws) -> None:
    with pytest.raises(NotFound) as raised:
        seeded.store().metric_series([SeriesQuery("nope", "loss")])

    assert (raised.value.kind, raised.value.name) == ("TrialComponent", "nope")


def test_bad_budget_and_axis_are_refused(seeded: Aws) -> None:
    store = seeded.store()

    with pytest.raises(ValidationError) as budget:
        store.metric_series([SeriesQuery("train-sgd", "test:accuracy")], max_points=1)
    with pytest.raises(ValidationError) as axis:
        store.metric_series(
            [SeriesQuery("train-sgd", "test:accuracy")],
            x_axis="epoch",  # type: ignore[arg-type]
        )

    assert budget.value.field == "max_points"
    assert axis.value.field == "x_axis"


def test_metric_points_list_each_step_with_its_time(seeded: Aws) -> None:
    points = seeded.store().metric_points("train-sgd", ["test:accuracy"])

    assert [(p.step, p.value) for p in points] == [(0, 0.5), (1, 0.7), (2, 0.9), (3, 0.85)]
    assert [p.timestamp for p in points] == [float(int(T0 + step)) for step in range(4)]


def test_metric_summaries_are_searchable_after_batch_put_metrics(seeded: Aws) -> None:
    component = seeded.store().get_trial_component("train-sgd")

    loss = component.metric("train:loss")
    assert loss is not None
    assert (loss.count, loss.max, loss.min, loss.last) == (50, 1.0, 0.02, 0.02)
