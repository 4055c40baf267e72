"""``%smx`` and ``ExperimentAnalytics`` on the MLflow store, configured as a notebook user
configures it (``SMX_LAB_STORE=mlflow``, ``MLFLOW_TRACKING_URI``), over a real ``mlflow server``
holding the world of :mod:`mlflow_world`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell
from mlflow_world import BASELINES, SWEEP, SWEEP_PARENT, World

from smx_lab.analytics import ExperimentAnalytics
from smx_lab.notebook.magics import SmxMagics

pytest_plugins = ["mlflow_fixtures"]


@pytest.fixture
def configured(mlflow_world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv("SMX_LAB_STORE", "mlflow")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_world.tracking_uri)
    return mlflow_world


@pytest.fixture
def shell(configured: World) -> Iterator[InteractiveShell]:
    shell = InteractiveShell.instance()
    shell.register_magics(SmxMagics(shell))
    yield shell
    InteractiveShell.clear_instance()


def smx(shell: InteractiveShell, line: str) -> Any:
    return shell.run_line_magic("smx", line)


def test_experiments_and_trials(shell: InteractiveShell, configured: World) -> None:
    experiments = smx(shell, "experiments")
    trials = smx(shell, f"trials {SWEEP}")

    assert {SWEEP, BASELINES} <= set(experiments["ExperimentName"])
    assert list(trials["TrialName"]) == [configured.run(SWEEP_PARENT).run_id]


def test_components_of_the_sweep_trial(shell: InteractiveShell, configured: World) -> None:
    frame = smx(shell, f"components {configured.run(SWEEP_PARENT).run_id}")

    assert set(frame["DisplayName"]) == {SWEEP_PARENT} | {
        r.run_name for r in configured.children(SWEEP_PARENT)
    }


def test_a_typed_search_with_or(shell: InteractiveShell, configured: World) -> None:
    frame = smx(shell, 'search \'parameters.optimizer = "adam" or status = "Failed"\'')

    assert set(frame["DisplayName"]) == {
        name
        for name, run in configured.runs.items()
        if run.params.get("optimizer") == "adam" or run.status == "FAILED"
    }


def test_analytics_dataframe_of_an_experiment(configured: World) -> None:
    frame = ExperimentAnalytics(
        experiment_name=SWEEP, sort_by="metrics.test:accuracy.max", sort_order="Descending"
    ).dataframe()

    children = configured.children(SWEEP_PARENT)
    expected = sorted((r.summary("test:accuracy")["Max"], r.run_name) for r in children)[::-1]
    rows = frame.dropna(subset=["test:accuracy - Max"])
    assert list(rows["DisplayName"]) == [name for _, name in expected]
    assert list(rows["test:accuracy - Max"]) == [value for value, _ in expected]
    assert {"lr", "optimizer", "seed", "train:loss - StdDev"} <= set(frame.columns)


def test_analytics_with_a_search_expression(configured: World) -> None:
    expression = {"Filters": [{"Name": "Parameters.solver", "Operator": "Equals", "Value": "saga"}]}

    frame = ExperimentAnalytics(search_expression=expression).dataframe()

    assert list(frame["DisplayName"]) == ["baseline-live"]
