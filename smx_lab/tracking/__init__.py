"""The tracking API: a drop-in for ``smexperiments`` and for ``sagemaker.experiments.Run``.

Code written against SageMaker runs with only its import lines changed::

    from smx_lab import Experiment, Trial, Tracker

    with Tracker.create(display_name="Preprocessing", sagemaker_boto_client=client) as tracker:
        tracker.log_parameters({"normalization_mean": 0.1307})
    trial = Trial.create(trial_name="cnn-2", experiment_name="mnist")
    trial.add_trial_component(tracker.trial_component)

Where the data goes is decided in one place, :func:`_writer_for`: an explicit ``store=`` wins;
else, when a boto client or session is passed *and* ``SMX_LAB_STORE=sagemaker``, the SageMaker
writer; else the default embedded store (``SMX_LAB_DB`` or the Jupyter data directory). Keyword
arguments that only mean something on AWS (``artifact_bucket``, ``boto3_session``, ...) are
accepted and ignored by the embedded store.

Metric points are buffered and written in batches: when the buffer holds ``METRIC_BATCH_SIZE``
points, when the oldest buffered point is ``METRIC_FLUSH_SECONDS`` old, on ``close()``, on leaving
a ``with`` block and at interpreter exit. NaN and infinite values are dropped with a warning, as
SageMaker does, and never reach a summary.
"""

from __future__ import annotations

import atexit
import math
import mimetypes
import os
import secrets
import threading
import time
import warnings
import weakref
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from numbers import Integral
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, cast

from . import model as m
from . import names
from .errors import AlreadyExists, NotFound, ValidationError
from .stores.base import Store, Writer

METRIC_BATCH_SIZE = 10_000
METRIC_FLUSH_SECONDS = 5.0
_LIST_PAGE = 100


class Backend(Store, Writer, Protocol):
    """What the tracking API needs: the write side, plus reads for ``load`` and ``list``."""


_default: Backend | None = None
_default_lock = threading.Lock()


def _default_store() -> Backend:
    """The embedded store at ``$SMX_LAB_DB`` (re-read on each call, so tests can point it elsewhere)."""
    global _default
    from .stores.local import LocalStore, default_path

    path = default_path()
    with _default_lock:
        if _default is None or getattr(_default, "path", None) != path:
            _default = LocalStore(path)
        return _default


def _writer_for(
    store: Backend | None = None,
    sagemaker_boto_client: Any = None,
    sagemaker_session: Any = None,
) -> Backend:
    """The one place that decides where tracking data is written."""
    if store is not None:
        return store
    if (sagemaker_boto_client is not None or sagemaker_session is not None) and (
        os.environ.get("SMX_LAB_STORE", "").lower() == "sagemaker"
    ):
        from .stores.sagemaker_writer import SageMakerWriter

        boto_session = getattr(sagemaker_session, "boto_session", None)
        if sagemaker_boto_client is None and sagemaker_session is not None:
            sagemaker_boto_client = getattr(sagemaker_session, "sagemaker_client", None)
        writer = SageMakerWriter(sagemaker_client=sagemaker_boto_client, session=boto_session)
        # SageMaker store wiring: reads share the writer's clients (same endpoint and
        # credentials) without a cache, so what a run just wrote is read back as written.
        return cast(Backend, _ReadWrite(writer.store(), writer))
    return _default_store()


class _ReadWrite:
    """Reads through one object and writes through another (SageMaker's store and writer)."""

    def __init__(self, reader: Any, writer: Any) -> None:
        self._reader = reader
        self._writer = writer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._writer if hasattr(self._writer, name) else self._reader, name)


def _unique_name(base: str) -> str:
    """``<base>-<UTC time>-<4 hex>``, the shape smexperiments gives generated names."""
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d-%H-%M-%S-%f")[:-3]
    return f"{base[:120 - 29].rstrip('-')}-{stamp}-{secrets.token_hex(2)}"


