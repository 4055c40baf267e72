"""``smx-lab copy``: experiments, trials and trial components moved between stores (the embedded
store, SageMaker, MLflow), exactly and resumably (docs/copy.md).

- :mod:`.stores`: the stores as the command line names them, opened as a source or a target, and
  the identity a source's copies are tagged with;
- :mod:`.plan`: the source read, fingerprints, and what is new, changed or unchanged;
- :mod:`.engine`: the copy run (experiments, trials, then components a few at a time);
- :mod:`.target`: what every target offers; :mod:`.writer_target` (the embedded store and
  SageMaker, through their writers); the MLflow target is
  :mod:`smx_lab.stores.mlflow.copy_target`, where MLflow's client lives;
- :mod:`.progress`: the progress line and the summary.
"""

from __future__ import annotations

from .engine import CopyOptions, copy_stores
from .progress import Progress, Report, summary
from .stores import parse_since, parse_store
from .target import CopyError

__all__ = [
    "CopyError",
    "CopyOptions",
    "Progress",
    "Report",
    "copy_stores",
    "parse_since",
    "parse_store",
    "summary",
]
