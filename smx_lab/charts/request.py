"""A chart request: its JSON schema (:data:`CHART_REQUEST_SCHEMA`), and its validation and
normalisation (:func:`validate_chart_request`). What each chart type reads is the table of
:mod:`smx_lab.charts.types`; a field the chart does not read is refused, not ignored."""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import jsonschema

from ..errors import ValidationError
from ..names import ENTITY_NAME_MAX, METRIC_NAME_MAX
from ..selection import SELECTION_SCHEMA
from ..vocabulary import SUMMARY_STATISTICS
from .data import Column, ColumnError, canonical_statistic, parse_column
from .types import (
    BANDS,
    CHART_FIELDS,
    CHART_TYPES,
    CHARTS,
    DATA_TYPES,
    DEFAULT_BAND,
    FIELD_DEFAULTS,
    GROUP_BY_RULE,
    MAX_GROUP_BY,
    SELECTORS,
    UNIVERSAL_FIELDS,
    X_AXES,
    ChartType,
)

#: Components one request may name (a search, an experiment or a trial brings any number).
MAX_NAMED_COMPONENTS = 100_000
MAX_POINTS_LIMIT = 10000

# Names of experiments, trials and components are at most 120 characters (SageMaker's limit), so
# a request naming MAX_NAMED_COMPONENTS components is 12.4 MB: within the server's max_body_bytes.
_NAME = {"type": "string", "minLength": 1, "maxLength": ENTITY_NAME_MAX}
_METRIC_NAME = {"type": "string", "minLength": 1, "maxLength": METRIC_NAME_MAX}
_COLUMN = {
    "type": "string",
    "minLength": 1,
    "maxLength": 512,
    "description": "parameters.<name>, metrics.<name>.<statistic>, tags.<key>, name, "
    "display_name, trial, experiment or status",
}

_FIELDS: dict[str, Any] = {
    "chart_type": {"type": "string", "enum": list(CHART_TYPES)},
    "data_type": {"type": "string", "enum": list(DATA_TYPES)},
    "components": {
        "type": "array",
        "items": _NAME,
        "minItems": 1,
        "maxItems": MAX_NAMED_COMPONENTS,
    },
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
    "selection": SELECTION_SCHEMA,
    "x": _COLUMN,
    "y": _COLUMN,
    "color": _COLUMN,
    "columns": {"type": "array", "items": _COLUMN, "minItems": 2, "maxItems": 100},
    "metrics": {"type": "array", "items": _METRIC_NAME, "minItems": 1, "maxItems": 100},
    "x_axis": {"type": "string", "enum": list(X_AXES)},
    "smoothing": {"type": "number", "minimum": 0, "maximum": 0.99},
    "log_y": {"type": "boolean"},
    "ignore_outliers": {"type": "boolean"},
    "max_points": {"type": "integer", "minimum": 2, "maximum": MAX_POINTS_LIMIT},
    "x_range": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
    "bins": {"type": "integer", "minimum": 2, "maximum": 200},
    "band": {
        "type": "string",
        "enum": list(BANDS),
        "description": "a grouped line's band: mean ± sample std (std) or min to max (minmax)",
    },
    "group_by": {
        "type": "array",
        "items": _COLUMN,
        "minItems": 1,
        # at most MAX_GROUP_BY, checked by _normalise_groups so that the rule reads as one
        "description": "1 to 3 of parameters.<name>, tags.<key>, trial, experiment, status",
    },
    "baseline": {**_NAME, "description": "the component drawn emphasised"},
    "statistic": {
        "type": "string",
        "enum": [*SUMMARY_STATISTICS, *(s.lower() for s in SUMMARY_STATISTICS)],
    },
    "title": {"type": "string", "maxLength": 200},
    "width": {"type": "integer", "minimum": 50, "maximum": 4000},
    "height": {"type": "integer", "minimum": 50, "maximum": 4000},
}
if set(_FIELDS) != {*UNIVERSAL_FIELDS, *CHART_FIELDS}:  # the schema and the chart table agree
    raise AssertionError("chart request schema and chart type fields differ")

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
    "oneOf": [{"required": [selector]} for selector in SELECTORS],
}

