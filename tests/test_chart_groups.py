"""Charts grouped by parameters or tags, and the baseline (docs/charts.md, *Groups and the
baseline*): through the REST ``chart`` route of a real Jupyter server on a real SQLite store, each
group line and band equal to a plain-Python computation from the points written, and a property
test of the same on random points."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smx_lab.charts import build_chart, chart_type_descriptions
from smx_lab.charts.data import exponential_moving_average
from smx_lab.errors import ValidationError
from smx_lab.model import MetricPoint, Status
from smx_lab.stores.local import LocalStore

if TYPE_CHECKING:
    from api_fixtures import Api

pytest_plugins = ["pytest_jupyter.jupyter_server", "api_fixtures"]

T0 = 1_700_000_000.0
#: The sweep: every seed of two optimizers, and a team tag; the points of each run differ in
#: which steps they have, so groups have a different number of members at different steps.
RUNS: dict[str, dict[str, Any]] = {
    f"{optimizer}-seed-{seed}": {
        "optimizer": optimizer,
        "seed": seed,
        "lr": lr,
        "team": "vision" if seed < 2 else "speech",
    }
    for optimizer, lr in (("adam", 0.001), ("sgd", 0.1))
    for seed in range(3)
}
BASELINE = "sgd-seed-0"


def written_points(name: str) -> list[MetricPoint]:
    """Each run's points, irregular on purpose: a run without the last steps, a step logged
    twice, points without a step, a wall clock of its own."""
    run = RUNS[name]
    scale = 1.0 if run["optimizer"] == "adam" else 1.6
    start = T0 + 1000 * run["seed"] + (0 if run["optimizer"] == "adam" else 300)
    steps = range(12 if run["seed"] == 2 else 20)
    points = [
        MetricPoint(
            "train:loss",
            scale / (step + 1) + 0.01 * run["seed"] * (step % 3),
            start + 7.0 * step + run["seed"],
            step,
        )
        for step in steps
    ]
    if name == "adam-seed-1":
        points.append(MetricPoint("train:loss", 0.2, start + 500, 5))  # step 5 again
    accuracy = 0.8 + 0.05 * run["seed"] + (0.02 if run["optimizer"] == "adam" else 0.0)
    points.append(MetricPoint("val:accuracy", accuracy, start + 200, None))
    points.append(MetricPoint("val:accuracy", accuracy + 0.01, start + 260, None))
    return points


def populate(store: Any) -> None:
    store.create_experiment("sweep")
    for name, run in RUNS.items():
        store.create_trial(f"trial-{name}", "sweep")
        store.create_trial_component(
            name, display_name=f"Training-{name}", tags={"team": run["team"]}
        )
        store.update_trial_component(
            name,
            status=Status("Completed" if run["seed"] != 1 else "Failed"),
            parameters={"optimizer": run["optimizer"], "seed": float(run["seed"]), "lr": run["lr"]},
        )
        store.log_metrics(name, written_points(name))
        store.associate_trial_component(name, f"trial-{name}")
    # a run of the sweep that logged nothing: in its group, without these metrics
    store.create_trial("trial-crashed", "sweep")
    store.create_trial_component("crashed", display_name="Training-crashed")
    store.update_trial_component("crashed", parameters={"optimizer": "adam", "seed": 9.0})
    store.associate_trial_component("crashed", "trial-crashed")


@pytest.fixture
def api_db_path(tmp_path: Path) -> Path:
    path = tmp_path / "sweep.sqlite"
    store = LocalStore(path)
    try:
        populate(store)
    finally:
        store.close()
    return path


# ---------------------------------------------------------------------------------------------
# The plain-Python computation the charts must equal (docs/charts.md, *Groups*)


def member_xy(points: Sequence[MetricPoint], metric: str, x_axis: str) -> list[tuple[float, float]]:
    """A member's points of ``metric`` as (x, value): its step (else its position among the
    metric's points), wall time, or seconds since its first point of the chart's metrics."""
    mine = [point for point in points if point.metric_name == metric]
    origin = min(point.timestamp for point in points)
    out = []
    for position, point in enumerate(mine):
        if x_axis == "step":
            x = float(point.step if point.step is not None else position)
        elif x_axis == "time":
            x = point.timestamp
        else:
            x = point.timestamp - origin
        out.append((x, point.value))
    return out


def aligned_x(
    every_x: list[float], x_axis: str, budget: int, x_range: Sequence[float] | None
) -> dict[float, float]:
    """Where each x lands: itself (few distinct steps), or its bucket."""
    if not every_x:
        return {}
    distinct = sorted(set(every_x))
    if x_axis == "step":
        if len(distinct) <= budget:
            return {x: x for x in distinct}
        low, high = distinct[0], distinct[-1]
        width = math.ceil((high - low + 1) / budget)
        return {x: low + ((x - low) // width) * width for x in distinct}
    low, high = (x_range[0], x_range[1]) if x_range else (distinct[0], distinct[-1])
    width = (high - low) / budget
    if width == 0:
        return {x: low for x in distinct}
    return {
        x: low + (min(max(math.floor((x - low) / width), 0), budget - 1) + 0.5) * width
        for x in distinct
    }


def reference_lines(
    points: dict[str, list[MetricPoint]],
    groups: dict[str, list[str]],
    metric: str,
    *,
    x_axis: str = "step",
    budget: int = 1000,
    band: str = "std",
    x_range: Sequence[float] | None = None,
) -> dict[str, list[dict[str, float | None]]]:
    """Per group label, per aligned x in order: the members' mean, sample std, min, max and count
    (each member first averaged at the aligned x)."""
    xy = {
        name: [
            (x, y)
            for x, y in member_xy(points[name], metric, x_axis)
            if x_range is None or x_range[0] <= x <= x_range[1]
        ]
        for members in groups.values()
        for name in members
    }
    where = aligned_x([x for pairs in xy.values() for x, _ in pairs], x_axis, budget, x_range)
    lines = {}
    for label, members in groups.items():
        at: dict[float, list[float]] = {}
        for name in members:
            mine: dict[float, list[float]] = {}
            for x, y in xy[name]:
                mine.setdefault(where[x], []).append(y)
            for x, ys in mine.items():
                at.setdefault(x, []).append(statistics.fmean(ys))
        rows = []
        for x in sorted(at):
            values = at[x]
            mean = statistics.fmean(values)
            std = statistics.stdev(values) if len(values) > 1 else None
            lower, upper = (
                (mean - (std or 0.0), mean + (std or 0.0))
                if band == "std"
                else (min(values), max(values))
            )
            rows.append(
                {
                    "x": x * 1000.0 if x_axis == "time" else x,
                    "value": mean,
                    "std": std,
                    "min": min(values),
                    "max": max(values),
                    "lower": lower,
                    "upper": upper,
                    "members": len(values),
                }
            )
        lines[label] = rows
    return lines


def drawn_lines(spec: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """A grouped line spec's rows per line label (its series), in x order."""
    (lookup,) = [step for step in spec["transform"] if "lookup" in step]
    series = {entry["key"]: entry["series"] for entry in lookup["from"]["data"]["values"]}
    lines: dict[str, list[dict[str, Any]]] = {}
    for row in spec["data"]["values"]:
        lines.setdefault(series[row["key"]], []).append(row)
    return {label: sorted(rows, key=lambda row: row["x"]) for label, rows in lines.items()}


