"""Vega-Lite v5 specs for every chart smx-lab draws: the one definition of each chart type.

The REST ``chart`` route serves these specs to the panel (rendered with vega-embed, in the theme's
colors) and the magics display them as ``application/vnd.vegalite.v5+json``, so a chart is the same
chart in both places. Data is always inlined; ``config`` is left to the caller.

A chart request (:data:`CHART_REQUEST_SCHEMA`) is checked by :func:`validate_chart_request`;
:func:`build_chart` resolves its components through a store and calls the pure builders
:func:`build_summary_chart` and :func:`build_time_series_chart`.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from typing import Any

import jsonschema

from .chart_data import (
    Column,
    ColumnError,
    canonical_statistic,
    component_label,
    exponential_moving_average,
    is_missing,
    is_number,
    is_numeric_column,
    normalise,
    outlier_free_domain,
    parse_column,
    spearman_correlation,
    summary_rows,
    trial_text,
    unique_labels,
    value_columns,
)
from .errors import ValidationError
from .model import SUMMARY_STATISTICS, Page, Series, SeriesQuery, TrialComponent, XAxis
from .query import parse_query, validate_expression
from .stores.base import DEFAULT_MAX_POINTS, Store
from .stores.collect import collect_pages, components_by_name

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
CHART_TYPES = ("line", "scatter", "bar", "histogram", "box", "parallel", "importance")
DATA_TYPES = ("time_series", "summary")
X_AXES = ("step", "time", "relative_time")

#: Which data types each chart type draws; the first is the default.
CHART_DATA_TYPES: dict[str, tuple[str, ...]] = {
    "line": ("time_series", "summary"),
    "scatter": ("summary", "time_series"),
    "bar": ("summary",),
    "histogram": ("summary",),
    "box": ("summary",),
    "parallel": ("summary",),
    "importance": ("summary",),
}

#: Components one request may name (a search, an experiment or a trial brings any number).
MAX_NAMED_COMPONENTS = 100_000
MAX_POINTS_LIMIT = 10000
#: Points one time-series chart may carry in all; many series share it (see _fetch_series).
MAX_TOTAL_POINTS = 100_000
DEFAULT_BINS = 20
DEFAULT_STATISTIC = "Last"
DEFAULT_WIDTH = 480
DEFAULT_HEIGHT = 300
_SELECTORS = ("components", "search", "experiment", "trial")

_NAME = {"type": "string", "minLength": 1, "maxLength": 255}
_COLUMN = {
    "type": "string",
    "minLength": 1,
    "maxLength": 512,
    "description": "parameters.<name>, metrics.<name>.<statistic>, name, display_name, trial, "
    "experiment or status",
}

_FIELDS: dict[str, Any] = {
    "chart_type": {"type": "string", "enum": list(CHART_TYPES)},
    "data_type": {"type": "string", "enum": list(DATA_TYPES)},
    "components": {"type": "array", "items": _NAME, "minItems": 1, "maxItems": MAX_NAMED_COMPONENTS},
    "search": {
        "type": "object",
        "description": "typed query text or a SageMaker SearchExpression, exactly one",
        "properties": {
            "query": {"type": "string", "minLength": 1},
            "search_expression": {"type": "object"},
        },
        "additionalProperties": False,
        "minProperties": 1,
        "maxProperties": 1,
    },
    "experiment": _NAME,
    "trial": _NAME,
    "x": _COLUMN,
    "y": _COLUMN,
    "color": _COLUMN,
    "columns": {"type": "array", "items": _COLUMN, "minItems": 2, "maxItems": 100},
    "metrics": {"type": "array", "items": _NAME, "minItems": 1, "maxItems": 100},
    "x_axis": {"type": "string", "enum": list(X_AXES)},
    "smoothing": {"type": "number", "minimum": 0, "maximum": 0.99},
    "log_y": {"type": "boolean"},
    "ignore_outliers": {"type": "boolean"},
    "max_points": {"type": "integer", "minimum": 2, "maximum": MAX_POINTS_LIMIT},
    "x_range": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
    "bins": {"type": "integer", "minimum": 1, "maximum": 200},
    "statistic": {
        "type": "string",
        "enum": [*SUMMARY_STATISTICS, *(s.lower() for s in SUMMARY_STATISTICS)],
    },
    "title": {"type": "string", "maxLength": 200},
    "width": {"type": "integer", "minimum": 50, "maximum": 4000},
    "height": {"type": "integer", "minimum": 50, "maximum": 4000},
}

_FIELDS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": _FIELDS,
    "required": ["chart_type"],
    "additionalProperties": False,
}

#: JSON schema of a chart request (OpenAPI 3.0 compatible subset). docs/charts.md explains it.
CHART_REQUEST_SCHEMA: dict[str, Any] = {
    "title": "ChartRequest",
    **_FIELDS_SCHEMA,
    "oneOf": [{"required": [selector]} for selector in _SELECTORS],
}

# Fields that only some charts read; anything else given to another chart is a mistake to report.
_TIME_SERIES_ONLY = ("metrics", "x_axis", "max_points", "x_range", "smoothing")
_SUMMARY_ONLY = ("x", "y", "color", "columns", "statistic")
_FIELD_CHARTS: dict[str, tuple[str, ...]] = {
    "smoothing": ("line",),
    "log_y": ("line", "scatter"),
    "ignore_outliers": ("line", "scatter"),
    "bins": ("histogram",),
    "columns": ("parallel", "importance"),
}

_FIELDS_SCHEMA_VALIDATOR = jsonschema.Draft202012Validator(_FIELDS_SCHEMA)


# ---------------------------------------------------------------------------------------------
# Validation


def validate_chart_request(request: Any) -> dict[str, Any]:
    """A normalised copy of a chart request (defaults filled, columns in their alias spelling,
    statistic capitalised), or :class:`ValidationError` naming the field and the rule."""
    if not isinstance(request, dict):
        raise ValidationError("request", "must be a JSON object")
    given = [selector for selector in _SELECTORS if selector in request]
    if len(given) != 1:
        raise ValidationError(
            "components",
            "give exactly one of components, search, experiment or trial"
            + (f" (got {', '.join(given)})" if given else ""),
        )
    return _normalise(request)


def _normalise(request: Any) -> dict[str, Any]:
    if not isinstance(request, dict):
        raise ValidationError("request", "must be a JSON object")
    _check_schema(request)
    out = copy.deepcopy(request)
    chart_type = out["chart_type"]
    data_types = CHART_DATA_TYPES[chart_type]
    data_type = out.setdefault("data_type", data_types[0])
    if data_type not in data_types:
        raise ValidationError("data_type", f"{chart_type} draws {' or '.join(data_types)} data")
    if data_type == "time_series" and out.get("x") in X_AXES and "x_axis" not in out:
        # "x": "step" reads naturally for a time series; it names the x axis, not a column
        out["x_axis"] = out.pop("x")
    for field, charts in _FIELD_CHARTS.items():
        if field in out and chart_type not in charts:
            raise ValidationError(field, f"applies to {' and '.join(charts)} charts only")
    wrong_data = _TIME_SERIES_ONLY if data_type == "summary" else _SUMMARY_ONLY
    for field in wrong_data:
        if field in out:
            raise ValidationError(field, f"not used by {data_type.replace('_', ' ')} charts")
    if data_type == "time_series":
        _normalise_time_series(out)
    else:
        _normalise_summary(out)
    if chart_type in ("line", "scatter"):
        out.setdefault("log_y", False)
        out.setdefault("ignore_outliers", False)
    if chart_type == "histogram":
        out.setdefault("bins", DEFAULT_BINS)
    return out


def _check_schema(request: dict[str, Any]) -> None:
    error = jsonschema.exceptions.best_match(_FIELDS_SCHEMA_VALIDATOR.iter_errors(request))
    if error is None:
        return
    path = _path_text(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {})
        unknown = sorted(key for key in error.instance if key not in known)
        field = _join(path, unknown[0] if unknown else "")
        raise ValidationError(field, f"unknown field; expected one of {', '.join(known)}")
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [key for key in error.validator_value if key not in error.instance]
        raise ValidationError(_join(path, missing[0]), "is required")
    raise ValidationError(path or "request", error.message)


def _path_text(path: Sequence[Any]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else ("." if text else "") + str(part)
    return text


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _normalise_time_series(out: dict[str, Any]) -> None:
    out.setdefault("x_axis", "step")
    out.setdefault("max_points", DEFAULT_MAX_POINTS)
    # Python's JSON reader takes NaN, and NaN passes every minimum/maximum check
    if not math.isfinite(out.get("smoothing", 0.0)):
        raise ValidationError("smoothing", "must be a number from 0 to 0.99")
    if out["chart_type"] == "line":
        out.setdefault("smoothing", 0.0)
    if "x_range" in out:
        low, high = out["x_range"]
        if not (math.isfinite(low) and math.isfinite(high) and low < high):
            raise ValidationError("x_range", "must be [low, high] with finite low < high")
    if "metrics" in out:
        out["metrics"] = list(dict.fromkeys(out["metrics"]))


def _normalise_summary(out: dict[str, Any]) -> None:
    chart_type = out["chart_type"]
    statistic = canonical_statistic(out.get("statistic", DEFAULT_STATISTIC))
    out["statistic"] = statistic
    columns: dict[str, Column] = {
        field: _column(out, field, statistic) for field in ("x", "y", "color") if field in out
    }
    if "columns" in out:
        parsed = [_column_at(out, index, statistic) for index in range(len(out["columns"]))]
        out["columns"] = list(dict.fromkeys(column.alias for column in parsed))
        if chart_type == "importance" and any(column.kind != "parameter" for column in parsed):
            raise ValidationError(
                "columns", "importance ranks parameters: give parameters.<name> only"
            )
        if chart_type == "parallel" and any(not column.is_value for column in parsed):
            raise ValidationError("columns", "parallel axes are parameters or metric statistics")
    for field, column in columns.items():
        out[field] = column.alias

    def need(field: str, rule: str, ok: Any) -> None:
        column = columns.get(field)
        if column is None or not ok(column):
            raise ValidationError(field, rule)

    def is_value(column: Column) -> bool:
        return column.is_value

    if chart_type in ("scatter", "line"):
        need("x", f"{chart_type} needs a parameter or metric statistic", is_value)
        need("y", f"{chart_type} needs a parameter or metric statistic", is_value)
    elif chart_type == "bar":
        need("y", "bar needs a parameter or metric statistic", is_value)
    elif chart_type == "histogram":
        need("x", "histogram needs a column to count", lambda column: True)
    elif chart_type == "box":
        need("y", "box needs a parameter or metric statistic", is_value)
        need("x", "box groups by a parameter, trial, experiment or status", _is_grouping)
    elif chart_type == "importance":
        need("y", "importance needs a metric statistic", lambda column: column.kind == "metric")
    if chart_type in ("parallel", "importance") and "x" in columns:
        raise ValidationError("x", f"not used by {chart_type} charts (give columns)")
    if chart_type == "importance" and "color" in columns:
        raise ValidationError("color", "not used by importance charts")


def _is_grouping(column: Column) -> bool:
    return column.kind == "parameter" or column.name in ("trial", "experiment", "status")


def _column(request: dict[str, Any], field: str, statistic: str) -> Column:
    try:
        return parse_column(request[field], statistic)
    except ColumnError as error:
        raise ValidationError(field, str(error)) from None


def _column_at(request: dict[str, Any], index: int, statistic: str) -> Column:
    try:
        return parse_column(request["columns"][index], statistic)
    except ColumnError as error:
        raise ValidationError(f"columns[{index}]", str(error)) from None


# ---------------------------------------------------------------------------------------------
# Spec scaffolding shared by every chart


def _spec(
    request: dict[str, Any],
    default_title: str,
    values: list[dict[str, Any]],
    body: dict[str, Any],
    meta: dict[str, Any],
    notes: list[str],
) -> dict[str, Any]:
    title: dict[str, Any] = {"text": request.get("title") or default_title}
    if notes:
        title["subtitle"] = notes
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": title,
        "width": request.get("width", DEFAULT_WIDTH),
        "height": request.get("height", DEFAULT_HEIGHT),
        "data": {"values": values},
        **body,
        "usermeta": {
            "smx_lab": {
                "chart_type": request["chart_type"],
                "data_type": request["data_type"],
                "request": request,
                **meta,
            }
        },
    }


def _y_scale(request: dict[str, Any], values: list[float]) -> dict[str, Any]:
    # a log scale never includes zero; saying so makes Vega-Lite warn
    scale: dict[str, Any] = {"type": "log"} if request.get("log_y") else {"zero": False}
    if request.get("ignore_outliers"):
        domain = outlier_free_domain(values, log_scale=bool(request.get("log_y")))
        if domain is not None:
            scale["domain"] = list(domain)
    return scale


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# ---------------------------------------------------------------------------------------------
# Time series: line and scatter over step, wall time or relative time


#: Wheel-zoom and drag-pan on x; the panel re-requests the visible x range so detail appears.
ZOOM_PARAM: dict[str, Any] = {
    "name": "zoom",
    "select": {"type": "interval", "encodings": ["x"]},
    "bind": "scales",
}
#: What the lookup table of a time-series spec says about each series (see build_time_series_chart).
SERIES_FIELDS = ["series", "component", "display_name", "trial", "metric"]
_X_TITLES = {"step": "step", "time": "wall time", "relative_time": "relative time (s)"}


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
    request = _normalise(request)
    x_axis = request["x_axis"]
    smoothing = float(request.get("smoothing", 0.0))
    log_y = bool(request.get("log_y"))
    by_name = {component.trial_component_name: component for component in components}
    labels = unique_labels((c.trial_component_name, component_label(c)) for c in components)
    several_metrics = len({one.metric for one in series}) > 1
    starts = dict(origins or {})
    if x_axis == "relative_time":
        for one in series:
            if one.x and one.component not in (origins or {}):
                starts[one.component] = min(starts.get(one.component, one.x[0]), min(one.x))

    # Points carry only a series key, x and y; what each series is (component, trial, metric,
    # legend label) is stated once in a lookup table: a chart of 100,000 points stays a few MB.
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
            }
        )
        points = sorted(
            (x, y)
            for x, y in zip(one.x, one.y, strict=True)
            if math.isfinite(x) and math.isfinite(y) and (y > 0 or not log_y)
        )
        dropped_points += len(one.x) - len(points)
        origin = starts.get(one.component, 0.0)
        if smoothing:
            smoothed = exponential_moving_average([y for _, y in points], smoothing)
            values.extend(
                {"key": key, "x": _x_value(x, x_axis, origin), "value": y, "smoothed": level}
                for (x, y), level in zip(points, smoothed, strict=True)
            )
        else:
            values.extend(
                {"key": key, "x": _x_value(x, x_axis, origin), "value": y} for x, y in points
            )

    with_series = {one.component for one in series if one.x}
    missing_components = [name for name in by_name if name not in with_series]
    notes = []
    if missing_components:
        notes.append(f"{_plural(len(missing_components), 'component')} without these metrics")
    if dropped_points:
        reason = "non-finite or non-positive (log scale)" if log_y else "non-finite"
        notes.append(f"{_plural(dropped_points, 'point')} dropped: {reason}")

    metrics = list(dict.fromkeys(one.metric for one in series))
    y_title = metrics[0] if len(metrics) == 1 else "value"
    body = {
        "transform": [
            {
                "lookup": "key",
                "from": {"data": {"values": table}, "key": "key", "fields": SERIES_FIELDS},
            }
        ],
        **_time_series_body(request, values, y_title, several_metrics),
    }
    meta = {
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
        "fields": {"x": _X_TITLES[x_axis], "value": y_title, "series": "component"},
        # the panel listens to this signal and asks again with x_range = its x extent × factor
        "zoom": {"param": ZOOM_PARAM["name"], "x_range_factor": 0.001 if x_axis == "time" else 1},
    }
    default_title = f"{', '.join(metrics) or 'metrics'} by {_X_TITLES[x_axis]}"
    return _spec(request, default_title, values, body, meta, notes)


def _x_value(x: float, x_axis: str, origin: float) -> float:
    if x_axis == "time":
        return x * 1000.0  # Vega-Lite's temporal values are milliseconds since the epoch
    if x_axis == "relative_time":
        return x - origin
    return x


def _time_series_body(
    request: dict[str, Any], values: list[dict[str, Any]], y_title: str, several_metrics: bool
) -> dict[str, Any]:
    x_axis = request["x_axis"]
    smoothing = bool(request.get("smoothing"))
    shown = "smoothed" if smoothing else "value"
    x: dict[str, Any] = {
        "field": "x",
        "type": "temporal" if x_axis == "time" else "quantitative",
        "title": _X_TITLES[x_axis],
    }
    if x_axis != "time":
        x["scale"] = {"zero": False}
    y_scale = _y_scale(request, [row["value"] for row in values])
    color = {
        "field": "series",
        "type": "nominal",
        "title": "component · metric" if several_metrics else "component",
        # "display name · metric" is longer than Vega's default legend label limit
        "legend": {"labelLimit": 320},
    }
    tooltip = [
        {"field": "display_name", "type": "nominal", "title": "component"},
        {"field": "trial", "type": "nominal", "title": "trial"},
        {"field": "metric", "type": "nominal", "title": "metric"},
        {"field": "x", "type": x["type"], "title": _X_TITLES[x_axis]},
        {"field": "value", "type": "quantitative", "title": "value"},
    ]
    if smoothing:
        tooltip.append(
            {"field": "smoothed", "type": "quantitative", "title": "smoothed", "format": ".4~g"}
        )

    def y(field: str) -> dict[str, Any]:
        return {"field": field, "type": "quantitative", "title": y_title, "scale": y_scale}

    if request["chart_type"] == "scatter":
        mark = {"type": "point", "filled": True, "clip": True, "tooltip": True}
        return {
            "params": [ZOOM_PARAM],
            "mark": mark,
            "encoding": {"x": x, "y": y("value"), "color": color, "tooltip": tooltip},
        }

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
    layers.append(_hover_points(y(shown), tooltip))
    return {"encoding": {"x": x, "color": color}, "layer": layers}


def _hover_points(y: dict[str, Any], tooltip: list[dict[str, Any]]) -> dict[str, Any]:
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


# ---------------------------------------------------------------------------------------------
# Summary charts: one row per component


def build_summary_chart(rows: Sequence[dict[str, Any]], request: dict[str, Any]) -> dict[str, Any]:
    """A chart of :func:`~smx_lab.chart_data.summary_rows` (one row per component)."""
    request = _normalise(request)
    builder = _SUMMARY_BUILDERS[request["chart_type"]]
    return builder(list(rows), request)


class _Picked:
    """The rows a chart draws: each component's chosen columns under short field names (``x``,
    ``y``, ``color``), rows missing a value column dropped and counted."""

    def __init__(
        self, rows: list[dict[str, Any]], request: dict[str, Any], fields: Sequence[str]
    ) -> None:
        statistic = request["statistic"]
        self.columns = {
            field: parse_column(request[field], statistic) for field in fields if field in request
        }
        labels = unique_labels((row["name"], row["display_name"]) for row in rows)
        self.values: list[dict[str, Any]] = []
        self.dropped: list[str] = []
        for row in rows:
            picked: dict[str, Any] = {
                "component": row["name"],
                "display_name": row["display_name"],
                "label": labels[row["name"]],
                "trial": row.get("trial") or "(none)",
                "experiment": row.get("experiment") or "(none)",
            }
            complete = True
            for field, column in self.columns.items():
                value = row.get(column.alias)
                if column.is_value and is_missing(value):
                    complete = False
                picked[field] = "(none)" if is_missing(value) else value
            if complete:
                self.values.append(picked)
            else:
                self.dropped.append(row["name"])

    def alias(self, field: str) -> str:
        return self.columns[field].alias

    def numeric(self, field: str) -> bool:
        return (
            field in self.columns
            and self.columns[field].is_value
            and is_numeric_column(self.values, field)
        )

    def encoding(self, field: str, channel_type: str | None = None) -> dict[str, Any]:
        kind = channel_type or ("quantitative" if self.numeric(field) else "nominal")
        return {"field": field, "type": kind, "title": self.alias(field)}

    def tooltip(self) -> list[dict[str, Any]]:
        tips = [
            {"field": "display_name", "type": "nominal", "title": "component"},
            {"field": "trial", "type": "nominal", "title": "trial"},
        ]
        for field in self.columns:
            tips.append(self.encoding(field))
        return tips

    def meta(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "components": len(rows),
            "missing": {"components": self.dropped},
            "fields": {field: column.alias for field, column in self.columns.items()},
        }

    def notes(self) -> list[str]:
        if not self.dropped:
            return []
        aliases = ", ".join(c.alias for c in self.columns.values() if c.is_value)
        return [f"{_plural(len(self.dropped), 'component')} without {aliases} left out"]

    def require_numeric(self, field: str, chart: str) -> None:
        if self.values and not self.numeric(field):
            raise ValidationError(
                field, f"{chart} needs numbers; {self.alias(field)} has text values"
            )


def _scatter_or_line(rows: list[dict[str, Any]], request: dict[str, Any]) -> dict[str, Any]:
    picked = _Picked(rows, request, ("x", "y", "color"))
    picked.require_numeric("y", request["chart_type"])
    dropped_for_log = 0
    if request.get("log_y"):
        kept = [row for row in picked.values if is_number(row["y"]) and row["y"] > 0]
        dropped_for_log = len(picked.values) - len(kept)
        picked.values = kept
    x = picked.encoding("x")
    if x["type"] == "quantitative":
        x["scale"] = {"zero": False}
    y = {**picked.encoding("y"), "scale": _y_scale(request, [row["y"] for row in picked.values])}
    encoding: dict[str, Any] = {"x": x, "y": y, "tooltip": picked.tooltip()}
    if "color" in picked.columns:
        encoding["color"] = picked.encoding("color")
    if request["chart_type"] == "scatter":
        mark: dict[str, Any] = {"type": "point", "filled": True, "size": 60, "clip": True}
    else:
        # a summary line joins the components in x order, one line per color group
        mark = {"type": "line", "point": True, "clip": True}
        encoding["order"] = {"field": "x", "type": x["type"]}
    notes = picked.notes()
    if dropped_for_log:
        notes.append(f"{_plural(dropped_for_log, 'component')} with y ≤ 0 left out (log scale)")
    title = f"{picked.alias('y')} vs {picked.alias('x')}"
    return _spec(
        request,
        title,
        picked.values,
        {"mark": mark, "encoding": encoding},
        picked.meta(rows),
        notes,
    )


def _bar(rows: list[dict[str, Any]], request: dict[str, Any]) -> dict[str, Any]:
    picked = _Picked(rows, request, ("x", "y", "color"))
    picked.require_numeric("y", "bar")
    y_alias = picked.alias("y")
    per_component = "x" not in picked.columns or picked.columns["x"].name in (
        "name",
        "display_name",
    )
    if per_component:
        encoding: dict[str, Any] = {
            "x": {"field": "label", "type": "nominal", "title": "component", "sort": "-y"},
            "y": picked.encoding("y", "quantitative"),
            "tooltip": picked.tooltip(),
        }
        title = f"{y_alias} by component"
    else:
        x = picked.encoding("x", "ordinal" if picked.numeric("x") else "nominal")
        encoding = {
            "x": x,
            "y": {
                "aggregate": "mean",
                "field": "y",
                "type": "quantitative",
                "title": f"mean of {y_alias}",
            },
            "tooltip": [
                x,
                {
                    "aggregate": "mean",
                    "field": "y",
                    "type": "quantitative",
                    "title": f"mean of {y_alias}",
                },
                {"aggregate": "count", "type": "quantitative", "title": "components"},
            ],
        }
        title = f"mean {y_alias} by {picked.alias('x')}"
    if "color" in picked.columns:
        encoding["color"] = picked.encoding("color")
        if not per_component:
            encoding["xOffset"] = {"field": "color"}
    body = {"mark": {"type": "bar", "tooltip": True}, "encoding": encoding}
    return _spec(request, title, picked.values, body, picked.meta(rows), picked.notes())


def _histogram(rows: list[dict[str, Any]], request: dict[str, Any]) -> dict[str, Any]:
    picked = _Picked(rows, request, ("x", "color"))
    count = {"aggregate": "count", "type": "quantitative", "title": "components"}
    if picked.numeric("x"):
        x = {**picked.encoding("x", "quantitative"), "bin": {"maxbins": request["bins"]}}
    else:
        x = picked.encoding("x", "nominal")
    encoding: dict[str, Any] = {"x": x, "y": count, "tooltip": [x, count]}
    if "color" in picked.columns:
        encoding["color"] = picked.encoding("color")
        encoding["tooltip"] = [x, picked.encoding("color"), count]
    body = {"mark": {"type": "bar"}, "encoding": encoding}
    title = f"distribution of {picked.alias('x')}"
    return _spec(request, title, picked.values, body, picked.meta(rows), picked.notes())


def _box(rows: list[dict[str, Any]], request: dict[str, Any]) -> dict[str, Any]:
    picked = _Picked(rows, request, ("x", "y", "color"))
    picked.require_numeric("y", "box")
    x = picked.encoding("x", "ordinal" if picked.numeric("x") else "nominal")
    y = {**picked.encoding("y", "quantitative"), "scale": {"zero": False}}
    points_encoding: dict[str, Any] = {"tooltip": picked.tooltip()}
    if "color" in picked.columns:
        points_encoding["color"] = picked.encoding("color")
    body = {
        "encoding": {"x": x, "y": y},
        "layer": [
            # whiskers span min to max: every component is drawn as a point anyway, so no outliers
            {"mark": {"type": "boxplot", "extent": "min-max", "opacity": 0.6}},
            # every component stays visible (and hoverable) on top of its group's box
            {
                "mark": {"type": "point", "filled": True, "opacity": 0.7},
                "encoding": points_encoding,
            },
        ],
    }
    title = f"{picked.alias('y')} by {picked.alias('x')}"
    return _spec(request, title, picked.values, body, picked.meta(rows), picked.notes())


def _parallel(rows: list[dict[str, Any]], request: dict[str, Any]) -> dict[str, Any]:
    statistic = request["statistic"]
    if "columns" in request:
        axes = [parse_column(alias, statistic) for alias in request["columns"]]
    else:
        axes = value_columns(rows, statistic)
    axis_names = [axis.alias for axis in axes]
    labels = unique_labels((row["name"], row["display_name"]) for row in rows)
    color_alias = parse_column(request["color"], statistic).alias if "color" in request else None

    # One point per component × axis; what each component is (names, trial, color) is stated once
    # in a lookup table, and each axis's two end labels once in the text layers' own data.
    values: list[dict[str, Any]] = []
    ends: list[dict[str, Any]] = []
    missing_values = 0
    drawn: set[str] = set()
    for alias in axis_names:
        present = [row for row in rows if not is_missing(row.get(alias))]
        missing_values += len(rows) - len(present)
        if not present:
            continue
        raw = [row[alias] for row in present]
        positions, low_label, high_label = _axis_positions(raw)
        ends.append({"axis": alias, "axis_min": low_label, "axis_max": high_label})
        for row, value, position in zip(present, raw, positions, strict=True):
            drawn.add(row["name"])
            values.append(
                {"component": row["name"], "axis": alias, "value": value, "position": position}
            )
    table = []
    for row in rows:
        entry = {
            "component": row["name"],
            "display_name": row["display_name"],
            "label": labels[row["name"]],
            "trial": row.get("trial") or "(none)",
        }
        if color_alias is not None:
            color_value = row.get(color_alias)
            entry["color"] = "(none)" if is_missing(color_value) else color_value
        table.append(entry)

    x = {
        "field": "axis",
        "type": "nominal",
        "sort": axis_names,
        "title": None,
        # labels pushed down to leave room for each axis's minimum, written under it
        "axis": {
            "grid": True,
            "domain": False,
            "labelAngle": 0,
            "ticks": False,
            "labelPadding": 22,
        },
    }
    y = {"field": "position", "type": "quantitative", "axis": None, "scale": {"domain": [0, 1]}}
    color: dict[str, Any] = {"field": "label", "type": "nominal", "title": "component"}
    if color_alias is not None:
        numeric = bool(table) and all(is_number(entry["color"]) for entry in table)
        color = {
            "field": "color",
            "type": "quantitative" if numeric else "nominal",
            "title": color_alias,
        }
    tooltip = [
        {"field": "display_name", "type": "nominal", "title": "component"},
        {"field": "trial", "type": "nominal", "title": "trial"},
        {"field": "axis", "type": "nominal", "title": "axis"},
        {"field": "value", "type": "nominal", "title": "value"},
    ]
    lookup = [
        {
            "lookup": "component",
            "from": {
                "data": {"values": table},
                "key": "component",
                "fields": [key for key in table[0] if key != "component"] if table else [],
            },
        }
    ]

    def end_labels(field: str, at: int, dy: int, baseline: str) -> dict[str, Any]:
        return {
            "data": {"values": ends},
            "mark": {"type": "text", "dy": dy, "baseline": baseline},
            "encoding": {"y": {"datum": at, "type": "quantitative"}, "text": {"field": field}},
        }

    body = {
        "encoding": {"x": x},
        "layer": [
            {
                "transform": lookup,
                "mark": {"type": "line", "opacity": 0.7},
                "encoding": {
                    "y": y,
                    "color": color,
                    "detail": {"field": "component", "type": "nominal"},
                },
            },
            {
                "transform": lookup,
                "mark": {"type": "point", "filled": True},
                "encoding": {"y": y, "color": color, "tooltip": tooltip},
            },
            end_labels("axis_max", 1, -8, "bottom"),
            end_labels("axis_min", 0, 8, "top"),
        ],
    }
    notes = []
    left_out = [row["name"] for row in rows if row["name"] not in drawn]
    if missing_values:
        notes.append(f"{_plural(missing_values, 'missing value')} left out")
    meta = {
        "components": len(rows),
        "missing": {"components": left_out, "values": missing_values},
        "fields": {"axes": axis_names},
    }
    return _spec(request, "parallel coordinates", values, body, meta, notes)


def _axis_positions(raw: list[Any]) -> tuple[list[float], str, str]:
    """Positions on a 0..1 axis and the labels of its ends. Numbers are min-max scaled; text values
    (an optimizer's name) are spread evenly in sorted order."""
    if all(is_number(value) for value in raw):
        numbers = [float(value) for value in raw]
        return normalise(numbers), f"{min(numbers):.4g}", f"{max(numbers):.4g}"
    categories = sorted({str(value) for value in raw})
    spacing = {
        name: (index / (len(categories) - 1) if len(categories) > 1 else 0.5)
        for index, name in enumerate(categories)
    }
    return [spacing[str(value)] for value in raw], categories[0], categories[-1]


def parameter_importance(
    rows: Sequence[dict[str, Any]], target: str, parameters: Sequence[str] | None = None
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Spearman rank correlation of each numeric parameter with the ``target`` column, strongest
    first, and the parameters that got none with the reason."""
    if parameters is None:
        parameters = [
            column.alias for column in value_columns(rows, "Last") if column.kind == "parameter"
        ]
    ranked: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    for alias in parameters:
        pairs = [
            (row[alias], row[target])
            for row in rows
            if is_number(row.get(alias)) and is_number(row.get(target))
        ]
        if any(not is_missing(row.get(alias)) and not is_number(row.get(alias)) for row in rows):
            skipped[alias] = "not numeric"
            continue
        correlation = spearman_correlation([p for p, _ in pairs], [t for _, t in pairs])
        if correlation is None:
            skipped[alias] = "fewer than 3 components or a constant value"
            continue
        ranked.append(
            {
                "parameter": alias,
                "correlation": correlation,
                "strength": abs(correlation),
                "direction": "positive" if correlation >= 0 else "negative",
                "components": len(pairs),
            }
        )
    ranked.sort(key=lambda entry: -entry["strength"])
    return ranked, skipped


def _importance(rows: list[dict[str, Any]], request: dict[str, Any]) -> dict[str, Any]:
    target = request["y"]
    if rows and not is_numeric_column(list(rows), target):
        raise ValidationError("y", f"importance needs numbers; {target} has none or text values")
    ranked, skipped = parameter_importance(rows, target, request.get("columns"))
    correlation = {
        "field": "correlation",
        "type": "quantitative",
        "title": f"Spearman correlation with {target}",
    }
    encoding = {
        "y": {
            "field": "parameter",
            "type": "nominal",
            "title": "parameter",
            "sort": {"field": "strength", "order": "descending"},
        },
        "x": {**correlation, "scale": {"domain": [-1, 1]}},
        "color": {"field": "direction", "type": "nominal", "title": "direction"},
        "tooltip": [
            {"field": "parameter", "type": "nominal", "title": "parameter"},
            {**correlation, "format": ".3f"},
            {"field": "components", "type": "quantitative", "title": "components"},
        ],
    }
    notes = [f"{_plural(len(skipped), 'parameter')} without a correlation"] if skipped else []
    meta = {"components": len(rows), "missing": {"parameters": skipped}, "fields": {"y": target}}
    body = {"mark": {"type": "bar"}, "encoding": encoding}
    return _spec(request, f"parameter importance for {target}", ranked, body, meta, notes)


_SUMMARY_BUILDERS = {
    "line": _scatter_or_line,
    "scatter": _scatter_or_line,
    "bar": _bar,
    "histogram": _histogram,
    "box": _box,
    "parallel": _parallel,
    "importance": _importance,
}


# ---------------------------------------------------------------------------------------------
# From a request to a spec, through a store


def build_chart(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    """Resolves the request's components through ``store``, fetches what the chart needs (metric
    series reduced by the store to ``max_points`` each) and builds the spec."""
    request = validate_chart_request(request)
    components = resolve_components(store, request)
    if request["data_type"] == "summary":
        spec = build_summary_chart(summary_rows(components), request)
    else:
        series, origins = _fetch_series(store, components, request)
        spec = build_time_series_chart(series, components, request, origins=origins)
    return spec


def resolve_components(store: Store, request: dict[str, Any]) -> list[TrialComponent]:
    """The request's components, without duplicates: named ones in the order named, the rest in
    creation order. Every page is followed — there is no cap on components; the point budget of a
    time-series chart is shared among its series instead (see :func:`_fetch_series`)."""
    if "components" in request:
        return components_by_name(store, list(dict.fromkeys(request["components"])))
    expression = _search_expression(request["search"]) if "search" in request else None

    def fetch(cursor: str | None, page_size: int) -> Page[Any]:
        if "search" in request:
            return store.search(
                "ExperimentTrialComponent",
                expression,
                sort_order="Ascending",
                limit=page_size,
                cursor=cursor,
            )
        scope = (
            {"experiment_name": request["experiment"]}
            if "experiment" in request
            else {"trial_name": request["trial"]}
        )
        return store.list_trial_components(
            **scope, sort_order="Ascending", limit=page_size, cursor=cursor
        )

    found = [_as_component(item) for item in collect_pages(fetch)]
    return list({component.trial_component_name: component for component in found}.values())


def _search_expression(search: dict[str, Any]) -> dict[str, Any] | None:
    if "search_expression" in search:
        return validate_expression(search["search_expression"], path="search.search_expression")
    return parse_query(search["query"])


def _as_component(item: Any) -> TrialComponent:
    # SageMaker's Search wraps each record ({"TrialComponent": ...}); the stores unwrap it to the model
    if isinstance(item, TrialComponent):
        return item
    wrapped = getattr(item, "trial_component", None)
    if isinstance(wrapped, TrialComponent):
        return wrapped
    raise TypeError(f"store search returned {type(item).__name__}, expected TrialComponent")


def _fetch_series(
    store: Store, components: list[TrialComponent], request: dict[str, Any]
) -> tuple[list[Series], dict[str, float] | None]:
    wanted = request.get("metrics")
    queries = [
        SeriesQuery(component.trial_component_name, summary.metric_name)
        for component in components
        for summary in component.metrics
        if wanted is None or summary.metric_name in wanted
    ]
    if wanted is not None:
        order = {metric: index for index, metric in enumerate(wanted)}
        queries.sort(key=lambda one: order[one.metric])
    if not queries:
        return [], None
    # Thousands of series at full budget would make a spec no browser can draw: the budget per
    # series shrinks so the whole chart stays under MAX_TOTAL_POINTS.
    max_points = max(2, min(request["max_points"], MAX_TOTAL_POINTS // len(queries)))
    x_axis = request["x_axis"]
    store_axis: XAxis = "time" if x_axis in ("time", "relative_time") else "step"
    x_range = request.get("x_range")
    if x_axis != "relative_time" or x_range is None:
        window = (float(x_range[0]), float(x_range[1])) if x_range else None
        series = store.metric_series(
            queries, x_axis=store_axis, max_points=max_points, x_range=window
        )
        return series, None
    # A relative-time zoom is a different wall-time window per component: its origin is its first
    # point, which the reduction always keeps, so a two-point query finds it cheaply.
    origins: dict[str, float] = {}
    for one in store.metric_series(queries, x_axis="time", max_points=2):
        if one.x:
            origins[one.component] = min(origins.get(one.component, one.x[0]), min(one.x))
    series = []
    for one_query in queries:
        origin = origins.get(one_query.component)
        if origin is None:
            continue
        window = (origin + x_range[0], origin + x_range[1])
        series.extend(
            store.metric_series([one_query], x_axis="time", max_points=max_points, x_range=window)
        )
    return series, origins
