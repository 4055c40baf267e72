"""Trial components as columns: what a table is built from, without a record per component.

:class:`ComponentColumns` holds a list of trial components (in order, repeats allowed) as one
sequence per field (names, display names, source ARNs, statuses, times) and, for what a component
has many of (parameters, metric summaries, artifacts, parents), one long table each: parallel
sequences with the row each entry belongs to. Parameters, metrics and artifacts are sorted by
name, then row, so that one name's entries (a table column's values) are one slice; parents are
by row, each row's in order. A store fills
it straight from its query results (the embedded store: one SQL statement per table); any other
store gets it from its records (:meth:`ComponentColumns.from_records`), which is what
:class:`~smx_lab.stores.base.Store` does by default. :mod:`smx_lab.table` builds the REST table,
the trial component list and ``ExperimentAnalytics``' DataFrame from it.

:class:`MetricArrays` is the same idea for raw metric points: numpy arrays instead of a
:class:`~smx_lab.model.MetricPoint` per point.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from .model import MetricPoint, TrialComponent

#: A long table's ``rows``: the row (index into the component sequences) of each entry.
Rows = Sequence[int]


@dataclass
class Parameters:
    """Parameter values, sorted by name, then row."""

    rows: Rows = ()
    names: Sequence[str] = ()
    values: Sequence[Any] = ()


@dataclass
class Metrics:
    """Metric summaries, sorted by name, then row; ``positions`` orders a component's metrics
    (the order the component lists them: lower first)."""

    rows: Rows = ()
    names: Sequence[str] = ()
    positions: Sequence[int] = ()
    min: Sequence[float] = ()
    max: Sequence[float] = ()
    avg: Sequence[float] = ()
    std_dev: Sequence[float] = ()
    last: Sequence[float] = ()
    count: Sequence[int] = ()


@dataclass
class Artifacts:
    """Input or output artifacts, sorted by name, then row."""

    rows: Rows = ()
    names: Sequence[str] = ()
    media_types: Sequence[str | None] = ()
    values: Sequence[str] = ()


@dataclass
class Parents:
    """Parent trials, by row, each row's in the order the component lists them."""

    rows: Rows = ()
    trial_names: Sequence[str] = ()
    experiment_names: Sequence[str] = ()


_LONG_TABLES = ("parameters", "metrics", "input_artifacts", "output_artifacts", "parents")


@dataclass
class ComponentColumns:
    """Trial components as columns; see the module's docstring. ``source_arns`` holds None for a
    component without a source; the times are seconds since the epoch."""

    names: Sequence[str] = ()
    display_names: Sequence[str | None] = ()
    source_arns: Sequence[str | None] = ()
    statuses: Sequence[str | None] = ()
    creation_times: Sequence[float | None] = ()
    last_modified_times: Sequence[float | None] = ()
    parameters: Parameters = field(default_factory=Parameters)
    metrics: Metrics = field(default_factory=Metrics)
    input_artifacts: Artifacts = field(default_factory=Artifacts)
    output_artifacts: Artifacts = field(default_factory=Artifacts)
    parents: Parents = field(default_factory=Parents)

    def __len__(self) -> int:
        return len(self.names)

    @classmethod
    def from_records(cls, components: Iterable[TrialComponent]) -> ComponentColumns:
        """The columns of full records, in their order."""
        listed = list(components)
        # Long tables' entries as (name, row, ...): sorted, they are in name, then row order.
        parameters: list[tuple[str, int, Any]] = []
        metrics: list[tuple[Any, ...]] = []
        inputs: list[tuple[str, int, str | None, str]] = []
        outputs: list[tuple[str, int, str | None, str]] = []
        parents: list[tuple[int, str, str]] = []
        for row, component in enumerate(listed):
            parameters += [(k, row, v) for k, v in component.parameters.items()]
            metrics += [
                (s.metric_name, row, position, s.min, s.max, s.avg, s.std_dev, s.last, s.count)
                for position, s in enumerate(component.metrics)
            ]
            for target, artifacts in (
                (inputs, component.input_artifacts),
                (outputs, component.output_artifacts),
            ):
                target += [(k, row, a.media_type, a.value) for k, a in artifacts.items()]
            parents += [(row, p.trial_name, p.experiment_name) for p in component.parents]
        return cls(
            names=[c.trial_component_name for c in listed],
            display_names=[c.display_name for c in listed],
            source_arns=[c.source.source_arn if c.source else None for c in listed],
            statuses=[c.status.primary_status if c.status else None for c in listed],
            creation_times=[c.creation_time for c in listed],
            last_modified_times=[c.last_modified_time for c in listed],
            parameters=Parameters(*_by_name(parameters, 3)),
            metrics=Metrics(*_by_name(metrics, 9)),
            input_artifacts=Artifacts(*_by_name(inputs, 4)),
            output_artifacts=Artifacts(*_by_name(outputs, 4)),
            parents=Parents(*transposed(parents, 3)),
        )

    def take(self, indexes: Sequence[int]) -> ComponentColumns:
        """The components at ``indexes``, in that order (an index may repeat)."""
        picked = list(indexes)
        own: dict[str, Any] = {
            f.name: [getattr(self, f.name)[i] for i in picked]
            for f in fields(self)
            if f.name not in _LONG_TABLES
        }
        long = {name: _take_long(getattr(self, name), picked) for name in _LONG_TABLES}
        return ComponentColumns(**own, **long)

    @classmethod
    def concat(cls, parts: Sequence[ComponentColumns]) -> ComponentColumns:
        """The components of each part in turn."""
        if len(parts) <= 1:
            return parts[0] if parts else cls()
        own: dict[str, Any] = {
            f.name: [value for part in parts for value in getattr(part, f.name)]
            for f in fields(cls)
            if f.name not in _LONG_TABLES
        }
        offsets = np.cumsum([0, *(len(part) for part in parts)]).tolist()
        long = {
            name: _concat_long([getattr(part, name) for part in parts], offsets)
            for name in _LONG_TABLES
        }
        return cls(**own, **long)


