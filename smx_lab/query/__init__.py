"""The query language: SageMaker's SearchExpression, a typed syntax that compiles to it, and a
plain-Python evaluation of it over model records.

Three entry points, all free of SQL, tornado and boto3:

- :func:`parse_query` turns the typed syntax of the search box and ``%smx search``
  (``metrics.test:accuracy.max > 0.9 and parameters.optimizer = "sgd"``) into a SearchExpression.
- :func:`validate_expression` checks a SearchExpression (typed or sent verbatim as JSON) against
  SageMaker's shapes and limits and returns a normalised copy: canonical property names, explicit
  operators, ``In`` lists trimmed.
- :func:`evaluate` says whether one record matches a validated expression.

Semantics (shared by :func:`evaluate` and the embedded store's SQL, see ``stores/local_search.py``):

- A property is *missing* when the record has no value for it (no such parameter, tag, metric,
  parent, artifact; a time or message that was never set). ``Exists`` is true when it is present,
  ``NotExists`` when it is missing.
- Every other operator is false on a missing property. ``NotEquals`` too: it means "present and
  not equal"; write ``x != v or x not exists`` to include records without ``x``.
- A property that has several values (``Parents.TrialName``: one per parent) matches when any
  value matches; ``NotEquals`` matches when it has values and none of them equals the value.
  ``NestedFilters`` on ``Parents`` require all their filters to hold for the same parent.
- Text properties: ``Equals``/``NotEquals``/``In`` compare exactly (case-sensitive);
  ``Contains`` is a substring test that ignores ASCII case (``"CNN"`` finds ``cnn-3``).
  Ordering operators are refused for text properties, as SageMaker refuses them.
- Metric statistics (``Metrics.<name>.<Stat>``) are numbers: the value must parse as a number,
  ``Contains`` and ``In`` are refused. ``Metrics.<name>`` without a statistic only takes
  ``Exists``/``NotExists``.
- Times (``CreationTime``, ``StartTime``, ...) take an ISO 8601 date-time (no zone = UTC) or a
  number of seconds since the epoch and compare as instants.
- Parameters are a number (NumberValue) or a string (StringValue). Against a number parameter
  the value compares numerically when it parses as a number (``"0.10"`` equals ``0.1``) and never
  equals it otherwise; against a string parameter it compares as text. Ordering operators need a
  numeric value and hold only for number parameters; ``Contains`` holds only for string
  parameters; ``In`` matches a string parameter by text and a number parameter by number.
- ``In`` takes a comma-separated list; whitespace around each item is dropped.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from typing import Any

from .errors import QueryError, ValidationError
from .model import (
    PRIMARY_STATUSES,
    RESOURCES,
    SUMMARY_STATISTICS,
    Experiment,
    MetricSummary,
    Parent,
    Trial,
    TrialComponent,
)

Record = TrialComponent | Trial | Experiment

OPERATORS = (
    "Equals",
    "NotEquals",
    "GreaterThan",
    "GreaterThanOrEqualTo",
    "LessThan",
    "LessThanOrEqualTo",
    "Contains",
    "Exists",
    "NotExists",
    "In",
)
BOOLEAN_OPERATORS = ("And", "Or")
ORDERING_OPERATORS = ("GreaterThan", "GreaterThanOrEqualTo", "LessThan", "LessThanOrEqualTo")
PRESENCE_OPERATORS = ("Exists", "NotExists")

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
_MULTI_CONTAINS = ("DisplayName", "TrialComponentName", "TrialName", "ExperimentName")
_MULTI_CONTAINS_PREFIXES = ("Tags.", "InputArtifacts.", "OutputArtifacts.")

TRIAL_COMPONENT = "ExperimentTrialComponent"


class Kind(Enum):
    """What kind of value a property holds; decides which operators and values it takes."""

    TEXT = "text"
    TIME = "time"
    NUMBER = "number"
    PARAMETER = "parameter"
    PRESENCE = "presence"  # Metrics.<name> with no statistic: only Exists/NotExists


@dataclass(frozen=True)
class Property:
    """A canonical property name taken apart: ``Metrics.acc.Max`` → prefix Metrics, key acc, Max."""

    name: str
    kind: Kind
    prefix: str | None = None  # Parameters, Metrics, Tags, InputArtifacts, OutputArtifacts
    key: str | None = None  # the parameter/metric/tag/artifact name
    field: str | None = None  # the statistic of a metric, Value/MediaType of an artifact


# Fixed properties per resource: canonical name → kind.
_COMMON: dict[str, Kind] = {
    "DisplayName": Kind.TEXT,
    "Source.SourceArn": Kind.TEXT,
    "Source.SourceType": Kind.TEXT,
    "CreatedBy.UserProfileName": Kind.TEXT,
    "CreationTime": Kind.TIME,
    "LastModifiedTime": Kind.TIME,
}
FIXED_PROPERTIES: dict[str, dict[str, Kind]] = {
    "Experiment": {"ExperimentName": Kind.TEXT, "Description": Kind.TEXT, **_COMMON},
    "ExperimentTrial": {"TrialName": Kind.TEXT, "ExperimentName": Kind.TEXT, **_COMMON},
    TRIAL_COMPONENT: {
        "TrialComponentName": Kind.TEXT,
        "Status.PrimaryStatus": Kind.TEXT,
        "Status.Message": Kind.TEXT,
        "LastModifiedBy.UserProfileName": Kind.TEXT,
        "StartTime": Kind.TIME,
        "EndTime": Kind.TIME,
        "Parents.TrialName": Kind.TEXT,
        "Parents.ExperimentName": Kind.TEXT,
        **_COMMON,
    },
}
OWN_NAME = {
    "Experiment": "ExperimentName",
    "ExperimentTrial": "TrialName",
    TRIAL_COMPONENT: "TrialComponentName",
}

# Short forms a user types, beyond the case and underscore variants of the canonical names.
_ALIASES: dict[str, str] = {
    "status": "Status.PrimaryStatus",
    "primarystatus": "Status.PrimaryStatus",
    "statusmessage": "Status.Message",
    "sourcearn": "Source.SourceArn",
    "sourcetype": "Source.SourceType",
    "createdby": "CreatedBy.UserProfileName",
    "lastmodifiedby": "LastModifiedBy.UserProfileName",
    "parents.trial": "Parents.TrialName",
    "parents.experiment": "Parents.ExperimentName",
}

# Prefixed properties per resource (a name follows the prefix).
_PREFIXES: dict[str, tuple[str, ...]] = {
    "Experiment": ("Tags",),
    "ExperimentTrial": ("Tags",),
    TRIAL_COMPONENT: ("Parameters", "Metrics", "Tags", "InputArtifacts", "OutputArtifacts"),
}
_STATISTICS = {s.lower(): s for s in SUMMARY_STATISTICS}
_ARTIFACT_FIELDS = {"value": "Value", "mediatype": "MediaType"}

# The properties NestedFilters may name, per resource.
NESTED_PROPERTIES: dict[str, tuple[str, ...]] = {
    "Experiment": (),
    "ExperimentTrial": (),
    TRIAL_COMPONENT: ("Parents",),
}


def _fold(name: str) -> str:
    """The key variants of one name share: lower case, no underscores (``display_name`` = ``DisplayName``)."""
    return name.replace("_", "").lower()


def _check_resource(resource: str) -> None:
    if resource not in RESOURCES:
        raise ValidationError("resource", f"must be one of {', '.join(RESOURCES)}", value=resource)


def close_matches(name: str, known: list[str], limit: int = 5) -> list[str]:
    """The names of ``known`` closest to ``name`` (case-insensitive), best first."""
    by_fold: dict[str, str] = {}
    for candidate in known:
        by_fold.setdefault(candidate.lower(), candidate)
    found = difflib.get_close_matches(name.lower(), list(by_fold), n=limit, cutoff=0.6)
    return [by_fold[match] for match in found]


def describe_property(name: str, resource: str = TRIAL_COMPONENT) -> Property:
    """Canonicalise ``name`` and say what kind of property it is; unknown → :class:`QueryError`."""
    _check_resource(resource)
    if not isinstance(name, str) or not name.strip():
        raise QueryError("a property name must be a non-empty string")
    return _describe(name, resource)


@functools.lru_cache(maxsize=4096)
def _describe(name: str, resource: str) -> Property:
    # Cached: every search and every evaluated record looks the same few names up again.
    name = name.strip()
    folded = _fold(name)
    fixed = FIXED_PROPERTIES[resource]
    if folded in ("name", _fold(OWN_NAME[resource])):
        return Property(OWN_NAME[resource], Kind.TEXT)
    for canonical, kind in fixed.items():
        if folded == _fold(canonical):
            return Property(canonical, kind)
    alias = _ALIASES.get(folded)
    if alias in fixed:
        return Property(alias, fixed[alias])
    prefix_text, dot, rest = name.partition(".")
    if dot and rest:
        for prefix in _PREFIXES[resource]:
            if _fold(prefix_text) == _fold(prefix):
                return _prefixed(prefix, rest)
    raise QueryError(
        f"unknown property {name!r} for {resource}",
        suggestions=_suggest(name, resource),
    )


def _prefixed(prefix: str, rest: str) -> Property:
    if prefix in ("Parameters", "Tags"):
        return Property(
            f"{prefix}.{rest}",
            Kind.PARAMETER if prefix == "Parameters" else Kind.TEXT,
            prefix,
            rest,
        )
    head, dot, last = rest.rpartition(".")
    if prefix == "Metrics":
        # The statistic is the last segment; metric names may themselves contain dots.
        statistic = _STATISTICS.get(_fold(last)) if dot and head else None
        if statistic:
            return Property(f"Metrics.{head}.{statistic}", Kind.NUMBER, prefix, head, statistic)
        return Property(f"Metrics.{rest}", Kind.PRESENCE, prefix, rest)
    # Artifacts: "<name>.Value" or "<name>.MediaType"; a bare name means its Value (always set).
    artifact_field = _ARTIFACT_FIELDS.get(_fold(last)) if dot and head else None
    if artifact_field:
        return Property(
            f"{prefix}.{head}.{artifact_field}", Kind.TEXT, prefix, head, artifact_field
        )
    return Property(f"{prefix}.{rest}.Value", Kind.TEXT, prefix, rest, "Value")


def _suggest(name: str, resource: str) -> list[str]:
    fixed = FIXED_PROPERTIES[resource]
    candidates = ["Name", *fixed, *(alias for alias, target in _ALIASES.items() if target in fixed)]
    _, dot, rest = name.partition(".")
    if dot and rest:
        # A misspelt prefix ("metric.acc.max", "param.lr"): offer the same name under each prefix.
        candidates += [_prefixed(prefix, rest).name for prefix in _PREFIXES[resource]]
    return close_matches(name, candidates)


def canonical_property(name: str, resource: str = TRIAL_COMPONENT) -> str:
    """SageMaker's name for a property: ``status`` → ``Status.PrimaryStatus``,
    ``metrics.test:accuracy.max`` → ``Metrics.test:accuracy.Max``, ``name`` → the resource's own
    name property. Unknown names raise :class:`QueryError` with close matches in ``suggestions``."""
    return describe_property(name, resource).name


# --------------------------------------------------------------------------------------------
# Validation of SearchExpression JSON
# --------------------------------------------------------------------------------------------

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
    _check_resource(resource)
    # Builds new dicts and lists throughout, so the input is never changed nor shared.
    return _validate_expression(expr, resource, path, _Counter(path))


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
    canonical = next((n for n in allowed if _fold(n) == _fold(nested_name)), None)
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
    name = item.get("Name")
    if not isinstance(name, str) or not name:
        raise ValidationError(f"{path}.Name", "is required and must be a non-empty string")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(f"{path}.Name", f"must be at most {MAX_NAME_LENGTH} characters")
    try:
        prop = describe_property(name, resource)
    except QueryError as error:
        raise QueryError(f"{path}.Name: {error.message}", suggestions=error.suggestions) from None
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
    value = item["Value"]
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValidationError(f"{path}.Value", "must be a string")
    if not isinstance(value, str):
        if not math.isfinite(value):
            raise ValidationError(f"{path}.Value", "must be a finite number")
        value = repr(value) if isinstance(value, float) else str(value)
    if not 1 <= len(value) <= MAX_VALUE_LENGTH:
        raise ValidationError(f"{path}.Value", f"must have 1 to {MAX_VALUE_LENGTH} characters")
    if operator == "In":
        items = [part.strip() for part in value.split(",")]
        if any(not part for part in items):
            raise QueryError(f"{path}.Value: In needs a comma-separated list without empty items")
        value = ",".join(items)
        if prop.name == "Status.PrimaryStatus":
            value = ",".join(_status_value(part) for part in items)
    elif prop.name == "Status.PrimaryStatus":
        value = _status_value(value)
    _check_value(prop, operator, value, f"{path}.Value")
    if operator == "Contains" and not (
        prop.name in _MULTI_CONTAINS or prop.name.startswith(_MULTI_CONTAINS_PREFIXES)
    ):
        counter.contains.append(prop.name)
        if len(counter.contains) > 1:
            raise QueryError(
                f"{path}.Operator: SageMaker allows one Contains per search on properties other than "
                f"names, DisplayName, Tags and artifacts ({', '.join(counter.contains)})"
            )
    out["Value"] = value
    return out


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


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def parse_number(text: str) -> float | None:
    """A finite decimal number in ``text``, or None (``nan``, ``inf`` and ``1_000`` are not numbers here)."""
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def parse_time(text: str) -> float | None:
    """An instant as seconds since the epoch: from a number, or ISO 8601 (no zone means UTC)."""
    number = parse_number(text)
    if number is not None:
        return number
    candidate = text.strip()
    if candidate.endswith(("Z", "z")):
        candidate = candidate[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def ascii_lower(text: str) -> str:
    """Lower-case ASCII letters only: the case folding SQLite's ``lower()`` does, so that
    ``Contains`` means the same in Python and in the embedded store's SQL."""
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}