_FIELDS_SCHEMA_VALIDATOR = jsonschema.Draft202012Validator(_FIELDS_SCHEMA)


def validate_chart_request(request: Any) -> dict[str, Any]:
    """A normalised copy of a chart request (defaults filled, columns in their alias spelling,
    statistic capitalised), or :class:`ValidationError` naming the field and the rule."""
    if not isinstance(request, dict):
        raise ValidationError("request", "must be a JSON object")
    given = [selector for selector in SELECTORS if selector in request]
    if len(given) != 1:
        raise ValidationError(
            "components",
            "give exactly one of components, search, experiment or trial"
            + (f" (got {', '.join(given)})" if given else ""),
        )
    return normalise_request(request)


def normalise_request(request: Any) -> dict[str, Any]:
    """:func:`validate_chart_request` without the selector check: what the builders accept from
    callers that chose the components themselves."""
    if not isinstance(request, dict):
        raise ValidationError("request", "must be a JSON object")
    _check_schema(request)
    out = copy.deepcopy(request)
    chart = CHARTS[out["chart_type"]]
    data_types = chart.data_types
    data_type = out.setdefault("data_type", data_types[0])
    if data_type not in data_types:
        raise ValidationError("data_type", f"{chart.name} draws {' or '.join(data_types)} data")
    if data_type == "time_series" and out.get("x") in X_AXES and "x_axis" not in out:
        # "x": "step" reads naturally for a time series; it names the x axis, not a column
        out["x_axis"] = out.pop("x")
    # fields of other chart types or of the other data type are refused before anything is read;
    # those the chart merely does without, once its own columns have been checked
    unread = _unread(out, chart, data_type)
    if unread and unread[0].soon < _DOES_WITHOUT:
        raise ValidationError(unread[0].field, unread[0].rule)
    for field, default in FIELD_DEFAULTS.items():
        if field in chart.fields(data_type):
            out.setdefault(field, default)
    if data_type == "time_series":
        _normalise_time_series(out)
    else:
        _normalise_summary(out, chart)
    _normalise_groups(out)
    if unread:
        raise ValidationError(unread[0].field, unread[0].rule)
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


# ---------------------------------------------------------------------------------------------
# Fields the chart does not read


# How soon an unread field is refused: it belongs to other chart types, or to the other data type,
# or the chart does without it.
_OTHER_CHARTS, _OTHER_DATA_TYPE, _DOES_WITHOUT = 0, 1, 2


class _Refusal(NamedTuple):
    soon: int
    order: int  # position in CHART_FIELDS
    field: str
    rule: str


def _unread(request: dict[str, Any], chart: ChartType, data_type: str) -> list[_Refusal]:
    """The chart fields given that ``chart`` does not read for ``data_type``, each with the rule
    that refuses it, soonest first."""
    read = chart.fields(data_type)
    refused = []
    for order, field in enumerate(CHART_FIELDS):
        if field in request and field not in read:
            soon, rule = _unread_rule(field, chart, data_type)
            refused.append(_Refusal(soon, order, field, rule))
    return sorted(refused)


def _unread_rule(field: str, chart: ChartType, data_type: str) -> tuple[int, str]:
    """How soon ``chart`` refuses ``field`` for ``data_type``, and why.

    A field that at most half the charts drawing its data types read belongs to those charts
    (``bins: applies to histogram charts only``); a field no chart reads for this data type
    belongs to the other one (``x_axis: not used by summary charts``); otherwise the chart does
    without it (``color: not used by importance charts``)."""
    readers = [one.name for one in CHARTS.values() if one.reads(field)]
    read_for = {d for one in CHARTS.values() for d in one.data_types if field in one.fields(d)}
    drawers = [one for one in CHARTS.values() if read_for & set(one.data_types)]
    if not chart.reads(field) and 2 * len(readers) <= len(drawers):
        return _OTHER_CHARTS, f"applies to {' and '.join(readers)} charts only"
    if data_type not in read_for:
        return _OTHER_DATA_TYPE, f"not used by {data_type.replace('_', ' ')} charts"
    if chart.reads(field):  # this chart reads it, for its other data type
        return _OTHER_DATA_TYPE, f"not used by {data_type.replace('_', ' ')} {chart.name} charts"
    give_columns = field in ("x", "y") and "columns" in chart.fields(data_type)
    hint = " (give columns)" if give_columns else ""
    return _DOES_WITHOUT, f"not used by {chart.name} charts{hint}"


