"""The server extension: configuration, store construction, and the route table."""

from __future__ import annotations

from jupyter_server.extension.application import ExtensionApp

from . import __version__


class SmxLabExtension(ExtensionApp):
    name = "smx_lab"

    def initialize_handlers(self) -> None:
        from .handlers import routes

        self.handlers.extend(routes(__version__))
