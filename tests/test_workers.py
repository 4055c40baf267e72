"""The heavy routes in worker processes (``SmxLabExtension.worker_processes``, on by default with
the embedded store): the same answers and the same errors as on the store's threads, writes of
other processes seen at once, a killed worker answered with 503 and replaced, and no process left
behind when the server stops."""

from __future__ import annotations

import inspect
import json
import os
import pickle
import signal
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psutil
import pytest
from jupyter_process import JupyterServerProcess
from traitlets import TraitError
from traitlets.config import Config

from smx_lab import errors
from smx_lab.errors import SmxError
from smx_lab.server.app import SmxLabExtension
from smx_lab.server.base import error_json
from smx_lab.server.handlers import component_page, search_page
from smx_lab.server.workers import WorkerPool
from smx_lab.stores.local import LocalStore

if TYPE_CHECKING:
    from api_fixtures import Api

pytest_plugins = ["pytest_jupyter.jupyter_server", "api_fixtures"]


def process_id(store: LocalStore) -> int:
    """Sent to a worker: which process runs it."""
    return os.getpid()


def pool_of(serverapp: Any) -> WorkerPool:
    pool: WorkerPool | None = serverapp.web_app.settings["smx_lab_workers"]
    assert pool is not None
    return pool


async def worker_pid(serverapp: Any) -> int:
    return int(json.loads(await pool_of(serverapp).run(process_id)))


