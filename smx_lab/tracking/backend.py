"""Where tracking data goes, decided in one place: :func:`writer_for`.

An explicit ``store=`` wins; else, when the configured store kind
(:func:`smx_lab.stores.factory.configured_kind`) is ``mlflow``, the MLflow writer for MLflow's
tracking URI (``MLFLOW_TRACKING_URI``); else, when a boto client or a SageMaker session is passed
*and* the configured kind is ``sagemaker``, the SageMaker writer; else the default embedded store,
at :func:`smx_lab.stores.factory.default_database_path`. The factory is the only reader of
smx-lab's environment; this module never looks at it itself.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Protocol, cast

from .. import model as m
from ..dependencies import require
from ..stores.base import DEFAULT_PAGE_SIZE, Writer
from ..stores.factory import configured_kind, default_database_path, open_store
from ..vocabulary import MLFLOW_STORE, SAGEMAKER_STORE, SortOrder


class Backend(Writer, Protocol):
    """What the tracking API needs: the write side, plus the reads of ``load`` and ``list``."""

    def list_experiments(
        self,
        *,
        name_contains: str | None = None,
        sort_by: str = "CreationTime",
        sort_order: SortOrder = "Descending",
        limit: int = DEFAULT_PAGE_SIZE,
        cursor: str | None = None,
    ) -> m.Page[m.Experiment]: ...

    def get_experiment(self, name: str) -> m.Experiment: ...

    def list_trials(
        self,
        experiment_name: str,
        *,
        name_contains: str | None = None,
        sort_by: str = "CreationTime",
        sort_order: SortOrder = "Descending",
        limit: int = DEFAULT_PAGE_SIZE,
        cursor: str | None = None,
    ) -> m.Page[m.Trial]: ...

    def get_trial(self, name: str) -> m.Trial: ...

    def list_trial_components(
        self,
        *,
        trial_name: str | None = None,
        experiment_name: str | None = None,
        unassigned: bool = False,
        name_contains: str | None = None,
        sort_by: str = "CreationTime",
        sort_order: SortOrder = "Descending",
        limit: int = DEFAULT_PAGE_SIZE,
        cursor: str | None = None,
    ) -> m.Page[m.TrialComponent]: ...

    def get_trial_component(self, name: str) -> m.TrialComponent: ...


_default: Backend | None = None
_default_lock = threading.Lock()


def writer_for(
    store: Backend | None = None,
    sagemaker_boto_client: Any = None,
    sagemaker_session: Any = None,
) -> Backend:
    """The one place that decides where tracking data is written (see the module)."""
    if store is not None:
        return store
    kind = configured_kind()
    if kind == MLFLOW_STORE:
        return _mlflow()
    aws_given = sagemaker_boto_client is not None or sagemaker_session is not None
    if aws_given and kind == SAGEMAKER_STORE:
        return _sagemaker(sagemaker_boto_client, sagemaker_session)
    return default_store()


def default_store() -> Backend:
    """The embedded store at the configured database path; the path is looked up again on each
    call (tests point it elsewhere), and the store reopened when it changed."""
    global _default
    path = default_database_path()
    with _default_lock:
        if _default is None or not _at(_default, path):
            _default = cast(Backend, open_store("local", path=str(path)))
        return _default


_mlflow_writers: dict[str, Backend] = {}


def _mlflow() -> Backend:
    """The MLflow writer of MLflow's configured tracking URI (one per URI, reused)."""
    require("logging to MLflow", "mlflow")
    import mlflow

    from ..stores.mlflow.writer import MlflowWriter

    uri = str(mlflow.get_tracking_uri())
    with _default_lock:
        if uri not in _mlflow_writers:
            _mlflow_writers[uri] = cast(Backend, MlflowWriter(tracking_uri=uri))
        return _mlflow_writers[uri]


def _at(store: Any, path: Path) -> bool:
    where = getattr(store, "path", None)
    return where is not None and Path(where) == path


def _sagemaker(sagemaker_boto_client: Any, sagemaker_session: Any) -> Backend:
    """SageMaker's writer, with a store that reads through the writer's clients (same endpoint
    and credentials, no cache), so that what a run just wrote is read back as written."""
    require("logging to SageMaker", "boto3")
    from ..stores.sagemaker import SageMakerWriter

    boto_session = getattr(sagemaker_session, "boto_session", None)
    if sagemaker_boto_client is None and sagemaker_session is not None:
        sagemaker_boto_client = getattr(sagemaker_session, "sagemaker_client", None)
    writer = SageMakerWriter(sagemaker_client=sagemaker_boto_client, session=boto_session)
    return cast(Backend, _ReadWrite(writer.store(), writer))


class _ReadWrite:
    """Reads through one object and writes through another (SageMaker's store and writer)."""

    def __init__(self, reader: Any, writer: Any) -> None:
        self._reader = reader
        self._writer = writer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._writer if hasattr(self._writer, name) else self._reader, name)
