"""Groups of a trial component list (``POST table/groups``, docs/compare.md): the components of a
whole selection grouped by one to three properties, one row per group with its key, its member
count and, for every metric statistic, the members' mean, sample standard deviation, min and max.

The values come from :func:`smx_lab.listing.scope_values` (one SQL read per property in the
embedded store) and are aggregated with numpy: one pass per metric column, whatever the number of
groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .listing import (
    ListRequest,
    census_of,
    check_named,
    list_request,
    scope_of,
    scope_values,
)
from .stores.base import Store
from .stores.cursors import decode_offset, encode_offset, fingerprint
from .table import metric_columns
from .vocabulary import SUMMARY_STATISTICS


def table_groups(store: Store, body: dict[str, Any]) -> dict[str, Any]:
    """The answer of ``table/groups``."""
    request = list_request(body, groups=True)
    limit = body.get("limit", 100)
    check_named(store, request.selection)
    scope = scope_of(request, whole=True)
    census = census_of(store, scope)
    wanted = body.get("metric_names")
    metrics = [name for name in census.metrics if not wanted or name in set(wanted)]
    kept = body.get("statistics") or SUMMARY_STATISTICS
    chosen = [statistic for statistic in SUMMARY_STATISTICS if statistic in kept]
    columns = [
        column
        for metric in metrics
        for statistic, column in zip(SUMMARY_STATISTICS, metric_columns(metric), strict=True)
        if statistic in chosen
    ]
    statistic_properties = [
        f"Metrics.{metric}.{statistic}" for metric in metrics for statistic in chosen
    ]
    names, values = scope_values(store, scope, [*request.group_by, *statistic_properties])
    width = len(request.group_by)
    keys, member_group = _group_index(values[:width], len(names))
    groups = [{"key": list(key), "count": 0, "metrics": {}} for key in keys]
    counts = np.bincount(member_group, minlength=len(keys)) if len(names) else np.zeros(0, int)
    for group, count in zip(groups, counts.tolist(), strict=True):
        group["count"] = count
    for column, column_values in zip(columns, values[width:], strict=True):
        _aggregate(groups, column, member_group, column_values)
    ordered = _sorted(groups, request)
    fingerprint_of = fingerprint(
        [
            "groups",
            body.get("selection"),
            request.group_by,
            request.sort_by,
            request.sort_order,
            wanted,
        ]
    )
    offset = (
        request.offset
        if request.offset is not None
        else decode_offset(request.cursor, fingerprint_of)
    )
    end = offset + limit
    return {
        "group_by": request.group_by,
        "groups": ordered[offset:end],
        "metric_columns": columns,
        "total": len(ordered),
        "components": len(names),
        "next_cursor": encode_offset(end, fingerprint_of) if end < len(ordered) else None,
    }


def _group_index(key_columns: list[list[Any]], size: int) -> tuple[list[tuple], np.ndarray]:
    """The distinct keys, and each member's group (index into the keys): each key column is
    factorised on its own (a dict of its distinct values), and the columns' codes combined with
    numpy."""
    if not key_columns:
        return [()], np.zeros(size, dtype=np.int64)
    codes: list[np.ndarray] = []
    uniques: list[list[Any]] = []
    for column in key_columns:
        seen: dict[Any, int] = {}
        code = np.fromiter(
            (seen.setdefault(value, len(seen)) for value in column), dtype=np.int64, count=size
        )
        codes.append(code)
        uniques.append(list(seen))
    combined = np.ravel_multi_index(codes, [len(u) for u in uniques]) if size else np.zeros(0, int)
    distinct, member_group = np.unique(combined, return_inverse=True)
    positions = [
        np.asarray(axis).tolist() for axis in np.unravel_index(distinct, [len(u) for u in uniques])
    ]
    keys = [
        tuple(key_value(uniques[j][positions[j][g]]) for j in range(len(uniques)))
        for g in range(len(distinct))
    ]
    return keys, member_group.astype(np.int64)


def key_value(value: Any) -> Any:
    """A key value as JSON gives it back: a whole float is the same key as its int (the list's
    groups and the charts' groups both key by it)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _aggregate(
    groups: list[dict[str, Any]], column: str, member_group: np.ndarray, values: Any
) -> None:
    """Each group's statistics of one metric column, over the members that have it."""
    array = (
        values
        if isinstance(values, np.ndarray)
        else np.array([np.nan if value is None else value for value in values], dtype=np.float64)
    )
    present = ~np.isnan(array)
    if not present.any():
        return
    which = member_group[present]
    held = array[present]
    size = len(groups)
    count = np.bincount(which, minlength=size)
    total = np.bincount(which, weights=held, minlength=size)
    mean = np.divide(total, count, out=np.zeros(size), where=count > 0)
    squares = np.bincount(which, weights=(held - mean[which]) ** 2, minlength=size)
    low = np.full(size, np.inf)
    high = np.full(size, -np.inf)
    np.minimum.at(low, which, held)
    np.maximum.at(high, which, held)
    for group, n, m, sq, lo, hi in zip(
        groups,
        count.tolist(),
        mean.tolist(),
        squares.tolist(),
        low.tolist(),
        high.tolist(),
        strict=True,
    ):
        if n:
            group["metrics"][column] = {
                "mean": m,
                "std": float(np.sqrt(sq / (n - 1))) if n > 1 else None,
                "min": lo,
                "max": hi,
                "count": n,
            }


def key_order(key: Sequence[Any]) -> tuple:
    """The order of group keys: numbers before text, a missing value last, value by value."""
    return tuple(
        (2, 0, "")
        if value is None
        else (0, float(value), "")
        if isinstance(value, int | float)
        else (1, 0, str(value))
        for value in key
    )


def _sorted(groups: list[dict[str, Any]], request: ListRequest) -> list[dict[str, Any]]:
    descending = request.sort_order == "Descending"
    by_key = sorted(groups, key=lambda group: key_order(group["key"]))
    if request.sort_by == "Key":
        return by_key[::-1] if descending else by_key
    if request.sort_by == "Count":
        return sorted(by_key, key=lambda group: group["count"], reverse=descending)
    metric, _, statistic = request.sort_by[len("Metrics.") :].rpartition(".")
    column = f"{metric} - {statistic}"
    having = [group for group in by_key if column in group["metrics"]]
    missing = [group for group in by_key if column not in group["metrics"]]
    having.sort(key=lambda group: group["metrics"][column]["mean"], reverse=descending)
    return having + missing
