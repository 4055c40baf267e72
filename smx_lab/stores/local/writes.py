"""The embedded store's write side (:class:`~smx_lab.stores.base.Writer`): records, their links,
artifact files and metric points.

Every write is one ``BEGIN IMMEDIATE`` transaction, after its arguments are checked against
SageMaker's rules (:mod:`smx_lab.names`): a failed call writes nothing.

Metric points: each metric's points are numbered in logging order (``seq``, from 0). The summary
(Welford's parallel merge) and the rollups (:mod:`smx_lab.stores.local.rollups`) are written in
the same transaction as the points.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import numpy as np

from ... import names
from ...errors import AlreadyExists, ValidationError
from ...model import (
    Artifact,
    Experiment,
    MetricPoint,
    ParameterValue,
    Source,
    Status,
    Trial,
    TrialComponent,
)
from ...vocabulary import (
    EXPERIMENT,
    PRIMARY_STATUSES,
    SEARCH_RESULT_KEYS,
    TRIAL,
    TRIAL_COMPONENT,
)
from .blocks import append_block
from .records import Records
from .rollups import ROLLUP_UPSERT, rollup_rows
from .schema import ROW_TABLE

#: One metric's points as parallel lists: values, timestamps (seconds), steps (None: no step).
MetricColumns = tuple[list[Any], list[Any], list[Any]]
#: One metric's checked points: its name, values, timestamps and steps.
_Batch = tuple[str, np.ndarray, np.ndarray, list[int | None]]
#: A checked artifact: kind (input or output), name, value, media type.
_ArtifactRow = tuple[str, str, str, str | None]


class Writes(Records):
    """Creates, updates and deletes records, links components to trials, stores artifact files
    and appends metric points."""

    artifacts_dir: Path

    def clear(self) -> None:
        """Delete every experiment, trial, component and artifact file (``smx-lab demo --reset``).
        Rows are deleted rather than the file removed, so open connections stay valid."""
        with self._write() as db:
            for table in ("tags", "trial_components", "trials", "experiments"):
                db.execute(f"DELETE FROM {table}")  # noqa: S608 - constant table names
        shutil.rmtree(self.artifacts_dir, ignore_errors=True)

    # ---------------------------------------------------------------- experiments and trials

    def create_experiment(
        self,
        name: str,
        *,
        display_name: str | None = None,
        description: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> Experiment:
        names.entity_name("experiment_name", name)
        names.optional_entity_name("display_name", display_name)
        names.text("description", description, names.DESCRIPTION_MAX)
        checked_tags = names.tags(tags)
        now = time.time()
        with self._write() as db:
            if self._exists(db, EXPERIMENT, name):
                raise AlreadyExists(SEARCH_RESULT_KEYS[EXPERIMENT], name)
            cursor = db.execute(
                "INSERT INTO experiments (name, display_name, description, creation_time, "
                "created_by, last_modified_time) VALUES (?, ?, ?, ?, ?, ?)",
                (name, display_name, description, now, _user(), now),
            )
            _write_tags(db, EXPERIMENT, int(cursor.lastrowid or 0), checked_tags)
        return self.get_experiment(name)

    def delete_experiment(self, name: str) -> None:
        with self._write() as db:
            experiment_id = self._id(db, EXPERIMENT, name)
            trial_ids = [
                row[0]
                for row in db.execute(
                    "SELECT id FROM trials WHERE experiment_id = ?", (experiment_id,)
                )
            ]
            db.execute(
                "DELETE FROM tags WHERE resource = ? "
                "AND resource_id IN (SELECT value FROM json_each(?))",
                (TRIAL, json.dumps(trial_ids)),
            )
            _delete_tags(db, EXPERIMENT, experiment_id)
            db.execute("DELETE FROM experiments WHERE id = ?", (experiment_id,))

    def create_trial(
        self,
        name: str,
        experiment_name: str,
        *,
        display_name: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> Trial:
        names.entity_name("trial_name", name)
        names.entity_name("experiment_name", experiment_name)
        names.optional_entity_name("display_name", display_name)
        checked_tags = names.tags(tags)
        now = time.time()
        with self._write() as db:
            experiment_id = self._id(db, EXPERIMENT, experiment_name)
            if self._exists(db, TRIAL, name):
                raise AlreadyExists(SEARCH_RESULT_KEYS[TRIAL], name)
            cursor = db.execute(
                "INSERT INTO trials (name, experiment_id, display_name, creation_time, created_by, "
                "last_modified_time) VALUES (?, ?, ?, ?, ?, ?)",
                (name, experiment_id, display_name, now, _user(), now),
            )
            _write_tags(db, TRIAL, int(cursor.lastrowid or 0), checked_tags)
            db.execute(
                "UPDATE experiments SET last_modified_time = ? WHERE id = ?", (now, experiment_id)
            )
        return self.get_trial(name)

    def delete_trial(self, name: str) -> None:
        with self._write() as db:
            trial_id = self._id(db, TRIAL, name)
            _delete_tags(db, TRIAL, trial_id)
            db.execute("DELETE FROM trials WHERE id = ?", (trial_id,))

    # ---------------------------------------------------------------- trial components

    def create_trial_component(
        self,
        name: str,
        *,
        display_name: str | None = None,
        status: Status | None = None,
        source: Source | None = None,
        start_time: float | None = None,
        tags: dict[str, str] | None = None,
    ) -> TrialComponent:
        names.entity_name("trial_component_name", name)
        names.optional_entity_name("display_name", display_name)
        status = _checked_status(status)
        checked_tags = names.tags(tags)
        now = time.time()
        with self._write() as db:
            if self._exists(db, TRIAL_COMPONENT, name):
                raise AlreadyExists(SEARCH_RESULT_KEYS[TRIAL_COMPONENT], name)
            cursor = db.execute(
                "INSERT INTO trial_components (name, display_name, status, status_message, "
                "source_arn, source_type, start_time, creation_time, created_by, "
                "last_modified_time, last_modified_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    name,
                    display_name,
                    status.primary_status,
                    status.message,
                    source.source_arn if source else None,
                    source.source_type if source else None,
                    start_time,
                    now,
                    _user(),
                    now,
                    _user(),
                ),
            )
            _write_tags(db, TRIAL_COMPONENT, int(cursor.lastrowid or 0), checked_tags)
        return self.get_trial_component(name)

    def update_trial_component(
        self,
        name: str,
        *,
        display_name: str | None = None,
        status: Status | None = None,
        start_time: float | None = None,
        end_time: float | None = None,
        parameters: dict[str, ParameterValue] | None = None,
        parameters_to_remove: list[str] | None = None,
        input_artifacts: dict[str, Artifact] | None = None,
        output_artifacts: dict[str, Artifact] | None = None,
    ) -> None:
        names.optional_entity_name("display_name", display_name)
        checked_status = _checked_status(status) if status is not None else None
        checked_parameters = names.parameters(parameters or {})
        artifacts = _checked_artifacts(input_artifacts, output_artifacts)
        for when, field in ((start_time, "start_time"), (end_time, "end_time")):
            if when is not None and (isinstance(when, bool) or not isinstance(when, (int, float))):
                raise ValidationError(field, "must be seconds since the epoch")
        now = time.time()
        with self._write() as db:
            component_id = self._id(db, TRIAL_COMPONENT, name)
            db.execute(
                "UPDATE trial_components SET display_name = coalesce(?, display_name), "
                "status = coalesce(?, status), "
                "status_message = CASE WHEN ? THEN ? ELSE status_message END, "
                "start_time = coalesce(?, start_time), end_time = coalesce(?, end_time), "
                "last_modified_time = ?, last_modified_by = ? WHERE id = ?",
                (
                    display_name,
                    checked_status.primary_status if checked_status else None,
                    checked_status is not None,
                    checked_status.message if checked_status else None,
                    start_time,
                    end_time,
                    now,
                    _user(),
                    component_id,
                ),
            )
            _write_parameters(db, component_id, checked_parameters, parameters_to_remove or [])
            _write_artifacts(db, component_id, artifacts)

    def delete_trial_component(self, name: str) -> None:
        with self._write() as db:
            component_id = self._id(db, TRIAL_COMPONENT, name)
            _delete_tags(db, TRIAL_COMPONENT, component_id)
            db.execute("DELETE FROM trial_components WHERE id = ?", (component_id,))

    def associate_trial_component(self, trial_component_name: str, trial_name: str) -> None:
        now = time.time()
        with self._write() as db:
            component_id = self._id(db, TRIAL_COMPONENT, trial_component_name)
            trial_id = self._id(db, TRIAL, trial_name)
            db.execute(
                "INSERT OR IGNORE INTO trial_component_links (trial_id, trial_component_id) "
                "VALUES (?, ?)",
                (trial_id, component_id),
            )
            db.execute("UPDATE trials SET last_modified_time = ? WHERE id = ?", (now, trial_id))

    def disassociate_trial_component(self, trial_component_name: str, trial_name: str) -> None:
        now = time.time()
        with self._write() as db:
            component_id = self._id(db, TRIAL_COMPONENT, trial_component_name)
            trial_id = self._id(db, TRIAL, trial_name)
            db.execute(
                "DELETE FROM trial_component_links WHERE trial_id = ? AND trial_component_id = ?",
                (trial_id, component_id),
            )
            db.execute("UPDATE trials SET last_modified_time = ? WHERE id = ?", (now, trial_id))

    def upload_artifact(
        self, trial_component_name: str, file_path: str | os.PathLike[str], name: str
    ) -> str:
        """Copy a local file into ``<db stem>-artifacts/<component>/<name>``; its ``file://``
        URI."""
        names.entity_name("trial_component_name", trial_component_name)
        source = Path(file_path)
        if not source.is_file():
            raise ValidationError("file_path", "must name an existing file", value=str(file_path))
        # The artifact name becomes one path segment: keep only its last part.
        segment = Path(name).name
        if segment in ("", ".", ".."):
            raise ValidationError(
                "name", "must end in a file name (not empty, '.' or '..')", value=name
            )
        target = self.artifacts_dir / trial_component_name / segment
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        return target.resolve().as_uri()

    def restore_times(
        self,
        resource: str,
        name: str,
        *,
        creation_time: float | None,
        last_modified_time: float | None,
        created_by: str | None,
    ) -> None:
        """Give a record (a vocabulary resource) the creation and last modification times and
        the creator another store had: ``smx-lab copy`` keeps its copies' times their source's.
        A time given as None is left as it is."""
        with self._write() as db:
            row_id = self._id(db, resource, name)
            table = ROW_TABLE[resource]  # one of the schema's three, never user text
            db.execute(
                f"UPDATE {table} SET creation_time = coalesce(?, creation_time), "  # noqa: S608
                "last_modified_time = coalesce(?, last_modified_time), created_by = ? "
                "WHERE id = ?",
                (creation_time, last_modified_time, created_by, row_id),
            )

    # ---------------------------------------------------------------- metrics

    def log_metrics(self, trial_component_name: str, points: list[MetricPoint]) -> None:
        columns: dict[str, MetricColumns] = {}
        for point in points:
            values, times, steps = columns.setdefault(point.metric_name, ([], [], []))
            values.append(point.value)
            times.append(point.timestamp)
            steps.append(point.step)
        self.log_metric_columns(trial_component_name, columns)

    def log_metric_columns(
        self, trial_component_name: str, columns: dict[str, MetricColumns]
    ) -> None:
        """:meth:`log_metrics` for points given per metric as parallel lists of values, timestamps
        and steps (the tracking API buffers them so, sparing a MetricPoint per point)."""
        batches = [_checked_batch(name, *lists) for name, lists in columns.items()]
        batches = [batch for batch in batches if len(batch[1])]
        if not batches:
            return
        with self._write() as db:
            component_id = self._id(db, TRIAL_COMPONENT, trial_component_name)
            for batch in batches:
                _append_points(db, component_id, *batch)
            db.execute(
                "UPDATE trial_components SET last_modified_time = ? WHERE id = ?",
                (time.time(), component_id),
            )


# -------------------------------------------------------------------- checks


def _user() -> str | None:
    try:
        return os.environ.get("USER") or os.getlogin()
    except OSError:
        return None


def _checked_status(status: Status | None) -> Status:
    status = status or Status()
    if status.primary_status not in PRIMARY_STATUSES:
        raise ValidationError(
            "status", f"PrimaryStatus must be one of {', '.join(PRIMARY_STATUSES)}"
        )
    names.text("status.Message", status.message, names.STATUS_MESSAGE_MAX)
    return status


def _checked_artifacts(
    inputs: dict[str, Artifact] | None, outputs: dict[str, Artifact] | None
) -> list[_ArtifactRow]:
    """Input then output artifacts, each checked: ``(kind, name, value, media type)``."""
    return [
        ("input", *names.artifact("input", key, a.value, a.media_type))
        for key, a in (inputs or {}).items()
    ] + [
        ("output", *names.artifact("output", key, a.value, a.media_type))
        for key, a in (outputs or {}).items()
    ]


def _checked_batch(name: str, values: list[Any], times: list[Any], steps: list[Any]) -> _Batch:
    """One metric's points as arrays, checked, without the non-finite ones (never summarised)."""
    names.metric_name(name)
    if not len(values) == len(times) == len(steps):
        raise ValidationError(f"metrics.{name}", "values, timestamps and steps must be as many")
    # Exact type tests first: the generic number check costs more than writing the point.
    if not all(type(v) is float for v in values):
        values = [names.metric_value(name, v) for v in values]
    if not all(type(t) is float for t in times):
        times = [names.metric_value(f"{name}.timestamp", t) for t in times]
    if not all(s is None or (type(s) is int and s >= 0) for s in steps):
        raise ValidationError(f"metrics.{name}.step", "must be an integer >= 0")
    value_array = np.array(values, dtype=np.float64)
    time_array = np.array(times, dtype=np.float64)
    if (time_array < 0).any():
        raise ValidationError(f"metrics.{name}.timestamp", "must be seconds since the epoch, >= 0")
    finite = np.isfinite(value_array) & np.isfinite(time_array)
    if not finite.all():
        steps = [s for s, keep in zip(steps, finite.tolist(), strict=True) if keep]
        value_array, time_array = value_array[finite], time_array[finite]
    return name, value_array, time_array, steps


