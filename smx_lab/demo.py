"""Demo data: real small models trained on datasets that ship inside scikit-learn (no download).

What ``smx-lab demo`` writes, through the public tracking API only:

* ``digits-hidden-units-sweep``: a shared "Preprocessing" component (scaling parameters, the input
  dataset) and three trials, one per hidden-layer size of an MLP, each with a "Training"
  component logging ``train:loss``, ``test:loss`` and ``test:accuracy`` per epoch;
* ``digits-model-optimizer-grid``: model × optimizer × epochs (8 trials), each with its own
  training component and the shared "experiment-metadata" component;
* ``breast-cancer-min-child-weight-sweep``: five gradient-boosting trials, one per
  ``min_child_weight`` (scikit-learn's analogue of XGBoost's parameter is ``min_samples_leaf``),
  logging ``train:error``, ``validation:error`` and ``validation:auc`` per boosting round;
* one unassigned component ("dataset-profile") and one Failed component, in no trial either
  ("evaluation-wrong-features", whose evaluation raises scikit-learn's own error).

Every model has a fixed ``random_state``, so the numbers are the same from run to run.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .tracking import Backend, Experiment, Tracker, Trial

SEED = 0
HIDDEN_UNITS = (16, 32, 64)
GRID_MODELS = {"mlp-1-layer": (32,), "mlp-2-layers": (64, 32)}
GRID_OPTIMIZERS = ("sgd", "adam")
GRID_EPOCHS = (5, 10)
MIN_CHILD_WEIGHTS = (1, 2, 4, 8, 10)
SWEEP_EPOCHS = 12
EXPERIMENTS = (
    "digits-hidden-units-sweep",
    "digits-model-optimizer-grid",
    "breast-cancer-min-child-weight-sweep",
)


@dataclass
class _Data:
    x_train: np.ndarray
    x_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray


def _digits() -> _Data:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.25, random_state=SEED, stratify=y
    )
    return _Data(x_train, x_test, y_train, y_test)


def _train_mlp(
    tracker: Tracker,
    data: _Data,
    hidden: tuple[int, ...],
    solver: str,
    epochs: int,
    learning_rate: float,
) -> float:
    """Train epoch by epoch with ``partial_fit``, logging per-epoch metrics; the final accuracy."""
    from sklearn.metrics import accuracy_score, log_loss
    from sklearn.neural_network import MLPClassifier

    classes = np.unique(data.y_train)
    model = MLPClassifier(
        hidden_layer_sizes=hidden,
        solver=solver,
        learning_rate_init=learning_rate,
        random_state=SEED,
    )
    accuracy = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # partial_fit's convergence warnings say nothing here
        for epoch in range(epochs):
            model.partial_fit(data.x_train, data.y_train, classes=classes)
            probabilities = model.predict_proba(data.x_test)
            accuracy = float(accuracy_score(data.y_test, classes[probabilities.argmax(axis=1)]))
            tracker.log_metric("train:loss", float(model.loss_), iteration_number=epoch)
            tracker.log_metric(
                "test:loss",
                float(log_loss(data.y_test, probabilities, labels=classes)),
                iteration_number=epoch,
            )
            tracker.log_metric("test:accuracy", accuracy, iteration_number=epoch)
    return accuracy


def _scaled(store: Backend, say: Callable[[str], None]) -> tuple[Tracker, _Data]:
    """The shared "Preprocessing" step: scale the digits' pixels, record how."""
    data = _digits()
    mean, std = float(data.x_train.mean()), float(data.x_train.std())
    with Tracker.create(
        base_trial_component_name="digits-preprocessing", display_name="Preprocessing", store=store
    ) as tracker:
        tracker.log_parameters({"normalization_mean": mean, "normalization_std": std})
        tracker.log_input(
            name="digits-dataset", value="sklearn.datasets.load_digits", media_type="text/plain"
        )
    say(f"preprocessing: mean {mean:.4f}, std {std:.4f}")
    scaled = _Data(
        (data.x_train - mean) / std, (data.x_test - mean) / std, data.y_train, data.y_test
    )
    return tracker, scaled


def hidden_units_sweep(store: Backend, say: Callable[[str], None]) -> None:
    name = EXPERIMENTS[0]
    Experiment.create(
        experiment_name=name,
        description="MLP on the digits, one trial per hidden-layer size",
        store=store,
    )
    preprocessing, data = _scaled(store, say)
    for hidden in HIDDEN_UNITS:
        trial = Trial.create(
            trial_name=f"digits-mlp-{hidden}-hidden-units", experiment_name=name, store=store
        )
        trial.add_trial_component(preprocessing)
        with Tracker.create(
            base_trial_component_name=f"digits-mlp-{hidden}", display_name="Training", store=store
        ) as tracker:
            tracker.log_parameters(
                {
                    "hidden_units": hidden,
                    "optimizer": "adam",
                    "learning_rate": 0.01,
                    "epochs": SWEEP_EPOCHS,
                }
            )
            accuracy = _train_mlp(tracker, data, (hidden,), "adam", SWEEP_EPOCHS, 0.01)
        trial.add_trial_component(tracker)
        say(f"{name}: {hidden} hidden units, test accuracy {accuracy:.3f}")


