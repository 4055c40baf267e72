"""Selections: the one way every route, the magics and the analytics name the trial components they
work on, and the one place that turns a selection into trial components.

A selection is ``{components, trials, experiments, unassigned, search}``:

- ``components``, ``trials``, ``experiments`` and ``unassigned`` are a union: the named components,
  every component of the named trials and experiments, and (``unassigned: true``) every component
  that belongs to no trial;
- ``search`` (typed query text or a SageMaker SearchExpression) narrows that union; given alone it
  is a search over every component.

Each part is pushed down to the store as far as the store interface allows: a trial, an experiment
or "unassigned" is the store's own scoped listing (SQL in the embedded store, SageMaker's List
calls), narrowed by a search with the scope as a filter; named components are fetched a few
searches at a time (:func:`~smx_lab.stores.collect.components_by_name`). Components come back once
each: in the order the parts name them, each part in creation order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from . import query
from .columns import ColumnPage, ComponentColumns
from .errors import ValidationError
from .model import Page, TrialComponent
from .names import ENTITY_NAME_MAX
from .stores.base import SortOrder, Store
from .stores.collect import PAGE_SIZE, columns_by_name, components_by_name
from .vocabulary import TRIAL_COMPONENT

#: The keys of a selection object, in the order their components are listed.
SELECTION_KEYS = ("components", "trials", "experiments", "unassigned", "search")
#: Names one selection may carry in all, components, trials and experiments together (a search,
#: a trial or an experiment brings any number). Each is at most 120 characters (SageMaker's
#: limit, which the embedded store keeps too), so such a selection is 12.4 MB of JSON: within the
#: server's default ``max_body_bytes`` (16 MiB).
MAX_SELECTION_NAMES = 100_000

_NAMES_SCHEMA: dict[str, Any] = {
    "type": "array",
    "maxItems": MAX_SELECTION_NAMES,
    "items": {"type": "string", "minLength": 1, "maxLength": ENTITY_NAME_MAX},
}
#: The JSON schema of a selection: the OpenAPI document's ``Selection`` and the chart request's
#: ``selection`` field are this one definition.
SELECTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "What a table, chart or metrics request works on. components, trials, "
    "experiments and unassigned are a union (the named components, every component of the named "
    "trials and experiments, every component that belongs to no trial); search narrows that "
    "union, or alone searches every component. Components are answered once each. At most "
    f"{MAX_SELECTION_NAMES:,} names in all.",
    "additionalProperties": False,
    "minProperties": 1,
    "x-rule": "name at least one of components, trials, experiments, unassigned or search",
    "properties": {
        "components": _NAMES_SCHEMA,
        "trials": _NAMES_SCHEMA,
        "experiments": _NAMES_SCHEMA,
        "unassigned": {"type": "boolean"},
        "search": {
            "type": "object",
            "description": "Typed query text (plain words: a name or display name containing "
            "them; text starting with '{': a SearchExpression as JSON) or a SearchExpression.",
            "additionalProperties": False,
            "minProperties": 1,
            "maxProperties": 1,
            "x-rule": "give exactly one of query or search_expression",
            "properties": {
                "query": {"type": "string", "minLength": 1, "maxLength": 4096},
                "search_expression": {"type": "object"},
            },
        },
    },
}


@dataclass(frozen=True)
class Selection:
    """What the user selected, as names and at most one search; see the module's docstring."""

    components: tuple[str, ...] = ()
    trials: tuple[str, ...] = ()
    experiments: tuple[str, ...] = ()
    unassigned: bool = False
    #: A validated SearchExpression (None: no search).
    search: dict[str, Any] | None = field(default=None, compare=False)

    @classmethod
    def from_json(cls, value: Any, field_name: str = "selection") -> Selection:
        """A selection object as the REST API and the magics write it, checked: names are
        non-empty strings, ``search`` holds exactly one of ``query`` or ``search_expression``,
        and at least one part is given."""
        if not isinstance(value, dict):
            raise ValidationError(field_name, "must be an object")
        unknown = sorted(set(value) - set(SELECTION_KEYS))
        if unknown:
            raise ValidationError(
                f"{field_name}.{unknown[0]}",
                f"is not a known field (allowed: {', '.join(SELECTION_KEYS)})",
            )
        names = {
            key: _names(value.get(key), f"{field_name}.{key}")
            for key in ("components", "trials", "experiments")
        }
        if sum(len(value.get(key) or ()) for key in names) > MAX_SELECTION_NAMES:
            raise ValidationError(
                field_name,
                f"must name at most {MAX_SELECTION_NAMES} components, trials and experiments "
                "in all",
            )
        unassigned = value.get("unassigned", False)
        if not isinstance(unassigned, bool):
            raise ValidationError(f"{field_name}.unassigned", "must be true or false")
        search = None
        if value.get("search") is not None:
            search = _search(value["search"], f"{field_name}.search")
        selection = cls(**names, unassigned=unassigned, search=search)
        if not selection.has_scope and "search" not in value:
            raise ValidationError(
                field_name,
                "name at least one of components, trials, experiments, unassigned or search",
            )
        return selection

    @property
    def has_scope(self) -> bool:
        """True when the selection names something (else it is a search over everything)."""
        return bool(self.components or self.trials or self.experiments or self.unassigned)


