"""Writes whose answer is lost (dropped, or a 500 after Amazon applied them) are read back and
audited as what is true, with their real previous value; `undo` then restores every room."""

from __future__ import annotations

from pathlib import Path

import pytest
from core_helpers import bot_on, text_of
from journal_support import HOTEL, JAZZ, journal_world, room_id, stations_of

from bot.core.ledger.journal import APPLIED, UNKNOWN
from bot.core.shared.replies import ReplyKind
from bot.sandbox.faults import FaultRule, Faults
from bot.sandbox.server import SandboxServer

LOST = ["303", "307", "311"]


@pytest.mark.parametrize("fault", ["apply_then_drop", "apply_then_500"])
async def test_a_12_room_change_with_3_lost_answers_is_audited_whole_and_undone_whole(
    sandbox: SandboxServer, tmp_path: Path, fault: str
) -> None:
    """Every write to rooms 303, 307 and 311 is applied but its answer lost: the reply says all
    12 were set (never "failed"), the audit has 12 applied changes with each room's true previous
    station, and `undo` puts all 12 back (its own writes to those rooms losing answers too)."""
    world = journal_world()
    rule = FaultRule(fault, method="PUT", units=[room_id(n) for n in LOST])  # type: ignore[arg-type]
    async with bot_on(sandbox, world, tmp_path, faults=Faults(rules=[rule])) as bot:
        rooms = bot.state.world.properties[0].roomTypes[0].rooms
        original = stations_of(rooms)
        await bot.say(f"set rooms 301-312 at {HOTEL} to jazz")
        done = await bot.say("yes")
        assert done.kind == ReplyKind.SUCCESS, text_of(done)
        assert done.headline.startswith("Set 12 of 12 rooms"), done.headline
        assert "failed" not in text_of(done)
        assert all(v == JAZZ for v in stations_of(rooms).values())

        entry = bot.runtime.services.audit.entries(limit=1)[0]
        assert len(entry.changes) == 12 and entry.outcome == "ok"
        assert {c.unit_name: c.before for c in entry.changes} == original
        assert all(c.state == APPLIED and c.after == JAZZ for c in entry.changes)

        undone = await bot.say("undo")
        assert undone.kind == ReplyKind.SUCCESS, text_of(undone)
        assert "12 of 12 rooms put back" in undone.headline
        assert stations_of(rooms) == original


async def test_an_answer_lost_and_unreadable_is_not_confirmed_never_failed(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """When the write's answer is lost and reading the room back fails too, the room is "not
    confirmed" (state unknown), offered for retry, and never called failed."""
    world = journal_world(1)
    unit = room_id("301")
    rules = [
        FaultRule("apply_then_drop", method="PUT", units=[unit]),
        # the read before the write passes; every read after it fails
        FaultRule("500", method="GET", path="settings", units=[unit], share=1.0),
    ]
    async with bot_on(sandbox, world, tmp_path) as bot:
        bot.server.faults.update(rules=[rules[0]])
        # The read before happens first; switch on the failing reads once the write is pending.
        journal = bot.runtime.services.journal
        begin = journal.begin

        def begin_then_break_reads(*args, **kwargs):  # type: ignore[no-untyped-def]
            bot.server.faults.update(rules=rules)
            return begin(*args, **kwargs)

        journal.begin = begin_then_break_reads  # type: ignore[method-assign]
        reply = await bot.say(f"set room 301 at {HOTEL} to jazz")
        assert reply.headline.startswith("Not confirmed") and "Couldn" not in reply.headline
        assert "failed" not in reply.headline.replace("`retry failed`", "")
        assert any(a.value.startswith("retry failed ") for a in reply.actions)
        entry = bot.runtime.services.audit.entries(limit=1)[0]
        assert entry.changes[0].state == UNKNOWN
        assert entry.changes[0].before is not None  # read before writing, always


async def test_a_read_that_fails_before_writing_means_nothing_is_written(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """If the current station cannot be read, the room is not written at all (undo would have
    nothing to put back), and the reply says so."""
    world = journal_world(1)
    unit = room_id("301")
    faults = Faults(rules=[FaultRule("500", method="GET", path="settings", units=[unit])])
    async with bot_on(sandbox, world, tmp_path, faults=faults) as bot:
        reply = await bot.say(f"set room 301 at {HOTEL} to jazz")
        assert reply.kind == ReplyKind.ERROR and "nothing was written" in reply.headline
        assert bot.mutating_requests() == {}
