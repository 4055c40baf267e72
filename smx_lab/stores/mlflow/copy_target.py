"""``smx-lab copy`` into MLflow: experiments, trials as parent runs, components as runs nested under
their first trial, every point through ``log-batch`` (docs/copy.md).

The commit protocol of a component: its run is created with its identity tags (``smx-lab.origin``,
``smx-lab.name``, ``smx-lab.fingerprint``) in the one call that creates it; then its parameters
and the rest of its tags, its points, its status and end; and last the tag
``smx-lab.complete = true``. A run of this origin without that tag was interrupted (a kill, a
lost connection): the next copy deletes it and writes the component again. A changed component
is written as a new run, and the old one deleted only once the new one is complete, so the
target never lacks a complete copy of what it had. The SQL stores behind MLflow servers keep a
point once per (metric, step, time, value), so a ``log-batch`` retried after its answer was lost
adds no point twice.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from ...columns import MetricArrays
from ...copy.target import (
    ComponentJob,
    CopyError,
    CopyRef,
    Existing,
    Membership,
    Progress,
    Stopped,
)
from ...copy.writer_target import local_file
from ...errors import AlreadyExists, NotFound, SmxError
from ...model import Artifact, Experiment, Status, Trial, TrialComponent
from ...vocabulary import (
    MLFLOW_DEFAULT_EXPERIMENT,
    MLFLOW_NOTE_TAG,
    MLFLOW_PARENT_TAG,
    MLFLOW_STATUS_OF,
    SMX_ARTIFACTS_TAG,
    SMX_COMPLETE_TAG,
    SMX_ELSEWHERE_TAG,
    SMX_FINGERPRINT_TAG,
    SMX_ORIGIN_TAG,
    SMX_RECORD_TAG,
    SMX_STEPLESS_TAG,
    SMX_TEXT_PARAMETERS_TAG,
    SMX_TRIAL_KIND,
    SMX_TRIALS_TAG,
)
from . import records
from . import tags as smx_tags
from .index import quoted
from .store import MlflowStore
from .writes import WriteCalls


class MlflowTarget:
    """Copies into the MLflow tracking server, database or folder at ``tracking_uri``."""

    def __init__(self, tracking_uri: str | None, *, retries: int, points_per_call: int) -> None:
        self.store = MlflowStore(
            tracking_uri=tracking_uri, cache_seconds=0, max_retries=retries, timeout=60.0
        )
        self.backend = self.store.backend
        self.calls = WriteCalls(self.backend)
        self.points_per_call = points_per_call
        self.description = f"mlflow:{self.backend.where}"
        self._experiment_ids: dict[str, str] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self.store.close()

    # -- what is there --------------------------------------------------------------------------

    def existing(self, origin: str, component_names: list[str], trial_names: list[str]) -> Existing:
        """Every run of ``origin`` (one search over every active experiment)."""
        experiments = self.backend.experiments()
        found = Existing(experiments={e["name"] for e in experiments})
        ids = [str(e["experiment_id"]) for e in experiments]
        runs = self.backend.runs(ids, f"tags.`{SMX_ORIGIN_TAG}` = {quoted(origin)}") if ids else []
        children: dict[str, int] = {}
        for run in runs:
            parent = records.parent_id(run)
            if parent:
                children[parent] = children.get(parent, 0) + 1
        trial_runs: dict[str, list[dict[str, Any]]] = {}
        for run in runs:
            tags = records.tags_of(run)
            name = smx_tags.component_name(tags) or records.run_id(run)
            if smx_tags.is_trial(tags):
                trial_runs.setdefault(name, []).append(run)
                continue
            found.components.setdefault(name, []).append(
                CopyRef(
                    records.run_id(run),
                    tags.get(SMX_FINGERPRINT_TAG),
                    tags.get(SMX_COMPLETE_TAG) == "true",
                    smx_tags.memberships(tags) or [],
                )
            )
        for name, candidates in trial_runs.items():
            # A trial written twice (a create retried after its answer was lost): the one its
            # components nest under stays.
            candidates.sort(key=lambda r: (-children.get(records.run_id(r), 0), _start(r)))
            found.trials[name] = records.run_id(candidates[0])
            found.doubled += [CopyRef(records.run_id(r), None, False) for r in candidates[1:]]
        return found

    # -- experiments and trials -----------------------------------------------------------------

    def write_experiment(self, record: Experiment, origin: str) -> bool:
        if self._experiment_id(record.experiment_name, create=False) is not None:
            return False
        tags = dict(_user(record.tags))
        if record.description:
            tags[MLFLOW_NOTE_TAG] = record.description
        kept = {
            "DisplayName": record.display_name,
            "CreationTime": record.creation_time,
            "LastModifiedTime": record.last_modified_time,
            "CreatedBy": record.created_by,
        }
        tags.update(smx_tags.json_tags(SMX_RECORD_TAG, kept, smx_tags.EXPERIMENT_TAG_VALUE_MAX))
        tags[SMX_ORIGIN_TAG] = origin
        try:
            created = self.calls.create_experiment(record.experiment_name, tags)
        except AlreadyExists:
            raise CopyError(
                "Experiment",
                record.experiment_name,
                "MLflow holds a deleted experiment of this name: restore it (mlflow experiments "
                "restore) or delete it for good (mlflow gc) first",
            ) from None
        with self._lock:
            self._experiment_ids[record.experiment_name] = created
        return True

    def _experiment_id(self, name: str, create: bool = True) -> str | None:
        with self._lock:
            if name in self._experiment_ids:
                return self._experiment_ids[name]
        try:
            found = str(self.store.index.experiment(name, refresh=True)["experiment_id"])
        except NotFound:
            if not create:
                return None
            found = self.calls.create_experiment(name, {})  # MLflow's Default, if it was gone
        with self._lock:
            self._experiment_ids[name] = found
        return found

    def write_trial(
        self, record: Trial, origin: str, fingerprint: str, ref: str | None
    ) -> tuple[str, bool]:
        """A trial is a parent run; an experiment's default run group is none (its runs are
        MLflow's runs without a parent): its ref is empty."""
        if record.trial_name == records.default_group(record.experiment_name):
            return "", False
        tags = {
            **_user(record.tags),
            **smx_tags.json_tags(
                SMX_RECORD_TAG,
                {
                    "CreationTime": record.creation_time,
                    "LastModifiedTime": record.last_modified_time,
                    "CreatedBy": record.created_by,
                },
            ),
            SMX_FINGERPRINT_TAG: fingerprint,
        }
        shown = record.display_name or record.trial_name
        finished = MLFLOW_STATUS_OF["Completed"]
        if ref:
            run = self.backend.run(ref)
            same = records.tags_of(run).get(SMX_FINGERPRINT_TAG) == fingerprint
            if same and run["info"].get("status") == finished:
                return ref, False
            self.calls.log_batch(ref, tags=tags)
            self.calls.update_run(ref, run_name=shown, status=finished)
            return ref, True
        experiment_id = self._experiment_id(record.experiment_name)
        assert experiment_id is not None
        run = self.calls.create_run(
            experiment_id,
            run_name=shown,
            start_time=record.creation_time,
            tags={
                **tags,
                **smx_tags.identity_tags(record.trial_name, SMX_TRIAL_KIND),
                SMX_ORIGIN_TAG: origin,
            },
        )
        end = record.last_modified_time or record.creation_time
        self.calls.update_run(records.run_id(run), status=finished, end_time=end)
        return records.run_id(run), True

    # -- components -----------------------------------------------------------------------------

    def write_component(
        self, job: ComponentJob, points: MetricArrays, progress: Progress, stop: threading.Event
    ) -> None:
        record = job.record
        name = record.trial_component_name
        check_component(record, points)
        home = job.trials[0][1] if job.trials else MLFLOW_DEFAULT_EXPERIMENT
        experiment_id = self._experiment_id(home)
        assert experiment_id is not None
        identity = {
            **smx_tags.identity_tags(name),
            SMX_ORIGIN_TAG: job.origin,
            SMX_FINGERPRINT_TAG: job.fingerprint,
        }
        parent = job.trial_refs.get(job.trials[0][0]) if job.trials else None
        if parent:
            identity[MLFLOW_PARENT_TAG] = parent
        run = self.calls.create_run(
            experiment_id,
            run_name=record.display_name or name,
            start_time=record.start_time or record.creation_time,
            tags=identity,
        )
        run_id = records.run_id(run)
        try:
            self._fill(run, job, experiment_id, stepless_metrics(points))
            self._points(run_id, points, progress, stop)
            status = MLFLOW_STATUS_OF[(record.status or Status()).primary_status]
            if status != MLFLOW_STATUS_OF["InProgress"] or record.end_time is not None:
                self.calls.update_run(run_id, status=status, end_time=record.end_time)
            self.calls.set_tag(run_id, SMX_COMPLETE_TAG, "true")  # the commit: last
        except BaseException:
            self._quietly_delete(run_id)
            raise
        self.discard(name, job.replaces)

    def _fill(
        self, run: dict[str, Any], job: ComponentJob, experiment_id: str, stepless: list[str]
    ) -> None:
        """Parameters and every tag but the commit mark, in as few ``log-batch`` calls as MLflow
        allows; local artifact files uploaded first, so that their new URIs are recorded."""
        record = job.record
        run_id = records.run_id(run)
        root = run["info"].get("artifact_uri") or ""
        inputs = self._uploaded(root, "input", record.input_artifacts)
        outputs = self._uploaded(root, "output", record.output_artifacts)
        params, text = smx_tags.parameter_texts(record.parameters)
        tags = {
            **_user(record.tags),
            **smx_tags.trials_tags(job.trials),
            **smx_tags.json_tags(SMX_RECORD_TAG, smx_tags.record_of(record)),
        }
        if text:
            tags.update(smx_tags.json_tags(SMX_TEXT_PARAMETERS_TAG, text))
        if stepless:
            tags.update(smx_tags.json_tags(SMX_STEPLESS_TAG, stepless))
        if inputs or outputs:
            tags.update(
                smx_tags.json_tags(SMX_ARTIFACTS_TAG, smx_tags.artifacts_value(inputs, outputs))
            )
        if self._elsewhere(job.trials, experiment_id):
            tags[SMX_ELSEWHERE_TAG] = "true"
        self.calls.log_batch(run_id, params=params, tags=tags)

    def _elsewhere(self, trials: list[Membership], experiment_id: str) -> bool:
        """Whether a run joins trials of other experiments; those experiments are tagged so
        that readers look for it there."""
        others = {e for _, e in trials if self._experiment_id(e) != experiment_id}
        for experiment in others:
            other_id = self._experiment_id(experiment)
            assert other_id is not None
            self.calls.set_experiment_tag(other_id, SMX_ELSEWHERE_TAG, "true")
        return bool(others)

    def _uploaded(
        self, root: str, kind: str, artifacts: dict[str, Artifact]
    ) -> dict[str, Artifact]:
        out = {}
        for key, artifact in artifacts.items():
            path = local_file(artifact.value)
            if path is None or not root:
                out[key] = artifact
                continue
            folder = f"smx-lab-{kind}/{key.replace('/', '_')}"
            self.calls.upload(root, str(path), folder)
            out[key] = records.artifact(root, f"{folder}/{path.name}")
            out[key].media_type = artifact.media_type
        return out

    def _points(
        self, run_id: str, points: MetricArrays, progress: Progress, stop: threading.Event
    ) -> None:
        keys, values, times, steps = metric_columns(points)
        for start in range(0, len(values), self.points_per_call):
            if stop.is_set():
                raise Stopped()
            end = min(start + self.points_per_call, len(values))
            metrics = [
                {"key": keys[k], "value": v, "timestamp": t, "step": s}
                for k, v, t, s in zip(
                    points.metric[start:end].tolist(),
                    values[start:end].tolist(),
                    times[start:end].tolist(),
                    steps[start:end].tolist(),
                    strict=True,
                )
            ]
            self.calls.log_batch(run_id, metrics=metrics, metrics_per_batch=self.points_per_call)
            progress(end - start)

    def set_trials(self, name: str, copy: CopyRef, trials: list[Membership], origin: str) -> None:
        run = self.backend.run(copy.ref)
        tags = records.tags_of(run)
        written = smx_tags.trials_tags(trials)
        if self._elsewhere(trials, str(run["info"]["experiment_id"])):
            written[SMX_ELSEWHERE_TAG] = "true"
        self.calls.log_batch(copy.ref, tags=written)
        for key in tags:
            if key.startswith(f"{SMX_TRIALS_TAG}.") and key not in written:
                self.calls.delete_tag(copy.ref, key)

    def discard(self, name: str, copies: list[CopyRef]) -> None:
        for copy in copies:
            self.calls.delete_run(copy.ref)

    def _quietly_delete(self, run_id: str) -> None:
        try:
            self.calls.delete_run(run_id)
        except SmxError:
            pass  # unreachable now: the next copy finds it incomplete and deletes it


