"""Fuzzing the REST API with schemathesis, from the OpenAPI document the server itself serves.

A real ``jupyter server`` (child process, token auth, a real SQLite store filled through the
Writer API) gets well-formed requests (``GenerationMode.POSITIVE``) and malformed ones
(``NEGATIVE``: wrong types, unknown fields, values outside the documented ranges) for every
operation. Whatever a client sends: never a 5xx, and every 4xx is a JSON object with a
``message``; and, by schemathesis' own checks, every answer's status, content type and body are
the ones the document gives for the operation, and malformed input is never accepted. Bounded:
stops generating after ``TIME_BUDGET`` seconds.
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
from hypothesis.errors import Unsatisfiable
from jupyter_process import JupyterServerProcess
from proof_fixtures import local_server
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi import checks as openapi_checks

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
