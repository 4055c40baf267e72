"""The one rule for query text (``smx_lab/query/text.py``): nothing, SearchExpression JSON, plain
words looked for in names, or the typed syntax — and a request's ``search_expression`` or
``query`` read with it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from smx_lab.errors import QueryError, ValidationError
from smx_lab.model import Experiment, Trial, TrialComponent
from smx_lab.query import (
    compile_request,
    compile_text,
    evaluate,
    is_plain_text,
    parse_query,
    validate_expression,
)
from smx_lab.stores.local import LocalStore
from smx_lab.vocabulary import EXPERIMENT, RESOURCES, TRIAL, TRIAL_COMPONENT

OWN_NAMES = {
    EXPERIMENT: "ExperimentName",
    TRIAL: "TrialName",
    TRIAL_COMPONENT: "TrialComponentName",
}


def names_contain(words: str, resource: str = TRIAL_COMPONENT) -> dict[str, Any]:
    """What plain words mean: the resource's own name or its display name contains them."""
    return {
        "Filters": [
            {"Name": OWN_NAMES[resource], "Operator": "Contains", "Value": words},
            {"Name": "DisplayName", "Operator": "Contains", "Value": words},
        ],
        "Operator": "Or",
    }


# --- nothing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [None, "", " ", "\t\n  "])
def test_no_text_is_no_filter(text: str | None) -> None:
    assert compile_text(text) is None


# --- SearchExpression JSON ----------------------------------------------------------------------

STATUS_JSON = {"Filters": [{"Name": "status", "Value": "completed"}]}


@pytest.mark.parametrize("padding", ["", "  ", "\n"])
def test_text_starting_with_a_brace_is_a_validated_search_expression(padding: str) -> None:
    expression = compile_text(padding + json.dumps(STATUS_JSON))

    assert expression == validate_expression(STATUS_JSON)
    assert expression == {
        "Filters": [{"Name": "Status.PrimaryStatus", "Operator": "Equals", "Value": "Completed"}],
        "Operator": "And",
    }


def test_json_is_validated_for_the_resource_given() -> None:
    text = json.dumps({"Filters": [{"Name": "Description", "Operator": "Exists"}]})

    assert compile_text(text, EXPERIMENT) == {
        "Filters": [{"Name": "Description", "Operator": "Exists"}],
        "Operator": "And",
    }
    with pytest.raises(QueryError, match="unknown property 'Description'"):
        compile_text(text, TRIAL_COMPONENT)


@pytest.mark.parametrize("text", ['{"Filters": [}', '  {"Filters": [', "{", '{"a": 1} trailing'])
def test_json_that_does_not_parse_says_where_it_broke(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)

    with pytest.raises(QueryError) as raised:
        compile_text(text, field="search.query")

    assert raised.value.position == expected.value.pos
    assert raised.value.message.startswith(f"at position {expected.value.pos}: ")
    assert "SearchExpression JSON does not parse" in raised.value.message
    assert raised.value.to_dict()["field"] == "search.query"
    assert raised.value.to_dict()["position"] == expected.value.pos


def test_a_bad_property_in_json_names_the_field_and_the_path() -> None:
    text = json.dumps({"Filters": [{"Name": "parameter.lr", "Operator": "Exists"}]})

    with pytest.raises(QueryError) as raised:
        compile_text(text)

    assert raised.value.message.startswith("query.Filters[0].Name: unknown property")
    assert "Parameters.lr" in raised.value.suggestions
    assert raised.value.details["field"] == "query"


def test_a_bad_shape_in_json_is_a_validation_error_at_its_path() -> None:
    text = json.dumps({"Filters": [{"Name": "status", "Operator": "Like", "Value": "x"}]})

    with pytest.raises(ValidationError) as raised:
        compile_text(text, field="search.query")

    assert raised.value.field == "search.query.Filters[0].Operator"


# --- plain words --------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", RESOURCES)
def test_plain_words_look_in_the_name_and_the_display_name(resource: str) -> None:
    assert compile_text("  cnn 3 ", resource) == names_contain("cnn 3", resource)


@pytest.mark.parametrize("words", ["cnn", "CNN-3", "training sgd", "val/acc", "it's", "hello!"])
def test_words_without_operators_or_keywords_are_plain(words: str) -> None:
    assert is_plain_text(words)
    assert compile_text(words) == names_contain(words.strip())


