"""Listings and search in the embedded store: sort keys, cursors, and the page walk.

A page is one of four plans, chosen by what the listing filters and sorts on (see
:func:`page_ids`): sorted by a metric statistic, read off the statistic's own index; no
filter, read off the sort column's index; a filter of id sets (:mod:`.search`), evaluated once and
walked in sort order; any other filter, one pass with a window count for the total.

Cursors are opaque: the offset, with a checksum of the listing they belong to, so a cursor of
another listing (or a tampered one) is refused.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...columns import ColumnPage
from ...errors import ValidationError
from ...model import Experiment, Page, Trial, TrialComponent
from ...query.properties import check_resource
from ...vocabulary import (
    EXPERIMENT,
    SORT_ORDERS,
    STATISTIC_SQL_COLUMNS,
    SUMMARY_STATISTICS,
    TRIAL,
    TRIAL_COMPONENT,
    statistic_named,
)
from ..base import DEFAULT_PAGE_SIZE, Resource, SortOrder
from ..cursors import decode_offset, encode_offset, fingerprint
from .columns import component_columns
from .records import EXPERIMENT_SELECT, TRIAL_SELECT, Records
from .schema import ROW_ALIAS, ROW_TABLE
from .search import IdSet, compile_search, matching_ids

MAX_PAGE_SIZE = 10_000

# Sort keys shared by all three resources: lower-cased SageMaker property → SQL over alias
# ``{a}``.
_COMMON_SORT = {
    "name": "{a}.name",
    "creationtime": "{a}.creation_time",
    "lastmodifiedtime": "{a}.last_modified_time",
    "displayname": "coalesce({a}.display_name, {a}.name)",
}
_RESOURCE_SORT = {
    EXPERIMENT: {**_COMMON_SORT, "experimentname": "{a}.name"},
    TRIAL: {**_COMMON_SORT, "trialname": "{a}.name"},
    TRIAL_COMPONENT: {
        **_COMMON_SORT,
        "trialcomponentname": "{a}.name",
        "starttime": "{a}.start_time",
        "endtime": "{a}.end_time",
        "status": "{a}.status",
        "status.primarystatus": "{a}.status",
    },
}
# Sort keys whose SQL is never NULL (NOT NULL columns; the display name falls back to the name):
# ordering by them needs no "missing values last" term, so an index on the column can give the
# order.
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
    EXPERIMENT: {"name", "experimentname"},
    TRIAL: {"name", "trialname"},
    TRIAL_COMPONENT: {"name", "trialcomponentname", "creationtime", "lastmodifiedtime"},
}
# The f-string SQL in this module (marked ``noqa: S608``) only splices identifiers and expressions
# from the tables above and from ``search``'s compiler; every value is a bound parameter.


@dataclass(frozen=True, slots=True)
class _PageQuery:
    """What one page of a listing reads: the rows ``where`` selects from ``table`` (as ``alias``),
    joined for the sort key and ordered by ``ordering``; ``limit`` rows from ``offset``.
    ``indexed``: an index gives the sort order."""

    table: str
    alias: str
    where: str
    params: list[Any]
    join: str
    join_params: list[Any]
    ordering: str
    direction: str
    indexed: bool
    limit: int
    offset: int

    @property
    def count_sql(self) -> str:
        return f"SELECT count(*) FROM {self.table} {self.alias} WHERE {self.where}"  # noqa: S608


class Paging(Records):
    """``list_experiments``, ``list_trials``, ``list_trial_components`` and ``search``."""

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
        scope = ["experiments"]
        return self._page(EXPERIMENT, where, params, sort_by, sort_order, limit, cursor, scope)

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
            experiment_id = self._id(db, EXPERIMENT, experiment_name)
        where, params = _name_filter("t", name_contains)
        return self._page(
            TRIAL,
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
        where, params, scope = self._component_scope(
            trial_name, experiment_name, unassigned, name_contains
        )
        return self._page(TRIAL_COMPONENT, where, params, sort_by, sort_order, limit, cursor, scope)

    def list_trial_component_columns(
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
    ) -> ColumnPage:
        """:meth:`list_trial_components`' page as columns, read straight from SQL."""
        where, params, scope = self._component_scope(
            trial_name, experiment_name, unassigned, name_contains
        )
        listing = (where, params, sort_by, sort_order, limit, cursor, scope)
        page = self._page(TRIAL_COMPONENT, *listing, as_columns=True)
        return ColumnPage(page.items[0], page.next_cursor, page.total)

    def _component_scope(
        self,
        trial_name: str | None,
        experiment_name: str | None,
        unassigned: bool,
        name_contains: str | None,
    ) -> tuple[str, list[Any], list[Any]]:
        """The condition, parameters and cursor scope of a listing of trial components."""
        if sum((trial_name is not None, experiment_name is not None, bool(unassigned))) > 1:
            raise ValidationError(
                "trial_name", "give at most one of trial_name, experiment_name and unassigned"
            )
        where, params = _name_filter("tc", name_contains)
        scope: list[Any] = ["components", name_contains]
        with self._read() as db:
            if trial_name is not None:
                trial_id = self._id(db, TRIAL, trial_name)
                where += (
                    " AND tc.id IN (SELECT trial_component_id FROM trial_component_links "
                    "WHERE trial_id = ?)"
                )
                params.append(trial_id)
                scope += ["trial", trial_name]
            elif experiment_name is not None:
                experiment_id = self._id(db, EXPERIMENT, experiment_name)
                where += (
                    " AND tc.id IN (SELECT l.trial_component_id FROM trial_component_links l "
                    "JOIN trials t2 ON t2.id = l.trial_id WHERE t2.experiment_id = ?)"
                )
                params.append(experiment_id)
                scope += ["experiment", experiment_name]
            elif unassigned:
                where += (
                    " AND NOT EXISTS (SELECT 1 FROM trial_component_links l "
                    "WHERE l.trial_component_id = tc.id)"
                )
                scope += ["unassigned"]
        return where, params, scope

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
        return self._search(resource, search_expression, sort_by, sort_order, limit, cursor)

    def search_trial_component_columns(
        self,
        search_expression: dict[str, Any] | None = None,
        *,
        sort_by: str = "CreationTime",
        sort_order: SortOrder = "Descending",
        limit: int = DEFAULT_PAGE_SIZE,
        cursor: str | None = None,
    ) -> ColumnPage:
        """:meth:`search`'s page of trial components as columns, read straight from SQL."""
        search = (search_expression, sort_by, sort_order, limit, cursor)
        page = self._search(TRIAL_COMPONENT, *search, as_columns=True)
        return ColumnPage(page.items[0], page.next_cursor, page.total)

    def _search(
        self,
        resource: str,
        search_expression: dict[str, Any] | None,
        sort_by: str,
        sort_order: SortOrder,
        limit: int,
        cursor: str | None,
        as_columns: bool = False,
    ) -> Page[Any]:
        check_resource(resource)
        (where, compiled_params), id_set = compile_search(resource, search_expression)
        params = list(compiled_params)
        scope = ["search", resource, json.dumps(search_expression, sort_keys=True, default=str)]
        listing = (f"({where})", params, sort_by, sort_order, limit, cursor, scope)
        return self._page(resource, *listing, id_set=id_set, as_columns=as_columns)

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
        as_columns: bool = False,
    ) -> Page[Any]:
        """One page of the rows ``where`` selects, sorted, with the total. ``id_set``, when given,
        is the same rows as a set of ids, read without reading the rows. ``as_columns``: the
        page's one item is the trial components as :class:`~smx_lab.columns.ComponentColumns`."""
        query, request = page_query(
            resource, where, params, sort_by, sort_order, limit, cursor, scope
        )
        with self._read() as db:
            total, ids = page_ids(db, query, metric_sort(resource, sort_by), id_set)
            if as_columns:
                items: list[Any] = [component_columns(db, ids)]
            else:
                items = self._page_items(db, resource, query.alias, ids)
        return Page(items=items, next_cursor=next_cursor(query, total, request), total=total)

    def _page_items(
        self, db: sqlite3.Connection, resource: str, alias: str, ids: list[int]
    ) -> list[Any]:
        """The records of the page's ids, in page order."""
        if resource == TRIAL_COMPONENT:
            return self._components(db, ids)
        select = EXPERIMENT_SELECT if resource == EXPERIMENT else TRIAL_SELECT
        rows = db.execute(
            f"{select} JOIN json_each(?) page ON page.value = {alias}.id ORDER BY page.key",
            (json.dumps(ids),),
        ).fetchall()
        if resource == EXPERIMENT:
            return self._experiments(db, rows)
        return self._trials(db, rows)