def assert_lines_equal(
    drawn: dict[str, list[dict[str, Any]]],
    expected: dict[str, list[dict[str, Any]]],
    tolerance: float = 1e-12,
) -> None:
    assert set(drawn) == set(expected)
    for label, rows in expected.items():
        assert len(drawn[label]) == len(rows), label
        for got, want in zip(drawn[label], rows, strict=True):
            for field, value in want.items():
                if value is None:
                    assert got[field] is None, (label, field, got)
                else:
                    assert got[field] == pytest.approx(value, rel=1e-9, abs=tolerance), (
                        label,
                        field,
                    )


SWEEP_POINTS = {name: written_points(name) for name in RUNS}
BY_OPTIMIZER = {
    optimizer: [name for name, run in RUNS.items() if run["optimizer"] == optimizer]
    for optimizer in ("adam", "sgd")
}


def grouped_line(**fields: Any) -> dict[str, Any]:
    return {
        "chart_type": "line",
        "data_type": "time_series",
        "selection": {"experiments": ["sweep"]},
        "metrics": ["train:loss"],
        "group_by": ["parameters.optimizer"],
        **fields,
    }


def layers_with(spec: dict[str, Any], mark: str) -> list[dict[str, Any]]:
    def mark_type(layer: dict[str, Any]) -> str:
        one = layer.get("mark")
        return one if isinstance(one, str) else (one or {}).get("type", "")

    return [layer for layer in spec.get("layer", []) if mark_type(layer) == mark]


