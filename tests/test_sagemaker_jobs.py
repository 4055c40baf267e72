"""The SageMaker job behind a trial component, read and acted on through the SageMaker store
(``store.jobs``) against the moto server: training, processing and transform jobs, with and
without rules, their logs, stopping a running job, deploying a completed one, and AWS refusing.

The data is :mod:`sagemaker_jobs_world`'s; what AWS cannot be made to do for real in a test (a job
that keeps running, a denied or throttled call) is :mod:`moto_sagemaker_jobs`' switches."""

from __future__ import annotations

import time

import moto_sagemaker_jobs
import pytest
from sagemaker_fixtures import Aws
from sagemaker_jobs_world import (
    FAILURE,
    ISSUE,
    PROFILER_REPORT,
    component,
    log_lines,
    seed_jobs,
)

from smx_lab.errors import (
    AccessDenied,
    AlreadyExists,
    Conflict,
    NoJob,
    NotFound,
    NotOffered,
    StoreUnavailable,
    ValidationError,
)
from smx_lab.jobs import DeployRequest, jobs_of
from smx_lab.stores.local import LocalStore
from smx_lab.stores.sagemaker import SageMakerStore

pytest_plugins = ["sagemaker_fixtures"]


@pytest.fixture
def store(aws: Aws) -> SageMakerStore:
    seed_jobs(aws.session, aws.endpoint)
    return aws.store()


# --- job settings ---------------------------------------------------------------------------------


def test_a_training_job_shows_its_settings(store: SageMakerStore) -> None:
    job = jobs_of(store).job(component("train-plain"))

    assert (job.job_type, job.job_name, job.status) == ("TrainingJob", "train-plain", "Completed")
    assert (job.instance_type, job.instance_count, job.volume_size_gb) == ("ml.m5.xlarge", 2, 30)
    assert job.image.endswith("/xgboost:1.7-1")
    assert job.role_arn.endswith(":role/SageMakerExecution")
    assert job.stopping_condition == {"MaxRuntimeInSeconds": 86400}
    assert [(c.name, c.uri) for c in job.inputs] == [
        ("train", "s3://smx-lab-jobs/data/train"),
        ("validation", "s3://smx-lab-jobs/data/validation"),
    ]
    assert job.outputs[0].uri == "s3://smx-lab-jobs/output"
    assert job.model_artifacts == "s3://smx-lab-jobs/output/train-plain/output/model.tar.gz"
    assert job.billable_seconds == job.training_seconds == 650
    assert job.log_group == "/aws/sagemaker/TrainingJobs"
    assert job.failure_reason is None


def test_a_training_jobs_timeline_is_its_secondary_status_transitions(
    store: SageMakerStore,
) -> None:
    job = jobs_of(store).job(component("train-plain"))

    statuses = [t.status for t in job.transitions]
    assert statuses == ["Starting", "Downloading", "Training", "Uploading", "Completed"]
    assert job.transitions[2].message.startswith("Training image download completed")
    assert all(t.start_time and t.end_time for t in job.transitions)
    assert job.secondary_status == "Completed"


def test_a_failed_job_gives_its_failure_reason(store: SageMakerStore) -> None:
    job = jobs_of(store).job(component("train-failed"))

    assert (job.status, job.failure_reason) == ("Failed", FAILURE)
    assert job.transitions[-1].status == "Failed"
    assert job.transitions[-1].message == FAILURE
    assert not job.can_stop and not job.can_deploy


