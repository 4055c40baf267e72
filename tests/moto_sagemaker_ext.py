"""Test-only extension of moto 5.2.x: the SageMaker Experiments calls as SageMaker documents them.

moto 5.2.x gets several of these calls wrong or leaves them out (its ``Search`` ignores ``SortBy``,
``MaxResults`` and ``NextToken``, rejects ``Parameters.*``/``Metrics.*``/``Parents.ExperimentName``,
treats every operator as Equals, and returns empty metric summaries; ``ListTrialComponents`` ignores
``ExperimentName``; ``BatchGetMetrics`` is not routed; ``BatchPutMetrics`` needs ``Step``). The
SageMaker store is tested against a real HTTP endpoint, so :func:`apply` patches moto in-process,
before ``ThreadedMotoServer`` starts, with what the API reference specifies for these calls:

- Experiments, trials and components keep DisplayName, Description and Tags given at creation;
  describing an unknown name answers ``ResourceNotFound``; creating a duplicate answers
  ``ValidationException``.
- A component can belong to many trials; records carry ``Parents`` [{TrialName, ExperimentName}].
- ``UpdateTrialComponent`` merges parameters and artifacts into the existing ones.
- ``Search`` over Experiment, ExperimentTrial and ExperimentTrialComponent evaluates every operator,
  ``NestedFilters``, ``SubExpressions`` and ``Operator`` And/Or, sorts by any property including
  ``Metrics.<name>.<Statistic>`` and ``Parameters.<name>`` (case-insensitive prefix and statistic),
  pages with ``MaxResults`` (1..100, default 10) and ``NextToken``, and reports ``TotalHits``. At
  most one ``Contains`` per expression, as SageMaker's documentation states.
- ``BatchPutMetrics`` accepts points without ``Step`` and keeps each metric's summary (Min, Max,
  Avg, sample StdDev, Last, Count) up to date; ``BatchGetMetrics`` answers up to 100 queries with
  per-period statistics on an IterationNumber or Timestamp (epoch seconds) x axis.
- ``CreateTrainingJob`` with an ``ExperimentConfig`` creates the job's trial component
  (``<job>-aws-training-job``, source = the job, parameters = its hyperparameters, SourceDetail =
  the job) and associates it with the trial, as SageMaker does.
"""

from __future__ import annotations

import base64
import json
import math
from datetime import datetime, timezone
from typing import Any

import botocore.session
import moto_sagemaker_jobs
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.sagemaker.exceptions import ResourceNotFound, ValidationError
from moto.sagemaker.models import SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse
from moto.sagemaker.utils import arn_formatter
from moto.sagemakermetrics import urls as metrics_urls
from moto.sagemakermetrics.models import SageMakerMetricsBackend
from moto.sagemakermetrics.responses import SageMakerMetricsResponse

_applied = False

RESOURCE_KEYS = {
    "Experiment": "Experiment",
    "ExperimentTrial": "Trial",
    "ExperimentTrialComponent": "TrialComponent",
}
# The operators SageMaker's Search takes, from botocore's service model (the API's own spec).
OPERATORS = set(
    botocore.session.get_session().get_service_model("sagemaker").shape_for("Operator").enum
)
STATISTICS = ("Min", "Max", "Avg", "StdDev", "Last", "Count")
PERIOD_SECONDS = {"OneMinute": 60, "FiveMinute": 300, "OneHour": 3600}


def apply() -> None:
    """Patch moto in this process; call before starting ``ThreadedMotoServer``. Idempotent."""
    global _applied
    if _applied:
        return
    _applied = True
    _route_batch_get_metrics()
    for name in (
        "create_experiment",
        "describe_experiment",
        "list_experiments",
        "create_trial",
        "describe_trial",
        "list_trials",
        "create_trial_component",
        "describe_trial_component",
        "list_trial_components",
        "update_trial_component",
        "associate_trial_component",
        "disassociate_trial_component",
        "search",
    ):
        setattr(SageMakerResponse, name, globals()[f"_{name}"])
    original_create_training_job = SageMakerModelBackend.create_training_job

    def create_training_job(self: SageMakerModelBackend, **kwargs: Any) -> Any:
        job = original_create_training_job(self, **kwargs)
        _component_for_training_job(self, job)
        return job

    SageMakerModelBackend.create_training_job = create_training_job  # type: ignore[method-assign]
    SageMakerMetricsBackend.batch_put_metrics = (  # type: ignore[method-assign,assignment]
        _batch_put_metrics
    )
    SageMakerMetricsResponse.batch_put_metrics = (  # type: ignore[method-assign]
        _batch_put_metrics_response
    )
    SageMakerMetricsResponse.batch_get_metrics = (  # type: ignore[attr-defined]
        _batch_get_metrics_response
    )
    # Jobs, their rules, stopping them and deploying models: moto_sagemaker_jobs.
    moto_sagemaker_jobs.apply()


