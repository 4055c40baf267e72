"""Reading records from SageMaker: the paging loops of ``Search`` and of the ``List*`` calls,
lookups by name, and the cache of the component records seen in any answer.

A search is pushed down to SageMaker as far as it can express it (:func:`.search.push_down`) and
finished here with :func:`smx_lab.query.evaluate`; the page's ``notes`` say what was evaluated
after fetching. Pages of ours and pages of SageMaker's do not line up, so a cursor is SageMaker's
``NextToken`` plus how many of that page's records were already returned
(:class:`.search.Position`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from ...errors import StoreUnavailable, ValidationError
from ...model import NotedPage, Page
from ...query import OWN_NAME, evaluate, validate_expression
from ...vocabulary import EXPERIMENT, SEARCH_RESULT_KEYS, SORT_ORDERS, TRIAL, TRIAL_COMPONENT
from . import records
from .aws import AwsClients, TtlCache
from .search import (
    Position,
    PushDown,
    decode_cursor,
    encode_cursor,
    fingerprint,
    push_down,
    sort_property,
)

T = TypeVar("T")

SEARCH_PAGE = 100  # Search's MaxResults limit
LIST_PAGE = 100  # ListExperiments/ListTrials MaxResults limit
# A search whose filter SageMaker could only partly apply stops scanning after this many pages
# once it has something to show; the cursor continues from there.
MAX_SCAN_CALLS = 20
#: How many component records the cache of components keeps.
CACHED_COMPONENTS = 20_000

#: Search resource → the function that makes a model record of one of its results.
CONVERTERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    EXPERIMENT: records.experiment,
    TRIAL: records.trial,
    TRIAL_COMPONENT: records.trial_component,
}


@dataclass
class _Search:
    """One search request, as the paging loop needs it."""

    resource: str
    expression: dict[str, Any] | None  # validated; every record is checked against it
    plan: PushDown
    params: dict[str, Any]  # Search's parameters but MaxResults and NextToken
    request: str  # the request's fingerprint, which its cursors carry
    limit: int
    refresh: bool


def check_limit(limit: int) -> None:
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValidationError("limit", "must be a positive integer", value=limit)


def checked_order(order: str) -> str:
    """``Ascending`` or ``Descending``, else a ValidationError naming ``sort_order``."""
    if order not in SORT_ORDERS:
        choices = " or ".join(repr(o) for o in SORT_ORDERS)
        raise ValidationError("sort_order", f"must be {choices}", value=order)
    return order


class Browser:
    """Pages and records of one SageMaker account, read through ``aws``; every component record
    seen in an answer is kept in :attr:`components` (by name) for ``aws``'s cache time."""

    def __init__(self, aws: AwsClients) -> None:
        self.aws = aws
        # Components seen in any answer, by name: a table or a chart right after a listing needs
        # no further call.
        self.components = TtlCache(aws.cache.seconds, max_entries=CACHED_COMPONENTS)

    # -- Search -------------------------------------------------------------------------------

    def search(
        self,
        resource: str,
        expression: dict[str, Any] | None,
        sort_by: str,
        order: str,
        limit: int,
        cursor: str | None,
        refresh: bool,
    ) -> NotedPage[Any]:
        """A page of ``resource`` matching ``expression``, SageMaker's pages read until ``limit``
        records match (or :data:`MAX_SCAN_CALLS` pages were read and some matched)."""
        check_limit(limit)
        expression = validate_expression(expression, resource) if expression else None
        plan = push_down(expression, resource)
        request = fingerprint("search", resource, expression, sort_by, order)
        position = decode_cursor(cursor, request)
        params: dict[str, Any] = {
            "Resource": resource,
            "SortBy": sort_property(sort_by, resource),
            "SortOrder": checked_order(order),
        }
        if plan.expression:
            params["SearchExpression"] = plan.expression
        search = _Search(resource, expression, plan, params, request, limit, refresh)
        return self._scan(search, position)

    def _scan(self, search: _Search, position: Position) -> NotedPage[Any]:
        key = SEARCH_RESULT_KEYS[search.resource]
        items: list[Any] = []
        token, skip = position.token, position.skip
        total: int | None = None
        calls = 0
        while True:
            # Ask for just what is missing when every record SageMaker returns will be kept.
            size = (
                SEARCH_PAGE
                if (not search.plan.exact or skip)
                else min(SEARCH_PAGE, search.limit - len(items))
            )
            answer = self._fetch(search, size, token, calls, len(items))
            calls += 1
            hits = answer.get("TotalHits") or {}
            if search.plan.exact and hits.get("Relation") == "EqualTo":
                total = int(hits["Value"])
            results = [result[key] for result in answer.get("Results") or [] if key in result]
            next_token = answer.get("NextToken")
            for index in range(skip, len(results)):
                record = self._kept(search, results[index])
                if record is None:
                    continue
                items.append(record)
                if len(items) == search.limit:
                    if index + 1 < len(results):
                        following: Position | None = Position(token, index + 1)
                    else:
                        following = Position(next_token) if next_token else None
                    return self._page(items, search, following, total)
            skip = 0
            token = next_token
            if not token:
                return self._page(items, search, None, total)
            if items and calls >= MAX_SCAN_CALLS:
                return self._page(items, search, Position(token), total)

    def _fetch(
        self, search: _Search, size: int, token: str | None, calls: int, received: int
    ) -> dict[str, Any]:
        """One Search call; when it fails after earlier ones, the error says how far the request
        got (``calls`` made, ``received`` records kept)."""
        call = dict(search.params, MaxResults=size)
        if token:
            call["NextToken"] = token
        try:
            return self.aws.call(
                "sagemaker",
                "search",
                cached=True,
                refresh=search.refresh,
                invalid_is_query=True,
                **call,
            )
        except StoreUnavailable as error:
            if calls:
                # Some pages arrived: say how far the request got and that the rest is missing.
                error.message = (
                    f"{error.message} (after {calls} of the Search calls this page needed: "
                    f"{received} records received, the rest missing)"
                )
                error.args = (error.message,)
                error.details.update(partial=True, received=received, calls_done=calls)
            raise

    def _kept(self, search: _Search, raw: dict[str, Any]) -> Any | None:
        """The record of one result, or None when it does not match the whole expression."""
        if search.resource == TRIAL_COMPONENT:
            self.components.put(raw["TrialComponentName"], raw)
        record = CONVERTERS[search.resource](raw)
        if search.expression is not None and not evaluate(search.expression, record):
            return None
        return record

    def _page(
        self, items: list[Any], search: _Search, following: Position | None, total: int | None
    ) -> NotedPage[Any]:
        notes = [
            f"evaluated after fetching from SageMaker: {residual}"
            for residual in search.plan.residual
        ]
        next_cursor = encode_cursor(search.request, following) if following else None
        return NotedPage(items, next_cursor, total, notes)

    def find_by_name(self, resource: str, name: str, refresh: bool) -> dict[str, Any] | None:
        """The full record of one named resource from Search, or None when Search has none."""
        if not isinstance(name, str) or not name:
            raise ValidationError("name", "must be a non-empty string")
        answer = self.aws.call(
            "sagemaker",
            "search",
            cached=True,
            refresh=refresh,
            Resource=resource,
            SearchExpression={
                "Filters": [{"Name": OWN_NAME[resource], "Operator": "Equals", "Value": name}]
            },
            MaxResults=1,
        )
        key = SEARCH_RESULT_KEYS[resource]
        for result in answer.get("Results") or []:
            if key in result:
                found: dict[str, Any] = result[key]
                return found
        return None

    def component_record(self, name: str, refresh: bool) -> dict[str, Any]:
        """SageMaker's record of one component: from the cache, else by Search, else by
        DescribeTrialComponent (Search's index lags writes by a little); NotFound if none."""
        if not refresh:
            cached: dict[str, Any] | None = self.components.get(name)
            if cached is not None:
                return cached
        found = self.find_by_name(TRIAL_COMPONENT, name, refresh)
        if found is None and name != name.lower():
            # The tracking API writes components lower-cased, as SageMaker's SDK does.
            found = self.find_by_name(TRIAL_COMPONENT, name.lower(), refresh)
        if found is None:
            found = self.aws.call(
                "sagemaker",
                "describe_trial_component",
                TrialComponentName=name,
                not_found=("TrialComponent", name),
            )
        self.components.put(name, found)
        return found

    # -- List* --------------------------------------------------------------------------------

    def list(
        self,
        operation: str,
        result_key: str,
        convert: Callable[[dict[str, Any]], T],
        params: dict[str, Any],
        limit: int,
        cursor: str | None,
        refresh: bool,
    ) -> Page[T]:
        """A List* call followed page after page until ``limit`` records."""
        check_limit(limit)
        request = fingerprint(operation, params)
        token = decode_cursor(cursor, request).token
        items: list[T] = []
        not_found = ("Experiment", params["ExperimentName"]) if "ExperimentName" in params else None
        while True:
            call = dict(params, MaxResults=min(LIST_PAGE, limit - len(items)))
            if token:
                call["NextToken"] = token
            answer = self.aws.call(
                "sagemaker", operation, cached=True, refresh=refresh, not_found=not_found, **call
            )
            items.extend(convert(summary) for summary in answer.get(result_key) or [])
            token = answer.get("NextToken")
            if not token or len(items) >= limit:
                following = encode_cursor(request, Position(token)) if token else None
                return Page(items, following)
