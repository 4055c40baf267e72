"""The OpenAPI document is valid and describes exactly the routes the extension serves.

Every answer of the other API tests is also validated against this document (``api_fixtures``).
"""

from __future__ import annotations

from importlib.resources import files

import yaml
from openapi_spec_validator import validate

from smx_lab import charts
from smx_lab.server.app import SmxLabExtension
from smx_lab.server.base import SmxLabHandler
from smx_lab.server.openapi import api_spec

METHODS = ("get", "put", "post", "delete", "patch")


def test_shipped_document_is_valid_openapi() -> None:
    document = yaml.safe_load(files("smx_lab.server").joinpath("openapi.yaml").read_text("utf-8"))

    validate(document)


def test_served_document_is_valid_openapi() -> None:
    validate(api_spec())


def test_every_route_of_the_route_table_is_documented_and_nothing_else() -> None:
    routes = {"/" + path for path, _ in SmxLabExtension.routes}

    assert routes == set(api_spec()["paths"])


def test_documented_methods_are_the_methods_each_handler_serves() -> None:
    paths = api_spec()["paths"]
    for path, handler in SmxLabExtension.routes:
        served = {m for m in METHODS if getattr(handler, m) is not getattr(SmxLabHandler, m)}
        documented = {m for m in METHODS if m in paths["/" + path]}
        assert served == documented, path


#: The routes that never touch the store: this document, and reading a search text.
STORELESS_PATHS = ("/openapi.json", "/search/resources")


def test_every_operation_documents_its_errors_as_json() -> None:
    for path, item in api_spec()["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            responses = item[method]["responses"]
            # Any request may carry an unknown parameter or come without a token.
            assert {"400", "403"} <= set(responses), (method, path)
            if path not in STORELESS_PATHS:
                assert "503" in responses, (method, path)
            # A body may be over the server's max_body_bytes; only POST routes read one.
            assert ("413" in responses) == (method == "post"), (method, path)


def test_chart_request_schema_is_the_one_charts_defines() -> None:
    served = api_spec()["components"]["schemas"]["ChartRequest"]

    assert {k: v for k, v in served.items() if k != "$id"} == {
        k: v for k, v in charts.CHART_REQUEST_SCHEMA.items() if k != "$schema"
    }


def test_path_parameters_match_the_route_patterns() -> None:
    for path, _ in SmxLabExtension.routes:
        documented = {p["name"] for p in _parameters("/" + path) if p.get("in") == "path"}
        assert documented == ({"name"} if "{name}" in path else set()), path


def _parameters(path: str) -> list[dict]:
    spec = api_spec()
    out = []
    for method in METHODS:
        for parameter in spec["paths"][path].get(method, {}).get("parameters", []):
            if "$ref" in parameter:
                parameter = spec["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
            out.append(parameter)
    return out
