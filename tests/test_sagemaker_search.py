"""Search on SageMaker: pushed down where SageMaker's Search can express it, finished locally
where it cannot, and the page says which."""

from __future__ import annotations

from typing import Any

import pytest
from sagemaker_fixtures import Aws, refused

from smx_lab.errors import QueryError
from smx_lab.query import parse_query, validate_expression
from smx_lab.stores.sagemaker.search import push_down

pytest_plugins = ["sagemaker_fixtures"]

COMPONENTS = "ExperimentTrialComponent"


def expression(text: str) -> dict[str, Any]:
    parsed = parse_query(text)
    assert parsed is not None
    return validate_expression(parsed)


def test_metric_and_parameter_filters_are_answered_by_sagemaker_alone(seeded: Aws) -> None:
    store = seeded.store()
    query = expression('metrics.test:accuracy.max > 0.92 and parameters.optimizer = "adam"')

    with store.aws.counting("test") as calls:
        page = store.search(COMPONENTS, query)

    assert [c.trial_component_name for c in page.items] == ["train-adam"]
    assert page.total == 1
    assert page.notes == []
    assert calls == {"Search": 1}


def test_search_sorts_by_metric_max_descending(seeded: Aws) -> None:
    page = seeded.store().search(
        COMPONENTS,
        expression("parameters.lr exists"),
        sort_by="metrics.test:accuracy.max",
        sort_order="Descending",
    )

    assert [c.trial_component_name for c in page.items] == ["train-adam", "train-sgd"]


def test_sort_is_sent_in_sagemakers_lower_case_metric_form(seeded: Aws) -> None:
    store = seeded.store()
    sent: list[dict[str, Any]] = []
    store.aws.client("sagemaker").meta.events.register(
        "provide-client-params.sagemaker.Search", lambda params, **_: sent.append(dict(params))
    )

    store.search(COMPONENTS, None, sort_by="Metrics.test:accuracy.Max", sort_order="Ascending")

    assert sent[0]["SortBy"] == "metrics.test:accuracy.max"
    assert sent[0]["SortOrder"] == "Ascending"


def test_number_parameter_in_a_list_is_evaluated_after_fetching_and_noted(seeded: Aws) -> None:
    page = seeded.store().search(COMPONENTS, expression("parameters.lr in (0.1, 0.5)"))

    assert [c.trial_component_name for c in page.items] == ["train-sgd"]
    assert page.total is None  # SageMaker's count covers the wider search it was sent
    assert len(page.notes) == 1
    assert "Parameters.lr In '0.1,0.5'" in page.notes[0]
    assert "after fetching" in page.to_dict()["notes"][0]


def test_pushed_part_still_narrows_what_is_fetched(seeded: Aws) -> None:
    store = seeded.store()
    sent: list[dict[str, Any]] = []
    store.aws.client("sagemaker").meta.events.register(
        "provide-client-params.sagemaker.Search", lambda params, **_: sent.append(dict(params))
    )

    page = store.search(
        COMPONENTS, expression('parents.trial_name = "cnn-sgd" and parameters.lr in (0.1)')
    )

    assert [c.trial_component_name for c in page.items] == ["train-sgd"]
    assert sent[0]["SearchExpression"] == {
        "Filters": [{"Name": "Parents.TrialName", "Operator": "Equals", "Value": "cnn-sgd"}],
        "Operator": "And",
    }


def test_or_with_a_branch_sagemaker_cannot_check_is_evaluated_whole(seeded: Aws) -> None:
    page = seeded.store().search(
        COMPONENTS, expression('parameters.lr in (0.01) or display_name = "Preprocessing"')
    )

    assert sorted(c.trial_component_name for c in page.items) == ["preprocess", "train-adam"]
    assert page.notes


def test_paging_through_a_partly_local_search_returns_every_match_once(seeded: Aws) -> None:
    store = seeded.store()
    query = expression("parameters.epochs in (4, 5) or parameters.test_fraction exists")
    seen: list[str] = []
    cursor = None
    while True:
        page = store.search(
            COMPONENTS, query, sort_by="Name", sort_order="Ascending", limit=1, cursor=cursor
        )
        seen += [c.trial_component_name for c in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break

    assert seen == ["preprocess", "train-adam", "train-sgd"]


def test_tag_and_status_filters_reach_experiments_and_components(seeded: Aws) -> None:
    store = seeded.store()

    experiments = store.search("Experiment", expression_for("Experiment", "tags.team = vision"))
    components = store.search(COMPONENTS, expression("status = completed and tags.team = vision"))

    assert [e.experiment_name for e in experiments.items] == ["mnist"]
    assert sorted(c.trial_component_name for c in components.items) == ["train-adam", "train-sgd"]


def test_trials_are_searched_by_experiment(seeded: Aws) -> None:
    page = seeded.store().search(
        "ExperimentTrial",
        expression_for("ExperimentTrial", 'experiment_name = "mnist"'),
        sort_by="Name",
    )

    assert [t.trial_name for t in page.items] == ["cnn-sgd", "cnn-adam"]


def test_query_sagemaker_rejects_is_a_400_with_sagemakers_message(seeded: Aws) -> None:
    store = seeded.store()
    with (
        refused(store, "search", "ValidationException", "Unknown property name: Parameters.x"),
        pytest.raises(QueryError) as raised,
    ):
        store.search(COMPONENTS, expression("parameters.x = 1"))

    assert raised.value.status == 400
    assert "Unknown property name: Parameters.x" in raised.value.message


def expression_for(resource: str, text: str) -> dict[str, Any]:
    parsed = parse_query(text, resource)
    assert parsed is not None
    return validate_expression(parsed, resource)


# --- the push-down plan itself ---------------------------------------------------------------


def test_push_down_sends_number_values_of_parameters_as_decimals() -> None:
    plan = push_down(expression("parameters.epochs > 3"), COMPONENTS)

    assert plan.expression == {
        "Filters": [{"Name": "Parameters.epochs", "Operator": "GreaterThan", "Value": "3.0"}],
        "Operator": "And",
    }
    assert plan.exact


def test_push_down_sends_times_as_iso_seconds() -> None:
    plan = push_down(expression("creation_time > 1700000000"), COMPONENTS)

    assert plan.expression is not None
    assert plan.expression["Filters"][0]["Value"] == "2023-11-14T22:13:20"


def test_push_down_sends_every_contains_that_validation_let_through() -> None:
    plan = push_down(
        expression(
            'source_arn contains "job" and display_name contains "a" and tags.team contains "v"'
        ),
        COMPONENTS,
    )

    assert plan.expression is not None
    sent = [(f["Name"], f["Operator"]) for f in plan.expression["Filters"]]
    assert sent == [
        ("Source.SourceArn", "Contains"),
        ("DisplayName", "Contains"),
        ("Tags.team", "Contains"),
    ]
    assert plan.exact


def test_push_down_of_metric_presence_leaves_it_to_local_evaluation() -> None:
    plan = push_down(expression("metrics.val_loss exists"), COMPONENTS)

    assert plan.expression is None
    assert plan.residual and plan.residual[0].startswith("Metrics.val_loss Exists")
