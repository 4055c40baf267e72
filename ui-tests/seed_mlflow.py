"""Runs the MLflow project's JupyterLab: a real ``mlflow server`` filled with the MLflow store's
test world, and a JupyterLab reading it (``SMX_LAB_STORE=mlflow``), until told to stop.

``python seed_mlflow.py WORK_DIR`` (start-mlflow.sh gives it a fresh temporary folder, which is
also Jupyter's root):

- ``WORK_DIR/mlflow/``: the server's SQLite file, its log and its artifact root. The server does
  not proxy artifacts, so a run's artifact URI is a plain path under Jupyter's root, which the
  panel opens in JupyterLab;
- the world of ``tests/mlflow_world.py`` (experiments ``sweep`` and ``baselines``), written with
  the real ``mlflow`` client; its files' local copies in ``WORK_DIR/world-files/``.

The server is ``tests/mlflow_fixtures.py``'s ``MlflowServer``, as the Python tests start it. On
SIGTERM or SIGINT, JupyterLab stops, then the server's process group is killed: its files go with
the temporary folder, and Playwright allows 10 s for the whole stop.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from mlflow_fixtures import MlflowServer, die_with_parent, stop_process_group  # noqa: E402
from mlflow_world import fill_world  # noqa: E402

STOP_SECONDS = 8


def main(work_dir: Path) -> int:
    server = MlflowServer(work_dir / "mlflow").start()
    try:
        world = fill_world(server.url, work_dir / "world-files")
        print(
            f"mlflow server {server.url}: experiments {', '.join(world.experiments)}, "
            f"{len(world.runs)} runs; artifacts under {server.artifact_root}",
            flush=True,
        )
        return run_lab(server.url, work_dir)
    finally:
        assert server.process is not None
        stop_process_group(server.process, signal.SIGKILL)


def run_lab(tracking_uri: str, work_dir: Path) -> int:
    """JupyterLab on the MLflow store at ``tracking_uri``, rooted at ``work_dir``, until it stops
    (SIGTERM or SIGINT to this process stops it)."""
    env = {
        **os.environ,
        "SMX_LAB_STORE": "mlflow",
        "MLFLOW_TRACKING_URI": tracking_uri,
        "JUPYTERLAB_GALATA_ROOT_DIR": str(work_dir),
    }
    lab = subprocess.Popen(
        ["jupyter", "lab", "--config", "jupyter_server_test_config.py"],
        cwd=Path(__file__).resolve().parent,
        env=env,
        preexec_fn=die_with_parent,
    )
    signal.signal(signal.SIGTERM, lambda *_: lab.send_signal(signal.SIGTERM))
    signal.signal(signal.SIGINT, lambda *_: lab.send_signal(signal.SIGTERM))
    try:
        return lab.wait()
    finally:
        if lab.poll() is None:
            lab.terminate()
            try:
                lab.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                lab.kill()


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]).resolve()))
