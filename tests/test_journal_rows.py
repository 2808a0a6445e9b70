"""The journal's rows as stored (bot/core/ledger/journal.py), read back from the file: what a crash or a
second process would see. Written to kill the mutants that survived the whole suite (issue 21):
a settle without a request id must not erase the one recorded, and a queued row keeps whether its
before was read from Amazon."""

from __future__ import annotations

import os
import socket
import sqlite3
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.ledger.journal import (
    APPLIED,
    DONE_STATES,
    FAILED,
    OPEN_STATES,
    PENDING,
    QUEUED,
    REFUSED,
    STATES,
    UNCHANGED,
    UNKNOWN,
    Author,
    JournalRow,
    Notice,
    Planned,
    SqliteJournal,
    owner_alive,
    process_owner,
)
from bot.index.db import open_index

AT = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
ALICE = Author("slack", "alice", "C1", "SetStation")
JAZZ = {"providerId": "I_HEART_RADIO", "stationId": "4242"}
POP = {"providerId": "I_HEART_RADIO", "stationId": "4422"}


@pytest.fixture
def journal(tmp_path: Path) -> SqliteJournal:
    return SqliteJournal(open_index(tmp_path / "bot.db").conn)


def test_queued_rows_keep_whether_their_before_was_read(journal: SqliteJournal) -> None:
    """Two planned writes, one whose before was read from Amazon and one not: stored as queued,
    with their before, after and before_read as planned, for the author and change given."""
    planned = [
        Planned("U1", "101", "Hotel A", "station", JAZZ, POP, True),
        Planned("U2", "102", "Hotel A", "station", JAZZ, None, False),
    ]
    rows = journal.queue(7, ALICE, planned, AT)
    assert [r.before_read for r in rows] == [True, False]
    stored = journal.rows(7)
    assert [(r.unit_id, r.before, r.after, r.before_read, r.state) for r in stored] == [
        ("U1", POP, JAZZ, True, QUEUED),
        ("U2", None, JAZZ, False, QUEUED),
    ]
    assert stored == rows
    assert {r.author for r in stored} == {ALICE}
    assert journal.queue(8, ALICE, [], AT) == [] and journal.rows(8) == []


def test_begin_records_the_before_read_and_pends(journal: SqliteJournal) -> None:
    """`begin` stores the value read before the request and marks the row pending."""
    [row] = journal.queue(1, ALICE, [Planned("U1", "101", "Hotel A", "station", JAZZ)], AT)
    begun = journal.begin(row, POP, AT)
    assert (begun.state, begun.before, begun.before_read) == (PENDING, POP, True)
    assert journal.rows(1) == [begun]
    assert journal.open_rows() == [begun]


def test_a_settle_without_a_request_id_keeps_the_one_recorded(journal: SqliteJournal) -> None:
    """Not confirmed with Amazon's request id, then applied by a read-back that has none: the
    request id recorded first stays, in the file and in the row returned."""
    [row] = journal.queue(1, ALICE, [Planned("U1", "101", "Hotel A", "station", JAZZ)], AT)
    row = journal.begin(row, POP, AT)
    unknown = journal.settle(row, UNKNOWN, AT, error="no answer", request_id="req-1")
    assert unknown.request_id == "req-1"
    applied = journal.settle(unknown, APPLIED, AT + timedelta(minutes=5))
    assert applied.request_id == "req-1" and applied.error is None
    [stored] = journal.rows(1)
    assert (stored.state, stored.request_id, stored.error) == (APPLIED, "req-1", None)
    assert journal.open_rows() == []
    newer = journal.settle(stored, FAILED, AT, error="refused", request_id="req-2")
    assert newer.request_id == "req-2" and journal.rows(1)[0].request_id == "req-2"


def test_amend_records_what_the_write_really_was(journal: SqliteJournal) -> None:
    """A create's new unit id and the value it replaced are stored before the row is settled."""
    [row] = journal.queue(1, ALICE, [Planned("", "Sauna", "Hotel A", "create", {"name": "Sauna"})], AT)  # fmt: skip
    amended = journal.amend(row, unit_id="U9", before=None, after={"name": "Sauna", "id": "U9"})
    assert journal.rows(1) == [amended]
    assert amended.unit_id == "U9" and amended.after == {"name": "Sauna", "id": "U9"}


def test_rows_of_several_changes_and_deliveries(journal: SqliteJournal) -> None:
    """Rows grouped by change (a change with none is absent); a delivery id is claimed once."""
    journal.queue(1, ALICE, [Planned("U1", "101", "A", "station", JAZZ)], AT)
    journal.queue(2, ALICE, [Planned("U2", "102", "A", "station", POP)] * 2, AT)
    grouped = journal.rows_of([1, 2, 3])
    assert sorted(grouped) == [1, 2] and len(grouped[2]) == 2
    assert journal.rows_of([]) == {}
    assert journal.claim_delivery("d1", AT) and not journal.claim_delivery("d1", AT)


