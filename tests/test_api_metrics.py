"""POST metrics: metric series by (component, metric), reduced to a point budget."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from api_fixtures import Api

pytest_plugins = ["pytest_jupyter.jupyter_server", "api_fixtures"]


async def test_series_by_step_for_a_metric_name_with_colon(api: Api) -> None:
    body = {"queries": [{"component": "train-sgd", "metric": "test:accuracy"}]}

    [series] = (await api.post("metrics", body)).body["series"]

    assert series["component"] == "train-sgd"
    assert series["metric"] == "test:accuracy"
    assert series["x_axis"] == "step"
    assert series["x"] == [0, 1, 2, 3]
    assert series["y"] == [0.5, 0.7, 0.9, 0.85]
    assert series["raw_count"] == 4
    assert series["reduced"] is False


async def test_series_come_back_in_the_order_asked(api: Api) -> None:
    body = {
        "queries": [
            {"component": "train-adam", "metric": "train:loss"},
            {"component": "train-sgd", "metric": "test:accuracy"},
        ]
    }

    series = (await api.post("metrics", body)).body["series"]

    assert [(s["component"], s["metric"]) for s in series] == [
        ("train-adam", "train:loss"),
        ("train-sgd", "test:accuracy"),
    ]


async def test_series_never_exceeds_max_points_and_keeps_first_and_last(api: Api) -> None:
    body = {"queries": [{"component": "train-sgd", "metric": "train:loss"}], "max_points": 10}

    [series] = (await api.post("metrics", body)).body["series"]

    assert len(series["x"]) <= 10
    assert series["raw_count"] == 50
    assert series["reduced"] is True
    assert (series["x"][0], series["y"][0]) == (0, 1.0)
    assert (series["x"][-1], series["y"][-1]) == (49, 1.0 / 50)


async def test_series_by_wall_clock_time(api: Api) -> None:
    from api_fixtures import T0  # the fixtures' first timestamp

    body = {"queries": [{"component": "train-sgd", "metric": "test:accuracy"}], "x_axis": "time"}

    [series] = (await api.post("metrics", body)).body["series"]

    assert series["x_axis"] == "time"
    assert series["x"] == [T0 + 100 + step for step in range(4)]


async def test_series_x_range_zooms(api: Api) -> None:
    body = {"queries": [{"component": "train-sgd", "metric": "train:loss"}], "x_range": [10, 19]}

    [series] = (await api.post("metrics", body)).body["series"]

    assert series["x"] == list(range(10, 20))
    assert series["raw_count"] == 10


async def test_series_of_unknown_component_is_404(api: Api) -> None:
    body = {"queries": [{"component": "no-such-run", "metric": "test:accuracy"}]}

    error = (await api.post("metrics", body, expect=404)).body

    assert error["name"] == "no-such-run"


async def test_max_points_below_two_is_400(api: Api) -> None:
    body = {"queries": [{"component": "train-sgd", "metric": "train:loss"}], "max_points": 1}

    error = (await api.post("metrics", body, expect=400)).body

    assert error["field"] == "max_points"


async def test_max_points_above_cap_is_400(api: Api) -> None:
    body = {"queries": [{"component": "train-sgd", "metric": "train:loss"}], "max_points": 10001}

    error = (await api.post("metrics", body, expect=400)).body

    assert error["field"] == "max_points"


async def test_more_than_a_hundred_queries_is_400(api: Api) -> None:
    body = {"queries": [{"component": "train-sgd", "metric": "train:loss"}] * 101}

    error = (await api.post("metrics", body, expect=400)).body

    assert error["field"] == "queries"


async def test_query_without_metric_is_400_naming_it(api: Api) -> None:
    error = (await api.post("metrics", {"queries": [{"component": "train-sgd"}]}, expect=400)).body

    assert error["field"] == "queries[0].metric"
    assert error["message"] == "queries[0].metric: is required"


async def test_unknown_x_axis_is_400(api: Api) -> None:
    body = {"queries": [{"component": "train-sgd", "metric": "train:loss"}], "x_axis": "epoch"}

    error = (await api.post("metrics", body, expect=400)).body

    assert error["field"] == "x_axis"


async def test_empty_x_range_is_400(api: Api) -> None:
    body = {"queries": [{"component": "train-sgd", "metric": "train:loss"}], "x_range": [5, 5]}

    error = (await api.post("metrics", body, expect=400)).body

    assert error["field"] == "x_range"


async def test_missing_queries_is_400(api: Api) -> None:
    error = (await api.post("metrics", {}, expect=400)).body

    assert error["message"] == "body: give exactly one of queries or selection"
