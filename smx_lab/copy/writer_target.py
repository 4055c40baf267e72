"""Copying into the embedded store or SageMaker, through their :class:`~smx_lab.stores.base.Writer`.

Names are kept: a copy is the component of the same name, tagged with its origin and
fingerprint when it is created. These stores cannot change a component's tags later, so the
commit mark is the status: a copy is created ``InProgress`` with the message
:data:`~smx_lab.vocabulary.COPY_IN_PROGRESS_MESSAGE`, and its last write gives it its source's
status. A copy found still carrying that message was interrupted: it is deleted and written
again. A component of the same name that is no copy of this source is never touched: the copy
stops, naming it.

The embedded store also keeps the source's creation and modification times; SageMaker sets
those itself.
"""

from __future__ import annotations

import math
import re
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from .. import names
from ..columns import MetricArrays
from ..errors import NotFound, SmxError
from ..model import Artifact, Experiment, MetricPoint, Status, Trial
from ..stores.base import Store, Writer
from ..vocabulary import (
    COPY_IN_PROGRESS_MESSAGE,
    EXPERIMENT,
    SMX_DISPLAY_NAME_TAG,
    SMX_FINGERPRINT_TAG,
    SMX_ORIGIN_TAG,
    SMX_TAG_PREFIX,
    TRIAL,
    TRIAL_COMPONENT,
)
from .target import ComponentJob, CopyError, CopyRef, Existing, Membership, Progress, Stopped

#: Points a ``log_metrics`` call of these stores takes at once (SageMaker's writer sends them 10
#: a call itself).
POINTS_PER_WRITE = 10_000
_NOT_A_NAME = re.compile(r"[^a-zA-Z0-9]+")


def display_name(text: str | None) -> str | None:
    """A display name as SageMaker's rules allow it: runs of other characters become ``-``."""
    if text is None:
        return None
    try:
        return names.entity_name("display_name", text)
    except SmxError:
        cleaned = _NOT_A_NAME.sub("-", text).strip("-")[: names.ENTITY_NAME_MAX].strip("-")
        return cleaned or None


def local_file(value: str) -> Path | None:
    """The file an artifact's value names on this machine (a path or ``file://`` URI), if any."""
    if value.startswith("file:"):
        path = Path(unquote(urlparse(value).path))
    elif value.startswith("/"):
        path = Path(value)
    else:
        return None
    return path if path.is_file() else None


