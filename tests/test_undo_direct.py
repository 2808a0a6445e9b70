"""`undo` run directly (bot/core/changes/undo.py) on a SQLite audit log, with Amazon's stations and rooms in
memory: which change is undone (the last, a named one, the last to touch a room), what is put back,
what is refused and why, and the words of every reply. The fast, direct tests of the module for
mutation testing (scripts/mutation.py); the conversation tests cover the same through the engine.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path

import pytest
from ledger_support import JAZZ, POP, ROCK, T0, FakeAsp, ctx_for, services_for

from bot.clients.models import Room
from bot.core.access.services import Services
from bot.core.changes.undo import _natural, _no_station_note, _restored_reply, finish_undo, undo
from bot.core.ledger.audit import RUNNING, AuditEntry, Change
from bot.core.ledger.journal import (
    APPLIED,
    FAILED,
    UNCHANGED,
    UNKNOWN,
    Author,
    Counts,
    JournalRow,
    Planned,
    Settled,
)
from bot.core.shared import commands as c
from bot.core.shared.replies import ActionKind, Reply, ReplyKind
from bot.settings import RolesConfig


@pytest.fixture
def asp() -> FakeAsp:
    return FakeAsp()


@pytest.fixture
def services(tmp_path: Path, asp: FakeAsp) -> Services:
    return services_for(tmp_path / "bot.db", asp)


def _set(
    services: Services,
    asp: FakeAsp,
    rooms: Mapping[str, object],
    after: dict[str, str] = POP,
    *,
    text: str = "set rooms to pop",
    user: str = "alice",
    channel: str | None = "C1",
    command: str = "SetStation",
    outcome: str = "ok",
    states: dict[str, str] | None = None,
    prop: str = "Hotel A",
    derived_from: int | None = None,
) -> int:
    """A change as the audit keeps it: room -> the station before; Amazon now has `after`."""
    changes = [
        Change("station", f"u{room}", room, prop, before, after, state=(states or {}).get(room, ""))  # type: ignore[arg-type]
        for room, before in rooms.items()
    ]
    for change in changes:
        if change.state == APPLIED:
            asp.stations[change.unit_id] = after
    return services.audit.record(
        at=T0, platform="slack", user=user, channel=channel, text=text, command=command,
        parsed="-", targets=[ch.unit_id for ch in changes], outcome=outcome, changes=changes,
        derived_from=derived_from,
    )  # fmt: skip


async def _undo(
    services: Services, token: str | None = None, room: str | None = None, **kwargs: object
) -> Reply:
    return await undo(ctx_for(services, c.Undo(token=token, room=room), **kwargs))  # type: ignore[arg-type]


def _undone_by(services: Services, change_id: int) -> int | None:
    entry = services.audit.get(change_id)
    assert entry is not None
    return entry.undone_by


# --- the last change ------------------------------------------------------------------------------------


async def test_nothing_to_undo_says_only_your_own_changes_here(services: Services) -> None:
    reply = await _undo(services)
    assert reply == Reply(
        headline="There is nothing of yours to undo here.",
        notes=["Only your own changes can be undone, in the conversation where you made them."],
    )


async def test_undo_of_one_room_puts_its_station_back(services: Services, asp: FakeAsp) -> None:
    change_id = _set(services, asp, {"101": JAZZ})
    reply = await _undo(services)
    assert reply == Reply(
        headline="Undone: room 101 at Hotel A is back on Jazz.",
        kind=ReplyKind.SUCCESS,
        public=True,
    )
    assert asp.stations["u101"] == JAZZ
    undo_id = _undone_by(services, change_id)
    assert undo_id is not None
    entry = services.audit.get(undo_id)
    assert entry is not None and (entry.command, entry.undoes, entry.outcome) == (
        "Undo",
        change_id,
        "ok",
    )
    assert entry.detail == f"undo of change {change_id:06d}"
    assert [(ch.unit_id, ch.after) for ch in entry.changes] == [("u101", JAZZ)]
    assert services.active_changes == set()
    again = await _undo(services)
    assert again.headline == "There is nothing of yours to undo here."


async def test_undo_of_several_rooms_counts_them(services: Services, asp: FakeAsp) -> None:
    _set(services, asp, {"101": JAZZ, "102": ROCK})
    reply = await _undo(services)
    assert reply == Reply(
        headline="Undone: 2 of 2 rooms put back.", kind=ReplyKind.SUCCESS, public=True
    )
    assert asp.stations == {"u101": JAZZ, "u102": ROCK}


async def test_rooms_not_put_back_are_listed_with_a_retry(services: Services, asp: FakeAsp) -> None:
    _set(services, asp, {"101": JAZZ, "102": JAZZ, "103": JAZZ})
    asp.refused = {"u102"}
    asp.blind = {"u103"}  # its answer lost, and not read back either
    reply = await _undo(services)
    assert reply.headline == "Undone: 1 of 3 rooms put back; 1 failed and 1 not confirmed."
    assert reply.kind == ReplyKind.SUMMARY and reply.public
    assert reply.table is not None and reply.table.columns == ["Room", "Property", "Why"]
    assert [row[:2] for row in reply.table.rows] == [["102", "Hotel A"], ["103", "Hotel A"]]
    assert all(row[2] for row in reply.table.rows)
    [action] = reply.actions
    assert action.kind == ActionKind.RETRY_FAILED and action.value.startswith("retry failed 0000")


async def test_only_failures_say_so(services: Services, asp: FakeAsp) -> None:
    _set(services, asp, {"101": JAZZ, "102": JAZZ})
    asp.refused = {"u101"}
    asp.lost = {"u102"}  # read back: applied
    reply = await _undo(services)
    assert reply.headline == "Undone: 1 of 2 rooms put back; 1 failed."
    assert asp.stations["u102"] == JAZZ


async def test_an_undo_that_puts_back_no_room_is_an_error_with_a_retry(
    services: Services, asp: FakeAsp
) -> None:
    _set(services, asp, {"101": JAZZ, "102": JAZZ}, text="set both")
    asp.refused = {"u101", "u102"}
    reply = await _undo(services)
    assert reply.headline == (
        "Couldn't undo \u201cset both\u201d: none of the 2 rooms could be put back (below). "
        "Nothing was changed."
    )
    assert reply.kind == ReplyKind.ERROR and not reply.public
    assert reply.table is not None and len(reply.table.rows) == 2
    assert [a.kind for a in reply.actions] == [ActionKind.RETRY_FAILED]


async def test_an_undo_whose_answers_were_lost_does_not_say_nothing_changed(
    services: Services, asp: FakeAsp
) -> None:
    _set(services, asp, {"101": JAZZ}, text="set one")
    asp.blind = {"u101"}
    reply = await _undo(services)
    assert reply.headline == (
        "Couldn't undo \u201cset one\u201d: none of the 1 room could be put back (below)."
    )


async def test_rooms_changed_since_are_asked_about_first(services: Services, asp: FakeAsp) -> None:
    change_id = _set(services, asp, {"101": JAZZ, "102": JAZZ}, text="set both")
    asp.stations["u102"] = ROCK
    reply = await _undo(services)
    assert reply.kind == ReplyKind.CONFIRM
    assert reply.headline == (
        "Someone changed 1 room since \u201cset both\u201d (102 (Hotel A)). "
        "Put back what was there before anyway?"
    )
    assert reply.notes[0] == "The other rooms are as that change left them."
    assert asp.writes == []
    dropped = services.audit.get(change_id + 1)
    assert dropped is not None and dropped.command == "Undo" and dropped.outcome == "cancelled"
    assert dropped.detail == "asked first, because rooms were changed since"
    assert {ch.state for ch in dropped.changes} == {FAILED}
    assert services.active_changes == set()
    # yes: everything is put back, the room changed since too
    assert reply.ref is not None
    pending = services.pending.pop(reply.ref)
    assert pending is not None
    done = await pending.run()
    assert done.headline == "Undone: 2 of 2 rooms put back."
    assert asp.stations == {"u101": JAZZ, "u102": JAZZ}
    confirmed = services.audit.get(services.audit.last_id())
    assert confirmed is not None and (confirmed.command, confirmed.undoes) == ("Undo", change_id)


async def test_more_than_ten_rooms_changed_since_are_named_ten_and_counted(
    services: Services, asp: FakeAsp
) -> None:
    rooms = {str(n): JAZZ for n in range(101, 113)}
    _set(services, asp, rooms, text="set twelve")
    for n in range(101, 113):
        asp.stations[f"u{n}"] = ROCK
    reply = await _undo(services)
    named = ", ".join(f"{n} (Hotel A)" for n in range(101, 111))
    assert reply.headline == (
        f"Someone changed 12 rooms since \u201cset twelve\u201d ({named} \u2026and 2 more). "
        "Put back what was there before anyway?"
    )


async def test_an_undo_no_longer_allowed_when_confirmed_sends_nothing(
    services: Services, asp: FakeAsp
) -> None:
    _set(services, asp, {"101": JAZZ})
    asp.stations["u101"] = ROCK
    reply = await _undo(services)
    services.access = type(services.access)(RolesConfig(admin=["boss"], front_desk=[]))
    assert reply.ref is not None
    pending = services.pending.pop(reply.ref)
    assert pending is not None
    refused = await pending.run()
    assert refused.kind == ReplyKind.REFUSAL
    assert refused.headline == (
        "Sorry, to undo \u201cset rooms to pop\u201d you need the front desk role. Nothing was"
        " changed."
    )
    assert asp.writes == []


async def test_the_preview_of_an_undo_changes_nothing(services: Services, asp: FakeAsp) -> None:
    _set(services, asp, {"101": JAZZ, "102": JAZZ}, text="set both")
    reply = await _undo(services, preview=True)
    assert reply.headline == (
        "Preview: undo would revert \u201cset both\u201d (2 changes). Nothing was changed."
    )
    assert asp.writes == []


async def test_a_user_without_the_role_any_more_is_refused(
    services: Services, asp: FakeAsp
) -> None:
    _set(services, asp, {"101": JAZZ}, text="set one")
    services.access = type(services.access)(RolesConfig(admin=["boss"], front_desk=[]))
    reply = await _undo(services)
    assert reply.kind == ReplyKind.REFUSAL
    assert reply.headline == (
        "Sorry, to undo \u201cset one\u201d you need the front desk role. Nothing was changed."
    )
    assert asp.writes == []


async def test_undo_looks_only_at_the_users_own_changes_in_this_conversation(
    services: Services, asp: FakeAsp
) -> None:
    mine = _set(services, asp, {"101": JAZZ})
    _set(services, asp, {"102": JAZZ}, user="bob")
    _set(services, asp, {"103": JAZZ}, channel="C2")
    await _undo(services)
    assert _undone_by(services, mine) is not None
    assert asp.stations == {"u101": JAZZ, "u102": POP, "u103": POP}


# --- a last change that cannot be undone ---------------------------------------------------------------


async def test_a_clearing_of_alerts_cannot_be_undone_and_the_earlier_change_is_offered(
    services: Services, asp: FakeAsp
) -> None:
    earlier = _set(services, asp, {"101": JAZZ}, text="set 101")
    clear = [
        Change(kind, "u102", "102", "Hotel A", None, None)
        for kind in ("timers", "alarms", "timers")
    ]
    services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text="clear 102", command="ClearAlerts",
        parsed="-", targets=["u102"], outcome="ok", changes=clear,
    )  # fmt: skip
    reply = await _undo(services)
    assert reply.kind == ReplyKind.REFUSAL
    assert reply.headline == (
        "Your last change, \u201cclear 102\u201d, deleted alarms and timers: they cannot be put back,"
        " because Amazon has no way to restore deleted alarms, reminders or timers. Nothing was"
        " changed."
    )
    token = f"{earlier:06d}"
    assert reply.notes == [
        "Guests can set them again on their Echo.",
        f"Your change before it, \u201cset 101\u201d, can be undone: `undo {token}`.",
    ]
    [action] = reply.actions
    assert (action.kind, action.label, action.value) == (
        ActionKind.UNDO,
        "Undo that one",
        f"undo {token}",
    )
    assert asp.writes == []


async def test_a_clearing_of_one_kind_names_it_and_says_when_nothing_earlier_can_be_undone(
    services: Services,
) -> None:
    clear = [
        Change("reminders", "u102", "102", "Hotel A", None, None),
        Change("alarms", "u103", "103", "Hotel A", None, None, ok=False),
    ]
    services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text="clear", command="ClearAlerts",
        parsed="-", targets=["u102"], outcome="partial", changes=clear,
    )  # fmt: skip
    reply = await _undo(services)
    assert "deleted reminders: they cannot be put back" in reply.headline
    assert reply.notes[-1] == "There is no earlier change of yours here to undo."
    assert reply.actions == []


async def test_a_change_that_changed_nothing_says_so(services: Services, asp: FakeAsp) -> None:
    _set(
        services, asp, {"101": POP}, outcome="unchanged", text="set 101", states={"101": UNCHANGED}
    )
    reply = await _undo(services)
    assert reply.kind == ReplyKind.INFO
    assert reply.headline == (
        "Your last change, \u201cset 101\u201d, changed nothing (every room already had what was"
        " asked), so there is nothing to undo. Nothing was changed."
    )


async def test_a_preview_of_an_undo_after_an_alert_clearing_previews_the_earlier_change(
    services: Services, asp: FakeAsp
) -> None:
    _set(services, asp, {"101": JAZZ}, text="set 101")
    services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text="clear", command="ClearAlerts",
        parsed="-", targets=["u102"], outcome="ok",
        changes=[Change("alarms", "u102", "102", "Hotel A", None, None)],
    )  # fmt: skip
    reply = await _undo(services, preview=True)
    assert reply.headline.startswith("Preview: undo would revert \u201cset 101\u201d (1 change)")


async def test_a_delete_cannot_be_undone(services: Services, asp: FakeAsp) -> None:
    asp.rooms["r1"] = Room(id="r1", name="303", roomTypeId="t1")
    services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text="delete room 303",
        command="DeleteUnit", parsed="-", targets=["r1"], outcome="ok",
        changes=[Change("delete", "r1", "303", "Hotel A", {"level": "room", "name": "303"}, None)],
    )  # fmt: skip
    reply = await _undo(services)
    assert reply == Reply(
        headline="Your last change (\u201cdelete room 303\u201d) was a delete, which cannot be undone.",
        kind=ReplyKind.REFUSAL,
        notes=["Add the item again with `add \u2026`."],
    )


async def test_a_change_of_a_command_that_has_no_undo_cannot_be_undone(services: Services) -> None:
    services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text="do it", command="NoSuchThing",
        parsed="-", targets=["u1"], outcome="ok",
        changes=[Change("station", "u1", "1", "Hotel A", JAZZ, POP)],
    )  # fmt: skip
    reply = await _undo(services)
    assert reply == Reply(headline="\u201cdo it\u201d cannot be undone.", kind=ReplyKind.REFUSAL)


# --- rooms that had no station before --------------------------------------------------------------------


async def test_a_room_without_a_station_before_has_nothing_to_put_back(
    services: Services, asp: FakeAsp
) -> None:
    earlier = _set(services, asp, {"101": JAZZ}, text="set 101")
    latest = _set(services, asp, {"102": None}, text="set 102")
    reply = await _undo(services)
    token = f"{earlier:06d}"
    assert reply.headline == (
        "Nothing to undo in \u201cset 102\u201d: room 102 at Hotel A had no station before it, and"
        " Amazon has no way to clear a station. Nothing was changed."
    )
    assert reply.kind == ReplyKind.INFO
    assert reply.notes == [
        f"Your change before that was \u201cset 101\u201d; send `undo {token}` to undo it."
    ]
    [action] = reply.actions
    assert (action.label, action.value) == (f"Undo the change before ({token})", f"undo {token}")
    assert _undone_by(services, latest) is not None  # stepped past: the next undo walks back
    again = await _undo(services)
    assert again.headline == "Undone: room 101 at Hotel A is back on Jazz."


async def test_several_rooms_without_a_station_before_are_noted(
    services: Services, asp: FakeAsp
) -> None:
    _set(services, asp, {"102": None, "101": None}, text="set two")
    reply = await _undo(services)
    assert reply.headline == (
        "Nothing to undo in \u201cset two\u201d: the 2 rooms it changed had no station before it,"
        " and Amazon has no way to clear a station. Nothing was changed."
    )
    assert reply.notes == [_no_station_note_of(["101", "102"])]
    assert reply.actions == []


def _no_station_note_of(rooms: list[str]) -> str:
    return (
        f"{len(rooms)} rooms at Hotel A ({', '.join(rooms)}): they had no station before, and Amazon"
        " has no way to clear a station, so the new one stays. Set another station if needed."
    )


async def test_rooms_with_and_without_a_station_before_restore_some_and_note_the_rest(
    services: Services, asp: FakeAsp
) -> None:
    _set(services, asp, {"101": JAZZ, "103": ROCK, "102": None})
    reply = await _undo(services)
    assert reply.headline == "Undone: 2 of 2 rooms put back."
    assert reply.notes == [
        "1 room at Hotel A (102): it had no station before, and Amazon has no way to clear a"
        " station, so the new one stays. Set another station if needed."
    ]


async def test_a_change_that_applied_nothing_has_nothing_to_put_back(
    services: Services, asp: FakeAsp
) -> None:
    change_id = _set(services, asp, {"101": JAZZ}, states={"101": UNCHANGED}, text="set 101")
    from bot.core.changes.undo import undo_stations

    entry = services.audit.get(change_id)
    assert entry is not None
    reply = await undo_stations(ctx_for(services), entry)
    assert reply == Reply(
        headline="\u201cset 101\u201d changed nothing, so there is nothing to undo."
    )


async def test_undoing_a_retry_that_put_back_nothing_walks_back_to_the_first_run(
    services: Services, asp: FakeAsp
) -> None:
    first = _set(services, asp, {"101": JAZZ, "102": None}, text="set two", outcome="partial",
                 states={"102": FAILED})  # fmt: skip
    retry = _set(services, asp, {"102": None}, text="retry failed", derived_from=first)
    reply = await _undo(services, token=str(retry))
    assert reply.headline == "Undone: room 101 at Hotel A is back on Jazz."
    assert reply.notes[-1].startswith("1 room at Hotel A (102): it had no station before")
    assert asp.stations["u101"] == JAZZ


def test_the_no_station_note_sorts_names_naturally_and_names_ten() -> None:
    blank = [Change("station", f"u{n}", str(n), "Hotel A", None, POP) for n in (100, 99, 12)]
    assert _no_station_note(blank).startswith("3 rooms at Hotel A (12, 99, 100): they had")
    many = [Change("station", f"u{n}", f"R{n}", "Hotel A", None, POP) for n in range(1, 13)]
    names = ", ".join(f"R{n}" for n in range(1, 11))
    assert f"(12 rooms at Hotel A ({names} \u2026and 2 more)" in f"({_no_station_note(many)}"
    ten = many[:10]
    assert "more" not in _no_station_note(ten)
    mixed = [
        Change("station", "u1", "101", "Hotel B", None, POP),
        Change("station", "u2", "102", "Hotel A", None, POP),
    ]
    assert _no_station_note(mixed).startswith(
        "2 rooms (102 (Hotel A), 101 (Hotel B)): they had no station before"
    )
    assert _natural("12B") == [(0, 12), (1, "B")] and _natural("") == []


# --- a change named by its number ---------------------------------------------------------------------------


async def test_a_named_change_is_undone_even_if_not_the_last(
    services: Services, asp: FakeAsp
) -> None:
    first = _set(services, asp, {"101": JAZZ})
    _set(services, asp, {"102": JAZZ})
    reply = await _undo(services, token=f"{first:06d}")
    assert reply.headline == "Undone: room 101 at Hotel A is back on Jazz."
    assert asp.stations == {"u101": JAZZ, "u102": POP}


async def test_a_named_change_that_does_not_exist(services: Services) -> None:
    assert (await _undo(services, token="abc")).headline == "I have no change abc to undo."
    assert (await _undo(services, token="000042")).headline == "I have no change 000042 to undo."


async def test_someone_elses_change_is_not_undone_unless_by_an_admin(
    services: Services, asp: FakeAsp
) -> None:
    services.access = type(services.access)(
        RolesConfig(front_desk=["alice", "bob"], admin=["boss"])
    )
    bobs = _set(services, asp, {"101": JAZZ}, user="bob")
    reply = await _undo(services, token=str(bobs))
    assert reply == Reply(
        headline="This isn't yours: only the person who made a change (or an admin) can undo it.",
        kind=ReplyKind.REFUSAL,
    )
    assert asp.writes == []
    done = await _undo(services, token=str(bobs), user="boss")
    assert done.kind == ReplyKind.SUCCESS


async def test_a_named_change_already_undone_is_a_plain_no_op(
    services: Services, asp: FakeAsp
) -> None:
    change_id = _set(services, asp, {"101": JAZZ}, text="set 101")
    await _undo(services, token=str(change_id))
    again = await _undo(services, token=str(change_id))
    assert again == Reply(headline="\u201cset 101\u201d was already undone; nothing more to do.")
    assert len(asp.writes) == 1


async def test_a_named_change_still_running_or_an_undo_or_that_changed_nothing(
    services: Services, asp: FakeAsp
) -> None:
    running = _set(services, asp, {"101": JAZZ}, outcome=RUNNING, text="set 101")
    assert (await _undo(services, token=str(running))).headline == (
        "\u201cset 101\u201d is still running; undo it when it ends."
    )
    an_undo = _set(services, asp, {"101": JAZZ}, command="Undo", text="undo")
    assert (await _undo(services, token=str(an_undo))).headline == (
        "That was an undo; to put it back, send the original request again."
    )
    for outcome, states in (
        ("failed", {"101": FAILED}),
        ("unchanged", {"101": UNCHANGED}),
        ("ok", {"101": FAILED}),
    ):
        nothing = _set(services, asp, {"101": JAZZ}, outcome=outcome, states=states, text="set x")
        assert (await _undo(services, token=str(nothing))).headline == (
            "\u201cset x\u201d changed nothing, so there is nothing to undo."
        ), outcome
    partial = _set(
        services, asp, {"101": JAZZ, "102": JAZZ}, outcome="partial", states={"102": FAILED}
    )
    assert (await _undo(services, token=str(partial))).kind == ReplyKind.SUCCESS
    assert asp.writes == [("u101", JAZZ)]


# --- an interrupted undo is finished, never restarted ------------------------------------------------------


def _interrupted_undo(services: Services, target: int, rooms: dict[str, dict[str, str]], *,
                      done: tuple[str, ...] = ()) -> int:  # fmt: skip
    """An undo of `target` that a crash left with some rooms not put back."""
    undo_id = services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text="undo", command="Undo",
        parsed="-", targets=[f"u{r}" for r in rooms], outcome="partial", undoes=target,
    )  # fmt: skip
    author = Author("slack", "alice", "C1", "Undo")
    planned = [Planned(f"u{r}", r, "Hotel A", "station", v) for r, v in rooms.items()]
    for row in services.journal.queue(undo_id, author, planned, T0):
        services.journal.settle(row, APPLIED if row.unit_name in done else UNKNOWN, T0)
    return undo_id


async def test_a_bare_undo_finishes_an_interrupted_undo_first(
    services: Services, asp: FakeAsp
) -> None:
    earlier = _set(services, asp, {"100": JAZZ})
    target = _set(services, asp, {"101": JAZZ, "102": JAZZ}, text="set both")
    undo_id = _interrupted_undo(services, target, {"101": JAZZ, "102": JAZZ}, done=("101",))
    reply = await _undo(services)
    assert reply.headline == (
        "Finishing your undo of \u201cset both\u201d: Undone: room 102 at Hotel A is back on Jazz."
    )
    assert asp.writes == [("u102", JAZZ)]
    finished = services.audit.get(undo_id + 1)
    assert finished is not None and finished.derived_from == undo_id and finished.undoes == target
    assert finished.command == "Undo"
    assert finished.detail == f"finishing undo {undo_id:06d} of change {target:06d}"
    assert asp.stations["u100"] == POP and _undone_by(services, earlier) is None


async def test_naming_a_change_whose_undo_was_interrupted_finishes_that_undo(
    services: Services, asp: FakeAsp
) -> None:
    target = _set(services, asp, {"101": JAZZ, "102": JAZZ}, text="set both")
    _interrupted_undo(services, target, {"101": JAZZ, "102": JAZZ})
    reply = await _undo(services, token=str(target))
    assert reply.headline == (
        "Finishing your undo of \u201cset both\u201d: Undone: 2 of 2 rooms put back."
    )


async def test_a_finished_undo_that_was_retried_is_left_alone(
    services: Services, asp: FakeAsp
) -> None:
    target = _set(services, asp, {"101": JAZZ}, text="set 101")
    earlier = _set(services, asp, {"102": JAZZ}, text="set 102")
    undo_id = _interrupted_undo(services, target, {"101": JAZZ})
    services.audit.record(
        at=T0, platform="slack", user="bob", channel="C9", text="retry", command="SetStation",
        parsed="-", targets=[], outcome="ok", derived_from=undo_id,
    )  # fmt: skip
    reply = await _undo(services)
    # not finished again: the bare undo goes on to the latest undoable change
    assert reply.headline == "Undone: room 102 at Hotel A is back on Jazz."
    assert _undone_by(services, earlier) is not None


async def test_finishing_an_undo_whose_rerun_left_rooms_runs_the_latest_run(
    services: Services, asp: FakeAsp
) -> None:
    target = _set(services, asp, {"101": JAZZ, "102": JAZZ}, text="set both")
    undo_id = _interrupted_undo(services, target, {"101": JAZZ, "102": JAZZ})
    rerun = services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text="undo", command="Undo",
        parsed="-", targets=[], outcome="partial", undoes=target, derived_from=undo_id,
    )  # fmt: skip
    author = Author("slack", "alice", "C1", "Undo")
    [row] = services.journal.queue(rerun, author, [Planned("u102", "102", "Hotel A", "station", JAZZ)], T0)  # fmt: skip
    services.journal.settle(row, FAILED, T0)
    reply = await _undo(services, token=str(target))
    assert reply.headline == (
        "Finishing your undo of \u201cset both\u201d: Undone: room 102 at Hotel A is back on Jazz."
    )
    assert asp.writes == [("u102", JAZZ)]


async def test_finishing_an_undo_with_nothing_left_or_no_target(
    services: Services, asp: FakeAsp
) -> None:
    target = _set(services, asp, {"101": JAZZ}, text="set 101")
    undo_id = _interrupted_undo(services, target, {"101": JAZZ}, done=("101",))
    entry = services.audit.get(undo_id)
    assert entry is not None
    # the target was undone (marked): nothing of yours is left
    reply = await finish_undo(ctx_for(services), entry)
    assert reply.headline.startswith("Finishing your undo of \u201cset 101\u201d: ")
    orphan = services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text="undo", command="Undo",
        parsed="-", targets=[], outcome="partial",
    )  # fmt: skip
    lost = services.audit.get(orphan)
    assert lost is not None
    assert (await finish_undo(ctx_for(services), lost)).headline == (
        "There is nothing of yours to undo here."
    )


async def test_an_undo_left_with_writes_it_cannot_resend_undoes_the_change_again(
    services: Services, asp: FakeAsp
) -> None:
    services.access = type(services.access)(
        RolesConfig(admin=["alice"])
    )  # an add is undone by a delete
    asp.rooms["r1"] = Room(id="r1", name="350", roomTypeId="t1")
    target = services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text="rename room 303 to 350",
        command="RenameUnit", parsed="-", targets=["r1"], outcome="ok",
        changes=[Change("rename", "r1", "303", "Hotel A", {"level": "room", "name": "303"},
                        {"level": "room", "name": "350"})],
    )  # fmt: skip
    undo_id = services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text="undo", command="Undo",
        parsed="-", targets=[], outcome=RUNNING, undoes=target,
    )  # fmt: skip
    author = Author("slack", "alice", "C1", "Undo")
    planned = [Planned("r1", "350", "Hotel A", "rename", {"level": "room", "name": "303"})]
    [row] = services.journal.queue(undo_id, author, planned, T0)
    services.journal.settle(row, UNKNOWN, T0)
    services.audit.finish(undo_id, "partial")
    services.audit.journal.write(
        lambda conn: conn.execute("UPDATE audit SET undone_by = NULL WHERE id = ?", (target,))
    )
    entry = services.audit.get(undo_id)
    assert entry is not None
    reply = await finish_undo(ctx_for(services), entry)
    assert reply == Reply(
        headline="Undone: renamed room 350 back to 303.", kind=ReplyKind.SUCCESS, public=True
    )
    assert asp.rooms["r1"].name == "303"


# --- adds and renames ----------------------------------------------------------------------------------------


async def test_a_rename_is_undone_by_renaming_back(services: Services, asp: FakeAsp) -> None:
    services.access = type(services.access)(
        RolesConfig(admin=["alice"])
    )  # an add is undone by a delete
    asp.rooms["r1"] = Room(id="r1", name="350", roomTypeId="t1")
    services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text="rename room 303 to 350",
        command="RenameUnit", parsed="-", targets=["r1"], outcome="ok",
        changes=[Change("rename", "r1", "303", "Hotel A", {"level": "room", "name": "303"},
                        {"level": "room", "name": "350"})],
    )  # fmt: skip
    reply = await _undo(services)
    assert reply == Reply(
        headline="Undone: renamed room 350 back to 303.", kind=ReplyKind.SUCCESS, public=True
    )
    assert asp.renames == [("r1", "303")]


async def test_a_rename_refused_by_amazon_is_not_undone(services: Services, asp: FakeAsp) -> None:
    services.access = type(services.access)(
        RolesConfig(admin=["alice"])
    )  # an add is undone by a delete
    asp.rooms["r1"] = Room(id="r1", name="350", roomTypeId="t1")
    asp.refused = {"r1"}
    services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text="rename room 303 to 350",
        command="RenameUnit", parsed="-", targets=["r1"], outcome="ok",
        changes=[Change("rename", "r1", "303", "Hotel A", {"level": "room", "name": "303"},
                        {"level": "room", "name": "350"})],
    )  # fmt: skip
    reply = await _undo(services)
    assert reply.kind == ReplyKind.ERROR
    assert reply.headline == (
        "Couldn't undo \u201crename room 303 to 350\u201d: Amazon refused the request as invalid"
        " (for example a name already in use, or an item that is not empty); check the details"
        " and try again."
    )


async def test_an_add_is_undone_by_removing_what_was_added(
    services: Services, asp: FakeAsp
) -> None:
    services.access = type(services.access)(
        RolesConfig(admin=["alice"])
    )  # an add is undone by a delete
    asp.rooms["r9"] = Room(id="r9", name="350", roomTypeId="t1")
    services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text="add room 350",
        command="AddUnit", parsed="-", targets=["r9"], outcome="ok",
        changes=[Change("create", "r9", "350", "Hotel A", None,
                        {"level": "room", "name": "350", "parent": "t1"})],
    )  # fmt: skip
    reply = await _undo(services)
    assert reply == Reply(
        headline="Undone: removed the room 350 that was just added.",
        kind=ReplyKind.SUCCESS,
        public=True,
    )
    assert "r9" not in asp.rooms


# --- `undo 204`: the latest change of mine that touched a room -----------------------------------------------


async def test_undo_of_a_room_undoes_the_latest_change_that_touched_it(
    services: Services, asp: FakeAsp
) -> None:
    touched = _set(services, asp, {"12-B": JAZZ}, text="set 12b")
    _set(services, asp, {"14": JAZZ}, text="set 14")
    _set(services, asp, {"12-B": JAZZ}, user="bob")
    _set(services, asp, {"12-B": JAZZ}, channel="C2")
    _set(services, asp, {"12-B": JAZZ}, states={"12-B": UNCHANGED})
    reply = await _undo(services, room="12_b")
    assert reply.headline == "Undone: room 12-B at Hotel A is back on Jazz."
    assert _undone_by(services, touched) is not None


async def test_undo_of_a_room_never_undoes_an_older_change_once_the_latest_was_undone(
    services: Services, asp: FakeAsp
) -> None:
    _set(services, asp, {"101": JAZZ}, text="set first")
    _set(services, asp, {"101": ROCK}, text="set second")
    await _undo(services)
    reply = await _undo(services, room="101")
    assert reply == Reply(
        headline="Your latest change to room 101, \u201cset second\u201d, was already undone."
        " Nothing was changed."
    )


async def test_undo_of_a_room_no_change_touched(services: Services, asp: FakeAsp) -> None:
    _set(services, asp, {"101": JAZZ})
    _set(services, asp, {"204": JAZZ}, command="Preview")
    reply = await _undo(services, room="204")
    assert reply == Reply(
        headline="I find no change of yours to room 204 to undo here. Nothing was changed.",
        notes=["`undo` alone undoes your last change in this conversation."],
    )


async def test_undo_of_one_room_of_a_larger_change_asks_all_or_only_that_room(
    services: Services, asp: FakeAsp
) -> None:
    change_id = _set(services, asp, {"12A": JAZZ, "12B": JAZZ, "14A": None, "15": JAZZ, "16": ROCK},
                     text="set five", states={"15": FAILED})  # fmt: skip
    reply = await _undo(services, room="12b")
    token = f"{change_id:06d}"
    assert reply.headline == (
        "\u201cset five\u201d also set 12A, 14A and 16: undo all 4 rooms, or only room 12B? Nothing"
        " was changed yet."
    )
    assert reply.notes == [
        f"To undo all 4 rooms, send `undo {token}`.",
        "To put back only room 12B, send `set 12B at Hotel A to Jazz`.",
    ]
    [action] = reply.actions
    assert (action.label, action.value) == ("Undo all 4", f"undo {token}")
    assert asp.writes == []
    alone = await _undo(services, room="14a")
    assert alone.headline.startswith("\u201cset five\u201d also set 12A, 12B and 16: undo all 4")
    assert alone.notes[1] == "Room 14A had no station before it, so it alone cannot be put back."
    two = _set(services, asp, {"20": JAZZ, "21": JAZZ}, text="set two")
    pair = await _undo(services, room="21")
    assert pair.headline.startswith("\u201cset two\u201d also set 20: undo all 2 rooms")
    assert pair.notes[0] == f"To undo all 2 rooms, send `undo {two:06d}`."


async def test_a_bare_undo_never_undoes_a_change_made_in_another_conversation(
    services: Services, asp: FakeAsp
) -> None:
    _set(services, asp, {"101": JAZZ}, channel="C2")
    reply = await _undo(services)
    assert reply.headline == "There is nothing of yours to undo here."
    assert asp.writes == []


async def test_a_change_whose_undo_is_still_running_is_not_undone_twice(
    services: Services, asp: FakeAsp
) -> None:
    target = _set(services, asp, {"101": JAZZ}, text="set 101")
    services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text="undo", command="Undo",
        parsed="-", targets=["u101"], outcome=RUNNING, undoes=target,
    )  # fmt: skip
    reply = await _undo(services, token=str(target))
    assert reply.headline == "\u201cset 101\u201d was already undone; nothing more to do."
    assert asp.writes == []


async def test_a_clearing_of_three_kinds_names_them_in_order(services: Services) -> None:
    clear = [
        Change(kind, "u102", "102", "Hotel A", None, None)
        for kind in ("timers", "reminders", "alarms")
    ]
    services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text="clear", command="ClearAlerts",
        parsed="-", targets=["u102"], outcome="ok", changes=clear,
    )  # fmt: skip
    reply = await _undo(services)
    assert "deleted alarms, reminders and timers: they cannot be put back" in reply.headline


async def test_an_undo_the_user_may_no_longer_make_is_refused_before_anything_is_asked(
    services: Services, asp: FakeAsp
) -> None:
    """Refused at once: no question about rooms changed since, no rename sent."""
    _set(services, asp, {"101": JAZZ}, text="set one")
    asp.stations["u101"] = ROCK
    services.access = type(services.access)(RolesConfig(admin=["boss"], front_desk=[]))
    reply = await _undo(services)
    assert reply.kind == ReplyKind.REFUSAL and services.pending.latest_for("alice", "C1") is None
    asp.rooms["r1"] = Room(id="r1", name="350", roomTypeId="t1")
    services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text="rename room 303 to 350",
        command="RenameUnit", parsed="-", targets=["r1"], outcome="ok",
        changes=[Change("rename", "r1", "303", "Hotel A", {"level": "room", "name": "303"},
                        {"level": "room", "name": "350"})],
    )  # fmt: skip
    services.access = type(services.access)(RolesConfig(front_desk=["alice"]))
    refused = await _undo(services)
    assert refused.headline == (
        "Sorry, to undo \u201crename room 303 to 350\u201d you need the admin role; you are front"
        " desk. Nothing was changed."
    )
    assert asp.renames == []


async def test_ten_rooms_changed_since_are_all_named_and_eleven_say_one_more(
    services: Services, asp: FakeAsp
) -> None:
    for count in (10, 11):
        rooms = {str(n): JAZZ for n in range(100 * count, 100 * count + count)}
        _set(services, asp, rooms, text=f"set {count}")
        for room in rooms:
            asp.stations[f"u{room}"] = ROCK
        reply = await _undo(services)
        assert reply.kind == ReplyKind.CONFIRM
        more = "more)" in reply.headline
        assert more == (count == 11), reply.headline
        assert ("\u2026and 1 more" in reply.headline) == (count == 11)
        assert f"({', '.join(f'{n} (Hotel A)' for n in list(rooms)[:10])}" in reply.headline
        confirm = [a for a in reply.actions if a.kind == ActionKind.CONFIRM]
        assert confirm and not confirm[0].danger  # putting back is not a dangerous change
        assert reply.ref is not None and services.pending.pop(reply.ref) is not None


async def test_an_undo_cancelled_while_reading_the_rooms_leaves_no_change_running(
    services: Services, asp: FakeAsp, monkeypatch: pytest.MonkeyPatch
) -> None:
    _set(services, asp, {"101": JAZZ})

    async def cancelled(unit_id: str, *, deadline: float | None = None) -> None:
        raise asyncio.CancelledError

    monkeypatch.setattr(asp, "get_default_station", cancelled)
    with pytest.raises(asyncio.CancelledError):
        await _undo(services)
    assert services.active_changes == set()


async def test_a_named_change_that_wrote_nothing_is_not_marked_undone(
    services: Services, asp: FakeAsp
) -> None:
    for outcome, states in (("ok", {"101": FAILED}), ("failed", {})):
        change_id = _set(services, asp, {"101": JAZZ}, outcome=outcome, states=states, text="set x")
        last = services.audit.last_id()
        reply = await _undo(services, token=str(change_id))
        assert reply.headline == "\u201cset x\u201d changed nothing, so there is nothing to undo."
        assert services.audit.last_id() == last and _undone_by(services, change_id) is None
    assert asp.writes == []


async def test_stepping_past_a_change_with_nothing_to_put_back_is_recorded(
    services: Services, asp: FakeAsp
) -> None:
    _set(services, asp, {"101": JAZZ}, channel="C2", text="elsewhere")
    latest = _set(services, asp, {"102": None}, text="set 102")
    reply = await _undo(services)
    assert reply.notes == [] and reply.actions == []  # the change before was made elsewhere
    stepped = services.audit.get(services.audit.last_id())
    assert stepped is not None
    assert (stepped.command, stepped.outcome, stepped.detail, stepped.undoes) == (
        "Undo", "ok", "nothing to put back", latest,
    )  # fmt: skip


async def test_an_undo_whose_retry_left_rooms_is_finished_through_the_retry(
    services: Services, asp: FakeAsp
) -> None:
    """An undo re-run by `retry failed` (a run derived from it, not itself an undo of the
    change): a bare undo finishes the retry's rooms, for the change the first undo undid."""
    target = _set(services, asp, {"101": JAZZ, "102": JAZZ}, text="set both")
    undo_id = _interrupted_undo(services, target, {"101": JAZZ, "102": JAZZ}, done=("101",))
    retry = services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text="retry failed", command="Undo",
        parsed="-", targets=["u102"], outcome="failed", derived_from=undo_id,
    )  # fmt: skip
    author = Author("slack", "alice", "C1", "Undo")
    [row] = services.journal.queue(retry, author, [Planned("u102", "102", "Hotel A", "station", JAZZ)], T0)  # fmt: skip
    services.journal.settle(row, FAILED, T0)
    named = await _undo(services, token=str(target))
    assert named.headline == (
        "Finishing your undo of \u201cset both\u201d: Undone: room 102 at Hotel A is back on Jazz."
    )
    finished = services.audit.get(services.audit.last_id())
    assert finished is not None and (finished.command, finished.undoes, finished.derived_from) == (
        "Undo", target, retry,
    )  # fmt: skip


