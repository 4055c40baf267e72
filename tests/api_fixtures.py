"""Fixtures of the REST API tests: a real Jupyter server (pytest-jupyter) with smx_lab enabled,
token authentication required, and a real SQLite store filled through the store's Writer API.

``api`` sends requests by OpenAPI path template and checks every answer against the status codes
and response schemas that ``smx_lab/server/openapi.yaml`` documents for that route, so each API
test also keeps the document true.
"""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPResponse
from traitlets.config import Config

from smx_lab.model import Artifact, MetricPoint, Source, Status
from smx_lab.server.openapi import operation, spec_validator

API = "smx-lab/api"
T0 = 1_700_000_000.0


def populate(store: Any) -> None:
    """Two experiments; a component shared by two trials; one unassigned component; metrics
    whose names contain ``:``."""
    store.create_experiment(
        "mnist", display_name="MNIST", description="digits", tags={"team": "vision"}
    )
    store.create_experiment("cifar")
    store.create_trial("cnn-sgd", "mnist")
    store.create_trial("cnn-adam", "mnist")
    store.create_trial("resnet", "cifar")

    store.create_trial_component("preprocess", display_name="Preprocessing", start_time=T0)
    store.update_trial_component(
        "preprocess",
        status=Status("Completed"),
        parameters={"test_fraction": 0.2},
        input_artifacts={"raw": Artifact("s3://bucket/raw.csv", "text/csv")},
    )
    for trial in ("cnn-sgd", "cnn-adam"):
        store.associate_trial_component("preprocess", trial)

    for name, optimizer, lr, accuracies in (
        ("train-sgd", "sgd", 0.1, [0.5, 0.7, 0.9, 0.85]),
        ("train-adam", "adam", 0.01, [0.6, 0.8, 0.95, 0.97]),
    ):
        store.create_trial_component(
            name,
            display_name=f"Training-{optimizer}",
            source=Source(f"arn:aws:sagemaker:us-east-1:123456789012:training-job/{name}"),
            start_time=T0 + 10,
        )
        store.update_trial_component(
            name,
            status=Status("Completed"),
            parameters={"optimizer": optimizer, "lr": lr, "epochs": 4.0},
            output_artifacts={"model": Artifact(f"s3://bucket/{name}/model.tar.gz")},
        )
        store.log_metrics(
            name,
            [
                MetricPoint("test:accuracy", value, T0 + 100 + step, step)
                for step, value in enumerate(accuracies)
            ]
            + [
                MetricPoint("train:loss", 1.0 / (step + 1), T0 + 100 + step, step)
                for step in range(50)
            ],
        )
        store.associate_trial_component(name, f"cnn-{optimizer}")

    store.create_trial_component("resnet-train", start_time=T0 + 20)
    store.associate_trial_component("resnet-train", "resnet")
    store.create_trial_component("scratch", display_name="Notebook-scratch", start_time=T0 + 30)


@pytest.fixture
async def jp_asyncio_loop() -> asyncio.AbstractEventLoop:
    """pytest-asyncio runs the async tests (asyncio_mode = auto): the server must live on the very
    loop that runs the test, or no request is ever answered."""
    return asyncio.get_running_loop()


@pytest.fixture
def api_db_path(tmp_path: Path) -> Path:
    from smx_lab.stores.local import LocalStore

    path = tmp_path / "experiments.sqlite"
    store = LocalStore(path)
    try:
        populate(store)
    finally:
        store.close()
    return path


@pytest.fixture
def smx_lab_config(api_db_path: Path) -> dict[str, Any]:
    """The extension's traits; tests override entries before the server starts."""
    return {"store": "local", "db_path": str(api_db_path)}


@pytest.fixture
def server_app_config() -> dict[str, Any]:
    """Extra ``ServerApp`` traits (e.g. ``authorizer_class``); tests override this fixture."""
    return {}


@pytest.fixture
def store_config() -> dict[str, Any]:
    """The store classes' own settings by class name (``{"SageMakerStore": {...}}``)."""
    return {}


@pytest.fixture
def jp_server_config(
    smx_lab_config: dict[str, Any],
    server_app_config: dict[str, Any],
    store_config: dict[str, Any],
) -> Config:
    return Config(
        {
            "ServerApp": {
                "jpserver_extensions": {"smx_lab": True, "jupyter_server_terminals": False},
                "allow_unauthenticated_access": False,
                **server_app_config,
            },
            "SmxLabExtension": smx_lab_config,
            **store_config,
        }
    )


@dataclass
class Answer:
    status: int
    body: Any
    response: HTTPResponse


def _response_schema_pointer(path: str, method: str, status: int) -> tuple[str, ...]:
    responses = operation(path, method)["responses"]
    assert str(status) in responses, f"{method} /{path} answered {status}, which is not documented"
    pointer: tuple[str, ...] = ("paths", "/" + path, method.lower(), "responses", str(status))
    response = responses[str(status)]
    if "$ref" in response:
        pointer = tuple(response["$ref"].removeprefix("#/").split("/"))
    return (*pointer, "content", "application/json", "schema")


class Api:
    """Requests by OpenAPI path template: ``await api.get("trials/{name}", name="cnn-sgd")``."""

    def __init__(self, fetch: Any, client: Any, base_url: str, headers: dict[str, str]) -> None:
        self.fetch = fetch
        self.client = client
        self.base_url = base_url
        self.headers = headers

    async def fetch_path(self, path: str, **kwargs: Any) -> HTTPResponse:
        """GET a path under the API exactly as written (no escaping), e.g. ``trials/a%2Db``."""
        url = f"{self.base_url}{API}/{path}"
        response: HTTPResponse = await self.client.fetch(
            url, headers=kwargs.pop("headers", self.headers), raise_error=False, **kwargs
        )
        return response

    async def get(
        self,
        template: str,
        *,
        params: dict[str, Any] | None = None,
        expect: int = 200,
        **names: str,
    ) -> Answer:
        return await self.request("GET", template, names, params=params, expect=expect)

    async def post(
        self, template: str, body: Any = None, *, raw: bytes | None = None, expect: int = 200
    ) -> Answer:
        payload = raw if raw is not None else json.dumps(body).encode()
        return await self.request("POST", template, {}, body=payload, expect=expect)

    async def request(
        self,
        method: str,
        template: str,
        names: dict[str, str],
        *,
        params: dict[str, Any] | None = None,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        expect: int = 200,
        documented: bool = True,
    ) -> Answer:
        path = template.format(**{k: urllib.parse.quote(v, safe="") for k, v in names.items()})
        response = await self.fetch(
            *API.split("/"),
            path,
            method=method,
            params=params,
            body=body,
            headers=headers,
            raise_error=False,
            allow_nonstandard_methods=True,
        )
        assert response.headers["Content-Type"].startswith("application/json"), response.body[:200]
        answer = Answer(response.code, json.loads(response.body), response)
        assert answer.status == expect, answer.body
        if documented:
            schema = spec_validator(*_response_schema_pointer(template, method, answer.status))
            schema.validate(answer.body)
        return answer


@pytest.fixture
def api(jp_fetch: Any, http_server_client: Any, jp_base_url: str, jp_auth_header: Any) -> Api:
    return Api(jp_fetch, http_server_client, jp_base_url, dict(jp_auth_header))
