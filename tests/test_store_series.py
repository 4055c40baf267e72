"""Metric series from the embedded store: raw points in logging order, and the reduction done in
SQL, which must give exactly what the plain-Python contract in ``smx_lab.reduce`` gives."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smx_lab.errors import NotFound, ValidationError
from smx_lab.model import MetricPoint, Series, SeriesQuery
from smx_lab.reduce import Reduced, reduce_series
from smx_lab.stores.local import LocalStore

T0 = 1_700_000_000.0


def _log(
    store: LocalStore,
    component: str,
    values: np.ndarray,
    steps: list[int | None],
    times: np.ndarray,
) -> None:
    store.create_trial_component(component)
    points = [
        MetricPoint("loss", float(v), float(t), s)
        for v, s, t in zip(values, steps, times, strict=True)
    ]
    for start in range(0, len(points), 4_000):
        store.log_metrics(component, points[start : start + 4_000])


def _assert_same(series: Series, expected: Reduced, max_points: int) -> None:
    assert (series.x, series.y, series.raw_count, series.reduced) == (
        expected.x,
        expected.y,
        expected.raw_count,
        expected.reduced,
    )
    assert len(series.x) <= max_points


@pytest.fixture(scope="module")
def long_series(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[LocalStore, np.ndarray, np.ndarray, np.ndarray]:
    """60,000 points: irregular increasing steps, jittered times, random values with spikes."""
    store = LocalStore(tmp_path_factory.mktemp("series") / "series.sqlite")
    rng = np.random.default_rng(3)
    values = rng.normal(size=60_000)
    values[rng.integers(0, 60_000, 30)] *= 40  # spikes that a reduction must keep
    steps = np.cumsum(rng.integers(1, 4, size=60_000))
    times = T0 + np.cumsum(rng.exponential(0.02, size=60_000))
    _log(store, "long", values, steps.tolist(), times)
    return store, values, steps.astype(float), times


@pytest.mark.parametrize("x_axis", ["step", "time"])
@pytest.mark.parametrize("max_points", [2, 5, 6, 101, 1000])
@pytest.mark.parametrize("zoom", [None, (0.1, 0.7), (0.3, 0.3004)])
def test_sql_reduction_equals_the_reference_reduction(
    long_series: tuple[LocalStore, np.ndarray, np.ndarray, np.ndarray],
    x_axis: str,
    max_points: int,
    zoom: tuple[float, float] | None,
) -> None:
    store, values, steps, times = long_series
    xs = steps if x_axis == "step" else times
    x_range = (
        None if zoom is None else (float(np.quantile(xs, zoom[0])), float(np.quantile(xs, zoom[1])))
    )

    series = store.metric_series(
        [SeriesQuery("long", "loss")], x_axis=x_axis, max_points=max_points, x_range=x_range
    )[0]  # type: ignore[arg-type]

    _assert_same(
        series, reduce_series(xs.tolist(), values.tolist(), max_points, x_range), max_points
    )


def test_a_reduced_series_keeps_the_extremes_and_both_ends(
    long_series: tuple[LocalStore, np.ndarray, np.ndarray, np.ndarray],
) -> None:
    store, values, steps, _ = long_series

    series = store.metric_series([SeriesQuery("long", "loss")], max_points=200)[0]

    assert series.reduced and series.raw_count == len(values) and len(series.x) <= 200
    assert min(series.y) == values.min() and max(series.y) == values.max()
    assert (series.x[0], series.y[0]) == (steps[0], values[0])
    assert (series.x[-1], series.y[-1]) == (steps[-1], values[-1])


def test_a_series_within_the_budget_comes_back_whole(store: LocalStore) -> None:
    _log(store, "short", np.arange(50.0), list(range(50)), T0 + np.arange(50.0))

    series = store.metric_series([SeriesQuery("short", "loss")], max_points=50)[0]

    assert series.y == list(np.arange(50.0)) and not series.reduced and series.raw_count == 50


def test_points_without_a_step_use_their_logging_index_on_the_step_axis(store: LocalStore) -> None:
    _log(store, "no-steps", np.array([3.0, 1.0, 2.0]), [None, None, None], T0 + np.arange(3.0))

    series = store.metric_series([SeriesQuery("no-steps", "loss")], x_axis="step")[0]

    assert (series.x, series.y) == ([0.0, 1.0, 2.0], [3.0, 1.0, 2.0])


def test_raw_points_come_back_in_logging_order(store: LocalStore) -> None:
    store.create_trial_component("ordered")
    store.log_metrics("ordered", [MetricPoint("b", 1.0, T0, 5), MetricPoint("a", 2.0, T0 + 1, 1)])
    store.log_metrics("ordered", [MetricPoint("b", 3.0, T0 + 2, 2)])

    points = store.metric_points("ordered")

    assert [(p.metric_name, p.value, p.step) for p in points] == [
        ("b", 1.0, 5),
        ("b", 3.0, 2),
        ("a", 2.0, 1),
    ]
    assert [p.value for p in store.metric_points("ordered", ["a"])] == [2.0]


@pytest.mark.parametrize("max_points", [1, 0, -3])
def test_a_budget_below_two_points_is_refused(store: LocalStore, max_points: int) -> None:
    _log(store, "c", np.arange(3.0), [0, 1, 2], T0 + np.arange(3.0))

    with pytest.raises(ValidationError) as error:
        store.metric_series([SeriesQuery("c", "loss")], max_points=max_points)

    assert error.value.field == "max_points"


def test_an_inverted_zoom_range_is_refused(store: LocalStore) -> None:
    _log(store, "c", np.arange(3.0), [0, 1, 2], T0 + np.arange(3.0))

    with pytest.raises(ValidationError) as error:
        store.metric_series([SeriesQuery("c", "loss")], x_range=(5.0, 1.0))

    assert error.value.field == "x_range"


def test_an_unknown_metric_is_not_found(store: LocalStore) -> None:
    store.create_trial_component("c")

    with pytest.raises(NotFound):
        store.metric_series([SeriesQuery("c", "nope")])


@st.composite
def _series(draw: st.DrawFn) -> tuple[list[float], list[int], list[float]]:
    size = draw(st.integers(1, 400))
    element = st.floats(-1e6, 1e6, allow_nan=False) | st.sampled_from([-1.0, 0.0, 2.5])  # ties too
    values = draw(st.lists(element, min_size=size, max_size=size))
    gaps = draw(st.lists(st.integers(0, 40), min_size=size, max_size=size))
    steps = (
        np.cumsum(gaps).tolist()
        if draw(st.booleans())
        else draw(
            st.lists(st.integers(0, 3000), min_size=size, max_size=size)  # unordered steps too
        )
    )
    times = (T0 + np.cumsum(draw(st.lists(st.floats(0, 5), min_size=size, max_size=size)))).tolist()
    return values, steps, times


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=_series(),
    max_points=st.integers(2, 60),
    x_axis=st.sampled_from(["step", "time"]),
    zoom=st.none() | st.tuples(st.floats(0, 1), st.floats(0, 1)),
)
def test_any_series_reduces_in_sql_exactly_as_the_reference(
    data: tuple[list[float], list[int], list[float]],
    max_points: int,
    x_axis: str,
    zoom: tuple[float, float] | None,
) -> None:
    values, steps, times = data
    xs = [float(s) for s in steps] if x_axis == "step" else times
    x_range = None
    if zoom is not None:
        low, high = sorted(zoom)
        x_range = (float(np.quantile(xs, low)), float(np.quantile(xs, high)))
    with tempfile.TemporaryDirectory() as folder:
        store = LocalStore(Path(folder) / "p.sqlite")
        try:
            _log(store, "c", np.array(values), list(steps), np.array(times))
            series = store.metric_series(
                [SeriesQuery("c", "loss")], x_axis=x_axis, max_points=max_points, x_range=x_range
            )[0]  # type: ignore[arg-type]
        finally:
            store.close()

    _assert_same(series, reduce_series(xs, values, max_points, x_range), max_points)
