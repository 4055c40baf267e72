"""The embedded store's schema, one list of statements per version; opening a store migrates.

Times are seconds since the epoch (REAL). Tags of all three resources share one table, keyed by
SageMaker's resource name. A metric's summary lives in ``metrics`` and is updated in the same
transaction as the points it summarises (Welford's running mean and M2; ``std_dev`` is the sample
standard deviation, ddof=1, written with them so that SQL can sort on it).

Version 2 adds the raw points and their rollups. ``metric_points`` is keyed by (metric, ``seq``),
``seq`` being the point's logging index within its metric, so inserts append to one b-tree and no
other index has to be maintained. ``metric_rollups`` holds, for consecutive runs of 2**level points
(``block`` = seq >> level), the count, the minimum and maximum value with the step and time where
they occur, and the points at the smallest and largest step and time. They are written in the same
transaction as the points and let :mod:`smx_lab.stores.local` reduce a long series without reading
every point.
"""

from __future__ import annotations

APPLICATION_ID = "smx-lab"
#: ``PRAGMA application_id``: "SMXL" as a 32-bit integer, so ``file(1)`` and we can recognise the file.
SQLITE_APPLICATION_ID = 0x534D584C
#: Rollup levels: blocks of 4, 16, 64, ... 65536 consecutive points. A fan-out of 4 keeps the
#: blocks split at each bucket edge few (4 per edge and level) when a series is reduced.
ROLLUP_LEVELS = (2, 4, 6, 8, 10, 12, 14, 16)

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
    ],    # version 2
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
            level INTEGER NOT NULL,
            block INTEGER NOT NULL,
            n INTEGER NOT NULL,
            min_y REAL NOT NULL,
            min_step REAL NOT NULL,
            min_time REAL NOT NULL,
            max_y REAL NOT NULL,
            max_step REAL NOT NULL,
            max_time REAL NOT NULL,
            lo_step REAL NOT NULL,
            lo_step_y REAL NOT NULL,
            hi_step REAL NOT NULL,
            hi_step_y REAL NOT NULL,
            lo_time REAL NOT NULL,
            lo_time_y REAL NOT NULL,
            hi_time REAL NOT NULL,
            hi_time_y REAL NOT NULL,
            PRIMARY KEY (metric_id, level, block)
        ) WITHOUT ROWID""",
        "CREATE INDEX trial_components_by_last_modified ON trial_components(last_modified_time)",
    ],
]
