"""The embedded store: one SQLite file, the default store (see :mod:`.store` for its parts)."""

from __future__ import annotations

from .connection import SCHEMA_VERSION
from .store import LocalStore

__all__ = ["SCHEMA_VERSION", "LocalStore"]
