"""A known world written to an MLflow tracking server with the real ``mlflow`` client, the way
users write it (``mlflow.start_run``, nested runs, ``log_metrics`` per step, ``log_artifact``), and
a description of everything written, so tests can assert on what a reader gives back.

The world (:func:`fill_world`):

- experiment ``sweep``: a parent run ``lr-sweep`` (params ``strategy``, ``children``; one metric
  ``best:test:accuracy``) with four nested child runs, each with params ``lr`` (float),
  ``optimizer`` (str) and ``seed`` (int), a tag, and ``train:loss`` and ``test:accuracy`` at steps
  0–19, every step at its own timestamp; the description ``mlflow.note.content`` and a tag;
- experiment ``baselines``: three runs with no parent and no children:
  ``baseline-logreg`` (FINISHED; artifacts ``notes.txt``, ``metrics.json`` and
  ``model/weights/readme.txt``; a dataset logged with ``mlflow.log_input``; a user tag and a
  ``mlflow.source.git.commit`` tag; ``val:loss`` logged twice at its last step),
  ``baseline-broken`` (ended with status FAILED) and ``baseline-live`` (RUNNING: never ended;
  :func:`append_points` gives it more points, as a training loop still going would).

MLflow keeps a parameter as the text ``str(value)``; :attr:`WrittenRun.param_text` is that text.
MLflow adds tags of its own (``mlflow.user``, ``mlflow.runName``, ``mlflow.parentRunId``, ...);
:attr:`WrittenRun.tags` holds only the ones written here.

:func:`write_team_share` is one writer of the PostgreSQL team test: a sweep and a standalone run
whose every value is :func:`team_value`, so a reader can check a point before the writer is done.
"""

from __future__ import annotations

import json
import logging
import math
import os
import statistics
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mlflow
from mlflow import MlflowClient

SWEEP = "sweep"
BASELINES = "baselines"
SWEEP_PARENT = "lr-sweep"
STEPS = 20
SWEEP_DESCRIPTION = "Learning-rate sweep of the digits MLP: one child run per (lr, optimizer)."
BASELINES_DESCRIPTION = "Reference models trained without tuning."
GIT_COMMIT = "3f2a9c1e5b7d4a6f8e0c2b4d6f8a0c2e4b6d8f0a"
SWEEP_CHILDREN = [
    {"lr": 0.1, "optimizer": "sgd", "seed": 0},
    {"lr": 0.03, "optimizer": "adam", "seed": 1},
    {"lr": 0.01, "optimizer": "sgd", "seed": 2},
    {"lr": 0.003, "optimizer": "adam", "seed": 3},
]
MLFLOW_STATUSES = ("RUNNING", "FINISHED", "FAILED", "KILLED")

# sagemaker-mlflow's header provider reads every tracking URI as an ARN: an http:// one makes MLflow
# log a warning on each request, which would bury a failing test's output (writers included).
logging.getLogger("mlflow.tracking.request_header.registry").setLevel(logging.ERROR)


@dataclass(frozen=True, order=True)
class Point:
    """One logged value; ``timestamp`` in milliseconds since the epoch, as MLflow keeps it."""

    step: int
    timestamp: int
    value: float


@dataclass
class WrittenRun:
    run_id: str
    run_name: str
    experiment_name: str
    status: str  # MLflow's: RUNNING, FINISHED, FAILED or KILLED
    start_time: int
    parent_run_id: str | None = None
    params: dict[str, Any] = field(default_factory=dict)  # as logged: float, int or str
    tags: dict[str, str] = field(default_factory=dict)  # the tags written here, not MLflow's own
    metrics: dict[str, list[Point]] = field(default_factory=dict)  # every point, in logged order
    artifacts: list[str] = field(default_factory=list)  # files, relative to the artifact root
    artifact_uri: str = ""
    inputs: list[dict[str, str]] = field(default_factory=list)  # datasets: name, digest, context

    @property
    def param_text(self) -> dict[str, str]:
        """The parameters as MLflow keeps them: ``str(value)``."""
        return {key: str(value) for key, value in self.params.items()}

    def latest(self, metric: str) -> Point:
        """The point MLflow reports as the metric's latest: the greatest (step, timestamp,
        value)."""
        return max(self.metrics[metric], key=lambda p: (p.step, p.timestamp, p.value))

    def summary(self, metric: str) -> dict[str, float | int]:
        """Min, Max, Avg, StdDev (sample; 0 for one point), Last and Count of every point."""
        values = [point.value for point in self.metrics[metric]]
        return {
            "Min": min(values),
            "Max": max(values),
            "Avg": statistics.fmean(values),
            "StdDev": statistics.stdev(values) if len(values) > 1 else 0.0,
            "Last": self.latest(metric).value,
            "Count": len(values),
        }


