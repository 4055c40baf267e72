"""A random world for the server-paged list's tests (tests/test_api_list.py), written through the
store's Writer API, and what every answer should be, computed in plain Python from what was
written (never read back from the store).

Three experiments of two trials, components with parameters some lack (numbers, text, and one
parameter that is a number for some and text for others), a ``team`` tag on most, three metrics
(one that some components never log), a component shared by two trials and a few unassigned
ones. Metric values are distinct, so a sort by a statistic has no ties.
"""

from __future__ import annotations

import math
import random
import statistics
from dataclasses import dataclass, field
from typing import Any

from smx_lab.model import MetricPoint, Status
from smx_lab.stores.local import LocalStore

T0 = 1_700_000_000.0
METRICS = ("train:loss", "test:accuracy", "extra")
STATISTICS = ("Min", "Max", "Avg", "StdDev", "Last", "Count")


@dataclass
class Written:
    """One component as written."""

    name: str
    order: int  # creation order (the store's id order)
    display_name: str
    parameters: dict[str, Any]
    tags: dict[str, str]
    metrics: dict[str, list[float]]
    trials: list[str]
    experiments: list[str]
    status: str = "Completed"

    def statistic(self, metric: str, stat: str) -> float | None:
        values = self.metrics.get(metric)
        if not values:
            return None
        if stat == "Min":
            return min(values)
        if stat == "Max":
            return max(values)
        if stat == "Avg":
            return statistics.fmean(values)
        if stat == "StdDev":
            return statistics.stdev(values) if len(values) > 1 else 0.0
        if stat == "Last":
            return values[-1]
        return float(len(values))

    def value(self, prop: str) -> Any:
        """The component's value of a canonical property, None where it has none."""
        kind, _, rest = prop.partition(".")
        if kind == "Parameters":
            return self.parameters.get(rest)
        if kind == "Tags":
            return self.tags.get(rest)
        if kind == "Metrics":
            metric, _, stat = rest.rpartition(".")
            return self.statistic(metric, stat)
        if prop == "Status.PrimaryStatus":
            return self.status
        if prop == "Parents.TrialName":
            return min(self.trials) if self.trials else None
        if prop == "DisplayName":
            return self.display_name
        if prop == "TrialComponentName":
            return self.name
        if prop == "CreationTime":
            return self.order
        raise AssertionError(prop)


@dataclass
class World:
    components: list[Written] = field(default_factory=list)

    def selected(
        self,
        experiments: tuple[str, ...] = (),
        trials: tuple[str, ...] = (),
        names: tuple[str, ...] = (),
        unassigned: bool = False,
    ) -> list[Written]:
        everything = not (experiments or trials or names or unassigned)
        return [
            c
            for c in self.components
            if everything
            or c.name in names
            or set(c.experiments) & set(experiments)
            or set(c.trials) & set(trials)
            or (unassigned and not c.trials)
        ]


def sort_key(value: Any) -> tuple[int, Any]:
    """Numbers before text, as the store sorts."""
    if isinstance(value, int | float):
        return (0, float(value))
    return (1, str(value))


def sorted_names(components: list[Written], prop: str, order: str) -> list[str]:
    """The store's order: by the value (missing last in either order), ties by creation order in
    the same direction."""
    descending = order == "Descending"
    present = [c for c in components if c.value(prop) is not None]
    missing = [c for c in components if c.value(prop) is None]
    present.sort(key=lambda c: (sort_key(c.value(prop)), c.order), reverse=descending)
    missing.sort(key=lambda c: c.order, reverse=descending)
    return [c.name for c in present + missing]


def group_statistics(values: list[float]) -> dict[str, Any]:
    return {
        "mean": statistics.fmean(values),
        "std": statistics.stdev(values) if len(values) > 1 else None,
        "min": min(values),
        "max": max(values),
        "count": len(values),
    }


