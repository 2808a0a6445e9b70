"""A module-scoped bot on the demo world whose engine records every command it dispatches, for
tests that check both what was understood (the Ctx) and what was replied."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

from core_helpers import BotUnderTest, bot_on

from bot.core.access.context import Ctx
from bot.core.shared.replies import Reply
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World
from bot.settings import BotConfig

RecordingBot = tuple[BotUnderTest, asyncio.AbstractEventLoop, list[Ctx]]


def recording_bot(
    server: SandboxServer, world: World, path: Path, config: BotConfig
) -> Iterator[RecordingBot]:
    """Yields (bot, its event loop, the Ctx of every dispatched command); closes both after."""
    loop = asyncio.new_event_loop()
    manager = bot_on(server, world, path, config=config)
    bot = loop.run_until_complete(manager.__aenter__())
    seen: list[Ctx] = []
    dispatch = bot.engine._dispatch

    async def recording(ctx: Ctx) -> Reply:
        seen.append(ctx)
        reply: Reply = await dispatch(ctx)
        return reply

    bot.engine._dispatch = recording
    try:
        yield bot, loop, seen
    finally:
        loop.run_until_complete(manager.__aexit__(None, None, None))
        loop.close()
