"""The journal's rows as stored (bot/core/ledger/journal.py), read back from the file: what a crash or a
second process would see. Written to kill the mutants that survived the whole suite (issue 21):
a settle without a request id must not erase the one recorded, and a queued row keeps whether its
before was read from Amazon."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
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
    Counts,
    JournalRow,
    Notice,
    Planned,
    Settled,
    SqliteJournal,
    UnitTally,
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


# --- counts and summaries (the reply of a change, `recent changes`, a restart notice) ------------


def _row(n: int, state: str, unit: str = "", before: object = None) -> JournalRow:
    return JournalRow(n, 1, ALICE, unit or f"U{n}", str(n), "A", "station", before, JAZZ, True, state)  # type: ignore[arg-type]  # fmt: skip


def test_counts_add_up_rows_by_state() -> None:
    """Done is applied or unchanged; settled is all but the open states; a state absent is 0."""
    counts = Counts.of_rows([_row(1, APPLIED), _row(2, APPLIED), _row(3, UNCHANGED),
                             _row(4, UNKNOWN), _row(5, QUEUED), _row(6, FAILED)])  # fmt: skip
    assert counts.by_state == {APPLIED: 2, UNCHANGED: 1, UNKNOWN: 1, QUEUED: 1, FAILED: 1}
    assert (counts.total, counts.ok, counts.settled) == (6, 3, 4)
    assert (counts.applied, counts.unchanged, counts.unknown) == (2, 1, 1)
    empty = Counts.of_rows([])
    assert (empty.total, empty.ok, empty.settled, empty.applied, empty.unchanged, empty.unknown) == (0,) * 6  # fmt: skip
    assert Counts({PENDING: 2}).settled == 0


def test_a_summary_lists_failures_before_the_unsure_and_groups_what_was_replaced() -> None:
    rows = [
        _row(1, UNKNOWN, "U1"), _row(2, APPLIED, "U2", POP), _row(3, FAILED, "U3"),
        _row(4, UNCHANGED, "U4", POP), _row(5, REFUSED, "U5"), _row(6, APPLIED, "U6", None),
        _row(7, UNKNOWN, "U3"), _row(8, UNKNOWN, "U8"),
    ]  # fmt: skip
    settled = Settled.of_rows(rows, 3)
    assert [r.id for r in settled.problems] == [3, 5, 1]
    assert settled.befores == ((POP, 2), (None, 1))
    assert (settled.units, settled.failed_units, settled.unsure_units) == (7, 2, 2)
    assert settled.single is None and settled.counts == Counts.of_rows(rows)
    assert [r.id for r in Settled.of_rows(rows, 10).problems] == [3, 5, 1, 7, 8]
    one = Settled.of_rows([rows[0]], 5)
    assert one.single == rows[0] and one.units == 1
    assert Settled.of_rows([], 5) == Settled(Counts({}), (), (), 0, 0, 0, None)


def _settle_all(journal: SqliteJournal, change_id: int, states: list[tuple[str, str]]) -> None:
    planned = [Planned(unit, unit, "A", "station", JAZZ, POP) for unit, _ in states]
    for row, (_, state) in zip(journal.queue(change_id, ALICE, planned, AT), states, strict=True):
        if state != QUEUED:
            journal.settle(row, state, AT, error=f"{state} here")


def test_a_summary_counted_in_sql_matches_the_rows(journal: SqliteJournal) -> None:
    states = [("U1", UNKNOWN), ("U2", APPLIED), ("U3", FAILED), ("U2", UNCHANGED), ("U3", UNKNOWN),
              ("U4", REFUSED), ("U5", UNKNOWN), ("U6", QUEUED)]  # fmt: skip
    _settle_all(journal, 4, states)
    rows = journal.rows(4)
    by_unit = journal.settled(4, 3, by_unit=True)
    assert [r.unit_id for r in by_unit.problems] == ["U3", "U4", "U6"]
    assert by_unit.counts == Counts.of_rows(rows)
    assert by_unit.befores == ((POP, 2),)
    assert (by_unit.units, by_unit.failed_units, by_unit.unsure_units) == (6, 3, 2)
    plain = journal.settled(4, 10)
    assert [r.unit_id for r in plain.problems] == ["U3", "U4", "U6", "U1", "U3", "U5"]
    assert (plain.units, plain.failed_units, plain.unsure_units) == (8, 3, 3)
    assert plain.single is None
    _settle_all(journal, 5, [("U9", APPLIED)])
    [only] = journal.rows(5)
    single = journal.settled(5, 10)
    assert single.single == only and single.problems == () and single.befores == ((POP, 1),)
    none = journal.settled(6, 10)
    assert none == Settled(Counts({}), (), (), 0, 0, 0, None)


def test_a_tally_by_unit_says_what_a_restart_notice_counts(journal: SqliteJournal) -> None:
    _settle_all(journal, 7, [("U1", APPLIED), ("U1", UNCHANGED), ("U2", APPLIED), ("U2", UNKNOWN),
                             ("U3", FAILED), ("U3", UNKNOWN), ("U4", UNKNOWN), ("U5", QUEUED)])  # fmt: skip
    tally = journal.tally(7, ("create", "rename", "delete"))
    assert tally == UnitTally(units=5, done=1, unsure=3, changed=2, hierarchy_only=False)
    _settle_all(journal, 8, [("U1", FAILED)])
    assert journal.tally(8, ("station",)) == UnitTally(1, 0, 0, 0, True)
    _settle_all(journal, 10, [("U1", APPLIED), ("U2", FAILED)])
    assert journal.tally(10, ()).changed == 1  # one unit applied is something to undo
    assert journal.tally(9, ("station",)) == UnitTally(0, 0, 0, 0, False)


def test_counts_and_properties_of_several_changes(journal: SqliteJournal) -> None:
    _settle_all(journal, 1, [("U1", APPLIED), ("U2", FAILED)])
    journal.queue(2, ALICE, [Planned("U3", "3", "B", "station", JAZZ)], AT)
    counts = journal.counts([2, 1, 1, 3])
    assert list(counts) == [2, 1, 3]
    assert counts[1].by_state == {APPLIED: 1, FAILED: 1} and counts[2].by_state == {QUEUED: 1}
    assert counts[3] == Counts({})
    assert journal.counts([]) == {} and journal.properties([]) == {}
    assert journal.properties([1, 2, 3]) == {1: ("A",), 2: ("B",), 3: ()}


def test_open_rows_between_ids_and_of_the_changes_claimed(journal: SqliteJournal) -> None:
    _settle_all(journal, 1, [("U1", QUEUED), ("U2", APPLIED), ("U3", UNKNOWN), ("U4", PENDING)])
    rows = journal.rows(1)
    journal.begin(rows[3], None, AT)
    ids = [r.id for r in rows]
    assert [r.unit_id for r in journal.open_rows_between(1, ids[1], ids[3])] == ["U3", "U4"]
    assert [r.unit_id for r in journal.open_rows_between(1, ids[0], ids[0])] == ["U1"]
    assert journal.open_rows_between(2, ids[0], ids[3]) == []
    assert [r.unit_id for r in journal.open_rows(running=[])] == ["U1", "U3", "U4"]


def test_rows_of_many_changes_are_read_in_parts(journal: SqliteJournal) -> None:
    """More changes than one IN (...) list holds: every change's rows are found, the last too."""
    journal.queue(1200, ALICE, [Planned("U1", "1", "A", "station", JAZZ)], AT)
    journal.queue(3, ALICE, [Planned("U2", "2", "A", "station", JAZZ)], AT)
    found = journal.rows_of(list(range(1, 1201)))
    assert sorted(found) == [3, 1200]


