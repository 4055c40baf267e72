"""Bar charts over summaries: a number per component, or its mean per group of a categorical
column."""

from __future__ import annotations

from typing import Any

from .spec import Picked, baseline_text, chart_spec, name_labels, only_baseline


def bar_chart(rows: list[dict[str, Any]], request: dict[str, Any]) -> dict[str, Any]:
    """``y`` per component, tallest first; with ``x`` a categorical column, the mean of ``y`` per
    group, ``color`` splitting each group's bar side by side."""
    picked = Picked(rows, request, ("x", "y", "color"))
    picked.require_numeric("y", "bar")
    y_alias = picked.alias("y")
    per_component = "x" not in picked.columns or picked.columns["x"].name in (
        "name",
        "display_name",
    )
    if per_component:
        encoding: dict[str, Any] = {
            "x": {
                "field": "label",
                "type": "nominal",
                "title": "component",
                "sort": "-y",
                "axis": name_labels(),
            },
            "y": picked.encoding("y", "quantitative"),
            "tooltip": picked.tooltip(),
        }
        title = f"{y_alias} by component"
    else:
        encoding = _mean_per_group(picked, y_alias)
        title = f"mean {y_alias} by {picked.alias('x')}"
    if "color" in picked.columns or picked.group_by:
        encoding["color"] = picked.color()
        if not per_component:
            encoding["xOffset"] = {"field": encoding["color"]["field"]}
    mark = {"type": "bar", "tooltip": True}
    body: dict[str, Any] = {"mark": mark, "encoding": encoding}
    if picked.has_baseline and per_component:
        # the other bars fade; the baseline's stays opaque and is named over it
        encoding["opacity"] = {"condition": {"test": "datum.baseline", "value": 1}, "value": 0.55}
        # a layered chart's sort may not sum; each component has one bar, so max is the same
        encoding["x"]["sort"] = {"field": "y", "op": "max", "order": "descending"}
        body = {"encoding": encoding, "layer": [{"mark": mark}, baseline_text(dy=-4)]}
    elif picked.has_baseline:
        body = {"layer": [{"mark": mark, "encoding": encoding}, *_baseline_rule(y_alias)]}
    return chart_spec(request, title, picked.values, body, picked.meta(rows), picked.notes())


def _mean_per_group(picked: Picked, y_alias: str) -> dict[str, Any]:
    x = picked.encoding("x", "ordinal" if picked.numeric("x") else "nominal")
    return {
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


def _baseline_rule(y_alias: str) -> list[dict[str, Any]]:
    """A dashed rule across the chart at the baseline's ``y``, named at its left end: what each
    group's mean is compared with."""
    y = {"field": "y", "type": "quantitative", "title": f"mean of {y_alias}"}
    return [
        {
            "transform": [only_baseline()],
            "mark": {"type": "rule", "strokeDash": [6, 3], "strokeWidth": 2},
            "encoding": {
                "y": y,
                "tooltip": [
                    {"field": "display_name", "type": "nominal", "title": "baseline"},
                    {"field": "y", "type": "quantitative", "title": y_alias},
                ],
            },
        },
        {
            "transform": [only_baseline()],
            "mark": {
                "type": "text",
                "align": "left",
                "baseline": "bottom",
                "dx": 4,
                "dy": -4,
                "fontWeight": "bold",
            },
            "encoding": {"y": y, "x": {"value": 0}, "text": {"value": "baseline"}},
        },
    ]
