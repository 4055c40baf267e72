"""SearchExpression → SQL for the embedded store (schema: :mod:`smx_lab.stores.local.schema`).

The SQL means exactly what :func:`smx_lab.query.evaluate` means (see :mod:`smx_lab.query` for the
semantics); a property test holds the two together. Values are always bound parameters; the only
identifiers in the SQL are the fixed ones written here (columns chosen from whitelists by the
canonical property name), never text from the expression.

The resource being searched is the outer query's row: ``tc`` (trial_components), ``t`` (trials) or
``e`` (experiments). Properties stored in child tables (parameters, metrics, tags, artifacts,
parents) compile to ``<row>.id IN (SELECT ...)`` with an uncorrelated subquery: SQLite builds each
set once per statement from an index instead of probing it once per candidate row.

Several such sets under one And (or one Or) become a single compound SELECT, ``A INTERSECT B``
(``A UNION B``) ``ORDER BY 1``. With the ORDER BY, SQLite merges the arms as sorted streams
instead of loading each into a temporary b-tree; an arm that reads an index whose entries are
already in id order (``parameters_by_name_string`` for a parameter's text, and
``metrics_by_name_component`` for a metric statistic, both ordered by name then component id)
streams straight off that index. That SELECT serves as the condition of a larger WHERE.

When the whole expression is such sets, :func:`compile_id_set` keeps its tree (:class:`IdSet`)
and :func:`matching_ids` evaluates it as sets: each leaf SELECT is read in one statement, its
ids packed into one text value by ``group_concat`` (SQLite is free to read a metric filter off
the statistic's own index, whose range holds only the passing entries, not in id order), and
the And/Or tree is combined as numpy masks. SQLite's merge costs about 100 ns per entry of each
arm, and its metric arm reads every component's entry; on 100,000 components, two parameter
filters and a metric filter take about a third less time as sets (``benchmarks/bench_search.py``
measures both).
"""

from __future__ import annotations

import functools
import sqlite3
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...errors import QueryError, ValidationError
from ...query import (
    ORDERING_OPERATORS,
    Kind,
    Property,
    ascii_lower,
    describe_property,
    in_items,
    parse_number,
    parse_time,
    validate_expression,
)
from ...vocabulary import (
    SORT_ORDERS,
    STATISTIC_SQL_COLUMNS,
    SUMMARY_STATISTICS,
    TRIAL,
    TRIAL_COMPONENT,
)
from .schema import ROW_ALIAS, ROW_TABLE

__all__ = [
    "ROW_ALIAS",
    "ROW_TABLE",
    "SQL",
    "IdSet",
    "compile_id_set",
    "compile_ids",
    "compile_search",
    "compile_where",
    "matching_ids",
    "order_by",
    "sort_expression",
]

# Identifiers come from whitelists keyed by the canonical property: these, the tables' own in
# ``schema``, and vocabulary.STATISTIC_SQL_COLUMNS (metric statistic → column of ``metrics``).
_ARTIFACT_COLUMNS = {"Value": "value", "MediaType": "media_type"}
_ARTIFACT_KINDS = {"InputArtifacts": "input", "OutputArtifacts": "output"}
_COMPARE_SQL = {
    "Equals": "=",
    "NotEquals": "<>",
    "GreaterThan": ">",
    "GreaterThanOrEqualTo": ">=",
    "LessThan": "<",
    "LessThanOrEqualTo": "<=",
}

# Parents: a link to a trial, and that trial's experiment (``pt``/``pe`` inside the subquery).
_PARENTS_JOIN = (
    "trial_component_links l "
    "JOIN trials pt ON pt.id = l.trial_id JOIN experiments pe ON pe.id = pt.experiment_id"
)
_PARENTS_FROM = (
    "SELECT l.trial_component_id "  # noqa: S608 - whitelisted identifiers only
    f"FROM {_PARENTS_JOIN}"
)
_PARENT_COLUMNS = {"Parents.TrialName": "pt.name", "Parents.ExperimentName": "pe.name"}

SQL = tuple[str, list[Any]]


