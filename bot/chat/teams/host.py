"""Mounts the Teams endpoint (`POST /api/messages`) on the aiohttp app of `bot serve`.

Incoming requests are authenticated by the SDK's own JWT check (audience = our app id, Bot Framework
/ Entra issuers), applied to this route only so that Slack's endpoint and the health check keep
their own rules.

Teams gives the bot 15 seconds to accept a message and redelivers after that, while a bulk run may
take longer; so a message is accepted at once (202) and handled in a background task that answers
through the connector. Requests that want their replies in the response (`expectReplies`) and
other activities (installs) are handled inline.
"""

from __future__ import annotations

import asyncio
import json
import logging
import warnings
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Final

from aiohttp import web
from microsoft_agents.hosting.aiohttp import (
    CloudAdapter,
    jwt_authorization_decorator,
    start_agent_process,
)
from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState
from sqlite_utils import Database

from bot.chat.contract import ConversationEngine
from bot.chat.teams.agent import build_agent
from bot.chat.teams.config import (
    app_id,
    auth_configuration,
    connection_manager,
    sdk_configuration,
)
from bot.chat.teams.proactive import Proactive
from bot.chat.teams.store import ConversationStore
from bot.clock import Clock
from bot.sql import Sql

log = logging.getLogger(__name__)

MESSAGES_PATH: Final = "/api/messages"
# The SDK's JWT decorator reads its configuration from this (string) application key.
SDK_AUTH_KEY: Final = "agent_configuration"


@dataclass
class TeamsHost:
    agent: AgentApplication[TurnState]
    adapter: CloudAdapter
    store: ConversationStore
    pending: set[asyncio.Task[None]] = field(default_factory=set)

    def start(self, work: Coroutine[object, object, None]) -> None:
        task = asyncio.create_task(work)
        self.pending.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self.pending.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("Teams message failed", exc_info=task.exception())

    async def drain(self) -> None:
        """Wait for every message still being handled (shutdown, tests)."""
        while self.pending:
            await asyncio.gather(*self.pending, return_exceptions=True)


TEAMS_HOST_KEY: Final = web.AppKey("teams_host", TeamsHost)


async def _on_adapter_error(context: TurnContext, error: Exception) -> None:
    # Replaces the SDK default, which posts the exception text to the user.
    log.error("Teams adapter error: %s", error, exc_info=error)


def build_adapter(connections: object) -> CloudAdapter:
    adapter = CloudAdapter(connection_manager=connections)  # type: ignore[arg-type]
    adapter.on_turn_error = _on_adapter_error
    return adapter


def teams_setup(
    engine: ConversationEngine,
    db: Database | Sql,
    *,
    anonymous: bool = False,
    env: Mapping[str, str] | None = None,
    clock: Clock | None = None,
) -> Callable[[web.Application], None]:
    """The `extra_setup` hook for `build_web_app`: adds `POST /api/messages` served by the Teams
    agent.

    Credentials come from the SDK's settings names in `env` (default: the process environment).
    `anonymous=True` accepts requests without a token and sends replies without one: tests and local
    emulators only.
    """
    config = sdk_configuration(env, anonymous=anonymous)
    connections = connection_manager(config)
    auth = auth_configuration(connections, anonymous=anonymous)
    store = ConversationStore(db, clock)
    adapter = build_adapter(connections)
    proactive = Proactive(adapter, app_id(env), anonymous)
    host = TeamsHost(
        # a button press that outlasts its invoke finishes among the host's tasks (late-bound)
        agent=build_agent(engine, store, connections, proactive=proactive, clock=clock,
                          background=lambda work: host.start(work), plain_http_uploads=anonymous),
        adapter=adapter,
        store=store,
    )  # fmt: skip

    async def process(request: web.Request) -> web.StreamResponse:
        response = await start_agent_process(request, host.agent, host.adapter)
        return response if response is not None else web.Response(status=202)

    async def process_later(request: web.Request) -> None:
        response = await process(request)
        if response.status >= 400:
            log.warning("Teams message rejected by the SDK: HTTP %s", response.status)

    async def messages(request: web.Request) -> web.StreamResponse:
        raw = await request.read()  # aiohttp keeps the body, so the SDK can read it again later
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        if (
            isinstance(body, dict)
            and body.get("type") == "message"
            and body.get("deliveryMode") != "expectReplies"
        ):
            host.start(process_later(request))
            return web.Response(status=202)
        return await process(request)

    checked: Callable[[web.Request], Awaitable[web.StreamResponse]] = jwt_authorization_decorator(
        messages
    )  # type: ignore[no-untyped-call]

    async def guarded(request: web.Request) -> web.StreamResponse:
        if not _plausible_bearer(request.headers.get("Authorization")):
            return web.json_response({"error": "invalid token"}, status=401)
        return await checked(request)

    def setup(app: web.Application) -> None:
        app[TEAMS_HOST_KEY] = host
        with warnings.catch_warnings():
            # aiohttp's NotAppKeyWarning: the key name is the SDK's choice, not ours
            warnings.simplefilter("ignore")
            app[SDK_AUTH_KEY] = auth
        app.router.add_post(MESSAGES_PATH, guarded)

        async def finish_messages(_: web.Application) -> None:
            await host.drain()

        app.on_shutdown.append(finish_messages)

    return setup


def _plausible_bearer(header: str | None) -> bool:
    """A token the SDK's validator can judge: RS256 with a key id. `alg: none`, another
    algorithm, no `kid` or a token that does not parse is refused here with 401 (the SDK's key
    lookup raised on them: a 500 and a traceback). No header at all is the SDK's to judge
    (anonymous local emulators)."""
    if header is None:
        return True
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    import jwt

    try:
        fields = jwt.get_unverified_header(token.strip())
    except jwt.PyJWTError:
        return False
    return fields.get("alg") == "RS256" and bool(fields.get("kid"))
