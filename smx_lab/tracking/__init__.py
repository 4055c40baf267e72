"""The tracking API: a drop-in for ``smexperiments`` and for ``sagemaker.experiments.Run``.

Code written against SageMaker runs with only its import lines changed::

    from smx_lab import Experiment, Trial, Tracker

    with Tracker.create(display_name="Preprocessing", sagemaker_boto_client=client) as tracker:
        tracker.log_parameters({"normalization_mean": 0.1307})
    trial = Trial.create(trial_name="cnn-2", experiment_name="mnist")
    trial.add_trial_component(tracker.trial_component)

Where the data goes is decided in one place, :func:`.backend.writer_for`: an explicit ``store=``
wins; else, with ``SMX_LAB_STORE=mlflow``, the MLflow writer for MLflow's tracking URI
(:mod:`smx_lab.stores.mlflow.writer`); else, when a boto client or session is passed *and* the
configured store is SageMaker's (``SMX_LAB_STORE=sagemaker``), the SageMaker writer; else the
default embedded store
(``SMX_LAB_DB`` or the Jupyter data directory). Only :mod:`smx_lab.stores.factory` reads those
variables. Keyword arguments that only mean something on AWS (``artifact_bucket``,
``boto3_session``, ...) are accepted and ignored by the embedded store.

Metric points are buffered and written in batches (:mod:`.logger`): when the buffer holds
:data:`METRIC_BATCH_SIZE` points, when the oldest buffered point is :data:`METRIC_FLUSH_SECONDS`
old, on ``close()``, on leaving a ``with`` block and at interpreter exit. NaN and infinite values
are dropped with a warning, as SageMaker does, and never reach a summary.

The modules: :mod:`.experiments` (smexperiments' Experiment, Trial and TrialComponent),
:mod:`.tracker` (its Tracker), :mod:`.run` (``Run`` and ``load_run``), :mod:`.logger` (what a
Tracker and a Run share, metric buffering included), :mod:`.backend` (where the data goes) and
:mod:`.common`.
"""

from __future__ import annotations

from .backend import Backend
from .experiments import Experiment, Trial, TrialComponent
from .run import Run, default_run_group, load_run
from .tracker import Tracker

#: Buffered metric points that make a batch; read when each point is logged, so it can be tuned.
METRIC_BATCH_SIZE = 10_000
#: Seconds after which buffered points are written even if the batch is not full.
METRIC_FLUSH_SECONDS = 5.0

__all__ = [
    "METRIC_BATCH_SIZE",
    "METRIC_FLUSH_SECONDS",
    "Backend",
    "Experiment",
    "Run",
    "Tracker",
    "Trial",
    "TrialComponent",
    "default_run_group",
    "load_run",
]
