"""The data model: SageMaker's Experiments vocabulary, kept exactly.

Every layer speaks these types. ``to_dict()`` gives the JSON shape that the REST API answers with,
which is the shape boto3's ``describe_*`` and ``search`` calls return (PascalCase keys), so a user
who knows the SageMaker API recognises every field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Generic, Literal, TypeVar

# Said once, in the vocabulary; re-exported so that ``from smx_lab.model import ...`` still works.
from .vocabulary import PRIMARY_STATUSES as PRIMARY_STATUSES
from .vocabulary import RESOURCES as RESOURCES
from .vocabulary import STATISTIC_ATTRIBUTES
from .vocabulary import SUMMARY_STATISTICS as SUMMARY_STATISTICS

ParameterValue = str | float
XAxis = Literal["step", "time"]

T = TypeVar("T")


def iso(moment: float | None) -> str | None:
    """Seconds since the epoch → ISO 8601 in UTC, as the REST API writes times."""
    if moment is None:
        return None
    return datetime.fromtimestamp(moment, tz=timezone.utc).isoformat()


@dataclass
class Source:
    source_arn: str
    source_type: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"SourceArn": self.source_arn}
        if self.source_type:
            out["SourceType"] = self.source_type
        return out


@dataclass
class Status:
    primary_status: str = "InProgress"
    message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"PrimaryStatus": self.primary_status}
        if self.message:
            out["Message"] = self.message
        return out


@dataclass
class Artifact:
    value: str
    media_type: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"Value": self.value}
        if self.media_type:
            out["MediaType"] = self.media_type
        return out


@dataclass
class Parent:
    trial_name: str
    experiment_name: str

    def to_dict(self) -> dict[str, Any]:
        return {"TrialName": self.trial_name, "ExperimentName": self.experiment_name}


@dataclass
class MetricSummary:
    """A metric's summary, kept up to date as points arrive (never recomputed on read)."""

    metric_name: str
    count: int
    min: float
    max: float
    avg: float
    std_dev: float
    last: float
    time_stamp: float | None = None
    source_arn: str | None = None

    def statistic(self, name: str) -> float:
        """One of :data:`~smx_lab.vocabulary.SUMMARY_STATISTICS` by name (Count as a float)."""
        return float(getattr(self, STATISTIC_ATTRIBUTES[name]))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "MetricName": self.metric_name,
            "Min": self.min,
            "Max": self.max,
            "Avg": self.avg,
            "StdDev": self.std_dev,
            "Last": self.last,
            "Count": self.count,
        }
        if self.time_stamp is not None:
            out["TimeStamp"] = iso(self.time_stamp)
        if self.source_arn:
            out["SourceArn"] = self.source_arn
        return out


@dataclass
class Experiment:
    experiment_name: str
    display_name: str | None = None
    experiment_arn: str | None = None
    description: str | None = None
    source: Source | None = None
    creation_time: float | None = None
    created_by: str | None = None
    last_modified_time: float | None = None
    tags: dict[str, str] = field(default_factory=dict)
    trial_count: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return _drop_none(
            {
                "ExperimentName": self.experiment_name,
                "ExperimentArn": self.experiment_arn,
                "DisplayName": self.display_name or self.experiment_name,
                "Description": self.description,
                "Source": self.source.to_dict() if self.source else None,
                "CreationTime": iso(self.creation_time),
                "CreatedBy": _user(self.created_by),
                "LastModifiedTime": iso(self.last_modified_time),
                "Tags": _tags(self.tags),
                "TrialCount": self.trial_count,
            }
        )


@dataclass
class Trial:
    trial_name: str
    experiment_name: str
    display_name: str | None = None
    trial_arn: str | None = None
    source: Source | None = None
    creation_time: float | None = None
    created_by: str | None = None
    last_modified_time: float | None = None
    tags: dict[str, str] = field(default_factory=dict)
    trial_component_count: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return _drop_none(
            {
                "TrialName": self.trial_name,
                "TrialArn": self.trial_arn,
                "DisplayName": self.display_name or self.trial_name,
                "ExperimentName": self.experiment_name,
                "Source": self.source.to_dict() if self.source else None,
                "CreationTime": iso(self.creation_time),
                "CreatedBy": _user(self.created_by),
                "LastModifiedTime": iso(self.last_modified_time),
                "Tags": _tags(self.tags),
                "TrialComponentCount": self.trial_component_count,
            }
        )


