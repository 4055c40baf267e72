"""The server-paged trial component list (docs/compare.md): a page of a whole selection sorted by
any column with its exact total, the columns of the whole selection (with which parameters
differ), the baseline apart and a group's members (the CSV export, :mod:`smx_lab.table_csv`,
reads the selection through these).

A request is read into a :class:`ListRequest`, and its selection into a
:class:`~smx_lab.columns.Scope` (the selection's parts, narrowed by its search, a group's key and,
for the rows, everything but the baseline). A store with fast paths over a scope answers it
(:meth:`~smx_lab.stores.base.Store.scope_columns`, ``scope_census``, ``scope_values``: the
embedded store, in SQL); any other store is read through its search, with the selection's parts as
one SearchExpression when SageMaker's limits allow it, or else through its records, sorted and
counted here (:func:`smx_lab.query.sort_records`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from . import query, selection
from .columns import Census, ColumnPage, ComponentColumns, Scope
from .errors import NotFound, QueryError, ValidationError
from .model import TrialComponent
from .query.evaluate import property_values
from .query.order import sort_records
from .selection import Selection
from .stores.base import Store
from .stores.cursors import decode_offset, encode_offset, fingerprint
from .table import RECORD_DESCRIPTORS, component_table, metric_columns
from .vocabulary import (
    ARTIFACT_FIELDS,
    DISPLAY_NAME_COLUMN,
    EXPERIMENTS_COLUMN,
    NAME_COLUMN,
    RECORD_COLUMNS,
    SORT_ORDERS,
    SOURCE_COLUMN,
    SUMMARY_STATISTICS,
    TRIAL_COMPONENT,
    TRIALS_COLUMN,
    artifact_column,
)

#: Largest page of the list.
MAX_LIMIT = 1000
#: Named trials and experiments checked to exist one by one (an unknown one is a 404 naming it,
#: which the panel reads to leave it out); a selection naming more is read as it is.
_CHECKED_NAMES = 100
#: What a list may be grouped by, besides ``Parameters.<name>`` and ``Tags.<key>``.
GROUP_PROPERTIES = ("Status.PrimaryStatus", "Parents.TrialName", "Parents.ExperimentName")
#: SageMaker's longest filter value: ``In`` lists are cut into values no longer than this.
_MAX_IN_VALUE = 1024
#: Record columns' sort properties.
_RECORD_SORT = {
    RECORD_COLUMNS[0]: "Status.PrimaryStatus",
    RECORD_COLUMNS[1]: "CreationTime",
    RECORD_COLUMNS[2]: "LastModifiedTime",
}


@dataclass
class ListRequest:
    """A list request, validated: see docs/compare.md."""

    selection: Selection
    sort_by: str = "CreationTime"
    sort_order: str = "Ascending"
    limit: int | None = None
    cursor: str | None = None
    offset: int | None = None
    baseline: str | None = None
    group_by: list[str] = field(default_factory=list)
    group: list[list[Any]] | None = None
    names: dict[str, Any] = field(default_factory=dict)


def list_request(body: dict[str, Any], *, groups: bool = False) -> ListRequest:
    """A :class:`ListRequest` from a ``table``, ``table/groups`` or ``table/csv`` body (already
    checked against its schema); ``groups``: ``sort.by`` may also be ``Count`` or ``Key``."""
    request = ListRequest(selection=Selection.from_json(body["selection"]))
    sort = body.get("sort") or {}
    if "by" in sort:
        request.sort_by = _sort_property(sort["by"], groups=groups)
    elif groups:
        request.sort_by = "Key"
    order = sort.get("order", "Ascending")
    if order not in SORT_ORDERS:
        raise ValidationError("sort.order", "must be Ascending or Descending", value=order)
    request.sort_order = order
    request.limit = body.get("limit")
    request.cursor = body.get("cursor")
    request.offset = body.get("offset")
    if request.cursor is not None and request.offset is not None:
        raise ValidationError("offset", "give cursor or offset, not both")
    request.baseline = body.get("baseline")
    request.group_by = [
        group_property(name, f"group_by[{index}]")
        for index, name in enumerate(body.get("group_by") or [])
    ]
    if "group" in body:
        if not request.group_by:
            raise ValidationError("group", "needs group_by: the properties its keys hold")
        for index, key in enumerate(body["group"]):
            if len(key) != len(request.group_by):
                raise ValidationError(
                    f"group[{index}]",
                    f"must hold one value per group_by property ({len(request.group_by)})",
                )
        request.group = body["group"]
    request.names = {
        key: body.get(key)
        for key in (
            "metric_names",
            "parameter_names",
            "input_artifact_names",
            "output_artifact_names",
        )
        if body.get(key)
    }
    return request


def _sort_property(name: str, *, groups: bool) -> str:
    if groups and name in ("Count", "Key"):
        return name
    try:
        prop = query.describe_property(name, TRIAL_COMPONENT)
    except QueryError as error:
        raise ValidationError("sort.by", error.message, value=name) from None
    if groups and not (prop.prefix == "Metrics" and prop.field is not None):
        raise ValidationError("sort.by", "groups sort by Count, Key or Metrics.<name>.<Stat>")
    if prop.prefix == "Metrics" and prop.field is None:
        statistics = "|".join(SUMMARY_STATISTICS)
        raise ValidationError("sort.by", f"name a statistic: {prop.name}.<{statistics}>")
    return prop.name


def group_property(name: str, field_name: str) -> str:
    """A ``group_by`` property in its canonical spelling, or a ValidationError naming the field."""
    try:
        prop = query.describe_property(name, TRIAL_COMPONENT)
    except QueryError as error:
        raise ValidationError(field_name, error.message, value=name) from None
    if prop.prefix in ("Parameters", "Tags") or prop.name in GROUP_PROPERTIES:
        return prop.name
    raise ValidationError(
        field_name,
        "must be Parameters.<name>, Tags.<key>, " + ", ".join(GROUP_PROPERTIES),
        value=name,
    )


# --- the scope --------------------------------------------------------------------------------


def check_named(store: Store, chosen: Selection) -> None:
    """Named trials and experiments must exist: an unknown one is the store's 404 naming it (up to
    :data:`_CHECKED_NAMES` of each; a request checks once, whatever scopes it reads)."""
    for trial in chosen.trials[:_CHECKED_NAMES]:
        store.get_trial(trial)
    for experiment in chosen.experiments[:_CHECKED_NAMES]:
        store.get_experiment(experiment)


def scope_of(request: ListRequest, *, whole: bool = False) -> Scope:
    """The components a request lists: its selection, narrowed by its search and its groups, and
    without the baseline; ``whole``: the whole selection (no group narrowing it, the baseline in
    it), whose census gives the list's columns."""
    chosen = request.selection
    parts: list[dict[str, Any]] = []
    if chosen.search:
        parts.append(chosen.search)
    if request.group and not whole:
        parts.append(_groups_expression(request.group_by, request.group))
    expression = None
    if len(parts) == 1:
        expression = parts[0]
    elif parts:
        expression = query.validate_expression(
            {"SubExpressions": parts, "Operator": "And"}, TRIAL_COMPONENT
        )
    return Scope(
        components=tuple(dict.fromkeys(chosen.components)),
        trials=chosen.trials,
        experiments=chosen.experiments,
        unassigned=chosen.unassigned,
        expression=expression,
        without=None if whole else request.baseline,
    )