def test_a_processing_job_shows_its_cluster_inputs_and_outputs(store: SageMakerStore) -> None:
    job = jobs_of(store).job(component("prep-data", "processing-job"))

    assert (job.job_type, job.status) == ("ProcessingJob", "Completed")
    assert (job.instance_type, job.instance_count, job.volume_size_gb) == ("ml.m5.large", 1, 30)
    assert job.image.endswith("/sklearn:1.2")
    assert [(c.name, c.uri, c.local_path) for c in job.inputs] == [
        ("raw", "s3://smx-lab-jobs/raw/data.csv", "/opt/ml/processing/input")
    ]
    assert [(c.name, c.uri) for c in job.outputs] == [("train", "s3://smx-lab-jobs/data/train")]
    assert [t.status for t in job.transitions] == ["InProgress", "Completed"]
    assert job.log_group == "/aws/sagemaker/ProcessingJobs"
    assert job.rules == [] and job.billable_seconds is None and not job.can_deploy


def test_a_transform_job_shows_its_model_input_and_output(store: SageMakerStore) -> None:
    job = jobs_of(store).job(component("score-batch", "transform-job"))

    assert (job.job_type, job.status, job.model_name) == (
        "TransformJob",
        "Completed",
        "xgboost-model",
    )
    assert (job.instance_type, job.instance_count) == ("ml.m5.large", 1)
    assert [(c.name, c.uri, c.content_type) for c in job.inputs] == [
        ("input", "s3://smx-lab-jobs/score", "text/csv")
    ]
    assert job.outputs[0].uri == "s3://smx-lab-jobs/scored"
    assert job.log_group == "/aws/sagemaker/TransformJobs"


def test_a_component_no_job_created_has_no_job(store: SageMakerStore) -> None:
    with pytest.raises(NoJob) as raised:
        jobs_of(store).job("notebook-run")

    assert raised.value.status == 404
    assert "notebook-run" in raised.value.message


def test_an_unknown_component_is_a_404(store: SageMakerStore) -> None:
    with pytest.raises(NotFound):
        jobs_of(store).job("no-such-component")


def test_the_embedded_store_offers_no_jobs(tmp_path: object) -> None:
    local = LocalStore(tmp_path / "experiments.sqlite")  # type: ignore[operator]
    try:
        with pytest.raises(NotOffered) as raised:
            jobs_of(local)
    finally:
        local.close()

    assert raised.value.status == 404
    assert raised.value.details == {"store": "local", "feature": "jobs"}
    assert "SMX_LAB_STORE=sagemaker" in raised.value.message


# --- rules ---------------------------------------------------------------------------------


def test_debugger_and_profiler_rules_with_their_evaluations(store: SageMakerStore) -> None:
    rules = jobs_of(store).job(component("train-rules")).rules

    assert [(r.name, r.rule_type, r.status) for r in rules] == [
        ("LossNotDecreasing", "Debugger", "NoIssuesFound"),
        ("Overfit", "Debugger", "IssuesFound"),
        ("ProfilerReport-1700000000", "Profiler", "NoIssuesFound"),
    ]
    assert rules[1].status_details == ISSUE
    assert rules[0].evaluation_job_arn.startswith("arn:aws:sagemaker:us-east-1:")


def test_a_profiler_report_is_linked_in_s3(store: SageMakerStore) -> None:
    report = jobs_of(store).job(component("train-rules")).rules[2]

    assert report.report_uri == PROFILER_REPORT
    assert report.report_url == (
        "https://s3.console.aws.amazon.com/s3/object/smx-lab-jobs?region=us-east-1&prefix="
        "output%2Ftrain-rules%2Frule-output%2FProfilerReport-1700000000%2Fprofiler-output"
        "%2Fprofiler-report.html"
    )


def test_a_debugger_rule_without_an_output_path_has_no_report(store: SageMakerStore) -> None:
    rules = jobs_of(store).job(component("train-rules")).rules

    assert rules[0].report_uri is None and rules[0].report_url is None


def test_a_job_without_rules_has_none(store: SageMakerStore) -> None:
    assert jobs_of(store).job(component("train-plain")).rules == []


def test_a_running_jobs_rules_are_in_progress_and_have_no_report_yet(
    store: SageMakerStore,
) -> None:
    (rule,) = jobs_of(store).job(component("train-running")).rules

    assert (rule.name, rule.status, rule.report_uri) == ("VanishingGradient", "InProgress", None)