# ---------------------------------------------------------------------------------------------
# Line charts: one line per group, with its band


async def test_a_line_grouped_by_optimizer_draws_each_groups_mean_and_std_band_per_step(
    api: Api,
) -> None:
    spec = (await api.post("chart", grouped_line())).body

    assert_lines_equal(drawn_lines(spec), reference_lines(SWEEP_POINTS, BY_OPTIMIZER, "train:loss"))
    meta = spec["usermeta"]["smx_lab"]
    assert meta["group_by"] == ["parameters.optimizer"] and meta["band"] == "std"
    assert meta["groups"] == [
        {"key": ["adam"], "label": "adam", "members": 4},  # with the run that logged nothing
        {"key": ["sgd"], "label": "sgd", "members": 3},
    ]
    assert meta["missing"]["components"] == ["crashed"]
    assert "band: mean ± std" in spec["title"]["subtitle"]


async def test_the_band_is_drawn_as_an_area_from_lower_to_upper_under_the_mean_line(
    api: Api,
) -> None:
    spec = (await api.post("chart", grouped_line())).body

    (area,) = layers_with(spec, "area")
    assert area["encoding"]["y"]["field"] == "lower"
    assert area["encoding"]["y2"] == {"field": "upper"}
    lines = layers_with(spec, "line")
    assert lines[0]["encoding"]["y"]["field"] == "value"
    assert spec["encoding"]["color"]["field"] == "series"
    assert spec["encoding"]["color"]["title"] == "optimizer"
    assert "labelExpr" in spec["encoding"]["color"]["legend"]  # long names keep both ends


async def test_a_minmax_band_spans_the_members_lowest_to_highest_value(api: Api) -> None:
    spec = (await api.post("chart", grouped_line(band="minmax"))).body

    expected = reference_lines(SWEEP_POINTS, BY_OPTIMIZER, "train:loss", band="minmax")
    assert_lines_equal(drawn_lines(spec), expected)
    assert "band: min – max" in spec["title"]["subtitle"]


async def test_a_group_of_one_member_has_no_std_and_a_band_of_no_width(api: Api) -> None:
    request = grouped_line(group_by=["parameters.optimizer", "parameters.seed"])

    spec = (await api.post("chart", request)).body

    lines = drawn_lines(spec)
    assert set(lines) == {f"{run['optimizer']}, {run['seed']}" for run in RUNS.values()}
    for rows in lines.values():
        assert all(row["members"] == 1 and row["std"] is None for row in rows)
        assert all(row["lower"] == row["value"] == row["upper"] for row in rows)
    assert [row["x"] for row in lines["sgd, 2"]] == [float(step) for step in range(12)]


async def test_grouping_by_a_parameter_and_a_tag_joins_their_values_in_the_label(api: Api) -> None:
    request = grouped_line(group_by=["Parameters.optimizer", "Tags.team"])

    spec = (await api.post("chart", request)).body

    groups = {
        f"{optimizer}, {team}": [
            name
            for name, run in RUNS.items()
            if run["optimizer"] == optimizer and run["team"] == team
        ]
        for optimizer in ("adam", "sgd")
        for team in ("speech", "vision")
    }
    assert spec["usermeta"]["smx_lab"]["request"]["group_by"] == [
        "parameters.optimizer",
        "tags.team",
    ]
    expected = reference_lines(SWEEP_POINTS, groups, "train:loss")
    # "crashed" has no team: its group "adam, (none)" has no points, so no line
    assert_lines_equal(drawn_lines(spec), expected)
    labels = [group["label"] for group in spec["usermeta"]["smx_lab"]["groups"]]
    assert labels == ["adam, speech", "adam, vision", "adam, (none)", "sgd, speech", "sgd, vision"]


