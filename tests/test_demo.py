"""``smx-lab demo`` trains real models into a store in tmp_path and writes what it promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from smx_lab.cli import main
from smx_lab.stores.local import LocalStore


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> LocalStore:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    assert main(["demo", "--db", str(path)]) == 0
    return LocalStore(path)


def _trials(store: LocalStore, experiment: str) -> list[str]:
    return sorted(t.trial_name for t in store.list_trials(experiment, limit=100).items)


def test_the_demo_writes_three_experiments(demo_store: LocalStore) -> None:
    assert sorted(e.experiment_name for e in demo_store.list_experiments().items) == [
        "breast-cancer-min-child-weight-sweep",
        "digits-hidden-units-sweep",
        "digits-model-optimizer-grid",
    ]


def test_the_hidden_units_sweep_shares_one_preprocessing_component_across_three_trials(
    demo_store: LocalStore,
) -> None:
    assert _trials(demo_store, "digits-hidden-units-sweep") == [
        "digits-mlp-16-hidden-units",
        "digits-mlp-32-hidden-units",
        "digits-mlp-64-hidden-units",
    ]
    components = demo_store.list_trial_components(
        experiment_name="digits-hidden-units-sweep", limit=100
    ).items
    preprocessing = [c for c in components if c.display_name == "Preprocessing"]
    assert len(preprocessing) == 1 and len(preprocessing[0].parents) == 3
    assert set(preprocessing[0].parameters) == {"normalization_mean", "normalization_std"}
    assert "digits-dataset" in preprocessing[0].input_artifacts


def test_each_training_logs_per_epoch_losses_and_accuracy_with_iteration_numbers(
    demo_store: LocalStore,
) -> None:
    training = demo_store.list_trial_components(trial_name="digits-mlp-32-hidden-units").items
    model = next(c for c in training if c.display_name == "Training")

    assert {m.metric_name for m in model.metrics} == {"train:loss", "test:loss", "test:accuracy"}
    assert all(m.count == 12 for m in model.metrics)
    accuracy = [p for p in demo_store.metric_points(model.trial_component_name, ["test:accuracy"])]
    assert [p.step for p in accuracy] == list(range(12))
    assert accuracy[-1].value > 0.9  # a real model, really trained
    assert model.parameters["hidden_units"] == 32.0


def test_the_grid_crosses_models_optimizers_and_epochs_with_shared_metadata(
    demo_store: LocalStore,
) -> None:
    trials = _trials(demo_store, "digits-model-optimizer-grid")
    assert len(trials) == 8
    metadata = [
        c
        for c in demo_store.list_trial_components(
            experiment_name="digits-model-optimizer-grid", limit=100
        ).items
        if c.display_name == "experiment-metadata"
    ]
    assert len(metadata) == 1
    assert sorted(p.trial_name for p in metadata[0].parents) == trials
    combinations = set()
    for trial in trials:
        own = [
            c
            for c in demo_store.list_trial_components(trial_name=trial).items
            if c.display_name != "experiment-metadata"
        ]
        assert len(own) == 1
        combinations.add(
            (
                own[0].parameters["model"],
                own[0].parameters["optimizer"],
                own[0].parameters["epochs"],
            )
        )
    assert len(combinations) == 8


def test_the_min_child_weight_sweep_has_five_trials_with_boosting_rounds(
    demo_store: LocalStore,
) -> None:
    assert len(_trials(demo_store, "breast-cancer-min-child-weight-sweep")) == 5
    components = demo_store.list_trial_components(
        experiment_name="breast-cancer-min-child-weight-sweep",
        sort_by="Parameters.min_child_weight",
        sort_order="Ascending",
    ).items
    assert [c.parameters["min_child_weight"] for c in components] == [1.0, 2.0, 4.0, 8.0, 10.0]
    auc = components[0].metric("validation:auc")
    assert auc is not None and auc.count == 40 and 0.9 < auc.last <= 1.0


def test_the_demo_leaves_unassigned_components_one_of_them_failed(demo_store: LocalStore) -> None:
    unassigned = demo_store.list_trial_components(unassigned=True).items

    assert sorted(c.display_name or "" for c in unassigned) == [
        "dataset-profile",
        "evaluation-wrong-features",
    ]
    failed = [
        c
        for c in demo_store.list_trial_components(limit=100).items
        if c.status and c.status.primary_status == "Failed"
    ]
    assert len(failed) == 1
    assert failed[0].status is not None and "expecting 64 features" in (
        failed[0].status.message or ""
    )


def test_running_the_demo_again_needs_reset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "again.sqlite"
    store = LocalStore(path)
    store.create_experiment("digits-hidden-units-sweep")
    store.create_experiment("mine")

    assert main(["demo", "--db", str(path)]) == 1
    assert "--reset" in capsys.readouterr().err
    assert main(["demo", "--reset", "--db", str(path)]) == 0
    names = sorted(e.experiment_name for e in store.list_experiments().items)
    assert "mine" not in names and len(names) == 3


def test_info_prints_the_store_and_its_counts(
    demo_store: LocalStore, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["info", "--db", str(demo_store.database_path)]) == 0

    output = capsys.readouterr().out
    assert (
        str(demo_store.database_path) in output
        and '"experiments": 3' in output
        and '"trials": 16' in output
    )