def test_a_notice_taken_is_taken_once_and_can_be_given_back(journal: SqliteJournal) -> None:
    notice = journal.add_notice(
        platform="slack", user="alice", channel="C1", thread=None, change_id=None, text="hi", at=AT
    )
    assert journal.mark_delivered(notice, AT) and not journal.mark_delivered(notice, AT)
    assert journal.open_notices() == []
    journal.release_notice(notice)
    assert [n.id for n in journal.open_notices("alice")] == [notice]
    assert journal.open_notices("bob") == []
    stamp = journal._conn.execute("SELECT at FROM notices").fetchone()
    assert stamp == ("2026-03-10T12:00:00.000+00:00",)


def test_a_row_of_an_unknown_state_is_refused(journal: SqliteJournal) -> None:
    [row] = journal.queue(1, ALICE, [Planned("U1", "101", "A", "station", JAZZ)], AT)
    with pytest.raises(ValueError, match="unknown journal state 'done'"):
        journal.settle(row, "done", AT)
    assert journal.rows(1)[0].state == QUEUED


def test_counts_summaries_and_tallies_are_immutable_values_with_defaults() -> None:
    settled = Settled(Counts({}), (), ())
    assert settled == Settled(Counts({}), (), (), 0, 0, 0, None)
    values: list[tuple[object, str]] = [
        (Counts({}), "by_state"), (settled, "units"), (UnitTally(0, 0, 0, 0, False), "done"),
    ]  # fmt: skip
    for value, field in values:
        with pytest.raises(FrozenInstanceError):
            setattr(value, field, 1)


def test_befores_are_grouped_whatever_the_order_of_their_keys() -> None:
    """The same value read back with its keys in another order is one before, not two."""
    one = {"providerId": "I_HEART_RADIO", "stationId": "4422"}
    other = {"stationId": "4422", "providerId": "I_HEART_RADIO"}
    settled = Settled.of_rows([_row(1, APPLIED, before=one), _row(2, APPLIED, before=other)], 5)
    assert settled.befores == ((one, 2),)