def filter_property(filter_: dict[str, Any], resource: str) -> Property:
    """The :class:`Property` of a validated filter (its Name is canonical already)."""
    return describe_property(filter_["Name"], resource)


def in_items(value: str) -> list[str]:
    """The members of a normalised ``In`` value."""
    return value.split(",")


# --------------------------------------------------------------------------------------------
# Evaluation over model records
# --------------------------------------------------------------------------------------------


def resource_of(record: Record) -> str:
    if isinstance(record, TrialComponent):
        return TRIAL_COMPONENT
    if isinstance(record, Trial):
        return "ExperimentTrial"
    if isinstance(record, Experiment):
        return "Experiment"
    raise TypeError(f"not a searchable record: {type(record).__name__}")


def evaluate(expr: dict[str, Any] | None, record: Record) -> bool:
    """Whether ``record`` matches ``expr``, a SearchExpression normalised by
    :func:`validate_expression` (None matches everything). Semantics: see the module docstring."""
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
        yield _filter_matches(filter_, _values(filter_property(filter_, resource), record))
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


def _values(prop: Property, record: Record) -> list[Any]:
    """The values ``record`` holds for ``prop``: empty when missing, several for Parents.*."""
    name = prop.name
    if prop.prefix == "Tags":
        value = record.tags.get(prop.key or "")
        return [] if value is None else [value]
    if isinstance(record, TrialComponent):
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
                record.input_artifacts
                if prop.prefix == "InputArtifacts"
                else record.output_artifacts
            )
            artifact = artifacts.get(prop.key or "")
            if artifact is None:
                return []
            found = artifact.value if prop.field == "Value" else artifact.media_type
            return [] if found is None else [found]
        if name.startswith("Parents."):
            return [_parent_value(parent, name) for parent in record.parents]
    value = _scalar(name, record)
    return [] if value is None else [value]


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
    given = parse_time(value) if _is_time(name) else parse_number(value)
    if given is None:
        return False
    return {
        "Equals": number == given,
        "GreaterThan": number > given,
        "GreaterThanOrEqualTo": number >= given,
        "LessThan": number < given,
        "LessThanOrEqualTo": number <= given,
    }[operator]