async def test_finishing_an_undo_is_refused_to_a_user_without_the_role(
    services: Services, asp: FakeAsp
) -> None:
    target = _set(services, asp, {"101": JAZZ, "102": JAZZ}, text="set both")
    _interrupted_undo(services, target, {"101": JAZZ, "102": JAZZ}, done=("101",))
    services.access = type(services.access)(RolesConfig(admin=["boss"], front_desk=[]))
    reply = await _undo(services)
    assert reply.headline == (
        "Sorry, to undo \u201cset both\u201d you need the front desk role. Nothing was changed."
    )
    assert asp.writes == []


async def test_an_undo_left_with_writes_of_a_command_without_undo_cannot_be_undone(
    services: Services,
) -> None:
    target = services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text="do it", command="NoSuchThing",
        parsed="-", targets=["r1"], outcome="ok",
        changes=[Change("rename", "r1", "303", "Hotel A", {"level": "room", "name": "303"},
                        {"level": "room", "name": "350"})],
    )  # fmt: skip
    undo_id = services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text="undo", command="Undo",
        parsed="-", targets=[], outcome="partial", undoes=target,
    )  # fmt: skip
    author = Author("slack", "alice", "C1", "Undo")
    planned = [Planned("r1", "350", "Hotel A", "rename", {"level": "room", "name": "303"})]
    [row] = services.journal.queue(undo_id, author, planned, T0)
    services.journal.settle(row, UNKNOWN, T0)
    services.audit.journal.write(
        lambda conn: conn.execute("UPDATE audit SET undone_by = NULL WHERE id = ?", (target,))
    )
    entry = services.audit.get(undo_id)
    assert entry is not None
    reply = await finish_undo(ctx_for(services), entry)
    assert reply == Reply(headline="\u201cdo it\u201d cannot be undone.")


