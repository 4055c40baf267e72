"""What the MLflow store keeps of a tracking server between requests, for ``cache_seconds``: the
experiments, every active run of the experiments it was asked about, and their families (which
run is whose child, which runs stand for trials, which trials a run says it belongs to), from
which the trials are made.

Every read takes ``refresh=True`` to ask again. Run records are never changed once read, so they
are shared, not copied.

Runs written by smx-lab may belong to trials of other experiments (a component shared by trials
of two experiments lives in one of them). Such a run is tagged ``smx-lab.elsewhere``, and so is
each experiment whose trials it joins: only for those experiments are the other experiments'
runs searched (:meth:`Index.foreign`).
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ...errors import NotFound
from ...model import Parent, Trial
from ...vocabulary import (
    MLFLOW_DEFAULT_RUN_GROUP,
    MLFLOW_PARENT_TAG,
    SMX_ELSEWHERE_TAG,
    SMX_KIND_TAG,
    SMX_NAME_TAG,
    SMX_TRIAL_KIND,
    SMX_TRIALS_TAG,
)
from . import records
from . import tags as smx_tags
from .backend import Backend

#: A run's family in MLflow's filter: the runs that have a parent, and the runs smx-lab wrote.
_CHILDREN = f"tags.`{MLFLOW_PARENT_TAG}` LIKE '%'"
_WRITTEN_BY_SMX_LAB = f"tags.`{SMX_KIND_TAG}` LIKE '%'"
_ELSEWHERE = f"tags.`{SMX_ELSEWHERE_TAG}` = 'true'"
_UNASSIGNED = f"tags.`{SMX_TRIALS_TAG}` = '[]'"
_RUN_ID = re.compile(r"[0-9a-f]{32}")


def looks_like_run_id(name: str) -> bool:
    return bool(_RUN_ID.fullmatch(name))


def quoted(value: str) -> str:
    """A string in MLflow's filter grammar (names smx-lab looks up hold no quote of both kinds)."""
    return f'"{value}"' if "'" in value else f"'{value}'"


@dataclass
class Family:
    """Who is whose child in one experiment (``parent`` maps a child's run ID to its parent's),
    which runs stand for trials (``trial_runs``: run ID → trial name), and which trials runs
    written by smx-lab say they belong to (``memberships``)."""

    experiment_name: str
    parent: dict[str, str] = field(default_factory=dict)
    trial_runs: dict[str, str] = field(default_factory=dict)
    memberships: dict[str, list[smx_tags.Membership]] = field(default_factory=dict)

    @cached_property
    def parents(self) -> set[str]:
        """The runs that have children (read once the family is made)."""
        return set(self.parent.values())

    def _top(self, run_id: str) -> str:
        top, seen = self.parent[run_id], {run_id}
        while top in self.parent and top not in seen:
            seen.add(top)
            top = self.parent[top]
        return top

    def parents_of(self, run_id: str) -> list[Parent]:
        """A run's trials: those it says it belongs to; else the top of its family when it has
        a parent or children; else the experiment's default run group."""
        if run_id in self.memberships:
            return [Parent(trial, experiment) for trial, experiment in self.memberships[run_id]]
        if run_id in self.parent:
            top = self._top(run_id)
            return [Parent(self.trial_runs.get(top, top), self.experiment_name)]
        if run_id in self.parents:
            return [Parent(run_id, self.experiment_name)]
        return [Parent(records.default_group(self.experiment_name), self.experiment_name)]

    def trial_of(self, run_id: str) -> str | None:
        """The first trial of a run (None: it belongs to none)."""
        found = self.parents_of(run_id)
        return found[0].trial_name if found else None


@dataclass
class Member:
    """A run as a trial component: the run, the name of its own experiment, its trials."""

    run: dict[str, Any]
    experiment_name: str
    parents: list[Parent]


