"""smx-lab's embedded store side by side with MLflow (SQLite backend store), same machine, \
same data.

    python benchmarks/bench_mlflow.py                      # all three comparisons
    python benchmarks/bench_mlflow.py --sizes 1000,10000   # fewer search sizes

1. Search: the components of ``benchmarks/generate.py``'s store at 1,000 / 10,000 / 100,000
   components, mirrored into MLflow as one run per component with the same parameters (as MLflow
   stores them: text) and the same metrics (MLflow's search sees a metric's latest value, so ours
   filters and sorts on ``Metrics.<name>.Last``, the same number). Two parameter filters and one
   metric filter, sorted by that metric descending, first page of 100: ``LocalStore.search`` vs
   ``MlflowClient.search_runs``. Both answers are checked to name the same runs. MLflow's database
   is built through ``MlflowClient.log_batch``; when the build time measured so far projects past
   ``--build-budget`` seconds for a size, that size is built by inserting the same rows into
   MLflow's own tables (its SQLAlchemy models) instead, and the notes say so.
   The same query as a table of every matching run, sorted by the metric: smx-lab's
   ``ExperimentAnalytics(...).dataframe()`` (the SageMaker SDK's drop-in, a pandas DataFrame) vs
   ``MlflowClient.search_runs`` (a list of Run objects) and ``mlflow.search_runs`` (a DataFrame),
   with every matching run (``max_results`` 10,000, ExperimentAnalytics' own cap).
2. Metric history: one metric of 100,000 and 1,000,000 points: ``LocalStore.metric_points`` (every
   raw point), ``LocalStore.metric_arrays`` (every point as numpy arrays), the DataFrame
   ``%smx metrics`` shows (``metric_points_dataframe`` of those arrays) and
   ``LocalStore.metric_series`` (reduced to 1,000) vs ``get_metric_history``.
3. Logging: the same points through the tracking API (``Tracker.log_metric``, one call per point)
   vs MLflow's client: ``log_batch`` of 1,000 points per call, and ``log_metric`` per point
   (measured on a sample, MLflow writes each call to the database).

Ratios are MLflow's median time divided by ours (>1 means smx-lab is faster).
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import shutil
import sys
import time
import uuid
import warnings
from functools import partial
from pathlib import Path
from typing import Any

from harness import (
    DATA_DIR,
    Figure,
    benchmark_store,
    median,
    parameter_value_text,
    sample_components,
    time_calls,
    time_calls_within,
    typical_search,
    write_result,
)

PAGE = 100
MLFLOW_BATCH = 1000  # MLflow's limit of metrics per log_batch call
SEARCH_GOAL_AT_10K = 10.0
DATAFRAME_GOAL_AT_10K = 30.0
EVERY_RUN = 10_000  # ExperimentAnalytics' cap, and as many runs as MLflow's search returns


def quiet_mlflow() -> None:
    logging.getLogger("mlflow").setLevel(logging.ERROR)
    logging.getLogger("alembic").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")
    os.environ.setdefault("MLFLOW_ENABLE_ASYNC_LOGGING", "false")


def mlflow_client(path: Path) -> Any:
    from mlflow.tracking import MlflowClient

    return MlflowClient(tracking_uri=f"sqlite:///{path}")


def quoted(name: str) -> str:
    """A parameter or metric name as MLflow's filter syntax takes any name: in backticks."""
    return f"`{name}`"


# ---------------------------------------------------------------------------------------------
# 1. Search


def our_search(store: Any, query: dict[str, Any]) -> Any:
    return store.search(
        "ExperimentTrialComponent",
        query["search_expression"],
        sort_by=query["sort_by"],
        sort_order="Descending",
        limit=PAGE,
    )


def mlflow_search(client: Any, experiment_id: str, query: dict[str, Any]) -> Any:
    filter_string, order_by = mlflow_filter(query)
    return client.search_runs(
        [experiment_id], filter_string=filter_string, order_by=order_by, max_results=PAGE
    )


def our_dataframe(store: Any, query: dict[str, Any]) -> Any:
    from smx_lab.analytics import ExperimentAnalytics

    return ExperimentAnalytics(
        search_expression=query["search_expression"],
        sort_by=query["sort_by"],
        sort_order="Descending",
        store=store,
    ).dataframe()


