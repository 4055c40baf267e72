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

# --- SageMaker jobs (the job behind a trial component: docs/jobs.md) --------------------------

#: The resource type of a job's ARN (``…:training-job/<name>``) → the job type smx-lab names.
JOB_TYPES: Final = {
    "training-job": "TrainingJob",
    "processing-job": "ProcessingJob",
    "transform-job": "TransformJob",
}
#: A job's status that can still be stopped.
RUNNING_JOB_STATUS: Final = "InProgress"
#: The types of a training job's rules: Debugger rules, then profiler rules.
RULE_TYPES: Final = ("Debugger", "Profiler")

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

LOCAL_STORE: Final = "local"
SAGEMAKER_STORE: Final = "sagemaker"
MLFLOW_STORE: Final = "mlflow"
STORE_KINDS: Final = (LOCAL_STORE, SAGEMAKER_STORE, MLFLOW_STORE)
DEFAULT_STORE_KIND: Final = LOCAL_STORE
#: The environment variables smx-lab reads; only :mod:`smx_lab.stores.factory` reads them.
STORE_VARIABLE: Final = "SMX_LAB_STORE"
DATABASE_VARIABLE: Final = "SMX_LAB_DB"

# --- MLflow (the MLflow store's mapping, docs/mlflow.md) -------------------------------------

#: MLflow's run status → SageMaker's primary status.
MLFLOW_STATUSES: Final = {
    "RUNNING": "InProgress",
    "SCHEDULED": "InProgress",
    "FINISHED": "Completed",
    "FAILED": "Failed",
    "KILLED": "Stopped",
}
#: Tags MLflow writes itself start with this; they are the run's, not the user's.
MLFLOW_SYSTEM_TAG_PREFIX: Final = "mlflow."
MLFLOW_PARENT_TAG: Final = "mlflow.parentRunId"
MLFLOW_USER_TAG: Final = "mlflow.user"
MLFLOW_NOTE_TAG: Final = "mlflow.note.content"
#: The trial of an experiment's runs that have no parent and no children, as SageMaker's ``Run``
#: names it: this prefix and the experiment's name.
MLFLOW_DEFAULT_RUN_GROUP: Final = "Default-Run-Group-"
#: A run's ``Source.SourceType``; its ``SourceArn`` is the run's ``runs:/<run id>`` URI.
MLFLOW_RUN_SOURCE_TYPE: Final = "MLflowRun"
#: MLflow's own name of the experiment a run goes to when none is named.
MLFLOW_DEFAULT_EXPERIMENT: Final = "Default"
#: SageMaker's primary status → the MLflow run status that stands for it.
MLFLOW_STATUS_OF: Final = {
    "InProgress": "RUNNING",
    "Completed": "FINISHED",
    "Failed": "FAILED",
    "Stopping": "KILLED",
    "Stopped": "KILLED",
}

# --- smx-lab's tags on MLflow runs (what MLflow has no field for: docs/mlflow.md) ------------

#: Every tag smx-lab writes starts with this; such tags are never a user's tags.
SMX_TAG_PREFIX: Final = "smx-lab."
#: The trial component's or trial's name (a run is otherwise named by its run ID).
SMX_NAME_TAG: Final = "smx-lab.name"
#: What a run written by smx-lab stands for: a trial component, or a trial (a parent run).
SMX_KIND_TAG: Final = "smx-lab.kind"
SMX_COMPONENT_KIND: Final = "component"
SMX_TRIAL_KIND: Final = "trial"
#: Every trial of a component, as JSON ``[[trial, experiment], ...]`` (``[]``: unassigned).
SMX_TRIALS_TAG: Final = "smx-lab.trials"
#: On a run: it belongs to a trial of another experiment. On an experiment: runs of other
#: experiments belong to its trials.
SMX_ELSEWHERE_TAG: Final = "smx-lab.elsewhere"
#: JSON of the record fields MLflow cannot hold exactly (times in seconds, status with its
#: message, source, display name of an experiment).
SMX_RECORD_TAG: Final = "smx-lab.record"
#: JSON list of the parameters that are text although they read as numbers.
SMX_TEXT_PARAMETERS_TAG: Final = "smx-lab.text-parameters"
#: JSON ``{"input": {name: artifact}, "output": {...}}`` of artifacts recorded by value.
SMX_ARTIFACTS_TAG: Final = "smx-lab.artifacts"
#: JSON list of the metrics whose points were logged without a step (MLflow's step is then the
#: point's place among its metric's points, as smx-lab shows such points).
SMX_STEPLESS_TAG: Final = "smx-lab.stepless-metrics"
#: A display name SageMaker's name rules made ``smx-lab copy`` change, as it was.
SMX_DISPLAY_NAME_TAG: Final = "smx-lab.display-name"
#: Set by ``smx-lab copy``: where a copy comes from, what its source held, and that it is whole.
SMX_ORIGIN_TAG: Final = "smx-lab.origin"
SMX_FINGERPRINT_TAG: Final = "smx-lab.fingerprint"
SMX_COMPLETE_TAG: Final = "smx-lab.complete"

# --- smx-lab copy (docs/copy.md) -------------------------------------------------------------

#: A copy's status message while it is being written into a store that has no tags to update
#: (the embedded store, SageMaker): a component still carrying it is incomplete.
COPY_IN_PROGRESS_MESSAGE: Final = "smx-lab copy in progress"