async def test_more_steps_than_max_points_are_averaged_in_equal_step_buckets(api: Api) -> None:
    spec = (await api.post("chart", grouped_line(max_points=6))).body

    expected = reference_lines(SWEEP_POINTS, BY_OPTIMIZER, "train:loss", budget=6)
    assert_lines_equal(drawn_lines(spec), expected)
    assert all(len(rows) <= 6 for rows in drawn_lines(spec).values())
    # 20 steps in buckets of ceil(20 / 6) = 4, drawn at each bucket's first step
    assert [row["x"] for row in drawn_lines(spec)["adam"]] == [0.0, 4.0, 8.0, 12.0, 16.0]
    assert "steps averaged in buckets of 4" in spec["title"]["subtitle"]


@pytest.mark.parametrize("x_axis", ["time", "relative_time"])
async def test_wall_time_groups_are_averaged_in_max_points_equal_time_buckets(
    api: Api, x_axis: str
) -> None:
    spec = (await api.post("chart", grouped_line(x_axis=x_axis, max_points=8))).body

    expected = reference_lines(SWEEP_POINTS, BY_OPTIMIZER, "train:loss", x_axis=x_axis, budget=8)
    assert_lines_equal(drawn_lines(spec), expected)


async def test_a_zoom_averages_only_the_points_in_range(api: Api) -> None:
    request = grouped_line(x_axis="relative_time", x_range=[20, 90], max_points=5)

    spec = (await api.post("chart", request)).body

    expected = reference_lines(
        SWEEP_POINTS,
        BY_OPTIMIZER,
        "train:loss",
        x_axis="relative_time",
        budget=5,
        x_range=[20, 90],
    )
    assert_lines_equal(drawn_lines(spec), expected)


async def test_smoothing_smooths_the_mean_line_and_leaves_the_band_raw(api: Api) -> None:
    spec = (await api.post("chart", grouped_line(smoothing=0.6))).body

    for label, rows in drawn_lines(spec).items():
        expected = exponential_moving_average([row["value"] for row in rows], 0.6)
        assert [row["smoothed"] for row in rows] == pytest.approx(expected), label
    assert_lines_equal(drawn_lines(spec), reference_lines(SWEEP_POINTS, BY_OPTIMIZER, "train:loss"))


async def test_points_without_a_step_align_on_their_position_in_logging_order(api: Api) -> None:
    spec = (await api.post("chart", grouped_line(metrics=["val:accuracy"]))).body

    expected = reference_lines(SWEEP_POINTS, BY_OPTIMIZER, "val:accuracy")
    assert_lines_equal(drawn_lines(spec), expected)
    assert [row["x"] for row in drawn_lines(spec)["adam"]] == [0.0, 1.0]


async def test_several_metrics_draw_a_line_per_group_and_metric(api: Api) -> None:
    request = grouped_line(metrics=["train:loss", "val:accuracy"])

    spec = (await api.post("chart", request)).body

    assert set(drawn_lines(spec)) == {
        "adam · train:loss",
        "sgd · train:loss",
        "adam · val:accuracy",
        "sgd · val:accuracy",
    }


# ---------------------------------------------------------------------------------------------
# Scatter, bar and box: the group is the colour


def summary(chart_type: str, **fields: Any) -> dict[str, Any]:
    return {
        "chart_type": chart_type,
        "data_type": "summary",
        "selection": {"experiments": ["sweep"]},
        "group_by": ["parameters.optimizer", "tags.team"],
        **fields,
    }


def expected_group(name: str) -> str:
    run = RUNS[name]
    return f"{run['optimizer']}, {run['team']}"


@pytest.mark.parametrize(
    "request_body",
    [
        summary("scatter", x="parameters.lr", y="metrics.val:accuracy.max"),
        summary("bar", y="metrics.val:accuracy.max"),
        summary("bar", x="parameters.seed", y="metrics.val:accuracy.max"),
        summary("box", x="status", y="metrics.val:accuracy.max"),
    ],
    ids=["scatter", "bar-per-component", "bar-per-seed", "box"],
)
async def test_summary_charts_colour_each_component_by_its_group_with_a_legend(
    api: Api, request_body: dict[str, Any]
) -> None:
    spec = (await api.post("chart", request_body)).body

    rows = spec["data"]["values"]
    assert {row["component"]: row["group"] for row in rows} == {
        name: expected_group(name) for name in RUNS
    }
    color = spec_color(spec)
    assert color["field"] == "group" and color["type"] == "nominal"
    assert color["title"] == "optimizer, team"
    assert "labelExpr" in color["legend"]  # long group names keep their two ends
    assert spec["usermeta"]["smx_lab"]["fields"]["group"] == "parameters.optimizer, tags.team"


