"""smx-lab's MLflow store side by side with MLflow's own client, on one local ``mlflow server``.

    python benchmarks/bench_mlflow_store.py            # 1,000 runs, 3 repeats
    python benchmarks/bench_mlflow_store.py --repeat 5

The server (SQLite backend, uvicorn, one worker) holds 1,000 runs of one experiment, each with 10
parameters and 5 metrics of 200 steps (1,000,000 points), written once with ``log_batch`` and
kept in ``benchmarks/results/data/mlflow-store-1000``. smx-lab is measured as users meet it: a
real Jupyter server with ``SMX_LAB_STORE=mlflow`` answering its REST routes. MLflow's side is its
Python client doing the same work.

1. The trial component list of all 1,000 runs with Max and Last of two metrics: ``POST table``
   (cold: the first request of a new Jupyter server; warm: the same request again) against
   ``search_runs`` + ``get_metric_history`` of both metrics per run, Max computed from the
   history and Last read off the run.
2. A search with an ``or`` that MLflow's filter cannot say: ``POST search`` with the typed query
   against two ``search_runs`` calls merged by run ID (what a user of MLflow's client does).
3. A line chart of one metric of 100 runs: ``POST chart`` against ``get_metric_history`` of the
   100 runs (the points a plot needs, before any drawing).

Both sides' HTTP calls to the tracking server are counted in the server's own access log.
Ratios are MLflow's median divided by smx-lab's (>1: smx-lab is faster).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from harness import DATA_DIR, ROOT, Figure, median, write_result

sys.path.insert(0, str(ROOT / "tests"))

RUNS = 1000
PARAMS = 10
METRICS = 5
STEPS = 200
EXPERIMENT = "bench"
CHART_RUNS = 100
OR_QUERY = "parameters.p0 = 'a' or metrics.m1.last > 0.95"
_REQUEST = re.compile(r'"(GET|POST) /(api|ajax-api)/')


def fill(url: str) -> None:
    """The runs, through MLflow's client (log_batch: one call per run)."""
    from mlflow import MlflowClient
    from mlflow.entities import Metric, Param

    client = MlflowClient(url)
    experiment_id = client.create_experiment(EXPERIMENT)
    started = int(time.time() * 1000) - 3_600_000
    for index in range(RUNS):
        run = client.create_run(experiment_id, run_name=f"run-{index:04d}", start_time=started)
        params = [
            Param(f"p{p}", "abc"[(index + p) % 3] if p == 0 else str((index * 7 + p) % 13))
            for p in range(PARAMS)
        ]
        metrics = [
            Metric(f"m{m}", ((index * 31 + step * 17 + m) % 1000) / 1000.0, started + step, step)
            for m in range(METRICS)
            for step in range(STEPS)
        ]
        for start in range(0, len(metrics), 1000):
            client.log_batch(
                run.info.run_id,
                metrics=metrics[start : start + 1000],
                params=params if start == 0 else [],
            )
        client.set_terminated(run.info.run_id)
        if index % 100 == 99:
            print(f"  {index + 1} runs written", flush=True)


class Requests:
    """The tracking server's requests, counted in its access log."""

    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path

    def count(self) -> int:
        return sum(
            1
            for line in self.log_path.read_text(errors="replace").splitlines()
            if _REQUEST.search(line)
        )


