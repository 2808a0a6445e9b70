"""Input edges (issue 20, finding 8): the signature or token is checked before anything parses
the body, so a malformed unsigned request is a 401, never a 500 with a traceback."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Mapping

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from fake_teams import message
from slack_support import SECRET, FakeEngine, make_app, running_fake
from sqlite_utils import Database
from test_teams_adapter import CREDENTIALS
from test_teams_adapter import FakeEngine as TeamsEngine

from bot.chat.teams import MESSAGES_PATH, teams_setup
from bot.web import build_web_app

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")


@pytest.fixture
async def slack_client() -> AsyncIterator[
    tuple[TestClient[web.Request, web.Application], FakeEngine]
]:
    async with running_fake() as fake:
        engine = FakeEngine()
        app = build_web_app(
            engine, slack_app=make_app(fake, engine), is_ready=lambda: True, signing_secret=SECRET
        )
        client = TestClient(TestServer(app, host="127.0.0.1"))
        await client.start_server()
        try:
            yield client, engine
        finally:
            await client.close()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"payload=%FF%FE", "application/x-www-form-urlencoded"),
        (b"payload=%7Bnot json", "application/x-www-form-urlencoded"),
        (b"{not json", "application/json"),
        (b'{"type": "url_verification", not json', "application/json"),
        (b"\xff\xfe\x00", "application/json"),
    ],
)
async def test_an_unsigned_malformed_slack_request_gets_401_not_500(
    slack_client: tuple[TestClient[web.Request, web.Application], FakeEngine],
    body: bytes,
    content_type: str,
) -> None:
    """Unsigned and unparseable: 401 with no traceback; the engine never runs (it used to be
    parsed before the signature check: 500 and a traceback)."""
    client, engine = slack_client
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": "1700000000",
        "X-Slack-Signature": "v0=" + "0" * 64,
    }
    resp = await client.post("/slack/events", data=body, headers=headers)
    assert resp.status == 401
    assert "Traceback" not in await resp.text()
    assert engine.messages == []


def _token(header: dict[str, str]) -> str:
    def part(data: Mapping[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    claims = {"aud": CREDENTIALS["CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID"]}
    return f"{part(header)}.{part(claims)}.c2ln"


@pytest.mark.parametrize(
    "header",
    [{"alg": "none", "typ": "JWT"}, {"alg": "RS256", "typ": "JWT"}, {"alg": "HS256", "kid": "k1"}],
)
async def test_a_teams_token_with_alg_none_or_no_kid_gets_401(
    tmp_path: object, header: dict[str, str]
) -> None:
    """`alg: none`, no `kid`, or another algorithm: 401 before the SDK looks up a key (it used to
    raise there: 500 and a traceback); the engine never runs."""
    engine = TeamsEngine()
    app = web.Application()
    teams_setup(engine, Database(memory=True), anonymous=False, env=CREDENTIALS)(app)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        resp = await client.post(
            MESSAGES_PATH,
            json=message("help"),
            headers={"Authorization": f"Bearer {_token(header)}"},
        )
        assert resp.status == 401
        assert "Traceback" not in await resp.text()
    assert engine.messages == []