_TIME_PROPERTIES = {
    name
    for properties in FIXED_PROPERTIES.values()
    for name, kind in properties.items()
    if kind is Kind.TIME
}


def _is_time(name: str) -> bool:
    return name in _TIME_PROPERTIES


# --------------------------------------------------------------------------------------------
# The typed syntax
# --------------------------------------------------------------------------------------------

_COMPARISONS = {
    "=": "Equals",
    "==": "Equals",
    "!=": "NotEquals",
    ">": "GreaterThan",
    ">=": "GreaterThanOrEqualTo",
    "<": "LessThan",
    "<=": "LessThanOrEqualTo",
}
_KEYWORDS = ("and", "or", "not", "contains", "exists", "in")
_AFTER_FIELD = ["=", "!=", ">", ">=", "<", "<=", "contains", "exists", "not exists", "in"]
_AFTER_CONDITION = ["and", "or", "end of query"]
# Characters that end a bare word: blanks, quotes, parentheses, commas, comparison signs.
_WORD = re.compile(r"[^\s\"'(),=!<>]+")
_OPERATOR = re.compile(r"==|!=|>=|<=|=|>|<")


@dataclass(frozen=True)
class Token:
    kind: str  # "word", "string", "op", "(", ")", ",", "end"
    text: str
    position: int

    def is_keyword(self, word: str) -> bool:
        return self.kind == "word" and self.text.lower() == word


