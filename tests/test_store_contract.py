"""The shared-state stores behave the same on both backends (issue 18): the audit log, the change
journal, claimed deliveries, notices and the leases of running changes, on SQLite (always) and on
PostgreSQL (when BOT_TEST_DATABASE_URL names a server)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pg_support import SERVER_URL, fresh_database

from bot.core.changes.chunks import ChunkStore, PlanState, SqliteChunks
from bot.core.ledger import leases
from bot.core.ledger.audit import AuditLog, Change
from bot.core.ledger.journal import (
    APPLIED,
    FAILED,
    PENDING,
    QUEUED,
    UNCHANGED,
    UNKNOWN,
    Author,
    Planned,
    Settled,
)
from bot.index.db import open_index

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
JAZZ = {"providerId": "I_HEART_RADIO", "stationId": "4242"}
POP = {"providerId": "I_HEART_RADIO", "stationId": "4422"}
AUTHOR = Author("slack", "U1", "C1", "SetStation")


@pytest.fixture(params=["sqlite", "postgresql"])
def log(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AuditLog]:
    if request.param == "sqlite":
        yield AuditLog(open_index(tmp_path / "bot.db"))
        return
    if not SERVER_URL:
        pytest.skip("BOT_TEST_DATABASE_URL is not set (no PostgreSQL to test against)")
    from bot.pg.audit import PgAuditLog
    from bot.pg.database import PgDatabase

    with fresh_database() as url:
        database = PgDatabase(url)
        try:
            yield PgAuditLog(database)
        finally:
            database.close()


def _running(log: AuditLog, *, at: datetime = T0, detail: str = "", user: str = "U1") -> int:
    return log.record(
        at=at, platform="slack", user=user, channel="C1", text="set rooms 101, 102 to pop",
        command="SetStation", parsed="-", targets=["u101", "u102"], outcome="running",
        detail=detail,
    )  # fmt: skip


def _planned() -> list[Planned]:
    return [Planned(f"u{n}", str(n), "Hotel A", "station", POP) for n in (101, 102)]


def test_a_change_is_queued_begun_settled_and_read_back_as_its_audit_entry(log: AuditLog) -> None:
    change_id = _running(log)
    first, second = log.journal.queue(change_id, AUTHOR, _planned(), T0)
    assert (first.state, second.state) == (QUEUED, QUEUED)
    first = log.journal.begin(first, JAZZ, T0)
    assert first.state == PENDING and first.before == JAZZ
    log.journal.settle(first, APPLIED, T0, request_id="req-1")
    log.journal.settle(second, FAILED, T0, error="nothing was sent")
    log.finish(change_id, "partial")
    entry = log.get(change_id)
    assert entry is not None and entry.outcome == "partial" and entry.finished
    assert [(c.state, c.before, c.after) for c in entry.changes] == [
        (APPLIED, JAZZ, POP),
        (FAILED, None, POP),
    ]
    assert entry.request_ids == ["req-1"] and entry.targets == ["u101", "u102"]
    assert log.journal.open_rows() == []


def test_open_rows_leave_out_running_changes_unless_claimed(log: AuditLog) -> None:
    done = log.record(
        at=T0, platform="slack", user="U1", channel="C1", text="t", command="SetStation",
        parsed="-", targets=[], outcome="partial",
    )  # fmt: skip
    [unsure] = log.journal.queue(done, AUTHOR, _planned()[:1], T0)
    log.journal.settle(unsure, UNKNOWN, T0, error="not confirmed")
    running = _running(log)
    log.journal.queue(running, AUTHOR, _planned(), T0)
    assert len(log.journal.open_rows()) == 3
    assert [r.change_id for r in log.journal.open_rows(running=[])] == [done]
    assert [r.change_id for r in log.journal.open_rows(running=[running])] == [
        done,
        running,
        running,
    ]


def test_a_delivery_is_claimed_once(log: AuditLog) -> None:
    assert log.journal.claim_delivery("Ev1", T0)
    assert not log.journal.claim_delivery("Ev1", T0)
    assert log.seen_delivery("Ev1") and not log.seen_delivery("Ev2")


def test_notices_wait_until_delivered(log: AuditLog) -> None:
    notice_id = log.journal.add_notice(
        platform="slack", user="U1", channel="C1", thread=None, change_id=None, text="hello", at=T0
    )
    [notice] = log.journal.open_notices("U1")
    assert notice.id == notice_id and notice.text == "hello" and notice.channel == "C1"
    assert log.journal.open_notices("U2") == []
    assert log.journal.mark_delivered(notice_id, T0)
    assert log.journal.open_notices() == []


def test_a_notice_is_taken_once_and_a_failed_post_gives_it_back(log: AuditLog) -> None:
    """Two processes delivering at once: one takes the notice, the other sees it taken."""
    notice_id = log.journal.add_notice(
        platform="slack", user="U1", channel="C1", thread=None, change_id=None, text="hi", at=T0
    )
    assert log.journal.mark_delivered(notice_id, T0)
    assert not log.journal.mark_delivered(notice_id, T0)
    log.journal.release_notice(notice_id)
    assert [n.id for n in log.journal.open_notices()] == [notice_id]


def test_undo_finds_the_users_last_applied_change_in_the_conversation(log: AuditLog) -> None:
    first = log.record(
        at=T0, platform="slack", user="U1", channel="C1", text="a", command="SetStation",
        parsed="-", targets=["u101"], outcome="ok",
        changes=[Change("station", "u101", "101", "Hotel A", JAZZ, POP)],
    )  # fmt: skip
    elsewhere = log.record(
        at=T0, platform="slack", user="U1", channel=None, text="b", command="SetStation",
        parsed="-", targets=["u102"], outcome="ok",
        changes=[Change("station", "u102", "102", "Hotel A", JAZZ, POP)],
    )  # fmt: skip
    found = log.last_undoable("U1", "C1")
    assert found is not None and found.id == first
    found = log.last_undoable("U1", None)
    assert found is not None and found.id == elsewhere
    assert log.last_undoable("U2", "C1") is None
    undo = log.record(
        at=T0, platform="slack", user="U1", channel="C1", text="undo", command="Undo",
        parsed="-", targets=["u101"], outcome="ok", undoes=first,
    )  # fmt: skip
    undone = log.get(first)
    assert undone is not None and undone.undone_by == undo
    assert log.last_undoable("U1", "C1", anywhere=False) is None
    assert [e.id for e in log.entries(limit=2)] == [undo, elsewhere]


def test_a_live_lease_keeps_recovery_away_and_an_expired_one_is_claimed_once(
    log: AuditLog,
) -> None:
    """A change run on another host: left alone while its lease runs, claimed (generation + 1)
    once it has expired, by one recovery only; its open rows come with the claim."""
    change_id = _running(log, detail="running in process other-host:7:tq")
    log.journal.queue(change_id, AUTHOR, _planned(), T0)
    _reown(log, change_id, "other-host:7:tq")
    assert log.claim_orphans(T0 + timedelta(seconds=1), set()) == ([], [])
    later = T0 + timedelta(seconds=leases.LEASE_S + 1)
    assert log.claim_orphans(later, {change_id}) == ([], [])  # active here: not an orphan
    claimed, rows = log.claim_orphans(later, set())
    assert [e.id for e in claimed] == [change_id]
    assert [r.unit_id for r in rows] == ["u101", "u102"]
    assert "recovering" in claimed[0].detail
    if hasattr(log, "database"):  # replicas: the lease is ours now, and live
        assert log.claim_orphans(later, set()) == ([], [])
    # (on SQLite, one host: a change of this process not active here is an orphan at once, so
    # recovery marks what it claimed as active while it settles it)
    log.finish(change_id, "failed", detail="interrupted")
    assert log.claim_orphans(later + timedelta(hours=1), set())[0] == []  # finished: no claim


def test_an_owner_renews_its_lease_and_cannot_renew_one_claimed_from_it(log: AuditLog) -> None:
    change_id = _running(log)
    _reown(log, change_id, "other-host:7:tq")
    assert log.renew_leases([change_id], T0) == 0  # not ours
    _reown(log, change_id, leases.this_process().key)
    assert log.renew_leases([change_id], T0 + timedelta(seconds=25)) == 1
    if hasattr(log, "database"):  # replicas: the renewed lease still runs
        assert log.claim_orphans(T0 + timedelta(seconds=leases.LEASE_S + 1), set()) == ([], [])


def _reown(log: AuditLog, change_id: int, owner: str) -> None:
    """What another replica wrote when it opened the change (its own process key)."""
    mark = "%s" if hasattr(log, "database") else "?"
    log.journal.write(
        lambda conn: conn.execute(
            f"UPDATE change_leases SET owner = {mark} WHERE change_id = {mark}", (owner, change_id)
        )
    )


def test_a_replica_whose_change_was_taken_over_sends_and_records_nothing_more(
    tmp_path: Path,
) -> None:
    """PostgreSQL (replicas): once another replica claimed a change (its lease had expired while
    this one stalled), this one's next write is not begun, its late settle is not recorded, and its
    close does not overwrite the claimer's; the claimer's own writes go through."""
    if not SERVER_URL:
        pytest.skip("BOT_TEST_DATABASE_URL is not set (no PostgreSQL to test against)")
    from bot.pg.audit import PgAuditLog
    from bot.pg.database import PgDatabase
    from bot.pg.journal import LeaseLost

    with fresh_database() as url:
        database = PgDatabase(url)
        try:
            log = PgAuditLog(database)
            change_id = _running(log)
            first, second = log.journal.queue(change_id, AUTHOR, _planned(), T0)
            first = log.journal.begin(first, JAZZ, T0)
            _reown(log, change_id, "replica-b:9:tb")  # B claimed it
            with pytest.raises(LeaseLost):
                log.journal.begin(second, JAZZ, T0)
            with pytest.raises(LeaseLost):
                log.journal.settle(first, APPLIED, T0)
            log.finish(change_id, "ok")
            entry = log.get(change_id)
            assert entry is not None and entry.outcome == "running"
            assert [c.state for c in entry.changes] == [PENDING, QUEUED]
            _reown(log, change_id, leases.this_process().key)  # the claimer (here: us again)
            log.journal.settle(first, APPLIED, T0)
            log.finish(change_id, "partial")
            entry = log.get(change_id)
            assert entry is not None and entry.outcome == "partial"
        finally:
            database.close()


def test_the_lineage_queries_answer_alike(log: AuditLog) -> None:
    """What undo and `retry failed` ask of the log: a change's undos and re-runs, later writes to
    the same rooms, the user's last write here; and refused strangers purged after retention."""
    first = log.record(
        at=T0, platform="slack", user="U1", channel="C1", text="a", command="SetStation",
        parsed="-", targets=["u101"], outcome="ok",
        changes=[Change("station", "u101", "101", "Hotel A", JAZZ, POP)],
    )  # fmt: skip
    later = log.record(
        at=T0, platform="slack", user="U2", channel=None, text="b", command="SetStation",
        parsed="-", targets=["u101"], outcome="ok",
        changes=[Change("station", "u101", "101", "Hotel A", POP, JAZZ)],
    )  # fmt: skip
    undo = log.record(
        at=T0, platform="slack", user="U1", channel="C1", text="undo", command="Undo",
        parsed="-", targets=["u101"], outcome="ok", undoes=first,
        changes=[Change("station", "u101", "101", "Hotel A", POP, JAZZ)],
    )  # fmt: skip
    assert [e.id for e in log.later_writes(first, ["u101"])] == [later]
    assert [e.id for e in log.undos_of(first)] == [undo]
    assert log.rerun_of(first) is None
    found = log.last_write("U1", "C1")
    assert found is not None and found.id == undo
    log.record(
        at=T0 - timedelta(days=40), platform="slack", user="stranger", channel="C9", text="hi",
        command="-", parsed="-", targets=[], outcome="refused", detail="unknown user",
    )  # fmt: skip
    assert log.purge_refused(T0 - timedelta(days=30)) == 1


