"""The embedded store: one SQLite file, the default store, and the only place SQL lives.

Concurrency: WAL journal, a busy timeout, one connection per thread (and per process after a
fork), every write in one ``BEGIN IMMEDIATE`` transaction, reads in one deferred transaction so a
page and its ``total`` come from the same snapshot.

Opening checks the file *before* writing anything (even before switching the journal mode): an
empty or missing file is initialised; a file that is not an smx-lab database, or whose schema is
newer than this code, raises :class:`~smx_lab.errors.StoreError` and is left untouched; an older
smx-lab schema is migrated forward.

Metric points: each metric's points are numbered in logging order (``seq``, from 0). On the step
axis a point's x is its step (iteration number) when it was logged with one, else its ``seq``;
on the time axis x is its timestamp in seconds since the epoch. The summary (Welford's parallel
merge) and the rollups (see :mod:`smx_lab.stores.local_schema`) are written in the same
transaction as the points.

Series reduction gives exactly what :mod:`smx_lab.reduce` gives, in SQL. Buckets are aligned
power-of-two x ranges, like the rollup blocks, so the reduction reads the blocks of the widest
level that fits in a bucket: each block wholly inside the requested range contributes its stored
minimum, maximum, first and last point; the (at most two) blocks cut by the range's ends are
split into their children one level down, and at the finest level into their raw points. The
work grows with the point budget, not with the series length (see ``benchmarks/bench_store.py``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from .. import names
from ..errors import AlreadyExists, NotFound, StoreError, StoreUnavailable, ValidationError
from ..model import (
    PRIMARY_STATUSES,
    Artifact,
    Experiment,
    MetricPoint,
    MetricSummary,
    Page,
    ParameterValue,
    Parent,
    Series,
    SeriesQuery,
    Source,
    Status,
    Trial,
    TrialComponent,
    XAxis,
)
from ..reduce import bucket_width, check_request
from .base import DEFAULT_MAX_POINTS, DEFAULT_PAGE_SIZE, Resource, SortOrder
from .local_schema import (
    APPLICATION_ID,
    MIGRATIONS,
    SQLITE_APPLICATION_ID,
    STEP_LEVELS,
    TIME_LEVELS,
)
from .local_search import IdSet, compile_search, matching_ids

SCHEMA_VERSION = len(MIGRATIONS)
MAX_PAGE_SIZE = 10_000
_SQLITE_HEADER = b"SQLite format 3\x00"
_BUSY_TIMEOUT_MS = 60_000
_CACHE_KIB = 32 * 1024

T = TypeVar("T")

# Sort keys shared by all three resources: lower-cased SageMaker property → SQL over alias ``{a}``.
_COMMON_SORT = {
    "name": "{a}.name",
    "creationtime": "{a}.creation_time",
    "lastmodifiedtime": "{a}.last_modified_time",
    "displayname": "coalesce({a}.display_name, {a}.name)",
}
_RESOURCE_SORT = {
    "Experiment": {**_COMMON_SORT, "experimentname": "{a}.name"},
    "ExperimentTrial": {**_COMMON_SORT, "trialname": "{a}.name"},
    "ExperimentTrialComponent": {
        **_COMMON_SORT,
        "trialcomponentname": "{a}.name",
        "starttime": "{a}.start_time",
        "endtime": "{a}.end_time",
        "status": "{a}.status",
        "status.primarystatus": "{a}.status",
    },
}
# Sort keys whose SQL is never NULL (NOT NULL columns; the display name falls back to the name):
# ordering by them needs no "missing values last" term, so an index on the column can give the order.
_NEVER_NULL_SORT = {
    "name",
    "experimentname",
    "trialname",
    "trialcomponentname",
    "displayname",
    "creationtime",
    "lastmodifiedtime",
    "status",
    "status.primarystatus",
}
# Sort keys whose order an index gives (the unique name, and the components' two time indexes), so
# that a page of a filtered search can walk the index and stop when the page is full.
_INDEXED_SORT = {
    "Experiment": {"name", "experimentname"},
    "ExperimentTrial": {"name", "trialname"},
    "ExperimentTrialComponent": {"name", "trialcomponentname", "creationtime", "lastmodifiedtime"},
}
_STATISTIC_COLUMNS = {"min": "min", "max": "max", "avg": "mean", "stddev": "std_dev", "last": "last", "count": "count"}
#: One metric's points as parallel lists: values, timestamps (seconds), steps (None: no step).
MetricColumns = tuple[list[Any], list[Any], list[Any]]
_RESOURCE_TABLES = {
    "Experiment": ("experiments", "e"),
    "ExperimentTrial": ("trials", "t"),
    "ExperimentTrialComponent": ("trial_components", "tc"),
}

# Per axis: the x of a raw point (alias ``p``), the axis number in ``metric_rollups`` and its levels.
_AXES: dict[str, tuple[str, int, tuple[int, ...]]] = {
    "step": ("coalesce(p.step, p.seq)", 0, STEP_LEVELS),
    "time": ("p.timestamp", 1, TIME_LEVELS),
}
# The f-string SQL in this module (marked ``noqa: S608``) only splices identifiers and expressions
# from the tables above and from ``local_search``'s compiler; every value is a bound parameter.
_BUCKET = "CAST({x} / :width AS INTEGER)"  # x >= 0, so the cast floors, as reduce.bucket_of does
_ONE_BUCKET = "0"


def default_path() -> Path:
    """``$SMX_LAB_DB``, else ``<jupyter data dir>/smx_lab/experiments.sqlite``."""
    env = os.environ.get("SMX_LAB_DB")
    if env:
        return Path(env).expanduser()
    from jupyter_core.paths import jupyter_data_dir

    return Path(jupyter_data_dir()) / "smx_lab" / "experiments.sqlite"


def _existing_version(path: Path) -> int:
    """Schema version of the file at ``path`` (0: absent or blank, to be created). Never writes."""
    if not path.exists() or (path.is_file() and path.stat().st_size == 0):
        return 0
    not_ours = f"{path} is not an smx-lab database; choose another file (SMX_LAB_DB) or move it away"
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error}", path=str(path)) from error
    if header != _SQLITE_HEADER:
        raise StoreError(not_ours, path=str(path))
    try:
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=_BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as error:
        raise StoreError(f"cannot open {path}: {error}", path=str(path)) from error
    try:
        application_id = probe.execute("PRAGMA application_id").fetchone()[0]
        user_version = probe.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in probe.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables and application_id == 0 and user_version == 0:
            return 0  # an empty SQLite database: nobody's data yet
        if application_id != SQLITE_APPLICATION_ID or "meta" not in tables:
            raise StoreError(not_ours, path=str(path))
        meta = dict(probe.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{not_ours} ({error})", path=str(path)) from error
    finally:
        probe.close()
    if meta.get("application_id") != APPLICATION_ID:
        raise StoreError(not_ours, path=str(path))
    version = int(meta.get("schema_version", user_version))
    _refuse_newer(path, version)
    return version


def _refuse_newer(path: Path, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} uses smx-lab schema version {version}, newer than this smx-lab understands "
            f"(version {SCHEMA_VERSION}); upgrade smx-lab to open it",
            path=str(path),
            schema_version=version,
        )


class LocalStore:
    """The embedded SQLite store: implements both :class:`Store` and :class:`Writer`."""

    kind = "local"

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else default_path()
        self.artifacts_dir = self.path.with_name(f"{self.path.stem}-artifacts")
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        version = _existing_version(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._connection()  # WAL is switched on here, after the check above
        if version < SCHEMA_VERSION:
            self._migrate()

    # ---------------------------------------------------------------- connections and transactions

    def _connection(self) -> sqlite3.Connection:
        local = self._local
        # A connection must not cross a fork: the child opens its own.
        if getattr(local, "pid", None) != os.getpid() or getattr(local, "connection", None) is None:
            connection = sqlite3.connect(
                self.path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
            )
            connection.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA foreign_keys = ON")
            self._retry(lambda: connection.execute("PRAGMA journal_mode = WAL"))
            connection.execute("PRAGMA synchronous = NORMAL")
            # Up to 32 MiB of pages per connection (allocated as used; SQLite's default is 2 MiB):
            # a search reads several index ranges in turn, and with the default they evict each
            # other's pages between one search and the next.
            connection.execute(f"PRAGMA cache_size = {-_CACHE_KIB}")
            local.connection = connection
            local.pid = os.getpid()
            with self._connections_lock:
                self._connections.append(connection)
        connection_: sqlite3.Connection = local.connection
        return connection_

    @staticmethod
    def _retry(action: Callable[[], T]) -> T:
        # Switching to WAL needs a moment with no other writer; the busy handler does not cover it.
        for attempt in range(200):
            try:
                return action()
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or attempt == 199:
                    raise
                time.sleep(0.05)
        raise AssertionError("unreachable")

    def _migrate(self) -> None:
        with self._write() as db:
            # Another process may have migrated between our check and our lock.
            version = db.execute("PRAGMA user_version").fetchone()[0]
            _refuse_newer(self.path, version)
            for statements in MIGRATIONS[version:]:
                for statement in statements:
                    db.execute(statement)
            if version < SCHEMA_VERSION:
                db.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [("application_id", APPLICATION_ID), ("schema_version", str(SCHEMA_VERSION))],
                )
                # PRAGMA takes no bound parameters; both values are integer constants of this module.
                db.execute(f"PRAGMA user_version = {int(SCHEMA_VERSION)}")
                db.execute(f"PRAGMA application_id = {int(SQLITE_APPLICATION_ID)}")

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        connection = self._connection()
        try:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        except sqlite3.OperationalError as error:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise self._operational_error(error) from error

    def _operational_error(self, error: sqlite3.OperationalError) -> Exception:
        """A full disk or a store locked past the busy timeout is the store's condition, not a bug:
        say so, naming the file; anything else stays the error it is."""
        text = str(error).lower()
        if "full" in text:
            return StoreError(f"the disk holding {self.path} is full; nothing of this write was saved")
        if "locked" in text or "busy" in text:
            return StoreUnavailable(f"{self.path} stayed locked by another writer; try again")
        if "disk i/o" in text or "readonly" in text:
            return StoreError(f"{self.path} cannot be written: {error}")
        return error

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        connection = self._connection()
        connection.execute("BEGIN")
        try:
            yield connection
        finally:
            connection.execute("COMMIT")

    def close(self) -> None:
        with self._connections_lock:
            for connection in self._connections:
                try:
                    connection.close()
                except sqlite3.Error:  # pragma: no cover - closing a connection of another thread
                    pass
            self._connections.clear()
        self._local = threading.local()

    def clear(self) -> None:
        """Delete every experiment, trial, component and artifact file (``smx-lab demo --reset``).
        Rows are deleted rather than the file removed, so open connections stay valid."""
        with self._write() as db:
            for table in ("tags", "trial_components", "trials", "experiments"):
                db.execute(f"DELETE FROM {table}")  # noqa: S608 - constant table names
        shutil.rmtree(self.artifacts_dir, ignore_errors=True)

    def counts(self) -> dict[str, int]:
        """How many experiments, trials, trial components and metric points the store holds."""
        with self._read() as db:
            row = db.execute(
                "SELECT (SELECT count(*) FROM experiments), (SELECT count(*) FROM trials), "
                "(SELECT count(*) FROM trial_components), (SELECT coalesce(sum(count), 0) FROM metrics)"
            ).fetchone()
        return dict(zip(("experiments", "trials", "trial_components", "metric_points"), row, strict=True))

    def info(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "description": f"SQLite database {self.path}",
            "path": str(self.path),
            "artifacts": str(self.artifacts_dir),
            "schema_version": SCHEMA_VERSION,
        }

    # ---------------------------------------------------------------- lookups

    @staticmethod
    def _id(db: sqlite3.Connection, table: str, kind: str, name: str) -> int:
        # ``table`` is one of three constants of this module, never user text.
        row = db.execute(f"SELECT id FROM {table} WHERE name = ?", (name,)).fetchone()  # noqa: S608
        if row is None:
            raise NotFound(kind, name)
        return int(row[0])

    @staticmethod
    def _exists(db: sqlite3.Connection, table: str, name: str) -> bool:
        return db.execute(f"SELECT 1 FROM {table} WHERE name = ?", (name,)).fetchone() is not None  # noqa: S608

    @staticmethod
    def _write_tags(db: sqlite3.Connection, resource: str, resource_id: int, tags: dict[str, str]) -> None:
        db.executemany(
            "INSERT INTO tags (resource, resource_id, key, value) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (resource, resource_id, key) DO UPDATE SET value = excluded.value",
            [(resource, resource_id, key, value) for key, value in tags.items()],
        )

    # ---------------------------------------------------------------- writer: experiments and trials

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
            if self._exists(db, "experiments", name):
                raise AlreadyExists("Experiment", name)
            cursor = db.execute(
                "INSERT INTO experiments (name, display_name, description, creation_time, created_by, "
                "last_modified_time) VALUES (?, ?, ?, ?, ?, ?)",
                (name, display_name, description, now, _user(), now),
            )
            self._write_tags(db, "Experiment", int(cursor.lastrowid or 0), checked_tags)
        return self.get_experiment(name)

    def delete_experiment(self, name: str) -> None:
        with self._write() as db:
            experiment_id = self._id(db, "experiments", "Experiment", name)
            trial_ids = [row[0] for row in db.execute("SELECT id FROM trials WHERE experiment_id = ?", (experiment_id,))]
            db.execute(
                "DELETE FROM tags WHERE resource = 'ExperimentTrial' AND resource_id IN (SELECT value FROM json_each(?))",
                (json.dumps(trial_ids),),
            )
            db.execute("DELETE FROM tags WHERE resource = 'Experiment' AND resource_id = ?", (experiment_id,))
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
            experiment_id = self._id(db, "experiments", "Experiment", experiment_name)
            if self._exists(db, "trials", name):
                raise AlreadyExists("Trial", name)
            cursor = db.execute(
                "INSERT INTO trials (name, experiment_id, display_name, creation_time, created_by, last_modified_time) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (name, experiment_id, display_name, now, _user(), now),
            )
            self._write_tags(db, "ExperimentTrial", int(cursor.lastrowid or 0), checked_tags)
            db.execute("UPDATE experiments SET last_modified_time = ? WHERE id = ?", (now, experiment_id))
        return self.get_trial(name)

    def delete_trial(self, name: str) -> None:
        with self._write() as db:
            trial_id = self._id(db, "trials", "Trial", name)
            db.execute("DELETE FROM tags WHERE resource = 'ExperimentTrial' AND resource_id = ?", (trial_id,))
            db.execute("DELETE FROM trials WHERE id = ?", (trial_id,))

    # ---------------------------------------------------------------- writer: trial components

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
            if self._exists(db, "trial_components", name):
                raise AlreadyExists("TrialComponent", name)
            cursor = db.execute(
                "INSERT INTO trial_components (name, display_name, status, status_message, source_arn, "
                "source_type, start_time, creation_time, created_by, last_modified_time, last_modified_by) "
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
            self._write_tags(db, "ExperimentTrialComponent", int(cursor.lastrowid or 0), checked_tags)
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
        artifacts = [
            ("input", *names.artifact("input", key, a.value, a.media_type)) for key, a in (input_artifacts or {}).items()
        ] + [
            ("output", *names.artifact("output", key, a.value, a.media_type))
            for key, a in (output_artifacts or {}).items()
        ]
        for when, field in ((start_time, "start_time"), (end_time, "end_time")):
            if when is not None and (isinstance(when, bool) or not isinstance(when, (int, float))):
                raise ValidationError(field, "must be seconds since the epoch")
        now = time.time()
        with self._write() as db:
            component_id = self._id(db, "trial_components", "TrialComponent", name)
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
            db.executemany(
                "INSERT INTO parameters (trial_component_id, name, string_value, number_value) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (trial_component_id, name) DO UPDATE SET "
                "string_value = excluded.string_value, number_value = excluded.number_value",
                [
                    (component_id, key, value if isinstance(value, str) else None, None if isinstance(value, str) else value)
                    for key, value in checked_parameters.items()
                ],
            )
            db.executemany(
                "DELETE FROM parameters WHERE trial_component_id = ? AND name = ?",
                [(component_id, key) for key in parameters_to_remove or []],
            )
            db.executemany(
                "INSERT INTO artifacts (trial_component_id, kind, name, media_type, value) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (trial_component_id, kind, name) DO UPDATE SET "
                "media_type = excluded.media_type, value = excluded.value",
                [(component_id, kind, key, media_type, value) for kind, key, value, media_type in artifacts],
            )

    def delete_trial_component(self, name: str) -> None:
        with self._write() as db:
            component_id = self._id(db, "trial_components", "TrialComponent", name)
            db.execute("DELETE FROM tags WHERE resource = 'ExperimentTrialComponent' AND resource_id = ?", (component_id,))
            db.execute("DELETE FROM trial_components WHERE id = ?", (component_id,))

    def associate_trial_component(self, trial_component_name: str, trial_name: str) -> None:
        now = time.time()
        with self._write() as db:
            component_id = self._id(db, "trial_components", "TrialComponent", trial_component_name)
            trial_id = self._id(db, "trials", "Trial", trial_name)
            db.execute(
                "INSERT OR IGNORE INTO trial_component_links (trial_id, trial_component_id) VALUES (?, ?)",
                (trial_id, component_id),
            )
            db.execute("UPDATE trials SET last_modified_time = ? WHERE id = ?", (now, trial_id))

    def disassociate_trial_component(self, trial_component_name: str, trial_name: str) -> None:
        now = time.time()
        with self._write() as db:
            component_id = self._id(db, "trial_components", "TrialComponent", trial_component_name)
            trial_id = self._id(db, "trials", "Trial", trial_name)
            db.execute(
                "DELETE FROM trial_component_links WHERE trial_id = ? AND trial_component_id = ?",
                (trial_id, component_id),
            )
            db.execute("UPDATE trials SET last_modified_time = ? WHERE id = ?", (now, trial_id))

    def upload_artifact(self, trial_component_name: str, file_path: str | os.PathLike[str], name: str) -> str:
        """Copy a local file into ``<db stem>-artifacts/<component>/<name>``; its ``file://`` URI."""
        names.entity_name("trial_component_name", trial_component_name)
        source = Path(file_path)
        if not source.is_file():
            raise ValidationError("file_path", "must name an existing file", value=str(file_path))
        # The artifact name becomes one path segment: keep only its last part.
        segment = Path(name).name
        if segment in ("", ".", ".."):
            raise ValidationError("name", "must end in a file name (not empty, '.' or '..')", value=name)
        target = self.artifacts_dir / trial_component_name / segment
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        return target.resolve().as_uri()

    # ---------------------------------------------------------------- writer: metrics

    def log_metrics(self, trial_component_name: str, points: list[MetricPoint]) -> None:
        columns: dict[str, MetricColumns] = {}
        for point in points:
            values, times, steps = columns.setdefault(point.metric_name, ([], [], []))
            values.append(point.value)
            times.append(point.timestamp)
            steps.append(point.step)
        self.log_metric_columns(trial_component_name, columns)

    def log_metric_columns(self, trial_component_name: str, columns: dict[str, MetricColumns]) -> None:
        """:meth:`log_metrics` for points given per metric as parallel lists of values, timestamps
        and steps (the tracking API buffers them so, sparing a MetricPoint per point)."""
        batches = [_checked_batch(name, *lists) for name, lists in columns.items()]
        batches = [batch for batch in batches if len(batch[1])]
        if not batches:
            return
        with self._write() as db:
            component_id = self._id(db, "trial_components", "TrialComponent", trial_component_name)
            for batch in batches:
                self._append_points(db, component_id, *batch)
            db.execute(
                "UPDATE trial_components SET last_modified_time = ? WHERE id = ?", (time.time(), component_id)
            )

    def _append_points(
        self,
        db: sqlite3.Connection,
        component_id: int,
        metric_name: str,
        values: np.ndarray,
        times: np.ndarray,
        steps: list[int | None],
    ) -> None:
        row = db.execute(
            "SELECT id, count, min, max, mean, m2 FROM metrics WHERE trial_component_id = ? AND name = ?",
            (component_id, metric_name),
        ).fetchone()
        n_b = len(values)
        mean_b = float(values.mean())
        m2_b = float(np.square(values - mean_b).sum())
        min_b, max_b = float(values.min()), float(values.max())
        if row is None:
            metric_id: int | None = None
            first_seq, n, mean, m2, low, high = 0, n_b, mean_b, m2_b, min_b, max_b
        else:
            metric_id, n_a, low_a, high_a, mean_a, m2_a = row
            # Chan et al.'s parallel combination of two (count, mean, M2) summaries.
            first_seq = n_a
            n = n_a + n_b
            delta = mean_b - mean_a
            mean = mean_a + delta * n_b / n
            m2 = m2_a + m2_b + delta * delta * n_a * n_b / n
            low, high = min(low_a, min_b), max(high_a, max_b)
        std_dev = math.sqrt(max(m2, 0.0) / (n - 1)) if n > 1 else 0.0
        last, last_timestamp = float(values[-1]), float(times[-1])
        if metric_id is None:
            cursor = db.execute(
                "INSERT INTO metrics (trial_component_id, name, count, min, max, mean, m2, last, last_timestamp, std_dev) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (component_id, metric_name, n, low, high, mean, m2, last, last_timestamp, std_dev),
            )
            metric_id = int(cursor.lastrowid or 0)
        else:
            db.execute(
                "UPDATE metrics SET count = ?, min = ?, max = ?, mean = ?, m2 = ?, last = ?, last_timestamp = ?, "
                "std_dev = ? WHERE id = ?",
                (n, low, high, mean, m2, last, last_timestamp, std_dev, metric_id),
            )
        seqs = range(first_seq, first_seq + n_b)
        db.executemany(
            "INSERT INTO metric_points (metric_id, seq, step, timestamp, value) VALUES (?, ?, ?, ?, ?)",
            zip([metric_id] * n_b, seqs, steps, times.tolist(), values.tolist(), strict=True),
        )
        step_x = np.fromiter(
            (seq if step is None else step for seq, step in zip(seqs, steps, strict=True)), dtype=np.float64, count=n_b
        )
        seq_array = np.arange(first_seq, first_seq + n_b, dtype=np.int64)
        for axis, x in ((0, step_x), (1, times)):
            db.executemany(_ROLLUP_UPSERT, _rollup_rows(metric_id, axis, x, seq_array, values))

    # ---------------------------------------------------------------- read: records

    def get_experiment(self, name: str) -> Experiment:
        with self._read() as db:
            row = db.execute(f"{_EXPERIMENT_SELECT} WHERE e.name = ?", (name,)).fetchone()
            if row is None:
                raise NotFound("Experiment", name)
            return self._experiments(db, [row])[0]

    def get_trial(self, name: str) -> Trial:
        with self._read() as db:
            row = db.execute(f"{_TRIAL_SELECT} WHERE t.name = ?", (name,)).fetchone()
            if row is None:
                raise NotFound("Trial", name)
            return self._trials(db, [row])[0]

    def get_trial_component(self, name: str) -> TrialComponent:
        with self._read() as db:
            row = db.execute("SELECT id FROM trial_components WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise NotFound("TrialComponent", name)
            return self._components(db, [row[0]])[0]

    def _tags(self, db: sqlite3.Connection, resource: str, ids: list[int]) -> dict[int, dict[str, str]]:
        out: dict[int, dict[str, str]] = {}
        for resource_id, key, value in db.execute(
            "SELECT resource_id, key, value FROM tags WHERE resource = ? "
            "AND resource_id IN (SELECT value FROM json_each(?)) ORDER BY resource_id, key",
            (resource, json.dumps(ids)),
        ):
            out.setdefault(resource_id, {})[key] = value
        return out

    def _experiments(self, db: sqlite3.Connection, rows: list[Any]) -> list[Experiment]:
        tags = self._tags(db, "Experiment", [row[0] for row in rows])
        return [
            Experiment(
                experiment_name=row[1],
                display_name=row[2],
                description=row[3],
                source=Source(row[4], row[5]) if row[4] else None,
                creation_time=row[6],
                created_by=row[7],
                last_modified_time=row[8],
                trial_count=row[9],
                tags=tags.get(row[0], {}),
            )
            for row in rows
        ]

    def _trials(self, db: sqlite3.Connection, rows: list[Any]) -> list[Trial]:
        tags = self._tags(db, "ExperimentTrial", [row[0] for row in rows])
        return [
            Trial(
                trial_name=row[1],
                experiment_name=row[2],
                display_name=row[3],
                source=Source(row[4], row[5]) if row[4] else None,
                creation_time=row[6],
                created_by=row[7],
                last_modified_time=row[8],
                trial_component_count=row[9],
                tags=tags.get(row[0], {}),
            )
            for row in rows
        ]

    def _components(self, db: sqlite3.Connection, ids: list[int]) -> list[TrialComponent]:
        """Full records of the given components, in the given order, in six queries."""
        id_list = json.dumps(ids)
        records: dict[int, TrialComponent] = {}
        for row in db.execute(
            "SELECT id, name, display_name, status, status_message, source_arn, source_type, start_time, end_time, "
            "creation_time, created_by, last_modified_time, last_modified_by, source_detail "
            "FROM trial_components WHERE id IN (SELECT value FROM json_each(?))",
            (id_list,),
        ):
            records[row[0]] = TrialComponent(
                trial_component_name=row[1],
                display_name=row[2],
                status=Status(row[3], row[4]),
                source=Source(row[5], row[6]) if row[5] else None,
                start_time=row[7],
                end_time=row[8],
                creation_time=row[9],
                created_by=row[10],
                last_modified_time=row[11],
                last_modified_by=row[12],
                source_detail=json.loads(row[13]) if row[13] else {},
            )
        for component_id, key, string_value, number_value in db.execute(
            "SELECT trial_component_id, name, string_value, number_value FROM parameters "
            "WHERE trial_component_id IN (SELECT value FROM json_each(?)) ORDER BY trial_component_id, name",
            (id_list,),
        ):
            records[component_id].parameters[key] = string_value if string_value is not None else number_value
        for component_id, kind, key, media_type, value in db.execute(
            "SELECT trial_component_id, kind, name, media_type, value FROM artifacts "
            "WHERE trial_component_id IN (SELECT value FROM json_each(?)) ORDER BY trial_component_id, name",
            (id_list,),
        ):
            target = records[component_id].input_artifacts if kind == "input" else records[component_id].output_artifacts
            target[key] = Artifact(value, media_type)
        # Each component's metrics in the order they were first logged (metric id order); sorted
        # here, where it costs less than SQLite's temporary b-tree. The columns after the id are
        # MetricSummary's fields in order.
        metric_rows = db.execute(
            "SELECT id, trial_component_id, name, count, min, max, mean, std_dev, last, last_timestamp FROM metrics "
            "WHERE trial_component_id IN (SELECT value FROM json_each(?))",
            (id_list,),
        ).fetchall()
        metric_rows.sort()
        for row in metric_rows:
            records[row[1]].metrics.append(MetricSummary(*row[2:]))
        for component_id, tags in self._tags(db, "ExperimentTrialComponent", ids).items():
            records[component_id].tags = tags
        for component_id, trial_name, experiment_name in db.execute(
            "SELECT l.trial_component_id, t.name, e.name FROM trial_component_links l "
            "JOIN trials t ON t.id = l.trial_id JOIN experiments e ON e.id = t.experiment_id "
            "WHERE l.trial_component_id IN (SELECT value FROM json_each(?)) ORDER BY t.creation_time, t.id",
            (id_list,),
        ):
            records[component_id].parents.append(Parent(trial_name, experiment_name))
        return [records[i] for i in ids if i in records]

    # ---------------------------------------------------------------- read: listings and search

    def list_experiments(
        self,
        *,
        name_contains: str | None = None,
        sort_by: str = "CreationTime",
        sort_order: SortOrder = "Descending",
        limit: int = DEFAULT_PAGE_SIZE,
        cursor: str | None = None,
    ) -> Page[Experiment]:
        where, params = _name_filter("e", name_contains)
        return self._page("Experiment", where, params, sort_by, sort_order, limit, cursor, ["experiments"])

    def list_trials(
        self,
        experiment_name: str,
        *,
        name_contains: str | None = None,
        sort_by: str = "CreationTime",
        sort_order: SortOrder = "Descending",
        limit: int = DEFAULT_PAGE_SIZE,
        cursor: str | None = None,
    ) -> Page[Trial]:
        with self._read() as db:
            experiment_id = self._id(db, "experiments", "Experiment", experiment_name)
        where, params = _name_filter("t", name_contains)
        return self._page(
            "ExperimentTrial",
            f"t.experiment_id = ? AND {where}",
            [experiment_id, *params],
            sort_by,
            sort_order,
            limit,
            cursor,
            ["trials", experiment_name],
        )

    def list_trial_components(
        self,
        *,
        trial_name: str | None = None,
        experiment_name: str | None = None,
        unassigned: bool = False,
        name_contains: str | None = None,
        sort_by: str = "CreationTime",
        sort_order: SortOrder = "Descending",
        limit: int = DEFAULT_PAGE_SIZE,
        cursor: str | None = None,
    ) -> Page[TrialComponent]:
        if sum((trial_name is not None, experiment_name is not None, bool(unassigned))) > 1:
            raise ValidationError("trial_name", "give at most one of trial_name, experiment_name and unassigned")
        where, params = _name_filter("tc", name_contains)
        scope: list[Any] = ["components", name_contains]
        with self._read() as db:
            if trial_name is not None:
                trial_id = self._id(db, "trials", "Trial", trial_name)
                where += " AND tc.id IN (SELECT trial_component_id FROM trial_component_links WHERE trial_id = ?)"
                params.append(trial_id)
                scope += ["trial", trial_name]
            elif experiment_name is not None:
                experiment_id = self._id(db, "experiments", "Experiment", experiment_name)
                where += (
                    " AND tc.id IN (SELECT l.trial_component_id FROM trial_component_links l "
                    "JOIN trials t2 ON t2.id = l.trial_id WHERE t2.experiment_id = ?)"
                )
                params.append(experiment_id)
                scope += ["experiment", experiment_name]
            elif unassigned:
                where += " AND NOT EXISTS (SELECT 1 FROM trial_component_links l WHERE l.trial_component_id = tc.id)"
                scope += ["unassigned"]
        return self._page("ExperimentTrialComponent", where, params, sort_by, sort_order, limit, cursor, scope)

    def search(
        self,
        resource: Resource,
        search_expression: dict[str, Any] | None = None,
        *,
        sort_by: str = "CreationTime",
        sort_order: SortOrder = "Descending",
        limit: int = DEFAULT_PAGE_SIZE,
        cursor: str | None = None,
    ) -> Page[Any]:
        if resource not in _RESOURCE_TABLES:
            raise ValidationError("resource", f"must be one of {', '.join(_RESOURCE_TABLES)}", value=resource)
        (where, compiled_params), id_set = compile_search(resource, search_expression)
        params = list(compiled_params)
        scope = ["search", resource, json.dumps(search_expression, sort_keys=True, default=str)]
        return self._page(
            resource,
            f"({where})",
            params,
            sort_by,
            sort_order,
            limit,
            cursor,
            scope,
            id_set=id_set,
        )

    def _page(
        self,
        resource: str,
        where: str,
        params: list[Any],
        sort_by: str,
        sort_order: str,
        limit: int,
        cursor: str | None,
        scope: list[Any],
        id_set: IdSet | None = None,
    ) -> Page[Any]:
        """One page of the rows ``where`` selects, sorted, with the total. ``id_set``, when given,
        is the same rows as a set of ids, read without reading the rows."""
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_SIZE:
            raise ValidationError("limit", f"must be an integer from 1 to {MAX_PAGE_SIZE}")
        if sort_order not in ("Ascending", "Descending"):
            raise ValidationError("sort_order", "must be Ascending or Descending", value=sort_order)
        table, alias = _RESOURCE_TABLES[resource]
        join, join_params, key = _sort_key(resource, alias, sort_by)
        fingerprint = _fingerprint([*scope, resource, where, params, sort_by, sort_order])
        offset = _decode_cursor(cursor, fingerprint)
        direction = "ASC" if sort_order == "Ascending" else "DESC"
        missing_last = "" if sort_by.lower() in _NEVER_NULL_SORT else f"({key}) IS NULL, "
        ordering = f"{missing_last}{key} {direction}, {alias}.id {direction}"
        count_sql = f"SELECT count(*) FROM {table} {alias} WHERE {where}"  # noqa: S608
        unfiltered = where in ("1", "(1)")
        by_metric = _metric_sort(resource, sort_by)
        with self._read() as db:
            # A filter of id sets runs once, for the ids; their number is the total.
            matching = None
            if id_set is not None:
                max_id = db.execute(f"SELECT coalesce(max(id), -1) FROM {table}").fetchone()[0]  # noqa: S608
                matching = matching_ids(db, id_set, max_id)
            if by_metric is not None:
                # The page comes off the statistic's index in order, stopping when it is full.
                if matching is None and not unfiltered:
                    id_sql = f"SELECT {alias}.id FROM {table} {alias} WHERE {where} ORDER BY {alias}.id"  # noqa: S608
                    matching = np.fromiter((row[0] for row in db.execute(id_sql, params)), dtype=np.int64)
                total = db.execute(count_sql).fetchone()[0] if matching is None else len(matching)
                ids = _metric_sorted_ids(db, matching, *by_metric, direction, limit, offset)
            elif unfiltered:
                # Nothing to filter: counting reads the smallest index, and the page comes off the
                # sort column's index (if it has one) instead of sorting every row for a window count.
                total = db.execute(count_sql).fetchone()[0]
                ids = [
                    row[0]
                    for row in db.execute(
                        f"SELECT {alias}.id FROM {table} {alias} {join} ORDER BY {ordering} LIMIT ? OFFSET ?",  # noqa: S608
                        [*join_params, limit, offset],
                    )
                ]
            elif matching is not None:
                # The page is the matching rows in sort order: off the sort column's index, tested
                # against the ids' mask, when it has one; else the ids themselves, sorted.
                total = len(matching)
                among_params: list[Any]
                if sort_by.lower() in _INDEXED_SORT[resource]:
                    among, among_params = f"substr(?, {alias}.id + 1, 1) = x'01'", [_id_mask(matching)]
                else:
                    among = f"{alias}.id IN (SELECT value FROM json_each(?))"  # noqa: S608 - fixed SQL
                    among_params = [json.dumps(matching.tolist())]
                page_sql = f"SELECT {alias}.id FROM {table} {alias} {join} WHERE {among} ORDER BY {ordering} LIMIT ? OFFSET ?"  # noqa: S608
                ids = [row[0] for row in db.execute(page_sql, [*join_params, *among_params, limit, offset])] if total else []
            else:
                # The filter is the costly part: the window count gives the total from the same
                # pass over it that finds the page's rows.
                rows = db.execute(
                    f"SELECT {alias}.id, count(*) OVER () FROM {table} {alias} {join} WHERE {where} "  # noqa: S608
                    f"ORDER BY {ordering} LIMIT ? OFFSET ?",
                    [*join_params, *params, limit, offset],
                ).fetchall()
                ids = [row[0] for row in rows]
                # Past the end there is no row to carry the count: count on its own.
                total = rows[0][1] if rows else db.execute(count_sql, params).fetchone()[0]
            items: list[Any]
            if resource == "ExperimentTrialComponent":
                items = self._components(db, ids)
            else:
                select = _EXPERIMENT_SELECT if resource == "Experiment" else _TRIAL_SELECT
                rows = db.execute(
                    f"{select} JOIN json_each(?) page ON page.value = {alias}.id ORDER BY page.key", (json.dumps(ids),)
                ).fetchall()
                items = self._experiments(db, rows) if resource == "Experiment" else self._trials(db, rows)
        next_cursor = _encode_cursor(offset + limit, fingerprint) if offset + limit < total else None
        return Page(items=items, next_cursor=next_cursor, total=total)

    # ---------------------------------------------------------------- read: metric points and series

    def metric_points(self, component: str, metric_names: list[str] | None = None) -> list[MetricPoint]:
        """Raw points, metric by metric (in the order the metrics were first logged), each metric's
        points in logging order."""
        with self._read() as db:
            component_id = self._id(db, "trial_components", "TrialComponent", component)
            rows = db.execute(
                "SELECT m.name, p.value, p.timestamp, p.step FROM metrics m JOIN metric_points p ON p.metric_id = m.id "
                "WHERE m.trial_component_id = ? AND (? IS NULL OR m.name IN (SELECT value FROM json_each(?))) "
                "ORDER BY m.id, p.seq",
                (component_id, None if metric_names is None else 1, json.dumps(metric_names or [])),
            ).fetchall()
        return [MetricPoint(metric_name=r[0], value=r[1], timestamp=r[2], step=r[3]) for r in rows]

    def metric_series(
        self,
        queries: list[SeriesQuery],
        *,
        x_axis: XAxis = "step",
        max_points: int = DEFAULT_MAX_POINTS,
        x_range: tuple[float, float] | None = None,
    ) -> list[Series]:
        if x_axis not in _AXES:
            raise ValidationError("x_axis", "must be 'step' or 'time'", value=x_axis)
        checked_range = check_request(max_points, x_range)
        out: list[Series] = []
        with self._read() as db:
            for query in queries:
                component_id = self._id(db, "trial_components", "TrialComponent", query.component)
                row = db.execute(
                    "SELECT id, count FROM metrics WHERE trial_component_id = ? AND name = ?",
                    (component_id, query.metric),
                ).fetchone()
                if row is None:
                    raise NotFound("Metric", f"{query.component}/{query.metric}")
                xs, ys, raw_count, reduced = _SeriesReduction(db, row[0], row[1], x_axis, max_points, checked_range).run()
                out.append(Series(query.component, query.metric, x_axis, xs, ys, raw_count, reduced))
        return out


# -------------------------------------------------------------------- SQL fragments and helpers

_EXPERIMENT_SELECT = (
    "SELECT e.id, e.name, e.display_name, e.description, e.source_arn, e.source_type, e.creation_time, "
    "e.created_by, e.last_modified_time, (SELECT count(*) FROM trials x WHERE x.experiment_id = e.id) "
    "FROM experiments e"
)
_TRIAL_SELECT = (
    "SELECT t.id, t.name, (SELECT name FROM experiments x WHERE x.id = t.experiment_id), t.display_name, "
    "t.source_arn, t.source_type, t.creation_time, t.created_by, t.last_modified_time, "
    "(SELECT count(*) FROM trial_component_links l WHERE l.trial_id = t.id) FROM trials t"
)

_ROLLUP_UPSERT = """
INSERT INTO metric_rollups (metric_id, axis, level, block, n, min_y, min_x, max_y, max_x,
    lo_x, lo_y, hi_x, hi_y, lo_seq, hi_seq)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (metric_id, axis, level, block) DO UPDATE SET
    n = n + excluded.n,
    min_x = CASE WHEN excluded.min_y < min_y OR (excluded.min_y = min_y AND excluded.min_x < min_x)
        THEN excluded.min_x ELSE min_x END,
    min_y = min(min_y, excluded.min_y),
    max_x = CASE WHEN excluded.max_y > max_y OR (excluded.max_y = max_y AND excluded.max_x < max_x)
        THEN excluded.max_x ELSE max_x END,
    max_y = max(max_y, excluded.max_y),
    lo_y = CASE WHEN excluded.lo_x < lo_x THEN excluded.lo_y ELSE lo_y END,
    lo_x = min(lo_x, excluded.lo_x),
    hi_y = CASE WHEN excluded.hi_x >= hi_x THEN excluded.hi_y ELSE hi_y END,
    hi_x = max(hi_x, excluded.hi_x),
    lo_seq = min(lo_seq, excluded.lo_seq),
    hi_seq = max(hi_seq, excluded.hi_seq)
"""


def _checked_batch(
    name: str, values: list[Any], times: list[Any], steps: list[Any]
) -> tuple[str, np.ndarray, np.ndarray, list[int | None]]:
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


def _segment_first(
    values: np.ndarray, extreme: np.ndarray, segment: np.ndarray, tie: np.ndarray | None = None, last: bool = False
) -> np.ndarray:
    """Index of each segment's element equal to the segment's ``extreme``: among ties the one with
    the smallest ``tie`` key, else the first (or ``last``) one."""
    hits = np.flatnonzero(values == extreme[segment])
    if tie is not None:
        hits = hits[np.lexsort((tie[hits], segment[hits]))]  # stable: equal keys keep logging order
    elif last:
        hits = hits[::-1]
    _, first = np.unique(segment[hits], return_index=True)
    result: np.ndarray = hits[first]
    return result


def _rollup_rows(
    metric_id: int, axis: int, x: np.ndarray, seqs: np.ndarray, values: np.ndarray
) -> Iterator[tuple[Any, ...]]:
    """The rollup rows of one batch on one axis: per level, per aligned x block it touches."""
    levels = _AXES["step" if axis == 0 else "time"][2]
    for level in levels:
        # Division by a power of two is exact, so this floor is the one SQL's cast gives.
        blocks_unsorted = np.floor(x / 2.0**level).astype(np.int64)
        order = np.argsort(blocks_unsorted, kind="stable")  # keeps logging order inside a block
        blocks, bx, by, bseq = blocks_unsorted[order], x[order], values[order], seqs[order]
        starts = np.flatnonzero(np.r_[True, blocks[1:] != blocks[:-1]])
        counts = np.diff(np.r_[starts, len(blocks)])
        segment = np.repeat(np.arange(len(starts)), counts)
        # Ties on a value keep the point at the smallest x, as smx_lab.reduce does.
        i_min = _segment_first(by, np.minimum.reduceat(by, starts), segment, tie=bx)
        i_max = _segment_first(by, np.maximum.reduceat(by, starts), segment, tie=bx)
        i_lo = _segment_first(bx, np.minimum.reduceat(bx, starts), segment)
        # The last point is the latest logged of those at the largest x, as in smx_lab.reduce.
        i_hi = _segment_first(bx, np.maximum.reduceat(bx, starts), segment, last=True)
        size = len(starts)
        yield from zip(
            [metric_id] * size,
            [axis] * size,
            [level] * size,
            blocks[starts].tolist(),
            counts.tolist(),
            by[i_min].tolist(),
            bx[i_min].tolist(),
            by[i_max].tolist(),
            bx[i_max].tolist(),
            bx[i_lo].tolist(),
            by[i_lo].tolist(),
            bx[i_hi].tolist(),
            by[i_hi].tolist(),
            np.minimum.reduceat(bseq, starts).tolist(),
            np.maximum.reduceat(bseq, starts).tolist(),
            strict=True,
        )


class _SeriesReduction:
    """One series reduced in SQL to exactly what :func:`smx_lab.reduce.reduce_series` returns.

    Buckets are aligned powers of two, like the rollup blocks, so a block at a level no wider than
    a bucket lies in one bucket. The reduction starts at the widest such level with the blocks that
    overlap the range; a block that lies wholly inside the range contributes its stored summary,
    the (at most two) blocks cut by the range's ends are replaced by their children one level
    down, and at the finest level by their raw points.
    """

    def __init__(
        self,
        db: sqlite3.Connection,
        metric_id: int,
        count: int,
        axis: str,
        max_points: int,
        x_range: tuple[float, float] | None,
    ) -> None:
        self.db = db
        self.metric_id = metric_id
        self.count = count
        self.x, self.axis, self.levels = _AXES[axis]
        self.max_points = max_points
        self.x_range = x_range

    def _raw(self, pieces: list[list[float]] | None, lo: float = 0.0, hi: float = 0.0) -> list[tuple[float, float]]:
        """Raw points, all of them or those of the given ``[block, level scale, lo_seq, hi_seq]``
        pieces that lie in ``[lo, hi]``, in x order."""
        x = self.x
        if pieces is None:
            sql = f"SELECT {x}, p.value FROM metric_points p WHERE p.metric_id = ? ORDER BY {x}, p.seq"  # noqa: S608
            return self.db.execute(sql, (self.metric_id,)).fetchall()
        sql = (
            f"SELECT {x}, p.value FROM json_each(?) b CROSS JOIN metric_points p "  # noqa: S608
            "ON p.metric_id = ? AND p.seq BETWEEN b.value ->> 2 AND b.value ->> 3 "
            f"WHERE CAST({x} / (b.value ->> 1) AS INTEGER) = b.value ->> 0 AND {x} BETWEEN ? AND ? "
            f"ORDER BY {x}, p.seq"
        )
        return self.db.execute(sql, (json.dumps(pieces), self.metric_id, lo, hi)).fetchall()

    def run(self) -> tuple[list[float], list[float], int, bool]:
        if self.count == 0:
            return [], [], 0, False
        if self.x_range is None and self.count <= self.max_points:
            points = self._raw(None)
            return [float(p[0]) for p in points], [p[1] for p in points], len(points), False
        if self.x_range is None:
            lo, hi = self.db.execute(
                "SELECT min(lo_x), max(hi_x) FROM metric_rollups WHERE metric_id = ? AND axis = ? AND level = ?",
                (self.metric_id, self.axis, self.levels[-1]),
            ).fetchone()
        else:
            lo, hi = self.x_range
        width = bucket_width(lo, hi, self.max_points)
        widest = math.inf if width is None else math.log2(width)
        fitting = [level for level in self.levels if level <= widest]
        start = self.levels.index(fitting[-1]) if fitting else 0
        lowest: dict[int, tuple[float, float]] = {}
        highest: dict[int, tuple[float, float]] = {}
        firsts: list[tuple[float, float]] = []
        lasts: list[tuple[float, float]] = []
        raw_count = 0
        pieces: list[list[float]] = []  # where the raw points in range are, for a small answer
        parents: list[int] | None = None
        for index in range(start, -2, -1):
            level = self.levels[index] if index >= 0 else None
            rows = self._level(level, index, parents, lo, hi, width)
            parents = []
            for kind, bucket, value, x, n, lo_seq, hi_seq in rows:
                if kind == 0:
                    raw_count += n
                    if bucket not in lowest or (value, x) < (lowest[bucket][1], lowest[bucket][0]):
                        lowest[bucket] = (x, value)
                elif kind == 1:
                    if bucket not in highest or (-value, x) < (-highest[bucket][1], highest[bucket][0]):
                        highest[bucket] = (x, value)
                elif kind == 2:
                    firsts.append((value, x))
                elif kind == 3:
                    lasts.append((value, x))
                elif kind == 4:
                    parents.append(bucket)
                    if index == 0:
                        pieces.append([bucket, 2.0 ** self.levels[0], lo_seq, hi_seq])
                else:
                    pieces.append([bucket, 2.0 ** self.levels[index], lo_seq, hi_seq])
            if not parents:
                break
        if raw_count <= self.max_points:
            points = self._raw(pieces, lo, hi)
            return [float(p[0]) for p in points], [p[1] for p in points], raw_count, False
        # Sources never share an x (blocks partition it), so comparing x alone picks the ends.
        keep = {min(firsts, key=lambda p: p[0]), max(lasts, key=lambda p: p[0])}
        if self.max_points >= 4:
            keep.update(lowest.values(), highest.values())
        ordered = sorted(keep)
        return [float(p[0]) for p in ordered], [p[1] for p in ordered], raw_count, True

    def _level(
        self, level: int | None, index: int, parents: list[int] | None, lo: float, hi: float, width: float | None
    ) -> list[Any]:
        """Per bucket, the minimum, maximum, first and last of the usable blocks at ``level``
        (None: raw points), and the blocks to split (kind 4) or to read raw for a small answer (5)."""
        bucket = _ONE_BUCKET if width is None else _BUCKET
        params: dict[str, Any] = {
            "metric": self.metric_id,
            "axis": self.axis,
            "lo": lo,
            "hi": hi,
            "width": width,
            "parents": json.dumps(parents or []),
            "budget": self.max_points,
        }
        if level is None:
            # Raw points of the finest blocks cut by the range's ends.
            x = self.x
            params["scale"] = 2.0 ** self.levels[0]
            candidates = (
                f"SELECT p.seq AS block, 1 AS n, p.value AS min_y, {x} AS min_x, p.value AS max_y, {x} AS max_x, "  # noqa: S608
                f"{x} AS lo_x, p.value AS lo_y, {x} AS hi_x, p.value AS hi_y, p.seq AS lo_seq, p.seq AS hi_seq, "
                f"1 AS ok, {bucket.format(x=x)} AS b "
                "FROM json_each(:parents) j CROSS JOIN metric_rollups r "
                "ON r.metric_id = :metric AND r.axis = :axis AND r.level = :finest AND r.block = j.value "
                "CROSS JOIN metric_points p ON p.metric_id = :metric AND p.seq BETWEEN r.lo_seq AND r.hi_seq "
                f"WHERE CAST({x} / :scale AS INTEGER) = j.value AND {x} BETWEEN :lo AND :hi"
            )
            params["finest"] = self.levels[0]
        else:
            params["level"] = level
            params["scale"] = 2.0**level
            if parents is None:
                source = "metric_rollups r"
                within = "AND r.block BETWEEN CAST(:lo / :scale AS INTEGER) AND CAST(:hi / :scale AS INTEGER)"
            else:
                # CROSS JOIN keeps json_each outside, so each parent is one primary-key range.
                params["fanout"] = 2 ** (self.levels[index + 1] - level)
                source = (
                    "json_each(:parents) j CROSS JOIN metric_rollups r "
                    "ON r.block BETWEEN j.value * :fanout AND j.value * :fanout + :fanout - 1"
                )
                within = ""
            candidates = (
                "SELECT r.block, r.n, r.min_y, r.min_x, r.max_y, r.max_x, r.lo_x, r.lo_y, r.hi_x, r.hi_y, "  # noqa: S608
                f"r.lo_seq, r.hi_seq, (r.lo_x >= :lo AND r.hi_x <= :hi "
                f"AND {bucket.format(x='r.lo_x')} = {bucket.format(x='r.hi_x')}) AS ok, "
                f"{bucket.format(x='r.lo_x')} AS b FROM {source} "
                f"WHERE r.metric_id = :metric AND r.axis = :axis AND r.level = :level {within} "
                "AND r.lo_x <= :hi AND r.hi_x >= :lo"
            )
        sql = (
            f"WITH c AS MATERIALIZED ({candidates}) "  # noqa: S608
            # Per bucket, the lowest and the highest point; ties go to the smaller x.
            "SELECT * FROM (SELECT 0, b, min_y, min_x, total, 0, 0 FROM (SELECT *, "
            "row_number() OVER (PARTITION BY b ORDER BY min_y, min_x) AS r, sum(n) OVER (PARTITION BY b) AS total "
            "FROM c WHERE ok) WHERE r = 1) "
            "UNION ALL SELECT * FROM (SELECT 1, b, max_y, max_x, 0, 0, 0 "
            "FROM (SELECT *, row_number() OVER (PARTITION BY b ORDER BY max_y DESC, max_x) AS r FROM c WHERE ok) WHERE r = 1) "
            # Blocks partition x, so only raw points can tie on x: the earliest logged is first,
            # the latest logged is last (hi_seq is a raw point's own seq).
            "UNION ALL SELECT * FROM (SELECT 2, 0, lo_x, lo_y, 0, 0, 0 FROM c WHERE ok ORDER BY lo_x, lo_seq LIMIT 1) "
            "UNION ALL SELECT * FROM (SELECT 3, 0, hi_x, hi_y, 0, 0, 0 FROM c WHERE ok ORDER BY hi_x DESC, hi_seq DESC LIMIT 1) "
            "UNION ALL SELECT 4, block, 0, 0, 0, lo_seq, hi_seq FROM c WHERE NOT ok "
        )
        if level is not None:
            # Usable blocks are listed only while the answer may still be small enough to return raw.
            sql += (
                "UNION ALL SELECT 5, block, 0, 0, 0, lo_seq, hi_seq FROM c "
                "WHERE ok AND (SELECT sum(n) FROM c WHERE ok) <= :budget"
            )
        return self.db.execute(sql, params).fetchall()


def _user() -> str | None:
    try:
        return os.environ.get("USER") or os.getlogin()
    except OSError:
        return None


def _checked_status(status: Status | None) -> Status:
    status = status or Status()
    if status.primary_status not in PRIMARY_STATUSES:
        raise ValidationError("status", f"PrimaryStatus must be one of {', '.join(PRIMARY_STATUSES)}")
    names.text("status.Message", status.message, names.STATUS_MESSAGE_MAX)
    return status


def _name_filter(alias: str, name_contains: str | None) -> tuple[str, list[Any]]:
    if name_contains is None or name_contains == "":
        return "1", []
    if not isinstance(name_contains, str):
        raise ValidationError("name_contains", "must be a string")
    return (
        f"(instr(lower({alias}.name), lower(?)) > 0 OR instr(lower(coalesce({alias}.display_name, '')), lower(?)) > 0)",
        [name_contains, name_contains],
    )


def _sort_key(resource: str, alias: str, sort_by: str) -> tuple[str, list[Any], str]:
    """``(join, join params, key expression)`` for a sort field; SQL identifiers come from tables."""
    if not isinstance(sort_by, str):
        raise ValidationError("sort_by", "must be a string")
    lowered = sort_by.lower()
    columns = _RESOURCE_SORT[resource]
    if lowered in columns:
        return "", [], columns[lowered].format(a=alias)
    if resource == "ExperimentTrialComponent":
        if lowered.startswith("parameters.") and len(sort_by) > len("parameters."):
            join = "LEFT JOIN parameters sp ON sp.trial_component_id = tc.id AND sp.name = ?"
            return join, [sort_by[len("parameters.") :]], "coalesce(sp.number_value, sp.string_value)"
        by_metric = _metric_sort(resource, sort_by)
        if by_metric is not None:
            join = "LEFT JOIN metrics sm ON sm.trial_component_id = tc.id AND sm.name = ?"
            return join, [by_metric[0]], f"sm.{by_metric[1]}"
    allowed = sorted({"Name", "CreationTime", "LastModifiedTime", "DisplayName"})
    if resource == "ExperimentTrialComponent":
        allowed += ["StartTime", "EndTime", "Parameters.<name>", "Metrics.<name>.<Min|Max|Avg|StdDev|Last|Count>"]
    raise ValidationError("sort_by", f"must be one of {', '.join(allowed)}", value=sort_by)


def _metric_sort(resource: str, sort_by: str) -> tuple[str, str] | None:
    """``(metric name, column of metrics)`` when components are sorted by ``Metrics.<name>.<Stat>``."""
    if resource != "ExperimentTrialComponent" or not sort_by.lower().startswith("metrics."):
        return None
    metric, _, statistic = sort_by[len("metrics.") :].rpartition(".")
    column = _STATISTIC_COLUMNS.get(statistic.lower())
    return (metric, column) if metric and column else None


def _metric_sorted_ids(
    db: sqlite3.Connection,
    matching: np.ndarray | None,
    metric: str,
    column: str,
    direction: str,
    limit: int,
    offset: int,
) -> list[int]:
    """One page of components sorted by a statistic of ``metric``, in the order every listing uses
    (missing values last, ties by id in the same direction): those with the metric, read off
    ``metrics_by_name_<column>`` in order, then those without it by id. ``matching`` holds the
    filter's ids, ascending (None: every component); the SQL tests an id against them as one byte
    of a mask passed as a BLOB (``substr`` of a BLOB indexes bytes directly). ``column`` comes
    from ``_STATISTIC_COLUMNS``."""
    if matching is None:
        among, among_params, others_where = "", [], ""
    else:
        if not matching.size:
            return []
        among, among_params = " AND substr(?, sm.trial_component_id + 1, 1) = x'01'", [_id_mask(matching)]
        others_where = "substr(?, c.id + 1, 1) = x'01' AND "
    page = [
        row[0]
        for row in db.execute(
            f"SELECT sm.trial_component_id FROM metrics sm INDEXED BY metrics_by_name_{column} "  # noqa: S608 - whitelisted column
            f"WHERE sm.name = ?{among} ORDER BY sm.{column} {direction}, sm.trial_component_id {direction} "
            "LIMIT ? OFFSET ?",
            [metric, *among_params, limit, offset],
        )
    ]
    if len(page) == limit:
        return page
    # The page reaches past the components with the metric: the others follow, in id order.
    having_sql = f"SELECT count(*) FROM metrics sm WHERE sm.name = ?{among}"  # noqa: S608 - fixed SQL
    having = db.execute(having_sql, [metric, *among_params]).fetchone()[0]
    others = db.execute(
        f"SELECT c.id FROM trial_components c WHERE {others_where}"  # noqa: S608 - fixed SQL
        "NOT EXISTS (SELECT 1 FROM metrics m WHERE m.trial_component_id = c.id AND m.name = ?) "
        f"ORDER BY c.id {direction} LIMIT ? OFFSET ?",
        [*among_params, metric, limit - len(page), max(0, offset - having)],
    )
    return page + [row[0] for row in others]


def _id_mask(ids: np.ndarray) -> bytes:
    """Ascending ids as a mask for SQL: byte ``id`` is 1 for each of them, 0 elsewhere; the test
    ``substr(<mask>, id + 1, 1) = x'01'`` reads one byte (``substr`` of a BLOB indexes bytes) and
    is false past the end."""
    mask = np.zeros(int(ids[-1]) + 1 if ids.size else 0, dtype=np.uint8)
    mask[ids] = 1
    return mask.tobytes()


def _fingerprint(parts: Sequence[Any]) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]


def _encode_cursor(offset: int, fingerprint: str) -> str:
    check = _fingerprint([fingerprint, offset])
    return base64.urlsafe_b64encode(json.dumps({"o": offset, "c": check}).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str | None, fingerprint: str) -> int:
    if cursor is None or cursor == "":
        return 0
    invalid = ValidationError("cursor", "is not a cursor this store gave for this listing")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
        offset = payload["o"]
        check = payload["c"]
    except (ValueError, TypeError, KeyError, AttributeError):
        raise invalid from None
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise invalid
    if check != _fingerprint([fingerprint, offset]):
        raise invalid
    return offset
