"""Undo and retry name a change by its id: unknown ids, someone else's change, a second press."""

from __future__ import annotations

from core_helpers import BotUnderTest, text_of

from bot.core.shared.replies import ReplyKind
from bot.sandbox.faults import FaultRule

A = "amzn1.alexa.unit.did."


async def test_an_unknown_change_id_is_said_plainly(small_bot: BotUnderTest) -> None:
    assert "no change 000099" in (await small_bot.say("undo 000099")).headline
    assert "no change 000099" in (await small_bot.say("retry failed 000099")).headline


async def test_someone_elses_change_cannot_be_undone_or_retried_by_its_button(
    small_bot: BotUnderTest,
) -> None:
    small_bot.server.sandbox.faults.update(
        rules=[FaultRule("500", method="PUT", units=[f"{A}A102"])]
    )
    done = await small_bot.say("set rooms 101, 102 at Hotel A to pop", user="alice")
    values = [a.value for a in done.actions]
    assert any(v.startswith("undo ") for v in values) and any(
        v.startswith("retry ") for v in values
    )
    for value in values:
        reply = await small_bot.say(value, user="bob")
        assert reply.kind == ReplyKind.REFUSAL and "isn't yours" in reply.headline


async def test_a_second_press_of_retry_does_nothing_more(small_bot: BotUnderTest) -> None:
    small_bot.server.sandbox.faults.update(
        rules=[FaultRule("500", method="PUT", units=[f"{A}A102"])]
    )
    done = await small_bot.say("set rooms 101, 102 at Hotel A to pop")
    small_bot.server.sandbox.faults.update(rules=[])
    retry = next(a.value for a in done.actions if a.value.startswith("retry failed "))
    first = await small_bot.say(retry)
    assert first.kind == ReplyKind.SUCCESS, text_of(first)
    again = await small_bot.say(retry)
    assert "already retried" in again.headline
    assert small_bot.stats()["station_puts"] == {f"{A}A101": 1, f"{A}A102": 1}


async def test_an_undo_is_not_undone_and_a_change_that_changed_nothing_says_so(
    small_bot: BotUnderTest,
) -> None:
    done = await small_bot.say("set room 101 at Hotel A to pop")
    undo_value = next(a.value for a in done.actions if a.value.startswith("undo "))
    await small_bot.say(undo_value)
    undo_id = small_bot.runtime.services.audit.entries(limit=1)[0].id
    assert "was an undo" in (await small_bot.say(f"undo {undo_id:06d}")).headline
    same = await small_bot.say("set room 101 at Hotel A to jazz")  # already jazz again
    assert "nothing to change" in same.headline
    unchanged_id = small_bot.runtime.services.audit.entries(limit=1)[0].id
    assert "changed nothing" in (await small_bot.say(f"undo {unchanged_id:06d}")).headline
