"""Helpers of the room-profile, user and object-type tests (issue 6).

`profile_bot(...)` is the core-tests bot (build_runtime on the shared sandbox, FakeClock) with
alice as admin and the A4B and Customer Profiles clients attached over real HTTP, each behind a
`Recorder` so tests can read exactly what was sent.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from botocore.credentials import Credentials
from core_helpers import BotUnderTest, bot_on, config_for

from bot.clients.a4b import A4BClient
from bot.clients.customer_profiles import CustomerProfilesClient
from bot.sandbox.aws_handlers import handle
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World
from bot.settings import RolesConfig

CREDENTIALS = Credentials("AKIDEXAMPLE", "fake-secret-for-tests")
DOMAIN = "hotel-guests"
ADMIN = "alice"
FRONT_DESK = "bob"


@dataclass
class Sent:
    method: str
    url: str
    target: str | None
    body: Any


@dataclass
class Recorder(httpx.AsyncBaseTransport):
    """Forwards to `inner` and remembers every request (method, URL, A4B target, JSON body)."""

    inner: httpx.AsyncBaseTransport
    sent: list[Sent] = field(default_factory=list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        content = await request.aread()
        self.sent.append(
            Sent(
                request.method,
                str(request.url),
                request.headers.get("x-amz-target"),
                json.loads(content) if content else None,
            )
        )
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        # the client closes its transport; without this the inner pool's sockets leak
        await self.inner.aclose()

    def bodies(self, operation: str) -> list[Any]:
        return [s.body for s in self.sent if s.target and s.target.endswith("." + operation)]

    def methods(self) -> list[str]:
        return [s.method for s in self.sent]


def handler_transport(
    state: Any, *, lose_first: Callable[[str], bool] | None = None
) -> httpx.MockTransport:
    """The sandbox's A4B handler in-process. `lose_first(operation)` makes the first such call be
    served but answered with a 500, as when Amazon did the work and the answer was lost."""
    lost: set[str] = set()

    def respond(request: httpx.Request) -> httpx.Response:
        target = request.headers.get("x-amz-target", "")
        body = json.loads(request.content or b"{}")
        status, payload = handle(target, body, request.headers, state)
        operation = target.rsplit(".", 1)[-1]
        if lose_first is not None and lose_first(operation) and operation not in lost:
            lost.add(operation)
            return httpx.Response(
                500, json={"__type": "ServiceUnavailableException", "message": "lost"}
            )
        return httpx.Response(status, json=payload, headers={"x-amzn-RequestId": "req-1"})

    return httpx.MockTransport(respond)


@dataclass
class ProfileBot:
    bot: BotUnderTest
    a4b: Recorder
    cp: Recorder

    async def say(self, text: str, *, user: str = ADMIN) -> Any:
        return await self.bot.say(text, user=user)


@asynccontextmanager
async def profile_bot(
    server: SandboxServer, world: World, tmp_path: Path, *, with_clients: bool = True
) -> AsyncIterator[ProfileBot]:
    config = config_for(world, roles=RolesConfig(admin=[ADMIN], front_desk=["*"]))
    async with bot_on(server, world, tmp_path, config=config, sync=False) as bot:
        a4b = Recorder(httpx.AsyncHTTPTransport())
        cp = Recorder(httpx.AsyncHTTPTransport())
        if with_clients:
            services = bot.runtime.services
            a4b_client = A4BClient(
                server.url, credentials=CREDENTIALS, transport=a4b, clock=bot.clock
            )
            profiles_client = CustomerProfilesClient(
                server.url,
                domain=DOMAIN,
                region="us-east-1",
                credentials=CREDENTIALS,
                transport=cp,
                clock=bot.clock,
            )
            services.a4b, services.customer_profiles = a4b_client, profiles_client
        try:
            yield ProfileBot(bot, a4b, cp)
        finally:
            if with_clients:
                await a4b_client.aclose()
                await profiles_client.aclose()