def mlflow_filter(query: dict[str, Any]) -> tuple[str, list[str]]:
    clauses = [
        f"params.{quoted(name)} = '{parameter_value_text(value)}'"
        for name, value in query["parameters"]
    ]
    clauses.append(f"metrics.{quoted(query['metric'])} > {query['threshold']!r}")
    return " and ".join(clauses), [f"metrics.{quoted(query['metric'])} DESC"]


def mlflow_every_run(client: Any, experiment_id: str, query: dict[str, Any]) -> Any:
    filter_string, order_by = mlflow_filter(query)
    return client.search_runs(
        [experiment_id], filter_string=filter_string, order_by=order_by, max_results=EVERY_RUN
    )


def mlflow_dataframe(client: Any, experiment_id: str, query: dict[str, Any]) -> Any:
    import mlflow

    filter_string, order_by = mlflow_filter(query)
    mlflow.set_tracking_uri(client.tracking_uri)
    return mlflow.search_runs(
        [experiment_id], filter_string=filter_string, order_by=order_by, max_results=EVERY_RUN
    )


def compare_dataframe(
    store: Any,
    client: Any,
    experiment_id: str,
    query: dict[str, Any],
    repeat: int,
    figures: list[Figure],
    notes: list[str],
) -> None:
    """Every matching run as a table: ExperimentAnalytics' DataFrame vs MLflow's search_runs."""
    frame = our_dataframe(store, query)
    runs = mlflow_every_run(client, experiment_id, query)
    if list(frame["TrialComponentName"]) != [run.info.run_name for run in runs]:
        notes.append(
            f"dataframe: the two answers differ (ours {len(frame)}, MLflow {len(runs)} runs)"
        )
    our_ms = median(time_calls(partial(our_dataframe, store, query), repeat=repeat))
    our_cpu_ms = median(cpu_calls(partial(our_dataframe, store, query), repeat=repeat))
    every = partial(mlflow_every_run, client, experiment_id, query)
    their_ms = median(time_calls_within(every, repeat=repeat))
    their_frame_ms = median(
        time_calls_within(partial(mlflow_dataframe, client, experiment_id, query), repeat=repeat)
    )
    label = f"dataframe of {len(frame)} of 10,000 components"
    extra = {"rows": len(frame), "columns": len(frame.columns)}
    figures += [
        Figure(f"{label}: smx-lab ExperimentAnalytics", our_ms, "ms", extra=extra),
        Figure(f"{label}: smx-lab ExperimentAnalytics, CPU time", our_cpu_ms, "ms"),
        Figure(f"{label}: MLflow MlflowClient.search_runs", their_ms, "ms"),
        Figure(f"{label}: MLflow mlflow.search_runs (DataFrame)", their_frame_ms, "ms"),
        Figure(
            f"{label}: MLflow search_runs / smx-lab",
            their_ms / our_ms,
            "x",
            stat="ratio of medians",
            target=DATAFRAME_GOAL_AT_10K,
            goal=">=",
        ),
        Figure(
            f"{label}: mlflow.search_runs DataFrame / smx-lab",
            their_frame_ms / our_ms,
            "x",
            stat="ratio of medians",
        ),
    ]
    print(
        f"dataframe: ours {our_ms:.2f} ms (CPU {our_cpu_ms:.2f}), MLflow {their_ms:.1f} ms, "
        f"mlflow.search_runs {their_frame_ms:.1f} ms",
        flush=True,
    )
    notes.append(
        "dataframe: the same filters and order, every matching run (max_results 10,000): "
        "ExperimentAnalytics(search_expression=..., sort_by=..., store=...).dataframe(), a new "
        "object each call (no cache); both answers name the same runs in the same order "
        "unless noted"
    )


def cpu_calls(call: Any, *, repeat: int) -> list[float]:
    """CPU milliseconds of this process for ``repeat`` calls, after one untimed call."""
    call()
    timings = []
    for _ in range(repeat):
        started = time.process_time()
        call()
        timings.append((time.process_time() - started) * 1000.0)
    return timings


