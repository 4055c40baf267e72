"""A copy into a real ``mlflow server`` killed mid-run (SIGKILL: nothing runs after it) at many
points, then run again: exactly one complete copy of every component, each with every point
once. Ctrl-C: the copy stops, leaving no incomplete run behind. A server lost mid-copy: the copy
stops naming a component, and is finished once the server is back."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
from copy_world import LocalWorld, copy_command, fill_local, points_of
from mlflow import MlflowClient
from mlflow_fixtures import MlflowServer, MlflowServerFactory

from smx_lab.stores.local import LocalStore
from smx_lab.stores.mlflow import MlflowStore

pytest_plugins = ["mlflow_fixtures"]

KILLS = 8
#: Small writes, two components at a time: many moments at which a kill lands mid-component.
OPTIONS = ("--points-per-call", "100", "--jobs", "2")


def runs_of(client: MlflowClient, origin: str) -> list[object]:
    every = [e.experiment_id for e in client.search_experiments()]
    return list(client.search_runs(every, f"tags.`smx-lab.origin` = '{origin}'"))


def started(
    world: LocalWorld, server: MlflowServer, log: Path, *more: str
) -> subprocess.Popen[bytes]:
    command = copy_command(f"local:{world.path}", f"mlflow:{server.url}", *OPTIONS, *more)
    with log.open("ab") as out:
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)


def kill_when(
    process: subprocess.Popen[bytes], client: MlflowClient, origin: str, runs: int, extra: float
) -> bool:
    """SIGKILL once ``runs`` runs of the origin exist (and ``extra`` seconds more); False if the
    copy finished first."""
    while process.poll() is None and len(runs_of(client, origin)) < runs:
        time.sleep(0.05)
    time.sleep(extra)
    if process.poll() is not None:
        return False
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return True


def check_exactly_one_copy(world: LocalWorld, server: MlflowServer, origin: str) -> None:
    client = MlflowClient(server.url)
    runs = runs_of(client, origin)
    components = [r for r in runs if r.data.tags.get("smx-lab.kind") == "component"]  # type: ignore[attr-defined]
    names = sorted(r.data.tags["smx-lab.name"] for r in components)  # type: ignore[attr-defined]
    assert names == sorted(world.components)  # one run each, no more
    assert all(r.data.tags.get("smx-lab.complete") == "true" for r in components)  # type: ignore[attr-defined]
    trials = [r for r in runs if r.data.tags.get("smx-lab.kind") == "trial"]  # type: ignore[attr-defined]
    source = LocalStore(world.path)
    written = sorted(t.trial_name for e in world.experiments for t in source.list_trials(e).items)
    assert sorted(r.data.tags["smx-lab.name"] for r in trials) == written  # type: ignore[attr-defined]
    copied = MlflowStore(tracking_uri=server.url, cache_seconds=0)
    for name in world.components:
        assert points_of(copied, name) == points_of(source, name), name  # every point, once


@pytest.fixture
def world(tmp_path: Path) -> LocalWorld:
    # 6 components, 4 trainings of 3 metrics x 600 steps: 7,209 points, 80 writes of 100.
    return fill_local(tmp_path / "source.sqlite", steps=600, trainings=4, metrics=3)


def test_a_copy_killed_at_random_points_ends_with_exactly_one_copy(
    world: LocalWorld, mlflow_server_factory: MlflowServerFactory, tmp_path: Path
) -> None:
    server = mlflow_server_factory()
    client = MlflowClient(server.url)
    origin = f"local:{world.path.resolve()}"
    chance = random.Random(14)
    log = tmp_path / "copies.log"
    landed = half_written = 0
    for _ in range(KILLS):
        process = started(world, server, log)
        # 5 trial runs, then the components' runs (6, and those written again): kill once some
        # of them exist.
        landed += kill_when(process, client, origin, chance.randint(1, 11), chance.uniform(0, 0.3))
        half_written += sum(
            r.data.tags.get("smx-lab.kind") == "component"  # type: ignore[attr-defined]
            and r.data.tags.get("smx-lab.complete") != "true"  # type: ignore[attr-defined]
            for r in runs_of(client, origin)
        )
    print(f"{landed} of {KILLS} kills landed mid-copy, leaving {half_written} incomplete runs")
    assert landed >= KILLS // 2, log.read_text()  # most kills hit a copy in progress
    assert half_written >= 1  # and some left a component half-written, for the next to find

    final = started(world, server, log)
    assert final.wait(timeout=300) == 0, log.read_text()
    check_exactly_one_copy(world, server, origin)


def test_ctrl_c_stops_the_copy_and_leaves_no_incomplete_run(
    world: LocalWorld, mlflow_server_factory: MlflowServerFactory, tmp_path: Path
) -> None:
    server = mlflow_server_factory()
    client = MlflowClient(server.url)
    origin = f"local:{world.path.resolve()}"
    log = tmp_path / "copies.log"
    process = started(world, server, log)
    while process.poll() is None and len(runs_of(client, origin)) < 5:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=120) == 130, log.read_text()
    assert "interrupted" in log.read_text()
    left = runs_of(client, origin)
    assert all(
        r.data.tags.get("smx-lab.complete") == "true"  # type: ignore[attr-defined]
        for r in left
        if r.data.tags.get("smx-lab.kind") == "component"  # type: ignore[attr-defined]
    )

    assert started(world, server, log).wait(timeout=300) == 0, log.read_text()
    check_exactly_one_copy(world, server, origin)


def test_a_copy_that_loses_its_server_stops_and_is_finished_later(
    world: LocalWorld, tmp_path: Path
) -> None:
    origin = f"local:{world.path.resolve()}"
    log = tmp_path / "copies.log"
    with MlflowServer(tmp_path / "server") as server:
        client = MlflowClient(server.url)
        process = started(world, server, log, "--retries", "1")
        while process.poll() is None and len(runs_of(client, origin)) < 7:
            time.sleep(0.05)
        server.stop()  # the connection is lost mid-copy
        assert process.wait(timeout=120) == 1, log.read_text()
    said = log.read_text()
    assert "smx-lab copy: TrialComponent '" in said and "unavailable" in said

    # The same database served again (on another port): the copy is finished, exactly once.
    with MlflowServer(tmp_path / "server") as again:
        assert started(world, again, log).wait(timeout=300) == 0, log.read_text()
        check_exactly_one_copy(world, again, origin)