# --- routing ---------------------------------------------------------------------------------


def _route_batch_get_metrics() -> None:
    # Both metrics calls are signed as "sagemaker"; moto's server only sends BatchPutMetrics on.
    metrics_urls.url_paths["{0}/BatchGetMetrics$"] = SageMakerMetricsResponse.dispatch
    original = DomainDispatcherApplication.infer_service_region_host

    def infer_service_region_host(
        self: DomainDispatcherApplication, environ: dict[str, Any], path: str
    ) -> str | None:
        host = original(self, environ, path)
        if host and host.startswith("api.sagemaker.") and path.endswith("BatchGetMetrics"):
            return "metrics." + host[len("api.") :]
        return host

    DomainDispatcherApplication.infer_service_region_host = (  # type: ignore[method-assign]
        infer_service_region_host
    )


# --- records ---------------------------------------------------------------------------------


def _tags(resource: Any) -> list[dict[str, str]]:
    return list(getattr(resource, "tags", None) or [])


def _experiment_record(experiment: Any) -> dict[str, Any]:
    return _without_none(
        {
            "ExperimentName": experiment.experiment_name,
            "ExperimentArn": experiment.arn,
            "DisplayName": getattr(experiment, "display_name", None) or experiment.experiment_name,
            "Description": getattr(experiment, "description", None),
            "CreationTime": experiment.creation_time,
            "LastModifiedTime": experiment.last_modified_time,
            "Tags": _tags(experiment),
        }
    )


def _trial_record(backend: Any, trial: Any) -> dict[str, Any]:
    components = [
        backend.trial_components[n] for n in trial.trial_components if n in backend.trial_components
    ]
    return _without_none(
        {
            "TrialName": trial.trial_name,
            "TrialArn": trial.arn,
            "DisplayName": getattr(trial, "display_name", None) or trial.trial_name,
            "ExperimentName": trial.experiment_name,
            "CreationTime": trial.creation_time,
            "LastModifiedTime": trial.last_modified_time,
            "Tags": _tags(trial),
            "TrialComponentSummaries": [
                {
                    "TrialComponentName": c.trial_component_name,
                    "TrialComponentArn": c.arn,
                    "CreationTime": c.creation_time,
                }
                for c in components
            ],
        }
    )


def _parents(backend: Any, component_name: str) -> list[dict[str, str]]:
    return [
        {"TrialName": trial.trial_name, "ExperimentName": trial.experiment_name}
        for trial in backend.trials.values()
        if component_name in trial.trial_components
    ]


def _component_record(backend: Any, component: Any) -> dict[str, Any]:
    sync = getattr(component, "smx_sync", None)
    if sync is not None:
        sync(component)  # a job's component follows its job (moto_sagemaker_jobs)
    summaries = getattr(component, "smx_summaries", {})
    return _without_none(
        {
            "TrialComponentName": component.trial_component_name,
            "TrialComponentArn": component.arn,
            "DisplayName": component.display_name,
            "Source": getattr(component, "smx_source", None),
            "Status": component.status,
            "StartTime": component.start_time,
            "EndTime": component.end_time,
            "CreationTime": component.creation_time,
            "LastModifiedTime": component.last_modified_time,
            "Parameters": component.parameters or {},
            "InputArtifacts": component.input_artifacts or {},
            "OutputArtifacts": component.output_artifacts or {},
            "Metrics": [summary.record(name, component.arn) for name, summary in summaries.items()],
            "SourceDetail": getattr(component, "smx_source_detail", None),
            "Tags": _tags(component),
            "Parents": _parents(backend, component.trial_component_name),
        }
    )


def _without_none(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None}


