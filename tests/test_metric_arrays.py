"""Whole metric histories as arrays: over random points (steps or none, many metrics, batches of
any size), ``metric_arrays`` holds exactly the points ``metric_points`` gives, in the same order,
and the DataFrame ``%smx metrics`` makes of them is the one it made of MetricPoints."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import table_reference as reference
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smx_lab.columns import MetricArrays
from smx_lab.model import MetricPoint
from smx_lab.notebook.frames import metric_points_dataframe
from smx_lab.stores.base import Store
from smx_lab.stores.local import LocalStore

T0 = 1_700_000_000.0
METRICS = ["loss", "acc", "é"]

batches = st.lists(
    st.lists(
        st.tuples(
            st.sampled_from(METRICS),
            st.floats(-1e150, 1e150, allow_nan=False),
            st.floats(0, 4e9, allow_nan=False),
            st.one_of(st.none(), st.integers(0, 2**40)),
        ),
        min_size=1,
        max_size=20,
    ),
    max_size=5,
)


def assert_same_points(arrays: MetricArrays, points: list[MetricPoint]) -> None:
    expected = MetricArrays.from_points(points)
    assert arrays.metric_names == expected.metric_names
    for field in ("metric", "step", "has_step", "timestamp", "value"):
        assert np.array_equal(getattr(arrays, field), getattr(expected, field)), field


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(logged=batches, wanted=st.one_of(st.none(), st.lists(st.sampled_from(METRICS))))
def test_metric_arrays_hold_every_point_metric_points_gives(
    logged: list[list[tuple[str, float, float, int | None]]], wanted: list[str] | None
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = LocalStore(Path(folder) / "arrays.sqlite")
        try:
            store.create_trial_component("run")
            for batch in logged:
                store.log_metrics("run", [MetricPoint(m, v, t, s) for m, v, t, s in batch])
            points = store.metric_points("run", wanted)
            arrays = store.metric_arrays("run", wanted)
            from_points = Store.metric_arrays(store, "run", wanted)  # the default, from records
        finally:
            store.close()

    assert_same_points(arrays, points)
    assert_same_points(from_points, points)


@settings(max_examples=60, deadline=None)
@given(
    points=st.lists(
        st.builds(
            MetricPoint,
            metric_name=st.sampled_from(METRICS),
            value=st.floats(allow_nan=False, allow_infinity=False),
            timestamp=st.floats(0, 4e9, allow_nan=False),
            step=st.one_of(st.none(), st.integers(0, 2**40)),
        ),
        max_size=30,
    ),
    wide=st.booleans(),
    names=st.lists(st.sampled_from(METRICS), unique=True),
)
def test_the_metrics_frame_of_arrays_is_the_frame_of_points(
    points: list[MetricPoint], wide: bool, names: list[str]
) -> None:
    ordered = sorted(points, key=lambda p: METRICS.index(p.metric_name))  # metric by metric
    arrays = MetricArrays.from_points(ordered)

    frame = metric_points_dataframe("run", arrays, wide=wide, metric_names=names)

    expected = reference.metric_points_frame("run", ordered, wide=wide, metric_names=names)
    pd.testing.assert_frame_equal(frame, expected)


def test_an_unknown_component_has_no_arrays(store: LocalStore) -> None:
    import pytest

    from smx_lab.errors import NotFound

    with pytest.raises(NotFound):
        store.metric_arrays("nobody")


def block_counts(store: LocalStore) -> list[int]:
    with store._read() as db:
        return [row[0] for row in db.execute("SELECT count FROM metric_point_blocks ORDER BY 1")]


def log_batches(store: LocalStore, sizes: list[int]) -> list[MetricPoint]:
    store.create_trial_component("run")
    logged: list[MetricPoint] = []
    for size in sizes:
        batch = [
            MetricPoint("loss", float(len(logged) + i), T0 + len(logged) + i, len(logged) + i)
            for i in range(size)
        ]
        store.log_metrics("run", batch)
        logged += batch
    return logged


def test_small_batches_share_a_block_and_large_ones_have_their_own(store: LocalStore) -> None:
    from smx_lab.stores.local.blocks import MERGE_BELOW

    logged = log_batches(store, [1] * (MERGE_BELOW + 3) + [MERGE_BELOW * 2])

    assert block_counts(store) == [MERGE_BELOW, 3 + MERGE_BELOW * 2]
    assert_same_points(store.metric_arrays("run"), logged)


@given(sizes=st.lists(st.integers(1, 600), min_size=1, max_size=6), dropped=st.integers(0, 6))
@settings(max_examples=25, deadline=None)
def test_points_written_before_blocks_existed_are_read_as_rows(
    sizes: list[int], dropped: int
) -> None:
    """A store made before schema version 6 has rows and no blocks: the first blocks removed
    stand for them, and the arrays still hold every point."""
    with tempfile.TemporaryDirectory() as folder:
        store = LocalStore(Path(folder) / "old.sqlite")
        try:
            logged = log_batches(store, sizes)
            with store._write() as db:
                db.execute(
                    "DELETE FROM metric_point_blocks WHERE first_seq IN (SELECT first_seq "
                    "FROM metric_point_blocks ORDER BY first_seq LIMIT ?)",
                    (dropped,),
                )
            arrays = store.metric_arrays("run")
        finally:
            store.close()

    assert_same_points(arrays, logged)


def test_a_deleted_components_blocks_go_with_it(store: LocalStore) -> None:
    log_batches(store, [10, 10])

    store.delete_trial_component("run")

    assert block_counts(store) == []
