"""Configuring the SageMaker store as AWS users configure boto3, and the limits it keeps."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sagemaker_fixtures import REGION, Aws, answer_with, big_trial

from smx_lab.errors import StoreUnavailable, ValidationError
from smx_lab.stores import open_store
from smx_lab.stores.sagemaker import SageMakerStore

pytest_plugins = ["sagemaker_fixtures"]


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No AWS settings but the ones a test writes into ``tmp_path/config``."""
    for name in (
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_SAGEMAKER",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "config"
    config.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return config


def test_store_follows_aws_profile_for_region_and_credentials(
    seeded: Aws, clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean_environment.write_text(
        "[profile lab]\n"
        "region = eu-west-1\n"
        "aws_access_key_id = testing\n"
        "aws_secret_access_key = testing\n"
    )
    monkeypatch.setenv("AWS_PROFILE", "lab")
    monkeypatch.setenv("AWS_ENDPOINT_URL", seeded.endpoint)

    store = SageMakerStore(cache_seconds=0)

    info = store.info()
    assert (info["profile"], info["region"], info["endpoint"]) == (
        "lab",
        "eu-west-1",
        seeded.endpoint,
    )
    assert store.list_experiments().items == []  # moto keeps eu-west-1 apart from us-east-1


def test_sagemaker_endpoint_variable_points_only_sagemaker_elsewhere(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SAGEMAKER", "http://127.0.0.1:8111")

    store = SageMakerStore()

    assert store.aws.endpoint("sagemaker") == "http://127.0.0.1:8111"
    assert store.aws.endpoint("cloudwatch") == f"https://monitoring.{REGION}.amazonaws.com"


def test_environment_selects_the_sagemaker_store(
    seeded: Aws, clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMX_LAB_STORE", "sagemaker")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ENDPOINT_URL", seeded.endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")

    store = open_store()

    assert store.kind == "sagemaker"
    assert [e.experiment_name for e in store.list_experiments(sort_by="Name").items] == [
        "mnist",
        "cifar",
    ]


def test_retry_mode_is_boto3s(aws: Aws) -> None:
    store = aws.store(retry_mode="adaptive", max_attempts=7)

    retries = store.aws.client("sagemaker").meta.config.retries
    assert (retries["mode"], retries["total_max_attempts"]) == ("adaptive", 7)


@pytest.mark.parametrize(
    ("option", "value"),
    [("retry_mode", "eager"), ("max_concurrency", 0), ("cache_seconds", -1)],
)
def test_bad_options_are_refused_naming_them(aws: Aws, option: str, value: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        aws.store(**{option: value})

    assert raised.value.field == option


def test_concurrent_requests_never_have_more_aws_calls_in_flight_than_allowed(seeded: Aws) -> None:
    store = seeded.store(max_concurrency=2)
    lock = threading.Lock()
    in_flight = [0]
    peak = [0]

    def enter(**_: Any) -> None:
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        time.sleep(0.05)  # hold the call so that other threads pile up behind the limit

    def leave(**_: Any) -> None:
        with lock:
            in_flight[0] -= 1

    client = store.aws.client("sagemaker")
    client.meta.events.register("before-send.sagemaker.Search", enter)
    client.meta.events.register("after-call.sagemaker.Search", leave)
    names = ["train-sgd", "train-adam", "preprocess", "scratch"] * 2

    with ThreadPoolExecutor(max_workers=8) as pool:
        found = list(pool.map(lambda name: store.get_trial_component(name, refresh=True), names))

    assert [c.trial_component_name for c in found] == names
    assert peak[0] == 2


def test_listing_that_loses_a_later_page_says_how_much_arrived(aws: Aws) -> None:
    big_trial(aws, 250)
    store = aws.store(max_attempts=1)
    attempts: list[str] = []
    store.aws.client("sagemaker").meta.events.register(
        "before-send.sagemaker.Search",
        answer_with(400, "ThrottlingException", "Rate exceeded", attempts, after=2),
    )

    with pytest.raises(StoreUnavailable) as raised:
        store.list_trial_components(trial_name="big-trial", limit=250)

    assert raised.value.details["received"] == 200
    assert raised.value.details["calls_done"] == 2
    assert "the rest missing" in raised.value.message