def _tag_list(tags: list[dict[str, str]] | None) -> list[dict[str, str]]:
    return [dict(tag) for tag in tags or []]


# --- experiments and trials ------------------------------------------------------------------


def _arn(backend: Any, kind: str, name: str) -> str:
    return arn_formatter(kind, name, backend.account_id, backend.region_name)


def _experiment(backend: Any, name: str) -> Any:
    if name not in backend.experiments:
        raise ResourceNotFound(f"Experiment '{_arn(backend, 'experiment', name)}' does not exist.")
    return backend.experiments[name]


def _trial(backend: Any, name: str) -> Any:
    if name not in backend.trials:
        raise ResourceNotFound(f"Trial '{_arn(backend, 'experiment-trial', name)}' does not exist.")
    return backend.trials[name]


def _component(backend: Any, name: str) -> Any:
    if name not in backend.trial_components:
        arn = _arn(backend, "experiment-trial-component", name)
        raise ResourceNotFound(f"Trial Component '{arn}' does not exist.")
    return backend.trial_components[name]


def _create_experiment(self: SageMakerResponse) -> ActionResult:
    backend = self.sagemaker_backend
    name = self._get_param("ExperimentName")
    if name in backend.experiments:
        raise ValidationError(f"Experiment '{name}' already exists.")
    backend.create_experiment(experiment_name=name)
    experiment = backend.experiments[name]
    experiment.display_name = self._get_param("DisplayName")
    experiment.description = self._get_param("Description")
    experiment.tags = _tag_list(self._get_param("Tags"))
    return ActionResult({"ExperimentArn": experiment.arn})


def _describe_experiment(self: SageMakerResponse) -> ActionResult:
    experiment = _experiment(self.sagemaker_backend, self._get_param("ExperimentName"))
    record = _experiment_record(experiment)
    record.pop("Tags", None)
    return ActionResult(record)


def _list_experiments(self: SageMakerResponse) -> ActionResult:
    experiments = _sorted_summaries(
        list(self.sagemaker_backend.experiments.values()),
        "experiment_name",
        self._get_param("SortBy"),
        self._get_param("SortOrder"),
    )
    page, token = _page(experiments, self._get_param("MaxResults"), self._get_param("NextToken"))
    summaries = [
        {
            "ExperimentName": e.experiment_name,
            "ExperimentArn": e.arn,
            "DisplayName": getattr(e, "display_name", None) or e.experiment_name,
            "CreationTime": e.creation_time,
            "LastModifiedTime": e.last_modified_time,
        }
        for e in page
    ]
    return ActionResult(_without_none({"ExperimentSummaries": summaries, "NextToken": token}))


def _create_trial(self: SageMakerResponse) -> ActionResult:
    backend = self.sagemaker_backend
    name = self._get_param("TrialName")
    experiment_name = self._get_param("ExperimentName")
    _experiment(backend, experiment_name)
    if name in backend.trials:
        raise ValidationError(f"Trial '{name}' already exists.")
    backend.create_trial(trial_name=name, experiment_name=experiment_name)
    trial = backend.trials[name]
    trial.display_name = self._get_param("DisplayName")
    trial.tags = _tag_list(self._get_param("Tags"))
    return ActionResult({"TrialArn": trial.arn})


def _describe_trial(self: SageMakerResponse) -> ActionResult:
    backend = self.sagemaker_backend
    record = _trial_record(backend, _trial(backend, self._get_param("TrialName")))
    for key in ("Tags", "TrialComponentSummaries"):
        record.pop(key, None)
    return ActionResult(record)


def _list_trials(self: SageMakerResponse) -> ActionResult:
    backend = self.sagemaker_backend
    experiment_name = self._get_param("ExperimentName")
    component_name = self._get_param("TrialComponentName")
    trials = [
        t
        for t in backend.trials.values()
        if (experiment_name is None or t.experiment_name == experiment_name)
        and (component_name is None or component_name in t.trial_components)
    ]
    trials = _sorted_summaries(
        trials, "trial_name", self._get_param("SortBy"), self._get_param("SortOrder")
    )
    page, token = _page(trials, self._get_param("MaxResults"), self._get_param("NextToken"))
    summaries = [
        {
            "TrialName": t.trial_name,
            "TrialArn": t.arn,
            "DisplayName": getattr(t, "display_name", None) or t.trial_name,
            "CreationTime": t.creation_time,
            "LastModifiedTime": t.last_modified_time,
        }
        for t in page
    ]
    return ActionResult(_without_none({"TrialSummaries": summaries, "NextToken": token}))


