"""The base of every route: authorization resource, store access, input validated against the
OpenAPI document, answers encoded off the event loop, and :meth:`SmxLabHandler.write_error`, the one
place that turns an exception into a status and an ``{error, message, ...}`` body.

Store work runs off the event loop: a light call with :meth:`SmxLabHandler.run` on the store's
threads; a heavy route's whole work with :meth:`SmxLabHandler.run_heavy`, in a worker process with
the embedded store (:mod:`smx_lab.server.workers` gives the convention).

Request bodies are streamed in (:func:`tornado.web.stream_request_body`), so that one over the
configured ``max_body_bytes`` is refused with 413 as soon as its Content-Length says so, before any
of it is read; a body without one (chunked) is counted as it arrives and dropped once over.
"""

from __future__ import annotations

import asyncio
import functools
import json
import math
from collections.abc import Callable
from concurrent.futures import Executor
from http.client import responses
from typing import TYPE_CHECKING, Any, TypeVar

import orjson
import tornado
from jupyter_server.base.handlers import APIHandler
from tornado.log import app_log

from ..bounds import EXCERPT, bounded, excerpt
from ..errors import SmxError, StoreError, TooLarge, ValidationError
from ..stores.base import DEFAULT_PAGE_SIZE, SortOrder, Store
from .openapi import parse_body, validate_query

if TYPE_CHECKING:
    from .workers import WorkerPool

T = TypeVar("T")

#: The default of ``SmxLabExtension.max_body_bytes``: 16 MiB.
DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024
#: Characters of an error's message, at most: the server's own sentence, which quotes the client's
#: input only in excerpts (see :func:`error_json`).
MESSAGE_LIMIT = 1000
#: Bytes of an error answer, at most.
MAX_ERROR_BYTES = 8192

_ORDERS: dict[str, SortOrder] = {
    "asc": "Ascending",
    "ascending": "Ascending",
    "desc": "Descending",
    "descending": "Descending",
}