# -------------------------------------------------------------------- rows


def _write_tags(
    db: sqlite3.Connection, resource: str, resource_id: int, tags: dict[str, str]
) -> None:
    db.executemany(
        "INSERT INTO tags (resource, resource_id, key, value) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (resource, resource_id, key) DO UPDATE SET value = excluded.value",
        [(resource, resource_id, key, value) for key, value in tags.items()],
    )


def _delete_tags(db: sqlite3.Connection, resource: str, resource_id: int) -> None:
    db.execute("DELETE FROM tags WHERE resource = ? AND resource_id = ?", (resource, resource_id))


def _write_parameters(
    db: sqlite3.Connection,
    component_id: int,
    parameters: dict[str, ParameterValue],
    to_remove: list[str],
) -> None:
    """Adds or replaces ``parameters``, then removes those named in ``to_remove``."""
    db.executemany(
        "INSERT INTO parameters (trial_component_id, name, string_value, number_value) "
        "VALUES (?, ?, ?, ?) "
        "ON CONFLICT (trial_component_id, name) DO UPDATE SET "
        "string_value = excluded.string_value, number_value = excluded.number_value",
        [
            (
                component_id,
                key,
                value if isinstance(value, str) else None,
                None if isinstance(value, str) else value,
            )
            for key, value in parameters.items()
        ],
    )
    db.executemany(
        "DELETE FROM parameters WHERE trial_component_id = ? AND name = ?",
        [(component_id, key) for key in to_remove],
    )


