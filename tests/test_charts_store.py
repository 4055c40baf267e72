"""build_chart end to end: a real embedded store in a SQLite file, filled through its Writer API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from smx_lab.charts import build, build_chart
from smx_lab.errors import NotFound, QueryError, ValidationError
from smx_lab.model import MetricPoint
from smx_lab.stores.local import LocalStore

START = 1_700_000_000.0
RUNS = {
    # name: (trial, learning rate, optimizer, seconds after START, accuracy per epoch)
    "run-a": ("trial-1", 0.1, "sgd", 0.0, [0.5, 0.7, 0.81]),
    "run-b": ("trial-2", 0.01, "adam", 100.0, [0.6, 0.9, 0.93]),
    "run-c": ("trial-3", 0.001, "adam", 200.0, [0.4, 0.6, 0.72]),
}


def points(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """A time-series spec's points joined with its lookup table, as Vega sees them."""
    (lookup,) = [step for step in spec["transform"] if "lookup" in step]
    table = {entry["key"]: entry for entry in lookup["from"]["data"]["values"]}
    return [{**table[row["key"]], **row} for row in spec["data"]["values"]]


@pytest.fixture
def store(tmp_path: Path) -> Any:
    store = LocalStore(tmp_path / "experiments.db")
    store.create_experiment("mnist")
    store.create_experiment("other")
    for name, (trial, lr, optimizer, offset, accuracy) in RUNS.items():
        store.create_trial(trial, "mnist")
        store.create_trial_component(name, display_name=f"training-{name}")
        store.update_trial_component(name, parameters={"lr": lr, "optimizer": optimizer})
        store.associate_trial_component(name, trial)
        store.log_metrics(
            name,
            [
                MetricPoint("test:accuracy", value, START + offset + 10 * epoch, epoch)
                for epoch, value in enumerate(accuracy)
            ]
            + [
                MetricPoint("train:loss", 1.0 / (step + 1), START + offset + step, step)
                for step in range(300)
            ],
        )
    store.create_trial("trial-x", "other")
    store.create_trial_component("elsewhere")
    store.associate_trial_component("elsewhere", "trial-x")
    yield store
    store.close()


def test_scatter_of_named_components_has_their_parameter_and_metric_max(store: Any) -> None:
    spec = build_chart(
        store,
        {
            "chart_type": "scatter",
            "components": ["run-a", "run-b", "run-c"],
            "x": "parameters.lr",
            "y": "metrics.test:accuracy.max",
            "color": "trial",
        },
    )
    points = {(v["component"], v["x"], v["y"], v["color"]) for v in spec["data"]["values"]}
    assert points == {
        ("run-a", 0.1, 0.81, "trial-1"),
        ("run-b", 0.01, 0.93, "trial-2"),
        ("run-c", 0.001, 0.72, "trial-3"),
    }
    assert spec["usermeta"]["smx_lab"]["components"] == 3


def test_line_of_an_experiment_draws_each_component_and_metric(store: Any) -> None:
    spec = build_chart(store, {"chart_type": "line", "experiment": "mnist"})
    meta = spec["usermeta"]["smx_lab"]
    drawn = {(s["component"], s["metric"]) for s in meta["series"]}
    assert drawn == {(run, metric) for run in RUNS for metric in ("test:accuracy", "train:loss")}
    accuracy_a = [
        (row["x"], row["value"])
        for row in points(spec)
        if row["component"] == "run-a" and row["metric"] == "test:accuracy"
    ]
    assert accuracy_a == [(0, 0.5), (1, 0.7), (2, 0.81)]


def test_line_asks_the_store_for_at_most_max_points_per_series(store: Any) -> None:
    spec = build_chart(
        store,
        {"chart_type": "line", "trial": "trial-1", "metrics": ["train:loss"], "max_points": 20},
    )
    (series,) = spec["usermeta"]["smx_lab"]["series"]
    assert series["raw_count"] == 300 and series["reduced"] is True
    assert series["points"] <= 20
    steps = [row["x"] for row in points(spec)]
    assert steps[0] == 0 and steps[-1] == 299  # the first and last points survive reduction


