"""SageMaker managed MLflow by ARN, as far as it can be shown without AWS: the ``sagemaker-mlflow``
plugin resolves the ARN and signs every request with SigV4 and boto3's credentials; the requests
go (``SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT``) to a recording proxy on 127.0.0.1 in front of a real
``mlflow server``. The proxy also answers the two faults AWS would (throttling, an expired token),
which cannot be caused for real here."""

from __future__ import annotations

import http.server
import json
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from mlflow_world import SWEEP, World

from smx_lab.errors import AccessDenied, StoreUnavailable
from smx_lab.stores.mlflow import MlflowStore

pytest_plugins = ["mlflow_fixtures"]

ACCOUNT = "123456789012"
SERVER_ARN = f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:mlflow-tracking-server/team"
APP_ARN = f"arn:aws:sagemaker:us-west-2:{ACCOUNT}:mlflow-app/app-0123456789"
ACCESS_KEY = "AKIDEXAMPLE0000000000"


@dataclass
class Proxy:
    """Forwards to ``target``, recording each request's headers; ``faults`` are answered first."""

    target: str
    seen: list[dict[str, str]] = field(default_factory=list)
    faults: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    url: str = ""


def start_proxy(proxy: Proxy) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def forward(self) -> None:
            proxy.seen.append(
                {k.lower(): v for k, v in self.headers.items()} | {":path": self.path}
            )
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if proxy.faults:
                status, answer = proxy.faults.pop(0)
                self.reply(status, json.dumps(answer).encode())
                return
            request = urllib.request.Request(
                proxy.target + self.path,
                data=body or None,
                method=self.command,
                headers={"Content-Type": self.headers.get("Content-Type", "application/json")},
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    self.reply(answer.status, answer.read())
            except urllib.error.HTTPError as error:
                self.reply(error.code, error.read())

        def reply(self, status: int, payload: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = forward
        do_POST = forward

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    proxy.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def proxy(mlflow_world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Proxy]:
    recorded = Proxy(mlflow_world.tracking_uri)
    server = start_proxy(recorded)
    monkeypatch.setenv("SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT", recorded.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret-key-that-must-never-be-shown")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "SAGEMAKER_MLFLOW_ASSUME_ROLE_ARN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    # MLflow's own global URI points elsewhere: the store must sign for its own ARN.
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:9")
    yield recorded
    server.shutdown()


@pytest.mark.parametrize(
    ("arn", "service", "header"),
    [
        (SERVER_ARN, "sagemaker-mlflow", "x-mlflow-sm-tracking-server-arn"),
        (APP_ARN, "sagemaker", "x-sm-mlflow-app-arn"),
    ],
)
def test_every_request_is_signed_for_the_arns_region_and_service(
    proxy: Proxy, mlflow_world: World, arn: str, service: str, header: str
) -> None:
    store = MlflowStore(tracking_uri=arn, cache_seconds=0)

    names = [e.experiment_name for e in store.list_experiments().items]
    components = store.list_trial_components(experiment_name=SWEEP).items

    assert SWEEP in names
    assert len(components) == len(mlflow_world.runs_of(SWEEP))
    assert store.info()["uri_kind"] == "sagemaker"
    region = arn.split(":")[3]
    assert proxy.seen
    for request in proxy.seen:
        authorization = request["authorization"]
        assert authorization.startswith(f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/")
        assert f"/{region}/{service}/aws4_request" in authorization
        assert "x-amz-date" in request
        assert request[header] == arn
    assert "secret-key-that-must-never-be-shown" not in str(store.info())
    store.close()


def test_the_arn_resolves_to_sagemakers_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT", raising=False)

    server = MlflowStore(tracking_uri=SERVER_ARN)
    app = MlflowStore(tracking_uri=APP_ARN)

    assert server.backend._host_creds().host == "https://eu-west-1.experiments.sagemaker.aws"
    assert app.backend._host_creds().host == "https://mlflow.sagemaker.us-west-2.app.aws"


def test_throttling_is_a_503(proxy: Proxy) -> None:
    store = MlflowStore(tracking_uri=SERVER_ARN, max_retries=0)
    proxy.faults.append((429, {"__type": "ThrottlingException", "message": "Rate exceeded"}))

    with pytest.raises(StoreUnavailable) as error:
        store.list_experiments()

    assert error.value.status == 503
    store.close()


def test_an_expired_session_is_a_403(proxy: Proxy) -> None:
    store = MlflowStore(tracking_uri=SERVER_ARN, max_retries=0)
    expired = {"message": "The security token included in the request is expired"}
    proxy.faults.append((403, expired))

    with pytest.raises(AccessDenied) as error:
        store.list_experiments()

    assert error.value.status == 403
    store.close()


def test_throttling_is_retried(proxy: Proxy) -> None:
    store = MlflowStore(tracking_uri=SERVER_ARN, max_retries=2)
    proxy.faults.append((429, {"__type": "ThrottlingException", "message": "Rate exceeded"}))

    assert store.list_experiments().items
    assert len(proxy.seen) >= 2
    store.close()
