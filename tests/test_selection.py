"""Selections: the one layer that turns {components, trials, experiments, unassigned, search} into
trial components, checked against a plain-Python reading of the same store, and through the REST
routes that accept a selection (table, metrics, chart)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smx_lab import selection
from smx_lab.errors import NotFound, QueryError, ValidationError
from smx_lab.model import MetricPoint, Status
from smx_lab.selection import Selection
from smx_lab.stores.local import LocalStore

if TYPE_CHECKING:
    from api_fixtures import Api

pytest_plugins = ["pytest_jupyter.jupyter_server", "api_fixtures"]

T0 = 1_700_000_000.0
EXPERIMENTS = {"mnist": ["cnn-2", "cnn-5"], "cifar": ["resnet"], "empty": []}
#: component → the trials it belongs to (a shared one, two unassigned ones).
MEMBERSHIP = {
    "preprocess": ["cnn-2", "cnn-5"],
    "train-2": ["cnn-2"],
    "train-5": ["cnn-5"],
    "resnet-train": ["resnet"],
    "scratch": [],
    "notes": [],
}
TRIAL_EXPERIMENT = {t: e for e, trials in EXPERIMENTS.items() for t in trials}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStore]:
    store = LocalStore(tmp_path_factory.mktemp("selection") / "world.sqlite")
    for experiment, trials in EXPERIMENTS.items():
        store.create_experiment(experiment)
        for trial in trials:
            store.create_trial(trial, experiment)
    for index, (component, trials) in enumerate(MEMBERSHIP.items()):
        store.create_trial_component(component, display_name=f"Step-{component.upper()}")
        store.update_trial_component(
            component,
            status=Status("Completed" if index % 2 else "Failed"),
            parameters={"rank": float(index)},
        )
        store.log_metrics(component, [MetricPoint("loss", 1.0 / (index + 1), T0 + index, 0)])
        for trial in trials:
            store.associate_trial_component(component, trial)
    yield store
    store.close()


def expected(chosen: Selection) -> set[str]:
    """The selection read in plain Python from MEMBERSHIP, the rank filter applied by hand."""
    names = set(chosen.components)
    for component, trials in MEMBERSHIP.items():
        if set(trials) & set(chosen.trials):
            names.add(component)
        if {TRIAL_EXPERIMENT[t] for t in trials} & set(chosen.experiments):
            names.add(component)
        if chosen.unassigned and not trials:
            names.add(component)
    if not chosen.has_scope:
        names = set(MEMBERSHIP)
    if chosen.search is not None:  # the only search drawn: rank >= 2
        names = {name for name in names if list(MEMBERSHIP).index(name) >= 2}
    return names


selections = st.builds(
    Selection,
    components=st.lists(st.sampled_from(list(MEMBERSHIP)), max_size=3).map(tuple),
    trials=st.lists(st.sampled_from(list(TRIAL_EXPERIMENT)), max_size=2).map(tuple),
    experiments=st.lists(st.sampled_from(list(EXPERIMENTS)), max_size=2).map(tuple),
    unassigned=st.booleans(),
    search=st.sampled_from(
        [
            None,
            {
                "Filters": [
                    {"Name": "Parameters.rank", "Operator": "GreaterThanOrEqualTo", "Value": "2"}
                ]
            },
        ]
    ),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(chosen=selections)
def test_a_selection_is_the_union_of_its_parts_narrowed_by_its_search(
    world: LocalStore, chosen: Selection
) -> None:
    found = [c.trial_component_name for c in selection.resolve(world, chosen)]

    assert len(found) == len(set(found)), "each component once"
    assert set(found) == expected(chosen)


def test_named_components_come_in_the_order_named(world: LocalStore) -> None:
    chosen = Selection(components=("scratch", "train-5", "preprocess"))

    found = selection.resolve(world, chosen)

    assert [c.trial_component_name for c in found] == ["scratch", "train-5", "preprocess"]


def test_a_limit_stops_the_fetching(world: LocalStore) -> None:
    assert len(selection.resolve(world, Selection(), limit=4)) == 4


@pytest.mark.parametrize(
    ("chosen", "kind"),
    [
        (Selection(trials=("ghost",)), "Trial"),
        (Selection(experiments=("ghost",)), "Experiment"),
        (Selection(components=("ghost",)), "TrialComponent"),
    ],
)
def test_an_unknown_name_is_not_found(world: LocalStore, chosen: Selection, kind: str) -> None:
    with pytest.raises(NotFound) as error:
        selection.resolve(world, chosen)

    assert error.value.kind == kind
    assert error.value.name == "ghost"


def test_an_unknown_trial_with_a_search_is_not_found_either(world: LocalStore) -> None:
    chosen = Selection.from_json({"trials": ["ghost"], "search": {"query": "parameters.rank > 1"}})

    with pytest.raises(NotFound):
        selection.resolve(world, chosen)


def test_typed_query_plain_words_and_expressions_read_the_same(world: LocalStore) -> None:
    typed = Selection.from_json(
        {"experiments": ["mnist"], "search": {"query": "parameters.rank >= 2"}}
    )
    plain = Selection.from_json({"experiments": ["mnist"], "search": {"query": "train"}})
    expression = Selection.from_json(
        {
            "experiments": ["mnist"],
            "search": {
                "search_expression": {
                    "Filters": [
                        {
                            "Name": "Parameters.rank",
                            "Operator": "GreaterThanOrEqualTo",
                            "Value": "2",
                        }
                    ]
                }
            },
        }
    )

    def names(chosen: Selection) -> list[str]:
        return sorted(c.trial_component_name for c in selection.resolve(world, chosen))

    assert names(typed) == names(expression) == ["train-5"]
    assert names(plain) == ["train-2", "train-5"]


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ([], "selection"),
        ({}, "selection"),
        ({"trial": ["x"]}, "selection.trial"),
        ({"components": "train-2"}, "selection.components"),
        ({"components": [""]}, "selection.components"),
        ({"unassigned": "yes"}, "selection.unassigned"),
        ({"search": {"query": "a", "search_expression": {}}}, "selection.search"),
    ],
)
def test_a_malformed_selection_names_the_field(value: Any, field: str) -> None:
    with pytest.raises(ValidationError) as error:
        Selection.from_json(value)

    assert error.value.field == field


def test_a_bad_query_in_a_selection_points_at_the_position() -> None:
    with pytest.raises(QueryError) as error:
        Selection.from_json({"search": {"query": "parameters.rank >"}})

    assert error.value.position is not None


# --- through the REST routes (tests/api_fixtures.py's world) --------------------------------------


async def test_the_table_of_an_experiment_is_one_request(api: Api) -> None:
    table = (await api.post("table", {"selection": {"experiments": ["mnist"]}})).body

    names = [row["TrialComponentName"] for row in table["rows"]]
    assert sorted(names) == ["preprocess", "train-adam", "train-sgd"]
    assert (table["total"], table["truncated"]) == (3, False)


async def test_the_table_of_experiments_trials_and_components_lists_each_once(api: Api) -> None:
    body = {
        "selection": {
            "experiments": ["cifar"],
            "trials": ["cnn-sgd"],
            "components": ["train-sgd", "scratch"],
            "unassigned": True,
        }
    }

    table = (await api.post("table", body)).body

    names = [row["TrialComponentName"] for row in table["rows"]]
    assert sorted(names) == ["preprocess", "resnet-train", "scratch", "train-sgd"]
    assert len(names) == len(set(names))


async def test_a_search_in_the_selection_narrows_the_table(api: Api) -> None:
    body = {"selection": {"experiments": ["mnist"], "search": {"query": "parameters.lr < 0.05"}}}

    table = (await api.post("table", body)).body

    assert [row["TrialComponentName"] for row in table["rows"]] == ["train-adam"]


async def test_the_table_describes_each_column_by_what_it_holds(api: Api) -> None:
    table = (await api.post("table", {"selection": {"trials": ["cnn-sgd"]}})).body

    kinds = {d["name"]: d for d in table["descriptors"]}
    assert [d["name"] for d in table["descriptors"][: len(table["columns"])]] == table["columns"]
    assert kinds["lr"] == {"name": "lr", "kind": "parameter", "parameter": "lr"}
    assert kinds["test:accuracy - Max"] == {
        "name": "test:accuracy - Max",
        "kind": "metric",
        "metric": "test:accuracy",
        "statistic": "Max",
    }
    assert kinds["raw - MediaType"]["kind"] == "input_artifact"
    assert kinds["model - Value"] == {
        "name": "model - Value",
        "kind": "output_artifact",
        "artifact": "model",
        "field": "Value",
    }
    assert [d["kind"] for d in table["descriptors"][len(table["columns"]) :]] == [
        "status",
        "time",
        "time",
    ]
    sgd = next(row for row in table["rows"] if row["TrialComponentName"] == "train-sgd")
    assert sgd["Status"] == "Completed"
    assert sgd["CreationTime"].startswith("20")


async def test_an_unknown_experiment_in_a_table_selection_is_404(api: Api) -> None:
    error = (await api.post("table", {"selection": {"experiments": ["ghost"]}}, expect=404)).body

    assert (error["kind"], error["name"]) == ("Experiment", "ghost")


async def test_a_table_selection_with_an_unknown_key_is_400(api: Api) -> None:
    error = (await api.post("table", {"selection": {"experiment": ["mnist"]}}, expect=400)).body

    assert error["field"] == "selection.experiment"


async def test_metrics_of_a_selection_draw_every_component_and_metric_asked(api: Api) -> None:
    body = {"selection": {"trials": ["cnn-sgd", "cnn-adam"]}, "metric_names": ["test:accuracy"]}

    series = (await api.post("metrics", body)).body["series"]

    assert sorted((s["component"], s["metric"]) for s in series) == [
        ("train-adam", "test:accuracy"),
        ("train-sgd", "test:accuracy"),
    ]
    assert all(s["raw_count"] == 4 for s in series)


async def test_metrics_need_queries_or_a_selection(api: Api) -> None:
    error = (await api.post("metrics", {"x_axis": "step"}, expect=400)).body

    assert error["message"] == "body: give exactly one of queries or selection"


async def test_a_chart_of_a_selection_draws_its_components(api: Api) -> None:
    request = {
        "chart_type": "scatter",
        "x": "parameters.lr",
        "y": "metrics.test:accuracy.max",
        "selection": {"experiments": ["mnist"], "search": {"query": "parameters.lr exists"}},
    }

    spec = (await api.post("chart", request)).body

    rows = spec["data"]["values"]
    assert sorted(row["component"] for row in rows) == ["train-adam", "train-sgd"]


async def test_info_lists_every_chart_type_with_its_fields(api: Api) -> None:
    info = (await api.get("info")).body

    types = {t["chart_type"]: t for t in info["chart_types"]}
    assert set(types) == {"line", "scatter", "bar", "histogram", "box", "parallel", "importance"}
    assert "smoothing" in types["line"]["fields"]["time_series"]
    assert types["histogram"]["data_types"] == ["summary"]
    assert "bins" in types["histogram"]["fields"]["summary"]
