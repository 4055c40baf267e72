"""Vega-Lite v5 specs for every chart smx-lab draws.

The REST ``chart`` route serves these specs to the panel (rendered with vega-embed, in the theme's
colors) and the magics display them as ``application/vnd.vegalite.v5+json``, so a chart is the same
chart in both places. Data is always inlined; ``config`` is left to the caller.

- :mod:`.types` — each chart type defined once: its label, data types and the fields it reads
  (:func:`chart_type_descriptions` states them for the REST ``info`` route);
- :mod:`.request` — the request's schema (:data:`CHART_REQUEST_SCHEMA`) and
  :func:`validate_chart_request`, which refuses what the chart does not read;
- :mod:`.data` — columns, one summary row per component, smoothing and statistics;
- :mod:`.spec` — the scaffolding every spec shares;
- :mod:`.groups` — the groups of ``group_by``; :mod:`.group_lines` — a grouped line per group,
  the mean of its members' raw points with its band;
- :mod:`.time_series`, :mod:`.xy`, :mod:`.bar`, :mod:`.distribution`, :mod:`.parallel`,
  :mod:`.importance` — the pure builders, one module per chart family;
- :mod:`.build` — :func:`build_chart`: a request's components resolved through a store, and
  the builder called.
"""

from __future__ import annotations

from ..vocabulary import DEFAULT_STATISTIC
from .build import build_chart, build_summary_chart, resolve_components
from .data import summary_rows
from .group_lines import MAX_GROUP_LINES, build_group_series_chart
from .groups import component_groups
from .importance import parameter_importance
from .request import (
    CHART_REQUEST_SCHEMA,
    MAX_NAMED_COMPONENTS,
    MAX_POINTS_LIMIT,
    validate_chart_request,
)
from .spec import DEFAULT_HEIGHT, DEFAULT_WIDTH, VEGA_LITE_SCHEMA
from .time_series import SERIES_FIELDS, ZOOM_PARAM, build_time_series_chart
from .types import (
    CHART_TYPES,
    CHARTS,
    DATA_TYPES,
    DEFAULT_BINS,
    X_AXES,
    ChartType,
    chart_type_descriptions,
)

__all__ = [
    "CHARTS",
    "CHART_REQUEST_SCHEMA",
    "CHART_TYPES",
    "DATA_TYPES",
    "DEFAULT_BINS",
    "DEFAULT_HEIGHT",
    "DEFAULT_STATISTIC",
    "DEFAULT_WIDTH",
    "MAX_GROUP_LINES",
    "MAX_NAMED_COMPONENTS",
    "MAX_POINTS_LIMIT",
    "SERIES_FIELDS",
    "VEGA_LITE_SCHEMA",
    "X_AXES",
    "ZOOM_PARAM",
    "ChartType",
    "build_chart",
    "build_group_series_chart",
    "build_summary_chart",
    "build_time_series_chart",
    "chart_type_descriptions",
    "component_groups",
    "parameter_importance",
    "resolve_components",
    "summary_rows",
    "validate_chart_request",
]
