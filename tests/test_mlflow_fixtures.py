"""The MLflow test infrastructure itself: a real ``mlflow server`` starts and stops cleanly, the
known world reads back through MLflow's own client exactly as :mod:`mlflow_world` describes it
(every point), and an ``mlflow server`` runs on the tests' own PostgreSQL."""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

import mlflow
import psycopg2
import pytest
from mlflow import MlflowClient
from mlflow_world import (
    BASELINES,
    BASELINES_DESCRIPTION,
    GIT_COMMIT,
    STEPS,
    SWEEP,
    SWEEP_DESCRIPTION,
    SWEEP_PARENT,
    Point,
    World,
    WrittenRun,
    append_points,
    tracking_uri,
)

if TYPE_CHECKING:
    from mlflow_fixtures import MlflowServer, MlflowServerFactory

pytest_plugins = ["mlflow_fixtures", "postgres_fixtures"]


def history(client: MlflowClient, run_id: str, metric: str) -> list[Point]:
    points = client.get_metric_history(run_id, metric)
    return sorted(Point(p.step, p.timestamp, p.value) for p in points)


def group_is_gone(leader_pid: int) -> bool:
    try:
        os.killpg(leader_pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_the_session_server_answers_health_and_its_version(mlflow_server: MlflowServer) -> None:
    with urllib.request.urlopen(f"{mlflow_server.url}/version", timeout=10) as answer:
        version = answer.read().decode()

    assert mlflow_server.healthy()
    assert version == mlflow.__version__


def test_the_experiments_read_back_with_their_descriptions(mlflow_world: World) -> None:
    client = MlflowClient(mlflow_world.tracking_uri)

    for name, description in ((SWEEP, SWEEP_DESCRIPTION), (BASELINES, BASELINES_DESCRIPTION)):
        experiment = client.get_experiment_by_name(name)
        written = mlflow_world.experiments[name]
        assert experiment is not None
        assert experiment.experiment_id == written.experiment_id
        assert experiment.tags["mlflow.note.content"] == description == written.description
        assert written.tags.items() <= experiment.tags.items()


def test_each_experiment_holds_exactly_the_runs_written_to_it(mlflow_world: World) -> None:
    client = MlflowClient(mlflow_world.tracking_uri)

    for name, experiment in mlflow_world.experiments.items():
        runs = client.search_runs([experiment.experiment_id], max_results=100)
        assert sorted(run.info.run_name for run in runs) == sorted(experiment.run_names), name
    assert len(mlflow_world.runs) == 8


def test_every_run_reads_back_with_its_params_tags_status_and_parent(mlflow_world: World) -> None:
    client = MlflowClient(mlflow_world.tracking_uri)

    for written in mlflow_world.runs.values():
        run = client.get_run(written.run_id)
        experiment_id = mlflow_world.experiments[written.experiment_name].experiment_id
        assert run.info.run_name == written.run_name
        assert run.info.experiment_id == experiment_id
        assert run.info.status == written.status, written.run_name
        assert run.info.start_time == written.start_time
        assert run.data.params == written.param_text
        assert written.tags.items() <= run.data.tags.items()
        assert run.data.tags.get("mlflow.parentRunId") == written.parent_run_id


def test_the_sweep_is_a_parent_with_four_children_of_typed_params(mlflow_world: World) -> None:
    children = mlflow_world.children(SWEEP_PARENT)

    assert [run.run_name for run in children] == [
        "lr-0.1-sgd",
        "lr-0.03-adam",
        "lr-0.01-sgd",
        "lr-0.003-adam",
    ]
    assert [type(v) for v in children[0].params.values()] == [float, str, int]
    assert children[1].param_text == {"lr": "0.03", "optimizer": "adam", "seed": "1"}
    assert [run.run_name for run in mlflow_world.runs_of(BASELINES) if run.parent_run_id] == []


def test_every_metric_point_reads_back_exactly(mlflow_world: World) -> None:
    client = MlflowClient(mlflow_world.tracking_uri)

    for written in mlflow_world.runs.values():
        run = client.get_run(written.run_id)
        assert set(run.data.metrics) == set(written.metrics), written.run_name
        for metric, points in written.metrics.items():
            assert history(client, written.run_id, metric) == sorted(points)
            assert run.data.metrics[metric] == written.latest(metric).value


def test_sweep_children_have_twenty_steps_each_at_its_own_timestamp(mlflow_world: World) -> None:
    for child in mlflow_world.children(SWEEP_PARENT):
        for metric in ("train:loss", "test:accuracy"):
            points = child.metrics[metric]
            assert [p.step for p in points] == list(range(STEPS))
            assert len({p.timestamp for p in points}) == STEPS


def test_a_metric_logged_twice_at_one_step_keeps_both_points(mlflow_world: World) -> None:
    client = MlflowClient(mlflow_world.tracking_uri)
    run = mlflow_world.run("baseline-logreg")

    at_step_3 = [p for p in history(client, run.run_id, "val:loss") if p.step == 3]

    assert [p.value for p in at_step_3] == [0.40, 0.38]
    assert client.get_run(run.run_id).data.metrics["val:loss"] == 0.38
    assert run.summary("val:loss")["Count"] == 5
    assert run.summary("val:loss")["Last"] == 0.38


def test_the_failed_and_the_running_runs_keep_their_status(mlflow_world: World) -> None:
    client = MlflowClient(mlflow_world.tracking_uri)

    broken = client.get_run(mlflow_world.run("baseline-broken").run_id)
    live = client.get_run(mlflow_world.run("baseline-live").run_id)

    assert (broken.info.status, broken.info.end_time is not None) == ("FAILED", True)
    assert (live.info.status, live.info.end_time) == ("RUNNING", None)


def test_the_user_and_git_tags_read_back(mlflow_world: World) -> None:
    client = MlflowClient(mlflow_world.tracking_uri)

    tags = client.get_run(mlflow_world.run("baseline-logreg").run_id).data.tags

    assert tags["team"] == "vision"
    assert tags["mlflow.source.git.commit"] == GIT_COMMIT


def test_artifacts_are_local_files_that_the_client_lists(mlflow_world: World) -> None:
    client = MlflowClient(mlflow_world.tracking_uri)
    run = mlflow_world.run("baseline-logreg")

    def files(path: str | None = None) -> list[str]:
        found: list[str] = []
        for entry in client.list_artifacts(run.run_id, path):
            found += files(entry.path) if entry.is_dir else [entry.path]
        return found

    root = Path(run.artifact_uri.removeprefix("file://"))
    assert root.is_absolute()
    assert sorted(files()) == run.artifacts
    assert json.loads((root / "metrics.json").read_text()) == {"accuracy": 0.905, "classes": 10}
    assert (root / "model" / "weights" / "readme.txt").is_file()


def test_the_dataset_input_reads_back(mlflow_world: World) -> None:
    client = MlflowClient(mlflow_world.tracking_uri)
    run = mlflow_world.run("baseline-logreg")

    inputs = client.get_run(run.run_id).inputs.dataset_inputs

    assert [(i.dataset.name, i.dataset.digest) for i in inputs] == [
        (written["name"], written["digest"]) for written in run.inputs
    ]
    assert {tag.key: tag.value for tag in inputs[0].tags}["mlflow.data.context"] == "training"


def test_a_new_server_is_empty_and_a_running_run_gains_appended_points(
    mlflow_server_factory: MlflowServerFactory,
) -> None:
    server = mlflow_server_factory()
    client = MlflowClient(server.url)
    assert [e.name for e in client.search_experiments()] == ["Default"]
    created = client.create_run("0", run_name="still-training")
    run = WrittenRun(created.info.run_id, "still-training", "Default", "RUNNING", 0)

    first = append_points(client, run, "train:loss", 3)
    later = append_points(client, run, "train:loss", 2)

    assert [p.step for p in first + later] == [0, 1, 2, 3, 4]
    assert history(client, run.run_id, "train:loss") == run.metrics["train:loss"]
    assert client.get_run(run.run_id).info.status == "RUNNING"
    assert len({p.timestamp for p in run.metrics["train:loss"]}) == 5


def test_mlflow_server_on_postgresql_stores_a_run_in_postgresql(
    postgres_url: str, mlflow_server_factory: MlflowServerFactory
) -> None:
    server = mlflow_server_factory(backend_store_uri=postgres_url)
    with tracking_uri(server.url):
        experiment_id = mlflow.create_experiment("on-postgres")
        with mlflow.start_run(experiment_id=experiment_id, run_name="pg-run") as run:
            mlflow.log_param("lr", 0.1)
            mlflow.log_metrics({"train:loss": 0.5}, step=0)
            mlflow.log_metrics({"train:loss": 0.25}, step=1)

    client = MlflowClient(server.url)
    assert [p.value for p in history(client, run.info.run_id, "train:loss")] == [0.5, 0.25]
    connection = psycopg2.connect(postgres_url.replace("+psycopg2", ""))
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, status FROM runs WHERE run_uuid = %s", (run.info.run_id,))
            assert cursor.fetchall() == [("pg-run", "FINISHED")]
    finally:
        connection.close()
    server.stop()
    assert server.process is not None and group_is_gone(server.process.pid)


def test_a_server_that_cannot_start_fails_with_its_log(tmp_path: Path) -> None:
    from mlflow_fixtures import MlflowServer  # here: pytest rewrites a plugin imported after it

    server = MlflowServer(tmp_path, backend_store_uri="nosuchscheme://nowhere")

    with pytest.raises(RuntimeError, match="mlflow server exited") as failure:
        server.start()

    assert "nosuchscheme" in str(failure.value)
    assert str(server.log_path) in str(failure.value)
    assert server.process is not None and group_is_gone(server.process.pid)


def test_a_postgres_cluster_stops_without_leaving_a_process_or_its_folder() -> None:
    from postgres_fixtures import PostgresCluster, postgres_bin_dir

    bin_dir = postgres_bin_dir()
    assert bin_dir is not None, "PostgreSQL is not installed"
    cluster = PostgresCluster(bin_dir).start()
    url = cluster.create_database("scratch")

    cluster.stop()

    assert url.startswith("postgresql+psycopg2://")
    assert cluster.process is not None and group_is_gone(cluster.process.pid)
    assert not cluster.folder.exists()