def run_rows(component: Any, experiment_id: str, run_id: str) -> dict[str, list[dict[str, Any]]]:
    """The rows MLflow's client writes for one run holding a component's parameters and metrics."""
    start = int((component.creation_time or time.time()) * 1000)
    metric_rows = [
        {
            "key": s.metric_name,
            "value": s.last,
            "timestamp": start,
            "step": 0,
            "is_nan": False,
            "run_uuid": run_id,
        }
        for s in component.metrics
    ]
    return {
        "runs": [
            {
                "run_uuid": run_id,
                "name": component.trial_component_name,
                "source_type": "LOCAL",
                "source_name": "",
                "entry_point_name": "",
                "user_id": "bench",
                "status": "FINISHED",
                "start_time": start,
                "end_time": start,
                "source_version": "",
                "lifecycle_stage": "active",
                "artifact_uri": "",
                "experiment_id": int(experiment_id),
            }
        ],
        "tags": [
            {"key": "mlflow.runName", "value": component.trial_component_name, "run_uuid": run_id}
        ],
        "params": [
            {"key": k, "value": parameter_value_text(v), "run_uuid": run_id}
            for k, v in component.parameters.items()
        ],
        "metrics": metric_rows,
        "latest_metrics": [dict(row) for row in metric_rows],
    }


def build_mlflow_with_client(
    client: Any, experiment_id: str, components: list[Any], deadline: float
) -> int:
    """Log runs through MLflow's batch API until done or past ``deadline``; returns runs logged."""
    from mlflow.entities import Metric, Param

    for index, component in enumerate(components):
        if time.monotonic() > deadline:
            return index
        start = int((component.creation_time or time.time()) * 1000)
        run = client.create_run(
            experiment_id, start_time=start, run_name=component.trial_component_name
        )
        client.log_batch(
            run.info.run_id,
            metrics=[Metric(s.metric_name, s.last, start, 0) for s in component.metrics],
            params=[Param(k, parameter_value_text(v)) for k, v in component.parameters.items()],
        )
        client.set_terminated(run.info.run_id, end_time=start)
    return len(components)


def build_mlflow_in_bulk(client: Any, experiment_id: str, components: list[Any]) -> None:
    """Insert the rows the client would write, through MLflow's own table definitions."""
    from mlflow.store.tracking.dbmodels.models import (
        SqlLatestMetric,
        SqlMetric,
        SqlParam,
        SqlRun,
        SqlTag,
    )

    tables = {
        "runs": SqlRun.__table__,
        "tags": SqlTag.__table__,
        "params": SqlParam.__table__,
        "metrics": SqlMetric.__table__,
        "latest_metrics": SqlLatestMetric.__table__,
    }
    engine = client._tracking_client.store.engine
    for start in range(0, len(components), 5000):
        batch: dict[str, list[dict[str, Any]]] = {name: [] for name in tables}
        for component in components[start : start + 5000]:
            for name, rows in run_rows(component, experiment_id, uuid.uuid4().hex).items():
                batch[name].extend(rows)
        with engine.begin() as connection:
            for name, table in tables.items():
                if batch[name]:
                    connection.execute(table.insert(), batch[name])


def mlflow_mirror(
    size: int, components: list[Any], budget: float, client_rate: list[float], notes: list[str]
) -> tuple[Any, str]:
    """MLflow's database holding the same runs, built once per size and kept in benchmarks/.data."""
    path = DATA_DIR / f"mlflow-{size}.sqlite"
    done = path.with_suffix(".done")
    if path.exists() and done.exists():
        client = mlflow_client(path)
        method = done.read_text().strip()
        notes.append(f"{size:,} components: MLflow database reused from {path.name} ({method})")
        return client, client.get_experiment_by_name("bench").experiment_id
    path.unlink(missing_ok=True)
    done.unlink(missing_ok=True)
    client = mlflow_client(path)
    experiment_id = client.create_experiment("bench")
    projected = size / client_rate[-1] if client_rate else 0.0
    if projected > budget:
        started = time.perf_counter()
        build_mlflow_in_bulk(client, experiment_id, components)
        method = (
            f"MLflow's client would need ~{projected / 60:.0f} min "
            f"at the {client_rate[-1]:.0f} runs/s measured "
            f"with log_batch, over the {budget:.0f} s budget: "
            "rows inserted through MLflow's SQLAlchemy models "
            f"in {time.perf_counter() - started:.0f} s"
        )
    else:
        started = time.perf_counter()
        logged = build_mlflow_with_client(
            client, experiment_id, components, time.monotonic() + budget
        )
        elapsed = time.perf_counter() - started
        client_rate.append(logged / elapsed)
        method = (
            f"built with MlflowClient.log_batch: {logged:,} runs in {elapsed:.0f} s "
            f"({logged / elapsed:.0f} runs/s)"
        )
        if logged < len(components):
            build_mlflow_in_bulk(client, experiment_id, components[logged:])
            method += (
                f"; the other {len(components) - logged:,} inserted through "
                "MLflow's SQLAlchemy models (budget)"
            )
    done.write_text(method + "\n")
    notes.append(f"{size:,} components: {method}")
    return client, experiment_id