# --- trial components ------------------------------------------------------------------------


def _create_trial_component(self: SageMakerResponse) -> ActionResult:
    backend = self.sagemaker_backend
    name = self._get_param("TrialComponentName")
    if name in backend.trial_components:
        raise ValidationError(f"Trial Component '{name}' already exists.")
    backend.create_trial_component(
        trial_component_name=name,
        trial_name=None,  # type: ignore[arg-type]
        status=self._get_param("Status"),
        start_time=self._get_param("StartTime"),
        end_time=self._get_param("EndTime"),
        display_name=self._get_param("DisplayName"),
        parameters=self._get_param("Parameters"),
        input_artifacts=self._get_param("InputArtifacts"),
        output_artifacts=self._get_param("OutputArtifacts"),
        metadata_properties=self._get_param("MetadataProperties"),
    )
    component = backend.trial_components[name]
    component.tags = _tag_list(self._get_param("Tags"))
    return ActionResult({"TrialComponentArn": component.arn})


def _describe_trial_component(self: SageMakerResponse) -> ActionResult:
    backend = self.sagemaker_backend
    record = _component_record(backend, _component(backend, self._get_param("TrialComponentName")))
    for key in ("Tags", "Parents", "SourceDetail"):
        record.pop(key, None)
    return ActionResult(record)


def _list_trial_components(self: SageMakerResponse) -> ActionResult:
    backend = self.sagemaker_backend
    experiment_name = self._get_param("ExperimentName")
    trial_name = self._get_param("TrialName")
    components = list(backend.trial_components.values())
    if trial_name is not None or experiment_name is not None:
        components = [
            c
            for c in components
            if any(
                (trial_name is None or p["TrialName"] == trial_name)
                and (experiment_name is None or p["ExperimentName"] == experiment_name)
                for p in _parents(backend, c.trial_component_name)
            )
        ]
    components = _sorted_summaries(
        components, "trial_component_name", self._get_param("SortBy"), self._get_param("SortOrder")
    )
    page, token = _page(components, self._get_param("MaxResults"), self._get_param("NextToken"))
    summaries = [
        _without_none(
            {
                "TrialComponentName": c.trial_component_name,
                "TrialComponentArn": c.arn,
                "DisplayName": c.display_name,
                "TrialComponentSource": getattr(c, "smx_source", None),
                "Status": c.status,
                "StartTime": c.start_time,
                "EndTime": c.end_time,
                "CreationTime": c.creation_time,
                "LastModifiedTime": c.last_modified_time,
            }
        )
        for c in page
    ]
    return ActionResult(_without_none({"TrialComponentSummaries": summaries, "NextToken": token}))


def _update_trial_component(self: SageMakerResponse) -> ActionResult:
    backend = self.sagemaker_backend
    component = _component(backend, self._get_param("TrialComponentName"))
    for attribute, param in (
        ("status", "Status"),
        ("display_name", "DisplayName"),
        ("start_time", "StartTime"),
        ("end_time", "EndTime"),
    ):
        value = self._get_param(param)
        if value is not None:
            setattr(component, attribute, value)
    # SageMaker adds or replaces the given keys and keeps the others.
    for attribute, param in (
        ("parameters", "Parameters"),
        ("input_artifacts", "InputArtifacts"),
        ("output_artifacts", "OutputArtifacts"),
    ):
        current = dict(getattr(component, attribute) or {})
        current.update(self._get_param(param) or {})
        for key in self._get_param(f"{param}ToRemove") or []:
            current.pop(key, None)
        setattr(component, attribute, current)
    component.last_modified_time = utcnow()
    return ActionResult({"TrialComponentArn": component.arn})


def _associate_trial_component(self: SageMakerResponse) -> ActionResult:
    backend = self.sagemaker_backend
    trial = _trial(backend, self._get_param("TrialName"))
    component = _component(backend, self._get_param("TrialComponentName"))
    if component.trial_component_name not in trial.trial_components:
        trial.trial_components.append(component.trial_component_name)
    return ActionResult({"TrialComponentArn": component.arn, "TrialArn": trial.arn})


