"""The SageMaker store and writer: a SageMaker account's experiments, through boto3 — the only
place in smx-lab that imports boto3.

What each module holds:

- :mod:`.store`: :class:`SageMakerStore`, the configurable store: its settings and the Store API
- :mod:`.browse`: the paging loops of ``Search`` and ``List*``, lookups by name, the component
  cache
- :mod:`.search`: what ``Search`` is sent (push-down of SearchExpressions, ``SortBy``) and cursors
- :mod:`.metrics`: metric series: ``BatchGetMetrics``, CloudWatch for training jobs, reduction
- :mod:`.records`: SageMaker's answers → :mod:`smx_lab.model` records
- :mod:`.aws`: clients, retries, the bound on concurrent calls, the TTL cache, call counting,
  errors
- :mod:`.writer`: :class:`SageMakerWriter`, the tracking API's writes
- :mod:`.jobs`, :mod:`.job_records`, :mod:`.job_logs`: the training, processing or transform job
  behind a component (``store.jobs``): its settings, rules, logs, stop and deploy
"""

from __future__ import annotations

from .aws import RETRY_MODES, AwsClients, TtlCache, map_error
from .browse import NotedPage
from .search import PushDown, push_down
from .store import SageMakerStore
from .writer import SageMakerWriter

__all__ = [
    "RETRY_MODES",
    "AwsClients",
    "NotedPage",
    "PushDown",
    "SageMakerStore",
    "SageMakerWriter",
    "TtlCache",
    "map_error",
    "push_down",
]
