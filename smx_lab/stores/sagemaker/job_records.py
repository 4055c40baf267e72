"""``DescribeTrainingJob``, ``DescribeProcessingJob`` and ``DescribeTransformJob`` answers →
:class:`smx_lab.jobs.Job`: one shape for the three, so no client needs to know where each answer
keeps its instance type, its inputs' URIs or its timeline.

- Training jobs have SageMaker's ``SecondaryStatusTransitions`` as their timeline; processing and
  transform jobs have none, so theirs is made from their times (created, started, ended).
- A rule's report: the profiler's HTML report (``ProfilerReport`` rules) under the rule's output
  (its configuration's ``S3OutputPath``, else SageMaker's default
  ``<OutputDataConfig.S3OutputPath>/<job>/rule-output/<rule>/``), once its evaluation finished;
  a Debugger rule's output folder when its configuration names one. Each comes with a link to the
  S3 console.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from ...jobs import Channel, Job, Rule, StatusTransition, default_endpoint_name
from ...vocabulary import RULE_TYPES, RUNNING_JOB_STATUS
from .records import json_safe

#: CloudWatch Logs groups of SageMaker's jobs, by job type.
LOG_GROUPS = {
    "TrainingJob": "/aws/sagemaker/TrainingJobs",
    "ProcessingJob": "/aws/sagemaker/ProcessingJobs",
    "TransformJob": "/aws/sagemaker/TransformJobs",
}
#: Rule evaluations that are over: their report, if any, has been written.
FINISHED_RULE_STATUSES = ("NoIssuesFound", "IssuesFound", "Stopped")
PROFILER_REPORT_RULE = "ProfilerReport"
PROFILER_REPORT_FILE = "profiler-output/profiler-report.html"
TERMINAL_STATUSES = ("Completed", "Failed", "Stopped")


def _time(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def job_record(
    job_type: str,
    name: str,
    answer: dict[str, Any],
    component: str,
    region: str,
    instance_types: list[str],
) -> Job:
    """The job ``name`` of a component from its ``Describe*Job`` answer."""
    build = {"TrainingJob": _training, "ProcessingJob": _processing, "TransformJob": _transform}
    answer = {f"{job_type}Name": name, **answer}
    job = build[job_type](answer, component)
    job.log_group = LOG_GROUPS[job_type]
    job.can_stop = job.status == RUNNING_JOB_STATUS
    job.description = json_safe(answer)
    if job_type == "TrainingJob":
        job.rules = rules(answer, region)
        job.can_deploy = job.status == "Completed" and bool(job.model_artifacts)
        if job.can_deploy:
            job.deploy_options = deploy_options(job, instance_types)
    return job


def _training(answer: dict[str, Any], component: str) -> Job:
    resources = answer.get("ResourceConfig") or {}
    groups = resources.get("InstanceGroups") or []
    instance_type = resources.get("InstanceType") or ", ".join(
        str(g.get("InstanceType")) for g in groups if g.get("InstanceType")
    )
    count = resources.get("InstanceCount") or sum(int(g.get("InstanceCount") or 0) for g in groups)
    algorithm = answer.get("AlgorithmSpecification") or {}
    output_path = (answer.get("OutputDataConfig") or {}).get("S3OutputPath")
    return Job(
        trial_component_name=component,
        job_type="TrainingJob",
        job_name=answer["TrainingJobName"],
        job_arn=answer.get("TrainingJobArn", ""),
        status=answer.get("TrainingJobStatus", ""),
        secondary_status=answer.get("SecondaryStatus"),
        failure_reason=answer.get("FailureReason") or None,
        transitions=[
            StatusTransition(
                t.get("Status", ""),
                _time(t.get("StartTime")),
                _time(t.get("EndTime")),
                t.get("StatusMessage") or None,
            )
            for t in answer.get("SecondaryStatusTransitions") or []
        ],
        creation_time=_time(answer.get("CreationTime")),
        start_time=_time(answer.get("TrainingStartTime")),
        end_time=_time(answer.get("TrainingEndTime")),
        last_modified_time=_time(answer.get("LastModifiedTime")),
        instance_type=instance_type or None,
        instance_count=_int(count) or None,
        volume_size_gb=_int(resources.get("VolumeSizeInGB")),
        image=algorithm.get("TrainingImage") or algorithm.get("AlgorithmName"),
        role_arn=answer.get("RoleArn"),
        stopping_condition=dict(answer.get("StoppingCondition") or {}),
        inputs=[_channel(c) for c in answer.get("InputDataConfig") or []],
        outputs=[Channel("model", output_path)] if output_path else [],
        model_artifacts=(answer.get("ModelArtifacts") or {}).get("S3ModelArtifacts"),
        billable_seconds=_int(answer.get("BillableTimeInSeconds")),
        training_seconds=_int(answer.get("TrainingTimeInSeconds")),
    )


def _channel(channel: dict[str, Any]) -> Channel:
    """A training job's input channel and where its data is (S3, or a file system)."""
    source = channel.get("DataSource") or {}
    s3 = source.get("S3DataSource") or {}
    file_system = source.get("FileSystemDataSource") or {}
    uri = s3.get("S3Uri")
    if not uri and file_system:
        kind = str(file_system.get("FileSystemType", "")).lower()
        uri = (
            f"{kind}://{file_system.get('FileSystemId', '')}{file_system.get('DirectoryPath', '')}"
        )
    return Channel(channel.get("ChannelName", ""), uri, channel.get("ContentType"))


