"""Embedded store benchmarks: ``python benchmarks/bench_store.py``.

1. Logging 1,000,000 metric points from one process through the tracking API (``Tracker.log_metric``
   with iteration numbers; the time includes the final flush). Target <= 10 s.
2. Reading a component's metric summaries when it holds 1,000,000 points
   (``LocalStore.get_trial_component``, the full record). Target <= 5 ms.
3. One 1,000,000-point series reduced to 1,000 points (``LocalStore.metric_series``, step axis).
   Target p50 <= 50 ms. The time axis and a zoomed range are measured too, without targets.

Medians of several repetitions; the figures go to ``benchmarks/results/store.json``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from harness import Figure, median, percentile, time_calls, write_result

from smx_lab import Tracker
from smx_lab.model import SeriesQuery
from smx_lab.stores.local import LocalStore

POINTS = 1_000_000
LOG_REPEAT = 3
READ_REPEAT = 50
SERIES_REPEAT = 20


def log_million(folder: Path, run: int) -> tuple[float, LocalStore, str]:
    store = LocalStore(folder / f"log-{run}.sqlite")
    started = time.perf_counter()
    with Tracker.create(display_name="benchmark", store=store) as tracker:
        for step in range(POINTS):
            tracker.log_metric("train:loss", 1.0 / (step + 1), iteration_number=step)
    return time.perf_counter() - started, store, tracker.trial_component_name


def main() -> int:
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="smx-bench-store-") as name:
        folder = Path(name)
        log_seconds = []
        for run in range(LOG_REPEAT):
            seconds, store, component = log_million(folder, run)
            log_seconds.append(seconds)
            print(f"logged {POINTS:,} points in {seconds:.2f} s", flush=True)
            if run < LOG_REPEAT - 1:
                store.close()
        figures.append(
            Figure(
                "log 1M points via tracking API",
                median(log_seconds),
                "s",
                target=10.0,
                extra={"repeat": LOG_REPEAT, "runs_s": [round(s, 3) for s in log_seconds]},
            )
        )

        read = time_calls(lambda: store.get_trial_component(component), repeat=READ_REPEAT)
        summary = store.get_trial_component(component).metric("train:loss")
        assert summary is not None and summary.count == POINTS
        figures.append(
            Figure(
                "read summaries of a 1M-point component",
                median(read),
                "ms",
                target=5.0,
                extra={"repeat": READ_REPEAT, "p90_ms": round(percentile(read, 90), 3)},
            )
        )

        def series(x_axis: str, x_range: tuple[float, float] | None = None) -> list[float]:
            query = [SeriesQuery(component, "train:loss")]
            answer = store.metric_series(
                query,
                x_axis=x_axis,  # type: ignore[arg-type]
                max_points=1000,
                x_range=x_range,
            )[0]
            assert answer.raw_count > 1000 and len(answer.x) <= 1000
            return time_calls(
                lambda: store.metric_series(query, x_axis=x_axis, max_points=1000, x_range=x_range),
                repeat=SERIES_REPEAT,
            )

        step_axis = series("step")
        figures.append(
            Figure(
                "reduce 1M-point series to 1,000 (step axis) p50",
                median(step_axis),
                "ms",
                target=50.0,
                extra={"repeat": SERIES_REPEAT, "p90_ms": round(percentile(step_axis, 90), 3)},
            )
        )
        time_axis = series("time")
        figures.append(
            Figure(
                "reduce 1M-point series to 1,000 (time axis) p50",
                median(time_axis),
                "ms",
                extra={"repeat": SERIES_REPEAT, "p90_ms": round(percentile(time_axis, 90), 3)},
            )
        )
        zoomed = series("step", (123_456.5, 654_321.25))
        figures.append(
            Figure(
                "reduce a zoomed 530k-point range to 1,000 (step axis) p50",
                median(zoomed),
                "ms",
                extra={"repeat": SERIES_REPEAT, "p90_ms": round(percentile(zoomed, 90), 3)},
            )
        )
        store.close()
    write_result(
        "store",
        "Embedded store: logging, summaries and series reduction at 1,000,000 points",
        figures,
        notes=[f"{POINTS:,} points of one metric, one process, default batch size"],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