def _filters(*filters: dict[str, Any]) -> dict[str, Any]:
    return {"Filters": list(filters), "Operator": "And"}


def _groups_expression(group_by: list[str], keys: list[list[Any]]) -> dict[str, Any]:
    """Components whose values of ``group_by`` are one of ``keys`` (None: has no value)."""
    arms = [
        _filters(*(_value_filter(prop, value) for prop, value in zip(group_by, key, strict=True)))
        for key in keys
    ]
    expression = arms[0] if len(arms) == 1 else {"SubExpressions": arms, "Operator": "Or"}
    try:
        return query.validate_expression(expression, TRIAL_COMPONENT)
    except (ValidationError, QueryError) as error:
        raise ValidationError("group", error.message) from None


def _value_filter(prop: str, value: Any) -> dict[str, Any]:
    if value is None:
        return {"Name": prop, "Operator": "NotExists"}
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return {"Name": prop, "Operator": "Equals", "Value": str(value)}


def _union_expression(scope: Scope) -> dict[str, Any] | None:
    """The scope as one SearchExpression, or None when SageMaker's limits do not allow it."""
    filters: list[dict[str, Any]] = []
    for prop, names in (
        ("TrialComponentName", scope.components),
        ("Parents.TrialName", scope.trials),
        ("Parents.ExperimentName", scope.experiments),
    ):
        for value in _in_values(names):
            filters.append({"Name": prop, "Operator": "In", "Value": value})
    if scope.unassigned:
        filters.append({"Name": "Parents.TrialName", "Operator": "NotExists"})
    parts: list[dict[str, Any]] = []
    if filters:
        parts.append({"Filters": filters, "Operator": "Or"})
    if scope.expression:
        parts.append(scope.expression)
    if scope.without is not None:
        parts.append(
            _filters(
                {"Name": "TrialComponentName", "Operator": "NotEquals", "Value": scope.without}
            )
        )
    if not parts:
        return None
    combined = parts[0] if len(parts) == 1 else {"SubExpressions": parts, "Operator": "And"}
    try:
        return query.validate_expression(combined, TRIAL_COMPONENT)
    except (ValidationError, QueryError):
        return None