def _processing(answer: dict[str, Any], component: str) -> Job:
    cluster = (answer.get("ProcessingResources") or {}).get("ClusterConfig") or {}
    inputs = []
    for item in answer.get("ProcessingInputs") or []:
        s3 = item.get("S3Input") or {}
        inputs.append(
            Channel(item.get("InputName", ""), s3.get("S3Uri"), local_path=s3.get("LocalPath"))
        )
    outputs = []
    for item in (answer.get("ProcessingOutputConfig") or {}).get("Outputs") or []:
        s3 = item.get("S3Output") or {}
        outputs.append(
            Channel(item.get("OutputName", ""), s3.get("S3Uri"), local_path=s3.get("LocalPath"))
        )
    job = Job(
        trial_component_name=component,
        job_type="ProcessingJob",
        job_name=answer["ProcessingJobName"],
        job_arn=answer.get("ProcessingJobArn", ""),
        status=answer.get("ProcessingJobStatus", ""),
        failure_reason=answer.get("FailureReason") or None,
        exit_message=answer.get("ExitMessage") or None,
        creation_time=_time(answer.get("CreationTime")),
        start_time=_time(answer.get("ProcessingStartTime")),
        end_time=_time(answer.get("ProcessingEndTime")),
        last_modified_time=_time(answer.get("LastModifiedTime")),
        instance_type=cluster.get("InstanceType"),
        instance_count=_int(cluster.get("InstanceCount")),
        volume_size_gb=_int(cluster.get("VolumeSizeInGB")),
        image=(answer.get("AppSpecification") or {}).get("ImageUri"),
        role_arn=answer.get("RoleArn"),
        stopping_condition=dict(answer.get("StoppingCondition") or {}),
        inputs=inputs,
        outputs=outputs,
    )
    job.transitions = timeline(job)
    return job


def _transform(answer: dict[str, Any], component: str) -> Job:
    resources = answer.get("TransformResources") or {}
    transform_input = answer.get("TransformInput") or {}
    source = (transform_input.get("DataSource") or {}).get("S3DataSource") or {}
    output = (answer.get("TransformOutput") or {}).get("S3OutputPath")
    job = Job(
        trial_component_name=component,
        job_type="TransformJob",
        job_name=answer["TransformJobName"],
        job_arn=answer.get("TransformJobArn", ""),
        status=answer.get("TransformJobStatus", ""),
        failure_reason=answer.get("FailureReason") or None,
        creation_time=_time(answer.get("CreationTime")),
        start_time=_time(answer.get("TransformStartTime")),
        end_time=_time(answer.get("TransformEndTime")),
        last_modified_time=_time(answer.get("LastModifiedTime")),
        instance_type=resources.get("InstanceType"),
        instance_count=_int(resources.get("InstanceCount")),
        model_name=answer.get("ModelName"),
        inputs=[Channel("input", source.get("S3Uri"), transform_input.get("ContentType"))]
        if source
        else [],
        outputs=[Channel("output", output)] if output else [],
    )
    job.transitions = timeline(job)
    return job


