"""A real PostgreSQL server started by the tests in a temporary folder, for an ``mlflow server``
whose backend store is PostgreSQL (the team set-up of the MLflow store).

Debian's ``postgresql`` package puts ``initdb`` and ``postgres`` in ``/usr/lib/postgresql/<v>/bin``
(not on PATH); ``bash scripts/dev test`` installs it when it is missing. The server refuses to
run as root, so under root (as in CI) the cluster belongs to the ``postgres`` user the package
creates (else ``nobody``), and its folder lives outside pytest's root-only temporary tree. It
listens on 127.0.0.1 on a free port, with ``trust`` authentication and its unix socket in its own
folder, and runs without fsync: its data is thrown away with the folder.

Use with ``pytest_plugins = ["postgres_fixtures"]``: ``postgres_cluster`` (one per session) and
``postgres_url`` (a new empty database for each test, as a SQLAlchemy URL ``postgresql://...``).
PostgreSQL missing is a failure, not a skip: the team tests are part of the suite.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from mlflow_fixtures import die_with_parent, free_port, stop_process_group

SEARCHED = "PATH and /usr/lib/postgresql/*/bin"
MISSING = (
    f"PostgreSQL's initdb and postgres were not found on {SEARCHED}: install Debian's "
    "'postgresql' package (apt-get install postgresql; bash scripts/dev test does it)"
)


def postgres_bin_dir() -> Path | None:
    """The folder holding ``initdb`` and ``postgres``: from PATH, else Debian's newest version."""
    on_path = shutil.which("initdb")
    candidates = [Path(on_path).resolve().parent] if on_path else []
    versions = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted(
        (Path(folder) for folder in versions),
        key=lambda folder: [int(part) for part in re.findall(r"\d+", folder.parent.name)],
        reverse=True,
    )
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "postgres").exists():
            return folder
    return None


def cluster_owner() -> pwd.struct_passwd | None:
    """The user the server runs as when the tests run as root (PostgreSQL refuses root): the
    ``postgres`` system user, else ``nobody``. None: not root, the server runs as the caller."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root, and neither a 'postgres' nor a 'nobody' user exists")


class PostgresCluster:
    """``with PostgresCluster() as cluster: cluster.create_database("team")`` → a URL."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.owner = cluster_owner()
        self.user = self.owner.pw_name if self.owner else pwd.getpwuid(os.geteuid()).pw_name
        self.folder = Path(tempfile.mkdtemp(prefix="smx-lab-postgres-"))
        self.data = self.folder / "data"
        self.socket_dir = self.folder / "socket"
        self.log_path = self.folder / "postgres.log"
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.stopped = False

    def _as_owner(self) -> dict[str, Any]:
        """Popen arguments that run a program as the cluster's owner, in its folder."""
        arguments: dict[str, Any] = {"cwd": self.folder, "env": {**os.environ, "LC_ALL": "C"}}
        if self.owner:
            arguments.update(user=self.owner.pw_uid, group=self.owner.pw_gid, extra_groups=[])
        return arguments

    def _initdb(self) -> None:
        self.socket_dir.mkdir()
        if self.owner:
            for path in (self.folder, self.socket_dir):
                os.chown(path, self.owner.pw_uid, self.owner.pw_gid)
        command = [str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", self.user]
        command += ["-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]
        done = subprocess.run(command, capture_output=True, text=True, **self._as_owner())
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed ({done.returncode}):\n{done.stdout}{done.stderr}")

    def start(self, timeout: float = 60.0) -> PostgresCluster:
        self._initdb()
        self.port = free_port()
        settings = {
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(self.socket_dir),
            "fsync": "off",  # a throw-away cluster: no durability, faster tests
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "200",
        }
        command = [str(self.bin_dir / "postgres"), "-D", str(self.data), "-p", str(self.port)]
        for name, value in settings.items():
            command += ["-c", f"{name}={value}"]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_parent(signal.SIGINT),
                **self._as_owner(),
            )
        self._wait_until_ready(timeout)
        return self

    def _wait_until_ready(self, timeout: float) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"postgres exited {self.process.returncode}:\n{self.log()}")
            try:
                psycopg2.connect(self.url("postgres"), connect_timeout=2).close()
                return
            except psycopg2.OperationalError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(
            f"postgres did not accept connections within {timeout:.0f} s:\n{self.log()}"
        )

    def url(self, database: str) -> str:
        """libpq's URL of ``database``, over TCP on 127.0.0.1 (for psycopg2 and psql)."""
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def sqlalchemy_url(self, database: str) -> str:
        """The SQLAlchemy URL of ``database`` (``mlflow server --backend-store-uri``). The driver
        is named: SQLAlchemy 2.1 reads a bare ``postgresql://`` as psycopg 3, and the tests bring
        psycopg2."""
        return f"postgresql+psycopg2://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new empty database; its SQLAlchemy URL."""
        connection = psycopg2.connect(self.url("postgres"))
        connection.autocommit = True  # CREATE DATABASE cannot run in a transaction
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()
        return self.sqlalchemy_url(name)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:] if self.log_path.exists() else ""

    def stop(self) -> None:
        """A fast shutdown (SIGINT: sessions are ended), then SIGKILL to what is left; the folder
        goes too."""
        if self.process is not None and not self.stopped:
            self.stopped = True
            stop_process_group(self.process, signal.SIGINT)
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> PostgresCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        pytest.fail(MISSING, pytrace=False)
    with PostgresCluster(bin_dir) as cluster:
        yield cluster


@pytest.fixture
def postgres_url(postgres_cluster: PostgresCluster, request: pytest.FixtureRequest) -> str:
    """A new, empty database of the session's cluster, named after the test."""
    name = re.sub(r"[^a-z0-9_]", "_", request.node.name.lower())[:40]
    return postgres_cluster.create_database(f"{name}_{os.getpid()}_{time.monotonic_ns() % 10**6}")