def _in_values(names: tuple[str, ...]) -> Iterator[str]:
    chunk: list[str] = []
    size = 0
    for name in names:
        if chunk and size + 1 + len(name) > _MAX_IN_VALUE:
            yield ",".join(chunk)
            chunk, size = [], 0
        chunk.append(name)
        size += len(name) + (1 if size else 0)
    if chunk:
        yield ",".join(chunk)


def scope_records(store: Store, scope: Scope) -> list[TrialComponent]:
    """Every component of a scope, as records (the path of stores without fast paths)."""
    records = selection.resolve(
        store,
        Selection(
            components=scope.components,
            trials=scope.trials,
            experiments=scope.experiments,
            unassigned=scope.unassigned,
            search=scope.expression,
        ),
    )
    return [record for record in records if record.trial_component_name != scope.without]


def scope_page(
    store: Store,
    scope: Scope,
    *,
    sort_by: str,
    sort_order: str,
    limit: int,
    cursor: str | None,
    offset: int | None = None,
) -> ColumnPage:
    """One page of a scope, sorted, with its exact total; ``offset`` (instead of ``cursor``)
    starts it anywhere."""
    order: dict[str, Any] = {"sort_by": sort_by, "sort_order": sort_order}
    page = store.scope_columns(scope, **order, limit=limit, cursor=cursor, offset=offset)
    if page is not None:
        return page
    request = fingerprint(["scope-records", *_scope_parts(scope), sort_by, sort_order])
    if cursor is not None and offset is None:
        # A cursor of the records' path (a page reached by offset) continues on that path.
        try:
            offset = decode_offset(cursor, request)
        except ValidationError:
            pass
    expression = _union_expression(scope)
    if offset is None and (expression is not None or scope.everything):
        page = store.search_trial_component_columns(expression, **order, limit=limit, cursor=cursor)
        if page.total is not None:
            return page
    records = sort_records(scope_records(store, scope), sort_by, sort_order)
    if offset is None:
        offset = decode_offset(cursor, request)
    end = offset + limit
    following = encode_offset(end, request) if end < len(records) else None
    return ColumnPage(ComponentColumns.from_records(records[offset:end]), following, len(records))