def compare_search(
    sizes: list[int], budget: float, repeat: int, figures: list[Figure], notes: list[str]
) -> None:
    from smx_lab.stores.local import LocalStore

    client_rate: list[float] = []
    for size in sizes:
        store = LocalStore(benchmark_store(size))
        try:
            components = sample_components(store)
            query = typical_search(components)
            client, experiment_id = mlflow_mirror(size, components, budget, client_rate, notes)
            ours = our_search(store, query)
            theirs = mlflow_search(client, experiment_id, query)
            our_names = [c.trial_component_name for c in ours.items]
            their_names = [run.info.run_name for run in theirs]
            if our_names != their_names:
                notes.append(
                    f"{size:,}: the two answers differ "
                    f"(ours {len(our_names)}, MLflow {len(their_names)} runs)"
                )
            our_ms = median(time_calls(partial(our_search, store, query), repeat=repeat))
            their_ms = median(
                time_calls_within(
                    partial(mlflow_search, client, experiment_id, query), repeat=repeat
                )
            )
            if size == 10_000:
                compare_dataframe(store, client, experiment_id, query, repeat, figures, notes)
        finally:
            store.close()
        label = f"search {size:,} components"
        figures.append(
            Figure(
                f"{label}: smx-lab",
                our_ms,
                "ms",
                extra={"matches": len(our_names), "total": ours.total},
            )
        )
        figures.append(Figure(f"{label}: MLflow search_runs", their_ms, "ms"))
        figures.append(
            Figure(
                f"{label}: MLflow / smx-lab",
                their_ms / our_ms,
                "x",
                stat="ratio of medians",
                target=SEARCH_GOAL_AT_10K if size == 10_000 else None,
                goal=">=",
            )
        )
        print(f"search {size}: ours {our_ms:.2f} ms, MLflow {their_ms:.2f} ms", flush=True)
    notes.append(
        "search: two parameter filters (Equals) and one metric filter "
        "(GreaterThan on the latest value), "
        "sorted by that metric descending, first page of 100; "
        "both answers name the same runs unless noted"
    )


# ---------------------------------------------------------------------------------------------
# 2 and 3. Logging and metric history


def series_points(count: int) -> list[tuple[int, float, float]]:
    """(step, timestamp, value): a noisy decaying loss, deterministic."""
    base = 1_700_000_000.0
    return [
        (step, base + step * 0.01, 1.0 / (1.0 + step * 1e-4) + ((step * 7919) % 1000) * 1e-5)
        for step in range(count)
    ]


def log_ours(store: Any, points: list[tuple[int, float, float]], name: str) -> tuple[str, float]:
    from smx_lab.tracking import Tracker

    started = time.perf_counter()
    with Tracker.create(display_name=name, store=store) as tracker:
        for step, timestamp, value in points:
            tracker.log_metric("loss", value, timestamp=timestamp, iteration_number=step)
    return tracker.trial_component.trial_component_name, time.perf_counter() - started


def log_mlflow_batches(
    client: Any, experiment_id: str, points: list[tuple[int, float, float]]
) -> tuple[str, float]:
    from mlflow.entities import Metric

    run = client.create_run(experiment_id)
    started = time.perf_counter()
    for start in range(0, len(points), MLFLOW_BATCH):
        chunk = points[start : start + MLFLOW_BATCH]
        client.log_batch(
            run.info.run_id, metrics=[Metric("loss", v, int(t * 1000), s) for s, t, v in chunk]
        )
    client.set_terminated(run.info.run_id)
    return run.info.run_id, time.perf_counter() - started


