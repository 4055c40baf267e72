"""Fuzzing the REST API with schemathesis, from the OpenAPI document the server itself serves.

A real ``jupyter server`` (child process, token auth, a real SQLite store filled through the
Writer API) gets well-formed requests (``GenerationMode.POSITIVE``) and malformed ones
(``NEGATIVE``: wrong types, unknown fields, values outside the documented ranges) for every
operation. Whatever a client sends: never a 5xx, and every 4xx is a JSON object with a
``message``; and, by schemathesis' own checks, every answer's status, content type and body are
the ones the document gives for the operation, and malformed input is never accepted. Bounded:
stops generating after ``TIME_BUDGET`` seconds.

Schemathesis' bodies are small. :func:`test_structural_bodies_get_a_small_json_answer` sends every
POST route of the document the bodies that structural limits exist for: nesting 100 to 100,000
deep, lists of up to 1,100,000 items, strings of up to 20,000,000 characters (past the size cap),
objects of up to 60,000 keys, each size often just within or just past its limit; as the whole
body or at any field the route's schema names. Never a 5xx, always JSON, and an error answer never
bigger than ``MAX_ERROR_BYTES`` whatever the request held.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from jupyter_process import JupyterServerProcess
from proof_fixtures import local_server
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi import checks as openapi_checks

from smx_lab import bounds
from smx_lab.server.base import MAX_ERROR_BYTES

MIN_REQUESTS = 1000
TIME_BUDGET = 150.0  # seconds of generation; CI allows three minutes for the whole file
EXAMPLES_PER_OPERATION_AND_MODE = 60
TORNADO_HEADER_LIMIT = 60_000


server = local_server


def problem_with(response: schemathesis.Response) -> str | None:
    """What is wrong with an answer, by the fuzzing rules; None when nothing is."""
    if response.status_code >= 500:
        return f"server error {response.status_code}"
    if response.status_code < 400:
        return None
    # schemathesis gives headers with lower-case names and lists of values.
    content_type = (response.headers.get("content-type") or [""])[0]
    if not content_type.startswith("application/json"):
        return f"{response.status_code} answered as {content_type!r}, not JSON"
    try:
        body = response.json()
    except ValueError:
        return f"{response.status_code} with a body that is not JSON"
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, str) or not message:
        return f"{response.status_code} JSON without a message"
    return None


# schemathesis' own checks: the status is one the document lists for the operation, the content
# type and the body match what it documents, and malformed input is never accepted.
CONFORMANCE = [
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.negative_data_rejection,
]


def conformance_problem(case: Any, response: schemathesis.Response) -> str | None:
    try:
        case.validate_response(response, checks=CONFORMANCE)
    except FailureGroup as failures:
        titles = "; ".join(getattr(f, "title", type(f).__name__) for f in failures.exceptions)
        return f"{response.status_code} does not conform: {titles}"
    return None


def test_fuzzed_requests_get_no_server_error_and_json_client_errors(
    server: JupyterServerProcess, tmp_path: Path
) -> None:
    served = requests.get(server.url("openapi.json"), headers=server.headers, timeout=30).json()
    schema = schemathesis.openapi.from_dict(served)
    base_url = server.url().rstrip("/")
    operations = [result.ok() for result in schema.get_all_operations()]
    documented = {
        (path, method.upper())
        for path, item in served["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert {(op.path, op.method.upper()) for op in operations} == documented

    session = requests.Session()
    session.headers.update(server.headers)
    sent: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    problems: list[str] = []
    without_negative: list[str] = []
    started = time.monotonic()

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES_PER_OPERATION_AND_MODE,
                deadline=None,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def send(case: Any) -> None:
                if time.monotonic() - started > TIME_BUDGET:
                    return
                sent[f"{case.method} {case.path}"] += 1
                try:
                    response = case.call(base_url=base_url, session=session, timeout=30)
                except requests.ConnectionError as error:
                    # Tornado drops a request whose header block is over its 64 KiB limit before
                    # any handler runs; anything smaller must get an answer.
                    url = error.request.url if error.request is not None else None
                    if url and len(url) > TORNADO_HEADER_LIMIT:
                        statuses[0] += 1
                        return
                    raise
                statuses[response.status_code] += 1
                problem = problem_with(response) or conformance_problem(case, response)
                if problem and len(problems) < 20:
                    curl = case.as_curl_command(base_url=base_url)[:400]
                    problems.append(f"{problem}: {curl}\n  -> {response.text[:300]}")

            try:
                send()
            except Unsatisfiable:
                # An operation without parameters or body has no malformed variant to send.
                assert mode == GenerationMode.NEGATIVE, (
                    f"no request generated for {operation.method} {operation.path}"
                )
                without_negative.append(f"{operation.method.upper()} {operation.path}")

    total = sum(sent.values())
    (tmp_path / "fuzz-summary.json").write_text(
        json.dumps(
            {"sent": sent, "statuses": statuses, "without_negative": without_negative}, indent=2
        )
    )
    assert not problems, "\n".join(problems)
    assert total >= MIN_REQUESTS, f"only {total} requests in {TIME_BUDGET} s: {dict(sent)}"
    assert set(sent) == {f"{op.method.upper()} {op.path}" for op in operations}, (
        "a route got no request"
    )
    assert any(400 <= status < 500 for status in statuses), "no malformed request was refused"
    assert 200 in statuses
    assert statuses[0] <= total // 100, "too many requests dropped for their size"


# --- structural bodies --------------------------------------------------------------------------

STRUCTURAL_EXAMPLES_PER_ROUTE = 50
STRUCTURAL_TIME_BUDGET = 60.0  # seconds
#: A value that stands for the generated text in a body before it is encoded.
SLOT = "\u0000slot\u0000"
#: A request of each POST route that is valid but for the names, which no component has.
BASE_BODIES: dict[str, dict[str, Any]] = {
    "/search": {"query": "fuzz"},
    "/metrics": {"queries": [{"component": "fuzz-name", "metric": "m"}]},
    "/table": {"components": ["fuzz-name"]},
    "/table/groups": {"selection": {"components": ["fuzz-name"]}, "group_by": ["Parameters.a"]},
    "/table/csv": {"selection": {"components": ["fuzz-name"]}},
    "/chart": {"chart_type": "parallel", "components": ["fuzz-name"]},
    "/jobs/stop": {"component": "fuzz-name", "job_name": "fuzz-job"},
    "/jobs/deploy": {
        "component": "fuzz-name",
        "job_name": "fuzz-job",
        "instance_type": "ml.m5.large",
    },
}


def sizes(low: int, high: int, *limits: int) -> st.SearchStrategy[int]:
    """Sizes from ``low`` to ``high``, often the extremes and either side of each limit."""
    edges = sorted({low, high, *(n for limit in limits for n in (limit, limit + 1))})
    return st.one_of(st.sampled_from(edges), st.integers(low, high))


@st.composite
def nested(draw: st.DrawFn) -> str:
    levels = draw(sizes(100, 100_000, bounds.MAX_DEPTH - 1))
    kind = draw(st.sampled_from(["array", "object", "mixed", "expression"]))
    opener, closer = {
        "array": ("[", "]"),
        "object": ('{"a":', "}"),
        "mixed": ('[{"a":', "}]"),
        "expression": ('{"SubExpressions":[', "]}"),
    }[kind]
    return opener * levels + "0" + closer * levels


@st.composite
def wide_list(draw: st.DrawFn) -> str:
    items = draw(sizes(1_000, 1_100_000, bounds.MAX_ITEMS, bounds.MAX_CONTAINERS))
    item = draw(st.sampled_from(['"fuzz-name"', "0", "[]", "{}", "null", '"x"', "1e999"]))
    return "[" + ",".join([item] * items) + "]"


@st.composite
def huge_string(draw: st.DrawFn) -> str:
    # Past the body cap (16 MiB) too: a 413.
    length = draw(sizes(1_000, 20_000_000, 4096, bounds.MAX_STRING))
    unit = draw(st.sampled_from(["x", "[", "{", ",", "\\\\", '\\"', "\\u00e9", "é", " "]))
    return '"' + unit * length + '"'


@st.composite
def many_keys(draw: st.DrawFn) -> str:
    keys = draw(sizes(100, 60_000, bounds.MAX_KEYS))
    return "{" + ",".join(f'"k{i}":{i}' for i in range(keys)) + "}"


STRUCTURES = st.one_of(nested(), wide_list(), huge_string(), many_keys())


def field_paths(document: dict[str, Any], schema: Any, depth: int = 3) -> list[tuple[Any, ...]]:
    """Every field a request schema names, as paths (``("selection", "components")``, with 0
    for an array's items), ``depth`` levels down; ``$ref``s followed within the document."""
    while isinstance(schema, dict) and str(schema.get("$ref", "")).startswith("#/"):
        node: Any = document
        for part in schema["$ref"][2:].split("/"):
            node = node[part]
        schema = node
    if depth == 0 or not isinstance(schema, dict):
        return []
    paths: list[tuple[Any, ...]] = []
    for name, child in (schema.get("properties") or {}).items():
        paths.append((name,))
        paths.extend((name, *rest) for rest in field_paths(document, child, depth - 1))
    if "items" in schema:
        paths.append((0,))
        paths.extend((0, *rest) for rest in field_paths(document, schema["items"], depth - 1))
    return paths


def body_with(base: dict[str, Any], path: tuple[Any, ...], text: str) -> bytes:
    """``base`` with the JSON ``text`` at ``path`` (the whole body for an empty path)."""
    if not path:
        return text.encode()
    body: Any = json.loads(json.dumps(base))
    node = body
    for part, following in zip(path, path[1:], strict=False):
        wanted = list if isinstance(following, int) else dict
        if isinstance(part, int):
            node[:] = node[:1] if node and isinstance(node[0], wanted) else [wanted()]
            node = node[0]
        else:
            if not isinstance(node.get(part), wanted):
                node[part] = wanted()
            node = node[part]
    if isinstance(path[-1], int):
        node[:] = [SLOT]
    else:
        node[path[-1]] = SLOT
    return json.dumps(body).replace(json.dumps(SLOT), text).encode()


#: Routes whose success is not JSON (their errors are).
CSV_ROUTES = {"/table/csv"}


def structural_problem(response: requests.Response, route: str = "") -> str | None:
    """What is wrong with an answer to a structural body; None when nothing is."""
    if response.status_code >= 500:
        return f"server error {response.status_code}"
    if route in CSV_ROUTES and response.status_code == 200:
        kind = response.headers.get("Content-Type", "")
        return None if kind.startswith("text/csv") else f"200 answered as {kind!r}"
    if not response.headers.get("Content-Type", "").startswith("application/json"):
        return f"{response.status_code} answered as {response.headers.get('Content-Type')!r}"
    try:
        body = response.json()
    except ValueError:
        return f"{response.status_code} with a body that is not JSON"
    if response.status_code >= 400:
        if not isinstance(body, dict) or not body.get("message"):
            return f"{response.status_code} JSON without a message"
        if len(response.content) > MAX_ERROR_BYTES:
            return f"{response.status_code} of {len(response.content)} bytes"
    return None


class StructuralRun:
    """Structural bodies sent to one server, and what came back."""

    def __init__(self, server: JupyterServerProcess) -> None:
        self.server = server
        self.session = requests.Session()
        self.session.headers.update({**server.headers, "Content-Type": "application/json"})
        self.statuses: Counter[int] = Counter()
        self.sent: Counter[str] = Counter()
        self.problems: list[str] = []
        self.largest_error = 0
        self.started = time.monotonic()

    def fuzz(self, route: str, paths: list[tuple[Any, ...]]) -> None:
        @given(path=st.sampled_from(paths), text=STRUCTURES)
        @settings(
            max_examples=STRUCTURAL_EXAMPLES_PER_ROUTE,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def send(path: tuple[Any, ...], text: str) -> None:
            if time.monotonic() - self.started > STRUCTURAL_TIME_BUDGET:
                return
            self.send(route, path, text)

        send()

    def send(self, route: str, path: tuple[Any, ...], text: str) -> None:
        raw = body_with(BASE_BODIES[route], path, text)
        response = self.session.post(self.server.url(route[1:]), data=raw, timeout=120)
        self.sent[route] += 1
        self.statuses[response.status_code] += 1
        if response.status_code >= 400:
            self.largest_error = max(self.largest_error, len(response.content))
        problem = structural_problem(response, route)
        if problem and len(self.problems) < 20:
            shape = f"{route} at {path}: {text[:60]!r}… ({len(raw)} bytes)"
            self.problems.append(f"{problem}: {shape}\n  -> {response.text[:300]}")


def test_structural_bodies_get_a_small_json_answer(server: JupyterServerProcess) -> None:
    document = requests.get(server.url("openapi.json"), headers=server.headers, timeout=30).json()
    routes = [path for path, item in document["paths"].items() if "post" in item]
    assert set(routes) == set(BASE_BODIES), "a POST route without a base body"
    run = StructuralRun(server)

    for route in routes:
        schema = document["paths"][route]["post"]["requestBody"]["content"]["application/json"]
        run.fuzz(route, [(), *field_paths(document, schema["schema"])])

    print(
        f"structural bodies: {dict(run.sent)} {dict(run.statuses)}; largest error answer "
        f"{run.largest_error} bytes, in {time.monotonic() - run.started:.0f} s"
    )
    assert not run.problems, "\n".join(run.problems)
    assert all(run.sent[route] >= 10 for route in routes), dict(run.sent)
    assert set(run.statuses) <= {200, 400, 404, 413}, dict(run.statuses)
    assert run.largest_error <= MAX_ERROR_BYTES
