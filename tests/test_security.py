"""Hostile input against a real server: SQL in every text field, path traversal, cross-site POSTs.

The server is a ``jupyter server`` child process over a seeded SQLite store (see
``proof_fixtures``). "No effect beyond a normal answer" is checked three ways: the status is one a
client error or an empty answer would get (200/400/404, JSON), searches for the text find nothing
(no name holds it), and a dump of the whole database is byte-for-byte the same afterwards.
The route-enumeration auth tests (403 without a token, 403 for a denying authorizer) and the XSRF
check of ``search`` live with the API tests in ``test_api_security.py``.
"""

from __future__ import annotations

import hashlib
import sqlite3
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from jupyter_process import JupyterServerProcess
from proof_fixtures import HOSTILE_TEXT, local_server, seeded_store

from smx_lab.stores.local import LocalStore

server = local_server

INJECTIONS = [
    "' OR '1'='1",
    "x'; DROP TABLE trial_components; --",
    '" OR ""="',
    "1); DELETE FROM experiments; --",
    "%",
    "_",
    "%' OR name LIKE '%",
    "mnist' UNION SELECT name, sql FROM sqlite_master --",
    "\\'; UPDATE metrics SET max = 1e9; --",
]
NAMED_ROUTES = [
    "experiments/{name}",
    "experiments/{name}/trials",
    "trials/{name}",
    "trials/{name}/components",
    "components/{name}",
]


def database_dump(server: JupyterServerProcess) -> str:
    path = Path(server.extra_env["SMX_LAB_DB"])
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return hashlib.sha256("\n".join(connection.iterdump()).encode()).hexdigest()
    finally:
        connection.close()


def call(server: JupyterServerProcess, method: str, route: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, server.url(route), headers=server.headers, timeout=60, **kwargs)


def assert_normal_answer(answer: requests.Response) -> Any:
    assert answer.status_code in (200, 400, 404), f"{answer.status_code}: {answer.text[:300]}"
    assert answer.headers["Content-Type"].startswith("application/json")
    body = answer.json()
    if answer.status_code != 200:
        assert body["message"]
    return body


def items_of(answer: requests.Response) -> list[Any] | None:
    body = assert_normal_answer(answer)
    return body["items"] if answer.status_code == 200 else None


@pytest.mark.parametrize("template", NAMED_ROUTES)
def test_sql_in_a_name_in_the_path_is_just_an_unknown_name(
    server: JupyterServerProcess, template: str
) -> None:
    before = database_dump(server)
    for text in INJECTIONS:
        answer = call(server, "GET", template.format(name=urllib.parse.quote(text, safe="")))
        assert answer.status_code == 404, f"{text!r}: {answer.status_code} {answer.text[:200]}"
        assert answer.json()["error"] == "not_found"
    assert database_dump(server) == before


# Fields whose text only orders the answer: a 200 lists exactly what the plain listing lists.
ORDERING_FIELDS = {"experiments-sort", "experiments-order", "components-sort", "search-sort-by"}
LIST_REQUESTS: dict[str, Callable[[str], tuple[str, str, dict[str, Any]]]] = {
    "experiments-q": lambda t: ("GET", "experiments", {"params": {"q": t}}),
    "experiments-sort": lambda t: ("GET", "experiments", {"params": {"sort": t}}),
    "experiments-order": lambda t: ("GET", "experiments", {"params": {"order": t}}),
    "experiments-cursor": lambda t: ("GET", "experiments", {"params": {"cursor": t}}),
    "trials-q": lambda t: ("GET", "experiments/mnist/trials", {"params": {"q": t}}),
    "components-q": lambda t: ("GET", "trials/cnn-sgd/components", {"params": {"q": t}}),
    "components-sort": lambda t: (
        "GET",
        "trials/cnn-sgd/components",
        {"params": {"sort": f"parameters.{t}"}},
    ),
    "unassigned-experiment": lambda t: ("GET", "components", {"params": {"experiment": t}}),
    "search-query-value": lambda t: ("POST", "search", {"json": {"query": f"name = {t!r}"}}),
    "search-query-plain": lambda t: ("POST", "search", {"json": {"query": t}}),
    "search-sort-by": lambda t: ("POST", "search", {"json": {"sort_by": f"metrics.{t}.max"}}),
    "search-filter-value": lambda t: (
        "POST",
        "search",
        {
            "json": {
                "search_expression": {
                    "Filters": [{"Name": "DisplayName", "Operator": "Contains", "Value": t}]
                }
            }
        },
    ),
    "search-parameter-value": lambda t: (
        "POST",
        "search",
        {
            "json": {
                "search_expression": {
                    "Filters": [{"Name": "Parameters.optimizer", "Operator": "Equals", "Value": t}]
                }
            }
        },
    ),
    "search-in-list": lambda t: (
        "POST",
        "search",
        {
            "json": {
                "search_expression": {
                    "Filters": [{"Name": "TrialComponentName", "Operator": "In", "Value": t}]
                }
            }
        },
    ),
    "search-property-name": lambda t: (
        "POST",
        "search",
        {
            "json": {
                "search_expression": {
                    "Filters": [{"Name": f"Parameters.{t}", "Operator": "Exists"}]
                }
            }
        },
    ),
    "search-tag-name": lambda t: (
        "POST",
        "search",
        {
            "json": {
                "search_expression": {
                    "Filters": [{"Name": f"Tags.{t}", "Operator": "Equals", "Value": t}]
                }
            }
        },
    ),
    "search-parent": lambda t: (
        "POST",
        "search",
        {
            "json": {
                "search_expression": {
                    "NestedFilters": [
                        {
                            "NestedPropertyName": "Parents",
                            "Filters": [
                                {"Name": "Parents.TrialName", "Operator": "Equals", "Value": t}
                            ],
                        }
                    ]
                }
            }
        },
    ),
}


