"""What a :class:`~smx_lab.tracking.Tracker` and a :class:`~smx_lab.tracking.Run` share: one trial
component logged to, its parameters and artifacts written at once, its metric points buffered.

Metric points are written in batches: when the buffer holds ``METRIC_BATCH_SIZE`` points, when
the oldest buffered point is ``METRIC_FLUSH_SECONDS`` old, on ``close()``, on leaving a ``with``
block and at interpreter exit. Both limits are read from :mod:`smx_lab.tracking` when a point is
logged, so setting ``smx_lab.tracking.METRIC_BATCH_SIZE`` takes effect at once. NaN and infinite
values are dropped with a warning, as SageMaker does, and never reach a summary.
"""

from __future__ import annotations

import atexit
import math
import mimetypes
import os
import sys
import threading
import time
import warnings
import weakref
from numbers import Integral
from pathlib import Path
from types import TracebackType
from typing import Any

from .. import model as m
from .. import names
from ..errors import ValidationError
from .backend import Backend
from .common import seconds
from .experiments import TrialComponent

# The package's module, where the batch limits are set (it is being imported when this is).
_limits = sys.modules[__name__.rpartition(".")[0]]

_open_loggers: weakref.WeakSet[ComponentLogger] = weakref.WeakSet()


@atexit.register
def _flush_at_exit() -> None:
    for logger in list(_open_loggers):
        try:
            logger.flush()
        except Exception as error:  # a failing store must not hide the program's own exit status
            warnings.warn(
                f"smx-lab: metrics of {logger.trial_component_name} not written: {error}",
                stacklevel=1,
            )


class ComponentLogger:
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
        return TrialComponent(
            self._backend, self._backend.get_trial_component(self.trial_component_name)
        )

    def log_parameter(self, name: str, value: Any) -> None:
        self.log_parameters({name: value})

    def log_parameters(self, parameters: dict[str, Any]) -> None:
        self._backend.update_trial_component(
            self.trial_component_name, parameters=names.parameters(parameters)
        )

    def _log_artifact_value(self, kind: str, name: str, value: str, media_type: str | None) -> None:
        artifact = {name: m.Artifact(value, media_type)}
        if kind == "input":
            self._backend.update_trial_component(
                self.trial_component_name, input_artifacts=artifact
            )
        else:
            self._backend.update_trial_component(
                self.trial_component_name, output_artifacts=artifact
            )

    def _log_file(
        self, kind: str, file_path: str | os.PathLike[str], name: str | None, media_type: str | None
    ) -> str:
        artifact_name = name if name is not None else Path(file_path).name
        names.artifact(kind, artifact_name, "", media_type)
        if media_type is None:
            guessed = mimetypes.guess_type(str(file_path))[0]
            # A guess that SageMaker would refuse (e.g. "application/vnd.ms-excel") is left out.
            media_type = (
                guessed if guessed and names.MEDIA_TYPE_PATTERN.fullmatch(guessed) else None
            )
        uri = self._backend.upload_artifact(
            self.trial_component_name, str(file_path), artifact_name
        )
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
            given = seconds("timestamp", timestamp)
            if given is None or given < 0:
                raise ValidationError(
                    f"metrics.{name}.timestamp", "must be seconds since the epoch, >= 0"
                )
            moment = given
        if not math.isfinite(number):
            warnings.warn(
                f"metric {name!r}: non-finite value {number} dropped", RuntimeWarning, stacklevel=3
            )
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
            full = (
                self._buffered >= _limits.METRIC_BATCH_SIZE
                or time.monotonic() - self._buffer_since > _limits.METRIC_FLUSH_SECONDS
            )
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
        self._backend.update_trial_component(
            self.trial_component_name, status=status, end_time=time.time()
        )

    def close(self) -> None:
        self.flush()
        _open_loggers.discard(self)

    def __enter__(self) -> Any:
        # A resumed run (load_run) keeps the start time it had.
        started = self._backend.get_trial_component(self.trial_component_name).start_time
        self._backend.update_trial_component(
            self.trial_component_name,
            status=m.Status("InProgress"),
            start_time=started or time.time(),
        )
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            self._finish(error)
        finally:
            _open_loggers.discard(self)