# --- very large changes (bot/core/changes/chunks.py): planned as they run, counted by chunk -------------


def _chunks(log: AuditLog) -> ChunkStore:
    found = getattr(log.journal, "chunks", None)
    return found if found is not None else SqliteChunks(log.journal)


def test_a_planned_change_is_queued_once_and_counted_by_its_chunks(log: AuditLog) -> None:
    """A plan queued chunk by chunk: a second planner that read it before a chunk was queued
    queues nothing (no room twice); its counts add a done chunk's kept counts, a running chunk's
    rows, queued chunks and the rooms not planned yet; `recent changes` reads them, never rows."""
    change_id = _running(log)
    store = _chunks(log)
    store.plan(change_id, "{}", ["Hotel A"], 6, T0)
    planned = [Planned(f"u{n}", str(n), "Hotel A", "station", POP) for n in range(101, 107)]
    assert store.add_chunk(
        change_id, AUTHOR, planned[:2], T0, after=None, cursor="u102", complete=False
    )
    assert not store.add_chunk(
        change_id, AUTHOR, planned[:2], T0, after=None, cursor="u102", complete=False
    )
    assert store.add_chunk(
        change_id, AUTHOR, planned[2:4], T0, after="u102", cursor="u104", complete=False
    )
    assert log.journal.counts([change_id])[change_id].by_state == {QUEUED: 6}
    first = store.claim(T0, change_id)
    assert first is not None and first.chunk == 0
    done, same = store.rows(first)
    log.journal.settle(log.journal.begin(done, JAZZ, T0), APPLIED, T0)
    log.journal.settle(same, UNCHANGED, T0)
    assert store.complete(first)
    second = store.claim(T0, change_id)
    assert second is not None and second.chunk == 1
    log.journal.settle(store.rows(second)[0], FAILED, T0, error="no")
    assert log.journal.counts([change_id])[change_id].by_state == {
        APPLIED: 1, UNCHANGED: 1, FAILED: 1, QUEUED: 3,
    }  # fmt: skip
    assert store.left(change_id) == 2  # the running chunk, and the plan not all queued
    [headline] = [h for h in log.headlines(5) if h.entry.id == change_id]
    assert (headline.changed, headline.unchanged, headline.properties) == (5, 1, ("Hotel A",))
    assert store.add_chunk(
        change_id, AUTHOR, planned[4:], T0, after="u104", cursor=None, complete=True
    )
    assert store.plan_of(change_id) == PlanState("{}", 6, 6, None, True)
    assert len(log.journal.rows(change_id)) == 6


def test_a_summary_counted_in_sql_is_the_one_read_from_the_rows(log: AuditLog) -> None:
    """`Settled` of a change: in SQL (a large change) exactly what its rows add up to."""
    change_id = _running(log)
    planned = [
        Planned(f"u{n}", str(n), "Hotel A", kind, "cleared")
        for n in (101, 102, 103)
        for kind in ("alarms", "timers")
    ]
    rows = log.journal.queue(change_id, AUTHOR, planned, T0)
    states = [APPLIED, APPLIED, APPLIED, FAILED, UNKNOWN, APPLIED]
    for row, state in zip(rows, states, strict=True):
        log.journal.settle(row, state, T0, error=None if state == APPLIED else "why")
    settled = log.journal.settled(change_id, 40, by_unit=True)
    expected = Settled.of_rows(log.journal.rows(change_id), 40)
    assert settled.counts == expected.counts
    assert [r.id for r in settled.problems] == [r.id for r in expected.problems]
    assert sorted(map(repr, settled.befores)) == sorted(map(repr, expected.befores))
    assert (settled.units, settled.failed_units, settled.unsure_units) == (3, 1, 1)
    assert (expected.units, expected.failed_units, expected.unsure_units) == (3, 1, 1)