def names_in(items: list[dict[str, Any]]) -> set[str]:
    return {
        item.get("TrialComponentName") or item.get("ExperimentName") or item["TrialName"]
        for item in items
    }


@pytest.mark.parametrize("field", list(LIST_REQUESTS))
def test_sql_in_a_listing_or_search_field_finds_nothing_and_changes_nothing(
    server: JupyterServerProcess, field: str
) -> None:
    before = database_dump(server)
    for text in INJECTIONS:
        method, route, options = LIST_REQUESTS[field](text)
        items = items_of(call(server, method, route, **options))
        if items is None:
            continue  # refused as bad input
        if field in ORDERING_FIELDS:
            plain = call(
                server, method, route, **({"json": {}} if method == "POST" else {})
            ).json()["items"]
            assert names_in(items) == names_in(plain), f"{field}={text!r} changed what is listed"
        else:
            assert items == [], f"{field}={text!r} found {len(items)} records"
    assert database_dump(server) == before
    assert call(server, "GET", "experiments").json()["total"] == 2


BODY_REQUESTS: dict[str, Callable[[str], tuple[str, dict[str, Any]]]] = {
    "metrics-component": lambda t: (
        "metrics",
        {"queries": [{"component": t, "metric": "train:loss"}]},
    ),
    "metrics-metric": lambda t: ("metrics", {"queries": [{"component": "train-sgd", "metric": t}]}),
    "table-components": lambda t: ("table", {"components": [t]}),
    "table-metric-names": lambda t: ("table", {"components": ["train-sgd"], "metric_names": [t]}),
    "table-parameter-names": lambda t: (
        "table",
        {"components": ["train-sgd"], "parameter_names": [t]},
    ),
    "table-search-query": lambda t: (
        "table",
        {"search": {"query": f"display_name contains {t!r}"}},
    ),
    "chart-components": lambda t: (
        "chart",
        {
            "chart_type": "line",
            "data_type": "time_series",
            "components": [t],
            "metrics": ["train:loss"],
        },
    ),
    "chart-metrics": lambda t: (
        "chart",
        {
            "chart_type": "line",
            "data_type": "time_series",
            "components": ["train-sgd"],
            "metrics": [t],
        },
    ),
    "chart-axis": lambda t: (
        "chart",
        {
            "chart_type": "scatter",
            "data_type": "summary",
            "components": ["train-sgd"],
            "x": f"parameters.{t}",
            "y": t,
        },
    ),
}


@pytest.mark.parametrize("field", list(BODY_REQUESTS))
def test_sql_in_a_body_field_is_a_normal_answer_and_changes_nothing(
    server: JupyterServerProcess, field: str
) -> None:
    before = database_dump(server)
    for text in INJECTIONS:
        route, body = BODY_REQUESTS[field](text)
        answer = call(server, "POST", route, json=body)
        payload = assert_normal_answer(answer)
        if answer.status_code == 200 and route == "metrics":
            assert all(series["raw_count"] == 0 for series in payload["series"])
        if answer.status_code == 200 and route == "table" and field != "table-components":
            assert (
                all(text not in column for column in payload["columns"])
                or field == "table-search-query"
            )
    assert database_dump(server) == before