def insert_mlflow_points(
    client: Any, experiment_id: str, points: list[tuple[int, float, float]]
) -> str:
    """A run holding ``points`` as MLflow's client would write them, inserted through its models."""
    from mlflow.store.tracking.dbmodels.models import SqlLatestMetric, SqlMetric

    run_id = client.create_run(experiment_id).info.run_id
    rows = [
        {
            "key": "loss",
            "value": v,
            "timestamp": int(t * 1000),
            "step": s,
            "is_nan": False,
            "run_uuid": run_id,
        }
        for s, t, v in points
    ]
    with client._tracking_client.store.engine.begin() as connection:
        for start in range(0, len(rows), 50_000):
            connection.execute(SqlMetric.__table__.insert(), rows[start : start + 50_000])
        connection.execute(SqlLatestMetric.__table__.insert(), [rows[-1]])
    client.set_terminated(run_id)
    return run_id


def log_mlflow_calls(
    client: Any, experiment_id: str, points: list[tuple[int, float, float]]
) -> float:
    run = client.create_run(experiment_id)
    started = time.perf_counter()
    for step, timestamp, value in points:
        client.log_metric(
            run.info.run_id, "loss", value, timestamp=int(timestamp * 1000), step=step
        )
    return time.perf_counter() - started


def history_frame(store: Any, component: str) -> Any:
    """What ``%smx metrics COMPONENT loss`` shows: every point as a DataFrame, from arrays."""
    from smx_lab.notebook.frames import metric_points_dataframe

    arrays = store.metric_arrays(component, ["loss"])
    return metric_points_dataframe(component, arrays, wide=False, metric_names=["loss"])


