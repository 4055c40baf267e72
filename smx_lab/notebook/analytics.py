"""A drop-in for ``sagemaker.analytics.ExperimentAnalytics`` that reads any smx-lab store.

Analysis code written for SageMaker runs with only its import changed::

    from smx_lab.analytics import ExperimentAnalytics   # was: from sagemaker.analytics import ...

    ExperimentAnalytics(
        experiment_name="mnist",
        sort_by="metrics.test:accuracy.max",
        sort_order="Descending",
        metric_names=["test:accuracy"],
        parameter_names=["hidden_channels", "epochs", "dropout", "optimizer"],
    ).dataframe()

The arguments, the errors and the DataFrame's columns (named and ordered by
:func:`smx_lab.table.component_table`) are the SageMaker SDK's. The DataFrame is built column by
column from the store's columnar search (:mod:`smx_lab.columns`), never from a record per row.
The store is the one the server uses (as :mod:`smx_lab.stores.factory` configures it) unless one
is passed as ``store=``.
"""

from __future__ import annotations

import copy
import os
from typing import TYPE_CHECKING, Any, get_args

from .. import selection
from ..columns import ComponentColumns
from ..errors import ValidationError
from ..selection import Selection
from ..stores.base import SortOrder, Store
from .frames import components_dataframe

if TYPE_CHECKING:
    import pandas as pd

# SageMaker's Search sorts by LastModifiedTime, newest first, when the caller names no order.
DEFAULT_SORT_BY = "LastModifiedTime"
DEFAULT_SORT_ORDER: SortOrder = "Descending"


def with_experiment_filter(
    search_expression: dict[str, Any] | None, experiment_name: str | None
) -> dict[str, Any]:
    """The expression the SDK searches with: the caller's, plus a ``Parents.ExperimentName``
    filter when an experiment is named. Works on a copy: the caller's dict is never changed."""
    expression = copy.deepcopy(search_expression) if search_expression else {}
    if not experiment_name:
        return expression
    experiment_filter = {
        "Name": "Parents.ExperimentName",
        "Operator": "Equals",
        "Value": experiment_name,
    }
    if expression.get("Operator", "And") == "Or":
        # The SDK appends to Filters, which under "Or" would widen the search instead of
        # narrowing it; nesting keeps the meaning the caller asked for.
        return {"Filters": [experiment_filter], "SubExpressions": [expression], "Operator": "And"}
    expression["Filters"] = [*(expression.get("Filters") or []), experiment_filter]
    return expression