def spec_color(spec: dict[str, Any]) -> dict[str, Any]:
    if "color" in spec.get("encoding", {}):
        return spec["encoding"]["color"]
    for layer in spec.get("layer", []):
        if "color" in layer.get("encoding", {}):
            return layer["encoding"]["color"]
    raise AssertionError("no color")


async def test_a_bar_per_group_puts_each_groups_bar_side_by_side(api: Api) -> None:
    request = summary("bar", x="parameters.seed", y="metrics.val:accuracy.max")

    spec = (await api.post("chart", request)).body

    assert spec["encoding"]["xOffset"] == {"field": "group"}


async def test_a_long_group_label_is_ellipsized_in_the_middle_by_the_legend(api: Api) -> None:
    request = summary("scatter", x="parameters.lr", y="metrics.val:accuracy.max")

    legend = (await api.post("chart", request)).body["encoding"]["color"]["legend"]

    assert "slice(datum.label, 0, 19) + '…' + slice(datum.label, -19)" in legend["labelExpr"]


# ---------------------------------------------------------------------------------------------
# The baseline, emphasised


def baseline_layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        layer
        for layer in spec.get("layer", [])
        if {"filter": "datum.baseline"} in layer.get("transform", [])
    ]


async def test_an_ungrouped_line_draws_the_baseline_thicker_and_names_it_in_the_legend(
    api: Api,
) -> None:
    request = {**grouped_line(baseline=BASELINE)}
    del request["group_by"]

    spec = (await api.post("chart", request)).body

    (layer,) = baseline_layers(spec)
    assert layer["mark"]["type"] == "line" and layer["mark"]["strokeWidth"] > 2
    (lookup,) = [step for step in spec["transform"] if "lookup" in step]
    table = lookup["from"]["data"]["values"]
    assert [entry["series"] for entry in table if entry["baseline"]] == [
        "baseline: Training-sgd-seed-0"
    ]
    assert spec["usermeta"]["smx_lab"]["baseline"] == BASELINE


async def test_a_grouped_line_draws_the_baseline_own_line_dashed_over_the_groups(
    api: Api,
) -> None:
    spec = (await api.post("chart", grouped_line(baseline=BASELINE))).body

    (layer,) = baseline_layers(spec)
    assert layer["mark"]["strokeDash"] and layer["mark"]["strokeWidth"] > 2
    lines = drawn_lines(spec)
    expected = reference_lines(
        SWEEP_POINTS,
        {**BY_OPTIMIZER, "baseline: Training-sgd-seed-0": [BASELINE]},
        "train:loss",
    )
    assert_lines_equal(lines, expected)
    # the groups still hold every member, the baseline among them
    assert spec["usermeta"]["smx_lab"]["groups"][1]["members"] == 3


@pytest.mark.parametrize(
    "request_body",
    [
        summary("scatter", x="parameters.lr", y="metrics.val:accuracy.max"),
        summary("box", x="status", y="metrics.val:accuracy.max"),
    ],
    ids=["scatter", "box"],
)
async def test_the_baseline_point_is_ringed_and_labelled(
    api: Api, request_body: dict[str, Any]
) -> None:
    spec = (await api.post("chart", {**request_body, "baseline": BASELINE})).body

    ring, text = baseline_layers(spec)
    assert ring["mark"]["type"] == "point" and ring["mark"]["filled"] is False
    assert ring["mark"]["size"] > 100
    assert text["encoding"]["text"] == {"value": "baseline"}
    flagged = [row["component"] for row in spec["data"]["values"] if row["baseline"]]
    assert flagged == [BASELINE]
    assert {"field": "role", "type": "nominal", "title": "role"} in spec_tooltip(spec)


def spec_tooltip(spec: dict[str, Any]) -> list[dict[str, Any]]:
    for encoding in [spec.get("encoding", {})] + [one.get("encoding", {}) for one in spec["layer"]]:
        if "tooltip" in encoding:
            return list(encoding["tooltip"])
    raise AssertionError("no tooltip")