def model_optimizer_grid(store: Backend, say: Callable[[str], None]) -> None:
    name = EXPERIMENTS[1]
    Experiment.create(
        experiment_name=name, description="Digits: model x optimizer x epochs", store=store
    )
    data = _digits()
    mean, std = float(data.x_train.mean()), float(data.x_train.std())
    data = _Data((data.x_train - mean) / std, (data.x_test - mean) / std, data.y_train, data.y_test)
    with Tracker.create(
        base_trial_component_name="digits-grid-metadata",
        display_name="experiment-metadata",
        store=store,
    ) as metadata:
        metadata.log_input(
            name="digits-dataset", value="sklearn.datasets.load_digits", media_type="text/plain"
        )
        metadata.log_parameters({"learning_rate": 0.01, "random_state": SEED, "test_size": 0.25})
        metadata.log_parameters(
            {
                "models": ",".join(GRID_MODELS),
                "optimizers": ",".join(GRID_OPTIMIZERS),
                "epochs": ",".join(str(e) for e in GRID_EPOCHS),
            }
        )
    for model, hidden in GRID_MODELS.items():
        for optimizer in GRID_OPTIMIZERS:
            for epochs in GRID_EPOCHS:
                trial_name = f"digits-{model}-{optimizer}-{epochs}-epochs"
                with Tracker.create(
                    base_trial_component_name=trial_name,
                    display_name=f"{model}-{optimizer}-{epochs}",
                    store=store,
                ) as tracker:
                    tracker.log_parameters(
                        {"model": model, "optimizer": optimizer, "epochs": epochs}
                    )
                    # Plain SGD needs a larger step than Adam to get anywhere in a few epochs.
                    accuracy = _train_mlp(
                        tracker,
                        data,
                        hidden,
                        optimizer,
                        epochs,
                        0.1 if optimizer == "sgd" else 0.01,
                    )
                trial = Trial.create(trial_name=trial_name, experiment_name=name, store=store)
                trial.add_trial_component(metadata)
                trial.add_trial_component(tracker)
                say(f"{name}: {model} {optimizer} {epochs} epochs, test accuracy {accuracy:.3f}")


def min_child_weight_sweep(store: Backend, say: Callable[[str], None]) -> None:
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import train_test_split

    name = EXPERIMENTS[2]
    Experiment.create(
        experiment_name=name,
        description="Gradient boosting, one trial per min_child_weight",
        store=store,
    )
    x, y = load_breast_cancer(return_X_y=True)
    x_train, x_valid, y_train, y_valid = train_test_split(
        x, y, test_size=0.3, random_state=SEED, stratify=y
    )
    for weight in MIN_CHILD_WEIGHTS:
        trial = Trial.create(
            trial_name=f"breast-cancer-min-child-weight-{weight}", experiment_name=name, store=store
        )
        with Tracker.create(
            base_trial_component_name=f"gradient-boosting-mcw-{weight}",
            display_name="Training",
            store=store,
        ) as tracker:
            parameters: dict[str, Any] = {
                "min_child_weight": weight,
                "n_estimators": 40,
                "max_depth": 3,
            }
            tracker.log_parameters(parameters)
            model = GradientBoostingClassifier(
                n_estimators=40, max_depth=3, min_samples_leaf=weight, random_state=SEED
            ).fit(x_train, y_train)
            stages = zip(
                model.staged_predict(x_train), model.staged_predict_proba(x_valid), strict=True
            )
            auc = 0.0
            for round_, (train_prediction, valid_probability) in enumerate(stages):
                auc = float(roc_auc_score(y_valid, valid_probability[:, 1]))
                valid_error = float(np.mean((valid_probability[:, 1] > 0.5) != y_valid))
                tracker.log_metric(
                    "train:error",
                    float(np.mean(train_prediction != y_train)),
                    iteration_number=round_,
                )
                tracker.log_metric("validation:error", valid_error, iteration_number=round_)
                tracker.log_metric("validation:auc", auc, iteration_number=round_)
        trial.add_trial_component(tracker)
        say(f"{name}: min_child_weight {weight}, validation AUC {auc:.4f}")


def unassigned_components(store: Backend, say: Callable[[str], None]) -> None:
    data = _digits()
    with Tracker.create(
        base_trial_component_name="dataset-profile", display_name="dataset-profile", store=store
    ) as profile:
        profile.log_parameters(
            {
                "train_samples": len(data.y_train),
                "test_samples": len(data.y_test),
                "features": data.x_train.shape[1],
                "classes": len(np.unique(data.y_train)),
            }
        )
        profile.log_input(
            name="digits-dataset", value="sklearn.datasets.load_digits", media_type="text/plain"
        )
    say("dataset-profile: unassigned component")
    try:
        with Tracker.create(
            base_trial_component_name="evaluation-wrong-features",
            display_name="evaluation-wrong-features",
            store=store,
        ) as failing:
            failing.log_parameters({"hidden_units": 16, "evaluated_features": 32})
            _train_mlp(failing, data, (16,), "adam", 2, 0.01)
            from sklearn.neural_network import MLPClassifier

            model = MLPClassifier(hidden_layer_sizes=(16,), max_iter=5, random_state=SEED)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(data.x_train, data.y_train)
            model.predict(data.x_test[:, :32])  # scikit-learn refuses: the model saw 64 features
    except ValueError as error:
        say(f"evaluation-wrong-features: Failed ({error})")


def demo_store_names(store: Backend) -> list[str]:
    """The demo's experiments that already exist in ``store``."""
    present = {e.experiment_name for e in Experiment.list(store=store)}
    return [name for name in EXPERIMENTS if name in present]


def run(store: Backend, say: Callable[[str], None] = print) -> None:
    """Write all the demo data into ``store`` (which must not hold it yet)."""
    hidden_units_sweep(store, say)
    model_optimizer_grid(store, say)
    min_child_weight_sweep(store, say)
    unassigned_components(store, say)
