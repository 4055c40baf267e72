"""The SageMaker account of the browser tests' `sagemaker` project: moto's server on 127.0.0.1
with the test-only extension of tests/moto_sagemaker_ext.py (and its jobs), seeded with the jobs of
tests/sagemaker_jobs_world.py through real boto3 calls, plus a job for each action journey:

- ``train-to-stop``: a running training job that the stop journey stops;
- ``train-guarded``: a running training job whose StopTrainingJob AWS denies (an explicit deny
  on that job, as IAM answers it);

and, while ``train-running`` runs, a new line in its log every two seconds (for Follow).

Usage: ``python seed_sagemaker.py PORT READY_FILE`` (PORT 0: any free port). It writes the
endpoint to READY_FILE once the account is seeded, and serves until it gets SIGTERM
(start-server.sh stops it with JupyterLab).
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from pathlib import Path

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import moto_sagemaker_ext  # noqa: E402 (after the path to the tests' modules)
import moto_sagemaker_jobs  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402
from sagemaker_jobs_world import (  # noqa: E402
    TRAINING_GROUP,
    create_training_job,
    log_lines,
    seed_jobs,
)

REGION = "us-east-1"
FOLLOW_EVERY = 2.0  # seconds between two new log lines of train-running


def session() -> boto3.Session:
    return boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
    )


def seed(endpoint: str) -> None:
    seed_jobs(session(), endpoint, REGION)
    sm = session().client("sagemaker", endpoint_url=endpoint, region_name=REGION)
    logs = session().client("logs", endpoint_url=endpoint, region_name=REGION)
    for name in ("train-to-stop", "train-guarded"):
        create_training_job(sm, name)
        moto_sagemaker_jobs.run("TrainingJob", name)
        log_lines(
            logs,
            TRAINING_GROUP,
            f"{name}/algo-1-1700000000",
            [f"{name}: epoch {i}" for i in range(10)],
            time.time() - 60,
        )
    moto_sagemaker_jobs.deny("StopTrainingJob", "train-guarded")


def follow(endpoint: str, stop: threading.Event) -> None:
    """While train-running runs, it writes a line every FOLLOW_EVERY seconds, as a job would."""
    logs = session().client("logs", endpoint_url=endpoint, region_name=REGION)
    epoch = 40
    while not stop.wait(FOLLOW_EVERY):
        job = moto_sagemaker_jobs.job_of("TrainingJob", "train-running")
        if job.training_job_status != "InProgress":
            continue
        line = f"epoch {epoch} loss {2 / (epoch + 1):.4f}"
        log_lines(logs, TRAINING_GROUP, "train-running/algo-1-1700000000", [line], time.time())
        epoch += 1


def main(port: int, ready_file: str) -> None:
    moto_sagemaker_ext.apply()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    host, bound = server.get_host_and_port()
    endpoint = f"http://{host}:{bound}"
    seed(endpoint)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    writer = threading.Thread(target=follow, args=(endpoint, stop), daemon=True)
    writer.start()
    Path(ready_file).write_text(endpoint, "utf-8")
    print(f"moto server with SageMaker jobs at {endpoint}", flush=True)
    while not stop.wait(1):
        pass
    server.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
