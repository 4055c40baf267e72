"""Time-series charts: a line (or scatter) over step, wall time or relative time, one series per
component × metric, as the store reduced them."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from ..model import Series, TrialComponent
from .data import component_label, exponential_moving_average, trial_text, unique_labels
from .request import normalise_request
from .spec import (
    BASELINE_POINT_SIZE,
    BASELINE_STROKE_WIDTH,
    baseline_label,
    chart_spec,
    legend,
    plural,
    y_scale,
)

#: Wheel-zoom and drag-pan on x; the panel re-requests the visible x range so detail appears.
ZOOM_PARAM: dict[str, Any] = {
    "name": "zoom",
    "select": {"type": "interval", "encodings": ["x"]},
    "bind": "scales",
}
#: What the lookup table of a time-series spec says about each series (see build_time_series_chart).
SERIES_FIELDS = ["series", "component", "display_name", "trial", "metric", "baseline"]
X_TITLES = {"step": "step", "time": "wall time", "relative_time": "relative time (s)"}


def build_time_series_chart(
    series: Sequence[Series],
    components: Sequence[TrialComponent],
    request: dict[str, Any],
    *,
    origins: dict[str, float] | None = None,
) -> dict[str, Any]:
    """A line (or scatter) chart with one line per component × metric.

    For ``x_axis="relative_time"`` the series carry wall time (seconds since the epoch) and each
    component's x is shifted to start at its first point; ``origins`` gives that first point when
    the series are a zoomed window that no longer holds it.
    """
    request = normalise_request(request)
    x_axis = request["x_axis"]
    several_metrics = len({one.metric for one in series}) > 1
    starts = _starts(series, x_axis, origins)

    # Points carry only a series key, x and y; what each series is (component, trial, metric,
    # legend label) is stated once in a lookup table: a chart of 100,000 points stays a few MB.
    values, table, dropped_points = _points_and_table(
        series, components, request, starts, several_metrics
    )
    with_series = {one.component for one in series if one.x}
    names = [component.trial_component_name for component in components]
    missing_components = [name for name in dict.fromkeys(names) if name not in with_series]
    notes = _notes(missing_components, dropped_points, bool(request.get("log_y")))
    baseline = request.get("baseline")
    if baseline and baseline not in names:
        notes.append(f"baseline {baseline} is not among these components")

    metrics = list(dict.fromkeys(one.metric for one in series))
    y_title = metrics[0] if len(metrics) == 1 else "value"
    body = {
        "transform": [
            {
                "lookup": "key",
                "from": {"data": {"values": table}, "key": "key", "fields": SERIES_FIELDS},
            }
        ],
        **_time_series_body(request, values, y_title, several_metrics, len(table)),
    }
    meta = _meta(series, components, missing_components, dropped_points, x_axis, y_title)
    meta["baseline"] = baseline if baseline in names else None
    default_title = f"{', '.join(metrics) or 'metrics'} by {X_TITLES[x_axis]}"
    return chart_spec(request, default_title, values, body, meta, notes)


def _starts(
    series: Sequence[Series], x_axis: str, origins: dict[str, float] | None
) -> dict[str, float]:
    """Each component's first point on a relative-time axis: given, or the series' earliest x."""
    starts = dict(origins or {})
    if x_axis == "relative_time":
        for one in series:
            if one.x and one.component not in (origins or {}):
                starts[one.component] = min(starts.get(one.component, one.x[0]), min(one.x))
    return starts


def _points_and_table(
    series: Sequence[Series],
    components: Sequence[TrialComponent],
    request: dict[str, Any],
    starts: dict[str, float],
    several_metrics: bool,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    """The points of every series, the lookup table saying what each series is, and how many
    points were dropped (non-finite, or not positive on a log axis)."""
    x_axis = request["x_axis"]
    smoothing = float(request.get("smoothing", 0.0))
    log_y = bool(request.get("log_y"))
    by_name = {component.trial_component_name: component for component in components}
    labels = unique_labels(
        (c.trial_component_name, component_label(c), trial_text(c)) for c in components
    )
    baseline = request.get("baseline")
    if baseline in labels:
        labels[baseline] = baseline_label(labels[baseline])
    values: list[dict[str, Any]] = []
    table: list[dict[str, Any]] = []
    dropped_points = 0
    for key, one in enumerate(series):
        component = by_name.get(one.component)
        label = labels.get(one.component, one.component)
        table.append(
            {
                "key": key,
                "series": f"{label} · {one.metric}" if several_metrics else label,
                "component": one.component,
                "display_name": component_label(component) if component else one.component,
                "trial": (trial_text(component) if component else None) or "(none)",
                "metric": one.metric,
                "baseline": one.component == baseline,
            }
        )
        points = sorted(
            (x, y)
            for x, y in zip(one.x, one.y, strict=True)
            if math.isfinite(x) and math.isfinite(y) and (y > 0 or not log_y)
        )
        dropped_points += len(one.x) - len(points)
        origin = starts.get(one.component, 0.0)
        values.extend(_point_rows(key, points, x_axis, origin, smoothing))
    return values, table, dropped_points


def _point_rows(
    key: int, points: list[tuple[float, float]], x_axis: str, origin: float, smoothing: float
) -> list[dict[str, Any]]:
    if not smoothing:
        return [{"key": key, "x": _x_value(x, x_axis, origin), "value": y} for x, y in points]
    smoothed = exponential_moving_average([y for _, y in points], smoothing)
    return [
        {"key": key, "x": _x_value(x, x_axis, origin), "value": y, "smoothed": level}
        for (x, y), level in zip(points, smoothed, strict=True)
    ]


def _x_value(x: float, x_axis: str, origin: float) -> float:
    if x_axis == "time":
        return x * 1000.0  # Vega-Lite's temporal values are milliseconds since the epoch
    if x_axis == "relative_time":
        return x - origin
    return x


def _notes(missing_components: list[str], dropped_points: int, log_y: bool) -> list[str]:
    notes = []
    if missing_components:
        notes.append(f"{plural(len(missing_components), 'component')} without these metrics")
    if dropped_points:
        reason = "non-finite or non-positive (log scale)" if log_y else "non-finite"
        notes.append(f"{plural(dropped_points, 'point')} dropped: {reason}")
    return notes


def _meta(
    series: Sequence[Series],
    components: Sequence[TrialComponent],
    missing_components: list[str],
    dropped_points: int,
    x_axis: str,
    y_title: str,
) -> dict[str, Any]:
    return {
        "components": len(components),
        "missing": {"components": missing_components, "points": dropped_points},
        "series": [
            {
                "component": one.component,
                "metric": one.metric,
                "raw_count": one.raw_count,
                "reduced": one.reduced,
                "points": len(one.x),
            }
            for one in series
        ],
        "fields": {"x": X_TITLES[x_axis], "value": y_title, "series": "component"},
        # the panel listens to this signal and asks again with x_range = its x extent × factor
        "zoom": {"param": ZOOM_PARAM["name"], "x_range_factor": 0.001 if x_axis == "time" else 1},
    }


def _time_series_body(
    request: dict[str, Any],
    values: list[dict[str, Any]],
    y_title: str,
    several_metrics: bool,
    series_count: int,
) -> dict[str, Any]:
    x_axis = request["x_axis"]
    smoothing = bool(request.get("smoothing"))
    x: dict[str, Any] = {
        "field": "x",
        "type": "temporal" if x_axis == "time" else "quantitative",
        "title": X_TITLES[x_axis],
    }
    if x_axis != "time":
        x["scale"] = {"zero": False}
    scale = y_scale(request, [row["value"] for row in values])
    color = {
        "field": "series",
        "type": "nominal",
        "title": "component · metric" if several_metrics else "component",
        "legend": legend(series_count),
    }
    tooltip = _tooltip(x["type"], x_axis, smoothing)

    def y(field: str) -> dict[str, Any]:
        return {"field": field, "type": "quantitative", "title": y_title, "scale": scale}

    if request["chart_type"] == "scatter":
        mark = {"type": "point", "filled": True, "clip": True, "tooltip": True}
        encoding: dict[str, Any] = {"x": x, "y": y("value"), "color": color, "tooltip": tooltip}
        if request.get("baseline"):
            encoding["size"] = {
                "condition": {"test": "datum.baseline", "value": BASELINE_POINT_SIZE},
                "value": 30,
            }
        return {"params": [ZOOM_PARAM], "mark": mark, "encoding": encoding}
    layers = _line_layers(y, tooltip, smoothing)
    if request.get("baseline"):
        # the baseline's line again, thicker, on top of the others (under the hover points)
        layers.insert(
            -1,
            {
                "transform": [{"filter": "datum.baseline"}],
                "mark": {"type": "line", "clip": True, "strokeWidth": BASELINE_STROKE_WIDTH},
                "encoding": {"y": y("smoothed" if smoothing else "value")},
            },
        )
    return {"encoding": {"x": x, "color": color}, "layer": layers}


def _tooltip(x_type: str, x_axis: str, smoothing: bool) -> list[dict[str, Any]]:
    tooltip = [
        {"field": "display_name", "type": "nominal", "title": "component"},
        {"field": "trial", "type": "nominal", "title": "trial"},
        {"field": "metric", "type": "nominal", "title": "metric"},
        {"field": "x", "type": x_type, "title": X_TITLES[x_axis]},
        {"field": "value", "type": "quantitative", "title": "value"},
    ]
    if smoothing:
        tooltip.append(
            {"field": "smoothed", "type": "quantitative", "title": "smoothed", "format": ".4~g"}
        )
    return tooltip


def _line_layers(
    y: Callable[[str], dict[str, Any]], tooltip: list[dict[str, Any]], smoothing: bool
) -> list[dict[str, Any]]:
    layers: list[dict[str, Any]] = [
        {
            "params": [ZOOM_PARAM],
            # the raw line stays visible, faded, behind the smoothed one
            "mark": {"type": "line", "clip": True, **({"opacity": 0.25} if smoothing else {})},
            "encoding": {"y": y("value")},
        }
    ]
    if smoothing:
        layers.append({"mark": {"type": "line", "clip": True}, "encoding": {"y": y("smoothed")}})
    layers.append(hover_points(y("smoothed" if smoothing else "value"), tooltip))
    return layers


def hover_points(y: dict[str, Any], tooltip: list[dict[str, Any]]) -> dict[str, Any]:
    """Invisible points that light up nearest the pointer and carry the tooltip: a line mark alone
    cannot say which point the pointer is over."""
    return {
        "params": [
            {
                "name": "hover",
                "select": {
                    "type": "point",
                    "nearest": True,
                    "on": "mouseover",
                    "clear": "mouseout",
                },
            }
        ],
        "mark": {"type": "point", "filled": True, "clip": True},
        "encoding": {
            "y": y,
            "opacity": {"condition": {"param": "hover", "empty": False, "value": 1}, "value": 0},
            "tooltip": tooltip,
        },
    }
