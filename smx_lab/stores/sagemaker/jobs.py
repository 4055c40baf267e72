"""The SageMaker store's jobs (:class:`smx_lab.jobs.Jobs`): the training, processing or transform
job whose ARN is a trial component's source, described, logged, stopped, and — for a completed
training job — deployed to an endpoint.

Every call here asks AWS again (no cache): a job's status is what the view is about. Actions
(``Stop*Job``, ``CreateModel``, ``CreateEndpointConfig``, ``CreateEndpoint``) go through the same
:meth:`~.aws.AwsClients.call` as every read, so AWS's refusals come back as smx-lab's errors: an
``AccessDeniedException`` is a 403 naming the operation, throttling that outlasts the retries a
503 (``reason: throttled``). A deployment that fails half-way deletes what it created.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from ...errors import AlreadyExists, Conflict, NoJob, NotFound, SmxError, ValidationError
from ...jobs import (
    DEFAULT_LOG_EVENTS,
    Deployment,
    DeployRequest,
    Endpoint,
    Job,
    LogPage,
    check_job_name,
    default_endpoint_name,
    endpoint_name,
)
from ...vocabulary import JOB_TYPES
from . import job_logs
from .aws import log
from .job_records import LOG_GROUPS, job_record

if TYPE_CHECKING:
    from .store import SageMakerStore

#: Per job type: the word users read, the name parameter and the Describe/Stop operations.
_LABELS = {
    "TrainingJob": "training job",
    "ProcessingJob": "processing job",
    "TransformJob": "transform job",
}
_NAME_PARAMETERS = {
    "TrainingJob": "TrainingJobName",
    "ProcessingJob": "ProcessingJobName",
    "TransformJob": "TransformJobName",
}
_DESCRIBE = {
    "TrainingJob": "describe_training_job",
    "ProcessingJob": "describe_processing_job",
    "TransformJob": "describe_transform_job",
}
_STOP = {
    "TrainingJob": "stop_training_job",
    "ProcessingJob": "stop_processing_job",
    "TransformJob": "stop_transform_job",
}
#: The production variant a deployment creates, as SageMaker's SDK names it.
VARIANT_NAME = "AllTraffic"
#: The largest image URI CreateModel takes (botocore's ContainerImage).
MAX_IMAGE_LENGTH = 255


def job_of_arn(arn: str) -> tuple[str, str] | None:
    """``arn:aws:sagemaker:<region>:<account>:training-job/<name>`` → (``TrainingJob``, name);
    None for any other ARN."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "sagemaker":
        return None
    resource, _, name = parts[5].partition("/")
    job_type = JOB_TYPES.get(resource)
    if job_type is None or not name:
        return None
    return job_type, name


#: How SageMaker words a ValidationException about a job or endpoint that does not exist
#: (``Requested resource not found.``, ``Could not find endpoint "…".``).
_MISSING_WORDS = ("could not find", "does not exist", "resource not found")


def _missing(error: SmxError) -> bool:
    """SageMaker answers a Describe of an unknown job or endpoint with a ValidationException,
    not a ResourceNotFound."""
    message = error.message.lower()
    return isinstance(error, ValidationError) and any(w in message for w in _MISSING_WORDS)