# -------------------------------------------------------------------- the page walk


def page_query(
    resource: str,
    where: str,
    params: list[Any],
    sort_by: str,
    sort_order: str,
    limit: int,
    cursor: str | None,
    scope: list[Any],
) -> tuple[_PageQuery, str]:
    """The query of one page of the rows ``where`` selects, and the fingerprint its cursors
    carry (``scope`` names the listing)."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValidationError("limit", f"must be an integer from 1 to {MAX_PAGE_SIZE}")
    if sort_order not in SORT_ORDERS:
        raise ValidationError("sort_order", "must be Ascending or Descending", value=sort_order)
    table, alias = ROW_TABLE[resource], ROW_ALIAS[resource]
    join, join_params, key = _sort_key(resource, alias, sort_by)
    request = fingerprint([*scope, resource, where, params, sort_by, sort_order])
    offset = decode_offset(cursor, request)
    direction = "ASC" if sort_order == "Ascending" else "DESC"
    lowered = sort_by.lower()
    missing_last = "" if lowered in _NEVER_NULL_SORT else f"({key}) IS NULL, "
    ordering = f"{missing_last}{key} {direction}, {alias}.id {direction}"
    query = _PageQuery(
        table=table,
        alias=alias,
        where=where,
        params=params,
        join=join,
        join_params=join_params,
        ordering=ordering,
        direction=direction,
        indexed=lowered in _INDEXED_SORT[resource],
        limit=limit,
        offset=offset,
    )
    return query, request


def next_cursor(query: _PageQuery, total: int, request: str) -> str | None:
    """The cursor of the page after ``query``'s, None after the last."""
    end = query.offset + query.limit
    return encode_offset(end, request) if end < total else None


