"""Settings made in chat hold on every replica (issue 18): a channel bound, or a digest channel
set, through one replica is laid over the other replica's bot.toml on its next message (or its
next recovery sweep), without a restart. Real parts: build_runtime, the sandbox over HTTP,
PostgreSQL (skips without BOT_TEST_DATABASE_URL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from core_helpers import BotUnderTest, config_for, settings_for, text_of
from pg_support import fresh_database, needs_postgres

from bot.clock import FakeClock
from bot.core.commands.channel_settings import refresh_settings
from bot.core.shared.replies import ReplyKind
from bot.runtime import build_runtime
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World
from bot.settings import RolesConfig

pytestmark = needs_postgres


@asynccontextmanager
async def replica(
    server: SandboxServer, world: World, folder: Path, url: str, clock: FakeClock
) -> AsyncIterator[BotUnderTest]:
    """One replica on the shared database, with its own SQLite file; alice is an admin."""
    settings = settings_for(server, world, folder / "bot.db").model_copy(
        update={"bot_database_url": url}
    )
    config = config_for(world, roles=RolesConfig(admin=["alice"], front_desk=["*"]))
    runtime = await build_runtime(settings, config, clock=clock, with_health=False)
    try:
        await runtime.sync()
        yield BotUnderTest(runtime, server, clock)
    finally:
        await runtime.aclose()


@pytest.fixture
async def two_replicas(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> AsyncIterator[tuple[BotUnderTest, BotUnderTest]]:
    with fresh_database() as url:
        clock = FakeClock()
        async with (
            replica(sandbox, small_world, tmp_path / "a", url, clock) as first,
            replica(sandbox, small_world, tmp_path / "b", url, clock) as second,
        ):
            yield first, second


async def test_a_channel_bound_through_one_replica_defaults_requests_on_the_other(
    two_replicas: tuple[BotUnderTest, BotUnderTest],
) -> None:
    first, second = two_replicas
    bound = await first.say("bind this channel to Hotel A", platform="slack", channel="C-BIND")
    assert bound.kind == ReplyKind.SUCCESS, text_of(bound)
    assert second.runtime.config.property_for_channel("C-BIND") is None  # not read yet
    answer = await second.say("what's playing in room 204", platform="slack", channel="C-BIND")
    assert answer.kind == ReplyKind.INFO, text_of(answer)  # not "Which 204?"
    prop = second.runtime.config.property_for_channel("C-BIND")
    assert prop is not None and prop.name == "Hotel A"


async def test_a_digest_channel_set_through_one_replica_is_read_by_the_others_sweep(
    two_replicas: tuple[BotUnderTest, BotUnderTest],
) -> None:
    """The replica that runs the digests may get no message at all: its recovery sweep lays the
    settings again when their version moved, and only then."""
    first, second = two_replicas
    done = await first.say("set digest channel here for Hotel A", platform="slack", channel="C-D")
    assert done.kind == ReplyKind.SUCCESS, text_of(done)
    assert refresh_settings(second.runtime.services)
    prop = second.runtime.config.property_named("Hotel A")
    assert prop is not None and prop.digest_channel == "C-D"
    assert not refresh_settings(second.runtime.services)  # nothing new: nothing laid again
