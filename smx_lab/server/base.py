"""The base of every route: authorization resource, store access, input validated against the
OpenAPI document, answers encoded off the event loop, and :meth:`SmxLabHandler.write_error`, the one
place that turns an exception into a status and an ``{error, message, ...}`` body.
"""

from __future__ import annotations

import asyncio
import functools
import json
import math
from collections.abc import Callable
from concurrent.futures import Executor
from http.client import responses
from typing import Any, TypeVar

import orjson
import tornado
from jupyter_server.base.handlers import APIHandler
from tornado.log import app_log

from ..errors import SmxError, StoreError, ValidationError
from ..stores.base import DEFAULT_PAGE_SIZE, SortOrder, Store
from .openapi import parse_body, validate_query

T = TypeVar("T")

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
        """Records → JSON off the event loop too: a big table or chart takes milliseconds to
        encode, which on the loop would stall every other request of the server. Not on the
        store's pool, where a small answer would queue behind slow searches."""
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


#: orjson hands records (dataclasses) to ``_json_default`` for their ``to_dict()`` shape.
_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME


def to_json(payload: Any) -> bytes:
    """Strict JSON in UTF-8: a NaN or an infinity (which JSON cannot carry) becomes null. Encoded
    by orjson (a table of 500 components: under 1 ms, against 9 ms with the standard library);
    what it cannot carry (an integer beyond 64 bits) falls back to the standard library."""
    try:
        return orjson.dumps(payload, default=_json_default, option=_ORJSON_OPTIONS)
    except orjson.JSONEncodeError:
        text = json.dumps(_finite(payload), allow_nan=False, default=_json_default)
        return text.encode("utf-8")


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