def normal(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def expected_groups(components: list[Written], group_by: list[str]) -> dict[tuple, dict]:
    """Each group's key → {count, metrics: {column: statistics}}."""
    members: dict[tuple, list[Written]] = {}
    for c in components:
        members.setdefault(tuple(normal(c.value(p)) for p in group_by), []).append(c)
    out: dict[tuple, dict] = {}
    for key, group in members.items():
        metrics: dict[str, Any] = {}
        for metric in METRICS:
            for stat in STATISTICS:
                values = [v for c in group if (v := c.statistic(metric, stat)) is not None]
                if values:
                    metrics[f"{metric} - {stat}"] = group_statistics(values)
        out[key] = {"count": len(group), "metrics": metrics}
    return out


def build(store: Any, seed: int = 7, per_trial: int = 12) -> World:
    """Writes the world into ``store`` and returns what was written."""
    rng = random.Random(seed)
    world = World()
    order = 0
    seen_values: set[float] = set()

    def distinct(low: float, high: float) -> float:
        while True:
            value = round(rng.uniform(low, high), 6)
            if value not in seen_values:
                seen_values.add(value)
                return value

    def component(name: str, trials: list[str], experiments: list[str]) -> Written:
        nonlocal order
        parameters: dict[str, Any] = {"seed": float(rng.randrange(3))}
        if rng.random() < 0.8:
            parameters["optimizer"] = rng.choice(["adam", "sgd", "rmsprop"])
        if rng.random() < 0.9:
            parameters["lr"] = rng.choice([0.1, 0.01, 0.001])
        parameters["mixed"] = rng.choice([1.0, "one"])
        parameters["constant"] = "v1"
        tags = {"team": rng.choice(["vision", "nlp"])} if rng.random() < 0.85 else {}
        metrics: dict[str, list[float]] = {}
        for metric in METRICS:
            if metric == "extra" and rng.random() < 0.5:
                continue
            steps = rng.randrange(1, 6)
            metrics[metric] = [distinct(0.0, 1.0) for _ in range(steps)]
        status = rng.choice(["Completed", "Completed", "Failed"])
        store.create_trial_component(
            name, display_name=f"run-{name}", start_time=T0 + order, tags=tags
        )
        store.update_trial_component(name, status=Status(status), parameters=parameters)
        points = [
            MetricPoint(metric, value, T0 + order + step, step)
            for metric, values in metrics.items()
            for step, value in enumerate(values)
        ]
        if points:
            store.log_metrics(name, points)
        for trial in trials:
            store.associate_trial_component(name, trial)
        written = Written(
            name=name,
            order=order,
            display_name=f"run-{name}",
            parameters=parameters,
            tags=tags,
            metrics=metrics,
            trials=list(trials),
            experiments=list(dict.fromkeys(experiments)),
            status=status,
        )
        order += 1
        world.components.append(written)
        return written

    for e in range(3):
        experiment = f"exp-{e}"
        store.create_experiment(experiment)
        for t in range(2):
            trial = f"{experiment}-trial-{t}"
            store.create_trial(trial, experiment)
            for c in range(per_trial):
                component(f"c-{e}-{t}-{c:02d}", [trial], [experiment])
    shared = component("shared", ["exp-0-trial-0", "exp-1-trial-1"], ["exp-0", "exp-1"])
    shared.trials.sort()
    for u in range(3):
        component(f"loose-{u}", [], [])
    assert not any(math.isnan(v) for c in world.components for vs in c.metrics.values() for v in vs)
    return world


class RecordsOnlyStore(LocalStore):
    """The embedded store without its fast paths over a scope: the list reads it as it reads the
    SageMaker and MLflow stores (their search, then their records)."""

    def scope_columns(self, scope: Any, **kwargs: Any) -> None:  # type: ignore[override]
        return None

    def scope_census(self, scope: Any) -> None:  # type: ignore[override]
        return None

    def scope_values(self, scope: Any, properties: list[str]) -> None:  # type: ignore[override]
        return None