def _disassociate_trial_component(self: SageMakerResponse) -> ActionResult:
    backend = self.sagemaker_backend
    trial = _trial(backend, self._get_param("TrialName"))
    component = _component(backend, self._get_param("TrialComponentName"))
    trial.trial_components = [
        n for n in trial.trial_components if n != component.trial_component_name
    ]
    return ActionResult({"TrialComponentArn": component.arn, "TrialArn": trial.arn})


def _component_for_training_job(backend: SageMakerModelBackend, job: Any) -> None:
    config = job.experiment_config or {}
    if not config.get("TrialName"):
        return
    name = f"{job.training_job_name}-aws-training-job"
    backend.create_trial_component(
        trial_component_name=name,
        trial_name=None,  # type: ignore[arg-type]
        status={"PrimaryStatus": job.training_job_status},
        start_time=job.training_start_time,
        end_time=job.training_end_time,
        display_name=config.get("TrialComponentDisplayName") or name,
        parameters={k: {"StringValue": str(v)} for k, v in (job.hyper_parameters or {}).items()},
        input_artifacts=None,
        output_artifacts={
            "SageMaker.ModelArtifact": {"Value": job.model_artifacts["S3ModelArtifacts"]}
        },
        metadata_properties=None,
    )
    component = backend.trial_components[name]
    component.smx_source = {"SourceArn": job.arn, "SourceType": "SageMakerTrainingJob"}
    component.smx_source_detail = {
        "SourceArn": job.arn,
        "TrainingJob": {
            "TrainingJobName": job.training_job_name,
            "TrainingJobArn": job.arn,
            "TrainingJobStatus": job.training_job_status,
            "ResourceConfig": job.resource_config,
            "HyperParameters": job.hyper_parameters,
            "AlgorithmSpecification": job.algorithm_specification,
            "CreationTime": job.creation_time,
            "TrainingStartTime": job.training_start_time,
            "TrainingEndTime": job.training_end_time,
        },
    }
    _trial(backend, config["TrialName"]).trial_components.append(name)


# --- search ----------------------------------------------------------------------------------


def _search(self: SageMakerResponse) -> ActionResult:
    backend = self.sagemaker_backend
    resource = self._get_param("Resource")
    if resource not in RESOURCE_KEYS:
        return ActionResult(backend.search(resource, self._get_param("SearchExpression")))
    expression = self._get_param("SearchExpression") or {}
    _validate_expression(expression, [0], depth=1)
    if resource == "Experiment":
        records = [_experiment_record(e) for e in backend.experiments.values()]
    elif resource == "ExperimentTrial":
        records = [_trial_record(backend, t) for t in backend.trials.values()]
    else:
        records = [_component_record(backend, c) for c in backend.trial_components.values()]
    matches = [r for r in records if _matches(expression, r)]
    sort_by = self._get_param("SortBy") or "LastModifiedTime"
    descending = (self._get_param("SortOrder") or "Descending") == "Descending"
    present = [r for r in matches if _sort_key(r, sort_by) is not None]
    missing = [r for r in matches if _sort_key(r, sort_by) is None]
    present.sort(
        key=lambda r: _sort_key(r, sort_by),  # type: ignore[arg-type,return-value]
        reverse=descending,
    )
    page, token = _page(
        present + missing, self._get_param("MaxResults"), self._get_param("NextToken")
    )
    key = RESOURCE_KEYS[resource]
    return ActionResult(
        _without_none(
            {
                "Results": [{key: record} for record in page],
                "NextToken": token,
                "TotalHits": {"Value": len(matches), "Relation": "EqualTo"},
            }
        )
    )


