"""The server-paged trial component list at 100,000 components: ``python benchmarks/bench_list.py``.

A real ``jupyter server`` (child process, 127.0.0.1, token auth) serves the 100,000-component
benchmark store (``benchmarks/generate.py``); one client sends the requests the list makes, as the
panel sends them, and times each answer (wall clock, request to parsed JSON):

- **first page**: ``table`` with ``limit`` 100 of a selection the server has not seen (each
  repetition names the 20 experiments in another order, which is another selection): the scope,
  its census (every column, which parameters differ) and the page;
- **next page** and **re-sort by a metric statistic** on the same selection;
- **filter**: the first page of the selection narrowed by a query (two parameter filters and a
  metric filter), a new query each repetition;
- **group by** three parameters with 1,000 groups (``table/groups``, first page of 100 groups);
- **CSV**: the whole selection exported (``table/csv``), once.

The browser's side (first rows after "Open in trial component list", in Chromium) is measured by
the browser benchmark that docs/benchmarks.md names next to these figures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import Any

import requests
from harness import ROOT, Figure, benchmark_store, write_result

sys.path.insert(0, str(ROOT / "tests"))
from jupyter_process import JupyterServerProcess  # noqa: E402  (a test helper, reused here)

GROUP_BY = ["Parameters.momentum", "Parameters.batch_size", "Parameters.optimizer"]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--components", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    db = benchmark_store(args.components)
    from smx_lab.stores.local import LocalStore

    store = LocalStore(db)
    try:
        experiments = sorted(e.experiment_name for e in store.list_experiments(limit=1000).items)
    finally:
        store.close()
    work = db.parent / "list-server"
    work.mkdir(exist_ok=True)
    timings: dict[str, list[float]] = {}
    answers: dict[str, Any] = {}
    with JupyterServerProcess(
        work, env={"SMX_LAB_STORE": "local", "SMX_LAB_DB": str(db)}
    ) as server:
        session = requests.Session()
        session.headers.update(server.headers)

        def timed(kind: str, route: str, body: dict[str, Any]) -> Any:
            started = time.perf_counter()
            answer = session.post(server.url(route), json=body, timeout=600)
            answer.raise_for_status()
            parsed = answer.json() if route != "table/csv" else answer.text
            timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
            answers[kind] = parsed
            return parsed

        metric_sort = {"by": "Metrics.test:accuracy.Max", "order": "Descending"}
        for repetition in range(args.repeat):
            rotated = experiments[repetition:] + experiments[:repetition]
            selection = {"experiments": rotated}
            first = timed("first page", "table", {"selection": selection, "limit": 100})
            timed(
                "next page",
                "table",
                {"selection": selection, "limit": 100, "cursor": first["next_cursor"]},
            )
            timed(
                "re-sort by a metric statistic",
                "table",
                {"selection": selection, "limit": 100, "sort": metric_sort},
            )
            threshold = 0.6 + repetition / 100
            query = (
                f"parameters.optimizer = adam and parameters.batch_size >= 64 "
                f"and metrics.test:accuracy.max > {threshold}"
            )
            timed(
                "filter (first page)",
                "table",
                {"selection": {**selection, "search": {"query": query}}, "limit": 100},
            )
            timed(
                "group by 3 parameters (1,000 groups)",
                "table/groups",
                {"selection": selection, "group_by": GROUP_BY, "limit": 100},
            )
        csv_text = timed(
            "CSV of the whole selection",
            "table/csv",
            {"selection": {"experiments": experiments}},
        )

    total = answers["first page"]["total"]
    groups = answers["group by 3 parameters (1,000 groups)"]["total"]
    rows = csv_text.count("\r\n") - 1
    figures = [
        Figure(
            kind,
            statistics.median(values),
            "ms",
            extra={"runs": len(values), "min": min(values), "max": max(values)},
        )
        for kind, values in timings.items()
    ]
    notes = [
        f"{total:,} components in the selection; {groups:,} groups; the CSV has {rows:,} rows",
        "medians over the repetitions (the CSV once); each first page and each filter is a "
        "selection or query the server has not seen",
    ]
    write_result(
        "list",
        "The server-paged list at 100,000 components",
        figures,
        command="python benchmarks/bench_list.py",
        notes=notes,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
