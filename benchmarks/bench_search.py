"""Search in the embedded store: two parameter filters and one metric filter, sorted by a metric
statistic, first page of 100, on 100,000 trial components (``generate.py``).

    python benchmarks/bench_search.py [--repeat 30]

Figures (median of ``--repeat`` runs after one warm-up):

- ``search p50``: ``LocalStore.search`` as the REST API calls it: the page of 100 full records
  (parameters, metric summaries, tags, parents) and the ``total``. Target: 20 ms.
- ``matching ids p50``: only the filter, as the store evaluates it (``matching_ids`` in
  ``stores/local/search.py``): each filter's ids read off its index range in one statement, the
  And combined as numpy masks. Its length is the total.
- ``SQLite merge of the same ids p50``: the same ids by the single compound SELECT that
  ``compile_ids`` writes (one sorted merge of the filters' id-ordered index ranges), every id
  fetched: the method the store used before, kept for comparison.
- ``search p50, CPU time``: the search's CPU time in this process, which is where SQLite runs:
  the figure a machine with a free core would show as wall-clock time.

Writes ``benchmarks/results/search.json``.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import (  # noqa: E402
    Figure,
    benchmark_store,
    median,
    percentile,
    sample_components,
    time_calls,
    typical_search,
    write_result,
)

from smx_lab.stores.local import LocalStore  # noqa: E402
from smx_lab.stores.local.search import (  # noqa: E402
    IdSet,
    compile_id_set,
    compile_ids,
    matching_ids,
)

RESOURCE = "ExperimentTrialComponent"


def cpu_times(call: Callable[[], object], *, repeat: int) -> list[float]:
    """CPU milliseconds of this process per call (SQLite runs in it): the work a call does,
    without the time it waits for a core on a busy machine."""
    timings = []
    for _ in range(repeat):
        started = time.process_time()
        call()
        timings.append((time.process_time() - started) * 1000.0)
    return timings


def leaves(node: IdSet) -> list[IdSet]:
    return [node] if not node.arms else [leaf for arm in node.arms for leaf in leaves(arm)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per figure (>= 20)")
    arguments = parser.parse_args(argv)
    repeat = max(arguments.repeat, 20)
    path = benchmark_store(100_000)
    store = LocalStore(path)
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        query = typical_search(sample_components(store, limit=5000))
        expression, sort_by = query["search_expression"], query["sort_by"]

        def search() -> int:
            page = store.search(
                RESOURCE, expression, sort_by=sort_by, sort_order="Descending", limit=100
            )
            return len(page.items)

        id_set = compile_id_set(RESOURCE, expression)
        compiled = compile_ids(RESOURCE, expression)
        assert id_set is not None and compiled is not None, (
            "the filters are all held in child tables"
        )
        merge_sql, merge_params = compiled

        def as_sets() -> int:
            # The store's own connection (and page cache), as a search uses it.
            with store._read() as db:
                top = db.execute("SELECT max(id) FROM trial_components").fetchone()[0]
                return len(matching_ids(db, id_set, top))

        def sqlite_merge() -> int:
            return len(connection.execute(merge_sql, merge_params).fetchall())

        page = store.search(
            RESOURCE, expression, sort_by=sort_by, sort_order="Descending", limit=100
        )
        matches = page.total
        values = [item.metric(query["metric"]).last for item in page.items]
        assert len(page.items) == min(100, matches or 0) and values == sorted(values, reverse=True)
        assert as_sets() == matches and sqlite_merge() == matches

        timings = {name: time_calls(call, repeat=repeat) for name, call in
                   (("search", search), ("ids", as_sets), ("merge", sqlite_merge))}  # fmt: skip
        cpu = cpu_times(search, repeat=repeat)
        plans = [
            " ".join(
                row[3]
                for row in connection.execute(f"EXPLAIN QUERY PLAN {leaf.packed()}", leaf.params)
            )
            for leaf in leaves(id_set)
        ]
    finally:
        connection.close()
        store.close()
    filters = ", ".join(f"{f['Name']} {f['Operator']} {f['Value']}" for f in expression["Filters"])
    extra = {
        "repeat": repeat,
        "matches": matches,
        "p90_ms": round(percentile(timings["search"], 90), 3),
    }
    figures = [
        Figure("search p50", median(timings["search"]), "ms", target=20.0, extra=extra),
        Figure("search p50, CPU time", median(cpu), "ms", target=20.0, extra={"repeat": repeat}),
        Figure("matching ids p50", median(timings["ids"]), "ms", extra={"repeat": repeat}),
        Figure(
            "SQLite merge of the same ids p50",
            median(timings["merge"]),
            "ms",
            extra={"repeat": repeat},
        ),
    ]
    write_result(
        "search",
        "Search: 2 parameter filters + 1 metric filter, sorted by a metric statistic, "
        "first 100 of 100,000",
        figures,
        command="python benchmarks/bench_search.py",
        notes=[
            f"{filters}; sorted by {sort_by} descending; {matches} of 100,000 components match",
            f"load average while measuring: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
            f"on {os.cpu_count()} cores (wall-clock figures include waiting for a core)",
            "each filter's ids read by: " + " | ".join(plans),
            "the page: the first 100 of those ids in sort order, "
            "read off the index of the sorted statistic",
        ],
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