async def test_a_bar_per_component_keeps_the_baseline_opaque_and_fades_the_others(
    api: Api,
) -> None:
    request = summary("bar", y="metrics.val:accuracy.max", baseline=BASELINE)

    spec = (await api.post("chart", request)).body

    assert spec["encoding"]["opacity"]["condition"] == {"test": "datum.baseline", "value": 1}
    (text,) = baseline_layers(spec)
    assert text["encoding"]["text"] == {"value": "baseline"}


async def test_a_bar_of_group_means_draws_a_rule_at_the_baseline_value(api: Api) -> None:
    request = summary("bar", x="parameters.seed", y="metrics.val:accuracy.max", baseline=BASELINE)

    spec = (await api.post("chart", request)).body

    rule, text = baseline_layers(spec)
    assert rule["mark"]["type"] == "rule" and rule["encoding"]["y"]["field"] == "y"
    assert "x" not in rule["encoding"]  # across the whole chart
    assert text["encoding"]["text"] == {"value": "baseline"}


async def test_parallel_coordinates_draw_the_baseline_line_thicker(api: Api) -> None:
    request = {
        "chart_type": "parallel",
        "selection": {"experiments": ["sweep"]},
        "columns": ["parameters.lr", "metrics.val:accuracy.max"],
        "baseline": BASELINE,
    }

    spec = (await api.post("chart", request)).body

    (layer,) = [
        layer
        for layer in spec["layer"]
        if {"filter": "datum.baseline"} in layer.get("transform", [])
    ]
    assert layer["mark"]["strokeWidth"] > 2


async def test_a_baseline_that_is_not_drawn_is_ignored_with_a_note(api: Api) -> None:
    request = summary(
        "scatter", x="parameters.lr", y="metrics.val:accuracy.max", baseline="not-in-sweep"
    )

    spec = (await api.post("chart", request)).body

    assert baseline_layers(spec) == []
    assert "baseline not-in-sweep is not among these components" in spec["title"]["subtitle"]
    assert spec["usermeta"]["smx_lab"]["baseline"] is None


# ---------------------------------------------------------------------------------------------
# Bad requests name the field and the rule


@pytest.mark.parametrize(
    ("request_body", "field", "rule"),
    [
        ({"chart_type": "histogram", "x": "trial", "group_by": ["trial"]}, "group_by",
         "not used by histogram charts"),
        ({"chart_type": "scatter", "data_type": "time_series", "group_by": ["trial"]}, "group_by",
         "not used by time series scatter charts"),
        ({"chart_type": "line", "group_by": ["parameters.a", "tags.b", "trial", "status"]},
         "group_by", "groups by at most 3 columns"),
        ({"chart_type": "line", "group_by": ["metrics.loss.max"]}, "group_by[0]",
         "groups by parameters.<name>, tags.<key>, trial, experiment or status"),
        ({"chart_type": "line", "group_by": ["trial", "name"]}, "group_by[1]",
         "groups by parameters.<name>, tags.<key>, trial, experiment or status"),
        ({"chart_type": "line", "band": "std"}, "band",
         "applies with group_by only (a band spans a group)"),
        ({"chart_type": "scatter", "band": "std"}, "band", "applies to line charts only"),
        ({"chart_type": "scatter", "x": "parameters.lr", "y": "metrics.a.max",
          "group_by": ["trial"], "color": "status"}, "color",
         "the group colours the chart: give color or group_by"),
        ({"chart_type": "importance", "y": "metrics.a.max", "baseline": "a"}, "baseline",
         "not used by importance charts"),
    ],
)  # fmt: skip
async def test_a_bad_group_request_is_400_naming_the_field_and_the_rule(
    api: Api, request_body: dict[str, Any], field: str, rule: str
) -> None:
    body = {"selection": {"experiments": ["sweep"]}, **request_body}

    error = (await api.post("chart", body, expect=400)).body

    assert (error["field"], error["message"]) == (field, f"{field}: {rule}")


async def test_a_misspelt_group_column_is_400_with_close_matches(api: Api) -> None:
    body = {"chart_type": "line", "selection": {"experiments": ["sweep"]}, "group_by": ["statu"]}

    error = (await api.post("chart", body, expect=400)).body

    assert error["field"] == "group_by[0]" and "did you mean status" in error["message"]


