"""Build an embedded store of many trial components for the benchmarks, fast.

    python benchmarks/generate.py --components 100000 --db PATH [--seed 0]

The store holds ``components / 100`` trials of 100 components each, 50 trials per experiment.
Every component has 10 parameters (7 numbers, 3 strings), 5 metrics of two points each (half-way
through and at the end of the run), a ``team`` tag and one parent trial.

This is a fixture builder: it writes with bulk SQL instead of going through the Writer API (which
takes one transaction per call), but it writes exactly the rows the Writer API would write for the
same calls: the same summaries (count, min, max, mean, M2, sample standard deviation, last), the
same raw points and the same rollup rows (see :mod:`smx_lab.stores.local.schema`).
:func:`replay` makes those Writer API calls for a few components, so a test can compare the two.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sqlite3
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from smx_lab.model import MetricPoint, Status  # noqa: E402
from smx_lab.stores.local import LocalStore  # noqa: E402
from smx_lab.stores.local.schema import STEP_LEVELS, TIME_LEVELS  # noqa: E402

COMPONENTS_PER_TRIAL = 100
TRIALS_PER_EXPERIMENT = 50
TEAMS = ("vision", "nlp", "speech", "tabular")
METRICS = ("train:loss", "validation:loss", "validation:accuracy", "test:accuracy", "test:f1")
START = 1_735_689_600.0  # 2025-01-01T00:00:00Z


@dataclass
class ComponentSpec:
    """What one component is made of: the arguments of the Writer API calls that would make it."""

    name: str
    trial_name: str
    status: str
    start_time: float
    end_time: float
    parameters: dict[str, float | str]
    # metric name → ((time, value) half-way, (time, value) at the end)
    metrics: dict[str, tuple[tuple[float, float], tuple[float, float]]]
    tags: dict[str, str] = field(default_factory=dict)


def experiment_name(index: int) -> str:
    return f"sweep-{index:03d}"


def trial_name(index: int) -> str:
    return (
        f"{experiment_name(index // TRIALS_PER_EXPERIMENT)}-trial-"
        f"{index % TRIALS_PER_EXPERIMENT:03d}"
    )


def component_specs(count: int, seed: int = 0) -> Iterator[ComponentSpec]:
    """``count`` components, the same for the same seed."""
    rng = random.Random(seed)
    for index in range(count):
        learning_rate = rng.choice((1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1))
        epochs = rng.randint(1, 50)
        quality = rng.random()  # one hidden draw makes the metrics of a run agree with each other
        start = START + index * 60.0
        end = start + epochs * 30.0 + rng.random() * 10
        half = start + (end - start) / 2
        accuracy = round(0.5 + 0.49 * quality, 6)
        loss = round(2.5 * (1 - quality) + 0.01, 6)
        yield ComponentSpec(
            name=f"tc-{index:06d}",
            trial_name=trial_name(index // COMPONENTS_PER_TRIAL),
            status="Failed" if rng.random() < 0.03 else "Completed",
            start_time=start,
            end_time=end,
            parameters={
                "learning_rate": learning_rate,
                "batch_size": float(rng.choice((16, 32, 64, 128, 256))),
                "optimizer": rng.choice(("sgd", "adam", "adamw", "rmsprop")),
                "epochs": float(epochs),
                "momentum": round(rng.uniform(0.5, 0.99), 2),
                "weight_decay": rng.choice((0.0, 1e-5, 1e-4, 1e-3)),
                "dropout": round(rng.uniform(0.0, 0.5), 2),
                "num_layers": float(rng.randint(1, 12)),
                "activation": rng.choice(("relu", "gelu", "tanh")),
                "data_version": rng.choice(("v1", "v2", "v3")),
            },
            metrics={
                "train:loss": ((half, loss * 1.8), (end, loss * 0.9)),
                "validation:loss": ((half, loss * 2.0), (end, loss)),
                "validation:accuracy": ((half, accuracy * 0.9), (end, accuracy)),
                "test:accuracy": ((half, accuracy * 0.88), (end, round(accuracy * 0.99, 6))),
                "test:f1": ((half, accuracy * 0.85), (end, round(accuracy * 0.97, 6))),
            },
            tags={"team": TEAMS[index % len(TEAMS)]},
        )


def _user() -> str | None:
    # Who the store records as creator: the same lookup LocalStore makes.
    try:
        return os.environ.get("USER") or os.getlogin()
    except OSError:
        return None


def _summary(v0: float, v1: float) -> tuple[int, float, float, float, float, float, float]:
    """count, min, max, mean, M2, last, std_dev of two points, computed as the store does."""
    mean = (v0 + v1) / 2
    m2 = (v0 - mean) ** 2 + (v1 - mean) ** 2
    return 2, min(v0, v1), max(v0, v1), mean, m2, v1, math.sqrt(max(m2, 0.0))


def _rollups(
    metric_id: int, axis: int, x0: float, x1: float, v0: float, v1: float
) -> Iterator[tuple[Any, ...]]:
    """The rollup rows of two points (x0 < x1, logged in that order) on one axis."""
    levels = STEP_LEVELS if axis == 0 else TIME_LEVELS
    # Ties go to the earlier point, as in the store.
    min_y, min_x = (v1, x1) if v1 < v0 else (v0, x0)
    max_y, max_x = (v1, x1) if v1 > v0 else (v0, x0)
    for level in levels:
        width = 2.0**level
        b0, b1 = math.floor(x0 / width), math.floor(x1 / width)
        if b0 == b1:
            yield (metric_id, axis, level, b0, 2, min_y, min_x, max_y, max_x, x0, v0, x1, v1, 0, 1)
        else:
            yield (metric_id, axis, level, b0, 1, v0, x0, v0, x0, x0, v0, x0, v0, 0, 0)
            yield (metric_id, axis, level, b1, 1, v1, x1, v1, x1, x1, v1, x1, v1, 1, 1)


def write_bulk(path: Path, specs: list[ComponentSpec]) -> None:
    """Write experiments, trials and ``specs`` into a new store at ``path`` in one transaction."""
    LocalStore(path).close()  # the store creates the file, its schema and its settings
    user = _user()
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        # A fixture, rebuilt if interrupted: no journal while building, the store's WAL afterwards.
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("BEGIN")
        trial_names = sorted({spec.trial_name for spec in specs})
        experiments = sorted({name.rsplit("-trial-", 1)[0] for name in trial_names})
        experiment_ids = {}
        for index, name in enumerate(experiments, start=1):
            connection.execute(
                "INSERT INTO experiments (id, name, creation_time, created_by, last_modified_time) "
                "VALUES (?, ?, ?, ?, ?)",
                (index, name, START, user, START),
            )
            experiment_ids[name] = index
        trial_ids = {}
        for index, name in enumerate(trial_names, start=1):
            connection.execute(
                "INSERT INTO trials (id, name, experiment_id, creation_time, created_by, "
                "last_modified_time) VALUES (?, ?, ?, ?, ?, ?)",
                (index, name, experiment_ids[name.rsplit("-trial-", 1)[0]], START, user, START),
            )
            trial_ids[name] = index
        components, parameters, tags, links, metrics, points, rollups = [], [], [], [], [], [], []
        metric_id = 0
        for component_id, spec in enumerate(specs, start=1):
            components.append(
                (component_id, spec.name, spec.status, spec.start_time, spec.end_time,
                 spec.start_time, user, spec.end_time, user)
            )  # fmt: skip
            parameters += [
                (component_id, key, value, None)
                if isinstance(value, str)
                else (component_id, key, None, value)
                for key, value in spec.parameters.items()
            ]
            tags += [
                ("ExperimentTrialComponent", component_id, key, value)
                for key, value in spec.tags.items()
            ]
            links.append((trial_ids[spec.trial_name], component_id))
            for name, ((t0, v0), (t1, v1)) in spec.metrics.items():
                metric_id += 1
                count, low, high, mean, m2, last, std_dev = _summary(v0, v1)
                metrics.append(
                    (metric_id, component_id, name, count, low, high, mean, m2, last, t1, std_dev)
                )
                points += [(metric_id, 0, None, t0, v0), (metric_id, 1, None, t1, v1)]
                rollups += _rollups(metric_id, 0, 0.0, 1.0, v0, v1)  # step axis: no step, x = seq
                rollups += _rollups(metric_id, 1, t0, t1, v0, v1)
        connection.executemany(
            "INSERT INTO trial_components (id, name, status, start_time, end_time, creation_time, "
            "created_by, last_modified_time, last_modified_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            components,
        )
        connection.executemany(
            "INSERT INTO parameters (trial_component_id, name, string_value, number_value) "
            "VALUES (?, ?, ?, ?)",
            parameters,
        )
        connection.executemany(
            "INSERT INTO tags (resource, resource_id, key, value) VALUES (?, ?, ?, ?)", tags
        )
        connection.executemany(
            "INSERT INTO trial_component_links (trial_id, trial_component_id) VALUES (?, ?)", links
        )
        connection.executemany(
            "INSERT INTO metrics (id, trial_component_id, name, count, min, max, mean, m2, last, "
            "last_timestamp, std_dev) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            metrics,
        )
        connection.executemany(
            "INSERT INTO metric_points (metric_id, seq, step, timestamp, value) "
            "VALUES (?, ?, ?, ?, ?)",
            points,
        )
        connection.executemany(
            "INSERT INTO metric_rollups (metric_id, axis, level, block, n, min_y, min_x, max_y, "
            "max_x, lo_x, lo_y, hi_x, hi_y, lo_seq, hi_seq) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rollups,
        )
        connection.execute("COMMIT")
        connection.execute("PRAGMA journal_mode = WAL")
    finally:
        connection.close()


def replay(store: LocalStore, specs: list[ComponentSpec]) -> None:
    """Make ``specs`` through the Writer API: the calls whose result :func:`write_bulk` writes."""
    for name in sorted({spec.trial_name.rsplit("-trial-", 1)[0] for spec in specs}):
        store.create_experiment(name)
    for name in sorted({spec.trial_name for spec in specs}):
        store.create_trial(name, name.rsplit("-trial-", 1)[0])
    for spec in specs:
        store.create_trial_component(
            spec.name, status=Status(spec.status), start_time=spec.start_time, tags=spec.tags
        )
        store.update_trial_component(spec.name, end_time=spec.end_time, parameters=spec.parameters)
        store.associate_trial_component(spec.name, spec.trial_name)
        store.log_metrics(
            spec.name,
            [
                MetricPoint(name, value, moment)
                for name, pair in spec.metrics.items()
                for moment, value in pair
            ],
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--components", type=int, default=100_000)
    parser.add_argument("--db", type=Path, required=True, help="the store file to create")
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args(argv)
    if arguments.db.exists():
        parser.error(f"{arguments.db} exists; give a new path")
    started = time.perf_counter()
    write_bulk(arguments.db, list(component_specs(arguments.components, arguments.seed)))
    print(
        f"{arguments.components} trial components written to {arguments.db} "
        f"in {time.perf_counter() - started:.1f} s ({arguments.db.stat().st_size / 1e6:.0f} MB)"
    )


if __name__ == "__main__":
    main()