# --- logs ---------------------------------------------------------------------------------


def test_logs_start_with_the_newest_events_of_the_first_stream(store: SageMakerStore) -> None:
    page = jobs_of(store).logs(component("train-rules"), limit=100)

    assert page.log_group == "/aws/sagemaker/TrainingJobs"
    assert page.streams == ["train-rules/algo-1-1700000000", "train-rules/algo-2-1700000000"]
    assert page.stream == "train-rules/algo-1-1700000000"
    assert len(page.events) == 100
    assert page.events[0].message.startswith("[150]")
    assert page.events[-1].message.startswith("[249]")  # newest last
    assert page.events[0].timestamp < page.events[-1].timestamp
    assert page.older_cursor and page.newer_cursor


def test_logs_page_back_to_the_first_event(store: SageMakerStore) -> None:
    jobs = jobs_of(store)
    name = component("train-rules")
    page = jobs.logs(name, limit=100)
    seen = [e.message for e in page.events]
    while page.older_cursor:
        page = jobs.logs(name, cursor=page.older_cursor, limit=100)
        seen = [e.message for e in page.events] + seen
        assert page.newer_cursor is None

    assert len(seen) == 250
    assert seen[0].startswith("[0]") and seen[-1].startswith("[249]")


def test_following_a_running_job_gets_only_new_lines(aws: Aws, store: SageMakerStore) -> None:
    jobs = jobs_of(store)
    name = component("train-running")
    first = jobs.logs(name, limit=10)
    assert first.events[-1].message == "epoch 39 loss 0.0500"

    quiet = jobs.logs(name, cursor=first.newer_cursor)
    assert quiet.events == [] and quiet.newer_cursor

    logs = aws.client("logs")
    stream = "train-running/algo-1-1700000000"
    log_lines(logs, "/aws/sagemaker/TrainingJobs", stream, ["epoch 40 loss 0.0488"], time.time())
    more = jobs.logs(name, cursor=quiet.newer_cursor)
    assert [e.message for e in more.events] == ["epoch 40 loss 0.0488"]


def test_logs_of_another_stream(store: SageMakerStore) -> None:
    page = jobs_of(store).logs(component("train-rules"), stream="train-rules/algo-2-1700000000")

    assert [e.message for e in page.events] == [
        "algo-2 ready",
        "<script>alert(1)</script> as text",
        "algo-2 done",
    ]
    assert page.older_cursor is None


def test_a_job_that_has_not_logged_yet_has_no_streams(store: SageMakerStore) -> None:
    page = jobs_of(store).logs(component("prep-running", "processing-job"))

    assert (page.streams, page.stream, page.events) == ([], None, [])


def test_a_stream_of_another_job_is_refused(store: SageMakerStore) -> None:
    with pytest.raises(ValidationError) as raised:
        jobs_of(store).logs(component("train-plain"), stream="train-rules/algo-1-1700000000")

    assert raised.value.field == "stream"


@pytest.mark.parametrize("cursor", ["nonsense", "W10", "WyJvbGRlciJd", "e30"])
def test_a_cursor_the_route_did_not_make_is_refused(store: SageMakerStore, cursor: str) -> None:
    with pytest.raises(ValidationError) as raised:
        jobs_of(store).logs(component("train-plain"), cursor=cursor)

    assert raised.value.field == "cursor"


# --- stop ---------------------------------------------------------------------------------


def test_a_running_training_job_is_stopped(store: SageMakerStore) -> None:
    jobs = jobs_of(store)
    name = component("train-running")
    assert jobs.job(name).can_stop

    stopping = jobs.stop(name, "train-running")
    assert (stopping.status, stopping.secondary_status) == ("Stopping", "Stopping")
    assert not stopping.can_stop

    stopped = jobs.job(name)
    assert stopped.status == "Stopped"
    assert [t.status for t in stopped.transitions][-2:] == ["Stopping", "Stopped"]
    assert stopped.rules[0].status == "Stopped"
    assert store.get_trial_component(name).status.primary_status == "Stopped"