def test_plain_words_longer_than_a_filter_value_name_the_field() -> None:
    with pytest.raises(ValidationError) as raised:
        compile_text("x" * 1025, field="search.query")

    assert raised.value.field == "search.query"
    assert compile_text("x" * 1024) == names_contain("x" * 1024)


# --- the typed syntax ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "status = Completed",
        "name contains cnn",
        "metrics.test:accuracy.max > 0.9 and parameters.optimizer = 'sgd'",
        "(status = Failed or status = Stopped) and parameters.lr exists",
        "parents.trial in (cnn-2, cnn-5)",
    ],
)
def test_anything_else_is_the_typed_syntax(text: str) -> None:
    assert not is_plain_text(text)
    assert compile_text(text) == parse_query(text)


def test_the_typed_syntax_is_read_for_the_resource_given() -> None:
    assert compile_text("description exists", EXPERIMENT) == {
        "Filters": [{"Name": "Description", "Operator": "Exists"}],
        "Operator": "And",
    }


def test_a_malformed_typed_query_names_the_field_and_the_position() -> None:
    text = "metrics.test:accuracy.max > "

    with pytest.raises(QueryError) as raised:
        compile_text(text, field="search.query")

    # The message is parse_query's own, so that %smx search prints it unchanged.
    with pytest.raises(QueryError) as direct:
        parse_query(text)
    assert raised.value.message == direct.value.message
    assert raised.value.position == len(text)
    assert raised.value.expected
    assert raised.value.to_dict() == {**direct.value.to_dict(), "field": "search.query"}


def test_an_unknown_field_in_a_typed_query_suggests_close_matches() -> None:
    with pytest.raises(QueryError) as raised:
        compile_text("paramaters.lr > 0.1")

    assert raised.value.position == 0
    assert "Parameters.lr" in raised.value.suggestions
    assert raised.value.details["field"] == "query"


# --- what is refused before reading ---------------------------------------------------------------


