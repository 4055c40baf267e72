"""Line and scatter charts over summaries: one mark per component at (``x``, ``y``), any parameter
or metric statistic against another."""

from __future__ import annotations

from typing import Any

from .data import is_number
from .spec import Picked, baseline_marks, chart_spec, plural, y_scale

#: Pixels between a scatter's outermost points and the plot's edges.
POINT_PADDING = 8


def xy_chart(rows: list[dict[str, Any]], request: dict[str, Any]) -> dict[str, Any]:
    """A scatter of the components at (``x``, ``y``), or a line joining them in ``x`` order, one
    line per ``color`` group."""
    picked = Picked(rows, request, ("x", "y", "color"))
    picked.require_numeric("y", request["chart_type"])
    dropped_for_log = 0
    if request.get("log_y"):
        kept = [row for row in picked.values if is_number(row["y"]) and row["y"] > 0]
        dropped_for_log = len(picked.values) - len(kept)
        picked.values = kept
    scatter = request["chart_type"] == "scatter"
    # a scatter's points at the ends of a nice domain would be cut in half by the plot's edge
    padding = {"padding": POINT_PADDING} if scatter else {}
    x = picked.encoding("x")
    if x["type"] == "quantitative":
        x["scale"] = {"zero": False, **padding}
    y_values = [row["y"] for row in picked.values]
    y = {**picked.encoding("y"), "scale": {**y_scale(request, y_values), **padding}}
    encoding: dict[str, Any] = {"x": x, "y": y, "tooltip": picked.tooltip()}
    # a scatter without a color column tells its components apart by color, in a legend; a
    # summary line joins components, so it splits into lines only by a column
    if "color" in picked.columns or scatter:
        encoding["color"] = picked.color()
    if scatter:
        mark: dict[str, Any] = {"type": "point", "filled": True, "size": 60, "clip": True}
    else:
        # a summary line joins the components in x order, one line per color group
        mark = {"type": "line", "point": True, "clip": True}
        encoding["order"] = {"field": "x", "type": x["type"]}
    notes = picked.notes()
    if dropped_for_log:
        notes.append(f"{plural(dropped_for_log, 'component')} with y ≤ 0 left out (log scale)")
    title = f"{picked.alias('y')} vs {picked.alias('x')}"
    body: dict[str, Any] = {"mark": mark, "encoding": encoding}
    if picked.has_baseline:
        body = {"encoding": encoding, "layer": [{"mark": mark}, *baseline_marks(None)]}
    return chart_spec(request, title, picked.values, body, picked.meta(rows), notes)
