"""The embedded store's fast paths for the server-paged list (:mod:`smx_lab.listing`): a page of a
whole scope sorted by any column, its census, and one property's values over all of it.

Each read first writes the scope's component ids into a temporary table of its connection
(``temp.scope_ids``, one statement: the union of the named components, trials, experiments and
"unassigned", narrowed by the scope's expression compiled by :mod:`.search`), then reads against
it inside the same read transaction, so a page, its total and its census come from one snapshot.
Names are bound as one JSON value each (``json_each``), so a scope may name any number of them.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from typing import Any

import numpy as np

from ...columns import Census, ColumnPage, Scope
from ...errors import NotFound, ValidationError
from ...query import describe_property
from ...vocabulary import STATISTIC_SQL_COLUMNS, TRIAL_COMPONENT
from ..base import DEFAULT_PAGE_SIZE, SortOrder
from .columns import component_columns
from .paging import Paging, metric_sort, next_cursor, page_ids, page_query
from .search import compile_where

#: Below this many components a census reads from the scope's rows; above it, from each name's
#: index entries, stopping at the first member (a large scope finds one at once).
_SMALL_SCOPE = 2_000

_IN_SCOPE = "tc.id IN temp.scope_ids"

_UNION_PARTS = {
    "components": "tc.name IN (SELECT value FROM json_each(?))",
    "trials": (
        "tc.id IN (SELECT l.trial_component_id FROM trial_component_links l "
        "JOIN trials t ON t.id = l.trial_id WHERE t.name IN (SELECT value FROM json_each(?)))"
    ),
    "experiments": (
        "tc.id IN (SELECT l.trial_component_id FROM trial_component_links l "
        "JOIN trials t ON t.id = l.trial_id JOIN experiments e ON e.id = t.experiment_id "
        "WHERE e.name IN (SELECT value FROM json_each(?)))"
    ),
}
_UNASSIGNED = (
    "NOT EXISTS (SELECT 1 FROM trial_component_links l WHERE l.trial_component_id = tc.id)"
)

_PARENT_VALUES = {
    "Parents.TrialName": (
        "(SELECT MIN(t.name) FROM trial_component_links l JOIN trials t ON t.id = l.trial_id "
        "WHERE l.trial_component_id = s.id)"
    ),
    "Parents.ExperimentName": (
        "(SELECT MIN(e.name) FROM trial_component_links l JOIN trials t ON t.id = l.trial_id "
        "JOIN experiments e ON e.id = t.experiment_id WHERE l.trial_component_id = s.id)"
    ),
}


#: Per connection (by id): the scope ``temp.scope_ids`` holds and the database's state when it was
#: filled (``PRAGMA data_version``, which another connection's commit changes, and the
#: connection's own ``total_changes``), so that the reads of one request (its census, its page)
#: and the next pages of one list fill it once.
_FILLED: dict[int, tuple[str, int, int]] = {}
#: Per connection (by id): the census of the scope filled as ``_FILLED`` says.
_CENSUS: dict[int, tuple[tuple[str, int, int], Census]] = {}


def _fill(db: sqlite3.Connection, scope: Scope) -> None:
    """``temp.scope_ids``: the scope's component ids (kept when they are already there)."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS scope_ids (id INTEGER PRIMARY KEY)")
    named = json.dumps(_scope_key(scope), default=str)
    version = db.execute("PRAGMA data_version").fetchone()[0]
    if _FILLED.get(id(db)) == (named, version, db.total_changes):
        return
    parts: list[str] = []
    params: list[Any] = []
    for part, sql in _UNION_PARTS.items():
        names = getattr(scope, part)
        if names:
            parts.append(sql)
            params.append(json.dumps(list(names)))
    if scope.unassigned:
        parts.append(_UNASSIGNED)
    union = " OR ".join(f"({part})" for part in parts) if parts else "1"
    where, where_params = compile_where(TRIAL_COMPONENT, scope.expression)
    if scope.components:
        # A named component the store does not have is a 404 naming it, as a named trial or
        # experiment is (the panel leaves it out of the list with a note).
        missing = db.execute(
            "SELECT value FROM json_each(?) WHERE value NOT IN "
            "(SELECT name FROM trial_components) LIMIT 1",
            (json.dumps(list(scope.components)),),
        ).fetchone()
        if missing is not None:
            raise NotFound("TrialComponent", missing[0])
    db.execute("DELETE FROM temp.scope_ids")
    db.execute(
        f"INSERT INTO temp.scope_ids SELECT tc.id FROM trial_components tc "  # noqa: S608
        f"WHERE ({union}) AND ({where})",
        [*params, *where_params],
    )
    _FILLED[id(db)] = (named, version, db.total_changes)


def _scope_key(scope: Scope) -> list[Any]:
    """What names the listing in its cursors."""
    return [
        "scope",
        list(scope.components),
        list(scope.trials),
        list(scope.experiments),
        scope.unassigned,
        json.dumps(scope.expression, sort_keys=True, default=str),
    ]


