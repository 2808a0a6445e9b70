"""The audit log read and written directly (bot/core/ledger/audit.py), on a SQLite file, without a bot or
a sandbox: what each query finds, what each entry carries, and the outcomes it works out. The fast,
direct tests of the module for mutation testing (scripts/mutation.py)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import FrozenInstanceError, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.ledger import leases
from bot.core.ledger.audit import (
    OUTCOMES,
    RUNNING,
    UNCHANGED_OUTCOME,
    AuditEntry,
    AuditLog,
    Change,
    Headline,
    changes_count,
    outcome_of,
    outcome_of_counts,
    outcome_of_rows,
)
from bot.core.ledger.journal import (
    APPLIED,
    FAILED,
    PENDING,
    QUEUED,
    REFUSED,
    UNCHANGED,
    UNKNOWN,
    Author,
    Counts,
    JournalRow,
    Planned,
)
from bot.index.db import open_index

T0 = datetime(2026, 3, 1, 9, 0, 30, 123456, tzinfo=UTC)
JAZZ = {"providerId": "I_HEART_RADIO", "stationId": "4242"}
POP = {"providerId": "I_HEART_RADIO", "stationId": "4422"}


@pytest.fixture
def log(tmp_path: Path) -> AuditLog:
    return AuditLog(open_index(tmp_path / "bot.db"))


def _change(unit: str, *, state: str = "", before: object = JAZZ, ok: bool = True) -> Change:
    return Change("station", f"u{unit}", unit, "Hotel A", before, POP, ok=ok, state=state)  # type: ignore[arg-type]


def _entry(
    log: AuditLog,
    *,
    user: str = "alice",
    channel: str | None = "C1",
    command: str = "SetStation",
    outcome: str = "ok",
    changes: list[Change] | None = None,
    undoes: int | None = None,
    derived_from: int | None = None,
    at: datetime = T0,
    detail: str = "",
    text: str = "set 101 to pop",
) -> int:
    return log.record(
        at=at, platform="slack", user=user, channel=channel, text=text, command=command,
        parsed="SetStation(101)", targets=["u101"], outcome=outcome, detail=detail,
        changes=changes, undoes=undoes, derived_from=derived_from,
    )  # fmt: skip


def _running(log: AuditLog, *, units: tuple[str, ...] = ("101",), user: str = "alice") -> int:
    change_id = _entry(log, outcome=RUNNING, user=user)
    author = Author("slack", user, "C1", "SetStation")
    planned = [Planned(f"u{u}", u, "Hotel A", "station", POP) for u in units]
    log.journal.queue(change_id, author, planned, T0)
    return change_id


# --- outcomes -------------------------------------------------------------------------------------


def test_the_outcome_of_a_run_is_ok_partial_or_failed() -> None:
    assert outcome_of(3, 0) == "ok"
    assert outcome_of(0, 0) == "ok"
    assert outcome_of(2, 1) == "partial"
    assert outcome_of(0, 2) == "failed"


def test_the_outcome_from_counts_is_unchanged_only_when_every_write_found_it_so() -> None:
    assert outcome_of_counts(Counts({UNCHANGED: 2})) == UNCHANGED_OUTCOME == "unchanged"
    assert outcome_of_counts(Counts({UNCHANGED: 1, APPLIED: 1})) == "ok"
    assert outcome_of_counts(Counts({APPLIED: 1, FAILED: 1})) == "partial"
    assert outcome_of_counts(Counts({FAILED: 2})) == "failed"
    assert outcome_of_counts(Counts({})) == "ok"


def test_the_outcome_from_rows_counts_applied_and_unchanged_as_done() -> None:
    author = Author("slack", "alice", "C1", "SetStation")

    def row(state: str) -> JournalRow:
        return JournalRow(1, 1, author, "u1", "1", "A", "station", None, POP, False, state)

    assert outcome_of_rows([row(UNCHANGED), row(UNCHANGED)]) == "unchanged"
    assert outcome_of_rows([row(UNCHANGED), row(APPLIED)]) == "ok"
    assert outcome_of_rows([row(APPLIED), row(UNKNOWN)]) == "partial"
    assert outcome_of_rows([row(REFUSED)]) == "failed"
    assert outcome_of_rows([]) == "ok"


def test_the_outcomes_running_is_one_of() -> None:
    assert RUNNING == "running" and RUNNING in OUTCOMES and UNCHANGED_OUTCOME in OUTCOMES
    assert OUTCOMES == (
        "ok", "partial", "failed", "refused", "cancelled", "preview", "expired", "running",
        "unchanged",
    )  # fmt: skip


def test_changes_count_says_how_many_were_already_so() -> None:
    entry = AuditEntry(1, "t", "slack", "u", None, "x", "SetStation", "-", [], [], "ok", "", [], None, None)  # fmt: skip
    assert changes_count(Headline(entry, 3, 0, ())) == "3"
    assert changes_count(Headline(entry, 3, 2, ())) == "3 (2 unchanged)"


# --- Change ---------------------------------------------------------------------------------------


def test_a_change_without_a_state_is_applied_unchanged_or_failed() -> None:
    assert _change("101").state == APPLIED
    assert Change("station", "u", "1", "A", POP, POP).state == UNCHANGED
    assert _change("101", ok=False).state == FAILED
    assert Change("station", "u", "1", "A", POP, POP, ok=False).state == FAILED


def test_a_failed_change_cannot_keep_a_done_state() -> None:
    """`replace(change, ok=False)` of an applied change is failed; an unknown state stays."""
    applied = _change("101")
    assert replace(applied, ok=False).state == FAILED
    assert replace(Change("s", "u", "1", "A", POP, POP), ok=False).state == FAILED
    assert _change("101", state=UNKNOWN, ok=False).state == UNKNOWN
    assert _change("101", state=REFUSED).state == REFUSED
    assert _change("101", state=UNCHANGED).state == UNCHANGED


def test_a_change_has_its_defaults_and_cannot_be_edited() -> None:
    change = _change("101")
    assert (change.ok, change.error, change.request_id, change.journal_id) == (
        True,
        None,
        None,
        None,
    )
    with pytest.raises(FrozenInstanceError):
        change.state = FAILED  # type: ignore[misc]


def test_a_change_round_trips_through_its_public_json() -> None:
    change = Change(
        "station", "u101", "101", "Hotel A", JAZZ, POP, ok=False, error="busy",
        request_id="r-1", state=UNKNOWN,
    )  # fmt: skip
    data = change.as_dict()
    assert data == {
        "kind": "station", "unit_id": "u101", "unit_name": "101", "property": "Hotel A",
        "before": JAZZ, "after": POP, "ok": False, "error": "busy", "request_id": "r-1",
        "state": UNKNOWN,
    }  # fmt: skip
    assert Change.from_dict(data) == change


def test_a_change_from_old_json_without_the_later_keys_works_out_its_state() -> None:
    old = {"kind": "station", "unit_id": "u1", "unit_name": "1", "property": "A", "before": JAZZ, "after": POP, "ok": True}  # fmt: skip
    change = Change.from_dict(old)  # type: ignore[arg-type]
    assert (change.error, change.request_id, change.state) == (None, None, APPLIED)


def test_a_change_of_a_journal_row_keeps_the_row_id_and_state() -> None:
    author = Author("slack", "alice", "C1", "SetStation")
    row = JournalRow(7, 3, author, "u1", "101", "Hotel A", "alarms", JAZZ, POP, True, UNKNOWN, "lost", "r-9")  # fmt: skip
    change = Change.of_row(row)
    assert change == Change(
        "alarms", "u1", "101", "Hotel A", JAZZ, POP, ok=False, error="lost", request_id="r-9",
        state=UNKNOWN, journal_id=7,
    )  # fmt: skip


# --- recording and reading entries -----------------------------------------------------------------


def test_an_entry_is_stored_with_every_field_and_read_back(log: AuditLog) -> None:
    first = _entry(log, changes=[_change("101")])
    entry_id = log.record(
        at=T0, platform="teams", user="bob", channel=None, text="undo", command="Undo",
        parsed="Undo()", targets=["u1", "u2"], outcome="partial", detail="one failed",
        delivery_id="d-1", undoes=first, thread="th-1", derived_from=first,
    )  # fmt: skip
    entry = log.get(entry_id)
    assert entry == AuditEntry(
        id=entry_id, at="2026-03-01T09:00:30+00:00", platform="teams", user="bob", channel=None,
        text="undo", command="Undo", parsed="Undo()", targets=["u1", "u2"], changes=[],
        outcome="partial", detail="one failed", request_ids=[], undoes=first, undone_by=None,
        thread="th-1", derived_from=first,
    )  # fmt: skip
    assert entry.finished
    assert entry.as_json() == {
        "id": entry_id, "at": "2026-03-01T09:00:30+00:00", "platform": "teams", "user": "bob",
        "channel": None, "text": "undo", "command": "Undo", "parsed": "Undo()",
        "targets": ["u1", "u2"], "changes": [], "outcome": "partial", "detail": "one failed",
        "request_ids": [], "undoes": first, "undone_by": None, "derived_from": first,
    }  # fmt: skip
    # a finished undo marks what it undid
    undone = log.get(first)
    assert undone is not None and undone.undone_by == entry_id
    assert log.get(entry_id + 100) is None and log.head(entry_id + 100) is None


def test_settled_changes_are_journaled_with_their_author(log: AuditLog) -> None:
    changes = [
        Change("station", "u101", "101", "Hotel A", JAZZ, POP, request_id="r-1"),
        Change("station", "u102", "102", "Hotel A", None, POP, ok=False, error="busy"),
    ]
    entry_id = _entry(log, changes=changes, command="SetStation", channel="C9", user="carol")
    rows = log.journal.rows(entry_id)
    assert [(r.unit_id, r.before, r.after, r.before_read, r.state, r.error, r.request_id) for r in rows] == [
        ("u101", JAZZ, POP, True, APPLIED, None, "r-1"),
        ("u102", None, POP, True, FAILED, "busy", None),
    ]  # fmt: skip
    assert {r.author for r in rows} == {Author("slack", "carol", "C9", "SetStation")}
    entry = log.get(entry_id)
    assert entry is not None
    assert [c.journal_id for c in entry.changes] == [r.id for r in rows]
    assert entry.request_ids == ["r-1"]
    head = log.head(entry_id)
    assert head is not None and head.changes == [] and head.text == entry.text


def test_an_entry_written_before_the_journal_reads_its_changes_from_its_json(
    log: AuditLog,
) -> None:
    entry_id = _entry(log)
    old = [_change("101").as_dict(), _change("102", ok=False).as_dict()]
    log.journal.write(
        lambda conn: conn.execute(
            "UPDATE audit SET changes = ?, request_ids = ? WHERE id = ?",
            (json.dumps(old), json.dumps(["r-2", "r-1"]), entry_id),
        )
    )
    entry = log.get(entry_id)
    assert entry is not None
    assert [(c.unit_id, c.state) for c in entry.changes] == [("u101", APPLIED), ("u102", FAILED)]
    assert entry.request_ids == ["r-2", "r-1"]
    [headline] = log.headlines(5)
    assert (headline.changed, headline.unchanged, headline.properties) == (2, 0, ("Hotel A",))
    unchanged = [Change("station", "u1", "1", "Hotel B", POP, POP).as_dict(), *old]
    log.journal.write(
        lambda conn: conn.execute(
            "UPDATE audit SET changes = ? WHERE id = ?", (json.dumps(unchanged), entry_id)
        )
    )
    [headline] = log.headlines(5)
    assert (headline.changed, headline.unchanged) == (2, 1)
    assert headline.properties == ("Hotel A", "Hotel B")


def test_a_running_change_holds_a_lease_until_it_is_finished(log: AuditLog) -> None:
    change_id = _running(log)
    lease = log._conn.execute(
        "SELECT owner, lease_until FROM change_leases WHERE change_id = ?", (change_id,)
    ).fetchone()
    assert lease == (leases.this_process().key, T0.timestamp() + leases.LEASE_S)
    entry = log.get(change_id)
    assert entry is not None and not entry.finished and entry.outcome == RUNNING
    assert [e.id for e in log.running()] == [change_id]
    assert log.renew_leases({change_id}, T0 + timedelta(seconds=5)) == 1
    log.finish(change_id, RUNNING, detail="still going")
    assert log._conn.execute("SELECT COUNT(*) FROM change_leases").fetchone() == (1,)
    log.finish(change_id, "ok", detail="done")
    assert log._conn.execute("SELECT COUNT(*) FROM change_leases").fetchone() == (0,)
    finished = log.get(change_id)
    assert finished is not None and (finished.outcome, finished.detail) == ("ok", "done")
    assert log.running() == [] and log.renew_leases({change_id}, T0) == 0


def test_a_finished_entry_opens_no_lease_and_a_running_undo_marks_nothing_yet(
    log: AuditLog,
) -> None:
    first = _entry(log, changes=[_change("101")])
    undo = _entry(log, command="Undo", outcome=RUNNING, undoes=first)
    assert log._conn.execute("SELECT change_id FROM change_leases").fetchall() == [(undo,)]
    original = log.get(first)
    assert original is not None and original.undone_by is None
    log.finish(undo, "ok", undoes=first)
    original = log.get(first)
    assert original is not None and original.undone_by == undo
    finished = log.get(undo)
    assert finished is not None and finished.undoes == first


def test_finishing_without_an_undo_keeps_the_one_recorded(log: AuditLog) -> None:
    first = _entry(log)
    other = _entry(log)
    undo = _entry(log, command="Undo", outcome=RUNNING, undoes=first)
    log.finish(undo, "failed")
    entry = log.get(undo)
    assert entry is not None and entry.undoes == first and entry.detail == ""
    assert [log.get(i).undone_by for i in (first, other)] == [None, None]  # type: ignore[union-attr]


def test_claiming_orphans_takes_the_running_changes_not_active_here(log: AuditLog) -> None:
    done = _entry(log, outcome="ok")
    log.journal.queue(done, Author("slack", "alice", "C1", "SetStation"), [Planned("u9", "9", "Hotel A", "station", POP)], T0)  # fmt: skip
    active = _running(log, units=("101",))
    orphan = _running(log, units=("102", "103"))
    entries, rows = log.claim_orphans(T0, {active})
    assert [e.id for e in entries] == [orphan]
    assert entries[0].changes == []  # the head only
    assert sorted((r.change_id, r.unit_id) for r in rows) == [
        (done, "u9"), (orphan, "u102"), (orphan, "u103"),
    ]  # fmt: skip
    # claimed: a second recovery finds it held by this one's lease... and this process is its
    # owner, so it is claimed again only when not active
    again, _ = log.claim_orphans(T0, {active, orphan})
    assert again == []


def test_a_delivery_is_seen_once_claimed(log: AuditLog) -> None:
    assert not log.seen_delivery("d-1")
    assert log.journal.claim_delivery("d-1", T0)
    assert log.seen_delivery("d-1") and not log.seen_delivery("d-2")


def test_headlines_are_the_newest_first_counted_from_the_journal(log: AuditLog) -> None:
    first = _entry(
        log, changes=[_change("101"), Change("station", "u2", "102", "Hotel B", POP, POP)]
    )
    second = _entry(log, changes=[_change("103")])
    third = _entry(log, outcome="refused")
    headlines = log.headlines(2)
    assert [h.entry.id for h in headlines] == [third, second]
    assert all(h.entry.changes == [] for h in headlines)
    assert (headlines[0].changed, headlines[0].unchanged, headlines[0].properties) == (0, 0, ())
    assert (headlines[1].changed, headlines[1].unchanged, headlines[1].properties) == (1, 0, ("Hotel A",))  # fmt: skip
    oldest = log.headlines(3)[2]
    assert oldest.entry.id == first
    assert (oldest.changed, oldest.unchanged, oldest.properties) == (1, 1, ("Hotel A", "Hotel B"))


# --- what undo, retry and `who changed` look for ----------------------------------------------------


def test_the_last_undoable_change_is_the_users_latest_applied_one_here(log: AuditLog) -> None:
    mine = _entry(log, changes=[_change("101")])
    _entry(log, user="bob", changes=[_change("102")])
    _entry(log, outcome="failed", changes=[_change("103", ok=False)])
    _entry(log, command="ClearAlerts", changes=[_change("104")])
    _entry(log, command="Undo", changes=[_change("105")])
    _entry(log, outcome="running")
    found = log.last_undoable("alice", "C1")
    assert found is not None and found.id == mine
    partial = _entry(log, outcome="partial", changes=[_change("106"), _change("107", ok=False)])
    found = log.last_undoable("alice", "C1")
    assert found is not None and found.id == partial
    before = log.last_undoable("alice", "C1", before=partial)
    assert before is not None and before.id == mine
    assert log.last_undoable("alice", "C1", before=mine) is None


def test_an_undone_change_is_not_undoable_again(log: AuditLog) -> None:
    first = _entry(log, changes=[_change("101")])
    second = _entry(log, changes=[_change("102")])
    _entry(log, command="Undo", undoes=second)
    found = log.last_undoable("alice", "C1")
    assert found is not None and found.id == first


def test_the_last_undoable_change_elsewhere_only_when_asked_and_none_here(log: AuditLog) -> None:
    elsewhere = _entry(log, channel="C2", changes=[_change("101")])
    found = log.last_undoable("alice", "C1")
    assert found is not None and found.id == elsewhere
    assert log.last_undoable("alice", "C1", anywhere=False) is None
    here = _entry(log, channel="C1", changes=[_change("102")])
    later_elsewhere = _entry(log, channel="C2", changes=[_change("103")])
    found = log.last_undoable("alice", "C1")
    assert found is not None and found.id == here
    found = log.last_undoable("alice", "C3", before=later_elsewhere)
    assert found is not None and found.id == here
    direct = _entry(log, channel=None, changes=[_change("104")])
    found = log.last_undoable("alice", None, anywhere=False)
    assert found is not None and found.id == direct


def test_the_last_write_includes_undos_and_failures_but_not_refusals(log: AuditLog) -> None:
    _entry(log, changes=[_change("101")])
    undo = _entry(log, command="Undo", outcome="failed", changes=[_change("101", ok=False)])
    for outcome in ("running", "refused", "cancelled", "preview", "expired"):
        _entry(log, outcome=outcome, changes=[_change("102")])
    _entry(log, command="Preview", changes=[_change("103")])
    _entry(log, outcome="ok")  # wrote nothing: not in the journal
    _entry(log, channel="C2", changes=[_change("104")])
    found = log.last_write("alice", "C1")
    assert found is not None and found.id == undo
    assert log.last_write("bob", "C1") is None


def test_the_undos_of_a_change_and_its_latest_rerun(log: AuditLog) -> None:
    first = _entry(log, changes=[_change("101")])
    undo_one = _entry(log, command="Undo", outcome=RUNNING, undoes=first)
    _entry(log, command="Undo", outcome="cancelled", undoes=first)
    _entry(log, command="SetStation", undoes=first)
    undo_two = _entry(log, command="Undo", outcome="partial", undoes=first)
    assert [e.id for e in log.undos_of(first)] == [undo_one, undo_two]
    assert log.rerun_of(undo_two) is None and not log.retried(undo_two)
    rerun = _entry(log, command="SetStation", derived_from=undo_two)
    latest = _entry(log, command="SetStation", derived_from=undo_two)
    found = log.rerun_of(undo_two)
    assert found is not None and found.id == latest != rerun
    assert log.retried(undo_two) and not log.retried(first)


def test_later_writes_are_other_changes_to_those_units_not_its_own_reruns(log: AuditLog) -> None:
    first = _entry(log, changes=[_change("101"), _change("102")])
    retry = _entry(log, derived_from=first, changes=[_change("101")])
    undo = _entry(log, command="Undo", undoes=first, changes=[_change("102")])
    failed = _entry(log, outcome="failed", changes=[_change("101", state=REFUSED)])
    other = _entry(log, changes=[_change("101")])
    elsewhere = _entry(log, changes=[_change("109")])
    assert {retry, undo, failed, elsewhere}.isdisjoint(
        e.id for e in log.later_writes(first, ["u101", "u102"])
    )
    assert [e.id for e in log.later_writes(first, ["u101", "u102"])] == [other]
    assert log.later_writes(first, ["u108"]) == []
    assert [e.id for e in log.later_writes(other, ["u101", "u109"])] == [elsewhere]


def test_written_since_a_mark_counts_what_may_have_been_written(log: AuditLog) -> None:
    mark = log.last_id()
    assert mark == 0
    states = (APPLIED, UNCHANGED, PENDING, UNKNOWN, FAILED, REFUSED, QUEUED)
    ids = {}
    for n, state in enumerate(states):
        entry = _entry(log, outcome="running")
        author = Author("slack", "alice", "C1", "SetStation")
        [row] = log.journal.queue(entry, author, [Planned(f"u{n}", f"10{n}", "Hotel A", "station", POP)], T0)  # fmt: skip
        if state != QUEUED:
            log.journal.settle(row, state, T0)
        ids[state] = entry
    units = [f"u{n}" for n in range(len(states))]
    found = log.writes_since(mark, units)
    assert [(e.id, names) for e, names in found] == [
        (ids[APPLIED], {"u0": "100"}), (ids[UNCHANGED], {"u1": "101"}),
        (ids[PENDING], {"u2": "102"}), (ids[UNKNOWN], {"u3": "103"}),
    ]  # fmt: skip
    assert [e.id for e, _ in log.writes_since(ids[UNCHANGED], units)] == [
        ids[PENDING],
        ids[UNKNOWN],
    ]
    assert log.writes_since(mark, []) == []
    by_property = log.writes_since(mark, [], ["Hotel A"])
    assert [e.id for e, _ in by_property] == [e.id for e, _ in found]
    assert log.writes_since(mark, [], ["Hotel B"]) == []
    assert log.last_id() == ids[QUEUED]


def test_written_since_reads_more_units_than_one_list_holds(log: AuditLog) -> None:
    """Over 500 units are asked in several lists: a write to the last unit is found."""
    entry = _entry(log, changes=[_change("1200")])
    units = [f"u{n}" for n in range(700, 1201)]
    assert [(e.id, names) for e, names in log.writes_since(0, units)] == [
        (entry, {"u1200": "1200"})
    ]
    assert [(e.id, names) for e, names in log.writes_since(0, units[::-1])] == [
        (entry, {"u1200": "1200"})
    ]
    later = _entry(log, changes=[_change("1200")])
    assert [e.id for e in log.later_writes(entry, units)] == [later]


def test_applied_to_names_the_changes_that_applied_a_write_to_the_unit(log: AuditLog) -> None:
    applied = _entry(log, changes=[_change("101")])
    unchanged = _entry(log, changes=[Change("station", "u101", "101", "Hotel A", POP, POP)])
    failed = _entry(log, outcome="failed", changes=[_change("101", ok=False)])
    other = _entry(log, changes=[_change("102")])
    everything = [applied, unchanged, failed, other]
    assert log.applied_to("u101", everything) == {applied}
    assert log.applied_to("u101", [unchanged, failed]) == set()
    many = [*range(1000, 1600), applied]  # past one list of ids
    assert log.applied_to("u101", many) == {applied}
    assert log.applied_to("u101", []) == set()


def test_the_last_own_change_includes_unchanged_and_alert_clearings(log: AuditLog) -> None:
    clear = _entry(log, command="ClearAlerts", changes=[_change("101")])
    found = log.last_own_change("alice", "C1")
    assert found is not None and found.id == clear
    same = _entry(log, outcome="unchanged", changes=[Change("station", "u1", "1", "A", POP, POP)])
    found = log.last_own_change("alice", "C1")
    assert found is not None and found.id == same
    for outcome in ("failed", "refused"):
        _entry(log, outcome=outcome, changes=[_change("102", ok=False)])
    _entry(log, command="Undo", changes=[_change("103")])
    _entry(log, command="Preview", changes=[_change("103")])
    _entry(log, outcome="ok")  # wrote nothing
    _entry(log, channel="C2", changes=[_change("104")])
    found = log.last_own_change("alice", "C1")
    assert found is not None and found.id == same
    partial = _entry(log, outcome="partial", changes=[_change("105")])
    _entry(log, command="Undo", undoes=partial, changes=[_change("105")])
    found = log.last_own_change("alice", "C1")
    assert found is not None and found.id == same
    assert log.last_own_change("bob", "C1") is None


def test_the_last_change_with_failures_has_writes_not_applied(log: AuditLog) -> None:
    assert log.last_with_failures("alice", "C1") is None
    failed = _entry(log, outcome="failed", changes=[_change("101", ok=False)])
    _entry(log, outcome="failed", command="Rename", changes=[_change("102", ok=False)])
    _entry(log, outcome="ok", changes=[_change("103")])
    _entry(log, outcome="partial", changes=[_change("104"), _change("105", state=UNCHANGED)])
    _entry(log, outcome="failed", channel="C2", changes=[_change("106", ok=False)])
    found = log.last_with_failures("alice", "C1")
    assert found is not None and found.id == failed
    states = {}
    for state in (REFUSED, UNKNOWN, QUEUED, PENDING):
        entry = _entry(log, outcome="partial", command="ClearAlerts", changes=[_change("107")])
        author = Author("slack", "alice", "C1", "ClearAlerts")
        [row] = log.journal.queue(entry, author, [Planned("u108", "108", "Hotel A", "station", POP)], T0)  # fmt: skip
        if state != QUEUED:
            log.journal.settle(row, state, T0)
        found = log.last_with_failures("alice", "C1")
        assert found is not None and found.id == entry, state
        states[state] = entry
    undo = _entry(log, outcome="partial", command="Undo", changes=[_change("109", ok=False)])
    found = log.last_with_failures("alice", "C1")
    assert found is not None and found.id == undo


def test_purging_deletes_old_refusals_of_unknown_users_only(log: AuditLog) -> None:
    old = T0 - timedelta(days=40)
    purged = _entry(log, outcome="refused", detail="unknown user", at=old)
    _entry(log, outcome="refused", detail="unknown user", at=T0)
    _entry(log, outcome="refused", detail="no access", at=old)
    _entry(log, outcome="failed", detail="unknown user", at=old)
    journaled = _entry(log, outcome="refused", detail="unknown user", at=old, changes=[_change("1", state=REFUSED)])  # fmt: skip
    assert log.purge_refused(T0 - timedelta(days=30)) == 1
    assert log.get(purged) is None and log.get(journaled) is not None
    assert log.purge_refused(T0 - timedelta(days=30)) == 0
    assert log.purge_refused(T0 + timedelta(seconds=1)) == 1


def test_entries_are_listed_newest_first_since_a_time_and_up_to_a_limit(log: AuditLog) -> None:
    first = _entry(log, at=T0 - timedelta(days=2))
    second = _entry(log, at=T0 - timedelta(days=1))
    third = _entry(log, at=T0)
    assert [e.id for e in log.entries()] == [third, second, first]
    assert [e.id for e in log.entries(limit=2)] == [third, second]
    since = (T0 - timedelta(days=1)).isoformat(timespec="seconds")
    assert [e.id for e in log.entries(since=since)] == [third, second]
    assert [e.id for e in log.entries(since=since, limit=1)] == [third]


def test_entries_and_headlines_are_immutable_with_their_defaults() -> None:
    entry = AuditEntry(1, "t", "slack", "u", None, "x", "SetStation", "-", [], [], "ok", "", [], None, None)  # fmt: skip
    assert (entry.thread, entry.derived_from) == (None, None)
    headline = Headline(entry, 0, 0, ())
    for value, field in ((entry, "outcome"), (headline, "changed")):
        with pytest.raises(FrozenInstanceError):
            setattr(value, field, "changed")


def test_an_entry_recorded_without_a_detail_has_none(log: AuditLog) -> None:
    entry_id = log.record(
        at=T0, platform="slack", user="alice", channel="C1", text="hi", command="SmallTalk",
        parsed="-", targets=[], outcome="ok",
    )  # fmt: skip
    entry = log.get(entry_id)
    assert entry is not None and entry.detail == "" and entry.changes == []
    assert (entry.undoes, entry.thread, entry.derived_from) == (None, None, None)


def test_claiming_orphans_holds_the_write_lock_from_its_first_read(
    log: AuditLog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The claim and its reads are one transaction: another process cannot write in between (a
    change it opens meanwhile is wholly visible, or not at all)."""
    _running(log)
    other = sqlite3.connect(tmp_path / "bot.db", timeout=0)
    blocked: list[str] = []
    claim = leases.claim_orphans

    def claim_while_another_writes(
        conn: sqlite3.Connection, at: datetime, active: object
    ) -> object:
        try:
            other.execute("INSERT INTO deliveries (delivery_id, at) VALUES ('d', 't')")
            other.commit()
        except sqlite3.OperationalError as error:
            blocked.append(str(error))
            other.rollback()
        return claim(conn, at, active)  # type: ignore[arg-type]

    monkeypatch.setattr(leases, "claim_orphans", claim_while_another_writes)
    entries, _ = log.claim_orphans(T0, set())
    assert len(entries) == 1
    assert blocked == ["database is locked"]
    other.close()


def test_headlines_list_every_entry_written_before_the_journal(log: AuditLog) -> None:
    old = [_change("101").as_dict()]
    first, second = _entry(log), _entry(log)
    log.journal.write(
        lambda conn: conn.execute(
            "UPDATE audit SET changes = ? WHERE id IN (?, ?)", (json.dumps(old), first, second)
        )
    )
    assert [(h.entry.id, h.changed) for h in log.headlines(5)] == [(second, 1), (first, 1)]


def test_written_since_in_any_of_several_properties(log: AuditLog) -> None:
    in_a = _entry(log, changes=[_change("101")])
    in_b = log.record(
        at=T0, platform="slack", user="alice", channel="C1", text="set", command="SetStation",
        parsed="-", targets=["u9"], outcome="ok",
        changes=[Change("station", "u9", "9", "Hotel B", JAZZ, POP)],
    )  # fmt: skip
    found = log.writes_since(0, [], ["Hotel A", "Hotel B"])
    assert [e.id for e, _ in found] == [in_a, in_b]
