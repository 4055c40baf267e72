"""Records from rows: experiments, trials and full trial components (parameters, metric summaries,
artifacts, tags and parents), a whole page of them in a fixed number of queries."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ...errors import NotFound
from ...model import (
    Artifact,
    Experiment,
    MetricSummary,
    Parent,
    Source,
    Status,
    Trial,
    TrialComponent,
)
from ...vocabulary import EXPERIMENT, SEARCH_RESULT_KEYS, TRIAL, TRIAL_COMPONENT
from .connection import Connected

# The columns each record is built from, in the order _experiment_record and _trial_record read
# them.
EXPERIMENT_SELECT = (
    "SELECT e.id, e.name, e.display_name, e.description, e.source_arn, e.source_type, "
    "e.creation_time, e.created_by, e.last_modified_time, "
    "(SELECT count(*) FROM trials x WHERE x.experiment_id = e.id) "
    "FROM experiments e"
)
TRIAL_SELECT = (
    "SELECT t.id, t.name, (SELECT name FROM experiments x WHERE x.id = t.experiment_id), "
    "t.display_name, "
    "t.source_arn, t.source_type, t.creation_time, t.created_by, t.last_modified_time, "
    "(SELECT count(*) FROM trial_component_links l WHERE l.trial_id = t.id) FROM trials t"
)


class Records(Connected):
    """The read side's records: one by name, or a page of them by id."""

    def get_experiment(self, name: str) -> Experiment:
        with self._read() as db:
            row = db.execute(f"{EXPERIMENT_SELECT} WHERE e.name = ?", (name,)).fetchone()
            if row is None:
                raise NotFound(SEARCH_RESULT_KEYS[EXPERIMENT], name)
            return self._experiments(db, [row])[0]

    def get_trial(self, name: str) -> Trial:
        with self._read() as db:
            row = db.execute(f"{TRIAL_SELECT} WHERE t.name = ?", (name,)).fetchone()
            if row is None:
                raise NotFound(SEARCH_RESULT_KEYS[TRIAL], name)
            return self._trials(db, [row])[0]

    def get_trial_component(self, name: str) -> TrialComponent:
        with self._read() as db:
            row = db.execute("SELECT id FROM trial_components WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise NotFound(SEARCH_RESULT_KEYS[TRIAL_COMPONENT], name)
            return self._components(db, [row[0]])[0]

    @staticmethod
    def _tags(db: sqlite3.Connection, resource: str, ids: list[int]) -> dict[int, dict[str, str]]:
        out: dict[int, dict[str, str]] = {}
        for resource_id, key, value in db.execute(
            "SELECT resource_id, key, value FROM tags WHERE resource = ? "
            "AND resource_id IN (SELECT value FROM json_each(?)) ORDER BY resource_id, key",
            (resource, json.dumps(ids)),
        ):
            out.setdefault(resource_id, {})[key] = value
        return out

    def _experiments(self, db: sqlite3.Connection, rows: list[Any]) -> list[Experiment]:
        """Experiments from rows of :data:`EXPERIMENT_SELECT`, with their tags."""
        tags = self._tags(db, EXPERIMENT, [row[0] for row in rows])
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
        """Trials from rows of :data:`TRIAL_SELECT`, with their tags."""
        tags = self._tags(db, TRIAL, [row[0] for row in rows])
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
        records = _component_rows(db, id_list)
        _add_parameters(db, id_list, records)
        _add_artifacts(db, id_list, records)
        _add_metrics(db, id_list, records)
        for component_id, tags in self._tags(db, TRIAL_COMPONENT, ids).items():
            records[component_id].tags = tags
        _add_parents(db, id_list, records)
        return [records[i] for i in ids if i in records]


# Each of these reads one part of the components whose ids ``id_list`` holds (a JSON array) and
# adds it to their records.


def _component_rows(db: sqlite3.Connection, id_list: str) -> dict[int, TrialComponent]:
    records: dict[int, TrialComponent] = {}
    for row in db.execute(
        "SELECT id, name, display_name, status, status_message, source_arn, source_type, "
        "start_time, end_time, "
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
    return records


def _add_parameters(
    db: sqlite3.Connection, id_list: str, records: dict[int, TrialComponent]
) -> None:
    for component_id, key, string_value, number_value in db.execute(
        "SELECT trial_component_id, name, string_value, number_value FROM parameters "
        "WHERE trial_component_id IN (SELECT value FROM json_each(?)) "
        "ORDER BY trial_component_id, name",
        (id_list,),
    ):
        value = string_value if string_value is not None else number_value
        records[component_id].parameters[key] = value


def _add_artifacts(
    db: sqlite3.Connection, id_list: str, records: dict[int, TrialComponent]
) -> None:
    for component_id, kind, key, media_type, value in db.execute(
        "SELECT trial_component_id, kind, name, media_type, value FROM artifacts "
        "WHERE trial_component_id IN (SELECT value FROM json_each(?)) "
        "ORDER BY trial_component_id, name",
        (id_list,),
    ):
        record = records[component_id]
        target = record.input_artifacts if kind == "input" else record.output_artifacts
        target[key] = Artifact(value, media_type)


def _add_metrics(db: sqlite3.Connection, id_list: str, records: dict[int, TrialComponent]) -> None:
    # Each component's metrics in the order they were first logged (metric id order); sorted
    # here, where it costs less than SQLite's temporary b-tree. The columns after the id are
    # MetricSummary's fields in order.
    metric_rows = db.execute(
        "SELECT id, trial_component_id, name, count, min, max, mean, std_dev, last, last_timestamp "
        "FROM metrics "
        "WHERE trial_component_id IN (SELECT value FROM json_each(?))",
        (id_list,),
    ).fetchall()
    metric_rows.sort()
    for row in metric_rows:
        records[row[1]].metrics.append(MetricSummary(*row[2:]))


def _add_parents(db: sqlite3.Connection, id_list: str, records: dict[int, TrialComponent]) -> None:
    for component_id, trial_name, experiment_name in db.execute(
        "SELECT l.trial_component_id, t.name, e.name FROM trial_component_links l "
        "JOIN trials t ON t.id = l.trial_id JOIN experiments e ON e.id = t.experiment_id "
        "WHERE l.trial_component_id IN (SELECT value FROM json_each(?)) "
        "ORDER BY t.creation_time, t.id",
        (id_list,),
    ):
        records[component_id].parents.append(Parent(trial_name, experiment_name))