@dataclass
class TrialComponent:
    trial_component_name: str
    display_name: str | None = None
    trial_component_arn: str | None = None
    status: Status | None = None
    source: Source | None = None
    start_time: float | None = None
    end_time: float | None = None
    creation_time: float | None = None
    created_by: str | None = None
    last_modified_time: float | None = None
    last_modified_by: str | None = None
    parameters: dict[str, ParameterValue] = field(default_factory=dict)
    input_artifacts: dict[str, Artifact] = field(default_factory=dict)
    output_artifacts: dict[str, Artifact] = field(default_factory=dict)
    metrics: list[MetricSummary] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    parents: list[Parent] = field(default_factory=list)
    # Details of the SageMaker job behind the component, as SageMaker's Search returns them
    # (instance type and count, job status, ...); empty for components logged locally.
    source_detail: dict[str, Any] = field(default_factory=dict)

    def metric(self, name: str) -> MetricSummary | None:
        for summary in self.metrics:
            if summary.metric_name == name:
                return summary
        return None

    def to_dict(self) -> dict[str, Any]:
        return _drop_none(
            {
                "TrialComponentName": self.trial_component_name,
                "TrialComponentArn": self.trial_component_arn,
                "DisplayName": self.display_name or self.trial_component_name,
                "Status": self.status.to_dict() if self.status else None,
                "Source": self.source.to_dict() if self.source else None,
                "StartTime": iso(self.start_time),
                "EndTime": iso(self.end_time),
                "CreationTime": iso(self.creation_time),
                "CreatedBy": _user(self.created_by),
                "LastModifiedTime": iso(self.last_modified_time),
                "LastModifiedBy": _user(self.last_modified_by),
                "Parameters": {k: parameter_to_dict(v) for k, v in self.parameters.items()},
                "InputArtifacts": {k: a.to_dict() for k, a in self.input_artifacts.items()},
                "OutputArtifacts": {k: a.to_dict() for k, a in self.output_artifacts.items()},
                "Metrics": [m.to_dict() for m in self.metrics],
                "Tags": _tags(self.tags),
                "Parents": [p.to_dict() for p in self.parents],
                "SourceDetail": self.source_detail or None,
            }
        )


def parameter_to_dict(value: ParameterValue) -> dict[str, Any]:
    """A parameter value as SageMaker writes it: ``{"NumberValue": 1.0}`` or
    ``{"StringValue": "a"}``."""
    if isinstance(value, str):
        return {"StringValue": value}
    return {"NumberValue": value}


@dataclass
class Page(Generic[T]):
    """One page of a listing. ``next_cursor`` is opaque; None on the last page."""

    items: list[T]
    next_cursor: str | None = None
    total: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": [item.to_dict() if hasattr(item, "to_dict") else item for item in self.items],
            "next_cursor": self.next_cursor,
            "total": self.total,
        }


@dataclass
class NotedPage(Page[T]):
    """A page with ``notes``: what the store could not ask its backend and did itself instead
    (a filter evaluated after fetching)."""

    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        if self.notes:
            out["notes"] = list(self.notes)
        return out


@dataclass
class MetricPoint:
    """One raw metric point, as logged."""

    metric_name: str
    value: float
    timestamp: float
    step: int | None = None


@dataclass
class SeriesQuery:
    component: str
    metric: str


@dataclass
class Series:
    """A metric series, possibly reduced: ``x`` and ``y`` are parallel lists."""

    component: str
    metric: str
    x_axis: XAxis
    x: list[float]
    y: list[float]
    raw_count: int
    reduced: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "component": self.component,
            "metric": self.metric,
            "x_axis": self.x_axis,
            "x": self.x,
            "y": self.y,
            "raw_count": self.raw_count,
            "reduced": self.reduced,
        }


def finite(value: float) -> bool:
    return not (math.isnan(value) or math.isinf(value))


def _user(name: str | None) -> dict[str, Any] | None:
    return {"UserProfileName": name} if name else None


def _tags(tags: dict[str, str]) -> list[dict[str, str]] | None:
    return [{"Key": k, "Value": v} for k, v in tags.items()] if tags else None


def _drop_none(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None}
