"""Thin tornado handlers: validate → store → JSON.

Every handler reads the store and the thread pool that :class:`smx_lab.server.app.SmxLabExtension`
put in the tornado settings, validates its input against the OpenAPI document, turns query text
into an expression with :func:`smx_lab.query.compile_text` and a selection into trial components
with :mod:`smx_lab.selection`, runs the blocking store work on that pool, and answers JSON.
"""

from __future__ import annotations

import asyncio
import math
import os
from collections.abc import Callable
from typing import Any

import tornado
from jupyter_server.auth.decorator import authorized

from .. import __version__, charts, query, selection
from ..columns import ComponentColumns
from ..errors import NotFound, ValidationError
from ..model import Page, SeriesQuery, TrialComponent
from ..selection import Selection
from ..stores.base import DEFAULT_MAX_POINTS, DEFAULT_PAGE_SIZE, Store
from ..stores.collect import columns_by_name
from ..table import RECORD_DESCRIPTORS, component_table
from ..vocabulary import EXPERIMENT, TRIAL, TRIAL_COMPONENT
from .base import SmxLabHandler, check_limit, sort_order
from .openapi import api_spec

#: Components one ``table`` answer carries, as ExperimentAnalytics caps a DataFrame.
MAX_TABLE_COMPONENTS = 10000
#: Series one ``metrics`` request of a selection may draw.
MAX_SELECTION_SERIES = 1000
#: What this server can do.
CAPABILITIES = ("browse", "search", "typed_query", "metrics", "table", "chart")


