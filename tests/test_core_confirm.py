"""Confirmations: what asks first, yes / no, expiry, and who may answer. Real sandbox over HTTP."""

from __future__ import annotations

from pathlib import Path

from core_helpers import BotUnderTest, bot_on, config_for, text_of

from bot.clock import FakeClock
from bot.core.shared.replies import ActionKind, Reply, ReplyKind
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World
from bot.settings import RolesConfig

JAZZ_US = ("I_HEART_RADIO", "4242")
HV = "Harbor View Seattle"


def confirm_value(reply: Reply) -> str:
    """The text a Confirm button sends (`confirm <token>`)."""
    return next(a.value for a in reply.actions if a.kind == ActionKind.CONFIRM)


async def test_more_than_ten_rooms_asks_and_yes_applies(demo_bot: BotUnderTest) -> None:
    """11 rooms: the reply states the count and station and writes nothing; `yes` applies all 11."""
    rooms = [str(n) for n in range(101, 109)] + ["201", "202", "203"]
    reply = await demo_bot.say(f"set rooms {', '.join(rooms)} at {HV} to jazz", channel="desk")
    assert reply.kind == ReplyKind.CONFIRM, text_of(reply)
    assert ("Rooms", "11") in reply.fields and "Jazz" in reply.headline
    assert any("yes" in n and "10 minutes" in n for n in reply.notes)
    assert demo_bot.mutating_requests() == {}
    done = await demo_bot.say("yes", channel="desk")
    assert done.kind == ReplyKind.SUCCESS, text_of(done)
    assert all(demo_bot.station(HV, r) == JAZZ_US for r in rooms)


async def test_ten_rooms_do_not_ask(demo_bot: BotUnderTest) -> None:
    """Exactly 10 rooms (the limit) are applied at once."""
    reply = await demo_bot.say(f"set rooms 101-108, 201 and 202 at {HV} to jazz")
    assert reply.kind == ReplyKind.SUCCESS, text_of(reply)
    assert demo_bot.station(HV, "202") == JAZZ_US


async def test_no_cancels_and_nothing_changes(small_bot: BotUnderTest) -> None:
    """`no` drops the waiting change: nothing written, the cancel is audited, a later `yes` finds
    nothing.
    """
    before = small_bot.snapshot()
    reply = await small_bot.say("clear alarms in rooms 204, 205 at Hotel A")
    assert reply.kind == ReplyKind.CONFIRM
    cancelled = await small_bot.say("no")
    assert "Cancelled" in cancelled.headline and "Nothing was changed" in cancelled.headline
    assert small_bot.snapshot() == before and small_bot.mutating_requests() == {}
    assert small_bot.runtime.services.audit.entries(limit=1)[0].outcome == "cancelled"
    late = await small_bot.say("yes")
    assert "nothing waiting" in late.headline
    assert small_bot.snapshot() == before


async def test_confirmation_expires_after_ten_minutes(small_bot: BotUnderTest) -> None:
    """A `yes` 10 minutes later is refused as expired (FakeClock); nothing changes; audited."""
    clock = small_bot.clock
    assert isinstance(clock, FakeClock)
    before = small_bot.snapshot()
    await small_bot.say("clear alarms in rooms 204, 205 at Hotel A")
    clock.advance(9 * 60 + 59)
    still = small_bot.runtime.services.pending.latest_for("alice", None)
    assert still is not None
    clock.advance(1)
    reply = await small_bot.say("yes")
    assert "expired" in reply.headline and reply.kind == ReplyKind.ERROR
    assert small_bot.snapshot() == before and small_bot.mutating_requests() == {}
    assert small_bot.runtime.services.audit.entries(limit=1)[0].outcome == "expired"


async def test_someone_else_cannot_confirm(small_bot: BotUnderTest) -> None:
    """Bob pressing Alice's Confirm button gets "this isn't yours"; Alice's `yes` still works."""
    asked = await small_bot.say("clear alarms in rooms 204, 205 at Hotel A", user="alice")
    reply = await small_bot.say(confirm_value(asked), user="bob")
    assert reply.kind == ReplyKind.REFUSAL and "isn't yours" in reply.headline
    assert small_bot.room("Hotel A", "204").alarms == 3
    plain_yes = await small_bot.say("yes", user="bob")
    assert "nothing waiting" in plain_yes.headline  # bob's own `yes` never reaches alice's request
    done = await small_bot.say("yes", user="alice")
    assert done.kind in (ReplyKind.SUCCESS, ReplyKind.SUMMARY), text_of(done)


async def test_an_admin_can_confirm_someone_elses(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """An admin may answer another person's question (e.g. a manager approving a bulk change)."""
    config = config_for(
        small_world, roles=RolesConfig(admin=["boss"], front_desk=["*"]), confirm_over_rooms=2
    )
    async with bot_on(sandbox, small_world, tmp_path, config=config) as bot:
        asked = await bot.say("set room type King at Hotel A to jazz", user="alice")
        assert asked.kind == ReplyKind.CONFIRM
        done = await bot.say(confirm_value(asked), user="boss")
        assert done.kind == ReplyKind.SUCCESS, text_of(done)
        assert bot.station("Hotel A", "102") == JAZZ_US


async def test_deletes_always_ask(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """Deleting even one room asks first; `yes` deletes it on the sandbox and in the index."""
    config = config_for(small_world, roles=RolesConfig(admin=["boss"]))
    async with bot_on(sandbox, small_world, tmp_path, config=config) as bot:
        asked = await bot.say("delete room 102 at Hotel A", user="boss")
        assert asked.kind == ReplyKind.CONFIRM and "cannot be undone" in asked.headline
        assert any(a.danger for a in asked.actions)
        assert bot.mutating_requests() == {}
        done = await bot.say("yes", user="boss")
        assert done.kind == ReplyKind.SUCCESS, text_of(done)
        assert not any(r.name == "102" for r in bot.state.world.properties[0].roomTypes[0].rooms)
        assert bot.runtime.index.find_rooms("102") == []


async def test_clearing_alarms_in_one_room_does_not_ask(small_bot: BotUnderTest) -> None:
    """One room's alarms are cleared at once."""
    reply = await small_bot.say("clear alarms in 101 at Hotel A")
    assert reply.kind == ReplyKind.SUCCESS, text_of(reply)
    assert small_bot.room("Hotel A", "101").alarms == 0


async def test_clearing_alarms_in_several_rooms_asks_and_reports_each_failed_device(
    small_bot: BotUnderTest,
) -> None:
    """Two rooms ask first; after `yes`, failed devices (offline, FAILED) are listed by device."""
    asked = await small_bot.say("clear alarms in rooms 204, 205 at Hotel A")
    assert asked.kind == ReplyKind.CONFIRM and "2 rooms" in asked.headline
    done = await small_bot.say("yes")
    assert done.kind == ReplyKind.SUMMARY, text_of(done)
    assert done.table is not None
    failed = "\n".join(" ".join(row) for row in done.table.rows)
    # by device, in staff language: no endpoint ids
    assert "one device (device offline or unreachable)" in failed and "amzn1" not in failed
    assert failed.count("device (") >= 3
    entry = small_bot.runtime.services.audit.entries(limit=1)[0]
    assert entry.outcome == "failed" and entry.command == "ClearAlerts"
