"""The embedded store's search indexes: a store written by an older version gains them when it is
opened, keeps its data, and searches by metric statistics answer from them, page by page in the
order every listing uses (missing values last, ties by creation order)."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_search_sql import (
    METRIC_NAMES,
    PARAMETER_NAMES,
    TRIALS,
    _validated,
    expressions,
)

from smx_lab.model import MetricPoint, TrialComponent
from smx_lab.query import evaluate
from smx_lab.stores.local import SCHEMA_VERSION, LocalStore
from smx_lab.stores.local.schema import APPLICATION_ID, MIGRATIONS, SQLITE_APPLICATION_ID
from smx_lab.stores.local.search import compile_id_set, compile_where, matching_ids

RESOURCE = "ExperimentTrialComponent"


def _store_at_version_3(path: Path) -> None:
    """A store as schema version 3 left it, with one component and one metric summary."""
    connection = sqlite3.connect(path)
    for statements in MIGRATIONS[:3]:
        for statement in statements:
            connection.execute(statement)
    connection.executemany(
        "INSERT INTO meta (key, value) VALUES (?, ?)",
        [("application_id", APPLICATION_ID), ("schema_version", "3")],
    )
    connection.execute(
        "INSERT INTO trial_components (id, name, creation_time, last_modified_time) "
        "VALUES (1, 'old-run', 1.0, 1.0)"
    )
    connection.execute(
        "INSERT INTO metrics (trial_component_id, name, count, min, max, mean, m2, last, std_dev) "
        "VALUES (1, 'loss', 2, 0.5, 0.9, 0.7, 0.08, 0.5, 0.2)"
    )
    connection.execute("PRAGMA user_version = 3")
    connection.execute(f"PRAGMA application_id = {SQLITE_APPLICATION_ID}")
    connection.commit()
    connection.close()


def _indexes(path: Path) -> set[str]:
    connection = sqlite3.connect(path)
    try:
        return {
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
    finally:
        connection.close()


def _log(store: LocalStore, name: str, metric: str, values: list[float]) -> None:
    store.create_trial_component(name)
    store.log_metrics(
        name, [MetricPoint(metric, value, 1_700_000_000.0 + i, i) for i, value in enumerate(values)]
    )


def test_a_version_3_store_gains_the_metric_index_and_still_finds_its_runs(
    store_path: Path,
) -> None:
    _store_at_version_3(store_path)

    store = LocalStore(store_path)
    try:
        page = store.search(
            RESOURCE,
            {"Filters": [{"Name": "Metrics.loss.Min", "Operator": "LessThan", "Value": "0.6"}]},
            sort_by="Metrics.loss.Max",
        )
    finally:
        store.close()

    assert {
        f"metrics_by_name_{c}"
        for c in ("component", "min", "max", "mean", "std_dev", "last", "count")
    } <= (_indexes(store_path))
    assert (
        sqlite3.connect(store_path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    )
    assert [c.trial_component_name for c in page.items] == ["old-run"] and page.total == 1


def test_a_new_store_keeps_the_metric_index_in_step_with_logged_points(store: LocalStore) -> None:
    _log(store, "a", "loss", [0.9, 0.4])
    _log(store, "b", "loss", [0.8, 0.7])
    store.log_metrics(
        "a", [MetricPoint("loss", 0.95, 1_700_000_100.0, 2)]
    )  # a's last is now the highest

    page = store.search(
        RESOURCE,
        {"Filters": [{"Name": "Metrics.loss.Last", "Operator": "GreaterThan", "Value": "0.75"}]},
        sort_by="Metrics.loss.Last",
        sort_order="Descending",
    )

    assert [c.trial_component_name for c in page.items] == ["a"]
    connection = sqlite3.connect(store.database_path)
    integrity = connection.execute("PRAGMA integrity_check").fetchall()
    assert integrity == [("ok",)]


def test_filters_on_parameters_and_a_metric_are_merged_as_sorted_index_ranges(
    store: LocalStore,
) -> None:
    for index, (optimizer, loss) in enumerate(
        [("sgd", 0.2), ("adam", 0.3), ("sgd", 0.9), ("sgd", 0.5)]
    ):
        name = f"run-{index}"
        store.create_trial_component(name)
        store.update_trial_component(name, parameters={"optimizer": optimizer, "layers": 3})
        store.log_metrics(name, [MetricPoint("loss", loss, 1_700_000_000.0, 0)])
    expression = {
        "Filters": [
            {"Name": "Parameters.optimizer", "Operator": "Equals", "Value": "sgd"},
            {"Name": "Parameters.layers", "Operator": "Equals", "Value": "3"},
            {"Name": "Metrics.loss.Last", "Operator": "LessThan", "Value": "0.6"},
        ]
    }
    where, params = compile_where(RESOURCE, expression)
    connection = sqlite3.connect(store.database_path)
    sql = (
        "EXPLAIN QUERY PLAN SELECT tc.id FROM trial_components tc "  # noqa: S608 - compiled SQL
        f"WHERE {where}"
    )
    plan = [row[3] for row in connection.execute(sql, params)]

    page = store.search(RESOURCE, expression, sort_by="Metrics.loss.Last", sort_order="Ascending")

    assert [c.trial_component_name for c in page.items] == ["run-0", "run-3"]
    assert plan.count("MERGE (INTERSECT)") == 2
    assert any("COVERING INDEX metrics_by_name_component" in step for step in plan)


def _max_id(connection: sqlite3.Connection, table: str = "trial_components") -> int:
    return int(
        connection.execute(
            f"SELECT coalesce(max(id), -1) FROM {table}"  # noqa: S608 - fixed table names
        ).fetchone()[0]
    )


def _leaves(node: Any) -> list[Any]:
    return [node] if not node.arms else [leaf for arm in node.arms for leaf in _leaves(arm)]


def test_a_metric_filter_read_as_a_set_takes_the_range_of_its_statistic_index(
    store: LocalStore,
) -> None:
    for index, loss in enumerate([0.2, 0.9, 0.5]):
        _log(store, f"run-{index}", "loss", [loss])
        store.update_trial_component(f"run-{index}", parameters={"optimizer": "sgd"})
    expression = {
        "Filters": [
            {"Name": "Parameters.optimizer", "Operator": "Equals", "Value": "sgd"},
            {"Name": "Metrics.loss.Last", "Operator": "GreaterThan", "Value": "0.3"},
        ]
    }
    ids = compile_id_set(RESOURCE, expression)
    assert ids is not None
    metric_leaf = _leaves(ids)[1]
    connection = sqlite3.connect(store.database_path)
    plan = [
        row[3]
        for row in connection.execute(
            f"EXPLAIN QUERY PLAN {metric_leaf.packed()}", metric_leaf.params
        )
    ]

    found = matching_ids(connection, ids, _max_id(connection)).tolist()

    assert plan == ["SEARCH m USING COVERING INDEX metrics_by_name_last (name=? AND last>?)"]
    names = dict(connection.execute("SELECT id, name FROM trial_components"))
    assert [names[i] for i in found] == ["run-1", "run-2"]


def test_an_and_of_sets_stops_reading_at_its_first_empty_arm(store: LocalStore) -> None:
    _log(store, "run-0", "loss", [0.2])
    store.update_trial_component("run-0", parameters={"optimizer": "sgd"})
    statements: list[str] = []
    connection = sqlite3.connect(store.database_path)
    top = _max_id(connection)
    connection.set_trace_callback(statements.append)
    nothing_then_something = {
        "Filters": [
            {"Name": "Parameters.optimizer", "Operator": "Equals", "Value": "adam"},
            {"Name": "Metrics.loss.Last", "Operator": "LessThan", "Value": "1"},
        ]
    }
    either = {"SubExpressions": [nothing_then_something], "Filters": [
        {"Name": "Parameters.optimizer", "Operator": "Equals", "Value": "sgd"}
    ], "Operator": "Or"}  # fmt: skip

    empty = compile_id_set(RESOURCE, nothing_then_something)
    assert empty is not None and matching_ids(connection, empty, top).size == 0
    read_for_empty = len(statements)
    statements.clear()
    union = compile_id_set(RESOURCE, either)
    assert union is not None
    found = matching_ids(connection, union, top).tolist()

    assert read_for_empty == 1
    # The Or reads its own filter and the And's first arm, and still finds run-0.
    assert len(statements) == 2
    assert found == [connection.execute("SELECT id FROM trial_components").fetchone()[0]]


def _pages(
    store: LocalStore, expression: dict[str, Any] | None, sort_by: str, order: str, size: int
) -> list[Any]:
    """Every page of a search, following the cursors."""
    pages, cursor = [], None
    while True:
        page = store.search(
            RESOURCE, expression, sort_by=sort_by, sort_order=order, limit=size, cursor=cursor
        )
        pages.append(page)
        cursor = page.next_cursor
        if not cursor:
            return pages


@pytest.fixture
def runs(store: LocalStore) -> LocalStore:
    """Eleven runs: nine log ``loss`` (two pairs share a last value), two never log it; even runs
    use sgd."""
    lasts = [0.5, 0.2, 0.9, 0.2, 0.7, 0.5, 0.1, 0.8, 0.3]
    for index in range(11):
        name = f"run-{index:02d}"
        store.create_trial_component(name)
        store.update_trial_component(
            name, parameters={"optimizer": "sgd" if index % 2 == 0 else "adam"}
        )
        if index < len(lasts):
            store.log_metrics(
                name,
                [
                    MetricPoint("loss", 5.0, 1_700_000_000.0, 0),
                    MetricPoint("loss", lasts[index], 1_700_000_001.0, 1),
                ],
            )
    return store


@pytest.mark.parametrize("order", ["Descending", "Ascending"])
@pytest.mark.parametrize("size", [1, 3, 4, 100])
def test_pages_sorted_by_a_metric_list_every_run_once_with_runs_without_it_last(
    runs: LocalStore, order: str, size: int
) -> None:
    pages = _pages(runs, None, "Metrics.loss.Last", order, size)

    names = [c.trial_component_name for page in pages for c in page.items]
    with_metric = [c for page in pages for c in page.items if c.metrics]
    # Ties are broken by creation order, in the direction of the sort, like every other listing.
    key = [(c.metric("loss").last, c.trial_component_name) for c in with_metric]
    assert key == sorted(key, reverse=order == "Descending")
    without = ["run-09", "run-10"] if order == "Ascending" else ["run-10", "run-09"]
    assert names == [c.trial_component_name for c in with_metric] + without
    assert {page.total for page in pages} == {11}


@pytest.mark.parametrize("size", [1, 2, 5])
def test_a_filtered_search_sorted_by_a_metric_pages_through_the_matches_only(
    runs: LocalStore, size: int
) -> None:
    expression = {
        "Filters": [{"Name": "Parameters.optimizer", "Operator": "Equals", "Value": "sgd"}]
    }

    pages = _pages(runs, expression, "Metrics.loss.Max", "Descending", size)

    # Every sgd run has max 5.0: the order is the tie-break alone, the newest run first, and
    # run-10 (no loss) last.
    assert [c.trial_component_name for page in pages for c in page.items] == [
        "run-08",
        "run-06",
        "run-04",
        "run-02",
        "run-00",
        "run-10",
    ]
    assert {page.total for page in pages} == {6}


def test_a_run_under_two_trials_of_the_experiment_is_found_once(runs: LocalStore) -> None:
    runs.create_experiment("mnist")
    for trial in ("trial-a", "trial-b"):
        runs.create_trial(trial, "mnist")
        runs.associate_trial_component("run-03", trial)
    runs.associate_trial_component("run-09", "trial-a")
    expression = {
        "Filters": [{"Name": "Parents.ExperimentName", "Operator": "Equals", "Value": "mnist"}]
    }

    page = runs.search(RESOURCE, expression, sort_by="Metrics.loss.Min", sort_order="Ascending")

    assert [c.trial_component_name for c in page.items] == ["run-03", "run-09"]
    assert page.total == 2 and page.next_cursor is None


def test_a_search_sorted_by_a_metric_that_matches_nothing_is_an_empty_page(
    runs: LocalStore,
) -> None:
    expression = {
        "Filters": [{"Name": "Metrics.loss.Last", "Operator": "GreaterThan", "Value": "10"}]
    }

    page = runs.search(RESOURCE, expression, sort_by="Metrics.loss.Last")

    assert page.items == [] and page.total == 0 and page.next_cursor is None


STATISTICS = ["Min", "Max", "Avg", "StdDev", "Last", "Count"]


def _parent_trial(store: LocalStore, trial: str) -> None:
    """The trial (and its experiment, as the query tests name them), created on first use."""
    existing = {e.experiment_name for e in store.list_experiments().items}
    if TRIALS[trial] not in existing:
        store.create_experiment(TRIALS[trial])
    if trial not in {t.trial_name for t in store.list_trials(TRIALS[trial]).items}:
        store.create_trial(trial, TRIALS[trial])


@st.composite
def metric_runs(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Up to eight runs with a few parameters, parents and points of the searched metrics, drawn
    from small pools so that values tie and some runs lack a metric."""
    return [
        {
            "parameters": draw(
                st.dictionaries(
                    st.sampled_from(PARAMETER_NAMES),
                    st.sampled_from([0.1, 1.0, "sgd", "adam"]),
                    max_size=3,
                )
            ),
            "trials": draw(st.lists(st.sampled_from(sorted(TRIALS)), unique=True, max_size=2)),
            "points": {
                name: draw(st.lists(st.sampled_from([-1.0, 0.0, 0.1, 3.0]), min_size=1, max_size=3))
                for name in draw(st.lists(st.sampled_from(METRIC_NAMES), unique=True, max_size=2))
            },
        }
        for _ in range(draw(st.integers(min_value=1, max_value=8)))
    ]


