"""Search push-down for the SageMaker store: what SageMaker's ``Search`` is sent, and cursors.

A validated SearchExpression (:func:`smx_lab.query.validate_expression`) is split in two:

- :func:`push_down` builds the part SageMaker can answer — a *relaxation* of the expression, so
  SageMaker returns every record that matches (and maybe a few more). Elements SageMaker cannot
  express are left out: under ``And`` they are dropped, an ``Or`` that contains one is dropped
  whole. Values are rewritten into the forms SageMaker's Filter documentation asks for.
- The store then evaluates the *whole* expression on each fetched record with
  :func:`smx_lab.query.evaluate`, so the answer is exact whatever SageMaker did with the rest;
  :attr:`PushDown.residual` lists what was evaluated only after fetching, for the page's notes.

What is not pushed down, and why (SageMaker's Filter documentation):

- ``In`` on a parameter: "Only supported for text properties", and a parameter may be a number.
- ``Metrics.<name>`` without a statistic (Exists/NotExists): trial component metrics are
  searched by statistic (``Metrics.<name>.<Stat>``).
- a time with a fraction of a second: timestamp values must be ``YYYY-mm-ddTHH:MM:SS``.

Numbers compared with a parameter are sent as decimals ("1" → "1.0"): SageMaker compares
decimal parameters as integers when the value is an integer.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ...errors import ValidationError
from ...query import (
    Kind,
    describe_property,
    filter_property,
    parse_number,
    parse_time,
)


@dataclass
class PushDown:
    """What SageMaker is sent (``expression``: None means no filter) and what it could not take."""

    expression: dict[str, Any] | None
    residual: list[str] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return not self.residual


def push_down(expression: dict[str, Any] | None, resource: str) -> PushDown:
    """The relaxation of a validated ``expression`` that SageMaker's Search accepts."""
    if not expression:
        return PushDown(None)
    residual: list[str] = []
    pushed = _relax(expression, resource, residual)
    return PushDown(pushed, residual)


def _relax(expression: dict[str, Any], resource: str, residual: list[str]) -> dict[str, Any] | None:
    operator = expression.get("Operator", "And")
    out: dict[str, Any] = {}
    dropped = False
    filters = []
    for item in expression.get("Filters") or []:
        sent = _filter(item, resource, residual)
        dropped |= sent is None
        if sent is not None:
            filters.append(sent)
    nested_out = []
    for nested in expression.get("NestedFilters") or []:
        sent_filters = [_filter(f, resource, residual) for f in nested["Filters"]]
        if any(f is None for f in sent_filters):
            dropped = True
            continue
        nested_out.append(
            {"NestedPropertyName": nested["NestedPropertyName"], "Filters": sent_filters}
        )
    subs = []
    for sub in expression.get("SubExpressions") or []:
        sent_sub = _relax(sub, resource, residual)
        dropped |= sent_sub is None
        if sent_sub is not None:
            subs.append(sent_sub)
    if operator == "Or" and dropped:
        # One branch SageMaker cannot check could match anything: the Or gives no constraint.
        return None
    if filters:
        out["Filters"] = filters
    if nested_out:
        out["NestedFilters"] = nested_out
    if subs:
        out["SubExpressions"] = subs
    if not out:
        return None
    out["Operator"] = operator
    return out


def _describe(item: dict[str, Any]) -> str:
    value = f" {item['Value']!r}" if "Value" in item else ""
    return f"{item['Name']} {item['Operator']}{value}"


def _filter(item: dict[str, Any], resource: str, residual: list[str]) -> dict[str, Any] | None:
    """The filter as SageMaker is sent it, or None (and a residual note) when it cannot be."""
    prop = filter_property(item, resource)
    operator = item["Operator"]
    sent = dict(item)
    reason = None
    if prop.kind is Kind.PRESENCE:
        reason = "metrics are searched by statistic"
    elif prop.kind is Kind.PARAMETER and operator == "In":
        reason = "SageMaker's In takes text properties only"
    elif prop.kind is Kind.TIME and "Value" in item:
        moment = parse_time(item["Value"])
        if moment is None or moment != int(moment):
            reason = "SageMaker compares times to the second"
        else:
            sent["Value"] = datetime.fromtimestamp(moment, tz=timezone.utc).strftime(
                "%Y-%m-%dT%H:%M:%S"
            )
    elif prop.kind is Kind.PARAMETER and "Value" in item:
        number = parse_number(item["Value"])
        if number is not None:
            sent["Value"] = repr(number)  # always a decimal: "1" → "1.0"
    if reason is not None:
        residual.append(f"{_describe(item)} ({reason})")
        return None
    return sent


def sort_property(sort_by: str, resource: str) -> str:
    """SageMaker's ``SortBy`` for a sort field: ``metrics.<name>.<stat>`` and
    ``parameters.<name>`` in the lower-case form of SageMaker's own examples
    (``sort_by="metrics.test:accuracy.max"``), the resource's properties by their names."""
    prop = describe_property(sort_by, resource)
    if prop.kind is Kind.PRESENCE:
        raise ValidationError(
            "sort_by",
            "a metric sorts by one statistic: Metrics.<name>.<Min|Max|Avg|StdDev|Last|Count>",
            value=sort_by,
        )
    if prop.prefix == "Metrics":
        return f"metrics.{prop.key}.{(prop.field or '').lower()}"
    if prop.prefix == "Parameters":
        return f"parameters.{prop.key}"
    return prop.name


# --------------------------------------------------------------------------------------------
# Cursors: where the next page starts in SageMaker's paging
# --------------------------------------------------------------------------------------------


@dataclass
class Position:
    """SageMaker's NextToken of the page to fetch next, and how many of its records to skip
    (records already returned, when a page of ours ended inside a page of SageMaker's)."""

    token: str | None = None
    skip: int = 0


def fingerprint(*parts: Any) -> str:
    """A short digest of a request, so a cursor is only accepted for the request that made it."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def encode_cursor(request: str, position: Position) -> str:
    payload = json.dumps(
        {"r": request, "t": position.token, "s": position.skip}, separators=(",", ":")
    )
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, request: str) -> Position:
    if cursor is None:
        return Position()
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
        token, skip = payload["t"], payload["s"]
        valid = (
            payload["r"] == request
            and (token is None or isinstance(token, str))
            and isinstance(skip, int)
            and skip >= 0
        )
    except (ValueError, KeyError, TypeError, binascii.Error, RecursionError):
        valid = False
    if not valid:
        raise ValidationError(
            "cursor", "is not a cursor this store returned for this request", value=cursor
        )
    return Position(token, skip)
