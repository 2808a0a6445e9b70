"""Building the Bolt app and running it in Socket Mode (`bot run`); HTTP mode is in bot/web.py."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import aiohttp
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat.slack.contract import ConversationEngine
from bot.chat.slack.delivery import DeliveryLog
from bot.chat.slack.listeners import register
from bot.chat.slack.tokens import api_base_url
from bot.clock import Clock


def build_slack_app(
    engine: ConversationEngine,
    *,
    bot_token: str,
    signing_secret: str | None = None,
    api_url: str | None = None,
    process_before_response: bool = False,
    clock: Clock | None = None,
    deliveries: DeliveryLog | None = None,
) -> AsyncApp:
    """The Bolt app with every listener registered.

    Without `signing_secret` request signatures are not checked, which is right only for Socket Mode
    (its requests come over the authenticated WebSocket). `api_url` (else $SLACK_API_URL) overrides
    the Web API base URL, for GovSlack and for tests against a local fake.
    """
    client = AsyncWebClient(
        token=bot_token, base_url=api_base_url(api_url or os.environ.get("SLACK_API_URL"))
    )
    app = AsyncApp(
        client=client,
        signing_secret=signing_secret or "",
        request_verification_enabled=signing_secret is not None,
        process_before_response=process_before_response,
    )
    register(app, engine, clock=clock, deliveries=deliveries)
    return app


@asynccontextmanager
async def shared_http_session(app: AsyncApp) -> AsyncIterator[None]:
    """Give the app's Web API client one pooled aiohttp session while the server runs.

    Without it slack_sdk opens a new session, and a new TLS connection, for every call; a session
    can only be made inside the running loop, hence a context entered at startup rather than in
    build_slack_app.
    """
    session = aiohttp.ClientSession()
    app.client.session = session
    try:
        yield
    finally:
        app.client.session = None
        await session.close()


async def run_socket_mode(
    app: AsyncApp, app_token: str, *, on_connected: Callable[[], None] | None = None
) -> None:
    """Connect over Socket Mode and serve until cancelled (call validate_tokens first);
    `on_connected` runs once the connection is open, so nothing claims a connection before."""
    async with shared_http_session(app):
        # The handler binds to the running loop on construction, so it is built here and not
        # earlier.
        handler = AsyncSocketModeHandler(app, app_token)
        try:
            await handler.connect_async()  # type: ignore[no-untyped-call]
            if on_connected is not None:
                on_connected()
            await asyncio.Event().wait()
        finally:
            await handler.close_async()  # type: ignore[no-untyped-call]
