"""The benchmark store that ``benchmarks/generate.py`` writes with bulk SQL holds exactly what the
embedded store's Writer API writes for the same components: search figures measured on it are
figures of a real store."""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from smx_lab.stores.local import LocalStore

GENERATOR = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"


@pytest.fixture(scope="module")
def generate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


# Each table as rows keyed by names, not ids; times the Writer API takes from the clock are left
# out.
CONTENT = {
    "experiments": (
        "SELECT name, display_name, description, source_arn, created_by FROM experiments"
    ),
    "trials": (
        "SELECT t.name, e.name, t.display_name, t.created_by FROM trials t "
        "JOIN experiments e ON e.id = t.experiment_id"
    ),
    "trial_components": (
        "SELECT name, display_name, status, status_message, source_arn, start_time, end_time, "
        "created_by, last_modified_by, source_detail FROM trial_components"
    ),
    "parameters": (
        "SELECT c.name, p.name, p.string_value, p.number_value FROM parameters p "
        "JOIN trial_components c ON c.id = p.trial_component_id"
    ),
    "tags": (
        "SELECT g.resource, c.name, g.key, g.value FROM tags g "
        "JOIN trial_components c ON c.id = g.resource_id"
    ),
    "links": (
        "SELECT t.name, c.name FROM trial_component_links l JOIN trials t ON t.id = l.trial_id "
        "JOIN trial_components c ON c.id = l.trial_component_id"
    ),
    "metrics": (
        "SELECT c.name, m.name, m.count, m.min, m.max, m.mean, m.m2, m.last, "
        "m.last_timestamp, m.std_dev "
        "FROM metrics m JOIN trial_components c ON c.id = m.trial_component_id"
    ),
    "metric_points": (
        "SELECT c.name, m.name, p.seq, p.step, p.timestamp, p.value FROM metric_points p "
        "JOIN metrics m ON m.id = p.metric_id "
        "JOIN trial_components c ON c.id = m.trial_component_id"
    ),
    "metric_rollups": (
        "SELECT c.name, m.name, r.axis, r.level, r.block, r.n, r.min_y, r.min_x, "
        "r.max_y, r.max_x, r.lo_x, r.lo_y, r.hi_x, r.hi_y, r.lo_seq, r.hi_seq "
        "FROM metric_rollups r "
        "JOIN metrics m ON m.id = r.metric_id "
        "JOIN trial_components c ON c.id = m.trial_component_id"
    ),
}


def _content(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    connection = sqlite3.connect(path)
    try:
        return {table: sorted(connection.execute(sql), key=repr) for table, sql in CONTENT.items()}
    finally:
        connection.close()


def test_bulk_written_benchmark_store_equals_what_the_writer_api_writes(
    generate: ModuleType, tmp_path: Path
) -> None:
    specs = list(generate.component_specs(12, seed=7))
    generate.write_bulk(tmp_path / "bulk.sqlite", specs)
    store = LocalStore(tmp_path / "writer.sqlite")
    try:
        generate.replay(store, specs)
    finally:
        store.close()
    bulk, written = _content(tmp_path / "bulk.sqlite"), _content(tmp_path / "writer.sqlite")
    assert bulk["metric_rollups"], "the generator wrote no rollups"
    for table in CONTENT:
        assert bulk[table] == written[table], table


def test_benchmark_store_opens_as_a_store_and_finds_its_components(
    generate: ModuleType, tmp_path: Path
) -> None:
    generate.write_bulk(tmp_path / "bulk.sqlite", list(generate.component_specs(250)))
    store = LocalStore(tmp_path / "bulk.sqlite")
    try:
        page = store.search(
            "ExperimentTrialComponent",
            {"Filters": [{"Name": "Parameters.optimizer", "Value": "adam"}]},
            sort_by="Metrics.test:accuracy.Max",
            limit=5,
        )
        assert page.total and 0 < page.total < 250
        values = [item.metric("test:accuracy").max for item in page.items]
        assert values == sorted(values, reverse=True)
        assert all(item.parameters["optimizer"] == "adam" for item in page.items)
    finally:
        store.close()
