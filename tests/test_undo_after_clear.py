"""`undo` after clearing alarms, reminders or timers says they cannot be put back, and names what
could be undone instead (trial findings, item 14)."""

from __future__ import annotations

from core_helpers import BotUnderTest, text_of

from bot.core.shared.replies import ActionKind, ReplyKind


async def test_undo_after_a_clear_says_alerts_cannot_be_restored_and_offers_the_earlier_change(
    small_bot: BotUnderTest,
) -> None:
    """After `set … to pop` then `clear alarms in 101`, `undo` changes nothing, says Amazon has no
    way to restore alarms, and offers to undo the station change; its button does that."""
    await small_bot.say("set room 101 at Hotel A to pop")
    cleared = await small_bot.say("clear alarms in room 101 at Hotel A")
    assert cleared.kind == ReplyKind.SUCCESS, text_of(cleared)
    small_bot.reset_stats()
    reply = await small_bot.say("undo")
    assert reply.kind == ReplyKind.REFUSAL, text_of(reply)
    assert "nothing of yours" not in reply.headline
    assert "deleted alarms" in reply.headline and "cannot be put back" in reply.headline
    assert "Amazon has no way to restore" in reply.headline
    assert small_bot.mutating_requests() == {}
    assert any("set room 101 at Hotel A to pop" in note for note in reply.notes), reply.notes
    [button] = [a for a in reply.actions if a.kind == ActionKind.UNDO]
    assert button.value == "undo 000001"
    back = await small_bot.say(button.value)
    assert back.kind == ReplyKind.SUCCESS, text_of(back)
    assert small_bot.station("Hotel A", "101") == ("I_HEART_RADIO", "4242")


async def test_undo_after_a_first_clear_says_there_is_nothing_earlier(
    small_bot: BotUnderTest,
) -> None:
    """With no earlier change, the reply says the alerts cannot be put back and nothing else can
    be undone here; `undo` with the clear's number says the same."""
    await small_bot.say("clear everything in rooms 101, 102 at Hotel A")
    await small_bot.say("yes")
    reply = await small_bot.say("undo")
    assert "alarms, reminders and timers" in reply.headline, text_of(reply)
    assert "cannot be put back" in reply.headline
    assert any("no earlier change" in note for note in reply.notes)
    named = await small_bot.say("undo 000001")
    assert "cannot be put back" in named.headline, text_of(named)


async def test_undo_after_a_change_that_changed_nothing_says_so(small_bot: BotUnderTest) -> None:
    """Room 101 already plays Jazz: `undo` after setting it to Jazz says nothing changed."""
    await small_bot.say("set room 101 at Hotel A to jazz")
    reply = await small_bot.say("undo")
    assert "changed nothing" in reply.headline, text_of(reply)
    assert small_bot.mutating_requests() == {}
