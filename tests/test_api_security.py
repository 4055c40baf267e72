"""Every route is authenticated, authorized for the resource ``smx_lab``, and XSRF-protected."""

from __future__ import annotations

import json
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any

import pytest
from jupyter_server.auth.authorizer import Authorizer

from smx_lab.server.app import SmxLabExtension
from smx_lab.server.base import SmxLabHandler

if TYPE_CHECKING:
    from api_fixtures import Api

pytest_plugins = ["pytest_jupyter.jupyter_server", "api_fixtures"]

# A valid request for each route, so that only authentication or authorization can refuse it.
BODIES: dict[str, Any] = {
    "search": {"query": "name contains train"},
    "metrics": {"queries": [{"component": "train-sgd", "metric": "test:accuracy"}]},
    "table": {"components": ["train-sgd"]},
    "chart": {"chart_type": "line", "data_type": "time_series", "components": ["train-sgd"]},
}
PARAMS: dict[str, str] = {"components": "unassigned=true"}


def every_route() -> list[tuple[str, str]]:
    """(method, path) for every method of every route in the extension's route table."""
    out = []
    for template, handler in SmxLabExtension.routes:
        for method in ("get", "post"):
            # tornado's own get/post answer 405; a route's handler overrides the ones it serves.
            if getattr(handler, method) is not getattr(SmxLabHandler, method):
                out.append((method.upper(), template.replace("{name}", "mnist")))
    return out


ROUTES = every_route()


def test_every_route_is_enumerated() -> None:
    assert len(ROUTES) == len(SmxLabExtension.routes)
    assert ("POST", "chart") in ROUTES
    assert ("GET", "components/mnist") in ROUTES


async def request(api: Api, method: str, path: str, headers: dict[str, str]) -> Any:
    query = PARAMS.get(path)
    body = json.dumps(BODIES.get(path, {})) if method == "POST" else None
    return await api.fetch_path(
        path + (f"?{query}" if query else ""), method=method, body=body, headers=headers
    )


@pytest.mark.parametrize(("method", "path"), ROUTES)
async def test_route_without_token_is_403_json(api: Api, method: str, path: str) -> None:
    response = await request(api, method, path, headers={})

    assert response.code == 403
    assert response.headers["Content-Type"].startswith("application/json")
    assert json.loads(response.body)["error"] == "forbidden"


@pytest.mark.parametrize(("method", "path"), ROUTES)
async def test_route_with_wrong_token_is_403(api: Api, method: str, path: str) -> None:
    response = await request(api, method, path, headers={"Authorization": "token not-the-token"})

    assert response.code == 403


class DenySmxLab(Authorizer):
    """Allows everything except smx-lab's resource."""

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        return resource != "smx_lab"


class TestAuthorizerThatDeniesSmxLab:
    @pytest.fixture
    def server_app_config(self) -> dict[str, Any]:
        return {"authorizer_class": DenySmxLab}

    @pytest.mark.parametrize(("method", "path"), ROUTES)
    async def test_route_is_403_for_an_authenticated_user_denied_smx_lab(
        self, api: Api, method: str, path: str
    ) -> None:
        response = await request(api, method, path, headers=api.headers)

        assert response.code == 403
        body = json.loads(response.body)
        assert body["error"] == "forbidden"
        assert "smx_lab" in body["message"]

    async def test_the_same_user_may_use_other_server_resources(self, api: Api) -> None:
        response = await api.client.fetch(
            f"{api.base_url}api/contents", headers=api.headers, raise_error=False
        )

        assert response.code == 200


async def browser_session(api: Api) -> tuple[dict[str, str], str]:
    """Log in as a browser does (the token once, in the URL); return its cookies and XSRF token."""
    response = await api.client.fetch(
        f"{api.base_url}api/contents?token={api.headers['Authorization'].split()[1]}",
        raise_error=False,
    )
    assert response.code == 200
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.get_list("Set-Cookie"):
        jar.load(header)
    cookies = {name: morsel.value for name, morsel in jar.items()}
    assert any(name.startswith("username-") for name in cookies), cookies
    xsrf = cookies.get("_xsrf")
    if xsrf is None:
        page = await api.client.fetch(f"{api.base_url}login", raise_error=False)
        jar.load(page.headers.get("Set-Cookie", ""))
        xsrf = jar["_xsrf"].value
        cookies["_xsrf"] = xsrf
    return cookies, xsrf


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


async def test_browser_post_without_xsrf_token_is_403(api: Api) -> None:
    cookies, _ = await browser_session(api)

    response = await request(api, "POST", "search", headers={"Cookie": cookie_header(cookies)})

    assert response.code == 403
    assert "xsrf" in json.loads(response.body)["message"].lower()


async def test_browser_post_with_xsrf_token_is_answered(api: Api) -> None:
    cookies, xsrf = await browser_session(api)

    response = await request(
        api, "POST", "search", headers={"Cookie": cookie_header(cookies), "X-XSRFToken": xsrf}
    )

    assert response.code == 200


async def test_browser_get_needs_no_xsrf_token(api: Api) -> None:
    cookies, _ = await browser_session(api)

    response = await request(api, "GET", "experiments", headers={"Cookie": cookie_header(cookies)})

    assert response.code == 200
