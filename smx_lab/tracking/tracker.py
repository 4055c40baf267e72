"""smexperiments' :class:`Tracker`: logs parameters, artifacts and metrics to one trial
component."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from .. import names
from ..errors import ValidationError
from .backend import Backend, writer_for
from .common import unique_name
from .logger import ComponentLogger


class Tracker(ComponentLogger):
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
        backend = writer_for(store, sagemaker_boto_client)
        name = unique_name(base_trial_component_name)
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
        backend = writer_for(store, sagemaker_boto_client)
        if trial_component_name is None:
            # SageMaker names a job's component after the job.
            if training_job_name:
                trial_component_name = f"{training_job_name}-aws-training-job"
            elif processing_job_name:
                trial_component_name = f"{processing_job_name}-aws-processing-job"
            else:
                raise ValidationError(
                    "trial_component_name", "give a trial component name or a job name"
                )
        backend.get_trial_component(trial_component_name)
        return cls(backend, trial_component_name)

    def log_input(self, name: str, value: str, media_type: str | None = None) -> None:
        names.artifact("input", name, value, media_type)
        self._log_artifact_value("input", name, value, media_type)

    def log_output(self, name: str, value: str, media_type: str | None = None) -> None:
        names.artifact("output", name, value, media_type)
        self._log_artifact_value("output", name, value, media_type)

    def log_artifact(
        self,
        file_path: str | os.PathLike[str],
        name: str | None = None,
        media_type: str | None = None,
    ) -> None:
        """Copy a local file into the store's artifact folder and record it as an output
        artifact."""
        self._log_file("output", file_path, name, media_type)

    def log_output_artifact(
        self,
        file_path: str | os.PathLike[str],
        name: str | None = None,
        media_type: str | None = None,
    ) -> None:
        self._log_file("output", file_path, name, media_type)

    def log_input_artifact(
        self,
        file_path: str | os.PathLike[str],
        name: str | None = None,
        media_type: str | None = None,
    ) -> None:
        self._log_file("input", file_path, name, media_type)

    def log_artifacts(
        self, directory: str | os.PathLike[str], media_type: str | None = None
    ) -> None:
        """Every file of a folder as an output artifact named after the file without its
        extension."""
        for path in sorted(Path(directory).iterdir()):
            if path.is_file():
                self.log_artifact(path, name=path.stem, media_type=media_type)

    def log_metric(
        self,
        metric_name: str,
        value: float,
        timestamp: Any = None,
        iteration_number: int | None = None,
    ) -> None:
        self._log_metric(metric_name, value, timestamp, iteration_number)

    def __enter__(self) -> Tracker:
        super().__enter__()
        return self