def compare_history(
    point_counts: list[int], repeat: int, budget: float, figures: list[Figure], notes: list[str]
) -> None:
    from smx_lab.model import SeriesQuery
    from smx_lab.stores.local import LocalStore

    work = DATA_DIR / "history"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    store = LocalStore(work / "smx-lab.sqlite")
    client = mlflow_client(work / "mlflow.sqlite")
    experiment_id = client.create_experiment("history")
    try:
        sample = series_points(500)
        mlflow_batch_rate = math.inf
        per_call_s = log_mlflow_calls(client, experiment_id, sample)
        mlflow_call_rate = len(sample) / per_call_s
        figures.append(
            Figure(
                "logging: MLflow log_metric per point",
                mlflow_call_rate,
                "points/s",
                extra={"points": len(sample)},
            )
        )
        for count in point_counts:
            points = series_points(count)
            component, our_s = log_ours(store, points, f"history-{count}")
            our_rate = count / our_s
            figures.append(
                Figure(
                    f"logging {count:,} points: smx-lab Tracker.log_metric",
                    our_rate,
                    "points/s",
                    stat="one run",
                )
            )
            figures.append(
                Figure(
                    f"logging {count:,} points: smx-lab / MLflow log_metric",
                    our_rate / mlflow_call_rate,
                    "x",
                    stat="ratio",
                )
            )
            if count / mlflow_batch_rate > budget:
                run_id = insert_mlflow_points(client, experiment_id, points)
                notes.append(
                    f"history {count:,}: MLflow's log_batch would need "
                    f"~{count / mlflow_batch_rate:,.0f} s at the "
                    f"{mlflow_batch_rate:,.0f} points/s measured, "
                    f"over the {budget:.0f} s budget: its points were "
                    "inserted through MLflow's SQLAlchemy models, "
                    "and no MLflow logging figure is given at this size"
                )
            else:
                run_id, their_s = log_mlflow_batches(client, experiment_id, points)
                mlflow_batch_rate = count / their_s
                figures += [
                    Figure(
                        f"logging {count:,} points: MLflow log_batch (1,000 a call)",
                        mlflow_batch_rate,
                        "points/s",
                        stat="one run",
                    ),
                    Figure(
                        f"logging {count:,} points: smx-lab / MLflow log_batch",
                        our_rate / mlflow_batch_rate,
                        "x",
                        stat="ratio",
                    ),
                ]
            reps = repeat if count <= 100_000 else max(3, repeat // 3)
            raw = store.metric_points(component, ["loss"])
            history = client.get_metric_history(run_id, "loss")
            if len(raw) != count or len(history) != count:
                notes.append(
                    f"history {count:,}: read back {len(raw):,} (smx-lab) "
                    f"and {len(history):,} (MLflow) points"
                )
            reduced = store.metric_series([SeriesQuery(component, "loss")], max_points=1000)[0]
            read_all = partial(store.metric_points, component, ["loss"])
            read_reduced = partial(
                store.metric_series, [SeriesQuery(component, "loss")], max_points=1000
            )
            our_raw_ms = median(time_calls(read_all, repeat=reps))
            our_arrays_ms = median(
                time_calls(partial(store.metric_arrays, component, ["loss"]), repeat=reps)
            )
            our_frame_ms = median(time_calls(partial(history_frame, store, component), repeat=reps))
            our_reduced_ms = median(time_calls(read_reduced, repeat=reps))
            their_ms = median(
                time_calls_within(
                    partial(client.get_metric_history, run_id, "loss"), repeat=reps, minimum=3
                )
            )
            label = f"history {count:,} points"
            figures += [
                Figure(f"{label}: smx-lab metric_points (all)", our_raw_ms, "ms"),
                Figure(f"{label}: smx-lab metric_arrays (all, numpy)", our_arrays_ms, "ms"),
                Figure(f"{label}: smx-lab %smx metrics DataFrame (all)", our_frame_ms, "ms"),
                Figure(
                    f"{label}: smx-lab metric_series (1,000)",
                    our_reduced_ms,
                    "ms",
                    extra={"points": len(reduced.x)},
                ),
                Figure(f"{label}: MLflow get_metric_history", their_ms, "ms"),
                Figure(
                    f"{label}: MLflow / smx-lab all points",
                    their_ms / our_raw_ms,
                    "x",
                    stat="ratio of medians",
                ),
                Figure(
                    f"{label}: MLflow / smx-lab DataFrame of all points",
                    their_ms / our_frame_ms,
                    "x",
                    stat="ratio of medians",
                ),
                Figure(
                    f"{label}: MLflow / smx-lab reduced",
                    their_ms / our_reduced_ms,
                    "x",
                    stat="ratio of medians",
                ),
            ]
            print(
                f"history {count}: ours raw {our_raw_ms:.1f} ms, arrays {our_arrays_ms:.1f} ms, "
                f"DataFrame {our_frame_ms:.1f} ms, "
                f"reduced {our_reduced_ms:.1f} ms, MLflow {their_ms:.1f} ms",
                flush=True,
            )
    finally:
        store.close()
    notes.append(
        "logging: smx-lab buffers Tracker.log_metric points "
        "and writes them in batches (with the summary); "
        f"MLflow's log_metric writes every call (rate measured on {len(sample):,} points)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="1000,10000,100000", help="components per search comparison"
    )
    parser.add_argument(
        "--points", default="100000,1000000", help="points per metric history comparison"
    )
    parser.add_argument(
        "--build-budget",
        type=float,
        default=600.0,
        help="seconds of MLflow client logging per data set",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=21,
        help=(
            "timed repetitions (fewer for 1M points; "
            "MLflow calls: as many as fit in 60 s, at least 5)"
        ),
    )
    parser.add_argument("--skip-search", action="store_true")
    parser.add_argument("--skip-history", action="store_true")
    args = parser.parse_args()
    quiet_mlflow()
    figures: list[Figure] = []
    notes: list[str] = []
    if not args.skip_search:
        sizes = [int(size) for size in args.sizes.split(",")]
        compare_search(sizes, args.build_budget, args.repeat, figures, notes)
    if not args.skip_history:
        counts = [int(count) for count in args.points.split(",")]
        compare_history(counts, max(3, args.repeat // 3), args.build_budget, figures, notes)
    if not figures or any(math.isnan(f.value) for f in figures):
        print("no figures measured", file=sys.stderr)
    write_result(
        "mlflow",
        "smx-lab vs MLflow (SQLite backend), same machine, same data",
        figures,
        notes=notes,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
