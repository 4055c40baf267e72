"""JupyterLab server configuration for the Galata tests (never use it outside tests).

Galata's helper removes authentication and adds its test helpers; ``allow_root`` lets the tests run
in containers as root. The store is the demo database that ``start-server.sh`` wrote.
"""

import os

from jupyterlab.galata import configure_jupyter_server

c = get_config()  # type: ignore[name-defined]  # noqa: F821 (injected by traitlets' config loader)

configure_jupyter_server(c)

c.ServerApp.allow_root = True
c.ServerApp.ip = "127.0.0.1"
c.ServerApp.port = int(os.environ.get("SMX_LAB_UI_PORT", "8931"))
c.ServerApp.jpserver_extensions = {"smx_lab": True}
if "SMX_LAB_DB" not in os.environ:
    raise SystemExit("SMX_LAB_DB must name the demo database (start the server with `jlpm start`)")
