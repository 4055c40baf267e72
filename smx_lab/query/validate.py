"""Validation of SearchExpression JSON against SageMaker's shapes and limits.

:func:`validate_expression` returns a normalised copy (canonical property names, explicit
operators, ``In`` lists trimmed); every store and the Python evaluation take only such copies.
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import QueryError, ValidationError
from ..vocabulary import PRIMARY_STATUSES, SUMMARY_STATISTICS, TRIAL_COMPONENT
from .properties import (
    BOOLEAN_OPERATORS,
    FIXED_PROPERTIES,
    NESTED_PROPERTIES,
    OPERATORS,
    ORDERING_OPERATORS,
    OWN_NAME,
    PRESENCE_OPERATORS,
    Kind,
    Property,
    check_resource,
    close_matches,
    describe_property,
    fold,
)
from .values import parse_number, parse_time

# SageMaker's limits, from botocore's sagemaker service model (FilterList, NestedFiltersList and
# SearchExpressionList: 1 to 20 members; ResourcePropertyName 1 to 255 characters; FilterValue
# 1 to 1024) and the Search request's documentation (at most 50 SubExpressions, NestedFilters and
# Filters in one SearchExpression, counted recursively; this bound also limits nesting depth).
MAX_LIST_MEMBERS = 20
MAX_ELEMENTS = 50
MAX_NAME_LENGTH = 255
MAX_VALUE_LENGTH = 1024

# SageMaker allows only one Contains per expression except on these properties (the Filter
# documentation's list); the others fail with "'CONTAINS' operator usage limit of 1 exceeded".
_MULTI_CONTAINS = ("DisplayName", *OWN_NAME.values())
_MULTI_CONTAINS_PREFIXES = ("Tags.", "InputArtifacts.", "OutputArtifacts.")

_EXPRESSION_KEYS = ("Filters", "NestedFilters", "SubExpressions", "Operator")
_FILTER_KEYS = ("Name", "Operator", "Value")
_NESTED_KEYS = ("NestedPropertyName", "Filters")


def validate_expression(
    expr: dict[str, Any], resource: str = TRIAL_COMPONENT, *, path: str = "search_expression"
) -> dict[str, Any]:
    """Check a SearchExpression against SageMaker's shapes and limits; return a normalised copy.

    Normalised: canonical property names, every filter with an explicit ``Operator`` (``Equals``
    when only a Value is given, ``Exists`` when neither is, as SageMaker reads them), every
    expression with an explicit ``Operator`` (``And``), ``Value`` as a string, ``In`` lists
    without blanks, no ``Value`` on ``Exists``/``NotExists``. The input is never changed.
    Bad shapes raise :class:`ValidationError` naming the path
    (``search_expression.Filters[2].Operator``); bad properties or values raise
    :class:`QueryError` naming it too."""
    check_resource(resource)
    # Builds new dicts and lists throughout, so the input is never changed nor shared.
    return _validate_expression(expr, resource, path, _Counter(path))


def validate_condition(filter_: dict[str, Any], resource: str, path: str) -> dict[str, Any]:
    """One filter checked on its own (the typed syntax checks each condition as it reads it, so
    that a bad value or operator gets a position); the normalised filter."""
    return _validate_filter(filter_, resource, path, _Counter(path))


class _Counter:
    """What SageMaker limits across a whole expression: its elements and its Contains filters."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.elements = 0
        self.contains: list[str] = []

    def add(self, count: int) -> None:
        self.elements += count
        # Checked as it grows, so that a deeply nested expression stops early.
        if self.elements > MAX_ELEMENTS:
            raise ValidationError(
                self.path,
                f"at most {MAX_ELEMENTS} Filters, NestedFilters and SubExpressions in all "
                "(counted at every level)",
            )

    def add_contains(self, name: str, path: str) -> None:
        """One more Contains filter on ``name``; SageMaker takes one only, names aside."""
        if name in _MULTI_CONTAINS or name.startswith(_MULTI_CONTAINS_PREFIXES):
            return
        self.contains.append(name)
        if len(self.contains) > 1:
            raise QueryError(
                f"{path}: SageMaker allows one Contains per search on properties other than "
                f"names, DisplayName, Tags and artifacts ({', '.join(self.contains)})"
            )


