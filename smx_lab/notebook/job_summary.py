"""The job sections of ``%smx show``: for a component that a SageMaker training, processing or
transform job created (SageMaker store), the job's settings, its timeline, its inputs and
outputs, its Debugger and profiler rules and, with ``--logs N``, its newest log lines — what the
component view's Job, Debugger and Logs tabs show, from the same :class:`smx_lab.jobs.Jobs`.

A section is ``(title, header, rows)``, as :class:`.summary.ComponentSummary` renders them (every
string escaped there)."""

from __future__ import annotations

from typing import Any

from ..errors import NoJob
from ..jobs import MAX_LOG_EVENTS, Job, LogPage, jobs_of
from ..model import TrialComponent

Section = tuple[str, list[str], list[list[str]]]

_TYPE_LABELS = {
    "TrainingJob": "Training job",
    "ProcessingJob": "Processing job",
    "TransformJob": "Transform job",
}


def job_sections_of(store: Any, component: TrialComponent, log_lines: int | None) -> list[Section]:
    """The job sections of a component: none for a store without jobs or a component that no
    job created, unless ``log_lines`` asked for the job's logs (then the store's error)."""
    jobs = store.jobs
    if jobs is None:
        if log_lines:
            jobs_of(store)  # raises NotOffered, naming the store
        return []
    name = component.trial_component_name
    try:
        job = jobs.job(name)
    except NoJob:
        if log_lines:
            raise
        return []
    logs = jobs.logs(name, limit=min(log_lines, MAX_LOG_EVENTS)) if log_lines else None
    return job_sections(job, logs)


def job_sections(job: Job, logs: LogPage | None = None) -> list[Section]:
    sections: list[Section] = [
        ("Job", ["Property", "Value"], _settings(job)),
        (
            "Timeline",
            ["Status", "Start", "End", "Message"],
            [
                [t.status, t.start_time or "", t.end_time or "", t.message or ""]
                for t in job.transitions
            ],
        ),
        (
            "Job inputs",
            ["Name", "URI", "Content type"],
            [[c.name, c.uri or "", c.content_type or ""] for c in job.inputs],
        ),
        ("Job outputs", ["Name", "URI"], [[c.name, c.uri or ""] for c in job.outputs]),
    ]
    if job.job_type == "TrainingJob":
        # An empty section reads "none": the job ran no Debugger or profiler rules.
        sections.append(
            (
                "Debugger rules",
                ["Rule", "Type", "Status", "Details", "Report"],
                [
                    [
                        r.name,
                        r.rule_type,
                        r.status,
                        r.status_details or "",
                        r.report_uri or "",
                    ]
                    for r in job.rules
                ],
            )
        )
    if logs is not None:
        title = f"Logs of {logs.stream}" if logs.stream else "Logs (the job has not logged yet)"
        sections.append(
            (title, ["Time", "Message"], [[e.timestamp, e.message] for e in logs.events])
        )
    return sections


def _settings(job: Job) -> list[list[str]]:
    rows = [
        ["Type", _TYPE_LABELS.get(job.job_type, job.job_type)],
        ["Name", job.job_name],
        ["ARN", job.job_arn],
        ["Status", job.status],
    ]
    optional: list[tuple[str, Any]] = [
        ("Secondary status", job.secondary_status),
        ("Failure reason", job.failure_reason),
        ("Exit message", job.exit_message),
        ("Instance type", job.instance_type),
        ("Instance count", job.instance_count),
        ("Volume (GB)", job.volume_size_gb),
        ("Image", job.image),
        ("Model", job.model_name),
        ("Role", job.role_arn),
        (
            "Stopping condition",
            ", ".join(f"{k} = {v}" for k, v in job.stopping_condition.items()),
        ),
        ("Model artifacts", job.model_artifacts),
        ("Billable seconds", job.billable_seconds),
        ("Training seconds", job.training_seconds),
        ("Created", job.creation_time),
        ("Started", job.start_time),
        ("Ended", job.end_time),
        ("Log group", job.log_group),
    ]
    rows += [[label, str(value)] for label, value in optional if value not in (None, "")]
    return rows
