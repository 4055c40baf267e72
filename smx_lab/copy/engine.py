"""Running a copy: the source read, the plan made, then experiments, trials and components written
in that order, components ``jobs`` at a time, each by its target's commit protocol.

A permanent error (the source or target refuses an object, retries run out) stops the copy: the
component it happened to, and every other one in flight, is discarded from the target before
the error is raised, naming the component. Ctrl-C stops it the same way. A copy killed outright
leaves at most the components in flight incomplete; the next run finds them by their missing
commit mark and writes them again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass

from ..errors import NotFound, SmxError, ValidationError
from ..stores.base import Store
from .plan import Plan, check_names, missing_experiment, plan_copy, read_source
from .progress import Progress, Report
from .stores import StoreSpec, describe, open_source, open_target, origin_of, same_store
from .target import ComponentJob, CopyError, Stopped, Target


@dataclass
class CopyOptions:
    """``smx-lab copy``'s arguments."""

    source: StoreSpec
    target: StoreSpec
    experiments: list[str] | None = None
    since: float | None = None
    dry_run: bool = False
    jobs: int = 4
    retries: int = 5
    points_per_call: int = 1000

    def check(self) -> None:
        check_names(self.experiments)
        if same_store(self.source, self.target):
            raise ValidationError("--to", "is the store copied from", value=self.target.text)
        for field, value, low, high in (
            ("--jobs", self.jobs, 1, 64),
            ("--retries", self.retries, 0, 20),
            ("--points-per-call", self.points_per_call, 1, 1000),
        ):
            if not low <= value <= high:
                raise ValidationError(field, f"must be between {low} and {high}", value=value)


def copy_stores(options: CopyOptions, progress: Progress) -> Report:
    """Copies (or with ``dry_run`` plans) and reports what was done. Raises CopyError (a
    permanent error, naming the object), ValidationError (bad arguments) or KeyboardInterrupt;
    ``progress`` has said what was done by then."""
    options.check()
    source = open_source(options.source)
    target = open_target(
        options.target, retries=options.retries, points_per_call=options.points_per_call
    )
    report = Report(describe(options.source, source), target.description, options.dry_run)
    started = time.monotonic()
    try:
        origin = origin_of(options.source, source)
        progress.say(f"reading {report.source} ...")
        try:
            world = read_source(source, options.experiments, options.since)
        except NotFound as error:
            if error.kind == "Experiment":
                raise missing_experiment(error) from None
            raise
        names = [c.trial_component_name for c in world.components]
        trials = list(dict.fromkeys(p.trial_name for c in world.components for p in c.parents))
        plan = plan_copy(world, target.existing(origin, names, trials), origin)
        _fill(report, plan)
        if not options.dry_run:
            _write(plan, source, target, origin, options.jobs, progress, report)
    finally:
        report.seconds = time.monotonic() - started
        target.close()
        source.close()
    return report


def _fill(report: Report, plan: Plan) -> None:
    report.experiments = len(plan.world.experiments)
    report.experiments_created = [e.experiment_name for e in plan.new_experiments]
    report.trials = len(plan.trials)
    report.trials_created = sum(1 for _, _, ref in plan.trials if ref is None)
    report.new, report.changed, report.unchanged = plan.new, plan.changed, plan.unchanged
    report.relinked, report.discarded = len(plan.relinks), len(plan.discards)
    report.copied = [job.record.trial_component_name for job in plan.jobs]
    if report.dry_run:
        report.points = plan.points


def _write(
    plan: Plan,
    source: Store,
    target: Target,
    origin: str,
    jobs: int,
    progress: Progress,
    report: Report,
) -> None:
    report.experiments_created = []
    for experiment in plan.world.experiments:
        with _naming("Experiment", experiment.experiment_name):
            if target.write_experiment(experiment, origin):
                report.experiments_created.append(experiment.experiment_name)
    refs = dict(plan.existing.trials)
    report.trials_created = report.trials_updated = 0
    for record, print_, ref in plan.trials:
        with _naming("Trial", record.trial_name):
            refs[record.trial_name], written = target.write_trial(record, origin, print_, ref)
        if written and ref is None:
            report.trials_created += 1
        elif written:
            report.trials_updated += 1
    for name, copies in plan.discards:
        with _naming("TrialComponent", name):
            target.discard(name, copies)
    for name, copy, trials in plan.relinks:
        with _naming("TrialComponent", name):
            target.set_trials(name, copy, trials, origin)
    for job in plan.jobs:
        job.trial_refs = {trial: refs[trial] for trial, _ in job.trials if trial in refs}
    _components(plan.jobs, source, target, jobs, progress, report)


def _components(
    work: list[ComponentJob],
    source: Store,
    target: Target,
    jobs: int,
    progress: Progress,
    report: Report,
) -> None:
    """The components, ``jobs`` at a time; the first permanent error stops the others."""
    stop = threading.Event()
    progress.start(len(work), sum(sum(m.count for m in j.record.metrics) for j in work))

    def copy_one(job: ComponentJob) -> None:
        if stop.is_set():
            raise Stopped()
        name = job.record.trial_component_name
        try:
            full = source.get_trial_component(name)  # listings may leave artifacts out
            job.record.input_artifacts = full.input_artifacts
            job.record.output_artifacts = full.output_artifacts
            points = source.metric_arrays(name)
        except SmxError as error:
            reason = f"reading the source: {error.message}"
            raise CopyError("TrialComponent", name, reason) from None
        try:
            target.write_component(job, points, _counter(progress, report), stop)
        except (Stopped, CopyError):
            raise
        except SmxError as error:
            raise CopyError("TrialComponent", name, error.message) from None
        progress.component_done()

    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="smx-copy")
    futures: list[Future[None]] = [pool.submit(copy_one, job) for job in work]
    try:
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        failed = next((f for f in done if f.exception() is not None), None)
        if failed is not None:
            stop.set()
            wait(futures)
            error = failed.exception()
            assert error is not None
            raise error
    except KeyboardInterrupt:
        stop.set()
        report.interrupted = True
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        progress.finish()


@contextmanager
def _naming(kind: str, name: str) -> Iterator[None]:
    """A store's refusal of an object as a CopyError naming the object."""
    try:
        yield
    except CopyError:
        raise
    except SmxError as error:
        raise CopyError(kind, name, error.message) from None


def _counter(progress: Progress, report: Report) -> Callable[[int], None]:
    lock = threading.Lock()

    def count(points: int) -> None:
        with lock:
            report.points += points
        progress.add_points(points)

    return count
