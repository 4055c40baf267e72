"""The Vega-Lite scaffolding every chart shares: the spec's frame (title, size, inlined data,
``usermeta``), the y scale, and :class:`Picked`, the rows of a summary chart."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import ValidationError
from .data import is_missing, is_numeric_column, outlier_free_domain, parse_column, unique_labels
from .groups import component_groups, group_title

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
#: Points one chart may carry in all; many series (or group lines) share it.
MAX_TOTAL_POINTS = 100_000
#: The baseline's emphasis: a ring this large around its point, a line this thick.
BASELINE_RING_SIZE = 320
BASELINE_POINT_SIZE = 160
BASELINE_STROKE_WIDTH = 3.5
BASELINE = "baseline"


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
        self.group_by: list[str] = request.get("group_by", [])
        self.groups = component_groups(rows, self.group_by) if self.group_by else []
        group_of = {name: group.label for group in self.groups for name in group.members}
        self.baseline: str | None = request.get("baseline")
        if self.baseline in labels:
            labels[self.baseline] = baseline_label(labels[self.baseline])
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
            if self.group_by:
                picked["group"] = group_of[row["name"]]
            if self.baseline:
                picked["role"] = BASELINE if row["name"] == self.baseline else "compared"
                picked["baseline"] = row["name"] == self.baseline
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
        if self.group_by:
            entries = len({row["group"] for row in self.values})
            return {
                "field": "group",
                "type": "nominal",
                "title": group_title(self.group_by),
                "legend": legend(entries),
            }
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
        if self.group_by:
            tips.append({"field": "group", "type": "nominal", "title": group_title(self.group_by)})
        if self.baseline:
            tips.append({"field": "role", "type": "nominal", "title": "role"})
        for field in self.columns:
            tips.append(self.encoding(field))
        return tips

    @property
    def has_baseline(self) -> bool:
        """Whether the baseline is among the rows drawn."""
        return any(row.get("baseline") for row in self.values)

    def meta(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        fields = {field: column.alias for field, column in self.columns.items()}
        meta: dict[str, Any] = {
            "components": len(rows),
            "missing": {"components": self.dropped},
            "fields": fields,
        }
        if self.group_by:
            fields["group"] = ", ".join(self.group_by)
            meta["group_by"] = self.group_by
            meta["groups"] = [
                {"key": list(group.key), "label": group.label, "members": len(group.members)}
                for group in self.groups
            ]
        if self.baseline:
            meta["baseline"] = self.baseline if self.has_baseline else None
        return meta

    def notes(self) -> list[str]:
        notes = []
        if self.dropped:
            aliases = ", ".join(c.alias for c in self.columns.values() if c.is_value)
            notes.append(f"{plural(len(self.dropped), 'component')} without {aliases} left out")
        if self.baseline and self.baseline not in self.dropped and not self.has_baseline:
            notes.append(f"baseline {self.baseline} is not among these components")
        return notes

    def require_numeric(self, field: str, chart: str) -> None:
        if self.values and not self.numeric(field):
            raise ValidationError(
                field, f"{chart} needs numbers; {self.alias(field)} has text values"
            )


def baseline_label(label: str) -> str:
    """The baseline's legend label: marked at its start, which a legend cut short still shows."""
    return f"{BASELINE}: {label}"


def only_baseline() -> dict[str, Any]:
    return {"filter": "datum.baseline"}


def baseline_marks(color: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Layers that emphasise the baseline's point (drawn by the layers under them, with the same
    x and y): a ring around it in its own color and the word "baseline" above it."""
    ring: dict[str, Any] = {
        "transform": [only_baseline()],
        "mark": {
            "type": "point",
            "filled": False,
            "size": BASELINE_RING_SIZE,
            "strokeWidth": 2.5,
            "opacity": 1,
        },
    }
    if color is not None:
        ring["encoding"] = {"color": color}
    return [ring, baseline_text()]


def baseline_text(**position: Any) -> dict[str, Any]:
    """The word "baseline" over the baseline's mark."""
    return {
        "transform": [only_baseline()],
        "mark": {
            "type": "text",
            "dy": -14,
            "fontWeight": "bold",
            "baseline": "bottom",
            "tooltip": None,
            **position,
        },
        "encoding": {"text": {"value": BASELINE}},
    }