def test_a_restored_reply_shows_forty_problems_and_a_blank_for_no_error(services: Services) -> None:
    author = Author("slack", "alice", "C1", "Undo")
    rows = [
        JournalRow(n, 2, author, f"u{n}", str(n), "Hotel A", "station", None, JAZZ, True, FAILED)
        for n in range(41)
    ]
    settled = Settled(Counts({APPLIED: 1, FAILED: 41}), tuple(rows), ())
    entry = AuditEntry(1, "t", "slack", "alice", "C1", "set", "SetStation", "-", [], [], "ok", "", [], None, None)  # fmt: skip
    reply = _restored_reply(ctx_for(services), entry, 2, settled, [], 42)
    assert reply.table is not None and len(reply.table.rows) == 40
    assert reply.table.rows[0] == ["0", "Hotel A", ""]


def _renamed(services: Services, asp: FakeAsp) -> int:
    asp.rooms["r1"] = Room(id="r1", name="350", roomTypeId="t1")
    return services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text="rename room 303 to 350",
        command="RenameUnit", parsed="-", targets=["r1"], outcome="ok",
        changes=[Change("rename", "r1", "303", "Hotel A", {"level": "room", "name": "303"},
                        {"level": "room", "name": "350"})],
    )  # fmt: skip


async def test_a_rename_back_whose_answer_was_lost_says_it_is_not_confirmed(
    services: Services, asp: FakeAsp
) -> None:
    services.access = type(services.access)(RolesConfig(admin=["alice"]))
    _renamed(services, asp)
    asp.blind = {"r1"}
    reply = await _undo(services)
    assert reply.headline == (
        "Couldn't undo \u201crename room 303 to 350\u201d (not confirmed: Amazon's answer was"
        " lost): Amazon had an internal problem; try again in a minute."
    )


