"""The MLflow store against a tracking server with MLflow's own authentication (``mlflow server
--app-name basic-auth``): credentials come from MLflow's variables, a missing login is a 403 JSON
error, a user without permission on an experiment is refused it, and no password is ever shown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mlflow import MlflowClient
from mlflow.server.auth.client import AuthServiceClient
from mlflow_fixtures import MlflowServer

from smx_lab.errors import AccessDenied
from smx_lab.stores.mlflow import MlflowStore

pytest_plugins = ["mlflow_fixtures"]

ADMIN, ADMIN_PASSWORD = "admin", "admin-password-1234"
READER, READER_PASSWORD = "reader", "reader-password-5678"


class AuthMlflowServer(MlflowServer):
    """``mlflow server --app-name basic-auth`` with an admin whose password the test knows."""

    def command(self) -> list[str]:
        return [*super().command(), "--app-name", "basic-auth"]


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthMlflowServer]:
    folder = tmp_path_factory.mktemp("mlflow-auth")
    config = folder / "basic_auth.ini"
    config.write_text(
        "[mlflow]\n"
        "default_permission = NO_PERMISSIONS\n"
        f"database_uri = sqlite:///{folder / 'auth.db'}\n"
        f"admin_username = {ADMIN}\n"
        f"admin_password = {ADMIN_PASSWORD}\n"
        "authorization_function = mlflow.server.auth:authenticate_request_basic_auth\n"
    )
    patch = pytest.MonkeyPatch()
    patch.setenv("MLFLOW_AUTH_CONFIG_PATH", str(config))
    patch.setenv("MLFLOW_FLASK_SERVER_SECRET_KEY", "test-only-secret")
    server = AuthMlflowServer(folder)
    try:
        server.start()
        patch.setenv("MLFLOW_TRACKING_USERNAME", ADMIN)
        patch.setenv("MLFLOW_TRACKING_PASSWORD", ADMIN_PASSWORD)
        AuthServiceClient(server.url).create_user(READER, READER_PASSWORD)
        client = MlflowClient(server.url)
        secret = client.create_experiment("secret-experiment")
        run = client.create_run(secret, run_name="hidden")
        client.log_metric(run.info.run_id, "loss", 0.5)
        server.hidden_run = run.info.run_id  # type: ignore[attr-defined]
        patch.delenv("MLFLOW_TRACKING_USERNAME")
        patch.delenv("MLFLOW_TRACKING_PASSWORD")
        yield server
    finally:
        server.stop()
        patch.undo()


def login(monkeypatch: pytest.MonkeyPatch, user: str, password: str) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", user)
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", password)


def test_without_a_login_every_read_is_refused(auth_server: AuthMlflowServer) -> None:
    store = MlflowStore(tracking_uri=auth_server.url, max_retries=0)

    with pytest.raises(AccessDenied) as error:
        store.list_experiments()

    assert error.value.status == 403
    assert auth_server.url in error.value.message
    store.close()


def test_mlflows_own_variables_log_in(
    auth_server: AuthMlflowServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    login(monkeypatch, ADMIN, ADMIN_PASSWORD)
    store = MlflowStore(tracking_uri=auth_server.url)

    (experiment,) = [e for e in store.list_experiments().items if e.experiment_name != "Default"]
    components = store.list_trial_components(experiment_name=experiment.experiment_name).items

    assert experiment.experiment_name == "secret-experiment"
    assert [c.display_name for c in components] == ["hidden"]
    assert ADMIN_PASSWORD not in str(store.info())
    store.close()


def test_a_user_without_permission_neither_sees_nor_reads_the_experiment(
    auth_server: AuthMlflowServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    login(monkeypatch, READER, READER_PASSWORD)
    store = MlflowStore(tracking_uri=auth_server.url, max_retries=0)

    listed = [e.experiment_name for e in store.list_experiments().items]
    with pytest.raises(AccessDenied) as error:
        store.get_trial_component(auth_server.hidden_run)  # type: ignore[attr-defined]

    assert "secret-experiment" not in listed  # MLflow lists only what a user may read
    assert error.value.status == 403
    assert READER_PASSWORD not in error.value.message
    assert READER_PASSWORD not in caplog.text
    store.close()


def test_a_wrong_password_is_refused(
    auth_server: AuthMlflowServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    login(monkeypatch, ADMIN, "not-the-password")
    store = MlflowStore(tracking_uri=auth_server.url, max_retries=0)

    with pytest.raises(AccessDenied) as error:
        store.list_experiments()

    assert "not-the-password" not in error.value.message
    store.close()
