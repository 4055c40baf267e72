"""AWS failures become smx-lab errors the UI can show: 403, 503 or 404 with a clear message.

Faults AWS would cause (throttling, denied access, expired credentials) are injected with
botocore's own hooks (``before-send``) or ``Stubber``; a missing credential chain and an
unreachable endpoint are real."""

from __future__ import annotations

from typing import Any

import pytest
from sagemaker_fixtures import REGION, Aws, answer_with, refused

from smx_lab.errors import AccessDenied, StoreUnavailable
from smx_lab.model import SeriesQuery
from smx_lab.stores.sagemaker import SageMakerStore

pytest_plugins = ["sagemaker_fixtures"]


def test_throttling_that_outlasts_the_retries_is_a_503(seeded: Aws) -> None:
    store = seeded.store(max_attempts=3)
    attempts: list[str] = []
    store.aws.client("sagemaker").meta.events.register(
        "before-send.sagemaker.ListExperiments",
        answer_with(400, "ThrottlingException", "Rate exceeded", attempts),
    )

    with pytest.raises(StoreUnavailable) as raised:
        store.list_experiments()

    assert len(attempts) == 3  # boto3's standard retry mode tried three times
    assert raised.value.status == 503
    assert raised.value.details["reason"] == "throttled"
    assert "throttling" in raised.value.message


def test_access_denied_is_a_403_naming_the_operation(seeded: Aws) -> None:
    store = seeded.store()
    with (
        refused(
            store,
            "list_trials",
            "AccessDeniedException",
            "User is not authorized to perform: sagemaker:ListTrials",
        ),
        pytest.raises(AccessDenied) as raised,
    ):
        store.list_trials("mnist")

    assert raised.value.status == 403
    assert "list_trials" in raised.value.message
    assert "not authorized" in raised.value.message


def test_expired_credentials_are_a_503_asking_to_renew_them(seeded: Aws) -> None:
    store = seeded.store()
    with (
        refused(
            store,
            "search",
            "ExpiredTokenException",
            "The security token included in the request is expired",
        ),
        pytest.raises(StoreUnavailable) as raised,
    ):
        store.list_trial_components(trial_name="cnn-sgd")

    assert raised.value.details["reason"] == "credentials"
    assert "renew" in raised.value.message


def test_missing_credentials_are_a_503_saying_how_to_configure_them(
    moto_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    store = SageMakerStore(endpoint_url=moto_endpoint, region=REGION, cache_seconds=0)

    with pytest.raises(StoreUnavailable) as raised:
        store.list_experiments()

    assert raised.value.details["reason"] == "credentials"
    assert "AWS_PROFILE" in raised.value.message


def test_unreachable_endpoint_is_a_503(aws: Aws) -> None:
    store = SageMakerStore(
        session=aws.session, endpoint_url="http://127.0.0.1:9", region=REGION, max_attempts=1
    )

    with pytest.raises(StoreUnavailable) as raised:
        store.get_experiment("mnist")

    assert raised.value.details["reason"] == "unreachable"
    assert "cannot reach AWS" in raised.value.message


def test_info_tolerates_an_account_sts_cannot_name(aws: Aws) -> None:
    store = SageMakerStore(
        session=aws.session, endpoint_url="http://127.0.0.1:9", region=REGION, max_attempts=1
    )

    info = store.info()

    assert info["account"] is None
    assert info["region"] == REGION
    assert info["endpoint"] == "http://127.0.0.1:9"


def test_series_request_that_lost_one_of_its_calls_says_which_series_are_missing(
    seeded: Aws,
) -> None:
    store = seeded.store()
    attempts: list[str] = []
    store.aws.client("cloudwatch").meta.events.register(
        "before-send.cloudwatch.GetMetricData",
        answer_with(400, "AccessDenied", "not allowed to read CloudWatch", attempts),
    )
    queries = [
        SeriesQuery("train-sgd", "test:accuracy"),
        SeriesQuery("resnet-job-aws-training-job", "train:loss"),
    ]

    with pytest.raises(StoreUnavailable) as raised:
        store.metric_series(queries)

    assert raised.value.details["reason"] == "partial"
    assert raised.value.details["received"] == 1
    assert [(m["component"], m["metric"]) for m in raised.value.details["missing"]] == [
        ("resnet-job-aws-training-job", "train:loss")
    ]
    assert "train:loss of resnet-job-aws-training-job" in raised.value.message