def _validate_expression(expression: dict[str, Any], contains: list[int], depth: int) -> None:
    filters = expression.get("Filters") or []
    nested = expression.get("NestedFilters") or []
    subexpressions = expression.get("SubExpressions") or []
    for label, items in (
        ("Filters", filters),
        ("NestedFilters", nested),
        ("SubExpressions", subexpressions),
    ):
        if len(items) > 20:
            raise ValidationError(
                "1 validation error detected: "
                f"Value at 'searchExpression.{label}' failed to satisfy constraint: "
                "Member must have length less than or equal to 20"
            )
    if expression.get("Operator", "And") not in ("And", "Or"):
        raise ValidationError(f"Invalid boolean operator: {expression.get('Operator')}")
    for item in filters + [f for n in nested for f in n.get("Filters") or []]:
        operator = item.get("Operator", "Equals")
        if operator not in OPERATORS:
            raise ValidationError(f"Invalid operator: {operator}")
        if operator not in ("Exists", "NotExists") and item.get("Value") is None:
            raise ValidationError(
                f"A value is required for operator {operator} on {item.get('Name')}"
            )
        if operator == "Contains" and not _contains_unlimited(item.get("Name", "")):
            contains[0] += 1
            if contains[0] > 1:
                raise ValidationError("'CONTAINS' operator usage limit of 1 exceeded.")
    for sub in subexpressions:
        if depth >= 5:
            raise ValidationError("SearchExpression is nested too deeply.")
        _validate_expression(sub, contains, depth + 1)


def _contains_unlimited(name: str) -> bool:
    """Properties on which SageMaker allows more than one Contains (the Filter documentation)."""
    head = name.split(".", 1)[0]
    return head in ("DisplayName", "ExperimentName", "TrialName", "TrialComponentName") or head in (
        "Tags",
        "InputArtifacts",
        "OutputArtifacts",
    )


def _matches(expression: dict[str, Any], record: dict[str, Any]) -> bool:
    results = [_filter_matches(f, record) for f in expression.get("Filters") or []]
    for nested in expression.get("NestedFilters") or []:
        prefix = nested["NestedPropertyName"]
        elements = record.get(prefix) or []
        results.append(
            any(
                all(_filter_matches(f, {prefix: [element]}) for f in nested["Filters"])
                for element in elements
            )
        )
    results += [_matches(sub, record) for sub in expression.get("SubExpressions") or []]
    if not results:
        return True
    return any(results) if expression.get("Operator") == "Or" else all(results)


def _values(record: dict[str, Any], name: str) -> list[Any]:
    """Every value a property name denotes in a record; [] when the record lacks it."""
    head, _, rest = name.partition(".")
    lowered = head.lower()
    if lowered == "parameters" and rest:
        for key, value in (record.get("Parameters") or {}).items():
            if key == rest:
                return [value.get("NumberValue", value.get("StringValue"))]
        return []
    if lowered == "metrics" and rest:
        metric, _, statistic = rest.rpartition(".")
        statistic = next(  # type: ignore[assignment]
            (s for s in STATISTICS if s.lower() == statistic.lower()), None
        )
        if statistic is None:
            raise ValidationError(f"Unknown property name: {name}")
        return [m[statistic] for m in record.get("Metrics") or [] if m["MetricName"] == metric]
    if lowered == "tags" and rest:
        return [t["Value"] for t in record.get("Tags") or [] if t["Key"] == rest]
    if head == "Parents" and rest:
        return [p[rest] for p in record.get("Parents") or [] if rest in p]
    if head not in _known_properties(record):
        raise ValidationError(f"Unknown property name: {name}")
    value: Any = record.get(head)
    for part in rest.split(".") if rest else []:
        value = value.get(part) if isinstance(value, dict) else None
    return [] if value is None else [value]


def _known_properties(record: dict[str, Any]) -> set[str]:
    common = {
        "DisplayName",
        "CreationTime",
        "LastModifiedTime",
        "CreatedBy",
        "LastModifiedBy",
        "Source",
        "Tags",
    }
    if "TrialComponentName" in record:
        return common | {
            "TrialComponentName",
            "TrialComponentArn",
            "Status",
            "StartTime",
            "EndTime",
            "InputArtifacts",
            "OutputArtifacts",
            "SourceDetail",
            "Parents",
            "Parameters",
            "Metrics",
        }
    if "TrialName" in record:
        return common | {"TrialName", "TrialArn", "ExperimentName", "TrialComponentSummaries"}
    return common | {"ExperimentName", "ExperimentArn", "Description"}


