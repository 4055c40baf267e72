"""The embedded store's schema, one list of statements per version; opening a store migrates.

Times are seconds since the epoch (REAL). Tags of all three resources share one table, keyed by
SageMaker's resource name. A metric's summary lives in ``metrics`` and is updated in the same
transaction as the points it summarises (Welford's running mean and M2; ``std_dev`` is the sample
standard deviation, ddof=1, written with them so that SQL can sort on it).

Version 2 adds the raw points and their rollups. ``metric_points`` is keyed by (metric, ``seq``),
``seq`` being the point's logging index within its metric, so inserts append to one b-tree and no
other index has to be maintained. ``metric_rollups`` summarises, per axis (0: step, 1: time) and
level, the points whose x falls in one aligned block ``[block * 2**level, (block + 1) * 2**level)``:
their count, the minimum and maximum value with their x, the points at the smallest and largest x,
and the smallest and largest ``seq`` (to find the block's raw points). They are written in the same
transaction as the points and let :mod:`smx_lab.stores.local.series` reduce a long series without
reading every point.

Migrations are history: a statement, once released, is never edited (the tags table's CHECK spells
the resource names as they were written then); a change is a new version.
"""

from __future__ import annotations

from typing import Final

from ...vocabulary import EXPERIMENT, TRIAL, TRIAL_COMPONENT

APPLICATION_ID = "smx-lab"
#: ``PRAGMA application_id``: "SMXL" as a 32-bit integer, so ``file(1)`` and we can recognise
#: the file.
SQLITE_APPLICATION_ID = 0x534D584C
#: Rollup levels (block widths 2**level) of the step axis and of the time axis (seconds): from
#: 16 steps and 1/4096 s up to blocks wider than any real run. Each level is 8 (steps) or 16
#: (seconds) times coarser than the one below, so a reduction groups at most that many blocks
#: per bucket.
STEP_LEVELS = (4, 7, 10, 13, 16, 19, 22, 25, 28, 31)
TIME_LEVELS = (-12, -8, -4, 0, 4, 8, 12, 16, 20, 24, 28, 32)

#: Each resource's table, and the alias its row has in every query of the store.
ROW_TABLE: Final = {
    TRIAL_COMPONENT: "trial_components",
    TRIAL: "trials",
    EXPERIMENT: "experiments",
}
ROW_ALIAS: Final = {TRIAL_COMPONENT: "tc", TRIAL: "t", EXPERIMENT: "e"}