def _scope_parts(scope: Scope) -> list[Any]:
    return [
        list(scope.components),
        list(scope.trials),
        list(scope.experiments),
        scope.unassigned,
        scope.expression,
        scope.without,
    ]


def census_of(store: Store, scope: Scope) -> Census:
    """What the whole scope holds (its columns, its tag keys, its total)."""
    census = store.scope_census(scope)
    if census is not None:
        return census
    return census_of_records(scope_records(store, scope))


def census_of_records(records: list[TrialComponent]) -> Census:
    """:func:`census_of` computed from records."""
    values: dict[str, set[tuple[bool, Any]]] = {}
    metrics: set[str] = set()
    inputs: set[str] = set()
    outputs: set[str] = set()
    tags: set[str] = set()
    has_source = False
    for record in records:
        for name, parameter in record.parameters.items():
            is_number = isinstance(parameter, int | float) and not isinstance(parameter, bool)
            values.setdefault(name, set()).add((is_number, parameter))
        metrics.update(summary.metric_name for summary in record.metrics)
        inputs.update(record.input_artifacts)
        outputs.update(record.output_artifacts)
        tags.update(record.tags)
        has_source = has_source or bool(record.source and record.source.source_arn)
    return Census(
        total=len(records),
        parameters={name: len(values[name]) > 1 for name in sorted(values)},
        metrics=sorted(metrics),
        input_artifacts=sorted(inputs),
        output_artifacts=sorted(outputs),
        has_source=has_source,
        tag_keys=sorted(tags),
    )


def scope_values(
    store: Store, scope: Scope, properties: list[str]
) -> tuple[list[str], list[list[Any]]]:
    """Each component of the scope by name, and its value of each property (None: none)."""
    answer = store.scope_values(scope, properties)
    if answer is not None:
        return answer
    records = scope_records(store, scope)
    described = [query.describe_property(name, TRIAL_COMPONENT) for name in properties]
    columns: list[list[Any]] = [[] for _ in properties]
    for record in records:
        for column, prop in zip(columns, described, strict=True):
            found = property_values(prop, record)
            if prop.prefix == "Parents" and found:
                column.append(min(str(value) for value in found))
            else:
                column.append(found[0] if found else None)
    return [record.trial_component_name for record in records], columns


# --- the answers ------------------------------------------------------------------------------