@dataclass(frozen=True)
class IdSet:
    """The condition ``<row>.id IN (<select>)``, with its SELECT kept apart so that an And or an
    Or of several such conditions can be merged into one compound SELECT. ``compound`` says the
    SELECT is itself compound (it must then be wrapped to be an arm of another one); a compound
    keeps the sets it merges in ``arms`` (their intersection, or their union when ``union``)."""

    select: str
    params: list[Any]
    compound: bool = False
    arms: tuple[IdSet, ...] = ()
    union: bool = False

    def arm(self) -> str:
        if self.compound:
            return f"SELECT * FROM ({self.select})"  # noqa: S608 - compiled SQL
        return self.select

    def packed(self) -> str:
        """A leaf's SELECT (``SELECT <id column> FROM ...``, as this module writes every leaf)
        with its ids packed into one text value. The aggregate reads the leaf's rows directly:
        over a subquery, SQLite would hand each row through a co-routine first."""
        column, source = self.select.removeprefix("SELECT ").split(" FROM ", 1)
        return f"SELECT group_concat({column}) FROM {source}"  # noqa: S608 - compiled SQL


# A compiled condition: plain SQL, or a set of row ids that may still merge with its siblings.
_Part = SQL | IdSet


def _columns(resource: str) -> dict[str, str]:
    """Fixed properties stored in the resource's own row (or one lookup away) → SQL expression."""
    row = ROW_ALIAS[resource]
    common = {
        # DisplayName falls back to the name, as the REST answer shows it (model.to_dict).
        "DisplayName": f"COALESCE(NULLIF({row}.display_name, ''), {row}.name)",
        # The store reads a row without a (non-empty) source ARN as a record without a Source.
        "Source.SourceArn": f"NULLIF({row}.source_arn, '')",
        "Source.SourceType": f"CASE WHEN {row}.source_arn <> '' THEN {row}.source_type END",
        "CreatedBy.UserProfileName": f"{row}.created_by",
        "CreationTime": f"{row}.creation_time",
        "LastModifiedTime": f"{row}.last_modified_time",
    }
    if resource == TRIAL_COMPONENT:
        return {
            "TrialComponentName": "tc.name",
            "Status.PrimaryStatus": "tc.status",
            "Status.Message": "tc.status_message",
            "LastModifiedBy.UserProfileName": "tc.last_modified_by",
            "StartTime": "tc.start_time",
            "EndTime": "tc.end_time",
            **common,
        }
    if resource == TRIAL:
        return {
            "TrialName": "t.name",
            "ExperimentName": "(SELECT x.name FROM experiments x WHERE x.id = t.experiment_id)",
            **common,
        }
    return {"ExperimentName": "e.name", "Description": "e.description", **common}


def compile_where(resource: str, expression: dict[str, Any] | None) -> SQL:
    """A SearchExpression → an SQL boolean expression over the resource's row alias and its bound
    parameters. The expression is validated (and normalised) again here, so that nothing
    unchecked reaches SQL; None means "everything" (``1``)."""
    return compile_search(resource, expression)[0]


def compile_search(resource: str, expression: dict[str, Any] | None) -> tuple[SQL, IdSet | None]:
    """Both forms of one expression, validated and compiled once: the SQL condition of
    :func:`compile_where`, and the set of ids of :func:`compile_id_set` (None when the expression
    also tests the row's own columns)."""
    if expression is None:
        return ("1", []), None
    compiler = _Compiler(resource)
    part = compiler.expression(validate_expression(expression, resource))
    return compiler.sql(part), part if isinstance(part, IdSet) else None


def compile_id_set(resource: str, expression: dict[str, Any] | None) -> IdSet | None:
    """The rows the expression selects as a set of ids (the same set as :func:`compile_where`),
    when every condition of the expression is held in child tables; None when it also tests the
    row's own columns. Its ``select`` may list an id more than once."""
    return compile_search(resource, expression)[1]


def compile_ids(resource: str, expression: dict[str, Any] | None) -> SQL | None:
    """:func:`compile_id_set` as one SELECT and its parameters."""
    ids = compile_id_set(resource, expression)
    return None if ids is None else (ids.select, list(ids.params))


