"""Test-only extension of moto 5.2.x: SageMaker's training, processing and transform jobs, their
trial components, their Debugger and profiler rules, stopping them, and deploying a model, as the
SageMaker API reference documents them (shapes from botocore's service model).

What moto 5.2.x does instead, and what this module makes of it (:func:`apply`, called by
:func:`moto_sagemaker_ext.apply`):

- A job is ``Completed`` the moment it is created, with one ``Starting`` transition and no billable
  time. Here a created job has the history of a job that ran: ``SecondaryStatusTransitions``
  Starting → Downloading → Training → Uploading → Completed over about twelve minutes before now,
  ``TrainingStartTime``/``TrainingEndTime``, ``TrainingTimeInSeconds``/``BillableTimeInSeconds``
  (processing and transform jobs: their start and end times).
- ``ProfilerConfig``, ``ProfilerRuleConfigurations`` and ``ProcessingResources`` (required by
  SageMaker) are dropped. Kept here; and each configured rule gets its
  ``DebugRuleEvaluationStatuses``/``ProfilerRuleEvaluationStatuses`` entry (``NoIssuesFound`` once
  the job is over, ``InProgress`` while it runs, ``Stopped`` when it was stopped).
- ``StopTrainingJob`` and ``StopTransformJob`` are missing and ``StopProcessingJob`` stops any job
  at once. Here a running job goes ``Stopping`` (with its transition), and is ``Stopped`` from the
  second ``Describe*Job`` on; a job that is not ``InProgress`` is a ``ValidationException``.
- Only training jobs get a trial component. Processing and transform jobs with an
  ``ExperimentConfig`` get theirs too (``<job>-aws-processing-job``, ``<job>-aws-transform-job``),
  and every job's component follows its job's status and times, as SageMaker keeps them.
- ``CreateEndpoint`` is ``InService`` at once. Here it is ``Creating`` for the first two
  ``DescribeEndpoint`` calls, then ``InService`` (or ``Failed`` with a ``FailureReason`` after
  :func:`fail_endpoints`). ``CreateModel``, ``CreateEndpointConfig`` and ``CreateEndpoint``
  refuse an existing name, and ``CreateEndpointConfig`` an instance type endpoints do not take.

A test cannot make a job run for real, nor make AWS deny or throttle a call, so the module also
keeps the switches a test flips in the process that runs the server (they are reset with moto's
``/moto-api/reset``): :func:`run` (the job is still running, in a given secondary status),
:func:`fail`, :func:`evaluate_rule`, :func:`deny` (an explicit deny of an action, on one resource
or all, answered as IAM answers it: ``AccessDeniedException``) and :func:`throttle`
(``ThrottlingException`` on every call of an action).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import botocore.session
from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.sagemaker.exceptions import ValidationError
from moto.sagemaker.models import FakeEndpoint, SageMakerModelBackend, sagemaker_backends
from moto.sagemaker.responses import SageMakerResponse
from moto.sagemaker.utils import arn_formatter

ACCOUNT = "123456789012"  # moto's default account
REGION = "us-east-1"
_SERVICE_MODEL = botocore.session.get_session().get_service_model("sagemaker")
ENDPOINT_INSTANCE_TYPES = set(_SERVICE_MODEL.shape_for("ProductionVariantInstanceType").enum)
#: DescribeEndpoint calls that still answer Creating after CreateEndpoint.
CREATING_DESCRIBES = 2
#: Describe*Job calls after a stop that still answer Stopping.
STOPPING_DESCRIBES = 1

#: A training job's secondary statuses as SageMaker reports them, with their messages and the
#: seconds each lasts in the history of a created job.
TRAINING_STEPS = (
    ("Starting", "Preparing the instances for training", 90),
    ("Downloading", "Downloading input data", 30),
    ("Training", "Training image download completed. Training in progress.", 600),
    ("Uploading", "Uploading generated training model", 20),
)
#: How long processing and transform jobs ran, in the history of a created one.
JOB_SECONDS = 300
JOB_KINDS = {
    "TrainingJob": ("training_jobs", "training_job"),
    "ProcessingJob": ("processing_jobs", "processing_job"),
    "TransformJob": ("transform_jobs", "transform_job"),
}
#: The request parameters that name the resource an action acts on.
RESOURCE_PARAMETERS = (
    "TrainingJobName",
    "ProcessingJobName",
    "TransformJobName",
    "ModelName",
    "EndpointConfigName",
    "EndpointName",
)

_applied = False


def apply() -> None:
    """Patch moto in this process (after :mod:`moto_sagemaker_ext`'s own patches). Idempotent."""
    global _applied
    if _applied:
        return
    _applied = True
    originals = {
        name: getattr(SageMakerResponse, name)
        for name in (
            "create_training_job",
            "create_processing_job",
            "create_transform_job",
            "describe_training_job",
            "describe_processing_job",
            "describe_transform_job",
            "create_model",
            "create_endpoint_config",
            "create_endpoint",
            "describe_endpoint",
            "_authenticate_and_authorize_normal_action",
        )
    }
    SageMakerResponse.create_training_job = _created("TrainingJob", originals)  # type: ignore[method-assign]
    SageMakerResponse.create_processing_job = _created("ProcessingJob", originals)  # type: ignore[method-assign]
    SageMakerResponse.create_transform_job = _created("TransformJob", originals)  # type: ignore[method-assign]
    for kind in JOB_KINDS:
        _, attribute = JOB_KINDS[kind]
        setattr(SageMakerResponse, f"describe_{attribute}", _described(kind, originals))
        setattr(SageMakerResponse, f"stop_{attribute}", _stop(kind))
    SageMakerResponse.create_model = _unique("ModelName", "_models", "model", originals)  # type: ignore[method-assign]
    SageMakerResponse.create_endpoint_config = _endpoint_config(originals)  # type: ignore[method-assign]
    SageMakerResponse.create_endpoint = _create_endpoint(originals)  # type: ignore[method-assign]
    SageMakerResponse.describe_endpoint = _describe_endpoint(originals)  # type: ignore[method-assign]
    SageMakerResponse._authenticate_and_authorize_normal_action = _faults(originals)  # type: ignore[method-assign]


def backend(account: str = ACCOUNT, region: str = REGION) -> SageMakerModelBackend:
    return sagemaker_backends[account][region]


def job_of(kind: str, name: str, account: str = ACCOUNT, region: str = REGION) -> Any:
    collection, attribute = JOB_KINDS[kind]
    jobs = getattr(backend(account, region), collection)
    if name not in jobs:
        arn = arn_formatter(attribute.replace("_", "-"), name, account, region)
        raise ValidationError(f"Could not find {attribute.replace('_', ' ')} '{arn}'.")
    return jobs[name]


# --- the switches of a test ----------------------------------------------------------------------


def run(kind: str, name: str, secondary_status: str = "Training") -> None:
    """The job is still running: InProgress, its history up to ``secondary_status`` (training
    jobs), no end time, its rules InProgress."""
    job = job_of(kind, name)
    now = utcnow()
    if kind == "TrainingJob":
        upto = [step[0] for step in TRAINING_STEPS].index(secondary_status) + 1
        steps = list(TRAINING_STEPS[:upto])
        start = now - timedelta(seconds=sum(s[2] for s in steps[:-1]) + 45)
        job.creation_time = start
        job.secondary_status_transitions = _transitions(steps, start, open_last=True)
        job.training_start_time = start + timedelta(seconds=TRAINING_STEPS[0][2])
        job.training_end_time = None
        job.secondary_status = secondary_status
        job.training_time_in_seconds = None
        job.billable_time_in_seconds = None
        job.model_artifacts = None
        _rule_statuses(job, "InProgress")
    else:
        start = now - timedelta(seconds=60)
        job.creation_time = start
        _set_times(kind, job, start, None)
    _set_status(kind, job, "InProgress")
    job.last_modified_time = now


def fail(kind: str, name: str, reason: str) -> None:
    """The job failed with ``reason`` (SageMaker's FailureReason), while it was training."""
    run(kind, name)
    job = job_of(kind, name)
    now = utcnow()
    _set_status(kind, job, "Failed")
    job.failure_reason = reason
    if kind == "TrainingJob":
        _close(job, now)
        job.secondary_status = "Failed"
        job.secondary_status_transitions.append(
            {"Status": "Failed", "StartTime": now, "EndTime": now, "StatusMessage": reason}
        )
        job.training_end_time = now
        job.model_artifacts = None
        _rule_statuses(job, "Stopped")
    else:
        _set_times(kind, job, job.creation_time, now)
    job.last_modified_time = now


def evaluate_rule(name: str, rule: str, status: str, details: str | None = None) -> None:
    """A rule of training job ``name`` evaluated to ``status`` (and ``details``)."""
    job = job_of("TrainingJob", name)
    for key in ("debug_rule_evaluation_statuses", "profiler_rule_evaluation_statuses"):
        for entry in getattr(job, key, None) or []:
            if entry["RuleConfigurationName"] == rule:
                entry["RuleEvaluationStatus"] = status
                entry["LastModifiedTime"] = utcnow()
                if details is not None:
                    entry["StatusDetails"] = details
                return
    raise KeyError(f"training job {name} has no rule {rule}")


def deny(action: str, resource: str | None = None) -> None:
    """An explicit deny of ``action`` (e.g. ``StopTrainingJob``) on the resource named
    ``resource`` (a job, model, endpoint configuration or endpoint name), or on every resource."""
    _faults_of(backend()).append(
        {"action": action, "resource": resource, "code": "AccessDeniedException"}
    )


def throttle(action: str) -> None:
    """Every call of ``action`` is throttled (``ThrottlingException``)."""
    _faults_of(backend()).append(
        {"action": action, "resource": None, "code": "ThrottlingException"}
    )


def fail_endpoints(reason: str) -> None:
    """Endpoints created from now on end ``Failed`` with ``reason`` instead of ``InService``."""
    backend().smx_endpoint_failure = reason  # type: ignore[attr-defined]


# --- jobs ---------------------------------------------------------------------------------------


def _transitions(
    steps: list[tuple[str, str, int]], start: datetime, open_last: bool = False
) -> list[dict[str, Any]]:
    out = []
    moment = start
    for index, (status, message, seconds) in enumerate(steps):
        entry: dict[str, Any] = {"Status": status, "StartTime": moment, "StatusMessage": message}
        moment = moment + timedelta(seconds=seconds)
        if not (open_last and index == len(steps) - 1):
            entry["EndTime"] = moment
        out.append(entry)
    return out


def _close(job: Any, moment: datetime) -> None:
    """Ends the open transition of a training job's history."""
    for entry in job.secondary_status_transitions:
        entry.setdefault("EndTime", moment)


def _set_status(kind: str, job: Any, status: str) -> None:
    setattr(job, f"{JOB_KINDS[kind][1]}_status", status)


def _status(kind: str, job: Any) -> str:
    return str(getattr(job, f"{JOB_KINDS[kind][1]}_status"))


def _set_times(kind: str, job: Any, start: datetime, end: datetime | None) -> None:
    prefix = "processing" if kind == "ProcessingJob" else "transform"
    setattr(job, f"{prefix}_start_time", start)
    setattr(job, f"{prefix}_end_time", end)


def _rule_statuses(job: Any, status: str) -> None:
    for key, configurations in (
        ("debug_rule_evaluation_statuses", "debug_rule_configurations"),
        ("profiler_rule_evaluation_statuses", "profiler_rule_configurations"),
    ):
        rules = getattr(job, configurations, None) or []
        if not rules:
            continue
        setattr(
            job,
            key,
            [
                {
                    "RuleConfigurationName": rule["RuleConfigurationName"],
                    "RuleEvaluationJobArn": arn_formatter(
                        "processing-job",
                        f"{job.training_job_name[:26]}-{rule['RuleConfigurationName'][:30]}",
                        ACCOUNT,
                        REGION,
                    ),
                    "RuleEvaluationStatus": status,
                    "LastModifiedTime": utcnow(),
                }
                for rule in rules
            ],
        )


def _completed_history(kind: str, job: Any) -> None:
    """A created job's history: it ran and completed, ending a few seconds ago."""
    now = utcnow()
    if kind == "TrainingJob":
        total = sum(step[2] for step in TRAINING_STEPS)
        start = now - timedelta(seconds=total + 5)
        job.creation_time = start
        done = ("Completed", "Training job completed", 0)
        job.secondary_status_transitions = _transitions([*TRAINING_STEPS, done], start)
        job.training_start_time = start + timedelta(seconds=TRAINING_STEPS[0][2])
        job.training_end_time = start + timedelta(seconds=total)
        seconds = int((job.training_end_time - job.training_start_time).total_seconds())
        job.training_time_in_seconds = seconds
        job.billable_time_in_seconds = seconds
        _rule_statuses(job, "NoIssuesFound")
    else:
        start = now - timedelta(seconds=JOB_SECONDS + 5)
        job.creation_time = start
        _set_times(kind, job, start + timedelta(seconds=30), start + timedelta(seconds=JOB_SECONDS))
    job.last_modified_time = now


def _created(kind: str, originals: dict[str, Any]) -> Any:
    collection, attribute = JOB_KINDS[kind]
    name_parameter = f"{kind}Name"

    def create(self: SageMakerResponse) -> ActionResult:
        name = self._get_param(name_parameter)
        if name in getattr(self.sagemaker_backend, collection):
            raise ValidationError(f"Job {name} already exists.")  # SageMaker's ResourceInUse
        result = originals[f"create_{attribute}"](self)
        job = getattr(self.sagemaker_backend, collection)[name]
        if kind == "TrainingJob":
            job.profiler_config = self._get_param("ProfilerConfig")
            job.profiler_rule_configurations = self._get_param("ProfilerRuleConfigurations")
        if kind == "ProcessingJob":
            job.processing_resources = self._get_param("ProcessingResources")
        _completed_history(kind, job)
        _component_of(self.sagemaker_backend, kind, job)
        return result

    return create


def _settle(kind: str, job: Any) -> None:
    """A stopped job is Stopping for a describe or so, then Stopped."""
    left = getattr(job, "smx_stopping", None)
    if left is None:
        return
    if left > 0:
        job.smx_stopping = left - 1
        return
    job.smx_stopping = None
    now = utcnow()
    _set_status(kind, job, "Stopped")
    if kind == "TrainingJob":
        _close(job, now)
        job.secondary_status = "Stopped"
        job.secondary_status_transitions.append(
            {
                "Status": "Stopped",
                "StartTime": now,
                "EndTime": now,
                "StatusMessage": "Training job stopped",
            }
        )
        job.training_end_time = now
        seconds = int((now - job.training_start_time).total_seconds())
        job.training_time_in_seconds = seconds
        job.billable_time_in_seconds = seconds
        _rule_statuses(job, "Stopped")
    else:
        _set_times(kind, job, job.creation_time, now)
    job.last_modified_time = now


def _described(kind: str, originals: dict[str, Any]) -> Any:
    _, attribute = JOB_KINDS[kind]

    def describe(self: SageMakerResponse) -> ActionResult:
        _settle(
            kind, job_of(kind, self._get_param(f"{kind}Name"), self.current_account, self.region)
        )
        return originals[f"describe_{attribute}"](self)

    return describe


def _stop(kind: str) -> Any:
    def stop(self: SageMakerResponse) -> EmptyResult:
        name = self._get_param(f"{kind}Name")
        job = job_of(kind, name, self.current_account, self.region)
        status = _status(kind, job)
        if status != "InProgress":
            label = JOB_KINDS[kind][1].replace("_", " ")
            raise ValidationError(
                f"The request was rejected because the {label} is in status {status}."
            )
        now = utcnow()
        _set_status(kind, job, "Stopping")
        if kind == "TrainingJob":
            _close(job, now)
            job.secondary_status = "Stopping"
            job.secondary_status_transitions.append(
                {
                    "Status": "Stopping",
                    "StartTime": now,
                    "StatusMessage": "Stopping the training job",
                }
            )
            _rule_statuses(job, "Stopping")
        job.smx_stopping = STOPPING_DESCRIBES
        job.last_modified_time = now
        return EmptyResult()

    return stop


# --- trial components of jobs ------------------------------------------------------------------


def _component_of(sm: Any, kind: str, job: Any) -> None:
    """The job's trial component, as SageMaker creates it for a job with an ExperimentConfig,
    following its job from now on. Training jobs already have theirs (moto_sagemaker_ext)."""
    _, attribute = JOB_KINDS[kind]
    name = getattr(job, f"{attribute}_name")
    component_name = f"{name}-aws-{attribute.replace('_', '-')}"
    config = job.experiment_config or {}
    if kind != "TrainingJob" and config.get("TrialName"):
        inputs, outputs = _artifacts(kind, job)
        sm.create_trial_component(
            trial_component_name=component_name,
            trial_name=None,
            status={"PrimaryStatus": _status(kind, job)},
            start_time=None,
            end_time=None,
            display_name=config.get("TrialComponentDisplayName") or component_name,
            parameters={},
            input_artifacts=inputs,
            output_artifacts=outputs,
            metadata_properties=None,
        )
        component = sm.trial_components[component_name]
        component.smx_source = {"SourceArn": job.arn, "SourceType": f"SageMaker{kind}"}
        trial = sm.trials.get(config["TrialName"])
        if trial is not None:
            trial.trial_components.append(component_name)
    component = sm.trial_components.get(component_name)
    if component is not None:
        component.smx_sync = lambda c: _follow(kind, job, c)


def _artifacts(kind: str, job: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    if kind == "ProcessingJob":
        inputs = {
            i["InputName"]: {"Value": i["S3Input"]["S3Uri"]}
            for i in job.processing_inputs or []
            if i.get("S3Input")
        }
        outputs = {
            o["OutputName"]: {"Value": o["S3Output"]["S3Uri"]}
            for o in (job.processing_output_config or {}).get("Outputs") or []
            if o.get("S3Output")
        }
        return inputs, outputs
    source = (job.transform_input or {}).get("DataSource", {}).get("S3DataSource", {})
    inputs = {"SageMaker.TransformInput": {"Value": source["S3Uri"]}} if source else {}
    output = (job.transform_output or {}).get("S3OutputPath")
    return inputs, ({"SageMaker.TransformOutput": {"Value": output}} if output else {})


def _follow(kind: str, job: Any, component: Any) -> None:
    """A job's component has its job's status, times and details (SourceDetail)."""
    status = _status(kind, job)
    component.status = {"PrimaryStatus": status}
    if kind == "TrainingJob":
        component.start_time, component.end_time = job.training_start_time, job.training_end_time
        detail = {
            "TrainingJobName": job.training_job_name,
            "TrainingJobArn": job.arn,
            "TrainingJobStatus": status,
            "SecondaryStatus": job.secondary_status,
            "ResourceConfig": job.resource_config,
            "HyperParameters": job.hyper_parameters,
            "AlgorithmSpecification": job.algorithm_specification,
            "CreationTime": job.creation_time,
            "TrainingStartTime": job.training_start_time,
            "TrainingEndTime": job.training_end_time,
        }
        if getattr(job, "failure_reason", None):
            detail["FailureReason"] = job.failure_reason
        component.smx_source_detail = {"SourceArn": job.arn, "TrainingJob": _without_none(detail)}
        return
    prefix = "processing" if kind == "ProcessingJob" else "transform"
    component.start_time = getattr(job, f"{prefix}_start_time", None)
    component.end_time = getattr(job, f"{prefix}_end_time", None)
    detail = {
        f"{kind}Name": getattr(job, f"{JOB_KINDS[kind][1]}_name"),
        f"{kind}Arn": job.arn,
        f"{kind}Status": status,
        "CreationTime": job.creation_time,
    }
    component.smx_source_detail = {"SourceArn": job.arn, kind: detail}


def _without_none(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None}


# --- models and endpoints ----------------------------------------------------------------------


def _unique(parameter: str, collection: str, kind: str, originals: dict[str, Any]) -> Any:
    label = {"model": "model", "endpoint-config": "endpoint configuration", "endpoint": "endpoint"}

    def create(self: SageMakerResponse) -> ActionResult:
        name = self._get_param(parameter)
        if name in getattr(self.sagemaker_backend, collection):
            arn = arn_formatter(kind, name, self.current_account, self.region)
            raise ValidationError(f'Cannot create already existing {label[kind]} "{arn}".')
        return originals[f"create_{kind.replace('-', '_')}"](self)

    return create


def _endpoint_config(originals: dict[str, Any]) -> Any:
    unique = _unique("EndpointConfigName", "endpoint_configs", "endpoint-config", originals)

    def create(self: SageMakerResponse) -> ActionResult:
        for index, variant in enumerate(self._get_param("ProductionVariants") or [], start=1):
            instance_type = variant.get("InstanceType")
            if instance_type is not None and instance_type not in ENDPOINT_INSTANCE_TYPES:
                raise ValidationError(
                    f"1 validation error detected: Value '{instance_type}' at "
                    f"'productionVariants.{index}.member.instanceType' failed to satisfy "
                    "constraint: Member must satisfy enum value set"
                )
        return unique(self)

    return create


def _create_endpoint(originals: dict[str, Any]) -> Any:
    unique = _unique("EndpointName", "endpoints", "endpoint", originals)

    def create(self: SageMakerResponse) -> ActionResult:
        result = unique(self)
        endpoint: FakeEndpoint = self.sagemaker_backend.endpoints[self._get_param("EndpointName")]
        endpoint.endpoint_status = "Creating"
        endpoint.smx_describes_left = CREATING_DESCRIBES  # type: ignore[attr-defined]
        return result

    return create


def _describe_endpoint(originals: dict[str, Any]) -> Any:
    def describe(self: SageMakerResponse) -> ActionResult:
        endpoint = self.sagemaker_backend.endpoints.get(self._get_param("EndpointName"))
        left = getattr(endpoint, "smx_describes_left", None)
        if endpoint is not None and left is not None:
            if left > 0:
                endpoint.smx_describes_left = left - 1  # type: ignore[attr-defined]
            else:
                endpoint.smx_describes_left = None  # type: ignore[attr-defined]
                failure = getattr(self.sagemaker_backend, "smx_endpoint_failure", None)
                endpoint.endpoint_status = "Failed" if failure else "InService"
                endpoint.failure_reason = failure
                endpoint.last_modified_time = utcnow()
        return originals["describe_endpoint"](self)

    return describe


# --- denied and throttled calls -----------------------------------------------------------------


def _faults_of(sm: Any) -> list[dict[str, Any]]:
    if not hasattr(sm, "smx_faults"):
        sm.smx_faults = []
    faults: list[dict[str, Any]] = sm.smx_faults
    return faults


def _faults(originals: dict[str, Any]) -> Any:
    """Where moto's own IAM enforcement denies a call: before the action runs."""

    def authorize(self: SageMakerResponse, resource: str) -> None:
        action = self._get_action()
        named = next((self._get_param(p) for p in RESOURCE_PARAMETERS if self._get_param(p)), None)
        for fault in _faults_of(self.sagemaker_backend):
            if fault["action"] != action or fault["resource"] not in (None, named):
                continue
            if fault["code"] == "ThrottlingException":
                raise JsonRESTError("ThrottlingException", "Rate exceeded")
            target = named or "*"
            raise JsonRESTError(
                "AccessDeniedException",
                f"User: arn:aws:iam::{self.current_account}:user/moto is not authorized to "
                f"perform: sagemaker:{action} on resource: {target} with an explicit deny in an "
                "identity-based policy",
            )
        originals["_authenticate_and_authorize_normal_action"](self, resource)

    return authorize
