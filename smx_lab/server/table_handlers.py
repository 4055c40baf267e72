"""The table routes: ``table`` (every row of a selection up to 10,000, as ExperimentAnalytics
reads it; or, with ``limit``, one page of the server-paged list), ``table/groups`` and
``table/csv`` (docs/compare.md). Each route's work is one top-level function of the store and the
request body, run with :meth:`~smx_lab.server.base.SmxLabHandler.run_heavy`; the CSV export is
streamed a page at a time from the store's thread pool."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tornado
from jupyter_server.auth.decorator import authorized

from .. import query, selection
from ..columns import ComponentColumns
from ..errors import ValidationError
from ..groups import table_groups
from ..listing import table_page
from ..selection import Selection
from ..stores.base import Store
from ..stores.collect import columns_by_name
from ..table import RECORD_DESCRIPTORS, component_table
from ..table_csv import csv_chunks
from ..vocabulary import TRIAL_COMPONENT
from .base import SmxLabHandler, sort_order

#: Components one ``table`` answer without ``limit`` carries, as ExperimentAnalytics caps a
#: DataFrame.
MAX_TABLE_COMPONENTS = 10000
#: Fields only a paged ``table`` request may give.
_PAGED_FIELDS = ("sort", "cursor", "baseline", "group_by", "group")
_NAME_FILTERS = ("metric_names", "parameter_names", "input_artifact_names", "output_artifact_names")


def table_answer(store: Store, body: dict[str, Any]) -> dict[str, Any]:
    """The ``table`` route's answer: a page (``limit``) or every row up to the cap."""
    if "limit" in body:
        if "selection" not in body:
            raise ValidationError("limit", "pages a selection: give selection with limit")
        return table_page(store, body)
    for name in _PAGED_FIELDS:
        if name in body:
            raise ValidationError(name, "pages the list: give limit with it")
    found = table_components(body)(store, MAX_TABLE_COMPONENTS + 1)
    truncated = len(found) > MAX_TABLE_COMPONENTS
    if truncated:
        found = found.take(range(MAX_TABLE_COMPONENTS))
    built = component_table(found, **{key: body.get(key) for key in _NAME_FILTERS})
    return {
        "columns": built.columns,
        "descriptors": [*built.descriptors, *RECORD_DESCRIPTORS],
        "rows": built.rows(with_records=True),
        "total": None if truncated else len(found),
        "truncated": truncated,
    }


def table_components(body: dict[str, Any]) -> Callable[[Store, int], ComponentColumns]:
    """How a table request names its components: ``selection``; or the older ``components`` (in
    the order named, repeats kept, as ExperimentAnalytics keeps a list of names) and ``search``
    (a search in the order it names, SageMaker's newest-first by default). The components come
    as columns, through the store's columnar path."""
    if "components" in body:
        names = body["components"]
        return lambda store, limit: columns_by_name(store, names[:limit])
    if "selection" in body:
        chosen = Selection.from_json(body["selection"])
        return lambda store, limit: selection.resolve_columns(store, chosen, limit=limit)
    search = body["search"]
    chosen = Selection(
        search=query.compile_request(search, TRIAL_COMPONENT, field_prefix="search.")
    )
    order = {
        "sort_by": search.get("sort_by", "LastModifiedTime"),
        "sort_order": sort_order(search.get("sort_order", "Descending"), "search.sort_order"),
    }
    return lambda store, limit: selection.resolve_columns(store, chosen, limit=limit, **order)


class TableHandler(SmxLabHandler):
    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        body = await self.json_body()
        await self.reply(await self.run_heavy(table_answer, body))


class TableGroupsHandler(SmxLabHandler):
    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        body = await self.json_body()
        await self.reply(await self.run_heavy(table_groups, body))


class TableCsvHandler(SmxLabHandler):
    """Streams the CSV a page at a time: an error before the first page (bad input, an unknown
    name) is the usual JSON answer; one after it ends the download early, and is logged."""

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        body = await self.json_body()
        chunks = csv_chunks(self.store, body)
        first = await self.run(next, chunks)
        self.set_header("Content-Type", "text/csv; charset=utf-8")
        self.set_header("Content-Disposition", 'attachment; filename="trial-components.csv"')
        self.set_header("Cache-Control", "no-store")
        self.write(first.encode("utf-8"))
        await self.flush()
        done = object()
        while True:
            chunk = await self.run(next, chunks, done)
            if chunk is done:
                break
            assert isinstance(chunk, str)
            if chunk:
                self.write(chunk.encode("utf-8"))
                await self.flush()
        self.finish()
