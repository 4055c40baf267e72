"""``from smx_lab.analytics import ExperimentAnalytics``: the import that SageMaker analysis code
changes to (it was ``from sagemaker.analytics import ...``). The classes live in
:mod:`smx_lab.notebook.analytics`."""

from .notebook.analytics import ExperimentAnalytics, TrialAnalytics

__all__ = ["ExperimentAnalytics", "TrialAnalytics"]
