"""``smx-lab copy`` from the embedded store into a local ``mlflow server``, side by side with
MLflow's own client doing the same copy in a ``log_batch`` loop.

    python benchmarks/bench_copy.py            # 100 components x 5 metrics x 1,000 points, 3 times
    python benchmarks/bench_copy.py --repeat 5

The source (500,000 points) is written once with the tracking API and kept in
``benchmarks/results/data/copy-source.sqlite``. Each measurement copies it into a new, empty
``mlflow server`` (SQLite backend, uvicorn, one worker; started before the clock starts):

- smx-lab: ``smx-lab copy --from local:... --to mlflow:URL`` as a user runs it, in its own
  process (interpreter start included), with its default ``--jobs 4`` and with ``--jobs 1``;
- MLflow: a loop with MLflow's ``MlflowClient`` in this process: for each component,
  ``create_run``, the parameters, its points read from the embedded store
  (``metric_arrays``) and sent as ``Metric`` entities 1,000 a ``log_batch`` call (MLflow's
  most), then ``set_terminated``.

Both copies are checked: every run holds 5,000 points. Points/s is 500,000 over the wall time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import DATA_DIR, ROOT, Figure, median, write_result

sys.path.insert(0, str(ROOT / "tests"))

COMPONENTS = 100
METRICS = 5
POINTS = 1000
EXPERIMENT = "copy-bench"


def source_store() -> Path:
    """The embedded store to copy, written once with the tracking API."""
    from smx_lab.model import MetricPoint
    from smx_lab.stores.local import LocalStore

    path = DATA_DIR / "copy-source.sqlite"
    if path.exists():
        return path
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.sqlite")
    partial.unlink(missing_ok=True)
    store = LocalStore(partial)
    store.create_experiment(EXPERIMENT)
    store.create_trial("copy-bench-trial", EXPERIMENT)
    start = time.time() - 86_400
    for index in range(COMPONENTS):
        name = f"component-{index:03d}"
        store.create_trial_component(name, display_name=f"run-{index}", start_time=start)
        store.update_trial_component(name, parameters={"lr": 0.001 * (index + 1), "seed": index})
        store.log_metrics(
            name,
            [
                MetricPoint(
                    f"m{m}",
                    ((index * 31 + step * 17 + m) % 1000) / 1000.0,
                    start + step * 0.5 + m * 0.001,
                    step,
                )
                for m in range(METRICS)
                for step in range(POINTS)
            ],
        )
        store.associate_trial_component(name, "copy-bench-trial")
    store.close()
    partial.rename(path)
    return path


def smx_lab_copy(source: Path, url: str, jobs: int) -> float:
    command = [
        sys.executable,
        "-m",
        "smx_lab.cli",
        "copy",
        "--from",
        f"local:{source}",
        "--to",
        f"mlflow:{url}",
        "--jobs",
        str(jobs),
    ]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"smx-lab copy failed:\n{done.stderr}")
    return elapsed


def mlflow_loop(source: Path, url: str) -> float:
    """What a user of MLflow's client writes to copy the same components."""
    from mlflow import MlflowClient
    from mlflow.entities import Metric, Param

    from smx_lab.stores.local import LocalStore

    store = LocalStore(source)
    started = time.perf_counter()
    client = MlflowClient(url)
    experiment_id = client.create_experiment(EXPERIMENT)
    for component in store.list_trial_components(experiment_name=EXPERIMENT, limit=1000).items:
        run = client.create_run(experiment_id, run_name=component.display_name)
        params = [Param(k, str(v)) for k, v in component.parameters.items()]
        arrays = store.metric_arrays(component.trial_component_name)
        metrics = [
            Metric(arrays.metric_names[m], v, int(round(t * 1000)), s)
            for m, v, t, s in zip(
                arrays.metric.tolist(),
                arrays.value.tolist(),
                arrays.timestamp.tolist(),
                arrays.step.tolist(),
                strict=True,
            )
        ]
        for first in range(0, len(metrics), 1000):
            client.log_batch(
                run.info.run_id,
                metrics=metrics[first : first + 1000],
                params=params if first == 0 else [],
            )
        client.set_terminated(run.info.run_id)
    elapsed = time.perf_counter() - started
    store.close()
    return elapsed


def check(url: str) -> None:
    from mlflow import MlflowClient

    client = MlflowClient(url)
    experiment = client.get_experiment_by_name(EXPERIMENT)
    runs = client.search_runs([experiment.experiment_id], max_results=1000)
    runs = [r for r in runs if r.data.tags.get("smx-lab.kind") != "trial"]
    if len(runs) != COMPONENTS:
        raise SystemExit(f"{len(runs)} runs copied, not {COMPONENTS}")
    for run in runs[:3]:
        for m in range(METRICS):
            if len(client.get_metric_history(run.info.run_id, f"m{m}")) != POINTS:
                raise SystemExit(f"run {run.info.run_id} lacks points of m{m}")


def measure(repeat: int) -> dict[str, list[float]]:
    from mlflow_fixtures import MlflowServer

    source = source_store()
    seconds: dict[str, list[float]] = {
        "smx-lab, --jobs 4": [],
        "smx-lab, --jobs 1": [],
        "MLflow": [],
    }
    for attempt in range(repeat):
        for side in seconds:
            with tempfile.TemporaryDirectory() as work, MlflowServer(Path(work)) as server:
                if side == "MLflow":
                    elapsed = mlflow_loop(source, server.url)
                else:
                    elapsed = smx_lab_copy(source, server.url, int(side[-1]))
                check(server.url)
            seconds[side].append(elapsed)
            print(f"  repeat {attempt + 1}, {side}: {elapsed:.1f} s", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    # MLflow's client would print a link to every run it ends, reading the run again to make it.
    os.environ.setdefault("MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT", "true")
    seconds = measure(args.repeat)
    total = COMPONENTS * METRICS * POINTS
    rate = {side: total / median(values) for side, values in seconds.items()}
    figures = [
        Figure(
            f"points/s, {side}", rate[side], "points/s", goal=">=", extra={"seconds": seconds[side]}
        )
        for side in seconds
    ]
    figures.append(
        Figure(
            "ratio (smx-lab --jobs 4 / MLflow log_batch loop)",
            rate["smx-lab, --jobs 4"] / rate["MLflow"],
            "x",
            goal=">=",
        )
    )
    figures.append(
        Figure(
            "ratio (smx-lab --jobs 1 / MLflow log_batch loop)",
            rate["smx-lab, --jobs 1"] / rate["MLflow"],
            "x",
            goal=">=",
        )
    )
    write_result(
        "copy",
        f"smx-lab copy vs MLflow's log_batch loop ({COMPONENTS} components x {METRICS} metrics x "
        f"{POINTS:,} points, embedded store -> local mlflow server)",
        figures,
        notes=[
            f"{args.repeat} repeats, medians; each copy into a new mlflow server (SQLite, 1 "
            "worker) on this machine. smx-lab timed as a command (interpreter start included); "
            "MLflow's loop in-process, reading the points from the embedded store as it goes.",
        ],
    )


if __name__ == "__main__":
    main()
