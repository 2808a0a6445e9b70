"""A change made everywhere is asked first; a Confirm pressed on an older such question after the
rooms were changed since asks again, never runs the older change over the newer one (found by the
press matrix in the real Slack and Teams clients: the stale Confirm set room 101 at four properties
back to the older station)."""

from __future__ import annotations

from core_helpers import BotUnderTest

from bot.core.shared.replies import ActionKind, ReplyKind


async def test_a_stale_confirm_of_a_change_everywhere_asks_again(demo_bot: BotUnderTest) -> None:
    older = await demo_bot.say("set 101 everywhere to country")
    assert older.kind == ReplyKind.CONFIRM, older.headline
    newer = await demo_bot.say("set 101 everywhere to classical")
    assert newer.kind == ReplyKind.CONFIRM, newer.headline
    done = await demo_bot.say("yes")
    assert done.kind in (ReplyKind.SUCCESS, ReplyKind.SUMMARY), done.headline
    writes = demo_bot.mutating_requests()
    [confirm] = [a for a in older.actions if a.kind == ActionKind.CONFIRM]
    late = await demo_bot.say(confirm.value)
    assert late.kind not in (ReplyKind.SUCCESS, ReplyKind.SUMMARY), late.headline
    assert "changed since" in late.headline, late.headline
    assert demo_bot.mutating_requests() == writes, "nothing more was written"