async def test_undoing_a_rename_or_an_add_is_recorded_as_an_undo_of_it(
    services: Services, asp: FakeAsp
) -> None:
    services.access = type(services.access)(RolesConfig(admin=["alice"]))
    renamed = _renamed(services, asp)
    await _undo(services)
    undo_id = _undone_by(services, renamed)
    undo = services.audit.get(undo_id or 0)
    assert undo is not None and (undo.command, undo.undoes) == ("Undo", renamed)
    asp.rooms["r9"] = Room(id="r9", name="360", roomTypeId="t1")
    added = services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text="add room 360",
        command="AddUnit", parsed="-", targets=["r9"], outcome="ok",
        changes=[Change("create", "r9", "360", "Hotel A", None,
                        {"level": "room", "name": "360", "parent": "t1"})],
    )  # fmt: skip
    await _undo(services)
    removal = services.audit.get(_undone_by(services, added) or 0)
    assert removal is not None and (removal.command, removal.undoes) == ("Undo", added)


async def test_undo_of_a_room_written_with_a_hyphen_finds_one_named_with_an_underscore(
    services: Services, asp: FakeAsp
) -> None:
    touched = _set(services, asp, {"12_B": JAZZ}, text="set 12_b")
    reply = await _undo(services, room="12-b")
    assert reply.headline == "Undone: room 12_B at Hotel A is back on Jazz."
    assert _undone_by(services, touched) is not None


