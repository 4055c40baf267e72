"""The query language (``smx_lab/query/``): property names, the typed syntax, SearchExpression
validation against SageMaker's limits, and the Python evaluation the SageMaker store falls back
on."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from smx_lab.errors import QueryError, ValidationError
from smx_lab.model import (
    Artifact,
    Experiment,
    MetricSummary,
    Parent,
    Source,
    Status,
    Trial,
    TrialComponent,
)
from smx_lab.query import (
    canonical_property,
    close_matches,
    evaluate,
    is_plain_text,
    parse_query,
    validate_expression,
)

TC = "ExperimentTrialComponent"

# --------------------------------------------------------------------------------------------
# Property names
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("name", "TrialComponentName"),
        ("Name", "TrialComponentName"),
        ("trial_component_name", "TrialComponentName"),
        ("display_name", "DisplayName"),
        ("DISPLAYNAME", "DisplayName"),
        ("status", "Status.PrimaryStatus"),
        ("parents.trial_name", "Parents.TrialName"),
        ("parents.experiment_name", "Parents.ExperimentName"),
        ("tags.team", "Tags.team"),
        ("parameters.lr", "Parameters.lr"),
        ("Parameters.Learning.Rate", "Parameters.Learning.Rate"),
        ("metrics.test:accuracy.max", "Metrics.test:accuracy.Max"),
        ("metrics.val/loss-ema.0.5.stddev", "Metrics.val/loss-ema.0.5.StdDev"),
        ("Metrics.loss.AVG", "Metrics.loss.Avg"),
        ("metrics.val_loss", "Metrics.val_loss"),
        ("creation_time", "CreationTime"),
        ("LastModifiedTime", "LastModifiedTime"),
        ("start_time", "StartTime"),
        ("EndTime", "EndTime"),
        ("source.source_arn", "Source.SourceArn"),
        ("Source.SourceType", "Source.SourceType"),
        ("input_artifacts.train.value", "InputArtifacts.train.Value"),
        ("OutputArtifacts.model", "OutputArtifacts.model.Value"),
        ("outputartifacts.model.tar.gz.mediatype", "OutputArtifacts.model.tar.gz.MediaType"),
    ],
)
def test_typed_aliases_map_to_sagemaker_property_names(typed: str, canonical: str) -> None:
    assert canonical_property(typed) == canonical


@pytest.mark.parametrize(
    ("resource", "typed", "canonical"),
    [
        ("ExperimentTrial", "name", "TrialName"),
        ("ExperimentTrial", "experiment_name", "ExperimentName"),
        ("Experiment", "Name", "ExperimentName"),
        ("Experiment", "description", "Description"),
        ("Experiment", "tags.owner", "Tags.owner"),
    ],
)
def test_other_resources_have_their_own_names(resource: str, typed: str, canonical: str) -> None:
    assert canonical_property(typed, resource) == canonical


def test_unknown_property_lists_close_matches() -> None:
    with pytest.raises(QueryError) as raised:
        canonical_property("creation_tim")
    assert "CreationTime" in raised.value.suggestions
    assert raised.value.to_dict()["suggestions"] == raised.value.suggestions


def test_misspelt_prefix_suggests_the_same_name_under_the_right_prefix() -> None:
    with pytest.raises(QueryError) as raised:
        canonical_property("metric.test:accuracy.max")
    assert raised.value.suggestions[0] == "Metrics.test:accuracy.Max"


def test_component_properties_are_unknown_for_experiments() -> None:
    with pytest.raises(QueryError, match="unknown property 'parameters.lr' for Experiment"):
        canonical_property("parameters.lr", "Experiment")


def test_close_matches_ignores_case_and_keeps_the_known_spelling() -> None:
    assert close_matches("displayname", ["DisplayName", "StartTime"]) == ["DisplayName"]


# --------------------------------------------------------------------------------------------
# The typed syntax
# --------------------------------------------------------------------------------------------


def _only_filter(text: str) -> dict[str, Any]:
    expression = parse_query(text)
    assert expression is not None
    assert list(expression) == ["Filters", "Operator"] and len(expression["Filters"]) == 1
    return dict(expression["Filters"][0])


@pytest.mark.parametrize(
    ("text", "operator"),
    [
        ("parameters.lr = 0.1", "Equals"),
        ("parameters.lr == 0.1", "Equals"),
        ("parameters.lr != 0.1", "NotEquals"),
        ("parameters.lr > 0.1", "GreaterThan"),
        ("parameters.lr >= 0.1", "GreaterThanOrEqualTo"),
        ("parameters.lr < 0.1", "LessThan"),
        ("parameters.lr <= 0.1", "LessThanOrEqualTo"),
        ("parameters.lr contains 0.1", "Contains"),
        ("parameters.lr CONTAINS 0.1", "Contains"),
        ("parameters.lr in (0.1)", "In"),
    ],
)
def test_each_comparison_operator_compiles_to_its_sagemaker_operator(
    text: str, operator: str
) -> None:
    assert _only_filter(text) == {"Name": "Parameters.lr", "Operator": operator, "Value": "0.1"}


def test_exists_and_not_exists_take_no_value() -> None:
    assert _only_filter("metrics.val_loss exists") == {
        "Name": "Metrics.val_loss",
        "Operator": "Exists",
    }
    assert _only_filter("tags.team NOT Exists") == {"Name": "Tags.team", "Operator": "NotExists"}


def test_in_list_becomes_a_comma_separated_value() -> None:
    assert _only_filter("parameters.lr in (0.1, 0.01 ,'1e-3')")["Value"] == "0.1,0.01,1e-3"


def test_quoted_strings_keep_spaces_operators_and_escaped_quotes() -> None:
    assert _only_filter('display_name = "a = b (c)"')["Value"] == "a = b (c)"
    assert _only_filter(r"display_name = 'it\'s'")["Value"] == "it's"
    assert _only_filter(r'display_name = "say \"hi\""')["Value"] == 'say "hi"'


def test_bare_words_are_string_values() -> None:
    assert _only_filter("status = Completed")["Value"] == "Completed"
    assert _only_filter("source.source_arn = arn:aws:sagemaker:us-east-1:1:job/x-1")["Value"] == (
        "arn:aws:sagemaker:us-east-1:1:job/x-1"
    )


def test_quoted_property_names_may_hold_spaces() -> None:
    assert _only_filter('"parameters.batch size" = 64')["Name"] == "Parameters.batch size"


def test_status_values_are_matched_in_sagemakers_spelling() -> None:
    assert _only_filter("status = completed")["Value"] == "Completed"
    assert _only_filter("status in (failed, stopped)")["Value"] == "Failed,Stopped"


def test_and_binds_tighter_than_or() -> None:
    assert parse_query("name = a or name = b and name = c") == {
        "Filters": [{"Name": "TrialComponentName", "Operator": "Equals", "Value": "a"}],
        "SubExpressions": [
            {
                "Filters": [
                    {"Name": "TrialComponentName", "Operator": "Equals", "Value": "b"},
                    {"Name": "TrialComponentName", "Operator": "Equals", "Value": "c"},
                ],
                "Operator": "And",
            }
        ],
        "Operator": "Or",
    }


def test_parentheses_override_precedence() -> None:
    expression = parse_query(
        '(parents.trial_name contains "cnn" or tags.team = "vision") and status = Completed'
    )
    assert expression == {
        "Filters": [{"Name": "Status.PrimaryStatus", "Operator": "Equals", "Value": "Completed"}],
        "SubExpressions": [
            {
                "Filters": [
                    {"Name": "Parents.TrialName", "Operator": "Contains", "Value": "cnn"},
                    {"Name": "Tags.team", "Operator": "Equals", "Value": "vision"},
                ],
                "Operator": "Or",
            }
        ],
        "Operator": "And",
    }


def test_keywords_are_case_insensitive() -> None:
    assert parse_query("name = a AND name = b Or name = c") == parse_query(
        "name = a and name = b or name = c"
    )


def test_redundant_parentheses_add_no_levels() -> None:
    assert parse_query("((name = a) and (name = b)) and name = c") == parse_query(
        "name = a and name = b and name = c"
    )


def test_more_than_twenty_conditions_are_grouped_within_sagemakers_limit() -> None:
    text = " or ".join(f"parameters.p{i} exists" for i in range(25))
    expression = parse_query(text)
    assert expression is not None
    assert [len(sub["Filters"]) for sub in expression["SubExpressions"]] == [20, 5]
    assert all(sub["Operator"] == "Or" for sub in expression["SubExpressions"])


def test_design_examples_parse() -> None:
    assert parse_query('metrics.test:accuracy.max > 0.9 and parameters.optimizer = "sgd"') == {
        "Filters": [
            {"Name": "Metrics.test:accuracy.Max", "Operator": "GreaterThan", "Value": "0.9"},
            {"Name": "Parameters.optimizer", "Operator": "Equals", "Value": "sgd"},
        ],
        "Operator": "And",
    }


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_text_matches_everything(text: str) -> None:
    assert parse_query(text) is None


@pytest.mark.parametrize(
    ("text", "position", "expected", "message"),
    [
        (
            "metrics.test:accuracy.max > ",
            28,
            ["value"],
            "at position 28: expected a value after '>'",
        ),
        ("parameters.lr", 13, None, "expected an operator after 'parameters.lr'"),
        ("parameters.lr = 1 and", 21, ["property name", "("], "expected a property name or ("),
        (
            "(name = a or name = b",
            21,
            [")", "and", "or"],
            "expected ) to close the ( at position 0",
        ),
        ("name = a)", 8, ["and", "or", "end of query"], "this ) closes no ("),
        ("name = a name = b", 9, ["and", "or", "end of query"], "expected and, or or the end"),
        ('name = "abc', 7, ['"'], 'expected a closing " for the string'),
        ("tags.team not x", 14, ["exists"], "expected exists after 'not'"),
        ("parameters.lr in 0.1", 17, ["("], "expected ( after 'in'"),
        ("parameters.lr in (0.1 0.2)", 22, [",", ")"], "expected , or ) in the list"),
        ("name ! a", 5, None, "unexpected '!'"),
        ("= a", 0, ["property name", "("], "expected a property name or ("),
    ],
)
def test_syntax_errors_give_the_position_and_what_was_expected(
    text: str, position: int, expected: list[str] | None, message: str
) -> None:
    with pytest.raises(QueryError) as raised:
        parse_query(text)
    error = raised.value
    assert error.position == position
    assert message in error.message
    assert error.message.startswith(f"at position {position}: ")
    if expected is not None:
        assert error.expected == expected
    assert error.to_dict()["error"] == "invalid_query"


def test_deeply_nested_parentheses_are_refused_with_a_position() -> None:
    with pytest.raises(QueryError) as raised:
        parse_query("(" * 5000 + "name = a" + ")" * 5000)
    assert raised.value.position == 50
    assert parse_query("(" * 10 + "name = a" + ")" * 10) == parse_query("name = a")


def test_operator_error_lists_every_operator_that_fits() -> None:
    with pytest.raises(QueryError) as raised:
        parse_query("parameters.lr 0.1")
    assert raised.value.expected == [
        "=",
        "!=",
        ">",
        ">=",
        "<",
        "<=",
        "contains",
        "exists",
        "not exists",
        "in",
    ]


def test_unknown_field_in_a_query_points_at_it_and_lists_close_matches() -> None:
    with pytest.raises(QueryError) as raised:
        parse_query("status = Completed and creaton_time > 2024-01-01")
    assert raised.value.position == 23
    assert "CreationTime" in raised.value.suggestions


def test_a_value_the_property_cannot_take_points_at_the_condition() -> None:
    with pytest.raises(QueryError) as raised:
        parse_query("name = a and metrics.loss.max > low")
    assert raised.value.position == 13
    assert "Metrics.loss.Max is a number" in raised.value.message


def test_metric_without_statistic_in_a_comparison_suggests_statistics() -> None:
    with pytest.raises(QueryError) as raised:
        parse_query("metrics.loss < 0.5")
    assert "Metrics.loss.Last" in raised.value.suggestions


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("cnn", True),
        ("mnist run 3", True),
        ("it's", True),
        ("status = Completed", False),
        ("metrics.val_loss exists", False),
        ("name contains cnn", False),
        ("(cnn", False),
        ("", False),
    ],
)
def test_plain_words_are_told_apart_from_queries(text: str, plain: bool) -> None:
    assert is_plain_text(text) is plain


# --------------------------------------------------------------------------------------------
# Validation of SearchExpression JSON
# --------------------------------------------------------------------------------------------


def test_missing_operator_defaults_to_equals_and_names_are_canonicalised() -> None:
    expression = {"Filters": [{"Name": "parameters.optimizer", "Value": "sgd"}]}
    assert validate_expression(expression, TC) == {
        "Filters": [{"Name": "Parameters.optimizer", "Operator": "Equals", "Value": "sgd"}],
        "Operator": "And",
    }


def test_filter_without_operator_and_value_tests_presence() -> None:
    normalised = validate_expression({"Filters": [{"Name": "Tags.team"}]}, TC)
    assert normalised["Filters"] == [{"Name": "Tags.team", "Operator": "Exists"}]


def test_validation_never_changes_its_input() -> None:
    expression = {"Filters": [{"Name": "status", "Value": "completed"}]}
    before = copy.deepcopy(expression)
    validate_expression(expression, TC)
    assert expression == before


def test_validation_is_idempotent() -> None:
    once = validate_expression(
        {"Filters": [{"Name": "parameters.lr", "Operator": "In", "Value": " 0.1 , 0.2"}]}, TC
    )
    assert validate_expression(once, TC) == once
    assert once["Filters"][0]["Value"] == "0.1,0.2"


def test_numbers_given_as_json_numbers_become_strings() -> None:
    normalised = validate_expression(
        {"Filters": [{"Name": "Metrics.loss.Min", "Operator": "LessThan", "Value": 0.5}]}, TC
    )
    assert normalised["Filters"][0]["Value"] == "0.5"


@pytest.mark.parametrize("key", ["Filters", "NestedFilters", "SubExpressions"])
def test_more_than_twenty_members_in_one_list_are_refused(key: str) -> None:
    member: dict[str, Any] = {
        "Filters": {"Name": "Tags.team", "Operator": "Exists"},
        "NestedFilters": {
            "NestedPropertyName": "Parents",
            "Filters": [{"Name": "Parents.TrialName", "Value": "a"}],
        },
        "SubExpressions": {"Filters": [{"Name": "Tags.team", "Operator": "Exists"}]},
    }[key]
    assert validate_expression({key: [member] * 20}, TC)
    with pytest.raises(ValidationError) as raised:
        validate_expression({key: [member] * 21}, TC)
    assert raised.value.field == f"search_expression.{key}"
    assert "1 to 20 members" in raised.value.rule


def test_more_than_fifty_elements_in_all_are_refused() -> None:
    level = {"Filters": [{"Name": "Tags.team", "Operator": "Exists"}] * 9}
    expression = {"SubExpressions": [level] * 5}  # 5 + 45 = 50
    assert validate_expression(expression, TC)
    expression = {
        "SubExpressions": [level] * 5,
        "Filters": [{"Name": "Tags.a", "Operator": "Exists"}],
    }
    with pytest.raises(ValidationError, match="at most 50"):
        validate_expression(expression, TC)


def test_deep_nesting_is_bounded_by_the_element_limit() -> None:
    expression: dict[str, Any] = {"Filters": [{"Name": "Tags.team", "Operator": "Exists"}]}
    for _ in range(3000):  # deeper than Python's recursion limit: stops early, no RecursionError
        expression = {"SubExpressions": [expression]}
    with pytest.raises(ValidationError, match="at most 50"):
        validate_expression(expression, TC)


@pytest.mark.parametrize(
    ("expression", "path"),
    [
        (
            {"Filters": [{"Name": "Tags.a", "Operator": "Exists"}], "Limit": 3},
            "search_expression.Limit",
        ),
        ({"Filters": {"Name": "Tags.a"}}, "search_expression.Filters"),
        ({"Filters": []}, "search_expression.Filters"),
        ({}, "search_expression"),
        ({"Operator": "Xor", "Filters": [{"Name": "Tags.a"}]}, "search_expression.Operator"),
        (
            {
                "Filters": [
                    {"Name": "Tags.a"},
                    {"Name": "Tags.b"},
                    {"Name": "Tags.c", "Operator": "Like", "Value": "x"},
                ]
            },
            "search_expression.Filters[2].Operator",
        ),
        ({"Filters": [{"Name": 3}]}, "search_expression.Filters[0].Name"),
        ({"Filters": [{"Name": "Tags.a", "Value": ["x"]}]}, "search_expression.Filters[0].Value"),
        ({"Filters": [{"Name": "Tags.a", "Value": True}]}, "search_expression.Filters[0].Value"),
        ({"Filters": [{"Name": "Tags.a", "Value": ""}]}, "search_expression.Filters[0].Value"),
        (
            {"Filters": [{"Name": "Tags.a", "Value": "x" * 1025}]},
            "search_expression.Filters[0].Value",
        ),
        ({"Filters": [{"Name": "Tags." + "a" * 255}]}, "search_expression.Filters[0].Name"),
        (
            {"Filters": [{"Name": "Tags.a", "Operator": "Equals"}]},
            "search_expression.Filters[0].Value",
        ),
        ({"Filters": [{"Name": "Tags.a", "Extra": 1}]}, "search_expression.Filters[0].Extra"),
        ({"SubExpressions": ["name = a"]}, "search_expression.SubExpressions[0]"),
        (
            {"NestedFilters": [{"Filters": [{"Name": "Parents.TrialName"}]}]},
            "search_expression.NestedFilters[0].NestedPropertyName",
        ),
        (
            {"NestedFilters": [{"NestedPropertyName": "Parents"}]},
            "search_expression.NestedFilters[0].Filters",
        ),
        ("name = a", "search_expression"),
    ],
)
def test_bad_shapes_name_the_path(expression: Any, path: str) -> None:
    with pytest.raises(ValidationError) as raised:
        validate_expression(expression, TC)
    assert raised.value.field == path


def test_unknown_property_in_json_names_the_path_and_suggests() -> None:
    with pytest.raises(QueryError) as raised:
        validate_expression(
            {"Filters": [{"Name": "Tags.a"}, {"Name": "DisplayNme", "Value": "x"}]}, TC
        )
    assert raised.value.message.startswith("search_expression.Filters[1].Name: unknown property")
    assert "DisplayName" in raised.value.suggestions


@pytest.mark.parametrize(
    ("filter_", "message"),
    [
        (
            {"Name": "DisplayName", "Operator": "GreaterThan", "Value": "a"},
            "not supported for the text property",
        ),
        (
            {"Name": "Metrics.loss.Max", "Operator": "Contains", "Value": "1"},
            "only supported for text properties",
        ),
        (
            {"Name": "CreationTime", "Operator": "In", "Value": "1,2"},
            "only supported for text properties",
        ),
        ({"Name": "Metrics.loss.Max", "Operator": "Equals", "Value": "high"}, "is a number"),
        ({"Name": "Metrics.loss.Max", "Operator": "Equals", "Value": "nan"}, "is a number"),
        ({"Name": "CreationTime", "Operator": "GreaterThan", "Value": "yesterday"}, "is a time"),
        ({"Name": "Parameters.lr", "Operator": "LessThan", "Value": "small"}, "compares numbers"),
        (
            {"Name": "Metrics.loss", "Operator": "Equals", "Value": "1"},
            "only takes Exists or NotExists",
        ),
        ({"Name": "Tags.a", "Operator": "In", "Value": "a,,b"}, "without empty items"),
    ],
)
def test_operators_and_values_a_property_cannot_take_are_refused(
    filter_: dict[str, Any], message: str
) -> None:
    with pytest.raises(QueryError, match=message):
        validate_expression({"Filters": [filter_]}, TC)


def test_only_one_contains_outside_names_tags_and_artifacts() -> None:
    many_allowed = {
        "Filters": [
            {"Name": "DisplayName", "Operator": "Contains", "Value": "a"},
            {"Name": "TrialComponentName", "Operator": "Contains", "Value": "b"},
            {"Name": "Tags.team", "Operator": "Contains", "Value": "c"},
            {"Name": "Parents.TrialName", "Operator": "Contains", "Value": "d"},
        ]
    }
    assert validate_expression(many_allowed, TC)
    two_limited = {
        "Filters": [{"Name": "Parents.TrialName", "Operator": "Contains", "Value": "d"}],
        "SubExpressions": [
            {"Filters": [{"Name": "Parameters.x", "Operator": "Contains", "Value": "e"}]}
        ],
    }
    with pytest.raises(QueryError, match="one Contains per search"):
        validate_expression(two_limited, TC)


def test_nested_filters_only_on_parents_and_only_its_properties() -> None:
    with pytest.raises(QueryError, match="cannot be nested"):
        validate_expression(
            {"NestedFilters": [{"NestedPropertyName": "Metrics", "Filters": [{"Name": "Tags.a"}]}]},
            TC,
        )
    with pytest.raises(QueryError, match="is not a property of Parents"):
        validate_expression(
            {"NestedFilters": [{"NestedPropertyName": "parents", "Filters": [{"Name": "Tags.a"}]}]},
            TC,
        )


def test_unknown_resource_is_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        validate_expression({"Filters": [{"Name": "Tags.a"}]}, "TrainingJob")
    assert raised.value.field == "resource"


# --------------------------------------------------------------------------------------------
# Evaluation over records
# --------------------------------------------------------------------------------------------


@pytest.fixture
def component() -> TrialComponent:
    return TrialComponent(
        trial_component_name="cnn-lr-0.1",
        display_name=None,
        status=Status("Completed"),
        source=Source("arn:aws:sagemaker:us-east-1:1:training-job/cnn", "SageMakerTrainingJob"),
        start_time=1_700_000_000.0,
        creation_time=1_700_000_000.0,
        last_modified_time=1_700_000_100.0,
        parameters={"lr": 0.1, "optimizer": "SGD", "epochs": 10.0},
        input_artifacts={"train": Artifact("s3://bucket/train.csv", "text/csv")},
        metrics=[MetricSummary("test:accuracy", 3, 0.5, 0.93, 0.8, 0.2, 0.91)],
        tags={"team": "vision"},
        parents=[Parent("cnn-trial", "mnist"), Parent("shared-prep", "cifar")],
    )


def _matches(text: str, record: Any) -> bool:
    resource = {TrialComponent: TC, Trial: "ExperimentTrial", Experiment: "Experiment"}[
        type(record)
    ]
    return evaluate(parse_query(text, resource), record)


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("metrics.test:accuracy.max > 0.9", True),
        ("metrics.test:accuracy.last >= 0.92", False),
        ("metrics.test:accuracy.count = 3", True),
        ("metrics.test:accuracy exists", True),
        ("metrics.loss exists", False),
        ("metrics.loss.max > 0", False),
        ("metrics.loss.max != 0", False),
        ("metrics.loss not exists", True),
    ],
)
def test_metric_statistics_compare_as_numbers(
    component: TrialComponent, text: str, matches: bool
) -> None:
    assert _matches(text, component) is matches


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("parameters.lr = 0.10", True),
        ("parameters.lr = 1e-1", True),
        ("parameters.lr in (0.01, 0.1)", True),
        ("parameters.lr > 0.05", True),
        ("parameters.lr contains 0.1", False),
        ("parameters.optimizer = SGD", True),
        ("parameters.optimizer = sgd", False),
        ("parameters.optimizer contains sg", True),
        ("parameters.optimizer > 1", False),
        ("parameters.optimizer in (adam, SGD)", True),
        ("parameters.epochs != 10", False),
        ("parameters.epochs != ten", True),
        ("parameters.momentum != 0.9", False),
    ],
)
def test_parameters_compare_by_their_type(
    component: TrialComponent, text: str, matches: bool
) -> None:
    assert _matches(text, component) is matches


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("name = cnn-lr-0.1", True),
        ("display_name = cnn-lr-0.1", True),
        ("name contains CNN", True),
        ("status = completed", True),
        ("status != Completed", False),
        ("tags.team != nlp", True),
        ("tags.owner != nlp", False),
        ("tags.owner not exists", True),
        ("source.source_type = SageMakerTrainingJob", True),
        ("input_artifacts.train contains bucket", True),
        ("input_artifacts.train.media_type = text/csv", True),
        ("output_artifacts.model exists", False),
        ("end_time exists", False),
        ("end_time < 2030-01-01", False),
    ],
)
def test_text_properties_and_missing_values(
    component: TrialComponent, text: str, matches: bool
) -> None:
    assert _matches(text, component) is matches


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("parents.trial_name = shared-prep", True),
        ("parents.experiment_name != mnist", False),
        ("parents.experiment_name != imagenet", True),
        ("parents.trial_name contains PREP", True),
        ("parents.experiment_name in (cifar, imagenet)", True),
    ],
)
def test_any_parent_may_match(component: TrialComponent, text: str, matches: bool) -> None:
    assert _matches(text, component) is matches


def test_nested_parent_filters_need_one_parent_to_match_them_all(component: TrialComponent) -> None:
    def nested(trial: str, experiment: str) -> dict[str, Any]:
        return validate_expression(
            {
                "NestedFilters": [
                    {
                        "NestedPropertyName": "Parents",
                        "Filters": [
                            {"Name": "Parents.TrialName", "Value": trial},
                            {"Name": "Parents.ExperimentName", "Value": experiment},
                        ],
                    }
                ]
            },
            TC,
        )

    assert evaluate(nested("cnn-trial", "mnist"), component)
    assert not evaluate(nested("cnn-trial", "cifar"), component)


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("creation_time = 2023-11-14T22:13:20Z", True),
        ("creation_time = 2023-11-14T22:13:20", True),
        ("creation_time = 2023-11-14T23:13:20+01:00", True),
        ("creation_time = 1700000000", True),
        ("last_modified_time > 2023-11-14T22:13:20", True),
        ("start_time < 2023-11-14", False),
    ],
)
def test_times_compare_as_instants(component: TrialComponent, text: str, matches: bool) -> None:
    assert _matches(text, component) is matches


def test_or_needs_one_branch_and_needs_all(component: TrialComponent) -> None:
    assert _matches("tags.team = nlp or parameters.lr = 0.1", component)
    assert not _matches("tags.team = nlp and parameters.lr = 0.1", component)


def test_no_expression_matches_everything(component: TrialComponent) -> None:
    assert evaluate(None, component)


def test_trials_and_experiments_are_evaluated_on_their_own_properties() -> None:
    trial = Trial("cnn-trial", "mnist", display_name="CNN", tags={"stage": "dev"})
    experiment = Experiment("mnist", description="digits", creation_time=1_700_000_000.0)
    assert _matches("experiment_name = mnist and display_name = CNN and tags.stage = dev", trial)
    assert _matches("description contains DIG and creation_time >= 2023-11-14", experiment)
    assert not _matches("name = cnn-trial2", trial)