@contextmanager
def _store_of(
    folder: Path, runs: list[dict[str, Any]]
) -> Iterator[tuple[LocalStore, list[TrialComponent]]]:
    """A new store in a new folder under ``folder`` holding ``metric_runs`` as run-0, run-1, ...,
    and their records in that order (hypothesis runs many examples in one test call)."""
    with tempfile.TemporaryDirectory(dir=folder) as inside:
        store = LocalStore(Path(inside) / "store.sqlite")
        try:
            yield store, _write_runs(store, runs)
        finally:
            store.close()


def _write_runs(store: LocalStore, runs: list[dict[str, Any]]) -> list[TrialComponent]:
    for index, run in enumerate(runs):
        name = f"run-{index}"
        store.create_trial_component(name)
        store.update_trial_component(name, parameters=run["parameters"])
        for trial in run["trials"]:
            _parent_trial(store, trial)
            store.associate_trial_component(name, trial)
        store.log_metrics(
            name,
            [
                MetricPoint(m, v, 1_700_000_000.0 + s, s)
                for m, vs in run["points"].items()
                for s, v in enumerate(vs)
            ],
        )
    return [store.get_trial_component(f"run-{index}") for index in range(len(runs))]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_pages_sorted_by_a_metric_statistic_match_a_plain_python_sort(
    tmp_path: Path, data: st.DataObject
) -> None:
    runs = data.draw(metric_runs())
    with _store_of(tmp_path, runs) as (store, records):
        expression = data.draw(
            st.none() | expressions(RESOURCE).map(lambda e: _validated(e, RESOURCE))
        )
        metric, statistic = (
            data.draw(st.sampled_from(METRIC_NAMES)),
            data.draw(st.sampled_from(STATISTICS)),
        )
        order = data.draw(st.sampled_from(["Ascending", "Descending"]))
        size = data.draw(st.integers(min_value=1, max_value=4))

        pages = _pages(store, expression, f"Metrics.{metric}.{statistic}", order, size)

    matching = [
        (i, r) for i, r in enumerate(records) if expression is None or evaluate(expression, r)
    ]
    having = [
        (r.metric(metric).statistic(statistic), i, r)
        for i, r in matching
        if r.metric(metric) is not None
    ]
    lacking = [(i, r) for i, r in matching if r.metric(metric) is None]
    descending = order == "Descending"
    expected = [
        r.trial_component_name for *_, r in sorted(having, key=lambda x: x[:2], reverse=descending)
    ]
    expected += [
        r.trial_component_name for _, r in sorted(lacking, key=lambda x: x[0], reverse=descending)
    ]
    assert [c.trial_component_name for page in pages for c in page.items] == expected, expression
    assert {page.total for page in pages} == {len(matching)}


