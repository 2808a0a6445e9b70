"""Undo and retry as changes of their own (issue 20, findings 1, 2 and 6; issue 19, item 1): each
acts on the change it names, an interrupted undo is finished rather than skipped, and every write
re-checks the user's grant at the moment of writing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from chain_support import restart, say_killed
from core_helpers import BotUnderTest, bot_on, config_for, text_of
from journal_support import HOTEL, journal_world, stations_of

from bot.core.access.access import Access
from bot.core.shared.replies import ActionKind, ReplyKind
from bot.sandbox.faults import FaultRule
from bot.sandbox.server import SandboxServer
from bot.settings import PropertyConfig, RolesConfig

POP = {"providerId": "I_HEART_RADIO", "stationId": "4422"}
A = "amzn1.alexa.unit.did."


@pytest.fixture
async def harbor(sandbox: SandboxServer, tmp_path: Path) -> AsyncIterator[BotUnderTest]:
    """Harbor, rooms 301-312 on four stations; one write at a time (kills land where asked)."""
    world = journal_world(12)
    async with bot_on(
        sandbox, world, tmp_path, config=config_for(world, bulk_concurrency=1)
    ) as bot:
        yield bot


def _rooms(bot: BotUnderTest) -> dict[str, dict[str, str] | None]:
    return stations_of(bot.state.world.properties[0].roomTypes[0].rooms)


async def test_retry_failed_after_undo_refuses_and_writes_nothing(harbor: BotUnderTest) -> None:
    """Finding 1: 301-306 to jazz with 303 and 305 refused, then `undo`, then `retry failed`: the
    retry is refused plainly (the change was undone) and no room goes back to jazz."""
    harbor.server.sandbox.faults.update(
        rules=[FaultRule("404", method="PUT", units=[f"{A}R303", f"{A}R305"])]
    )
    first = await harbor.say(f"set rooms 301-306 at {HOTEL} to jazz")
    assert first.kind == ReplyKind.SUMMARY, text_of(first)
    harbor.server.sandbox.faults.update(rules=[])
    undone = await harbor.say("undo")
    assert "Undone" in undone.headline, text_of(undone)
    before = _rooms(harbor)
    harbor.reset_stats()
    for retry in ("retry failed", "retry failed 000001"):
        reply = await harbor.say(retry)
        assert reply.kind == ReplyKind.REFUSAL, text_of(reply)
        assert "was undone" in reply.headline and "Nothing was changed" in reply.headline
    assert harbor.mutating_requests() == {}
    assert _rooms(harbor) == before


async def test_retry_failed_refuses_when_a_later_change_wrote_those_rooms(
    harbor: BotUnderTest,
) -> None:
    """A change whose failed room was set again since by another change is superseded: `retry
    failed` of it says so and does not overwrite the newer value."""
    harbor.server.sandbox.faults.update(rules=[FaultRule("404", method="PUT", units=[f"{A}R302"])])
    await harbor.say(f"set rooms 301-302 at {HOTEL} to jazz")
    harbor.server.sandbox.faults.update(rules=[])
    await harbor.say(f"set room 302 at {HOTEL} to pop", user="bob")
    reply = await harbor.say("retry failed 000001")
    assert reply.kind == ReplyKind.REFUSAL and "changed again since" in reply.headline, text_of(
        reply
    )
    assert _rooms(harbor)["302"] == POP


async def test_an_interrupted_undo_is_finished_by_the_next_undo_not_an_earlier_change(
    harbor: BotUnderTest,
) -> None:
    """Finding 2: an earlier change (312 to pop), then 301-310 to jazz, then `undo` killed after 4
    rooms: the restart notice says to say `undo` again to finish putting back the 6 rooms; the
    next `undo` puts back exactly those (every room as before the change), and 312 keeps pop."""
    original = _rooms(harbor)
    await harbor.say(f"set room 312 at {HOTEL} to pop")
    await harbor.say(f"set rooms 301-310 at {HOTEL} to jazz")
    assert await say_killed(harbor.runtime, "undo", writes=4) is None
    report = await restart(harbor.runtime)
    [notice] = report.notices
    assert "Your undo of 10 rooms" in notice.text and "4 put back, 6 not" in notice.text
    assert "Say `undo` again to finish putting back the 6 rooms." in notice.text
    finished = await harbor.say("undo")
    assert "Finishing your undo" in finished.headline, text_of(finished)
    rooms = _rooms(harbor)
    assert {k: v for k, v in rooms.items() if k != "312"} == {
        k: v for k, v in original.items() if k != "312"
    }
    assert rooms["312"] == POP
    again = await harbor.say("undo")  # now the earlier change, as the user would expect
    assert "312" in again.headline and _rooms(harbor) == original, text_of(again)


async def test_an_undo_killed_while_reading_rooms_leaves_an_entry_a_notice_and_is_finished(
    harbor: BotUnderTest,
) -> None:
    """Finding 2: `undo` killed while still reading the rooms (before any write) is in the audit
    from its first step; the restart tells the user, and the next `undo` finishes it."""
    original = _rooms(harbor)
    await harbor.say(f"set rooms 301-305 at {HOTEL} to jazz")
    assert await say_killed(harbor.runtime, "undo", reads=2) is None
    undo_entry = harbor.runtime.services.audit.entries(limit=1)[0]
    assert undo_entry.command == "Undo" and undo_entry.outcome == "running"
    report = await restart(harbor.runtime)
    [notice] = report.notices
    assert "Your undo of 5 rooms" in notice.text and "`undo` again" in notice.text
    finished = await harbor.say("undo")
    assert "Finishing your undo" in finished.headline, text_of(finished)
    assert _rooms(harbor) == original


async def test_a_finished_undos_restart_notice_does_not_lead_into_retry(
    harbor: BotUnderTest,
) -> None:
    """Finding 1's notice: an undo killed after its last write was answered (every room put back,
    not yet recorded) is read back at restart; the notice says every room was put back and
    nothing more is to do (it used to say "Say `retry failed`"), and `retry failed` writes nothing."""
    original = _rooms(harbor)
    await harbor.say(f"set rooms 301-303 at {HOTEL} to jazz")
    assert await say_killed(harbor.runtime, "undo", answered=3) is None
    report = await restart(harbor.runtime)
    [notice] = report.notices
    assert "retry failed" not in notice.text, notice.text
    assert "3 put back, 0 not" in notice.text and "nothing more to do" in notice.text
    harbor.reset_stats()
    await harbor.say("retry failed")
    assert harbor.mutating_requests() == {} and _rooms(harbor) == original


async def test_a_finished_changes_restart_notice_names_undo_with_its_id(
    harbor: BotUnderTest,
) -> None:
    """A change killed after its last write was answered: "3 applied, 0 not", nothing more to do,
    `undo 000001` named as the way back."""
    assert (
        await say_killed(harbor.runtime, f"set rooms 301-303 at {HOTEL} to jazz", answered=3)
        is None
    )
    report = await restart(harbor.runtime)
    [notice] = report.notices
    assert "3 applied, 0 not" in notice.text and "retry failed" not in notice.text, notice.text
    assert "`undo 000001`" in notice.text


def _revoked_at_harbor() -> Access:
    """alice keeps a front-desk grant at another property; at Harbor only bob has one now."""
    harbor = PropertyConfig(name=HOTEL, country="US", front_desk=["bob"])
    elsewhere = PropertyConfig(name="Elsewhere", country="US", front_desk=["alice"])
    return Access(RolesConfig(admin=[], engineer=[], front_desk=[]), properties=[harbor, elsewhere])


async def test_undo_and_retry_recheck_a_revoked_grant(harbor: BotUnderTest) -> None:
    """Finding 6: after alice's grant at Harbor is revoked (she keeps one elsewhere), her `undo`
    and `retry failed` of her own old changes there are refused and write nothing."""
    harbor.server.sandbox.faults.update(rules=[FaultRule("404", method="PUT", units=[f"{A}R302"])])
    await harbor.say(f"set rooms 301-302 at {HOTEL} to jazz")
    harbor.server.sandbox.faults.update(rules=[])
    services = harbor.runtime.services
    services.access = _revoked_at_harbor()
    harbor.reset_stats()
    for text in ("retry failed", "undo", "undo 000001", "retry failed 000001"):
        reply = await harbor.say(text)
        assert reply.kind == ReplyKind.REFUSAL and HOTEL in reply.headline, (text, text_of(reply))
    assert harbor.mutating_requests() == {}


async def test_a_confirmation_rechecks_the_grant_when_answered(harbor: BotUnderTest) -> None:
    """Finding 6: a confirmation asked while alice had the grant, answered after it was revoked,
    is refused and writes nothing."""
    asked = await harbor.say(f"set rooms 301-312 at {HOTEL} to jazz")
    assert asked.kind == ReplyKind.CONFIRM, text_of(asked)
    harbor.runtime.services.access = _revoked_at_harbor()
    harbor.reset_stats()
    reply = await harbor.say("yes")
    assert reply.kind == ReplyKind.REFUSAL, text_of(reply)
    assert harbor.mutating_requests() == {}


async def test_a_demoted_admin_cannot_undo_an_add(harbor: BotUnderTest) -> None:
    """Finding 6: an undo of `add room` deletes the room, so it needs the role a delete needs."""
    services = harbor.runtime.services
    services.access = Access(RolesConfig(admin=["alice"], engineer=[], front_desk=[]))
    added = await harbor.say(f"add room 399 to room type King at {HOTEL}")
    if added.kind != ReplyKind.SUCCESS:
        added = await harbor.say("yes")
    assert added.kind == ReplyKind.SUCCESS, text_of(added)
    services.access = Access(RolesConfig(admin=[], engineer=[], front_desk=["alice"]))
    harbor.reset_stats()
    reply = await harbor.say("undo")
    assert reply.kind == ReplyKind.REFUSAL and "admin" in reply.headline, text_of(reply)
    assert harbor.mutating_requests() == {}


async def test_undo_the_change_before_names_the_change_before_by_its_id(
    harbor: BotUnderTest,
) -> None:
    """Issue 19, item 1: after `undo 000002` (a change that restored nothing), the button offered
    is `undo 000001` (the change before it), labelled with that id, never a bare `undo` and never
    the change made after (000003)."""
    harbor.state.world.properties[0].roomTypes[0].rooms[11].station = None
    await harbor.say(f"set room 301 at {HOTEL} to jazz")  # 000001
    await harbor.say(f"set room 312 at {HOTEL} to jazz")  # 000002: 312 had no station
    await harbor.say(f"set room 305 at {HOTEL} to jazz")  # 000003
    reply = await harbor.say("undo 000002")
    assert "Nothing to undo" in reply.headline, text_of(reply)
    [button] = [a for a in reply.actions if a.kind == ActionKind.UNDO]
    assert button.value == "undo 000001" and "000001" in button.label
    assert any("set room 301" in note for note in reply.notes), reply.notes


async def test_every_undo_and_retry_button_names_a_change(harbor: BotUnderTest) -> None:
    """Every Undo/Retry action the core emits carries a change id."""
    harbor.server.sandbox.faults.update(rules=[FaultRule("404", method="PUT", units=[f"{A}R302"])])
    replies = [await harbor.say(f"set rooms 301-303 at {HOTEL} to jazz")]
    harbor.server.sandbox.faults.update(rules=[])
    replies.append(await harbor.say("retry failed"))
    replies.append(await harbor.say(f"set room 304 at {HOTEL} to jazz"))
    replies.append(await harbor.say("undo"))
    for reply in replies:
        for action in reply.actions:
            if action.kind in (ActionKind.UNDO, ActionKind.RETRY_FAILED):
                assert action.value.split()[-1].isdigit(), action
