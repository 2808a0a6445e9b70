"""HTTP mode as `bot serve` builds it: Slack is answered once the signature checks out, the work follows."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from fake_slack import FakeSlack
from slack_support import SECRET, FakeEngine, command_body, make_app, running_fake, sign

from bot.web import build_web_app


@pytest.fixture
async def client() -> AsyncIterator[
    tuple[TestClient[web.Request, web.Application], FakeSlack, FakeEngine]
]:
    async with running_fake() as fake:
        engine = FakeEngine(delay=0.3)
        app = build_web_app(
            engine, slack_app=make_app(fake, engine), is_ready=lambda: True, signing_secret=SECRET
        )
        test_client = TestClient(TestServer(app, host="127.0.0.1"))
        await test_client.start_server()
        try:
            yield test_client, fake, engine
        finally:
            await test_client.close()


async def test_the_answer_comes_before_the_work(
    client: tuple[TestClient[web.Request, web.Application], FakeSlack, FakeEngine],
) -> None:
    """A signed command gets its 200 before the engine's work is posted (the post follows the
    answer); bench/slack_ack.py measures how fast the answer comes."""
    http, fake, _engine = client
    body = command_body("set room 204 station jazz", trigger="fast-1")
    response = await http.post(
        "/slack/events",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", **sign(body)},
    )
    assert response.status == 200
    assert fake.of("chat.postMessage") == []
    [post] = await fake.wait_for("chat.postMessage", within=5)
    assert "Jazz" in post.params["text"]


async def test_a_bad_signature_is_refused_without_work(
    client: tuple[TestClient[web.Request, web.Application], FakeSlack, FakeEngine],
) -> None:
    """A request whose signature does not check out gets 401 and never reaches the engine."""
    http, _fake, engine = client
    body = command_body("set room 204 station jazz", trigger="fast-2")
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body, secret="wrong")}
    assert (await http.post("/slack/events", data=body, headers=headers)).status == 401
    stale = {
        "Content-Type": "application/x-www-form-urlencoded",
        **sign(body, timestamp=int(time.time()) - 600),
    }
    assert (await http.post("/slack/events", data=body, headers=stale)).status == 401
    assert engine.messages == []


async def test_url_verification_still_gets_its_challenge(
    client: tuple[TestClient[web.Request, web.Application], FakeSlack, FakeEngine],
) -> None:
    """Slack's URL verification is answered with the challenge (its answer has a body)."""
    http, _fake, _engine = client
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"})
    response = await http.post(
        "/slack/events", data=body, headers={"Content-Type": "application/json", **sign(body)}
    )
    assert response.status == 200
    assert "abc123" in await response.text()
