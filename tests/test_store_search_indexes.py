"""The embedded store's search indexes: a store written by an older version gains them when it is
opened, keeps its data, and searches by metric statistics answer from them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from smx_lab.model import MetricPoint
from smx_lab.stores.local import SCHEMA_VERSION, LocalStore
from smx_lab.stores.local_schema import APPLICATION_ID, MIGRATIONS, SQLITE_APPLICATION_ID
from smx_lab.stores.local_search import compile_where

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
        "INSERT INTO trial_components (id, name, creation_time, last_modified_time) VALUES (1, 'old-run', 1.0, 1.0)"
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
        return {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    finally:
        connection.close()


def _log(store: LocalStore, name: str, metric: str, values: list[float]) -> None:
    store.create_trial_component(name)
    store.log_metrics(name, [MetricPoint(metric, value, 1_700_000_000.0 + i, i) for i, value in enumerate(values)])


def test_a_version_3_store_gains_the_metric_index_and_still_finds_its_runs(store_path: Path) -> None:
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

    assert "metrics_by_name_component" in _indexes(store_path)
    assert sqlite3.connect(store_path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert [c.trial_component_name for c in page.items] == ["old-run"] and page.total == 1


def test_a_new_store_keeps_the_metric_index_in_step_with_logged_points(store: LocalStore) -> None:
    _log(store, "a", "loss", [0.9, 0.4])
    _log(store, "b", "loss", [0.8, 0.7])
    store.log_metrics("a", [MetricPoint("loss", 0.95, 1_700_000_100.0, 2)])  # a's last is now the highest

    page = store.search(
        RESOURCE,
        {"Filters": [{"Name": "Metrics.loss.Last", "Operator": "GreaterThan", "Value": "0.75"}]},
        sort_by="Metrics.loss.Last",
        sort_order="Descending",
    )

    assert [c.trial_component_name for c in page.items] == ["a"]
    connection = sqlite3.connect(store.path)
    integrity = connection.execute("PRAGMA integrity_check").fetchall()
    assert integrity == [("ok",)]


def test_filters_on_parameters_and_a_metric_are_merged_as_sorted_index_ranges(store: LocalStore) -> None:
    for index, (optimizer, loss) in enumerate([("sgd", 0.2), ("adam", 0.3), ("sgd", 0.9), ("sgd", 0.5)]):
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
    connection = sqlite3.connect(store.path)
    sql = f"EXPLAIN QUERY PLAN SELECT tc.id FROM trial_components tc WHERE {where}"  # noqa: S608 - compiled SQL
    plan = [row[3] for row in connection.execute(sql, params)]

    page = store.search(RESOURCE, expression, sort_by="Metrics.loss.Last", sort_order="Ascending")

    assert [c.trial_component_name for c in page.items] == ["run-0", "run-3"]
    assert plan.count("MERGE (INTERSECT)") == 2
    assert any("COVERING INDEX metrics_by_name_component" in step for step in plan)