def page_ids(
    db: sqlite3.Connection,
    query: _PageQuery,
    by_metric: tuple[str, str] | None,
    id_set: IdSet | None,
) -> tuple[int, list[int]]:
    """The total and the page's ids, by the cheapest plan for the listing."""
    unfiltered = query.where in ("1", "(1)")
    # A filter of id sets runs once, for the ids; their number is the total.
    matching = None
    if id_set is not None:
        max_id_sql = f"SELECT coalesce(max(id), -1) FROM {query.table}"  # noqa: S608
        max_id = db.execute(max_id_sql).fetchone()[0]
        matching = matching_ids(db, id_set, max_id)
    if by_metric is not None:
        return _ids_by_metric(db, query, matching, unfiltered, by_metric)
    if unfiltered:
        return _ids_unfiltered(db, query)
    if matching is not None:
        return _ids_among(db, query, matching)
    return _ids_filtered(db, query)


def _ids_by_metric(
    db: sqlite3.Connection,
    query: _PageQuery,
    matching: np.ndarray | None,
    unfiltered: bool,
    by_metric: tuple[str, str],
) -> tuple[int, list[int]]:
    """The page comes off the statistic's index in order, stopping when it is full."""
    q = query
    if matching is None and not unfiltered:
        id_sql = (
            f"SELECT {q.alias}.id FROM {q.table} {q.alias} WHERE {q.where} "  # noqa: S608
            f"ORDER BY {q.alias}.id"
        )
        matching = np.fromiter((row[0] for row in db.execute(id_sql, q.params)), dtype=np.int64)
    total = db.execute(q.count_sql).fetchone()[0] if matching is None else len(matching)
    ids = _metric_sorted_ids(db, matching, *by_metric, q.direction, q.limit, q.offset)
    return total, ids


def _ids_unfiltered(db: sqlite3.Connection, query: _PageQuery) -> tuple[int, list[int]]:
    """Nothing to filter: counting reads the smallest index, and the page comes off the sort
    column's index (if it has one) instead of sorting every row for a window count."""
    q = query
    total = db.execute(q.count_sql).fetchone()[0]
    ids = [
        row[0]
        for row in db.execute(
            f"SELECT {q.alias}.id FROM {q.table} {q.alias} {q.join} "  # noqa: S608
            f"ORDER BY {q.ordering} LIMIT ? OFFSET ?",
            [*q.join_params, q.limit, q.offset],
        )
    ]
    return total, ids


def _ids_among(
    db: sqlite3.Connection, query: _PageQuery, matching: np.ndarray
) -> tuple[int, list[int]]:
    """The page is the matching rows in sort order: off the sort column's index, tested against
    the ids' mask, when it has one; else the ids themselves, sorted."""
    q = query
    total = len(matching)
    if not total:
        return total, []
    among_params: list[Any]
    if q.indexed:
        among, among_params = f"substr(?, {q.alias}.id + 1, 1) = x'01'", [_id_mask(matching)]
    else:
        among = f"{q.alias}.id IN (SELECT value FROM json_each(?))"  # noqa: S608 - fixed SQL
        among_params = [json.dumps(matching.tolist())]
    page_sql = (
        f"SELECT {q.alias}.id FROM {q.table} {q.alias} {q.join} WHERE {among} "  # noqa: S608
        f"ORDER BY {q.ordering} LIMIT ? OFFSET ?"
    )
    page_params = [*q.join_params, *among_params, q.limit, q.offset]
    return total, [row[0] for row in db.execute(page_sql, page_params)]