def matching_ids(db: sqlite3.Connection, ids: IdSet, max_id: int) -> np.ndarray:
    """The distinct ids of ``ids`` up to ``max_id`` (the table's largest), ascending: each leaf
    SELECT read once, combined as boolean masks over the ids. An And stops reading at its first
    empty arm."""
    size = max_id + 1

    def mask(node: IdSet) -> np.ndarray | None:
        """The node's set as a mask; None when it is empty."""
        if not node.arms:
            text = db.execute(node.packed(), node.params).fetchone()[0]
            found = np.fromstring(text or "", dtype=np.int64, sep=",")
            found = found[found < size]
            if not found.size:
                return None
            out = np.zeros(size, dtype=bool)
            out[found] = True
            return out
        if node.union:
            present = [m for m in map(mask, node.arms) if m is not None]
            return functools.reduce(np.logical_or, present) if present else None
        both: np.ndarray | None = None
        for arm in node.arms:
            arm_mask = mask(arm)
            if arm_mask is None:
                return None
            both = arm_mask if both is None else np.logical_and(both, arm_mask, out=both)
        return both

    selected = mask(ids) if size > 0 else None
    return np.empty(0, dtype=np.int64) if selected is None else np.flatnonzero(selected)


class _Compiler:
    def __init__(self, resource: str) -> None:
        self.resource = resource
        self.row = ROW_ALIAS[resource]
        self.columns = _columns(resource)

    def sql(self, part: _Part) -> SQL:
        if isinstance(part, IdSet):
            return f"{self.row}.id IN ({part.select})", list(part.params)
        return part

    def expression(self, expr: dict[str, Any]) -> _Part:
        parts: list[_Part] = [self.filter(f) for f in expr.get("Filters", ())]
        parts += [self.nested(n) for n in expr.get("NestedFilters", ())]
        parts += [self.expression(s) for s in expr.get("SubExpressions", ())]
        union = expr.get("Operator") == "Or"
        sets = [part for part in parts if isinstance(part, IdSet)]
        if len(sets) > 1:
            # One sorted merge of every id set instead of one temporary b-tree per set. A row is in
            # all (any) of the sets exactly when its id is in their intersection (union).
            compound = (" UNION " if union else " INTERSECT ").join(s.arm() for s in sets)
            params = [p for s in sets for p in s.params]
            merged = IdSet(
                f"{compound} ORDER BY 1", params, compound=True, arms=tuple(sets), union=union
            )
            parts = [part for part in parts if not isinstance(part, IdSet)] + [merged]
        if len(parts) == 1:
            return parts[0]
        return _join([self.sql(part) for part in parts], " OR " if union else " AND ")

    def filter(self, filter_: dict[str, Any]) -> _Part:
        prop = describe_property(filter_["Name"], self.resource)
        operator: str = filter_["Operator"]
        value: str | None = filter_.get("Value")
        if prop.name in self.columns:
            return _predicate(self.columns[prop.name], prop, operator, value)
        if prop.prefix == "Parameters":
            return self.parameter(prop, operator, value)
        if prop.prefix == "Metrics":
            return self.metric(prop, operator, value)
        if prop.prefix == "Tags":
            presence = "SELECT resource_id FROM tags WHERE resource = ? AND key = ?"
            return self.child(presence, [self.resource, prop.key], prop, operator, value, "value")
        if prop.prefix in _ARTIFACT_KINDS:
            column = _ARTIFACT_COLUMNS[prop.field or "Value"]
            presence = (
                "SELECT trial_component_id "  # noqa: S608 - whitelisted identifiers only
                f"FROM artifacts WHERE kind = ? AND name = ? AND {column} IS NOT NULL"
            )
            return self.child(
                presence, [_ARTIFACT_KINDS[prop.prefix], prop.key], prop, operator, value, column
            )
        if prop.name in _PARENT_COLUMNS:
            return self.parents(prop, operator, value)
        raise QueryError(
            f"{prop.name} cannot be searched in the embedded store"
        )  # pragma: no cover

    def child(
        self,
        presence: str,
        presence_params: list[Any],
        prop: Property,
        operator: str,
        value: str | None,
        column: str | None,
    ) -> _Part:
        """A property held in a child table: ``presence`` selects the ids that have it."""
        if operator == "Exists":
            return IdSet(presence, list(presence_params))
        if operator == "NotExists":
            return f"{self.row}.id NOT IN ({presence})", list(presence_params)
        assert column is not None and value is not None
        condition, params = _predicate(column, prop, operator, value)
        return IdSet(f"{presence} AND {condition}", [*presence_params, *params])

    def metric(self, prop: Property, operator: str, value: str | None) -> _Part:
        # The components whose summary of the metric passes, read off metrics_by_name_component
        # (name, component, statistics): in component order, without visiting the table's rows.
        presence = "SELECT m.trial_component_id FROM metrics m WHERE m.name = ?"
        column = f"m.{STATISTIC_SQL_COLUMNS[prop.field]}" if prop.field is not None else None
        return self.child(presence, [prop.key], prop, operator, value, column)

    def parameter(self, prop: Property, operator: str, value: str | None) -> _Part:
        presence = "SELECT trial_component_id FROM parameters WHERE name = ?"
        if operator in ("Exists", "NotExists"):
            return self.child(presence, [prop.key], prop, operator, value, None)
        assert value is not None
        number = parse_number(value)
        if operator == "Equals":
            # Two terms that each seek an index on (name, value): a number parameter equals a
            # numeric value, a string parameter equals the text.
            by_number = " OR (name = ? AND number_value = ?)" if number is not None else ""
            return IdSet(
                "SELECT trial_component_id FROM parameters "  # noqa: S608 - fixed SQL
                f"WHERE (name = ? AND string_value = ?){by_number}",
                [prop.key, value] + ([prop.key, number] if number is not None else []),
            )
        if operator == "NotEquals":
            # Present and not equal. IS (not =) keeps the test two-valued when a column is NULL.
            by_number = " OR number_value IS ?" if number is not None else ""
            condition = f"NOT (string_value IS ?{by_number})"
            params: list[Any] = [value] + ([number] if number is not None else [])
        elif operator in ORDERING_OPERATORS:
            condition, params = f"number_value {_COMPARE_SQL[operator]} ?", [number]
        elif operator == "Contains":
            condition, params = "instr(lower(string_value), ?) > 0", [ascii_lower(value)]
        else:  # In
            items = in_items(value)
            numbers = [n for n in (parse_number(item) for item in items) if n is not None]
            condition = f"(string_value IN ({_marks(items)})"
            condition += f" OR number_value IN ({_marks(numbers)}))" if numbers else ")"
            params = [*items, *numbers]
        return IdSet(f"{presence} AND {condition}", [prop.key, *params])

    def parents(self, prop: Property, operator: str, value: str | None) -> _Part:
        every_parent = "SELECT trial_component_id FROM trial_component_links"
        if operator == "Exists":
            return IdSet(every_parent, [])
        if operator == "NotExists":
            return f"tc.id NOT IN ({every_parent})", []
        column = _PARENT_COLUMNS[prop.name]
        assert value is not None
        if operator == "NotEquals":
            # Has parents, and none of them has this name.
            return (
                f"(tc.id IN ({every_parent}) "
                f"AND tc.id NOT IN ({_PARENTS_FROM} WHERE {column} = ?))",
                [value],
            )
        condition, params = _predicate(column, prop, operator, value)
        return IdSet(f"{_PARENTS_FROM} WHERE {condition}", params)

    def nested(self, nested: dict[str, Any]) -> _Part:
        # Only Parents nests (validate_expression refuses others): all filters on the same parent.
        conditions: list[SQL] = []
        for filter_ in nested["Filters"]:
            operator = filter_["Operator"]
            if operator in ("Exists", "NotExists"):
                # Every parent has both a trial name and an experiment name.
                conditions.append(("1" if operator == "Exists" else "0", []))
                continue
            prop = describe_property(filter_["Name"], self.resource)
            conditions.append(
                _predicate(_PARENT_COLUMNS[prop.name], prop, operator, filter_["Value"])
            )
        condition, params = _join(conditions, " AND ")
        return IdSet(f"{_PARENTS_FROM} WHERE {condition}", params)