class _Timed:
    """Values that are good for ``seconds``."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._values: dict[Any, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any | None:
        with self._lock:
            found = self._values.get(key)
        if found is None or time.monotonic() - found[0] > self.seconds:
            return None
        return found[1]

    def put(self, key: Any, value: Any) -> Any:
        if self.seconds > 0:
            with self._lock:
                self._values[key] = (time.monotonic(), value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


class Index:
    """The experiments, runs and families of one tracking server, read through ``backend``."""

    def __init__(self, backend: Backend, cache_seconds: float) -> None:
        self.backend = backend
        self._experiments = _Timed(cache_seconds)
        self._runs = _Timed(cache_seconds)
        self._families = _Timed(cache_seconds)

    def clear(self) -> None:
        for cache in (self._experiments, self._runs, self._families):
            cache.clear()

    # -- experiments ----------------------------------------------------------------------------

    def experiments(self, refresh: bool = False) -> list[dict[str, Any]]:
        found = None if refresh else self._experiments.get("all")
        if found is None:
            found = self._experiments.put("all", self.backend.experiments())
        return found

    def experiment(self, name: str, refresh: bool = False) -> dict[str, Any]:
        for record in self.experiments(refresh):
            if record["name"] == name:
                return record
        if not refresh:
            return self.experiment(name, refresh=True)
        raise NotFound("Experiment", name)

    def experiment_by_id(self, experiment_id: str, refresh: bool = False) -> dict[str, Any]:
        for record in self.experiments(refresh):
            if str(record["experiment_id"]) == str(experiment_id):
                return record
        if not refresh:
            return self.experiment_by_id(experiment_id, refresh=True)
        raise NotFound("Experiment", str(experiment_id))

    def experiment_ids(self, refresh: bool = False) -> list[str]:
        return [str(e["experiment_id"]) for e in self.experiments(refresh)]

    # -- runs -----------------------------------------------------------------------------------

    def runs(self, experiment: dict[str, Any], refresh: bool = False) -> list[dict[str, Any]]:
        """Every active run of an experiment."""
        key = str(experiment["experiment_id"])
        found = None if refresh else self._runs.get(key)
        if found is None:
            found = self._runs.put(key, self.backend.runs([key]))
            self._families.put(key, family_of(experiment["name"], found))
        return found

    def cached_runs(self, experiment: dict[str, Any]) -> list[dict[str, Any]] | None:
        return self._runs.get(str(experiment["experiment_id"]))

    def family(self, experiment: dict[str, Any], refresh: bool = False) -> Family:
        key = str(experiment["experiment_id"])
        found = None if refresh else self._families.get(key)
        if found is None:
            related = {
                records.run_id(run): run
                for condition in (_CHILDREN, _WRITTEN_BY_SMX_LAB)
                for run in self.backend.runs([key], condition)
            }
            found = self._families.put(key, family_of(experiment["name"], list(related.values())))
        return found

    def foreign(self, experiment: dict[str, Any], refresh: bool = False) -> list[Member]:
        """Runs of other experiments that belong to trials of this one (searched only when the
        experiment is tagged as having such members)."""
        if records.tags_of(experiment).get(SMX_ELSEWHERE_TAG) != "true":
            return []
        found = None if refresh else self._runs.get("elsewhere")
        if found is None:
            every = self.experiment_ids(refresh)
            found = self._runs.put("elsewhere", self.backend.runs(every, _ELSEWHERE))
        out = []
        for run in found:
            pairs = smx_tags.memberships(records.tags_of(run)) or []
            if any(e == experiment["name"] for _, e in pairs) and not records.is_trial_run(run):
                own = self.experiment_by_id(run["info"]["experiment_id"], refresh)["name"]
                out.append(Member(run, own, [Parent(t, e) for t, e in pairs]))
        return out

    # -- components -----------------------------------------------------------------------------

    def components(self, experiment: dict[str, Any], refresh: bool = False) -> list[Member]:
        """Every run of an experiment that is a trial component, with its trials (none for a run
        smx-lab wrote as unassigned)."""
        runs = self.runs(experiment, refresh)
        family = family_of(experiment["name"], runs)
        return members_of(experiment["name"], runs, family)

    def members(self, experiment: dict[str, Any], refresh: bool = False) -> list[Member]:
        """The components of an experiment's trials: its own runs in one of them, and runs of
        other experiments that joined one."""
        name = experiment["name"]
        own = [
            m
            for m in self.components(experiment, refresh)
            if any(p.experiment_name == name for p in m.parents)
        ]
        return own + self.foreign(experiment, refresh)

    def unassigned(self, refresh: bool = False) -> list[Member]:
        """Runs smx-lab wrote as belonging to no trial."""
        out = []
        for run in self.backend.runs(self.experiment_ids(refresh), _UNASSIGNED):
            if not records.is_trial_run(run):
                own = self.experiment_by_id(run["info"]["experiment_id"], refresh)["name"]
                out.append(Member(run, own, []))
        return out

    def named(self, name: str, refresh: bool = False) -> dict[str, Any]:
        """The run of the trial component called ``name``: the run smx-lab named so, else the run
        with that ID (when nothing else carries the name). NotFound otherwise."""
        if looks_like_run_id(name):
            try:
                run = self.backend.run(name)
            except NotFound:
                run = None
            if (
                run is not None
                and run["info"].get("lifecycle_stage", "active") == "active"
                and not records.is_trial_run(run)
                and records.component_name(run) == name
            ):
                return run
        condition = f"tags.`{SMX_NAME_TAG}` = {quoted(name)}"
        for run in self.backend.runs(self.experiment_ids(refresh), condition):
            if not records.is_trial_run(run):
                return run
        raise NotFound("TrialComponent", name)

    # -- trials ---------------------------------------------------------------------------------

    def trials(self, experiment: dict[str, Any], refresh: bool = False) -> list[Trial]:
        """The experiment's trials: one per run smx-lab wrote as a trial, one per run with
        children, one per trial named by runs written by smx-lab, and the default run group
        when some runs have neither parent nor children."""
        runs = self.runs(experiment, refresh)
        family = family_of(experiment["name"], runs)
        by_trial: dict[str, list[dict[str, Any]]] = {
            trial: [] for trial in family.trial_runs.values()
        }
        for member in self.members(experiment, refresh):
            for parent in member.parents:
                if parent.experiment_name == experiment["name"]:
                    by_trial.setdefault(parent.trial_name, []).append(member.run)
        roots = {records.run_id(run): run for run in runs}
        roots.update((family.trial_runs[records.run_id(r)], r) for r in runs if is_root(family, r))
        return [
            records.trial(name, experiment["name"], members, roots.get(name))
            for name, members in by_trial.items()
        ]

    def trial_members(
        self, trial_name: str, refresh: bool = False
    ) -> tuple[dict[str, Any], list[Member], dict[str, Any] | None]:
        """``(experiment, components, the run standing for the trial or None)`` of a trial;
        NotFound for a name that is no trial."""
        experiment, root = self._trial_root(trial_name, refresh)
        members = [
            m
            for m in self.members(experiment, refresh)
            if any(p.trial_name == trial_name for p in m.parents)
        ]
        if not members and (root is None or not records.is_trial_run(root)):
            raise NotFound("Trial", trial_name)
        return experiment, members, root

    def _trial_root(
        self, trial_name: str, refresh: bool
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        if trial_name.startswith(MLFLOW_DEFAULT_RUN_GROUP):
            try:
                return self.experiment(trial_name[len(MLFLOW_DEFAULT_RUN_GROUP) :], refresh), None
            except NotFound:
                raise NotFound("Trial", trial_name) from None
        found: list[dict[str, Any]] = []
        if looks_like_run_id(trial_name):  # a parent run's ID, as MLflow's families are named
            try:
                run = self.backend.run(trial_name)
            except NotFound:
                run = None
            if run is not None and not records.is_trial_run(run):
                found = [run]
        if not found:
            condition = (
                f"tags.`{SMX_NAME_TAG}` = {quoted(trial_name)} "
                f"and tags.`{SMX_KIND_TAG}` = '{SMX_TRIAL_KIND}'"
            )
            found = self.backend.runs(self.experiment_ids(refresh), condition)
        if not found or found[0]["info"].get("lifecycle_stage", "active") != "active":
            raise NotFound("Trial", trial_name)
        return self.experiment_by_id(found[0]["info"]["experiment_id"], refresh), found[0]


def is_root(family: Family, run: dict[str, Any]) -> bool:
    return records.run_id(run) in family.trial_runs


def family_of(experiment_name: str, runs: list[dict[str, Any]]) -> Family:
    """The family of an experiment from every one of its runs (or every one that has a parent
    or was written by smx-lab)."""
    family = Family(experiment_name)
    for run in runs:
        identifier = records.run_id(run)
        tags = records.tags_of(run)
        parent = tags.get(MLFLOW_PARENT_TAG)
        if parent:
            family.parent[identifier] = parent
        if smx_tags.is_trial(tags):
            family.trial_runs[identifier] = smx_tags.component_name(tags) or identifier
            continue
        pairs = smx_tags.memberships(tags)
        if pairs is not None:
            family.memberships[identifier] = pairs
    return family


def members_of(experiment_name: str, runs: list[dict[str, Any]], family: Family) -> list[Member]:
    """The runs that are trial components (not trials), with their trials."""
    return [
        Member(run, experiment_name, family.parents_of(records.run_id(run)))
        for run in runs
        if records.run_id(run) not in family.trial_runs
    ]
