"""The job routes through a real Jupyter server (``jp_fetch``): on the SageMaker store, against
the moto server seeded with :mod:`sagemaker_jobs_world`, every answer checked against the OpenAPI
document (``api_fixtures.Api``); on the embedded store, a clear 404 naming that it has no jobs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import moto_sagemaker_jobs
import pytest
from api_fixtures import Api
from sagemaker_fixtures import REGION, Aws
from sagemaker_jobs_world import ISSUE, PROFILER_REPORT, component, seed_jobs

pytest_plugins = ["pytest_jupyter.jupyter_server", "api_fixtures", "sagemaker_fixtures"]

TRAIN_RULES = component("train-rules")
RUNNING = component("train-running")
PLAIN = component("train-plain")


@pytest.fixture
def smx_lab_config(aws: Aws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    seed_jobs(aws.session, aws.endpoint)
    monkeypatch.setenv("SMX_LAB_STORE", "sagemaker")
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws.endpoint)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    return {}


@pytest.fixture
def store_config() -> dict[str, Any]:
    return {"SageMakerStore": {"cache_seconds": 0, "max_attempts": 2}}


async def post(api: Api, route: str, body: dict[str, Any], expect: int = 200) -> Any:
    return (await api.post(route, body, expect=expect)).body


async def test_info_says_the_store_offers_jobs(api: Api) -> None:
    assert "jobs" in (await api.get("info")).body["capabilities"]


async def test_the_job_of_a_training_component(api: Api) -> None:
    job = (await api.get("components/{name}/job", name=TRAIN_RULES)).body

    assert (job["JobType"], job["JobName"], job["Status"]) == (
        "TrainingJob",
        "train-rules",
        "Completed",
    )
    assert (job["InstanceType"], job["InstanceCount"], job["VolumeSizeInGB"]) == (
        "ml.m5.xlarge",
        2,
        30,
    )
    assert [t["Status"] for t in job["StatusTransitions"]][-1] == "Completed"
    assert job["BillableTimeInSeconds"] == 650
    assert job["Inputs"][0] == {
        "Name": "train",
        "Uri": "s3://smx-lab-jobs/data/train",
        "ContentType": "text/csv",
    }
    assert job["Actions"] == {"Stop": False, "Deploy": True}
    assert job["Description"]["TrainingJobName"] == "train-rules"


async def test_the_rules_of_a_training_job(api: Api) -> None:
    rules = (await api.get("components/{name}/job", name=TRAIN_RULES)).body["Rules"]

    assert [r["RuleEvaluationStatus"] for r in rules] == [
        "NoIssuesFound",
        "IssuesFound",
        "NoIssuesFound",
    ]
    assert rules[1]["StatusDetails"] == ISSUE
    assert rules[2]["ReportS3Uri"] == PROFILER_REPORT
    assert rules[2]["ReportUrl"].startswith("https://s3.console.aws.amazon.com/s3/object/")


async def test_a_processing_and_a_transform_job(api: Api) -> None:
    processing = (
        await api.get("components/{name}/job", name=component("prep-data", "processing-job"))
    ).body
    transform = (
        await api.get("components/{name}/job", name=component("score-batch", "transform-job"))
    ).body

    assert processing["JobType"] == "ProcessingJob" and processing["Rules"] == []
    assert processing["Outputs"] == [
        {
            "Name": "train",
            "Uri": "s3://smx-lab-jobs/data/train",
            "LocalPath": "/opt/ml/processing/train",
        }
    ]
    assert (transform["JobType"], transform["ModelName"]) == ("TransformJob", "xgboost-model")
    assert "DeployOptions" not in transform


async def test_a_component_without_a_job_is_a_404_no_job(api: Api) -> None:
    body = (await api.get("components/{name}/job", name="notebook-run", expect=404)).body

    assert (body["error"], body["name"]) == ("no_job", "notebook-run")


async def test_logs_page_back_and_follow(api: Api) -> None:
    first = (await api.get("components/{name}/job/logs", name=TRAIN_RULES)).body
    assert len(first["events"]) == 100 and first["events"][-1]["message"].startswith("[249]")
    assert first["streams"] == ["train-rules/algo-1-1700000000", "train-rules/algo-2-1700000000"]

    older = await api.get(
        "components/{name}/job/logs",
        name=TRAIN_RULES,
        params={"cursor": first["older_cursor"], "limit": 200},
    )
    assert older.body["events"][0]["message"].startswith("[0]")
    assert older.body["older_cursor"] is None and older.body["newer_cursor"] is None

    newer = await api.get(
        "components/{name}/job/logs", name=TRAIN_RULES, params={"cursor": first["newer_cursor"]}
    )
    assert newer.body["events"] == [] and newer.body["newer_cursor"]


async def test_logs_of_a_named_stream(api: Api) -> None:
    page = (
        await api.get(
            "components/{name}/job/logs",
            name=TRAIN_RULES,
            params={"stream": "train-rules/algo-2-1700000000"},
        )
    ).body

    assert page["events"][1]["message"] == "<script>alert(1)</script> as text"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"stream": "another-job/algo-1"}, "stream"),
        ({"follow": "true"}, "follow"),
    ],
)
async def test_bad_log_parameters_are_400_naming_them(
    api: Api, params: dict[str, str], field: str
) -> None:
    body = (await api.get("components/{name}/job/logs", name=PLAIN, params=params, expect=400)).body

    assert body["field"] == field


async def test_a_running_job_is_stopped(api: Api) -> None:
    assert (await api.get("components/{name}/job", name=RUNNING)).body["Actions"]["Stop"]

    stopping = await post(api, "jobs/stop", {"component": RUNNING, "job_name": "train-running"})
    stopped = (await api.get("components/{name}/job", name=RUNNING)).body

    assert stopping["Status"] == "Stopping"
    assert stopped["Status"] == "Stopped"
    record = (await api.get("components/{name}", name=RUNNING)).body
    assert record["Status"]["PrimaryStatus"] == "Stopped"


async def test_stopping_a_completed_job_is_a_409(api: Api) -> None:
    body = await post(api, "jobs/stop", {"component": PLAIN, "job_name": "train-plain"}, 409)

    assert (body["error"], body["status"]) == ("conflict", "Completed")


async def test_stopping_another_job_than_the_components_is_a_400(api: Api) -> None:
    body = await post(api, "jobs/stop", {"component": RUNNING, "job_name": "train-plain"}, 400)

    assert body["field"] == "job_name"


async def test_a_denied_stop_is_a_403_json_error(api: Api) -> None:
    moto_sagemaker_jobs.deny("StopTrainingJob", "train-running")

    body = await post(api, "jobs/stop", {"component": RUNNING, "job_name": "train-running"}, 403)

    assert (body["error"], body["aws_error"], body["operation"]) == (
        "access_denied",
        "AccessDeniedException",
        "stop_training_job",
    )
    assert "sagemaker:StopTrainingJob" in body["message"]


async def test_a_throttled_stop_is_a_503_json_error(api: Api) -> None:
    moto_sagemaker_jobs.throttle("StopTrainingJob")

    body = await post(api, "jobs/stop", {"component": RUNNING, "job_name": "train-running"}, 503)

    assert (body["error"], body["reason"]) == ("store_unavailable", "throttled")


async def test_a_completed_job_is_deployed_and_its_endpoint_comes_in_service(api: Api) -> None:
    request = {
        "component": PLAIN,
        "job_name": "train-plain",
        "instance_type": "ml.m5.large",
        "instance_count": 1,
        "endpoint_name": "plain-endpoint",
    }
    deployment = await post(api, "jobs/deploy", request)
    assert deployment["Endpoint"]["EndpointStatus"] == "Creating"
    assert deployment["ModelName"] == "plain-endpoint"

    statuses = [
        (await api.get("endpoints/{name}", name="plain-endpoint")).body["EndpointStatus"]
        for _ in range(2)
    ]
    assert statuses == ["Creating", "InService"]


async def test_a_denied_deploy_is_a_403(api: Api) -> None:
    moto_sagemaker_jobs.deny("CreateModel")
    request = {"component": PLAIN, "job_name": "train-plain", "instance_type": "ml.m5.large"}

    body = await post(api, "jobs/deploy", request, 403)

    assert (body["error"], body["operation"]) == ("access_denied", "create_model")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"instance_type": "ml.nope"}, "instance_type"),
        ({"instance_count": 0}, "instance_count"),
        ({"instance_count": 101}, "instance_count"),
        ({"instance_count": "2"}, "instance_count"),
        ({"endpoint_name": "bad_name"}, "endpoint_name"),
        ({"endpoint_name": "x" * 64}, "endpoint_name"),
        ({"surprise": 1}, "surprise"),
    ],
)
async def test_a_bad_deploy_request_is_a_400_naming_the_field(
    api: Api, change: dict[str, Any], field: str
) -> None:
    request = {"component": PLAIN, "job_name": "train-plain", "instance_type": "ml.m5.large"}

    body = await post(api, "jobs/deploy", {**request, **change}, 400)

    assert body["field"] == field


async def test_a_deploy_request_without_an_instance_type_is_a_400(api: Api) -> None:
    body = await post(api, "jobs/deploy", {"component": PLAIN, "job_name": "train-plain"}, 400)

    assert (body["field"], body["message"]) == ("instance_type", "instance_type: is required")


async def test_an_endpoint_name_breaking_sagemakers_rule_is_a_400(api: Api) -> None:
    body = (await api.get("endpoints/{name}", name="bad_name", expect=400)).body

    assert body["field"] == "name"


async def test_an_unknown_endpoint_is_a_404(api: Api) -> None:
    body = (await api.get("endpoints/{name}", name="no-such-endpoint", expect=404)).body

    assert (body["error"], body["kind"]) == ("not_found", "Endpoint")
