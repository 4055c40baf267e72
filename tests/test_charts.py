"""Chart specs built from model objects: valid Vega-Lite v5, and the data the chart draws is
right."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import altair
import jsonschema
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from smx_lab.charts import (
    CHART_REQUEST_SCHEMA,
    VEGA_LITE_SCHEMA,
    build_summary_chart,
    build_time_series_chart,
    validate_chart_request,
)
from smx_lab.charts.data import exponential_moving_average, summary_rows
from smx_lab.errors import ValidationError
from smx_lab.model import MetricSummary, Parent, Series, Status, TrialComponent

_SCHEMA_PATH = Path(altair.__file__).parent / "vegalite" / "v5" / "schema" / "vega-lite-schema.json"


@pytest.fixture(scope="module")
def vega_lite() -> jsonschema.protocols.Validator:
    schema = json.loads(_SCHEMA_PATH.read_text())
    return jsonschema.Draft7Validator(schema)


def assert_valid(validator: jsonschema.protocols.Validator, spec: dict[str, Any]) -> None:
    error = jsonschema.exceptions.best_match(validator.iter_errors(spec))
    while error is not None and error.context:
        # anyOf/oneOf errors say only "not valid under any"; the deepest cause says why
        error = max(error.context, key=lambda e: len(list(e.absolute_path)))
    assert error is None, f"{list(error.absolute_path)}: {error.message}"
    assert spec["$schema"] == VEGA_LITE_SCHEMA
    json.dumps(spec, allow_nan=False)  # what the REST route and the notebook will serialise


def summary(name: str, values: list[float]) -> MetricSummary:
    array = np.asarray(values)
    return MetricSummary(
        metric_name=name,
        count=len(values),
        min=float(array.min()),
        max=float(array.max()),
        avg=float(array.mean()),
        std_dev=float(array.std(ddof=1)) if len(values) > 1 else 0.0,
        last=values[-1],
    )


def component(
    name: str,
    trial: str | None,
    lr: float,
    optimizer: str,
    accuracy: list[float],
    loss: list[float] | None = None,
    display_name: str | None = None,
) -> TrialComponent:
    metrics = [summary("test:accuracy", accuracy)]
    if loss is not None:
        metrics.append(summary("train:loss", loss))
    return TrialComponent(
        trial_component_name=name,
        display_name=display_name or f"Training {name}",
        status=Status("Completed"),
        parameters={"lr": lr, "optimizer": optimizer, "epochs": 10.0},
        metrics=metrics,
        parents=[Parent(trial, "mnist")] if trial else [],
    )


@pytest.fixture
def components() -> list[TrialComponent]:
    return [
        component("run-a", "trial-1", 0.1, "sgd", [0.5, 0.7, 0.81], [1.0, 0.6]),
        component("run-b", "trial-2", 0.01, "adam", [0.6, 0.9, 0.93], [0.9, 0.3]),
        component("run-c", "trial-3", 0.001, "adam", [0.4, 0.6, 0.72], [1.2, 0.8]),
        component("run-d", "trial-4", 0.05, "sgd", [0.55, 0.8, 0.88], [1.1, 0.5]),
        component("run-e", "trial-5", 0.2, "rmsprop", [0.3, 0.35, 0.5], [1.5, 1.3]),
    ]


@pytest.fixture
def rows(components: list[TrialComponent]) -> list[dict[str, Any]]:
    return summary_rows(components)


def series(component_name: str, metric: str, xs: list[float], ys: list[float]) -> Series:
    return Series(component_name, metric, "step", xs, ys, raw_count=len(xs), reduced=False)


def points(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """A time-series spec's points joined with its lookup table, as Vega sees them."""
    (lookup,) = [step for step in spec["transform"] if "lookup" in step]
    table = {entry["key"]: entry for entry in lookup["from"]["data"]["values"]}
    return [{**table[row["key"]], **row} for row in spec["data"]["values"]]


def layer_with(spec: dict[str, Any], mark: str) -> list[dict[str, Any]]:
    def mark_type(layer: dict[str, Any]) -> str:
        value = layer["mark"]
        return value if isinstance(value, str) else value["type"]

    return [layer for layer in spec.get("layer", [spec]) if mark_type(layer) == mark]


# --- summary rows ---------------------------------------------------------------------------