def census_columns(census: Census, names: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """The columns of a whole scope, in the order of ExperimentAnalytics' table (parameters,
    metrics and artifacts by name), with their descriptors; only the named ones when names are
    given (``metric_names``, ...)."""

    def kept(key: str, found: list[str]) -> list[str]:
        wanted = names.get(key)
        return [name for name in found if name in set(wanted)] if wanted else found

    columns: list[str] = []
    descriptors: dict[str, dict[str, Any]] = {}

    def add(column: str, descriptor: dict[str, Any]) -> None:
        if column not in descriptors:
            columns.append(column)
        descriptors[column] = {"name": column, **descriptor}

    if not census.total:
        return [], []
    add(NAME_COLUMN, {"kind": "name", "sort_by": "TrialComponentName"})
    add(DISPLAY_NAME_COLUMN, {"kind": "display_name", "sort_by": "DisplayName"})
    if census.has_source:
        add(SOURCE_COLUMN, {"kind": "source"})
    for name in kept("parameter_names", list(census.parameters)):
        add(
            name,
            {
                "kind": "parameter",
                "parameter": name,
                "sort_by": f"Parameters.{name}",
                "differs": census.parameters[name],
            },
        )
    for metric in kept("metric_names", census.metrics):
        for statistic, column in zip(SUMMARY_STATISTICS, metric_columns(metric), strict=True):
            add(
                column,
                {
                    "kind": "metric",
                    "metric": metric,
                    "statistic": statistic,
                    "sort_by": f"Metrics.{metric}.{statistic}",
                },
            )
    for kind, key, found in (
        ("input_artifact", "input_artifact_names", census.input_artifacts),
        ("output_artifact", "output_artifact_names", census.output_artifacts),
    ):
        for artifact in kept(key, found):
            for artifact_field in ARTIFACT_FIELDS:
                column = artifact_column(artifact, artifact_field)
                add(column, {"kind": kind, "artifact": artifact, "field": artifact_field})
    add(TRIALS_COLUMN, {"kind": "trials"})
    add(EXPERIMENTS_COLUMN, {"kind": "experiments"})
    records = [
        {**descriptor, "sort_by": _RECORD_SORT[descriptor["name"]]}
        for descriptor in RECORD_DESCRIPTORS
    ]
    return columns, [descriptors[column] for column in columns] + records


def column_values(
    components: ComponentColumns, columns: list[str], names: dict[str, Any]
) -> dict[str, list[Any]]:
    """The values of each column of a page (the scope's ``columns`` and the record columns)."""
    built = component_table(components, **names)
    by_name = dict(
        zip(
            [*built.columns, *RECORD_COLUMNS],
            [*built.values, *built.record_values()],
            strict=True,
        )
    )
    blank = [None] * len(components)
    return {column: by_name.get(column, blank) for column in [*columns, *RECORD_COLUMNS]}


def rows_of(components: ComponentColumns, columns: list[str], names: dict[str, Any]) -> list[dict]:
    """The rows of a page, each with every column of the scope (None where it has no value)."""
    if not len(components):
        return []
    values = column_values(components, columns, names)
    everything = list(values)
    return [dict(zip(everything, row, strict=True)) for row in zip(*values.values(), strict=True)]


def table_page(store: Store, body: dict[str, Any]) -> dict[str, Any]:
    """The answer of a ``table`` request with ``limit``: see docs/compare.md."""
    request = list_request(body)
    if request.limit is None:
        raise ValidationError("limit", "is required with sort, cursor, baseline or group_by")
    if request.group_by and request.group is None:
        raise ValidationError(
            "group", "is required with group_by: the groups whose members to list"
        )
    check_named(store, request.selection)
    scope = scope_of(request)
    census = census_of(store, scope_of(request, whole=True))
    columns, descriptors = census_columns(census, request.names)
    page = scope_page(
        store,
        scope,
        sort_by=request.sort_by,
        sort_order=request.sort_order,
        limit=request.limit,
        cursor=request.cursor,
        offset=request.offset,
    )
    answer: dict[str, Any] = {
        "columns": columns,
        "descriptors": descriptors,
        "rows": rows_of(page.columns, columns, request.names),
        "total": page.total,
        "truncated": False,
        "next_cursor": page.next_cursor,
        "tag_keys": census.tag_keys,
        "notes": list(getattr(page, "notes", []) or []),
    }
    if request.baseline is not None:
        answer["baseline"] = baseline_row(store, request, columns)
        if answer["baseline"] is None:
            answer["notes"].append(
                f"The baseline {request.baseline[:120]} is not in this selection."
            )
    return answer


def baseline_row(store: Store, request: ListRequest, columns: list[str]) -> dict | None:
    """The baseline's row, or None when the selection does not hold it (or the store has no
    such component)."""
    assert request.baseline is not None
    try:
        record = store.get_trial_component(request.baseline)
    except NotFound:
        return None
    chosen = request.selection
    if chosen.search and not query.evaluate(chosen.search, record):
        return None
    if not _in_selection(chosen, record):
        return None
    return rows_of(ComponentColumns.from_records([record]), columns, request.names)[0]


def _in_selection(chosen: Selection, record: TrialComponent) -> bool:
    """Whether a component is in the union of a selection's parts."""
    if not (chosen.components or chosen.trials or chosen.experiments or chosen.unassigned):
        return True
    if record.trial_component_name in chosen.components:
        return True
    if chosen.unassigned and not record.parents:
        return True
    return any(
        parent.trial_name in chosen.trials or parent.experiment_name in chosen.experiments
        for parent in record.parents
    )
