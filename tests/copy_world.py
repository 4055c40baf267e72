"""A known world in the embedded store for ``smx-lab copy``'s tests, and the comparisons they make.

:func:`fill_local` writes, under a name prefix (so that several worlds can share an MLflow
server): experiments ``<p>digits`` (a description, a tag) and ``<p>other``; trials ``<p>trial-0``
and ``<p>trial-1`` in the first, ``<p>other-trial`` in the second; components

- ``<p>preprocessing``: a number, a text and a number-looking text parameter, an input artifact by
  S3 URI; in all three trials (two experiments);
- ``<p>training-0``, ``<p>training-1``: parameters, ``train:loss`` and ``test:accuracy`` at steps
  0..n-1 on whole milliseconds, a metric logged without steps, a local file as an output artifact;
- ``<p>failed``: status Failed with a message, in ``<p>trial-1``;
- ``<p>loner``: in no trial.

Every time is on a whole millisecond, MLflow's precision, so a round trip through MLflow can be
compared exactly.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smx_lab.model import Artifact, MetricPoint, Status
from smx_lab.selection import Selection, resolve_columns
from smx_lab.stores.base import Store
from smx_lab.stores.local import LocalStore
from smx_lab.table import component_table


@dataclass
class LocalWorld:
    path: Path
    prefix: str
    components: list[str]
    experiments: list[str]
    points: int


def _ms(seconds: float) -> float:
    return round(seconds * 1000) / 1000


def fill_local(
    path: Path, prefix: str = "", *, steps: int = 50, trainings: int = 2, metrics: int = 2
) -> LocalWorld:
    store = LocalStore(path)
    base = _ms(time.time() - 7200)
    digits, other = f"{prefix}digits", f"{prefix}other"
    store.create_experiment(digits, description="Digits MLP sweep", tags={"team": "vision"})
    store.create_experiment(other)
    trials = [f"{prefix}trial-{i}" for i in range(max(trainings, 2))]
    for trial in trials:
        store.create_trial(trial, digits, tags={"sweep": "lr"})
    store.create_trial(f"{prefix}other-trial", other)
    names = [_preprocessing(store, prefix, base, [*trials, f"{prefix}other-trial"])]
    points = 0
    for index in range(trainings):
        name = f"{prefix}training-{index}"
        points += _training(store, name, index, base, steps, metrics, path.parent)
        store.associate_trial_component(name, trials[index])
        names.append(name)
    store.create_trial_component(f"{prefix}failed", display_name="Broken", start_time=base)
    store.update_trial_component(
        f"{prefix}failed",
        status=Status("Failed", "ValueError: the loss went to NaN"),
        end_time=base + 3,
    )
    store.associate_trial_component(f"{prefix}failed", trials[1])
    store.create_trial_component(f"{prefix}loner", display_name="Scratch")
    store.log_metrics(f"{prefix}loner", [MetricPoint("x", 1.5, base + 1, 0)])
    store.close()
    return LocalWorld(
        path, prefix, [*names, f"{prefix}failed", f"{prefix}loner"], [digits, other], points + 1
    )


def _preprocessing(store: LocalStore, prefix: str, base: float, trials: list[str]) -> str:
    name = f"{prefix}preprocessing"
    store.create_trial_component(
        name, display_name="Preprocessing", start_time=base, tags={"stage": "data"}
    )
    store.update_trial_component(
        name,
        parameters={"mean": 0.1307, "version": "2", "kind": "scale"},
        input_artifacts={"mnist": Artifact("s3://bucket/mnist/train.csv", "text/csv")},
        status=Status("Completed"),
        end_time=base + 1,
    )
    for trial in trials:
        store.associate_trial_component(name, trial)
    return name


def _training(
    store: LocalStore, name: str, index: int, base: float, steps: int, metrics: int, folder: Path
) -> int:
    lr = [0.1, 0.01, 0.03, 0.003][index % 4]
    store.create_trial_component(name, display_name=f"Training-{index}", start_time=base + 10)
    model = folder / f"{name}-model.txt"
    model.write_text(f"weights of {name}\n")
    uri = store.upload_artifact(name, str(model), "model.txt")
    store.update_trial_component(
        name,
        parameters={"lr": lr, "optimizer": "sgd", "epochs": float(steps)},
        output_artifacts={"model": Artifact(uri, "text/plain")},
    )
    points = [
        MetricPoint(metric, _value(metric, lr, step), _ms(base + 10 + step * 0.25), step)
        for step in range(steps)
        for metric in ["train:loss", "test:accuracy", *[f"m{k}" for k in range(metrics - 2)]]
    ]
    points += [MetricPoint("lr-used", lr, base + 20 + k, None) for k in range(2)]
    store.log_metrics(name, points)
    store.update_trial_component(name, status=Status("Completed"), end_time=base + 30)
    return len(points)


def _value(metric: str, lr: float, step: int) -> float:
    if metric == "train:loss":
        return round(2.0 / (step + 1) + lr, 9)
    if metric == "test:accuracy":
        return round(0.5 + 0.45 * step / (step + 10) + lr, 9)
    return round((step * 7919 % 1000) / 1000.0, 9)


# --- comparisons ---------------------------------------------------------------------------------


def table(
    store: Store, experiments: list[str], unassigned: bool = True
) -> dict[str, dict[str, Any]]:
    """smx-lab's table (ExperimentAnalytics' columns and the list's Status and times) of the
    experiments' components and, with ``unassigned``, those in no trial, by component."""
    selection = Selection.from_json({"experiments": experiments, "unassigned": unassigned})
    rows = component_table(resolve_columns(store, selection)).rows(with_records=True)
    return {row["TrialComponentName"]: row for row in rows}


def without_copy_tags(tags: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in tags.items() if not k.startswith("smx-lab.")}


def points_of(store: Store, name: str) -> list[tuple[str, int | None, float, float]]:
    return sorted(
        (p.metric_name, p.step, round(p.timestamp * 1000), p.value)
        for p in store.metric_points(name)
    )


def run_cli(*arguments: str) -> tuple[int, str, str]:
    """``smx-lab`` run in this process: its exit code, its output and its error output."""
    import contextlib
    import io

    from smx_lab.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(arguments))
    return code, out.getvalue(), err.getvalue()


def copy_command(source: str, target: str, *more: str) -> list[str]:
    """The console script's command line (for a subprocess)."""
    return [sys.executable, "-m", "smx_lab.cli", "copy", "--from", source, "--to", target, *more]


def dumped(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)
