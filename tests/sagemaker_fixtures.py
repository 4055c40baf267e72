"""Fixtures of the SageMaker store tests: a real HTTP endpoint (moto's ``ThreadedMotoServer`` on
127.0.0.1, port 0) with the test-only extension of :mod:`moto_sagemaker_ext`, data seeded through
real boto3 calls, and stores pointed at it.

Use with ``pytest_plugins = ["sagemaker_fixtures"]``. Every test starts from an empty account
(moto's reset API), so tests never see each other's data.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import boto3
import moto_sagemaker_ext
import pytest
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber
from moto.server import ThreadedMotoServer

from smx_lab.stores.sagemaker import SageMakerStore, SageMakerWriter

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account
T0 = time.time() - 3600  # an hour ago: metrics are logged "during" the seeded runs


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    moto_sagemaker_ext.apply()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no request log lines in test output
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def aws_session() -> boto3.Session:
    """Credentials moto accepts; nothing from the machine's own AWS configuration is read."""
    return boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
    )


@dataclass
class Aws:
    """The moto endpoint, boto3 clients to seed it with, and stores that read it."""

    endpoint: str
    session: boto3.Session

    def client(self, service: str) -> Any:
        return self.session.client(service, endpoint_url=self.endpoint, region_name=REGION)

    @cached_property
    def sagemaker(self) -> Any:
        return self.client("sagemaker")

    @cached_property
    def metrics(self) -> Any:
        return self.client("sagemaker-metrics")

    def store(self, **options: Any) -> SageMakerStore:
        options.setdefault("cache_seconds", 0)
        return SageMakerStore(
            session=self.session, endpoint_url=self.endpoint, region=REGION, **options
        )

    def writer(self) -> SageMakerWriter:
        return SageMakerWriter(session=self.session, endpoint_url=self.endpoint, region=REGION)


@contextmanager
def refused(store: SageMakerStore, operation: str, code: str, message: str) -> Iterator[None]:
    """The store's next ``operation`` call answered by AWS with error ``code`` (botocore's
    Stubber)."""
    with Stubber(store.aws.client("sagemaker")) as stubber:
        stubber.add_client_error(
            operation, service_error_code=code, service_message=message, http_status_code=400
        )
        yield


class _Body:
    def __init__(self, payload: dict[str, Any]) -> None:
        self.payload = json.dumps(payload).encode()

    def stream(self, **_: Any) -> Any:
        yield self.payload


def answer_with(
    status: int, code: str, message: str, attempts: list[str], *, after: int = 0
) -> Any:
    """A ``before-send`` hook that records every attempt and answers each with an AWS error,
    except the first ``after`` ones, which go to the server."""

    def hook(request: Any, **_: Any) -> AWSResponse | None:
        attempts.append(request.url)
        if len(attempts) <= after:
            return None
        body = _Body({"__type": code, "message": message})
        return AWSResponse(
            request.url, status, {"Content-Type": "application/x-amz-json-1.1"}, body
        )

    return hook


@pytest.fixture
def aws(moto_endpoint: str) -> Aws:
    request = urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request) as answer:  # noqa: S310 (a local test server)
        assert answer.status == 200
    return Aws(moto_endpoint, aws_session())


def put_metric(aws: Aws, component: str, name: str, values: list[float], start: float = T0) -> None:
    """Points at steps 0, 1, 2, ... one second apart, sent 10 a call like SageMaker asks."""
    data = [
        {"MetricName": name, "Timestamp": start + step, "Step": step, "Value": value}
        for step, value in enumerate(values)
    ]
    for first in range(0, len(data), 10):
        answer = aws.metrics.batch_put_metrics(
            TrialComponentName=component, MetricData=data[first : first + 10]
        )
        assert not answer.get("Errors")