@dataclass
class WrittenExperiment:
    experiment_id: str
    name: str
    description: str | None
    tags: dict[str, str]
    run_names: list[str] = field(default_factory=list)


@dataclass
class World:
    tracking_uri: str
    experiments: dict[str, WrittenExperiment]
    runs: dict[str, WrittenRun]  # by run name: every name in the world is different

    def run(self, name: str) -> WrittenRun:
        return self.runs[name]

    def children(self, parent_name: str) -> list[WrittenRun]:
        parent_id = self.runs[parent_name].run_id
        return [run for run in self.runs.values() if run.parent_run_id == parent_id]

    def runs_of(self, experiment_name: str) -> list[WrittenRun]:
        return [self.runs[name] for name in self.experiments[experiment_name].run_names]


@contextmanager
def tracking_uri(uri: str) -> Iterator[None]:
    """``mlflow``'s fluent API pointed at ``uri`` for a while. ``set_tracking_uri`` is global and
    also sets ``$MLFLOW_TRACKING_URI``; both are put back afterwards."""
    previous = os.environ.get("MLFLOW_TRACKING_URI")
    mlflow.set_tracking_uri(uri)
    try:
        yield
    finally:
        mlflow.set_tracking_uri(previous)  # type: ignore[arg-type]  # None unsets it
        if previous is None:
            os.environ.pop("MLFLOW_TRACKING_URI", None)


def now_ms() -> int:
    return int(time.time() * 1000)


def _register(world: World, run: WrittenRun) -> WrittenRun:
    world.runs[run.run_name] = run
    world.experiments[run.experiment_name].run_names.append(run.run_name)
    return run


def _create_experiment(
    client: MlflowClient, world: World, name: str, description: str, tags: dict[str, str]
) -> str:
    experiment_id = client.create_experiment(
        name, tags={**tags, "mlflow.note.content": description}
    )
    world.experiments[name] = WrittenExperiment(experiment_id, name, description, tags)
    return experiment_id


def sweep_loss(lr: float, seed: int, step: int) -> float:
    return round(2.0 * math.exp(-30 * lr * (step + 1) / STEPS) + 0.01 * seed, 6)


def sweep_accuracy(lr: float, seed: int, step: int) -> float:
    return round(0.5 + 0.45 * (1 - math.exp(-20 * lr * (step + 1) / STEPS)) + 0.001 * seed, 6)


def fill_world(uri: str, files: Path) -> World:
    """Write the world to the tracking server at ``uri`` (``files``: a folder for the artifacts'
    local copies) and describe it."""
    client = MlflowClient(uri)
    world = World(uri, {}, {})
    base = now_ms() - 3_600_000  # an hour ago: the sweep "ran" before the baselines
    with tracking_uri(uri):
        _write_sweep(client, world, base)
        _write_baselines(client, world, base + 1_800_000, Path(files))
    return world


def _write_sweep(client: MlflowClient, world: World, base: int) -> None:
    experiment_id = _create_experiment(
        client, world, SWEEP, SWEEP_DESCRIPTION, {"project": "digits"}
    )
    with mlflow.start_run(experiment_id=experiment_id, run_name=SWEEP_PARENT) as parent:
        params = {"strategy": "grid", "children": len(SWEEP_CHILDREN)}
        mlflow.log_params(params)
        mlflow.set_tag("team", "vision")
        written = _register(
            world,
            WrittenRun(
                parent.info.run_id,
                SWEEP_PARENT,
                SWEEP,
                "FINISHED",
                parent.info.start_time,
                params=params,
                tags={"team": "vision"},
            ),
        )
        best = 0.0
        for index, child in enumerate(SWEEP_CHILDREN):
            run = _write_sweep_child(world, experiment_id, parent.info.run_id, index, child, base)
            best = max(best, run.latest("test:accuracy").value)
        point = Point(0, base + 600_000, best)
        mlflow.log_metric("best:test:accuracy", best, step=0, timestamp=point.timestamp)
        written.metrics["best:test:accuracy"] = [point]


def _write_sweep_child(
    world: World,
    experiment_id: str,
    parent_id: str,
    index: int,
    params: dict[str, Any],
    base: int,
) -> WrittenRun:
    name = f"lr-{params['lr']}-{params['optimizer']}"
    with mlflow.start_run(experiment_id=experiment_id, run_name=name, nested=True) as child:
        mlflow.log_params(params)
        mlflow.set_tag("sweep.index", str(index))
        run = _register(
            world,
            WrittenRun(
                child.info.run_id,
                name,
                SWEEP,
                "FINISHED",
                child.info.start_time,
                parent_run_id=parent_id,
                params=dict(params),
                tags={"sweep.index": str(index)},
                metrics={"train:loss": [], "test:accuracy": []},
            ),
        )
        for step in range(STEPS):
            timestamp = base + index * 100_000 + step * 1_000
            values = {
                "train:loss": sweep_loss(params["lr"], params["seed"], step),
                "test:accuracy": sweep_accuracy(params["lr"], params["seed"], step),
            }
            mlflow.log_metrics(values, step=step, timestamp=timestamp)
            for metric, value in values.items():
                run.metrics[metric].append(Point(step, timestamp, value))
    return run


