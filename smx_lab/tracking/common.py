"""What the tracking classes share: generated names, times, paging and sorting of listings."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any, cast

from .. import model as m
from ..errors import ValidationError
from ..vocabulary import SORT_ORDERS, SortOrder

#: Records asked for per page when a listing is read to its end.
LIST_PAGE = 100


def unique_name(base: str) -> str:
    """``<base>-<UTC time>-<4 hex>``, the shape smexperiments gives generated names."""
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d-%H-%M-%S-%f")[:-3]
    return f"{base[: 120 - 29].rstrip('-')}-{stamp}-{secrets.token_hex(2)}"


def seconds(field: str, value: Any) -> float | None:
    """A time given as a datetime or as seconds since the epoch → seconds."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.timestamp()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise ValidationError(field, "must be a datetime or seconds since the epoch")


def as_datetime(moment: float | None) -> datetime | None:
    """Seconds since the epoch → an aware datetime in UTC (None stays None)."""
    return None if moment is None else datetime.fromtimestamp(moment, tz=timezone.utc)


def component_name(value: Any) -> str:
    """A trial component given as a name, a TrialComponent, a Tracker or a Run."""
    if isinstance(value, str):
        return value
    for attribute in ("trial_component_name", "trial_component"):
        inner = getattr(value, attribute, None)
        if isinstance(inner, str):
            return inner
        if inner is not None and isinstance(getattr(inner, "trial_component_name", None), str):
            return str(inner.trial_component_name)
    raise ValidationError("trial_component", "must be a name, a TrialComponent, a Tracker or a Run")


def in_window(created: float | None, created_before: Any, created_after: Any) -> bool:
    """Whether a record created at ``created`` falls between ``created_after`` and
    ``created_before`` (each a datetime, seconds or None)."""
    before = seconds("created_before", created_before)
    after = seconds("created_after", created_after)
    if created is None:
        return True
    return (before is None or created < before) and (after is None or created > after)


def every_page(
    fetch: Callable[[str | None], m.Page[Any]], cursor: str | None = None
) -> Iterator[Any]:
    """Every item of a listing, page after page."""
    while True:
        page = fetch(cursor)
        yield from page.items
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def sorting(sort_by: str | None, sort_order: str | None) -> tuple[str, SortOrder]:
    """smexperiments' ``sort_by``/``sort_order`` with their defaults: newest first."""
    order = sort_order or "Descending"
    if order not in SORT_ORDERS:
        raise ValidationError("sort_order", "must be Ascending or Descending")
    return sort_by or "CreationTime", cast(SortOrder, order)
