"""Bar charts over summaries: a number per component, or its mean per group of a categorical
column."""

from __future__ import annotations

from typing import Any

from .spec import Picked, chart_spec, name_labels


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
    if "color" in picked.columns:
        encoding["color"] = picked.color()
        if not per_component:
            encoding["xOffset"] = {"field": "color"}
    body = {"mark": {"type": "bar", "tooltip": True}, "encoding": encoding}
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
