"""MLflow's write calls, over the MLflow store's backend (:mod:`.backend`): MLflow's REST API for a
tracking server or a SageMaker MLflow ARN (through MLflow's ``http_request``, whose retries of
throttled and failed calls are MLflow's own), MLflow's tracking store in-process for a database
or a folder. Used by the tracking API's writer (:mod:`.writer`) and by ``smx-lab copy``
(:mod:`.copy_target`).

Metrics go in ``log-batch`` calls within MLflow's limits: 1,000 metrics, 100 parameters and 100
tags a call, 1,000 of all three together.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from ...errors import NotFound, SmxError
from ...vocabulary import MLFLOW_USER_TAG
from .backend import Backend, LocalBackend, RestBackend

METRICS_PER_BATCH = 1000
PARAMS_TAGS_PER_BATCH = 100
ENTITIES_PER_BATCH = 1000
_API = "/api/2.0/mlflow"


def batches(
    metrics: list[dict[str, Any]],
    params: dict[str, str],
    tags: dict[str, str],
    metrics_per_batch: int = METRICS_PER_BATCH,
) -> Iterator[tuple[list[dict[str, Any]], dict[str, str], dict[str, str]]]:
    """``(metrics, params, tags)`` of each ``log-batch`` call, within MLflow's limits."""
    param_items, tag_items = list(params.items()), list(tags.items())
    start = 0
    size = max(1, min(metrics_per_batch, METRICS_PER_BATCH))
    while start < len(metrics) or param_items or tag_items:
        cut = PARAMS_TAGS_PER_BATCH
        some_params, param_items = param_items[:cut], param_items[cut:]
        some_tags, tag_items = tag_items[:cut], tag_items[cut:]
        room = min(size, ENTITIES_PER_BATCH - len(some_params) - len(some_tags))
        yield metrics[start : start + room], dict(some_params), dict(some_tags)
        start += room


