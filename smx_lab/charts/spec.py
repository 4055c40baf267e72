"""The Vega-Lite scaffolding every chart shares: the spec's frame (title, size, inlined data,
``usermeta``), the y scale, and :class:`Picked`, the rows of a summary chart."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import ValidationError
from .data import is_missing, is_numeric_column, outlier_free_domain, parse_column, unique_labels

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
DEFAULT_WIDTH = 480
DEFAULT_HEIGHT = 300
#: A legend label longer than this keeps its start and its end around an ellipsis: run names
#: differ at both ends (``digits-mlp-64-…-epochs-12``), so neither end alone tells them apart.
LEGEND_LABEL_CHARACTERS = 40
#: Past this many entries a legend moves under the chart, in columns, instead of towering beside
#: it; Vega lists the first 30 entries of any legend and says how many more there are.
LEGEND_COLUMN_ENTRIES = 12
LEGEND_COLUMNS = 2


def chart_spec(
    request: dict[str, Any],
    default_title: str,
    values: list[dict[str, Any]],
    body: dict[str, Any],
    meta: dict[str, Any],
    notes: list[str],
) -> dict[str, Any]:
    """A whole spec: ``body`` (marks, encodings, layers) framed by the request's title and size,
    the data inlined, and what the UI needs to know in ``usermeta.smx_lab``."""
    title: dict[str, Any] = {"text": request.get("title") or default_title}
    if notes:
        title["subtitle"] = notes
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": title,
        "width": request.get("width", DEFAULT_WIDTH),
        "height": request.get("height", DEFAULT_HEIGHT),
        "data": {"values": values},
        **body,
        "usermeta": {
            "smx_lab": {
                "chart_type": request["chart_type"],
                "data_type": request["data_type"],
                "request": request,
                **meta,
            }
        },
    }


def y_scale(request: dict[str, Any], values: list[float]) -> dict[str, Any]:
    """The y scale of a line or scatter: linear or log, bounded to the bulk of the values when
    the request ignores outliers."""
    # a log scale never includes zero; saying so makes Vega-Lite warn
    scale: dict[str, Any] = {"type": "log"} if request.get("log_y") else {"zero": False}
    if request.get("ignore_outliers"):
        domain = outlier_free_domain(values, log_scale=bool(request.get("log_y")))
        if domain is not None:
            scale["domain"] = list(domain)
    return scale


def name_labels() -> dict[str, Any]:
    """Label properties of a legend or an axis of names: a name longer than
    :data:`LEGEND_LABEL_CHARACTERS` keeps its start and its end around "…"."""
    keep = (LEGEND_LABEL_CHARACTERS - 1) // 2
    return {
        "labelExpr": (
            f"length(datum.label) > {LEGEND_LABEL_CHARACTERS}"
            f" ? slice(datum.label, 0, {keep}) + '…' + slice(datum.label, -{keep})"
            " : datum.label"
        ),
        # room for the kept characters, so that Vega does not cut the end off as well
        "labelLimit": 8 * LEGEND_LABEL_CHARACTERS,
    }


def legend(entries: int) -> dict[str, Any]:
    """A legend of names (a nominal color) that stays readable for any number of ``entries``:
    long names lose their middle to "…" (the panel shows the whole name on hover, the marks'
    tooltips name the component), and many entries flow in columns under the chart."""
    shown = name_labels()
    if entries > LEGEND_COLUMN_ENTRIES:
        shown.update({"orient": "bottom", "direction": "vertical", "columns": LEGEND_COLUMNS})
    return shown


def component_color(values: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The color of a chart colored by component: each component's unique label, with a legend
    that names them."""
    entries = len({row["label"] for row in values})
    return {"field": "label", "type": "nominal", "title": "component", "legend": legend(entries)}


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class Picked:
    """The rows a summary chart draws: each component's chosen columns under short field names
    (``x``, ``y``, ``color``), rows missing a value column dropped and counted."""

    def __init__(
        self, rows: list[dict[str, Any]], request: dict[str, Any], fields: Sequence[str]
    ) -> None:
        statistic = request["statistic"]
        self.columns = {
            field: parse_column(request[field], statistic) for field in fields if field in request
        }
        labels = unique_labels((row["name"], row["display_name"], row.get("trial")) for row in rows)
        self.values: list[dict[str, Any]] = []
        self.dropped: list[str] = []
        for row in rows:
            picked: dict[str, Any] = {
                "component": row["name"],
                "display_name": row["display_name"],
                "label": labels[row["name"]],
                "trial": row.get("trial") or "(none)",
                "experiment": row.get("experiment") or "(none)",
            }
            complete = True
            for field, column in self.columns.items():
                value = row.get(column.alias)
                if column.is_value and is_missing(value):
                    complete = False
                picked[field] = "(none)" if is_missing(value) else value
            if complete:
                self.values.append(picked)
            else:
                self.dropped.append(row["name"])

    def alias(self, field: str) -> str:
        return self.columns[field].alias

    def numeric(self, field: str) -> bool:
        return (
            field in self.columns
            and self.columns[field].is_value
            and is_numeric_column(self.values, field)
        )

    def encoding(self, field: str, channel_type: str | None = None) -> dict[str, Any]:
        kind = channel_type or ("quantitative" if self.numeric(field) else "nominal")
        return {"field": field, "type": kind, "title": self.alias(field)}

    def color(self) -> dict[str, Any]:
        """The color channel: the requested column (a readable legend when it names things),
        else each component with its own color and a legend that names it."""
        if "color" not in self.columns:
            return component_color(self.values)
        encoding = self.encoding("color")
        if encoding["type"] == "nominal":
            entries = len({str(row["color"]) for row in self.values})
            encoding["legend"] = legend(entries)
        return encoding

    def tooltip(self) -> list[dict[str, Any]]:
        tips = [
            {"field": "display_name", "type": "nominal", "title": "component"},
            {"field": "trial", "type": "nominal", "title": "trial"},
        ]
        for field in self.columns:
            tips.append(self.encoding(field))
        return tips

    def meta(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "components": len(rows),
            "missing": {"components": self.dropped},
            "fields": {field: column.alias for field, column in self.columns.items()},
        }

    def notes(self) -> list[str]:
        if not self.dropped:
            return []
        aliases = ", ".join(c.alias for c in self.columns.values() if c.is_value)
        return [f"{plural(len(self.dropped), 'component')} without {aliases} left out"]

    def require_numeric(self, field: str, chart: str) -> None:
        if self.values and not self.numeric(field):
            raise ValidationError(
                field, f"{chart} needs numbers; {self.alias(field)} has text values"
            )