def test_a_running_processing_job_is_stopped(store: SageMakerStore) -> None:
    jobs = jobs_of(store)
    name = component("prep-running", "processing-job")

    assert jobs.stop(name, "prep-running").status == "Stopping"
    assert jobs.job(name).status == "Stopped"


def test_a_completed_job_cannot_be_stopped(store: SageMakerStore) -> None:
    with pytest.raises(Conflict) as raised:
        jobs_of(store).stop(component("train-plain"), "train-plain")

    assert raised.value.status == 409
    assert raised.value.details["status"] == "Completed"
    assert "only a job that is InProgress can be stopped" in raised.value.message


def test_stop_refuses_a_job_name_that_is_not_the_components(store: SageMakerStore) -> None:
    with pytest.raises(ValidationError) as raised:
        jobs_of(store).stop(component("train-running"), "train-plain")

    assert raised.value.field == "job_name"
    assert jobs_of(store).job(component("train-running")).status == "InProgress"


def test_a_denied_stop_is_a_403_naming_the_operation(store: SageMakerStore) -> None:
    moto_sagemaker_jobs.deny("StopTrainingJob", "train-running")

    with pytest.raises(AccessDenied) as raised:
        jobs_of(store).stop(component("train-running"), "train-running")

    assert raised.value.status == 403
    assert raised.value.details["aws_error"] == "AccessDeniedException"
    assert "stop_training_job" in raised.value.message
    assert "not authorized to perform: sagemaker:StopTrainingJob" in raised.value.message
    assert jobs_of(store).job(component("train-running")).status == "InProgress"


def test_a_throttled_stop_is_a_503_saying_to_retry(aws: Aws) -> None:
    seed_jobs(aws.session, aws.endpoint)
    store = aws.store(max_attempts=2)
    moto_sagemaker_jobs.throttle("StopTrainingJob")

    with pytest.raises(StoreUnavailable) as raised:
        jobs_of(store).stop(component("train-running"), "train-running")

    assert raised.value.details["reason"] == "throttled"
    assert "retry in a moment" in raised.value.message


# --- deploy ---------------------------------------------------------------------------------


def deploy_request(**overrides: object) -> DeployRequest:
    body = {
        "component": component("train-plain"),
        "job_name": "train-plain",
        "instance_type": "ml.m5.large",
        "instance_count": 1,
        **overrides,
    }
    return DeployRequest.from_json(body)


def test_a_completed_training_job_offers_deploy_options(store: SageMakerStore) -> None:
    job = jobs_of(store).job(component("train-plain"))

    assert job.can_deploy
    options = job.deploy_options
    assert "ml.m5.large" in options["InstanceTypes"] and "ml.m5.xlarge" in options["InstanceTypes"]
    assert options["DefaultInstanceType"] == "ml.m5.xlarge"  # the job's own
    assert options["DefaultEndpointName"] == "train-plain"


def test_a_completed_job_is_deployed_to_an_endpoint_that_comes_in_service(
    aws: Aws, store: SageMakerStore
) -> None:
    jobs = jobs_of(store)
    deployment = jobs.deploy(deploy_request(endpoint_name="plain-endpoint", instance_count=2))

    assert (deployment.model_name, deployment.endpoint_config_name) == ("plain-endpoint",) * 2
    assert deployment.endpoint.status == "Creating"
    statuses = [jobs.endpoint("plain-endpoint").status for _ in range(2)]
    assert statuses == ["Creating", "InService"]

    model = aws.sagemaker.describe_model(ModelName="plain-endpoint")
    assert model["PrimaryContainer"]["ModelDataUrl"].endswith("train-plain/output/model.tar.gz")
    assert model["ExecutionRoleArn"].endswith(":role/SageMakerExecution")
    config = aws.sagemaker.describe_endpoint_config(EndpointConfigName="plain-endpoint")
    (variant,) = config["ProductionVariants"]
    assert (variant["InstanceType"], variant["InitialInstanceCount"]) == ("ml.m5.large", 2)


