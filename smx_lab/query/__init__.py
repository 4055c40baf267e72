"""The query language: SageMaker's SearchExpression, a typed syntax that compiles to it, and a
plain-Python evaluation of it over model records.

Four entry points, all free of SQL, tornado and boto3:

- :func:`compile_text` is the one rule for what a user typed (the search box, a REST ``query``,
  ``%smx search``): nothing, SearchExpression JSON, plain words looked for in names, or the typed
  syntax; :func:`compile_request` reads a request's ``search_expression`` or ``query`` with it.
- :func:`parse_query` turns the typed syntax of the search box and ``%smx search``
  (``metrics.test:accuracy.max > 0.9 and parameters.optimizer = "sgd"``) into a SearchExpression.
- :func:`validate_expression` checks a SearchExpression (typed or sent verbatim as JSON) against
  SageMaker's shapes and limits and returns a normalised copy: canonical property names, explicit
  operators, ``In`` lists trimmed.
- :func:`evaluate` says whether one record matches a validated expression.

The modules: :mod:`.properties` (the properties and operators per resource), :mod:`.values`
(numbers, times, ``In`` lists), :mod:`.validate` (SageMaker's shapes and limits),
:mod:`.evaluate`, :mod:`.parse` (the typed syntax) and :mod:`.text` (the rule above).

Semantics (shared by :func:`evaluate` and the embedded store's SQL, see ``stores/local/search.py``):

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

from ..vocabulary import TRIAL_COMPONENT
from .evaluate import Record, evaluate, resource_of
from .parse import Token, is_plain_text, parse_query, tokenize
from .properties import (
    BOOLEAN_OPERATORS,
    FIXED_PROPERTIES,
    NESTED_PROPERTIES,
    OPERATORS,
    ORDERING_OPERATORS,
    OWN_NAME,
    PRESENCE_OPERATORS,
    TIME_PROPERTIES,
    Kind,
    Property,
    canonical_property,
    close_matches,
    describe_property,
    filter_property,
)
from .text import REQUEST_FIELDS, compile_request, compile_text, searchable_resources
from .validate import (
    MAX_ELEMENTS,
    MAX_LIST_MEMBERS,
    MAX_NAME_LENGTH,
    MAX_VALUE_LENGTH,
    validate_condition,
    validate_expression,
)
from .values import ascii_lower, in_items, parse_number, parse_time

__all__ = [
    "BOOLEAN_OPERATORS",
    "FIXED_PROPERTIES",
    "MAX_ELEMENTS",
    "MAX_LIST_MEMBERS",
    "MAX_NAME_LENGTH",
    "MAX_VALUE_LENGTH",
    "NESTED_PROPERTIES",
    "OPERATORS",
    "ORDERING_OPERATORS",
    "OWN_NAME",
    "PRESENCE_OPERATORS",
    "REQUEST_FIELDS",
    "TIME_PROPERTIES",
    "TRIAL_COMPONENT",
    "Kind",
    "Property",
    "Record",
    "Token",
    "ascii_lower",
    "canonical_property",
    "close_matches",
    "compile_request",
    "compile_text",
    "describe_property",
    "evaluate",
    "filter_property",
    "in_items",
    "is_plain_text",
    "parse_number",
    "parse_query",
    "parse_time",
    "resource_of",
    "searchable_resources",
    "tokenize",
    "validate_condition",
    "validate_expression",
]
