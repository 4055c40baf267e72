"""Data and servers shared by the proof tests (fuzzing, faults, security).

``seed`` fills a store through its Writer API with a little of everything a route can return:
experiments, trials, a component shared by two trials, an unassigned one, string and number
parameters, artifacts, metrics whose names contain ``:``, and free text (descriptions, status
messages, parameter values) holding SQL and HTML on purpose.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jupyter_process import JupyterServerProcess

from smx_lab.model import Artifact, MetricPoint, Status

T0 = 1_700_000_000.0
HOSTILE_TEXT = "x'); DROP TABLE trial_components; -- <script>alert(1)</script>"


def seed(store: Any) -> None:
    store.create_experiment("mnist", description=HOSTILE_TEXT, tags={"team": "vision"})
    store.create_experiment("cifar")
    for trial in ("cnn-sgd", "cnn-adam"):
        store.create_trial(trial, "mnist")
    store.create_trial("resnet", "cifar")
    store.create_trial_component("preprocess", start_time=T0)
    store.update_trial_component(
        "preprocess",
        parameters={"test_fraction": 0.2},
        input_artifacts={"raw": Artifact("s3://bucket/raw.csv", "text/csv")},
    )
    for trial in ("cnn-sgd", "cnn-adam"):
        store.associate_trial_component("preprocess", trial)
    for name, optimizer, lr in (("train-sgd", "sgd", 0.1), ("train-adam", "adam", 0.01)):
        store.create_trial_component(name, start_time=T0 + 10)
        store.update_trial_component(
            name,
            status=Status("Completed", HOSTILE_TEXT),
            parameters={"optimizer": optimizer, "lr": lr, "note": HOSTILE_TEXT},
            output_artifacts={"model": Artifact(f"s3://bucket/{name}/model.tar.gz")},
        )
        store.log_metrics(
            name,
            [
                MetricPoint("test:accuracy", 0.5 + step / 100, T0 + 100 + step, step)
                for step in range(40)
            ]
            + [
                MetricPoint("train:loss", 1.0 / (step + 1), T0 + 100 + step, step)
                for step in range(40)
            ],
        )
        store.associate_trial_component(name, f"cnn-{optimizer}")
    store.create_trial_component("scratch", start_time=T0 + 30)


def seeded_store(path: Path) -> Path:
    from smx_lab.stores.local import LocalStore

    store = LocalStore(path)
    try:
        seed(store)
    finally:
        store.close()
    return path


@pytest.fixture(scope="module")
def local_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServerProcess]:
    """A jupyter server in a child process serving a seeded embedded store."""
    work = tmp_path_factory.mktemp("server")
    path = seeded_store(work / "experiments.sqlite")
    with JupyterServerProcess(
        work, env={"SMX_LAB_STORE": "local", "SMX_LAB_DB": str(path)}
    ) as running:
        yield running
