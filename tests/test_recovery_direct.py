"""Crash recovery run directly (bot/core/changes/recovery.py) on a SQLite file, with Amazon's stations and
rooms in memory: each state a row may be left in, how it is read back and settled, the outcome of
the changes closed, the notice their authors read, and how notices are delivered. The fast,
direct tests of the module for mutation testing (scripts/mutation.py)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from ledger_support import JAZZ, POP, ROCK, T0, FakeAsp, services_for

from bot.clients.models import Room
from bot.core.access.services import Services
from bot.core.changes.recovery import (
    INTERRUPTED,
    RecoveryReport,
    deliver,
    hierarchy_interrupted_text,
    interrupted_text,
    recover,
)
from bot.core.ledger.audit import RUNNING, AuditEntry
from bot.core.ledger.journal import (
    APPLIED,
    FAILED,
    REFUSED,
    UNCHANGED,
    UNKNOWN,
    Author,
    JournalRow,
    Notice,
    Planned,
    UnitTally,
)
from bot.core.shared.replies import Reply, ReplyKind

ALICE = Author("slack", "alice", "C1", "SetStation")


@pytest.fixture
def asp() -> FakeAsp:
    return FakeAsp()


@pytest.fixture
def services(tmp_path: Path, asp: FakeAsp) -> Services:
    return services_for(tmp_path / "bot.db", asp)


def _open(
    services: Services,
    planned: list[Planned],
    *,
    command: str = "SetStation",
    text: str = "set rooms to pop",
    thread: str | None = None,
    undoes: int | None = None,
    outcome: str = RUNNING,
) -> tuple[int, list[JournalRow]]:
    """A change as a dead process left it: its entry (running) and its rows, queued."""
    change_id = services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text=text, command=command,
        parsed="-", targets=[p.unit_id for p in planned], outcome=outcome, thread=thread,
        undoes=undoes,
    )  # fmt: skip
    author = Author("slack", "alice", "C1", command)
    return change_id, services.journal.queue(change_id, author, planned, T0)


def _station(unit: str, after: object = POP) -> Planned:
    return Planned(f"u{unit}", unit, "Hotel A", "station", after)  # type: ignore[arg-type]


def _states(services: Services, change_id: int) -> list[tuple[str, str, str | None]]:
    return [(r.unit_id, r.state, r.error) for r in services.journal.rows(change_id)]


def _entry(services: Services, change_id: int) -> AuditEntry:
    entry = services.audit.get(change_id)
    assert entry is not None
    return entry


# --- settling the rows ------------------------------------------------------------------------------


async def test_a_row_never_started_is_failed_as_nothing_was_sent(services: Services) -> None:
    change_id, _ = _open(services, [_station("101")])
    report = await recover(services)
    assert _states(services, change_id) == [
        ("u101", FAILED, f"{INTERRUPTED}; nothing was sent"),
    ]
    assert (report.settled, report.still_unknown, report.closed) == (1, 0, [change_id])


async def test_a_pending_row_is_read_back_applied_not_applied_or_changed_by_someone(
    services: Services, asp: FakeAsp
) -> None:
    change_id, rows = _open(services, [_station("101"), _station("102"), _station("103")])
    for row in rows:
        services.journal.begin(row, JAZZ, T0)
    asp.stations = {"u101": POP, "u102": JAZZ, "u103": ROCK}
    report = await recover(services)
    assert _states(services, change_id) == [
        ("u101", APPLIED, None),
        ("u102", FAILED, INTERRUPTED),
        ("u103", FAILED, "someone else changed it in the meantime; it was not set"),
    ]
    assert (report.settled, report.still_unknown) == (3, 0)
    assert _entry(services, change_id).outcome == "partial"


async def test_a_settled_row_keeps_its_request_id(services: Services, asp: FakeAsp) -> None:
    change_id, [row] = _open(services, [_station("101")])
    services.journal.settle(services.journal.begin(row, JAZZ, T0), UNKNOWN, T0, request_id="r-7")
    asp.stations = {"u101": POP}
    await recover(services)
    [settled] = services.journal.rows(change_id)
    assert (settled.state, settled.request_id) == (APPLIED, "r-7")


async def test_an_unreadable_pending_row_is_unknown_and_an_unknown_one_stays(
    services: Services, asp: FakeAsp, caplog: pytest.LogCaptureFixture
) -> None:
    change_id, rows = _open(services, [_station("101"), _station("102")])
    services.journal.begin(rows[0], JAZZ, T0)
    services.journal.settle(services.journal.begin(rows[1], JAZZ, T0), UNKNOWN, T0, error="lost")
    asp.unreadable = {"u101", "u102"}
    with caplog.at_level(logging.INFO, logger="bot.recovery"):
        report = await recover(services)
    assert _states(services, change_id) == [
        ("u101", UNKNOWN, f"not confirmed ({INTERRUPTED})"),
        ("u102", UNKNOWN, "lost"),
    ]
    assert (report.settled, report.still_unknown) == (0, 2)
    assert [r.getMessage() for r in caplog.records] == [
        "room u101 still not confirmed: HTTP 500: read failed",
        "room u102 still not confirmed: HTTP 500: read failed",
    ]


async def test_an_alert_clearing_cannot_be_read_back_and_stays_unknown(services: Services) -> None:
    clear = Planned("u101", "101", "Hotel A", "alarms", None)
    profile = Planned("u102", "102", "Hotel A", "profile", {"x": 1})
    change_id, rows = _open(services, [clear, profile], command="ClearAlerts")
    for row in rows:
        services.journal.begin(row, None, T0)
    report = await recover(services)
    error = f"not confirmed ({INTERRUPTED}); trying again is safe"
    assert _states(services, change_id) == [("u101", UNKNOWN, error), ("u102", UNKNOWN, error)]
    assert (report.settled, report.still_unknown) == (0, 2)


# --- hierarchy writes read back -------------------------------------------------------------------------


def _rename(unit: str = "r1") -> Planned:
    before = {"level": "room", "name": "303", "parent": "t1"}
    after = {"level": "room", "name": "350", "parent": "t1"}
    return Planned(unit, "303", "Hotel A", "rename", after, before, True)


async def test_a_rename_read_back_is_applied_or_not(services: Services, asp: FakeAsp) -> None:
    asp.rooms = {"r1": Room(id="r1", name="350", roomTypeId="t1"), "r2": Room(id="r2", name="303")}
    change_id, rows = _open(services, [_rename("r1"), _rename("r2")], command="Rename")
    for row in rows:
        services.journal.begin(row, row.before, T0)
    await recover(services)
    assert _states(services, change_id) == [
        ("r1", APPLIED, None),
        ("r2", FAILED, "read back later: not applied at Amazon"),
    ]


async def test_a_rename_that_cannot_be_read_is_unknown_once_then_left(
    services: Services, asp: FakeAsp, caplog: pytest.LogCaptureFixture
) -> None:
    asp.unreadable = {"r1", "r2"}
    change_id, rows = _open(services, [_rename("r1"), _rename("r2")], command="Rename")
    services.journal.begin(rows[0], rows[0].before, T0)
    services.journal.settle(services.journal.begin(rows[1], rows[1].before, T0), UNKNOWN, T0)
    with caplog.at_level(logging.INFO, logger="bot.recovery"):
        report = await recover(services)
    assert _states(services, change_id) == [
        ("r1", UNKNOWN, f"not confirmed ({INTERRUPTED})"),
        ("r2", UNKNOWN, None),
    ]
    assert report.still_unknown == 2
    assert [r.getMessage() for r in caplog.records] == [
        "rename of 303 still not confirmed: HTTP 500: read failed",
        "rename of 303 still not confirmed: HTTP 500: read failed",
    ]


async def test_a_create_found_under_its_parent_is_the_unit_it_made(
    services: Services, asp: FakeAsp
) -> None:
    after = {"level": "room", "name": "350", "parent": "t1"}
    create = Planned("", "350", "Hotel A", "create", after, None, True)
    change_id, [row] = _open(services, [create], command="AddRoom", text="add room 350")
    services.journal.begin(row, None, T0)
    asp.rooms = {"r9": Room(id="r9", name="350", roomTypeId="t1")}
    await recover(services)
    [settled] = services.journal.rows(change_id)
    assert (settled.unit_id, settled.state) == ("r9", APPLIED)
    entry = _entry(services, change_id)
    assert entry.detail == INTERRUPTED and entry.outcome == "ok"
    [notice] = services.journal.open_notices()
    assert (
        notice.text
        == "Your change \u201cadd room 350\u201d was interrupted: it was applied at Amazon."
    )


# --- the changes closed -----------------------------------------------------------------------------------


async def test_a_change_with_no_rows_is_closed_failed_without_a_notice(services: Services) -> None:
    change_id, _ = _open(services, [])
    report = await recover(services)
    entry = _entry(services, change_id)
    assert (entry.outcome, entry.detail) == ("failed", INTERRUPTED)
    assert INTERRUPTED == "interrupted: the bot stopped before finishing"
    assert report.closed == [change_id] and report.notices == []
    assert services.journal.open_notices() == []


async def test_a_closed_change_tells_its_author_in_its_thread(
    services: Services, asp: FakeAsp
) -> None:
    change_id, rows = _open(services, [_station("101"), _station("102")], thread="th-1")
    services.journal.settle(rows[0], APPLIED, T0)
    report = await recover(services)
    text = (
        "Your change of 2 rooms (\u201cset rooms to pop\u201d) was interrupted: 1 applied, 1 not."
        f" Say `retry failed {change_id:06d}` to finish it, or `undo {change_id:06d}` to put back"
        " the 1 room."
    )
    [notice] = report.notices
    assert notice == Notice(notice.id, "slack", "alice", "C1", "th-1", change_id, text)
    assert services.journal.open_notices() == [notice]
    assert _entry(services, change_id).outcome == "partial"


async def test_an_interrupted_undo_marks_what_it_undid_only_when_it_applied_something(
    services: Services,
) -> None:
    first, _ = _open(services, [_station("101")], outcome="ok")
    undo, [row] = _open(services, [_station("101", JAZZ)], command="Undo", undoes=first)
    services.journal.settle(row, APPLIED, T0)
    other, _ = _open(services, [_station("102")], outcome="ok")
    failed_undo, _ = _open(services, [_station("102", JAZZ)], command="Undo", undoes=other)
    await recover(services)
    assert _entry(services, first).undone_by == undo
    assert _entry(services, undo).undoes == first
    assert _entry(services, other).undone_by is None
    assert _entry(services, failed_undo).outcome == "failed"


async def test_a_change_whose_every_row_was_unchanged_is_closed_unchanged(
    services: Services,
) -> None:
    change_id, rows = _open(services, [_station("101"), _station("102")])
    for row in rows:
        services.journal.settle(row, UNCHANGED, T0)
    report = await recover(services)
    assert _entry(services, change_id).outcome == "unchanged"
    # (what the notice then says is reported apart: it counts unchanged rooms as applied)
    assert report.notices[0].text.startswith("Your change of 2 rooms (")


async def test_recovery_leaves_the_changes_run_here_alone_and_forgets_its_claims(
    services: Services,
) -> None:
    mine, _ = _open(services, [_station("101")])
    orphan, _ = _open(services, [_station("102")])
    services.active_changes.add(mine)
    report = await recover(services)
    assert report.closed == [orphan]
    assert services.active_changes == {mine}
    assert _entry(services, mine).outcome == RUNNING
    assert _states(services, mine) == [("u101", "queued", None)]


async def test_a_finished_change_whose_unknown_write_turns_out_applied_gets_its_outcome(
    services: Services, asp: FakeAsp
) -> None:
    first, _ = _open(services, [_station("101")], outcome="ok")
    change_id = services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text="undo", command="Undo",
        parsed="-", targets=["u101"], outcome="failed", detail="one lost", undoes=first,
    )  # fmt: skip
    [row] = services.journal.queue(change_id, ALICE, [_station("101", JAZZ)], T0)
    services.journal.settle(services.journal.begin(row, POP, T0), UNKNOWN, T0)
    unknown_id = services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text="set", command="SetStation",
        parsed="-", targets=["u102"], outcome="partial", detail="kept",
    )  # fmt: skip
    [row2] = services.journal.queue(unknown_id, ALICE, [_station("102")], T0)
    services.journal.settle(services.journal.begin(row2, JAZZ, T0), UNKNOWN, T0)
    asp.stations = {"u101": JAZZ}
    asp.unreadable = {"u102"}
    report = await recover(services)
    entry = _entry(services, change_id)
    assert (entry.outcome, entry.detail, entry.undoes) == ("ok", "one lost", first)
    assert _entry(services, first).undone_by == change_id
    assert (_entry(services, unknown_id).outcome, _entry(services, unknown_id).detail) == ("partial", "kept")  # fmt: skip
    # settled: the undo's row, and the first change's row never started
    assert report.closed == [] and (report.settled, report.still_unknown) == (2, 1)


async def test_a_finished_change_that_turns_out_not_applied_marks_nothing_undone(
    services: Services, asp: FakeAsp
) -> None:
    first, _ = _open(services, [_station("101")], outcome="ok")
    change_id = services.audit.record(
        at=T0, platform="slack", user="alice", channel="C1", text="undo", command="Undo",
        parsed="-", targets=["u101"], outcome="partial", undoes=first,
    )  # fmt: skip
    services.audit.finish(first, "ok")  # a finished undo would have marked it; this one is unsure
    services.audit.journal.write(
        lambda conn: conn.execute("UPDATE audit SET undone_by = NULL WHERE id = ?", (first,))
    )
    [row] = services.journal.queue(change_id, ALICE, [_station("101", JAZZ)], T0)
    services.journal.settle(services.journal.begin(row, POP, T0), UNKNOWN, T0)
    asp.stations = {"u101": POP}
    await recover(services)
    assert _entry(services, change_id).outcome == "failed"
    assert _entry(services, first).undone_by is None


# --- the notice's words ---------------------------------------------------------------------------------


def _head(
    command: str = "SetStation", text: str = "set rooms to pop", change_id: int = 42
) -> AuditEntry:
    return AuditEntry(
        change_id, "t", "slack", "alice", "C1", text, command, "-", [], [], RUNNING, "", [], None,
        None,
    )  # fmt: skip


def test_the_notice_of_an_interrupted_change_names_its_next_step() -> None:
    entry = _head()
    assert interrupted_text(entry, UnitTally(102, 30, 0, 30, False)) == (
        "Your change of 102 rooms (\u201cset rooms to pop\u201d) was interrupted: 30 applied, 72 not."
        " Say `retry failed 000042` to finish it, or `undo 000042` to put back the 30 rooms."
    )
    assert interrupted_text(entry, UnitTally(3, 1, 1, 1, False)) == (
        "Your change of 3 rooms (\u201cset rooms to pop\u201d) was interrupted: 1 applied, 1 not,"
        " 1 not confirmed. Say `retry failed 000042` to finish it, or `undo 000042` to put back"
        " the 1 room."
    )
    assert interrupted_text(entry, UnitTally(2, 0, 0, 0, False)) == (
        "Your change of 2 rooms (\u201cset rooms to pop\u201d) was interrupted: 0 applied, 2 not."
        " Say `retry failed 000042` to finish it."
    )
    assert interrupted_text(entry, UnitTally(2, 2, 0, 2, False)) == (
        "Your change of 2 rooms (\u201cset rooms to pop\u201d) was interrupted: 2 applied, 0 not."
        " Every room was done; nothing more to do (say `undo 000042` to put back the 2 rooms)."
    )
    clear = _head("ClearAlerts", "clear alarms")
    assert interrupted_text(clear, UnitTally(1, 1, 0, 1, False)) == (
        "Your change of 1 room (\u201cclear alarms\u201d) was interrupted: 1 applied, 0 not."
        " Every room was done; nothing more to do."
    )
    assert interrupted_text(_head("NoSuchCommand"), UnitTally(2, 1, 0, 1, False)).endswith(
        "Say `retry failed 000042` to finish it."
    )


def test_the_notice_offers_to_put_back_only_the_rooms_the_change_altered() -> None:
    """Rooms already as asked count as done, but an undo of them would change nothing: the
    notice offers to put back only the rooms a write was applied to, and no undo when none was."""
    entry = _head()
    assert interrupted_text(entry, UnitTally(4, 3, 0, 1, False)) == (
        "Your change of 4 rooms (\u201cset rooms to pop\u201d) was interrupted: 3 applied, 1 not."
        " Say `retry failed 000042` to finish it, or `undo 000042` to put back the 1 room."
    )
    assert interrupted_text(entry, UnitTally(2, 2, 0, 0, False)) == (
        "Your change of 2 rooms (\u201cset rooms to pop\u201d) was interrupted: 2 applied, 0 not."
        " Every room was done; nothing more to do."
    )


def test_the_notice_of_an_interrupted_undo_says_undo_again() -> None:
    entry = _head("Undo", "undo")
    assert interrupted_text(entry, UnitTally(5, 2, 1, 2, False)) == (
        "Your undo of 5 rooms (\u201cundo\u201d) was interrupted: 2 put back, 2 not, 1 not"
        " confirmed. Say `undo` again to finish putting back the 3 rooms."
    )
    assert interrupted_text(entry, UnitTally(2, 1, 0, 1, False)) == (
        "Your undo of 2 rooms (\u201cundo\u201d) was interrupted: 1 put back, 1 not. Say `undo`"
        " again to finish putting back the 1 room."
    )
    assert interrupted_text(entry, UnitTally(2, 2, 0, 2, False)) == (
        "Your undo of 2 rooms (\u201cundo\u201d) was interrupted: 2 put back, 0 not. Every room"
        " was put back; nothing more to do."
    )


def test_the_notice_of_an_interrupted_add_rename_or_delete_says_where_it_stands() -> None:
    def rows(*states: str) -> list[JournalRow]:
        return [
            JournalRow(n, 1, ALICE, "r1", "303", "A", "rename", None, None, True, s)
            for n, s in enumerate(states)
        ]

    entry = _head("Rename", "rename room 303 to 350")
    said = "Your change \u201crename room 303 to 350\u201d was interrupted: "
    assert hierarchy_interrupted_text(entry, rows(APPLIED)) == said + "it was applied at Amazon."
    assert hierarchy_interrupted_text(entry, rows(UNCHANGED, APPLIED)) == (
        said + "it was applied at Amazon."
    )
    assert hierarchy_interrupted_text(entry, rows(APPLIED, UNKNOWN)) == (
        said + "it is not confirmed yet; I will check again before you send it again."
    )
    assert hierarchy_interrupted_text(entry, rows(FAILED, REFUSED)) == (
        said + "it was not applied; send it again if you still want it."
    )
    undo = _head("Undo", "undo")
    assert hierarchy_interrupted_text(undo, rows(FAILED)) == (
        "Your undo \u201cundo\u201d was interrupted: it was not applied; send it again if you still"
        " want it."
    )


# --- delivering notices ------------------------------------------------------------------------------------


@dataclass
class Poster:
    posted: list[tuple[str, Reply]] = field(default_factory=list)
    fail: bool = False

    async def post_to_channel(self, channel: str, reply: Reply) -> str:
        if self.fail:
            raise RuntimeError("chat is down")
        self.posted.append((channel, reply))
        return "ts"


@dataclass
class ThreadedPoster(Poster):
    threads: list[tuple[str, str, Reply]] = field(default_factory=list)

    async def post_in_thread(self, channel: str, thread: str, reply: Reply) -> str:
        self.threads.append((channel, thread, reply))
        return "ts"


def _notice(services: Services, *, platform: str = "slack", channel: str | None = "C1",
            thread: str | None = None, text: str = "hello") -> int:  # fmt: skip
    return services.journal.add_notice(
        platform=platform, user="alice", channel=channel, thread=thread, change_id=None,
        text=text, at=T0,
    )  # fmt: skip


async def test_notices_are_posted_by_the_poster_of_their_platform(services: Services) -> None:
    _notice(services, text="one")
    _notice(services, platform="teams", text="two")
    _notice(services, channel=None, text="three")
    slack = Poster()
    assert await deliver(services, {"slack": slack}) == 1
    assert slack.posted == [("C1", Reply(headline="one", kind=ReplyKind.SUMMARY))]
    assert [n.text for n in services.journal.open_notices()] == ["two", "three"]
    assert await deliver(services, {"slack": slack}) == 0  # posted once


async def test_a_notice_of_a_thread_goes_to_that_thread_when_the_poster_can(
    services: Services,
) -> None:
    _notice(services, thread="th-1", text="in thread")
    plain = Poster()
    assert await deliver(services, {"slack": plain}) == 1
    assert plain.posted == [("C1", Reply(headline="in thread", kind=ReplyKind.SUMMARY))]
    _notice(services, thread="th-2", text="again")
    _notice(services, text="no thread")
    threaded = ThreadedPoster()
    assert await deliver(services, {"slack": threaded}) == 2
    assert threaded.threads == [("C1", "th-2", Reply(headline="again", kind=ReplyKind.SUMMARY))]
    assert threaded.posted == [("C1", Reply(headline="no thread", kind=ReplyKind.SUMMARY))]


async def test_a_notice_that_fails_to_post_is_kept_for_the_next_message(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    _notice(services, text="one")
    _notice(services, text="two")
    with caplog.at_level(logging.WARNING, logger="bot.recovery"):
        assert await deliver(services, {"slack": Poster(fail=True)}) == 0
    assert [n.text for n in services.journal.open_notices()] == ["one", "two"]
    assert [r.getMessage() for r in caplog.records] == [
        "could not post a notice to alice; kept for the next message"
    ] * 2


async def test_a_notice_taken_by_another_replica_is_not_posted_again(services: Services) -> None:
    notice_id = _notice(services, text="one")
    _notice(services, text="two")
    stale = services.journal.open_notices()
    assert services.journal.mark_delivered(notice_id, T0)

    class Racing:
        """The journal as a replica sees it when another took the notice between its reads."""

        def __init__(self, services: Services) -> None:
            self.inner = services.journal

        def open_notices(self) -> list[Notice]:
            return stale

        def mark_delivered(self, notice_id: int, at: object) -> bool:
            return bool(self.inner.mark_delivered(notice_id, at))  # type: ignore[arg-type]

    class Seen:
        journal = Racing(services)
        clock = services.clock

    slack = Poster()
    assert await deliver(Seen(), {"slack": slack}) == 1  # type: ignore[arg-type]
    assert [reply.headline for _, reply in slack.posted] == ["two"]


async def test_recovery_posts_the_notices_it_writes(services: Services) -> None:
    change_id, _ = _open(services, [_station("101")])
    slack = Poster()
    report = await recover(services, posters={"slack": slack})
    assert report.posted == 1 and len(slack.posted) == 1
    assert isinstance(report, RecoveryReport) and report.closed == [change_id]
    assert RecoveryReport() == RecoveryReport(0, 0, [], [], 0)


async def test_recovery_settles_many_rows_with_little_concurrency(
    services: Services, asp: FakeAsp
) -> None:
    change_id, rows = _open(services, [_station(str(n)) for n in range(100, 120)])
    for row in rows:
        services.journal.begin(row, JAZZ, T0)
    asp.stations = {f"u{n}": POP for n in range(100, 120)}
    report = await recover(services, concurrency=0)
    assert asp.most_reading == 1  # at least one at a time
    assert report.settled == 20
    assert {state for _, state, _ in _states(services, change_id)} == {APPLIED}
    assert _entry(services, change_id).outcome == "ok"


async def test_recovery_reads_eight_rooms_at_a_time_by_default(
    services: Services, asp: FakeAsp
) -> None:
    _, rows = _open(services, [_station(str(n)) for n in range(100, 120)])
    for row in rows:
        services.journal.begin(row, JAZZ, T0)
    await recover(services)
    assert asp.most_reading == 8


async def test_an_index_that_cannot_record_an_applied_create_is_logged(
    services: Services,
    asp: FakeAsp,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The journal is right (applied); `sync` mends the index later."""

    def broken(services: Services, write: object) -> None:
        raise RuntimeError("index locked")

    monkeypatch.setattr("bot.core.changes.recovery.record_in_index", broken)
    after = {"level": "room", "name": "350", "parent": "t1"}
    create = Planned("", "350", "Hotel A", "create", after, None, True)
    change_id, [row] = _open(services, [create], command="AddRoom", text="add room 350")
    services.journal.begin(row, None, T0)
    asp.rooms = {"r9": Room(id="r9", name="350", roomTypeId="t1")}
    with caplog.at_level(logging.ERROR, logger="bot.recovery"):
        await recover(services)
    assert services.journal.rows(change_id)[0].state == APPLIED
    assert [r.getMessage() for r in caplog.records] == [
        "could not record create of 350 in the index"
    ]