@st.composite
def set_expressions(draw: st.DrawFn, depth: int = 2) -> dict[str, Any]:
    """And/Or trees of filters held in child tables only (parameters, metric statistics,
    parents), with values from the pools ``metric_runs`` draws from, so that most of them match
    some runs and not others: the expressions the store evaluates as sets of ids."""
    filters = st.one_of(
        st.builds(
            lambda name, value: {
                "Name": f"Parameters.{name}",
                "Operator": "Equals",
                "Value": value,
            },
            st.sampled_from(PARAMETER_NAMES),
            st.sampled_from(["sgd", "adam", "0.1", "1"]),
        ),
        st.builds(
            lambda metric, statistic, operator, value: {
                "Name": f"Metrics.{metric}.{statistic}",
                "Operator": operator,
                "Value": value,
            },
            st.sampled_from(METRIC_NAMES),
            st.sampled_from(STATISTICS),
            st.sampled_from(["GreaterThan", "LessThanOrEqualTo", "Equals"]),
            st.sampled_from(["-1", "0", "0.1", "1", "3"]),
        ),
        st.builds(
            lambda name: {"Name": f"Parameters.{name}", "Operator": "Exists"},
            st.sampled_from(PARAMETER_NAMES),
        ),
        st.builds(
            lambda trial: {"Name": "Parents.TrialName", "Operator": "Equals", "Value": trial},
            st.sampled_from(sorted(TRIALS)),
        ),
    )
    out: dict[str, Any] = {"Operator": draw(st.sampled_from(["And", "Or"]))}
    subs = draw(st.lists(set_expressions(depth - 1), max_size=2)) if depth > 0 else []
    own = draw(st.lists(filters, min_size=0 if subs else 1, max_size=3))
    if own:
        out["Filters"] = own
    if subs:
        out["SubExpressions"] = subs
    return out


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_and_or_trees_of_id_sets_select_what_python_evaluation_accepts(
    tmp_path: Path, data: st.DataObject
) -> None:
    runs = data.draw(metric_runs())
    with _store_of(tmp_path, runs) as (store, records):
        connection = sqlite3.connect(store.database_path)
        names = dict(connection.execute("SELECT id, name FROM trial_components"))
        for _ in range(4):
            expression = _validated(data.draw(set_expressions()), RESOURCE)
            ids = compile_id_set(RESOURCE, expression)
            assert ids is not None, expression

            found = [names[i] for i in matching_ids(connection, ids, _max_id(connection)).tolist()]

            expected = [r.trial_component_name for r in records if evaluate(expression, r)]
            assert found == expected, expression
            # A search pages the same set in any order: by an indexed field (the page walks
            # the index), by one without an index (the ids are sorted), by a statistic.
            sort_by = data.draw(
                st.sampled_from(
                    ["Name", "CreationTime", "DisplayName", "Parameters.lr", "Metrics.loss.Max"]
                )
            )
            size = data.draw(st.integers(min_value=1, max_value=3))
            pages = _pages(store, expression, sort_by, "Ascending", size)
            listed = [c.trial_component_name for page in pages for c in page.items]
            assert sorted(listed) == expected, (expression, sort_by)
            assert {page.total for page in pages} == {len(expected)}
            if sort_by == "Name":
                assert listed == expected
        connection.close()


