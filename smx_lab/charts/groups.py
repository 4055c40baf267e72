"""Groups of components for a chart's ``group_by``: components with the same values of the
grouping columns are one group, labelled by those values joined with ", ".

The key order is the list's (docs/compare.md, ``table/groups`` sorted by ``Key``): value by value,
numbers before text, a missing value last.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..groups import key_order, key_value
from .data import is_missing

#: What a group key shows where a component has no value for a grouping column.
NO_VALUE = "(none)"


@dataclass(frozen=True)
class Group:
    """Components that share the values of the grouping columns."""

    key: tuple[Any, ...]  # one value per group_by column; None where the component has none
    label: str
    members: tuple[str, ...]  # component names, in the selection's order


def key_text(value: Any) -> str:
    """A key value as a legend shows it: ``64`` for 64.0, ``(none)`` for a missing value."""
    if value is None:
        return NO_VALUE
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def group_label(key: Sequence[Any]) -> str:
    return ", ".join(key_text(value) for value in key)


def group_title(group_by: Sequence[str]) -> str:
    """The grouping columns as a legend titles them: ``optimizer, team`` for
    ``parameters.optimizer, tags.team``."""
    return ", ".join(
        column.removeprefix("parameters.").removeprefix("tags.") for column in group_by
    )


def _value(row: dict[str, Any], alias: str) -> Any:
    """A key value as the list's groups give it (``table/groups``): None where the component has
    none, a whole float as its int."""
    value = row.get(alias)
    if is_missing(value) or (isinstance(value, float) and math.isnan(value)):
        return None
    return key_value(value)


def component_groups(rows: Iterable[dict[str, Any]], group_by: Sequence[str]) -> list[Group]:
    """The groups of :func:`~smx_lab.charts.data.summary_rows` by the ``group_by`` column aliases,
    in key order; each group's members keep the rows' order."""
    members: dict[tuple[Any, ...], list[str]] = {}
    for row in rows:
        key = tuple(_value(row, alias) for alias in group_by)
        members.setdefault(key, []).append(row["name"])
    return [
        Group(key, group_label(key), tuple(names))
        for key, names in sorted(members.items(), key=lambda item: key_order(item[0]))
    ]


def group_labels(rows: Iterable[dict[str, Any]], group_by: Sequence[str]) -> dict[str, str]:
    """Component name → the label of its group."""
    return {
        name: group.label for group in component_groups(rows, group_by) for name in group.members
    }


def largest_groups(groups: Sequence[Group], most: int) -> list[Group]:
    """At most ``most`` groups: the largest (ties in key order), kept in key order."""
    if len(groups) <= most:
        return list(groups)
    ranked = sorted(range(len(groups)), key=lambda index: (-len(groups[index].members), index))
    return [groups[index] for index in sorted(ranked[:most])]
