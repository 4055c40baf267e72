"""The SageMaker job behind a trial component: its settings, its Debugger and profiler rules, its
logs, and the two actions on it (stop it; deploy a training job's model to an endpoint).

Only some stores have jobs: a store offers them through its ``jobs`` attribute, a :class:`Jobs`,
or None (the embedded store). Everything above the store — the REST routes, ``%smx show`` —
asks :func:`jobs_of`, which raises :class:`~smx_lab.errors.NotOffered` (404) for a store without
jobs. The records here are what the REST API answers (``to_dict()``): SageMaker's words in
PascalCase, one shape for the three job types, so that no client needs to know where each
``Describe*Job`` keeps an instance type or an input's S3 URI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from .errors import NotOffered, ValidationError

#: SageMaker's rule for endpoint, endpoint configuration and model names (botocore's EndpointName).
ENDPOINT_NAME_PATTERN = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")
ENDPOINT_NAME_RULE = (
    "must match ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$ (1 to 63 letters, digits and hyphens)"
)
#: Instances one deployment may ask for: smx-lab's bound (SageMaker's own is the account's quota).
MAX_INSTANCE_COUNT = 100
#: Log events one page of the logs route carries, by default and at most.
DEFAULT_LOG_EVENTS = 100
MAX_LOG_EVENTS = 1000


def _without_none(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if value is not None}


@dataclass
class StatusTransition:
    """One step of a job's timeline: SageMaker's SecondaryStatusTransition."""

    status: str
    start_time: str | None = None
    end_time: str | None = None
    message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return _without_none(
            {
                "Status": self.status,
                "StartTime": self.start_time,
                "EndTime": self.end_time,
                "StatusMessage": self.message,
            }
        )


@dataclass
class Channel:
    """A job's input or output: its name and where its data is (an S3 URI, or a file system's)."""

    name: str
    uri: str | None = None
    content_type: str | None = None
    local_path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return _without_none(
            {
                "Name": self.name,
                "Uri": self.uri,
                "ContentType": self.content_type,
                "LocalPath": self.local_path,
            }
        )


@dataclass
class Rule:
    """A Debugger or profiler rule of a training job and its evaluation."""

    name: str
    rule_type: str
    status: str
    status_details: str | None = None
    last_modified_time: str | None = None
    evaluation_job_arn: str | None = None
    report_uri: str | None = None
    report_url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return _without_none(
            {
                "RuleConfigurationName": self.name,
                "RuleType": self.rule_type,
                "RuleEvaluationStatus": self.status,
                "StatusDetails": self.status_details,
                "LastModifiedTime": self.last_modified_time,
                "RuleEvaluationJobArn": self.evaluation_job_arn,
                "ReportS3Uri": self.report_uri,
                "ReportUrl": self.report_url,
            }
        )


@dataclass
class Job:
    """A training, processing or transform job as the component view shows it."""

    trial_component_name: str
    job_type: str
    job_name: str
    job_arn: str
    status: str
    secondary_status: str | None = None
    failure_reason: str | None = None
    exit_message: str | None = None
    transitions: list[StatusTransition] = field(default_factory=list)
    creation_time: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    last_modified_time: str | None = None
    instance_type: str | None = None
    instance_count: int | None = None
    volume_size_gb: int | None = None
    image: str | None = None
    model_name: str | None = None
    role_arn: str | None = None
    stopping_condition: dict[str, int] = field(default_factory=dict)
    inputs: list[Channel] = field(default_factory=list)
    outputs: list[Channel] = field(default_factory=list)
    model_artifacts: str | None = None
    billable_seconds: int | None = None
    training_seconds: int | None = None
    rules: list[Rule] = field(default_factory=list)
    log_group: str | None = None
    can_stop: bool = False
    can_deploy: bool = False
    deploy_options: dict[str, Any] | None = None
    description: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return _without_none(
            {
                "TrialComponentName": self.trial_component_name,
                "JobType": self.job_type,
                "JobName": self.job_name,
                "JobArn": self.job_arn,
                "Status": self.status,
                "SecondaryStatus": self.secondary_status,
                "FailureReason": self.failure_reason,
                "ExitMessage": self.exit_message,
                "StatusTransitions": [t.to_dict() for t in self.transitions],
                "CreationTime": self.creation_time,
                "StartTime": self.start_time,
                "EndTime": self.end_time,
                "LastModifiedTime": self.last_modified_time,
                "InstanceType": self.instance_type,
                "InstanceCount": self.instance_count,
                "VolumeSizeInGB": self.volume_size_gb,
                "Image": self.image,
                "ModelName": self.model_name,
                "RoleArn": self.role_arn,
                "StoppingCondition": self.stopping_condition,
                "Inputs": [c.to_dict() for c in self.inputs],
                "Outputs": [c.to_dict() for c in self.outputs],
                "ModelArtifacts": self.model_artifacts,
                "BillableTimeInSeconds": self.billable_seconds,
                "TrainingTimeInSeconds": self.training_seconds,
                "Rules": [r.to_dict() for r in self.rules],
                "LogGroupName": self.log_group,
                "Actions": {"Stop": self.can_stop, "Deploy": self.can_deploy},
                "DeployOptions": self.deploy_options,
                "Description": self.description,
            }
        )


@dataclass
class LogEvent:
    timestamp: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"timestamp": self.timestamp, "message": self.message}


@dataclass
class LogPage:
    """Events of one log stream of a job, oldest first; cursors to the older and newer ones."""

    log_group: str
    streams: list[str]
    stream: str | None
    events: list[LogEvent]
    older_cursor: str | None = None
    newer_cursor: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "log_group": self.log_group,
            "streams": self.streams,
            "stream": self.stream,
            "events": [e.to_dict() for e in self.events],
            "older_cursor": self.older_cursor,
            "newer_cursor": self.newer_cursor,
        }


@dataclass
class Endpoint:
    """A SageMaker endpoint as DescribeEndpoint gives it (the parts a deployment's progress
    shows)."""

    name: str
    status: str
    arn: str | None = None
    config_name: str | None = None
    failure_reason: str | None = None
    creation_time: str | None = None
    last_modified_time: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return _without_none(
            {
                "EndpointName": self.name,
                "EndpointArn": self.arn,
                "EndpointConfigName": self.config_name,
                "EndpointStatus": self.status,
                "FailureReason": self.failure_reason,
                "CreationTime": self.creation_time,
                "LastModifiedTime": self.last_modified_time,
            }
        )


@dataclass
class Deployment:
    """What a deployment created: the model, its endpoint configuration and the endpoint."""

    model_name: str
    endpoint_config_name: str
    endpoint: Endpoint

    def to_dict(self) -> dict[str, Any]:
        return {
            "ModelName": self.model_name,
            "EndpointConfigName": self.endpoint_config_name,
            "Endpoint": self.endpoint.to_dict(),
        }


@dataclass(frozen=True)
class DeployRequest:
    """Deploy the model of a component's completed training job. ``job_name`` is the job the
    user confirmed; ``endpoint_name`` (default: the job's name, shortened to SageMaker's 63
    characters) also names the model and the endpoint configuration; ``image`` is the container
    that serves the model (default: the job's training image, which serves the models of
    SageMaker's built-in algorithms; a framework's training image may need its inference image
    instead)."""

    component: str
    job_name: str
    instance_type: str
    instance_count: int = 1
    endpoint_name: str | None = None
    image: str | None = None

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> DeployRequest:
        """A request body (already checked against its schema) with SageMaker's rules."""
        count = body.get("instance_count", 1)
        if isinstance(count, bool) or not isinstance(count, int):
            raise ValidationError("instance_count", "must be an integer")
        if not 1 <= count <= MAX_INSTANCE_COUNT:
            raise ValidationError(
                "instance_count", f"must be 1 to {MAX_INSTANCE_COUNT}", value=count
            )
        name = body.get("endpoint_name")
        if name is not None:
            endpoint_name(name)
        return cls(
            component=str(body["component"]),
            job_name=str(body["job_name"]),
            instance_type=str(body["instance_type"]),
            instance_count=count,
            endpoint_name=name,
            image=body.get("image") or None,
        )