@tornado.web.stream_request_body
class SmxLabHandler(APIHandler):
    """Base of every smx-lab route: authorization resource, store access, JSON errors."""

    auth_resource = "smx_lab"

    def initialize(self, path: str = "") -> None:
        # The OpenAPI path template this handler serves, e.g. ``experiments/{name}``.
        self.api_path = path
        # The body as it arrives (POST only: other methods' bodies are never read, nor kept).
        self._body_chunks: list[bytes] = []
        self._body_bytes = 0
        self._body_too_large = False

    async def prepare(self) -> None:  # type: ignore[override]  # as APIHandler.prepare
        await super().prepare()  # authentication, XSRF: a stranger gets 403, not 413
        declared = self.request.headers.get("Content-Length", "")
        if self.request.method == "POST" and declared.isdigit():
            if int(declared) > self.max_body_bytes:
                # Known before any of it is read: answered now (a client that sent
                # ``Expect: 100-continue`` then sends none of it).
                raise TooLarge(self.max_body_bytes)

    def data_received(self, chunk: bytes) -> None:
        if self.request.method != "POST" or self._body_too_large:
            return
        self._body_bytes += len(chunk)
        if self._body_bytes > self.max_body_bytes:  # no Content-Length said so: dropped from here
            self._body_too_large = True
            self._body_chunks.clear()
        else:
            self._body_chunks.append(chunk)

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

    @property
    def max_body_bytes(self) -> int:
        return int(self.settings.get("smx_lab_max_body_bytes", DEFAULT_MAX_BODY_BYTES))

    async def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a blocking store call on the extension's bounded pool, never on the event loop."""
        executor: Executor | None = self.settings.get("smx_lab_executor")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(executor, functools.partial(function, *args, **kwargs))

    async def run_heavy(self, function: Callable[..., Any], *args: Any) -> bytes:
        """``function(store, *args)``, a heavy route's whole work, its answer encoded as JSON: in
        a worker process when the extension has a worker pool (the embedded store), else on the
        store's thread pool. ``function`` is top-level and ``args`` plain data, as they are sent
        to another process (:mod:`smx_lab.server.workers`); errors come back unchanged."""
        workers: WorkerPool | None = self.settings.get("smx_lab_workers")
        if workers is not None:
            return await workers.run(function, *args)
        return await self.run(_encoded_answer, function, self.store, args)

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
        every other request of the server would wait for). Not on the store's pool either. A body
        over ``max_body_bytes`` is a 413."""
        if self._body_too_large:
            raise TooLarge(self.max_body_bytes)
        chunks, self._body_chunks = self._body_chunks, []
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            None, _parse_chunks, self.api_path, self.request.method or "POST", chunks
        )

    def list_arguments(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """``sort``, ``order``, ``limit``, ``cursor`` → the store's keyword arguments."""
        return list_arguments(arguments, self.page_size_cap)

    # --- output -----------------------------------------------------------------------------

    async def reply(self, payload: Any) -> None:
        """Records → JSON off the event loop too: a big table or chart takes milliseconds to
        encode, which on the loop would stall every other request of the server. Not on the
        store's pool, where a small answer would queue behind slow searches. An answer already
        encoded (bytes, from :meth:`run_heavy`) is sent as it is."""
        if isinstance(payload, bytes):
            self.finish(payload)
            return
        loop = asyncio.get_running_loop()
        self.finish(await loop.run_in_executor(None, to_json, payload))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Every error of every route is JSON: ``{error, message, ...details}``, and small: what
        it echoes of the request is bounded (:func:`error_json`)."""
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
        self.finish(error_json(body))

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
                excerpt(value.message, MESSAGE_LIMIT),
            )
            return
        super().log_exception(typ, value, tb)


# The store names its arguments; a GET names the query parameter the client actually sent.
_QUERY_PARAMETER_NAMES = {"sort_by": "sort", "sort_order": "order"}


def _encoded_answer(function: Callable[..., Any], store: Store, args: tuple[Any, ...]) -> bytes:
    return to_json(function(store, *args))


def _parse_chunks(path: str, method: str, chunks: list[bytes]) -> dict[str, Any]:
    return parse_body(path, method, b"".join(chunks))


def error_json(body: dict[str, Any]) -> bytes:
    """An error body as JSON, bounded whatever the request held: every string of its details an
    excerpt (:func:`smx_lab.bounds.bounded`); in the message, each long detail it quotes (a field,
    a name) shortened the same way, and the message itself at most :data:`MESSAGE_LIMIT`
    characters; the whole at most :data:`MAX_ERROR_BYTES`, else only error, message, field and
    limit."""
    message = str(body.get("message", ""))
    for value in body.values():
        if isinstance(value, str) and len(value) > EXCERPT and value is not body.get("message"):
            short = excerpt(value)
            message = message.replace(repr(value), repr(short)).replace(value, short)
    out: dict[str, Any] = bounded(body)
    out["message"] = excerpt(message, MESSAGE_LIMIT)
    encoded = to_json(out)
    if len(encoded) > MAX_ERROR_BYTES:
        encoded = to_json({k: out[k] for k in ("error", "message", "field", "limit") if k in out})
    return encoded


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
        413: "too_large",
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


def list_arguments(arguments: dict[str, Any], page_size_cap: int) -> dict[str, Any]:
    """A listing's query parameters ``sort``, ``order``, ``limit``, ``cursor`` → the store's
    keyword arguments."""
    limit = arguments.get("limit", DEFAULT_PAGE_SIZE)
    check_limit(limit, page_size_cap)
    out: dict[str, Any] = {"limit": limit, "cursor": arguments.get("cursor") or None}
    if "sort" in arguments:
        out["sort_by"] = arguments["sort"]
    if "order" in arguments:
        out["sort_order"] = sort_order(arguments["order"], "order")
    return out


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
