"""Faults of the SageMaker store against a real HTTP endpoint (moto's server on 127.0.0.1).

- Throttling storms injected with botocore's event hooks into the store's own clients: a short
  storm is ridden out by boto3's retries; a long one is a 503 for every caller, and the same store
  object answers again as soon as it passes.
- Through the REST API of a real ``jupyter server`` (child process, ``SMX_LAB_STORE=sagemaker``):
  the endpoint itself throttles for a while (a WSGI layer in front of moto answers
  ``ThrottlingException``), and the endpoint goes away (server stopped, port closed) and comes
  back on the same port. Both: 503 JSON with a clear message, then 200 with the data, without
  restarting Jupyter.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import moto_sagemaker_ext
import pytest
import requests
from botocore.awsrequest import AWSResponse
from jupyter_process import JupyterServerProcess
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from sagemaker_fixtures import REGION, Aws, aws_session, seed
from werkzeug.serving import make_server

from smx_lab.errors import StoreUnavailable
from smx_lab.stores.sagemaker import SageMakerStore

pytest_plugins = ["sagemaker_fixtures"]

THROTTLED = {"__type": "ThrottlingException", "message": "Rate exceeded"}


class _Payload:
    def __init__(self, payload: bytes) -> None:
        self.payload = payload

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.payload


class ThrottlingHook:
    """A ``before-send`` hook: while ``storming``, or for the first ``first_attempts`` attempts of
    each call, AWS answers ThrottlingException instead of sending the request."""

    def __init__(self, first_attempts: int = 0) -> None:
        self.storming = False
        self.first_attempts = first_attempts
        self.throttled = 0
        self._per_call: dict[str, int] = {}
        self._lock = threading.Lock()

    def __call__(self, request: Any, **_: Any) -> AWSResponse | None:
        with self._lock:
            key = f"{threading.get_ident()}:{request.url}:{request.body!r}"
            seen = self._per_call.get(key, 0)
            self._per_call[key] = seen + 1
            if not self.storming and seen >= self.first_attempts:
                self._per_call.pop(key, None)
                return None  # let botocore send it
            self.throttled += 1
        headers = {"Content-Type": "application/x-amz-json-1.1"}
        return AWSResponse(request.url, 400, headers, _Payload(json.dumps(THROTTLED).encode()))


def hooked_store(aws: Aws, hook: ThrottlingHook, **options: Any) -> SageMakerStore:
    store = aws.store(**options)
    store.aws.client("sagemaker").meta.events.register("before-send.sagemaker", hook)
    return store


def test_short_throttling_storm_is_ridden_out_by_retries(seeded: Aws) -> None:
    hook = ThrottlingHook(first_attempts=2)
    store = hooked_store(seeded, hook, max_attempts=5)

    experiments = store.list_experiments(sort_by="Name", sort_order="Ascending")
    components = store.list_trial_components(trial_name="cnn-sgd")

    assert [e.experiment_name for e in experiments.items] == ["cifar", "mnist"]
    assert {c.trial_component_name for c in components.items} == {"preprocess", "train-sgd"}
    assert hook.throttled >= 4  # two refused attempts for each of the (at least two) calls


def test_long_throttling_storm_is_a_503_for_every_caller_then_the_same_store_recovers(
    seeded: Aws,
) -> None:
    hook = ThrottlingHook()
    store = hooked_store(seeded, hook, max_attempts=2, cache_seconds=0)
    calls: list[Callable[[], Any]] = [
        store.list_experiments,
        lambda: store.get_trial("cnn-sgd"),
        lambda: store.list_trial_components(trial_name="cnn-adam"),
        lambda: store.search("ExperimentTrialComponent", None),
    ] * 4

    def outcome(call: Callable[[], Any]) -> str:
        try:
            call()
        except StoreUnavailable as error:
            assert "throttling" in error.message and error.details["reason"] == "throttled"
            return "503"
        return "ok"

    hook.storming = True
    with ThreadPoolExecutor(max_workers=8) as pool:
        during = list(pool.map(outcome, calls))
    hook.storming = False
    with ThreadPoolExecutor(max_workers=8) as pool:
        after = list(pool.map(outcome, calls))

    assert during == ["503"] * len(calls)
    assert after == ["ok"] * len(calls)
    assert store.get_trial("cnn-sgd").experiment_name == "mnist"


# ---------------------------------------------------------------------------------------------
# Through the REST API, faults at the endpoint itself


class FaultyEndpoint:
    """moto's server application behind a switch that makes the whole endpoint throttle, on a
    fixed port so it can be stopped (port closed) and started again at the same address."""

    def __init__(self) -> None:
        self.throttling = threading.Event()
        self.port = 0
        self.server: Any = None
        self.thread: threading.Thread | None = None

    def application(self) -> Callable[..., Any]:
        moto_app = DomainDispatcherApplication(create_backend_app)

        def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            if self.throttling.is_set():
                start_response("400 Bad Request", [("Content-Type", "application/x-amz-json-1.1")])
                return [json.dumps(THROTTLED).encode()]
            return moto_app(environ, start_response)

        return app

    def start(self) -> None:
        self.server = make_server(
            "127.0.0.1",
            self.port,
            self.application(),
            threaded=True,
            request_handler=MotoRequestHandler,
        )
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()  # the port refuses connections, as an endpoint that went away
        assert self.thread is not None
        self.thread.join(timeout=10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[FaultyEndpoint]:
    moto_sagemaker_ext.apply()
    faulty = FaultyEndpoint()
    faulty.start()
    requests.post(f"{faulty.url}/moto-api/reset", timeout=30).raise_for_status()
    seed(Aws(faulty.url, aws_session()))
    yield faulty
    if faulty.server is not None:
        faulty.stop()


@pytest.fixture(scope="module")
def sagemaker_server(
    endpoint: FaultyEndpoint, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[JupyterServerProcess]:
    env = {
        "SMX_LAB_STORE": "sagemaker",
        "AWS_ENDPOINT_URL": endpoint.url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    # No cache, few retries: each request below really reaches the endpoint, and fails fast.
    config = {"SageMakerStore": {"cache_seconds": 0, "max_attempts": 2}}
    with JupyterServerProcess(
        tmp_path_factory.mktemp("sagemaker"), env=env, config=config
    ) as server:
        yield server


def get(server: JupyterServerProcess, route: str) -> requests.Response:
    return requests.get(server.url(route), headers=server.headers, timeout=120)


def experiment_names(answer: requests.Response) -> list[str]:
    assert answer.status_code == 200, answer.text
    return sorted(item["ExperimentName"] for item in answer.json()["items"])


def assert_clear_503(answer: requests.Response, words: str) -> None:
    assert answer.status_code == 503
    assert answer.headers["Content-Type"].startswith("application/json")
    body = answer.json()
    assert body["error"] == "store_unavailable"
    assert words in body["message"]


def test_rest_answers_503_while_the_endpoint_throttles_and_200_once_it_stops(
    sagemaker_server: JupyterServerProcess, endpoint: FaultyEndpoint
) -> None:
    assert experiment_names(get(sagemaker_server, "experiments")) == ["cifar", "mnist"]
    endpoint.throttling.set()
    try:
        assert_clear_503(get(sagemaker_server, "experiments"), "throttling")
        assert_clear_503(get(sagemaker_server, "trials/cnn-sgd/components"), "throttling")
    finally:
        endpoint.throttling.clear()
    assert experiment_names(get(sagemaker_server, "experiments")) == ["cifar", "mnist"]
    components = get(sagemaker_server, "trials/cnn-sgd/components").json()["items"]
    assert {c["TrialComponentName"] for c in components} == {"preprocess", "train-sgd"}


def test_rest_answers_503_while_the_endpoint_is_gone_and_200_when_it_is_back(
    sagemaker_server: JupyterServerProcess, endpoint: FaultyEndpoint
) -> None:
    assert experiment_names(get(sagemaker_server, "experiments")) == ["cifar", "mnist"]
    endpoint.stop()
    try:
        assert_clear_503(get(sagemaker_server, "experiments"), "cannot reach AWS")
        assert_clear_503(get(sagemaker_server, "components/train-sgd"), "cannot reach AWS")
        assert get(sagemaker_server, "info").status_code == 200  # the server itself is fine
    finally:
        endpoint.start()
    assert experiment_names(get(sagemaker_server, "experiments")) == ["cifar", "mnist"]
    assert get(sagemaker_server, "components/train-sgd").json()["TrialComponentName"] == "train-sgd"
