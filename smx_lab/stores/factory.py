"""The one place that builds a store, and the only reader of smx-lab's environment variables.

The server extension, the magics, ``ExperimentAnalytics``, the tracking API and the console script
all build their store here, so the same setting means the same store, and a bad value gets the same
error, everywhere.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..dependencies import require
from ..errors import StoreError
from ..vocabulary import DATABASE_VARIABLE, DEFAULT_STORE_KIND, STORE_KINDS, STORE_VARIABLE

if TYPE_CHECKING:
    from .base import Store


def configured_kind(kind: str | None = None) -> str:
    """``kind`` if given, else ``$SMX_LAB_STORE``, else ``local``; lower-cased and checked."""
    chosen = kind or os.environ.get(STORE_VARIABLE) or DEFAULT_STORE_KIND
    folded = str(chosen).strip().lower()
    if folded not in STORE_KINDS:
        raise StoreError(
            f"the store must be one of {', '.join(repr(k) for k in STORE_KINDS)} "
            f"(SmxLabExtension.store, ${STORE_VARIABLE} or %smx use --store), not {chosen!r}",
            field="store",
        )
    return folded


def default_database_path() -> Path:
    """The embedded store's file: ``$SMX_LAB_DB``, else
    ``<jupyter data dir>/smx_lab/experiments.sqlite``."""
    configured = os.environ.get(DATABASE_VARIABLE)
    if configured:
        return Path(configured).expanduser()
    from jupyter_core.paths import jupyter_data_dir

    return Path(jupyter_data_dir()) / "smx_lab" / "experiments.sqlite"


def store_class(kind: str | None = None) -> type[Store]:
    """The class of the store that ``kind`` (or the environment) names; imported only when asked
    for, so the embedded store never imports boto3 or mlflow. Without boto3 (mlflow), the
    SageMaker (MLflow) store's kind raises :class:`~smx_lab.errors.MissingDependency` (a 503 in
    the REST API) naming the extra that installs it."""
    chosen = configured_kind(kind)
    if chosen == "sagemaker":
        require("the SageMaker store", "boto3")
        from .sagemaker import SageMakerStore

        return SageMakerStore
    if chosen == "mlflow":
        require("the MLflow store", "mlflow")
        from .mlflow import MlflowStore

        return MlflowStore
    from .local import LocalStore

    return LocalStore


def open_store(
    kind: str | None = None,
    *,
    store_class: type[Store] | None = None,
    **options: Any,
) -> Store:
    """A store: of ``store_class`` if given, else of the kind named (or configured). ``options``
    are its traits and constructor arguments; ``parent=`` (an application) or ``config=`` (a
    traitlets Config) bring ``c.LocalStore.path`` and the like."""
    cls = store_class or globals()["store_class"](kind)
    return cls(**options)
