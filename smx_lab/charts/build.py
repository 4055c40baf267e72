"""From a chart request to a spec: :func:`build_chart` resolves the request's components through a
store, fetches what the chart needs and calls the pure builders — :func:`build_summary_chart`
(one row per component) or :func:`~smx_lab.charts.time_series.build_time_series_chart`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .. import query, selection
from ..model import Series, SeriesQuery, TrialComponent, XAxis
from ..selection import Selection
from ..stores.base import Store
from ..vocabulary import TRIAL_COMPONENT
from .bar import bar_chart
from .data import summary_rows
from .distribution import box_chart, histogram_chart
from .group_lines import MAX_GROUP_LINES, build_group_series_chart
from .groups import component_groups, largest_groups
from .importance import importance_chart
from .parallel import parallel_chart
from .request import normalise_request, validate_chart_request
from .spec import MAX_TOTAL_POINTS
from .time_series import build_time_series_chart
from .types import CHART_TYPES
from .xy import xy_chart

#: The builder of each chart type's summary chart.
SUMMARY_BUILDERS: dict[str, Callable[[list[dict[str, Any]], dict[str, Any]], dict[str, Any]]] = {
    "line": xy_chart,
    "scatter": xy_chart,
    "bar": bar_chart,
    "histogram": histogram_chart,
    "box": box_chart,
    "parallel": parallel_chart,
    "importance": importance_chart,
}
if tuple(SUMMARY_BUILDERS) != CHART_TYPES:
    raise AssertionError("every chart type needs its summary builder")


def build_summary_chart(rows: Sequence[dict[str, Any]], request: dict[str, Any]) -> dict[str, Any]:
    """A chart of :func:`~smx_lab.charts.data.summary_rows` (one row per component)."""
    request = normalise_request(request)
    builder = SUMMARY_BUILDERS[request["chart_type"]]
    return builder(list(rows), request)


def build_chart(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    """Resolves the request's components through ``store``, fetches what the chart needs (metric
    series reduced by the store to ``max_points`` each) and builds the spec."""
    request = validate_chart_request(request)
    components = resolve_components(store, request)
    if request["data_type"] == "summary":
        spec = build_summary_chart(summary_rows(components), request)
    elif "group_by" in request:
        spec = _build_group_series_chart(store, components, request)
    else:
        series, origins = _fetch_series(store, components, request)
        spec = build_time_series_chart(series, components, request, origins=origins)
    return spec


def _build_group_series_chart(
    store: Store, components: list[TrialComponent], request: dict[str, Any]
) -> dict[str, Any]:
    """One line per group with its band, from the raw points of the drawn groups' members: the
    groups are those of every component of the selection."""
    groups = component_groups(summary_rows(components), request["group_by"])
    names = [name for group in largest_groups(groups, MAX_GROUP_LINES) for name in group.members]
    if request.get("baseline"):
        names.append(request["baseline"])
    wanted = request.get("metrics")
    known = {component.trial_component_name for component in components}
    arrays = {
        name: store.metric_arrays(name, wanted) for name in dict.fromkeys(names) if name in known
    }
    return build_group_series_chart(groups, arrays, components, request)


def resolve_components(store: Store, request: dict[str, Any]) -> list[TrialComponent]:
    """The request's components, each once, through the selection layer: there is no cap on
    components; the point budget of a time-series chart is shared among its series instead (see
    :func:`_fetch_series`)."""
    return selection.resolve(store, chart_selection(request))


def chart_selection(request: dict[str, Any]) -> Selection:
    """A chart request's ``selection``; the older ``components``, ``experiment``, ``trial`` and
    ``search`` keys are the same selections, each of one part."""
    if "selection" in request:
        return Selection.from_json(request["selection"])
    if "components" in request:
        return Selection(components=tuple(dict.fromkeys(request["components"])))
    if "experiment" in request:
        return Selection(experiments=(request["experiment"],))
    if "trial" in request:
        return Selection(trials=(request["trial"],))
    return Selection(
        search=query.compile_request(request["search"], TRIAL_COMPONENT, field_prefix="search.")
    )


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
