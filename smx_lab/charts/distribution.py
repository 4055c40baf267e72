"""Distributions over summaries: a histogram of one column, and boxes of a number per group."""

from __future__ import annotations

from typing import Any

from .spec import Picked, baseline_marks, chart_spec


def histogram_chart(rows: list[dict[str, Any]], request: dict[str, Any]) -> dict[str, Any]:
    """The distribution of ``x`` across the components in at most ``bins`` bins; a text column
    counts each value."""
    picked = Picked(rows, request, ("x", "color"))
    count = {"aggregate": "count", "type": "quantitative", "title": "components"}
    if picked.numeric("x"):
        x = {**picked.encoding("x", "quantitative"), "bin": {"maxbins": request["bins"]}}
    else:
        x = picked.encoding("x", "nominal")
    encoding: dict[str, Any] = {"x": x, "y": count, "tooltip": [x, count]}
    if "color" in picked.columns:
        encoding["color"] = picked.color()
        encoding["tooltip"] = [x, picked.encoding("color"), count]
    body = {"mark": {"type": "bar"}, "encoding": encoding}
    title = f"distribution of {picked.alias('x')}"
    return chart_spec(request, title, picked.values, body, picked.meta(rows), picked.notes())


def box_chart(rows: list[dict[str, Any]], request: dict[str, Any]) -> dict[str, Any]:
    """``y`` grouped by the categorical ``x``: whiskers from min to max, and every component a
    point on top of its group's box."""
    picked = Picked(rows, request, ("x", "y", "color"))
    picked.require_numeric("y", "box")
    x = picked.encoding("x", "ordinal" if picked.numeric("x") else "nominal")
    y = {**picked.encoding("y", "quantitative"), "scale": {"zero": False}}
    # each component's point in its own color (or its color column's), named in a legend
    points_encoding: dict[str, Any] = {"tooltip": picked.tooltip(), "color": picked.color()}
    body: dict[str, Any] = {
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
    if picked.has_baseline:
        body["layer"].extend(baseline_marks(points_encoding["color"]))
    title = f"{picked.alias('y')} by {picked.alias('x')}"
    return chart_spec(request, title, picked.values, body, picked.meta(rows), picked.notes())
