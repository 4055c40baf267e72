"""Store-agnostic ways of gathering many records: following cursors, fetching components by name.

The REST handlers, the charts, the analytics drop-in and the magics all gather records this way, so
paging and batching are written once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ..columns import ComponentColumns
from ..model import Page, TrialComponent
from ..vocabulary import TRIAL_COMPONENT
from .base import Store

#: Page size used when following cursors; both stores accept it.
# Pages as large as every store takes (the embedded store up to 10,000, the SageMaker store any
# size, paging its Search calls itself): each page of a search pays for the whole filter again.
PAGE_SIZE = 1000

T = TypeVar("T")


def collect_pages(fetch: Callable[[str | None, int], Page[T]], limit: int | None = None) -> list[T]:
    """Follows a listing's cursors until it ends or ``limit`` items are in hand (no limit: all);
    ``fetch(cursor, page_size)`` asks the store for one page."""
    items: list[T] = []
    cursor: str | None = None
    while limit is None or len(items) < limit:
        page_size = PAGE_SIZE if limit is None else min(PAGE_SIZE, limit - len(items))
        page = fetch(cursor, page_size)
        items.extend(page.items)
        cursor = page.next_cursor
        if not cursor or not page.items:
            break
    return items


def components_by_name(store: Store, names: list[str]) -> list[TrialComponent]:
    """The named components, in the order named, fetched a few searches at a time rather than one
    lookup per name (``TrialComponentName In (...)``, within SageMaker's limits). Names that an
    ``In`` list cannot carry, and names no search found, are looked up one by one, so an unknown
    name is the store's own 404."""
    found: dict[str, TrialComponent] = {}
    for expression in _name_searches(names):

        def fetch(cursor: str | None, page_size: int, expression: dict = expression) -> Page[Any]:
            return store.search(
                TRIAL_COMPONENT, expression, sort_by="Name", limit=page_size, cursor=cursor
            )

        for component in collect_pages(fetch):
            found[component.trial_component_name] = component
    return [found[name] if name in found else store.get_trial_component(name) for name in names]


def columns_by_name(store: Store, names: list[str]) -> ComponentColumns:
    """:func:`components_by_name` as columns (the store's columnar search): the named components
    in the order named, repeats kept; an unknown name is the store's 404."""
    parts: list[ComponentColumns] = []
    for expression in _name_searches(names):
        cursor: str | None = None
        while True:
            page = store.search_trial_component_columns(
                expression, sort_by="Name", limit=PAGE_SIZE, cursor=cursor
            )
            parts.append(page.columns)
            cursor = page.next_cursor
            if not cursor or not len(page.columns):
                break
    position = {name: row for row, name in enumerate(n for part in parts for n in part.names)}
    missing = [name for name in dict.fromkeys(names) if name not in position]
    if missing:
        looked_up = [store.get_trial_component(name) for name in missing]
        position.update((name, len(position) + row) for row, name in enumerate(missing))
        parts.append(ComponentColumns.from_records(looked_up))
    return ComponentColumns.concat(parts).take([position[name] for name in names])


def _name_searches(names: list[str]) -> list[dict[str, Any]]:
    """Searches that find the named components, each an Or of ``In`` lists within SageMaker's
    limits; names no ``In`` list can carry are left to be looked up one by one."""
    from .. import query

    batchable = [
        name
        for name in dict.fromkeys(names)
        if name and "," not in name and len(name) < query.MAX_VALUE_LENGTH
    ]
    groups = _in_lists(batchable, query.MAX_VALUE_LENGTH)
    return [
        query.validate_expression(
            {
                "Operator": "Or",
                "SubExpressions": [
                    {"Filters": [{"Name": "TrialComponentName", "Operator": "In", "Value": group}]}
                    for group in groups[start : start + query.MAX_LIST_MEMBERS]
                ],
            }
        )
        for start in range(0, len(groups), query.MAX_LIST_MEMBERS)
    ]


def _in_lists(names: list[str], max_length: int) -> list[str]:
    """Names joined by commas into values no longer than ``max_length``."""
    groups: list[str] = []
    current = ""
    for name in names:
        if current and len(current) + 1 + len(name) > max_length:
            groups.append(current)
            current = ""
        current = f"{current},{name}" if current else name
    if current:
        groups.append(current)
    return groups