MIGRATIONS: list[list[str]] = [
    # version 1
    [
        """CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )""",
        """CREATE TABLE experiments (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            display_name TEXT,
            description TEXT,
            source_arn TEXT,
            source_type TEXT,
            creation_time REAL NOT NULL,
            created_by TEXT,
            last_modified_time REAL NOT NULL
        )""",
        """CREATE TABLE trials (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
            display_name TEXT,
            source_arn TEXT,
            source_type TEXT,
            creation_time REAL NOT NULL,
            created_by TEXT,
            last_modified_time REAL NOT NULL
        )""",
        "CREATE INDEX trials_by_experiment ON trials(experiment_id)",
        """CREATE TABLE trial_components (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            display_name TEXT,
            status TEXT NOT NULL DEFAULT 'InProgress',
            status_message TEXT,
            source_arn TEXT,
            source_type TEXT,
            start_time REAL,
            end_time REAL,
            creation_time REAL NOT NULL,
            created_by TEXT,
            last_modified_time REAL NOT NULL,
            last_modified_by TEXT,
            source_detail TEXT
        )""",
        "CREATE INDEX trial_components_by_creation ON trial_components(creation_time)",
        """CREATE TABLE trial_component_links (
            trial_id INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
            trial_component_id INTEGER NOT NULL REFERENCES trial_components(id) ON DELETE CASCADE,
            PRIMARY KEY (trial_id, trial_component_id)
        ) WITHOUT ROWID""",
        "CREATE INDEX links_by_component ON trial_component_links(trial_component_id)",
        """CREATE TABLE parameters (
            trial_component_id INTEGER NOT NULL REFERENCES trial_components(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            string_value TEXT,
            number_value REAL,
            PRIMARY KEY (trial_component_id, name)
        ) WITHOUT ROWID""",
        "CREATE INDEX parameters_by_name ON parameters(name, number_value, string_value)",
        """CREATE TABLE artifacts (
            trial_component_id INTEGER NOT NULL REFERENCES trial_components(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('input', 'output')),
            name TEXT NOT NULL,
            media_type TEXT,
            value TEXT NOT NULL,
            PRIMARY KEY (trial_component_id, kind, name)
        ) WITHOUT ROWID""",
        """CREATE TABLE tags (
            resource TEXT NOT NULL
                CHECK (resource IN ('Experiment', 'ExperimentTrial', 'ExperimentTrialComponent')),
            resource_id INTEGER NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (resource, resource_id, key)
        ) WITHOUT ROWID""",
        """CREATE TABLE metrics (
            id INTEGER PRIMARY KEY,
            trial_component_id INTEGER NOT NULL REFERENCES trial_components(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            count INTEGER NOT NULL,
            min REAL NOT NULL,
            max REAL NOT NULL,
            mean REAL NOT NULL,
            m2 REAL NOT NULL,
            last REAL NOT NULL,
            last_timestamp REAL,
            std_dev REAL NOT NULL,
            UNIQUE (trial_component_id, name)
        )""",
        "CREATE INDEX metrics_by_name ON metrics(name)",
    ],
    # version 2
    [
        """CREATE TABLE metric_points (
            metric_id INTEGER NOT NULL REFERENCES metrics(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            step INTEGER,
            timestamp REAL NOT NULL,
            value REAL NOT NULL,
            PRIMARY KEY (metric_id, seq)
        ) WITHOUT ROWID""",
        """CREATE TABLE metric_rollups (
            metric_id INTEGER NOT NULL REFERENCES metrics(id) ON DELETE CASCADE,
            axis INTEGER NOT NULL,
            level INTEGER NOT NULL,
            block INTEGER NOT NULL,
            n INTEGER NOT NULL,
            min_y REAL NOT NULL,
            min_x REAL NOT NULL,
            max_y REAL NOT NULL,
            max_x REAL NOT NULL,
            lo_x REAL NOT NULL,
            lo_y REAL NOT NULL,
            hi_x REAL NOT NULL,
            hi_y REAL NOT NULL,
            lo_seq INTEGER NOT NULL,
            hi_seq INTEGER NOT NULL,
            PRIMARY KEY (metric_id, axis, level, block)
        ) WITHOUT ROWID""",
        "CREATE INDEX trial_components_by_last_modified ON trial_components(last_modified_time)",
    ],
    # version 3: search. ``Parameters.<name> = "<text>"`` seeks (name, string_value) instead of
    # reading every value of the parameter (``parameters_by_name`` puts number_value first).
    [
        "CREATE INDEX parameters_by_name_string ON parameters(name, string_value)",
    ],
    # version 4: search by metric statistics. Entries in (name, component) order carry every
    # statistic, so a filter such as ``Metrics.<name>.Last > x`` reads the components that pass in
    # id order (ready to merge with other filters' sets) and a sort by ``Metrics.<name>.<Stat>``
    # finds each row's value, both without visiting the table's rows.
    [
        "CREATE INDEX metrics_by_name_component "
        "ON metrics(name, trial_component_id, last, min, max, mean, std_dev, count)",
    ],
    # version 5: sort by a metric statistic. Per statistic, (name, value, component) in the order
    # a search sorted by ``Metrics.<name>.<Stat>`` pages through (the component breaks ties, as it
    # does in every listing), so the first page is the first matching entries of one index range.
    [
        f"CREATE INDEX metrics_by_name_{column} ON metrics(name, {column}, trial_component_id)"
        for column in ("min", "max", "mean", "std_dev", "last", "count")
    ],
    # version 6: whole histories as arrays. Each batch of a metric's points is also kept packed, in
    # one block (see :mod:`smx_lab.stores.local.blocks`), so that reading every point of a metric
    # reads a few BLOBs instead of a row per point. Points written before this version have none.
    [
        """CREATE TABLE metric_point_blocks (
            metric_id INTEGER NOT NULL REFERENCES metrics(id) ON DELETE CASCADE,
            first_seq INTEGER NOT NULL,
            count INTEGER NOT NULL,
            steps BLOB NOT NULL,
            has_steps BLOB NOT NULL,
            timestamps BLOB NOT NULL,
            point_values BLOB NOT NULL,
            PRIMARY KEY (metric_id, first_seq)
        )""",
    ],
]
