"""The one-time authorization-code sign-in (`bot login`): URL, redirect listener, exchange."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from bot.clients.errors import InvalidInput, Unauthorized
from bot.clients.login import LoginError, authorize_url, run_login

TOKEN_URL = "https://lwa.test/auth/o2/token"


def test_authorize_url_has_the_lwa_parameters() -> None:
    """The authorize URL carries client_id, scope, response_type=code, redirect_uri and state."""
    url = authorize_url("demo-client", "http://127.0.0.1:9090/cb", "xyz")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://www.amazon.com/ap/oa"
    assert {k: v[0] for k, v in parse_qs(parts.query).items()} == {
        "client_id": "demo-client",
        "scope": "alexa::enterprise:management",
        "response_type": "code",
        "redirect_uri": "http://127.0.0.1:9090/cb",
        "state": "xyz",
    }


class Login:
    """Runs run_login in the background and captures what it prints and what LWA receives."""

    def __init__(self, token_answer: httpx.Response | None = None) -> None:
        self.lines: list[str] = []
        self.forms: list[dict[str, str]] = []
        self.printed = asyncio.Event()
        self.token_answer = token_answer or httpx.Response(
            200,
            json={"access_token": "Atza|a", "refresh_token": "Atzr|new", "expires_in": 3600},
        )

    def printer(self, line: str) -> None:
        self.lines.append(line)
        self.printed.set()

    def lwa(self, request: httpx.Request) -> httpx.Response:
        self.forms.append({k: v[0] for k, v in parse_qs(request.content.decode()).items()})
        return self.token_answer

    def start(self) -> asyncio.Task[str]:
        return asyncio.create_task(
            run_login(
                "demo-client",
                "demo-secret",
                TOKEN_URL,
                redirect_uri="http://127.0.0.1:0/cb",
                printer=self.printer,
                transport=httpx.MockTransport(self.lwa),
                timeout_s=10,
            )
        )

    async def url_params(self) -> dict[str, str]:
        await asyncio.wait_for(self.printed.wait(), 5)
        url = next(word for word in self.lines[0].split() if word.startswith("https://"))
        return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


async def test_login_exchanges_the_code_and_returns_the_refresh_token() -> None:
    """A redirect with the right state is exchanged (authorization_code) for a refresh token."""
    login = Login()
    task = login.start()
    params = await login.url_params()
    redirect = params["redirect_uri"]
    async with httpx.AsyncClient(trust_env=False) as browser:
        page = await browser.get(redirect, params={"code": "CODE1", "state": params["state"]})
    assert page.status_code == 200 and "signed in" in page.text
    assert await asyncio.wait_for(task, 5) == "Atzr|new"
    assert login.forms == [
        {
            "grant_type": "authorization_code",
            "code": "CODE1",
            "redirect_uri": redirect,
            "client_id": "demo-client",
            "client_secret": "demo-secret",
        }
    ]


async def test_login_ignores_a_redirect_with_the_wrong_state() -> None:
    """A redirect with a foreign state gets 400 and is not exchanged; the right one still works."""
    login = Login()
    task = login.start()
    params = await login.url_params()
    async with httpx.AsyncClient(trust_env=False) as browser:
        bad = await browser.get(params["redirect_uri"], params={"code": "EVIL", "state": "other"})
        other_path = await browser.get(params["redirect_uri"].replace("/cb", "/favicon.ico"))
        good = await browser.get(
            params["redirect_uri"], params={"code": "CODE2", "state": params["state"]}
        )
    assert (bad.status_code, other_path.status_code, good.status_code) == (400, 404, 200)
    assert await asyncio.wait_for(task, 5) == "Atzr|new"
    assert [f["code"] for f in login.forms] == ["CODE2"]


async def test_login_denied_in_the_browser_raises_login_error() -> None:
    """When the admin refuses access (error=...), LoginError is raised and nothing exchanged."""
    login = Login()
    task = login.start()
    params = await login.url_params()
    async with httpx.AsyncClient(trust_env=False) as browser:
        await browser.get(
            params["redirect_uri"], params={"error": "access_denied", "state": params["state"]}
        )
    with pytest.raises(LoginError, match="access_denied"):
        await asyncio.wait_for(task, 5)
    assert login.forms == []


async def test_login_code_refused_by_lwa_raises_unauthorized() -> None:
    """A code LWA refuses (invalid_grant) raises Unauthorized."""
    login = Login(httpx.Response(400, json={"error": "invalid_grant"}))
    task = login.start()
    params = await login.url_params()
    async with httpx.AsyncClient(trust_env=False) as browser:
        await browser.get(params["redirect_uri"], params={"code": "OLD", "state": params["state"]})
    with pytest.raises(Unauthorized):
        await asyncio.wait_for(task, 5)


async def test_login_rejects_a_redirect_without_port() -> None:
    """The redirect must be an http URL with a host and port."""
    with pytest.raises(InvalidInput):
        await run_login("c", "s", TOKEN_URL, redirect_uri="https://example.com/cb", printer=print)
