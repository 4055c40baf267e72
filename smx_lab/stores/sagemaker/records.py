"""SageMaker's answers (boto3 dicts) → :mod:`smx_lab.model` records.

boto3 hands back ``datetime`` objects and PascalCase keys; the model keeps seconds since the epoch
and its own field names. ``SourceDetail`` (the training, processing or transform job behind a
component) is kept as SageMaker returns it, with times as ISO 8601 strings so it is valid JSON.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ...model import (
    Artifact,
    Experiment,
    MetricSummary,
    ParameterValue,
    Parent,
    Source,
    Status,
    Trial,
    TrialComponent,
)


def seconds(moment: Any) -> float | None:
    """A boto3 timestamp (aware datetime) or a number → seconds since the epoch."""
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return moment.timestamp()
    return float(moment)


def _user(context: dict[str, Any] | None) -> str | None:
    if not context:
        return None
    return context.get("UserProfileName") or context.get("UserProfileArn")


def _tags(tags: list[dict[str, str]] | None) -> dict[str, str]:
    return {tag["Key"]: tag.get("Value", "") for tag in tags or []}


def _source(source: dict[str, Any] | None) -> Source | None:
    if not source or not source.get("SourceArn"):
        return None
    return Source(source["SourceArn"], source.get("SourceType"))


def json_safe(value: Any) -> Any:
    """Nested boto3 data with datetimes as ISO 8601 strings."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_safe(item) for item in value]
    return value


def experiment(record: dict[str, Any]) -> Experiment:
    """From ``Search`` (Experiment), ``DescribeExperiment`` or an ``ExperimentSummary``."""
    return Experiment(
        experiment_name=record["ExperimentName"],
        display_name=record.get("DisplayName"),
        experiment_arn=record.get("ExperimentArn"),
        description=record.get("Description"),
        source=_source(record.get("Source") or record.get("ExperimentSource")),
        creation_time=seconds(record.get("CreationTime")),
        created_by=_user(record.get("CreatedBy")),
        last_modified_time=seconds(record.get("LastModifiedTime")),
        tags=_tags(record.get("Tags")),
    )


def trial(record: dict[str, Any], experiment_name: str | None = None) -> Trial:
    """From ``Search`` (Trial), ``DescribeTrial`` or a ``TrialSummary`` (which lacks the
    experiment's name: the caller passes it)."""
    summaries = record.get("TrialComponentSummaries")
    return Trial(
        trial_name=record["TrialName"],
        experiment_name=record.get("ExperimentName") or experiment_name or "",
        display_name=record.get("DisplayName"),
        trial_arn=record.get("TrialArn"),
        source=_source(record.get("Source") or record.get("TrialSource")),
        creation_time=seconds(record.get("CreationTime")),
        created_by=_user(record.get("CreatedBy")),
        last_modified_time=seconds(record.get("LastModifiedTime")),
        tags=_tags(record.get("Tags")),
        trial_component_count=len(summaries) if summaries is not None else None,
    )


def parameter(value: dict[str, Any]) -> ParameterValue:
    if "NumberValue" in value:
        return float(value["NumberValue"])
    return str(value.get("StringValue", ""))


def _artifacts(artifacts: dict[str, Any] | None) -> dict[str, Artifact]:
    return {
        name: Artifact(value=item.get("Value", ""), media_type=item.get("MediaType"))
        for name, item in (artifacts or {}).items()
    }


def metric_summary(record: dict[str, Any]) -> MetricSummary:
    return MetricSummary(
        metric_name=record["MetricName"],
        count=int(record.get("Count") or 0),
        min=float(record.get("Min", 0.0)),
        max=float(record.get("Max", 0.0)),
        avg=float(record.get("Avg", 0.0)),
        std_dev=float(record.get("StdDev", 0.0)),
        last=float(record.get("Last", 0.0)),
        time_stamp=seconds(record.get("TimeStamp")),
        source_arn=record.get("SourceArn"),
    )


def trial_component(record: dict[str, Any]) -> TrialComponent:
    """From ``Search`` (TrialComponent: full, with Parents and SourceDetail) or
    ``DescribeTrialComponent`` (no Parents)."""
    status = record.get("Status")
    detail = dict(record.get("SourceDetail") or {})
    detail.pop("SourceArn", None)  # already the component's Source
    return TrialComponent(
        trial_component_name=record["TrialComponentName"],
        display_name=record.get("DisplayName"),
        trial_component_arn=record.get("TrialComponentArn"),
        status=Status(status["PrimaryStatus"], status.get("Message"))
        if status and status.get("PrimaryStatus")
        else None,
        source=_source(record.get("Source") or record.get("TrialComponentSource")),
        start_time=seconds(record.get("StartTime")),
        end_time=seconds(record.get("EndTime")),
        creation_time=seconds(record.get("CreationTime")),
        created_by=_user(record.get("CreatedBy")),
        last_modified_time=seconds(record.get("LastModifiedTime")),
        last_modified_by=_user(record.get("LastModifiedBy")),
        parameters={
            name: parameter(value) for name, value in (record.get("Parameters") or {}).items()
        },
        input_artifacts=_artifacts(record.get("InputArtifacts")),
        output_artifacts=_artifacts(record.get("OutputArtifacts")),
        metrics=[metric_summary(m) for m in record.get("Metrics") or [] if m.get("MetricName")],
        tags=_tags(record.get("Tags")),
        parents=[
            Parent(p["TrialName"], p.get("ExperimentName", ""))
            for p in record.get("Parents") or []
            if p.get("TrialName")
        ],
        source_detail=json_safe(detail),
    )


def training_job_name(component: TrialComponent) -> str | None:
    """The training job behind a component (its source is a training job's ARN), else None."""
    arn = component.source.source_arn if component.source else ""
    if ":training-job/" not in arn:
        return None
    return arn.rsplit("/", 1)[1]
