"""The Store interface: what every backend answers. Everything above it is backend-agnostic.

Listing and search methods return :class:`~smx_lab.model.Page` objects whose cursor is opaque to
callers; a cursor that the store did not make raises :class:`~smx_lab.errors.ValidationError`
(field ``cursor``). Unknown names raise :class:`~smx_lab.errors.NotFound`.

Sort fields and search properties use SageMaker's property names, canonicalised by
:func:`smx_lab.query.canonical_property` (``Name``, ``CreationTime``, ``LastModifiedTime``,
``DisplayName``, ``Parameters.<name>``, ``Metrics.<name>.<Stat>``, ...). A store may be handed
lower-case aliases (``metrics.test:accuracy.max``); it canonicalises them with that function.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol, runtime_checkable

from ..model import (
    Experiment,
    MetricPoint,
    Page,
    Series,
    SeriesQuery,
    Trial,
    TrialComponent,
    XAxis,
)

SortOrder = Literal["Ascending", "Descending"]
Resource = Literal["Experiment", "ExperimentTrial", "ExperimentTrialComponent"]

DEFAULT_PAGE_SIZE = 50
DEFAULT_MAX_POINTS = 1000


@runtime_checkable
class Store(Protocol):
    """Read side of a store: browse, search, metric series. All methods are blocking."""

    #: ``"local"`` or ``"sagemaker"``
    kind: str

    def info(self) -> dict[str, Any]:
        """What the store is: ``{"kind", "description", ...}`` (path, or account/region/endpoint)."""
        ...

    def list_experiments(
        self,
        *,
        name_contains: str | None = None,
        sort_by: str = "CreationTime",
        sort_order: SortOrder = "Descending",
        limit: int = DEFAULT_PAGE_SIZE,
        cursor: str | None = None,
    ) -> Page[Experiment]: ...

    def get_experiment(self, name: str) -> Experiment: ...

    def list_trials(
        self,
        experiment_name: str,
        *,
        name_contains: str | None = None,
        sort_by: str = "CreationTime",
        sort_order: SortOrder = "Descending",
        limit: int = DEFAULT_PAGE_SIZE,
        cursor: str | None = None,
    ) -> Page[Trial]:
        """Trials of one experiment; raises NotFound for an unknown experiment."""
        ...

    def get_trial(self, name: str) -> Trial: ...

    def list_trial_components(
        self,
        *,
        trial_name: str | None = None,
        experiment_name: str | None = None,
        unassigned: bool = False,
        name_contains: str | None = None,
        sort_by: str = "CreationTime",
        sort_order: SortOrder = "Descending",
        limit: int = DEFAULT_PAGE_SIZE,
        cursor: str | None = None,
    ) -> Page[TrialComponent]:
        """Full records (parameters, metric summaries, artifacts, parents) of the components of a
        trial, of an experiment, or with no trial at all; exactly one of the three selectors."""
        ...

    def get_trial_component(self, name: str) -> TrialComponent: ...

    def search(
        self,
        resource: Resource,
        search_expression: dict[str, Any] | None = None,
        *,
        sort_by: str = "CreationTime",
        sort_order: SortOrder = "Descending",
        limit: int = DEFAULT_PAGE_SIZE,
        cursor: str | None = None,
    ) -> Page[Any]:
        """SageMaker's Search: a validated SearchExpression (see :mod:`smx_lab.query`)."""
        ...

    def metric_series(
        self,
        queries: list[SeriesQuery],
        *,
        x_axis: XAxis = "step",
        max_points: int = DEFAULT_MAX_POINTS,
        x_range: tuple[float, float] | None = None,
    ) -> list[Series]:
        """Each (component, metric) as a series of at most ``max_points`` points: per-bucket min
        and max, always the first and last raw point; ``raw_count`` is the raw points in range.
        For ``x_axis="time"`` x is seconds since the epoch."""
        ...

    def metric_points(self, component: str, metric_names: list[str] | None = None) -> list[MetricPoint]:
        """Every raw point of a component (optionally of some metrics), in logging order."""
        ...

    def close(self) -> None: ...
