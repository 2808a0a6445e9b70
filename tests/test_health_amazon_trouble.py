"""Amazon trouble is not the bot's failure: with Amazon failing or throttling, health commands answer
within the chat deadline (bench/health_answer.py times it) from the last known state, say how old it is and that Amazon is the cause,
and the refresh goes on in the background."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build_small_world
from core_helpers import BotUnderTest, text_of
from health_support import NOW, desk_of, health_bot

from bot.clock import FakeClock
from bot.core.shared.replies import ReplyKind
from bot.sandbox.faults import FaultRule, Faults
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World


def world_at_now(world: World) -> World:
    world.now = NOW
    return world


async def said_and_kind(bot: BotUnderTest, text: str) -> tuple[str, ReplyKind]:
    """(everything said, kind) of one message. How fast it comes in real time is measured by
    bench/health_answer.py, not asserted here."""
    reply = await bot.say(text)
    return text_of(reply), reply.kind


async def test_server_errors_answer_from_the_last_known_state_with_its_age(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every Amazon request answering 500: `offline devices` answers in time, "as of 10 min ago",
    blaming Amazon; `sync devices` says the same instead of "something went wrong"."""
    async with health_bot(sandbox, world_at_now(build_small_world()), tmp_path, monkeypatch) as bot:
        fresh = await bot.say("offline devices")
        assert "as of" not in fresh.headline
        assert isinstance(bot.clock, FakeClock)
        bot.clock.advance(600)
        sandbox.sandbox.faults = Faults(p5xx=1.0)
        said, _ = await said_and_kind(bot, "offline devices")
        assert "(as of 10 min ago)" in said and "SA204" in said
        assert "Amazon is answering with server errors" in said, said.splitlines()[1]
        synced, kind = await said_and_kind(bot, "sync devices")
        assert "Amazon is answering with server errors" in synced and kind == ReplyKind.ERROR
        assert "went wrong" not in synced
        # Amazon recovers: the next refresh (in the background or on demand) brings the index up
        sandbox.sandbox.faults = Faults()
        desk = desk_of(bot)
        if await desk.refresh_now() is not None:  # the background one had given up already
            assert await desk.refresh_now() is None
        again = await bot.say("offline devices")
        assert "as of" not in again.headline


async def test_throttling_answers_from_the_last_known_state(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Amazon throttling every device search: the seed's waits (1 s, 2 s, ...) do not fit the answer
    budget, so `offline devices` answers at once from the last known state, says how old it is and
    that Amazon throttles; when the throttling stops, the index is brought up to date."""
    async with health_bot(sandbox, world_at_now(build_small_world()), tmp_path, monkeypatch) as bot:
        await bot.say("sync devices")
        assert isinstance(bot.clock, FakeClock)
        bot.clock.advance(3600)
        throttle = FaultRule("429", target="AlexaForBusiness.SearchDevices")
        sandbox.sandbox.faults = Faults(rules=[throttle])
        said, _ = await said_and_kind(bot, "offline devices")
        assert "(as of 1 h 0 min ago)" in said and "Amazon is throttling" in said, said
        sandbox.sandbox.faults = Faults()
        desk = desk_of(bot)
        if await desk.refresh_now() is not None:  # the background one had given up already
            assert await desk.refresh_now() is None
        assert "as of" not in (await bot.say("offline devices")).headline


async def test_a_rate_limit_of_five_a_second_still_answers_in_time(
    sandbox: SandboxServer,
    demo_world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`--rps 5` on the demo chain (the sandbox keeps the bot's time): the refresh that a stale
    `offline devices` starts fits the answer budget or gives way to the last known state; either
    way the answer lists the offline devices."""
    async with health_bot(
        sandbox, world_at_now(demo_world), tmp_path, monkeypatch, sandbox_clock=True
    ) as bot:
        await bot.say("sync devices")
        assert isinstance(bot.clock, FakeClock)
        bot.clock.advance(3600)
        sandbox.sandbox.faults = Faults(rps=5)
        said, _ = await said_and_kind(bot, "offline devices")
        assert said.startswith("15 of 299 devices are offline"), said[:200]


async def test_no_state_yet_says_so_and_keeps_loading(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Amazon failing before any device was read: the answer says there is no state yet, that
    Amazon is the cause, and that loading goes on; front desk hears it in plain words."""
    async with health_bot(sandbox, world_at_now(build_small_world()), tmp_path, monkeypatch) as bot:
        sandbox.sandbox.faults = Faults(p5xx=1.0)
        said, kind = await said_and_kind(bot, "offline devices")
        assert "no device state has been read yet" in said and "Amazon" in said
        assert kind == ReplyKind.ERROR
        desk = desk_of(bot)
        room = bot.runtime.index.find_rooms("204")[0]
        plain = await desk.room_online([room.room_id])
        assert plain.headline.startswith("I can't tell right now: amazon is answering")
