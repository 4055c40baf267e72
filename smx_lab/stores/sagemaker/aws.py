"""The AWS side of the SageMaker store: clients, limits, caching, call counting and error mapping.

One :class:`AwsClients` is shared by :class:`~smx_lab.stores.sagemaker.store.SageMakerStore` and
:class:`~smx_lab.stores.sagemaker.writer.SageMakerWriter`. Every AWS call goes through
:meth:`AwsClients.call`, which

- takes a slot of a semaphore, so a burst of REST requests never opens more than
  ``max_concurrency`` AWS calls at once (throttling is then left to boto3's retry modes);
- optionally answers from a short-lived cache (``cache_seconds``) unless asked to refresh;
- turns botocore's errors into :mod:`smx_lab.errors` (404, 403, 400, 503) with AWS's message.

Configuration follows boto3's own chain (``AWS_PROFILE``, ``AWS_REGION``/``AWS_DEFAULT_REGION``,
``~/.aws/config``, ``AWS_ENDPOINT_URL`` and ``AWS_ENDPOINT_URL_SAGEMAKER``); explicit options win.
"""

from __future__ import annotations

import copy
import json
import logging
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import botocore.exceptions
from botocore.config import Config

from ...errors import (
    AccessDenied,
    AlreadyExists,
    NotFound,
    QueryError,
    SmxError,
    StoreUnavailable,
    ValidationError,
)

log = logging.getLogger("smx_lab.stores.sagemaker")

RETRY_MODES = ("standard", "adaptive", "legacy")

# botocore error codes, grouped by what the user can do about them.
_NOT_FOUND = {"ResourceNotFound", "ResourceNotFoundException"}
_ACCESS_DENIED = {
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "MissingAuthenticationToken",
}
_CREDENTIALS_EXPIRED = {
    "ExpiredToken",
    "ExpiredTokenException",
    "RequestExpired",
    "TokenRefreshRequired",
}
_THROTTLED = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "ProvisionedThroughputExceededException",
    "SlowDown",
}
_INVALID = {
    "ValidationException",
    "ValidationError",
    "InvalidParameterValue",
    "InvalidParameterCombination",
}
_CONNECTION_ERRORS = (
    botocore.exceptions.EndpointConnectionError,
    botocore.exceptions.ConnectTimeoutError,
    botocore.exceptions.ReadTimeoutError,
    botocore.exceptions.ConnectionClosedError,
)
_CREDENTIAL_ERRORS = (
    botocore.exceptions.NoCredentialsError,
    botocore.exceptions.PartialCredentialsError,
    botocore.exceptions.CredentialRetrievalError,
    botocore.exceptions.TokenRetrievalError,
    botocore.exceptions.SSOTokenLoadError,
    botocore.exceptions.UnauthorizedSSOTokenError,
)


def map_error(
    error: Exception,
    operation: str,
    *,
    not_found: tuple[str, str] | None = None,
    invalid_is_query: bool = False,
) -> SmxError:
    """The :mod:`smx_lab.errors` exception for a botocore failure of ``operation``.

    ``not_found`` is the (kind, name) a ResourceNotFound refers to; ``invalid_is_query`` says the
    request carried a user's SearchExpression, so SageMaker's refusal is a 400 about the query."""
    if isinstance(error, SmxError):
        return error
    if isinstance(error, botocore.exceptions.ClientError):
        return _client_error(error, operation, not_found, invalid_is_query)
    if isinstance(error, _CREDENTIAL_ERRORS):
        return StoreUnavailable(
            f"no usable AWS credentials for {operation}: {error}. Configure a profile "
            "(AWS_PROFILE), environment variables or an instance role",
            reason="credentials",
            operation=operation,
        )
    if isinstance(error, _CONNECTION_ERRORS):
        return StoreUnavailable(
            f"cannot reach AWS for {operation}: {error}", reason="unreachable", operation=operation
        )
    if isinstance(error, botocore.exceptions.BotoCoreError):
        return StoreUnavailable(
            f"AWS call {operation} failed: {error}", reason="aws", operation=operation
        )
    raise error


def _client_error(
    error: botocore.exceptions.ClientError,
    operation: str,
    not_found: tuple[str, str] | None,
    invalid_is_query: bool,
) -> SmxError:
    """The exception for an error AWS answered with (a ``ClientError``), by its code."""
    info = error.response.get("Error", {})
    code = str(info.get("Code", ""))
    message = str(info.get("Message") or error)
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    details = {"aws_error": code, "operation": operation}
    if code in _NOT_FOUND:
        if not_found:
            return NotFound(*not_found)
        return NotFound("resource", message)
    if code in _ACCESS_DENIED:
        return AccessDenied(f"AWS denied {operation}: {message}", **details)
    if code in _CREDENTIALS_EXPIRED:
        return StoreUnavailable(
            f"AWS credentials have expired ({operation}): "
            "renew them (e.g. aws sso login) and retry",
            reason="credentials",
            **details,
        )
    if code in _THROTTLED:
        return StoreUnavailable(
            f"AWS is throttling {operation} (still refused after retries): retry in a moment",
            reason="throttled",
            **details,
        )
    if code in _INVALID:
        if "already exists" in message.lower() and not_found:
            return AlreadyExists(*not_found)
        if invalid_is_query:
            return QueryError(f"SageMaker rejected the search: {message}")
        return ValidationError("request", f"SageMaker rejected {operation}: {message}", **details)
    if code == "ResourceInUse" and not_found:
        return AlreadyExists(*not_found)
    if isinstance(status, int) and status >= 500:
        return StoreUnavailable(
            f"AWS failed {operation} ({code}): {message}", reason="aws", **details
        )
    return StoreUnavailable(f"AWS refused {operation} ({code}): {message}", reason="aws", **details)


