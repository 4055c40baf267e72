"""A real ``jupyter server`` in a child process on 127.0.0.1, for tests and benchmarks that drive it
with blocking HTTP clients (schemathesis, threads of load clients) or that must outlive a fault.

pytest-jupyter's ``jp_fetch`` server runs inside the test's own event loop, so a blocking client in
the same thread would deadlock it; a child process does not share the loop and can also be given a
store that is broken on purpose.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any


class JupyterServerProcess:
    """``with JupyterServerProcess(tmp_path, env={...}) as server: server.url("info")``.

    Token-authenticated, ``allow_unauthenticated_access = False``, smx_lab enabled, a random port
    read back from the server's runtime file, an isolated config and runtime directory."""

    def __init__(
        self,
        work_dir: Path,
        *,
        env: dict[str, str] | None = None,
        config: dict[str, Any] | None = None,
    ) -> None:
        self.work_dir = Path(work_dir)
        self.token = secrets.token_hex(16)
        self.extra_env = env or {}
        self.extra_config = config or {}
        self.process: subprocess.Popen[bytes] | None = None
        self.base: str = ""
        self.log_path = self.work_dir / "jupyter-server.log"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}

    def url(self, route: str = "") -> str:
        return f"{self.base}smx-lab/api/{route}"

    def start(self, timeout: float = 60.0) -> JupyterServerProcess:
        config_dir = self.work_dir / "jupyter-config"
        runtime_dir = self.work_dir / "jupyter-runtime"
        config_dir.mkdir(parents=True, exist_ok=True)
        runtime_dir.mkdir(parents=True, exist_ok=True)
        config: dict[str, Any] = {
            "ServerApp": {
                "ip": "127.0.0.1",
                "port": 0,
                "open_browser": False,
                "allow_root": True,
                "allow_unauthenticated_access": False,
                "jpserver_extensions": {"smx_lab": True},
                "root_dir": str(self.work_dir),
            },
            "IdentityProvider": {"token": self.token},
        }
        for section, values in self.extra_config.items():
            config.setdefault(section, {}).update(values)
        (config_dir / "jupyter_server_config.json").write_text(json.dumps(config))
        env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(config_dir),
            "JUPYTER_RUNTIME_DIR": str(runtime_dir),
            "JUPYTER_PLATFORM_DIRS": "1",
            **self.extra_env,
        }
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "jupyter_server"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        runtime_file = runtime_dir / f"jpserver-{self.process.pid}.json"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"jupyter server exited {self.process.returncode}:\n{self.log()}"
                )
            if runtime_file.exists():
                try:
                    self.base = json.loads(runtime_file.read_text())["url"]
                except (ValueError, KeyError):
                    time.sleep(0.1)  # written but not yet complete
                    continue
                if self._answers():
                    return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"jupyter server did not start within {timeout} s:\n{self.log()}")

    def _answers(self) -> bool:
        request = urllib.request.Request(f"{self.base}api/status", headers=self.headers)
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:] if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)

    def __enter__(self) -> JupyterServerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