def test_an_endpoint_that_fails_says_why(store: SageMakerStore) -> None:
    moto_sagemaker_jobs.fail_endpoints("The primary container failed the ping health check")
    jobs = jobs_of(store)
    jobs.deploy(deploy_request())

    endpoint = [jobs.endpoint("train-plain") for _ in range(3)][-1]

    assert endpoint.status == "Failed"
    assert endpoint.failure_reason == "The primary container failed the ping health check"


def test_deploying_to_an_existing_endpoint_is_a_409(store: SageMakerStore) -> None:
    jobs_of(store).deploy(deploy_request())

    with pytest.raises(AlreadyExists) as raised:
        jobs_of(store).deploy(deploy_request())

    assert raised.value.details == {"kind": "Endpoint", "name": "train-plain"}


def test_a_running_job_cannot_be_deployed(store: SageMakerStore) -> None:
    request = deploy_request(component=component("train-running"), job_name="train-running")

    with pytest.raises(Conflict) as raised:
        jobs_of(store).deploy(request)

    assert raised.value.details["status"] == "InProgress"


def test_a_processing_job_has_no_model_to_deploy(store: SageMakerStore) -> None:
    request = deploy_request(
        component=component("prep-data", "processing-job"), job_name="prep-data"
    )

    with pytest.raises(ValidationError) as raised:
        jobs_of(store).deploy(request)

    assert raised.value.field == "component"


def test_an_instance_type_endpoints_do_not_take_is_refused(store: SageMakerStore) -> None:
    with pytest.raises(ValidationError) as raised:
        jobs_of(store).deploy(deploy_request(instance_type="ml.p9.mega"))

    assert raised.value.field == "instance_type"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"instance_count": 0}, "instance_count"),
        ({"instance_count": 101}, "instance_count"),
        ({"endpoint_name": "has_underscore"}, "endpoint_name"),
        ({"endpoint_name": "x" * 64}, "endpoint_name"),
        ({"endpoint_name": "-leading-hyphen"}, "endpoint_name"),
    ],
)
def test_a_bad_deploy_request_names_the_field(body: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        deploy_request(**body)

    assert raised.value.field == field


def test_a_denied_deploy_leaves_nothing_behind(aws: Aws, store: SageMakerStore) -> None:
    moto_sagemaker_jobs.deny("CreateEndpoint")

    with pytest.raises(AccessDenied) as raised:
        jobs_of(store).deploy(deploy_request())

    assert "create_endpoint" in raised.value.message
    models = [m["ModelName"] for m in aws.sagemaker.list_models()["Models"]]
    configs = aws.sagemaker.list_endpoint_configs()["EndpointConfigs"]
    assert models == ["xgboost-model"]  # the transform job's, from before
    assert configs == []


def test_an_unknown_endpoint_is_a_404(store: SageMakerStore) -> None:
    with pytest.raises(NotFound) as raised:
        jobs_of(store).endpoint("no-such-endpoint")

    assert raised.value.details == {"kind": "Endpoint", "name": "no-such-endpoint"}


def test_a_component_whose_job_is_gone_is_a_404_naming_the_job(store: SageMakerStore) -> None:
    # A component keeps its source when its job is no longer there (SageMaker keeps records).
    arn = "arn:aws:sagemaker:us-east-1:123456789012:training-job/long-gone"
    component_record = moto_sagemaker_jobs.backend().trial_components["notebook-run"]
    component_record.smx_source = {"SourceArn": arn, "SourceType": "SageMakerTrainingJob"}

    with pytest.raises(NotFound) as raised:
        jobs_of(store).job("notebook-run")

    assert raised.value.details == {"kind": "TrainingJob", "name": "long-gone"}
