"""A SageMaker account with jobs, written through real boto3 calls to the moto server (with
:mod:`moto_sagemaker_jobs`): the data of the job tests, and of the browser tests' SageMaker server
(``ui-tests/start-sagemaker.py``).

Experiment ``jobs``, trial ``pipeline``, and the trial component of each job:

- ``train-rules``: training, Completed; Debugger rules LossNotDecreasing (NoIssuesFound) and
  Overfit (IssuesFound), profiler rule ProfilerReport-1700000000 (NoIssuesFound); logs on algo-1
  (250 lines) and algo-2 (3 lines, one of them HTML).
- ``train-plain``: training, Completed, no rules; 5 log lines.
- ``train-running``: training, InProgress (Training); Debugger rule VanishingGradient
  (InProgress); 40 log lines.
- ``train-failed``: training, Failed (with a FailureReason), no rules; 3 log lines.
- ``prep-data``: processing, Completed; 4 log lines.
- ``prep-running``: processing, InProgress; no logs yet.
- ``score-batch``: transform, Completed; one instance's stream of 2 lines.

The component ``notebook-run`` of the same trial was created by no job.
"""

from __future__ import annotations

import time
from typing import Any

import moto_sagemaker_jobs

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/SageMakerExecution"
IMAGE = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1"
BUCKET = "s3://smx-lab-jobs"
EXPERIMENT = "jobs"
TRIAL = "pipeline"
TRAINING_GROUP = "/aws/sagemaker/TrainingJobs"
PROCESSING_GROUP = "/aws/sagemaker/ProcessingJobs"
TRANSFORM_GROUP = "/aws/sagemaker/TransformJobs"
RULE_IMAGE = "503895931360.dkr.ecr.us-east-1.amazonaws.com/sagemaker-debugger-rules:latest"
FAILURE = 'AlgorithmError: ExecuteUserScriptError: Command "python train.py" exited with 1'
ISSUE = "Overfit: the validation loss rose for 5 steps while the training loss fell"
#: Where the profiler's report of ``train-rules`` is, by SageMaker's default layout.
PROFILER_REPORT = (
    f"{BUCKET}/output/train-rules/rule-output/ProfilerReport-1700000000/"
    "profiler-output/profiler-report.html"
)


def component(job: str, kind: str = "training-job") -> str:
    """The trial component SageMaker names after a job."""
    return f"{job}-aws-{kind}"


def create_training_job(sm: Any, name: str, **extra: Any) -> None:
    """A training job of the world's shape (two input channels, two instances) in its trial."""
    sm.create_training_job(
        TrainingJobName=name,
        HyperParameters={"max_depth": "5", "eta": "0.2", "num_round": "100"},
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        RoleArn=ROLE,
        InputDataConfig=[
            {
                "ChannelName": "train",
                "ContentType": "text/csv",
                "DataSource": {
                    "S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"{BUCKET}/data/train"}
                },
            },
            {
                "ChannelName": "validation",
                "ContentType": "text/csv",
                "DataSource": {
                    "S3DataSource": {
                        "S3DataType": "S3Prefix",
                        "S3Uri": f"{BUCKET}/data/validation",
                    }
                },
            },
        ],
        OutputDataConfig={"S3OutputPath": f"{BUCKET}/output"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 2, "VolumeSizeInGB": 30},
        StoppingCondition={"MaxRuntimeInSeconds": 86400},
        ExperimentConfig={"ExperimentName": EXPERIMENT, "TrialName": TRIAL},
        **extra,
    )


def rule(name: str) -> dict[str, Any]:
    return {
        "RuleConfigurationName": name,
        "RuleEvaluatorImage": RULE_IMAGE,
        "RuleParameters": {"rule_to_invoke": name},
    }


