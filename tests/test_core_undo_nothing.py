"""Undo that has nothing to put back: said plainly, never as a success, and the next undo walks back."""

from __future__ import annotations

from core_helpers import BotUnderTest, text_of

from bot.core.changes.undo import _no_station_note
from bot.core.ledger.audit import Change
from bot.core.shared.replies import ReplyKind
from bot.sandbox.faults import FaultRule


async def test_undo_of_a_change_to_rooms_without_a_station_is_not_a_success(
    small_bot: BotUnderTest,
) -> None:
    """When every room the last change touched had no station before, undo says so plainly (not
    ✔ "Undone: 0 of 0"), changes nothing, and offers to undo the change before it; a second `undo`
    then puts that earlier change back."""
    await small_bot.say("set room 101 at Hotel A to pop")
    await small_bot.say("set room 102 at Hotel A to jazz")
    reply = await small_bot.say("undo")
    assert reply.kind == ReplyKind.INFO, text_of(reply)
    assert "Undone" not in reply.headline and "0 of 0" not in text_of(reply)
    assert "room 102 at Hotel A had no station before" in reply.headline
    assert "Nothing was changed" in reply.headline
    assert any("set room 101 at Hotel A to pop" in note for note in reply.notes)
    assert small_bot.station("Hotel A", "102") == ("I_HEART_RADIO", "4242")

    again = await small_bot.say("undo")
    assert again.kind == ReplyKind.SUCCESS and "back on Jazz" in again.headline, text_of(again)
    assert small_bot.station("Hotel A", "101") == ("I_HEART_RADIO", "4242")


def test_no_station_list_is_sorted_and_says_how_many_more() -> None:
    """The rooms that had no station are listed sorted, at most ten, then "…and N more"."""
    blank = [
        Change("station", f"id{n}", str(n), "Hotel A", None, {"x": 1}) for n in range(112, 100, -1)
    ]
    note = _no_station_note(blank)
    assert note.startswith("12 rooms at Hotel A (101, 102, 103,")
    assert "110 \u2026and 2 more)" in note
    assert "111" not in note
    mixed = _no_station_note(
        [
            Change("station", "a", "99", "Hotel B", None, {}),
            Change("station", "b", "100", "Hotel A", None, {}),
        ]
    )
    assert mixed.startswith("2 rooms (100 (Hotel A), 99 (Hotel B)):")


async def test_undo_after_retry_failed_walks_back_to_the_first_run(small_bot: BotUnderTest) -> None:
    """After a partly failed change and a `retry failed` that only set rooms with no station
    before, `undo` puts back the rooms of the first run (never "Undone: 0 of 0")."""
    # Keyed to the request, not to arrival order: room 102's station write always fails.
    small_bot.server.faults.update(
        rules=[FaultRule("500", method="PUT", units=["amzn1.alexa.unit.did.A102"])]
    )
    first = await small_bot.say("set rooms 101, 102 at Hotel A to pop")
    assert first.kind == ReplyKind.SUMMARY, text_of(first)
    assert first.table is not None and [row[0] for row in first.table.rows] == ["102"]
    small_bot.server.faults.reset()
    again = await small_bot.say("retry failed")
    assert again.kind == ReplyKind.SUCCESS, text_of(again)
    reply = await small_bot.say("undo")
    assert "0 of 0" not in text_of(reply)
    assert reply.headline.startswith("Undone: room 101 at Hotel A is back on Jazz"), text_of(reply)
    assert any("102" in note and "no station before" in note for note in reply.notes)
    assert small_bot.station("Hotel A", "101") == ("I_HEART_RADIO", "4242")
