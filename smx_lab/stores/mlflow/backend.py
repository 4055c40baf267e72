"""Talking to MLflow: what a tracking URI is, and the few reads the store makes, as plain dicts.

Two backends answer the same calls with the same shapes (MLflow's REST JSON: ``info``/``data``
runs, ``{key, value, timestamp, step}`` metrics, times in milliseconds):

- :class:`RestBackend` for a tracking server (``http(s)://``) and for SageMaker managed MLflow
  (an ARN, resolved and signed by the ``sagemaker-mlflow`` plugin). It calls MLflow's REST API
  through MLflow's own ``http_request``, so the usual ``MLFLOW_TRACKING_USERNAME``/``PASSWORD``/
  ``TOKEN``, TLS and plugin settings apply, with this store's own retry count and timeout, and
  reads whole metric histories a hundred runs a call (``get-history-bulk``).
- :class:`LocalBackend` for a database URI (``sqlite:///…``, ``postgresql+psycopg2://…``) or a local
  folder (``./mlruns``, ``file:///…``), read through MLflow's own tracking store in-process.

Errors become smx-lab's: 401/403 → :class:`~smx_lab.errors.AccessDenied`, an unknown run or
experiment → :class:`~smx_lab.errors.NotFound`, an unreachable, throttled or failing server →
:class:`~smx_lab.errors.StoreUnavailable`. Credentials never appear in a message.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ...bounds import excerpt
from ...errors import (
    AccessDenied,
    AlreadyExists,
    NotFound,
    SmxError,
    StoreUnavailable,
    ValidationError,
)

#: MLflow's own caps: runs per ``runs/search`` page and per ``get-history-bulk`` call, points per
#: ``get-history-bulk`` answer, points per ``get-history`` page.
RUNS_PER_PAGE = 50_000
RUNS_PER_BULK = 100
POINTS_PER_BULK = 25_000
POINTS_PER_PAGE = 25_000
ACTIVE_ONLY = "ACTIVE_ONLY"
#: How long one SigV4 signer (and the credentials it holds) serves a SageMaker MLflow store.
SIGNER_SECONDS = 300.0

URI_KINDS = ("http", "sagemaker", "database", "folder")
_DATABASE_SCHEMES = ("sqlite", "postgresql", "mysql", "mssql")


def uri_kind(uri: str) -> str:
    """``http`` (a tracking server), ``sagemaker`` (a SageMaker MLflow ARN), ``database`` (a
    SQLAlchemy URI) or ``folder`` (a local path or ``file:`` URI); a ValidationError naming
    ``tracking_uri`` for anything else."""
    text = uri.strip()
    scheme = text.split(":", 1)[0].lower() if ":" in text else ""
    if scheme in ("http", "https"):
        return "http"
    if text.lower().startswith("databricks"):
        raise ValidationError(
            "tracking_uri", "Databricks-hosted MLflow is not supported", value=excerpt(text)
        )
    if scheme == "arn":
        parts = text.split(":")
        resource = parts[5].split("/", 1)[0] if len(parts) > 5 else ""
        if (
            len(parts) == 6
            and parts[2] == "sagemaker"
            and resource in ("mlflow-tracking-server", "mlflow-app")
        ):
            return "sagemaker"
        raise ValidationError(
            "tracking_uri",
            "an ARN must name a SageMaker MLflow tracking server or app "
            "(arn:aws:sagemaker:<region>:<account>:mlflow-tracking-server/<name>)",
            value=excerpt(text),
        )
    if scheme.split("+", 1)[0] in _DATABASE_SCHEMES:
        return "database"
    if scheme == "file" or scheme == "" or (len(scheme) == 1 and text[1:3] in (":\\", ":/")):
        return "folder"
    raise ValidationError(
        "tracking_uri",
        "must be an http(s):// tracking server, a SageMaker MLflow ARN, a database URI "
        "(sqlite:///…, postgresql+psycopg2://…) or a local folder",
        value=excerpt(text),
    )


def describe_uri(uri: str, kind: str) -> str:
    """The URI as the store's ``info`` shows it: a server's address without user or password."""
    if kind in ("http", "database") and "@" in uri.split("/", 3)[2 if "//" in uri else 0]:
        scheme, rest = uri.split("://", 1)
        return f"{scheme}://{rest.split('@', 1)[1]}"
    return uri


_USER_IN_URL = re.compile(r"//[^/@\s]+@")


def _mlflow_error(error: Exception, where: str) -> SmxError:
    """An MLflow exception (from REST or from a local store) as smx-lab's error."""
    from mlflow.exceptions import MlflowException

    if not isinstance(error, MlflowException):
        return StoreUnavailable(
            f"the MLflow tracking store at {where} failed: {type(error).__name__}"
        )
    status = error.get_http_status_code()
    code = getattr(error, "error_code", "")
    # MLflow's messages repeat the URL called, user and password included when the URI has them.
    message = excerpt(_USER_IN_URL.sub("//", str(error.message)), 300)
    if status in (401, 403) or code in ("PERMISSION_DENIED", "UNAUTHENTICATED"):
        return AccessDenied(f"the MLflow tracking server at {where} refused access: {message}")
    if code == "RESOURCE_DOES_NOT_EXIST" or status == 404:
        return NotFound("MLflow resource", message)
    if code == "RESOURCE_ALREADY_EXISTS":
        return AlreadyExists("MLflow resource", message)
    if status == 429 or status >= 500 or code in ("INTERNAL_ERROR", "TEMPORARILY_UNAVAILABLE"):
        return StoreUnavailable(f"the MLflow tracking server at {where} is unavailable: {message}")
    return SmxError(f"the MLflow tracking server at {where} refused the request: {message}")


