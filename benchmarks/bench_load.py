"""The REST API under load: ``python benchmarks/bench_load.py``.

A real ``jupyter server`` (child process, 127.0.0.1, token auth) serves the 100,000-component
benchmark store (``benchmarks/generate.py``). 16 client threads, each with its own keep-alive
connection, send ``search``, ``metrics`` and ``table`` requests in turn for 30 s (a bounded loop:
it also stops after ``--max-requests`` each); one more thread asks for ``info`` every 100 ms and
measures how long it waits, and one more asks for jupyter-server's ``api/status``, which touches no
store: its latency under load shows whether the event loop ever waits for store work (the heavy
routes run in ``SmxLabExtension.worker_processes`` worker processes, or with
``--worker-processes 0`` on the extension's store threads, where their Python holds the server's
interpreter lock; ``info`` reads the store on a thread of the server, so it also shows that lock).

The requests are the ones the panel makes: the search of ``bench_search`` (two parameter filters, a
metric filter, sorted by the metric, first page of 100); the series of four components' metric
reduced to 1,000 points; the comparison table of 100 components.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections import defaultdict
from typing import Any

import psutil
import requests
from harness import (
    ROOT,
    Figure,
    benchmark_store,
    percentile,
    sample_components,
    typical_search,
    write_result,
)

sys.path.insert(0, str(ROOT / "tests"))
from jupyter_process import JupyterServerProcess  # noqa: E402  (a test helper, reused here)

KINDS = ("search", "metrics", "table")


def request_bodies(db: Any) -> dict[str, tuple[str, dict[str, Any]]]:
    from smx_lab.stores.local import LocalStore

    store = LocalStore(db)
    try:
        sample = sample_components(store, limit=5000)
    finally:
        store.close()
    query = typical_search(sample)
    with_metric = [c for c in sample if c.metric(query["metric"])]
    return {
        "search": (
            "search",
            {
                "search_expression": query["search_expression"],
                "sort_by": query["sort_by"],
                "sort_order": "Descending",
                "limit": 100,
            },
        ),
        "metrics": (
            "metrics",
            {
                "queries": [
                    {"component": c.trial_component_name, "metric": query["metric"]}
                    for c in with_metric[:4]
                ],
                "max_points": 1000,
            },
        ),
        "table": ("table", {"components": [c.trial_component_name for c in sample[1000:1100]]}),
    }


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []

    def add(
        self, kind: str, started: float, answer: requests.Response | None, error: str = ""
    ) -> None:
        elapsed = (time.perf_counter() - started) * 1000.0
        if answer is not None and answer.status_code != 200:
            error = f"{kind}: {answer.status_code} {answer.text[:200]}"
        with self.lock:
            if error:
                self.errors.append(error)
            else:
                self.latencies[kind].append(elapsed)


def client(
    server: JupyterServerProcess,
    bodies: dict[str, tuple[str, dict[str, Any]]],
    index: int,
    deadline: float,
    limit: int,
    recorder: Recorder,
) -> None:
    session = requests.Session()
    session.headers.update(server.headers)
    for count in range(limit):
        if time.perf_counter() >= deadline:
            break
        kind = KINDS[(index + count) % len(KINDS)]
        route, body = bodies[kind]
        started = time.perf_counter()
        try:
            answer = session.post(server.url(route), json=body, timeout=60)
        except requests.RequestException as error:
            recorder.add(kind, started, None, f"{kind}: {error}")
            continue
        recorder.add(kind, started, answer)


PROBES = {"info": "smx-lab/api/info", "status": "api/status"}


def cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU time (user + system, s) of the server process, and of its worker processes so far."""
    server = psutil.Process(pid)
    workers = 0.0
    for child in server.children(recursive=True):
        try:
            workers += sum(child.cpu_times()[:2])
        except psutil.NoSuchProcess:
            pass
    return sum(server.cpu_times()[:2]), workers


