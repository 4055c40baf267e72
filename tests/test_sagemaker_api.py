"""The REST API on the SageMaker store: a real Jupyter server (pytest-jupyter's ``jp_fetch``) with
``SMX_LAB_STORE=sagemaker`` and ``AWS_ENDPOINT_URL`` pointing at the moto server, holding the data
set of the embedded-store API tests, written through :class:`SageMakerWriter`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from api_fixtures import Api, populate
from sagemaker_fixtures import ACCOUNT, REGION, Aws, answer_with

pytest_plugins = ["pytest_jupyter.jupyter_server", "api_fixtures", "sagemaker_fixtures"]


@pytest.fixture
def smx_lab_config(aws: Aws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    populate(aws.writer())
    # Configured as an AWS user configures boto3: environment only, nothing from the machine.
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


def server_store(jp_serverapp: Any) -> Any:
    return jp_serverapp.web_app.settings["smx_lab_store"]


async def test_info_names_the_account_region_and_endpoint(api: Api, aws: Aws) -> None:
    store = (await api.get("info")).body["store"]

    assert store["kind"] == "sagemaker"
    assert (store["account"], store["region"], store["endpoint"]) == (ACCOUNT, REGION, aws.endpoint)


async def test_components_of_a_trial_are_full_records(api: Api) -> None:
    page = (await api.get("trials/{name}/components", name="cnn-sgd")).body

    by_name = {c["TrialComponentName"]: c for c in page["items"]}
    assert sorted(by_name) == ["preprocess", "train-sgd"]
    train = by_name["train-sgd"]
    assert train["Parameters"]["optimizer"] == {"StringValue": "sgd"}
    assert train["Parameters"]["lr"] == {"NumberValue": 0.1}
    accuracy = next(m for m in train["Metrics"] if m["MetricName"] == "test:accuracy")
    assert (accuracy["Max"], accuracy["Count"]) == (0.9, 4)
    assert train["Parents"] == [{"TrialName": "cnn-sgd", "ExperimentName": "mnist"}]


async def test_unassigned_components(api: Api) -> None:
    page = (await api.get("components", params={"unassigned": "true"})).body

    assert [c["TrialComponentName"] for c in page["items"]] == ["scratch"]
    assert page["items"][0]["Parents"] == []


async def test_unknown_trial_is_a_404_naming_it(api: Api) -> None:
    body = (await api.get("trials/{name}", name="nope", expect=404)).body

    assert (body["error"], body["kind"], body["name"]) == ("not_found", "Trial", "nope")


async def test_search_with_a_typed_query_is_pushed_down(api: Api) -> None:
    body = {"resource": "ExperimentTrialComponent", "query": "metrics.test:accuracy.max > 0.92"}
    page = (await api.post("search", body)).body

    assert [c["TrialComponentName"] for c in page["items"]] == ["train-adam"]
    assert page["total"] == 1


async def test_metric_series_come_from_batch_get_metrics(api: Api) -> None:
    body = {
        "queries": [{"component": "train-sgd", "metric": "train:loss"}],
        "x_axis": "step",
        "max_points": 20,
    }
    (series,) = (await api.post("metrics", body)).body["series"]

    assert series["raw_count"] == 50 and series["reduced"]
    assert series["x"][0] == 0 and series["x"][-1] == 49
    assert len(series["x"]) <= 20


async def test_table_of_a_search_has_parameter_and_metric_columns(api: Api) -> None:
    body = {
        "search": {"query": 'parents.experiment_name = "mnist" and parameters.lr exists'},
        "metric_names": ["test:accuracy"],
        "parameter_names": ["lr"],
    }
    table = (await api.post("table", body)).body

    assert "lr" in table["columns"] and "test:accuracy - Max" in table["columns"]
    assert len(table["rows"]) == 2


async def test_access_denied_by_aws_is_a_403_json_error(api: Api, jp_serverapp: Any) -> None:
    client = server_store(jp_serverapp).aws.client("sagemaker")
    client.meta.events.register(
        "before-send.sagemaker.ListExperiments",
        answer_with(400, "AccessDeniedException", "not authorized", []),
    )

    body = (await api.get("experiments", expect=403)).body

    assert body["error"] == "access_denied"
    assert "ListExperiments" in body["message"] or "list_experiments" in body["message"]


async def test_throttling_after_retries_is_a_503_json_error(api: Api, jp_serverapp: Any) -> None:
    client = server_store(jp_serverapp).aws.client("sagemaker")
    attempts: list[str] = []
    client.meta.events.register(
        "before-send.sagemaker.ListExperiments",
        answer_with(400, "ThrottlingException", "Rate exceeded", attempts),
    )

    body = (await api.get("experiments", expect=503)).body

    assert body["error"] == "store_unavailable"
    assert body["reason"] == "throttled"
    assert len(attempts) == 2  # the configured max_attempts, retries included


async def test_the_paged_list_sorts_counts_groups_and_exports_through_search(api: Api) -> None:
    selection = {"experiments": ["mnist"], "unassigned": True}
    body = {
        "selection": selection,
        "sort": {"by": "Metrics.test:accuracy.Max", "order": "Descending"},
        "limit": 1,
    }
    first = (await api.post("table", body)).body
    second = (await api.post("table", {**body, "cursor": first["next_cursor"]})).body
    assert first["total"] == 4  # preprocess, train-sgd, train-adam (mnist), scratch (unassigned)
    assert [first["rows"][0]["TrialComponentName"], second["rows"][0]["TrialComponentName"]] == [
        "train-adam",
        "train-sgd",
    ]
    lr = next(d for d in first["descriptors"] if d["name"] == "lr")
    assert lr["differs"] is True
    groups = (
        await api.post(
            "table/groups", {"selection": selection, "group_by": ["Parameters.optimizer"]}
        )
    ).body
    assert {tuple(g["key"]): g["count"] for g in groups["groups"]} == {
        ("adam",): 1,
        ("sgd",): 1,
        (None,): 2,
    }
    response = await api.fetch(
        "smx-lab",
        "api",
        "table/csv",
        method="POST",
        body=json.dumps({"selection": selection, "columns": ["TrialComponentName"]}),
        raise_error=False,
    )
    assert response.code == 200
    assert sorted(response.body.decode().split("\r\n")[1:-1]) == [
        "preprocess",
        "scratch",
        "train-adam",
        "train-sgd",
    ]