def endpoint_name(value: Any, field_name: str = "endpoint_name") -> str:
    """An endpoint (and model, and endpoint configuration) name, by SageMaker's rule."""
    if not isinstance(value, str) or not ENDPOINT_NAME_PATTERN.fullmatch(value):
        raise ValidationError(field_name, ENDPOINT_NAME_RULE, value=value)
    return value


def default_endpoint_name(job_name: str) -> str:
    """A job's name as an endpoint name: SageMaker's 63 characters at most, no trailing hyphen
    (a job name follows the same pattern, up to 63 characters already)."""
    return job_name[:63].rstrip("-") or "endpoint"


def check_job_name(job: Job, confirmed: str) -> None:
    """The job a client confirmed must be the component's: an action never reaches another job
    than the one its dialog named."""
    if confirmed != job.job_name:
        raise ValidationError(
            "job_name",
            f"must be {job.job_name!r}, the job of trial component {job.trial_component_name!r}",
            value=confirmed,
        )


class Jobs(Protocol):
    """What a store with jobs answers; every method is blocking and takes a trial component's
    name (the component whose source is the job)."""

    def job(self, component: str) -> Job:
        """The job's settings, timeline, rules and the actions it allows now. Raises NotFound for
        an unknown component, NoJob for a component that no job created."""
        ...

    def logs(
        self,
        component: str,
        *,
        stream: str | None = None,
        cursor: str | None = None,
        limit: int = DEFAULT_LOG_EVENTS,
    ) -> LogPage:
        """A page of the job's log events: the newest of ``stream`` (default: the first of the
        job's streams) without a cursor, else those a cursor of an earlier page points at."""
        ...

    def stop(self, component: str, job_name: str) -> Job:
        """Stops the running job (Conflict when it is not InProgress); answers it as it is now."""
        ...

    def deploy(self, request: DeployRequest) -> Deployment:
        """A model, an endpoint configuration and an endpoint for a completed training job."""
        ...

    def endpoint(self, name: str) -> Endpoint:
        """An endpoint's status (Creating, InService, Failed, ...)."""
        ...


def jobs_of(store: Any) -> Jobs:
    """The store's jobs, or NotOffered (404) naming the store when it has none."""
    jobs: Jobs | None = getattr(store, "jobs", None)
    if jobs is None:
        kind = str(getattr(store, "kind", "this"))
        raise NotOffered(
            kind,
            "jobs",
            f"the {kind} store has no SageMaker jobs: job settings, Debugger rules, logs, stop "
            "and deploy are those of the SageMaker store (SMX_LAB_STORE=sagemaker)",
        )
    return jobs
