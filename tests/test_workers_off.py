"""The heavy routes on the store's threads (``worker_processes = 0``), as the SageMaker and MLflow
stores always run them: the search, metrics, chart and browsing suites once more, with the pool
off (every other API test runs with it on, the default)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_api_browse import *  # noqa: F403
from test_api_chart import *  # noqa: F403
from test_api_metrics import *  # noqa: F403
from test_api_search import *  # noqa: F403

pytest_plugins = ["pytest_jupyter.jupyter_server", "api_fixtures"]


@pytest.fixture
def smx_lab_config(api_db_path: Path) -> dict[str, Any]:
    return {"store": "local", "db_path": str(api_db_path), "worker_processes": 0}


@pytest.fixture(autouse=True)
def _no_worker_pool(jp_serverapp: Any) -> None:
    assert jp_serverapp.web_app.settings["smx_lab_workers"] is None