def _comparable(actual: Any, expected: str) -> tuple[Any, Any]:
    if isinstance(actual, datetime):
        try:
            moment = datetime.fromtimestamp(float(expected), tz=timezone.utc)
        except ValueError:
            moment = datetime.fromisoformat(expected.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        if actual.tzinfo is None:
            actual = actual.replace(tzinfo=timezone.utc)
        return actual, moment
    if isinstance(actual, (int, float)) and not isinstance(actual, bool):
        try:
            return float(actual), float(expected)
        except ValueError:
            return str(actual), expected
    return str(actual), expected


def _filter_matches(item: dict[str, Any], record: dict[str, Any]) -> bool:
    operator = item.get("Operator", "Equals")
    values = _values(record, item["Name"])
    if operator == "Exists":
        return bool(values)
    if operator == "NotExists":
        return not values
    expected = str(item["Value"])
    if operator == "NotEquals":
        # Present and different from Value (a record without the property does not match).
        return bool(values) and all(a != e for a, e in (_comparable(v, expected) for v in values))
    for value in values:
        if operator == "In":
            if any(
                _comparable(value, option.strip())[0] == _comparable(value, option.strip())[1]
                for option in expected.split(",")
            ):
                return True
            continue
        if operator == "Contains":
            if expected.lower() in str(value).lower():
                return True
            continue
        actual, wanted = _comparable(value, expected)
        try:
            if (
                (operator == "Equals" and actual == wanted)
                or (operator == "GreaterThan" and actual > wanted)
                or (operator == "GreaterThanOrEqualTo" and actual >= wanted)
                or (operator == "LessThan" and actual < wanted)
                or (operator == "LessThanOrEqualTo" and actual <= wanted)
            ):
                return True
        except TypeError:
            continue
    return False


def _sort_key(record: dict[str, Any], sort_by: str) -> Any:
    values = _values(record, sort_by)
    if not values:
        return None
    value = values[0]
    if isinstance(value, datetime):
        return (0, value.timestamp(), "")
    if isinstance(value, (int, float)):
        return (0, float(value), "")
    return (1, 0.0, str(value))


def _sorted_summaries(
    items: list[Any], name_attribute: str, sort_by: str | None, sort_order: str | None
) -> list[Any]:
    descending = (sort_order or "Descending") == "Descending"
    if sort_by == "Name":
        return sorted(items, key=lambda i: getattr(i, name_attribute), reverse=descending)
    return sorted(items, key=lambda i: i.creation_time, reverse=descending)


def _page(
    items: list[Any], max_results: int | None, next_token: str | None
) -> tuple[list[Any], str | None]:
    size = 10 if max_results is None else int(max_results)
    if not 1 <= size <= 100:
        raise ValidationError(
            "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: "
            "Member must have value less than or equal to 100"
        )
    start = 0
    if next_token:
        try:
            start = int(base64.b64decode(next_token).decode())
        except ValueError as error:
            raise ValidationError("Invalid pagination token.") from error
    end = start + size
    token = base64.b64encode(str(end).encode()).decode() if end < len(items) else None
    return items[start:end], token


# --- metrics ---------------------------------------------------------------------------------


class _Summary:
    """A metric's running summary (Welford), as SageMaker keeps it while points arrive."""

    def __init__(self) -> None:
        self.count = 0
        self.min = math.inf
        self.max = -math.inf
        self.mean = 0.0
        self.m2 = 0.0
        self.last = 0.0
        self.last_timestamp = 0.0
        self.last_step: int | None = None

    def add(self, value: float, timestamp: float, step: int | None) -> None:
        self.count += 1
        delta = value - self.mean
        self.mean += delta / self.count
        self.m2 += delta * (value - self.mean)
        self.min = min(self.min, value)
        self.max = max(self.max, value)
        self.last, self.last_timestamp, self.last_step = value, timestamp, step

    def record(self, name: str, source_arn: str) -> dict[str, Any]:
        std_dev = math.sqrt(self.m2 / (self.count - 1)) if self.count > 1 else 0.0
        return {
            "MetricName": name,
            "SourceArn": source_arn,
            "TimeStamp": datetime.fromtimestamp(self.last_timestamp, tz=timezone.utc),
            "Max": self.max,
            "Min": self.min,
            "Last": self.last,
            "Count": self.count,
            "Avg": self.mean,
            "StdDev": std_dev,
        }


def _batch_put_metrics(
    self: SageMakerMetricsBackend, trial_component_name: str, metric_data: list[dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    component = self.sagemaker_backend.trial_components.get(trial_component_name)
    if component is None:
        return {
            "Errors": [
                {"Code": "VALIDATION_ERROR", "MetricIndex": i} for i in range(len(metric_data))
            ]
        }
    errors = []
    if not hasattr(component, "smx_points"):
        component.smx_points = {}
        component.smx_summaries = {}
    for index, point in enumerate(metric_data):
        value = point.get("Value")
        if (
            not isinstance(value, (int, float))
            or not math.isfinite(value)
            or "Timestamp" not in point
        ):
            errors.append({"Code": "VALIDATION_ERROR", "MetricIndex": index})
            continue
        name = point["MetricName"]
        timestamp = float(point["Timestamp"])
        step = int(point["Step"]) if point.get("Step") is not None else None
        component.smx_points.setdefault(name, []).append((step, timestamp, float(value)))
        component.smx_summaries.setdefault(name, _Summary()).add(float(value), timestamp, step)
    return {"Errors": errors}


def _batch_put_metrics_response(self: SageMakerMetricsResponse) -> str:
    body = json.loads(self.body or "{}")
    return json.dumps(
        self.sagemakermetrics_backend.batch_put_metrics(
            body.get("TrialComponentName"), body.get("MetricData") or []
        )
    )


def _batch_get_metrics_response(self: SageMakerMetricsResponse) -> str:
    body = json.loads(self.body or "{}")
    queries = body.get("MetricQueries") or []
    if not 1 <= len(queries) <= 100:
        raise ValidationError(
            "1 validation error detected: Value at 'metricQueries' failed to satisfy constraint: "
            "Member must have length between 1 and 100"
        )
    backend = self.sagemakermetrics_backend.sagemaker_backend
    by_arn = {c.arn: c for c in backend.trial_components.values()}
    return json.dumps({"MetricQueryResults": [_metric_query(by_arn, q) for q in queries]})


def _metric_query(by_arn: dict[str, Any], query: dict[str, Any]) -> dict[str, Any]:
    empty: dict[str, Any] = {"XAxisValues": [], "MetricValues": []}
    statistic = query.get("MetricStat")
    period = query.get("Period")
    x_axis = query.get("XAxisType")
    if (
        statistic not in STATISTICS
        or x_axis not in ("IterationNumber", "Timestamp")
        or (period != "IterationNumber" and period not in PERIOD_SECONDS)
    ):
        return {
            "Status": "ValidationError",
            "Message": "Invalid MetricStat, Period or XAxisType.",
            **empty,
        }
    component = by_arn.get(query.get("ResourceArn"))
    if component is None:
        return {
            "Status": "ValidationError",
            "Message": f"Resource {query.get('ResourceArn')} does not exist.",
            **empty,
        }
    points = getattr(component, "smx_points", {}).get(query.get("MetricName"), [])
    start, end = query.get("Start"), query.get("End")
    groups: dict[float, list[tuple[float, float]]] = {}
    for order, (step, timestamp, value) in enumerate(points):
        if start is not None and timestamp < start or end is not None and timestamp >= end:
            continue
        if period == "IterationNumber":
            key = float(step if step is not None else order)
        else:
            key = float(int(timestamp) // PERIOD_SECONDS[period] * PERIOD_SECONDS[period])
        groups.setdefault(key, []).append((timestamp, value))
    xs: list[int] = []
    ys: list[float] = []
    for key in sorted(groups):
        group = groups[key]
        values = [v for _, v in group]
        xs.append(
            int(key)
            if x_axis == "IterationNumber" or period != "IterationNumber"
            else int(group[-1][0])
        )
        ys.append(_statistic(statistic, values))
    if x_axis == "Timestamp" and period == "IterationNumber":
        order_by_time = sorted(range(len(xs)), key=lambda i: xs[i])
        xs, ys = [xs[i] for i in order_by_time], [ys[i] for i in order_by_time]
    return {"Status": "Complete", "XAxisValues": xs, "MetricValues": ys}


def _statistic(name: str, values: list[float]) -> float:
    count = len(values)
    mean = sum(values) / count
    return {
        "Min": min(values),
        "Max": max(values),
        "Avg": mean,
        "Count": float(count),
        "Last": values[-1],
        "StdDev": math.sqrt(sum((v - mean) ** 2 for v in values) / (count - 1))
        if count > 1
        else 0.0,
    }[name]
