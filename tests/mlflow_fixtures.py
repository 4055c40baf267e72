"""A real ``mlflow server`` process on 127.0.0.1 for the MLflow store's tests.

``MlflowServer`` runs the venv's own ``mlflow server`` (uvicorn, one worker) on a free port with a
SQLite file (or any SQLAlchemy URL, e.g. the PostgreSQL of :mod:`postgres_fixtures`) as its backend
store and a local folder as its artifact root, without artifact proxying, so a run's artifact URI
is a plain local path. It waits for ``GET /health``, keeps the server's log in its folder (and puts
it in the error when the server does not come up), and stops the whole process group it started.

Use with ``pytest_plugins = ["mlflow_fixtures"]``:

- ``mlflow_server``: one server for the whole session, for tests that only read (or write under
  names of their own);
- ``mlflow_world``: that server filled once with :func:`mlflow_world.fill_world`'s world;
- ``mlflow_server_factory``: ``start()`` → a new, empty server, stopped when the test ends.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from mlflow_world import World, fill_world

# No MLflow telemetry from the tests, the servers they start or the Jupyter servers they read with.
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")

STOP_SECONDS = 15.0


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def die_with_parent(signal_number: int = signal.SIGTERM) -> Callable[[], None] | None:
    """A Popen ``preexec_fn`` giving the child ``signal_number`` if the test process dies without
    its teardown (killed), so no server outlives a crashed run. Linux's parent-death signal
    follows the thread that started the child, so it is only set from the main thread."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def set_parent_death_signal() -> None:
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal_number, 0, 0, 0)

    return set_parent_death_signal


def stop_process_group(process: subprocess.Popen[bytes], first_signal: int) -> None:
    """Signal the group ``process`` leads, wait for its leader, then SIGKILL what is left of the
    group (a child the leader did not take down must not outlive the test)."""
    group = process.pid
    try:
        os.killpg(group, first_signal)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(group, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=STOP_SECONDS)


class MlflowServer:
    """``with MlflowServer(tmp_path) as server: MlflowClient(server.url)``.

    ``backend_store_uri`` defaults to ``sqlite:///<work_dir>/mlflow.db``; artifacts go to
    ``<work_dir>/artifacts``; the log is ``<work_dir>/mlflow-server.log``."""

    def __init__(self, work_dir: Path, *, backend_store_uri: str | None = None) -> None:
        self.work_dir = Path(work_dir)
        self.backend_store_uri = backend_store_uri or f"sqlite:///{self.work_dir / 'mlflow.db'}"
        self.artifact_root = self.work_dir / "artifacts"
        self.log_path = self.work_dir / "mlflow-server.log"
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.stopped = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        mlflow = Path(sys.executable).with_name("mlflow")
        return [
            str(mlflow) if mlflow.exists() else sys.executable,
            *([] if mlflow.exists() else ["-m", "mlflow"]),
            "server",
            "--backend-store-uri",
            self.backend_store_uri,
            "--default-artifact-root",
            str(self.artifact_root),
            "--no-serve-artifacts",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            "1",
        ]

    def start(self, timeout: float = 120.0) -> MlflowServer:
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.artifact_root.mkdir(exist_ok=True)
        self.port = free_port()
        # The job runner (seven huey consumers) serves MLflow's GenAI jobs, which no test uses.
        env = {**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}
        env.pop("MLFLOW_TRACKING_URI", None)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=self.work_dir,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stop() takes down uvicorn too
                preexec_fn=die_with_parent(),
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(
                    f"mlflow server exited {self.process.returncode}; its log "
                    f"({self.log_path}):\n{self.log()}"
                )
            if self.healthy():
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(
            f"mlflow server did not answer /health within {timeout:.0f} s; its log "
            f"({self.log_path}):\n{self.log()}"
        )

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/health", timeout=5) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-8000:] if self.log_path.exists() else ""

    def stop(self) -> None:
        """SIGTERM (mlflow forwards it to uvicorn, which shuts down), then SIGKILL to the group."""
        if self.process is not None and not self.stopped:
            self.stopped = True
            stop_process_group(self.process, signal.SIGTERM)

    def __enter__(self) -> MlflowServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MlflowServer]:
    """One server for the session: tests that use it only read (or write under their own names)."""
    with MlflowServer(tmp_path_factory.mktemp("mlflow-session")) as server:
        yield server


@pytest.fixture(scope="session")
def mlflow_world(mlflow_server: MlflowServer, tmp_path_factory: pytest.TempPathFactory) -> World:
    """The session server filled once with the known world. Tests may add experiments of their
    own; a point added to the world's running run goes through ``append_points``, which keeps the
    description true."""
    return fill_world(mlflow_server.url, tmp_path_factory.mktemp("mlflow-world-files"))


MlflowServerFactory = Callable[..., MlflowServer]


@pytest.fixture
def mlflow_server_factory(tmp_path: Path) -> Iterator[MlflowServerFactory]:
    """``start(backend_store_uri=None)`` → a new, empty, running server; all stop at the end."""
    servers: list[MlflowServer] = []

    def start(*, backend_store_uri: str | None = None) -> MlflowServer:
        server = MlflowServer(
            tmp_path / f"mlflow-{len(servers)}", backend_store_uri=backend_store_uri
        )
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()
