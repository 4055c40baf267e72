"""The embedded store: one SQLite file, the default store, and the only place SQL lives.

:class:`LocalStore` is assembled from one part per responsibility, each in its own module:

- :mod:`.connection`: checking and opening the file, per-thread connections, transactions;
- :mod:`.records`: experiment, trial and trial component records from rows;
- :mod:`.writes`: the :class:`~smx_lab.stores.base.Writer` side, metric points, their rollups
  (:mod:`.rollups`) and their packed blocks (:mod:`.blocks`);
- :mod:`.paging`: listings and search (:mod:`.search` compiles SearchExpressions to SQL), sort
  keys and cursors; a page of trial components as records or, for tables, as columns read
  straight from SQL (:mod:`.columns`);
- :mod:`.series`: raw metric points, whole histories as arrays, and series reduced in SQL.

The schema and its migrations are in :mod:`.schema`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from traitlets import Unicode, default

from ..base import Store
from ..factory import default_database_path
from .connection import SCHEMA_VERSION
from .scoped import ScopedReads
from .series import SeriesReads
from .writes import Writes


class LocalStore(Writes, ScopedReads, SeriesReads, Store):
    """The embedded SQLite store: implements both :class:`~smx_lab.stores.base.Store` and
    :class:`~smx_lab.stores.base.Writer`.

    ``LocalStore(path)``, ``LocalStore(path=...)``, ``LocalStore(config=...)`` (reading
    ``c.LocalStore.path``) and ``LocalStore()`` (the default file) all open a store. The file is
    opened once, when the store is built: :attr:`database_path` is that file, as a
    :class:`~pathlib.Path`, and :attr:`artifacts_dir` the folder beside it holding artifact files.
    """

    kind = "local"

    path = Unicode(
        config=True,
        help="The embedded store's SQLite file (created if missing; '~' is expanded). Artifact "
        "files go to the folder '<file stem>-artifacts' beside it. Default: $SMX_LAB_DB, else "
        "<jupyter data dir>/smx_lab/experiments.sqlite.",
    )

    @default("path")
    def _default_path(self) -> str:
        return str(default_database_path())

    def __init__(self, path: str | os.PathLike[str] | None = None, **kwargs: Any) -> None:
        if path is not None:
            kwargs["path"] = os.fspath(path)
        super().__init__(**kwargs)
        database_path = Path(self.path).expanduser()
        self.artifacts_dir = database_path.with_name(f"{database_path.stem}-artifacts")
        self._open(database_path)

    def info(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "description": f"SQLite database {self.database_path}",
            "path": str(self.database_path),
            "artifacts": str(self.artifacts_dir),
            "schema_version": SCHEMA_VERSION,
        }

    def counts(self) -> dict[str, int]:
        """How many experiments, trials, trial components and metric points the store holds."""
        with self._read() as db:
            row = db.execute(
                "SELECT (SELECT count(*) FROM experiments), (SELECT count(*) FROM trials), "
                "(SELECT count(*) FROM trial_components), "
                "(SELECT coalesce(sum(count), 0) FROM metrics)"
            ).fetchone()
        keys = ("experiments", "trials", "trial_components", "metric_points")
        return dict(zip(keys, row, strict=True))
