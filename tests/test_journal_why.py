"""One test per failure of the issue's "Why" list that the change journal fixes (issue 11)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from core_helpers import BotUnderTest, text_of

from bot.core.access.context import Message
from bot.core.ledger.journal import UNKNOWN, Author, Planned, SqliteJournal
from bot.core.shared.replies import ActionKind, ReplyKind
from bot.index.db import open_index
from bot.sandbox.faults import FaultRule
from bot.sandbox.world import Station

JAZZ = ("I_HEART_RADIO", "4242")
POP = ("I_HEART_RADIO", "4422")
A = "amzn1.alexa.unit.did."


async def test_a_message_with_invalid_utf8_is_applied_and_audited(small_bot: BotUnderTest) -> None:
    """Undecodable bytes (lone surrogates) in a message no longer fail the audit after Amazon
    applied the change: the change is made, audited, and answered as done."""
    reply = await small_bot.say("set room 102 at Hotel A to pop \udcff")
    assert reply.kind == ReplyKind.SUCCESS, text_of(reply)
    entry = small_bot.runtime.services.audit.entries(limit=1)[0]
    assert entry.outcome == "ok" and entry.text.endswith("?")
    assert small_bot.station("Hotel A", "102") == POP


def test_a_journal_write_waits_out_a_locked_database(tmp_path: Path) -> None:
    """Another process holding the file locked (longer than SQLite's busy timeout) delays the
    journal write instead of losing it."""
    path = tmp_path / "bot.db"
    db = open_index(path)
    db.conn.execute("PRAGMA busy_timeout = 1")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a writer that does not let go
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 3:
            other.execute("COMMIT")

    journal = SqliteJournal(db.conn, sleep=sleep)
    author = Author("console", "alice", None, "SetStation")
    from datetime import UTC, datetime

    [row] = journal.queue(
        1, author, [Planned(f"{A}X", "1", "P", "station", {"a": 1})], datetime.now(UTC)
    )
    assert len(waits) == 3 and journal.rows(1) == [row]


async def test_one_persons_messages_run_in_arrival_order(small_bot: BotUnderTest) -> None:
    """`undo` sent while the change before it is still running waits for it, and so undoes that
    change (it used to revert the change before)."""
    await small_bot.say("set room 101 at Hotel A to pop")
    small_bot.server.sandbox.faults.update(latency_ms=40)
    engine = small_bot.runtime.engine

    async def say(text: str) -> str:
        return (await engine.handle(Message(text, "alice", None, "console"))).headline

    change = asyncio.create_task(say("set room 102 at Hotel A to jazz"))
    await asyncio.sleep(0.01)  # the change is on its way to Amazon
    undone = await say("undo")
    await change
    assert "102" in undone and "no station before" in undone
    assert small_bot.station("Hotel A", "101") == POP  # the earlier change was left alone


async def test_a_redelivered_message_is_applied_once(small_bot: BotUnderTest) -> None:
    """The same delivery id twice (a platform retry): applied and audited once."""
    first = await small_bot.say("set room 102 at Hotel A to pop", request_id="event:Ev9")
    again = await small_bot.say("set room 102 at Hotel A to pop", request_id="event:Ev9")
    assert first.kind == ReplyKind.SUCCESS and "Already done" in again.headline
    assert small_bot.stats()["station_puts"] == {f"{A}A102": 1}
    assert len(small_bot.runtime.services.audit.entries()) == 1


async def test_a_newer_confirmation_takes_the_bare_yes_and_the_older_card_still_works(
    small_bot: BotUnderTest,
) -> None:
    """A second request that needs a yes supersedes the first for a typed `yes` (and says so);
    the first card's button still runs its own request."""
    first = await small_bot.say("clear alarms in rooms 204, 205 at Hotel A")
    second = await small_bot.say("clear alarms in rooms 101, 204 at Hotel A")
    assert first.kind == second.kind == ReplyKind.CONFIRM and first.ref != second.ref
    assert any("dropped your earlier unanswered request" in n for n in second.notes), second.notes
    done = await small_bot.say("yes")
    assert done.kind in (ReplyKind.SUCCESS, ReplyKind.SUMMARY), text_of(done)
    assert small_bot.room("Hotel A", "101").alarms == 0  # the second request
    assert small_bot.room("Hotel A", "205").alarms != 0  # not the first
    nothing = await small_bot.say("yes")
    assert "nothing waiting" in nothing.headline, nothing.headline
    button = next(a for a in first.actions if a.kind == ActionKind.CONFIRM)
    pressed = await small_bot.say(button.value)
    assert pressed.kind in (ReplyKind.SUCCESS, ReplyKind.SUMMARY), text_of(pressed)
    assert "of 2 rooms" in text_of(pressed)  # 204 and 205: its own request (205 has faults)


async def test_undo_asks_first_when_someone_changed_the_room_since(
    small_bot: BotUnderTest,
) -> None:
    """Undo of a room someone changed since asks before overwriting; `yes` then puts it back."""
    await small_bot.say("set room 101 at Hotel A to pop")
    small_bot.room("Hotel A", "101").station = Station(providerId="I_HEART_RADIO", stationId="4418")
    small_bot.reset_stats()
    asked = await small_bot.say("undo")
    assert asked.kind == ReplyKind.CONFIRM and "changed" in asked.headline, text_of(asked)
    assert small_bot.mutating_requests() == {}
    done = await small_bot.say("yes")
    assert done.kind == ReplyKind.SUCCESS, text_of(done)
    assert small_bot.station("Hotel A", "101") == JAZZ


async def test_a_room_renamed_or_removed_at_amazon_is_not_written(small_bot: BotUnderTest) -> None:
    """Since the last sync room 102 was renamed and room 205 removed at Amazon: neither is
    written to, and the reply says which and why instead of "done"."""
    king = small_bot.state.world.properties[0].roomTypes[0]
    small_bot.room("Hotel A", "102").name = "102B"
    king.rooms = [r for r in king.rooms if r.name != "205"]
    reply = await small_bot.say("set rooms 101, 102, 205 at Hotel A to pop")
    text = text_of(reply)
    assert "now called 102B" in text and "removed at Amazon" in text, text
    assert small_bot.stats()["station_puts"] == {f"{A}A101": 1}


async def test_clearing_alarms_whose_answer_is_a_500_after_applying_is_not_confirmed_not_failed(
    small_bot: BotUnderTest,
) -> None:
    """Amazon deletes the alarms and then answers 500: the room is "not confirmed" (the alerts API
    has no read), never "failed", and `retry failed` is offered."""
    small_bot.server.sandbox.faults.update(
        rules=[FaultRule("apply_then_500", method="DELETE", units=[f"{A}A101"])]
    )
    await small_bot.say("clear alarms in rooms 101, 102 at Hotel A")
    reply = await small_bot.say("yes")
    assert "not confirmed" in text_of(reply).lower(), text_of(reply)
    entry = small_bot.runtime.services.audit.entries(limit=1)[0]
    by_room = {c.unit_name: c.state for c in entry.changes}
    assert by_room == {"101": UNKNOWN, "102": "applied"}
    assert small_bot.room("Hotel A", "101").alarms == 0
    assert any(a.value.startswith("retry failed ") for a in reply.actions)


async def test_under_throttling_the_user_hears_at_once_and_the_change_goes_through(
    small_bot: BotUnderTest,
) -> None:
    """Amazon answers 429 six times in a row (63 s of seed-004 waits, past the 25 s command
    deadline): the first progress message says Amazon is throttling and the run continues, and the
    change is then applied, never reported as failed."""
    small_bot.server.sandbox.faults.update(
        rules=[FaultRule("429", method="PUT", units=[f"{A}A102"], attempts=6)]
    )
    reply = await small_bot.say("set room 102 at Hotel A to pop")
    assert small_bot.progress and "throttling" in small_bot.progress[0].headline
    assert "continues" in small_bot.progress[0].headline
    assert reply.kind == ReplyKind.SUCCESS, text_of(reply)
    assert small_bot.station("Hotel A", "102") == POP
    assert [s for s in small_bot.clock.sleeps if s >= 1] == [1, 2, 4, 8, 16, 32]  # type: ignore[attr-defined]
