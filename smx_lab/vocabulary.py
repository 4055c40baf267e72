"""smx-lab's vocabulary, said once: SageMaker's resources and statistics, the names of table
columns, the store kinds and the environment variables that configure them.

Everything that names one of these imports it from here; nothing else spells the literals.
"""

from __future__ import annotations

from typing import Final, Literal

# --- resources (SageMaker's Search resources) -------------------------------------------------

EXPERIMENT: Final = "Experiment"
TRIAL: Final = "ExperimentTrial"
TRIAL_COMPONENT: Final = "ExperimentTrialComponent"
RESOURCES: Final = (EXPERIMENT, TRIAL, TRIAL_COMPONENT)
Resource = Literal["Experiment", "ExperimentTrial", "ExperimentTrialComponent"]

#: The key under which SageMaker's Search wraps each result of a resource.
SEARCH_RESULT_KEYS: Final = {
    EXPERIMENT: "Experiment",
    TRIAL: "Trial",
    TRIAL_COMPONENT: "TrialComponent",
}

# --- statuses and orders ----------------------------------------------------------------------

PRIMARY_STATUSES: Final = ("InProgress", "Completed", "Failed", "Stopping", "Stopped")
SORT_ORDERS: Final = ("Ascending", "Descending")
SortOrder = Literal["Ascending", "Descending"]

# --- metric statistics ------------------------------------------------------------------------

#: A metric summary's statistics, in SageMaker's (and the table's column) order.
SUMMARY_STATISTICS: Final = ("Min", "Max", "Avg", "StdDev", "Last", "Count")
#: Statistic → attribute of :class:`smx_lab.model.MetricSummary`.
STATISTIC_ATTRIBUTES: Final = {
    "Min": "min",
    "Max": "max",
    "Avg": "avg",
    "StdDev": "std_dev",
    "Last": "last",
    "Count": "count",
}
#: Statistic → column of the embedded store's ``metrics`` table (the whitelist of identifiers).
STATISTIC_SQL_COLUMNS: Final = {
    "Min": "min",
    "Max": "max",
    "Avg": "mean",
    "StdDev": "std_dev",
    "Last": "last",
    "Count": "count",
}
_STATISTICS_BY_LOWER: Final = {statistic.lower(): statistic for statistic in SUMMARY_STATISTICS}
DEFAULT_STATISTIC: Final = "Last"


def statistic_named(text: str) -> str | None:
    """``max``, ``MAX`` or ``Max`` → ``Max``; None for a word that is no statistic."""
    return _STATISTICS_BY_LOWER.get(text.lower())


# --- table columns (ExperimentAnalytics' names) -----------------------------------------------

NAME_COLUMN: Final = "TrialComponentName"
DISPLAY_NAME_COLUMN: Final = "DisplayName"
SOURCE_COLUMN: Final = "SourceArn"
TRIALS_COLUMN: Final = "Trials"
EXPERIMENTS_COLUMN: Final = "Experiments"
ARTIFACT_FIELDS: Final = ("MediaType", "Value")
#: Columns the REST table adds after ExperimentAnalytics' own: what the list shows of each record.
RECORD_COLUMNS: Final = ("Status", "CreationTime", "LastModifiedTime")

#: What a table column holds; the REST ``table`` answer describes each column with one of these.
COLUMN_KINDS: Final = (
    "name",
    "display_name",
    "source",
    "parameter",
    "metric",
    "input_artifact",
    "output_artifact",
    "trials",
    "experiments",
    "status",
    "time",
)


def metric_column(metric_name: str, statistic: str) -> str:
    """ExperimentAnalytics' column of one statistic of a metric: ``<metric> - <Statistic>``."""
    return f"{metric_name} - {statistic}"


def artifact_column(artifact_name: str, field: str) -> str:
    """ExperimentAnalytics' column of an artifact's media type or value."""
    return f"{artifact_name} - {field}"


# --- stores and their configuration -----------------------------------------------------------

STORE_KINDS: Final = ("local", "sagemaker")
DEFAULT_STORE_KIND: Final = "local"
#: The environment variables smx-lab reads; only :mod:`smx_lab.stores.factory` reads them.
STORE_VARIABLE: Final = "SMX_LAB_STORE"
DATABASE_VARIABLE: Final = "SMX_LAB_DB"
