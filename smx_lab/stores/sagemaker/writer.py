"""Writing to SageMaker: the :class:`~smx_lab.stores.base.Writer` of the tracking API, over boto3.

The same notebook code logs to the embedded store or to a SageMaker account; this class turns the
writer's calls into SageMaker's ``Create*``/``Update*``/``Delete*``/``(Dis)AssociateTrialComponent``
calls and ``sagemaker-metrics`` ``BatchPutMetrics`` (10 points a call, SageMaker's limit).

Names are checked against SageMaker's rules (:mod:`smx_lab.names`) before anything is sent, and
trial component names are lower-cased, as the SageMaker SDK does for the components of its runs.
A component's ``source`` cannot be written: SageMaker sets it for the components of its jobs.
"""

from __future__ import annotations

import math
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ... import names
from ...errors import NotFound, SmxError, ValidationError
from ...model import (
    Artifact,
    Experiment,
    MetricPoint,
    ParameterValue,
    Source,
    Status,
    Trial,
    TrialComponent,
    parameter_to_dict,
)
from ...vocabulary import PRIMARY_STATUSES
from .aws import AwsClients, log
from .store import SageMakerStore

METRICS_PER_CALL = 10  # BatchPutMetrics takes at most 10 points a call


def component_name(name: str) -> str:
    """A trial component's name as it is stored in SageMaker: checked, then lower-cased."""
    return names.entity_name("trial_component_name", name).lower()


