"""`retry failed` after a partly failed clearing of alarms, reminders and timers."""

from __future__ import annotations

from core_helpers import BotUnderTest, text_of

from bot.core.shared.replies import ActionKind, ReplyKind


async def test_retry_failed_reruns_only_the_rooms_whose_clearing_failed(
    small_bot: BotUnderTest,
) -> None:
    """A partly failed `clear everything` records its failed rooms; its "Try again" button is
    `retry failed`, which clears again only in the failed room (not in the room that succeeded)."""
    asked = await small_bot.say("clear everything in rooms 101, 204 at Hotel A")
    assert asked.kind == ReplyKind.CONFIRM
    done = await small_bot.say("yes")
    assert done.kind == ReplyKind.SUMMARY, text_of(done)
    retry = [a for a in done.actions if a.label == "Try again"]
    assert retry and retry[0].value == "retry failed 000001"  # the button names its change
    assert retry[0].kind == ActionKind.RETRY_FAILED

    small_bot.room("Hotel A", "204").devices[0].connection = "ONLINE"
    small_bot.reset_stats()
    again = await small_bot.say("retry failed")
    assert again.kind == ReplyKind.SUCCESS, text_of(again)
    assert small_bot.room("Hotel A", "204").alarms == 0
    room_204 = small_bot.room("Hotel A", "204").id
    stats = small_bot.stats()
    for key in ("alarm_deletes", "reminder_deletes", "timer_deletes"):
        assert stats[key] == {room_204: 1}, key  # room 101 succeeded the first time: not re-run
    nothing = await small_bot.say("retry failed")
    assert "no failed rooms" in nothing.headline