# --- the settings' rules, shared by the store's traits and AwsClients ------------------------


def check_retry_mode(value: Any) -> str:
    if value not in RETRY_MODES:
        raise ValidationError("retry_mode", f"must be one of {', '.join(RETRY_MODES)}", value=value)
    return str(value)


def check_at_least_one(setting: str, value: Any) -> int:
    """``max_attempts`` and ``max_concurrency``: a count of at least 1."""
    if value < 1:
        raise ValidationError(setting, "must be at least 1", value=value)
    return int(value)


def check_cache_seconds(value: Any) -> float:
    if value < 0:
        raise ValidationError("cache_seconds", "must be 0 (no cache) or more", value=value)
    return float(value)


class TtlCache:
    """A small LRU of AWS answers that expire after ``seconds``; 0 turns it off."""

    def __init__(self, seconds: float, max_entries: int = 512) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if time.monotonic() - entry[0] > self.seconds:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return copy.deepcopy(entry[1])

    def put(self, key: str, value: Any) -> None:
        if self.seconds <= 0:
            return
        with self._lock:
            self._entries[key] = (time.monotonic(), copy.deepcopy(value))
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class AwsClients:
    """boto3 clients for SageMaker, SageMaker Metrics, CloudWatch and STS, with the store's limits.

    ``session`` (a ``boto3.Session``) wins over ``profile``/``region``; ``endpoint_url`` sends every
    service to one endpoint (a local test server); otherwise boto3 resolves endpoints itself,
    ``AWS_ENDPOINT_URL_SAGEMAKER`` included."""

    def __init__(
        self,
        *,
        session: Any = None,
        profile: str | None = None,
        region: str | None = None,
        endpoint_url: str | None = None,
        retry_mode: str = "standard",
        max_attempts: int = 5,
        max_concurrency: int = 8,
        cache_seconds: float = 10.0,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
    ) -> None:
        check_retry_mode(retry_mode)
        check_at_least_one("max_concurrency", max_concurrency)
        check_cache_seconds(cache_seconds)
        self.session = session or boto3.Session(profile_name=profile, region_name=region)
        self.region = region or self.session.region_name or "us-east-1"
        self.profile = profile or self.session.profile_name
        self.config = Config(
            retries={"mode": retry_mode, "total_max_attempts": max_attempts},  # first try included
            max_pool_connections=max(10, max_concurrency),
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
        )
        self.retry_mode = retry_mode
        self._endpoint_url = endpoint_url
        self._clients: dict[str, Any] = {}
        self._clients_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(max_concurrency)
        self.max_concurrency = max_concurrency
        self.cache = TtlCache(cache_seconds)
        self._local = threading.local()
        self._account: str | None = None

    # -- clients ------------------------------------------------------------------------------

    def client(self, service: str) -> Any:
        with self._clients_lock:
            client = self._clients.get(service)
            if client is None:
                client = self.session.client(
                    service,
                    region_name=self.region,
                    endpoint_url=self._endpoint_url,
                    config=self.config,
                )
                # Count API calls per operation (botocore's retries of one call are not counted
                # again).
                client.meta.events.register("before-call", self._count_call)
                self._clients[service] = client
            return client

    def adopt(self, service: str, client: Any) -> None:
        """Use a boto3 client the caller made (e.g. ``sagemaker_boto_client`` of the tracking
        API)."""
        client.meta.events.register("before-call", self._count_call)
        with self._clients_lock:
            self._clients[service] = client

    def endpoint(self, service: str = "sagemaker") -> str:
        return str(self.client(service).meta.endpoint_url)

    def account(self) -> str | None:
        """The account id from STS, looked up once; None when STS cannot answer."""
        if self._account is None:
            try:
                self._account = str(self.call("sts", "get_caller_identity")["Account"])
            except SmxError as error:
                log.debug("cannot name the AWS account: %s", error.message)
                return None
        return self._account

    # -- counting -----------------------------------------------------------------------------

    def _count_call(self, model: Any, **_: Any) -> None:
        counts: Counter[str] | None = getattr(self._local, "counts", None)
        if counts is not None:
            counts[model.name] += 1

    @contextmanager
    def counting(self, request: str) -> Iterator[Counter[str]]:
        """Count the AWS calls this thread makes inside the block and log them at debug level."""
        outer = getattr(self._local, "counts", None)
        counts: Counter[str] = Counter()
        self._local.counts = counts
        try:
            yield counts
        finally:
            self._local.counts = outer
            if outer is not None:
                outer.update(counts)
            log.debug(
                "%s: %d AWS call(s) %s",
                request,
                sum(counts.values()),
                ", ".join(f"{name}×{n}" for name, n in sorted(counts.items())) or "(all cached)",
            )

    # -- calls --------------------------------------------------------------------------------

    def call(
        self,
        service: str,
        operation: str,
        *,
        cached: bool = False,
        refresh: bool = False,
        not_found: tuple[str, str] | None = None,
        invalid_is_query: bool = False,
        **params: Any,
    ) -> dict[str, Any]:
        """``client(service).<operation>(**params)`` within the concurrency limit; errors mapped."""
        key = ""
        if cached:
            key = json.dumps([service, operation, params], sort_keys=True, default=str)
            if not refresh:
                hit = self.cache.get(key)
                if hit is not None:
                    return dict(hit)
        client = self.client(service)
        with self._slots:
            try:
                answer: dict[str, Any] = getattr(client, operation)(**params)
            except Exception as error:  # mapped to smx_lab.errors, or re-raised if not AWS's
                raise map_error(
                    error, operation, not_found=not_found, invalid_is_query=invalid_is_query
                ) from error
        answer.pop("ResponseMetadata", None)
        if cached:
            self.cache.put(key, answer)
        return answer