def test_sql_and_html_stored_as_text_come_back_verbatim(server: JupyterServerProcess) -> None:
    assert call(server, "GET", "experiments/mnist").json()["Description"] == HOSTILE_TEXT
    component = call(server, "GET", "components/train-sgd").json()
    assert component["Status"]["Message"] == HOSTILE_TEXT
    assert component["Parameters"]["note"] == {"StringValue": HOSTILE_TEXT}


def test_sql_stored_as_text_is_searched_as_text(server: JupyterServerProcess) -> None:
    answer = call(
        server,
        "POST",
        "search",
        json={"query": 'parameters.note contains "DROP TABLE trial_components"'},
    )
    assert sorted(item["TrialComponentName"] for item in answer.json()["items"]) == [
        "train-adam",
        "train-sgd",
    ]


# ---------------------------------------------------------------------------------------------
# Path traversal

TRAVERSALS = [
    "../../../../etc/passwd",
    "..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "....//....//etc/passwd",
    "..\\..\\..\\etc\\passwd",
]


@pytest.mark.parametrize(
    "prefix", ["", "components/", "experiments/", "artifacts/", "components/train-sgd/artifacts/"]
)
def test_path_traversal_under_the_api_never_serves_a_file(
    server: JupyterServerProcess, prefix: str
) -> None:
    secret = Path(server.extra_env["SMX_LAB_DB"]).read_bytes()[:16]  # the SQLite header
    for traversal in TRAVERSALS + ["../experiments.sqlite", "..%2F..%2Fexperiments.sqlite"]:
        url = f"{server.url()}{prefix}{traversal}"
        answer = requests.get(url, headers=server.headers, timeout=60, allow_redirects=False)
        assert answer.status_code in (400, 403, 404), f"{url}: {answer.status_code}"
        assert b"root:" not in answer.content and secret not in answer.content
        if answer.status_code == 404 and "/smx-lab/api/" in answer.url:
            assert answer.headers["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    "name",
    [
        "../../escaped.txt",
        "/tmp/absolute.txt",
        "nested/../../up.txt",
        "..",
        ".",
    ],
)
def test_artifact_file_names_cannot_leave_the_artifacts_folder(tmp_path: Path, name: str) -> None:
    store = LocalStore(seeded_store(tmp_path / "experiments.sqlite"))
    source = tmp_path / "model.bin"
    source.write_bytes(b"weights")
    try:
        uri = store.upload_artifact("train-sgd", source, name)
    except ValueError:
        return  # refusing the name is as good as keeping it inside
    finally:
        store.close()
    target = Path(urllib.parse.urlparse(uri).path)
    assert target.resolve().is_relative_to(store.artifacts_dir.resolve())
    assert target.read_bytes() == b"weights"


# ---------------------------------------------------------------------------------------------
# Cross-site request forgery


def browser_session(server: JupyterServerProcess) -> requests.Session:
    """A client authenticated the way a browser is: by the login cookie, not by a token header;
    it holds the ``_xsrf`` cookie the server's pages set."""
    session = requests.Session()
    login = session.get(f"{server.base}login", timeout=60)
    answer = session.post(
        f"{server.base}login",
        data={"password": server.token, "_xsrf": session.cookies.get("_xsrf", "")},
        timeout=60,
        allow_redirects=False,
    )
    assert login.status_code == 200 and answer.status_code in (302, 303), answer.text[:300]
    assert "_xsrf" in session.cookies
    return session


# ``search`` and GETs with the cookie are covered by test_api_security.py; here the other POSTs.
POSTS = {
    "metrics": {"queries": [{"component": "train-sgd", "metric": "train:loss"}]},
    "table": {"components": ["train-sgd"]},
    "chart": {
        "chart_type": "line",
        "data_type": "time_series",
        "components": ["train-sgd"],
        "metrics": ["train:loss"],
    },
}


@pytest.mark.parametrize("route", list(POSTS))
def test_post_with_the_login_cookie_but_no_xsrf_token_is_403(
    server: JupyterServerProcess, route: str
) -> None:
    session = browser_session(server)
    answer = session.post(server.url(route), json=POSTS[route], timeout=60)
    assert answer.status_code == 403
    assert "xsrf" in answer.text.lower()


@pytest.mark.parametrize("route", list(POSTS))
def test_post_with_the_login_cookie_and_its_xsrf_token_is_served(
    server: JupyterServerProcess, route: str
) -> None:
    session = browser_session(server)
    answer = session.post(
        server.url(route),
        json=POSTS[route],
        headers={"X-XSRFToken": session.cookies["_xsrf"]},
        timeout=60,
    )
    assert answer.status_code == 200, answer.text[:300]