def _names(value: Any, field_name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValidationError(field_name, "must be a list of names")
    if len(value) > MAX_SELECTION_NAMES:
        raise ValidationError(field_name, f"must name at most {MAX_SELECTION_NAMES}")
    return tuple(dict.fromkeys(value))


def _search(value: Any, field_name: str) -> dict[str, Any] | None:
    if not isinstance(value, dict) or len(value) != 1:
        raise ValidationError(field_name, "give exactly one of query or search_expression")
    return query.compile_request(value, TRIAL_COMPONENT, field_prefix=f"{field_name}.")


# --- selection → trial components ---------------------------------------------------------------


def resolve(
    store: Store,
    selection: Selection,
    *,
    limit: int | None = None,
    sort_by: str = "CreationTime",
    sort_order: SortOrder = "Ascending",
) -> list[TrialComponent]:
    """The selection's trial components, each once, at most ``limit`` of them (None: all); each
    part in the order asked (named components in the order named)."""
    found: dict[str, TrialComponent] = {}

    def room() -> int:  # how many more a page should bring
        return PAGE_SIZE if limit is None else max(1, min(PAGE_SIZE, limit - len(found)))

    order = {"sort_by": sort_by, "sort_order": sort_order}
    for batch in _part_batches(store, selection, order, room):
        for component in batch:
            found.setdefault(component.trial_component_name, component)
            if limit is not None and len(found) >= limit:
                return list(found.values())
    return list(found.values())


def _part_batches(
    store: Store, selection: Selection, order: dict[str, Any], room: Callable[[], int]
) -> Iterator[list[TrialComponent]]:
    """Each part's components in turn, fetched lazily so a limit stops the fetching."""
    search = selection.search
    if selection.components:
        named = components_by_name(store, list(selection.components))
        yield [c for c in named if query.evaluate(search, c)] if search else named
    for scope in _scopes(selection):
        fetch = _scoped_pages(store, scope, search, **order)
        cursor: str | None = None
        while True:  # page by page, so that a limit stops the fetching
            listed = fetch(cursor, room())
            yield listed.items
            cursor = listed.next_cursor
            if not cursor or not listed.items:
                break


def _scopes(selection: Selection) -> list[dict[str, Any]]:
    """The scoped listings a selection reads after its named components."""
    scopes: list[dict[str, Any]] = [{"trial_name": trial} for trial in selection.trials]
    scopes += [{"experiment_name": experiment} for experiment in selection.experiments]
    if selection.unassigned:
        scopes.append({"unassigned": True})
    if not selection.has_scope:
        scopes.append({})
    return scopes


def resolve_columns(
    store: Store,
    selection: Selection,
    *,
    limit: int | None = None,
    sort_by: str = "CreationTime",
    sort_order: SortOrder = "Ascending",
) -> ComponentColumns:
    """:func:`resolve` as columns: the same components in the same order, read through the
    store's columnar path (:meth:`~smx_lab.stores.base.Store.search_trial_component_columns`)."""
    seen: set[str] = set()
    parts: list[ComponentColumns] = []
    count = 0

    def room() -> int:  # how many more a page should bring
        return PAGE_SIZE if limit is None else max(1, min(PAGE_SIZE, limit - count))

    order = {"sort_by": sort_by, "sort_order": sort_order}
    for batch in _column_batches(store, selection, order, room):
        keep: list[int] = []
        for row, name in enumerate(batch.names):
            if name not in seen and (limit is None or count + len(keep) < limit):
                seen.add(name)
                keep.append(row)
        parts.append(batch if len(keep) == len(batch) else batch.take(keep))
        count += len(keep)
        if limit is not None and count >= limit:
            break
    return ComponentColumns.concat(parts)


def _column_batches(
    store: Store, selection: Selection, order: dict[str, Any], room: Callable[[], int]
) -> Iterator[ComponentColumns]:
    """:func:`_part_batches` as columns. Named components narrowed by a search are records
    (the search is evaluated on each), turned into columns."""
    search = selection.search
    if selection.components and search:
        named = components_by_name(store, list(selection.components))
        yield ComponentColumns.from_records(c for c in named if query.evaluate(search, c))
    elif selection.components:
        yield columns_by_name(store, list(dict.fromkeys(selection.components)))
    for scope in _scopes(selection):
        fetch = _scoped_column_pages(store, scope, search, **order)
        cursor: str | None = None
        while True:  # page by page, so that a limit stops the fetching
            listed = fetch(cursor, room())
            yield listed.columns
            cursor = listed.next_cursor
            if not cursor or not len(listed.columns):
                break


def page(
    store: Store,
    scope: dict[str, Any],
    search: dict[str, Any] | None,
    *,
    sort_by: str = "CreationTime",
    sort_order: SortOrder = "Descending",
    limit: int,
    cursor: str | None = None,
) -> Page[TrialComponent]:
    """One page of the components of one scope (``trial_name``, ``experiment_name``,
    ``unassigned=True``, or none: every component) narrowed by a search: the store's scoped
    listing when there is no search, else its search with the scope as a filter. An unknown
    trial or experiment is the store's 404 either way."""
    fetch = _scoped_pages(store, scope, search, sort_by=sort_by, sort_order=sort_order)
    return fetch(cursor, limit)


def _scoped_pages(
    store: Store,
    scope: dict[str, Any],
    search: dict[str, Any] | None,
    *,
    sort_by: str,
    sort_order: SortOrder,
) -> Callable[[str | None, int], Page[TrialComponent]]:
    order: dict[str, Any] = {"sort_by": sort_by, "sort_order": sort_order}
    if search is None and scope:
        return lambda cursor, limit: store.list_trial_components(
            **scope, **order, limit=limit, cursor=cursor
        )
    expression = scoped_expression(store, scope, search)
    return lambda cursor, limit: store.search(
        TRIAL_COMPONENT, expression, **order, limit=limit, cursor=cursor
    )


def _scoped_column_pages(
    store: Store,
    scope: dict[str, Any],
    search: dict[str, Any] | None,
    *,
    sort_by: str,
    sort_order: SortOrder,
) -> Callable[[str | None, int], ColumnPage]:
    """:func:`_scoped_pages` through the store's columnar listing and search."""
    order: dict[str, Any] = {"sort_by": sort_by, "sort_order": sort_order}
    if search is None and scope:
        return lambda cursor, limit: store.list_trial_component_columns(
            **scope, **order, limit=limit, cursor=cursor
        )
    expression = scoped_expression(store, scope, search)
    return lambda cursor, limit: store.search_trial_component_columns(
        expression, **order, limit=limit, cursor=cursor
    )


def scoped_expression(
    store: Store, scope: dict[str, Any], search: dict[str, Any] | None
) -> dict[str, Any] | None:
    """A scope as search filters, ANDed with ``search``; the named trial or experiment must
    exist (checked through the store, so an unknown one is a 404 as the listing makes it)."""
    if "trial_name" in scope:
        store.get_trial(scope["trial_name"])
        filters = [
            {"Name": "Parents.TrialName", "Operator": "Equals", "Value": scope["trial_name"]}
        ]
    elif "experiment_name" in scope:
        store.get_experiment(scope["experiment_name"])
        name = scope["experiment_name"]
        filters = [{"Name": "Parents.ExperimentName", "Operator": "Equals", "Value": name}]
    elif scope.get("unassigned"):
        filters = [{"Name": "Parents.TrialName", "Operator": "NotExists"}]
    else:
        return search
    return and_expression(TRIAL_COMPONENT, filters, search)


def and_expression(
    resource: str, filters: list[dict[str, Any]], expression: dict[str, Any] | None
) -> dict[str, Any]:
    """Filters ANDed with an expression, the SageMaker way, validated."""
    combined: dict[str, Any] = {"Filters": filters, "Operator": "And"}
    if expression:
        combined["SubExpressions"] = [expression]
    return query.validate_expression(combined, resource)