def test_rows_of_changes_at_the_edge_of_a_part_are_read_once(journal: SqliteJournal) -> None:
    """The 500th and 501st ids asked fall in two parts: each change's row once."""
    for change_id in (500, 501, 1001):
        journal.queue(change_id, ALICE, [Planned("U1", "1", "A", "station", JAZZ)], AT)
    found = journal.rows_of(list(range(1, 1201)))
    assert {change_id: len(rows) for change_id, rows in found.items()} == {500: 1, 501: 1, 1001: 1}


def test_open_rows_of_finished_changes_and_of_several_claimed(journal: SqliteJournal) -> None:
    audit = journal._conn
    for change_id, outcome in ((1, "running"), (2, "running"), (3, "running"), (4, "ok")):
        audit.execute(
            "INSERT INTO audit (id, at, platform, user, text, command, parsed, targets, changes,"
            " outcome, detail, request_ids) VALUES (?, 't', 's', 'u', 'x', 'C', '-', '[]', '[]',"
            " ?, '', '[]')",
            (change_id, outcome),
        )
        journal.queue(change_id, ALICE, [Planned(f"U{change_id}", "1", "A", "station", JAZZ)], AT)
    assert [r.change_id for r in journal.open_rows(running=[1, 3])] == [1, 3, 4]
    assert [r.change_id for r in journal.open_rows(running=[])] == [4]
    assert [r.change_id for r in journal.open_rows()] == [1, 2, 3, 4]


def test_a_database_locked_past_no_limit_is_given_up_at_once(tmp_path: Path) -> None:
    slept: list[float] = []
    journal = SqliteJournal(
        open_index(tmp_path / "bot.db").conn, locked_retry_s=0, sleep=slept.append
    )

    def busy(conn: sqlite3.Connection) -> None:
        raise sqlite3.OperationalError("database is locked")

    with pytest.raises(sqlite3.OperationalError):
        journal.write(busy)
    assert slept == []


def test_the_waits_for_a_locked_database_stop_doubling_at_two_seconds(tmp_path: Path) -> None:
    """By default the journal waits two minutes, each wait doubling up to 2 s."""
    slept: list[float] = []
    journal = SqliteJournal(open_index(tmp_path / "bot.db").conn, sleep=slept.append)

    def busy(conn: sqlite3.Connection) -> None:
        raise sqlite3.OperationalError("database is locked")

    with pytest.raises(sqlite3.OperationalError):
        journal.write(busy)
    assert slept[:8] == [0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 2.0, 2.0]
    assert set(slept[6:]) == {2.0} and 120 <= sum(slept) < 122


def test_the_wait_is_logged_in_full_and_an_unknown_state_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    journal = SqliteJournal(open_index(tmp_path / "bot.db").conn, sleep=lambda _s: None)
    tries = iter([True, False])

    def work(conn: sqlite3.Connection) -> None:
        if next(tries):
            raise sqlite3.OperationalError("database is locked")

    with caplog.at_level("WARNING", logger="bot.journal"):
        journal.write(work)
    assert caplog.records[0].getMessage() == (
        "waiting for the database (another process holds it locked): the change journal's write"
        " is retried until it is recorded"
    )
    [row] = journal.queue(1, ALICE, [Planned("U1", "101", "A", "station", JAZZ)], AT)
    with pytest.raises(ValueError) as raised:
        journal.settle(row, "done", AT)
    assert str(raised.value) == "unknown journal state 'done'"


def test_a_live_process_is_checked_without_being_signalled() -> None:
    """`owner_alive` only asks whether the pid lives (signal 0): the process is left running."""
    # the child takes SIGHUP's default action (it may have been started under nohup), then says so
    code = "import signal, time; signal.signal(signal.SIGHUP, signal.SIG_DFL); print(1, flush=True); time.sleep(60)"  # fmt: skip
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    try:
        assert child.stdout is not None and child.stdout.readline() == b"1\n"
        assert owner_alive(f"running in process {socket.gethostname()}:{child.pid}")
    finally:
        child.terminate()
        assert child.stdout is not None
        child.stdout.close()
        # killed by our SIGTERM, not by a signal sent while checking
        assert child.wait() == -signal.SIGTERM


def test_a_process_of_another_user_is_taken_for_alive(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pid we may not signal (another user's process) is alive: never recovered under it."""

    def refused(pid: int, sig: int) -> None:
        raise PermissionError(pid)

    monkeypatch.setattr(os, "kill", refused)
    assert owner_alive(f"running in process {socket.gethostname()}:{os.getpid() + 1}")