class Backend:
    """The reads the store makes. Subclasses implement :meth:`_runs_page`, :meth:`_history_page`
    and the rest; :meth:`guard` maps their errors."""

    kind = "abstract"

    def __init__(self, uri: str, kind: str) -> None:
        self.uri = uri
        self.uri_kind = kind
        self.where = describe_uri(uri, kind)
        self.calls = 0
        self._lock = threading.Lock()

    def _count(self) -> None:
        with self._lock:
            self.calls += 1

    @contextmanager
    def guard(self) -> Iterator[None]:
        try:
            yield
        except SmxError:
            raise
        except Exception as error:  # noqa: BLE001 - every failure of a backend is mapped
            raise _mlflow_error(error, self.where) from None

    # -- what the store calls ---------------------------------------------------------------

    def server_version(self) -> str | None:
        raise NotImplementedError

    def experiments(self) -> list[dict[str, Any]]:
        """Every active experiment."""
        raise NotImplementedError

    def experiment_by_name(self, name: str) -> dict[str, Any]:
        raise NotImplementedError

    def runs(
        self, experiment_ids: list[str], filter_string: str = "", order_by: list[str] | None = None
    ) -> list[dict[str, Any]]:
        """Every active run of the experiments that matches ``filter_string``, in ``order_by``."""
        out: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            page, token = self._runs_page(experiment_ids, filter_string, order_by or [], token)
            out.extend(page)
            if not token or not page:
                return out

    def run(self, run_id: str) -> dict[str, Any]:
        raise NotImplementedError

    def histories(self, run_ids: list[str], key: str) -> dict[str, list[dict[str, Any]]]:
        """Every point of metric ``key`` of each run (runs without it are left out), a hundred
        runs a call where the backend reads in bulk (sorted by run, then time and step). An
        answer cut at its point cap is complete for every run but the last it reached; that run
        and the rest are asked again; a run that alone fills an answer is paged on its own."""
        out: dict[str, list[dict[str, Any]]] = {}
        pending = sorted(set(run_ids))
        while pending:
            batch = pending[:RUNS_PER_BULK]
            points = self._bulk(batch, key)
            if points is None:
                return {run_id: self.history(run_id, key) for run_id in pending} | out
            if len(points) < POINTS_PER_BULK:
                for point in points:
                    out.setdefault(str(point["run_id"]), []).append(point)
                pending = pending[len(batch) :]
                continue
            cut = str(points[-1]["run_id"])
            for point in points:
                if str(point["run_id"]) < cut:
                    out.setdefault(str(point["run_id"]), []).append(point)
            if cut == batch[0]:
                out[cut] = self.history(cut, key)
                pending = pending[1:]
            else:
                pending = [run_id for run_id in pending if run_id >= cut]
        return out

    def _bulk(self, run_ids: list[str], key: str) -> list[dict[str, Any]] | None:
        """Points of ``key`` of up to a hundred runs in one read, or None: no bulk read."""
        return None

    def history(self, run_id: str, key: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            page, token = self._history_page(run_id, key, token)
            out.extend(page)
            if not token or not page:
                return out

    def artifacts(self, run_id: str, path: str | None) -> list[dict[str, Any]]:
        """The entries of one folder of a run's artifacts: ``{path, is_dir, file_size}``."""
        raise NotImplementedError

    def _runs_page(
        self, experiment_ids: list[str], filter_string: str, order_by: list[str], token: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        raise NotImplementedError

    def _history_page(
        self, run_id: str, key: str, token: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        raise NotImplementedError


class _PluginHeaderNoise(logging.Filter):
    """sagemaker-mlflow's header provider reads MLflow's global tracking URI as an ARN on every
    request and logs a warning when it is not one; this store gives its headers itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(
            "Encountered unexpected error during resolving request headers"
        )


class RestBackend(Backend):
    """MLflow's REST API, through MLflow's ``http_request`` with ``host_creds`` (basic or token
    auth from MLflow's variables; SigV4 for an ARN)."""

    kind = "rest"

    def __init__(
        self,
        uri: str,
        kind: str,
        host_creds: Callable[[], Any],
        *,
        max_retries: int,
        timeout: float,
        headers: dict[str, str] | None = None,
        signer: Callable[[], Any] | None = None,
    ) -> None:
        super().__init__(uri, kind)
        registry = logging.getLogger("mlflow.tracking.request_header.registry")
        if not any(isinstance(f, _PluginHeaderNoise) for f in registry.filters):
            registry.addFilter(_PluginHeaderNoise())
        self._host_creds = host_creds
        self._headers = headers or {}
        self._signer = signer
        self.max_retries = max_retries
        self.timeout = timeout

    def _call(self, endpoint: str, method: str = "GET", **kwargs: Any) -> Any:
        from mlflow.exceptions import RestException
        from mlflow.utils.rest_utils import http_request

        self._count()
        with self.guard():
            response = http_request(
                self._host_creds(),
                endpoint,
                method,
                max_retries=self.max_retries,
                backoff_factor=0.5,
                timeout=self.timeout,
                raise_on_status=False,
                extra_headers=self._headers or None,
                **({"auth": self._signer()} if self._signer else {}),
                **kwargs,
            )
            text = response.text
            if response.status_code == 200:
                return response.json() if endpoint.endswith("/json") or text[:1] in "{[" else text
            try:
                body = json.loads(text)
            except ValueError:
                body = None
            if not isinstance(body, dict) or "error_code" not in body:
                body = {
                    "error_code": _CODES.get(response.status_code, "INTERNAL_ERROR"),
                    "message": f"HTTP {response.status_code}",
                }
            raise RestException(body)

    def server_version(self) -> str | None:
        try:
            answer = self._call("/version")
        except SmxError:
            return None
        return answer.strip() if isinstance(answer, str) else None

    def experiments(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            body: dict[str, Any] = {"max_results": 1000, "view_type": ACTIVE_ONLY}
            if token:
                body["page_token"] = token
            answer = self._call("/api/2.0/mlflow/experiments/search", "POST", json=body)
            out.extend(answer.get("experiments") or [])
            token = answer.get("next_page_token")
            if not token:
                return out

    def experiment_by_name(self, name: str) -> dict[str, Any]:
        answer = self._call(
            "/api/2.0/mlflow/experiments/get-by-name", params={"experiment_name": name}
        )
        return answer["experiment"]

    def run(self, run_id: str) -> dict[str, Any]:
        return self._call("/api/2.0/mlflow/runs/get", params={"run_id": run_id})["run"]

    def _runs_page(
        self, experiment_ids: list[str], filter_string: str, order_by: list[str], token: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        body: dict[str, Any] = {
            "experiment_ids": experiment_ids,
            "filter": filter_string,
            "run_view_type": ACTIVE_ONLY,
            "max_results": RUNS_PER_PAGE,
            "order_by": order_by,
        }
        if token:
            body["page_token"] = token
        answer = self._call("/api/2.0/mlflow/runs/search", "POST", json=body)
        return answer.get("runs") or [], answer.get("next_page_token")

    def _history_page(
        self, run_id: str, key: str, token: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        params: dict[str, Any] = {
            "run_id": run_id,
            "metric_key": key,
            "max_results": POINTS_PER_PAGE,
        }
        if token:
            params["page_token"] = token
        answer = self._call("/api/2.0/mlflow/metrics/get-history", params=params)
        return answer.get("metrics") or [], answer.get("next_page_token")

    def _bulk(self, run_ids: list[str], key: str) -> list[dict[str, Any]] | None:
        answer = self._call(
            "/ajax-api/2.0/mlflow/metrics/get-history-bulk",
            params={"run_id": run_ids, "metric_key": key, "max_results": POINTS_PER_BULK},
        )
        return answer.get("metrics") or []

    def artifacts(self, run_id: str, path: str | None) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"run_id": run_id}
        if path:
            params["path"] = path
        answer = self._call("/api/2.0/mlflow/artifacts/list", params=params)
        return answer.get("files") or []


_CODES = {
    400: "INVALID_PARAMETER_VALUE",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "RESOURCE_DOES_NOT_EXIST",
    429: "REQUEST_LIMIT_EXCEEDED",
    503: "TEMPORARILY_UNAVAILABLE",
}


class LocalBackend(Backend):
    """MLflow's own tracking store for a database URI or a local folder, in this process."""

    kind = "local"

    def __init__(self, uri: str, kind: str) -> None:
        super().__init__(uri, kind)
        from mlflow.tracking._tracking_service.utils import _get_store

        try:
            with self.guard():
                self._store = _get_store(uri)
        except StoreUnavailable as error:
            if "ModuleNotFoundError" in error.message or "ImportError" in error.message:
                raise StoreUnavailable(
                    f"reading MLflow's {kind} directly needs MLflow's full package and the "
                    "database's driver (pip install mlflow; psycopg2 for postgresql+psycopg2://): "
                    "or point MLFLOW_TRACKING_URI at the tracking server instead",
                    missing="mlflow",
                ) from None
            raise

    @staticmethod
    def _json(entity: Any) -> dict[str, Any]:
        from mlflow.utils.proto_json_utils import message_to_json

        return json.loads(message_to_json(entity.to_proto()))

    def server_version(self) -> str | None:
        import mlflow

        return str(mlflow.__version__)

    def experiments(self) -> list[dict[str, Any]]:
        from mlflow.entities import ViewType

        out: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            self._count()
            with self.guard():
                page = self._store.search_experiments(
                    view_type=ViewType.ACTIVE_ONLY, max_results=1000, page_token=token
                )
            out.extend(self._json(e) for e in page)
            token = page.token
            if not token:
                return out

    def experiment_by_name(self, name: str) -> dict[str, Any]:
        self._count()
        with self.guard():
            found = self._store.get_experiment_by_name(name)
        if found is None or found.lifecycle_stage != "active":
            raise NotFound("Experiment", name)
        return self._json(found)

    def run(self, run_id: str) -> dict[str, Any]:
        self._count()
        with self.guard():
            return self._json(self._store.get_run(run_id))

    def _runs_page(
        self, experiment_ids: list[str], filter_string: str, order_by: list[str], token: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        from mlflow.entities import ViewType

        self._count()
        with self.guard():
            page = self._store.search_runs(
                experiment_ids=experiment_ids,
                filter_string=filter_string,
                run_view_type=ViewType.ACTIVE_ONLY,
                max_results=RUNS_PER_PAGE,
                order_by=order_by,
                page_token=token,
            )
        return [self._json(run) for run in page], page.token

    def _history_page(
        self, run_id: str, key: str, token: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        self._count()
        with self.guard():
            page = self._store.get_metric_history(run_id, key)
        return [
            {"key": m.key, "value": m.value, "timestamp": m.timestamp, "step": m.step} for m in page
        ], getattr(page, "token", None)

    def _bulk(self, run_ids: list[str], key: str) -> list[dict[str, Any]] | None:
        bulk = getattr(self._store, "get_metric_history_bulk", None)
        if bulk is None:
            return None
        self._count()
        with self.guard():
            found = bulk(run_ids=run_ids, metric_key=key, max_results=POINTS_PER_BULK)
        return [
            {
                "run_id": m.run_id,
                "key": m.key,
                "value": m.value,
                "timestamp": m.timestamp,
                "step": m.step,
            }
            for m in found
        ]

    def artifacts(self, run_id: str, path: str | None) -> list[dict[str, Any]]:
        from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository

        self._count()
        with self.guard():
            run = self._store.get_run(run_id)
            repository = get_artifact_repository(run.info.artifact_uri)
            entries = repository.list_artifacts(path)
        return [{"path": e.path, "is_dir": e.is_dir, "file_size": e.file_size} for e in entries]


def open_backend(uri: str, *, max_retries: int, timeout: float) -> Backend:
    """The backend for a tracking URI (see :func:`uri_kind`)."""
    kind = uri_kind(uri)
    if kind == "http":
        from mlflow.utils.credentials import get_default_host_creds

        return RestBackend(
            uri,
            kind,
            lambda: get_default_host_creds(uri),
            max_retries=max_retries,
            timeout=timeout,
        )
    if kind == "sagemaker":
        return _sagemaker_backend(uri, max_retries=max_retries, timeout=timeout)
    return LocalBackend(uri, kind)


def _sagemaker_backend(uri: str, *, max_retries: int, timeout: float) -> RestBackend:
    """SageMaker managed MLflow: the ARN's URL and SigV4 signing from the ``sagemaker-mlflow``
    plugin, with boto3's credentials. The plugin's own request hooks read MLflow's *global*
    tracking URI; this store's URI may be another, so its URL, its signer (for the ARN's region
    and service) and its routing header are made here from this store's ARN."""
    from ...dependencies import require

    require("a SageMaker MLflow ARN", "sagemaker_mlflow")
    from mlflow.utils.rest_utils import MlflowHostCreds
    from sagemaker_mlflow.auth import AuthBoto
    from sagemaker_mlflow.mlflow_sagemaker_helpers import SageMakerMLflowHostMetadataProvider

    with _guarded(uri):
        host = SageMakerMLflowHostMetadataProvider()
        host.set_arn(uri)
        url = host.construct_tracking_server_url()
    signing = {"mlflow-tracking-server": "sagemaker-mlflow", "mlflow-app": "sagemaker"}
    header = {
        "mlflow-tracking-server": "x-mlflow-sm-tracking-server-arn",
        "mlflow-app": "x-sm-mlflow-app-arn",
    }
    resource = host.resource_type

    made: list[tuple[float, Any]] = []

    def signer() -> Any:
        """One signer for a few minutes: boto3's credentials refresh themselves; an assumed
        role's are asked for again when the signer is made anew."""
        if not made or time.monotonic() - made[0][0] > SIGNER_SECONDS:
            made[:] = [
                (
                    time.monotonic(),
                    AuthBoto(host.region, signing[resource], host.maybe_assume_role_arn),
                )
            ]
        return made[0][1]

    return RestBackend(
        uri,
        "sagemaker",
        lambda: MlflowHostCreds(host=url),
        max_retries=max_retries,
        timeout=timeout,
        headers={header[resource]: uri},
        signer=signer,
    )


@contextmanager
def _guarded(uri: str) -> Iterator[None]:
    """The plugin's complaints about an ARN as a ValidationError naming ``tracking_uri``."""
    try:
        yield
    except Exception as error:  # noqa: BLE001 - the plugin raises its own exception types
        raise ValidationError(
            "tracking_uri",
            f"is not a SageMaker MLflow ARN this client can reach: {error}",
            value=excerpt(uri),
        ) from None