def _write_artifacts(
    db: sqlite3.Connection, component_id: int, artifacts: list[_ArtifactRow]
) -> None:
    db.executemany(
        "INSERT INTO artifacts (trial_component_id, kind, name, media_type, value) "
        "VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (trial_component_id, kind, name) DO UPDATE SET "
        "media_type = excluded.media_type, value = excluded.value",
        [
            (component_id, kind, key, media_type, value)
            for kind, key, value, media_type in artifacts
        ],
    )


# -------------------------------------------------------------------- metric points


def _append_points(
    db: sqlite3.Connection,
    component_id: int,
    metric_name: str,
    values: np.ndarray,
    times: np.ndarray,
    steps: list[int | None],
) -> None:
    """Appends one metric's checked points, updating its summary, its rollups and its blocks."""
    row = db.execute(
        "SELECT id, count, min, max, mean, m2 FROM metrics "
        "WHERE trial_component_id = ? AND name = ?",
        (component_id, metric_name),
    ).fetchone()
    first_seq = 0 if row is None else row[1]
    summary = _merged_summary(row, values, times)
    if row is None:
        cursor = db.execute(
            "INSERT INTO metrics (trial_component_id, name, count, min, max, mean, m2, last, "
            "last_timestamp, std_dev) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (component_id, metric_name, *summary),
        )
        metric_id = int(cursor.lastrowid or 0)
    else:
        metric_id = row[0]
        db.execute(
            "UPDATE metrics SET count = ?, min = ?, max = ?, mean = ?, m2 = ?, last = ?, "
            "last_timestamp = ?, std_dev = ? WHERE id = ?",
            (*summary, metric_id),
        )
    n_b = len(values)
    seqs = range(first_seq, first_seq + n_b)
    db.executemany(
        "INSERT INTO metric_points (metric_id, seq, step, timestamp, value) VALUES (?, ?, ?, ?, ?)",
        zip([metric_id] * n_b, seqs, steps, times.tolist(), values.tolist(), strict=True),
    )
    step_x = np.fromiter(
        (seq if step is None else step for seq, step in zip(seqs, steps, strict=True)),
        dtype=np.float64,
        count=n_b,
    )
    seq_array = np.arange(first_seq, first_seq + n_b, dtype=np.int64)
    for axis, x in ((0, step_x), (1, times)):
        db.executemany(ROLLUP_UPSERT, rollup_rows(metric_id, axis, x, seq_array, values))
    append_block(db, metric_id, first_seq, steps, times, values)


def _merged_summary(row: Any, values: np.ndarray, times: np.ndarray) -> tuple[Any, ...]:
    """The metric's summary after this batch: ``(count, min, max, mean, m2, last, last_timestamp,
    std_dev)``, from the stored ``row`` (``id, count, min, max, mean, m2``; None: a new metric)."""
    n_b = len(values)
    mean_b = float(values.mean())
    m2_b = float(np.square(values - mean_b).sum())
    min_b, max_b = float(values.min()), float(values.max())
    if row is None:
        n, mean, m2, low, high = n_b, mean_b, m2_b, min_b, max_b
    else:
        _, n_a, low_a, high_a, mean_a, m2_a = row
        # Chan et al.'s parallel combination of two (count, mean, M2) summaries.
        n = n_a + n_b
        delta = mean_b - mean_a
        mean = mean_a + delta * n_b / n
        m2 = m2_a + m2_b + delta * delta * n_a * n_b / n
        low, high = min(low_a, min_b), max(high_a, max_b)
    std_dev = math.sqrt(max(m2, 0.0) / (n - 1)) if n > 1 else 0.0
    last, last_timestamp = float(values[-1]), float(times[-1])
    return n, low, high, mean, m2, last, last_timestamp, std_dev
