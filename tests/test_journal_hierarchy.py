"""Adding, renaming and deleting rooms is journaled before the request and settled after it: a
write Amazon applied but whose answer was lost (dropped, or a 500 after applying) is read back and
audited as applied, the reply says done, and `undo` still works; what cannot be read back is "not
confirmed" and recovery settles it later."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from pathlib import Path

import pytest
from core_helpers import BotUnderTest, bot_on, text_of
from journal_support import HOTEL, journal_world, room_id, uid

from bot.core.changes.recovery import recover
from bot.core.ledger.journal import APPLIED, FAILED, PENDING, REFUSED, UNKNOWN, process_owner
from bot.core.shared.replies import ReplyKind
from bot.json_types import text_at
from bot.sandbox.faults import FaultKind, FaultRule, Faults
from bot.sandbox.server import SandboxServer

LOST = ["apply_then_drop", "apply_then_500"]


def _admin_bot(
    sandbox: SandboxServer, tmp_path: Path, rules: list[FaultRule]
) -> AbstractAsyncContextManager[BotUnderTest]:
    return bot_on(
        sandbox, journal_world(), tmp_path, faults=Faults(rules=rules), local_admin="alice"
    )


def _room_names(bot: BotUnderTest) -> list[str]:
    return [r.name for r in bot.state.world.properties[0].roomTypes[0].rooms]


def _index_names(bot: BotUnderTest) -> list[str]:
    index = bot.runtime.services.index
    return sorted(r.room_name for r in index.rooms_of_room_type(uid("KING")))


@pytest.mark.parametrize("fault", LOST)
async def test_a_rename_whose_answer_is_lost_is_read_back_audited_applied_and_undone(
    sandbox: SandboxServer, tmp_path: Path, fault: FaultKind
) -> None:
    """`rename room 303 to 350`, every answer to writes on room 303 lost after Amazon applied
    them: the reply says done (never failed), the audit has the rename as applied with its true
    before, the index follows, and `undo` renames it back (its own answer lost too)."""
    rule = FaultRule(fault, method="PUT", units=[room_id("303")])
    async with _admin_bot(sandbox, tmp_path, [rule]) as bot:
        done = await bot.say(f"rename room 303 to 350 at {HOTEL}")
        assert done.kind == ReplyKind.SUCCESS, text_of(done)
        assert done.headline == f"Done: renamed room 303 to 350 ({HOTEL})."
        assert "350" in _room_names(bot) and "303" not in _room_names(bot)
        assert "350" in _index_names(bot)
        [entry] = bot.runtime.services.audit.entries(limit=1)
        assert entry.outcome == "ok" and entry.command == "RenameUnit"
        [change] = entry.changes
        assert change.state == APPLIED and change.unit_id == room_id("303")
        assert (text_at(change.before, "name"), text_at(change.after, "name")) == ("303", "350")
        assert [a.value for a in done.actions] == [f"undo {entry.id:06d}"]

        undone = await bot.say("undo")
        assert undone.kind == ReplyKind.SUCCESS, text_of(undone)
        assert "303" in _room_names(bot) and "350" not in _room_names(bot)
        assert "303" in _index_names(bot)
        [back] = bot.runtime.services.audit.entries(limit=1)
        assert back.command == "Undo" and back.undoes == entry.id
        assert [c.state for c in back.changes] == [APPLIED]


@pytest.mark.parametrize("fault", LOST)
async def test_an_add_whose_answer_is_lost_finds_the_new_room_and_undo_removes_it(
    sandbox: SandboxServer, tmp_path: Path, fault: FaultKind
) -> None:
    """`add room 399`, the POST applied and its answer lost: the room is found by listing its
    room type, audited with its new id, indexed, and `undo` deletes exactly that room."""
    rule = FaultRule(fault, method="POST", path="/rooms")
    async with _admin_bot(sandbox, tmp_path, [rule]) as bot:
        done = await bot.say(f"add room 399 to King at {HOTEL}")
        assert done.kind == ReplyKind.SUCCESS, text_of(done)
        assert done.headline == f"Done: added room 399 to King at {HOTEL}."
        assert _room_names(bot).count("399") == 1
        new_id = next(
            r.id for r in bot.state.world.properties[0].roomTypes[0].rooms if r.name == "399"
        )
        [entry] = bot.runtime.services.audit.entries(limit=1)
        [change] = entry.changes
        assert (change.state, change.unit_id, change.property_name) == (APPLIED, new_id, HOTEL)
        assert "399" in _index_names(bot)

        undone = await bot.say("undo")
        assert undone.headline == "Undone: removed the room 399 that was just added.", text_of(
            undone
        )
        assert "399" not in _room_names(bot) and "399" not in _index_names(bot)


async def test_an_add_answered_500_and_not_made_is_failed_after_reading_back(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A create answered 500 without being applied: listing the room type shows no new room, so
    the reply says it couldn't (and that nothing changed), and the row is settled failed."""
    rule = FaultRule("500", method="POST", path="/rooms")
    async with _admin_bot(sandbox, tmp_path, [rule]) as bot:
        reply = await bot.say(f"add room 399 to King at {HOTEL}")
        # a 500 on a POST may have created the room: listing it shows it was not
        assert reply.kind == ReplyKind.ERROR and reply.headline.startswith("Couldn't add room 399")
        assert "reading back shows nothing changed" in reply.headline
        assert "399" not in _room_names(bot)
        [entry] = bot.runtime.services.audit.entries(limit=1)
        assert entry.outcome == "failed" and [c.state for c in entry.changes] == [FAILED]