def test_summary_rows_have_one_row_per_component_with_every_statistic(
    components: list[TrialComponent],
) -> None:
    rows = summary_rows(components)
    assert [row["name"] for row in rows] == ["run-a", "run-b", "run-c", "run-d", "run-e"]
    first = rows[0]
    assert first["display_name"] == "Training run-a"
    assert first["trial"] == "trial-1" and first["experiment"] == "mnist"
    assert first["status"] == "Completed"
    assert first["parameters.lr"] == 0.1 and first["parameters.optimizer"] == "sgd"
    assert first["metrics.test:accuracy.max"] == 0.81
    assert first["metrics.test:accuracy.last"] == 0.81
    assert first["metrics.test:accuracy.count"] == 3.0
    assert first["metrics.train:loss.min"] == 0.6


def test_summary_rows_list_every_trial_of_a_shared_component() -> None:
    shared = TrialComponent(
        "preprocess", parents=[Parent("trial-2", "mnist"), Parent("trial-1", "mnist")]
    )
    (row,) = summary_rows([shared])
    assert row["trial"] == "trial-1, trial-2"
    assert row["experiment"] == "mnist"
    assert row["display_name"] == "preprocess"


# --- scatter (summary) ----------------------------------------------------------------------


def test_scatter_has_one_mark_per_component_with_its_parameter_and_metric(
    vega_lite: Any, rows: list[dict[str, Any]]
) -> None:
    request = {
        "chart_type": "scatter",
        "components": ["run-a"],
        "x": "parameters.lr",
        "y": "metrics.test:accuracy.max",
        "color": "trial",
    }
    spec = build_summary_chart(rows, request)
    assert_valid(vega_lite, spec)
    points = {(v["component"], v["x"], v["y"], v["color"]) for v in spec["data"]["values"]}
    assert points == {
        ("run-a", 0.1, 0.81, "trial-1"),
        ("run-b", 0.01, 0.93, "trial-2"),
        ("run-c", 0.001, 0.72, "trial-3"),
        ("run-d", 0.05, 0.88, "trial-4"),
        ("run-e", 0.2, 0.5, "trial-5"),
    }
    assert spec["encoding"]["x"]["title"] == "parameters.lr"
    assert spec["encoding"]["y"]["title"] == "metrics.test:accuracy.max"
    assert spec["encoding"]["color"]["type"] == "nominal"
    tooltip_titles = [tip["title"] for tip in spec["encoding"]["tooltip"]]
    assert tooltip_titles[:2] == ["component", "trial"]
    assert spec["usermeta"]["smx_lab"]["components"] == 5


def test_scatter_accepts_sagemaker_property_names_for_its_axes(rows: list[dict[str, Any]]) -> None:
    spec = build_summary_chart(
        rows,
        {
            "chart_type": "scatter",
            "components": ["run-a"],
            "x": "Parameters.lr",
            "y": "Metrics.test:accuracy.Max",
        },
    )
    assert spec["usermeta"]["smx_lab"]["request"]["y"] == "metrics.test:accuracy.max"
    assert {v["y"] for v in spec["data"]["values"]} == {0.81, 0.93, 0.72, 0.88, 0.5}


def test_scatter_uses_the_requested_statistic_when_a_metric_names_none(
    rows: list[dict[str, Any]],
) -> None:
    spec = build_summary_chart(
        rows,
        {
            "chart_type": "scatter",
            "components": ["run-a"],
            "x": "parameters.lr",
            "y": "metrics.test:accuracy",
            "statistic": "min",
        },
    )
    assert {v["y"] for v in spec["data"]["values"]} == {0.5, 0.6, 0.4, 0.55, 0.3}


def test_scatter_leaves_out_components_without_the_metric_and_says_so(
    vega_lite: Any, components: list[TrialComponent]
) -> None:
    preprocessing = TrialComponent("preprocess", parameters={"lr": 0.3})
    rows = summary_rows([*components, preprocessing])
    spec = build_summary_chart(
        rows,
        {
            "chart_type": "scatter",
            "components": ["x"],
            "x": "parameters.lr",
            "y": "metrics.test:accuracy.max",
        },
    )
    assert_valid(vega_lite, spec)
    assert len(spec["data"]["values"]) == 5
    assert spec["usermeta"]["smx_lab"]["missing"]["components"] == ["preprocess"]
    assert "1 component without" in spec["title"]["subtitle"][0]


def test_scatter_colored_by_a_numeric_parameter_uses_a_continuous_scale(
    vega_lite: Any, rows: list[dict[str, Any]]
) -> None:
    spec = build_summary_chart(
        rows,
        {
            "chart_type": "scatter",
            "components": ["run-a"],
            "x": "metrics.train:loss.min",
            "y": "metrics.test:accuracy.max",
            "color": "parameters.lr",
        },
    )
    assert_valid(vega_lite, spec)
    assert spec["encoding"]["color"]["type"] == "quantitative"