class ScopedReads(Paging):
    """:meth:`~smx_lab.stores.base.Store.scope_columns`, ``scope_census`` and ``scope_values``."""

    def scope_columns(
        self,
        scope: Scope,
        *,
        sort_by: str = "CreationTime",
        sort_order: SortOrder = "Ascending",
        limit: int = DEFAULT_PAGE_SIZE,
        cursor: str | None = None,
        offset: int | None = None,
    ) -> ColumnPage:
        where, params = _IN_SCOPE, []
        if scope.without is not None:
            where, params = f"{_IN_SCOPE} AND tc.name != ?", [scope.without]
        query, request = page_query(
            TRIAL_COMPONENT,
            where,
            params,
            sort_by,
            sort_order,
            limit,
            cursor,
            [*_scope_key(scope), scope.without],
        )
        if offset is not None:
            query = dataclasses.replace(query, offset=offset)
        with self._read() as db:
            _fill(db, scope)
            total, ids = page_ids(db, query, metric_sort(TRIAL_COMPONENT, sort_by), None)
            columns = component_columns(db, ids)
        return ColumnPage(columns, next_cursor(query, total, request), total)

    def scope_census(self, scope: Scope) -> Census:
        with self._read() as db:
            _fill(db, scope)
            held = _CENSUS.get(id(db))
            if held is not None and held[0] == _FILLED.get(id(db)):
                return held[1]
            census = _census(db)
            _CENSUS[id(db)] = (_FILLED[id(db)], census)
            return census

    def scope_values(self, scope: Scope, properties: list[str]) -> tuple[list[str], list[Any]]:
        """Metric statistics come as float arrays (NaN where a component has none), one read per
        metric for all its statistics; other properties as lists."""
        described = [describe_property(name, TRIAL_COMPONENT) for name in properties]
        with self._read() as db:
            _fill(db, scope)
            rows = db.execute(
                "SELECT s.id, tc.name FROM temp.scope_ids s "
                "JOIN trial_components tc ON tc.id = s.id ORDER BY s.id"
            ).fetchall()
            ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
            values: list[Any] = [None] * len(properties)
            by_metric: dict[str, list[int]] = {}
            for index, prop in enumerate(described):
                if prop.prefix == "Metrics" and prop.field is not None and prop.key:
                    by_metric.setdefault(prop.key, []).append(index)
                else:
                    sql, params = _value_sql(prop.name)
                    values[index] = [row[0] for row in db.execute(sql, params)]
            for metric, indexes in by_metric.items():
                wanted = [STATISTIC_SQL_COLUMNS[described[i].field] for i in indexes]  # type: ignore[index]
                arrays = _metric_arrays(db, metric, wanted, ids)
                for index, array in zip(indexes, arrays, strict=True):
                    values[index] = array
        return [row[1] for row in rows], values


def _census(db: sqlite3.Connection) -> Census:
    """The census of the scope ``temp.scope_ids`` holds."""
    total = db.execute("SELECT count(*) FROM temp.scope_ids").fetchone()[0]
    if total < _SMALL_SCOPE:
        parameters = _parameters_from_rows(db)
        metrics = _names_from_rows(db, "metrics")
    else:
        parameters = _parameters_from_index(db)
        metrics = _names_from_index(db, "metrics")
    artifacts = db.execute(
        "SELECT DISTINCT kind, name FROM artifacts "
        "WHERE trial_component_id IN temp.scope_ids ORDER BY kind, name"
    ).fetchall()
    has_source = (
        db.execute(
            "SELECT 1 FROM trial_components WHERE id IN temp.scope_ids "
            "AND source_arn IS NOT NULL AND source_arn != '' LIMIT 1"
        ).fetchone()
        is not None
    )
    tag_keys = [
        row[0]
        for row in db.execute(
            "SELECT DISTINCT key FROM tags WHERE resource = ? "
            "AND resource_id IN temp.scope_ids ORDER BY key",
            (TRIAL_COMPONENT,),
        )
    ]
    return Census(
        total=total,
        parameters=parameters,
        metrics=metrics,
        input_artifacts=[name for kind, name in artifacts if kind == "input"],
        output_artifacts=[name for kind, name in artifacts if kind == "output"],
        has_source=has_source,
        tag_keys=tag_keys,
    )


def _metric_arrays(
    db: sqlite3.Connection, metric: str, columns: list[str], ids: np.ndarray
) -> list[np.ndarray]:
    """Statistics of one metric for the scope's components (``ids``, ascending), NaN where a
    component has none."""
    selected = ", ".join(f"m.{column}" for column in columns)
    found = db.execute(
        f"SELECT m.trial_component_id, {selected} FROM metrics m "  # noqa: S608 - fixed columns
        "WHERE m.name = ? AND m.trial_component_id IN temp.scope_ids",
        (metric,),
    ).fetchall()
    arrays = [np.full(len(ids), np.nan) for _ in columns]
    if found:
        table = np.array(found, dtype=np.float64)
        rows = np.searchsorted(ids, table[:, 0].astype(np.int64))
        for position, array in enumerate(arrays):
            array[rows] = table[:, position + 1]
    return arrays


