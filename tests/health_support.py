"""A bot with device health on the shared sandbox: build_runtime exactly as production, with the
Alexa for Business and ASP Endpoints clients over HTTP, a FakeClock and everyone an engineer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from core_helpers import BotUnderTest, config_for, settings_for

from bot.clock import FakeClock
from bot.health.desk import HealthDesk
from bot.runtime import build_runtime
from bot.sandbox.faults import Faults
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World
from bot.settings import RolesConfig

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
# a key pair the sandbox's default world accepts (it verifies SigV4)
FAKE_AWS = {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "fake-secret-for-tests"}


@asynccontextmanager
async def health_bot(
    server: SandboxServer,
    world: World,
    db_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    clock: FakeClock | None = None,
    faults: Faults | None = None,
    sandbox_clock: bool = False,
    database_url: str | None = None,
) -> AsyncIterator[BotUnderTest]:
    """The bot on `world` (index synced, devices not yet read); `sandbox_clock` makes the sandbox
    keep time with the bot's FakeClock (its rate limit then refills as the bot's waits pass);
    `database_url`: a replica on that PostgreSQL (BOT_DATABASE_URL)."""
    for name, value in FAKE_AWS.items():
        monkeypatch.setenv(name, value)
    clock = clock or FakeClock(world.now or NOW)
    server.reset(world, faults, clock=clock if sandbox_clock else None)
    roles = RolesConfig(engineer=["*"])
    settings = settings_for(server, world, db_dir / "bot.db")
    if database_url is not None:
        settings = settings.model_copy(update={"bot_database_url": database_url})
    runtime = await build_runtime(settings, config_for(world, roles=roles), clock=clock)
    try:
        await runtime.sync()
        server.sandbox.stats.reset()
        yield BotUnderTest(runtime, server, clock)
    finally:
        await runtime.aclose()


def desk_of(bot: BotUnderTest) -> HealthDesk:
    desk = bot.runtime.services.health
    assert isinstance(desk, HealthDesk)
    return desk


def endpoint_calls(bot: BotUnderTest) -> int:
    """Requests the sandbox served on the ASP Endpoints API."""
    return sum(n for key, n in bot.stats()["requests"].items() if " /v2/endpoints" in key)