def _validate_expression(expr: Any, resource: str, path: str, counter: _Counter) -> dict[str, Any]:
    if not isinstance(expr, dict):
        raise ValidationError(
            path, "must be an object with Filters, NestedFilters, SubExpressions or Operator"
        )
    _no_unknown_keys(expr, _EXPRESSION_KEYS, path)
    operator = expr.get("Operator", "And")
    if operator not in BOOLEAN_OPERATORS:
        raise ValidationError(f"{path}.Operator", "must be 'And' or 'Or'", value=operator)
    out: dict[str, Any] = {}
    filters = _members(expr, "Filters", path, counter)
    if filters is not None:
        out["Filters"] = [
            _validate_filter(item, resource, f"{path}.Filters[{i}]", counter)
            for i, item in enumerate(filters)
        ]
    nested = _members(expr, "NestedFilters", path, counter)
    if nested is not None:
        out["NestedFilters"] = [
            _validate_nested(item, resource, f"{path}.NestedFilters[{i}]", counter)
            for i, item in enumerate(nested)
        ]
    subs = _members(expr, "SubExpressions", path, counter)
    if subs is not None:
        out["SubExpressions"] = [
            _validate_expression(item, resource, f"{path}.SubExpressions[{i}]", counter)
            for i, item in enumerate(subs)
        ]
    if not out:
        raise ValidationError(
            path, "needs at least one of Filters, NestedFilters or SubExpressions"
        )
    out["Operator"] = operator
    return out


def _no_unknown_keys(obj: dict[str, Any], allowed: tuple[str, ...], path: str) -> None:
    for key in obj:
        if key not in allowed:
            raise ValidationError(
                f"{path}.{key}", f"unknown key; expected one of {', '.join(allowed)}"
            )


def _members(expr: dict[str, Any], key: str, path: str, counter: _Counter) -> list[Any] | None:
    if key not in expr:
        return None
    items = expr[key]
    if not isinstance(items, list):
        raise ValidationError(f"{path}.{key}", "must be a list")
    if not 1 <= len(items) <= MAX_LIST_MEMBERS:
        raise ValidationError(
            f"{path}.{key}", f"must have 1 to {MAX_LIST_MEMBERS} members, got {len(items)}"
        )
    counter.add(len(items))
    return items


def _validate_nested(item: Any, resource: str, path: str, counter: _Counter) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise ValidationError(path, "must be an object with NestedPropertyName and Filters")
    _no_unknown_keys(item, _NESTED_KEYS, path)
    nested_name = item.get("NestedPropertyName")
    if not isinstance(nested_name, str):
        raise ValidationError(f"{path}.NestedPropertyName", "is required and must be a string")
    allowed = NESTED_PROPERTIES[resource]
    canonical = next((n for n in allowed if fold(n) == fold(nested_name)), None)
    if canonical is None:
        raise QueryError(
            f"{path}.NestedPropertyName: {nested_name!r} cannot be nested for {resource}"
            + (f"; expected one of {', '.join(allowed)}" if allowed else ""),
            suggestions=close_matches(nested_name, list(allowed)),
        )
    if "Filters" not in item:
        raise ValidationError(f"{path}.Filters", "is required")
    filters = _members(item, "Filters", path, counter) or []
    out_filters = []
    for i, raw in enumerate(filters):
        checked = _validate_filter(raw, resource, f"{path}.Filters[{i}]", counter)
        if not checked["Name"].startswith(canonical + "."):
            raise QueryError(
                f"{path}.Filters[{i}].Name: {checked['Name']!r} is not a property of {canonical}",
                suggestions=[
                    n for n in FIXED_PROPERTIES[resource] if n.startswith(canonical + ".")
                ],
            )
        out_filters.append(checked)
    return {"NestedPropertyName": canonical, "Filters": out_filters}


