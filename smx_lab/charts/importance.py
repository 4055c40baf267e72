"""Parameter importance over summaries: each numeric parameter's Spearman rank correlation with a
metric statistic, strongest first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import ValidationError
from ..vocabulary import DEFAULT_STATISTIC
from .data import is_missing, is_number, is_numeric_column, spearman_correlation, value_columns
from .spec import chart_spec, plural


def parameter_importance(
    rows: Sequence[dict[str, Any]], target: str, parameters: Sequence[str] | None = None
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Spearman rank correlation of each numeric parameter with the ``target`` column, strongest
    first, and the parameters that got none with the reason."""
    if parameters is None:
        parameters = [
            column.alias
            for column in value_columns(rows, DEFAULT_STATISTIC)
            if column.kind == "parameter"
        ]
    ranked: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    for alias in parameters:
        pairs = [
            (row[alias], row[target])
            for row in rows
            if is_number(row.get(alias)) and is_number(row.get(target))
        ]
        if any(not is_missing(row.get(alias)) and not is_number(row.get(alias)) for row in rows):
            skipped[alias] = "not numeric"
            continue
        correlation = spearman_correlation([p for p, _ in pairs], [t for _, t in pairs])
        if correlation is None:
            skipped[alias] = "fewer than 3 components or a constant value"
            continue
        ranked.append(
            {
                "parameter": alias,
                "correlation": correlation,
                "strength": abs(correlation),
                "direction": "positive" if correlation >= 0 else "negative",
                "components": len(pairs),
            }
        )
    ranked.sort(key=lambda entry: -entry["strength"])
    return ranked, skipped


def importance_chart(rows: list[dict[str, Any]], request: dict[str, Any]) -> dict[str, Any]:
    """A bar per parameter of ``columns`` (default: every parameter): its correlation with the
    metric statistic ``y``, colored by sign."""
    target = request["y"]
    if rows and not is_numeric_column(list(rows), target):
        raise ValidationError("y", f"importance needs numbers; {target} has none or text values")
    ranked, skipped = parameter_importance(rows, target, request.get("columns"))
    correlation = {
        "field": "correlation",
        "type": "quantitative",
        "title": f"Spearman correlation with {target}",
    }
    encoding = {
        "y": {
            "field": "parameter",
            "type": "nominal",
            "title": "parameter",
            "sort": {"field": "strength", "order": "descending"},
        },
        "x": {**correlation, "scale": {"domain": [-1, 1]}},
        "color": {"field": "direction", "type": "nominal", "title": "direction"},
        "tooltip": [
            {"field": "parameter", "type": "nominal", "title": "parameter"},
            {**correlation, "format": ".3f"},
            {"field": "components", "type": "quantitative", "title": "components"},
        ],
    }
    notes = [f"{plural(len(skipped), 'parameter')} without a correlation"] if skipped else []
    meta = {"components": len(rows), "missing": {"parameters": skipped}, "fields": {"y": target}}
    body = {"mark": {"type": "bar"}, "encoding": encoding}
    return chart_spec(request, f"parameter importance for {target}", ranked, body, meta, notes)
