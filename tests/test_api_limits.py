"""Whatever a request holds, the answer is a JSON 4xx of bounded size, never a 500: bodies nested
100,000 deep, very wide lists, many keys, huge strings, bodies over the size cap (413, checked
from Content-Length before reading, or counted as a chunked body arrives), and query strings.

The limits themselves (:mod:`smx_lab.bounds`) are checked against the OpenAPI document: the
largest and deepest legitimate request of every route keeps within them.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import pytest
from tornado.httpclient import HTTPClientError

from smx_lab import bounds
from smx_lab.selection import MAX_SELECTION_NAMES
from smx_lab.server.base import DEFAULT_MAX_BODY_BYTES, MAX_ERROR_BYTES, error_json
from smx_lab.server.openapi import api_spec

if TYPE_CHECKING:
    from api_fixtures import Api

pytest_plugins = ["pytest_jupyter.jupyter_server", "api_fixtures"]

POST_ROUTES = sorted(path[1:] for path, item in api_spec()["paths"].items() if "post" in item)
#: Bytes an error answer may take, whatever the request held.
SMALL = 2048
LEVELS = 100_000


def deep_arrays(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


def deep_objects(levels: int) -> bytes:
    return b'{"a":' * levels + b"1" + b"}" * levels


def wrapped(route: str, value: Any) -> dict[str, Any]:
    """``value`` where each route reads a list of names, so that it reaches the schema."""
    return {
        "search": {"query": value},
        "metrics": {"selection": {"components": value}},
        "table": {"components": value},
        "table/groups": {"selection": {"components": value}, "group_by": ["Parameters.lr"]},
        "table/csv": {"selection": {"components": value}},
        "chart": {"chart_type": "parallel", "components": value},
        "jobs/stop": {"component": value, "job_name": "train-sgd"},
        "jobs/deploy": {
            "component": value,
            "job_name": "train-sgd",
            "instance_type": "ml.m5.large",
        },
    }[route]


def deepest_expression(levels: int) -> dict[str, Any]:
    """A SearchExpression with ``levels`` SubExpressions nested one in another around a filter."""
    expression: dict[str, Any] = {
        "Filters": [{"Name": "DisplayName", "Operator": "Contains", "Value": "Training"}]
    }
    for _ in range(levels):
        expression = {"SubExpressions": [expression]}
    return expression


def depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    return 0


def small(answer: Any) -> int:
    size = len(answer.response.body)
    assert size <= SMALL, answer.response.body[:300]
    return size


# --- nesting ------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [deep_arrays, deep_objects])
@pytest.mark.parametrize("route", POST_ROUTES)
async def test_body_nested_100000_deep_is_400_naming_the_rule(
    api: Api, route: str, shape: Callable[[int], bytes]
) -> None:
    answer = await api.post(route, raw=shape(LEVELS), expect=400)

    assert answer.body["field"] == "body"
    assert answer.body["message"] == "body: nests deeper than 128 levels"
    assert answer.body["limit"] == bounds.MAX_DEPTH
    small(answer)


@pytest.mark.parametrize("route", POST_ROUTES)
async def test_nesting_inside_a_field_is_400_too(api: Api, route: str) -> None:
    inner = json.loads(deep_arrays(bounds.MAX_DEPTH))
    answer = await api.post(route, wrapped(route, inner), expect=400)

    assert answer.body["message"] == "body: nests deeper than 128 levels"


async def test_deepest_legitimate_body_is_read(api: Api) -> None:
    # SageMaker counts 50 Filters, NestedFilters and SubExpressions at most, at every level:
    # 49 nested SubExpressions around one filter, in a selection, is as deep as a request goes.
    body = {"selection": {"search": {"search_expression": deepest_expression(49)}}}
    assert depth(body) == 104 <= bounds.MAX_DEPTH

    rows = (await api.post("table", body)).body["rows"]

    assert {row["TrialComponentName"] for row in rows} == {"train-sgd", "train-adam"}


async def test_search_expression_as_query_text_is_held_to_the_same_depth(api: Api) -> None:
    text = '{"Filters": ' + "[" * 2000 + "]" * 2000 + "}"  # within query's 4096 characters

    from_body = (await api.post("search", {"query": text}, expect=400)).body
    from_table = (await api.post("table", {"search": {"query": text}}, expect=400)).body
    from_url = (await api.get("experiments", params={"q": text}, expect=400)).body

    assert from_body["message"] == "query: nests deeper than 128 levels"
    assert from_table["field"] == "search.query"
    assert from_url["field"] == "q"


# --- counts and sizes ---------------------------------------------------------------------------


@pytest.mark.parametrize("route", POST_ROUTES)
async def test_list_over_the_item_limit_is_400_naming_it(api: Api, route: str) -> None:
    names = ["train-sgd"] * (bounds.MAX_ITEMS + 1)
    answer = await api.post(route, wrapped(route, names), expect=400)

    assert answer.body["message"].endswith("holds more than 100000 items")
    assert answer.body["limit"] == bounds.MAX_ITEMS
    small(answer)


@pytest.mark.parametrize("route", POST_ROUTES)
async def test_widest_list_the_limits_allow_is_400_or_an_answer(api: Api, route: str) -> None:
    names = ["train-sgd"] * bounds.MAX_ITEMS
    raw = json.dumps(wrapped(route, names)).encode()

    response = await api.fetch_path(route, method="POST", body=raw, request_timeout=120)

    assert response.code in (200, 400, 404), response.body[:300]
    assert len(response.body) <= SMALL or response.code == 200


@pytest.mark.parametrize("keys", [bounds.MAX_KEYS, bounds.MAX_KEYS + 1, 50_000])
@pytest.mark.parametrize("route", POST_ROUTES)
async def test_object_with_many_keys_is_400(api: Api, route: str, keys: int) -> None:
    body = {f"key-{i}-" + "k" * 100: i for i in range(keys)}
    answer = await api.post(route, body, expect=400)

    if keys > bounds.MAX_KEYS:
        assert answer.body["message"] == "body: holds more than 1000 keys"
    else:  # within the limit: the schema refuses it (unknown fields), quoting an excerpt
        assert "keys" not in answer.body["message"]
    small(answer)


@pytest.mark.parametrize("route", POST_ROUTES)
async def test_huge_string_is_400_naming_the_rule(api: Api, route: str) -> None:
    answer = await api.post(route, wrapped(route, "x" * 5_000_000), expect=400)

    assert answer.body["message"].endswith("is longer than 65536 characters")
    small(answer)


async def test_too_many_names_in_all_is_400(api: Api) -> None:
    half = [f"c{i}" for i in range(MAX_SELECTION_NAMES // 2 + 1)]
    body = {"selection": {"components": half, "trials": half}}

    error = (await api.post("table", body, expect=400)).body

    assert error["field"] == "selection"
    assert "100000 components, trials and experiments in all" in error["message"]


@pytest.mark.parametrize(
    "raw",
    [b'{"limit": ' + b"1" * 5000 + b"}", b'{"limit": NaN}', b'{"query": Infinity}'],
    ids=["5000-digit integer", "NaN", "Infinity"],
)
async def test_numbers_json_cannot_carry_are_400(api: Api, raw: bytes) -> None:
    answer = await api.post("search", raw=raw, expect=400)

    assert answer.body["message"].startswith("body: must be a JSON document")
    small(answer)


# --- answers echo little ------------------------------------------------------------------------


async def test_a_12_mb_invalid_body_gets_a_small_answer(api: Api) -> None:
    # Under the cap and the structural limits; the schema's maxItems (10,000) refuses it, and
    # its message quotes the instance: once, the whole 12 MB list.
    names = [f"c{i:0119d}" for i in range(bounds.MAX_ITEMS)]

    answer = await api.post("table", {"components": names}, expect=400)

    assert answer.body["field"] == "components"
    assert answer.body["message"].endswith("characters) is too long")
    assert small(answer) < 1000


async def test_a_20_mb_invalid_body_gets_a_small_413(api: Api) -> None:
    answer = await api.post("table", raw=b'{"components": "' + b"x" * 20_000_000, expect=413)

    assert answer.body["error"] == "too_large"
    assert answer.body["limit"] == DEFAULT_MAX_BODY_BYTES
    small(answer)


async def test_unknown_name_of_50_kb_is_quoted_in_an_excerpt(api: Api) -> None:
    name = "n" * 50_000
    answer = await api.get("trials/{name}", name=name, expect=404)

    assert answer.body["name"] == "n" * 200 + "… (50000 characters)"
    assert "n" * 201 not in answer.body["message"]
    small(answer)


def test_error_bodies_are_bounded_whatever_their_details() -> None:
    body = {
        "error": "invalid",
        "message": "x" * 30_000 + ": is wrong",
        "field": "x" * 30_000,
        "value": {"list": list(range(100_000)), "deep": [[[[["y" * 10_000]]]]]},
        "values": ["z" * 10_000] * 1000,
        "big": 10**400,
        "nan": float("nan"),
    }

    encoded = error_json(body)
    answer = json.loads(encoded)

    assert len(encoded) <= MAX_ERROR_BYTES
    assert answer["message"] == "x" * 200 + "… (30000 characters): is wrong"
    assert answer["field"] == "x" * 200 + "… (30000 characters)"
    assert answer["value"]["list"][-1] == "… (100000 items)"
    assert answer["values"][0] == "z" * 200 + "… (10000 characters)"
    assert answer["nan"] is None


# --- the size cap -------------------------------------------------------------------------------


@pytest.mark.parametrize("route", POST_ROUTES)
async def test_body_over_the_default_cap_is_413(api: Api, route: str) -> None:
    raw = json.dumps(wrapped(route, "x")).encode().ljust(DEFAULT_MAX_BODY_BYTES + 1)

    answer = await api.post(route, raw=raw, expect=413)

    assert answer.body == {
        "error": "too_large",
        "message": f"the request body is over {DEFAULT_MAX_BODY_BYTES} bytes, the most this "
        "server accepts (SmxLabExtension.max_body_bytes)",
        "limit": DEFAULT_MAX_BODY_BYTES,
    }


class TestAConfiguredCap:
    CAP = 64 * 1024

    @pytest.fixture
    def smx_lab_config(self, smx_lab_config: dict[str, Any]) -> dict[str, Any]:
        return {**smx_lab_config, "max_body_bytes": self.CAP}

    async def test_a_body_of_the_cap_is_read(self, api: Api) -> None:
        raw = json.dumps({"components": ["train-sgd"]}).encode().ljust(self.CAP)

        assert (await api.post("table", raw=raw)).body["total"] == 1

    async def test_one_byte_more_is_413_from_its_content_length(self, api: Api) -> None:
        raw = json.dumps({"components": ["train-sgd"]}).encode().ljust(self.CAP + 1)

        assert (await api.post("table", raw=raw, expect=413)).body["limit"] == self.CAP

    async def test_a_client_that_expects_100_continue_is_answered_before_sending(
        self, api: Api
    ) -> None:
        response = await api.fetch_path(
            "table", method="POST", body=b" " * (self.CAP + 1), expect_100_continue=True
        )

        assert response.code == 413
        assert json.loads(response.body)["error"] == "too_large"

    @pytest.mark.parametrize("size", [CAP, CAP + 1])
    async def test_a_chunked_body_is_counted_as_it_arrives(self, api: Api, size: int) -> None:
        raw = json.dumps({"components": ["train-sgd"]}).encode().ljust(size)

        async def produce(write: Callable[[bytes], Awaitable[None]]) -> None:
            for start in range(0, len(raw), 4096):
                await write(raw[start : start + 4096])

        response = await api.fetch_path("table", method="POST", body_producer=produce)

        assert response.code == (200 if size <= self.CAP else 413), response.body[:300]

    async def test_a_get_with_a_body_over_the_cap_ignores_the_body(self, api: Api) -> None:
        response = await api.fetch_path(
            "experiments", method="GET", body=b"x" * (self.CAP * 4), allow_nonstandard_methods=True
        )

        assert response.code == 200

    async def test_a_stranger_gets_403_not_413(self, api: Api) -> None:
        response = await api.fetch_path(
            "table", method="POST", body=b" " * (self.CAP + 1), headers={}
        )

        assert response.code == 403


# --- query strings ------------------------------------------------------------------------------


async def test_query_parameter_of_60_kb_is_400_with_a_small_answer(api: Api) -> None:
    answer = await api.get("experiments", params={"q": "a" * 60_000}, expect=400)

    assert answer.body["field"] == "q"
    assert answer.body["value"] == "a" * 200 + "… (60000 characters)"
    small(answer)


async def test_query_parameter_of_100_kb_never_reaches_a_handler(api: Api) -> None:
    # Tornado reads at most 64 KiB of request line and headers: it closes the connection before
    # any handler (jupyter-server's or ours) runs. No answer, and no harm: the next one is served.
    with pytest.raises(HTTPClientError) as dropped:
        await api.fetch_path("experiments?q=" + "a" * 100_000)

    assert dropped.value.code == 599
    assert (await api.get("experiments")).status == 200


async def test_unknown_parameter_with_a_long_name_is_400_quoting_an_excerpt(api: Api) -> None:
    answer = await api.get("experiments", params={"p" * 50_000: "1"}, expect=400)

    assert answer.body["field"] == "p" * 200 + "… (50000 characters)"
    small(answer)


async def test_parameter_repeated_1000_times_is_400(api: Api) -> None:
    # Tornado parses at most 1000 query parameters; beyond that it answers 400 itself, before
    # any handler runs (and without a body).
    response = await api.fetch_path("experiments?" + "&".join(["limit=1"] * 1000))
    too_many = await api.fetch_path("experiments?" + "&".join(["limit=1"] * 5000))

    assert response.code == 400
    assert json.loads(response.body)["message"] == "limit: must be given once"
    assert too_many.code == 400


async def test_cursor_that_decodes_to_deep_json_is_400(api: Api) -> None:
    cursor = base64.urlsafe_b64encode(b"[" * 3000).decode()

    error = (await api.get("experiments", params={"cursor": cursor}, expect=400)).body

    assert error["field"] == "cursor"


# --- the limits and the document ----------------------------------------------------------------


def _schemas(node: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            found.extend(_schemas(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_schemas(value))
    return found


def test_every_documented_bound_is_within_the_structural_limits() -> None:
    schemas = _schemas(api_spec())

    assert max(s["maxItems"] for s in schemas if "maxItems" in s) == bounds.MAX_ITEMS
    assert max(s["maxLength"] for s in schemas if "maxLength" in s) < bounds.MAX_STRING
    fields = [len(s["properties"]) for s in schemas if isinstance(s.get("properties"), dict)]
    assert max(fields) < bounds.MAX_KEYS


def test_the_largest_legitimate_body_fits_the_default_cap() -> None:
    # A selection of the most names it may carry, each as long as a name can be (120).
    names = [f"c{i:0119d}" for i in range(MAX_SELECTION_NAMES)]
    body = json.dumps({"selection": {"components": names}, "metric_names": ["m" * 255] * 100})

    assert len(body.encode()) <= DEFAULT_MAX_BODY_BYTES
    assert bounds.loads(body.encode())["selection"]["components"] == names
