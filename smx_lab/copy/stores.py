"""The stores of ``smx-lab copy``: ``local[:PATH]``, ``sagemaker`` and ``mlflow:URI`` as the
command line names them, opened as a source (a :class:`~smx_lab.stores.base.Store`) or a target
(:class:`~.target.Target`), each with the identity its copies are tagged with.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..dependencies import require
from ..errors import ValidationError
from ..query import parse_time
from ..stores.base import Store
from ..vocabulary import LOCAL_STORE, MLFLOW_STORE, SAGEMAKER_STORE
from .target import Target

STORE_FORMS = "local[:PATH], sagemaker or mlflow:URI"
#: The longest origin a tag holds everywhere (SageMaker's tag values: 256 characters).
ORIGIN_MAX = 200
_AGO = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")
_AGO_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@dataclass(frozen=True)
class StoreSpec:
    """A store as named on the command line: its kind and, for ``local`` and ``mlflow``, where."""

    kind: str
    location: str | None
    text: str


def parse_store(text: str, field: str) -> StoreSpec:
    """``local``, ``local:PATH``, ``sagemaker``, ``mlflow`` (MLflow's configured tracking URI) or
    ``mlflow:URI``; a ValidationError naming ``field`` otherwise."""
    given = (text or "").strip()
    kind, _, location = given.partition(":")
    kind = kind.lower()
    if kind == LOCAL_STORE:
        return StoreSpec(kind, location or None, given)
    if kind == SAGEMAKER_STORE and not location:
        return StoreSpec(kind, None, given)
    if kind == MLFLOW_STORE:
        if location:
            from ..stores.mlflow.backend import uri_kind

            try:
                uri_kind(location)
            except ValidationError as error:
                raise ValidationError(field, f"mlflow:URI: {error.rule}", value=given) from None
        return StoreSpec(kind, location or None, given)
    raise ValidationError(field, f"must be {STORE_FORMS}", value=given)


def parse_since(text: str | None, now: float | None = None) -> float | None:
    """``--since``: an ISO 8601 date or time (UTC unless it says), seconds since the epoch, or a
    time ago (``30m``, ``12h``, ``7d``, ``2w``)."""
    if text is None:
        return None
    ago = _AGO.fullmatch(text.strip().lower())
    if ago:
        return (now if now is not None else time.time()) - float(ago[1]) * _AGO_SECONDS[ago[2]]
    moment = parse_time(text)
    if moment is None:
        raise ValidationError(
            "--since",
            "must be an ISO 8601 date or time (2026-01-31, 2026-01-31T12:00), seconds since the "
            "epoch, or a time ago (30m, 12h, 7d, 2w)",
            value=text,
        )
    return moment


def open_source(spec: StoreSpec) -> Store:
    """The store to copy from (a local file must exist: copying never creates a source)."""
    if spec.kind == LOCAL_STORE:
        path = _local_path(spec)
        if not path.is_file():
            raise ValidationError("--from", "no embedded store at this path", value=str(path))
        from ..stores.local import LocalStore

        return LocalStore(path)
    if spec.kind == SAGEMAKER_STORE:
        require("copying from SageMaker", "boto3")
        from ..stores.sagemaker import SageMakerStore

        return SageMakerStore(cache_seconds=0)
    require("copying from MLflow", "mlflow")
    from ..stores.mlflow import MlflowStore

    return MlflowStore(tracking_uri=spec.location, cache_seconds=600)


def open_target(spec: StoreSpec, *, retries: int, points_per_call: int) -> Target:
    """The store to copy into; ``retries`` of a throttled or failed call (the SDK's own retry
    mode), ``points_per_call`` metric points a write (within the store's own limit)."""
    if spec.kind == LOCAL_STORE:
        from ..stores.local import LocalStore
        from .writer_target import WriterTarget

        store = LocalStore(_local_path(spec))
        return WriterTarget(store, store, f"the embedded store {store.database_path}")
    if spec.kind == SAGEMAKER_STORE:
        require("copying to SageMaker", "boto3")
        from ..stores.sagemaker import SageMakerStore, SageMakerWriter
        from .writer_target import WriterTarget

        reader = SageMakerStore(cache_seconds=0, max_attempts=retries + 1)
        writer = SageMakerWriter(reader.aws)
        return WriterTarget(reader, writer, str(reader.info()["description"]))
    require("copying to MLflow", "mlflow")
    from ..stores.mlflow.copy_target import MlflowTarget

    return MlflowTarget(spec.location, retries=retries, points_per_call=points_per_call)


def origin_of(spec: StoreSpec, store: Store) -> str:
    """What a source's copies are tagged with: its kind and where it is (never credentials)."""
    info: dict[str, Any] = store.info()
    if spec.kind == LOCAL_STORE:
        where = str(Path(str(info["path"])).resolve())
    elif spec.kind == SAGEMAKER_STORE:
        endpoint = info.get("endpoint") or ""
        custom = f"@{endpoint}" if endpoint and ".amazonaws.com" not in str(endpoint) else ""
        where = f"{info.get('account') or 'unknown'}:{info.get('region')}{custom}"
    else:
        where = str(info.get("tracking_uri"))
    origin = f"{spec.kind}:{where}"
    if len(origin) > ORIGIN_MAX:  # keep it readable and unique within a tag value's length
        digest = hashlib.sha256(origin.encode()).hexdigest()[:16]
        origin = f"{origin[: ORIGIN_MAX - 18]}~{digest}"
    return origin


def describe(spec: StoreSpec, store: Store) -> str:
    """A store as the copy's messages name it: where it is, never a password in a URI."""
    info: dict[str, Any] = store.info()
    if spec.kind == LOCAL_STORE:
        return f"local:{info['path']}"
    if spec.kind == MLFLOW_STORE:
        return f"mlflow:{info.get('tracking_uri')}"
    return str(info.get("description") or spec.kind)


def same_store(source: StoreSpec, target: StoreSpec) -> bool:
    if source.kind != target.kind:
        return False
    if source.kind == LOCAL_STORE:
        return _local_path(source).resolve() == _local_path(target).resolve()
    return (source.location or "") == (target.location or "")


def _local_path(spec: StoreSpec) -> Path:
    if spec.location:
        return Path(spec.location).expanduser()
    from ..stores.factory import default_database_path

    return default_database_path()
