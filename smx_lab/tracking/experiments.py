"""smexperiments' entity classes: :class:`Experiment`, :class:`Trial` and :class:`TrialComponent`,
with the same constructors, ``create``/``load``/``list`` class methods and attributes, over any
:class:`~smx_lab.tracking.backend.Backend`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .. import model as m
from .. import names
from ..errors import ValidationError
from .backend import Backend, writer_for
from .common import (
    LIST_PAGE,
    as_datetime,
    component_name,
    every_page,
    in_window,
    seconds,
    sorting,
    unique_name,
)


class Experiment:
    """An experiment: a named group of trials (``smexperiments.experiment.Experiment``)."""

    def __init__(self, backend: Backend, record: m.Experiment) -> None:
        self._backend = backend
        self.experiment_name = record.experiment_name
        self.experiment_arn = record.experiment_arn
        self.display_name = record.display_name or record.experiment_name
        self.description = record.description
        self.tags = dict(record.tags)
        self.creation_time = as_datetime(record.creation_time)
        self.last_modified_time = as_datetime(record.last_modified_time)
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
        backend = writer_for(store, sagemaker_boto_client)
        name = experiment_name if experiment_name is not None else unique_name("Experiment")
        record = backend.create_experiment(
            name, display_name=display_name, description=description, tags=names.tags(tags)
        )
        return cls(backend, record)

    @classmethod
    def load(
        cls,
        experiment_name: str,
        sagemaker_boto_client: Any = None,
        *,
        store: Backend | None = None,
    ) -> Experiment:
        backend = writer_for(store, sagemaker_boto_client)
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
        backend = writer_for(store, sagemaker_boto_client)
        key, order = sorting(sort_by, sort_order)
        for record in every_page(
            lambda cursor: backend.list_experiments(
                sort_by=key, sort_order=order, limit=LIST_PAGE, cursor=cursor
            )
        ):
            if in_window(record.creation_time, created_before, created_after):
                yield cls(backend, record)

    def list_trials(
        self,
        created_before: Any = None,
        created_after: Any = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
    ) -> Iterator[Trial]:
        key, order = sorting(sort_by, sort_order)
        for record in every_page(
            lambda cursor: self._backend.list_trials(
                self.experiment_name, sort_by=key, sort_order=order, limit=LIST_PAGE, cursor=cursor
            )
        ):
            if in_window(record.creation_time, created_before, created_after):
                yield Trial(self._backend, record)

    def create_trial(
        self, trial_name: str | None = None, trial_name_prefix: str = "SageMakerTrial"
    ) -> Trial:
        return Trial.create(
            experiment_name=self.experiment_name,
            trial_name=trial_name if trial_name is not None else unique_name(trial_name_prefix),
            store=self._backend,
        )

    def delete(self) -> None:
        self._backend.delete_experiment(self.experiment_name)

    def delete_all(self, action: str) -> None:
        """Delete the experiment, its trials and every trial component in them
        (``action="--force"``)."""
        if action != "--force":
            raise ValidationError(
                "action",
                "must be '--force' to delete the experiment, its trials and their components",
            )
        for trial in list(self.list_trials()):
            for component in list(trial.list_trial_components()):
                self._backend.delete_trial_component(component.trial_component_name)
            trial.delete()
        self.delete()


class Trial:
    """A trial: one run of an experiment, made of trial components
    (``smexperiments.trial.Trial``)."""

    def __init__(self, backend: Backend, record: m.Trial) -> None:
        self._backend = backend
        self.trial_name = record.trial_name
        self.trial_arn = record.trial_arn
        self.experiment_name = record.experiment_name
        self.display_name = record.display_name or record.trial_name
        self.tags = dict(record.tags)
        self.creation_time = as_datetime(record.creation_time)
        self.last_modified_time = as_datetime(record.last_modified_time)
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
        backend = writer_for(store, sagemaker_boto_client)
        name = trial_name if trial_name is not None else unique_name("SageMakerTrial")
        components = [component_name(c) for c in trial_components or []]
        for component in components:
            backend.get_trial_component(component)  # NotFound before anything is written
        record = backend.create_trial(
            name, experiment_name, display_name=display_name, tags=names.tags(tags)
        )
        for component in components:
            backend.associate_trial_component(component, name)
        if components:
            record = backend.get_trial(name)
        return cls(backend, record)

    @classmethod
    def load(
        cls, trial_name: str, sagemaker_boto_client: Any = None, *, store: Backend | None = None
    ) -> Trial:
        backend = writer_for(store, sagemaker_boto_client)
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
        backend = writer_for(store, sagemaker_boto_client)
        if experiment_name is not None:
            yield from Experiment.load(experiment_name, store=backend).list_trials(
                created_before, created_after, sort_by, sort_order
            )
            return
        for experiment in Experiment.list(store=backend):
            for trial in experiment.list_trials(created_before, created_after, sort_by, sort_order):
                if trial_component_name is None or any(
                    c.trial_component_name == trial_component_name
                    for c in trial.list_trial_components()
                ):
                    yield trial

    def add_trial_component(self, trial_component: Any) -> None:
        """Associate a component (a name, TrialComponent, Tracker or Run) with this trial."""
        self._backend.associate_trial_component(component_name(trial_component), self.trial_name)

    def remove_trial_component(self, trial_component: Any) -> None:
        self._backend.disassociate_trial_component(component_name(trial_component), self.trial_name)

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
        self.start_time = as_datetime(record.start_time)
        self.end_time = as_datetime(record.end_time)
        self.creation_time = as_datetime(record.creation_time)
        self.last_modified_time = as_datetime(record.last_modified_time)
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
        backend = writer_for(store, sagemaker_boto_client)
        record = backend.create_trial_component(
            trial_component_name, display_name=display_name, tags=names.tags(tags)
        )
        return cls(backend, record)

    @classmethod
    def load(
        cls,
        trial_component_name: str,
        sagemaker_boto_client: Any = None,
        *,
        store: Backend | None = None,
    ) -> TrialComponent:
        backend = writer_for(store, sagemaker_boto_client)
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
        backend = writer_for(store, sagemaker_boto_client)
        selector: dict[str, Any] = {}
        if trial_name is not None:
            selector["trial_name"] = trial_name
        elif experiment_name is not None:
            selector["experiment_name"] = experiment_name
        for component in cls._pages(
            backend,
            selector,
            created_before,
            created_after,
            sort_by,
            sort_order,
            max_results,
            next_token,
        ):
            if source_arn is None or (
                component.source is not None and component.source.source_arn == source_arn
            ):
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
        key, order = sorting(sort_by, sort_order)
        yielded = 0
        for record in every_page(
            lambda cursor: backend.list_trial_components(
                **selector, sort_by=key, sort_order=order, limit=LIST_PAGE, cursor=cursor
            ),
            next_token,
        ):
            if max_results is not None and yielded >= max_results:
                return
            if in_window(record.creation_time, created_before, created_after):
                yielded += 1
                yield cls(backend, record)

    def save(self) -> None:
        """Write display name, status, times, parameters and artifacts as they are on this
        object."""
        removed = sorted(self._saved_parameters - set(self.parameters))
        self._backend.update_trial_component(
            self.trial_component_name,
            display_name=self.display_name,
            status=self.status,
            start_time=seconds("start_time", self.start_time),
            end_time=seconds("end_time", self.end_time),
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
                "force_disassociate",
                "the trial component belongs to trials; pass force_disassociate=True",
            )
        self._backend.delete_trial_component(self.trial_component_name)