def post(server: Any, route: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        server.url(route),
        data=json.dumps(body).encode(),
        headers={**server.headers, "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=600) as answer:
        return json.loads(answer.read())


def timed(call: Any, requests: Requests) -> tuple[float, int, Any]:
    before = requests.count()
    started = time.perf_counter()
    result = call()
    elapsed = (time.perf_counter() - started) * 1000.0
    time.sleep(0.3)  # the access log is written after the answer
    return elapsed, requests.count() - before, result


def mlflow_table(client: Any, experiment_id: str) -> dict[str, tuple[float, float]]:
    runs = client.search_runs([experiment_id], max_results=RUNS)
    out = {}
    for run in runs:
        for metric in ("m0", "m1"):
            history = client.get_metric_history(run.info.run_id, metric)
            out[f"{run.info.run_id}/{metric}"] = (
                max(p.value for p in history),
                run.data.metrics[metric],
            )
    return out


def mlflow_or(client: Any, experiment_id: str) -> set[str]:
    first = client.search_runs([experiment_id], "params.p0 = 'a'", max_results=RUNS)
    second = client.search_runs([experiment_id], "metrics.m1 > 0.95", max_results=RUNS)
    return {run.info.run_id for run in [*first, *second]}


def smx_table(server: Any) -> dict[str, tuple[float, float]]:
    body = {"selection": {"experiments": [EXPERIMENT]}, "metric_names": ["m0", "m1"]}
    table = post(server, "table", body)
    return {
        f"{row['TrialComponentName']}/{metric}": (row[f"{metric} - Max"], row[f"{metric} - Last"])
        for row in table["rows"]
        for metric in ("m0", "m1")
    }


def smx_or(server: Any) -> set[str]:
    """Every match, page after page (500 a page, the server's cap)."""
    found: set[str] = set()
    cursor = None
    while True:
        body = {"resource": "ExperimentTrialComponent", "query": OR_QUERY, "limit": 500}
        page = post(server, "search", body | ({"cursor": cursor} if cursor else {}))
        found |= {c["TrialComponentName"] for c in page["items"]}
        cursor = page.get("next_cursor")
        if not cursor:
            return found


def smx_chart(server: Any, run_ids: list[str]) -> Any:
    body = {
        "chart_type": "line",
        "data_type": "time_series",
        "selection": {"components": run_ids},
        "metrics": ["m0"],
    }
    return post(server, "chart", body)


def measure(repeat: int) -> tuple[list[Figure], list[str]]:
    from jupyter_process import JupyterServerProcess
    from mlflow import MlflowClient
    from mlflow_fixtures import MlflowServer

    folder = DATA_DIR / f"mlflow-store-{RUNS}"
    marker = folder / "filled"
    if not marker.exists() and folder.exists():
        for path in sorted(folder.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
    figures: list[Figure] = []
    notes: list[str] = []
    with MlflowServer(folder) as mlflow_server:
        if not marker.exists():
            print(f"writing {RUNS} runs to {mlflow_server.url} (once)", flush=True)
            fill(mlflow_server.url)
            marker.write_text("ok\n")
        requests = Requests(mlflow_server.log_path)
        client = MlflowClient(mlflow_server.url)
        experiment_id = client.get_experiment_by_name(EXPERIMENT).experiment_id
        env = {"SMX_LAB_STORE": "mlflow", "MLFLOW_TRACKING_URI": mlflow_server.url}

        ours: dict[str, list[tuple[float, int]]] = {"cold": [], "warm": [], "or": [], "chart": []}
        theirs: dict[str, list[tuple[float, int]]] = {"table": [], "or": [], "chart": []}
        run_ids = [r.info.run_id for r in client.search_runs([experiment_id], max_results=RUNS)]
        chart_ids = sorted(run_ids)[:CHART_RUNS]
        for _ in range(repeat):
            with (
                tempfile.TemporaryDirectory() as work,
                JupyterServerProcess(Path(work), env=env) as server,
            ):
                cold = timed(lambda: smx_table(server), requests)
                warm = timed(lambda: smx_table(server), requests)
                ours["cold"].append(cold[:2])
                ours["warm"].append(warm[:2])
                ours["or"].append(timed(lambda: smx_or(server), requests)[:2])
                ours["chart"].append(timed(lambda: smx_chart(server, chart_ids), requests)[:2])
                table_ours, or_ours = cold[2], smx_or(server)
            their_table = timed(lambda: mlflow_table(client, experiment_id), requests)
            theirs["table"].append(their_table[:2])
            their_or = timed(lambda: mlflow_or(client, experiment_id), requests)
            theirs["or"].append(their_or[:2])
            theirs["chart"].append(
                timed(lambda: [client.get_metric_history(r, "m0") for r in chart_ids], requests)[:2]
            )
            if table_ours != their_table[2]:
                raise SystemExit("the two tables differ")
            if or_ours != their_or[2]:
                raise SystemExit("the two searches differ")
        figures += figures_of(ours, theirs)
    notes.append(
        f"{RUNS} runs x {PARAMS} params x {METRICS} metrics x {STEPS} steps on one local mlflow "
        f"server (SQLite, 1 worker); {repeat} repeats; smx-lab through a real Jupyter server. "
        "Both tables and both searches were checked to be equal."
    )
    return figures, notes


def figures_of(
    ours: dict[str, list[tuple[float, int]]], theirs: dict[str, list[tuple[float, int]]]
) -> list[Figure]:
    def ms(samples: list[tuple[float, int]]) -> float:
        return median(s[0] for s in samples)

    def calls(samples: list[tuple[float, int]]) -> float:
        return median(s[1] for s in samples)

    out = []
    pairs = [
        ("table of 1,000 runs, cold", "cold", "table"),
        ("table of 1,000 runs, warm", "warm", "table"),
        ("search with an 'or'", "or", "or"),
        ("line chart of 100 runs", "chart", "chart"),
    ]
    for title, mine, other in pairs:
        out += [
            Figure(
                f"{title}: smx-lab", ms(ours[mine]), "ms", extra={"http_calls": calls(ours[mine])}
            ),
            Figure(
                f"{title}: MLflow client",
                ms(theirs[other]),
                "ms",
                extra={"http_calls": calls(theirs[other])},
            ),
            Figure(
                f"{title}: ratio (MLflow / smx-lab)",
                ms(theirs[other]) / ms(ours[mine]),
                "x",
                goal=">=",
            ),
            Figure(f"{title}: HTTP calls smx-lab", calls(ours[mine]), "calls"),
            Figure(f"{title}: HTTP calls MLflow client", calls(theirs[other]), "calls"),
        ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    figures, notes = measure(args.repeat)
    write_result(
        "mlflow_store",
        "MLflow store vs MLflow's client (1,000 runs on a local mlflow server)",
        figures,
        notes=notes,
    )


if __name__ == "__main__":
    main()
