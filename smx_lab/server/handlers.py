"""Thin tornado handlers: validate → store → JSON.

Every handler reads the store and the thread pool that :class:`smx_lab.app.SmxLabExtension` put in
the tornado settings, validates its input against the OpenAPI document (``openapi.yaml``, the one
definition of every parameter and body), runs the blocking store call on that pool, and answers
JSON. Errors go through :meth:`SmxLabHandler.write_error`, the one place that turns an exception
into a status and an ``{error, message, ...}`` body.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import json
import math
from collections.abc import Callable
from concurrent.futures import Executor
from http.client import responses
from importlib.resources import files
from typing import Any, TypeVar

import jsonschema
import tornado
import yaml
from jsonschema.exceptions import best_match
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from tornado.log import app_log

from . import __version__
from .errors import NotFound, SmxError, StoreError, ValidationError
from .model import Page, SeriesQuery, TrialComponent
from .stores.base import DEFAULT_MAX_POINTS, DEFAULT_PAGE_SIZE, SortOrder, Store
from .stores.collect import components_by_name
from .table import build_table

T = TypeVar("T")

#: Components a ``table`` request may gather from a search, as ExperimentAnalytics caps it.
MAX_TABLE_COMPONENTS = 10000
#: Page size of the searches that fetch named components in batches.

# Query parameters any route accepts, because jupyter-server and its clients may add them.
_SERVER_QUERY_PARAMETERS = frozenset({"token", "_xsrf", "no_track_activity"})
_SPEC_URI = "urn:smx-lab:openapi"

_ORDERS: dict[str, SortOrder] = {
    "asc": "Ascending",
    "ascending": "Ascending",
    "desc": "Descending",
    "descending": "Descending",
}


class SmxLabHandler(APIHandler):
    """Base of every smx-lab route: authorization resource, store access, JSON errors."""

    auth_resource = "smx_lab"

    def initialize(self, path: str) -> None:
        # The OpenAPI path template this handler serves, e.g. ``experiments/{name}``.
        self.api_path = path

    # --- store access -----------------------------------------------------------------------

    @property
    def store(self) -> Store:
        store: Store | None = self.settings.get("smx_lab_store")
        if store is None:
            failure = self.settings.get("smx_lab_store_error")
            if isinstance(failure, SmxError):
                raise failure
            raise StoreError(f"the experiment store could not be opened: {failure}")
        return store

    @property
    def page_size_cap(self) -> int:
        return int(self.settings.get("smx_lab_page_size_cap", 500))

    async def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a blocking store call on the extension's bounded pool, never on the event loop."""
        executor: Executor | None = self.settings.get("smx_lab_executor")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(executor, functools.partial(function, *args, **kwargs))

    # --- input ------------------------------------------------------------------------------

    def query_arguments(self) -> dict[str, Any]:
        """The URL's query parameters, checked against this operation's documented parameters."""
        raw = {
            key: [v.decode("utf-8", "replace") for v in values]
            for key, values in self.request.query_arguments.items()
        }
        return validate_query(self.api_path, self.request.method or "GET", raw)

    async def json_body(self) -> dict[str, Any]:
        """The request body, parsed and validated against this operation's documented schema, off
        the event loop (a table's list of names takes a fraction of a millisecond to check, which
        every other request of the server would wait for). Not on the store's pool either."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            None, parse_body, self.api_path, self.request.method or "POST", self.request.body
        )

    def list_arguments(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """``sort``, ``order``, ``limit``, ``cursor`` → the store's keyword arguments."""
        limit = arguments.get("limit", DEFAULT_PAGE_SIZE)
        check_limit(limit, self.page_size_cap)
        out: dict[str, Any] = {"limit": limit, "cursor": arguments.get("cursor") or None}
        if "sort" in arguments:
            out["sort_by"] = arguments["sort"]
        if "order" in arguments:
            out["sort_order"] = sort_order(arguments["order"], "order")
        return out

    # --- output -----------------------------------------------------------------------------

    async def reply(self, payload: Any) -> None:
        """Records → JSON off the event loop too: a big table or chart takes milliseconds to encode,
        which on the loop would stall every other request of the server. Not on the store's pool,
        where a small answer would queue behind slow searches."""
        loop = asyncio.get_running_loop()
        self.finish(await loop.run_in_executor(None, to_json, payload))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Every error of every route is JSON: ``{error, message, ...details}``."""
        exc_info = kwargs.get("exc_info")
        error = exc_info[1] if exc_info else None
        if isinstance(error, ValidationError) and error.field in _QUERY_PARAMETER_NAMES:
            if self.request.method == "GET":
                error = _renamed(error, _QUERY_PARAMETER_NAMES[error.field])
        if isinstance(error, SmxError):
            status_code = error.status
            body = error.to_dict()
        elif isinstance(error, tornado.web.HTTPError):
            status_code = error.status_code
            body = {
                "error": _error_name(status_code),
                "message": error.log_message or error.reason or responses.get(status_code, ""),
            }
        elif error is not None:
            status_code = 500
            body = {
                "error": "internal_error",
                "message": "unexpected server error; see the server log",
            }
        else:
            body = {"error": _error_name(status_code), "message": responses.get(status_code, "")}
        self.set_status(status_code)
        self.clear_header("Content-Type")
        self.finish(json.dumps(body, default=str))

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        # Our own errors are answers (bad input, unknown name, store down), not bugs: one line
        # each, no traceback. Anything else is a bug and keeps tornado's full report.
        if isinstance(value, SmxError):
            log = app_log.info if value.status < 500 else app_log.warning
            log(
                "%s %s → %s: %s",
                self.request.method,
                self.request.path,
                value.status,
                value.message,
            )
            return
        super().log_exception(typ, value, tb)


# The store names its arguments; a GET names the query parameter the client actually sent.
_QUERY_PARAMETER_NAMES = {"sort_by": "sort", "sort_order": "order"}


def _renamed(error: ValidationError, field: str) -> ValidationError:
    details = {k: v for k, v in error.details.items() if k != "field"}
    return ValidationError(field, error.rule, **details)


def _error_name(status: int) -> str:
    return {
        400: "bad_request",
        401: "unauthenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        501: "not_implemented",
        503: "store_unavailable",
    }.get(status, "internal_error" if status >= 500 else "http_error")


def to_json(payload: Any) -> str:
    """Strict JSON: a NaN or an infinity (which JSON cannot carry) becomes null."""
    try:
        return json.dumps(payload, allow_nan=False, default=_json_default)
    except ValueError:
        return json.dumps(_finite(payload), allow_nan=False, default=_json_default)


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    if hasattr(value, "to_dict"):
        return _finite(value.to_dict())
    return value


def _json_default(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


# --- the OpenAPI document: the one definition of every parameter, body and answer -------------


@functools.cache
def _spec() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(
        files("smx_lab").joinpath("openapi.yaml").read_text("utf-8")
    )
    charts = _chart_module()
    if charts is not None and hasattr(charts, "CHART_REQUEST_SCHEMA"):
        # The chart request's schema is defined once, in charts.py; the document embeds it.
        chart_schema = copy.deepcopy(charts.CHART_REQUEST_SCHEMA)
        chart_schema.pop("$schema", None)
        # Its own ``#/...`` references must resolve inside it, not against the whole document.
        chart_schema.setdefault("$id", "urn:smx-lab:chart-request")
        spec["components"]["schemas"]["ChartRequest"] = chart_schema
    return spec


def api_spec() -> dict[str, Any]:
    """The OpenAPI document as served (a copy: callers may change it)."""
    return copy.deepcopy(_spec())


@functools.cache
def _registry() -> Registry[Any]:
    resource = Resource.from_contents(_spec(), default_specification=DRAFT202012)
    return Registry().with_resource(_SPEC_URI, resource)


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def spec_validator(*pointer: str) -> jsonschema.protocols.Validator:
    """A validator for the schema at a place in the document, e.g.
    ``spec_validator("components", "schemas", "Trial")``; its ``$ref``s resolve in the document."""
    return _validator(_pointer(*pointer))


@functools.cache
def _validator(pointer: str) -> jsonschema.protocols.Validator:
    return jsonschema.Draft202012Validator(
        {"$ref": f"{_SPEC_URI}#/{pointer}"}, registry=_registry()
    )


def prepare_validators() -> None:
    """Load the document and compile every request validator ahead of the first request (the
    first compilation takes a noticeable fraction of a second)."""
    for path, item in _spec()["paths"].items():
        for method, operation_ in item.items():
            if "requestBody" in operation_:
                spec_validator(
                    "paths", path, method, "requestBody", "content", "application/json", "schema"
                )


def operation(path: str, method: str) -> dict[str, Any]:
    operation: dict[str, Any] = _spec()["paths"]["/" + path][method.lower()]
    return operation


def _parameters(path: str, method: str) -> dict[str, dict[str, Any]]:
    """The documented query parameters of an operation, by name (``$ref``s followed)."""
    out = {}
    for parameter in operation(path, method).get("parameters", []):
        if "$ref" in parameter:
            parameter = _spec()["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        if parameter["in"] == "query":
            out[parameter["name"]] = parameter
    return out


def validate_query(path: str, method: str, raw: dict[str, list[str]]) -> dict[str, Any]:
    """Query parameters → typed values, each checked against its documented schema. Unknown or
    repeated parameters are errors, so a misspelt ``limt=5`` is not silently ignored."""
    documented = _parameters(path, method)
    out: dict[str, Any] = {}
    for name, values in raw.items():
        if name in _SERVER_QUERY_PARAMETERS or _is_cache_buster(name, values):
            continue
        parameter = documented.get(name)
        if parameter is None:
            known = ", ".join(sorted(documented)) or "none"
            raise ValidationError(name, f"is not a parameter of this route (known: {known})")
        if len(values) != 1:
            raise ValidationError(name, "must be given once")
        schema = parameter["schema"]
        value = _coerce(name, values[0], schema.get("type"))
        error = best_match(jsonschema.Draft202012Validator(schema).iter_errors(value))
        if error is not None:
            raise ValidationError(name, error.message, value=values[0])
        out[name] = value
    return out


def _is_cache_buster(name: str, values: list[str]) -> bool:
    # JupyterLab's ServerConnection appends ``?<milliseconds>`` to requests made with
    # ``cache: 'no-store'``: a bare number with no value, never a parameter of ours.
    return name.isdigit() and values == [""]


def _coerce(name: str, text: str, kind: Any) -> Any:
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            raise ValidationError(name, "must be an integer", value=text) from None
    if kind == "boolean":
        if text.lower() in ("true", "1", ""):
            return True
        if text.lower() in ("false", "0"):
            return False
        raise ValidationError(name, "must be true or false", value=text)
    return text


def parse_body(path: str, method: str, raw: bytes | None) -> dict[str, Any]:
    """A request body: JSON, validated against the operation's documented schema."""
    try:
        body = json.loads(raw or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationError("body", f"must be a JSON document ({error})") from None
    return validate_body(path, method, body)


def validate_body(path: str, method: str, body: Any) -> dict[str, Any]:
    """A JSON body checked against the operation's documented request schema."""
    pointer = (
        "paths",
        "/" + path,
        method.lower(),
        "requestBody",
        "content",
        "application/json",
        "schema",
    )
    error = best_match(spec_validator(*pointer).iter_errors(body), key=_relevance)
    if error is not None:
        raise _body_error(error)
    if not isinstance(body, dict):  # the schemas say so; this keeps the type checker honest
        raise ValidationError("body", "must be a JSON object")
    return body


def _relevance(error: jsonschema.ValidationError) -> Any:
    # Prefer errors about the body's own fields over "not valid under any of" summaries.
    return (-len(error.path), error.validator in ("oneOf", "anyOf"))


def _body_error(error: jsonschema.ValidationError) -> ValidationError:
    field = _field_name(error.absolute_path) or "body"
    rule = None
    if error.validator in ("oneOf", "anyOf", "not") and isinstance(error.schema, dict):
        rule = error.schema.get("x-rule")  # the schema's own words for a combination rule
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in (error.instance or {})]
        if missing:
            field = _join_field(field if error.absolute_path else "", missing[0])
            return ValidationError(field, "is required")
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - known)
        if unknown:
            field = _join_field(field if error.absolute_path else "", unknown[0])
            allowed = ", ".join(sorted(known))
            return ValidationError(field, f"is not a known field (allowed: {allowed})")
    return ValidationError(field, rule or error.message)


