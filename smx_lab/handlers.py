"""Thin tornado handlers: validate → store → JSON."""

from __future__ import annotations

import json
from typing import Any

import tornado
from jupyter_server.base.handlers import APIHandler
from jupyter_server.auth.decorator import authorized


class InfoHandler(APIHandler):
    auth_resource = "smx_lab"

    def initialize(self, version: str) -> None:
        self.version = version

    @tornado.web.authenticated
    @authorized
    def get(self) -> None:
        self.finish(json.dumps({"version": self.version}))


def routes(version: str) -> list[tuple[str, Any, dict[str, Any]]]:
    return [(r"/smx-lab/api/info", InfoHandler, {"version": version})]