def test_line_zoomed_to_an_x_range_shows_only_that_range_in_more_detail(store: Any) -> None:
    request = {
        "chart_type": "line",
        "components": ["run-a"],
        "metrics": ["train:loss"],
        "max_points": 30,
    }
    whole = build_chart(store, request)
    zoomed = build_chart(store, {**request, "x_range": [100, 120]})
    whole_steps = [row["x"] for row in points(whole) if 100 <= row["x"] <= 120]
    zoomed_steps = [row["x"] for row in points(zoomed)]
    assert zoomed_steps == list(range(100, 121))
    assert len(whole_steps) < len(zoomed_steps)
    assert zoomed["usermeta"]["smx_lab"]["series"][0]["raw_count"] == 21


def test_line_over_relative_time_starts_every_component_at_zero(store: Any) -> None:
    spec = build_chart(
        store,
        {"chart_type": "line", "experiment": "mnist", "x_axis": "relative_time"},
    )
    firsts: dict[str, float] = {}
    for row in points(spec):
        firsts[row["component"]] = min(firsts.get(row["component"], row["x"]), row["x"])
    assert firsts == {"run-a": 0.0, "run-b": 0.0, "run-c": 0.0}


def test_line_zoomed_over_relative_time_shifts_the_window_per_component(store: Any) -> None:
    spec = build_chart(
        store,
        {
            "chart_type": "line",
            "components": ["run-a", "run-c"],
            "metrics": ["train:loss"],
            "x_axis": "relative_time",
            "x_range": [50, 55],
        },
    )
    by_component: dict[str, list[float]] = {}
    for row in points(spec):
        by_component.setdefault(row["component"], []).append(row["x"])
    assert by_component == {"run-a": [50, 51, 52, 53, 54, 55], "run-c": [50, 51, 52, 53, 54, 55]}


def test_chart_of_a_typed_search_charts_the_components_it_finds(store: Any) -> None:
    spec = build_chart(
        store,
        {
            "chart_type": "bar",
            "search": {"query": 'parameters.optimizer = "adam"'},
            "y": "metrics.test:accuracy.max",
        },
    )
    assert {row["component"] for row in spec["data"]["values"]} == {"run-b", "run-c"}


def test_chart_of_a_search_expression_charts_the_components_it_finds(store: Any) -> None:
    expression = {
        "Filters": [{"Name": "Parents.TrialName", "Operator": "Equals", "Value": "trial-x"}]
    }
    spec = build_chart(
        store,
        {"chart_type": "histogram", "search": {"search_expression": expression}, "x": "status"},
    )
    assert [row["component"] for row in spec["data"]["values"]] == ["elsewhere"]


def test_a_component_without_metrics_is_counted_not_fatal(store: Any) -> None:
    spec = build_chart(store, {"chart_type": "line", "components": ["run-a", "elsewhere"]})
    assert spec["usermeta"]["smx_lab"]["missing"]["components"] == ["elsewhere"]


def test_an_unknown_component_is_not_found(store: Any) -> None:
    with pytest.raises(NotFound) as raised:
        build_chart(store, {"chart_type": "line", "components": ["run-a", "nope"]})
    assert raised.value.name == "nope"


def test_a_malformed_typed_query_says_where(store: Any) -> None:
    with pytest.raises(QueryError) as raised:
        build_chart(store, {"chart_type": "line", "search": {"query": "parameters.lr >"}})
    assert raised.value.position is not None


def test_a_bad_request_is_refused_before_the_store_is_asked(store: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        build_chart(store, {"chart_type": "line", "experiment": "mnist", "max_points": 1})
    assert raised.value.field == "max_points"


def test_an_experiment_chart_follows_every_page_with_no_component_cap(
    store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from smx_lab.stores import collect

    monkeypatch.setattr(collect, "PAGE_SIZE", 1)
    spec = build_chart(
        store, {"chart_type": "histogram", "experiment": "mnist", "x": "parameters.lr"}
    )
    everything = store.list_trial_components(experiment_name="mnist", limit=100)
    assert sorted(row["component"] for row in spec["data"]["values"]) == sorted(
        c.trial_component_name for c in everything.items
    )
    assert spec["usermeta"]["smx_lab"]["components"] == everything.total


def test_many_series_share_one_point_budget(store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "MAX_TOTAL_POINTS", 60)
    spec = build_chart(store, {"chart_type": "line", "experiment": "mnist"})
    series = spec["usermeta"]["smx_lab"]["series"]
    assert len(series) == 6
    assert all(one["points"] <= 10 for one in series)
    assert len(points(spec)) <= 60
