"""smx-lab: browse and compare machine-learning experiments in JupyterLab.

``from smx_lab import Experiment, Trial, TrialComponent, Tracker, Run`` gives the tracking API.
The server extension and the magics are imported only when Jupyter asks for them, so a kernel that
only logs runs or loads the magics never imports jupyter_server or tornado.
"""

from __future__ import annotations

from typing import Any

try:
    from ._version import __version__
except ImportError:  # running from a source tree that was never built
    __version__ = "0.0.0"

_TRACKING_NAMES = ("Experiment", "Trial", "TrialComponent", "Tracker", "Run", "load_run")

__all__ = ["__version__", *_TRACKING_NAMES]


def __getattr__(name: str) -> Any:
    if name in _TRACKING_NAMES:
        from . import tracking

        return getattr(tracking, name)
    raise AttributeError(f"module 'smx_lab' has no attribute {name!r}")


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "smx-lab"}]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    from .server.app import SmxLabExtension

    return [{"module": "smx_lab", "app": SmxLabExtension}]


def load_ipython_extension(ipython: Any) -> None:
    from .notebook.magics import register

    register(ipython)
