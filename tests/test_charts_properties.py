"""Property tests: whatever the components hold (missing values, text where numbers were expected,
constant columns, one component or none), a chart either is valid Vega-Lite v5 with only finite
numbers in it, or the request is refused with a ValidationError naming a field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import altair
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smx_lab.charts import build_summary_chart, build_time_series_chart
from smx_lab.charts.data import summary_rows
from smx_lab.errors import ValidationError
from smx_lab.model import MetricSummary, Parent, Series, TrialComponent

_SCHEMA_PATH = Path(altair.__file__).parent / "vegalite" / "v5" / "schema" / "vega-lite-schema.json"
VEGA_LITE = jsonschema.Draft7Validator(json.loads(_SCHEMA_PATH.read_text()))

numbers = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
parameter_values = st.one_of(numbers, st.sampled_from(["sgd", "adam", "rmsprop"]))


@st.composite
def components(draw: st.DrawFn) -> list[TrialComponent]:
    made = []
    for index in range(draw(st.integers(min_value=0, max_value=8))):
        parameters = draw(
            st.dictionaries(st.sampled_from(["lr", "optimizer", "depth"]), parameter_values)
        )
        metrics = []
        for name in draw(st.sets(st.sampled_from(["acc", "loss"]))):
            low, high = sorted(draw(st.lists(numbers, min_size=2, max_size=2)))
            metrics.append(MetricSummary(name, 2, low, high, (low + high) / 2, 0.0, high))
        trials = draw(st.lists(st.sampled_from(["t1", "t2"]), max_size=2, unique=True))
        made.append(
            TrialComponent(
                f"run-{index}",
                parameters=parameters,
                metrics=metrics,
                parents=[Parent(trial, "e") for trial in trials],
            )
        )
    return made


columns = st.sampled_from(
    [
        "parameters.lr",
        "parameters.optimizer",
        "parameters.depth",
        "metrics.acc.max",
        "metrics.loss.min",
        "trial",
        "status",
        "display_name",
    ]
)


@st.composite
def summary_requests(draw: st.DrawFn) -> dict[str, Any]:
    chart_type = draw(
        st.sampled_from(["scatter", "line", "bar", "histogram", "box", "parallel", "importance"])
    )
    request: dict[str, Any] = {
        "chart_type": chart_type,
        "data_type": "summary",
        "components": ["x"],
    }
    for field in ("x", "y", "color"):
        if draw(st.booleans()):
            request[field] = draw(columns)
    if chart_type in ("scatter", "line"):
        request["log_y"] = draw(st.booleans())
        request["ignore_outliers"] = draw(st.booleans())
    if chart_type == "histogram":
        request["bins"] = draw(st.integers(min_value=2, max_value=50))
    return request


def assert_valid_vega_lite(spec: dict[str, Any]) -> None:
    error = jsonschema.exceptions.best_match(VEGA_LITE.iter_errors(spec))
    assert error is None, error.message
    json.dumps(spec, allow_nan=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(made=components(), request=summary_requests())
def test_summary_charts_are_valid_or_refused_with_a_field(
    made: list[TrialComponent], request: dict[str, Any]
) -> None:
    try:
        spec = build_summary_chart(summary_rows(made), request)
    except ValidationError as error:
        assert error.field in ("x", "y", "color", "columns", "data_type")
        return
    assert_valid_vega_lite(spec)
    meta = spec["usermeta"]["smx_lab"]
    assert meta["components"] == len(made)
    if request["chart_type"] in ("scatter", "bar", "histogram", "box"):
        # every component is either drawn or counted as left out, never lost silently
        drawn = {row["component"] for row in spec["data"]["values"]}
        left_out = set(meta["missing"]["components"])
        log_dropped = len(made) - len(drawn) - len(left_out)
        assert drawn | left_out <= {c.trial_component_name for c in made}
        assert log_dropped == 0 or request.get("log_y")


series_values = st.lists(
    st.one_of(numbers, st.just(float("nan")), st.just(float("inf"))), min_size=0, max_size=30
)


@settings(max_examples=100, deadline=None)
@given(
    ys=st.lists(series_values, min_size=1, max_size=4),
    smoothing=st.sampled_from([0.0, 0.5, 0.99]),
    log_y=st.booleans(),
    ignore_outliers=st.booleans(),
    x_axis=st.sampled_from(["step", "time", "relative_time"]),
)
def test_time_series_charts_stay_valid_whatever_the_points(
    ys: list[list[float]], smoothing: float, log_y: bool, ignore_outliers: bool, x_axis: str
) -> None:
    made = [TrialComponent(f"run-{index}") for index in range(len(ys))]
    series = [
        Series(
            f"run-{index}",
            "loss",
            "step",
            [1.7e9 + step for step in range(len(values))],
            values,
            len(values),
            False,
        )
        for index, values in enumerate(ys)
    ]
    request = {
        "chart_type": "line",
        "components": ["x"],
        "smoothing": smoothing,
        "log_y": log_y,
        "ignore_outliers": ignore_outliers,
        "x_axis": x_axis,
    }
    spec = build_time_series_chart(series, made, request)
    assert_valid_vega_lite(spec)
    drawn = len(spec["data"]["values"])
    assert drawn + spec["usermeta"]["smx_lab"]["missing"]["points"] == sum(len(v) for v in ys)


@pytest.mark.parametrize("chart_type", ["scatter", "bar", "box", "importance"])
def test_a_text_column_where_numbers_are_needed_is_refused_on_y(chart_type: str) -> None:
    rows = summary_rows([TrialComponent("a", parameters={"optimizer": "sgd", "lr": 0.1})])
    request = {
        "chart_type": chart_type,
        "components": ["a"],
        "x": "parameters.lr",
        "y": "parameters.optimizer",
    }
    if chart_type == "importance":
        request = {"chart_type": chart_type, "components": ["a"], "y": "metrics.acc.max"}
    if chart_type == "box":
        request["x"] = "trial"
    with pytest.raises(ValidationError) as raised:
        build_summary_chart(rows, request)
    assert raised.value.field == "y"