def test_scatter_on_a_log_axis_leaves_out_non_positive_values(vega_lite: Any) -> None:
    rows = summary_rows(
        [
            component("good", "t", 0.1, "sgd", [0.5]),
            component("zero", "t", 0.2, "sgd", [0.0]),
        ]
    )
    spec = build_summary_chart(
        rows,
        {
            "chart_type": "scatter",
            "components": ["good"],
            "x": "parameters.lr",
            "y": "metrics.test:accuracy.last",
            "log_y": True,
        },
    )
    assert_valid(vega_lite, spec)
    assert [v["component"] for v in spec["data"]["values"]] == ["good"]
    assert spec["encoding"]["y"]["scale"]["type"] == "log"


# --- line (time series) ---------------------------------------------------------------------


@pytest.fixture
def loss_series() -> list[Series]:
    return [
        series("run-a", "train:loss", [0, 1, 2, 3], [1.0, 0.8, 0.7, 0.4]),
        series("run-b", "train:loss", [0, 1, 2], [0.9, 0.5, 0.3]),
        series("run-a", "test:accuracy", [0, 1, 2], [0.5, 0.7, 0.81]),
        series("run-b", "test:accuracy", [0, 1, 2], [0.6, 0.9, 0.93]),
    ]


def test_line_draws_one_line_per_component_and_metric(
    vega_lite: Any, components: list[TrialComponent], loss_series: list[Series]
) -> None:
    spec = build_time_series_chart(
        loss_series, components[:2], {"chart_type": "line", "components": ["run-a", "run-b"]}
    )
    assert_valid(vega_lite, spec)
    values = points(spec)
    lines = {row["series"] for row in values}
    assert lines == {
        "Training run-a · train:loss",
        "Training run-b · train:loss",
        "Training run-a · test:accuracy",
        "Training run-b · test:accuracy",
    }
    run_a_loss = [
        (r["x"], r["value"]) for r in values if r["series"] == "Training run-a · train:loss"
    ]
    assert run_a_loss == [(0, 1.0), (1, 0.8), (2, 0.7), (3, 0.4)]
    assert spec["encoding"]["color"]["field"] == "series"
    assert spec["encoding"]["x"]["title"] == "step"


def test_line_of_one_metric_labels_lines_by_component_alone(
    vega_lite: Any, components: list[TrialComponent], loss_series: list[Series]
) -> None:
    spec = build_time_series_chart(
        loss_series[:2],
        components[:2],
        {"chart_type": "line", "components": ["run-a", "run-b"], "metrics": ["train:loss"]},
    )
    assert_valid(vega_lite, spec)
    assert {row["series"] for row in points(spec)} == {"Training run-a", "Training run-b"}
    assert layer_with(spec, "line")[0]["encoding"]["y"]["title"] == "train:loss"


def test_line_tooltip_names_component_trial_metric_x_and_value(
    components: list[TrialComponent], loss_series: list[Series]
) -> None:
    spec = build_time_series_chart(
        loss_series, components[:2], {"chart_type": "line", "components": ["run-a"]}
    )
    (hover,) = layer_with(spec, "point")
    titles = [tip["title"] for tip in hover["encoding"]["tooltip"]]
    assert titles == ["component", "trial", "metric", "step", "value"]
    row = points(spec)[0]
    assert row["trial"] == "trial-1" and row["display_name"] == "Training run-a"


def test_line_smoothing_draws_the_ema_over_the_faded_raw_line(
    vega_lite: Any, components: list[TrialComponent]
) -> None:
    raw = [1.0, 3.0, 2.0, 6.0, 4.0]
    spec = build_time_series_chart(
        [series("run-a", "train:loss", [0, 1, 2, 3, 4], raw)],
        components[:1],
        {"chart_type": "line", "components": ["run-a"], "smoothing": 0.6},
    )
    assert_valid(vega_lite, spec)
    expected = [1.0]
    for value in raw[1:]:
        expected.append(0.6 * expected[-1] + 0.4 * value)
    smoothed = [row["smoothed"] for row in points(spec)]
    assert smoothed == pytest.approx(expected)
    assert [row["value"] for row in points(spec)] == raw
    raw_line, smoothed_line = layer_with(spec, "line")
    assert raw_line["encoding"]["y"]["field"] == "value" and raw_line["mark"]["opacity"] < 1
    assert smoothed_line["encoding"]["y"]["field"] == "smoothed"


def test_exponential_moving_average_matches_a_hand_computation() -> None:
    assert exponential_moving_average([2.0, 4.0, 8.0], 0.5) == [2.0, 3.0, 5.5]
    assert exponential_moving_average([2.0, 4.0], 0.0) == [2.0, 4.0]


