"""The aiohttp application of `bot serve`: Slack's HTTP endpoint, the health check, and room for
more.

Other chat platforms mount their routes through `extra_setup` (Teams adds `/api/messages`), so one
process and one port serve every platform.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from bot.chat.slack.app import shared_http_session

SLACK_EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

ENGINE_KEY: web.AppKey[Any] = web.AppKey("engine", object)
SLACK_APP_KEY = web.AppKey("slack_app", AsyncApp)


def build_web_app(
    engine: Any,
    *,
    slack_app: AsyncApp | None,
    is_ready: Callable[[], bool],
    extra_setup: Sequence[Callable[[web.Application], None]] = (),
) -> web.Application:
    """Routes: POST /slack/events (commands, events, interactivity) and GET /healthz.

    /healthz answers 200 once `is_ready()` says the index is loaded, 503 before. The engine is kept
    on the application (`app[ENGINE_KEY]`) for the routes `extra_setup` adds.
    """
    app = web.Application()
    app[ENGINE_KEY] = engine

    async def healthz(_: web.Request) -> web.Response:
        if is_ready():
            return web.json_response({"status": "ok"})
        return web.json_response(
            {"status": "starting", "detail": "index not loaded yet"}, status=503
        )

    app.router.add_get(HEALTH_PATH, healthz)

    if slack_app is not None:
        app[SLACK_APP_KEY] = slack_app

        async def slack_events(request: web.Request) -> web.Response:
            bolt_request = await to_bolt_request(request)
            bolt_response = await slack_app.async_dispatch(bolt_request)
            return await to_aiohttp_response(bolt_response)

        app.router.add_post(SLACK_EVENTS_PATH, slack_events)

        async def slack_session(_: web.Application) -> AsyncIterator[None]:
            async with shared_http_session(slack_app):
                yield

        app.cleanup_ctx.append(slack_session)

    for setup in extra_setup:
        setup(app)
    return app
