"""Device refreshes under Amazon's throttling: each one keeps what it got (serial look-ups, the
device list, each device's events), so successive refreshes make progress and never repeat finished
work; background work follows seed 004's 429 rule to the end; and where a device's history is not
fetched yet, the answers say so instead of guessing a "since" or a 0 % uptime."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build_small_world
from core_helpers import text_of
from health_support import NOW, desk_of, endpoint_calls, health_bot

from bot.clients.errors import ApiError
from bot.clients.retry import RetryPolicy, retry_policy
from bot.core.shared.replies import ReplyKind
from bot.health.refresh import RefreshReport
from bot.sandbox.faults import FaultRule, Faults
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World


def world_at_now(world: World) -> World:
    world.now = NOW
    return world


async def test_throttled_refreshes_keep_their_progress_and_never_repeat_it(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One request a second allowed, refreshes of 2.5 s each (the sandbox keeps the bot's time):
    what each one gets (serial look-ups, histories) is kept, the next goes on from there, and once
    all is fetched a refresh makes no Endpoints call."""
    world = world_at_now(build_small_world())
    async with health_bot(sandbox, world, tmp_path, monkeypatch, sandbox_clock=True) as bot:
        desk = desk_of(bot)
        sandbox.sandbox.faults = Faults(rps=1)
        known, pending, runs = 0, 10**6, 0
        while pending and runs < 40:
            runs += 1
            deadline_at = bot.clock.monotonic() + 2.5
            with retry_policy(RetryPolicy(deadline_at)):
                try:
                    report = await desk._refresh(deadline_at)
                except ApiError:  # the device list itself did not fit this time
                    continue
            now_known = len(desk.store.endpoint_map())
            assert now_known >= known and report.events_pending <= pending, report.describe()
            known, pending = now_known, report.events_pending
        assert pending == 0 and runs < 40
        assert not any(d.history_incomplete for d in desk.store.devices())
        before = endpoint_calls(bot)
        report = await desk._refresh(None)
        assert report.endpoint_calls == 0 and endpoint_calls(bot) == before


async def test_background_refresh_follows_the_429_rule_to_the_end(
    sandbox: SandboxServer, demo_world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`bot sync --devices` (refresh with wait) under `--rps 5`: it waits out the throttling one
    call at a time and ends with every device's history fetched."""
    async with health_bot(
        sandbox, world_at_now(demo_world), tmp_path, monkeypatch, sandbox_clock=True
    ) as bot:
        desk = desk_of(bot)
        sandbox.sandbox.faults = Faults(rps=5)
        reply = await desk.refresh(wait=True)
        assert reply.kind == ReplyKind.SUCCESS, reply.headline
        report = desk.freshness.last_result
        assert isinstance(report, RefreshReport)
        assert report.events_pending == 0 and report.event_calls >= 285
        assert "still to fetch" not in reply.headline
        again = await desk.refresh(wait=True)
        assert "0 to ASP endpoints" in again.headline


async def test_incomplete_history_is_said_not_guessed(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Amazon throttling every ListDeviceEvents: the offline device of 205 shows "history
    incomplete" (not offline for 30 days), `history 205` says its events are not known yet, uptime
    leaves it out instead of 0 %, and the digest names it without a since."""
    async with health_bot(sandbox, world_at_now(build_small_world()), tmp_path, monkeypatch) as bot:
        sandbox.sandbox.faults = Faults(
            rules=[FaultRule("429", target="AlexaForBusiness.ListDeviceEvents")]
        )
        desk = desk_of(bot)
        await desk.refresh()
        assert all(d.history_incomplete for d in desk.store.devices())
        offline = text_of(await bot.say("offline devices"))
        assert "history incomplete" in offline and "30 d" not in offline, offline
        assert "Amazon has not given their events yet" in offline
        history = text_of(await bot.say("history 205 at Hotel A"))
        assert "history incomplete" in history.lower() and "last 7 d" not in history, history
        uptime = text_of(await bot.say("uptime 24h"))
        assert "0.0%" not in uptime and "history incomplete" in uptime, uptime
        [prop] = [p for p in bot.runtime.index.properties() if p.name == "Hotel A"]
        digest = text_of(await desk.digest(prop.id))
        assert "since unknown: history incomplete" in digest, digest
        assert "30 d" not in digest
