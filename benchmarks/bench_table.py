"""The comparison table of 500 trial components: ``python benchmarks/bench_table.py``.

On the benchmark store (``benchmarks/generate.py``, 100,000 components by default), four figures,
each the median of ``--repeat`` runs after one warm-up:

- ``build_table`` alone, on 500 components already in memory (the pure column/row shaping);
- the ``table`` route's work in-process: 500 components fetched by name from the store (batched
  searches, ``handlers.components_by_name``), then ``build_table`` (what
  ``POST table {"components": [...]}`` does on its thread pool);
- the same through a search: ``selection.resolve`` gathering 500 components, then
  ``build_table`` (what ``POST table {"search": ...}`` and ``ExperimentAnalytics`` do);
- ``POST table`` with 500 names over HTTP to a real ``jupyter server`` (child process on
  127.0.0.1, token auth): request, validation, store, shaping and JSON, end to end;
- side by side on the same server, the trial component list of one whole experiment (5,000
  components in the default store) as the panel asks for it: one ``POST table`` of the selection
  ``{"experiments": [name]}``, against the requests the panel used to make — the experiment's
  trials, each trial's components page by page, then ``POST table`` of every name — with the
  number of HTTP requests each side made.

Target: 100 ms for a table of 500 components. Results: ``benchmarks/results/table.json``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

import requests
from harness import (
    ROOT,
    Figure,
    benchmark_store,
    median,
    sample_components,
    time_calls,
    write_result,
)

sys.path.insert(0, str(ROOT / "tests"))
from jupyter_process import JupyterServerProcess  # noqa: E402  (a test helper, reused here)

from smx_lab import selection  # noqa: E402
from smx_lab.selection import Selection  # noqa: E402
from smx_lab.stores.collect import components_by_name  # noqa: E402
from smx_lab.stores.local import LocalStore  # noqa: E402
from smx_lab.table import build_table  # noqa: E402

TARGET_MS = 100.0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--components", type=int, default=100_000, help="size of the benchmark store"
    )
    parser.add_argument("--rows", type=int, default=500, help="components in the table")
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()

    db = benchmark_store(args.components)
    store = LocalStore(db)
    try:
        # A slice from the middle of the store, so the names are not the first rows of any index.
        sample = sample_components(store, limit=args.rows * 3)[args.rows : args.rows * 2]
        names = [c.trial_component_name for c in sample]
        columns, _ = build_table(sample)

        shaping = time_calls(lambda: build_table(sample), repeat=args.repeat)
        by_name = time_calls(
            lambda: build_table(components_by_name(store, names)),
            repeat=args.repeat,
        )
        by_search = time_calls(
            lambda: build_table(
                selection.resolve(
                    store, Selection(), sort_by="Name", sort_order="Ascending", limit=args.rows
                )
            ),
            repeat=args.repeat,
        )
    finally:
        store.close()

    experiment = sample[0].parents[0].experiment_name
    over_http, experiment_list = http_timings(db, names, experiment, args.repeat)

    extra: dict[str, Any] = {"rows": len(names), "columns": len(columns), "runs": args.repeat}
    figures = [
        Figure(
            f"build_table, {len(names)} components in memory",
            median(shaping),
            "ms",
            target=TARGET_MS,
            extra=extra,
        ),
        Figure(
            f"store by name + build_table, {len(names)} components",
            median(by_name),
            "ms",
            target=TARGET_MS,
            extra=extra,
        ),
        Figure(
            f"store search + build_table, {args.rows} components",
            median(by_search),
            "ms",
            target=TARGET_MS,
            extra=extra,
        ),
        Figure(
            f"POST table over HTTP, {len(names)} components",
            median(over_http),
            "ms",
            target=TARGET_MS,
            extra=extra,
        ),
        Figure(
            "list of one experiment over HTTP: one table request of the selection",
            median(experiment_list["selection"]),
            "ms",
            extra={**experiment_list["extra"], "requests": 1},
        ),
        Figure(
            "list of one experiment over HTTP: expanded by the client, then table by name",
            median(experiment_list["expanded"]),
            "ms",
            extra={**experiment_list["extra"], "requests": experiment_list["expanded_requests"]},
        ),
    ]
    write_result(
        "table",
        f"Table of {args.rows} trial components ({args.components:,}-component store)",
        figures,
        notes=[
            "medians of wall-clock time after one warm-up run",
            "HTTP: one keep-alive connection, token auth, the JSON answer fully received",
        ],
    )
    return 0


def http_timings(
    db: Path, names: list[str], experiment: str, repeat: int
) -> tuple[list[float], dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="smx-lab-bench-table-") as work:
        server = JupyterServerProcess(
            Path(work), config={"SmxLabExtension": {"store": "local", "db_path": str(db)}}
        )
        with server:
            session = requests.Session()
            session.headers.update(server.headers)

            def post(route: str, body: dict[str, Any]) -> Any:
                answer = session.post(server.url(route), json=body, timeout=120)
                if answer.status_code != 200:
                    raise SystemExit(
                        f"POST {route} answered {answer.status_code}: {answer.text[:300]}"
                    )
                return answer.json()

            def get(route: str, **params: Any) -> Any:
                answer = session.get(server.url(route), params=params, timeout=120)
                if answer.status_code != 200:
                    raise SystemExit(f"GET {route} answered {answer.status_code}")
                return answer.json()

            by_names = time_calls(lambda: post("table", {"components": names}), repeat=repeat)
            requests_made = [0]

            def expanded() -> Any:
                # What the panel did before a table took a selection: page the experiment's
                # trials, page each trial's components (100 a page), then ask for the table.
                made = 0

                def pages(route: str) -> list[Any]:
                    nonlocal made
                    items: list[Any] = []
                    cursor = None
                    while True:
                        made += 1
                        page = get(route, limit=100, **({"cursor": cursor} if cursor else {}))
                        items.extend(page["items"])
                        cursor = page["next_cursor"]
                        if not cursor or not page["items"]:
                            return items

                trials = pages(f"experiments/{experiment}/trials")
                found: dict[str, None] = {}
                for trial in trials:
                    for component in pages(f"trials/{trial['TrialName']}/components"):
                        found.setdefault(component["TrialComponentName"])
                made += 1
                table = post("table", {"components": list(found)})
                requests_made[0] = made
                return table

            def one_request() -> Any:
                return post("table", {"selection": {"experiments": [experiment]}})

            rows = len(one_request()["rows"])
            if len(expanded()["rows"]) != rows:
                raise SystemExit("the two ways of listing the experiment disagree")
            quick = repeat // 3 or 1  # each run lists thousands of components
            experiment_list = {
                "selection": time_calls(one_request, repeat=quick),
                "expanded": time_calls(expanded, repeat=quick),
                "expanded_requests": requests_made[0],
                "extra": {"experiment": experiment, "rows": rows, "runs": quick},
            }
            return by_names, experiment_list


if __name__ == "__main__":
    raise SystemExit(main())