def _ids_filtered(db: sqlite3.Connection, query: _PageQuery) -> tuple[int, list[int]]:
    """The filter is the costly part: the window count gives the total from the same pass over it
    that finds the page's rows."""
    q = query
    rows = db.execute(
        f"SELECT {q.alias}.id, count(*) OVER () FROM {q.table} {q.alias} {q.join} "  # noqa: S608
        f"WHERE {q.where} ORDER BY {q.ordering} LIMIT ? OFFSET ?",
        [*q.join_params, *q.params, q.limit, q.offset],
    ).fetchall()
    # Past the end there is no row to carry the count: count on its own.
    total = rows[0][1] if rows else db.execute(q.count_sql, q.params).fetchone()[0]
    return total, [row[0] for row in rows]


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
    from ``STATISTIC_SQL_COLUMNS``."""
    if matching is None:
        among, among_params, others_where = "", [], ""
    else:
        if not matching.size:
            return []
        among = " AND substr(?, sm.trial_component_id + 1, 1) = x'01'"
        among_params = [_id_mask(matching)]
        others_where = "substr(?, c.id + 1, 1) = x'01' AND "
    page = [
        row[0]
        for row in db.execute(
            "SELECT sm.trial_component_id FROM metrics sm "  # noqa: S608 - whitelisted column
            f"INDEXED BY metrics_by_name_{column} WHERE sm.name = ?{among} "
            f"ORDER BY sm.{column} {direction}, sm.trial_component_id {direction} "
            "LIMIT ? OFFSET ?",
            [metric, *among_params, limit, offset],
        )
    ]
    if len(page) == limit:
        return page
    # The page reaches past the components with the metric: the others follow, in id order.
    if page:  # the page ends inside the components with the metric: they are all counted
        having = offset + len(page)
    else:
        having_sql = (
            "SELECT count(*) FROM metrics sm "  # noqa: S608 - fixed SQL
            f"WHERE sm.name = ?{among}"
        )
        having = db.execute(having_sql, [metric, *among_params]).fetchone()[0]
    if matching is not None and having >= matching.size:
        return page  # every matching component has the metric: no others to read
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


# -------------------------------------------------------------------- filters and sort keys


def _name_filter(alias: str, name_contains: str | None) -> tuple[str, list[Any]]:
    if name_contains is None or name_contains == "":
        return "1", []
    if not isinstance(name_contains, str):
        raise ValidationError("name_contains", "must be a string")
    return (
        f"(instr(lower({alias}.name), lower(?)) > 0 "
        f"OR instr(lower(coalesce({alias}.display_name, '')), lower(?)) > 0)",
        [name_contains, name_contains],
    )


def _sort_key(resource: str, alias: str, sort_by: str) -> tuple[str, list[Any], str]:
    """``(join, join params, key expression)`` for a sort field; SQL identifiers come from
    tables."""
    if not isinstance(sort_by, str):
        raise ValidationError("sort_by", "must be a string")
    lowered = sort_by.lower()
    columns = _RESOURCE_SORT[resource]
    if lowered in columns:
        return "", [], columns[lowered].format(a=alias)
    if resource == TRIAL_COMPONENT:
        if lowered.startswith("parameters.") and len(sort_by) > len("parameters."):
            join = "LEFT JOIN parameters sp ON sp.trial_component_id = tc.id AND sp.name = ?"
            key = "coalesce(sp.number_value, sp.string_value)"
            return join, [sort_by[len("parameters.") :]], key
        by_metric = metric_sort(resource, sort_by)
        if by_metric is not None:
            join = "LEFT JOIN metrics sm ON sm.trial_component_id = tc.id AND sm.name = ?"
            return join, [by_metric[0]], f"sm.{by_metric[1]}"
    allowed = sorted({"Name", "CreationTime", "LastModifiedTime", "DisplayName"})
    if resource == TRIAL_COMPONENT:
        statistics = "|".join(SUMMARY_STATISTICS)
        allowed += ["StartTime", "EndTime", "Parameters.<name>", f"Metrics.<name>.<{statistics}>"]
    raise ValidationError("sort_by", f"must be one of {', '.join(allowed)}", value=sort_by)


def metric_sort(resource: str, sort_by: str) -> tuple[str, str] | None:
    """``(metric name, column of metrics)`` when components are sorted by
    ``Metrics.<name>.<Stat>``."""
    if resource != TRIAL_COMPONENT or not sort_by.lower().startswith("metrics."):
        return None
    metric, _, word = sort_by[len("metrics.") :].rpartition(".")
    statistic = statistic_named(word)
    column = STATISTIC_SQL_COLUMNS[statistic] if statistic is not None else None
    return (metric, column) if metric and column else None
