"""Shared fixtures: a real embedded store in a temporary folder.

Every test runs with ``SMX_LAB_DB`` pointing into its own ``tmp_path``, so nothing a test logs
through the tracking API's default store can reach the user's Jupyter data directory.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from smx_lab.stores.local import LocalStore


@pytest.fixture(autouse=True)
def _isolated_default_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "default-store" / "experiments.sqlite"
    monkeypatch.setenv("SMX_LAB_DB", str(path))
    return path


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "experiments.sqlite"


@pytest.fixture
def store(store_path: Path) -> Iterator[LocalStore]:
    """A fresh embedded store in a real SQLite file."""
    opened = LocalStore(store_path)
    yield opened
    opened.close()
