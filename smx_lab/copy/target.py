"""What ``smx-lab copy`` writes into, whatever the store: the :class:`Target` protocol and what
passes through it.

A target finds the copies a source already has there (:meth:`Target.existing`), writes
experiments, trials and components, and discards copies that are incomplete, outdated or
doubled. Each target keeps the commit protocol of its store (docs/copy.md): a component's copy
is marked complete by its last write, so a copy found without the mark was interrupted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from ..columns import MetricArrays
from ..errors import SmxError
from ..model import Experiment, Trial, TrialComponent

Membership = tuple[str, str]  # (trial name, experiment name)


class CopyError(SmxError):
    """A copy that cannot go on: names the object and what went wrong."""

    error = "copy_failed"

    def __init__(self, kind: str, name: str, reason: str, **details: object) -> None:
        super().__init__(f"{kind} {name!r}: {reason}", kind=kind, name=name, **details)
        self.kind = kind
        self.name = name
        self.reason = reason


class Stopped(Exception):
    """The copy was told to stop (Ctrl-C, or another component's permanent error)."""


@dataclass
class CopyRef:
    """One copy of a component found in the target: ``ref`` is what the target knows it by (an
    MLflow run ID, or the component's name), ``trials`` its trials there."""

    ref: str
    fingerprint: str | None
    complete: bool
    trials: list[Membership] = field(default_factory=list)


@dataclass
class Existing:
    """What a source already has in a target: experiments (by name), trials (name → ref) and
    components (name → every copy found, complete or not)."""

    experiments: set[str] = field(default_factory=set)
    trials: dict[str, str] = field(default_factory=dict)
    components: dict[str, list[CopyRef]] = field(default_factory=dict)
    #: Trials written twice (a create retried after its answer was lost): discarded.
    doubled: list[CopyRef] = field(default_factory=list)


@dataclass
class ComponentJob:
    """One component to copy: its record, what it is a copy of, the trials it is to belong to,
    and the copies it replaces (discarded once the new one is complete)."""

    record: TrialComponent
    origin: str
    fingerprint: str
    trials: list[Membership]
    replaces: list[CopyRef] = field(default_factory=list)
    #: Where each trial of ``trials`` is in the target (name → ref), for targets that nest.
    trial_refs: dict[str, str] = field(default_factory=dict)


#: ``progress(points)``: called as points are written.
Progress = Callable[[int], None]


class Target(Protocol):
    """A store ``smx-lab copy`` writes into."""

    description: str

    def existing(self, origin: str, component_names: list[str], trial_names: list[str]) -> Existing:
        """The copies of ``origin`` in this target; components and trials are looked up by the
        names the copy will write or link to (a target that can search by tag finds every copy
        of the origin)."""
        ...

    def write_experiment(self, record: Experiment, origin: str) -> bool:
        """Creates the experiment unless it exists; True if created."""
        ...

    def write_trial(
        self, record: Trial, origin: str, fingerprint: str, ref: str | None
    ) -> tuple[str, bool]:
        """Creates the trial (``ref`` None) or brings the one at ``ref`` up to date; its ref and
        whether anything was written."""
        ...

    def write_component(
        self, job: ComponentJob, points: MetricArrays, progress: Progress, stop: threading.Event
    ) -> None:
        """Writes a new copy, marks it complete last, then discards ``job.replaces``. Raises
        :class:`Stopped` when ``stop`` is set between writes; the incomplete copy is then
        discarded, as it is when a write fails."""
        ...

    def set_trials(self, name: str, copy: CopyRef, trials: list[Membership], origin: str) -> None:
        """Makes a complete copy belong to exactly ``trials``."""
        ...

    def discard(self, name: str, copies: list[CopyRef]) -> None:
        """Deletes copies that are incomplete, outdated or doubled."""
        ...

    def close(self) -> None: ...
