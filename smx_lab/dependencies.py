"""Optional dependencies: each belongs to one of smx_lab's extras (``pyproject.toml``), and what
needs one checks for it first with :func:`require`, so a user who lacks it reads which extra to
install instead of a ``ModuleNotFoundError`` traceback from deep inside.
"""

from __future__ import annotations

import importlib
from typing import Final

from .errors import MissingDependency

#: An optional module → (the distribution that provides it, the smx_lab extra that installs it).
OPTIONAL: Final[dict[str, tuple[str, str]]] = {
    "sklearn": ("scikit-learn", "demo"),
    "boto3": ("boto3", "sagemaker"),
    "mlflow": ("mlflow-skinny", "mlflow"),
    "sagemaker_mlflow": ("sagemaker-mlflow", "sagemaker"),
}


def require(feature: str, module: str) -> None:
    """Import ``module`` (one of :data:`OPTIONAL`), or raise :class:`MissingDependency` saying that
    ``feature`` needs it and which extra installs it. Importing, rather than only looking for it,
    also catches an install that is there but broken (boto3 without botocore)."""
    package, extra = OPTIONAL[module]
    try:
        importlib.import_module(module)
    except ImportError as error:
        raise MissingDependency(feature, package, extra, module=module) from error
