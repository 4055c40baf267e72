"""The plain-Python evaluation of a validated SearchExpression over one model record.

It means exactly what the embedded store's SQL means (the semantics are in :mod:`smx_lab.query`);
the SageMaker store uses it for what SageMaker's Search could not be trusted to filter.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..model import Experiment, MetricSummary, Parent, Trial, TrialComponent
from ..vocabulary import EXPERIMENT, TRIAL, TRIAL_COMPONENT
from .properties import OWN_NAME, TIME_PROPERTIES, Property, filter_property
from .values import ascii_lower, in_items, parse_number, parse_time

Record = TrialComponent | Trial | Experiment


def resource_of(record: Record) -> str:
    """The Search resource a record is one of."""
    if isinstance(record, TrialComponent):
        return TRIAL_COMPONENT
    if isinstance(record, Trial):
        return TRIAL
    if isinstance(record, Experiment):
        return EXPERIMENT
    raise TypeError(f"not a searchable record: {type(record).__name__}")


def evaluate(expr: dict[str, Any] | None, record: Record) -> bool:
    """Whether ``record`` matches ``expr``, a SearchExpression normalised by
    :func:`~smx_lab.query.validate_expression` (None matches everything). Semantics: see
    :mod:`smx_lab.query`."""
    if expr is None:
        return True
    resource = resource_of(record)
    return _evaluate(expr, record, resource)


def _evaluate(expr: dict[str, Any], record: Record, resource: str) -> bool:
    results = _results(expr, record, resource)
    if expr.get("Operator", "And") == "Or":
        return any(results)
    return all(results)


def _results(expr: dict[str, Any], record: Record, resource: str) -> Iterator[bool]:
    for filter_ in expr.get("Filters", ()):
        yield _filter_matches(filter_, property_values(filter_property(filter_, resource), record))
    for nested in expr.get("NestedFilters", ()):
        yield _nested_matches(nested, record)
    for sub in expr.get("SubExpressions", ()):
        yield _evaluate(sub, record, resource)


def _nested_matches(nested: dict[str, Any], record: Record) -> bool:
    # Only Parents can be nested (validate_expression refuses the rest).
    parents: list[Parent] = record.parents if isinstance(record, TrialComponent) else []
    return any(
        all(_filter_matches(f, [_parent_value(parent, f["Name"])]) for f in nested["Filters"])
        for parent in parents
    )


def _parent_value(parent: Parent, name: str) -> str:
    return parent.trial_name if name == "Parents.TrialName" else parent.experiment_name


def property_values(prop: Property, record: Record) -> list[Any]:
    """The values ``record`` holds for ``prop``: empty when missing, several for Parents.*."""
    if prop.prefix == "Tags":
        value = record.tags.get(prop.key or "")
        return [] if value is None else [value]
    if isinstance(record, TrialComponent):
        if prop.prefix is not None or prop.name.startswith("Parents."):
            return _component_values(prop, record)
    value = _scalar(prop.name, record)
    return [] if value is None else [value]


def _component_values(prop: Property, record: TrialComponent) -> list[Any]:
    """A trial component's parameters, metric statistics, artifacts and parents."""
    if prop.prefix == "Parameters":
        parameter = record.parameters.get(prop.key or "")
        return [] if parameter is None else [parameter]
    if prop.prefix == "Metrics":
        summary: MetricSummary | None = record.metric(prop.key or "")
        if summary is None:
            return []
        return [True] if prop.field is None else [summary.statistic(prop.field)]
    if prop.prefix in ("InputArtifacts", "OutputArtifacts"):
        artifacts = (
            record.input_artifacts if prop.prefix == "InputArtifacts" else record.output_artifacts
        )
        artifact = artifacts.get(prop.key or "")
        if artifact is None:
            return []
        found = artifact.value if prop.field == "Value" else artifact.media_type
        return [] if found is None else [found]
    return [_parent_value(parent, prop.name) for parent in record.parents]


def _scalar(name: str, record: Record) -> Any:
    if name in OWN_NAME.values() and name == OWN_NAME[resource_of(record)]:
        return _own_name(record)
    # A Source with an empty ARN is no source (the embedded store reads it so).
    source = record.source if record.source and record.source.source_arn else None
    simple: dict[str, Any] = {
        "DisplayName": record.display_name or _own_name(record),
        "Source.SourceArn": source.source_arn if source else None,
        "Source.SourceType": source.source_type if source else None,
        "CreatedBy.UserProfileName": record.created_by,
        "CreationTime": record.creation_time,
        "LastModifiedTime": record.last_modified_time,
    }
    if name in simple:
        return simple[name]
    if isinstance(record, Trial) and name == "ExperimentName":
        return record.experiment_name
    if isinstance(record, Experiment) and name == "Description":
        return record.description
    if isinstance(record, TrialComponent):
        status = record.status
        return {
            "Status.PrimaryStatus": status.primary_status if status else None,
            "Status.Message": status.message if status else None,
            "LastModifiedBy.UserProfileName": record.last_modified_by,
            "StartTime": record.start_time,
            "EndTime": record.end_time,
        }.get(name)
    return None


def _own_name(record: Record) -> str:
    if isinstance(record, TrialComponent):
        return record.trial_component_name
    if isinstance(record, Trial):
        return record.trial_name
    return record.experiment_name


def _filter_matches(filter_: dict[str, Any], values: list[Any]) -> bool:
    operator = filter_["Operator"]
    if operator == "Exists":
        return bool(values)
    if operator == "NotExists":
        return not values
    value: str = filter_["Value"]
    if operator == "NotEquals":
        return bool(values) and not any(
            _compare("Equals", held, value, filter_["Name"]) for held in values
        )
    return any(_compare(operator, held, value, filter_["Name"]) for held in values)


def _compare(operator: str, held: Any, value: str, name: str) -> bool:
    """One held value against the filter's value. ``held`` is a str (text, string parameter) or a
    float (metric statistic, number parameter, time)."""
    if isinstance(held, str):
        if operator == "Equals":
            return held == value
        if operator == "Contains":
            return ascii_lower(value) in ascii_lower(held)
        if operator == "In":
            return held in in_items(value)
        return False  # ordering on text: refused by validation, false for string parameters
    number = float(held)
    if operator == "In":
        wanted = [parse_number(item) for item in in_items(value)]
        return number in [w for w in wanted if w is not None]
    if operator == "Contains":
        return False
    given = parse_time(value) if name in TIME_PROPERTIES else parse_number(value)
    if given is None:
        return False
    return {
        "Equals": number == given,
        "GreaterThan": number > given,
        "GreaterThanOrEqualTo": number >= given,
        "LessThan": number < given,
        "LessThanOrEqualTo": number <= given,
    }[operator]