def _validate_filter(item: Any, resource: str, path: str, counter: _Counter) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise ValidationError(path, "must be an object with Name, Operator and Value")
    _no_unknown_keys(item, _FILTER_KEYS, path)
    prop = _filter_name(item, resource, path)
    has_value = "Value" in item and item["Value"] is not None
    operator = item.get("Operator", "Equals" if has_value else "Exists")
    if operator not in OPERATORS:
        raise ValidationError(
            f"{path}.Operator", f"must be one of {', '.join(OPERATORS)}", value=operator
        )
    out: dict[str, Any] = {"Name": prop.name, "Operator": operator}
    _check_operator(prop, operator, f"{path}.Operator")
    if operator in PRESENCE_OPERATORS:
        return out
    if not has_value:
        raise ValidationError(f"{path}.Value", f"is required with {operator}")
    value = _filter_value(prop, operator, item["Value"], f"{path}.Value")
    if operator == "Contains":
        counter.add_contains(prop.name, f"{path}.Operator")
    out["Value"] = value
    return out


def _filter_name(item: dict[str, Any], resource: str, path: str) -> Property:
    name = item.get("Name")
    if not isinstance(name, str) or not name:
        raise ValidationError(f"{path}.Name", "is required and must be a non-empty string")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(f"{path}.Name", f"must be at most {MAX_NAME_LENGTH} characters")
    try:
        return describe_property(name, resource)
    except QueryError as error:
        raise QueryError(f"{path}.Name: {error.message}", suggestions=error.suggestions) from None


def _filter_value(prop: Property, operator: str, value: Any, path: str) -> str:
    """A filter's Value as the normalised string SageMaker takes, checked against its property."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValidationError(path, "must be a string")
    if not isinstance(value, str):
        if not math.isfinite(value):
            raise ValidationError(path, "must be a finite number")
        value = repr(value) if isinstance(value, float) else str(value)
    if not 1 <= len(value) <= MAX_VALUE_LENGTH:
        raise ValidationError(path, f"must have 1 to {MAX_VALUE_LENGTH} characters")
    if operator == "In":
        items = [part.strip() for part in value.split(",")]
        if any(not part for part in items):
            raise QueryError(f"{path}: In needs a comma-separated list without empty items")
        value = ",".join(items)
        if prop.name == "Status.PrimaryStatus":
            value = ",".join(_status_value(part) for part in items)
    elif prop.name == "Status.PrimaryStatus":
        value = _status_value(value)
    _check_value(prop, operator, value, path)
    return value


def _status_value(value: str) -> str:
    """Status values are matched in SageMaker's spelling whatever the case typed (``completed``)."""
    return next((s for s in PRIMARY_STATUSES if s.lower() == value.lower()), value)


def _check_operator(prop: Property, operator: str, path: str) -> None:
    if prop.kind is Kind.PRESENCE and operator not in PRESENCE_OPERATORS:
        raise QueryError(
            f"{path}: {prop.name} names a metric without a statistic, so it only takes Exists or "
            f"NotExists; compare one of its statistics instead",
            suggestions=[f"{prop.name}.{s}" for s in SUMMARY_STATISTICS],
        )
    if prop.kind is Kind.TEXT and operator in ORDERING_OPERATORS:
        raise QueryError(f"{path}: {operator} is not supported for the text property {prop.name}")
    if prop.kind in (Kind.NUMBER, Kind.TIME) and operator in ("Contains", "In"):
        raise QueryError(
            f"{path}: {operator} is only supported for text properties, not {prop.name}"
        )


def _check_value(prop: Property, operator: str, value: str, path: str) -> None:
    if prop.kind is Kind.NUMBER and parse_number(value) is None:
        raise QueryError(f"{path}: {prop.name} is a number; {value!r} is not one")
    if prop.kind is Kind.TIME and parse_time(value) is None:
        raise QueryError(
            f"{path}: {prop.name} is a time; {value!r} is neither an ISO 8601 date-time "
            f"(YYYY-mm-ddTHH:MM:SS) nor seconds since the epoch"
        )
    if (
        prop.kind is Kind.PARAMETER
        and operator in ORDERING_OPERATORS
        and parse_number(value) is None
    ):
        raise QueryError(f"{path}: {operator} compares numbers; {value!r} is not one")