def _write_baselines(client: MlflowClient, world: World, base: int, files: Path) -> None:
    experiment_id = _create_experiment(
        client, world, BASELINES, BASELINES_DESCRIPTION, {"owner": "ml-platform"}
    )
    _write_logreg(world, experiment_id, base, files)
    _write_broken(world, experiment_id, base + 60_000)
    _write_live(client, world, experiment_id, base + 120_000)


def _log_points(run: WrittenRun, metric: str, points: list[Point]) -> None:
    for point in points:
        mlflow.log_metric(metric, point.value, step=point.step, timestamp=point.timestamp)
    run.metrics.setdefault(metric, []).extend(points)


def _write_logreg(world: World, experiment_id: str, base: int, files: Path) -> None:
    params = {"C": 1.0, "solver": "lbfgs", "max_iter": 100}
    tags = {"team": "vision", "mlflow.source.git.commit": GIT_COMMIT}
    with mlflow.start_run(experiment_id=experiment_id, run_name="baseline-logreg") as active:
        mlflow.log_params(params)
        mlflow.set_tags(tags)
        run = _register(
            world,
            WrittenRun(
                active.info.run_id,
                "baseline-logreg",
                BASELINES,
                "FINISHED",
                active.info.start_time,
                params=params,
                tags=tags,
                artifact_uri=active.info.artifact_uri,
            ),
        )
        accuracy = [0.81, 0.86, 0.88, 0.9, 0.905]
        _log_points(
            run,
            "test:accuracy",
            [Point(s, base + s * 1_000, v) for s, v in enumerate(accuracy)],
        )
        # The same step twice (a re-evaluation): both points stay; the later one is the latest.
        losses = [(0, 0.7), (1, 0.55), (2, 0.45), (3, 0.40), (3, 0.38)]
        _log_points(
            run,
            "val:loss",
            [Point(s, base + 10_000 + i * 1_000, v) for i, (s, v) in enumerate(losses)],
        )
        _log_artifacts(run, files)
        _log_dataset(run)


def _log_artifacts(run: WrittenRun, files: Path) -> None:
    files.mkdir(parents=True, exist_ok=True)
    notes = files / "notes.txt"
    notes.write_text("Logistic regression on digits, default regularisation.\n")
    summary = files / "metrics.json"
    summary.write_text(json.dumps({"accuracy": 0.905, "classes": 10}))
    weights = files / "model" / "weights"
    weights.mkdir(parents=True, exist_ok=True)
    (weights / "readme.txt").write_text("Weights are not kept; this file stands for them.\n")
    mlflow.log_artifact(str(notes))
    mlflow.log_artifact(str(summary))
    mlflow.log_artifacts(str(files / "model"), artifact_path="model")
    run.artifacts = ["metrics.json", "model/weights/readme.txt", "notes.txt"]


def _log_dataset(run: WrittenRun) -> None:
    import pandas as pd

    frame = pd.DataFrame({"pixel_0": [0.0, 0.5, 1.0], "label": [0.0, 1.0, 2.0]})
    dataset = mlflow.data.from_pandas(frame, name="digits-sample", targets="label")
    mlflow.log_input(dataset, context="training")
    run.inputs.append({"name": "digits-sample", "digest": dataset.digest, "context": "training"})


def _write_broken(world: World, experiment_id: str, base: int) -> None:
    params = {"C": 1000.0, "solver": "newton-cg", "max_iter": 5}
    active = mlflow.start_run(experiment_id=experiment_id, run_name="baseline-broken")
    mlflow.log_params(params)
    run = _register(
        world,
        WrittenRun(
            active.info.run_id,
            "baseline-broken",
            BASELINES,
            "FAILED",
            active.info.start_time,
            params=params,
        ),
    )
    _log_points(
        run, "train:loss", [Point(s, base + s * 1_000, v) for s, v in enumerate([2.3, 2.9, 4.1])]
    )
    mlflow.end_run(status="FAILED")


def _write_live(client: MlflowClient, world: World, experiment_id: str, base: int) -> None:
    # Made by the client, not the fluent API, which would end it when the process exits.
    params = {"C": 0.1, "solver": "saga", "max_iter": 1000}
    active = client.create_run(experiment_id, run_name="baseline-live")
    for key, value in params.items():
        client.log_param(active.info.run_id, key, value)
    run = _register(
        world,
        WrittenRun(
            active.info.run_id,
            "baseline-live",
            BASELINES,
            "RUNNING",
            active.info.start_time,
            params=params,
        ),
    )
    run.metrics["train:loss"] = []
    append_points(client, run, "train:loss", 5, start=base)


