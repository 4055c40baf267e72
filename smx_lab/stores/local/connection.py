"""The embedded store's file: checking it, opening it, and the connections and transactions on it.

Opening checks the file *before* writing anything (even before switching the journal mode): an
empty or missing file is initialised; a file that is not an smx-lab database, or whose schema is
newer than this code, raises :class:`~smx_lab.errors.StoreError` and is left untouched; an older
smx-lab schema is migrated forward.

Concurrency: WAL journal, a busy timeout, one connection per thread (and per process after a
fork), every write in one ``BEGIN IMMEDIATE`` transaction, reads in one deferred transaction so a
page and its ``total`` come from the same snapshot.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from ...errors import NotFound, StoreError, StoreUnavailable
from ...vocabulary import SEARCH_RESULT_KEYS
from .schema import APPLICATION_ID, MIGRATIONS, ROW_TABLE, SQLITE_APPLICATION_ID

SCHEMA_VERSION = len(MIGRATIONS)
_SQLITE_HEADER = b"SQLite format 3\x00"
_BUSY_TIMEOUT_MS = 60_000
_CACHE_KIB = 32 * 1024

T = TypeVar("T")


def existing_version(path: Path) -> int:
    """Schema version of the file at ``path`` (0: absent or blank, to be created). Never writes."""
    if not path.exists() or (path.is_file() and path.stat().st_size == 0):
        return 0
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error}", path=str(path)) from error
    if header != _SQLITE_HEADER:
        raise StoreError(_not_ours(path), path=str(path))
    meta = _read_meta(path)
    if meta is None:
        return 0  # an empty SQLite database: nobody's data yet
    if meta.get("application_id") != APPLICATION_ID:
        raise StoreError(_not_ours(path), path=str(path))
    version = int(meta["schema_version"])
    refuse_newer(path, version)
    return version


def _not_ours(path: Path) -> str:
    return f"{path} is not an smx-lab database; choose another file (SMX_LAB_DB) or move it away"


def _read_meta(path: Path) -> dict[str, str] | None:
    """The ``meta`` table of an SQLite file, read-only, with ``schema_version`` defaulting to the
    file's user_version; None for an SQLite database that holds nothing yet."""
    try:
        probe = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=_BUSY_TIMEOUT_MS / 1000
        )
    except sqlite3.Error as error:
        raise StoreError(f"cannot open {path}: {error}", path=str(path)) from error
    try:
        application_id = probe.execute("PRAGMA application_id").fetchone()[0]
        user_version = probe.execute("PRAGMA user_version").fetchone()[0]
        tables = {
            row[0] for row in probe.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if not tables and application_id == 0 and user_version == 0:
            return None
        if application_id != SQLITE_APPLICATION_ID or "meta" not in tables:
            raise StoreError(_not_ours(path), path=str(path))
        meta = dict(probe.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{_not_ours(path)} ({error})", path=str(path)) from error
    finally:
        probe.close()
    return {"schema_version": str(user_version), **meta}


def refuse_newer(path: Path, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} uses smx-lab schema version {version}, newer than this smx-lab understands "
            f"(version {SCHEMA_VERSION}); upgrade smx-lab to open it",
            path=str(path),
            schema_version=version,
        )


def retry(action: Callable[[], T]) -> T:
    """``action``, retried while the database is locked (for up to 10 s)."""
    # Switching to WAL needs a moment with no other writer; the busy handler does not cover it.
    for attempt in range(200):
        try:
            return action()
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == 199:
                raise
            time.sleep(0.05)
    raise AssertionError("unreachable")


class Connected:
    """The file and its connections: the part of :class:`~smx_lab.stores.local.LocalStore` that
    every other part builds on (transactions, and the lookup of a record's id by name)."""

    #: The SQLite file, expanded; set once, when the store opens.
    database_path: Path
    _local: threading.local
    _connections: list[sqlite3.Connection]
    _connections_lock: threading.Lock

    def _open(self, path: Path) -> None:
        """Check the file at ``path``, create or migrate it, and open this thread's connection."""
        self.database_path = path
        self._local = threading.local()
        self._connections = []
        self._connections_lock = threading.Lock()
        version = existing_version(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._connection()  # WAL is switched on here, after the check above
        if version < SCHEMA_VERSION:
            self._migrate()

    def _connection(self) -> sqlite3.Connection:
        local = self._local
        # A connection must not cross a fork: the child opens its own.
        if getattr(local, "pid", None) != os.getpid() or getattr(local, "connection", None) is None:
            connection = _connect(self.database_path)
            local.connection = connection
            local.pid = os.getpid()
            with self._connections_lock:
                self._connections.append(connection)
        connection_: sqlite3.Connection = local.connection
        return connection_

    def _migrate(self) -> None:
        with self._write() as db:
            # Another process may have migrated between our check and our lock.
            version = db.execute("PRAGMA user_version").fetchone()[0]
            refuse_newer(self.database_path, version)
            for statements in MIGRATIONS[version:]:
                for statement in statements:
                    db.execute(statement)
            if version < SCHEMA_VERSION:
                db.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [("application_id", APPLICATION_ID), ("schema_version", str(SCHEMA_VERSION))],
                )
                # PRAGMA takes no bound parameters; both values are integer constants of this
                # module.
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
        path = self.database_path
        text = str(error).lower()
        if "full" in text:
            return StoreError(f"the disk holding {path} is full; nothing of this write was saved")
        if "locked" in text or "busy" in text:
            return StoreUnavailable(f"{path} stayed locked by another writer; try again")
        if "disk i/o" in text or "readonly" in text:
            return StoreError(f"{path} cannot be written: {error}")
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

    # ---------------------------------------------------------------- lookups

    @staticmethod
    def _id(db: sqlite3.Connection, resource: str, name: str) -> int:
        """The id of the ``resource`` (a vocabulary resource) named ``name``; NotFound if none."""
        # The table is one of the schema's three, never user text.
        sql = f"SELECT id FROM {ROW_TABLE[resource]} WHERE name = ?"  # noqa: S608
        row = db.execute(sql, (name,)).fetchone()
        if row is None:
            raise NotFound(SEARCH_RESULT_KEYS[resource], name)
        return int(row[0])

    @staticmethod
    def _exists(db: sqlite3.Connection, resource: str, name: str) -> bool:
        sql = f"SELECT 1 FROM {ROW_TABLE[resource]} WHERE name = ?"  # noqa: S608
        return db.execute(sql, (name,)).fetchone() is not None


def _connect(path: Path) -> sqlite3.Connection:
    """A new connection to ``path`` with the store's settings."""
    connection = sqlite3.connect(
        path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    connection.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA foreign_keys = ON")
    retry(lambda: connection.execute("PRAGMA journal_mode = WAL"))
    connection.execute("PRAGMA synchronous = NORMAL")
    # Up to 32 MiB of pages per connection (allocated as used; SQLite's default is 2 MiB):
    # a search reads several index ranges in turn, and with the default they evict each
    # other's pages between one search and the next.
    connection.execute(f"PRAGMA cache_size = {-_CACHE_KIB}")
    return connection