def _predicate(column: str, prop: Property, operator: str, value: str | None) -> SQL:
    """One operator on one SQL value ``column`` (NULL when missing)."""
    if operator == "Exists":
        return f"{column} IS NOT NULL", []
    if operator == "NotExists":
        return f"{column} IS NULL", []
    assert value is not None
    if operator == "Contains":
        # SQLite's lower() folds ASCII only; query.ascii_lower folds the value the same way.
        return f"instr(lower({column}), ?) > 0", [ascii_lower(value)]
    if operator == "In":
        items = in_items(value)
        return f"{column} IN ({_marks(items)})", list(items)
    bound: Any = value
    if prop.kind is Kind.TIME:
        bound = parse_time(value)
    elif prop.kind is Kind.NUMBER:
        bound = parse_number(value)
    return f"{column} {_COMPARE_SQL[operator]} ?", [bound]


def _marks(items: list[Any]) -> str:
    return ", ".join("?" for _ in items)


def _join(parts: list[SQL], joiner: str) -> SQL:
    if len(parts) == 1:
        return parts[0]
    sql = joiner.join(f"({part})" for part, _ in parts)
    return f"({sql})", [param for _, params in parts for param in params]


# --------------------------------------------------------------------------------------------
# Sorting
# --------------------------------------------------------------------------------------------


