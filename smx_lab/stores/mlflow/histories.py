"""Exact metric statistics and series from MLflow's full histories, cached.

MLflow keeps only each metric's latest value on the run. ``Last`` is that value; Min, Max, Avg,
StdDev (sample) and Count come from every point of the history, read a hundred runs a call
(:meth:`.backend.Backend.histories`) with at most ``max_concurrency`` reads in flight, and kept:

- by (run, metric), under the run's *version*: its status, its end time and the metric's latest
  (step, time, value) as the run record reports it. A run record that changes (a new point, the
  run ending) makes its histories be read again; an unchanged one costs no call.
- a running run's histories are also read again once they are ``cache_seconds`` old, for points
  logged behind the latest one.
- points are kept as arrays, up to :data:`MAX_CACHED_POINTS` in all (least recently used first
  out); statistics are kept for every metric seen.

Non-finite points (MLflow accepts NaN and infinities) count in no statistic and are drawn in no
series.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...model import MetricSummary
from .backend import RUNS_PER_BULK, Backend
from .records import run_id, seconds

MAX_CACHED_POINTS = 20_000_000


@dataclass
class History:
    """One metric of one run: steps, times (seconds) and values, finite points only, sorted by
    time then step."""

    steps: np.ndarray
    times: np.ndarray
    values: np.ndarray

    @property
    def size(self) -> int:
        return int(self.values.size)


@dataclass
class _Entry:
    version: tuple[Any, ...]
    read_at: float
    summary: MetricSummary | None
    history: History | None


def version(run: dict[str, Any], key: str) -> tuple[Any, ...]:
    """What must stay the same for a cached history of ``key`` to still be the run's."""
    info = run["info"]
    metrics = run.get("data", {}).get("metrics") or []
    latest: dict[str, Any] = next((m for m in metrics if m["key"] == key), {})
    return (
        info.get("status"),
        str(info.get("end_time")),
        str(latest.get("step")),
        str(latest.get("timestamp")),
        str(latest.get("value")),
    )


def history_of(points: Iterable[dict[str, Any]]) -> History:
    rows = [
        (float(p.get("value", math.nan)), int(p.get("step") or 0), int(p.get("timestamp") or 0))
        for p in points
    ]
    values = np.array([r[0] for r in rows], dtype=np.float64)
    steps = np.array([r[1] for r in rows], dtype=np.int64)
    times = np.array([r[2] for r in rows], dtype=np.float64) / 1000.0
    keep = np.isfinite(values)
    order = np.lexsort((steps[keep], times[keep]))
    return History(steps[keep][order], times[keep][order], values[keep][order])


def summary_of(key: str, history: History, latest: dict[str, Any]) -> MetricSummary | None:
    """The statistics of a history; ``Last`` and its time are the run record's latest value."""
    values = history.values
    if values.size == 0:
        return None
    count = int(values.size)
    mean = float(values.mean())
    std = float(values.std(ddof=1)) if count > 1 else 0.0
    last = float(latest.get("value", values[-1]))
    if not math.isfinite(last):
        last = float(values[-1])
    return MetricSummary(
        metric_name=key,
        count=count,
        min=float(values.min()),
        max=float(values.max()),
        avg=mean,
        std_dev=std,
        last=last,
        time_stamp=seconds(latest.get("timestamp")) if latest else float(history.times[-1]),
    )


class Histories:
    """The cache of histories and statistics of one store."""

    def __init__(self, backend: Backend, *, max_concurrency: int, cache_seconds: float) -> None:
        self.backend = backend
        self.cache_seconds = cache_seconds
        self._entries: OrderedDict[tuple[str, str], _Entry] = OrderedDict()
        self._cached_points = 0
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(
            max_workers=max_concurrency, thread_name_prefix="smx-mlflow"
        )

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._cached_points = 0

    # -- reads ----------------------------------------------------------------------------------

    def summaries(
        self, runs: list[dict[str, Any]], refresh: bool = False
    ) -> dict[str, list[MetricSummary]]:
        """Each run's metric summaries (by run ID), in the order the run lists its metrics."""
        self._ensure(runs, None, refresh, need_points=False)
        out: dict[str, list[MetricSummary]] = {}
        with self._lock:
            for run in runs:
                found = []
                for latest in run.get("data", {}).get("metrics") or []:
                    entry = self._entries.get((run_id(run), latest["key"]))
                    if entry is not None and entry.summary is not None:
                        found.append(entry.summary)
                out[run_id(run)] = found
        return out

    def histories(
        self, runs: list[dict[str, Any]], keys: list[str] | None, refresh: bool = False
    ) -> dict[tuple[str, str], History]:
        """Every point of the named metrics (all when None) of each run, by (run ID, metric)."""
        self._ensure(runs, keys, refresh, need_points=True)
        out: dict[tuple[str, str], History] = {}
        with self._lock:
            for run in runs:
                for key in _keys(run, keys):
                    entry = self._entries.get((run_id(run), key))
                    if entry is not None and entry.history is not None:
                        out[(run_id(run), key)] = entry.history
        return out

    # -- the cache ------------------------------------------------------------------------------

    def _fresh(self, run: dict[str, Any], key: str, need_points: bool, now: float) -> bool:
        entry = self._entries.get((run_id(run), key))
        if entry is None or entry.version != version(run, key):
            return False
        if need_points and entry.history is None:
            return False
        running = run["info"].get("status") in ("RUNNING", "SCHEDULED")
        return not (running and now - entry.read_at > self.cache_seconds)

    def _ensure(
        self, runs: list[dict[str, Any]], keys: list[str] | None, refresh: bool, need_points: bool
    ) -> None:
        now = time.monotonic()
        wanted: dict[str, list[dict[str, Any]]] = {}
        with self._lock:
            for run in runs:
                for key in _keys(run, keys):
                    if refresh or not self._fresh(run, key, need_points, now):
                        wanted.setdefault(key, []).append(run)
        jobs = []
        for key, key_runs in wanted.items():
            for start in range(0, len(key_runs), RUNS_PER_BULK):
                chunk = key_runs[start : start + RUNS_PER_BULK]
                jobs.append(self._pool.submit(self._read, key, chunk, now))
        for job in jobs:
            job.result()

    def _read(self, key: str, runs: list[dict[str, Any]], now: float) -> None:
        by_id = {run_id(run): run for run in runs}
        points = self.backend.histories(list(by_id), key)
        with self._lock:
            for identifier, run in by_id.items():
                history = history_of(points.get(identifier, []))
                metrics = run.get("data", {}).get("metrics") or []
                latest: dict[str, Any] = next((m for m in metrics if m["key"] == key), {})
                self._put(
                    (identifier, key),
                    _Entry(version(run, key), now, summary_of(key, history, latest), history),
                )

    def _put(self, key: tuple[str, str], entry: _Entry) -> None:
        old = self._entries.pop(key, None)
        if old is not None and old.history is not None:
            self._cached_points -= old.history.size
        self._entries[key] = entry
        if entry.history is not None:
            self._cached_points += entry.history.size
        for other_key, other in self._entries.items():
            if self._cached_points <= MAX_CACHED_POINTS:
                break
            if other.history is not None and other_key != key:
                self._cached_points -= other.history.size
                other.history = None


def _keys(run: dict[str, Any], keys: list[str] | None) -> list[str]:
    logged = [m["key"] for m in run.get("data", {}).get("metrics") or []]
    return logged if keys is None else [k for k in keys if k in logged]
