"""``sagemaker.experiments.Run`` and ``load_run``: a run is a trial component in its experiment's
run group, a trial named as SageMaker names it."""

from __future__ import annotations

import os
from typing import Any

from .. import names
from ..errors import AlreadyExists, NotFound, ValidationError
from .backend import Backend, writer_for
from .common import unique_name
from .logger import ComponentLogger


def default_run_group(experiment_name: str) -> str:
    """The trial that holds an experiment's runs, named as SageMaker names it."""
    return f"Default-Run-Group-{experiment_name}"[: names.ENTITY_NAME_MAX].rstrip("-")


class Run(ComponentLogger):
    """A run, like ``sagemaker.experiments.Run``: a trial component in the experiment's run
    group."""

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
        backend = writer_for(store, sagemaker_session=sagemaker_session)
        names.entity_name("experiment_name", experiment_name)
        self.experiment_name = experiment_name
        self.run_name = run_name if run_name is not None else unique_name("Sagemaker-Run").lower()
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
                lambda: backend.create_experiment(
                    experiment_name, display_name=experiment_display_name
                ),
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

    def log_metric(
        self, name: str, value: float, timestamp: Any = None, step: int | None = None
    ) -> None:
        self._log_metric(name, value, timestamp, step)

    def log_artifact(
        self, name: str, value: str, media_type: str | None = None, is_output: bool = True
    ) -> None:
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
    """An existing run, like ``sagemaker.experiments.load_run`` (no job environment to read
    here)."""
    if run_name is None or experiment_name is None:
        raise ValidationError("run_name", "give run_name and experiment_name")
    return Run(
        experiment_name, run_name, sagemaker_session=sagemaker_session, store=store, _load=True
    )
