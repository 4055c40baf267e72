"""Grouped line charts: one line per group × metric, the mean of the group's members at each
aligned x, with a shaded band (mean ± one sample standard deviation, or min to max).

Computed from the members' raw points (:meth:`~smx_lab.stores.base.Store.metric_arrays`), never
from reduced series, so a band is exact. The alignment (docs/charts.md, *Groups*):

- each point's x is its step (a point logged without a step takes its position in its metric's
  logging order, from 0, as the store's series do), its wall time in seconds, or for
  ``relative_time`` seconds since its component's first point of the chart's metrics; points
  outside ``x_range`` are left out;
- **step**: when the metric's points of all drawn members span at most ``budget`` distinct steps,
  points align on equal steps. Otherwise steps fall in buckets of ``W = ceil((hi - lo + 1) /
  budget)`` steps from the lowest step ``lo``, drawn at the bucket's first step ``lo + i·W``;
- **time**, **relative time**: always buckets, ``budget`` of equal width over ``x_range`` (else the
  metric's extent over all drawn members), drawn at the bucket's middle;
- a member's value at an aligned x is the mean of its points there; the group's mean, sample
  standard deviation (none below two members), min and max are over the members that have a value
  there.

``budget`` is the request's ``max_points``, shrunk so that the chart carries at most
:data:`~smx_lab.charts.spec.MAX_TOTAL_POINTS` points.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..columns import MetricArrays
from ..model import TrialComponent
from .data import component_label, exponential_moving_average, trial_text, unique_labels
from .groups import Group, group_title, largest_groups
from .spec import (
    BASELINE_STROKE_WIDTH,
    MAX_TOTAL_POINTS,
    baseline_label,
    chart_spec,
    legend,
    plural,
    y_scale,
)
from .time_series import X_TITLES, ZOOM_PARAM, hover_points

#: Group lines one chart draws; past this, the largest groups are drawn and the title says so.
MAX_GROUP_LINES = 50
#: What the lookup table of a grouped line chart says about each line.
LINE_FIELDS = ["series", "group", "metric", "group_size", "baseline"]
_NUMBER = ".4~g"


@dataclass(frozen=True)
class Alignment:
    """Where a metric's points line up across members: equal steps, or buckets."""

    x_axis: str
    exact: bool
    low: float = 0.0
    width: float = 1.0
    buckets: int = 1

    def aligned(self, x: np.ndarray) -> np.ndarray:
        if self.exact:
            return x
        if self.x_axis == "step":
            return self.low + np.floor_divide(x - self.low, self.width) * self.width
        if self.width == 0:
            return np.full_like(x, self.low)
        index = np.clip(np.floor((x - self.low) / self.width), 0, self.buckets - 1)
        return self.low + (index + 0.5) * self.width


def alignment(
    xs: Sequence[np.ndarray], x_axis: str, budget: int, x_range: Sequence[float] | None
) -> Alignment:
    """The alignment of one metric's points (``xs``: every member's x, already in range)."""
    every = np.concatenate(xs) if xs else np.empty(0)
    if every.size == 0:
        return Alignment(x_axis, exact=True)
    if x_axis == "step":
        if np.unique(every).size <= budget:
            return Alignment(x_axis, exact=True)
        low, high = float(every.min()), float(every.max())
        return Alignment(x_axis, False, low, float(math.ceil((high - low + 1) / budget)), budget)
    low, high = (float(x_range[0]), float(x_range[1])) if x_range else (every.min(), every.max())
    return Alignment(x_axis, False, float(low), (float(high) - float(low)) / budget, budget)


def member_points(
    arrays: MetricArrays, metric: str, x_axis: str, origin: float
) -> tuple[np.ndarray, np.ndarray]:
    """One member's raw points of ``metric`` as (x on the chart's axis, value)."""
    if metric not in arrays.metric_names:
        return np.empty(0), np.empty(0)
    chosen = arrays.metric == arrays.metric_names.index(metric)
    if x_axis == "step":
        position = np.arange(int(chosen.sum()), dtype=np.float64)
        x = np.where(arrays.has_step[chosen], arrays.step[chosen].astype(np.float64), position)
    else:
        x = arrays.timestamp[chosen] - (origin if x_axis == "relative_time" else 0.0)
    return x, arrays.value[chosen].astype(np.float64)