def _value_sql(prop_name: str) -> tuple[str, list[Any]]:
    """One value per scope row, in id order, for a canonical property."""
    prop = describe_property(prop_name, TRIAL_COMPONENT)
    if prop.prefix == "Parameters":
        return (
            "SELECT coalesce(p.number_value, p.string_value) FROM temp.scope_ids s "
            "LEFT JOIN parameters p ON p.trial_component_id = s.id AND p.name = ? ORDER BY s.id",
            [prop.key],
        )
    if prop.prefix == "Tags":
        return (
            "SELECT g.value FROM temp.scope_ids s LEFT JOIN tags g ON g.resource = ? "
            "AND g.resource_id = s.id AND g.key = ? ORDER BY s.id",
            [TRIAL_COMPONENT, prop.key],
        )
    if prop.prefix == "Metrics" and prop.field is not None:
        column = STATISTIC_SQL_COLUMNS[prop.field]
        return (
            f"SELECT m.{column} FROM temp.scope_ids s LEFT JOIN metrics m "  # noqa: S608
            "ON m.trial_component_id = s.id AND m.name = ? ORDER BY s.id",
            [prop.key],
        )
    if prop.name == "Status.PrimaryStatus":
        return (
            "SELECT tc.status FROM temp.scope_ids s JOIN trial_components tc ON tc.id = s.id "
            "ORDER BY s.id",
            [],
        )
    if prop.name in _PARENT_VALUES:
        parent = _PARENT_VALUES[prop.name]
        return f"SELECT {parent} FROM temp.scope_ids s ORDER BY s.id", []  # noqa: S608
    raise ValidationError(
        "group_by",
        "must be Parameters.<name>, Tags.<key>, Metrics.<name>.<Stat>, Status.PrimaryStatus, "
        "Parents.TrialName or Parents.ExperimentName",
        value=prop_name,
    )


def _parameters_from_rows(db: sqlite3.Connection) -> dict[str, bool]:
    """Each parameter of the scope and whether its values differ, read from the scope's rows."""
    rows = db.execute(
        "SELECT p.name, count(DISTINCT p.number_value) + count(DISTINCT p.string_value) "
        "FROM temp.scope_ids s JOIN parameters p ON p.trial_component_id = s.id "
        "GROUP BY p.name ORDER BY p.name"
    ).fetchall()
    return {name: distinct > 1 for name, distinct in rows}


def _names_from_rows(db: sqlite3.Connection, table: str) -> list[str]:
    return [
        row[0]
        for row in db.execute(
            f"SELECT DISTINCT x.name FROM temp.scope_ids s JOIN {table} x "  # noqa: S608
            "ON x.trial_component_id = s.id ORDER BY x.name"
        )
    ]


def _distinct_names(db: sqlite3.Connection, table: str) -> list[str]:
    """Every name of ``table`` (parameters or metrics), off its name index: one probe per name."""
    sql = (
        f"WITH RECURSIVE n(name) AS (SELECT min(name) FROM {table} "  # noqa: S608
        f"UNION ALL SELECT (SELECT min(name) FROM {table} WHERE name > n.name) FROM n "
        "WHERE n.name IS NOT NULL) SELECT name FROM n WHERE name IS NOT NULL"
    )
    return [row[0] for row in db.execute(sql)]


def _names_from_index(db: sqlite3.Connection, table: str) -> list[str]:
    """The names some component of the scope has, off the name index."""
    probe = (
        f"SELECT 1 FROM {table} WHERE name = ? "  # noqa: S608
        "AND trial_component_id IN temp.scope_ids LIMIT 1"
    )
    return [name for name in _distinct_names(db, table) if db.execute(probe, (name,)).fetchone()]


def _parameters_from_index(db: sqlite3.Connection) -> dict[str, bool]:
    """Each parameter of the scope and whether its values differ: the first member's value, then
    any member with another (both stop at the first row found)."""
    first_sql = (
        "SELECT number_value, string_value FROM parameters WHERE name = ? "
        "AND trial_component_id IN temp.scope_ids LIMIT 1"
    )
    other_sql = (
        "SELECT 1 FROM parameters WHERE name = ? AND trial_component_id IN temp.scope_ids "
        "AND NOT (number_value IS ? AND string_value IS ?) LIMIT 1"
    )
    found: dict[str, bool] = {}
    for name in _distinct_names(db, "parameters"):
        first = db.execute(first_sql, (name,)).fetchone()
        if first is not None:
            found[name] = db.execute(other_sql, (name, *first)).fetchone() is not None
    return found