class ExperimentAnalytics:
    """Trial components of an experiment, or of a search, as a pandas DataFrame."""

    #: the most components one DataFrame holds, as in the SageMaker SDK
    MAX_TRIAL_COMPONENTS = 10000

    def __init__(
        self,
        experiment_name: str | None = None,
        search_expression: dict[str, Any] | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        metric_names: list[str] | None = None,
        parameter_names: list[str] | None = None,
        sagemaker_session: Any = None,
        input_artifact_names: list[str] | None = None,
        output_artifact_names: list[str] | None = None,
        store: Store | None = None,
    ) -> None:
        # sagemaker_session is accepted so SageMaker code runs unchanged; $SMX_LAB_STORE decides
        # where the data comes from (with "sagemaker", the session's credentials are used).
        if not experiment_name and not search_expression:
            raise ValueError("Either experiment_name or search_expression must be supplied.")
        if search_expression is not None and not isinstance(search_expression, dict):
            raise ValidationError("search_expression", "must be a SearchExpression dict")
        if sort_order is not None and sort_order not in get_args(SortOrder):
            raise ValidationError("sort_order", "must be 'Ascending' or 'Descending'")
        self._experiment_name = experiment_name
        self._search_expression = search_expression
        self._sort_by = sort_by
        self._sort_order: SortOrder = sort_order or DEFAULT_SORT_ORDER  # type: ignore[assignment]
        self._metric_names = metric_names
        self._parameter_names = parameter_names
        self._input_artifact_names = input_artifact_names
        self._output_artifact_names = output_artifact_names
        self._sagemaker_session = sagemaker_session
        self._store = store
        self._dataframe: pd.DataFrame | None = None
        self._components: ComponentColumns | None = None

    @property
    def name(self) -> str | None:
        """Name of the experiment being analysed."""
        return self._experiment_name

    def __repr__(self) -> str:
        return f"<smx_lab.ExperimentAnalytics for {self.name}>"

    def dataframe(self, force_refresh: bool = False) -> pd.DataFrame:
        """One row per trial component: name, display name, source ARN, parameters, metric
        statistics, artifacts, trials and experiments. Cached until ``force_refresh``."""
        if force_refresh:
            self.clear_cache()
        if self._dataframe is None:
            self._dataframe = components_dataframe(
                self._get_components(),
                metric_names=self._metric_names,
                parameter_names=self._parameter_names,
                input_artifact_names=self._input_artifact_names,
                output_artifact_names=self._output_artifact_names,
            )
        return self._dataframe

    def export_csv(self, filename: str | os.PathLike[str]) -> None:
        """Writes the DataFrame to a CSV file."""
        self.dataframe().to_csv(filename)

    def clear_cache(self) -> None:
        """Forgets fetched data, so the next ``dataframe()`` reads the store again."""
        self._dataframe = None
        self._components = None

    def _get_components(self) -> ComponentColumns:
        if self._components is not None:
            return self._components
        from ..query import validate_expression

        # Checked here as SageMaker's Search would check it, before any store is opened.
        expression = validate_expression(
            with_experiment_filter(self._search_expression, self._experiment_name)
        )
        store, opened_here = self._open_store()
        try:
            self._components = selection.resolve_columns(
                store,
                Selection(search=expression),
                sort_by=self._sort_by or DEFAULT_SORT_BY,
                sort_order=self._sort_order,
                limit=self.MAX_TRIAL_COMPONENTS,
            )
        finally:
            if opened_here:
                store.close()
        return self._components

    def _open_store(self) -> tuple[Store, bool]:
        if self._store is not None:
            return self._store, False
        from ..stores.factory import configured_kind, open_store

        boto_session = getattr(self._sagemaker_session, "boto_session", None)
        if boto_session is not None and configured_kind() == "sagemaker":
            # A sagemaker.Session carries the caller's credentials and region: read that account.
            return open_store("sagemaker", session=boto_session), True
        return open_store(), True


class TrialAnalytics(ExperimentAnalytics):
    """One trial's lineage table: its components in the order they ran, as the walk-throughs get
    it with a ``Parents.TrialName`` search sorted by ``CreationTime``."""

    def __init__(
        self,
        trial_name: str,
        sort_by: str | None = "CreationTime",
        sort_order: str | None = "Ascending",
        metric_names: list[str] | None = None,
        parameter_names: list[str] | None = None,
        sagemaker_session: Any = None,
        input_artifact_names: list[str] | None = None,
        output_artifact_names: list[str] | None = None,
        store: Store | None = None,
    ) -> None:
        if not trial_name:
            raise ValueError("trial_name must be supplied.")
        super().__init__(
            search_expression={
                "Filters": [
                    {"Name": "Parents.TrialName", "Operator": "Equals", "Value": trial_name}
                ]
            },
            sort_by=sort_by,
            sort_order=sort_order,
            metric_names=metric_names,
            parameter_names=parameter_names,
            sagemaker_session=sagemaker_session,
            input_artifact_names=input_artifact_names,
            output_artifact_names=output_artifact_names,
            store=store,
        )
        self._trial_name = trial_name

    @property
    def name(self) -> str:
        """Name of the trial being analysed."""
        return self._trial_name

    def __repr__(self) -> str:
        return f"<smx_lab.TrialAnalytics for {self.name}>"