@pytest.mark.parametrize("text", [42, ["cnn"], {"Filters": []}])
def test_text_that_is_not_a_string_names_the_field(text: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        compile_text(text, field="search.query")

    assert raised.value.field == "search.query"


def test_an_unknown_resource_is_refused_whatever_the_text() -> None:
    for text in (None, "cnn", "status = Completed"):
        with pytest.raises(ValidationError) as raised:
            compile_text(text, "TrainingJob")
        assert raised.value.field == "resource"


# --- requests -----------------------------------------------------------------------------------


def test_a_request_with_neither_field_has_no_filter() -> None:
    assert compile_request({}) is None
    assert compile_request({"limit": 10, "resource": EXPERIMENT}, EXPERIMENT) is None
    assert compile_request({"query": None}) is None
    assert compile_request({"query": "   "}) is None


def test_a_request_query_is_read_as_text() -> None:
    assert compile_request({"query": "cnn"}, TRIAL) == names_contain("cnn", TRIAL)
    assert compile_request({"query": "status = Completed"}) == parse_query("status = Completed")
    assert compile_request({"query": json.dumps(STATUS_JSON)}) == validate_expression(STATUS_JSON)


def test_a_request_search_expression_is_validated() -> None:
    assert compile_request({"search_expression": STATUS_JSON}) == validate_expression(STATUS_JSON)


def test_a_request_with_both_fields_is_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        compile_request({"search_expression": STATUS_JSON, "query": "cnn"}, field_prefix="search.")

    assert raised.value.field == "search.query"
    assert "not both" in raised.value.rule


def test_request_errors_name_the_field_under_its_prefix() -> None:
    bad_shape = {"search_expression": {"Filters": [{"Name": "status", "Operator": "Like"}]}}
    with pytest.raises(ValidationError) as shape:
        compile_request(bad_shape, field_prefix="search.")
    assert shape.value.field == "search.search_expression.Filters[0].Operator"

    bad_property = {"search_expression": {"Filters": [{"Name": "nope", "Operator": "Exists"}]}}
    with pytest.raises(QueryError) as unknown:
        compile_request(bad_property, field_prefix="search.")
    assert unknown.value.message.startswith("search.search_expression.Filters[0].Name:")
    assert unknown.value.details["field"] == "search.search_expression"

    with pytest.raises(QueryError) as typed:
        compile_request({"query": "name = (x"}, field_prefix="search.")
    assert typed.value.details["field"] == "search.query"
    assert typed.value.position is not None

    with pytest.raises(ValidationError) as not_text:
        compile_request({"query": 3})
    assert not_text.value.field == "query"


def test_a_request_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        compile_request(["cnn"], field_prefix="search.")  # type: ignore[arg-type]

    assert raised.value.field == "search"


def test_a_search_expression_of_null_is_refused_not_ignored() -> None:
    with pytest.raises(ValidationError) as raised:
        compile_request({"search_expression": None})

    assert raised.value.field == "search_expression"


# --- plain words find what the sidebar's name filter finds --------------------------------------


@pytest.fixture
def named(store: LocalStore) -> LocalStore:
    """Experiments, trials and components whose names and display names differ in case and
    content (names and display names allow letters, digits and hyphens only), written
    through the store."""
    store.create_experiment("mnist-cnn", display_name="Digits")
    store.create_experiment("fashion", display_name="Fashion-CNN-sweep")
    store.create_experiment("xgboost-churn")
    store.create_trial("cnn-2", "mnist-cnn")
    store.create_trial("cnn-5", "mnist-cnn", display_name="Five-Hidden-Units")
    store.create_trial("trial-a", "fashion", display_name="ResNet-CNN")
    store.create_trial("boost-1", "xgboost-churn", display_name="Depth-3")
    components = [
        ("training-cnn-2", None, "cnn-2"),
        ("training-cnn-5", "Training-CNN-5", "cnn-5"),
        ("preprocessing", "Preprocessing", "cnn-2"),
        ("resnet-train", "ResNet-training", "trial-a"),
        ("boost-train", "Boost-CNN", "boost-1"),
        ("scratch", "scratch-pad", None),
    ]
    for name, display_name, trial in components:
        store.create_trial_component(name, display_name=display_name)
        if trial is not None:
            store.associate_trial_component(name, trial)
    return store


def _name(record: Experiment | Trial | TrialComponent) -> str:
    if isinstance(record, TrialComponent):
        return record.trial_component_name
    if isinstance(record, Trial):
        return record.trial_name
    return record.experiment_name


def _listed(store: LocalStore, resource: str, words: str | None) -> list[Any]:
    """Every record the sidebar's name filter (``list_*(name_contains=...)``) shows."""
    if resource == EXPERIMENT:
        return store.list_experiments(name_contains=words, limit=100).items
    if resource == TRIAL:
        return [
            trial
            for experiment in store.list_experiments(limit=100).items
            for trial in store.list_trials(
                experiment.experiment_name, name_contains=words, limit=100
            ).items
        ]
    listed: list[Any] = []
    for scope in (
        {"unassigned": True},
        *({"trial_name": _name(t)} for t in _listed(store, TRIAL, None)),
    ):
        listed += store.list_trial_components(name_contains=words, limit=100, **scope).items
    return listed


WORDS = [
    "cnn",
    "CNN",
    "train",
    "Train",
    "re",
    "5",
    "BOOST",
    "-",
    "cnn-5",
    "Five-h",
    "pad",
    "none-such",
]


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("words", WORDS)
def test_plain_words_find_what_the_name_filter_finds(
    named: LocalStore, resource: str, words: str
) -> None:
    expression = compile_text(words, resource)

    searched = named.search(resource, expression, limit=100).items  # type: ignore[arg-type]
    listed = _listed(named, resource, words)
    everything = _listed(named, resource, None)

    assert sorted({_name(r) for r in searched}) == sorted({_name(r) for r in listed})
    # The Python evaluation agrees with both.
    assert sorted({_name(r) for r in everything if evaluate(expression, r)}) == sorted(
        {_name(r) for r in listed}
    )


def test_the_name_filter_fixture_exercises_both_name_and_display_name(named: LocalStore) -> None:
    by_name_only = {_name(c) for c in _listed(named, TRIAL_COMPONENT, "cnn")}
    # "cnn" is in the names of the first two and in the display name only of "boost-train".
    assert by_name_only == {"training-cnn-2", "training-cnn-5", "boost-train"}
    assert {_name(e) for e in _listed(named, EXPERIMENT, "cnn")} == {"mnist-cnn", "fashion"}
