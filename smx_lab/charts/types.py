"""The chart types, each defined once: what it is called, the data it draws, and the request fields
it reads for each kind of data.

The request validation (:mod:`smx_lab.charts.request`) refuses every field a chart does not read,
requires what a chart cannot draw without and fills in the defaults of what it reads, all from the
table :data:`CHARTS`; :func:`chart_type_descriptions` states the same table as JSON for the REST
``info`` route, so the panel can offer exactly the fields the server accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from types import MappingProxyType
from typing import Any

from ..stores.base import DEFAULT_MAX_POINTS
from ..vocabulary import DEFAULT_STATISTIC
from .data import Column

DATA_TYPES = ("time_series", "summary")
X_AXES = ("step", "time", "relative_time")
#: A grouped line's shaded band: mean ± one sample standard deviation, or the members' min to max.
BANDS = ("std", "minmax")
DEFAULT_BAND = "std"
#: Columns one ``group_by`` may list.
MAX_GROUP_BY = 3
#: The request fields that say which components a chart draws; a request gives exactly one.
SELECTORS = ("selection", "components", "search", "experiment", "trial")
#: Fields every chart reads, whatever its type: not part of any chart type's own fields.
UNIVERSAL_FIELDS = ("chart_type", "data_type", *SELECTORS, "title", "width", "height")
#: The fields that only some chart types (or only one data type) read, in the order a request's
#: fields are checked (time series' first, then those of the y axis, then summaries').
CHART_FIELDS = (
    "metrics",
    "x_axis",
    "max_points",
    "x_range",
    "smoothing",
    "band",
    "log_y",
    "ignore_outliers",
    "bins",
    "x",
    "y",
    "color",
    "columns",
    "statistic",
    "group_by",
    "baseline",
)

DEFAULT_BINS = 20
#: What a chart field that a chart reads means when the request leaves it out (in the order the
#: normalised request gains them). Fields without a default stay absent.
FIELD_DEFAULTS: Mapping[str, Any] = MappingProxyType(
    {
        "x_axis": "step",
        "max_points": DEFAULT_MAX_POINTS,
        "smoothing": 0.0,
        "statistic": DEFAULT_STATISTIC,
        "log_y": False,
        "ignore_outliers": False,
        "bins": DEFAULT_BINS,
    }
)


def _any_column(column: Column) -> bool:
    return True


def _is_value(column: Column) -> bool:
    return column.is_value


def _is_grouping(column: Column) -> bool:
    return column.kind in ("parameter", "tag") or column.name in ("trial", "experiment", "status")


def _is_parameter(column: Column) -> bool:
    return column.kind == "parameter"


def _is_metric(column: Column) -> bool:
    return column.kind == "metric"


@dataclass(frozen=True)
class ColumnRule:
    """What a column field of a summary chart must name (for ``columns``: every column it lists).
    A rule on a required field is also what a request without the field is told."""

    field: str
    rule: str
    accepts: Callable[[Column], bool] = _any_column


#: What every column of ``group_by`` must name (checked for every chart that reads it).
GROUP_BY_RULE = ColumnRule(
    "group_by", "groups by parameters.<name>, tags.<key>, trial, experiment or status", _is_grouping
)


@dataclass(frozen=True)
class ChartType:
    """One chart type: its request name, the label the panel shows, the data types it draws (the
    first is the default) and, per data type, the chart fields it reads and those it requires."""

    name: str
    label: str
    data_types: tuple[str, ...]
    fields_by_data_type: Mapping[str, tuple[str, ...]]
    required_by_data_type: Mapping[str, tuple[str, ...]] = dataclass_field(default_factory=dict)
    #: Checked in this order once the columns are parsed (summary data only).
    column_rules: tuple[ColumnRule, ...] = ()

    def __post_init__(self) -> None:
        # the table is read, never written: freeze its mappings too
        fields = MappingProxyType(dict(self.fields_by_data_type))
        object.__setattr__(self, "fields_by_data_type", fields)
        object.__setattr__(
            self, "required_by_data_type", MappingProxyType(dict(self.required_by_data_type))
        )
        _check(set(self.data_types) <= set(DATA_TYPES), self, "unknown data type")
        _check(set(fields) == set(self.data_types), self, "fields for other data types")
        for data_type in self.data_types:
            _check(set(self.fields(data_type)) <= set(CHART_FIELDS), self, "unknown field")
            _check(
                set(self.required(data_type)) <= set(self.fields(data_type)),
                self,
                "a required field it does not read",
            )
        summary = self.fields("summary")
        _check(all(r.field in summary for r in self.column_rules), self, "a rule on no field")

    def fields(self, data_type: str) -> tuple[str, ...]:
        """The chart fields this chart reads when it draws ``data_type``."""
        return self.fields_by_data_type.get(data_type, ())

    def required(self, data_type: str) -> tuple[str, ...]:
        return self.required_by_data_type.get(data_type, ())

    def reads(self, field: str) -> bool:
        """Whether this chart reads ``field`` for any data type it draws."""
        return any(field in fields for fields in self.fields_by_data_type.values())

    def describe(self) -> dict[str, Any]:
        """This chart type as the REST ``info`` route states it."""
        return {
            "chart_type": self.name,
            "label": self.label,
            "data_types": list(self.data_types),
            "fields": {data_type: list(self.fields(data_type)) for data_type in self.data_types},
            "required": {
                data_type: [f for f in self.fields(data_type) if f in self.required(data_type)]
                for data_type in self.data_types
            },
        }


def _check(ok: bool, chart: ChartType, problem: str) -> None:
    if not ok:
        raise ValueError(f"chart type {chart.name}: {problem}")


def _value_rule(field: str, chart: str) -> ColumnRule:
    return ColumnRule(field, f"{chart} needs a parameter or metric statistic", _is_value)


_TIME_SERIES = ("metrics", "x_axis", "max_points", "x_range")
_Y_AXIS = ("log_y", "ignore_outliers")
#: What a chart that draws each component (or groups of them) can group and emphasise.
_GROUPS = ("group_by", "baseline")

_CHART_LIST = (
    ChartType(
        name="line",
        label="Line",
        data_types=("time_series", "summary"),
        fields_by_data_type={
            "time_series": (*_TIME_SERIES, "smoothing", "band", *_Y_AXIS, *_GROUPS),
            "summary": ("x", "y", "color", "statistic", *_Y_AXIS, "baseline"),
        },
        required_by_data_type={"summary": ("x", "y")},
        column_rules=(_value_rule("x", "line"), _value_rule("y", "line")),
    ),
    ChartType(
        name="scatter",
        label="Scatter",
        data_types=("summary", "time_series"),
        fields_by_data_type={
            "summary": ("x", "y", "color", "statistic", *_Y_AXIS, *_GROUPS),
            "time_series": (*_TIME_SERIES, *_Y_AXIS, "baseline"),
        },
        required_by_data_type={"summary": ("x", "y")},
        column_rules=(_value_rule("x", "scatter"), _value_rule("y", "scatter")),
    ),
    ChartType(
        name="bar",
        label="Bar",
        data_types=("summary",),
        fields_by_data_type={"summary": ("x", "y", "color", "statistic", *_GROUPS)},
        required_by_data_type={"summary": ("y",)},
        column_rules=(_value_rule("y", "bar"),),
    ),
    ChartType(
        name="histogram",
        label="Histogram",
        data_types=("summary",),
        fields_by_data_type={"summary": ("x", "color", "statistic", "bins")},
        required_by_data_type={"summary": ("x",)},
        column_rules=(ColumnRule("x", "histogram needs a column to count"),),
    ),
    ChartType(
        name="box",
        label="Box",
        data_types=("summary",),
        fields_by_data_type={"summary": ("x", "y", "color", "statistic", *_GROUPS)},
        required_by_data_type={"summary": ("x", "y")},
        column_rules=(
            _value_rule("y", "box"),
            ColumnRule(
                "x", "box groups by a parameter, tag, trial, experiment or status", _is_grouping
            ),
        ),
    ),
    ChartType(
        name="parallel",
        label="Parallel coordinates",
        data_types=("summary",),
        fields_by_data_type={"summary": ("color", "columns", "statistic", "baseline")},
        column_rules=(
            ColumnRule("columns", "parallel axes are parameters or metric statistics", _is_value),
        ),
    ),
    ChartType(
        name="importance",
        label="Parameter importance",
        data_types=("summary",),
        fields_by_data_type={"summary": ("y", "columns", "statistic")},
        required_by_data_type={"summary": ("y",)},
        column_rules=(
            ColumnRule(
                "columns", "importance ranks parameters: give parameters.<name> only", _is_parameter
            ),
            ColumnRule("y", "importance needs a metric statistic", _is_metric),
        ),
    ),
)

#: Every chart type by name, in the order the panel offers them.
CHARTS: Mapping[str, ChartType] = MappingProxyType({chart.name: chart for chart in _CHART_LIST})
CHART_TYPES = tuple(CHARTS)


def chart_type_descriptions() -> list[dict[str, Any]]:
    """Every chart type, its label, the data types it draws (the default first) and, per data
    type, the chart fields it reads and those it requires — for the REST ``info`` route. The
    fields every chart reads (:data:`UNIVERSAL_FIELDS`) are not listed."""
    return [chart.describe() for chart in CHARTS.values()]