def test_line_on_a_log_axis_drops_non_positive_points_and_counts_them(
    vega_lite: Any, components: list[TrialComponent]
) -> None:
    spec = build_time_series_chart(
        [series("run-a", "train:loss", [0, 1, 2], [1.0, 0.0, 0.5])],
        components[:1],
        {"chart_type": "line", "components": ["run-a"], "log_y": True},
    )
    assert_valid(vega_lite, spec)
    assert [row["value"] for row in points(spec)] == [1.0, 0.5]
    assert spec["usermeta"]["smx_lab"]["missing"]["points"] == 1
    assert layer_with(spec, "line")[0]["encoding"]["y"]["scale"]["type"] == "log"


def test_line_ignoring_outliers_bounds_the_y_axis_to_the_bulk_of_the_values(
    vega_lite: Any, components: list[TrialComponent]
) -> None:
    ys = [1.0 + 0.01 * i for i in range(100)]
    ys[50] = 1000.0  # one divergent step
    spec = build_time_series_chart(
        [series("run-a", "train:loss", list(range(100)), ys)],
        components[:1],
        {"chart_type": "line", "components": ["run-a"], "ignore_outliers": True},
    )
    assert_valid(vega_lite, spec)
    low, high = layer_with(spec, "line")[0]["encoding"]["y"]["scale"]["domain"]
    assert low < 1.05 and 1.9 < high < 10
    assert layer_with(spec, "line")[0]["mark"]["clip"] is True


def test_line_over_relative_time_starts_each_component_at_zero(
    vega_lite: Any, components: list[TrialComponent]
) -> None:
    timed = [
        Series("run-a", "train:loss", "time", [1000.0, 1010.0, 1030.0], [3, 2, 1], 3, False),
        Series("run-b", "train:loss", "time", [5000.0, 5005.0], [3, 1], 2, False),
    ]
    spec = build_time_series_chart(
        timed,
        components[:2],
        {"chart_type": "line", "components": ["run-a"], "x_axis": "relative_time"},
    )
    assert_valid(vega_lite, spec)
    xs = {(r["component"], r["x"]) for r in points(spec)}
    assert xs == {("run-a", 0.0), ("run-a", 10.0), ("run-a", 30.0), ("run-b", 0.0), ("run-b", 5.0)}
    assert spec["encoding"]["x"]["title"] == "relative time (s)"


def test_line_over_wall_time_uses_a_temporal_axis_in_milliseconds(
    vega_lite: Any, components: list[TrialComponent]
) -> None:
    timed = [
        Series("run-a", "train:loss", "time", [1_700_000_000.0, 1_700_000_060.0], [2, 1], 2, False)
    ]
    spec = build_time_series_chart(
        timed, components[:1], {"chart_type": "line", "components": ["run-a"], "x_axis": "time"}
    )
    assert_valid(vega_lite, spec)
    assert spec["encoding"]["x"]["type"] == "temporal"
    assert [r["x"] for r in points(spec)] == [1_700_000_000_000.0, 1_700_000_060_000.0]


def test_line_reports_raw_and_reduced_point_counts_per_series(
    components: list[TrialComponent],
) -> None:
    reduced = Series("run-a", "train:loss", "step", [0.0, 500.0, 999.0], [3, 2, 1], 1000, True)
    spec = build_time_series_chart(
        [reduced], components[:1], {"chart_type": "line", "components": ["run-a"]}
    )
    assert spec["usermeta"]["smx_lab"]["series"] == [
        {
            "component": "run-a",
            "metric": "train:loss",
            "raw_count": 1000,
            "reduced": True,
            "points": 3,
        }
    ]


def test_line_counts_components_without_the_metrics(
    vega_lite: Any, components: list[TrialComponent], loss_series: list[Series]
) -> None:
    spec = build_time_series_chart(
        loss_series[:1], components[:3], {"chart_type": "line", "components": ["run-a"]}
    )
    assert_valid(vega_lite, spec)
    assert spec["usermeta"]["smx_lab"]["missing"]["components"] == ["run-b", "run-c"]
    assert spec["title"]["subtitle"] == ["2 components without these metrics"]


def test_line_tells_apart_components_that_share_a_display_name(vega_lite: Any) -> None:
    twins = [
        component("run-1", "t", 0.1, "sgd", [0.5], display_name="Training"),
        component("run-2", "t", 0.2, "sgd", [0.6], display_name="Training"),
    ]
    spec = build_time_series_chart(
        [series("run-1", "acc", [0, 1], [1, 2]), series("run-2", "acc", [0, 1], [2, 3])],
        twins,
        {"chart_type": "line", "components": ["run-1"]},
    )
    assert {row["series"] for row in points(spec)} == {
        "Training (run-1)",
        "Training (run-2)",
    }