@dataclass
class ColumnPage:
    """One page of a listing or search of trial components, as columns (see
    :class:`~smx_lab.model.Page`)."""

    columns: ComponentColumns
    next_cursor: str | None = None
    total: int | None = None


@dataclass(frozen=True)
class Scope:
    """What a trial component list shows, as a store reads it: the union of the named
    ``components``, every component of the named ``trials`` and ``experiments`` and (``unassigned``)
    every component of no trial, or every component when none of these is given; narrowed by
    ``expression``, a validated SearchExpression (the list's search, a group), and without the
    component named ``without``. :func:`smx_lab.listing.scope_of` makes it from a selection."""

    components: tuple[str, ...] = ()
    trials: tuple[str, ...] = ()
    experiments: tuple[str, ...] = ()
    unassigned: bool = False
    expression: dict[str, Any] | None = field(default=None, compare=False)
    #: A component left out (the list's baseline, shown apart).
    without: str | None = None

    @property
    def everything(self) -> bool:
        """True when no part narrows the union: every component of the store."""
        return not (self.components or self.trials or self.experiments or self.unassigned)


@dataclass
class Census:
    """What the components of a whole scope have, without reading them: the columns a list of them
    shows and what it can group by. ``parameters`` maps each parameter name to whether it
    differs (the components that have it do not all have one value); metrics, artifacts and tag
    keys are sorted names."""

    total: int
    parameters: dict[str, bool]
    metrics: list[str]
    input_artifacts: list[str]
    output_artifacts: list[str]
    has_source: bool
    tag_keys: list[str]


def transposed(rows: Sequence[Sequence[Any]], width: int) -> list[Sequence[Any]]:
    """Rows of ``width`` values → ``width`` columns (empty ones when there are no rows)."""
    if not rows:
        return [() for _ in range(width)]
    return list(zip(*rows, strict=True))


def _by_name(entries: list[tuple[Any, ...]], width: int) -> list[Sequence[Any]]:
    """``(name, row, ...)`` entries → a long table's columns (rows, names, ...), sorted by name,
    then row."""
    groups: dict[str, list[tuple[Any, ...]]] = {}
    for entry in entries:  # in row order, so each name's entries are too
        groups.setdefault(entry[0], []).append(entry)
    ordered = [entry for name in sorted(groups) for entry in groups[name]]
    names, rows, *values = transposed(ordered, width)
    return [rows, names, *values]


def _take_long(table: Any, picked: list[int]) -> Any:
    """The entries of the picked rows, renumbered to their new positions, in the table's order."""
    positions: dict[int, list[int]] = {}
    for new, old in enumerate(picked):
        positions.setdefault(old, []).append(new)
    pairs = [(new, entry) for entry, row in enumerate(table.rows) for new in positions.get(row, ())]
    return _reordered(table, pairs)


def _concat_long(tables: list[Any], offsets: list[int]) -> Any:
    kind = type(tables[0])
    rows = [
        row + offset for table, offset in zip(tables, offsets, strict=False) for row in table.rows
    ]
    values = {
        f.name: [value for table in tables for value in getattr(table, f.name)]
        for f in fields(kind)
        if f.name != "rows"
    }
    joined = kind(rows=rows, **values)
    return _reordered(joined, list(zip(rows, range(len(rows)), strict=True)))


def _reordered(table: Any, pairs: list[tuple[int, int]]) -> Any:
    """``(row, entry)`` pairs → a table of those entries at those rows, in the table's order:
    by name then row, or (parents) by row, each row's entries in their order."""
    if isinstance(table, Parents):
        pairs.sort(key=lambda pair: pair[0])
    else:
        names = table.names
        pairs.sort(key=lambda pair: (names[pair[1]], pair[0]))
    entries = [entry for _, entry in pairs]
    values = {
        f.name: [getattr(table, f.name)[entry] for entry in entries]
        for f in fields(table)
        if f.name != "rows"
    }
    return type(table)(rows=[row for row, _ in pairs], **values)


# --- metric points ------------------------------------------------------------------------------


@dataclass
class MetricArrays:
    """Raw metric points as arrays, in the order :meth:`~smx_lab.stores.base.Store.metric_points`
    gives them (metric by metric, each in logging order): ``metric`` indexes ``metric_names``;
    ``has_step`` is False where a point was logged without a step (its ``step`` is then 0);
    ``timestamp`` is seconds since the epoch."""

    metric_names: list[str]
    metric: np.ndarray  # int32 index into metric_names
    step: np.ndarray  # int64
    has_step: np.ndarray  # bool
    timestamp: np.ndarray  # float64
    value: np.ndarray  # float64

    def __len__(self) -> int:
        return len(self.value)

    @classmethod
    def from_points(cls, points: Sequence[MetricPoint]) -> MetricArrays:
        names = list(dict.fromkeys(p.metric_name for p in points))
        index = {name: i for i, name in enumerate(names)}
        count = len(points)
        return cls(
            metric_names=names,
            metric=np.fromiter((index[p.metric_name] for p in points), np.int32, count),
            step=np.fromiter((p.step or 0 for p in points), np.int64, count),
            has_step=np.fromiter((p.step is not None for p in points), np.bool_, count),
            timestamp=np.fromiter((p.timestamp for p in points), np.float64, count),
            value=np.fromiter((p.value for p in points), np.float64, count),
        )
