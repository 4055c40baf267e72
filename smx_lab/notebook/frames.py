"""Records as pandas DataFrames: the shapes ``%smx`` and ``ExperimentAnalytics`` answer with.

Trial components take :func:`smx_lab.table.component_table`'s columns (ExperimentAnalytics' own);
experiments, trials and metric points take the columns named here. pandas is imported when a frame
is built, never when the module is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..columns import ComponentColumns, MetricArrays
from ..model import Experiment, MetricPoint, Trial, TrialComponent

if TYPE_CHECKING:
    import pandas as pd

EXPERIMENT_COLUMNS = (
    "ExperimentName",
    "DisplayName",
    "Description",
    "TrialCount",
    "CreationTime",
    "LastModifiedTime",
)
TRIAL_COLUMNS = (
    "TrialName",
    "DisplayName",
    "ExperimentName",
    "TrialComponentCount",
    "CreationTime",
    "LastModifiedTime",
)
METRIC_POINT_COLUMNS = ("component", "metric", "step", "timestamp", "value")


def components_dataframe(
    components: ComponentColumns | list[TrialComponent],
    *,
    metric_names: list[str] | None = None,
    parameter_names: list[str] | None = None,
    input_artifact_names: list[str] | None = None,
    output_artifact_names: list[str] | None = None,
) -> pd.DataFrame:
    """Trial components as the DataFrame ``ExperimentAnalytics.dataframe()`` gives (same columns,
    same order), built column by column; the magics use it too, so a notebook shows one table
    shape everywhere. No components: no columns, as the SDK builds its frame from rows alone."""
    from ..table import component_table

    if not isinstance(components, ComponentColumns):
        components = ComponentColumns.from_records(components)
    return component_table(
        components,
        metric_names=metric_names,
        parameter_names=parameter_names,
        input_artifact_names=input_artifact_names,
        output_artifact_names=output_artifact_names,
    ).dataframe()


def experiments_dataframe(experiments: Sequence[Experiment]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        {
            "ExperimentName": [e.experiment_name for e in experiments],
            "DisplayName": [e.display_name or e.experiment_name for e in experiments],
            "Description": [e.description for e in experiments],
            "TrialCount": pd.array([e.trial_count for e in experiments], dtype="Int64"),
            "CreationTime": timestamps(e.creation_time for e in experiments),
            "LastModifiedTime": timestamps(e.last_modified_time for e in experiments),
        },
        columns=list(EXPERIMENT_COLUMNS),
    )


def trials_dataframe(trials: Sequence[Trial]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        {
            "TrialName": [t.trial_name for t in trials],
            "DisplayName": [t.display_name or t.trial_name for t in trials],
            "ExperimentName": [t.experiment_name for t in trials],
            "TrialComponentCount": pd.array(
                [t.trial_component_count for t in trials], dtype="Int64"
            ),
            "CreationTime": timestamps(t.creation_time for t in trials),
            "LastModifiedTime": timestamps(t.last_modified_time for t in trials),
        },
        columns=list(TRIAL_COLUMNS),
    )


def metric_points_dataframe(
    component: str,
    points: MetricArrays | Sequence[MetricPoint],
    *,
    wide: bool,
    metric_names: list[str],
) -> pd.DataFrame:
    """Every point (component, metric, step, timestamp, value), built from arrays
    (:meth:`~smx_lab.stores.base.Store.metric_arrays`); ``wide``: one column per metric, indexed
    by step (by timestamp when some point has no step), in ``metric_names``' order."""
    import numpy as np
    import pandas as pd

    arrays = points if isinstance(points, MetricArrays) else MetricArrays.from_points(points)
    count = len(arrays)
    frame = pd.DataFrame(
        {
            "component": repeated_strings([component], np.zeros(count, dtype=np.intp)),
            "metric": repeated_strings(arrays.metric_names, arrays.metric),
            "step": pd.arrays.IntegerArray(arrays.step, ~arrays.has_step),
            "timestamp": pd.to_datetime(arrays.timestamp, unit="s", utc=True),
            "value": arrays.value,
        },
        columns=list(METRIC_POINT_COLUMNS),
    )
    if not wide:
        return frame
    index = "step" if arrays.has_step.all() else "timestamp"
    order = metric_names or list(dict.fromkeys(frame["metric"]))
    wide_frame = frame.pivot_table(index=index, columns="metric", values="value", aggfunc="last")
    wide_frame = wide_frame.reindex(columns=order)
    wide_frame.columns.name = None
    return wide_frame


def repeated_strings(strings: Sequence[str], codes: Any) -> Any:
    """``strings[codes]`` as the column pandas would make of those strings (its ``str`` dtype in
    pandas 3), built by one ``take`` instead of a million conversions."""
    import pandas as pd

    if not len(codes):
        return []  # as pandas infers an empty column
    dtype = pd.Series(list(strings[:1])).dtype
    return pd.array(list(strings), dtype=dtype).take(codes)


def timestamps(values: Iterable[float | None]) -> pd.Series:
    import pandas as pd

    return pd.to_datetime(pd.Series(list(values), dtype="float64"), unit="s", utc=True)