def _field_name(path: Any) -> str:
    out = ""
    for part in path:
        out = f"{out}[{part}]" if isinstance(part, int) else _join_field(out, str(part))
    return out


def _join_field(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def check_limit(limit: int, cap: int) -> None:
    if limit > cap:
        raise ValidationError("limit", f"must be at most {cap}", maximum=cap, value=limit)


def sort_order(value: str, field: str) -> SortOrder:
    try:
        return _ORDERS[value.lower()]
    except KeyError:
        raise ValidationError(
            field, "must be Ascending/asc or Descending/desc", value=value
        ) from None


def and_expression(
    resource: str, scope: list[dict[str, Any]], expression: dict[str, Any] | None
) -> dict[str, Any]:
    """A scope (a route's filters) ANDed with a user's expression, the SageMaker way, validated."""
    from . import query

    combined: dict[str, Any] = {"Filters": scope, "Operator": "And"}
    if expression:
        combined["SubExpressions"] = [expression]
    return query.validate_expression(combined, resource)


def typed_query(text: str | None, resource: str) -> tuple[str | None, dict[str, Any] | None]:
    """The ``q`` parameter: plain words are a name substring, anything else the typed query
    language. Returns ``(name_contains, search_expression)``, at most one of them set."""
    if text is None or not text.strip():
        return None, None
    from . import query

    if query.is_plain_text(text):
        return text.strip(), None
    return None, query.parse_query(text, resource)


# --- routes ------------------------------------------------------------------------------------


class InfoHandler(SmxLabHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        self.query_arguments()
        # Not on the store's pool: the liveness probe must not queue behind slow searches.
        store_info = await asyncio.get_running_loop().run_in_executor(None, self.store.info)
        await self.reply(
            {
                "version": __version__,
                "store": store_info,
                "capabilities": capabilities(),
                "openapi": self.base_url.rstrip("/") + "/smx-lab/api/openapi.json",
                "page_size_cap": self.page_size_cap,
            }
        )


def capabilities() -> list[str]:
    """What this server can do; ``chart`` only once the chart builders are installed."""
    found = ["browse", "search", "typed_query", "metrics", "table"]
    if _chart_module() is not None:
        found.append("chart")
    return found


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
        name_contains, expression = typed_query(arguments.get("q"), "Experiment")
        store = self.store
        if expression is not None:
            page = await self.run(store.search, "Experiment", expression, **listing)
        else:
            page = await self.run(store.list_experiments, name_contains=name_contains, **listing)
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
        name_contains, expression = typed_query(arguments.get("q"), "ExperimentTrial")
        store = self.store
        if expression is not None:
            scope = [{"Name": "ExperimentName", "Operator": "Equals", "Value": name}]
            expression_in_scope = and_expression("ExperimentTrial", scope, expression)

            def search() -> Page[Any]:
                store.get_experiment(name)  # an unknown experiment is a 404, not an empty page
                return store.search("ExperimentTrial", expression_in_scope, **listing)

            page = await self.run(search)
        else:
            page = await self.run(store.list_trials, name, name_contains=name_contains, **listing)
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
        self,
        arguments: dict[str, Any],
        *,
        trial_name: str | None = None,
        experiment_name: str | None = None,
        unassigned: bool = False,
    ) -> Page[TrialComponent]:
        listing = self.list_arguments(arguments)
        name_contains, expression = typed_query(arguments.get("q"), "ExperimentTrialComponent")
        store = self.store
        if expression is None:
            return await self.run(
                store.list_trial_components,
                trial_name=trial_name,
                experiment_name=experiment_name,
                unassigned=unassigned,
                name_contains=name_contains,
                **listing,
            )

        def search() -> Page[TrialComponent]:
            # Unknown parents are 404s, as they are for the plain listing.
            if trial_name is not None:
                store.get_trial(trial_name)
                scope = [{"Name": "Parents.TrialName", "Operator": "Equals", "Value": trial_name}]
            elif experiment_name is not None:
                store.get_experiment(experiment_name)
                scope = [
                    {
                        "Name": "Parents.ExperimentName",
                        "Operator": "Equals",
                        "Value": experiment_name,
                    }
                ]
            else:
                scope = [{"Name": "Parents.TrialName", "Operator": "NotExists"}]
            expression_in_scope = and_expression("ExperimentTrialComponent", scope, expression)
            return store.search("ExperimentTrialComponent", expression_in_scope, **listing)

        return await self.run(search)


class TrialComponentsOfTrialHandler(TrialComponentListing):
    @tornado.web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        arguments = self.query_arguments()
        await self.reply(await self.list_components(arguments, trial_name=name))


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
        page = await self.list_components(
            arguments, experiment_name=experiment, unassigned=unassigned
        )
        await self.reply(page)


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
        resource = body.get("resource", "ExperimentTrialComponent")
        expression = search_expression(body, resource)
        options: dict[str, Any] = {"limit": limit, "cursor": body.get("cursor") or None}
        if "sort_by" in body:
            options["sort_by"] = body["sort_by"]
        if "sort_order" in body:
            options["sort_order"] = sort_order(body["sort_order"], "sort_order")
        page = await self.run(self.store.search, resource, expression, **options)
        await self.reply(page)


def search_expression(
    body: dict[str, Any], resource: str, field: str = "search_expression"
) -> dict[str, Any] | None:
    """``search_expression`` (SageMaker's JSON, validated) or ``query`` (typed text, compiled);
    plain words in ``query`` look for a name containing them, as the search box does."""
    from . import query

    if "search_expression" in body:
        return query.validate_expression(body["search_expression"], resource, path=field)
    text = body.get("query")
    if text is None or not text.strip():
        return None
    if query.is_plain_text(text):
        name = query.canonical_property("name", resource)
        return {"Filters": [{"Name": name, "Operator": "Contains", "Value": text.strip()}]}
    return query.parse_query(text, resource)


class MetricsHandler(SmxLabHandler):
    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        body = await self.json_body()
        queries = [
            SeriesQuery(component=q["component"], metric=q["metric"]) for q in body["queries"]
        ]
        x_range = body.get("x_range")
        if x_range is not None:
            low, high = float(x_range[0]), float(x_range[1])
            if not (math.isfinite(low) and math.isfinite(high)) or low >= high:
                raise ValidationError("x_range", "must be [low, high] with low < high")
            x_range = (low, high)
        series = await self.run(
            self.store.metric_series,
            queries,
            x_axis=body.get("x_axis", "step"),
            max_points=body.get("max_points", DEFAULT_MAX_POINTS),
            x_range=x_range,
        )
        await self.reply({"series": series})


class TableHandler(SmxLabHandler):
    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        from . import analytics

        body = await self.json_body()
        store = self.store
        if "components" in body:
            names: list[str] = body["components"]

            def fetch() -> list[TrialComponent]:
                return components_by_name(store, names)

        else:
            search = body["search"]
            expression = search_expression(
                search, "ExperimentTrialComponent", "search.search_expression"
            )
            sort_by = search.get("sort_by", analytics.DEFAULT_SORT_BY)
            order = search.get("sort_order")
            order = sort_order(order, "search.sort_order") if order else None

            def fetch() -> list[TrialComponent]:
                return analytics.search_components(
                    store,
                    expression,
                    sort_by=sort_by,
                    sort_order=order or analytics.DEFAULT_SORT_ORDER,
                    limit=MAX_TABLE_COMPONENTS,
                )

        def table() -> dict[str, Any]:
            columns, rows = build_table(
                fetch(),
                metric_names=body.get("metric_names"),
                parameter_names=body.get("parameter_names"),
                input_artifact_names=body.get("input_artifact_names"),
                output_artifact_names=body.get("output_artifact_names"),
            )
            return {"columns": columns, "rows": rows}

        await self.reply(await self.run(table))


def _chart_module() -> Any:
    try:
        from . import charts
    except ImportError:
        return None
    if not hasattr(charts, "build_chart"):
        return None
    return charts


class ChartHandler(SmxLabHandler):
    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        charts = _chart_module()
        if charts is None:
            raise tornado.web.HTTPError(501, "charts are not available in this version of smx-lab")
        request = await self.json_body()
        spec = await self.run(charts.build_chart, self.store, request)
        await self.reply(spec)


class UnknownRouteHandler(SmxLabHandler):
    """Answers every path under the API prefix that no route matches: 404, as JSON (after the
    same authentication and authorization as every route, so it reveals nothing to strangers)."""

    def initialize(self, path: str = "") -> None:
        self.api_path = path

    @tornado.web.authenticated
    @authorized
    async def get(self, rest: str = "") -> None:
        raise NotFound("route", self.request.path)

    @tornado.web.authenticated
    @authorized
    async def post(self, rest: str = "") -> None:
        raise NotFound("route", self.request.path)
