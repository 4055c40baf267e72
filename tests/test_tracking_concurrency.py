"""Several processes logging to one embedded store at once, and a writer killed mid-run."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
from multiprocessing.connection import Connection
from pathlib import Path

import numpy as np
import pytest

from smx_lab import Tracker, tracking
from smx_lab.stores.local import LocalStore

WRITERS = 8
POINTS_PER_WRITER = 20_000
BATCH = 1_000


def _writer(path: str, index: int, shared: str) -> None:
    """Logs POINTS_PER_WRITER points to its own component and as many to the shared one."""
    tracking.METRIC_BATCH_SIZE = BATCH  # many small transactions, so the writers interleave
    store = LocalStore(path)
    own = Tracker.create(base_trial_component_name=f"writer-{index}", store=store)
    common = Tracker.load(shared, store=store)
    for step in range(POINTS_PER_WRITER):
        value = float(index * POINTS_PER_WRITER + step)
        own.log_metric("loss", value, iteration_number=step)
        common.log_metric("loss", value, iteration_number=step)
    own.close()
    common.close()


def test_eight_processes_logging_at_once_lose_nothing(store: LocalStore, store_path: Path) -> None:
    store.create_trial_component("shared")
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_writer, args=(str(store_path), i, "shared")) for i in range(WRITERS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=240)
    assert [p.exitcode for p in processes] == [0] * WRITERS

    everything = np.arange(WRITERS * POINTS_PER_WRITER, dtype=float)
    shared = store.get_trial_component("shared").metric("loss")
    assert shared is not None
    assert shared.count == WRITERS * POINTS_PER_WRITER
    assert (shared.min, shared.max) == (everything.min(), everything.max())
    assert shared.avg == pytest.approx(everything.mean(), rel=1e-12)
    assert shared.std_dev == pytest.approx(everything.std(ddof=1), rel=1e-9)
    assert sorted(p.value for p in store.metric_points("shared")) == everything.tolist()
    own = [
        c
        for c in store.list_trial_components(limit=100).items
        if c.trial_component_name != "shared"
    ]
    assert len(own) == WRITERS
    assert all(c.metrics[0].count == POINTS_PER_WRITER for c in own)


def _doomed_writer(path: str, report: Connection) -> None:
    """Logs batch after batch, telling the parent after each batch the store has committed."""
    store = LocalStore(path)
    tracker = Tracker.create(base_trial_component_name="doomed", store=store)
    report.send(tracker.trial_component_name)
    step = 0
    while True:
        for _ in range(BATCH):
            tracker.log_metric("loss", float(step), iteration_number=step)
            step += 1
        tracker.flush()
        report.send(step)


def test_a_writer_killed_mid_run_leaves_an_intact_store_with_every_committed_batch(
    store_path: Path,
) -> None:
    LocalStore(store_path).close()
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_doomed_writer, args=(str(store_path), sender))
    process.start()
    name = receiver.recv()
    committed = 0
    while committed < 30 * BATCH:
        committed = receiver.recv()
    os.kill(process.pid, signal.SIGKILL)  # in the middle of logging the next batches
    process.join(timeout=30)
    while receiver.poll():
        committed = receiver.recv()

    assert process.exitcode == -signal.SIGKILL
    assert sqlite3.connect(store_path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    reopened = LocalStore(store_path)
    summary = reopened.get_trial_component(name).metric("loss")
    assert summary is not None
    # Every batch the writer was told was committed is there, and nothing half of a batch.
    assert summary.count >= committed and summary.count % BATCH == 0
    assert [p.value for p in reopened.metric_points(name)] == [
        float(s) for s in range(summary.count)
    ]
