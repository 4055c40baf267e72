"""Bad input, unknown paths, broken stores and server faults: always JSON, never HTML."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from smx_lab.model import TrialComponent
from smx_lab.server.base import to_json
from smx_lab.stores.local import LocalStore

if TYPE_CHECKING:
    from api_fixtures import Api

pytest_plugins = ["pytest_jupyter.jupyter_server", "api_fixtures"]


# --- request bodies ---------------------------------------------------------------------------


async def test_malformed_json_body_is_400(api: Api) -> None:
    error = (await api.post("search", raw=b'{"query": "train"', expect=400)).body

    assert error["field"] == "body"
    assert "JSON" in error["message"]


async def test_body_that_is_not_an_object_is_400(api: Api) -> None:
    error = (await api.post("table", ["train-sgd"], expect=400)).body

    assert error["field"] == "body"


async def test_empty_body_is_400(api: Api) -> None:
    error = (await api.post("metrics", raw=b"", expect=400)).body

    assert error["field"] == "body"


async def test_body_that_is_not_utf8_is_400(api: Api) -> None:
    error = (await api.post("search", raw=b'{"query": "\xff"}', expect=400)).body

    assert error["field"] == "body"


# --- query parameters ---------------------------------------------------------------------------


async def test_limit_above_the_cap_is_400(api: Api) -> None:
    error = (await api.get("experiments", params={"limit": 501}, expect=400)).body

    assert error["field"] == "limit"
    assert error["maximum"] == 500


@pytest.mark.parametrize("limit", ["0", "-1", "ten", "1.5"])
async def test_limit_that_is_not_a_positive_integer_is_400(api: Api, limit: str) -> None:
    error = (await api.get("experiments", params={"limit": limit}, expect=400)).body

    assert error["field"] == "limit"


async def test_unknown_query_parameter_is_400_naming_it(api: Api) -> None:
    error = (await api.get("experiments", params={"limt": 5}, expect=400)).body

    assert error["field"] == "limt"
    assert "limit" in error["message"]  # the known parameters are listed


async def test_repeated_query_parameter_is_400(api: Api) -> None:
    response = await api.fetch_path("experiments?limit=1&limit=2")

    assert response.code == 400
    assert json.loads(response.body)["field"] == "limit"


async def test_unknown_sort_field_is_400_listing_the_sortable_fields(api: Api) -> None:
    error = (
        await api.get(
            "trials/{name}/components",
            name="cnn-sgd",
            params={"sort": "metrics.x.median"},
            expect=400,
        )
    ).body

    assert error["field"] == "sort"
    assert "Metrics.<name>.<Min|Max|Avg|StdDev|Last|Count>" in error["message"]


async def test_experiments_cannot_sort_by_a_parameter(api: Api) -> None:
    error = (await api.get("experiments", params={"sort": "Parameters.lr"}, expect=400)).body

    assert error["field"] == "sort"


async def test_unknown_sort_order_is_400(api: Api) -> None:
    error = (await api.get("experiments", params={"order": "sideways"}, expect=400)).body

    assert error["field"] == "order"


async def test_tampered_cursor_is_400(api: Api) -> None:
    page = (await api.get("experiments", params={"limit": 1})).body
    tampered = page["next_cursor"][:-2] + ("AA" if not page["next_cursor"].endswith("AA") else "BB")

    error = (await api.get("experiments", params={"cursor": tampered}, expect=400)).body

    assert error["field"] == "cursor"


async def test_cursor_of_another_listing_is_400(api: Api) -> None:
    page = (await api.get("experiments", params={"limit": 1})).body

    error = (
        await api.get(
            "experiments/{name}/trials",
            name="mnist",
            params={"cursor": page["next_cursor"]},
            expect=400,
        )
    ).body

    assert error["field"] == "cursor"


async def test_components_without_a_selector_is_400(api: Api) -> None:
    error = (await api.get("components", expect=400)).body

    assert error["field"] == "unassigned"


async def test_components_with_both_selectors_is_400(api: Api) -> None:
    error = (
        await api.get(
            "components", params={"unassigned": "true", "experiment": "mnist"}, expect=400
        )
    ).body

    assert "exactly one" in error["message"]


async def test_unassigned_that_is_not_a_boolean_is_400(api: Api) -> None:
    error = (await api.get("components", params={"unassigned": "maybe"}, expect=400)).body

    assert error["field"] == "unassigned"


async def test_malformed_typed_q_is_400_with_position(api: Api) -> None:
    error = (await api.get("experiments", params={"q": "name = (x"}, expect=400)).body

    assert error["error"] == "invalid_query"
    assert "position" in error


# --- tornado's own errors -----------------------------------------------------------------------


async def test_unknown_sub_path_is_404_json(api: Api) -> None:
    response = await api.fetch_path("experimentz")

    assert response.code == 404
    assert response.headers["Content-Type"].startswith("application/json")
    assert json.loads(response.body)["error"] == "not_found"


async def test_too_deep_path_is_404_json(api: Api) -> None:
    response = await api.fetch_path("trials/cnn-sgd/components/extra")

    assert response.code == 404
    assert json.loads(response.body)["error"] == "not_found"


async def test_wrong_method_is_405_json(api: Api) -> None:
    post_to_list = await api.request(
        "POST", "experiments", {}, body=b"{}", expect=405, documented=False
    )
    get_a_post_route = await api.request("GET", "search", {}, expect=405, documented=False)

    assert post_to_list.body["error"] == "method_not_allowed"
    assert get_a_post_route.body["error"] == "method_not_allowed"


# --- the store ----------------------------------------------------------------------------------


class TestStoreThatCannotBeOpened:
    @pytest.fixture
    def smx_lab_config(self, tmp_path: Path) -> dict[str, Any]:
        not_a_database = tmp_path / "notes.sqlite"
        not_a_database.write_text("these are my notes, not an experiment database\n")
        return {"store": "local", "db_path": str(not_a_database)}

    async def test_routes_answer_503_with_the_reason(self, api: Api) -> None:
        for template, method in (("info", "GET"), ("experiments", "GET"), ("search", "POST")):
            body = b"{}" if method == "POST" else None
            answer = await api.request(method, template, {}, body=body, expect=503)
            assert answer.body["error"] == "store_error"
            assert "notes.sqlite" in answer.body["message"]

    async def test_the_file_is_left_untouched(
        self, api: Api, smx_lab_config: dict[str, Any]
    ) -> None:
        await api.request("GET", "experiments", {}, expect=503)

        assert Path(smx_lab_config["db_path"]).read_text().startswith("these are my notes")

    async def test_the_openapi_document_is_still_served(self, api: Api) -> None:
        assert (await api.get("openapi.json")).body["openapi"].startswith("3.")


class TestUnknownStoreKindInTheEnvironment:
    @pytest.fixture
    def smx_lab_config(self, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
        monkeypatch.setenv("SMX_LAB_STORE", "wandb")
        return {}

    async def test_server_starts_and_routes_answer_503_naming_the_variable(self, api: Api) -> None:
        error = (await api.request("GET", "experiments", {}, expect=503)).body

        assert "SMX_LAB_STORE" in error["message"]


class TestAStoreClassThatIsNoStore:
    @pytest.fixture
    def smx_lab_config(self, api_db_path: Path) -> dict[str, Any]:
        return {"store_class": "collections.OrderedDict", "db_path": str(api_db_path)}

    async def test_routes_answer_503_naming_the_setting_not_another_store(self, api: Api) -> None:
        error = (await api.request("GET", "experiments", {}, expect=503)).body

        assert error["field"] == "store_class"
        assert "smx_lab.stores.base.Store" in error["message"]
        assert "OrderedDict" in error["message"]


class RecordingStore(LocalStore):
    """The embedded store, noting which thread runs each call."""

    threads: list[str] = []
    info_threads: list[str] = []

    def list_experiments(self, **options: Any) -> Any:
        RecordingStore.threads.append(threading.current_thread().name)
        return super().list_experiments(**options)

    def info(self) -> dict[str, Any]:
        RecordingStore.info_threads.append(threading.current_thread().name)
        return super().info()


class BrokenStore(LocalStore):
    """A store with a bug: a fault a client cannot cause, to see what the client gets."""

    def get_experiment(self, name: str) -> Any:
        raise RuntimeError("bug in the store")


class TestConfiguredStoreClass:
    @pytest.fixture
    def smx_lab_config(self, api_db_path: Path) -> dict[str, Any]:
        return {"store_class": RecordingStore, "db_path": str(api_db_path), "page_size_cap": 2}

    async def test_store_calls_run_on_the_store_threads_not_the_event_loop(self, api: Api) -> None:
        RecordingStore.threads.clear()

        await api.get("experiments", params={"limit": 1})

        assert RecordingStore.threads
        assert all(name.startswith("smx-lab-store") for name in RecordingStore.threads)
        assert threading.current_thread().name not in RecordingStore.threads

    async def test_info_runs_off_the_event_loop_and_off_the_busy_store_threads(
        self, api: Api
    ) -> None:
        RecordingStore.info_threads.clear()

        await api.get("info")

        assert RecordingStore.info_threads
        assert threading.current_thread().name not in RecordingStore.info_threads
        assert not any(name.startswith("smx-lab-store") for name in RecordingStore.info_threads)

    async def test_page_size_cap_is_configurable(self, api: Api) -> None:
        error = (await api.get("experiments", params={"limit": 3}, expect=400)).body
        info = (await api.get("info")).body

        assert error["maximum"] == 2
        assert info["page_size_cap"] == 2


class TestStoreWithABug:
    @pytest.fixture
    def smx_lab_config(self, api_db_path: Path) -> dict[str, Any]:
        return {"store_class": BrokenStore, "db_path": str(api_db_path)}

    async def test_unexpected_exception_is_a_500_json_without_details(
        self, api: Api, caplog: pytest.LogCaptureFixture
    ) -> None:
        response = await api.fetch_path("experiments/mnist")

        assert response.code == 500
        assert response.headers["Content-Type"].startswith("application/json")
        body = json.loads(response.body)
        assert body["error"] == "internal_error"
        assert "bug in the store" not in body["message"]  # internals stay in the server log
        assert "bug in the store" in caplog.text


def test_non_finite_numbers_are_written_as_null_not_invalid_json() -> None:
    # The embedded store refuses them, but a SageMaker record or a chart may carry one.
    text = to_json(
        {"Metrics": [{"Min": float("nan"), "Max": float("inf"), "Avg": 1.5}], "x": [float("-inf")]}
    )

    assert json.loads(text) == {"Metrics": [{"Min": None, "Max": None, "Avg": 1.5}], "x": [None]}


def test_records_are_written_in_their_rest_shape_and_big_integers_still_encode() -> None:
    record = TrialComponent("train", parameters={"lr": 0.1})

    answer = json.loads(to_json({"record": record, "steps": 2**70, "text": "naïve ✓"}))

    assert answer["record"] == json.loads(json.dumps(record.to_dict()))
    assert (answer["steps"], answer["text"]) == (2**70, "naïve ✓")


async def test_jupyterlab_cache_buster_is_not_an_unknown_parameter(api: Api) -> None:
    # ServerConnection.makeRequest with cache 'no-store' appends ?<milliseconds>.
    response = await api.fetch_path("experiments?limit=1&1763769600000")

    assert response.code == 200
    assert len(json.loads(response.body)["items"]) == 1


async def test_unassigned_with_no_value_is_400_as_its_schema_says(api: Api) -> None:
    answer = await api.fetch_path("components?unassigned=")

    assert answer.code == 400
    assert b"unassigned" in answer.body and b"true or false" in answer.body