def test_notices_wait_for_their_user_until_delivered(journal: SqliteJournal) -> None:
    """A notice is open for its user (and in the list of all) until marked delivered."""
    first = journal.add_notice(
        platform="slack", user="alice", channel="C1", thread="t", change_id=3, text="hi", at=AT
    )
    journal.add_notice(
        platform="teams", user="bob", channel=None, thread=None, change_id=None, text="yo", at=AT
    )
    [mine] = journal.open_notices("alice")
    assert (mine.id, mine.platform, mine.channel, mine.thread, mine.change_id, mine.text) == (
        first, "slack", "C1", "t", 3, "hi"
    )  # fmt: skip
    assert [n.user for n in journal.open_notices()] == ["alice", "bob"]
    journal.mark_delivered(first, AT)
    assert journal.open_notices("alice") == [] and len(journal.open_notices()) == 1


def test_the_states_are_the_audit_contract() -> None:
    """The states are written in the file and shown by `bot audit --json` (a public contract):
    their names do not change; open and done states are the ones recovery and undo rely on."""
    assert STATES == ("queued", "pending", "applied", "unchanged", "refused", "failed", "unknown")
    assert OPEN_STATES == (QUEUED, PENDING, UNKNOWN)
    assert DONE_STATES == (APPLIED, UNCHANGED)
    assert (REFUSED, FAILED) == ("refused", "failed")


def test_rows_are_stamped_to_the_millisecond_and_ok_means_done(journal: SqliteJournal) -> None:
    """Times are stored as ISO 8601 with milliseconds; a row is ok when applied or unchanged."""
    [row] = journal.queue(1, ALICE, [Planned("U1", "101", "A", "station", JAZZ)], AT)
    stamp = journal._conn.execute("SELECT at, updated_at FROM journal").fetchone()
    assert stamp == ("2026-03-10T12:00:00.000+00:00",) * 2
    assert not row.ok and not row.applied
    assert journal.settle(row, UNCHANGED, AT).ok
    applied = journal.settle(row, APPLIED, AT)
    assert applied.ok and applied.applied


def test_a_locked_database_is_waited_out_then_given_up(tmp_path: Path) -> None:
    """ "database is locked" is retried with waits doubling from 50 ms (at most 2 s) until the
    limit, then raised; any other database error is raised at once."""
    slept: list[float] = []
    journal = SqliteJournal(
        open_index(tmp_path / "bot.db").conn, locked_retry_s=1.0, sleep=slept.append
    )
    tries = iter([True, True, False])

    def work(conn: sqlite3.Connection) -> str:
        if next(tries):
            raise sqlite3.OperationalError("database is locked")
        return "written"

    assert journal.write(work) == "written" and slept == [0.05, 0.1]
    slept.clear()

    def always_busy(conn: sqlite3.Connection) -> None:
        raise sqlite3.OperationalError("database is busy")

    with pytest.raises(sqlite3.OperationalError):
        journal.write(always_busy)
    assert slept == [0.05, 0.1, 0.2, 0.4, 0.8] and sum(slept) >= 1.0

    def broken(conn: sqlite3.Connection) -> None:
        raise sqlite3.OperationalError("no such table: nope")

    slept.clear()
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        journal.write(broken)
    assert slept == []


def test_which_process_runs_a_change() -> None:
    """A running change names its process "host:pid": this process is not another live one; a dead
    pid on this host is not alive; another host is assumed alive; a detail naming no process is
    not alive."""
    host = socket.gethostname()
    assert process_owner() == f"{host}:{os.getpid()}"
    assert not owner_alive(f"running in process {process_owner()}")
    assert owner_alive(f"running in process {host}:{os.getppid()}")
    assert not owner_alive(f"running in process {host}:{2**22 + 12345}")
    assert owner_alive("running in process elsewhere.example:1")
    assert not owner_alive("done")
    assert not owner_alive(f"running in process {host}:abc")


def test_planned_writes_and_rows_are_immutable_values() -> None:
    """A planned write has no before (not read) unless given; planned writes, rows, authors and
    notices cannot be edited once made (the journal is the record)."""
    planned = Planned("U1", "101", "A", "station", JAZZ)
    assert planned.before is None and planned.before_read is False
    notice = Notice(1, "slack", "alice", None, None, None, "hi")
    row = JournalRow(1, 1, ALICE, "U1", "101", "A", "station", None, JAZZ, False, QUEUED)
    assert row.error is None and row.request_id is None
    for value, field in ((planned, "after"), (row, "state"), (ALICE, "user"), (notice, "text")):
        with pytest.raises(FrozenInstanceError):
            setattr(value, field, "changed")


def test_a_locked_database_is_logged_by_the_journal(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Each wait for a locked database is one warning of the `bot.journal` logger."""
    journal = SqliteJournal(open_index(tmp_path / "bot.db").conn, sleep=lambda _s: None)
    tries = iter([True, False])

    def work(conn: sqlite3.Connection) -> None:
        if next(tries):
            raise sqlite3.OperationalError("database is locked")

    with caplog.at_level("WARNING", logger="bot.journal"):
        journal.write(work)
    assert [r.name for r in caplog.records] == ["bot.journal"]
    assert "waiting for the database" in caplog.records[0].getMessage()