def wait_until_gone(pids: list[int], timeout: float = 30.0) -> list[int]:
    """The processes of ``pids`` still running (not merely unreaped) after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    alive = pids
    while alive and time.monotonic() < deadline:
        alive = [pid for pid in alive if _running(pid)]
        time.sleep(0.1)
    return alive


def _running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


# --- errors cross the process boundary unchanged ---------------------------------------------

_ARGUMENTS: dict[str, Any] = {"field": "limit", "rule": "must be at most 5", "kind": "trial"}


def _example(cls: type[SmxError]) -> SmxError:
    """An instance of any of smx_lab's errors, whatever its constructor's parameters."""
    parameters = inspect.signature(cls).parameters
    values = {
        name: _ARGUMENTS.get(name, 7 if name == "limit" else f"{name}-value")
        for name, parameter in parameters.items()
        if parameter.default is inspect.Parameter.empty
        and parameter.kind not in (inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)
    }
    if "position" in parameters:
        values["position"] = 3
    return cls(**values)


ERROR_CLASSES = [
    value
    for value in vars(errors).values()
    if isinstance(value, type) and issubclass(value, SmxError)
]


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
def test_every_error_pickles_to_the_same_class_message_and_details(cls: type[SmxError]) -> None:
    error = _example(cls)

    copy = pickle.loads(pickle.dumps(error))

    assert type(copy) is cls
    assert (str(copy), copy.to_dict(), copy.status) == (str(error), error.to_dict(), error.status)
    assert copy.__dict__ == error.__dict__


async def test_heavy_routes_run_in_worker_processes_by_default(api: Api, jp_serverapp: Any) -> None:
    await api.post("search", {"query": "train"})

    assert await worker_pid(jp_serverapp) != os.getpid()


@pytest.mark.parametrize(
    "body",
    [
        {"limit": 501},
        {"query": "metrics.test:accuracy.max > "},
        {"query": "paramaters.lr > 0.1"},
        {"cursor": "not-a-cursor"},
        {"sort_by": "metrics.accuracy.median"},
    ],
    ids=["limit", "syntax", "unknown-field", "cursor", "sort"],
)
async def test_an_error_raised_in_a_worker_is_answered_as_on_the_server(
    api: Api, api_db_path: Path, body: dict[str, Any]
) -> None:
    store = LocalStore(api_db_path)
    try:
        with pytest.raises(SmxError) as raised:
            search_page(store, body, 500)
    finally:
        store.close()

    answer = await api.post("search", body, expect=raised.value.status)

    assert answer.body == json.loads(error_json(raised.value.to_dict()))


async def test_an_unknown_trial_is_404_from_a_worker(api: Api, api_db_path: Path) -> None:
    store = LocalStore(api_db_path)
    try:
        with pytest.raises(SmxError) as raised:
            component_page(store, {"trial_name": "nope"}, {}, 500)
    finally:
        store.close()

    answer = await api.get("trials/{name}/components", name="nope", expect=404)

    assert answer.body == json.loads(error_json(raised.value.to_dict()))


async def test_a_write_of_another_process_is_seen_by_the_workers(
    api: Api, api_db_path: Path
) -> None:
    query = {"query": "fresh-component"}
    assert (await api.post("search", query)).body["items"] == []

    writer = LocalStore(api_db_path)  # as a training script would: another connection, committed
    try:
        writer.create_trial_component("fresh-component")
    finally:
        writer.close()

    items = (await api.post("search", query)).body["items"]
    assert [item["TrialComponentName"] for item in items] == ["fresh-component"]


class TestAKilledWorker:
    @pytest.fixture
    def smx_lab_config(self, api_db_path: Path) -> dict[str, Any]:
        return {"store": "local", "db_path": str(api_db_path), "worker_processes": 1}

    async def test_is_a_503_and_the_next_request_is_served_by_a_new_pool(
        self, api: Api, jp_serverapp: Any
    ) -> None:
        killed = await worker_pid(jp_serverapp)
        os.kill(killed, signal.SIGKILL)
        assert wait_until_gone([killed]) == []

        failed = await api.post("search", {"query": "train"}, expect=503)
        served = await api.post("search", {"query": "train"})

        assert failed.body["error"] == "store_unavailable"
        assert "try again" in failed.body["message"]
        assert served.body["items"]
        assert await worker_pid(jp_serverapp) != killed


class TestWorkersOff:
    @pytest.fixture
    def smx_lab_config(self, api_db_path: Path) -> dict[str, Any]:
        return {"store": "local", "db_path": str(api_db_path), "worker_processes": 0}

    async def test_heavy_routes_run_on_the_store_threads(self, api: Api, jp_serverapp: Any) -> None:
        page = (await api.post("search", {"query": "train", "limit": 1})).body

        assert len(page["items"]) == 1
        assert jp_serverapp.web_app.settings["smx_lab_workers"] is None


def test_worker_processes_cannot_be_negative() -> None:
    with pytest.raises(TraitError, match="0 \\(off\\) or more"):
        SmxLabExtension(config=Config({"SmxLabExtension": {"worker_processes": -1}}))


@pytest.mark.parametrize(("cores", "workers"), [(1, 1), (2, 1), (3, 2), (16, 2)])
def test_by_default_two_workers_or_one_on_two_cores(
    monkeypatch: pytest.MonkeyPatch, cores: int, workers: int
) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)

    assert SmxLabExtension().worker_processes == workers


def test_only_the_embedded_store_gets_workers(store: LocalStore) -> None:
    extension = SmxLabExtension(config=Config({"SmxLabExtension": {"worker_processes": 2}}))

    assert extension.build_workers(None) is None
    assert extension.build_workers(object()) is None  # type: ignore[arg-type]
    pool = extension.build_workers(store)
    assert pool is not None and pool.processes == 2
    pool.shutdown()


async def test_shutting_the_pool_down_ends_its_processes(store: LocalStore) -> None:
    pool = WorkerPool(LocalStore, {"path": str(store.database_path)}, 2)
    pool.start()
    pids = {int(await pool.run(process_id)) for _ in range(4)}

    pool.shutdown()

    assert pids and os.getpid() not in pids
    assert wait_until_gone(sorted(pids)) == []


def test_no_process_is_left_behind_when_the_server_stops(tmp_path: Path) -> None:
    db = tmp_path / "experiments.sqlite"
    LocalStore(db).close()
    server = JupyterServerProcess(
        tmp_path, env={"SMX_LAB_STORE": "local", "SMX_LAB_DB": str(db)}
    ).start()
    try:
        import requests

        answer = requests.post(
            server.url("search"), json={"query": "x"}, headers=server.headers, timeout=60
        )
        assert answer.status_code == 200, answer.text
        assert server.process is not None
        descendants = psutil.Process(server.process.pid).children(recursive=True)
        assert len(descendants) >= 2  # the workers, and the fork server they come from
    finally:
        server.stop()

    assert wait_until_gone([process.pid for process in descendants]) == []
