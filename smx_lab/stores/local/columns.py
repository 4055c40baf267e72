"""Trial components as columns, straight from SQL: a few statements for a whole page, each answer
transposed into columns (:class:`~smx_lab.columns.ComponentColumns`) without a record per
component. Every statement joins the page's ids (a JSON array, ``json_each``) and orders by their
position, so the columns come in page order, repeats included.

Parameters and metric summaries are read pivoted: the page's distinct names first, then one row
per component with a column per name (a ``LEFT JOIN`` each, :data:`PIVOT_NAMES` names a
statement), so that SQLite hands over one row per component rather than one per value."""

from __future__ import annotations

import json
import sqlite3
from itertools import compress
from typing import Any

from ...columns import Artifacts, ComponentColumns, Metrics, Parameters, Parents, transposed

# The page's ids as rows: ``page.key`` is a component's position, ``page.value`` its id.
_PAGE = "json_each(?) page"


def component_columns(db: sqlite3.Connection, ids: list[int]) -> ComponentColumns:
    """The columns of the components with the given ids, in that order (unknown ids left out)."""
    id_list = json.dumps(ids)
    own = _rows(db, _COMPONENTS, id_list)
    if len(own) < len(ids):  # an id no longer there: number the rows of those that are
        id_list = json.dumps([ids[row[0]] for row in own])
        own = [(position, *row[1:]) for position, row in enumerate(own)]
    _, names, display_names, sources, statuses, created, modified = transposed(own, 7)
    return ComponentColumns(
        names=names,
        display_names=display_names,
        source_arns=sources,
        statuses=statuses,
        creation_times=created,
        last_modified_times=modified,
        parameters=_parameters(db, id_list),
        metrics=_metrics(db, id_list),
        input_artifacts=Artifacts(*transposed(_rows(db, _ARTIFACTS, id_list, "input"), 4)),
        output_artifacts=Artifacts(*transposed(_rows(db, _ARTIFACTS, id_list, "output"), 4)),
        parents=Parents(*transposed(_rows(db, _PARENTS, id_list), 3)),
    )


# A component without a (non-empty) source ARN has no source, as its record has none.
_COMPONENTS = (
    "SELECT page.key, tc.name, tc.display_name, nullif(tc.source_arn, ''), tc.status, "  # noqa: S608
    f"tc.creation_time, tc.last_modified_time FROM {_PAGE} "
    "JOIN trial_components tc ON tc.id = page.value ORDER BY page.key"
)
#: Names (and so LEFT JOINs) per pivoting statement, within SQLite's 64 tables of a join.
PIVOT_NAMES = 60
_PARAMETER_NAMES = (
    f"SELECT DISTINCT p.name FROM {_PAGE} "  # noqa: S608 - fixed SQL
    "JOIN parameters p ON p.trial_component_id = page.value ORDER BY 1"
)
_METRIC_NAMES = (
    f"SELECT DISTINCT m.name FROM {_PAGE} "  # noqa: S608 - fixed SQL
    "JOIN metrics m ON m.trial_component_id = page.value ORDER BY 1"
)
# Per name: a parameter's value (never NULL when present: a string or a finite number); a metric's
# id (its position among the component's metrics: they are listed in the order first logged)
# and statistics.
_PARAMETER_JOIN = (
    "LEFT JOIN parameters p{i} ON p{i}.trial_component_id = page.value AND p{i}.name = ?",
    "coalesce(p{i}.string_value, p{i}.number_value)",
)
_METRIC_JOIN = (
    "LEFT JOIN metrics m{i} ON m{i}.trial_component_id = page.value AND m{i}.name = ?",
    "m{i}.id, m{i}.min, m{i}.max, m{i}.mean, m{i}.std_dev, m{i}.last, m{i}.count",
)
# The other long tables' statements: (row, name, fields of the entry), by name then row, as
# ComponentColumns keeps them.
_ARTIFACTS = (
    "SELECT page.key, a.name, a.media_type, a.value "  # noqa: S608
    f"FROM {_PAGE} JOIN artifacts a ON a.trial_component_id = page.value AND a.kind = ? "
    "ORDER BY a.name, page.key"
)
_PARENTS = (
    "SELECT page.key, t.name, e.name "  # noqa: S608
    f"FROM {_PAGE} JOIN trial_component_links l ON l.trial_component_id = page.value "
    "JOIN trials t ON t.id = l.trial_id JOIN experiments e ON e.id = t.experiment_id "
    "ORDER BY page.key, t.creation_time, t.id"
)


def _rows(db: sqlite3.Connection, sql: str, id_list: str, *params: str) -> list[tuple]:
    return db.execute(sql, (id_list, *params)).fetchall()


def _parameters(db: sqlite3.Connection, id_list: str) -> Parameters:
    names = [row[0] for row in db.execute(_PARAMETER_NAMES, (id_list,))]
    rows, kept, columns = _pivoted(db, id_list, names, _PARAMETER_JOIN, 1)
    return Parameters(rows, kept, columns[0])


def _metrics(db: sqlite3.Connection, id_list: str) -> Metrics:
    names = [row[0] for row in db.execute(_METRIC_NAMES, (id_list,))]
    rows, kept, columns = _pivoted(db, id_list, names, _METRIC_JOIN, 7)
    return Metrics(rows, kept, *columns)


def _pivoted(
    db: sqlite3.Connection, id_list: str, names: list[str], join: tuple[str, str], width: int
) -> tuple[list[int], list[str], list[list[Any]]]:
    """A long table (rows, names, then ``width`` fields) read pivoted: per name, the rows that
    have it (its first field is not NULL) in page order; names in the order given (sorted)."""
    rows: list[int] = []
    kept: list[str] = []
    fields: list[list[Any]] = [[] for _ in range(width)]
    for start in range(0, len(names), PIVOT_NAMES):
        chunk = names[start : start + PIVOT_NAMES]
        joins = " ".join(join[0].format(i=i) for i in range(len(chunk)))
        selected = ", ".join(join[1].format(i=i) for i in range(len(chunk)))
        sql = f"SELECT {selected} FROM {_PAGE} {joins} ORDER BY page.key"  # noqa: S608
        columns = transposed(db.execute(sql, (id_list, *chunk)).fetchall(), len(chunk) * width)
        for index, name in enumerate(chunk):
            own = columns[index * width : (index + 1) * width]
            if None in own[0]:  # some components lack it: keep the rows that have it
                present = [value is not None for value in own[0]]
                held = list(compress(range(len(present)), present))
                own = [list(compress(column, present)) for column in own]
            else:
                held = list(range(len(own[0])))
            rows += held
            kept += [name] * len(held)
            for target, column in zip(fields, own, strict=True):
                target += column
    return rows, kept, fields