def _seconds(field: str, value: Any) -> float | None:
    """A time given as a datetime or as seconds since the epoch → seconds."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.timestamp()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise ValidationError(field, "must be a datetime or seconds since the epoch")


def _datetime(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, tz=timezone.utc)


def _component_name(value: Any) -> str:
    """A trial component given as a name, a TrialComponent, a Tracker or a Run."""
    if isinstance(value, str):
        return value
    for attribute in ("trial_component_name", "trial_component"):
        inner = getattr(value, attribute, None)
        if isinstance(inner, str):
            return inner
        if inner is not None and isinstance(getattr(inner, "trial_component_name", None), str):
            return str(inner.trial_component_name)
    raise ValidationError("trial_component", "must be a name, a TrialComponent, a Tracker or a Run")


def _in_window(created: float | None, created_before: Any, created_after: Any) -> bool:
    before = _seconds("created_before", created_before)
    after = _seconds("created_after", created_after)
    if created is None:
        return True
    return (before is None or created < before) and (after is None or created > after)


def _every_page(fetch: Callable[[str | None], m.Page[Any]], cursor: str | None = None) -> Iterator[Any]:
    """Every item of a listing, page after page."""
    while True:
        page = fetch(cursor)
        yield from page.items
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def _sort(sort_by: str | None, sort_order: str | None) -> tuple[str, Any]:
    order = sort_order or "Descending"
    if order not in ("Ascending", "Descending"):
        raise ValidationError("sort_order", "must be Ascending or Descending")
    return sort_by or "CreationTime", order


class Experiment:
    """An experiment: a named group of trials (``smexperiments.experiment.Experiment``)."""

    def __init__(self, backend: Backend, record: m.Experiment) -> None:
        self._backend = backend
        self.experiment_name = record.experiment_name
        self.experiment_arn = record.experiment_arn
        self.display_name = record.display_name or record.experiment_name
        self.description = record.description
        self.tags = dict(record.tags)
        self.creation_time = _datetime(record.creation_time)
        self.last_modified_time = _datetime(record.last_modified_time)
        self.trial_count = record.trial_count

    def __repr__(self) -> str:
        return f"Experiment(experiment_name={self.experiment_name!r})"

    @classmethod
    def create(
        cls,
        experiment_name: str | None = None,
        description: str | None = None,
        tags: Any = None,
        sagemaker_boto_client: Any = None,
        *,
        display_name: str | None = None,
        store: Backend | None = None,
        **aws_only: Any,
    ) -> Experiment:
        backend = _writer_for(store, sagemaker_boto_client)
        name = experiment_name if experiment_name is not None else _unique_name("Experiment")
        record = backend.create_experiment(name, display_name=display_name, description=description, tags=names.tags(tags))
        return cls(backend, record)

    @classmethod
    def load(cls, experiment_name: str, sagemaker_boto_client: Any = None, *, store: Backend | None = None) -> Experiment:
        backend = _writer_for(store, sagemaker_boto_client)
        return cls(backend, backend.get_experiment(experiment_name))

    @classmethod
    def list(
        cls,
        created_before: Any = None,
        created_after: Any = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        sagemaker_boto_client: Any = None,
        *,
        store: Backend | None = None,
    ) -> Iterator[Experiment]:
        backend = _writer_for(store, sagemaker_boto_client)
        key, order = _sort(sort_by, sort_order)
        for record in _every_page(
            lambda cursor: backend.list_experiments(sort_by=key, sort_order=order, limit=_LIST_PAGE, cursor=cursor)
        ):
            if _in_window(record.creation_time, created_before, created_after):
                yield cls(backend, record)

    def list_trials(
        self,
        created_before: Any = None,
        created_after: Any = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
    ) -> Iterator[Trial]:
        key, order = _sort(sort_by, sort_order)
        for record in _every_page(
            lambda cursor: self._backend.list_trials(
                self.experiment_name, sort_by=key, sort_order=order, limit=_LIST_PAGE, cursor=cursor
            )
        ):
            if _in_window(record.creation_time, created_before, created_after):
                yield Trial(self._backend, record)

    def create_trial(self, trial_name: str | None = None, trial_name_prefix: str = "SageMakerTrial") -> Trial:
        return Trial.create(
            experiment_name=self.experiment_name,
            trial_name=trial_name if trial_name is not None else _unique_name(trial_name_prefix),
            store=self._backend,
        )

    def delete(self) -> None:
        self._backend.delete_experiment(self.experiment_name)

    def delete_all(self, action: str) -> None:
        """Delete the experiment, its trials and every trial component in them (``action="--force"``)."""
        if action != "--force":
            raise ValidationError("action", "must be '--force' to delete the experiment, its trials and their components")
        for trial in list(self.list_trials()):
            for component in list(trial.list_trial_components()):
                self._backend.delete_trial_component(component.trial_component_name)
            trial.delete()
        self.delete()


class Trial:
    """A trial: one run of an experiment, made of trial components (``smexperiments.trial.Trial``)."""

    def __init__(self, backend: Backend, record: m.Trial) -> None:
        self._backend = backend
        self.trial_name = record.trial_name
        self.trial_arn = record.trial_arn
        self.experiment_name = record.experiment_name
        self.display_name = record.display_name or record.trial_name
        self.tags = dict(record.tags)
        self.creation_time = _datetime(record.creation_time)
        self.last_modified_time = _datetime(record.last_modified_time)
        self.trial_component_count = record.trial_component_count

    def __repr__(self) -> str:
        return f"Trial(trial_name={self.trial_name!r}, experiment_name={self.experiment_name!r})"

    @classmethod
    def create(
        cls,
        experiment_name: str,
        trial_name: str | None = None,
        sagemaker_boto_client: Any = None,
        trial_components: list[Any] | None = None,
        tags: Any = None,
        *,
        display_name: str | None = None,
        store: Backend | None = None,
        **aws_only: Any,
    ) -> Trial:
        backend = _writer_for(store, sagemaker_boto_client)
        name = trial_name if trial_name is not None else _unique_name("SageMakerTrial")
        components = [_component_name(c) for c in trial_components or []]
        for component in components:
            backend.get_trial_component(component)  # NotFound before anything is written
        record = backend.create_trial(name, experiment_name, display_name=display_name, tags=names.tags(tags))
        for component in components:
            backend.associate_trial_component(component, name)
        if components:
            record = backend.get_trial(name)
        return cls(backend, record)

    @classmethod
    def load(cls, trial_name: str, sagemaker_boto_client: Any = None, *, store: Backend | None = None) -> Trial:
        backend = _writer_for(store, sagemaker_boto_client)
        return cls(backend, backend.get_trial(trial_name))

    @classmethod
    def list(
        cls,
        experiment_name: str | None = None,
        trial_component_name: str | None = None,
        created_before: Any = None,
        created_after: Any = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        sagemaker_boto_client: Any = None,
        *,
        store: Backend | None = None,
    ) -> Iterator[Trial]:
        backend = _writer_for(store, sagemaker_boto_client)
        if experiment_name is not None:
            yield from Experiment.load(experiment_name, store=backend).list_trials(
                created_before, created_after, sort_by, sort_order
            )
            return
        for experiment in Experiment.list(store=backend):
            for trial in experiment.list_trials(created_before, created_after, sort_by, sort_order):
                if trial_component_name is None or any(
                    c.trial_component_name == trial_component_name for c in trial.list_trial_components()
                ):
                    yield trial

    def add_trial_component(self, trial_component: Any) -> None:
        """Associate a component (a name, TrialComponent, Tracker or Run) with this trial."""
        self._backend.associate_trial_component(_component_name(trial_component), self.trial_name)

    def remove_trial_component(self, trial_component: Any) -> None:
        self._backend.disassociate_trial_component(_component_name(trial_component), self.trial_name)

    def list_trial_components(
        self,
        created_before: Any = None,
        created_after: Any = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> Iterator[TrialComponent]:
        yield from TrialComponent._pages(
            self._backend,
            {"trial_name": self.trial_name},
            created_before,
            created_after,
            sort_by,
            sort_order,
            max_results,
            next_token,
        )

    def delete(self) -> None:
        self._backend.delete_trial(self.trial_name)


class TrialComponent:
    """A trial component: parameters, artifacts and metrics of one step (``smexperiments``)."""

    def __init__(self, backend: Backend, record: m.TrialComponent) -> None:
        self._backend = backend
        self._refresh(record)

    def _refresh(self, record: m.TrialComponent) -> None:
        self.trial_component_name = record.trial_component_name
        self.trial_component_arn = record.trial_component_arn
        self.display_name = record.display_name or record.trial_component_name
        self.status = record.status or m.Status()
        self.source = record.source
        self.start_time = _datetime(record.start_time)
        self.end_time = _datetime(record.end_time)
        self.creation_time = _datetime(record.creation_time)
        self.last_modified_time = _datetime(record.last_modified_time)
        self.parameters: dict[str, m.ParameterValue] = dict(record.parameters)
        self.input_artifacts: dict[str, m.Artifact] = dict(record.input_artifacts)
        self.output_artifacts: dict[str, m.Artifact] = dict(record.output_artifacts)
        self.metrics: list[m.MetricSummary] = list(record.metrics)
        self.tags = dict(record.tags)
        self.parents = list(record.parents)
        self._saved_parameters = set(record.parameters)

    def __repr__(self) -> str:
        return f"TrialComponent(trial_component_name={self.trial_component_name!r})"

    @classmethod
    def create(
        cls,
        trial_component_name: str,
        display_name: str | None = None,
        tags: Any = None,
        sagemaker_boto_client: Any = None,
        *,
        store: Backend | None = None,
        **aws_only: Any,
    ) -> TrialComponent:
        backend = _writer_for(store, sagemaker_boto_client)
        record = backend.create_trial_component(trial_component_name, display_name=display_name, tags=names.tags(tags))
        return cls(backend, record)

    @classmethod
    def load(
        cls, trial_component_name: str, sagemaker_boto_client: Any = None, *, store: Backend | None = None
    ) -> TrialComponent:
        backend = _writer_for(store, sagemaker_boto_client)
        return cls(backend, backend.get_trial_component(trial_component_name))

    @classmethod
    def list(
        cls,
        source_arn: str | None = None,
        created_before: Any = None,
        created_after: Any = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        sagemaker_boto_client: Any = None,
        trial_name: str | None = None,
        experiment_name: str | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
        *,
        store: Backend | None = None,
    ) -> Iterator[TrialComponent]:
        backend = _writer_for(store, sagemaker_boto_client)
        selector: dict[str, Any] = {}
        if trial_name is not None:
            selector["trial_name"] = trial_name
        elif experiment_name is not None:
            selector["experiment_name"] = experiment_name
        for component in cls._pages(
            backend, selector, created_before, created_after, sort_by, sort_order, max_results, next_token
        ):
            if source_arn is None or (component.source is not None and component.source.source_arn == source_arn):
                yield component

    @classmethod
    def _pages(
        cls,
        backend: Backend,
        selector: dict[str, Any],
        created_before: Any,
        created_after: Any,
        sort_by: str | None,
        sort_order: str | None,
        max_results: int | None,
        next_token: str | None,
    ) -> Iterator[TrialComponent]:
        key, order = _sort(sort_by, sort_order)
        yielded = 0
        for record in _every_page(
            lambda cursor: backend.list_trial_components(
                **selector, sort_by=key, sort_order=order, limit=_LIST_PAGE, cursor=cursor
            ),
            next_token,
        ):
            if max_results is not None and yielded >= max_results:
                return
            if _in_window(record.creation_time, created_before, created_after):
                yielded += 1
                yield cls(backend, record)

    def save(self) -> None:
        """Write display name, status, times, parameters and artifacts as they are on this object."""
        removed = sorted(self._saved_parameters - set(self.parameters))
        self._backend.update_trial_component(
            self.trial_component_name,
            display_name=self.display_name,
            status=self.status,
            start_time=_seconds("start_time", self.start_time),
            end_time=_seconds("end_time", self.end_time),
            parameters=self.parameters,
            parameters_to_remove=removed,
            input_artifacts=self.input_artifacts,
            output_artifacts=self.output_artifacts,
        )
        self._refresh(self._backend.get_trial_component(self.trial_component_name))

    def delete(self, force_disassociate: bool = False) -> None:
        parents = self._backend.get_trial_component(self.trial_component_name).parents
        if parents and not force_disassociate:
            raise ValidationError(
                "force_disassociate", "the trial component belongs to trials; pass force_disassociate=True"
            )
        self._backend.delete_trial_component(self.trial_component_name)


_open_loggers: weakref.WeakSet[_Logger] = weakref.WeakSet()


@atexit.register
def _flush_at_exit() -> None:
    for logger in list(_open_loggers):
        try:
            logger.flush()
        except Exception as error:  # a failing store must not hide the program's own exit status
            warnings.warn(f"smx-lab: metrics of {logger.trial_component_name} not written: {error}", stacklevel=1)


class _Logger:
    """What a Tracker and a Run share: one trial component, logged to, with buffered metrics."""

    def __init__(self, backend: Backend, trial_component_name: str) -> None:
        self._backend = backend
        self.trial_component_name = trial_component_name
        # Buffered points per metric as parallel lists (values, timestamps, steps): cheaper per
        # point than a MetricPoint each, and what the embedded store takes directly.
        self._buffer: dict[str, tuple[list[float], list[float], list[int | None]]] = {}
        self._buffered = 0
        self._buffer_since = 0.0
        self._lock = threading.Lock()
        _open_loggers.add(self)

    @property
    def trial_component(self) -> TrialComponent:
        return TrialComponent(self._backend, self._backend.get_trial_component(self.trial_component_name))

    def log_parameter(self, name: str, value: Any) -> None:
        self.log_parameters({name: value})

    def log_parameters(self, parameters: dict[str, Any]) -> None:
        self._backend.update_trial_component(self.trial_component_name, parameters=names.parameters(parameters))

    def _log_artifact_value(self, kind: str, name: str, value: str, media_type: str | None) -> None:
        artifact = {name: m.Artifact(value, media_type)}
        if kind == "input":
            self._backend.update_trial_component(self.trial_component_name, input_artifacts=artifact)
        else:
            self._backend.update_trial_component(self.trial_component_name, output_artifacts=artifact)

    def _log_file(self, kind: str, file_path: str | os.PathLike[str], name: str | None, media_type: str | None) -> str:
        artifact_name = name if name is not None else Path(file_path).name
        names.artifact(kind, artifact_name, "", media_type)
        if media_type is None:
            guessed = mimetypes.guess_type(str(file_path))[0]
            # A guess that SageMaker would refuse (e.g. "application/vnd.ms-excel") is left out.
            media_type = guessed if guessed and names.MEDIA_TYPE_PATTERN.fullmatch(guessed) else None
        uri = self._backend.upload_artifact(self.trial_component_name, str(file_path), artifact_name)
        self._log_artifact_value(kind, artifact_name, uri, media_type)
        return uri

    def _log_metric(self, name: str, value: Any, timestamp: Any, step: Any) -> None:
        columns = self._buffer.get(name)
        if columns is None:
            names.metric_name(name)
        # A plain float skips the generic number check, which costs more than the rest of a call.
        number = value if type(value) is float else names.metric_value(name, value)
        if step is not None and (type(step) is not int or step < 0):
            if isinstance(step, bool) or not isinstance(step, Integral) or step < 0:
                raise ValidationError(f"metrics.{name}.step", "must be an integer >= 0")
            step = int(step)
        if timestamp is None:
            moment = time.time()
        else:
            given = _seconds("timestamp", timestamp)
            if given is None or given < 0:
                raise ValidationError(f"metrics.{name}.timestamp", "must be seconds since the epoch, >= 0")
            moment = given
        if not math.isfinite(number):
            warnings.warn(f"metric {name!r}: non-finite value {number} dropped", RuntimeWarning, stacklevel=3)
            return
        with self._lock:
            columns = self._buffer.get(name)
            if columns is None:
                columns = self._buffer[name] = ([], [], [])
            if not self._buffered:
                self._buffer_since = time.monotonic()
            columns[0].append(number)
            columns[1].append(moment)
            columns[2].append(step)
            self._buffered += 1
            full = self._buffered >= METRIC_BATCH_SIZE or time.monotonic() - self._buffer_since > METRIC_FLUSH_SECONDS
        if full:
            self.flush()

    def flush(self) -> None:
        """Write the buffered metric points (one transaction)."""
        with self._lock:
            batch, self._buffer, self._buffered = self._buffer, {}, 0
            if not batch:
                return
            write_columns = getattr(self._backend, "log_metric_columns", None)
            if write_columns is not None:
                write_columns(self.trial_component_name, batch)
            else:
                points = [
                    m.MetricPoint(name, value, moment, step)
                    for name, (values, moments, steps) in batch.items()
                    for value, moment, step in zip(values, moments, steps, strict=True)
                ]
                self._backend.log_metrics(self.trial_component_name, points)

    def _finish(self, error: BaseException | None) -> None:
        self.flush()
        if error is None:
            status = m.Status("Completed")
        else:
            message = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            status = m.Status("Failed", message[: names.STATUS_MESSAGE_MAX])
        self._backend.update_trial_component(self.trial_component_name, status=status, end_time=time.time())

    def close(self) -> None:
        self.flush()
        _open_loggers.discard(self)

    def __enter__(self) -> Any:
        # A resumed run (load_run) keeps the start time it had.
        started = self._backend.get_trial_component(self.trial_component_name).start_time
        self._backend.update_trial_component(
            self.trial_component_name, status=m.Status("InProgress"), start_time=started or time.time()
        )
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        try:
            self._finish(error)
        finally:
            _open_loggers.discard(self)


class Tracker(_Logger):
    """Logs to one trial component (``smexperiments.tracker.Tracker``)."""

    @classmethod
    def create(
        cls,
        display_name: str | None = None,
        artifact_bucket: str | None = None,
        artifact_prefix: str | None = None,
        boto3_session: Any = None,
        sagemaker_boto_client: Any = None,
        *,
        base_trial_component_name: str = "TrialComponent",
        store: Backend | None = None,
        **aws_only: Any,
    ) -> Tracker:
        """A tracker of a new component named ``<base_trial_component_name>-<time>-<random>``."""
        backend = _writer_for(store, sagemaker_boto_client)
        name = _unique_name(base_trial_component_name)
        backend.create_trial_component(name, display_name=display_name, start_time=time.time())
        return cls(backend, name)

    @classmethod
    def load(
        cls,
        trial_component_name: str | None = None,
        artifact_bucket: str | None = None,
        artifact_prefix: str | None = None,
        boto3_session: Any = None,
        sagemaker_boto_client: Any = None,
        training_job_name: str | None = None,
        processing_job_name: str | None = None,
        *,
        store: Backend | None = None,
        **aws_only: Any,
    ) -> Tracker:
        backend = _writer_for(store, sagemaker_boto_client)
        if trial_component_name is None:
            # SageMaker names a job's component after the job.
            if training_job_name:
                trial_component_name = f"{training_job_name}-aws-training-job"
            elif processing_job_name:
                trial_component_name = f"{processing_job_name}-aws-processing-job"
            else:
                raise ValidationError("trial_component_name", "give a trial component name or a job name")
        backend.get_trial_component(trial_component_name)
        return cls(backend, trial_component_name)

    def log_input(self, name: str, value: str, media_type: str | None = None) -> None:
        names.artifact("input", name, value, media_type)
        self._log_artifact_value("input", name, value, media_type)

    def log_output(self, name: str, value: str, media_type: str | None = None) -> None:
        names.artifact("output", name, value, media_type)
        self._log_artifact_value("output", name, value, media_type)

    def log_artifact(self, file_path: str | os.PathLike[str], name: str | None = None, media_type: str | None = None) -> None:
        """Copy a local file into the store's artifact folder and record it as an output artifact."""
        self._log_file("output", file_path, name, media_type)

    def log_output_artifact(
        self, file_path: str | os.PathLike[str], name: str | None = None, media_type: str | None = None
    ) -> None:
        self._log_file("output", file_path, name, media_type)

    def log_input_artifact(
        self, file_path: str | os.PathLike[str], name: str | None = None, media_type: str | None = None
    ) -> None:
        self._log_file("input", file_path, name, media_type)

    def log_artifacts(self, directory: str | os.PathLike[str], media_type: str | None = None) -> None:
        """Every file of a folder as an output artifact named after the file without its extension."""
        for path in sorted(Path(directory).iterdir()):
            if path.is_file():
                self.log_artifact(path, name=path.stem, media_type=media_type)

    def log_metric(
        self, metric_name: str, value: float, timestamp: Any = None, iteration_number: int | None = None
    ) -> None:
        self._log_metric(metric_name, value, timestamp, iteration_number)

    def __enter__(self) -> Tracker:
        super().__enter__()
        return self


