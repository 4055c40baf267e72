"""The record paths the columnar paths replaced, kept verbatim as the references the property tests
compare with: ``smx_lab/table.py`` before the columnar path (each component's row built from its
full record, then the rows merged; each column described from the records), and the DataFrames
``notebook/frames.py`` built from records and from MetricPoints."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from functools import lru_cache
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from smx_lab.model import Artifact, MetricPoint, TrialComponent, iso

if TYPE_CHECKING:
    import pandas as pd

from smx_lab.vocabulary import (
    ARTIFACT_FIELDS,
    DISPLAY_NAME_COLUMN,
    EXPERIMENTS_COLUMN,
    NAME_COLUMN,
    SOURCE_COLUMN,
    STATISTIC_ATTRIBUTES,
    SUMMARY_STATISTICS,
    TRIALS_COLUMN,
    artifact_column,
    metric_column,
)

# A summary's statistics as one tuple, in SUMMARY_STATISTICS' order (the column order).
_statistics = attrgetter(*(STATISTIC_ATTRIBUTES[name] for name in SUMMARY_STATISTICS))


def build_table(
    components: Iterable[TrialComponent],
    *,
    metric_names: Collection[str] | None = None,
    parameter_names: Collection[str] | None = None,
    input_artifact_names: Collection[str] | None = None,
    output_artifact_names: Collection[str] | None = None,
) -> tuple[list[str], list[dict[str, Any]]]:
    """``(columns, rows)``: every row has every column, None where the component has no value."""
    metric_filter = _name_filter(metric_names)
    parameter_filter = _name_filter(parameter_names)
    input_filter = _name_filter(input_artifact_names)
    output_filter = _name_filter(output_artifact_names)

    columns: dict[str, None] = {}  # an ordered set
    shaped: list[dict[str, Any]] = []
    for component in components:
        row = component_row(
            component,
            metric_filter=metric_filter,
            parameter_filter=parameter_filter,
            input_filter=input_filter,
            output_filter=output_filter,
        )
        columns.update(dict.fromkeys(row))
        shaped.append(row)
    names = list(columns)
    empty = dict.fromkeys(names)
    rows = []
    for row in shaped:
        full = empty.copy()  # every column, in table order; update() keeps that order
        full.update(row)
        rows.append(full)
    return names, rows


def component_row(
    component: TrialComponent,
    *,
    metric_filter: frozenset[str] | None = None,
    parameter_filter: frozenset[str] | None = None,
    input_filter: frozenset[str] | None = None,
    output_filter: frozenset[str] | None = None,
) -> dict[str, Any]:
    """One component's row, keys in ExperimentAnalytics' order (see the module docstring)."""
    row: dict[str, Any] = {
        NAME_COLUMN: component.trial_component_name,
        DISPLAY_NAME_COLUMN: component.display_name or component.trial_component_name,
    }
    if component.source is not None and component.source.source_arn:
        row[SOURCE_COLUMN] = component.source.source_arn

    for name in sorted(component.parameters):
        if parameter_filter is None or name in parameter_filter:
            row[name] = component.parameters[name]

    for summary in component.metrics:
        if metric_filter is not None and summary.metric_name not in metric_filter:
            continue
        row.update(zip(metric_columns(summary.metric_name), _statistics(summary), strict=True))

    row.update(_artifact_columns(component.input_artifacts, input_filter))
    row.update(_artifact_columns(component.output_artifacts, output_filter))

    row[TRIALS_COLUMN] = [parent.trial_name for parent in component.parents]
    row[EXPERIMENTS_COLUMN] = [parent.experiment_name for parent in component.parents]
    return row


@lru_cache(maxsize=4096)
def metric_columns(metric_name: str) -> tuple[str, ...]:
    """``<metric> - Min`` ... ``<metric> - Count``: one metric's columns, in table order."""
    return tuple(metric_column(metric_name, statistic) for statistic in SUMMARY_STATISTICS)


@lru_cache(maxsize=4096)
def artifact_columns(artifact_name: str) -> tuple[str, ...]:
    """``<artifact> - MediaType`` and ``<artifact> - Value``: one artifact's columns, in order."""
    return tuple(artifact_column(artifact_name, field) for field in ARTIFACT_FIELDS)


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
    {"name": "Status", "kind": "status"},
    {"name": "CreationTime", "kind": "time"},
    {"name": "LastModifiedTime", "kind": "time"},
)


