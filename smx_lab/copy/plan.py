"""What ``smx-lab copy`` will do: the source read (experiments, their trials, their components with
every parent, and the unassigned components), each object's fingerprint, and, against what the
target already holds, what is new, changed, unchanged or left half-written.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from ..errors import NotFound, ValidationError
from ..model import Experiment, Page, Trial, TrialComponent
from ..stores.base import Store
from ..stores.collect import collect_pages
from ..vocabulary import SMX_TAG_PREFIX
from .target import ComponentJob, CopyRef, Existing, Membership

#: Record fields that say where a record is, not what it holds: left out of fingerprints.
_NOT_CONTENT = ("Parents", "TrialComponentArn", "TrialArn", "ExperimentArn", "SourceDetail")


@dataclass
class SourceWorld:
    """What is to be copied, read from the source."""

    experiments: list[Experiment]
    trials: list[Trial]
    components: list[TrialComponent]


@dataclass
class Plan:
    """What a copy writes: new experiments and trials, each component's job (``jobs``), the
    complete copies whose trials alone changed (``relinks``), the copies to discard, and what is
    already there."""

    world: SourceWorld
    existing: Existing
    new_experiments: list[Experiment] = field(default_factory=list)
    trials: list[tuple[Trial, str, str | None]] = field(default_factory=list)  # record, fp, ref
    jobs: list[ComponentJob] = field(default_factory=list)
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    relinks: list[tuple[str, CopyRef, list[Membership]]] = field(default_factory=list)
    discards: list[tuple[str, list[CopyRef]]] = field(default_factory=list)

    @property
    def points(self) -> int:
        """The points the jobs will copy, as the sources' summaries count them."""
        return sum(sum(m.count for m in job.record.metrics) for job in self.jobs)


def read_source(
    store: Store, experiment_names: list[str] | None, since: float | None
) -> SourceWorld:
    """The experiments named (every one when None; an unknown name is a 404 naming it), their
    trials, and the components of those trials, plus, when no experiment is named, the
    components that belong to no trial. ``since``: only components modified since then."""
    if experiment_names:
        experiments = [store.get_experiment(name) for name in dict.fromkeys(experiment_names)]
    else:
        experiments = collect_pages(
            lambda cursor, size: store.list_experiments(
                sort_by="Name", sort_order="Ascending", limit=size, cursor=cursor
            )
        )
    trials: list[Trial] = []
    components: dict[str, TrialComponent] = {}
    for experiment in experiments:
        name = experiment.experiment_name
        trials += _trials(store, name)
        for component in _components(store, experiment_name=name):
            components.setdefault(component.trial_component_name, component)
    if not experiment_names:
        for component in _components(store, unassigned=True):
            components.setdefault(component.trial_component_name, component)
    chosen = [
        c
        for c in components.values()
        if since is None or c.last_modified_time is None or c.last_modified_time >= since
    ]
    return SourceWorld(experiments, trials, chosen)


def _trials(store: Store, experiment_name: str) -> list[Trial]:
    def page(cursor: str | None, size: int) -> Page[Trial]:
        return store.list_trials(
            experiment_name, sort_by="Name", sort_order="Ascending", limit=size, cursor=cursor
        )

    return collect_pages(page)


def _components(store: Store, **selector: Any) -> list[TrialComponent]:
    return collect_pages(
        lambda cursor, size: store.list_trial_components(
            **selector, sort_by="Name", sort_order="Ascending", limit=size, cursor=cursor
        )
    )


def fingerprint(record: Any) -> str:
    """A digest of what a record holds (not where it is, not smx-lab's own tags): a copy with
    the same fingerprint as its source holds the same."""
    content = {k: v for k, v in record.to_dict().items() if k not in _NOT_CONTENT}
    tags = content.get("Tags") or []
    content["Tags"] = [t for t in tags if not str(t.get("Key", "")).startswith(SMX_TAG_PREFIX)]
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def plan_copy(world: SourceWorld, existing: Existing, origin: str) -> Plan:
    """Compares the source with what the target holds."""
    plan = Plan(world, existing)
    plan.new_experiments = [
        e for e in world.experiments if e.experiment_name not in existing.experiments
    ]
    plan.trials = [(t, fingerprint(t), existing.trials.get(t.trial_name)) for t in world.trials]
    if existing.doubled:
        plan.discards.append(("(doubled trials)", existing.doubled))
    known_trials = set(existing.trials) | {t.trial_name for t in world.trials}
    for component in world.components:
        wanted = [
            (p.trial_name, p.experiment_name)
            for p in component.parents
            if p.trial_name in known_trials
        ]
        _plan_component(plan, component, wanted, origin)
    return plan


def _plan_component(
    plan: Plan, component: TrialComponent, wanted: list[Membership], origin: str
) -> None:
    name = component.trial_component_name
    print_ = fingerprint(component)
    copies = plan.existing.components.get(name, [])
    keep = next((c for c in copies if c.complete and c.fingerprint == print_), None)
    others = [c for c in copies if c is not keep]
    if keep is None:
        plan.jobs.append(ComponentJob(component, origin, print_, wanted, replaces=others))
        if copies:
            plan.changed += 1
        else:
            plan.new += 1
        return
    plan.unchanged += 1
    if others:
        plan.discards.append((name, others))
    if sorted(keep.trials) != sorted(wanted):
        plan.relinks.append((name, keep, wanted))


def check_names(names: list[str] | None) -> list[str] | None:
    """``--experiment`` values: non-empty names."""
    if names is None:
        return None
    for name in names:
        if not name.strip():
            raise ValidationError("--experiment", "must name an experiment, not be empty")
    return list(names)


def missing_experiment(error: NotFound) -> ValidationError:
    return ValidationError("--experiment", f"the source has no experiment {error.name!r}")
