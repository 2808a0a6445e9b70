"""The aiohttp application of `bot serve`: the health check, the start-up gate, and the routes the
chat platforms mount (`extra_setup`: each ChatPlatform's `mount`), so one process and one port serve
every platform.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from aiohttp import web
from aiohttp.typedefs import Middleware

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

HEALTH_PATH = "/healthz"

ENGINE_KEY: web.AppKey[object] = web.AppKey("engine", object)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _starting_gate(waiting_for: Callable[[], str | None]) -> Middleware:
    """Until the start-up checks pass, chat routes answer 503 (the platforms retry) and only the
    health check is served, so the port is bound from the start without serving a half-built bot."""

    @web.middleware
    async def gate(request: web.Request, handler: Handler) -> web.StreamResponse:
        waiting = waiting_for()
        if waiting is not None and request.path != HEALTH_PATH:
            return web.json_response({"status": "starting", "waiting_for": waiting}, status=503)
        return await handler(request)

    return gate


def build_web_app(
    engine: object,
    *,
    slack_app: AsyncApp | None = None,
    is_ready: Callable[[], bool],
    extra_setup: Sequence[Callable[[web.Application], None]] = (),
    signing_secret: str | None = None,
    waiting_for: Callable[[], str | None] = lambda: None,
) -> web.Application:
    """Routes: GET /healthz, and those each `extra_setup` (a ChatPlatform's mount) adds.

    /healthz answers 200 once `is_ready()` says the index is loaded, 503 before; while `waiting_for()`
    names something (the start-up checks retrying an unreachable service) it answers 503 with that
    reason and every other route answers 503 too (Slack retries its deliveries). The engine is kept
    on the application (`app[ENGINE_KEY]`) for the routes `extra_setup` adds. `slack_app` (with
    `signing_secret`) mounts Slack's route directly, as the Slack platform does (tests use it).
    """
    app = web.Application(middlewares=[_starting_gate(waiting_for)])
    app[ENGINE_KEY] = engine

    async def healthz(_: web.Request) -> web.Response:
        waiting = waiting_for()
        if waiting is None and is_ready():
            return web.json_response({"status": "ok"})
        reason = waiting or "index not loaded yet"
        return web.json_response(
            {"status": "starting", "waiting_for": reason, "detail": reason}, status=503
        )

    app.router.add_get(HEALTH_PATH, healthz)

    if slack_app is not None:  # the Slack platform's own mount (bot/chat/slack/http.py)
        from bot.chat.slack.http import mount_slack_events

        mount_slack_events(app, slack_app, signing_secret)

    for setup in extra_setup:
        setup(app)
    return app