def record_values(component: TrialComponent) -> dict[str, Any]:
    """A row's values of :data:`RECORD_DESCRIPTORS`: the primary status and two ISO times."""
    return {
        "Status": component.status.primary_status if component.status else None,
        "CreationTime": iso(component.creation_time),
        "LastModifiedTime": iso(component.last_modified_time),
    }


def describe_columns(
    columns: Iterable[str], components: Iterable[TrialComponent]
) -> list[dict[str, Any]]:
    """What each table column holds, told by where the components' values come from rather than
    by the column's name (a parameter may be called ``loss - Max``): ``{name, kind, ...}`` with
    the parameter, the metric and statistic, or the artifact and field."""
    parameters: set[str] = set()
    metrics: set[str] = set()
    inputs: set[str] = set()
    outputs: set[str] = set()
    for component in components:
        parameters.update(component.parameters)
        metrics.update(summary.metric_name for summary in component.metrics)
        inputs.update(component.input_artifacts)
        outputs.update(component.output_artifacts)
    # In the order component_row writes a row's keys, so that where two sources share a column
    # name, the one whose value the row holds describes it.
    known: dict[str, dict[str, Any]] = {
        column: {"kind": kind} for column, kind in _FIXED_KINDS.items() if kind in _LEADING
    }
    known.update((name, {"kind": "parameter", "parameter": name}) for name in parameters)
    for metric in metrics:
        for statistic, column in zip(SUMMARY_STATISTICS, metric_columns(metric), strict=True):
            known[column] = {"kind": "metric", "metric": metric, "statistic": statistic}
    for kind, artifacts in (("input_artifact", inputs), ("output_artifact", outputs)):
        for name in artifacts:
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


def _artifact_columns(
    artifacts: dict[str, Artifact], name_filter: frozenset[str] | None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in sorted(artifacts):
        if name_filter is not None and name not in name_filter:
            continue
        media_type_column, value_column = artifact_columns(name)
        out[media_type_column] = artifacts[name].media_type
        out[value_column] = artifacts[name].value
    return out


def _name_filter(names: Collection[str] | None) -> frozenset[str] | None:
    # ExperimentAnalytics filters only when the list is non-empty.
    return frozenset(names) if names else None


def table_answer(components: list[TrialComponent], **names: Any) -> dict[str, Any]:
    """The REST ``table`` answer's columns, descriptors and rows, as the handler built them."""
    columns, rows = build_table(components, **names)
    descriptors = [*describe_columns(columns, components), *RECORD_DESCRIPTORS]
    for row, component in zip(rows, components, strict=True):
        row.update(record_values(component))
    return {"columns": columns, "descriptors": descriptors, "rows": rows}


def dataframe(components: list[TrialComponent], **names: Any) -> Any:
    """``ExperimentAnalytics.dataframe()`` as ``notebook/frames.py`` built it."""
    import pandas as pd

    columns, rows = build_table(components, **names)
    if not components:
        return pd.DataFrame()
    return pd.DataFrame(list(rows), columns=list(columns))


METRIC_POINT_COLUMNS = ("component", "metric", "step", "timestamp", "value")


def metric_points_frame(
    component: str, points: Sequence[MetricPoint], *, wide: bool, metric_names: list[str]
) -> pd.DataFrame:
    """Every point (component, metric, step, timestamp, value); ``wide``: one column per metric,
    indexed by step (by timestamp when some point has no step), in ``metric_names``' order."""
    import pandas as pd

    frame = pd.DataFrame(
        {
            "component": [component] * len(points),
            "metric": [p.metric_name for p in points],
            "step": pd.array([p.step for p in points], dtype="Int64"),
            "timestamp": timestamps(p.timestamp for p in points),
            "value": pd.array([p.value for p in points], dtype="float64"),
        },
        columns=list(METRIC_POINT_COLUMNS),
    )
    if not wide:
        return frame
    index = "step" if frame["step"].notna().all() else "timestamp"
    order = metric_names or list(dict.fromkeys(frame["metric"]))
    wide_frame = frame.pivot_table(index=index, columns="metric", values="value", aggfunc="last")
    wide_frame = wide_frame.reindex(columns=order)
    wide_frame.columns.name = None
    return wide_frame


def timestamps(values: Iterable[float | None]) -> pd.Series:
    import pandas as pd

    return pd.to_datetime(pd.Series(list(values), dtype="float64"), unit="s", utc=True)