def default_run_group(experiment_name: str) -> str:
    """The trial that holds an experiment's runs, named as SageMaker names it."""
    return f"Default-Run-Group-{experiment_name}"[: names.ENTITY_NAME_MAX].rstrip("-")


class Run(_Logger):
    """A run, like ``sagemaker.experiments.Run``: a trial component in the experiment's run group."""

    def __init__(
        self,
        experiment_name: str,
        run_name: str | None = None,
        experiment_display_name: str | None = None,
        run_display_name: str | None = None,
        tags: Any = None,
        sagemaker_session: Any = None,
        artifact_bucket: str | None = None,
        artifact_prefix: str | None = None,
        *,
        store: Backend | None = None,
        _load: bool = False,
    ) -> None:
        backend = _writer_for(store, sagemaker_session=sagemaker_session)
        names.entity_name("experiment_name", experiment_name)
        self.experiment_name = experiment_name
        self.run_name = run_name if run_name is not None else _unique_name("Sagemaker-Run").lower()
        names.entity_name("run_name", self.run_name)
        self.run_group_name = default_run_group(experiment_name)
        component = f"{experiment_name}-{self.run_name}".lower()
        names.entity_name("trial_component_name (<experiment_name>-<run_name>)", component)
        checked_tags = names.tags(tags)
        if _load:
            backend.get_trial_component(component)
        else:
            _get_or_create(
                lambda: backend.get_experiment(experiment_name),
                lambda: backend.create_experiment(experiment_name, display_name=experiment_display_name),
            )
            _get_or_create(
                lambda: backend.get_trial(self.run_group_name),
                lambda: backend.create_trial(self.run_group_name, experiment_name),
            )
            _get_or_create(
                lambda: backend.get_trial_component(component),
                lambda: backend.create_trial_component(
                    component, display_name=run_display_name or self.run_name, tags=checked_tags
                ),
            )
            backend.associate_trial_component(component, self.run_group_name)
        super().__init__(backend, component)

    def log_metric(self, name: str, value: float, timestamp: Any = None, step: int | None = None) -> None:
        self._log_metric(name, value, timestamp, step)

    def log_artifact(self, name: str, value: str, media_type: str | None = None, is_output: bool = True) -> None:
        kind = "output" if is_output else "input"
        names.artifact(kind, name, value, media_type)
        self._log_artifact_value(kind, name, value, media_type)

    def log_file(
        self,
        file_path: str | os.PathLike[str],
        name: str | None = None,
        media_type: str | None = None,
        is_output: bool = True,
    ) -> None:
        self._log_file("output" if is_output else "input", file_path, name, media_type)

    def __enter__(self) -> Run:
        super().__enter__()
        return self


def _get_or_create(get: Any, create: Any) -> Any:
    try:
        return get()
    except NotFound:
        try:
            return create()
        except AlreadyExists:  # another process created it first
            return get()


def load_run(
    run_name: str | None = None,
    experiment_name: str | None = None,
    sagemaker_session: Any = None,
    artifact_bucket: str | None = None,
    artifact_prefix: str | None = None,
    *,
    store: Backend | None = None,
) -> Run:
    """An existing run, like ``sagemaker.experiments.load_run`` (no job environment to read here)."""
    if run_name is None or experiment_name is None:
        raise ValidationError("run_name", "give run_name and experiment_name")
    return Run(experiment_name, run_name, sagemaker_session=sagemaker_session, store=store, _load=True)