def tokenize(text: str) -> list[Token]:
    """Split typed query text into tokens; an unterminated string or a stray ``!`` → QueryError."""
    tokens: list[Token] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char.isspace():
            index += 1
            continue
        if char in "(),":
            tokens.append(Token(char, char, index))
            index += 1
            continue
        if char in "\"'":
            end = index + 1
            chunk: list[str] = []
            while end < len(text) and text[end] != char:
                # A backslash escapes the quote character and itself.
                if text[end] == "\\" and end + 1 < len(text) and text[end + 1] in (char, "\\"):
                    end += 1
                chunk.append(text[end])
                end += 1
            if end >= len(text):
                raise QueryError(
                    f"at position {index}: expected a closing {char} for the string that starts here",
                    position=index,
                    expected=[char],
                )
            tokens.append(Token("string", "".join(chunk), index))
            index = end + 1
            continue
        operator = _OPERATOR.match(text, index)
        if operator:
            tokens.append(Token("op", operator.group(), index))
            index = operator.end()
            continue
        word = _WORD.match(text, index)
        if not word:
            raise QueryError(
                f"at position {index}: unexpected {char!r}; expected a comparison such as != or =",
                position=index,
                expected=list(_COMPARISONS),
            )
        tokens.append(Token("word", word.group(), index))
        index = word.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