class SageMakerJobs:
    """The jobs of a :class:`~.store.SageMakerStore` (its ``jobs`` attribute)."""

    def __init__(self, store: SageMakerStore) -> None:
        self.store = store
        self.aws = store.aws

    # -- reading ------------------------------------------------------------------------------

    def source(self, component: str) -> tuple[str, str]:
        """(job type, job name) of the job behind a component; NotFound for an unknown
        component, NoJob for one that no job created."""
        record = self.store.get_trial_component(component)
        found = job_of_arn(record.source.source_arn) if record.source else None
        if found is None:
            raise NoJob(component)
        return found

    def describe(self, job_type: str, name: str) -> dict[str, Any]:
        params: dict[str, Any] = {_NAME_PARAMETERS[job_type]: name}
        try:
            return self.aws.call(
                "sagemaker", _DESCRIBE[job_type], not_found=(job_type, name), **params
            )
        except ValidationError as error:
            if _missing(error):
                raise NotFound(job_type, name) from error
            raise

    def job(self, component: str) -> Job:
        with self.aws.counting("job"):
            job_type, name = self.source(component)
            answer = self.describe(job_type, name)
            return job_record(
                job_type, name, answer, component, self.aws.region, self.instance_types()
            )

    def instance_types(self) -> list[str]:
        """The instance types an endpoint takes (botocore's ProductionVariantInstanceType)."""
        model = self.aws.client("sagemaker").meta.service_model
        return list(model.shape_for("ProductionVariantInstanceType").enum)

    def logs(
        self,
        component: str,
        *,
        stream: str | None = None,
        cursor: str | None = None,
        limit: int = DEFAULT_LOG_EVENTS,
    ) -> LogPage:
        with self.aws.counting("job logs"):
            job_type, name = self.source(component)
            return job_logs.page(
                self.aws, LOG_GROUPS[job_type], name, stream=stream, cursor=cursor, limit=limit
            )

    def endpoint(self, name: str) -> Endpoint:
        endpoint_name(name, "name")
        try:
            answer = self.aws.call(
                "sagemaker", "describe_endpoint", EndpointName=name, not_found=("Endpoint", name)
            )
        except ValidationError as error:
            if _missing(error):
                raise NotFound("Endpoint", name) from error
            raise
        return _endpoint(answer)

    # -- actions ------------------------------------------------------------------------------

    def stop(self, component: str, job_name: str) -> Job:
        job = self.job(component)
        check_job_name(job, job_name)
        if not job.can_stop:
            raise Conflict(
                f"{_LABELS[job.job_type]} {job.job_name!r} is {job.status}: only a job that is "
                "InProgress can be stopped",
                status=job.status,
                job_name=job.job_name,
            )
        params: dict[str, Any] = {_NAME_PARAMETERS[job.job_type]: job.job_name}
        with self.aws.counting("stop job"):
            self.aws.call("sagemaker", _STOP[job.job_type], **params)
        self.store.clear_cache()  # the component's status follows the job's
        log.info("stopped %s %s", _LABELS[job.job_type], job.job_name)
        return self.job(component)

    def deploy(self, request: DeployRequest) -> Deployment:
        job = self.job(request.component)
        check_job_name(job, request.job_name)
        _check_deployable(job)
        if request.instance_type not in self.instance_types():
            raise ValidationError(
                "instance_type",
                "must be an instance type SageMaker endpoints take (ProductionVariantInstanceType, "
                "e.g. ml.m5.large)",
                value=request.instance_type,
            )
        image = request.image or job.image
        if not image or len(image) > MAX_IMAGE_LENGTH:
            raise ValidationError(
                "image", f"must be a container image URI of 1 to {MAX_IMAGE_LENGTH} characters"
            )
        name = request.endpoint_name or default_endpoint_name(job.job_name)
        if self._endpoint_exists(name):
            raise AlreadyExists("Endpoint", name)
        with self.aws.counting("deploy model"):
            self._create(job, request, image, name)
        log.info("deploying the model of training job %s to endpoint %s", job.job_name, name)
        return Deployment(name, name, self.endpoint(name))

    def _create(self, job: Job, request: DeployRequest, image: str, name: str) -> None:
        """CreateModel, CreateEndpointConfig, CreateEndpoint; on a failure, what was created is
        deleted again (as far as AWS lets it) and the failure raised."""
        created: list[tuple[str, dict[str, Any]]] = []
        steps: list[tuple[str, tuple[str, str], dict[str, Any], tuple[str, dict[str, Any]]]] = [
            (
                "create_model",
                ("Model", name),
                {
                    "ModelName": name,
                    "PrimaryContainer": {"Image": image, "ModelDataUrl": job.model_artifacts},
                    "ExecutionRoleArn": job.role_arn,
                },
                ("delete_model", {"ModelName": name}),
            ),
            (
                "create_endpoint_config",
                ("EndpointConfig", name),
                {
                    "EndpointConfigName": name,
                    "ProductionVariants": [
                        {
                            "VariantName": VARIANT_NAME,
                            "ModelName": name,
                            "InstanceType": request.instance_type,
                            "InitialInstanceCount": request.instance_count,
                            "InitialVariantWeight": 1.0,
                        }
                    ],
                },
                ("delete_endpoint_config", {"EndpointConfigName": name}),
            ),
            (
                "create_endpoint",
                ("Endpoint", name),
                {"EndpointName": name, "EndpointConfigName": name},
                ("delete_endpoint", {"EndpointName": name}),
            ),
        ]
        try:
            for operation, what, params, undo in steps:
                self.aws.call("sagemaker", operation, not_found=what, **params)
                created.append(undo)
        except SmxError:
            for operation, params in reversed(created):
                try:
                    self.aws.call("sagemaker", operation, **params)
                except SmxError as error:  # the user is told the first failure, not this one
                    log.warning("could not undo %s %s: %s", operation, params, error.message)
            raise

    def _endpoint_exists(self, name: str) -> bool:
        try:
            self.endpoint(name)
        except NotFound:
            return False
        return True


def _check_deployable(job: Job) -> None:
    if job.job_type != "TrainingJob":
        raise ValidationError(
            "component",
            f"is the trial component of {_LABELS[job.job_type]} {job.job_name!r}: only a "
            "training job's model can be deployed",
        )
    if not job.can_deploy:
        raise Conflict(
            f"training job {job.job_name!r} is {job.status}: only the model of a Completed "
            "training job can be deployed",
            status=job.status,
            job_name=job.job_name,
        )


def _endpoint(answer: dict[str, Any]) -> Endpoint:
    def when(key: str) -> str | None:
        value = answer.get(key)
        return value.isoformat() if isinstance(value, datetime) else None

    return Endpoint(
        name=answer["EndpointName"],
        status=answer.get("EndpointStatus", ""),
        arn=answer.get("EndpointArn"),
        config_name=answer.get("EndpointConfigName"),
        failure_reason=answer.get("FailureReason") or None,
        creation_time=when("CreationTime"),
        last_modified_time=when("LastModifiedTime"),
    )