def probe(
    server: JupyterServerProcess, deadline: float, interval: float, recorder: Recorder, kind: str
) -> None:
    """GET ``PROBES[kind]`` every ``interval`` seconds until ``deadline``."""
    session = requests.Session()
    session.headers.update(server.headers)
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            answer = session.get(server.base + PROBES[kind], timeout=60)
        except requests.RequestException as error:
            recorder.add(kind, started, None, f"{kind}: {error}")
            continue
        recorder.add(kind, started, answer)
        time.sleep(max(0.0, interval - (time.perf_counter() - started)))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--components", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument(
        "--max-requests", type=int, default=100_000, help="per client: the loop's bound"
    )
    parser.add_argument("--probe-interval", type=float, default=0.1)
    parser.add_argument(
        "--worker-processes",
        type=int,
        default=None,
        help="SmxLabExtension.worker_processes (0: the heavy routes on the store's threads); "
        "default: the extension's own default",
    )
    args = parser.parse_args()

    db = benchmark_store(args.components)
    bodies = request_bodies(db)
    work = db.parent / "load-server"
    work.mkdir(exist_ok=True)
    extension = {} if args.worker_processes is None else {"worker_processes": args.worker_processes}
    with JupyterServerProcess(
        work,
        env={"SMX_LAB_STORE": "local", "SMX_LAB_DB": str(db)},
        config={"SmxLabExtension": extension},
    ) as server:
        idle = Recorder()
        for kind in PROBES:
            probe(server, time.perf_counter() + 3, args.probe_interval, idle, kind)
        for kind in KINDS:  # warm the store's caches and connections once
            route, body = bodies[kind]
            requests.post(
                server.url(route), json=body, headers=server.headers, timeout=120
            ).raise_for_status()

        recorder = Recorder()
        assert server.process is not None
        cpu_before = cpu_seconds(server.process.pid)
        started = time.perf_counter()
        deadline = started + args.seconds
        threads = [
            threading.Thread(
                target=client, args=(server, bodies, index, deadline, args.max_requests, recorder)
            )
            for index in range(args.clients)
        ]
        threads += [
            threading.Thread(
                target=probe, args=(server, deadline, args.probe_interval, recorder, kind)
            )
            for kind in PROBES
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        cpu_after = cpu_seconds(server.process.pid)

    served = sum(len(recorder.latencies[kind]) for kind in KINDS)
    figures = [
        Figure(
            "errors (any non-200 or failed request)",
            float(len(recorder.errors)),
            "",
            stat="count",
            target=0.0,
        )
    ]
    figures.append(
        Figure(f"throughput, {args.clients} clients", served / elapsed, "req/s", stat="mean")
    )
    # The server's own CPU per request is what holds its interpreter lock (and so its event loop);
    # the workers' is the same kind of work done elsewhere. Neither depends much on the machine's
    # other load, unlike the latencies.
    for index, whose in enumerate(("server process", "worker processes")):
        spent = (cpu_after[index] - cpu_before[index]) * 1000.0
        figures.append(
            Figure(f"{whose} CPU per request", spent / max(served, 1), "ms", stat="mean")
        )
    for kind in KINDS:
        values = recorder.latencies[kind]
        extra = {"requests": len(values)}
        figures += [
            Figure(f"{kind} p50 under load", percentile(values, 50), "ms", stat="p50", extra=extra),
            Figure(f"{kind} p95 under load", percentile(values, 95), "ms", stat="p95"),
            Figure(f"{kind} p99 under load", percentile(values, 99), "ms", stat="p99"),
        ]
    for kind, meaning in (("status", "event loop"), ("info", "store pool")):
        during, idle_values = recorder.latencies[kind], idle.latencies[kind]
        figures += [
            Figure(f"{kind} ({meaning}) p50 idle", percentile(idle_values, 50), "ms", stat="p50"),
            Figure(f"{kind} ({meaning}) p50 during load", percentile(during, 50), "ms", stat="p50"),
            Figure(
                f"{kind} ({meaning}) p99 during load",
                percentile(during, 99),
                "ms",
                stat="p99",
                target=100.0 if kind == "status" else None,
                extra={"requests": len(during)},
            ),
        ]
    workers = "default" if args.worker_processes is None else str(args.worker_processes)
    notes = [
        f"{args.clients} client threads and the two probes in one process, the server in another, "
        f"all on this machine's {len(os.sched_getaffinity(0))} cores; "
        f"{served:,} requests in {elapsed:.1f} s; worker_processes: {workers}",
        "probes every 100 ms: "
        "jupyter-server's own GET api/status shows whether the event loop is free; "
        "smx-lab's GET info also reads store.info() on a thread of the server process",
        "search: "
        + ", ".join(f["Name"] for f in bodies["search"][1]["search_expression"]["Filters"])
        + f", sorted by {bodies['search'][1]['sort_by']}, limit 100; "
        "metrics: 4 series to 1,000 points; table: 100 components",
    ]
    if recorder.errors:
        notes.append("first errors: " + " | ".join(e for e in recorder.errors[:3] if e))
    write_result(
        "load", f"REST API under load ({args.components:,}-component store)", figures, notes=notes
    )
    return 0 if not recorder.errors else 1


if __name__ == "__main__":
    sys.exit(main())