def is_plain_text(text: str) -> bool:
    """True when ``text`` is words to look for in names rather than a query: no comparison,
    parenthesis, comma, quote or keyword (``and or not contains exists in``)."""
    if not text or not text.strip():
        return False
    try:
        tokens = tokenize(text)
    except QueryError:
        return not any(char in text for char in "=<>()")
    return all(
        token.kind in ("word", "end") and token.text.lower() not in _KEYWORDS for token in tokens
    )


def parse_query(text: str, resource: str = TRIAL_COMPONENT) -> dict[str, Any] | None:
    """Compile the typed syntax to a validated, normalised SearchExpression; empty text → None.

    Grammar (keywords case-insensitive, ``and`` binds tighter than ``or``)::

        query      := conjunction ("or" conjunction)*
        conjunction:= term ("and" term)*
        term       := "(" query ")" | field condition
        condition  := ("=" | "==" | "!=" | ">" | ">=" | "<" | "<=" | "contains") value
                    | "exists" | "not" "exists" | "in" "(" value ("," value)* ")"
        field, value := bare word | "double-quoted" | 'single-quoted'
    """
    _check_resource(resource)
    if text is None or not text.strip():
        return None
    parser = _Parser(tokenize(text), resource)
    tree = parser.query()
    end = parser.peek()
    if end.kind != "end":
        if end.kind == ")":
            raise parser.error(end, "this ) closes no (", _AFTER_CONDITION)
        raise parser.error(
            end, f"expected and, or or the end of the query, not {_show(end)}", _AFTER_CONDITION
        )
    return validate_expression(_as_expression(tree), resource)


# The parse tree: a filter dict, or ("And"|"Or", [children]).
_Node = dict[str, Any] | tuple[str, list[Any]]


