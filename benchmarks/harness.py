"""Small helpers shared by the benchmark scripts: timing, percentiles, the result file format.

Every ``benchmarks/bench_<name>.py`` writes ``benchmarks/results/<name>.json``; ``run.py`` reads
them all and renders ``docs/benchmarks.md``. The format ``write_result`` writes is::

    {"name": "load", "title": "...", "command": "python benchmarks/bench_load.py",
     "measured_at": "2026-...Z", "notes": ["..."],
     "figures": [{"name": "search p50 under load", "value": 12.3, "unit": "ms",
                  "stat": "median", "target": 50.0, "goal": "<=", "passed": true,
                  "extra": {...}}]}

``run.py`` also renders result files in other shapes (see ``run.figures_of``), so a script that
writes its own JSON still shows up in the table.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
DATA_DIR = RESULTS_DIR / "data"  # generated stores, ignored by git like the results

Goal = Literal["<=", ">="]

# The machine's 1-minute load average when this benchmark started: other work on the machine
# slows every figure, so each result file says how busy it was.
LOAD_AT_START = os.getloadavg()[0] if hasattr(os, "getloadavg") else math.nan


@dataclass
class Figure:
    """One measured figure. ``goal`` says which side of ``target`` passes."""

    name: str
    value: float
    unit: str
    stat: str = "median"
    target: float | None = None
    goal: Goal = "<="
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool | None:
        if self.target is None or not math.isfinite(self.value):
            return None
        return self.value <= self.target if self.goal == "<=" else self.value >= self.target

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["passed"] = self.passed
        return out


def percentile(values: Iterable[float], q: float) -> float:
    """The q-th percentile (0..100) with linear interpolation, as numpy's default computes it."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = (len(ordered) - 1) * q / 100.0
    low = math.floor(rank)
    high = math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def time_calls(call: Callable[[], Any], *, repeat: int, warmup: int = 1) -> list[float]:
    """Wall-clock milliseconds of ``repeat`` calls, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        call()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000.0)
    return timings


def time_calls_within(
    call: Callable[[], Any], *, repeat: int, budget_s: float = 60.0, minimum: int = 5
) -> list[float]:
    """Like ``time_calls``, but a slow call is repeated fewer times (never fewer than ``minimum``):
    as many as fit in ``budget_s`` judging by the untimed warm-up call."""
    started = time.perf_counter()
    call()
    first = time.perf_counter() - started
    fitting = int(budget_s / first) if first > 0 else repeat
    return time_calls(call, repeat=max(minimum, min(repeat, fitting)), warmup=0)


def median(values: Iterable[float]) -> float:
    listed = list(values)
    return statistics.median(listed) if listed else math.nan


def write_result(
    name: str,
    title: str,
    figures: list[Figure],
    *,
    command: str | None = None,
    notes: list[str] | None = None,
) -> Path:
    """Write ``results/<name>.json`` and print the figures as a small table."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    document = {
        "name": name,
        "title": title,
        "command": command or f"python benchmarks/bench_{name}.py",
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "notes": notes or [],
        "load_average": {"start": round(LOAD_AT_START, 2), "end": round(os.getloadavg()[0], 2)},
        "figures": [figure.to_dict() for figure in figures],
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
    width = max((len(f.name) for f in figures), default=10)
    print(f"\n{title}")
    for figure in figures:
        target = "" if figure.target is None else f"  target {figure.goal} {figure.target:g}"
        verdict = {True: "  PASS", False: "  FAIL", None: ""}[figure.passed]
        print(f"  {figure.name:<{width}}  {figure.value:>12.3f} {figure.unit}{target}{verdict}")
    for note in notes or []:
        print(f"  note: {note}")
    print(f"-> {path.relative_to(ROOT)}")
    return path


