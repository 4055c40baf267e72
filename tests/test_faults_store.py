"""Faults of the embedded store, with a real Jupyter server reading the same file.

Writers are forked processes that open their own ``LocalStore`` and report each batch after
``log_metrics`` returned (so "committed" means what a caller was told). The full disk is a real
size-limited filesystem (a tmpfs mounted for the test) when the machine lets the test mount one;
and, everywhere, SQLite's ``max_page_count`` emulates it on the writing connection (the test ids
say which: ``[tmpfs]`` / ``[max_page_count]``).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pytest
import requests
from jupyter_process import JupyterServerProcess
from proof_fixtures import T0, seeded_store

from smx_lab.errors import StoreError
from smx_lab.model import MetricPoint
from smx_lab.stores.local import LocalStore

WRITERS = 8
SHARED = "shared-component"
FORK = multiprocessing.get_context("fork")


def batch_points(writer: int, batch: int, size: int, metric: str = "loss") -> list[MetricPoint]:
    base = batch * size
    return [
        MetricPoint(metric, float(writer * 1_000_000 + base + i), T0 + base + i, base + i)
        for i in range(size)
    ]


def write_batches(
    path: Path, writer: int, batches: int, own_size: int, shared_size: int, report: Connection
) -> None:
    """A writer process: ``batches`` batches to its own component and to the shared one."""
    store = LocalStore(path)
    for batch in range(batches):
        store.log_metrics(f"writer-{writer}", batch_points(writer, batch, own_size))
        if shared_size:
            store.log_metrics(
                SHARED, batch_points(writer, batch, shared_size, metric=f"writer-{writer}")
            )
        report.send(batch)
    store.close()
    report.close()


def create_components(path: Path, writers: int) -> None:
    store = LocalStore(path)
    try:
        store.create_trial_component(SHARED)
        for writer in range(writers):
            store.create_trial_component(f"writer-{writer}")
    finally:
        store.close()


def integrity(path: Path) -> str:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


@pytest.fixture
def served_store(tmp_path: Path) -> Iterator[tuple[Path, JupyterServerProcess]]:
    path = seeded_store(tmp_path / "experiments.sqlite")
    create_components(path, WRITERS)
    with JupyterServerProcess(
        tmp_path, env={"SMX_LAB_STORE": "local", "SMX_LAB_DB": str(path)}
    ) as server:
        yield path, server


def read_everything_once(
    server: JupyterServerProcess, session: requests.Session, writer: int
) -> list[int]:
    """One round of the reads a user of the panel makes; the statuses."""
    answers = [
        session.get(server.url(f"components/writer-{writer}"), timeout=60),
        session.post(
            server.url("metrics"),
            json={
                "queries": [{"component": f"writer-{writer}", "metric": "loss"}],
                "max_points": 200,
            },
            timeout=60,
        ),
        session.post(
            server.url("search"), json={"query": "metrics.loss.count > 0", "limit": 20}, timeout=60
        ),
        session.post(
            server.url("table"), json={"components": [SHARED, f"writer-{writer}"]}, timeout=60
        ),
    ]
    return [answer.status_code for answer in answers]


def test_eight_writer_processes_lose_nothing_while_the_server_serves_reads(
    served_store: tuple[Path, JupyterServerProcess],
) -> None:
    path, server = served_store
    batches, own_size, shared_size = 20, 500, 100
    receivers, processes = [], []
    for writer in range(WRITERS):
        receiver, sender = FORK.Pipe(duplex=False)
        process = FORK.Process(
            target=write_batches, args=(path, writer, batches, own_size, shared_size, sender)
        )
        process.start()
        sender.close()
        receivers.append(receiver)
        processes.append(process)
    # A series that has no point yet is a 404; read once every writer has committed its first batch.
    for receiver in receivers:
        assert receiver.poll(120) and receiver.recv() == 0
    session = requests.Session()
    session.headers.update(server.headers)
    statuses: list[int] = []
    while any(process.is_alive() for process in processes):
        statuses += read_everything_once(server, session, random.randrange(WRITERS))
    during = len(statuses) // 4
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    statuses += read_everything_once(server, session, 0)

    assert during >= 3, f"only {during} rounds of reads overlapped the writes"

    assert set(statuses) == {200}, f"reads during the writes answered {sorted(set(statuses))}"
    store = LocalStore(path)
    try:
        for writer in range(WRITERS):
            points = store.metric_points(f"writer-{writer}", ["loss"])
            assert [p.value for p in points] == [
                p.value for batch in range(batches) for p in batch_points(writer, batch, own_size)
            ]
            summary = store.get_trial_component(f"writer-{writer}").metric("loss")
            assert summary is not None and summary.count == batches * own_size
        shared = store.get_trial_component(SHARED)
        assert sorted(s.metric_name for s in shared.metrics) == sorted(
            f"writer-{w}" for w in range(WRITERS)
        )
        assert {s.count for s in shared.metrics} == {batches * shared_size}
    finally:
        store.close()
    assert integrity(path) == "ok"


def test_writers_killed_mid_batch_leave_an_intact_store_with_every_committed_batch(
    served_store: tuple[Path, JupyterServerProcess],
) -> None:
    path, server = served_store
    writers, batch_size = 4, 5000
    receivers, processes = [], []
    for writer in range(writers):
        receiver, sender = FORK.Pipe(duplex=False)
        # More batches than they can write before the kill: every writer dies inside one.
        process = FORK.Process(
            target=write_batches, args=(path, writer, 10_000, batch_size, 0, sender)
        )
        process.start()
        sender.close()
        receivers.append(receiver)
        processes.append(process)
    reported = [-1] * writers
    deadline = time.monotonic() + 120
    while min(reported) < 2 and time.monotonic() < deadline:
        for writer, receiver in enumerate(receivers):
            while receiver.poll(0.01):
                reported[writer] = receiver.recv()
    for process in processes:
        time.sleep(random.uniform(0, 0.05))  # land at different points of a batch
        os.kill(process.pid, signal.SIGKILL)
    for writer, (process, receiver) in enumerate(zip(processes, receivers, strict=True)):
        process.join(timeout=30)
        assert process.exitcode == -signal.SIGKILL
        while receiver.poll():
            try:
                reported[writer] = receiver.recv()
            except EOFError:
                break

    assert min(reported) >= 2, f"the writers did not get going: {reported}"
    assert integrity(path) == "ok"
    store = LocalStore(path)
    try:
        for writer in range(writers):
            points = store.metric_points(f"writer-{writer}", ["loss"])
            committed, partial = divmod(len(points), batch_size)
            assert partial == 0, f"writer {writer}: a half-written batch of {partial} points"
            # Every reported batch is there; at most one more committed before the kill reached it.
            assert reported[writer] + 1 <= committed <= reported[writer] + 2
            summary = store.get_trial_component(f"writer-{writer}").metric("loss")
            assert summary is not None and summary.count == len(points)
            assert summary.max == max(p.value for p in points)
    finally:
        store.close()
    answer = requests.get(server.url("components/writer-0"), headers=server.headers, timeout=60)
    assert answer.status_code == 200


@contextmanager
def small_filesystem(where: Path, size_kib: int, kind: str) -> Iterator[None]:
    """``kind`` "tmpfs": a tmpfs of ``size_kib`` mounted at ``where`` (skips where this process may
    not mount one); "max_page_count": a plain folder, the test caps the database's pages instead."""
    where.mkdir()
    if kind == "max_page_count":
        yield
        return
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root; the max_page_count variant covers a full disk")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kib}k,mode=0700", "tmpfs", str(where)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip(
            f"cannot mount a tmpfs here ({mounted.stderr.decode().strip()}); "
            "max_page_count covers it"
        )
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill_until_full(store: LocalStore, mode: str) -> tuple[int, BaseException]:
    """Log batches until the store refuses one; the batches that went in and the error."""
    if mode == "max_page_count":
        # The writing connection is this thread's; no bigger than what the tmpfs would hold.
        store._connection().execute("PRAGMA max_page_count = 200")
    for batch in range(1000):
        try:
            store.log_metrics("victim", batch_points(0, batch, 2000))
        except Exception as error:  # the test then asserts what kind of error it was
            return batch, error
    raise AssertionError("the small filesystem never filled up")


