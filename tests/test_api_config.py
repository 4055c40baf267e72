"""The extension's configuration: traits, their environment defaults, and the store they build."""

from __future__ import annotations

from pathlib import Path

import pytest
from traitlets import TraitError
from traitlets.config import Config

from smx_lab.errors import StoreError
from smx_lab.server.app import SmxLabExtension
from smx_lab.stores.local import LocalStore
from smx_lab.stores.sagemaker import SageMakerStore


def extension(**traits: object) -> SmxLabExtension:
    return SmxLabExtension(config=Config({"SmxLabExtension": traits}))


def test_store_defaults_to_local(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMX_LAB_STORE", raising=False)

    assert extension().resolved_store_class() is LocalStore


def test_store_follows_smx_lab_store_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMX_LAB_STORE", "SageMaker")

    assert extension().resolved_store_class() is SageMakerStore


def test_the_store_setting_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMX_LAB_STORE", "sagemaker")

    assert extension(store="local").resolved_store_class() is LocalStore


def test_unknown_store_kind_is_reported_when_the_store_is_built() -> None:
    store, failure = extension(store="wandb").build_store()

    assert store is None
    assert isinstance(failure, StoreError)
    assert "'local', 'sagemaker', 'mlflow'" in failure.message


def test_the_mlflow_kind_is_the_mlflow_store(monkeypatch: pytest.MonkeyPatch) -> None:
    from smx_lab.stores.mlflow import MlflowStore

    monkeypatch.setenv("SMX_LAB_STORE", "mlflow")

    assert extension().resolved_store_class() is MlflowStore


def test_unknown_store_kind_in_the_environment_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMX_LAB_STORE", "wandb")

    store, failure = extension().build_store()

    assert store is None
    assert failure is not None and "SMX_LAB_STORE" in failure.message


def test_the_store_file_follows_smx_lab_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SMX_LAB_STORE", raising=False)
    monkeypatch.setenv("SMX_LAB_DB", str(tmp_path / "runs.sqlite"))

    store, failure = extension().build_store()

    assert failure is None and store is not None
    assert store.info()["path"] == str(tmp_path / "runs.sqlite")
    store.close()


def test_the_store_file_defaults_under_the_jupyter_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SMX_LAB_STORE", raising=False)
    monkeypatch.delenv("SMX_LAB_DB", raising=False)
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))

    store, failure = extension().build_store()

    assert failure is None and store is not None
    assert store.info()["path"] == str(tmp_path / "data" / "smx_lab" / "experiments.sqlite")
    store.close()


def test_configured_values_reach_the_store(tmp_path: Path) -> None:
    app = extension(store="local", db_path=str(tmp_path / "x.sqlite"))

    store, failure = app.build_store()

    assert failure is None
    assert isinstance(store, LocalStore)
    assert store.info()["path"] == str(tmp_path / "x.sqlite")
    store.close()


def test_the_local_store_takes_its_own_settings_from_the_app_config(tmp_path: Path) -> None:
    config = Config({"LocalStore": {"path": str(tmp_path / "own.sqlite")}})
    app = SmxLabExtension(config=config)

    store, failure = app.build_store()

    assert failure is None and store is not None
    assert store.info()["path"] == str(tmp_path / "own.sqlite")
    store.close()


def test_the_sagemaker_store_takes_its_own_settings_from_the_app_config() -> None:
    config = Config(
        {
            "SmxLabExtension": {"store": "sagemaker"},
            "SageMakerStore": {
                "region": "eu-west-1",
                "cache_seconds": 30.0,
                "endpoint_url": "http://127.0.0.1:9",
            },
        }
    )

    store, failure = SmxLabExtension(config=config).build_store()

    assert failure is None
    assert isinstance(store, SageMakerStore)
    assert (store.region, store.cache_seconds) == ("eu-west-1", 30.0)
    store.close()


@pytest.mark.parametrize("wrong", [dict, "builtins.dict"])
def test_a_store_class_that_is_no_store_is_refused_at_start(wrong: object) -> None:
    with pytest.raises(TraitError, match=r"smx_lab\.stores\.base\.Store"):
        extension(store_class=wrong)


def test_a_store_that_cannot_be_opened_is_reported_not_raised(tmp_path: Path) -> None:
    not_a_database = tmp_path / "photo.sqlite"
    not_a_database.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))

    store, failure = extension(store="local", db_path=str(not_a_database)).build_store()

    assert store is None
    assert isinstance(failure, StoreError)
    assert "photo.sqlite" in failure.message


@pytest.mark.parametrize("trait", ["page_size_cap", "store_threads", "max_body_bytes"])
def test_page_size_cap_threads_and_body_cap_must_be_positive(trait: str) -> None:
    with pytest.raises(TraitError, match="at least 1"):
        extension(**{trait: 0})


@pytest.mark.parametrize(
    ("configurable", "own"),
    [
        (
            SmxLabExtension,
            {"store", "store_class", "db_path", "page_size_cap", "store_threads", "max_body_bytes"},
        ),
        (LocalStore, {"path"}),
        (
            SageMakerStore,
            {"region", "profile", "endpoint_url", "max_concurrency", "cache_seconds"},
        ),
    ],
)
def test_every_setting_is_documented(configurable: type, own: set[str]) -> None:
    traits = configurable.class_traits(config=True)

    assert own <= set(traits)
    assert all(traits[name].help for name in own)
