"""POST search: SageMaker's SearchExpression verbatim or the typed query language."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from api_fixtures import Api

pytest_plugins = ["pytest_jupyter.jupyter_server", "api_fixtures"]


def names(page: dict) -> list[str]:
    return [
        item.get("TrialComponentName") or item.get("TrialName") or item["ExperimentName"]
        for item in page["items"]
    ]


async def test_search_with_a_sagemaker_search_expression(api: Api) -> None:
    body = {
        "resource": "ExperimentTrialComponent",
        "search_expression": {
            "Filters": [
                {"Name": "Parents.ExperimentName", "Operator": "Equals", "Value": "mnist"},
                {"Name": "Metrics.test:accuracy.Max", "Operator": "GreaterThan", "Value": "0.92"},
            ]
        },
    }

    page = (await api.post("search", body)).body

    assert names(page) == ["train-adam"]
    assert page["total"] == 1


async def test_search_filter_without_operator_means_equals(api: Api) -> None:
    body = {"search_expression": {"Filters": [{"Name": "Parameters.optimizer", "Value": "sgd"}]}}

    assert names((await api.post("search", body)).body) == ["train-sgd"]


async def test_search_with_typed_query_sorted_by_metric_max_descending(api: Api) -> None:
    body = {
        "query": 'parents.experiment_name = "mnist" and metrics.test:accuracy.max exists',
        "sort_by": "metrics.test:accuracy.max",
        "sort_order": "Descending",
    }

    assert names((await api.post("search", body)).body) == ["train-adam", "train-sgd"]


async def test_search_sort_order_accepts_asc(api: Api) -> None:
    body = {"query": "parameters.lr exists", "sort_by": "parameters.lr", "sort_order": "asc"}

    assert names((await api.post("search", body)).body) == ["train-adam", "train-sgd"]


async def test_search_plain_words_look_for_names(api: Api) -> None:
    assert sorted(names((await api.post("search", {"query": "train"})).body)) == [
        "resnet-train",
        "train-adam",
        "train-sgd",
    ]


async def test_search_nested_or_sub_expressions(api: Api) -> None:
    body = {
        "search_expression": {
            "Operator": "Or",
            "SubExpressions": [
                {"Filters": [{"Name": "Parameters.optimizer", "Value": "adam"}]},
                {"Filters": [{"Name": "DisplayName", "Operator": "Contains", "Value": "scratch"}]},
            ],
        }
    }

    assert sorted(names((await api.post("search", body)).body)) == ["scratch", "train-adam"]


async def test_search_trials_and_experiments(api: Api) -> None:
    trials = (
        await api.post(
            "search", {"resource": "ExperimentTrial", "query": "experiment_name = cifar"}
        )
    ).body
    experiments = (await api.post("search", {"resource": "Experiment", "query": "mni"})).body

    assert names(trials) == ["resnet"]
    assert names(experiments) == ["mnist"]


async def test_search_pages_with_cursor(api: Api) -> None:
    body = {
        "query": "name contains train",
        "sort_by": "Name",
        "sort_order": "Ascending",
        "limit": 2,
    }

    first = (await api.post("search", body)).body
    second = (await api.post("search", {**body, "cursor": first["next_cursor"]})).body

    assert names(first) == ["resnet-train", "train-adam"]
    assert names(second) == ["train-sgd"]
    assert first["total"] == second["total"] == 3
    assert second["next_cursor"] is None


async def test_malformed_typed_query_is_400_with_position_and_expected(api: Api) -> None:
    error = (await api.post("search", {"query": "metrics.test:accuracy.max > "}, expect=400)).body

    assert error["error"] == "invalid_query"
    assert error["position"] == len("metrics.test:accuracy.max > ")
    assert error["expected"]


async def test_unknown_field_in_typed_query_lists_close_matches(api: Api) -> None:
    error = (await api.post("search", {"query": "paramaters.lr > 0.1"}, expect=400)).body

    assert error["error"] == "invalid_query"
    assert any(s.lower().startswith("parameters") for s in error["suggestions"])


async def test_bad_search_expression_names_the_path(api: Api) -> None:
    body = {
        "search_expression": {
            "Filters": [{"Name": "Parameters.lr", "Operator": "Bigger", "Value": "1"}]
        }
    }

    error = (await api.post("search", body, expect=400)).body

    assert error["field"].startswith("search_expression.Filters[0]")


async def test_more_than_twenty_filters_is_400(api: Api) -> None:
    filters = [{"Name": "Parameters.lr", "Operator": "Exists"}] * 21

    error = (await api.post("search", {"search_expression": {"Filters": filters}}, expect=400)).body

    assert "Filters" in error["field"]


async def test_search_expression_and_query_together_is_400(api: Api) -> None:
    error = (await api.post("search", {"query": "x", "search_expression": {}}, expect=400)).body

    assert error["message"] == "body: give search_expression or query, not both"


async def test_search_unknown_field_is_400_naming_it(api: Api) -> None:
    error = (await api.post("search", {"query": "train", "limt": 5}, expect=400)).body

    assert error["field"] == "limt"
    assert "not a known field" in error["message"]


async def test_search_unknown_resource_is_400(api: Api) -> None:
    error = (await api.post("search", {"resource": "Model"}, expect=400)).body

    assert error["field"] == "resource"


async def test_search_limit_above_cap_is_400(api: Api) -> None:
    error = (await api.post("search", {"limit": 501}, expect=400)).body

    assert error["field"] == "limit"
    assert "500" in error["message"]


async def test_search_limit_of_wrong_type_is_400(api: Api) -> None:
    error = (await api.post("search", {"limit": "ten"}, expect=400)).body

    assert error["field"] == "limit"


async def test_search_unknown_sort_field_is_400(api: Api) -> None:
    error = (await api.post("search", {"sort_by": "metrics.accuracy.median"}, expect=400)).body

    assert error["field"] == "sort_by"


async def test_search_bad_cursor_is_400(api: Api) -> None:
    error = (await api.post("search", {"cursor": "not-a-cursor"}, expect=400)).body

    assert error["field"] == "cursor"


async def test_search_cursor_of_another_query_is_400(api: Api) -> None:
    first = (await api.post("search", {"query": "train", "limit": 1})).body

    error = (
        await api.post("search", {"query": "scratch", "cursor": first["next_cursor"]}, expect=400)
    ).body

    assert error["field"] == "cursor"


async def test_search_injection_text_is_just_a_value(api: Api) -> None:
    body = {"search_expression": {"Filters": [{"Name": "DisplayName", "Value": "x' OR '1'='1"}]}}

    page = (await api.post("search", body)).body

    assert page["items"] == []
    assert page["total"] == 0
