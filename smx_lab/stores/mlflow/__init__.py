"""The MLflow store: an MLflow tracking server (self-hosted, on a database, or SageMaker managed
MLflow) read as smx-lab's experiments, trials and trial components. See :mod:`.store`."""

from .store import MlflowStore

__all__ = ["MlflowStore"]