class SageMakerWriter:
    """Writes experiments, trials, components and metrics to SageMaker.

    Give it an :class:`AwsClients` (shared with a :class:`~.store.SageMakerStore`), boto3
    clients of your own (``sagemaker_client``, ``metrics_client``, e.g. the tracking API's
    ``sagemaker_boto_client``), or the store's options (``region``, ``profile``, ...).
    ``artifact_location`` (``s3://bucket/prefix``) is where :meth:`upload_artifact` puts files."""

    def __init__(
        self,
        clients: AwsClients | None = None,
        *,
        sagemaker_client: Any = None,
        metrics_client: Any = None,
        **options: Any,
    ) -> None:
        self.artifact_location = options.pop("artifact_location", None)
        if clients is None:
            session = options.pop("session", None)
            if sagemaker_client is not None:
                # The other clients, when not given, go where the given one goes: its region, and
                # its endpoint when that is not AWS's own (a local or private endpoint serves all).
                options.setdefault("region", sagemaker_client.meta.region_name)
                endpoint = str(sagemaker_client.meta.endpoint_url)
                if ".amazonaws.com" not in endpoint:
                    options.setdefault("endpoint_url", endpoint)
            # No cache: what is written must be read back as written.
            clients = AwsClients(session=session, cache_seconds=0, **options)
        self.aws = clients
        if sagemaker_client is not None:
            self.aws.adopt("sagemaker", sagemaker_client)
        if metrics_client is not None:
            self.aws.adopt("sagemaker-metrics", metrics_client)

    def store(self) -> SageMakerStore:
        """A store that reads through this writer's clients, uncached, for read-after-write."""
        return SageMakerStore(clients=self.aws)

    def _call(
        self, operation: str, not_found: tuple[str, str] | None = None, **params: Any
    ) -> dict[str, Any]:
        return self.aws.call("sagemaker", operation, not_found=not_found, **params)

    # -- experiments and trials ---------------------------------------------------------------

    def create_experiment(
        self,
        name: str,
        *,
        display_name: str | None = None,
        description: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> Experiment:
        names.entity_name("experiment_name", name)
        names.optional_entity_name("display_name", display_name)
        names.text("description", description, names.DESCRIPTION_MAX)
        checked_tags = names.tags(tags)
        params = _without_none(
            ExperimentName=name,
            DisplayName=display_name,
            Description=description,
            Tags=_tag_list(checked_tags),
        )
        answer = self._call("create_experiment", ("Experiment", name), **params)
        now = time.time()
        return Experiment(
            experiment_name=name,
            display_name=display_name,
            experiment_arn=answer.get("ExperimentArn"),
            description=description,
            creation_time=now,
            last_modified_time=now,
            tags=checked_tags,
        )

    def delete_experiment(self, name: str) -> None:
        self._call("delete_experiment", ("Experiment", name), ExperimentName=name)

    def create_trial(
        self,
        name: str,
        experiment_name: str,
        *,
        display_name: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> Trial:
        names.entity_name("trial_name", name)
        names.entity_name("experiment_name", experiment_name)
        names.optional_entity_name("display_name", display_name)
        checked_tags = names.tags(tags)
        params = _without_none(
            TrialName=name,
            ExperimentName=experiment_name,
            DisplayName=display_name,
            Tags=_tag_list(checked_tags),
        )
        try:
            answer = self._call("create_trial", ("Trial", name), **params)
        except NotFound:
            raise NotFound("Experiment", experiment_name) from None  # the only thing it can miss
        now = time.time()
        return Trial(
            trial_name=name,
            experiment_name=experiment_name,
            display_name=display_name,
            trial_arn=answer.get("TrialArn"),
            creation_time=now,
            last_modified_time=now,
            tags=checked_tags,
        )

    def delete_trial(self, name: str) -> None:
        self._call("delete_trial", ("Trial", name), TrialName=name)

    # -- trial components ---------------------------------------------------------------------

    def create_trial_component(
        self,
        name: str,
        *,
        display_name: str | None = None,
        status: Status | None = None,
        source: Source | None = None,
        start_time: float | None = None,
        tags: dict[str, str] | None = None,
    ) -> TrialComponent:
        stored = component_name(name)
        names.optional_entity_name("display_name", display_name)
        checked_status = _checked_status(status or Status())
        checked_tags = names.tags(tags)
        if source is not None:
            log.debug(
                "SageMaker sets a component's Source itself; %s is not written", source.source_arn
            )
        params = _without_none(
            TrialComponentName=stored,
            DisplayName=display_name,
            Status=checked_status.to_dict(),
            StartTime=_moment("start_time", start_time),
            Tags=_tag_list(checked_tags),
        )
        answer = self._call("create_trial_component", ("TrialComponent", stored), **params)
        now = time.time()
        return TrialComponent(
            trial_component_name=stored,
            display_name=display_name,
            trial_component_arn=answer.get("TrialComponentArn"),
            status=checked_status,
            start_time=start_time,
            creation_time=now,
            last_modified_time=now,
            tags=checked_tags,
        )

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
        stored = component_name(name)
        names.optional_entity_name("display_name", display_name)
        checked_parameters = names.parameters(parameters or {})
        artifacts = {
            kind: {key: _artifact(kind, key, artifact) for key, artifact in (given or {}).items()}
            for kind, given in (("input", input_artifacts), ("output", output_artifacts))
        }
        params = _without_none(
            TrialComponentName=stored,
            DisplayName=display_name,
            Status=_checked_status(status).to_dict() if status is not None else None,
            StartTime=_moment("start_time", start_time),
            EndTime=_moment("end_time", end_time),
            Parameters={key: parameter_to_dict(value) for key, value in checked_parameters.items()}
            or None,
            ParametersToRemove=list(parameters_to_remove) if parameters_to_remove else None,
            InputArtifacts=artifacts["input"] or None,
            OutputArtifacts=artifacts["output"] or None,
        )
        self._call("update_trial_component", ("TrialComponent", stored), **params)

    def delete_trial_component(self, name: str) -> None:
        stored = component_name(name)
        self._call("delete_trial_component", ("TrialComponent", stored), TrialComponentName=stored)

    def associate_trial_component(self, trial_component_name: str, trial_name: str) -> None:
        self._link("associate_trial_component", trial_component_name, trial_name)

    def disassociate_trial_component(self, trial_component_name: str, trial_name: str) -> None:
        self._link("disassociate_trial_component", trial_component_name, trial_name)

    def _link(self, operation: str, trial_component_name: str, trial_name: str) -> None:
        stored = component_name(trial_component_name)
        names.entity_name("trial_name", trial_name)
        try:
            self._call(
                operation, ("Trial", trial_name), TrialComponentName=stored, TrialName=trial_name
            )
        except NotFound as error:
            # SageMaker's message names the ARN of whichever is missing.
            if "experiment-trial-component/" in str(error.__cause__):
                raise NotFound("TrialComponent", stored) from None
            raise

    def upload_artifact(self, trial_component_name: str, file_path: str, name: str) -> str:
        """Upload a local file to S3 and return its ``s3://`` URI, to record as the artifact's
        value. Where: ``artifact_location`` (``s3://bucket/prefix``) if given, else SageMaker's
        default bucket ``sagemaker-<region>-<account>``, under ``smx-lab/artifacts``; then
        ``<component>/<file name>``."""
        stored = component_name(trial_component_name)
        source = Path(file_path)
        if not source.is_file():
            raise ValidationError("file_path", "must name an existing file", value=str(file_path))
        bucket, prefix = self._artifact_bucket()
        key = "/".join(part for part in (prefix, stored, Path(name).name) if part)
        with source.open("rb") as body:
            self.aws.call("s3", "put_object", Bucket=bucket, Key=key, Body=body)
        return f"s3://{bucket}/{key}"

    def _artifact_bucket(self) -> tuple[str, str]:
        location = self.artifact_location
        if location:
            if not str(location).startswith("s3://"):
                raise ValidationError(
                    "artifact_location", "must be an s3://bucket/prefix URI", value=location
                )
            bucket, _, prefix = str(location)[len("s3://") :].partition("/")
            return bucket, prefix.strip("/")
        account = self.aws.account()
        if account is None:
            raise ValidationError(
                "artifact_location", "the AWS account is unknown, so give an s3://bucket/prefix"
            )
        return f"sagemaker-{self.aws.region}-{account}", "smx-lab/artifacts"

    # -- metrics ------------------------------------------------------------------------------

    def log_metrics(self, trial_component_name: str, points: list[MetricPoint]) -> None:
        """Every point is checked before the first call; NaN and infinite values are skipped (as
        the embedded store skips them). SageMaker takes 10 points a call, so a failure after the
        first call leaves the earlier batches written: the error says how many points were."""
        stored = component_name(trial_component_name)
        data = []
        for point in points:
            names.metric_name(point.metric_name)
            value = names.metric_value(point.metric_name, point.value)
            if not (math.isfinite(value) and math.isfinite(point.timestamp)):
                continue
            datum: dict[str, Any] = {
                "MetricName": point.metric_name,
                "Timestamp": datetime.fromtimestamp(point.timestamp, tz=timezone.utc),
                "Value": value,
            }
            if point.step is not None:
                datum["Step"] = int(point.step)
            data.append(datum)
        for start in range(0, len(data), METRICS_PER_CALL):
            batch = data[start : start + METRICS_PER_CALL]
            try:
                answer = self.aws.call(
                    "sagemaker-metrics",
                    "batch_put_metrics",
                    TrialComponentName=stored,
                    MetricData=batch,
                )
            except SmxError as error:
                error.details["points_written"] = start
                raise
            errors = answer.get("Errors") or []
            if errors:
                first = errors[0]
                index = start + int(first.get("MetricIndex", 0))
                raise ValidationError(
                    "metrics",
                    f"SageMaker refused {len(errors)} of {len(batch)} points "
                    f"({first.get('Code')}), "
                    f"first: {data[index]['MetricName']} #{index}",
                    points_written=start,
                )


def _checked_status(status: Status) -> Status:
    if status.primary_status not in PRIMARY_STATUSES:
        raise ValidationError(
            "status", f"PrimaryStatus must be one of {', '.join(PRIMARY_STATUSES)}"
        )
    names.text("status.Message", status.message, names.STATUS_MESSAGE_MAX)
    return status


def _artifact(kind: str, key: str, artifact: Artifact) -> dict[str, str]:
    names.artifact(kind, key, artifact.value, artifact.media_type)
    return artifact.to_dict()


def _moment(field: str, when: float | None) -> datetime | None:
    if when is None:
        return None
    if isinstance(when, bool) or not isinstance(when, (int, float)) or not math.isfinite(when):
        raise ValidationError(field, "must be seconds since the epoch")
    return datetime.fromtimestamp(when, tz=timezone.utc)


def _tag_list(tags: dict[str, str]) -> list[dict[str, str]] | None:
    return [{"Key": key, "Value": value} for key, value in tags.items()] or None


def _without_none(**params: Any) -> dict[str, Any]:
    return {key: value for key, value in params.items() if value is not None}