@pytest.mark.parametrize("sort_by", ["Name", "CreationTime"])
@pytest.mark.parametrize("size", [1, 2, 10])
def test_experiments_and_trials_found_by_tags_page_in_sort_order(
    store: LocalStore, sort_by: str, size: int
) -> None:
    # Names in the reverse of creation order, so that the two sorts differ.
    for index, team in enumerate(["vision", "nlp", "vision", "vision", "nlp"]):
        experiment = f"exp-{9 - index}"
        store.create_experiment(experiment, tags={"team": team})
        store.create_trial(f"trial-{9 - index}", experiment, tags={"team": team})
    expression = {"Filters": [{"Name": "Tags.team", "Operator": "Equals", "Value": "vision"}]}

    found: dict[str, list[str]] = {}
    for resource, name_of in (
        ("Experiment", lambda record: record.experiment_name),
        ("ExperimentTrial", lambda record: record.trial_name),
    ):
        pages, cursor = [], None
        while True:
            page = store.search(
                resource,
                expression,
                sort_by=sort_by,
                sort_order="Ascending",
                limit=size,
                cursor=cursor,
            )
            pages.append(page)
            cursor = page.next_cursor
            if not cursor:
                break
        found[resource] = [name_of(record) for page in pages for record in page.items]
        assert {page.total for page in pages} == {3}

    by_name = sort_by == "Name"
    assert found["Experiment"] == (
        ["exp-6", "exp-7", "exp-9"] if by_name else ["exp-9", "exp-7", "exp-6"]
    )
    assert found["ExperimentTrial"] == (
        ["trial-6", "trial-7", "trial-9"] if by_name else ["trial-9", "trial-7", "trial-6"]
    )