def sort_expression(resource: str, sort_by: str) -> SQL:
    """An SQL value to order the resource's rows by ``sort_by`` (any searchable property with one
    value: names, times, DisplayName, Status, ``Parameters.<n>``, ``Metrics.<n>.<Stat>``,
    ``Tags.<k>``, ...), NULL where the row has none. Use it with ``NULLS LAST`` (see
    :func:`order_by`) so that rows without the value come last in either direction.

    A number parameter sorts before a string parameter of the same name (SQLite orders numbers
    before text). ``Parents.*`` sorts by the first parent name in alphabetical order."""
    prop = describe_property(sort_by, resource)
    row = ROW_ALIAS[resource]
    columns = _columns(resource)
    if prop.name in columns:
        return columns[prop.name], []
    if prop.prefix == "Parameters":
        return (
            "(SELECT COALESCE(p.number_value, p.string_value) FROM parameters p "
            "WHERE p.trial_component_id = tc.id AND p.name = ?)",
            [prop.key],
        )
    if prop.prefix == "Metrics":
        if prop.field is None:
            raise QueryError(
                f"sort by one of the statistics of {prop.name}",
                suggestions=[f"{prop.name}.{s}" for s in SUMMARY_STATISTICS],
            )
        column = STATISTIC_SQL_COLUMNS[prop.field]
        return (
            f"(SELECT m.{column} FROM metrics m "  # noqa: S608 - whitelisted identifiers only
            "WHERE m.trial_component_id = tc.id AND m.name = ?)",
            [prop.key],
        )
    if prop.prefix == "Tags":
        return (
            "(SELECT g.value FROM tags g "  # noqa: S608 - whitelisted identifiers only
            f"WHERE g.resource = ? AND g.resource_id = {row}.id AND g.key = ?)",
            [resource, prop.key],
        )
    if prop.prefix in _ARTIFACT_KINDS:
        column = _ARTIFACT_COLUMNS[prop.field or "Value"]
        return (
            f"(SELECT a.{column} FROM artifacts a "  # noqa: S608 - whitelisted identifiers only
            "WHERE a.trial_component_id = tc.id AND a.kind = ? AND a.name = ?)",
            [_ARTIFACT_KINDS[prop.prefix], prop.key],
        )
    column = _PARENT_COLUMNS[prop.name]
    return (
        f"(SELECT MIN({column}) FROM {_PARENTS_JOIN} "  # noqa: S608 - whitelisted identifiers only
        "WHERE l.trial_component_id = tc.id)",
        [],
    )


def order_by(resource: str, sort_by: str, sort_order: str = "Descending") -> SQL:
    """A whole ORDER BY clause body: the sort value with missing values last, then the row id in
    the same direction so that equal values keep a stable order across pages."""
    if sort_order not in SORT_ORDERS:
        raise ValidationError("sort_order", "must be 'Ascending' or 'Descending'", value=sort_order)
    key, params = sort_expression(resource, sort_by)
    direction = "ASC" if sort_order == "Ascending" else "DESC"
    row = ROW_ALIAS[resource]
    return f"{key} {direction} NULLS LAST, {row}.id {direction}", params
