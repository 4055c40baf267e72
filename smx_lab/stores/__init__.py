"""Stores: the one seam between smx-lab and where experiments live.

:mod:`.base` defines the interface (:class:`~.base.Store`, a Configurable, and the ``Writer``
protocol); :mod:`.factory` builds the configured store; :mod:`.local` and :mod:`.sagemaker` are
the two backends; :mod:`.collect` gathers many records through any of them.
"""

from __future__ import annotations

from .base import Store
from .factory import open_store

__all__ = ["Store", "open_store"]