def test_time_series_scatter_draws_every_point_of_every_series(
    vega_lite: Any, components: list[TrialComponent], loss_series: list[Series]
) -> None:
    spec = build_time_series_chart(
        loss_series,
        components[:2],
        {"chart_type": "scatter", "data_type": "time_series", "components": ["run-a"]},
    )
    assert_valid(vega_lite, spec)
    assert spec["mark"]["type"] == "point"
    assert len(points(spec)) == sum(len(one.x) for one in loss_series)


# --- summary line ---------------------------------------------------------------------------


def test_summary_line_joins_components_in_parameter_order_per_color_group(
    vega_lite: Any, rows: list[dict[str, Any]]
) -> None:
    spec = build_summary_chart(
        rows,
        {
            "chart_type": "line",
            "data_type": "summary",
            "components": ["run-a"],
            "x": "parameters.lr",
            "y": "metrics.test:accuracy.max",
            "color": "parameters.optimizer",
        },
    )
    assert_valid(vega_lite, spec)
    assert spec["mark"]["type"] == "line"
    assert spec["encoding"]["order"]["field"] == "x"
    assert len(spec["data"]["values"]) == 5


# --- request validation ---------------------------------------------------------------------


def test_request_defaults_are_filled_in() -> None:
    line = validate_chart_request({"chart_type": "line", "experiment": "mnist"})
    assert line["data_type"] == "time_series"
    assert line["x_axis"] == "step" and line["max_points"] == 1000 and line["smoothing"] == 0.0
    scatter = validate_chart_request(
        {"chart_type": "scatter", "components": ["a"], "x": "parameters.lr", "y": "metrics.acc"}
    )
    assert scatter["data_type"] == "summary"
    assert scatter["y"] == "metrics.acc.last" and scatter["statistic"] == "Last"


def test_request_validation_keeps_the_caller_request_unchanged() -> None:
    request = {"chart_type": "line", "components": ["a"]}
    validate_chart_request(request)
    assert request == {"chart_type": "line", "components": ["a"]}


def test_a_time_series_x_of_step_names_the_x_axis() -> None:
    request = validate_chart_request({"chart_type": "line", "components": ["a"], "x": "time"})
    assert request["x_axis"] == "time" and "x" not in request


