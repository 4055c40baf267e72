"""POST table: ExperimentAnalytics' columns for named components or a search."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from smx_lab.errors import NotFound
from smx_lab.stores.collect import components_by_name
from smx_lab.stores.local import LocalStore

if TYPE_CHECKING:
    from api_fixtures import Api

pytest_plugins = ["pytest_jupyter.jupyter_server", "api_fixtures"]

TRAINING_COLUMNS = [
    "TrialComponentName",
    "DisplayName",
    "SourceArn",
    "epochs",
    "lr",
    "optimizer",
]


async def test_table_of_named_components_has_analytics_columns(api: Api) -> None:
    table = (await api.post("table", {"components": ["train-sgd", "train-adam"]})).body

    columns = table["columns"]
    assert columns[:6] == TRAINING_COLUMNS
    assert columns[-2:] == ["Trials", "Experiments"]
    assert "test:accuracy - Max" in columns
    assert columns.index("test:accuracy - Min") < columns.index("test:accuracy - Count")
    assert ["model - MediaType", "model - Value"] == [c for c in columns if c.startswith("model")]
    assert [row["TrialComponentName"] for row in table["rows"]] == ["train-sgd", "train-adam"]
    sgd = table["rows"][0]
    assert sgd["test:accuracy - Max"] == 0.9
    assert sgd["test:accuracy - Count"] == 4
    assert sgd["optimizer"] == "sgd"
    assert sgd["Trials"] == ["cnn-sgd"]
    assert sgd["Experiments"] == ["mnist"]


async def test_table_name_filters(api: Api) -> None:
    body = {
        "components": ["train-sgd"],
        "metric_names": ["test:accuracy"],
        "parameter_names": ["lr"],
        "output_artifact_names": ["none"],
    }

    table = (await api.post("table", body)).body

    assert table["columns"] == [
        "TrialComponentName",
        "DisplayName",
        "SourceArn",
        "lr",
        "test:accuracy - Min",
        "test:accuracy - Max",
        "test:accuracy - Avg",
        "test:accuracy - StdDev",
        "test:accuracy - Last",
        "test:accuracy - Count",
        "Trials",
        "Experiments",
    ]


async def test_table_of_a_typed_search_sorted_by_metric(api: Api) -> None:
    body = {
        "search": {
            "query": "parents.experiment_name = mnist",
            "sort_by": "metrics.test:accuracy.max",
            "sort_order": "Descending",
        }
    }

    table = (await api.post("table", body)).body

    assert [row["TrialComponentName"] for row in table["rows"]] == [
        "train-adam",
        "train-sgd",
        "preprocess",
    ]
    assert table["rows"][2]["test:accuracy - Max"] is None


async def test_table_of_a_search_expression(api: Api) -> None:
    body = {
        "search": {
            "search_expression": {"Filters": [{"Name": "Parents.TrialName", "Value": "resnet"}]}
        }
    }

    table = (await api.post("table", body)).body

    assert table["columns"] == ["TrialComponentName", "DisplayName", "Trials", "Experiments"]
    assert [{column: row[column] for column in table["columns"]} for row in table["rows"]] == [
        {
            "TrialComponentName": "resnet-train",
            "DisplayName": "resnet-train",
            "Trials": ["resnet"],
            "Experiments": ["cifar"],
        }
    ]


async def test_table_of_unknown_component_is_404(api: Api) -> None:
    error = (await api.post("table", {"components": ["train-sgd", "ghost"]}, expect=404)).body

    assert error["name"] == "ghost"


async def test_table_needs_components_or_search(api: Api) -> None:
    error = (await api.post("table", {"metric_names": ["x"]}, expect=400)).body

    assert error["message"] == "body: give exactly one of selection, components or search"


async def test_table_with_both_components_and_search_is_400(api: Api) -> None:
    body = {"components": ["train-sgd"], "search": {"query": "train"}}

    error = (await api.post("table", body, expect=400)).body

    assert error["message"] == "body: give exactly one of selection, components or search"


async def test_table_search_of_another_resource_is_400(api: Api) -> None:
    error = (await api.post("table", {"search": {"resource": "Experiment"}}, expect=400)).body

    assert error["field"] == "search.resource"


async def test_table_bad_search_expression_names_the_path(api: Api) -> None:
    body = {"search": {"search_expression": {"Filters": [{"Nme": "x"}]}}}

    error = (await api.post("table", body, expect=400)).body

    assert error["field"].startswith("search.search_expression.Filters[0]")


async def test_table_component_names_of_wrong_type_are_400(api: Api) -> None:
    error = (await api.post("table", {"components": [1, 2]}, expect=400)).body

    assert error["field"] == "components[0]"


async def test_table_keeps_the_order_and_repeats_of_the_names_given(api: Api) -> None:
    names = ["scratch", "train-sgd", "preprocess", "train-sgd"]

    table = (await api.post("table", {"components": names})).body

    assert [row["TrialComponentName"] for row in table["rows"]] == names


def test_many_named_components_are_fetched_in_batches_in_order(tmp_path: Path) -> None:
    # 300 names of 100 characters: ten to an In list, thirty lists, two searches of twenty lists.
    store = LocalStore(tmp_path / "many.sqlite")
    names = [f"run-{index:03d}-" + "x" * 92 for index in range(300)]
    for name in names:
        store.create_trial_component(name)
    wanted = names[::-1] + [names[7]]

    try:
        components = components_by_name(store, wanted)
        with pytest.raises(NotFound) as missing:
            components_by_name(store, [names[0], "no-such-run"])
    finally:
        store.close()

    assert [c.trial_component_name for c in components] == wanted
    assert missing.value.name == "no-such-run"