def benchmark_store(components: int = 100_000) -> Path:
    """The generated benchmark store of ``components`` trial components, built once and reused.

    ``$SMX_LAB_BENCH_DB`` names an existing store to use instead. The store is built by
    ``benchmarks/generate.py`` (the one generator of benchmark data)."""
    given = os.environ.get("SMX_LAB_BENCH_DB")
    if given and components == 100_000:
        return Path(given)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / f"components-{components}.sqlite"
    if path.exists():
        return path
    import subprocess

    generator = BENCH_DIR / "generate.py"
    if not generator.exists():
        raise SystemExit(
            f"{generator.relative_to(ROOT)} is missing: cannot build the benchmark store"
        )
    partial = path.with_suffix(".partial.sqlite")
    partial.unlink(missing_ok=True)
    print(
        f"building {path.relative_to(ROOT)} with generate.py ({components} components) ...",
        flush=True,
    )
    subprocess.run(
        [sys.executable, str(generator), "--components", str(components), "--db", str(partial)],
        check=True,
        cwd=ROOT,
    )
    # Fold the write-ahead log into the file, then rename: an interrupted build is never reused.
    import sqlite3

    connection = sqlite3.connect(partial)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    partial.rename(path)
    return path


def parameter_value_text(value: Any) -> str:
    """A parameter value as text, the way MLflow's ``log_param`` stores it (``str(value)``)."""
    return value if isinstance(value, str) else str(value)


def typical_search(components: list[Any]) -> dict[str, Any]:
    """The benchmarks' search: two parameter filters and a metric filter that select a real share
    of the data (the two parameters with the fewest distinct values, their most common pair, and the
    median of a metric's latest value among those components), sorted by that metric, descending.

    Returns ``{"parameters": [(name, value), (name, value)], "metric": name, "threshold": x,
    "search_expression": {...}, "sort_by": "Metrics.<name>.Last"}``."""
    from collections import Counter

    distinct: dict[str, set[str]] = {}
    for component in components[:2000]:
        for name, value in component.parameters.items():
            distinct.setdefault(name, set()).add(parameter_value_text(value))
    repeated = sorted(
        (len(values), name) for name, values in distinct.items() if 1 < len(values) <= 50
    )
    if len(repeated) < 2:
        raise SystemExit("the benchmark store has fewer than two parameters with repeated values")
    first, second = repeated[0][1], repeated[1][1]
    pairs = Counter(
        (c.parameters[first], c.parameters[second])
        for c in components
        if first in c.parameters and second in c.parameters
    )
    (value_1, value_2), _ = pairs.most_common(1)[0]
    chosen = [
        c
        for c in components
        if c.parameters.get(first) == value_1 and c.parameters.get(second) == value_2
    ]
    metric = Counter(summary.metric_name for c in chosen for summary in c.metrics).most_common(1)[
        0
    ][0]
    lasts = sorted(s.last for c in chosen for s in c.metrics if s.metric_name == metric)
    threshold = lasts[len(lasts) // 2]
    parameters = [(first, value_1), (second, value_2)]
    filters = [
        {"Name": f"Parameters.{name}", "Operator": "Equals", "Value": parameter_value_text(value)}
        for name, value in parameters
    ]
    filters.append(
        {"Name": f"Metrics.{metric}.Last", "Operator": "GreaterThan", "Value": repr(threshold)}
    )
    return {
        "parameters": parameters,
        "metric": metric,
        "threshold": threshold,
        "search_expression": {"Filters": filters},
        "sort_by": f"Metrics.{metric}.Last",
    }


def sample_components(store: Any, limit: int | None = None) -> list[Any]:
    """Every component of a store (or the first ``limit``), by name, through its search."""
    components: list[Any] = []
    cursor = None
    while limit is None or len(components) < limit:
        page = store.search(
            "ExperimentTrialComponent",
            None,
            sort_by="Name",
            sort_order="Ascending",
            limit=500,
            cursor=cursor,
        )
        components.extend(page.items)
        cursor = page.next_cursor
        if not cursor:
            break
    return components if limit is None else components[:limit]