class InfoHandler(SmxLabHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        self.query_arguments()
        # Not on the store's pool: the liveness probe must not queue behind slow searches.
        store_info = await asyncio.get_running_loop().run_in_executor(None, self.store.info)
        # "jobs": the store offers the SageMaker job behind a component (smx_lab.jobs).
        jobs = ("jobs",) if self.store.jobs is not None else ()
        await self.reply(
            {
                "version": __version__,
                "store": store_info,
                "capabilities": [*CAPABILITIES, *jobs],
                "openapi": self.base_url.rstrip("/") + "/smx-lab/api/openapi.json",
                "page_size_cap": self.page_size_cap,
                "chart_types": charts.chart_type_descriptions(),
                # Absolute, so the panel can open artifacts stored under it.
                "server_root": os.path.abspath(
                    os.path.expanduser(self.settings.get("server_root_dir") or ".")
                ),
            }
        )


class OpenAPIHandler(SmxLabHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        self.query_arguments()
        await self.reply(api_spec())


class ExperimentsHandler(SmxLabHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        arguments = self.query_arguments()
        listing = self.list_arguments(arguments)
        expression = query.compile_text(arguments.get("q"), EXPERIMENT, field="q")
        store = self.store
        if expression is not None:
            page = await self.run(store.search, EXPERIMENT, expression, **listing)
        else:
            page = await self.run(store.list_experiments, **listing)
        await self.reply(page)


class ExperimentHandler(SmxLabHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        self.query_arguments()
        await self.reply(await self.run(self.store.get_experiment, name))


class ExperimentTrialsHandler(SmxLabHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        arguments = self.query_arguments()
        listing = self.list_arguments(arguments)
        expression = query.compile_text(arguments.get("q"), TRIAL, field="q")
        store = self.store
        if expression is None:
            page = await self.run(store.list_trials, name, **listing)
        else:
            scope = [{"Name": "ExperimentName", "Operator": "Equals", "Value": name}]
            in_scope = selection.and_expression(TRIAL, scope, expression)

            def search() -> Page[Any]:
                store.get_experiment(name)  # an unknown experiment is a 404, not an empty page
                return store.search(TRIAL, in_scope, **listing)

            page = await self.run(search)
        await self.reply(page)


class TrialHandler(SmxLabHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        self.query_arguments()
        await self.reply(await self.run(self.store.get_trial, name))


class TrialComponentListing(SmxLabHandler):
    """The two routes that list trial components: of a trial, or unassigned / of an experiment."""

    async def list_components(
        self, arguments: dict[str, Any], scope: dict[str, Any]
    ) -> Page[TrialComponent]:
        listing = self.list_arguments(arguments)
        expression = query.compile_text(arguments.get("q"), TRIAL_COMPONENT, field="q")
        return await self.run(selection.page, self.store, scope, expression, **listing)


class TrialComponentsOfTrialHandler(TrialComponentListing):
    @tornado.web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        arguments = self.query_arguments()
        await self.reply(await self.list_components(arguments, {"trial_name": name}))


class TrialComponentsHandler(TrialComponentListing):
    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        arguments = self.query_arguments()
        unassigned = bool(arguments.get("unassigned", False))
        experiment = arguments.get("experiment")
        if unassigned == (experiment is not None):
            raise ValidationError(
                "unassigned", "give exactly one of unassigned=true or experiment=<name>"
            )
        scope = {"unassigned": True} if unassigned else {"experiment_name": experiment}
        await self.reply(await self.list_components(arguments, scope))


class TrialComponentHandler(SmxLabHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        self.query_arguments()
        await self.reply(await self.run(self.store.get_trial_component, name))


class SearchHandler(SmxLabHandler):
    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        body = await self.json_body()
        limit = body.get("limit", DEFAULT_PAGE_SIZE)
        check_limit(limit, self.page_size_cap)
        resource = body.get("resource", TRIAL_COMPONENT)
        expression = query.compile_request(body, resource)
        options: dict[str, Any] = {"limit": limit, "cursor": body.get("cursor") or None}
        if "sort_by" in body:
            options["sort_by"] = body["sort_by"]
        if "sort_order" in body:
            options["sort_order"] = sort_order(body["sort_order"], "sort_order")
        page = await self.run(self.store.search, resource, expression, **options)
        await self.reply(page)


class SearchResourcesHandler(SmxLabHandler):
    """Which resources a search text is a query of, so that the panel can search trial components
    from Home or an experiment when the text is about them (``metrics.…``, ``parameters.…``)."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        arguments = self.query_arguments()
        # Parsing only: no store call, so not on the store's pool.
        await self.reply({"resources": query.searchable_resources(arguments.get("q", ""))})


class MetricsHandler(SmxLabHandler):
    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        body = await self.json_body()
        x_range = body.get("x_range")
        if x_range is not None:
            low, high = float(x_range[0]), float(x_range[1])
            if not (math.isfinite(low) and math.isfinite(high)) or low >= high:
                raise ValidationError("x_range", "must be [low, high] with low < high")
            x_range = (low, high)
        options = {
            "x_axis": body.get("x_axis", "step"),
            "max_points": body.get("max_points", DEFAULT_MAX_POINTS),
            "x_range": x_range,
        }
        if "selection" in body:
            chosen = Selection.from_json(body["selection"])
            metric_names = body.get("metric_names")
            series = await self.run(series_of_selection, self.store, chosen, metric_names, options)
        else:
            queries = [SeriesQuery(q["component"], q["metric"]) for q in body["queries"]]
            series = await self.run(self.store.metric_series, queries, **options)
        await self.reply({"series": series})


def series_of_selection(
    store: Store, chosen: Selection, metric_names: list[str] | None, options: dict[str, Any]
) -> list[Any]:
    """Every (component, metric) of a selection, or only the named metrics, as series."""
    wanted = set(metric_names) if metric_names else None
    queries = [
        SeriesQuery(component.trial_component_name, summary.metric_name)
        for component in selection.resolve(store, chosen)
        for summary in component.metrics
        if wanted is None or summary.metric_name in wanted
    ]
    if len(queries) > MAX_SELECTION_SERIES:
        raise ValidationError(
            "selection",
            f"holds {len(queries)} series; a metrics request draws at most "
            f"{MAX_SELECTION_SERIES} (name fewer components or metrics, or use the chart route, "
            "which shares its point budget among any number of series)",
        )
    return store.metric_series(queries, **options) if queries else []


class TableHandler(SmxLabHandler):
    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        body = await self.json_body()
        fetch = table_components(body)
        names = {
            key: body.get(key)
            for key in (
                "metric_names",
                "parameter_names",
                "input_artifact_names",
                "output_artifact_names",
            )
        }
        store = self.store

        def table() -> dict[str, Any]:
            found = fetch(store, MAX_TABLE_COMPONENTS + 1)
            truncated = len(found) > MAX_TABLE_COMPONENTS
            if truncated:
                found = found.take(range(MAX_TABLE_COMPONENTS))
            built = component_table(found, **names)
            return {
                "columns": built.columns,
                "descriptors": [*built.descriptors, *RECORD_DESCRIPTORS],
                "rows": built.rows(with_records=True),
                "total": None if truncated else len(found),
                "truncated": truncated,
            }

        await self.reply(await self.run(table))


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


class ChartHandler(SmxLabHandler):
    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        request = await self.json_body()
        spec = await self.run(charts.build_chart, self.store, request)
        await self.reply(spec)


class UnknownRouteHandler(SmxLabHandler):
    """Answers every path under the API prefix that no route matches: 404, as JSON (after the
    same authentication and authorization as every route, so it reveals nothing to strangers)."""

    @tornado.web.authenticated
    @authorized
    async def get(self, rest: str = "") -> None:
        raise NotFound("route", self.request.path)

    @tornado.web.authenticated
    @authorized
    async def post(self, rest: str = "") -> None:
        raise NotFound("route", self.request.path)
