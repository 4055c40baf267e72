"""Search push-down for the MLflow store: the part of a SearchExpression MLflow's ``search_runs``
filter can say, and the scope it narrows to.

MLflow's filter is one ``and`` chain of comparisons; it has no ``or``, no parentheses, no
``Exists``, and it compares parameters and tags as text. A validated SearchExpression over trial
components is split in two:

- :func:`push_down` takes the comparisons of the expression's top-level ``And`` chain (its
  ``Filters``, and those of ``And`` sub-expressions) that MLflow can check with the same meaning,
  or with a looser one, and joins them with ``and``. Everything under an ``Or``, and every
  comparison it cannot say, stays out.
- The store then checks the *whole* expression on every run fetched with
  :func:`smx_lab.query.evaluate`, so the answer is exact; :attr:`PushDown.residual` names what
  was only checked after fetching, and the page's ``notes`` say so.

What goes to MLflow: ``Metrics.<name>.Last`` compared with a number (MLflow compares the latest
value); a parameter equal or not equal to a value that is not a number (a number parameter's text
may be written another way: ``0.10``); tags equal, not equal, or containing a text (``ILIKE``);
the display name (``attributes.run_name``) the same way; the status (but InProgress, which is two
of MLflow's); start and creation times compared with ``<``, ``<=``, ``>``, ``>=``.
``Parents.ExperimentName`` equal to a name narrows the experiments searched. A component's name
is not sent: it is the run ID or, for runs smx-lab wrote, a tag, and MLflow's filter has no
``or`` to say "either".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ...query import Kind, filter_property, parse_number, parse_time
from ...vocabulary import MLFLOW_STATUSES, TRIAL_COMPONENT

_COMPARISONS = {
    "Equals": "=",
    "NotEquals": "!=",
    "GreaterThan": ">",
    "GreaterThanOrEqualTo": ">=",
    "LessThan": "<",
    "LessThanOrEqualTo": "<=",
}
_STATUS_OF = {status: name for name, status in MLFLOW_STATUSES.items() if status != "InProgress"}
_TIME_ATTRIBUTES = {"CreationTime": "start_time", "StartTime": "start_time", "EndTime": "end_time"}


@dataclass
class PushDown:
    """What MLflow is sent, and what it could not take."""

    filter_string: str = ""
    experiment_names: list[str] = field(default_factory=list)  # Parents.ExperimentName = …
    trial_names: list[str] = field(default_factory=list)  # Parents.TrialName = …
    residual: list[str] = field(default_factory=list)


def push_down(expression: dict[str, Any] | None) -> PushDown:
    """The MLflow filter of a validated trial component ``expression``."""
    plan = PushDown()
    if not expression:
        return plan
    clauses: list[str] = []
    _chain(expression, clauses, plan)
    plan.filter_string = " and ".join(dict.fromkeys(clauses))
    return plan


def _chain(expression: dict[str, Any], clauses: list[str], plan: PushDown) -> None:
    if expression.get("Operator", "And") == "Or" and _members(expression) > 1:
        plan.residual.append("an 'or' (MLflow's filter has none)")
        return
    for item in expression.get("Filters") or []:
        clause = _clause(item, plan)
        if clause:
            clauses.append(clause)
    if expression.get("NestedFilters"):
        plan.residual.append("filters on a component's parents (trials are smx-lab's)")
    for sub in expression.get("SubExpressions") or []:
        _chain(sub, clauses, plan)


def _members(expression: dict[str, Any]) -> int:
    return sum(
        len(expression.get(key) or []) for key in ("Filters", "NestedFilters", "SubExpressions")
    )


def _clause(item: dict[str, Any], plan: PushDown) -> str | None:
    """The MLflow comparison of one filter, or None (noted in the residual when it matters)."""
    prop = filter_property(item, TRIAL_COMPONENT)
    operator = item["Operator"]
    value = item.get("Value")
    if prop.name.startswith("Parents.") and operator == "Equals" and isinstance(value, str):
        names = plan.experiment_names if prop.name == "Parents.ExperimentName" else plan.trial_names
        names.append(value)
        return None
    clause = _comparison(prop, operator, value)
    if clause is None:
        shown = f" {value!r}" if value is not None else ""
        plan.residual.append(f"{prop.name} {operator}{shown}")
    return clause


def _comparison(prop: Any, operator: str, value: str | None) -> str | None:
    symbol = _COMPARISONS.get(operator)
    if value is None:
        return None
    if prop.prefix == "Metrics" and prop.field == "Last" and symbol:
        number = parse_number(value)
        return (
            f"metrics.{_quoted_key(prop.key)} {symbol} {number!r}" if number is not None else None
        )
    if prop.prefix == "Parameters" and operator in ("Equals", "NotEquals"):
        if parse_number(value) is not None:
            return None
        return f"params.{_quoted_key(prop.key)} {symbol} {_text(value)}"
    if prop.prefix == "Tags":
        return _text_clause(f"tags.{_quoted_key(prop.key)}", operator, value)
    if prop.name == "DisplayName":
        return _text_clause("attributes.run_name", operator, value)
    if prop.name == "Status.PrimaryStatus" and value in _STATUS_OF and symbol in ("=", "!="):
        return f"attributes.status {symbol} {_text(_STATUS_OF[value])}"
    if (
        prop.kind is Kind.TIME
        and prop.name in _TIME_ATTRIBUTES
        and symbol in ("<", "<=", ">", ">=")
    ):
        moment = parse_time(value)
        if moment is None:
            return None
        # Milliseconds, rounded outwards: the filter may let a run too many through, never one too
        # few; the exact comparison is made after fetching.
        bound = math.floor(moment * 1000) if symbol.startswith(">") else math.ceil(moment * 1000)
        return f"attributes.{_TIME_ATTRIBUTES[prop.name]} {symbol} {bound}"
    return None


def _text_clause(name: str, operator: str, value: str) -> str | None:
    if operator in ("Equals", "NotEquals"):
        return f"{name} {_COMPARISONS[operator]} {_text(value)}"
    if operator == "Contains" and "%" not in value and "_" not in value:
        return f"{name} ILIKE {_text('%' + value + '%')}"
    return None


def _quoted_key(key: str | None) -> str:
    """A metric, parameter or tag name in MLflow's filter: in backticks, which it may not hold."""
    text = key or ""
    if "`" in text:
        raise _Unsayable
    return f"`{text}`"


def _text(value: str) -> str:
    """A quoted string of MLflow's filter grammar."""
    if "'" in value and '"' in value:
        raise _Unsayable
    return f'"{value}"' if "'" in value else f"'{value}'"


class _Unsayable(Exception):
    """A name or value MLflow's filter grammar cannot quote."""


def safe_push_down(expression: dict[str, Any] | None) -> PushDown:
    """:func:`push_down`, or no filter at all when a name or value cannot be quoted."""
    try:
        return push_down(expression)
    except _Unsayable:
        return PushDown(residual=["a name or value MLflow's filter cannot quote"])