@pytest.mark.parametrize("fault", LOST)
async def test_a_delete_whose_answer_is_lost_is_done_not_failed(
    sandbox: SandboxServer, tmp_path: Path, fault: FaultKind
) -> None:
    """`delete room 312` + yes, the DELETE applied and its answer lost (its resend meets a 404):
    reading back finds the room gone, so the reply says deleted and the audit says applied."""
    rule = FaultRule(fault, method="DELETE", units=[room_id("312")], attempts=1)
    async with _admin_bot(sandbox, tmp_path, [rule]) as bot:
        await bot.say(f"delete room 312 at {HOTEL}")
        done = await bot.say("yes")
        assert done.kind == ReplyKind.SUCCESS, text_of(done)
        assert done.headline == f"Done: deleted room 312 at {HOTEL}."
        assert "312" not in _room_names(bot) and "312" not in _index_names(bot)
        [entry] = bot.runtime.services.audit.entries(limit=1)
        assert entry.command == "DeleteUnit" and [c.state for c in entry.changes] == [APPLIED]


async def test_a_rename_not_readable_back_is_not_confirmed_and_recovery_settles_it(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Answer lost and reading the room back failing too: the reply says "not confirmed" (never
    failed) and the row stays unknown; recovery, once Amazon answers, settles it as applied, the
    change counts as done, the index follows, and `undo` works."""
    lost = FaultRule("apply_then_drop", method="PUT", units=[room_id("303")])
    unreadable = FaultRule("500", method="GET", units=[room_id("303")])
    async with _admin_bot(sandbox, tmp_path, [lost, unreadable]) as bot:
        reply = await bot.say(f"rename room 303 to 350 at {HOTEL}")
        assert reply.headline.startswith("Not confirmed"), text_of(reply)
        assert "failed" not in reply.headline and reply.kind != ReplyKind.ERROR
        services = bot.runtime.services
        [entry] = services.audit.entries(limit=1)
        assert [c.state for c in entry.changes] == [UNKNOWN]

        bot.server.faults.update(rules=[])
        report = await recover(services)
        assert report.settled == 1
        settled = services.audit.get(entry.id)
        assert settled is not None and [c.state for c in settled.changes] == [APPLIED]
        assert settled.outcome == "ok"
        assert "350" in _index_names(bot)
        undone = await bot.say("undo")
        assert undone.kind == ReplyKind.SUCCESS, text_of(undone)
        assert "303" in _room_names(bot)


async def test_recovery_settles_hierarchy_writes_a_dead_process_left_pending(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A rename and an add left pending by a process killed mid-request (Amazon applied both)
    are read back at start: applied, with the created room's id, and the index follows; a
    delete Amazon never got is settled as not applied. The author is told in plain words."""
    async with _admin_bot(sandbox, tmp_path, []) as bot:
        services = bot.runtime.services
        await bot.say(f"rename room 303 to 350 at {HOTEL}")
        await bot.say(f"add room 399 to King at {HOTEL}")
        entries = services.audit.entries(limit=2)
        # what a kill right after each request went out leaves: running changes, pending rows
        for entry in entries:
            services.audit.finish(
                entry.id, "running", detail=f"running in process {process_owner()}"
            )
            [row] = services.journal.rows(entry.id)
            services.journal.settle(row, PENDING, services.clock.now())
        services.index.rename_room(room_id("303"), "303")
        added = next(
            r for r in services.index.rooms_of_room_type(uid("KING")) if r.room_name == "399"
        )
        services.index.delete_room(added.room_id)
        # the add's row as it was before the answer: no id yet
        add_row = services.journal.rows(entries[0].id)[0]
        services.journal.amend(add_row, unit_id="", before=None, after=add_row.after)

        report = await recover(services)
        assert report.settled == 2 and sorted(report.closed) == sorted(e.id for e in entries)
        rename_entry, add_entry = (
            services.audit.get(entries[1].id),
            services.audit.get(entries[0].id),
        )
        assert rename_entry is not None and add_entry is not None
        assert [c.state for c in rename_entry.changes] == [APPLIED]
        assert [(c.state, c.unit_id) for c in add_entry.changes] == [(APPLIED, added.room_id)]
        assert rename_entry.outcome == add_entry.outcome == "ok"
        assert sorted(_index_names(bot))[-2:] == ["350", "399"]
        texts = [n.text for n in report.notices]
        assert any("rename room 303 to 350" in t and "it was applied" in t for t in texts), texts


async def test_a_rename_is_in_the_journal_before_its_request_goes_out(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """When the rename's request leaves, its journal row is already committed as pending, with
    who asked, the old name and the new one: a crash at that moment loses nothing."""
    async with _admin_bot(sandbox, tmp_path, []) as bot:
        services = bot.runtime.services
        seen: list[tuple[str, str, object, object]] = []
        update_room = services.asp.update_room

        async def watched(room: str, name: str, *, deadline: float | None = None) -> None:
            seen.extend(
                (r.state, r.author.user, r.before, r.after) for r in services.journal.open_rows()
            )
            await update_room(room, name, deadline=deadline)

        setattr(services.asp, "update_room", watched)  # noqa: B010 (a method of the port)
        await bot.say(f"rename room 303 to 350 at {HOTEL}")
        assert seen == [
            (PENDING, "alice", {"level": "room", "name": "303"}, {"level": "room", "name": "350"})
        ]
        assert services.journal.open_rows() == []


async def test_recovery_tells_of_a_rename_not_applied_and_one_not_confirmed(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Two renames left pending by a dead process: one Amazon never applied (read back: the old
    name) is settled as not applied; one whose room cannot be read stays not confirmed. Each
    author notice says which, in plain words."""
    async with _admin_bot(sandbox, tmp_path, []) as bot:
        services = bot.runtime.services
        await bot.say(f"rename room 303 to 350 at {HOTEL}")
        await bot.say(f"rename room 304 to 360 at {HOTEL}")
        for entry in services.audit.entries(limit=2):
            services.audit.finish(
                entry.id, "running", detail=f"running in process {process_owner()}"
            )
            [row] = services.journal.rows(entry.id)
            services.journal.settle(row, PENDING, services.clock.now())
        bot.room(HOTEL, "350").name = "303"  # as if the first request never reached Amazon
        bot.server.faults.update(rules=[FaultRule("500", method="GET", units=[room_id("304")])])

        report = await recover(services)
        assert (report.settled, report.still_unknown) == (1, 1)
        texts = sorted(n.text for n in report.notices)
        assert "rename room 303 to 350" in texts[0] and "it was not applied" in texts[0]
        assert "rename room 304 to 360" in texts[1] and "not confirmed yet" in texts[1]
        states = [[c.state for c in e.changes] for e in services.audit.entries(limit=2)]
        assert states == [[UNKNOWN], [FAILED]]


async def test_an_undo_amazon_did_not_apply_says_it_could_not(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Undo of a rename answered 500, and reading back shows the name unchanged: the reply says
    the undo could not be done (no "Undone"), and the rename stays undoable."""
    async with _admin_bot(sandbox, tmp_path, []) as bot:
        await bot.say(f"rename room 305 to 370 at {HOTEL}")
        bot.server.faults.update(rules=[FaultRule("500", method="PUT", units=[room_id("305")])])
        reply = await bot.say("undo")
        assert reply.kind == ReplyKind.ERROR and reply.headline.startswith("Couldn't undo")
        assert "370" in _room_names(bot)
        [undo] = bot.runtime.services.audit.entries(limit=1)
        assert [c.state for c in undo.changes] == [FAILED]
        bot.server.faults.update(rules=[])
        assert (await bot.say("undo")).headline.startswith("Undone: renamed room 370 back to 305")


async def test_a_delete_amazon_refuses_is_journaled_refused_with_its_reason(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Deleting a room type that still has rooms: Amazon says no (400), which is certain, so it
    is not read back; the row is refused with Amazon's reason and the room type stays."""
    async with _admin_bot(sandbox, tmp_path, []) as bot:
        await bot.say(f"delete room type King at {HOTEL}")
        reply = await bot.say("yes")
        assert reply.kind == ReplyKind.ERROR, text_of(reply)
        assert reply.headline.startswith(f"Couldn't delete room type King at {HOTEL}")
        [entry] = bot.runtime.services.audit.entries(limit=1)
        assert entry.outcome == "failed" and [c.state for c in entry.changes] == [REFUSED]
        assert bot.state.world.properties[0].roomTypes[0].name == "King"


@pytest.mark.parametrize("fault", LOST)
async def test_a_property_and_a_room_type_whose_answers_are_lost_are_found_and_indexed(
    sandbox: SandboxServer, tmp_path: Path, fault: FaultKind
) -> None:
    """The same read-back at the other levels: a new property is found in the organization's
    list, a renamed room type by GET; both are audited applied and indexed."""
    rules = [
        FaultRule(fault, method="POST", path="/properties"),
        FaultRule(fault, method="PUT", units=[uid("KING")]),
    ]
    async with _admin_bot(sandbox, tmp_path, rules) as bot:
        added = await bot.say("add property Seaside")
        assert added.headline == "Done: added property Seaside.", text_of(added)
        renamed = await bot.say(f"rename room type King to Royal at {HOTEL}")
        assert renamed.headline == f"Done: renamed room type King to Royal ({HOTEL}).", text_of(
            renamed
        )
        index = bot.runtime.services.index
        assert [p.name for p in index.properties()] == [HOTEL, "Seaside"]
        assert [t.name for t in index.room_types(uid("HARBOR"))] == ["Royal"]
        entries = bot.runtime.services.audit.entries(limit=2)
        assert [[c.state for c in e.changes] for e in entries] == [[APPLIED], [APPLIED]]
        seaside = next(p for p in bot.state.world.properties if p.name == "Seaside")
        assert entries[1].changes[0].unit_id == seaside.id
