"""Bulk station changes against a sandbox that injects 429s and 5xxs (seeded), over real HTTP.

The bot runs on a FakeClock, so the client's 429 schedule (1 s, 2 s, 4 s …) and 5xx backoff cost
no real time; the sandbox injects faults before its handlers run, so a faulted request changes
nothing and the per-unit PUT counters in its stats count applied updates exactly.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

from core_helpers import BotUnderTest, bot_on, config_for, text_of

from bot.core.shared.replies import ActionKind, ReplyKind
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import Room, World

JAZZ_US = ("I_HEART_RADIO", "4242")
HV = "Harbor View Seattle"
GET_STATION = "GET /v2/units/{unitId}/settings/MusicExperience.defaultStationPreferences"


def deluxe_king(bot: BotUnderTest) -> list[Room]:
    prop = next(p for p in bot.state.world.properties if p.name == HV)
    return next(rt for rt in prop.roomTypes if rt.name == "Deluxe King").rooms


def station(room: Room) -> tuple[str, str] | None:
    return (room.station.providerId, room.station.stationId) if room.station else None


async def _bulk_bot(sandbox: SandboxServer, world: World, tmp_path: Path):  # type: ignore[no-untyped-def]
    # A long deadline (fake time) so that the endless 429 rule of seed 004 is followed to the end.
    return bot_on(
        sandbox,
        world,
        tmp_path,
        config=config_for(world, command_deadline_seconds=3600, bulk_concurrency=8),
    )


async def test_429s_are_waited_out_and_every_room_is_set_once(
    sandbox: SandboxServer, demo_world: World, tmp_path: Path
) -> None:
    """30 % injected 429s: every room ends on the station, each applied exactly once, the waits
    follow seed 004."""
    async with await _bulk_bot(sandbox, demo_world, tmp_path) as bot:
        rooms = deluxe_king(bot)
        need = {r.id for r in rooms if station(r) != JAZZ_US}
        bot.server.faults.update(p429=0.3, seed=7)
        asked = await bot.say(f"set room type Deluxe King at {HV} to jazz")
        assert asked.kind == ReplyKind.CONFIRM
        done = await bot.say("yes")
        assert done.kind == ReplyKind.SUCCESS, text_of(done)
        stats = bot.stats()
        assert stats["injected"].get("injected_429", 0) > 0
        assert all(station(r) == JAZZ_US for r in rooms)
        assert stats["station_puts"] == dict.fromkeys(need, 1)  # none lost, none doubled
        sleeps = [s for s in bot.clock.sleeps if s >= 1]
        assert sleeps and set(sleeps) <= {1.0, 2.0, 4.0, 8.0, 16.0, 32.0}


async def test_5xx_failures_are_reported_by_room_and_retry_failed_reruns_only_them(
    sandbox: SandboxServer, demo_world: World, tmp_path: Path
) -> None:
    """Heavy 5xx (and some 429): each failed room is listed with why; the rest are set once;
    `retry failed` then touches only the failed rooms, and no room is ever updated twice."""
    async with await _bulk_bot(sandbox, demo_world, tmp_path) as bot:
        rooms = deluxe_king(bot)
        by_name = {r.name: r for r in rooms}
        original = {r.id: station(r) for r in rooms}
        bot.server.faults.update(p5xx=0.55, p429=0.05, seed=3)
        await bot.say(f"set room type Deluxe King at {HV} to jazz")
        done = await bot.say("yes")
        assert done.kind == ReplyKind.SUMMARY, text_of(done)
        assert done.table is not None and done.table.columns[0] == "Failed room"
        failed_names = {row[0] for row in done.table.rows}
        assert failed_names and len(failed_names) < len(rooms)
        assert all(row[2] for row in done.table.rows)  # every failure says why
        # rooms whose answer was lost and could not be read back are "not confirmed", never "failed"
        counted = re.findall(r"(\d+) (?:failed|not confirmed)", done.headline)
        assert sum(int(n) for n in counted) == len(failed_names), done.headline
        assert any(a.kind == ActionKind.RETRY_FAILED for a in done.actions)
        for room in rooms:
            expected = original[room.id] if room.name in failed_names else JAZZ_US
            assert station(room) == expected, room.name
        first_puts = dict(bot.stats()["station_puts"])
        assert all(n == 1 for n in first_puts.values())
        entry = bot.runtime.services.audit.entries(limit=1)[0]
        assert entry.outcome == "partial"
        assert {c.unit_name for c in entry.changes if not c.ok} == failed_names

        bot.server.faults.reset()
        bot.reset_stats()
        again = await bot.say("retry failed")
        assert again.kind == ReplyKind.SUCCESS, text_of(again)
        assert all(station(r) == JAZZ_US for r in rooms)
        stats = bot.stats()
        assert stats["requests"][GET_STATION] == len(failed_names)  # only the failures were re-run
        assert set(stats["station_puts"]) <= {by_name[n].id for n in failed_names}
        for unit, n in stats["station_puts"].items():
            assert n + first_puts.get(unit, 0) == 1  # never applied twice across both runs
        nothing = await bot.say("retry failed")
        assert "no failed rooms" in nothing.headline


async def test_progress_is_reported_at_most_every_two_seconds(
    sandbox: SandboxServer, demo_world: World, tmp_path: Path
) -> None:
    """A slow (throttled) bulk run reports progress through the callback, never twice within 2 s of
    clock.
    """
    async with await _bulk_bot(sandbox, demo_world, tmp_path) as bot:
        bot.server.faults.update(p429=0.4, seed=11)
        await bot.say(f"set room type Deluxe King at {HV} to classical")
        await bot.say("yes")
        assert bot.progress, "no progress was reported"
        assert all(p.kind == ReplyKind.PROGRESS for p in bot.progress)
        # Besides the counts, the user hears (at most every 30 s) that Amazon is throttling.
        counts = [
            (p, at) for p, at in zip(bot.progress, bot.progress_at, strict=True)
            if "throttling" not in p.headline
        ]  # fmt: skip
        assert all("of 40 rooms" in p.headline for p, _at in counts)
        assert any("throttling" in p.headline for p in bot.progress)
        times = [at for _p, at in counts]
        gaps = [b - a for a, b in pairwise(times)]
        assert all(gap >= 2.0 for gap in gaps), gaps


async def test_a_repeated_delivery_is_applied_once(small_bot: BotUnderTest) -> None:
    """The same platform delivery id twice (a retried webhook) changes the room once."""
    first = await small_bot.say("set room 102 at Hotel A to jazz", request_id="Ev-1")
    second = await small_bot.say("set room 102 at Hotel A to jazz", request_id="Ev-1")
    assert first.kind == ReplyKind.SUCCESS
    assert "Already done" in second.headline
    assert sum(small_bot.stats()["station_puts"].values()) == 1


def test_sandbox_rate_limit_can_be_per_operation() -> None:
    """With per_operation, each API operation has its own bucket (Amazon throttles per API), so a
    bulk run's GETs do not eat the PUTs' budget; without it one bucket is shared (the default)."""
    from bot.sandbox.faults import Faults, Verdict

    shared = Faults(rps=1, burst=1)
    assert shared.decide(0.0, "GET /x") is None
    assert shared.decide(0.0, "PUT /x") is Verdict.RATE_LIMITED
    split = Faults(rps=1, burst=1, per_operation=True)
    assert split.decide(0.0, "GET /x") is None
    assert split.decide(0.0, "PUT /x") is None
    assert split.decide(0.0, "PUT /x") is Verdict.RATE_LIMITED
    assert split.decide(1.0, "PUT /x") is None  # refilled after a second
