"""Metric summaries of the embedded store: kept correct as batches arrive, never read from
points."""

from __future__ import annotations

import sqlite3
import warnings

import numpy as np
import pytest

from smx_lab import Tracker
from smx_lab.model import MetricPoint
from smx_lab.stores.local import LocalStore


def _summary(store: LocalStore, component: str, metric: str) -> dict[str, float]:
    summary = store.get_trial_component(component).metric(metric)
    assert summary is not None
    return summary.to_dict()


def test_summaries_equal_numpy_across_several_batches(store: LocalStore) -> None:
    store.create_trial_component("training")
    rng = np.random.default_rng(7)
    values = np.concatenate(
        [rng.normal(3.0, 2.0, 2_500), rng.exponential(10.0, 1_000), [1e6, -1e6]]
    )
    for start in range(0, len(values), 777):  # uneven batches, so merges of unequal counts happen
        chunk = values[start : start + 777]
        store.log_metrics(
            "training",
            [
                MetricPoint("loss", float(v), 1_700_000_000.0 + start + i, start + i)
                for i, v in enumerate(chunk)
            ],
        )

    summary = _summary(store, "training", "loss")

    assert summary["Count"] == len(values)
    assert summary["Min"] == values.min()
    assert summary["Max"] == values.max()
    assert summary["Last"] == values[-1]
    assert summary["Avg"] == pytest.approx(values.mean(), rel=1e-12)
    assert summary["StdDev"] == pytest.approx(values.std(ddof=1), rel=1e-12)


def test_nan_and_infinite_values_are_dropped_with_a_warning_and_never_summarised(
    store: LocalStore,
) -> None:
    rng = np.random.default_rng(11)
    values = rng.uniform(-5, 5, 3_000)
    values[::97] = np.nan
    values[5::101] = np.inf
    values[7::103] = -np.inf
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with Tracker.create(display_name="noisy", store=store) as tracker:
            for step, value in enumerate(values):
                tracker.log_metric("val:loss", float(value), iteration_number=step)

    finite = values[np.isfinite(values)]
    summary = _summary(store, tracker.trial_component_name, "val:loss")
    assert summary["Count"] == len(finite)
    assert summary["Min"] == finite.min()
    assert summary["Max"] == finite.max()
    assert summary["Avg"] == pytest.approx(finite.mean(), rel=1e-12)
    assert summary["StdDev"] == pytest.approx(finite.std(ddof=1), rel=1e-12)
    assert summary["Last"] == finite[-1]
    dropped = [w for w in caught if "val:loss" in str(w.message)]
    assert len(dropped) == len(values) - len(finite)


def test_one_point_has_a_standard_deviation_of_zero(store: LocalStore) -> None:
    store.create_trial_component("once")
    store.log_metrics("once", [MetricPoint("accuracy", 0.91, 1_700_000_000.0)])

    summary = _summary(store, "once", "accuracy")

    assert (summary["Count"], summary["Min"], summary["Max"], summary["StdDev"]) == (
        1,
        0.91,
        0.91,
        0.0,
    )


def test_reading_a_component_never_reads_its_metric_points(store: LocalStore) -> None:
    store.create_trial_component("big")
    store.log_metrics(
        "big", [MetricPoint("loss", float(i), 1_700_000_000.0 + i, i) for i in range(5_000)]
    )
    tables_read: set[str] = set()

    def record(action: int, table: str | None, *_: object) -> int:
        if action == sqlite3.SQLITE_READ and table:
            tables_read.add(table)
        return sqlite3.SQLITE_OK

    connection = store._connection()
    connection.set_authorizer(record)
    try:
        component = store.get_trial_component("big")
        store.list_trial_components(sort_by="Metrics.loss.Max")
    finally:
        connection.set_authorizer(None)

    assert component.metric("loss") is not None
    assert "metrics" in tables_read
    assert "metric_points" not in tables_read


def test_a_batch_with_a_value_that_is_not_a_number_writes_nothing(store: LocalStore) -> None:
    from smx_lab.errors import ValidationError

    store.create_trial_component("typed")
    batch = [
        MetricPoint("loss", 1.0, 1_700_000_000.0, 0),
        MetricPoint("loss", "high", 1_700_000_001.0, 1),
    ]  # type: ignore[arg-type]

    with pytest.raises(ValidationError) as error:
        store.log_metrics("typed", batch)

    assert error.value.field == "metrics.loss"
    assert store.get_trial_component("typed").metrics == []
    assert store.metric_points("typed") == []
