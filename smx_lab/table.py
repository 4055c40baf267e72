"""Trial components as a table, with the columns ``sagemaker.analytics.ExperimentAnalytics`` makes.

One row per component, keys in this order (as ExperimentAnalytics' ``_reshape`` builds them):

- ``TrialComponentName``, ``DisplayName``;
- ``SourceArn``, only for a component that has a source;
- one column per parameter, parameters sorted by name, the value a number or a string;
- ``<metric> - Min``, ``- Max``, ``- Avg``, ``- StdDev``, ``- Last``, ``- Count`` per metric,
  metrics in the order the component lists them;
- ``<artifact> - MediaType`` and ``<artifact> - Value`` per input artifact, then per output
  artifact, each group sorted by name;
- ``Trials`` and ``Experiments``: the names of the component's parents, as lists.

The columns of the table are the union of the rows' keys in order of first appearance, which is how
``pandas.DataFrame`` orders the columns of a list of dicts, so a row whose parameter no earlier row
has adds that column at the end, exactly as ExperimentAnalytics' DataFrame does. Where two of a
row's keys are one column name (a parameter called ``loss - Max`` beside a metric ``loss``), the
later one's value is the row's, as in a dict. A name filter that is None or empty keeps everything
(ExperimentAnalytics tests the list's truth value). ``DisplayName`` falls back to the component's
name, as the REST records do.

The table is built column by column from :class:`~smx_lab.columns.ComponentColumns` (what a store
answers, :meth:`~smx_lab.stores.base.Store.search_trial_component_columns`): no record, and no
dict per row until the REST answer asks for rows. The REST ``table`` route, the trial component
list, the magics and ``ExperimentAnalytics`` all build their tables here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .columns import Artifacts, ComponentColumns, Metrics, Parameters
from .model import TrialComponent, iso
from .vocabulary import (
    ARTIFACT_FIELDS,
    DISPLAY_NAME_COLUMN,
    EXPERIMENTS_COLUMN,
    NAME_COLUMN,
    RECORD_COLUMNS,
    SOURCE_COLUMN,
    SUMMARY_STATISTICS,
    TRIALS_COLUMN,
    artifact_column,
    metric_column,
)

if TYPE_CHECKING:
    import pandas as pd

#: Where a row's keys come from, in the order a row writes them.
_NAME, _DISPLAY, _SOURCE, _PARAMETERS, _METRICS, _INPUTS, _OUTPUTS, _TRIALS, _EXPERIMENTS = range(9)

_FIXED_KINDS = {
    NAME_COLUMN: "name",
    DISPLAY_NAME_COLUMN: "display_name",
    SOURCE_COLUMN: "source",
    TRIALS_COLUMN: "trials",
    EXPERIMENTS_COLUMN: "experiments",
}
_LEADING = ("name", "display_name", "source")

#: The REST table's columns after ExperimentAnalytics' own: what the list shows of each record.
RECORD_DESCRIPTORS: tuple[dict[str, Any], ...] = (
    {"name": RECORD_COLUMNS[0], "kind": "status"},
    {"name": RECORD_COLUMNS[1], "kind": "time"},
    {"name": RECORD_COLUMNS[2], "kind": "time"},
)


@dataclass
class Table:
    """A table of trial components: ``columns`` (ExperimentAnalytics' names, in its order) and,
    in the same order, ``values`` (one list per column, one value per component, None where the
    component has none); ``descriptors`` says what each column holds. ``components`` are the
    columns it was built from."""

    columns: list[str]
    values: list[list[Any]]
    descriptors: list[dict[str, Any]]
    components: ComponentColumns
    #: Columns that hold metric statistics only (no other source shares their name).
    statistics: frozenset[str] = frozenset()

    def record_values(self) -> list[list[Any]]:
        """The :data:`RECORD_DESCRIPTORS` columns the REST answer adds: each component's primary
        status, and its creation and last modification times in ISO 8601."""
        components = self.components
        return [
            list(components.statuses),
            [iso(moment) for moment in components.creation_times],
            [iso(moment) for moment in components.last_modified_times],
        ]

    def rows(self, *, with_records: bool = False) -> list[dict[str, Any]]:
        """One dict per component, every column; ``with_records``: also the record columns (a
        record column named like a table column gives its value to that column)."""
        names, values = self.columns, self.values
        if with_records and self.columns:
            names = [*names, *RECORD_COLUMNS]
            values = [*values, *self.record_values()]
        return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]

    def dataframe(self) -> pd.DataFrame:
        """The table as ExperimentAnalytics' DataFrame: no components, no columns."""
        import pandas as pd

        if not self.columns:
            return pd.DataFrame()
        data = {
            column: _numbers(values) if column in self.statistics else values
            for column, values in zip(self.columns, self.values, strict=True)
        }
        return pd.DataFrame(data, columns=self.columns)


def _numbers(values: list[Any]) -> Any:
    """Numbers (and None) as the numpy array pandas would infer from them (integers alone: int64;
    with a float or a missing value: float64, NaN where missing), made in one step."""
    import numpy as np

    array = np.array(values)
    return array if array.dtype.kind in "if" else np.array(values, dtype=np.float64)


def component_table(
    components: ComponentColumns,
    *,
    metric_names: Collection[str] | None = None,
    parameter_names: Collection[str] | None = None,
    input_artifact_names: Collection[str] | None = None,
    output_artifact_names: Collection[str] | None = None,
) -> Table:
    """The table of ``components`` (see the module's docstring), keeping only the named metrics,
    parameters and artifacts when names are given. Each source writes its columns in the order a
    row writes its keys, so that a later source's value wins where two share a column name."""
    builder = _Builder(len(components))
    _add_own_columns(builder, components)
    _add_parameters(builder, components.parameters, parameter_names)
    _add_metrics(builder, components.metrics, metric_names)
    _add_artifacts(builder, _INPUTS, components.input_artifacts, input_artifact_names)
    _add_artifacts(builder, _OUTPUTS, components.output_artifacts, output_artifact_names)
    _add_parents(builder, components)
    columns = builder.ordered()
    return Table(
        columns=columns,
        values=[builder.values[column] for column in columns],
        descriptors=describe(columns, components),
        components=components,
        statistics=frozenset(
            column
            for column, key in builder.first.items()
            if key[1] == _METRICS and column not in builder.shared
        ),
    )


def _add_own_columns(builder: _Builder, components: ComponentColumns) -> None:
    if not len(components):
        return
    builder.everywhere(NAME_COLUMN, _NAME, components.names)
    display = [d or n for d, n in zip(components.display_names, components.names, strict=True)]
    builder.everywhere(DISPLAY_NAME_COLUMN, _DISPLAY, display)
    sources = [(row, arn) for row, arn in enumerate(components.source_arns) if arn]
    if sources:
        rows, arns = zip(*sources, strict=True)
        builder.put(SOURCE_COLUMN, (rows[0], _SOURCE, 0, 0), rows, arns)


def _add_parameters(
    builder: _Builder, parameters: Parameters, wanted: Collection[str] | None
) -> None:
    for name, start, end in _groups(parameters.names, wanted):
        rows = parameters.rows[start:end]
        builder.put(name, (rows[0], _PARAMETERS, name, 0), rows, parameters.values[start:end])


def _add_metrics(builder: _Builder, metrics: Metrics, wanted: Collection[str] | None) -> None:
    statistics = (
        metrics.min,
        metrics.max,
        metrics.avg,
        metrics.std_dev,
        metrics.last,
        metrics.count,
    )
    for name, start, end in _groups(metrics.names, wanted):
        rows, position = metrics.rows[start:end], metrics.positions[start]
        for rank, (column, values) in enumerate(zip(metric_columns(name), statistics, strict=True)):
            builder.put(column, (rows[0], _METRICS, position, rank), rows, values[start:end])


def _add_artifacts(
    builder: _Builder, segment: int, artifacts: Artifacts, wanted: Collection[str] | None
) -> None:
    fields = (artifacts.media_types, artifacts.values)
    for name, start, end in _groups(artifacts.names, wanted):
        rows = artifacts.rows[start:end]
        for rank, (column, values) in enumerate(zip(artifact_columns(name), fields, strict=True)):
            builder.put(column, (rows[0], segment, name, rank), rows, values[start:end])


def _add_parents(builder: _Builder, components: ComponentColumns) -> None:
    if not len(components):
        return
    trials: list[list[str]] = [[] for _ in range(len(components))]
    experiments: list[list[str]] = [[] for _ in range(len(components))]
    parents = components.parents
    for row, trial, experiment in zip(
        parents.rows, parents.trial_names, parents.experiment_names, strict=True
    ):
        trials[row].append(trial)
        experiments[row].append(experiment)
    builder.everywhere(TRIALS_COLUMN, _TRIALS, trials)
    builder.everywhere(EXPERIMENTS_COLUMN, _EXPERIMENTS, experiments)


class _Builder:
    """Columns as they are written: each column's values, and where it first appears."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.values: dict[str, list[Any]] = {}
        # (row, segment, rank, rank): the first row that has the column, and where in that row's
        # keys (by segment, then by name or position within the segment, then by field).
        self.first: dict[str, tuple[Any, ...]] = {}
        self.shared: set[str] = set()

    def everywhere(self, column: str, segment: int, values: Sequence[Any]) -> None:
        self.put(column, (0, segment, 0, 0), range(self.size), values)

    def put(
        self, column: str, key: tuple[Any, ...], rows: Sequence[int], values: Sequence[Any]
    ) -> None:
        """Writes ``values`` at ``rows`` (ascending, each once), over what the column holds."""
        held = self.values.get(column)
        if held is None:
            if len(rows) == self.size:  # every row, in order
                self.values[column] = list(values)
            else:
                held = self.values[column] = [None] * self.size
                for row, value in zip(rows, values, strict=True):
                    held[row] = value
            self.first[column] = key
            return
        for row, value in zip(rows, values, strict=True):
            held[row] = value
        self.first[column] = min(self.first[column], key)
        self.shared.add(column)

    def ordered(self) -> list[str]:
        return sorted(self.first, key=self.first.__getitem__)


def _groups(names: Sequence[str], wanted: Collection[str] | None) -> Iterator[tuple[str, int, int]]:
    """A long table's names (sorted, as :class:`~smx_lab.columns.ComponentColumns` keeps them),
    each with the range of its entries, ``[start, end)``; only the wanted ones, when named."""
    keep = _name_filter(wanted)
    counts = Counter(names)
    start = 0
    for name, count in counts.items():  # in order of first entry: the names' order
        if keep is None or name in keep:
            yield name, start, start + count
        start += count


def describe(columns: Iterable[str], components: ComponentColumns) -> list[dict[str, Any]]:
    """What each table column holds, told by where the components' values come from rather than
    by the column's name (a parameter may be called ``loss - Max``): ``{name, kind, ...}`` with
    the parameter, the metric and statistic, or the artifact and field."""
    # In the order a row writes its keys, so that where two sources share a column name, the one
    # whose value the row holds describes it.
    known: dict[str, dict[str, Any]] = {
        column: {"kind": kind} for column, kind in _FIXED_KINDS.items() if kind in _LEADING
    }
    known.update(
        (name, {"kind": "parameter", "parameter": name})
        for name in set(components.parameters.names)
    )
    for metric in set(components.metrics.names):
        for statistic, column in zip(SUMMARY_STATISTICS, metric_columns(metric), strict=True):
            known[column] = {"kind": "metric", "metric": metric, "statistic": statistic}
    for kind, artifacts in (
        ("input_artifact", components.input_artifacts),
        ("output_artifact", components.output_artifacts),
    ):
        for name in set(artifacts.names):
            for field in ARTIFACT_FIELDS:
                known[artifact_column(name, field)] = {
                    "kind": kind,
                    "artifact": name,
                    "field": field,
                }
    known.update(
        (column, {"kind": kind}) for column, kind in _FIXED_KINDS.items() if kind not in _LEADING
    )
    return [{"name": column, **known[column]} for column in columns]


# --- records ------------------------------------------------------------------------------------


def build_table(
    components: Iterable[TrialComponent],
    *,
    metric_names: Collection[str] | None = None,
    parameter_names: Collection[str] | None = None,
    input_artifact_names: Collection[str] | None = None,
    output_artifact_names: Collection[str] | None = None,
) -> tuple[list[str], list[dict[str, Any]]]:
    """``(columns, rows)`` of full records: every row has every column, None where the component
    has no value."""
    table = component_table(
        ComponentColumns.from_records(components),
        metric_names=metric_names,
        parameter_names=parameter_names,
        input_artifact_names=input_artifact_names,
        output_artifact_names=output_artifact_names,
    )
    return table.columns, table.rows()


def describe_columns(
    columns: Iterable[str], components: Iterable[TrialComponent]
) -> list[dict[str, Any]]:
    """:func:`describe` for full records."""
    return describe(columns, ComponentColumns.from_records(components))


@lru_cache(maxsize=4096)
def metric_columns(metric_name: str) -> tuple[str, ...]:
    """``<metric> - Min`` ... ``<metric> - Count``: one metric's columns, in table order."""
    return tuple(metric_column(metric_name, statistic) for statistic in SUMMARY_STATISTICS)


@lru_cache(maxsize=4096)
def artifact_columns(artifact_name: str) -> tuple[str, ...]:
    """``<artifact> - MediaType`` and ``<artifact> - Value``: one artifact's columns, in order."""
    return tuple(artifact_column(artifact_name, field) for field in ARTIFACT_FIELDS)


def _name_filter(names: Collection[str] | None) -> frozenset[str] | None:
    # ExperimentAnalytics filters only when the list is non-empty.
    return frozenset(names) if names else None
