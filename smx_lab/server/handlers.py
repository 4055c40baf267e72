"""Thin tornado handlers: validate → store → JSON.

Every handler reads the store and the pools that :class:`smx_lab.server.app.SmxLabExtension` put
in the tornado settings, validates its input against the OpenAPI document, turns query text into
an expression with :func:`smx_lab.query.compile_text` and a selection into trial components with
:mod:`smx_lab.selection`, runs the blocking store work off the event loop, and answers JSON.

The heavy routes (search, metrics, chart, the trial component listings; the table in
``table_handlers.py``) put their whole work in a top-level function ``answer(store, *args)``
(``search_page``, ``metric_series``, ``component_page``, ``charts.build_chart``) and answer with
``await self.reply(await self.run_heavy(answer, *args))``: in a worker process with the embedded
store, else on the store's thread pool (:mod:`smx_lab.server.workers` says why and how). The light
ones (a record by name, experiments and trials) call the store with ``self.run``.
"""

from __future__ import annotations

import asyncio
import math
import os
from typing import Any

import tornado
from jupyter_server.auth.decorator import authorized

from .. import __version__, charts, query, selection
from ..errors import NotFound, ValidationError
from ..model import Page, SeriesQuery, TrialComponent
from ..selection import Selection
from ..stores.base import DEFAULT_MAX_POINTS, DEFAULT_PAGE_SIZE, Store
from ..vocabulary import EXPERIMENT, TRIAL, TRIAL_COMPONENT
from .base import SmxLabHandler, check_limit, list_arguments, sort_order
from .openapi import api_spec

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


class TrialComponentsOfTrialHandler(SmxLabHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        arguments = self.query_arguments()
        scope = {"trial_name": name}
        await self.reply(await self.run_heavy(component_page, scope, arguments, self.page_size_cap))


class TrialComponentsHandler(SmxLabHandler):
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
        await self.reply(await self.run_heavy(component_page, scope, arguments, self.page_size_cap))


def component_page(
    store: Store, scope: dict[str, Any], arguments: dict[str, Any], page_size_cap: int
) -> Page[TrialComponent]:
    """A page of the trial components of a trial, of an experiment, or unassigned (``scope``), for
    a listing's query parameters (``q``, ``sort``, ``order``, ``limit``, ``cursor``)."""
    listing = list_arguments(arguments, page_size_cap)
    expression = query.compile_text(arguments.get("q"), TRIAL_COMPONENT, field="q")
    return selection.page(store, scope, expression, **listing)


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
        await self.reply(await self.run_heavy(search_page, body, self.page_size_cap))


def search_page(store: Store, body: dict[str, Any], page_size_cap: int) -> Page[Any]:
    """A page of a search request's results."""
    limit = body.get("limit", DEFAULT_PAGE_SIZE)
    check_limit(limit, page_size_cap)
    resource = body.get("resource", TRIAL_COMPONENT)
    expression = query.compile_request(body, resource)
    options: dict[str, Any] = {"limit": limit, "cursor": body.get("cursor") or None}
    if "sort_by" in body:
        options["sort_by"] = body["sort_by"]
    if "sort_order" in body:
        options["sort_order"] = sort_order(body["sort_order"], "sort_order")
    return store.search(resource, expression, **options)


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
        await self.reply(await self.run_heavy(metric_series, body))


def metric_series(store: Store, body: dict[str, Any]) -> dict[str, Any]:
    """A metrics request's series: of the named (component, metric) queries, or of a selection."""
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
        series = series_of_selection(store, chosen, body.get("metric_names"), options)
    else:
        queries = [SeriesQuery(q["component"], q["metric"]) for q in body["queries"]]
        series = store.metric_series(queries, **options)
    return {"series": series}


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


class ChartHandler(SmxLabHandler):
    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        request = await self.json_body()
        await self.reply(await self.run_heavy(charts.build_chart, request))


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