def member_means(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A member's value at each aligned x: the mean of its points there."""
    if x.size == 0:
        return x, y
    at, inverse = np.unique(x, return_inverse=True)
    return at, np.bincount(inverse, weights=y) / np.bincount(inverse)


@dataclass
class GroupLine:
    """A group's line of one metric: per aligned x the members' count, mean, std, min and max."""

    x: np.ndarray
    count: np.ndarray
    mean: np.ndarray
    std: np.ndarray  # NaN where fewer than two members have a value
    low: np.ndarray
    high: np.ndarray


def group_line(members: Sequence[tuple[np.ndarray, np.ndarray]]) -> GroupLine:
    """The statistics over members, each given as its (aligned x, value) means."""
    xs = [x for x, _ in members if x.size]
    ys = [y for x, y in members if x.size]
    if not xs:
        empty = np.empty(0)
        return GroupLine(empty, empty, empty, empty, empty, empty)
    x_all, y_all = np.concatenate(xs), np.concatenate(ys)
    at, inverse = np.unique(x_all, return_inverse=True)
    count = np.bincount(inverse)
    mean = np.bincount(inverse, weights=y_all) / count
    squares = np.bincount(inverse, weights=(y_all - mean[inverse]) ** 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        std = np.where(count > 1, np.sqrt(squares / (count - 1)), np.nan)
    order = np.argsort(inverse, kind="stable")
    starts = np.concatenate(([0], np.cumsum(count)[:-1]))
    low = np.minimum.reduceat(y_all[order], starts)
    high = np.maximum.reduceat(y_all[order], starts)
    return GroupLine(at, count, mean, std, low, high)


def _number(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


class _Lines:
    """The data of every line: the rows, the lookup table, and what the title and usermeta say."""

    def __init__(self, request: dict[str, Any], arrays: Mapping[str, MetricArrays]) -> None:
        self.request = request
        self.arrays = arrays
        self.origins = {name: _origin(one) for name, one in arrays.items()}
        self.values: list[dict[str, Any]] = []
        self.table: list[dict[str, Any]] = []
        self.series_meta: list[dict[str, Any]] = []
        self.dropped_points = 0
        self.bucketed_steps: set[float] = set()
        self.with_points: set[str] = set()

    def points(self, name: str, metric: str, counted: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """A member's points of ``metric`` in range, without those the chart cannot draw
        (non-finite; not positive on a log axis), which are counted."""
        one = self.arrays.get(name)
        if one is None:
            return np.empty(0), np.empty(0)
        x, y = member_points(one, metric, self.request["x_axis"], self.origins[name])
        x_range = self.request.get("x_range")
        if x_range is not None:
            in_range = (x >= x_range[0]) & (x <= x_range[1])
            x, y = x[in_range], y[in_range]
        keep = np.isfinite(x) & np.isfinite(y)
        if self.request.get("log_y"):
            keep &= y > 0
        if counted:
            self.dropped_points += int(x.size - keep.sum())
            if keep.any():
                self.with_points.add(name)
        return x[keep], y[keep]

    def draw_metric(
        self,
        metric: str,
        groups: Sequence[Group],
        baseline: Group | None,
        several: bool,
        budget: int,
    ) -> None:
        """The lines of one metric: one per group, and the baseline's, on one alignment."""
        per_group = [[self.points(name, metric) for name in group.members] for group in groups]
        baseline_points = [self.points(baseline.members[0], metric, False)] if baseline else []
        xs = [x for members in per_group for x, _ in members]
        align = alignment(xs, self.request["x_axis"], budget, self.request.get("x_range"))
        for group, members in [*zip(groups, per_group, strict=True), (baseline, baseline_points)]:
            if group is None:
                continue
            entry = {
                "series": f"{group.label} · {metric}" if several else group.label,
                "group": group.label,
                "metric": metric,
                "group_size": len(group.members),
                "baseline": group is baseline,
            }
            self.add(entry, members, align)

    def add(
        self,
        entry: dict[str, Any],
        members: Sequence[tuple[np.ndarray, np.ndarray]],
        align: Alignment,
    ) -> None:
        """One line: ``entry`` says what it is; ``members`` are its members' raw points."""
        key = len(self.table)
        self.table.append({"key": key, **entry})
        line = group_line([member_means(align.aligned(x), y) for x, y in members])
        rows = self._rows(key, line)
        self.values.extend(rows)
        if not align.exact and align.x_axis == "step":
            self.bucketed_steps.add(align.width)
        self.series_meta.append(
            {
                "group": entry["group"],
                "metric": entry["metric"],
                "raw_count": int(sum(x.size for x, _ in members)),
                "points": len(rows),
                "reduced": not align.exact,
            }
        )

    def _rows(self, key: int, line: GroupLine) -> list[dict[str, Any]]:
        band, log_y = self.request.get("band", "std"), bool(self.request.get("log_y"))
        x_axis, smoothing = self.request["x_axis"], float(self.request.get("smoothing", 0.0))
        rows: list[dict[str, Any]] = []
        for x, count, mean, std, low, high in zip(
            line.x, line.count, line.mean, line.std, line.low, line.high, strict=True
        ):
            spread = 0.0 if math.isnan(std) else float(std)
            lower, upper = (mean - spread, mean + spread) if band == "std" else (low, high)
            if log_y and lower <= 0:
                lower = low  # a log axis has no place at or below zero; the lowest member is > 0
            rows.append(
                {
                    "key": key,
                    "x": float(x) * 1000.0 if x_axis == "time" else float(x),
                    "value": float(mean),
                    "lower": float(lower),
                    "upper": float(upper),
                    "std": _number(std),
                    "min": float(low),
                    "max": float(high),
                    "members": int(count),
                }
            )
        if smoothing:
            levels = exponential_moving_average([row["value"] for row in rows], smoothing)
            for row, level in zip(rows, levels, strict=True):
                row["smoothed"] = level
        return rows


def build_group_series_chart(
    groups: Sequence[Group],
    arrays: Mapping[str, MetricArrays],
    components: Sequence[TrialComponent],
    request: dict[str, Any],
) -> dict[str, Any]:
    """A line per group × metric with its band, from the members' raw points (``arrays``: by
    component name, the members of the drawn groups and the baseline). Past
    :data:`MAX_GROUP_LINES` groups the largest are drawn, and the title says how many are not."""
    drawn = largest_groups(groups, MAX_GROUP_LINES)
    baseline = _baseline_group(components, request.get("baseline"))
    metrics = _metrics(components, request)
    lines_count = (len(drawn) + (1 if baseline else 0)) * len(metrics)
    budget = max(2, min(request["max_points"], MAX_TOTAL_POINTS // max(1, lines_count)))
    lines = _Lines(request, arrays)
    for metric in metrics:
        lines.draw_metric(metric, drawn, baseline, len(metrics) > 1, budget)

    members_drawn = [name for group in drawn for name in group.members]
    missing = [name for name in dict.fromkeys(members_drawn) if name not in lines.with_points]
    notes = _notes(groups, drawn, missing, lines, request)
    if request.get("baseline") and not baseline:
        notes.append(f"baseline {request['baseline']} is not among these components")
    y_title = metrics[0] if len(metrics) == 1 else "value"
    lookup = {"data": {"values": lines.table}, "key": "key", "fields": LINE_FIELDS}
    body = {
        "transform": [{"lookup": "key", "from": lookup}],
        **_body(request, lines.values, y_title, len(metrics) > 1, lines.table),
    }
    x_axis = request["x_axis"]
    meta = {
        "components": len(components),
        "group_by": request["group_by"],
        "band": request.get("band", "std"),
        "groups": [
            {"key": list(group.key), "label": group.label, "members": len(group.members)}
            for group in drawn
        ],
        "groups_total": len(groups),
        "baseline": baseline.members[0] if baseline else None,
        "missing": {"components": missing, "points": lines.dropped_points},
        "series": lines.series_meta,
        "fields": {"x": X_TITLES[x_axis], "value": f"mean {y_title}", "series": "group"},
        "zoom": {"param": ZOOM_PARAM["name"], "x_range_factor": 0.001 if x_axis == "time" else 1},
    }
    by = group_title(request["group_by"])
    title = f"mean {', '.join(metrics) or 'metrics'} by {X_TITLES[x_axis]}, per {by}"
    return chart_spec(request, title, lines.values, body, meta, notes)


def _baseline_group(components: Sequence[TrialComponent], baseline: str | None) -> Group | None:
    """The baseline as a group of one, labelled as a legend names it, if it is a component."""
    for component in components:
        if component.trial_component_name == baseline:
            label = unique_labels([(baseline, component_label(component), trial_text(component))])
            return Group((baseline,), baseline_label(label[baseline]), (baseline,))
    return None


def _metrics(components: Sequence[TrialComponent], request: dict[str, Any]) -> list[str]:
    wanted = request.get("metrics")
    present = dict.fromkeys(s.metric_name for c in components for s in c.metrics)
    if wanted is None:
        return list(present)
    return [metric for metric in wanted if metric in present]


def _origin(arrays: MetricArrays) -> float:
    finite = arrays.timestamp[np.isfinite(arrays.timestamp)]
    return float(finite.min()) if finite.size else 0.0


def _notes(
    groups: Sequence[Group],
    drawn: Sequence[Group],
    missing: list[str],
    lines: _Lines,
    request: dict[str, Any],
) -> list[str]:
    notes = []
    if len(drawn) < len(groups):
        notes.append(f"the {len(drawn)} largest of {len(groups)} groups drawn")
    band = "mean ± std" if request.get("band", "std") == "std" else "min – max"
    notes.append(f"band: {band}")
    if lines.bucketed_steps:
        widths = ", ".join(f"{width:g}" for width in sorted(lines.bucketed_steps))
        notes.append(f"steps averaged in buckets of {widths}")
    if missing:
        notes.append(f"{plural(len(missing), 'component')} without these metrics")
    if lines.dropped_points:
        log_y = bool(request.get("log_y"))
        reason = "non-finite or non-positive (log scale)" if log_y else "non-finite"
        notes.append(f"{plural(lines.dropped_points, 'point')} dropped: {reason}")
    return notes


def _body(
    request: dict[str, Any],
    values: list[dict[str, Any]],
    y_title: str,
    several_metrics: bool,
    tables: list[dict[str, Any]],
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
    spread = [row[field] for row in values for field in ("value", "lower", "upper")]
    scale = y_scale(request, spread)

    def y(field: str) -> dict[str, Any]:
        return {"field": field, "type": "quantitative", "title": y_title, "scale": scale}

    color = {
        "field": "series",
        "type": "nominal",
        "title": "group · metric" if several_metrics else group_title(request["group_by"]),
        # the first layer is the faded band: the legend's symbols are drawn solid
        "legend": {**legend(len(tables)), "symbolOpacity": 1},
    }
    line = "smoothed" if smoothing else "value"
    layers = _layers(y, smoothing, any(row.get("baseline") for row in tables))
    layers.append(hover_points(y(line), _tooltip(x["type"], x_axis, request, smoothing)))
    return {"encoding": {"x": x, "color": color}, "layer": layers}


def _layers(
    y: Callable[[str], dict[str, Any]], smoothing: bool, baseline: bool
) -> list[dict[str, Any]]:
    """The bands, the group lines (faded under their smoothed lines when smoothing), and the
    baseline's line: thicker and dashed, on top."""
    groups_only = {"filter": "!datum.baseline"}
    layers: list[dict[str, Any]] = [
        {
            "params": [ZOOM_PARAM],
            "transform": [groups_only],
            "mark": {"type": "area", "opacity": 0.2, "clip": True},
            "encoding": {"y": y("lower"), "y2": {"field": "upper"}},
        },
        {
            "transform": [groups_only],
            "mark": {"type": "line", "clip": True, **({"opacity": 0.25} if smoothing else {})},
            "encoding": {"y": y("value")},
        },
    ]
    if smoothing:
        layers.append(
            {
                "transform": [groups_only],
                "mark": {"type": "line", "clip": True},
                "encoding": {"y": y("smoothed")},
            }
        )
    if not baseline:
        return layers
    # the baseline: a thicker dashed line on top of the groups
    layers.append(
        {
            "transform": [{"filter": "datum.baseline"}],
            "mark": {
                "type": "line",
                "clip": True,
                "strokeWidth": BASELINE_STROKE_WIDTH,
                "strokeDash": [6, 3],
            },
            "encoding": {"y": y("smoothed" if smoothing else "value")},
        }
    )
    return layers


def _tooltip(
    x_type: str, x_axis: str, request: dict[str, Any], smoothing: bool
) -> list[dict[str, Any]]:
    tooltip: list[dict[str, Any]] = [
        {"field": "group", "type": "nominal", "title": group_title(request["group_by"])},
        {"field": "metric", "type": "nominal", "title": "metric"},
        {"field": "x", "type": x_type, "title": X_TITLES[x_axis]},
        {"field": "value", "type": "quantitative", "title": "mean", "format": _NUMBER},
    ]
    if request.get("band", "std") == "std":
        tooltip.append({"field": "std", "type": "quantitative", "title": "std", "format": _NUMBER})
    tooltip += [
        {"field": "min", "type": "quantitative", "title": "min", "format": _NUMBER},
        {"field": "max", "type": "quantitative", "title": "max", "format": _NUMBER},
        {"field": "members", "type": "quantitative", "title": "members"},
    ]
    if smoothing:
        tooltip.append(
            {"field": "smoothed", "type": "quantitative", "title": "smoothed", "format": _NUMBER}
        )
    return tooltip
