"""The server-paged trial component list (docs/compare.md): ``table`` with ``limit``,
``table/groups`` and ``table/csv`` on a real Jupyter server, against a plain-Python computation
over what tests/list_world.py wrote. Every test runs twice: on the embedded store's SQL paths, and
on a store without them (the paths of the SageMaker and MLflow stores: search, then records)."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from list_world import (
    METRICS,
    STATISTICS,
    RecordsOnlyStore,
    World,
    build,
    expected_groups,
    normal,
    sorted_names,
)

from smx_lab.stores.local import LocalStore

if TYPE_CHECKING:
    from api_fixtures import Api

pytest_plugins = ["pytest_jupyter.jupyter_server", "api_fixtures"]


@pytest.fixture(scope="module")
def world_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    path = tmp_path_factory.mktemp("list") / "world.sqlite"
    store = LocalStore(path)
    try:
        world = build(store)
    finally:
        store.close()
    return path, world


@pytest.fixture(params=["sql", "records"])
def paths(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def api_db_path(world_file: tuple[Path, World], tmp_path: Path) -> Path:
    copy = tmp_path / "world.sqlite"
    copy.write_bytes(world_file[0].read_bytes())
    return copy


@pytest.fixture
def smx_lab_config(api_db_path: Path, paths: str) -> dict[str, Any]:
    config: dict[str, Any] = {"store": "local", "db_path": str(api_db_path)}
    if paths == "records":
        config["store_class"] = RecordsOnlyStore
        config["worker_processes"] = 0
    return config


@pytest.fixture
def world(world_file: tuple[Path, World]) -> World:
    return world_file[1]


async def all_pages(api: Api, body: dict[str, Any], limit: int = 17) -> tuple[list[dict], dict]:
    """Every row of a paged table, walking the cursors; and the first answer."""
    rows: list[dict] = []
    first: dict | None = None
    cursor = None
    while True:
        page = {**body, "limit": limit, **({"cursor": cursor} if cursor else {})}
        answer = (await api.post("table", page)).body
        first = first or answer
        rows += answer["rows"]
        assert len(answer["rows"]) <= limit
        cursor = answer["next_cursor"]
        if cursor is None:
            break
    assert first is not None
    return rows, first


SORTS = [
    ("CreationTime", "Ascending"),
    ("CreationTime", "Descending"),
    ("Metrics.test:accuracy.Max", "Descending"),
    ("Metrics.extra.Last", "Ascending"),
    ("Parameters.lr", "Ascending"),
    ("Parameters.optimizer", "Descending"),
    ("DisplayName", "Ascending"),
]


@pytest.mark.parametrize(("sort_by", "order"), SORTS)
async def test_pages_of_a_sorted_selection_are_the_plain_python_sort(
    api: Api, world: World, paths: str, sort_by: str, order: str
) -> None:
    selection = {"experiments": ["exp-0", "exp-2"], "unassigned": True}
    expected = sorted_names(
        world.selected(experiments=("exp-0", "exp-2"), unassigned=True), sort_by, order
    )

    rows, first = await all_pages(
        api, {"selection": selection, "sort": {"by": sort_by, "order": order}}
    )

    assert [row["TrialComponentName"] for row in rows] == expected
    assert first["total"] == len(expected)
    assert first["truncated"] is False


async def test_lower_case_sort_and_every_row_carries_every_column(api: Api, world: World) -> None:
    selection = {"trials": ["exp-1-trial-0"]}
    rows, first = await all_pages(
        api, {"selection": selection, "sort": {"by": "metrics.train:loss.min"}}, limit=5
    )
    members = world.selected(trials=("exp-1-trial-0",))
    assert [r["TrialComponentName"] for r in rows] == sorted_names(
        members, "Metrics.train:loss.Min", "Ascending"
    )
    by_name = {c.name: c for c in members}
    for row in rows:
        assert set(row) == {*first["columns"], "Status", "CreationTime", "LastModifiedTime"}
        written = by_name[row["TrialComponentName"]]
        for metric in METRICS:
            for stat in STATISTICS:
                want = written.statistic(metric, stat)
                got = row[f"{metric} - {stat}"]
                assert (got is None) == (want is None)
                if want is not None:
                    assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)
        for name, value in written.parameters.items():
            assert row[name] == value
        assert row["Trials"] == written.trials


async def test_columns_are_the_whole_selections_and_say_which_parameters_differ(
    api: Api, world: World
) -> None:
    answer = (await api.post("table", {"selection": {"experiments": ["exp-1"]}, "limit": 1})).body
    members = world.selected(experiments=("exp-1",))
    parameters = sorted({name for c in members for name in c.parameters})
    metrics = sorted({m for c in members for m in c.metrics})
    assert answer["columns"] == [
        "TrialComponentName",
        "DisplayName",
        *parameters,
        *(f"{m} - {s}" for m in metrics for s in STATISTICS),
        "Trials",
        "Experiments",
    ]
    differs = {
        d["parameter"]: d["differs"] for d in answer["descriptors"] if d["kind"] == "parameter"
    }
    for name in parameters:
        values = {json.dumps(c.parameters[name]) for c in members if name in c.parameters}
        assert differs[name] == (len(values) > 1), name
    assert differs["constant"] is False
    assert differs["mixed"] is True
    sort_by = {d["name"]: d.get("sort_by") for d in answer["descriptors"]}
    assert sort_by["test:accuracy - Max"] == "Metrics.test:accuracy.Max"
    assert sort_by["lr"] == "Parameters.lr"
    assert sort_by["CreationTime"] == "CreationTime"
    assert answer["tag_keys"] == ["team"]
    assert answer["total"] == len(members)
    assert len(answer["rows"]) == 1


async def test_query_filter_narrows_on_the_server(api: Api, world: World) -> None:
    query = "metrics.test:accuracy.max > 0.5 and parameters.optimizer = adam"
    rows, first = await all_pages(
        api,
        {
            "selection": {"experiments": ["exp-0", "exp-1", "exp-2"], "search": {"query": query}},
            "sort": {"by": "Metrics.test:accuracy.Max", "order": "Descending"},
        },
    )
    expected = [
        c
        for c in world.selected(experiments=("exp-0", "exp-1", "exp-2"))
        if (c.statistic("test:accuracy", "Max") or 0) > 0.5
        and c.parameters.get("optimizer") == "adam"
    ]
    assert [r["TrialComponentName"] for r in rows] == sorted_names(
        expected, "Metrics.test:accuracy.Max", "Descending"
    )
    assert first["total"] == len(expected)


async def test_baseline_is_answered_apart_and_left_out_of_the_rows(api: Api, world: World) -> None:
    selection = {"experiments": ["exp-2"]}
    members = world.selected(experiments=("exp-2",))
    baseline = members[3].name
    rows, first = await all_pages(
        api, {"selection": selection, "baseline": baseline, "sort": {"by": "DisplayName"}}
    )
    names = [r["TrialComponentName"] for r in rows]
    assert baseline not in names
    assert names == [n for n in sorted_names(members, "DisplayName", "Ascending") if n != baseline]
    assert first["total"] == len(members) - 1
    assert first["baseline"]["TrialComponentName"] == baseline
    assert first["baseline"]["seed"] == members[3].parameters["seed"]

    outside = (
        await api.post("table", {"selection": selection, "baseline": "c-0-0-00", "limit": 5})
    ).body
    assert outside["baseline"] is None
    assert outside["total"] == len(members)
    assert any("baseline" in note for note in outside["notes"])


@pytest.mark.parametrize(
    "group_by",
    [
        ["Parameters.optimizer"],
        ["parameters.seed", "Tags.team"],
        ["Status.PrimaryStatus"],
        ["Parameters.mixed"],
    ],
)
async def test_groups_are_the_plain_python_groups(
    api: Api, world: World, group_by: list[str]
) -> None:
    selection = {"experiments": ["exp-0", "exp-1", "exp-2"], "unassigned": True}
    answer = (
        await api.post(
            "table/groups", {"selection": selection, "group_by": group_by, "limit": 1000}
        )
    ).body
    canonical = [p[0].upper() + p[1:] for p in group_by]
    members = world.selected(experiments=("exp-0", "exp-1", "exp-2"), unassigned=True)
    expected = expected_groups(members, canonical)
    assert answer["group_by"] == canonical
    assert answer["components"] == len(members)
    assert answer["total"] == len(expected)
    got = {tuple(g["key"]): g for g in answer["groups"]}
    assert set(got) == set(expected)
    for key, want in expected.items():
        group = got[key]
        assert group["count"] == want["count"]
        assert set(group["metrics"]) == set(want["metrics"])
        for column, stats in want["metrics"].items():
            for name, value in stats.items():
                held = group["metrics"][column][name]
                if value is None:
                    assert held is None
                else:
                    assert math.isclose(held, value, rel_tol=1e-9, abs_tol=1e-12), (column, name)


async def test_groups_sort_and_page(api: Api, world: World) -> None:
    selection = {"experiments": ["exp-0", "exp-1", "exp-2"]}
    members = world.selected(experiments=("exp-0", "exp-1", "exp-2"))
    expected = expected_groups(members, ["Parameters.optimizer", "Parameters.lr"])
    column = "test:accuracy - Max"
    by_mean = sorted(
        expected, key=lambda key: expected[key]["metrics"][column]["mean"], reverse=True
    )
    keys: list[tuple] = []
    cursor = None
    while True:
        body: dict[str, Any] = {
            "selection": selection,
            "group_by": ["Parameters.optimizer", "Parameters.lr"],
            "sort": {"by": "Metrics.test:accuracy.Max", "order": "Descending"},
            "limit": 4,
        }
        if cursor:
            body["cursor"] = cursor
        answer = (await api.post("table/groups", body)).body
        keys += [tuple(g["key"]) for g in answer["groups"]]
        cursor = answer["next_cursor"]
        if not cursor:
            break
    assert keys == by_mean

    by_count = (
        await api.post(
            "table/groups",
            {
                "selection": selection,
                "group_by": ["Parameters.optimizer"],
                "sort": {"by": "Count", "order": "Descending"},
            },
        )
    ).body
    counts = [g["count"] for g in by_count["groups"]]
    assert counts == sorted(counts, reverse=True)
    by_key = (
        await api.post("table/groups", {"selection": selection, "group_by": ["Parameters.lr"]})
    ).body
    assert [g["key"] for g in by_key["groups"]] == [[0.001], [0.01], [0.1], [None]]


async def test_a_group_expands_to_its_members(api: Api, world: World) -> None:
    selection = {"experiments": ["exp-0", "exp-1"]}
    members = world.selected(experiments=("exp-0", "exp-1"))
    for key in (["adam", 0.01], [None, 0.1], ["sgd", None]):
        rows, first = await all_pages(
            api,
            {
                "selection": selection,
                "group_by": ["Parameters.optimizer", "Parameters.lr"],
                "group": [key],
            },
            limit=5,
        )
        want = [
            c.name
            for c in members
            if [c.parameters.get("optimizer"), normal(c.parameters.get("lr"))] == key
        ]
        assert [r["TrialComponentName"] for r in rows] == want, key
        assert first["total"] == len(want)


async def test_csv_streams_the_whole_selection_in_order(api: Api, world: World) -> None:
    selection = {"experiments": ["exp-0", "exp-1", "exp-2"], "unassigned": True}
    members = world.selected(experiments=("exp-0", "exp-1", "exp-2"), unassigned=True)
    baseline = members[5].name
    response = await api.fetch(
        "smx-lab",
        "api",
        "table/csv",
        method="POST",
        body=json.dumps(
            {
                "selection": selection,
                "sort": {"by": "Metrics.test:accuracy.Last", "order": "Descending"},
                "columns": ["TrialComponentName", "optimizer", "test:accuracy - Last", "Trials"],
                "baseline": baseline,
            }
        ),
        raise_error=False,
    )
    assert response.code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "trial-components.csv" in response.headers["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.body.decode())))
    assert lines[0] == ["TrialComponentName", "optimizer", "test:accuracy - Last", "Trials"]
    order = [baseline] + [
        n
        for n in sorted_names(members, "Metrics.test:accuracy.Last", "Descending")
        if n != baseline
    ]
    assert [line[0] for line in lines[1:]] == order
    by_name = {c.name: c for c in members}
    for name, optimizer, last, trials in lines[1:]:
        written = by_name[name]
        assert optimizer == written.parameters.get("optimizer", "")
        want = written.statistic("test:accuracy", "Last")
        assert (last == "") == (want is None)
        if want is not None:
            assert math.isclose(float(last), want)
        assert trials == ", ".join(written.trials)


async def test_csv_refuses_an_unknown_column_as_json(api: Api) -> None:
    answer = await api.post(
        "table/csv",
        {"selection": {"experiments": ["exp-0"]}, "columns": ["nope"]},
        expect=400,
    )
    assert answer.body["field"] == "columns[0]"


@pytest.mark.parametrize(
    ("route", "body", "field"),
    [
        ("table", {"selection": {"experiments": ["exp-0"]}, "sort": {"by": "x"}}, "sort"),
        (
            "table",
            {"selection": {"experiments": ["exp-0"]}, "limit": 5, "sort": {"by": "Bogus"}},
            "sort.by",
        ),
        (
            "table",
            {
                "selection": {"experiments": ["exp-0"]},
                "limit": 5,
                "sort": {"by": "Metrics.test:accuracy"},
            },
            "sort.by",
        ),
        ("table", {"selection": {"experiments": ["exp-0"]}, "limit": 1001}, "limit"),
        ("table", {"selection": {"experiments": ["exp-0"]}, "limit": 5, "group": [["a"]]}, "group"),
        (
            "table",
            {
                "selection": {"experiments": ["exp-0"]},
                "limit": 5,
                "group_by": ["Parameters.optimizer"],
            },
            "group",
        ),
        (
            "table",
            {
                "selection": {"experiments": ["exp-0"]},
                "limit": 5,
                "group_by": ["Parameters.optimizer"],
                "group": [["a", "b"]],
            },
            "group[0]",
        ),
        ("table", {"selection": {"experiments": ["exp-0"]}, "limit": 5, "cursor": "abc"}, "cursor"),
        (
            "table/groups",
            {"selection": {"experiments": ["exp-0"]}, "group_by": ["DisplayName"]},
            "group_by[0]",
        ),
        ("table/groups", {"selection": {"experiments": ["exp-0"]}, "group_by": []}, "group_by"),
        (
            "table/groups",
            {
                "selection": {"experiments": ["exp-0"]},
                "group_by": ["Parameters.a"],
                "sort": {"by": "DisplayName"},
            },
            "sort.by",
        ),
    ],
)
async def test_bad_list_requests_name_the_field(
    api: Api, route: str, body: dict[str, Any], field: str
) -> None:
    answer = await api.post(route, body, expect=400)
    assert answer.body["field"] == field
    assert len(answer.response.body) < 2000


async def test_a_cursor_of_another_listing_is_refused(api: Api) -> None:
    first = (await api.post("table", {"selection": {"experiments": ["exp-0"]}, "limit": 3})).body
    answer = await api.post(
        "table",
        {"selection": {"experiments": ["exp-1"]}, "limit": 3, "cursor": first["next_cursor"]},
        expect=400,
    )
    assert answer.body["field"] == "cursor"


async def test_an_unknown_experiment_is_a_404_naming_it(api: Api) -> None:
    answer = await api.post(
        "table", {"selection": {"experiments": ["exp-0", "gone"]}, "limit": 3}, expect=404
    )
    assert answer.body["name"] == "gone"
    assert answer.body["kind"] == "Experiment"


async def test_groups_aggregate_only_the_statistics_asked_for(api: Api, world: World) -> None:
    answer = (
        await api.post(
            "table/groups",
            {
                "selection": {"experiments": ["exp-0"]},
                "group_by": ["Parameters.optimizer"],
                "statistics": ["Max", "Last"],
                "metric_names": ["test:accuracy"],
            },
        )
    ).body
    assert answer["metric_columns"] == ["test:accuracy - Max", "test:accuracy - Last"]
    expected = expected_groups(world.selected(experiments=("exp-0",)), ["Parameters.optimizer"])
    for group in answer["groups"]:
        assert set(group["metrics"]) == {"test:accuracy - Max", "test:accuracy - Last"}
        want = expected[tuple(group["key"])]["metrics"]["test:accuracy - Max"]
        assert math.isclose(group["metrics"]["test:accuracy - Max"]["mean"], want["mean"])


async def test_offset_starts_a_page_anywhere(api: Api, world: World) -> None:
    selection = {"experiments": ["exp-0", "exp-1", "exp-2"]}
    sort = {"by": "Metrics.train:loss.Last", "order": "Descending"}
    expected = sorted_names(
        world.selected(experiments=("exp-0", "exp-1", "exp-2")),
        "Metrics.train:loss.Last",
        "Descending",
    )
    for offset in (0, 7, len(expected) - 3, len(expected) + 5):
        answer = (
            await api.post(
                "table", {"selection": selection, "sort": sort, "limit": 5, "offset": offset}
            )
        ).body
        assert [r["TrialComponentName"] for r in answer["rows"]] == expected[offset : offset + 5]
        assert answer["total"] == len(expected)
        assert (answer["next_cursor"] is None) == (offset + 5 >= len(expected))
        if answer["next_cursor"]:
            following = (
                await api.post(
                    "table",
                    {
                        "selection": selection,
                        "sort": sort,
                        "limit": 5,
                        "cursor": answer["next_cursor"],
                    },
                )
            ).body
            assert [r["TrialComponentName"] for r in following["rows"]] == expected[
                offset + 5 : offset + 10
            ]
    groups = (
        await api.post(
            "table/groups", {"selection": selection, "group_by": ["Parameters.lr"], "offset": 2}
        )
    ).body
    assert [g["key"] for g in groups["groups"]] == [[0.1], [None]]
    both = await api.post(
        "table", {"selection": selection, "limit": 5, "offset": 5, "cursor": "x"}, expect=400
    )
    assert both.body["field"] == "offset"


async def test_an_unknown_named_component_is_a_404_naming_it(api: Api) -> None:
    answer = await api.post(
        "table", {"selection": {"components": ["c-0-0-00", "gone-run"]}, "limit": 3}, expect=404
    )
    assert (answer.body["kind"], answer.body["name"]) == ("TrialComponent", "gone-run")