def seed_jobs(session: Any, endpoint: str, region: str = "us-east-1") -> None:
    """Every job of the table above, its component and its logs."""
    sm = session.client("sagemaker", endpoint_url=endpoint, region_name=region)
    logs = session.client("logs", endpoint_url=endpoint, region_name=region)
    sm.create_experiment(ExperimentName=EXPERIMENT, DisplayName="Jobs")
    sm.create_trial(TrialName=TRIAL, ExperimentName=EXPERIMENT)
    sm.create_trial_component(TrialComponentName="notebook-run", DisplayName="Notebook run")
    sm.associate_trial_component(TrialComponentName="notebook-run", TrialName=TRIAL)

    create_training_job(
        sm,
        "train-rules",
        DebugHookConfig={"S3OutputPath": f"{BUCKET}/debug"},
        DebugRuleConfigurations=[rule("LossNotDecreasing"), rule("Overfit")],
        ProfilerConfig={"S3OutputPath": f"{BUCKET}/profiler"},
        ProfilerRuleConfigurations=[rule("ProfilerReport-1700000000")],
    )
    moto_sagemaker_jobs.evaluate_rule("train-rules", "Overfit", "IssuesFound", ISSUE)
    create_training_job(sm, "train-plain")
    create_training_job(sm, "train-running", DebugRuleConfigurations=[rule("VanishingGradient")])
    moto_sagemaker_jobs.run("TrainingJob", "train-running")
    create_training_job(sm, "train-failed")
    moto_sagemaker_jobs.fail("TrainingJob", "train-failed", FAILURE)

    for name in ("prep-data", "prep-running"):
        sm.create_processing_job(
            ProcessingJobName=name,
            ProcessingResources={
                "ClusterConfig": {
                    "InstanceCount": 1,
                    "InstanceType": "ml.m5.large",
                    "VolumeSizeInGB": 30,
                }
            },
            StoppingCondition={"MaxRuntimeInSeconds": 3600},
            AppSpecification={"ImageUri": f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/sklearn:1.2"},
            RoleArn=ROLE,
            ProcessingInputs=[
                {
                    "InputName": "raw",
                    "S3Input": {
                        "S3Uri": f"{BUCKET}/raw/data.csv",
                        "LocalPath": "/opt/ml/processing/input",
                        "S3DataType": "S3Prefix",
                        "S3InputMode": "File",
                    },
                }
            ],
            ProcessingOutputConfig={
                "Outputs": [
                    {
                        "OutputName": "train",
                        "S3Output": {
                            "S3Uri": f"{BUCKET}/data/train",
                            "LocalPath": "/opt/ml/processing/train",
                            "S3UploadMode": "EndOfJob",
                        },
                    }
                ]
            },
            ExperimentConfig={"ExperimentName": EXPERIMENT, "TrialName": TRIAL},
        )
    moto_sagemaker_jobs.run("ProcessingJob", "prep-running")

    sm.create_model(
        ModelName="xgboost-model",
        PrimaryContainer={"Image": IMAGE, "ModelDataUrl": f"{BUCKET}/output/model.tar.gz"},
        ExecutionRoleArn=ROLE,
    )
    sm.create_transform_job(
        TransformJobName="score-batch",
        ModelName="xgboost-model",
        TransformInput={
            "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"{BUCKET}/score"}},
            "ContentType": "text/csv",
        },
        TransformOutput={"S3OutputPath": f"{BUCKET}/scored"},
        TransformResources={"InstanceType": "ml.m5.large", "InstanceCount": 1},
        ExperimentConfig={"ExperimentName": EXPERIMENT, "TrialName": TRIAL},
    )
    _seed_logs(logs)


def log_lines(logs: Any, group: str, stream: str, lines: list[str], start: float) -> None:
    """Lines one second apart from ``start`` (seconds since the epoch), as a job writes them."""
    try:
        logs.create_log_group(logGroupName=group)
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    try:
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    events = [
        {"timestamp": int((start + index) * 1000), "message": line}
        for index, line in enumerate(lines)
    ]
    for first in range(0, len(events), 1000):
        logs.put_log_events(
            logGroupName=group, logStreamName=stream, logEvents=events[first : first + 1000]
        )


def _seed_logs(logs: Any) -> None:
    start = time.time() - 600
    log_lines(
        logs,
        TRAINING_GROUP,
        "train-rules/algo-1-1700000000",
        [
            f"[{i}]#011train-rmse:{1 / (i + 1):.5f}#011validation-rmse:{1.2 / (i + 1):.5f}"
            for i in range(250)
        ],
        start,
    )
    log_lines(
        logs,
        TRAINING_GROUP,
        "train-rules/algo-2-1700000000",
        ["algo-2 ready", "<script>alert(1)</script> as text", "algo-2 done"],
        start,
    )
    log_lines(
        logs,
        TRAINING_GROUP,
        "train-plain/algo-1-1700000000",
        [f"plain line {i}" for i in range(5)],
        start,
    )
    log_lines(
        logs,
        TRAINING_GROUP,
        "train-running/algo-1-1700000000",
        [f"epoch {i} loss {2 / (i + 1):.4f}" for i in range(40)],
        start,
    )
    log_lines(
        logs,
        TRAINING_GROUP,
        "train-failed/algo-1-1700000000",
        ["Invoking script train.py", "Traceback (most recent call last):", "ValueError: bad input"],
        start,
    )
    log_lines(
        logs,
        PROCESSING_GROUP,
        "prep-data/algo-1-1700000000",
        ["Reading raw data", "Split 80/20", "Wrote train", "Wrote validation"],
        start,
    )
    log_lines(
        logs,
        TRANSFORM_GROUP,
        "score-batch/i-0123456789abcdef0",
        ["Scoring 1000 records", "Done"],
        start,
    )