async def test_info_describes_which_charts_read_group_by_band_and_baseline(api: Api) -> None:
    info = (await api.get("info")).body

    fields = {
        (one["chart_type"], data_type): set(listed)
        for one in info["chart_types"]
        for data_type, listed in one["fields"].items()
    }
    grouped = {key for key, listed in fields.items() if "group_by" in listed}
    assert grouped == {
        ("line", "time_series"),
        ("scatter", "summary"),
        ("bar", "summary"),
        ("box", "summary"),
    }
    assert {key for key, listed in fields.items() if "band" in listed} == {("line", "time_series")}
    assert {key for key, listed in fields.items() if "baseline" not in listed} == {
        ("histogram", "summary"),
        ("importance", "summary"),
    }
    assert info["chart_types"] == chart_type_descriptions()


# ---------------------------------------------------------------------------------------------
# Property: any points, any groups — the lines equal the plain-Python computation


def test_many_groups_draw_the_largest_and_say_how_many_are_left_out(tmp_path: Path) -> None:
    from smx_lab.charts import group_lines

    store = LocalStore(tmp_path / "many.sqlite")
    try:
        store.create_experiment("wide")
        store.create_trial("wide-trial", "wide")
        for index in range(group_lines.MAX_GROUP_LINES + 3):
            name = f"run-{index}"
            store.create_trial_component(name)
            store.update_trial_component(name, parameters={"index": float(index)})
            store.log_metrics(name, [MetricPoint("loss", 1.0, T0, 0)])
            store.associate_trial_component(name, "wide-trial")
        spec = build_chart(
            store,
            {"chart_type": "line", "experiment": "wide", "group_by": ["parameters.index"]},
        )
    finally:
        store.close()
    meta = spec["usermeta"]["smx_lab"]
    assert len(meta["groups"]) == group_lines.MAX_GROUP_LINES
    assert meta["groups_total"] == group_lines.MAX_GROUP_LINES + 3
    assert (
        f"the 50 largest of {group_lines.MAX_GROUP_LINES + 3} groups drawn"
        in (spec["title"]["subtitle"])
    )


_values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, width=32)
_member_points = st.lists(
    st.tuples(st.one_of(st.none(), st.integers(0, 40)), st.floats(0, 500, width=32), _values),
    min_size=0,
    max_size=25,
)
_world = st.lists(
    st.tuples(st.sampled_from(["a", "b", "c"]), _member_points), min_size=1, max_size=6
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    world=_world,
    x_axis=st.sampled_from(["step", "time", "relative_time"]),
    budget=st.integers(2, 30),
    band=st.sampled_from(["std", "minmax"]),
)
def test_group_lines_equal_a_plain_python_computation_for_any_points(
    tmp_path_factory: pytest.TempPathFactory,
    world: list[tuple[str, list[tuple[int | None, float, float]]]],
    x_axis: str,
    budget: int,
    band: str,
) -> None:
    store = LocalStore(tmp_path_factory.mktemp("groups") / "random.sqlite")
    points: dict[str, list[MetricPoint]] = {}
    groups: dict[str, list[str]] = {}
    try:
        store.create_experiment("random")
        store.create_trial("random-trial", "random")
        for index, (group, member_points) in enumerate(world):
            name = f"run-{index}"
            store.create_trial_component(name)
            store.update_trial_component(name, parameters={"group": group})
            store.associate_trial_component(name, "random-trial")
            points[name] = [
                MetricPoint("m", float(value), T0 + float(time), step)
                for step, time, value in member_points
            ]
            if points[name]:
                store.log_metrics(name, points[name])
            groups.setdefault(group, []).append(name)
        request = {
            "chart_type": "line",
            "experiment": "random",
            "group_by": ["parameters.group"],
            "x_axis": x_axis,
            "max_points": budget,
            "band": band,
        }
        spec = build_chart(store, request)
    finally:
        store.close()
    with_points = {
        label: [name for name in members if points[name]] for label, members in groups.items()
    }
    expected = reference_lines(points, with_points, "m", x_axis=x_axis, budget=budget, band=band)
    if not any(points.values()):
        assert spec["data"]["values"] == []
        return
    # sums of values up to 1e6 in another order: equal to a few ulps of 1e6
    assert_lines_equal(drawn_lines(spec), {k: v for k, v in expected.items() if v}, 1e-6)
    assert all(len(rows) <= budget for rows in drawn_lines(spec).values())


