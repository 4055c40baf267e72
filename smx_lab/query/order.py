"""Sorting model records in plain Python, as the embedded store's SQL sorts them, for stores that
sort after fetching (the MLflow store).

A record without a value for the sort property goes last in either order; numbers come before
text (a parameter may be either); ties keep the records' own order reversed with the direction
(by name), so a sort is total and pages never overlap.
"""

from __future__ import annotations

from typing import Any, TypeVar

from ..errors import QueryError, ValidationError
from ..vocabulary import SORT_ORDERS
from .evaluate import Record, property_values, resource_of
from .properties import describe_property

R = TypeVar("R", bound=Record)


def sort_key_of(record: Record, prop: Any) -> tuple[int, int, Any]:
    values = property_values(prop, record)
    if not values:
        return (1, 0, 0)
    value = values[0]
    if isinstance(value, bool):
        value = float(value)
    if isinstance(value, int | float):
        return (0, 0, float(value))
    return (0, 1, str(value))


def sort_records(records: list[R], sort_by: str, sort_order: str) -> list[R]:
    """``records`` sorted by ``sort_by`` (any property of their resource, as SageMaker names it,
    lower-case aliases too) in ``sort_order``; a bad field is a ValidationError naming it."""
    if sort_order not in SORT_ORDERS:
        raise ValidationError("sort_order", "must be 'Ascending' or 'Descending'", value=sort_order)
    if not records:
        return []
    if not isinstance(sort_by, str):
        raise ValidationError("sort_by", "must be a string")
    resource = resource_of(records[0])
    try:
        prop = describe_property(sort_by, resource)
    except QueryError as error:
        raise ValidationError("sort_by", error.message, value=sort_by) from None
    name_prop = describe_property("Name", resource)
    descending = sort_order == "Descending"
    keyed = [(sort_key_of(r, prop), str(property_values(name_prop, r)[0]), r) for r in records]
    present = [k for k in keyed if k[0][0] == 0]
    missing = [k for k in keyed if k[0][0] == 1]
    present.sort(key=lambda k: (k[0][1:], k[1]), reverse=descending)
    missing.sort(key=lambda k: k[1], reverse=descending)
    return [k[2] for k in present + missing]