@pytest.fixture(params=["tmpfs", "max_page_count"])
def full_disk(
    tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[LocalStore, Path, str, int, BaseException]]:
    mode = request.param
    with small_filesystem(tmp_path / "small", 1536, mode):
        path = tmp_path / "small" / "experiments.sqlite"
        ballast = tmp_path / "small" / "ballast"
        ballast.write_bytes(b"\0" * 256 * 1024)
        store = LocalStore(path)
        store.create_trial_component("victim")
        written, error = fill_until_full(store, mode)
        try:
            yield store, path, mode, written, error
        finally:
            store.close()


def test_full_disk_refuses_the_batch_with_a_store_error(full_disk: Any) -> None:
    store, path, mode, written, error = full_disk
    assert written > 0
    assert isinstance(error, StoreError), f"{mode}: {type(error).__name__}: {error}"
    assert "full" in error.message


def test_full_disk_leaves_every_earlier_batch_and_no_part_of_the_refused_one(
    full_disk: Any,
) -> None:
    store, path, mode, written, error = full_disk
    assert integrity(path) == "ok"
    points = store.metric_points("victim", ["loss"])
    assert len(points) == written * 2000
    summary = store.get_trial_component("victim").metric("loss")
    assert summary is not None and summary.count == written * 2000


def test_store_writes_again_once_space_is_freed(full_disk: Any) -> None:
    store, path, mode, written, error = full_disk
    if mode == "tmpfs":
        (path.parent / "ballast").unlink()
    else:
        store._connection().execute("PRAGMA max_page_count = 1073741823")
    store.log_metrics("victim", batch_points(0, written, 100))
    summary = store.get_trial_component("victim").metric("loss")
    assert summary is not None and summary.count == written * 2000 + 100


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def foreign_sqlite(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    connection.execute("INSERT INTO invoices (total) VALUES (12.5)")
    connection.commit()
    connection.close()


@pytest.mark.parametrize(
    "make_foreign",
    [
        pytest.param(lambda path: path.write_text("name,accuracy\nrun-1,0.9\n"), id="csv-file"),
        pytest.param(foreign_sqlite, id="another-sqlite-database"),
    ],
)
def test_foreign_file_at_the_store_path_gets_503_json_and_stays_untouched(
    tmp_path: Path, make_foreign: Any
) -> None:
    path = tmp_path / "experiments.sqlite"
    make_foreign(path)
    before = sha256(path)
    with JupyterServerProcess(
        tmp_path, env={"SMX_LAB_STORE": "local", "SMX_LAB_DB": str(path)}
    ) as server:
        for route in ("info", "experiments", "components?unassigned=true"):
            answer = requests.get(server.url(route), headers=server.headers, timeout=60)
            assert answer.status_code == 503, route
            assert answer.headers["Content-Type"].startswith("application/json")
            assert "not an smx-lab database" in answer.json()["message"]
        answer = requests.post(
            server.url("search"),
            headers=server.headers,
            json={"query": "name contains 'a'"},
            timeout=60,
        )
        assert answer.status_code == 503
    assert sha256(path) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("experiments")) == [
        "experiments.sqlite"
    ]