# ---------------------------------------------------------------------------------------------
# Normalisation of what the chart reads


def _normalise_time_series(out: dict[str, Any]) -> None:
    # Python's JSON reader takes NaN, and NaN passes every minimum/maximum check
    if not math.isfinite(out.get("smoothing", 0.0)):
        raise ValidationError("smoothing", "must be a number from 0 to 0.99")
    if "x_range" in out:
        low, high = out["x_range"]
        if not (math.isfinite(low) and math.isfinite(high) and low < high):
            raise ValidationError("x_range", "must be [low, high] with finite low < high")
    if "metrics" in out:
        out["metrics"] = list(dict.fromkeys(out["metrics"]))


def _normalise_summary(out: dict[str, Any], chart: ChartType) -> None:
    statistic = canonical_statistic(out["statistic"])
    out["statistic"] = statistic
    columns: dict[str, Column] = {
        field: _column(out, field, statistic) for field in ("x", "y", "color") if field in out
    }
    listed: list[Column] | None = None
    if "columns" in out:
        listed = [_column_at(out, index, statistic) for index in range(len(out["columns"]))]
        out["columns"] = list(dict.fromkeys(column.alias for column in listed))
    for field, column in columns.items():
        out[field] = column.alias
    _check_columns(out, chart, columns, listed)


def _check_columns(
    out: dict[str, Any], chart: ChartType, columns: dict[str, Column], listed: list[Column] | None
) -> None:
    """The chart's column rules, in its order: a required column must be there and be of the
    kind the chart draws; ``columns`` must list only such columns."""
    required = chart.required("summary")
    for rule in chart.column_rules:
        if rule.field == "columns":
            if listed is not None and not all(rule.accepts(column) for column in listed):
                raise ValidationError("columns", rule.rule)
            continue
        column = columns.get(rule.field)
        if column is None and rule.field not in required:
            continue
        if column is None or not rule.accepts(column):
            raise ValidationError(rule.field, rule.rule)
    for field in required:
        if field not in out:
            raise ValidationError(field, "is required")


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


def _normalise_groups(out: dict[str, Any]) -> None:
    """``group_by`` in alias spelling, each column once and each a grouping column; ``band``
    (only with ``group_by``) defaulted; ``group_by`` and ``color`` are not both given, since the
    group is what colours the chart."""
    if "group_by" not in out:
        if "band" in out:
            raise ValidationError("band", "applies with group_by only (a band spans a group)")
        return
    if len(out["group_by"]) > MAX_GROUP_BY:
        raise ValidationError("group_by", f"groups by at most {MAX_GROUP_BY} columns")
    aliases = []
    for index, text in enumerate(out["group_by"]):
        try:
            column = parse_column(text)
        except ColumnError as error:
            raise ValidationError(f"group_by[{index}]", str(error)) from None
        if not GROUP_BY_RULE.accepts(column):
            raise ValidationError(f"group_by[{index}]", GROUP_BY_RULE.rule)
        aliases.append(column.alias)
    out["group_by"] = list(dict.fromkeys(aliases))
    if "color" in out:
        raise ValidationError("color", "the group colours the chart: give color or group_by")
    if out["chart_type"] == "line" and out["data_type"] == "time_series":
        out.setdefault("band", DEFAULT_BAND)
