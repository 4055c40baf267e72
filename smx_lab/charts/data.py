"""The data behind the charts: column names, one summary row per component, and the numbers the
charts show that Vega-Lite cannot compute (smoothing, rank correlation, outlier-free domains).

Everything here is a pure function of model objects and plain values, so it can be tested without
a store or a renderer. The chart builders of :mod:`smx_lab.charts` turn the results into Vega-Lite
specs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import QueryError
from ..model import TrialComponent
from ..query import describe_property
from ..vocabulary import (
    DEFAULT_STATISTIC,
    STATISTIC_ATTRIBUTES,
    SUMMARY_STATISTICS,
    statistic_named,
)

ColumnKind = Literal["meta", "parameter", "metric", "tag"]

#: The component's own columns, by the name charts use for them.
META_COLUMNS = ("name", "display_name", "trial", "experiment", "status")

# SageMaker's property names of the meta columns (query.canonical_property's answers).
_META_PROPERTIES = {
    "TrialComponentName": "name",
    "DisplayName": "display_name",
    "Parents.TrialName": "trial",
    "Parents.ExperimentName": "experiment",
    "Status.PrimaryStatus": "status",
}
# Short names that the query language does not know, because they are not search properties.
_META_SHORT = {"trial": "trial", "experiment": "experiment", "displayname": "display_name"}

# The statistics other than Count (which is a whole number, never missing): Column.alias's suffixes,
# and one getter that reads them all from a MetricSummary, in the same order.
_VALUE_STATISTICS = tuple(statistic for statistic in SUMMARY_STATISTICS if statistic != "Count")
_STATISTIC_SUFFIXES = tuple("." + statistic.lower() for statistic in _VALUE_STATISTICS)
_statistic_values = attrgetter(*(STATISTIC_ATTRIBUTES[s] for s in _VALUE_STATISTICS))

COLUMN_HELP = (
    "expected parameters.<name>, metrics.<name>.<statistic> "
    f"(statistic one of {', '.join(s.lower() for s in SUMMARY_STATISTICS)}), tags.<key> "
    f"or one of {', '.join(META_COLUMNS)}"
)


class ColumnError(ValueError):
    """A column name that does not parse; the message is the rule it breaks."""


@dataclass(frozen=True)
class Column:
    """One column of the summary rows: a meta column, a parameter, or a metric statistic."""

    kind: ColumnKind
    name: str
    statistic: str | None = None

    @property
    def alias(self) -> str:
        """The typed-query spelling, which is also the key of the column in :func:`summary_rows`."""
        if self.kind == "parameter":
            return f"parameters.{self.name}"
        if self.kind == "tag":
            return f"tags.{self.name}"
        if self.kind == "metric":
            return f"metrics.{self.name}.{(self.statistic or '').lower()}"
        return self.name

    @property
    def is_value(self) -> bool:
        """Parameters and metric statistics are values of a run; meta columns and tags describe
        the run."""
        return self.kind in ("parameter", "metric")


def canonical_statistic(text: str) -> str:
    """``max`` or ``Max`` → ``Max``; anything else is a :class:`ColumnError`."""
    statistic = statistic_named(text)
    if statistic is None:
        raise ColumnError(
            f"unknown statistic {text!r}; expected one of {', '.join(SUMMARY_STATISTICS)}"
        )
    return statistic


def parse_column(text: str, default_statistic: str = DEFAULT_STATISTIC) -> Column:
    """Reads a column name the way the query language does (:func:`smx_lab.query.describe_property`:
    ``parameters.lr``, ``Metrics.test:accuracy.Max``, ``Parents.TrialName``, ``status``), plus the
    short ``trial`` and ``experiment``. A metric without a statistic takes ``default_statistic``."""
    short = _META_SHORT.get(text.strip().replace("_", "").lower())
    if short:
        return Column("meta", short)
    try:
        found = describe_property(text)
    except QueryError as error:
        hint = f"; did you mean {' or '.join(error.suggestions)}?" if error.suggestions else ""
        raise ColumnError(f"unknown column {text!r}{hint} ({COLUMN_HELP})") from None
    if found.name in _META_PROPERTIES:
        return Column("meta", _META_PROPERTIES[found.name])
    if found.prefix == "Parameters" and found.key:
        return Column("parameter", found.key)
    if found.prefix == "Tags" and found.key:
        return Column("tag", found.key)
    if found.prefix == "Metrics" and found.key:
        return Column("metric", found.key, found.field or canonical_statistic(default_statistic))
    raise ColumnError(f"{text!r} cannot be charted; {COLUMN_HELP}")


def _trial_names(component: TrialComponent) -> list[str]:
    return sorted({parent.trial_name for parent in component.parents})


def _experiment_names(component: TrialComponent) -> list[str]:
    return sorted({parent.experiment_name for parent in component.parents})


def component_label(component: TrialComponent) -> str:
    return component.display_name or component.trial_component_name


def unique_labels(
    named: Iterable[tuple[str, str] | tuple[str, str, str | None]],
) -> dict[str, str]:
    """(name, display name[, trial]) → name → the label a legend shows: the display name, and
    where components share one (every run's "Training"), what tells them apart — their trials,
    when each has its own (``Training (digits-mlp-64-hidden-units)``), else their names (a legend
    entry must identify one run)."""
    entries = [(one[0], one[1], one[2] if len(one) > 2 else None) for one in named]
    groups: dict[str, list[tuple[str, str | None]]] = {}
    for name, display_name, trial in entries:
        groups.setdefault(display_name, []).append((name, trial))
    labels = {}
    for display_name, members in groups.items():
        trials = [trial for _, trial in members]
        by_trial = all(trials) and len(set(trials)) == len(members)
        for name, trial in members:
            if len(members) == 1 or display_name == name:
                labels[name] = display_name
            else:
                labels[name] = f"{display_name} ({trial if by_trial else name})"
    return labels


def trial_text(component: TrialComponent) -> str | None:
    """The trial(s) of a component as one cell: a component shared by trials lists them all."""
    return ", ".join(_trial_names(component)) or None


def summary_rows(components: Iterable[TrialComponent]) -> list[dict[str, Any]]:
    """One flat row per component, keyed by column alias: the meta columns, every parameter
    (``parameters.<name>``), every tag (``tags.<key>``) and every statistic of every metric
    (``metrics.<name>.<stat>``)."""
    rows = []
    for component in components:
        row: dict[str, Any] = {
            "name": component.trial_component_name,
            "display_name": component_label(component),
            "trial": trial_text(component),
            "experiment": ", ".join(_experiment_names(component)) or None,
            "status": component.status.primary_status if component.status else None,
        }
        for name, value in component.parameters.items():
            row[f"parameters.{name}"] = value
        for key, text in component.tags.items():
            row[f"tags.{key}"] = text
        for summary in component.metrics:
            # keys spelled out rather than through Column: thousands of components × 6 statistics
            statistics = _statistic_values(summary)
            for suffix, value in zip(_STATISTIC_SUFFIXES, statistics, strict=True):
                row[f"metrics.{summary.metric_name}{suffix}"] = (
                    value if math.isfinite(value) else None
                )
            row[f"metrics.{summary.metric_name}.count"] = float(summary.count)
        rows.append(row)
    return rows


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value)) or value == ""


def is_numeric_column(rows: Sequence[dict[str, Any]], alias: str) -> bool:
    """True when every present value of the column is a finite number (and one is present)."""
    present = [row[alias] for row in rows if not is_missing(row.get(alias))]
    return bool(present) and all(is_number(value) for value in present)


def value_columns(rows: Sequence[dict[str, Any]], statistic: str) -> list[Column]:
    """The parameters and the metrics (at one statistic) that at least one row has, in a stable
    order: parameters first, then metrics, each alphabetical."""
    parameters: set[str] = set()
    metrics: set[str] = set()
    suffix = "." + statistic.lower()
    for row in rows:
        for key in row:
            if key.startswith("parameters."):
                parameters.add(key[len("parameters.") :])
            elif key.startswith("metrics.") and key.endswith(suffix):
                metrics.add(key[len("metrics.") : -len(suffix)])
    return [Column("parameter", name) for name in sorted(parameters)] + [
        Column("metric", name, statistic) for name in sorted(metrics)
    ]


def exponential_moving_average(values: Sequence[float], weight: float) -> list[float]:
    """``s[0] = v[0]``, ``s[i] = weight * s[i-1] + (1 - weight) * v[i]``: TensorBoard's smoothing
    slider, seeded with the first value so the curve starts where the data starts."""
    smoothed: list[float] = []
    for value in values:
        smoothed.append(value if not smoothed else weight * smoothed[-1] + (1 - weight) * value)
    return smoothed


#: Percentiles that bound the y axis when outliers are ignored (TensorBoard's choice).
OUTLIER_PERCENTILES = (5.0, 95.0)


def outlier_free_domain(
    values: Sequence[float], log_scale: bool = False
) -> tuple[float, float] | None:
    """The y domain that shows the 5th–95th percentile of the values, padded by a tenth of that
    span on each side (in log space for a log axis), so a few spikes do not flatten the curves."""
    finite_values = np.asarray([v for v in values if math.isfinite(v) and (v > 0 or not log_scale)])
    if finite_values.size == 0:
        return None
    if log_scale:
        finite_values = np.log10(finite_values)
    low, high = (float(p) for p in np.percentile(finite_values, OUTLIER_PERCENTILES))
    padding = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
    low, high = low - padding, high + padding
    if log_scale:
        return 10.0**low, 10.0**high
    return low, high


def spearman_correlation(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Spearman's rank correlation (average ranks for ties), or None when it is undefined: fewer
    than three pairs, or a constant side."""
    if len(x) < 3:
        return None
    x_ranks = pd.Series(x, dtype=float).rank().to_numpy()
    y_ranks = pd.Series(y, dtype=float).rank().to_numpy()
    if np.ptp(x_ranks) == 0 or np.ptp(y_ranks) == 0:
        return None
    return float(np.corrcoef(x_ranks, y_ranks)[0, 1])


def normalise(values: Sequence[float]) -> list[float]:
    """Min-max scaling to 0..1; a constant axis sits in the middle."""
    low, high = min(values), max(values)
    if high == low:
        return [0.5 for _ in values]
    return [(value - low) / (high - low) for value in values]
