"""The audit keeps a request's context: an answer to one of the bot's questions is logged as the
whole request understood (the answer noted), and a change that found everything as asked is
logged as unchanged, not as "ok, 1 change" (trial findings, item 16)."""

from __future__ import annotations

from core_helpers import BotUnderTest, text_of

from bot.core.ledger.audit import AuditEntry
from bot.core.shared.replies import ReplyKind


def _latest(bot: BotUnderTest) -> AuditEntry:
    return bot.runtime.services.audit.entries(limit=1)[0]


async def test_a_picked_choice_is_logged_as_the_request_it_picked(small_bot: BotUnderTest) -> None:
    """`set room 101 to pop` asks which 101; the answer "1" is logged as the request it completes."""
    asked = await small_bot.say("set room 101 to pop")
    assert asked.kind == ReplyKind.QUESTION, text_of(asked)
    done = await small_bot.say("1")
    assert done.kind == ReplyKind.SUCCESS, text_of(done)
    entry = _latest(small_bot)
    assert entry.text != "1"
    assert "101" in entry.text and "pop" in entry.text.lower(), entry.text
    assert entry.text.endswith("(answer: \u201c1\u201d)"), entry.text


async def test_a_station_given_as_an_answer_is_logged_with_the_rephrased_request(
    small_bot: BotUnderTest,
) -> None:
    """ "Which station?" answered "pop": the audit shows the whole request, rephrased."""
    asked = await small_bot.say("set room 102 at Hotel A to xyzzy")
    assert asked.kind == ReplyKind.QUESTION and "Which station?" in asked.headline
    await small_bot.say("pop")
    entry = _latest(small_bot)
    assert entry.text == "set room 102 to pop at Hotel A (answer: \u201cpop\u201d)", entry.text


async def test_a_no_to_a_confirmation_is_logged_with_what_it_declined(
    small_bot: BotUnderTest,
) -> None:
    """ "no" to "Delete all alarms …?" is logged as that request, cancelled, not as "no"."""
    await small_bot.say("clear alarms in rooms 204, 205 at Hotel A")
    await small_bot.say("no")
    entry = _latest(small_bot)
    assert entry.outcome == "cancelled"
    assert entry.text == "clear alarms in rooms 204, 205 at Hotel A (answer: \u201cno\u201d)"


async def test_a_change_to_what_the_room_already_has_is_logged_unchanged(
    small_bot: BotUnderTest,
) -> None:
    """Room 101 already plays Jazz: `set room 101 at Hotel A to jazz` is recorded "unchanged"
    (outcome and change state), `recent changes` shows "unchanged" and "0 (1 unchanged)", and
    `bot audit --json` keeps its shape."""
    await small_bot.say("set room 101 at Hotel A to jazz")
    entry = _latest(small_bot)
    assert entry.outcome == "unchanged"
    [change] = entry.as_json()["changes"]
    assert {"unit_id", "unit_name", "property", "before", "after", "ok", "state"} <= set(change)
    assert change["state"] == "unchanged" and change["ok"] is True
    shown = await small_bot.say("recent changes")
    assert shown.table is not None
    row = next(r for r in shown.table.rows if r[2] == "set room 101 at Hotel A to jazz")
    assert row[3:] == ["unchanged", "0 (1 unchanged)"], row