def big_trial(aws: Aws, components: int) -> None:
    """Experiment ``big`` with trial ``big-trial`` of ``components`` bare components c000, c001,
    ..."""
    sm = aws.sagemaker
    sm.create_experiment(ExperimentName="big")
    sm.create_trial(TrialName="big-trial", ExperimentName="big")
    for index in range(components):
        sm.create_trial_component(TrialComponentName=f"c{index:03d}")
        sm.associate_trial_component(TrialComponentName=f"c{index:03d}", TrialName="big-trial")


def seed(aws: Aws) -> None:
    """Two experiments; a preprocessing component shared by two trials; two training components
    with parameters, artifacts and metrics; an unassigned component; a SageMaker training job
    whose component has CloudWatch metrics only."""
    sm = aws.sagemaker
    sm.create_experiment(
        ExperimentName="mnist",
        DisplayName="MNIST",
        Description="digits",
        Tags=[{"Key": "team", "Value": "vision"}],
    )
    sm.create_experiment(ExperimentName="cifar")
    sm.create_trial(TrialName="cnn-sgd", ExperimentName="mnist")
    sm.create_trial(TrialName="cnn-adam", ExperimentName="mnist", DisplayName="CNN (Adam)")
    sm.create_trial(TrialName="resnet", ExperimentName="cifar")

    sm.create_trial_component(
        TrialComponentName="preprocess",
        DisplayName="Preprocessing",
        Status={"PrimaryStatus": "Completed"},
        Parameters={"test_fraction": {"NumberValue": 0.2}},
        InputArtifacts={"raw": {"Value": "s3://bucket/raw.csv", "MediaType": "text/csv"}},
    )
    for trial in ("cnn-sgd", "cnn-adam"):
        sm.associate_trial_component(TrialComponentName="preprocess", TrialName=trial)

    for name, optimizer, lr, accuracies in (
        ("train-sgd", "sgd", 0.1, [0.5, 0.7, 0.9, 0.85]),
        ("train-adam", "adam", 0.01, [0.6, 0.8, 0.95, 0.97]),
    ):
        sm.create_trial_component(
            TrialComponentName=name,
            DisplayName=f"Training-{optimizer}",
            Status={"PrimaryStatus": "Completed"},
            Parameters={
                "optimizer": {"StringValue": optimizer},
                "lr": {"NumberValue": lr},
                "epochs": {"NumberValue": 4},
            },
            OutputArtifacts={"model": {"Value": f"s3://bucket/{name}/model.tar.gz"}},
            Tags=[{"Key": "team", "Value": "vision"}],
        )
        put_metric(aws, name, "test:accuracy", accuracies)
        put_metric(aws, name, "train:loss", [1.0 / (step + 1) for step in range(50)])
        sm.associate_trial_component(TrialComponentName=name, TrialName=f"cnn-{optimizer}")

    sm.create_trial_component(TrialComponentName="scratch", DisplayName="Notebook-scratch")

    sm.create_training_job(
        TrainingJobName="resnet-job",
        HyperParameters={"epochs": "10"},
        AlgorithmSpecification={"TrainingImage": "img", "TrainingInputMode": "File"},
        RoleArn=f"arn:aws:iam::{ACCOUNT}:role/sagemaker",
        OutputDataConfig={"S3OutputPath": "s3://bucket/output"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 2, "VolumeSizeInGB": 10},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        ExperimentConfig={"ExperimentName": "cifar", "TrialName": "resnet"},
    )
    aws.client("cloudwatch").put_metric_data(
        Namespace="/aws/sagemaker/TrainingJobs",
        MetricData=[
            {
                "MetricName": "train:loss",
                "Dimensions": [{"Name": "Host", "Value": "resnet-job/algo-1"}],
                "Timestamp": time.time() - 1800 + 60 * minute,
                "Value": 2.0 - 0.1 * minute,
            }
            for minute in range(5)
        ],
    )


@pytest.fixture
def seeded(aws: Aws) -> Aws:
    seed(aws)
    return aws
