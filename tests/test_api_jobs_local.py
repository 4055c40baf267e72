"""On the embedded store, which has no SageMaker jobs, every job route answers a clear 404
``not_offered`` naming the store, and ``info`` does not list the ``jobs`` capability (the panel
then shows no job tabs nor actions). A component whose source ARN names a training job is no
exception: the embedded store only records the ARN."""

from __future__ import annotations

from typing import Any

import pytest
from api_fixtures import Api

pytest_plugins = ["pytest_jupyter.jupyter_server", "api_fixtures"]


async def test_info_does_not_list_jobs(api: Api) -> None:
    assert "jobs" not in (await api.get("info")).body["capabilities"]


@pytest.mark.parametrize(
    ("method", "template", "body"),
    [
        ("GET", "components/{name}/job", None),
        ("GET", "components/{name}/job/logs", None),
        ("GET", "endpoints/{name}", None),
        ("POST", "jobs/stop", {"component": "train-sgd", "job_name": "train-sgd"}),
        (
            "POST",
            "jobs/deploy",
            {"component": "train-sgd", "job_name": "train-sgd", "instance_type": "ml.m5.large"},
        ),
    ],
)
async def test_every_job_route_is_a_404_naming_the_store(
    api: Api, method: str, template: str, body: dict[str, Any] | None
) -> None:
    # train-sgd's source is a training job's ARN.
    if method == "GET":
        answer = (await api.get(template, name="train-sgd", expect=404)).body
    else:
        answer = (await api.post(template, body, expect=404)).body

    assert (answer["error"], answer["store"], answer["feature"]) == ("not_offered", "local", "jobs")
    assert "the local store has no SageMaker jobs" in answer["message"]
