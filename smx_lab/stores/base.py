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

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from traitlets.config import LoggingConfigurable

from ..columns import Census, ColumnPage, ComponentColumns, MetricArrays, Scope
from ..model import (
    Artifact,
    Experiment,
    MetricPoint,
    Page,
    ParameterValue,
    Series,
    SeriesQuery,
    Source,
    Status,
    Trial,
    TrialComponent,
    XAxis,
)
from ..vocabulary import TRIAL_COMPONENT, Resource, SortOrder

if TYPE_CHECKING:
    from ..jobs import Jobs

__all__ = ["DEFAULT_MAX_POINTS", "DEFAULT_PAGE_SIZE", "Resource", "SortOrder", "Store", "Writer"]

DEFAULT_PAGE_SIZE = 50
DEFAULT_MAX_POINTS = 1000


class Store(LoggingConfigurable):
    """Read side of a store: browse, search, metric series. All methods are blocking.

    Every store is a :class:`~traitlets.config.Configurable`: its settings are traits, documented
    in ``--help-all`` and set like any Jupyter setting (``c.LocalStore.path = ...``). The server
    extension's ``store_class`` must be a subclass of this class."""

    #: ``"local"`` or ``"sagemaker"``
    kind: str = "abstract"
    #: The SageMaker jobs behind trial components (:class:`smx_lab.jobs.Jobs`); None for a store
    #: that has none.
    jobs: Jobs | None = None

    def info(self) -> dict[str, Any]:
        """What the store is: ``{"kind", "description", ...}`` (path, or
        account/region/endpoint)."""
        raise NotImplementedError

    def list_experiments(
        self,
        *,
        name_contains: str | None = None,
        sort_by: str = "CreationTime",
        sort_order: SortOrder = "Descending",
        limit: int = DEFAULT_PAGE_SIZE,
        cursor: str | None = None,
    ) -> Page[Experiment]:
        raise NotImplementedError

    def get_experiment(self, name: str) -> Experiment:
        raise NotImplementedError

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
        raise NotImplementedError

    def get_trial(self, name: str) -> Trial:
        raise NotImplementedError

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
        raise NotImplementedError

    def get_trial_component(self, name: str) -> TrialComponent:
        raise NotImplementedError

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
        raise NotImplementedError

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
        raise NotImplementedError

    def metric_points(
        self, component: str, metric_names: list[str] | None = None
    ) -> list[MetricPoint]:
        """Every raw point of a component (optionally of some metrics), in logging order."""
        raise NotImplementedError

    # The columnar path: optional, each with a default built from the records above. A store
    # that can read columns directly (the embedded store, from SQL) overrides them.

    def search_trial_component_columns(
        self,
        search_expression: dict[str, Any] | None = None,
        *,
        sort_by: str = "CreationTime",
        sort_order: SortOrder = "Descending",
        limit: int = DEFAULT_PAGE_SIZE,
        cursor: str | None = None,
    ) -> ColumnPage:
        """The page :meth:`search` gives for trial components (same cursor and total), as
        :class:`~smx_lab.columns.ComponentColumns`: what tables are built from."""
        page = self.search(
            TRIAL_COMPONENT,
            search_expression,
            sort_by=sort_by,
            sort_order=sort_order,
            limit=limit,
            cursor=cursor,
        )
        return ColumnPage(ComponentColumns.from_records(page.items), page.next_cursor, page.total)

    def list_trial_component_columns(
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
    ) -> ColumnPage:
        """The page :meth:`list_trial_components` gives, as columns."""
        page = self.list_trial_components(
            trial_name=trial_name,
            experiment_name=experiment_name,
            unassigned=unassigned,
            name_contains=name_contains,
            sort_by=sort_by,
            sort_order=sort_order,
            limit=limit,
            cursor=cursor,
        )
        return ColumnPage(ComponentColumns.from_records(page.items), page.next_cursor, page.total)

    # The server-paged list (:mod:`smx_lab.listing`): optional fast paths over a whole scope. Each
    # default answers None, and the list then reads the scope through the methods above.

    def scope_columns(
        self,
        scope: Scope,
        *,
        sort_by: str = "CreationTime",
        sort_order: SortOrder = "Ascending",
        limit: int = DEFAULT_PAGE_SIZE,
        cursor: str | None = None,
        offset: int | None = None,
    ) -> ColumnPage | None:
        """One page of the components of ``scope``, sorted, with the exact total, from ``cursor``
        or from ``offset`` (rows to skip); None: this store has no such path."""
        return None

    def scope_census(self, scope: Scope) -> Census | None:
        """The :class:`~smx_lab.columns.Census` of ``scope``; None: this store has no such path."""
        return None

    def scope_values(
        self, scope: Scope, properties: list[str]
    ) -> tuple[list[str], list[list[Any]]] | None:
        """Every component of ``scope``: its name, and for each of ``properties`` (canonical:
        ``Parameters.<n>``, ``Tags.<k>``, ``Metrics.<n>.<Stat>``, ``Status.PrimaryStatus``,
        ``Parents.TrialName``, ``Parents.ExperimentName``) its value, None where it has none (a
        parent: the first in alphabetical order). None: this store has no such path."""
        return None

    def metric_arrays(self, component: str, metric_names: list[str] | None = None) -> MetricArrays:
        """:meth:`metric_points` as numpy arrays, in the same order."""
        return MetricArrays.from_points(self.metric_points(component, metric_names))

    def close(self) -> None:
        """Releases what the store holds (connections, threads); a store with nothing to release
        keeps this default."""


@runtime_checkable
class Writer(Protocol):
    """Write side, used by the tracking API (:mod:`smx_lab.tracking`). The embedded store, the
    SageMaker writer and the MLflow writer implement it. Names are validated against SageMaker's
    rules before anything is written; a failed call writes nothing."""

    def create_experiment(
        self,
        name: str,
        *,
        display_name: str | None = None,
        description: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> Experiment: ...

    def delete_experiment(self, name: str) -> None: ...

    def create_trial(
        self,
        name: str,
        experiment_name: str,
        *,
        display_name: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> Trial: ...

    def delete_trial(self, name: str) -> None: ...

    def create_trial_component(
        self,
        name: str,
        *,
        display_name: str | None = None,
        status: Status | None = None,
        source: Source | None = None,
        start_time: float | None = None,
        tags: dict[str, str] | None = None,
    ) -> TrialComponent: ...

    def update_trial_component(
        self,
        name: str,
        *,
        display_name: str | None = None,
        status: Status | None = None,
        start_time: float | None = None,
        end_time: float | None = None,
        parameters: dict[str, ParameterValue] | None = None,
        parameters_to_remove: list[str] | None = None,
        input_artifacts: dict[str, Artifact] | None = None,
        output_artifacts: dict[str, Artifact] | None = None,
    ) -> None:
        """Merges: given parameters/artifacts are added or replaced, others kept."""
        ...

    def delete_trial_component(self, name: str) -> None: ...

    def associate_trial_component(self, trial_component_name: str, trial_name: str) -> None: ...

    def disassociate_trial_component(self, trial_component_name: str, trial_name: str) -> None: ...

    def log_metrics(self, trial_component_name: str, points: list[MetricPoint]) -> None:
        """One batch of finite points, written and summarised in one transaction."""
        ...

    def upload_artifact(self, trial_component_name: str, file_path: str, name: str) -> str:
        """Store a local file as an artifact of the component (copied beside the embedded store,
        uploaded to S3 by the SageMaker writer) and return the URI to record as its value."""
        ...