@pytest.mark.parametrize(
    ("request_body", "field", "rule"),
    [
        ({"chart_type": "pie", "components": ["a"]}, "chart_type", "is not one of"),
        ({"components": ["a"]}, "chart_type", "is required"),
        ({"chart_type": "line"}, "components", "exactly one of"),
        (
            {"chart_type": "line", "components": ["a"], "experiment": "e"},
            "components",
            "exactly one of",
        ),
        ({"chart_type": "line", "components": ["a"], "colour": "x"}, "colour", "unknown field"),
        ({"chart_type": "line", "components": []}, "components", "should be non-empty"),
        ({"chart_type": "line", "components": ["a"], "smoothing": 1.5}, "smoothing", "maximum"),
        ({"chart_type": "line", "components": ["a"], "max_points": 1}, "max_points", "minimum"),
        (
            {"chart_type": "line", "components": ["a"], "smoothing": float("nan")},
            "smoothing",
            "from 0 to 0.99",
        ),
        (
            {"chart_type": "line", "components": ["a"], "x_range": [0, float("inf")]},
            "x_range",
            "finite",
        ),
        ({"chart_type": "line", "components": ["a"], "x_range": [5, 1]}, "x_range", "low < high"),
        ({"chart_type": "line", "components": ["a"], "x_axis": "epoch"}, "x_axis", "is not one of"),
        (
            {"chart_type": "scatter", "components": ["a"], "x": "trial", "y": "metrics.acc.max"},
            "x",
            "scatter needs a parameter or metric statistic",
        ),
        (
            {"chart_type": "scatter", "components": ["a"], "x": "parameters.lr"},
            "y",
            "scatter needs",
        ),
        (
            {"chart_type": "scatter", "components": ["a"], "x": "params.lr", "y": "metrics.a.max"},
            "x",
            "unknown column",
        ),
        (
            {
                "chart_type": "scatter",
                "components": ["a"],
                "x": "parameters.lr",
                "y": "m",
                "bins": 3,
            },
            "bins",
            "applies to histogram",
        ),
        (
            {"chart_type": "bar", "components": ["a"], "y": "metrics.a.max", "x_axis": "step"},
            "x_axis",
            "not used by summary charts",
        ),
        (
            {"chart_type": "bar", "data_type": "time_series", "components": ["a"]},
            "data_type",
            "summary",
        ),
        (
            {"chart_type": "line", "components": ["a"], "smoothing": 0.5, "data_type": "summary"},
            "smoothing",
            "not used by summary charts",
        ),
        ({"chart_type": "box", "components": ["a"], "y": "metrics.a.max"}, "x", "box groups by"),
        ({"chart_type": "importance", "components": ["a"], "y": "parameters.lr"}, "y", "metric"),
        ({"chart_type": "line", "search": {}}, "search", "should be non-empty"),
        ({"chart_type": "line", "search": {"sql": "x"}}, "search.sql", "unknown field"),
        (
            {"chart_type": "line", "components": ["a"], "metrics": "acc"},
            "metrics",
            "is not of type",
        ),
        (
            {"chart_type": "parallel", "components": ["a"], "columns": ["parameters.lr", "trial"]},
            "columns",
            "parameters or metric statistics",
        ),
        (
            {"chart_type": "parallel", "components": ["a"], "columns": ["parameters.lr", "bogus"]},
            "columns[1]",
            "unknown column",
        ),
    ],
)
def test_bad_requests_name_the_field_and_the_rule(
    request_body: dict[str, Any], field: str, rule: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        validate_chart_request(request_body)
    assert raised.value.field == field
    assert rule in raised.value.rule


def test_a_request_that_is_not_an_object_is_rejected() -> None:
    with pytest.raises(ValidationError, match="request: must be a JSON object"):
        validate_chart_request(["line"])


def test_the_request_schema_accepts_what_validation_accepts_and_rejects_unknown_fields() -> None:
    schema = jsonschema.Draft202012Validator(CHART_REQUEST_SCHEMA)
    good = {
        "chart_type": "line",
        "search": {"query": "metrics.test:accuracy.max > 0.9"},
        "x_axis": "relative_time",
        "smoothing": 0.6,
        "max_points": 500,
        "x_range": [10, 20],
        "log_y": True,
    }
    assert list(schema.iter_errors(good)) == []
    validate_chart_request(good)
    assert list(schema.iter_errors({**good, "extra": 1}))
    assert list(schema.iter_errors({**good, "experiment": "mnist"}))  # two selectors


# --- bar --------------------------------------------------------------------------------------


def test_bar_shows_a_metric_statistic_per_component(
    vega_lite: Any, rows: list[dict[str, Any]]
) -> None:
    spec = build_summary_chart(
        rows, {"chart_type": "bar", "components": ["run-a"], "y": "metrics.test:accuracy.max"}
    )
    assert_valid(vega_lite, spec)
    bars = {row["label"]: row["y"] for row in spec["data"]["values"]}
    assert bars == {
        "Training run-a": 0.81,
        "Training run-b": 0.93,
        "Training run-c": 0.72,
        "Training run-d": 0.88,
        "Training run-e": 0.5,
    }
    assert spec["encoding"]["x"]["field"] == "label"
    assert "aggregate" not in spec["encoding"]["y"]


def test_bar_over_a_categorical_column_shows_the_mean_per_group(
    vega_lite: Any, rows: list[dict[str, Any]]
) -> None:
    spec = build_summary_chart(
        rows,
        {
            "chart_type": "bar",
            "components": ["run-a"],
            "x": "parameters.optimizer",
            "y": "metrics.test:accuracy.max",
        },
    )
    assert_valid(vega_lite, spec)
    assert spec["encoding"]["y"]["aggregate"] == "mean"
    assert spec["encoding"]["x"]["field"] == "x"
    frame = pd.DataFrame(spec["data"]["values"])
    assert frame.groupby("x")["y"].mean().to_dict() == pytest.approx(
        {"sgd": (0.81 + 0.88) / 2, "adam": (0.93 + 0.72) / 2, "rmsprop": 0.5}
    )


def test_bar_of_text_values_is_refused_naming_the_field(rows: list[dict[str, Any]]) -> None:
    with pytest.raises(ValidationError) as raised:
        build_summary_chart(
            rows, {"chart_type": "bar", "components": ["run-a"], "y": "parameters.optimizer"}
        )
    assert raised.value.field == "y"
    assert "text values" in raised.value.rule


# --- histogram --------------------------------------------------------------------------------


def test_histogram_bins_a_numeric_column_across_every_component(
    vega_lite: Any, rows: list[dict[str, Any]]
) -> None:
    spec = build_summary_chart(
        rows,
        {
            "chart_type": "histogram",
            "components": ["run-a"],
            "x": "metrics.test:accuracy.max",
            "bins": 5,
        },
    )
    assert_valid(vega_lite, spec)
    assert sorted(row["x"] for row in spec["data"]["values"]) == [0.5, 0.72, 0.81, 0.88, 0.93]
    assert spec["encoding"]["x"]["bin"] == {"maxbins": 5}
    assert spec["encoding"]["y"]["aggregate"] == "count"


def test_histogram_of_a_text_column_counts_each_value(
    vega_lite: Any, rows: list[dict[str, Any]]
) -> None:
    spec = build_summary_chart(
        rows, {"chart_type": "histogram", "components": ["run-a"], "x": "parameters.optimizer"}
    )
    assert_valid(vega_lite, spec)
    assert "bin" not in spec["encoding"]["x"]
    counts = pd.Series([row["x"] for row in spec["data"]["values"]]).value_counts().to_dict()
    assert counts == {"sgd": 2, "adam": 2, "rmsprop": 1}


# --- box --------------------------------------------------------------------------------------


def test_box_groups_a_metric_by_a_categorical_parameter_and_keeps_every_component(
    vega_lite: Any, rows: list[dict[str, Any]]
) -> None:
    spec = build_summary_chart(
        rows,
        {
            "chart_type": "box",
            "components": ["run-a"],
            "x": "parameters.optimizer",
            "y": "metrics.test:accuracy.max",
        },
    )
    assert_valid(vega_lite, spec)
    groups = pd.DataFrame(spec["data"]["values"]).groupby("x")["component"].apply(sorted).to_dict()
    assert groups == {"adam": ["run-b", "run-c"], "rmsprop": ["run-e"], "sgd": ["run-a", "run-d"]}
    assert layer_with(spec, "boxplot") and layer_with(spec, "point")
    assert spec["encoding"]["x"]["title"] == "parameters.optimizer"


def test_box_by_trial_puts_unassigned_components_in_their_own_group(vega_lite: Any) -> None:
    rows = summary_rows(
        [
            component("run-a", "trial-1", 0.1, "sgd", [0.5]),
            component("loose", None, 0.1, "sgd", [0.7]),
        ]
    )
    spec = build_summary_chart(
        rows,
        {"chart_type": "box", "components": ["x"], "x": "trial", "y": "metrics.test:accuracy.max"},
    )
    assert_valid(vega_lite, spec)
    assert {row["x"] for row in spec["data"]["values"]} == {"trial-1", "(none)"}


# --- parallel coordinates ---------------------------------------------------------------------


def test_parallel_coordinates_draw_one_line_per_component_across_the_axes(
    vega_lite: Any, rows: list[dict[str, Any]]
) -> None:
    axes = ["parameters.lr", "parameters.optimizer", "metrics.test:accuracy.max"]
    spec = build_summary_chart(
        rows, {"chart_type": "parallel", "components": ["run-a"], "columns": axes}
    )
    assert_valid(vega_lite, spec)
    frame = pd.DataFrame(spec["data"]["values"])
    assert len(frame) == 5 * 3
    for found in frame.groupby("component")["axis"].apply(list):
        assert found == axes
    lr = frame[frame["axis"] == "parameters.lr"].set_index("component")
    assert lr.loc["run-e", "position"] == 1.0 and lr.loc["run-c", "position"] == 0.0
    assert lr.loc["run-a", "position"] == pytest.approx((0.1 - 0.001) / (0.2 - 0.001))
    optimizer = frame[frame["axis"] == "parameters.optimizer"].set_index("component")
    assert optimizer.loc["run-b", "position"] == 0.0  # adam, first in sorted order
    assert optimizer.loc["run-a", "position"] == 1.0  # sgd, last
    line = layer_with(spec, "line")[0]
    assert line["encoding"]["detail"]["field"] == "component"
    assert spec["encoding"]["x"]["sort"] == axes


def test_parallel_coordinates_default_to_every_parameter_and_metric(
    vega_lite: Any, rows: list[dict[str, Any]]
) -> None:
    spec = build_summary_chart(
        rows, {"chart_type": "parallel", "components": ["run-a"], "statistic": "max"}
    )
    assert_valid(vega_lite, spec)
    assert spec["usermeta"]["smx_lab"]["fields"]["axes"] == [
        "parameters.epochs",
        "parameters.lr",
        "parameters.optimizer",
        "metrics.test:accuracy.max",
        "metrics.train:loss.max",
    ]


def test_parallel_coordinates_count_missing_values(
    vega_lite: Any, components: list[TrialComponent]
) -> None:
    rows = summary_rows([*components, TrialComponent("preprocess", parameters={"lr": 0.5})])
    spec = build_summary_chart(
        rows,
        {
            "chart_type": "parallel",
            "components": ["run-a"],
            "columns": ["parameters.lr", "metrics.test:accuracy.max"],
            "color": "trial",
        },
    )
    assert_valid(vega_lite, spec)
    assert spec["usermeta"]["smx_lab"]["missing"]["values"] == 1
    assert spec["title"]["subtitle"] == ["1 missing value left out"]
    (lookup,) = layer_with(spec, "line")[0]["transform"]
    colors = {entry["component"]: entry["color"] for entry in lookup["from"]["data"]["values"]}
    assert colors["run-a"] == "trial-1" and colors["preprocess"] == "(none)"


# --- parameter importance ---------------------------------------------------------------------


def test_importance_ranks_numeric_parameters_by_spearman_correlation(
    vega_lite: Any,
) -> None:
    rng = np.random.default_rng(7)
    runs = []
    for index in range(30):
        lr, dropout, seed = rng.uniform(0.001, 0.1), rng.uniform(0, 0.5), float(index % 4)
        accuracy = 0.5 + 3 * lr - 0.2 * dropout + rng.normal(0, 0.02)
        run = component(f"run-{index}", "t", lr, "sgd", [accuracy])
        run.parameters.update({"dropout": dropout, "seed": seed})
        runs.append(run)
    rows = summary_rows(runs)
    spec = build_summary_chart(
        rows, {"chart_type": "importance", "components": ["x"], "y": "metrics.test:accuracy.max"}
    )
    assert_valid(vega_lite, spec)
    frame = pd.DataFrame(rows)
    correlations = {row["parameter"]: row["correlation"] for row in spec["data"]["values"]}
    assert set(correlations) == {"parameters.lr", "parameters.dropout", "parameters.seed"}
    for parameter, value in correlations.items():
        expected = frame[parameter].corr(frame["metrics.test:accuracy.max"], method="spearman")
        assert value == pytest.approx(expected)
        assert value == pytest.approx(
            stats.spearmanr(frame[parameter], frame["metrics.test:accuracy.max"]).statistic
        )
    strongest = spec["data"]["values"][0]
    assert strongest["parameter"] == "parameters.lr" and strongest["correlation"] > 0.8
    skipped = spec["usermeta"]["smx_lab"]["missing"]["parameters"]
    assert skipped == {
        "parameters.optimizer": "not numeric",
        "parameters.epochs": ("fewer than 3 components or a constant value"),
    }


def test_importance_needs_a_numeric_metric(rows: list[dict[str, Any]]) -> None:
    with pytest.raises(ValidationError) as raised:
        build_summary_chart(
            rows,
            {"chart_type": "importance", "components": ["a"], "y": "metrics.not_logged.max"},
        )
    assert raised.value.field == "y"


# --- every chart type on an empty selection ----------------------------------------------------


@pytest.mark.parametrize(
    "request_body",
    [
        {"chart_type": "scatter", "x": "parameters.lr", "y": "metrics.acc.max"},
        {"chart_type": "line", "data_type": "summary", "x": "parameters.lr", "y": "metrics.acc"},
        {"chart_type": "bar", "y": "metrics.acc.max", "x": "parameters.optimizer"},
        {"chart_type": "histogram", "x": "metrics.acc.max"},
        {"chart_type": "box", "x": "status", "y": "metrics.acc.max"},
        {"chart_type": "parallel"},
        {"chart_type": "importance", "y": "metrics.acc.max"},
    ],
)
def test_every_summary_chart_of_no_components_is_a_valid_empty_chart(
    vega_lite: Any, request_body: dict[str, Any]
) -> None:
    spec = build_summary_chart([], {**request_body, "components": ["gone"]})
    assert_valid(vega_lite, spec)
    assert spec["data"]["values"] == []


def test_time_series_charts_zoom_on_x_and_say_how_to_ask_for_the_zoomed_range(
    vega_lite: Any, components: list[TrialComponent]
) -> None:
    timed = [Series("run-a", "loss", "time", [1_700_000_000.0, 1_700_000_060.0], [2, 1], 2, False)]
    spec = build_time_series_chart(
        timed, components[:1], {"chart_type": "line", "components": ["a"], "x_axis": "time"}
    )
    assert_valid(vega_lite, spec)
    (zoom,) = [p for layer in spec["layer"] for p in layer.get("params", []) if p["name"] == "zoom"]
    assert zoom["bind"] == "scales" and zoom["select"]["encodings"] == ["x"]
    # the spec's x is milliseconds; x_range is asked in the store's seconds
    assert spec["usermeta"]["smx_lab"]["zoom"] == {"param": "zoom", "x_range_factor": 0.001}
