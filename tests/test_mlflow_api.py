"""The REST API on the MLflow store: a real Jupyter server (``jp_fetch``) configured as a user
configures it, ``SMX_LAB_STORE=mlflow`` and ``MLFLOW_TRACKING_URI``, reading a real ``mlflow
server`` that holds the world of :mod:`mlflow_world`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from mlflow_fixtures import free_port
from mlflow_world import BASELINES, SWEEP, SWEEP_PARENT, World

if TYPE_CHECKING:
    from api_fixtures import Api

pytest_plugins = ["pytest_jupyter.jupyter_server", "api_fixtures", "mlflow_fixtures"]


@pytest.fixture
def smx_lab_config(mlflow_world: World, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("SMX_LAB_STORE", "mlflow")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_world.tracking_uri)
    return {}


@pytest.fixture
def store_config() -> dict[str, Any]:
    return {"MlflowStore": {"cache_seconds": 0}}


async def test_info_names_the_tracking_server(api: Api, mlflow_world: World) -> None:
    import mlflow

    store = (await api.get("info")).body["store"]

    assert (store["kind"], store["uri_kind"]) == ("mlflow", "http")
    assert store["tracking_uri"] == mlflow_world.tracking_uri
    assert store["mlflow_version"] == mlflow.__version__


async def test_drill_down_experiment_trial_components(api: Api, mlflow_world: World) -> None:
    parent = mlflow_world.run(SWEEP_PARENT)
    experiments = (await api.get("experiments")).body["items"]
    trials = (await api.get("experiments/{name}/trials", name=SWEEP)).body["items"]
    components = (await api.get("trials/{name}/components", name=parent.run_id)).body

    assert {SWEEP, BASELINES} <= {e["ExperimentName"] for e in experiments}
    assert [(t["TrialName"], t["DisplayName"]) for t in trials] == [(parent.run_id, SWEEP_PARENT)]
    assert components["total"] == 5
    child = next(c for c in components["items"] if c["DisplayName"] == "lr-0.1-sgd")
    assert child["Parameters"]["lr"] == {"NumberValue": 0.1}
    assert child["Parameters"]["optimizer"] == {"StringValue": "sgd"}
    assert child["Parents"] == [{"TrialName": parent.run_id, "ExperimentName": SWEEP}]
    assert child["Source"] == {
        "SourceArn": f"runs:/{child['TrialComponentName']}",
        "SourceType": "MLflowRun",
    }


async def test_a_typed_or_query_is_answered_with_a_note(api: Api, mlflow_world: World) -> None:
    body = {
        "resource": "ExperimentTrialComponent",
        "query": "parameters.optimizer = 'adam' or status = 'Failed'",
    }

    page = (await api.post("search", body)).body

    expected = {
        name
        for name, run in mlflow_world.runs.items()
        if run.params.get("optimizer") == "adam" or run.status == "FAILED"
    }
    assert {c["DisplayName"] for c in page["items"]} == expected
    assert "'or'" in page["notes"][0]


async def test_table_of_three_runs_has_exact_statistics(api: Api, mlflow_world: World) -> None:
    runs = [mlflow_world.run(n) for n in ("lr-0.1-sgd", "lr-0.03-adam", "baseline-logreg")]
    body = {"selection": {"components": [r.run_id for r in runs]}}

    table = (await api.post("table", body)).body

    assert [row["TrialComponentName"] for row in table["rows"]] == [r.run_id for r in runs]
    for run, row in zip(runs, table["rows"], strict=True):
        summary = run.summary("test:accuracy")
        assert row["test:accuracy - Max"] == summary["Max"]
        assert row["test:accuracy - Count"] == summary["Count"]
        assert row["test:accuracy - Last"] == summary["Last"]


async def test_table_of_an_experiment_selection(api: Api, mlflow_world: World) -> None:
    body = {"selection": {"experiments": [SWEEP]}}

    table = (await api.post("table", body)).body

    assert {row["DisplayName"] for row in table["rows"]} == {
        r.run_name for r in mlflow_world.runs_of(SWEEP)
    }
    assert all(row["Experiments"] == [SWEEP] for row in table["rows"])


async def test_line_chart_of_three_runs(api: Api, mlflow_world: World) -> None:
    runs = [mlflow_world.run(n) for n in ("lr-0.1-sgd", "lr-0.03-adam", "lr-0.01-sgd")]
    request = {
        "chart_type": "line",
        "data_type": "time_series",
        "selection": {"components": [r.run_id for r in runs]},
        "metrics": ["train:loss"],
    }

    spec = (await api.post("chart", request)).body

    lookup = next(t for t in spec["transform"] if "lookup" in t)
    component_of = {row["key"]: row["component"] for row in lookup["from"]["data"]["values"]}
    drawn: dict[str, list[float]] = {}
    for row in spec["data"]["values"]:
        drawn.setdefault(component_of[row["key"]], []).append(row["value"])
    assert drawn == {r.run_id: [p.value for p in r.metrics["train:loss"]] for r in runs}


async def test_metric_series_are_the_written_points(api: Api, mlflow_world: World) -> None:
    run = mlflow_world.run("baseline-logreg")
    body = {"queries": [{"component": run.run_id, "metric": "val:loss"}]}

    [series] = (await api.post("metrics", body)).body["series"]

    assert series["raw_count"] == 5
    assert sorted(zip(series["x"], series["y"], strict=True)) == sorted(
        (p.step, p.value) for p in run.metrics["val:loss"]
    )


async def test_unknown_names_are_404s(api: Api) -> None:
    ghost = "0123456789abcdef0123456789abcdef"
    for route, name in (
        ("experiments/{name}", "no-such"),
        ("trials/{name}", ghost),
        ("components/{name}", ghost),
    ):
        body = (await api.get(route, name=name, expect=404)).body
        assert body["error"] == "not_found"


class TestUnreachable:
    @pytest.fixture
    def smx_lab_config(self, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
        monkeypatch.setenv("SMX_LAB_STORE", "mlflow")
        monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://127.0.0.1:{free_port()}")
        return {}

    @pytest.fixture
    def store_config(self) -> dict[str, Any]:
        return {"MlflowStore": {"max_retries": 0, "timeout": 5}}

    async def test_an_unreachable_server_is_a_503(self, api: Api) -> None:
        body = (await api.get("experiments", expect=503)).body

        assert body["error"] == "store_unavailable"
        assert "127.0.0.1" in body["message"]


class TestUnknownUriKind:
    @pytest.fixture
    def smx_lab_config(self, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
        monkeypatch.setenv("SMX_LAB_STORE", "mlflow")
        monkeypatch.setenv("MLFLOW_TRACKING_URI", "ftp://example/mlflow")
        return {}

    async def test_every_route_says_the_setting_is_wrong(self, api: Api) -> None:
        body = (await api.get("experiments", expect=400)).body

        assert body["field"] == "tracking_uri"


async def test_a_running_run_gains_points_between_two_views(api: Api, mlflow_world: World) -> None:
    import time

    from mlflow import MlflowClient

    client = MlflowClient(mlflow_world.tracking_uri)
    experiment = client.create_experiment(f"live-api-{time.time_ns()}")
    run = client.create_run(experiment, run_name="training")
    client.log_metric(run.info.run_id, "loss", 0.9, step=0)

    first = (await api.get("components/{name}", name=run.info.run_id)).body
    for step in (1, 2, 3):
        client.log_metric(run.info.run_id, "loss", (9 - step) / 10, step=step)
    second = (await api.get("components/{name}", name=run.info.run_id)).body

    assert first["Status"]["PrimaryStatus"] == "InProgress"
    assert [(m["Count"], m["Last"]) for m in first["Metrics"]] == [(1, 0.9)]
    assert [(m["Count"], m["Min"], m["Last"]) for m in second["Metrics"]] == [(4, 0.6, 0.6)]


async def test_a_listing_with_an_or_query_carries_the_note(api: Api, mlflow_world: World) -> None:
    parent = mlflow_world.run(SWEEP_PARENT)
    query = "parameters.optimizer = 'adam' or parameters.lr = 0.1"

    page = (await api.get("trials/{name}/components", name=parent.run_id, params={"q": query})).body

    assert {c["DisplayName"] for c in page["items"]} == {
        r.run_name
        for r in mlflow_world.children(SWEEP_PARENT)
        if r.params["optimizer"] == "adam" or r.params["lr"] == 0.1
    }
    assert "'or'" in page["notes"][0]


async def test_the_paged_list_of_an_experiment(api: Api, mlflow_world: World) -> None:
    runs = mlflow_world.runs_of(SWEEP)
    body = {
        "selection": {"experiments": [SWEEP]},
        "sort": {"by": "DisplayName", "order": "Ascending"},
        "limit": 2,
    }
    names: list[str] = []
    while True:
        answer = (await api.post("table", body)).body
        assert answer["total"] == len(runs)
        names += [row["DisplayName"] for row in answer["rows"]]
        if not answer["next_cursor"]:
            break
        body["cursor"] = answer["next_cursor"]
    assert names == sorted(r.run_name for r in runs)
    groups = (
        await api.post(
            "table/groups",
            {"selection": {"experiments": [SWEEP]}, "group_by": ["Status.PrimaryStatus"]},
        )
    ).body
    assert sum(g["count"] for g in groups["groups"]) == len(runs)