async def test_outcomes_are_refreshed_past_a_change_whose_entry_is_gone(
    services: Services, asp: FakeAsp
) -> None:
    gone, [row] = _open(services, [_station("101")], outcome="ok")
    services.journal.settle(services.journal.begin(row, JAZZ, T0), UNKNOWN, T0)
    services.audit.journal.write(
        lambda conn: conn.execute("DELETE FROM audit WHERE id = ?", (gone,))
    )
    kept, [row2] = _open(services, [_station("102")], outcome="partial")
    services.journal.settle(services.journal.begin(row2, JAZZ, T0), UNKNOWN, T0)
    asp.stations = {"u101": POP, "u102": POP}
    await recover(services)
    assert _entry(services, kept).outcome == "ok"


async def test_a_notice_without_a_poster_is_passed_over_for_the_next(services: Services) -> None:
    _notice(services, platform="teams", text="later")
    _notice(services, channel=None, text="no channel")
    _notice(services, text="now")
    slack = Poster()
    assert await deliver(services, {"slack": slack}) == 1
    assert [reply.headline for _, reply in slack.posted] == ["now"]


async def test_a_failed_post_does_not_stop_the_next_notice(services: Services) -> None:
    _notice(services, text="one")
    _notice(services, text="two")

    @dataclass
    class FailsOnce(Poster):
        calls: int = 0

        async def post_to_channel(self, channel: str, reply: Reply) -> str:
            self.calls += 1
            if self.calls == 1:
                raise RuntimeError("chat is down")
            return await super().post_to_channel(channel, reply)

    poster = FailsOnce()
    assert await deliver(services, {"slack": poster}) == 1
    assert [reply.headline for _, reply in poster.posted] == ["two"]
    assert [n.text for n in services.journal.open_notices()] == ["one"]