def test_the_python_api_refuses_a_band_without_group_by() -> None:
    request = {"chart_type": "line", "components": ["a"], "band": "std"}

    with pytest.raises(ValidationError) as raised:
        build_chart(LocalStore(":memory:"), request)

    assert raised.value.field == "band"


# ---------------------------------------------------------------------------------------------
# Rendered by the real Vega-Lite and Vega: no warnings, and the marks drawn

RENDERED_REQUESTS: dict[str, dict[str, Any]] = {
    "grouped-line": grouped_line(baseline=BASELINE),
    "grouped-line-smoothed-minmax": grouped_line(smoothing=0.5, band="minmax", log_y=True),
    "grouped-line-time": grouped_line(x_axis="time", max_points=10),
    "line-baseline": {
        "chart_type": "line",
        "experiment": "sweep",
        "metrics": ["train:loss"],
        "baseline": BASELINE,
    },
    "scatter-groups-baseline": summary(
        "scatter", x="parameters.lr", y="metrics.val:accuracy.max", baseline=BASELINE
    ),
    "line-summary-baseline": {
        "chart_type": "line",
        "data_type": "summary",
        "experiment": "sweep",
        "x": "parameters.seed",
        "y": "metrics.val:accuracy.max",
        "color": "parameters.optimizer",
        "baseline": BASELINE,
    },
    "scatter-time-series-baseline": {
        "chart_type": "scatter",
        "data_type": "time_series",
        "experiment": "sweep",
        "metrics": ["train:loss"],
        "baseline": BASELINE,
    },
    "bar-baseline": summary("bar", y="metrics.val:accuracy.max", baseline=BASELINE),
    "bar-means-baseline": summary(
        "bar", x="parameters.seed", y="metrics.val:accuracy.max", baseline=BASELINE
    ),
    "box-baseline": summary("box", x="status", y="metrics.val:accuracy.max", baseline=BASELINE),
    "parallel-baseline": {
        "chart_type": "parallel",
        "experiment": "sweep",
        "columns": ["parameters.lr", "metrics.val:accuracy.max"],
        "baseline": BASELINE,
    },
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    from test_charts_render import HEADLESS_ONLY_WARNINGS, ROOT, render

    if not (ROOT / "node_modules" / "vega-lite").is_dir():
        pytest.skip("needs the frontend's node_modules (jlpm install)")
    store = LocalStore(tmp_path_factory.mktemp("render") / "sweep.sqlite")
    try:
        populate(store)
        specs = {name: build_chart(store, request) for name, request in RENDERED_REQUESTS.items()}
    finally:
        store.close()
    results = render(specs)
    for result in results.values():
        result["warnings"] = [w for w in result["warnings"] if w not in HEADLESS_ONLY_WARNINGS]
    return results


@pytest.mark.parametrize("name", list(RENDERED_REQUESTS))
def test_grouped_and_baseline_charts_render_without_warnings(
    rendered: dict[str, dict[str, Any]], name: str
) -> None:
    assert rendered[name]["warnings"] == []
    assert rendered[name]["svg"] > 0


def test_a_grouped_line_renders_a_band_and_a_line_per_group_and_the_baseline(
    rendered: dict[str, dict[str, Any]],
) -> None:
    marks = rendered["grouped-line"]["marks"]
    areas = [mark for mark in marks if mark["type"] == "area"]
    lines = [mark for mark in marks if mark["type"] == "line"]
    assert len(areas) == 2  # one band per optimizer
    assert len(lines) == 3  # a mean line per optimizer, the baseline's own line


def test_the_baseline_point_renders_a_ring_and_its_name(
    rendered: dict[str, dict[str, Any]],
) -> None:
    marks = rendered["scatter-groups-baseline"]["marks"]
    assert [mark["items"] for mark in marks if mark["type"] == "symbol"] == [6, 1]
    assert [mark["items"] for mark in marks if mark["type"] == "text"] == [1]
