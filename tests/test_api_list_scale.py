"""The server-paged list past the old 10,000-component cap: a store of 10,100 components built by
``benchmarks/generate.py`` (the benchmark store's builder, which writes the rows the Writer API
writes), listed, sorted and exported whole on a real Jupyter server."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from smx_lab.stores.local import LocalStore

if TYPE_CHECKING:
    from api_fixtures import Api

pytest_plugins = ["pytest_jupyter.jupyter_server", "api_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
COMPONENTS = 10_100


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.sqlite"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "generate.py"),
            "--components",
            str(COMPONENTS),
            "--db",
            str(path),
        ],
        check=True,
        capture_output=True,
    )
    return path


@pytest.fixture
def api_db_path(big_store: Path) -> Path:
    return big_store


@pytest.fixture
def experiments(big_store: Path) -> list[str]:
    store = LocalStore(big_store)
    try:
        return sorted(e.experiment_name for e in store.list_experiments(limit=100).items)
    finally:
        store.close()


async def test_every_component_pages_in_metric_order(api: Api, experiments: list[str]) -> None:
    body: dict[str, Any] = {
        "selection": {"experiments": experiments},
        "sort": {"by": "Metrics.test:accuracy.Max", "order": "Descending"},
        "limit": 1000,
    }
    names: list[str] = []
    values: list[float] = []
    while True:
        answer = (await api.post("table", body)).body
        assert answer["total"] == COMPONENTS
        names += [row["TrialComponentName"] for row in answer["rows"]]
        values += [row["test:accuracy - Max"] for row in answer["rows"]]
        if not answer["next_cursor"]:
            break
        body["cursor"] = answer["next_cursor"]
    assert len(names) == len(set(names)) == COMPONENTS
    assert values == sorted(values, reverse=True)


async def test_csv_exports_past_the_old_cap(api: Api, experiments: list[str]) -> None:
    response = await api.fetch(
        "smx-lab",
        "api",
        "table/csv",
        method="POST",
        body=json.dumps(
            {
                "selection": {"experiments": experiments},
                "columns": ["TrialComponentName", "learning_rate"],
            }
        ),
        raise_error=False,
    )
    assert response.code == 200
    lines = list(csv.reader(io.StringIO(response.body.decode())))
    assert lines[0] == ["TrialComponentName", "learning_rate"]
    assert len(lines) == COMPONENTS + 1
    assert len({line[0] for line in lines[1:]}) == COMPONENTS


async def test_groups_cover_every_component(api: Api, experiments: list[str]) -> None:
    answer = (
        await api.post(
            "table/groups",
            {"selection": {"experiments": experiments}, "group_by": ["Parameters.optimizer"]},
        )
    ).body
    assert answer["components"] == COMPONENTS
    assert sum(group["count"] for group in answer["groups"]) == COMPONENTS
