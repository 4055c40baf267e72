"""The tracking API writing to a real ``mlflow server`` (``SMX_LAB_STORE=mlflow``): the seed
walk-through and ``smx_lab.Run`` log there with only the configuration changed, MLflow's own client
reads what they wrote, and the MLflow store reads it back with smx-lab's names."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator

import pytest
from mlflow import MlflowClient
from mlflow_fixtures import MlflowServer, MlflowServerFactory
from test_walkthrough import INPUTS, check_results, walkthrough

import smx_lab
from smx_lab import Experiment, Run, Tracker, Trial
from smx_lab.errors import ValidationError
from smx_lab.stores.mlflow import MlflowStore

pytest_plugins = ["mlflow_fixtures"]


@pytest.fixture
def empty_server(
    mlflow_server_factory: MlflowServerFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MlflowServer]:
    """A new, empty server that smx-lab's tracking API and store are configured to use."""
    started = mlflow_server_factory()
    monkeypatch.setenv("SMX_LAB_STORE", "mlflow")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", started.url)
    yield started


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MlflowServer]:
    """One server for this module (its runs must not show up in other modules' searches)."""
    with MlflowServer(tmp_path_factory.mktemp("mlflow-tracking")) as started:
        yield started


@pytest.fixture
def server(shared_server: MlflowServer, monkeypatch: pytest.MonkeyPatch) -> MlflowServer:
    """That server, configured likewise (tests write under names of their own)."""
    monkeypatch.setenv("SMX_LAB_STORE", "mlflow")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", shared_server.url)
    return shared_server


def unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}"


def runs_by_name(client: MlflowClient, experiment: str) -> dict[str, object]:
    found = client.get_experiment_by_name(experiment)
    assert found is not None
    return {run.info.run_name: run for run in client.search_runs([found.experiment_id])}


def test_the_seed_walkthrough_logs_into_a_real_mlflow_server(empty_server: MlflowServer) -> None:
    server = empty_server
    walked = walkthrough()

    check_results(walked)
    store = MlflowStore(tracking_uri=server.url, cache_seconds=0)
    trials = store.list_trials(walked.experiment_name).items
    assert sorted(t.trial_name for t in trials) == sorted(walked.trial_names.values())
    assert [t.trial_component_count for t in trials] == [2, 2, 2]
    preprocessing = store.get_trial_component(walked.tracker.trial_component_name)
    assert preprocessing.parameters == {"normalization_mean": 0.1307, "normalization_std": 0.3081}
    assert preprocessing.input_artifacts["mnist-dataset"].to_dict() == {
        "MediaType": "s3/uri",
        "Value": INPUTS,
    }
    assert sorted(p.trial_name for p in preprocessing.parents) == sorted(
        walked.trial_names.values()
    )
    # MLflow's own client sees runs with their display names, parameters and metric histories.
    client = MlflowClient(server.url)
    trainings = [r for r in client.search_runs(["0"]) if r.info.run_name == "Training"]
    assert len(trainings) == 3
    history = client.get_metric_history(trainings[0].info.run_id, "test:accuracy")
    assert [m.step for m in history] == [0, 1]


def test_run_logs_a_top_level_run_of_its_experiment(server: MlflowServer) -> None:
    digits = unique("digits")
    with Run(experiment_name=digits, run_name="mlp-64") as run:
        run.log_parameters({"hidden_units": 64, "optimizer": "adam", "version": "2"})
        for epoch in range(10):
            run.log_metric("test:accuracy", 0.9 + epoch / 100, step=epoch)

    client = MlflowClient(server.url)
    logged = runs_by_name(client, digits)["mlp-64"]
    assert logged.info.status == "FINISHED"  # type: ignore[attr-defined]
    assert logged.data.params == {  # type: ignore[attr-defined]
        "hidden_units": "64",
        "optimizer": "adam",
        "version": "2",
    }
    assert "mlflow.parentRunId" not in logged.data.tags  # type: ignore[attr-defined]
    history = client.get_metric_history(logged.info.run_id, "test:accuracy")  # type: ignore[attr-defined]
    assert [(m.step, m.value) for m in history] == [(e, 0.9 + e / 100) for e in range(10)]

    store = MlflowStore(tracking_uri=server.url, cache_seconds=0)
    component = store.get_trial_component(f"{digits}-mlp-64")
    assert component.display_name == "mlp-64"
    assert component.parameters == {"hidden_units": 64.0, "optimizer": "adam", "version": "2"}
    assert [p.to_dict() for p in component.parents] == [
        {"TrialName": f"Default-Run-Group-{digits}", "ExperimentName": digits}
    ]
    assert component.status is not None and component.status.primary_status == "Completed"
    summary = component.metric("test:accuracy")
    assert summary is not None and summary.count == 10 and math.isclose(summary.max, 0.99)


def test_a_run_is_loaded_again_and_logs_more(server: MlflowServer) -> None:
    digits = unique("digits")
    with Run(experiment_name=digits, run_name="resumed") as run:
        run.log_metric("loss", 1.0, step=0)
    with smx_lab.load_run(run_name="resumed", experiment_name=digits) as again:
        again.log_metric("loss", 0.5, step=1)

    store = MlflowStore(tracking_uri=server.url, cache_seconds=0)
    summary = store.get_trial_component(f"{digits}-resumed").metric("loss")
    assert summary is not None and (summary.count, summary.last) == (2, 0.5)


def test_a_component_in_trials_of_two_experiments_shows_both(server: MlflowServer) -> None:
    with Tracker.create(display_name="Preprocessing") as tracker:
        tracker.log_parameters({"mean": 0.5})
    experiments = (unique("first"), unique("second"))
    for experiment in experiments:
        Experiment.create(experiment_name=experiment)
        trial = Trial.create(trial_name=f"{experiment}-trial", experiment_name=experiment)
        trial.add_trial_component(tracker)

    store = MlflowStore(tracking_uri=server.url, cache_seconds=0)
    component = store.get_trial_component(tracker.trial_component_name)
    assert [p.to_dict() for p in component.parents] == [
        {"TrialName": f"{experiment}-trial", "ExperimentName": experiment}
        for experiment in experiments
    ]
    for experiment in experiments:
        listed = store.list_trial_components(trial_name=f"{experiment}-trial").items
        assert [c.trial_component_name for c in listed] == [tracker.trial_component_name]
        in_experiment = store.list_trial_components(experiment_name=experiment).items
        assert [c.trial_component_name for c in in_experiment] == [tracker.trial_component_name]


def test_changing_a_logged_parameter_is_refused_naming_it(server: MlflowServer) -> None:
    with Run(experiment_name=unique("digits"), run_name="fixed") as run:
        run.log_parameter("lr", 0.1)
        with pytest.raises(ValidationError, match="parameters.lr") as refused:
            run.log_parameter("lr", 0.2)
    assert "already '0.1'" in refused.value.message