class WriteCalls:
    """The writes of one tracking server, database or folder."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    # -- experiments --------------------------------------------------------------------------

    def create_experiment(self, name: str, tags: dict[str, str]) -> str:
        """The new experiment's ID."""
        if isinstance(self.backend, RestBackend):
            body = {"name": name, "tags": _pairs(tags)}
            answer = self.backend._call(f"{_API}/experiments/create", "POST", json=body)
            return str(answer["experiment_id"])
        from mlflow.entities import ExperimentTag

        store = self._local()
        with self.backend.guard():
            return str(
                store.create_experiment(name, tags=[ExperimentTag(k, v) for k, v in tags.items()])
            )

    def set_experiment_tag(self, experiment_id: str, key: str, value: str) -> None:
        if isinstance(self.backend, RestBackend):
            body = {"experiment_id": experiment_id, "key": key, "value": value}
            self.backend._call(f"{_API}/experiments/set-experiment-tag", "POST", json=body)
            return
        from mlflow.entities import ExperimentTag

        with self.backend.guard():
            self._local().set_experiment_tag(experiment_id, ExperimentTag(key, value))

    def delete_experiment(self, experiment_id: str) -> None:
        self._simple("experiments/delete", "delete_experiment", experiment_id=experiment_id)

    # -- runs ---------------------------------------------------------------------------------

    def create_run(
        self,
        experiment_id: str,
        *,
        run_name: str | None,
        start_time: float | None,
        tags: dict[str, str],
    ) -> dict[str, Any]:
        """The new run's record (``info``, ``data``), as the backend's reads give it."""
        start = _milliseconds(start_time)
        if isinstance(self.backend, RestBackend):
            body: dict[str, Any] = {"experiment_id": experiment_id, "tags": _pairs(tags)}
            if run_name:
                body["run_name"] = run_name
            if start is not None:
                body["start_time"] = start
            return dict(self.backend._call(f"{_API}/runs/create", "POST", json=body)["run"])
        from mlflow.entities import RunTag

        store = self._local()
        with self.backend.guard():
            run = store.create_run(
                experiment_id,
                tags.get(MLFLOW_USER_TAG) or _user(),
                start if start is not None else _milliseconds_now(),
                [RunTag(k, v) for k, v in tags.items()],
                run_name,
            )
        return LocalBackend._json(run)

    def update_run(
        self,
        run_id: str,
        *,
        status: str | None = None,
        end_time: float | None = None,
        run_name: str | None = None,
    ) -> None:
        """``status`` is MLflow's (RUNNING, FINISHED, FAILED, KILLED); None keeps it."""
        end = _milliseconds(end_time)
        if isinstance(self.backend, RestBackend):
            body: dict[str, Any] = {"run_id": run_id}
            for key, value in (("status", status), ("end_time", end), ("run_name", run_name)):
                if value is not None:
                    body[key] = value
            self.backend._call(f"{_API}/runs/update", "POST", json=body)
            return
        from mlflow.entities import RunStatus

        store = self._local()
        with self.backend.guard():
            current = store.get_run(run_id).info
            store.update_run_info(
                run_id,
                RunStatus.from_string(status) if status else RunStatus.from_string(current.status),
                end if end is not None else current.end_time,
                run_name or current.run_name,
            )

    def log_batch(
        self,
        run_id: str,
        metrics: list[dict[str, Any]] | None = None,
        params: dict[str, str] | None = None,
        tags: dict[str, str] | None = None,
        *,
        metrics_per_batch: int = METRICS_PER_BATCH,
    ) -> None:
        """Metrics as ``{key, value, timestamp (ms), step}``; as many calls as MLflow's limits
        need."""
        for some, some_params, some_tags in batches(
            metrics or [], params or {}, tags or {}, metrics_per_batch
        ):
            self._log_batch(run_id, some, some_params, some_tags)

    def _log_batch(
        self,
        run_id: str,
        metrics: list[dict[str, Any]],
        params: dict[str, str],
        tags: dict[str, str],
    ) -> None:
        if isinstance(self.backend, RestBackend):
            body = {
                "run_id": run_id,
                "metrics": metrics,
                "params": _pairs(params),
                "tags": _pairs(tags),
            }
            self.backend._call(f"{_API}/runs/log-batch", "POST", json=body)
            return
        from mlflow.entities import Metric, Param, RunTag

        with self.backend.guard():
            self._local().log_batch(
                run_id,
                [Metric(m["key"], m["value"], m["timestamp"], m["step"]) for m in metrics],
                [Param(k, v) for k, v in params.items()],
                [RunTag(k, v) for k, v in tags.items()],
            )

    def set_tag(self, run_id: str, key: str, value: str) -> None:
        if isinstance(self.backend, RestBackend):
            body = {"run_id": run_id, "key": key, "value": value}
            self.backend._call(f"{_API}/runs/set-tag", "POST", json=body)
            return
        from mlflow.entities import RunTag

        with self.backend.guard():
            self._local().set_tag(run_id, RunTag(key, value))

    def delete_tag(self, run_id: str, key: str) -> None:
        self._simple("runs/delete-tag", "delete_tag", run_id=run_id, key=key)

    def delete_run(self, run_id: str) -> None:
        """Deleted as MLflow deletes (its lifecycle stage): no reader of active runs sees it."""
        try:
            self._simple("runs/delete", "delete_run", run_id=run_id)
        except NotFound:
            pass  # already gone

    # -- artifacts ----------------------------------------------------------------------------

    def upload(self, artifact_uri: str, local_path: str, artifact_path: str | None) -> None:
        """A local file into a run's artifacts (``artifact_uri``), under ``artifact_path``."""
        from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository

        with self.backend.guard():
            repository = get_artifact_repository(artifact_uri, tracking_uri=self.backend.uri)
            repository.log_artifact(local_path, artifact_path)

    # -- helpers ------------------------------------------------------------------------------

    def _simple(self, endpoint: str, method: str, **arguments: str) -> None:
        if isinstance(self.backend, RestBackend):
            self.backend._call(f"{_API}/{endpoint}", "POST", json=arguments)
            return
        with self.backend.guard():
            getattr(self._local(), method)(*arguments.values())

    def _local(self) -> Any:
        store = getattr(self.backend, "_store", None)
        if store is None:
            raise SmxError(f"MLflow at {self.backend.where} cannot be written to")
        return store


def _pairs(values: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "value": value} for key, value in values.items()]


def _milliseconds(moment: float | None) -> int | None:
    if moment is None or not math.isfinite(moment):
        return None
    return int(round(moment * 1000))


def _user() -> str:
    """Who runs this, as MLflow's own client names a run's user."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _milliseconds_now() -> int:
    import time

    return int(time.time() * 1000)
