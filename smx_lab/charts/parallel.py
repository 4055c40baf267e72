"""Parallel coordinates over summaries: one axis per parameter or metric statistic, each scaled
0–1 between its ends, one line per component."""

from __future__ import annotations

from typing import Any

from .data import is_missing, is_number, normalise, parse_column, unique_labels, value_columns
from .spec import (
    BASELINE_STROKE_WIDTH,
    baseline_label,
    chart_spec,
    component_color,
    legend,
    only_baseline,
    plural,
)


def parallel_chart(rows: list[dict[str, Any]], request: dict[str, Any]) -> dict[str, Any]:
    """One axis per column of ``columns`` (default: every parameter, then every metric at the
    request's statistic); one line per component, colored by ``color`` or by component."""
    statistic = request["statistic"]
    if "columns" in request:
        axes = [parse_column(alias, statistic) for alias in request["columns"]]
    else:
        axes = value_columns(rows, statistic)
    axis_names = [axis.alias for axis in axes]
    color_alias = parse_column(request["color"], statistic).alias if "color" in request else None

    # One point per component × axis; what each component is (names, trial, color) is stated once
    # in a lookup table, and each axis's two end labels once in the text layers' own data.
    values, ends, missing_values, drawn = _axis_points(rows, axis_names)
    baseline = request.get("baseline")
    table = _component_table(rows, color_alias, baseline if baseline in drawn else None)
    body = _body(axis_names, table, ends, color_alias)
    notes = []
    left_out = [row["name"] for row in rows if row["name"] not in drawn]
    if missing_values:
        notes.append(f"{plural(missing_values, 'missing value')} left out")
    meta: dict[str, Any] = {
        "components": len(rows),
        "missing": {"components": left_out, "values": missing_values},
        "fields": {"axes": axis_names},
    }
    if baseline:
        meta["baseline"] = baseline if baseline in drawn else None
        if baseline not in {row["name"] for row in rows}:
            notes.append(f"baseline {baseline} is not among these components")
    return chart_spec(request, "parallel coordinates", values, body, meta, notes)


def _axis_points(
    rows: list[dict[str, Any]], axis_names: list[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int, set[str]]:
    """The points on every axis, each axis's end labels, the number of missing values and the
    components with at least one point."""
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
    return values, ends, missing_values, drawn


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


def _component_table(
    rows: list[dict[str, Any]], color_alias: str | None, baseline: str | None
) -> list[dict[str, Any]]:
    labels = unique_labels((row["name"], row["display_name"], row.get("trial")) for row in rows)
    if baseline in labels:
        labels[baseline] = baseline_label(labels[baseline])
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
        if baseline is not None:
            entry["baseline"] = row["name"] == baseline
        table.append(entry)
    return table


def _body(
    axis_names: list[str],
    table: list[dict[str, Any]],
    ends: list[dict[str, Any]],
    color_alias: str | None,
) -> dict[str, Any]:
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
    color = _color(table, color_alias)
    lookup = _lookup(table)
    emphasis = []
    if any(entry.get("baseline") for entry in table):
        # the baseline's line again, opaque and thicker, over the others
        emphasis.append(
            {
                "transform": [*lookup, only_baseline()],
                "mark": {"type": "line", "strokeWidth": BASELINE_STROKE_WIDTH},
                "encoding": {"y": y, "color": color},
            }
        )
    return {
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
            *emphasis,
            {
                "transform": lookup,
                "mark": {"type": "point", "filled": True},
                "encoding": {"y": y, "color": color, "tooltip": _tooltip()},
            },
            _end_labels(ends, "axis_max", 1, -8, "bottom"),
            _end_labels(ends, "axis_min", 0, 8, "top"),
        ],
    }


def _color(table: list[dict[str, Any]], color_alias: str | None) -> dict[str, Any]:
    if color_alias is None:
        return component_color(table)
    if bool(table) and all(is_number(entry["color"]) for entry in table):
        return {"field": "color", "type": "quantitative", "title": color_alias}
    entries = len({str(entry["color"]) for entry in table})
    return {"field": "color", "type": "nominal", "title": color_alias, "legend": legend(entries)}


def _tooltip() -> list[dict[str, Any]]:
    return [
        {"field": "display_name", "type": "nominal", "title": "component"},
        {"field": "trial", "type": "nominal", "title": "trial"},
        {"field": "axis", "type": "nominal", "title": "axis"},
        {"field": "value", "type": "nominal", "title": "value"},
    ]


def _lookup(table: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The transform that joins each point with its component's entry of ``table``."""
    return [
        {
            "lookup": "component",
            "from": {
                "data": {"values": table},
                "key": "component",
                "fields": [key for key in table[0] if key != "component"] if table else [],
            },
        }
    ]


def _end_labels(
    ends: list[dict[str, Any]], field: str, at: int, dy: int, baseline: str
) -> dict[str, Any]:
    """A text layer writing each axis's end label (``axis_min`` or ``axis_max``) at ``at``."""
    return {
        "data": {"values": ends},
        "mark": {"type": "text", "dy": dy, "baseline": baseline},
        "encoding": {"y": {"datum": at, "type": "quantitative"}, "text": {"field": field}},
    }
