"""The whole selection of a trial component list as CSV (``POST table/csv``, docs/compare.md):
the header, the baseline (when named and in the selection), then every other row in the
request's order, a page of rows per chunk, so that the server streams it as it is read."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from .errors import ValidationError
from .listing import (
    baseline_row,
    census_columns,
    census_of,
    check_named,
    column_values,
    list_request,
    scope_of,
    scope_page,
)
from .stores.base import Store
from .vocabulary import EXPERIMENTS_COLUMN, RECORD_COLUMNS, TRIALS_COLUMN

#: Rows read (and written) at a time by the CSV export, from a store that reads a whole scope.
CSV_PAGE = 10_000
#: The columns whose values are lists.
_LIST_COLUMNS = frozenset((TRIALS_COLUMN, EXPERIMENTS_COLUMN))


def csv_chunks(store: Store, body: dict[str, Any]) -> Iterator[str]:
    """The whole selection as CSV text, a page of rows per chunk: the header first, then the
    baseline (when named and in the selection), then every other row in the request's order."""
    request = list_request(body)
    check_named(store, request.selection)
    scope = scope_of(request)
    census = census_of(store, scope_of(request, whole=True))
    columns, _ = census_columns(census, request.names)
    header = body.get("columns") or [*columns, *RECORD_COLUMNS]
    known = {*columns, *RECORD_COLUMNS}
    for index, column in enumerate(header):
        if column not in known:
            raise ValidationError(f"columns[{index}]", "is not a column of this selection")
    yield _csv_text([header])
    if request.baseline is not None:
        row = baseline_row(store, request, columns)
        if row is not None:
            yield _csv_text([[_csv_column([row.get(c)], lists=True)[0] for c in header]])
    cursor: str | None = None
    # The embedded store reads a page of any size in one statement; other stores page their own
    # searches, a hundred records at a time.
    size = CSV_PAGE if type(store).scope_columns is not Store.scope_columns else 100
    while True:
        page = scope_page(
            store,
            scope,
            sort_by=request.sort_by,
            sort_order=request.sort_order,
            limit=size,
            cursor=cursor,
        )
        if len(page.columns):
            values = column_values(page.columns, columns, request.names)
            picked = [_csv_column(values[c], lists=c in _LIST_COLUMNS) for c in header]
            yield _csv_text(zip(*picked, strict=True))
        cursor = page.next_cursor
        if not cursor or not len(page.columns):
            return


def _csv_column(values: list[Any], *, lists: bool) -> list[Any]:
    """A column as the CSV writes it: a list (Trials, Experiments) joined with ``, ``; None is
    written empty, numbers as Python writes them."""
    if lists:
        return [", ".join(str(item) for item in v) if isinstance(v, list) else v for v in values]
    return values


def _csv_text(rows: Any) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()