def timeline(job: Job) -> list[StatusTransition]:
    """The steps of a job that has no SecondaryStatusTransitions, from its times: InProgress from
    its start (or creation) until its end, then its final status."""
    started = job.start_time or job.creation_time
    steps = [StatusTransition("InProgress", started, job.end_time if job.end_time else None)]
    if job.status in TERMINAL_STATUSES or job.status == "Stopping":
        message = job.failure_reason or job.exit_message
        steps.append(
            StatusTransition(job.status, job.end_time or job.last_modified_time, None, message)
        )
    return steps


# --- rules -------------------------------------------------------------------------------------


def rules(answer: dict[str, Any], region: str) -> list[Rule]:
    """The Debugger rules, then the profiler rules, each with its evaluation; a configured rule
    SageMaker reports no evaluation for yet is InProgress."""
    out: list[Rule] = []
    debugger, profiler = RULE_TYPES
    for rule_type, configurations, statuses in (
        (debugger, "DebugRuleConfigurations", "DebugRuleEvaluationStatuses"),
        (profiler, "ProfilerRuleConfigurations", "ProfilerRuleEvaluationStatuses"),
    ):
        configured = {c.get("RuleConfigurationName"): c for c in answer.get(configurations) or []}
        evaluated = {s.get("RuleConfigurationName"): s for s in answer.get(statuses) or []}
        for name in [*evaluated, *(n for n in configured if n not in evaluated)]:
            if not name:
                continue
            status = evaluated.get(name, {})
            rule = Rule(
                name=str(name),
                rule_type=rule_type,
                status=str(status.get("RuleEvaluationStatus") or "InProgress"),
                status_details=status.get("StatusDetails") or None,
                last_modified_time=_time(status.get("LastModifiedTime")),
                evaluation_job_arn=status.get("RuleEvaluationJobArn") or None,
            )
            rule.report_uri = _report_uri(answer, rule, configured.get(name) or {})
            rule.report_url = console_url(rule.report_uri, region) if rule.report_uri else None
            out.append(rule)
    return out


def _report_uri(answer: dict[str, Any], rule: Rule, configuration: dict[str, Any]) -> str | None:
    if rule.status not in FINISHED_RULE_STATUSES:
        return None
    configured = configuration.get("S3OutputPath")
    if rule.rule_type == RULE_TYPES[1] and rule.name.startswith(PROFILER_REPORT_RULE):
        job_output = (answer.get("OutputDataConfig") or {}).get("S3OutputPath")
        if configured:
            folder = str(configured).rstrip("/")
        elif job_output:
            folder = f"{str(job_output).rstrip('/')}/{answer['TrainingJobName']}/rule-output/"
            folder += rule.name
        else:
            return None
        return f"{folder}/{PROFILER_REPORT_FILE}"
    return f"{str(configured).rstrip('/')}/" if configured else None


def console_url(uri: str, region: str) -> str | None:
    """The S3 console's page of an ``s3://bucket/key`` URI: the object, or the folder (a key
    ending in ``/``)."""
    if not uri.startswith("s3://"):
        return None
    bucket, _, key = uri[len("s3://") :].partition("/")
    if not bucket:
        return None
    region_part = f"region={quote(region, safe='')}"
    if not key or key.endswith("/"):
        return (
            f"https://s3.console.aws.amazon.com/s3/buckets/{quote(bucket, safe='')}"
            f"?{region_part}&prefix={quote(key, safe='')}"
        )
    return (
        f"https://s3.console.aws.amazon.com/s3/object/{quote(bucket, safe='')}"
        f"?{region_part}&prefix={quote(key, safe='')}"
    )


# --- deployment ----------------------------------------------------------------------------------


#: The instance type a deployment dialog proposes when the job's own cannot serve a model.
DEFAULT_INSTANCE_TYPE = "ml.m5.large"


def deploy_options(job: Job, instance_types: list[str]) -> dict[str, Any]:
    """What the deploy dialog offers: every instance type an endpoint takes (botocore's
    ``ProductionVariantInstanceType``), the job's own when it is one of them, one instance, and an
    endpoint named after the job."""
    default = job.instance_type if job.instance_type in instance_types else DEFAULT_INSTANCE_TYPE
    return {
        "InstanceTypes": instance_types,
        "DefaultInstanceType": default,
        "DefaultInstanceCount": 1,
        "DefaultEndpointName": default_endpoint_name(job.job_name),
    }
