"""The properties a SearchExpression may name, per resource, and the operators it may apply.

:func:`describe_property` reads a name as a user types it (``status``, ``metrics.acc.max``,
``display_name``) and answers SageMaker's canonical name and what kind of value it holds; unknown
names raise :class:`~smx_lab.errors.QueryError` with close matches in ``suggestions``.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ..errors import QueryError, ValidationError
from ..vocabulary import (
    ARTIFACT_FIELDS,
    EXPERIMENT,
    RESOURCES,
    TRIAL,
    TRIAL_COMPONENT,
    statistic_named,
)

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


class Kind(Enum):
    """What kind of value a property holds; decides which operators and values it takes."""

    TEXT = "text"
    TIME = "time"
    NUMBER = "number"
    PARAMETER = "parameter"
    PRESENCE = "presence"  # Metrics.<name> with no statistic: only Exists/NotExists


@dataclass(frozen=True)
class Property:
    """A canonical property name taken apart: ``Metrics.acc.Max`` → prefix Metrics, key acc,
    Max."""

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
    EXPERIMENT: {"ExperimentName": Kind.TEXT, "Description": Kind.TEXT, **_COMMON},
    TRIAL: {"TrialName": Kind.TEXT, "ExperimentName": Kind.TEXT, **_COMMON},
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
#: The property that holds each resource's own name (what ``name`` means in a query).
OWN_NAME = {
    EXPERIMENT: "ExperimentName",
    TRIAL: "TrialName",
    TRIAL_COMPONENT: "TrialComponentName",
}
#: The time properties of every resource: they take ISO 8601 or seconds and compare as instants.
TIME_PROPERTIES = frozenset(
    name
    for properties in FIXED_PROPERTIES.values()
    for name, kind in properties.items()
    if kind is Kind.TIME
)

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
    EXPERIMENT: ("Tags",),
    TRIAL: ("Tags",),
    TRIAL_COMPONENT: ("Parameters", "Metrics", "Tags", "InputArtifacts", "OutputArtifacts"),
}
_ARTIFACT_FIELDS = {field.lower(): field for field in ARTIFACT_FIELDS}

# The properties NestedFilters may name, per resource.
NESTED_PROPERTIES: dict[str, tuple[str, ...]] = {
    EXPERIMENT: (),
    TRIAL: (),
    TRIAL_COMPONENT: ("Parents",),
}


def fold(name: str) -> str:
    """The key variants of one name share: lower case, no underscores (``display_name`` =
    ``DisplayName``)."""
    return name.replace("_", "").lower()


def check_resource(resource: str) -> None:
    """:class:`ValidationError` (field ``resource``) unless ``resource`` is one SageMaker
    searches."""
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
    """Canonicalise ``name`` and say what kind of property it is; unknown
    → :class:`QueryError`."""
    check_resource(resource)
    if not isinstance(name, str) or not name.strip():
        raise QueryError("a property name must be a non-empty string")
    return _describe(name, resource)


@functools.lru_cache(maxsize=4096)
def _describe(name: str, resource: str) -> Property:
    # Cached: every search and every evaluated record looks the same few names up again.
    name = name.strip()
    folded = fold(name)
    fixed = FIXED_PROPERTIES[resource]
    if folded in ("name", fold(OWN_NAME[resource])):
        return Property(OWN_NAME[resource], Kind.TEXT)
    for canonical, kind in fixed.items():
        if folded == fold(canonical):
            return Property(canonical, kind)
    alias = _ALIASES.get(folded)
    if alias in fixed:
        return Property(alias, fixed[alias])
    prefix_text, dot, rest = name.partition(".")
    if dot and rest:
        for prefix in _PREFIXES[resource]:
            if fold(prefix_text) == fold(prefix):
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
        statistic = statistic_named(fold(last)) if dot and head else None
        if statistic:
            return Property(f"Metrics.{head}.{statistic}", Kind.NUMBER, prefix, head, statistic)
        return Property(f"Metrics.{rest}", Kind.PRESENCE, prefix, rest)
    # Artifacts: "<name>.Value" or "<name>.MediaType"; a bare name means its Value (always set).
    artifact_field = _ARTIFACT_FIELDS.get(fold(last)) if dot and head else None
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


def filter_property(filter_: dict[str, Any], resource: str) -> Property:
    """The :class:`Property` of a validated filter (its Name is canonical already)."""
    return describe_property(filter_["Name"], resource)