def metric_columns(points: MetricArrays) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Points as MLflow takes them: values, times in milliseconds, and steps (a point logged
    without a step gets its place among its metric's points, as smx-lab shows it)."""
    steps = points.step.astype(np.int64)
    if len(points) and not bool(points.has_step.all()):
        position = np.zeros(len(points), dtype=np.int64)
        for index in range(len(points.metric_names)):
            chosen = np.nonzero(points.metric == index)[0]
            position[chosen] = np.arange(len(chosen))
        steps = np.where(points.has_step, steps, position)
    times = np.rint(points.timestamp * 1000.0).astype(np.int64)
    return points.metric_names, points.value.astype(np.float64), times, steps


def stepless_metrics(points: MetricArrays) -> list[str]:
    """The metrics none of whose points has a step."""
    with_step = set(points.metric[points.has_step].tolist())
    present = set(points.metric.tolist())
    return [points.metric_names[i] for i in sorted(present - with_step)]


def check_component(record: TrialComponent, points: MetricArrays) -> None:
    """What MLflow would refuse, found before anything is written: names of parameters, metrics
    and tags outside MLflow's rules, points that are not finite."""
    from mlflow.exceptions import MlflowException
    from mlflow.utils.validation import (
        _validate_metric_name,
        _validate_param_name,
        _validate_tag_name,
    )

    checks = [
        *((f"parameter {k!r}", _validate_param_name, k) for k in record.parameters),
        *((f"metric {k!r}", _validate_metric_name, k) for k in points.metric_names),
        *((f"tag {k!r}", _validate_tag_name, k) for k in _user(record.tags)),
    ]
    for what, check, key in checks:
        try:
            check(key)
        except MlflowException as error:
            raise CopyError(
                "TrialComponent", record.trial_component_name, f"{what}: {error.message}"
            ) from None
    if len(points) and not bool(np.isfinite(points.value).all()):
        raise CopyError(
            "TrialComponent", record.trial_component_name, "a metric point is not finite"
        )


def _user(tags: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in tags.items() if not smx_tags.is_smx_tag(k)}


def _start(run: dict[str, Any]) -> tuple[int, str]:
    return int(run["info"].get("start_time") or 0), records.run_id(run)