class WriterTarget:
    """A target over a store's reads (``reader``) and its :class:`Writer` (``writer``)."""

    def __init__(self, reader: Store, writer: Writer, description: str) -> None:
        self.reader = reader
        self.writer = writer
        self.description = description
        self._lock = threading.Lock()

    def close(self) -> None:
        self.reader.close()

    # -- what is there --------------------------------------------------------------------------

    def existing(self, origin: str, component_names: list[str], trial_names: list[str]) -> Existing:
        """Components by name (each must be a copy of ``origin``), and which of the trials the
        components belong to exist here (a component is linked to those too)."""
        found = Existing()
        for trial in trial_names:
            if self._exists(self.reader.get_trial, trial) is not None:
                found.trials[trial] = trial
        for name in component_names:
            try:
                record = self.reader.get_trial_component(name)
            except NotFound:
                continue
            if record.tags.get(SMX_ORIGIN_TAG) != origin:
                raise CopyError(
                    "TrialComponent",
                    name,
                    f"{self.description} already has a component of this name that is no copy "
                    f"of {origin}; it is left as it is (rename or delete it)",
                )
            complete = (record.status or Status()).message != COPY_IN_PROGRESS_MESSAGE
            trials = [(p.trial_name, p.experiment_name) for p in record.parents]
            copy = CopyRef(name, record.tags.get(SMX_FINGERPRINT_TAG), complete, trials)
            found.components[name] = [copy]
        return found

    def _exists(self, get: Any, name: str) -> Any:
        try:
            return get(name)
        except NotFound:
            return None

    # -- experiments and trials -----------------------------------------------------------------

    def write_experiment(self, record: Experiment, origin: str) -> bool:
        if self._exists(self.reader.get_experiment, record.experiment_name) is not None:
            return False
        self.writer.create_experiment(
            record.experiment_name,
            display_name=display_name(record.display_name),
            description=record.description,
            tags={**_user_tags(record.tags), SMX_ORIGIN_TAG: origin},
        )
        self._restore(EXPERIMENT, record.experiment_name, record)
        return True

    def write_trial(
        self, record: Trial, origin: str, fingerprint: str, ref: str | None
    ) -> tuple[str, bool]:
        found = self._exists(self.reader.get_trial, record.trial_name)
        if found is not None:
            if found.experiment_name != record.experiment_name:
                raise CopyError(
                    "Trial",
                    record.trial_name,
                    f"{self.description} has it in experiment {found.experiment_name!r}, "
                    f"not {record.experiment_name!r}",
                )
            return record.trial_name, False
        self.writer.create_trial(
            record.trial_name,
            record.experiment_name,
            display_name=display_name(record.display_name),
            tags={**_user_tags(record.tags), SMX_ORIGIN_TAG: origin},
        )
        self._restore(TRIAL, record.trial_name, record)
        return record.trial_name, True

    def _restore(self, resource: str, name: str, record: Any) -> None:
        restore = getattr(self.writer, "restore_times", None)
        if restore is not None:
            restore(
                resource,
                name,
                creation_time=record.creation_time,
                last_modified_time=record.last_modified_time,
                created_by=record.created_by,
            )

    # -- components -----------------------------------------------------------------------------

    def write_component(
        self, job: ComponentJob, points: MetricArrays, progress: Progress, stop: threading.Event
    ) -> None:
        record = job.record
        name = record.trial_component_name
        self.discard(name, job.replaces)  # one name, one copy: the old one goes first
        created = False
        try:
            self._create(job)
            created = True
            self._write_points(name, points, progress, stop)
            for trial, _ in job.trials:
                self.writer.associate_trial_component(name, trial)
            self.writer.update_trial_component(
                name, status=record.status or Status(), end_time=record.end_time
            )
            self._restore(TRIAL_COMPONENT, name, record)
        except BaseException:
            if created:
                self._quietly_delete(name)
            raise

    def _create(self, job: ComponentJob) -> None:
        record = job.record
        name = record.trial_component_name
        shown = display_name(record.display_name)
        tags = {
            **_user_tags(record.tags),
            SMX_ORIGIN_TAG: job.origin,
            SMX_FINGERPRINT_TAG: job.fingerprint,
        }
        if shown != record.display_name and record.display_name:
            tags[SMX_DISPLAY_NAME_TAG] = record.display_name[:256]
        try:
            self.writer.create_trial_component(
                name,
                display_name=shown,
                status=Status("InProgress", COPY_IN_PROGRESS_MESSAGE),
                source=record.source,
                start_time=record.start_time,
                tags=tags,
            )
        except SmxError as error:
            raise CopyError("TrialComponent", name, error.message) from None
        self.writer.update_trial_component(
            name,
            input_artifacts=self._artifacts(name, record.input_artifacts),
            output_artifacts=self._artifacts(name, record.output_artifacts),
        )
        parameters = list(record.parameters.items())
        for start in range(0, len(parameters), names.PARAMETERS_MAX):
            chunk = dict(parameters[start : start + names.PARAMETERS_MAX])
            self.writer.update_trial_component(name, parameters=chunk)

    def _artifacts(self, name: str, artifacts: dict[str, Artifact]) -> dict[str, Artifact]:
        """Artifacts by value, local files uploaded to this store (their new URI recorded)."""
        out = {}
        for key, artifact in artifacts.items():
            path = local_file(artifact.value)
            if path is None:
                out[key] = artifact
            else:
                # One file name per artifact (an MLflow artifact's key is its path in the run).
                uri = self.writer.upload_artifact(name, str(path), key.replace("/", "_"))
                out[key] = Artifact(uri, artifact.media_type)
        return out

    def _write_points(
        self, name: str, points: MetricArrays, progress: Progress, stop: threading.Event
    ) -> None:
        columns = getattr(self.writer, "log_metric_columns", None)  # the embedded store's
        for start in range(0, len(points), POINTS_PER_WRITE):
            if stop.is_set():
                raise Stopped()
            end = min(start + POINTS_PER_WRITE, len(points))
            if columns is not None:
                columns(name, _columns(points, start, end))
            else:
                self.writer.log_metrics(name, _points(points, start, end))
            progress(end - start)

    def set_trials(self, name: str, copy: CopyRef, trials: list[Membership], origin: str) -> None:
        for trial, _ in trials:
            if (trial, _) not in copy.trials:
                self.writer.associate_trial_component(name, trial)
        for trial, experiment in copy.trials:
            if (trial, experiment) not in trials:
                self.writer.disassociate_trial_component(name, trial)

    def discard(self, name: str, copies: list[CopyRef]) -> None:
        if copies:
            self._quietly_delete(name, strict=True)

    def _quietly_delete(self, name: str, strict: bool = False) -> None:
        """Deletes a component after taking it out of its trials (SageMaker asks for that)."""
        try:
            for parent in self.reader.get_trial_component(name).parents:
                self.writer.disassociate_trial_component(name, parent.trial_name)
            self.writer.delete_trial_component(name)
        except NotFound:
            pass
        except SmxError:
            if strict:
                raise


def _user_tags(tags: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in tags.items() if not k.startswith(SMX_TAG_PREFIX)}


def _points(points: MetricArrays, start: int, end: int) -> list[MetricPoint]:
    return [
        MetricPoint(
            points.metric_names[int(points.metric[i])],
            float(points.value[i]),
            float(points.timestamp[i]),
            int(points.step[i]) if points.has_step[i] else None,
        )
        for i in range(start, end)
        if math.isfinite(points.value[i])
    ]


def _columns(
    points: MetricArrays, start: int, end: int
) -> dict[str, tuple[list[Any], list[Any], list[Any]]]:
    """Points ``start:end`` per metric as (values, timestamps, steps), steps None where none."""
    out: dict[str, tuple[list[Any], list[Any], list[Any]]] = {}
    metric = points.metric[start:end]
    for index in dict.fromkeys(metric.tolist()):
        chosen = metric == index
        steps = points.step[start:end][chosen].tolist()
        has_step = points.has_step[start:end][chosen].tolist()
        out[points.metric_names[index]] = (
            points.value[start:end][chosen].tolist(),
            points.timestamp[start:end][chosen].tolist(),
            [s if h else None for s, h in zip(steps, has_step, strict=True)],
        )
    return out