def live_loss(step: int) -> float:
    return round(1.5 / (step + 1), 6)


def append_points(
    client: MlflowClient, run: WrittenRun, metric: str, count: int, *, start: int | None = None
) -> list[Point]:
    """Log ``count`` more points of ``metric`` to a running run (steps go on from its last one;
    timestamps a second apart, from ``start`` or now), and add them to ``run``'s description."""
    points = run.metrics.setdefault(metric, [])
    first_step = points[-1].step + 1 if points else 0
    first_time = (
        start if start is not None else max(now_ms(), points[-1].timestamp + 1 if points else 0)
    )
    added = [
        Point(first_step + i, first_time + i * 1_000, live_loss(first_step + i))
        for i in range(count)
    ]
    for point in added:
        client.log_metric(run.run_id, metric, point.value, point.timestamp, point.step)
    points.extend(added)
    return added


# The PostgreSQL team test: eight writers, each its own process, logging at once.
TEAM_EXPERIMENTS = ("team-a", "team-b")
TEAM_STEPS = 25
TEAM_METRICS = ("train:loss", "test:accuracy")
TEAM_CHILDREN = 2


def team_experiment(writer: int) -> str:
    return TEAM_EXPERIMENTS[writer % len(TEAM_EXPERIMENTS)]


def team_status(writer: int) -> str:
    """How a writer's standalone run ends: a mix of MLflow's terminal statuses."""
    return {1: "FAILED", 3: "KILLED"}.get(writer % 4, "FINISHED")


def team_value(run_name: str, metric: str, step: int) -> float:
    """The value every writer logs for (run, metric, step): a reader can check any point it sees
    before the writer has finished."""
    offset = zlib.crc32(f"{run_name}/{metric}".encode()) % 997 / 997
    if metric == "train:loss":
        return round(offset + 2.0 / (step + 1), 6)
    return round(0.5 + 0.3 * offset + 0.004 * step, 6)


def write_team_share(uri: str, writer: int, steps: int = TEAM_STEPS) -> list[WrittenRun]:
    """One writer's share, as a user's training script writes it: a sweep (a parent run with
    nested children) and a standalone run, in ``team_experiment(writer)``, which must exist."""
    mlflow.set_tracking_uri(uri)
    experiment = team_experiment(writer)
    mlflow.set_experiment(experiment)
    written: list[WrittenRun] = []
    with mlflow.start_run(run_name=f"w{writer}-sweep") as parent:
        params: dict[str, Any] = {"writer": writer, "strategy": "random"}
        mlflow.log_params(params)
        sweep = WrittenRun(
            parent.info.run_id,
            f"w{writer}-sweep",
            experiment,
            "FINISHED",
            parent.info.start_time,
            params=params,
        )
        written.append(sweep)
        for child in range(TEAM_CHILDREN):
            with mlflow.start_run(run_name=f"w{writer}-child-{child}", nested=True) as active:
                params = {
                    "writer": writer,
                    "lr": [0.1, 0.01][child],
                    "optimizer": ["sgd", "adam"][child],
                }
                written.append(_team_run(active, experiment, params, steps, parent.info.run_id))
        best = max(run.latest("test:accuracy").value for run in written[1:])
        point = Point(0, now_ms(), best)
        mlflow.log_metric("best:test:accuracy", best, step=0, timestamp=point.timestamp)
        sweep.metrics["best:test:accuracy"] = [point]
    active = mlflow.start_run(run_name=f"w{writer}-solo")
    params = {"writer": writer, "seed": 100 + writer, "optimizer": "sgd"}
    solo = _team_run(active, experiment, params, steps, None)
    mlflow.end_run(status=team_status(writer))
    solo.status = team_status(writer)
    return [*written, solo]


def _team_run(
    active: Any, experiment: str, params: dict[str, Any], steps: int, parent: str | None
) -> WrittenRun:
    mlflow.log_params(params)
    name = active.info.run_name
    run = WrittenRun(
        active.info.run_id, name, experiment, "FINISHED", active.info.start_time, parent, params
    )
    timestamp = 0
    for step in range(steps):
        timestamp = max(now_ms(), timestamp + 1)  # every point of a run at its own time
        values = {metric: team_value(name, metric, step) for metric in TEAM_METRICS}
        mlflow.log_metrics(values, step=step, timestamp=timestamp)
        for metric, value in values.items():
            run.metrics.setdefault(metric, []).append(Point(step, timestamp, value))
    return run