class _Parser:
    def __init__(self, tokens: list[Token], resource: str) -> None:
        self.tokens = tokens
        self.index = 0
        self.resource = resource
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def error(self, token: Token, message: str, expected: list[str]) -> QueryError:
        return QueryError(
            f"at position {token.position}: {message}", position=token.position, expected=expected
        )

    def query(self) -> _Node:
        return self.chain("or", self.conjunction)

    def conjunction(self) -> _Node:
        return self.chain("and", self.term)

    def chain(self, keyword: str, operand: Callable[[], _Node]) -> _Node:
        """``operand (keyword operand)*``: one operand, or an And/Or node of them."""
        children = [operand()]
        while self.peek().is_keyword(keyword):
            self.take()
            children.append(operand())
        return children[0] if len(children) == 1 else (keyword.capitalize(), children)

    def term(self) -> _Node:
        token = self.peek()
        if token.kind == "(":
            self.depth += 1
            if self.depth > MAX_ELEMENTS:
                # Deeper nesting could not pass SageMaker's element limit anyway.
                raise self.error(
                    token, f"more than {MAX_ELEMENTS} nested parentheses", ["property name"]
                )
            self.take()
            inner = self.query()
            self.depth -= 1
            closing = self.peek()
            if closing.kind != ")":
                raise self.error(
                    closing,
                    f"expected ) to close the ( at position {token.position}, not {_show(closing)}",
                    [")", "and", "or"],
                )
            self.take()
            return inner
        if token.kind not in ("word", "string") or (
            token.kind == "word" and token.text.lower() in ("and", "or")
        ):
            raise self.error(
                token, f"expected a property name or (, not {_show(token)}", ["property name", "("]
            )
        self.take()
        try:
            name = canonical_property(token.text, self.resource)
        except QueryError as unknown:
            raise QueryError(
                f"at position {token.position}: {unknown.message}",
                position=token.position,
                expected=["property name"],
                suggestions=unknown.suggestions,
            ) from None
        return self.condition(name, token)

    def condition(self, name: str, field: Token) -> _Node:
        built = self.operation(name, field)
        try:
            # Checked here, not only at the end, so that a bad value or operator gets a position.
            _validate_filter(built, self.resource, "query", _Counter("query"))
        except (QueryError, ValidationError) as bad:
            rule = bad.message.split(": ", 1)[-1]
            raise QueryError(
                f"at position {field.position}: {rule}",
                position=field.position,
                expected=["a valid condition"],
                suggestions=getattr(bad, "suggestions", None),
            ) from None
        return built

    def operation(self, name: str, field: Token) -> dict[str, Any]:
        token = self.take()
        if token.kind == "op":
            return {"Name": name, "Operator": _COMPARISONS[token.text], "Value": self.value(token)}
        if token.is_keyword("contains"):
            return {"Name": name, "Operator": "Contains", "Value": self.value(token)}
        if token.is_keyword("exists"):
            return {"Name": name, "Operator": "Exists"}
        if token.is_keyword("not"):
            after = self.take()
            if not after.is_keyword("exists"):
                raise self.error(
                    after, f"expected exists after 'not', not {_show(after)}", ["exists"]
                )
            return {"Name": name, "Operator": "NotExists"}
        if token.is_keyword("in"):
            opening = self.take()
            if opening.kind != "(":
                raise self.error(opening, f"expected ( after 'in', not {_show(opening)}", ["("])
            items = [self.value(opening)]
            while self.peek().kind == ",":
                items.append(self.value(self.take()))
            closing = self.take()
            if closing.kind != ")":
                raise self.error(
                    closing,
                    f"expected , or ) in the list of 'in', not {_show(closing)}",
                    [",", ")"],
                )
            for item in items:
                if "," in item:
                    raise self.error(
                        opening, f"a value of 'in' cannot contain a comma ({item!r})", ["value"]
                    )
            return {"Name": name, "Operator": "In", "Value": ",".join(items)}
        raise self.error(
            token, f"expected an operator after {field.text!r}, not {_show(token)}", _AFTER_FIELD
        )

    def value(self, after: Token) -> str:
        token = self.peek()
        if token.kind == "string" or (token.kind == "word"):
            self.take()
            if token.kind == "string" and not token.text:
                raise self.error(token, "expected a value, not an empty string", ["value"])
            return token.text
        raise self.error(
            token, f"expected a value after '{after.text}', not {_show(token)}", ["value"]
        )


def _show(token: Token) -> str:
    if token.kind == "end":
        return "the end of the query"
    if token.kind == "string":
        return f"the string {token.text!r}"
    return repr(token.text)


def _as_expression(node: _Node) -> dict[str, Any]:
    """Parse tree → SearchExpression: filters of a level go to Filters, groups to SubExpressions."""
    if isinstance(node, dict):
        return {"Filters": [node], "Operator": "And"}
    operator, children = node
    flat: list[Any] = []
    for child in children:
        # (a and b) and c is a and b and c: one level, not a needless SubExpression.
        if isinstance(child, tuple) and child[0] == operator:
            flat.extend(child[1])
        else:
            flat.append(child)
    filters = [child for child in flat if isinstance(child, dict)]
    groups = [_as_expression(child) for child in flat if not isinstance(child, dict)]
    if len(filters) > MAX_LIST_MEMBERS:
        # SageMaker takes 20 filters per level; more are the same condition one level down.
        chunks = [
            filters[i : i + MAX_LIST_MEMBERS] for i in range(0, len(filters), MAX_LIST_MEMBERS)
        ]
        groups = [{"Filters": chunk, "Operator": operator} for chunk in chunks] + groups
        filters = []
    out: dict[str, Any] = {}
    if filters:
        out["Filters"] = filters
    if groups:
        out["SubExpressions"] = groups
    out["Operator"] = operator
    return out
