"""HTTP mode: the aiohttp app of `bot serve` on a real 127.0.0.1 port."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from fake_slack import FakeSlack
from slack_support import (
    CHANNEL,
    SECRET,
    FakeEngine,
    command_body,
    make_app,
    running_fake,
    sign,
)

from bot.web import build_web_app


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with running_fake() as f:
        yield f


async def serve(web_app: web.Application) -> TestClient[web.Request, web.Application]:
    client = TestClient(TestServer(web_app, host="127.0.0.1"))
    await client.start_server()
    return client


async def test_healthz_follows_readiness(fake: FakeSlack) -> None:
    """/healthz is 503 until the index is loaded, then 200."""
    ready = False
    app = build_web_app(
        FakeEngine(), slack_app=make_app(fake, FakeEngine()), is_ready=lambda: ready
    )
    client = await serve(app)
    try:
        assert (await client.get("/healthz")).status == 503
        ready = True
        resp = await client.get("/healthz")
        assert resp.status == 200 and (await resp.json())["status"] == "ok"
    finally:
        await client.close()


async def test_signed_slash_command_over_http(fake: FakeSlack) -> None:
    """A signed POST to /slack/events is acked with 200 and the answer is posted via the Web API."""
    engine = FakeEngine()
    app = build_web_app(engine, slack_app=make_app(fake, engine), is_ready=lambda: True)
    client = await serve(app)
    try:
        body = command_body("set room 204 station jazz", trigger="tHttp")
        headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
        resp = await client.post("/slack/events", data=body, headers=headers)
        assert resp.status == 200
        [post] = fake.of("chat.postMessage")
        assert post.params["channel"] == CHANNEL
        bad = {**headers, "x-slack-signature": "v0=" + "0" * 64}
        assert (await client.post("/slack/events", data=body, headers=bad)).status == 401
    finally:
        await client.close()


async def test_extra_setup_adds_routes_to_the_same_app(fake: FakeSlack) -> None:
    """Another platform mounts its endpoint on the same aiohttp app through extra_setup."""

    async def teams(_: web.Request) -> web.Response:
        return web.Response(text="teams")

    def add_teams(app: web.Application) -> None:
        app.router.add_post("/api/messages", teams)

    app = build_web_app(
        FakeEngine(), slack_app=make_app(fake, FakeEngine()), is_ready=lambda: True,
        extra_setup=[add_teams],
    )  # fmt: skip
    client = await serve(app)
    try:
        assert await (await client.post("/api/messages")).text() == "teams"
        assert (await client.get("/healthz")).status == 200
    finally:
        await client.close()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Slack-Signature": "v0=" + "0" * 64},
        {"X-Slack-Request-Timestamp": "not-a-number", "X-Slack-Signature": "v0=00"},
    ],
)
async def test_a_request_without_signature_headers_gets_401_not_500(
    fake: FakeSlack, headers: dict[str, str]
) -> None:
    """Missing or malformed signature headers are an unauthenticated request: 401, engine untouched."""
    engine = FakeEngine()
    app = build_web_app(
        engine, slack_app=make_app(fake, engine), is_ready=lambda: True, signing_secret=SECRET
    )
    client = await serve(app)
    try:
        body = command_body("set room 204 station jazz", trigger="tNoSig")
        all_headers = {"Content-Type": "application/x-www-form-urlencoded", **headers}
        resp = await client.post("/slack/events", data=body, headers=all_headers)
        assert resp.status == 401
        assert "Traceback" not in await resp.text()
        assert engine.messages == []
    finally:
        await client.close()
