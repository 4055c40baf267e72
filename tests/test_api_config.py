"""The extension's configuration: traits, their environment defaults, and the store they build."""

from __future__ import annotations

from pathlib import Path

import pytest
from traitlets import TraitError
from traitlets.config import Config

from smx_lab.app import SmxLabExtension
from smx_lab.errors import StoreError
from smx_lab.stores.local import LocalStore
from smx_lab.stores.sagemaker import SageMakerStore


def extension(**traits: object) -> SmxLabExtension:
    return SmxLabExtension(config=Config({"SmxLabExtension": traits}))


def test_store_defaults_to_local(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMX_LAB_STORE", raising=False)

    app = extension()

    assert app.store == "local"
    assert app.resolved_store_class() is LocalStore


def test_store_follows_smx_lab_store_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMX_LAB_STORE", "SageMaker")

    app = extension()

    assert app.store == "sagemaker"
    assert app.resolved_store_class() is SageMakerStore
    assert app.store_arguments() == {"cache_seconds": 10}


def test_unknown_store_kind_is_reported_when_the_store_is_built() -> None:
    store, failure = extension(store="mlflow").build_store()

    assert store is None
    assert isinstance(failure, StoreError)
    assert "'local' or 'sagemaker'" in failure.message


def test_unknown_store_kind_in_the_environment_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMX_LAB_STORE", "mlflow")

    store, failure = extension().build_store()

    assert store is None
    assert failure is not None and "SMX_LAB_STORE" in failure.message


def test_db_path_follows_smx_lab_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SMX_LAB_DB", str(tmp_path / "runs.sqlite"))

    assert extension().db_path == str(tmp_path / "runs.sqlite")


def test_db_path_defaults_under_the_jupyter_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SMX_LAB_DB", raising=False)
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))

    assert extension().db_path == str(tmp_path / "data" / "smx_lab" / "experiments.sqlite")


def test_configured_values_reach_the_store(tmp_path: Path) -> None:
    app = extension(store="local", db_path=str(tmp_path / "x.sqlite"), cache_seconds=3)

    store, failure = app.build_store()

    assert failure is None
    assert isinstance(store, LocalStore)
    assert store.info()["path"] == str(tmp_path / "x.sqlite")
    store.close()


def test_sagemaker_options_are_passed_to_the_store_class() -> None:
    app = extension(store="sagemaker", cache_seconds=30, store_options={"region": "eu-west-1"})

    assert app.store_arguments() == {"cache_seconds": 30, "region": "eu-west-1"}


def test_a_store_that_cannot_be_opened_is_reported_not_raised(tmp_path: Path) -> None:
    not_a_database = tmp_path / "photo.sqlite"
    not_a_database.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))

    store, failure = extension(store="local", db_path=str(not_a_database)).build_store()

    assert store is None
    assert isinstance(failure, StoreError)
    assert "photo.sqlite" in failure.message


@pytest.mark.parametrize("trait", ["page_size_cap", "store_threads"])
def test_page_size_cap_and_threads_must_be_positive(trait: str) -> None:
    with pytest.raises(TraitError, match="at least 1"):
        extension(**{trait: 0})


def test_every_trait_is_documented() -> None:
    own = {
        "store",
        "store_class",
        "db_path",
        "page_size_cap",
        "cache_seconds",
        "store_threads",
        "store_options",
    }
    traits = SmxLabExtension.class_traits(config=True)

    assert own <= set(traits)
    assert all(traits[name].help for name in own)
