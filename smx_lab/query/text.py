"""The one rule that turns what a user typed into a SearchExpression.

The sidebar's search box, the REST API's ``query`` fields, the table and chart requests and
``%smx search`` all read text the same way (:func:`compile_text`):

- nothing, or only blanks: no filter (None);
- text that starts with ``{``: a SageMaker SearchExpression written as JSON;
- plain words (:func:`~smx_lab.query.is_plain_text`): records whose name or display name contains
  them, ignoring ASCII case — what ``list_*(name_contains=...)`` finds;
- anything else: the typed query language (:func:`~smx_lab.query.parse_query`).

Whatever the form, the answer is validated against SageMaker's shapes and limits, and an error
names the request field it is about (``field`` in its details) and, for text, the position in it.
"""

from __future__ import annotations

import json
from typing import Any

from .. import bounds
from ..errors import QueryError, SmxError, ValidationError
from ..vocabulary import RESOURCES, TRIAL_COMPONENT
from .parse import is_plain_text, parse_query
from .properties import OWN_NAME, check_resource
from .validate import MAX_VALUE_LENGTH, validate_expression

#: The request fields :func:`compile_request` reads, of which a request gives at most one.
REQUEST_FIELDS = ("search_expression", "query")


def compile_text(
    text: str | None, resource: str = TRIAL_COMPONENT, *, field: str = "query"
) -> dict[str, Any] | None:
    """A validated SearchExpression for ``text`` (see the module's rule), or None for no filter.

    ``field`` names where the text came from (``query``, ``search.query``): bad text raises
    :class:`QueryError` (with ``position`` for text that does not parse) or
    :class:`ValidationError`, either naming ``field``."""
    check_resource(resource)
    if text is None:
        return None
    if not isinstance(text, str):
        raise ValidationError(field, "must be a string")
    words = text.strip()
    if not words:
        return None
    try:
        if words.startswith("{"):
            return _json_expression(text, resource, field)
        if is_plain_text(text):
            return _name_contains(words, resource, field)
        return parse_query(text, resource)
    except SmxError as error:
        _name_field(error, field)
        raise


def searchable_resources(text: str | None) -> list[str]:
    """The resources (in SageMaker's order: Experiment, ExperimentTrial, ExperimentTrialComponent)
    that ``text`` is a valid query of, read by :func:`compile_text`: blank text and plain words
    search every resource; ``metrics.acc.max > 0.9`` only trial components; text that no resource
    takes, none. What a caller does with text about another resource (the panel at Home lists the
    trial components a component query finds) is the caller's choice."""
    resources = []
    for resource in RESOURCES:
        try:
            compile_text(text, resource)
        except SmxError:
            continue
        resources.append(resource)
    return resources


def compile_request(
    body: dict[str, Any], resource: str = TRIAL_COMPONENT, field_prefix: str = ""
) -> dict[str, Any] | None:
    """The SearchExpression of a request that gives at most one of ``search_expression``
    (SageMaker's JSON, validated) or ``query`` (text, read by :func:`compile_text`); None when it
    gives neither. The REST ``search`` route reads its body so, and table and chart requests their
    ``search`` object (``field_prefix="search."``, so that errors name ``search.query``)."""
    check_resource(resource)
    if not isinstance(body, dict):
        raise ValidationError(field_prefix.rstrip(".") or "request", "must be a JSON object")
    given = [key for key in REQUEST_FIELDS if key in body]
    if len(given) > 1:
        raise ValidationError(
            f"{field_prefix}query", "give search_expression or query, not both", given=given
        )
    if "search_expression" in body:
        field = f"{field_prefix}search_expression"
        try:
            return validate_expression(body["search_expression"], resource, path=field)
        except SmxError as error:
            _name_field(error, field)
            raise
    if "query" in body:
        return compile_text(body["query"], resource, field=f"{field_prefix}query")
    return None


def _json_expression(text: str, resource: str, field: str) -> dict[str, Any]:
    """``text`` read as a SearchExpression in JSON (within :mod:`smx_lab.bounds`' structural
    limits: no deeper than a request body), validated; positions count in ``text``."""
    try:
        expression = bounds.loads(text, field, name_paths=False)
    except json.JSONDecodeError as error:
        raise QueryError(
            f"at position {error.pos}: SearchExpression JSON does not parse: {error.msg}",
            position=error.pos,
        ) from None
    except ValidationError:  # a structural limit, named
        raise
    except ValueError as error:  # NaN, a 5000-digit integer
        raise QueryError(f"SearchExpression JSON does not parse: {error}") from None
    # Text that starts with "{" parses to an object or not at all: no other shape to refuse.
    return validate_expression(expression, resource, path=field)


def _name_contains(words: str, resource: str, field: str) -> dict[str, Any]:
    """Records whose own name or display name contains ``words``, ignoring ASCII case."""
    if len(words) > MAX_VALUE_LENGTH:
        raise ValidationError(
            field, f"words to look for in names must be at most {MAX_VALUE_LENGTH} characters"
        )
    expression = {
        "Operator": "Or",
        "Filters": [
            {"Name": OWN_NAME[resource], "Operator": "Contains", "Value": words},
            {"Name": "DisplayName", "Operator": "Contains", "Value": words},
        ],
    }
    return validate_expression(expression, resource, path=field)


def _name_field(error: SmxError, field: str) -> None:
    """Say which request field ``error`` is about, when it does not say so already."""
    error.details.setdefault("field", field)