async def test_undo_of_one_room_of_three_names_the_two_others(
    services: Services, asp: FakeAsp
) -> None:
    _set(services, asp, {"31": JAZZ, "32": JAZZ, "33": JAZZ}, text="set three")
    reply = await _undo(services, room="33")
    assert reply.headline.startswith("\u201cset three\u201d also set 31 and 32: undo all 3 rooms")


async def test_undo_of_a_room_looks_back_five_hundred_entries(
    services: Services, asp: FakeAsp
) -> None:
    _set(services, asp, {"101": JAZZ}, text="set 101")
    services.audit.journal.write(
        lambda conn: conn.executemany(
            "INSERT INTO audit (at, platform, user, text, command, parsed, targets, changes,"
            " outcome, detail, request_ids) VALUES ('t', 's', 'bob', 'x', 'C', '-', '[]', '[]',"
            " 'ok', '', '[]')",
            [()] * 500,
        )
    )
    reply = await _undo(services, room="101")
    assert reply.headline.startswith("I find no change of yours to room 101")


async def test_an_undo_whose_grant_is_taken_while_reading_is_dropped_unsent(
    services: Services, asp: FakeAsp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The grant is checked again at the moment of writing: taken away while the rooms were
    read, the undo queued is closed, nothing sent."""
    _set(services, asp, {"101": JAZZ}, text="set one")
    read = asp.get_default_station

    async def read_and_revoke(unit_id: str, *, deadline: float | None = None) -> object:
        services.access = type(services.access)(RolesConfig(admin=["boss"], front_desk=[]))
        return await read(unit_id, deadline=deadline)

    monkeypatch.setattr(asp, "get_default_station", read_and_revoke)
    reply = await _undo(services)
    assert reply.kind == ReplyKind.REFUSAL and asp.writes == []
    dropped = [e for e in services.audit.entries() if e.outcome == "cancelled"]
    assert [(e.command, e.detail) for e in dropped] == [("Undo", "no longer allowed")]
    assert services.active_changes == set()


async def test_finishing_a_run_derived_from_a_change_that_is_gone(services: Services) -> None:
    run_id = services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text="undo", command="Undo",
        parsed="-", targets=[], outcome="partial", derived_from=999,
    )  # fmt: skip
    run = services.audit.get(run_id)
    assert run is not None
    reply = await finish_undo(ctx_for(services), run)
    assert reply.headline == "There is nothing of yours to undo here."


async def test_undoing_again_a_change_whose_undo_cannot_be_resent_checks_the_role(
    services: Services, asp: FakeAsp
) -> None:
    target = _renamed(services, asp)
    undo_id = services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text="undo", command="Undo",
        parsed="-", targets=[], outcome="partial", undoes=target,
    )  # fmt: skip
    author = Author("slack", "alice", "C1", "Undo")
    planned = [Planned("r1", "350", "Hotel A", "rename", {"level": "room", "name": "303"})]
    [row] = services.journal.queue(undo_id, author, planned, T0)
    services.journal.settle(row, UNKNOWN, T0)
    services.audit.journal.write(
        lambda conn: conn.execute("UPDATE audit SET undone_by = NULL WHERE id = ?", (target,))
    )
    entry = services.audit.get(undo_id)
    assert entry is not None
    reply = await finish_undo(ctx_for(services), entry)
    assert reply.headline == (
        "Sorry, to undo \u201crename room 303 to 350\u201d you need the admin role; you are front"
        " desk. Nothing was changed."
    )
    assert asp.renames == []
