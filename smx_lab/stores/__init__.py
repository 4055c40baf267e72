"""Stores: the one seam between smx-lab and where experiments live."""

from __future__ import annotations

import os
from typing import Any

from .base import Store


def open_store(kind: str | None = None, **options: Any) -> Store:
    """The store named by ``kind`` or ``$SMX_LAB_STORE``: ``local`` (default) or ``sagemaker``."""
    kind = (kind or os.environ.get("SMX_LAB_STORE") or "local").lower()
    if kind == "local":
        from .local import LocalStore

        return LocalStore(options.get("path"))
    if kind == "sagemaker":
        from .sagemaker import SageMakerStore  # type: ignore[import-not-found,unused-ignore]

        return SageMakerStore(**options)  # type: ignore[no-any-return,unused-ignore]
    from ..errors import ValidationError

    raise ValidationError("store", "must be 'local' or 'sagemaker'", value=kind)
