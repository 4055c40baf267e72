"""Opening the embedded store: new files are created, older schemas migrate, and files that are
not smx-lab databases, or are newer than this code, are refused and left byte for byte as they
were."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from smx_lab.errors import StoreError
from smx_lab.stores.local import SCHEMA_VERSION, LocalStore
from smx_lab.stores.local.schema import APPLICATION_ID, MIGRATIONS, SQLITE_APPLICATION_ID


def _fingerprint(path: Path) -> tuple[str, list[str]]:
    """The file's bytes and the names of the files beside it (no -wal or -shm may appear)."""
    return hashlib.sha256(path.read_bytes()).hexdigest(), sorted(
        p.name for p in path.parent.iterdir()
    )


def _database_at_version(path: Path, version: int) -> None:
    connection = sqlite3.connect(path)
    for statements in MIGRATIONS[:version]:
        for statement in statements:
            connection.execute(statement)
    connection.execute(
        "INSERT INTO meta (key, value) VALUES ('application_id', ?)", (APPLICATION_ID,)
    )
    connection.execute(
        "INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (str(version),)
    )
    connection.execute(f"PRAGMA user_version = {version}")
    connection.execute(f"PRAGMA application_id = {SQLITE_APPLICATION_ID}")
    connection.commit()
    connection.close()


def test_a_new_file_is_created_with_the_current_schema(store_path: Path) -> None:
    LocalStore(store_path).close()

    connection = sqlite3.connect(store_path)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert dict(connection.execute("SELECT key, value FROM meta")) == {
        "application_id": APPLICATION_ID,
        "schema_version": str(SCHEMA_VERSION),
    }


def test_a_version_1_database_migrates_forward_and_keeps_its_data(store_path: Path) -> None:
    _database_at_version(store_path, 1)
    connection = sqlite3.connect(store_path)
    connection.execute(
        "INSERT INTO experiments (name, creation_time, last_modified_time) VALUES ('old', 1.0, 1.0)"
    )
    connection.commit()
    connection.close()

    store = LocalStore(store_path)

    assert store.get_experiment("old").experiment_name == "old"
    assert store.info()["schema_version"] == SCHEMA_VERSION
    store.create_trial_component("after-migration")
    store.log_metrics("after-migration", [])  # the tables of later versions exist
    assert (
        sqlite3.connect(store_path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    )


def test_a_database_newer_than_the_code_is_refused_and_left_untouched(store_path: Path) -> None:
    _database_at_version(store_path, SCHEMA_VERSION)
    connection = sqlite3.connect(store_path)
    connection.execute(
        "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),)
    )
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.commit()
    connection.close()
    before = _fingerprint(store_path)

    with pytest.raises(StoreError) as error:
        LocalStore(store_path)

    assert f"schema version {SCHEMA_VERSION + 1}" in error.value.message
    assert "upgrade smx-lab" in error.value.message
    assert _fingerprint(store_path) == before


def test_an_sqlite_file_of_another_application_is_refused_and_left_untouched(
    store_path: Path,
) -> None:
    connection = sqlite3.connect(store_path)
    connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    connection.execute("INSERT INTO invoices (amount) VALUES (12.5)")
    connection.commit()
    connection.close()
    before = _fingerprint(store_path)

    with pytest.raises(StoreError) as error:
        LocalStore(store_path)

    assert "is not an smx-lab database" in error.value.message
    assert _fingerprint(store_path) == before


def test_a_file_that_is_not_sqlite_at_all_is_refused_and_left_untouched(store_path: Path) -> None:
    store_path.write_text("name,accuracy\nrun-1,0.9\n")
    before = _fingerprint(store_path)

    with pytest.raises(StoreError) as error:
        LocalStore(store_path)

    assert "is not an smx-lab database" in error.value.message
    assert _fingerprint(store_path) == before


def test_an_empty_file_becomes_a_store(store_path: Path) -> None:
    store_path.touch()

    store = LocalStore(store_path)
    store.create_experiment("first")

    assert [e.experiment_name for e in store.list_experiments().items] == ["first"]


def test_the_default_path_comes_from_smx_lab_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "elsewhere" / "lab.sqlite"
    monkeypatch.setenv("SMX_LAB_DB", str(target))

    store = LocalStore()

    assert store.database_path == target and target.exists()
    assert store.artifacts_dir == tmp_path / "elsewhere" / "lab-artifacts"
