"""Crash recovery on a database shared by several processes (issue 18): it claims the changes
nobody runs any more in one transaction with the rows it settles, so a change another process
opens meanwhile is never taken for a crashed one; two recoveries never close a change twice; a
change whose owner is on another host is recovered once its lease has expired."""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from core_helpers import BotUnderTest
from sqlite_utils import Database

from bot.core.changes.recovery import recover
from bot.core.ledger import leases
from bot.core.ledger.audit import AuditLog
from bot.core.ledger.journal import QUEUED, Author, Planned, SqliteJournal
from bot.index.db import open_index

A = "amzn1.alexa.unit.did."
POP = {"providerId": "I_HEART_RADIO", "stationId": "4422"}


def _db_file(bot: BotUnderTest) -> Path:
    [(_, _, file)] = [
        r
        for r in bot.runtime.services.index.db.conn.execute("PRAGMA database_list")
        if r[1] == "main"
    ]
    return Path(file)


def _open_change(conn: sqlite3.Connection, owner: str, rooms: tuple[str, ...]) -> int:
    """What `bot serve` in another live process does when a change starts: its audit entry (with
    its lease), then its queued writes, in two transactions."""
    log = AuditLog(Database(conn))
    clock_now = datetime.now(UTC)
    change_id = log.record(
        at=clock_now, platform="slack", user="U2", channel="C2", text="set rooms to pop",
        command="SetStation", parsed="-", targets=[f"{A}{r}" for r in rooms], outcome="running",
        detail=f"running in process {owner}",
    )  # fmt: skip
    author = Author("slack", "U2", "C2", "SetStation")
    planned = [Planned(f"{A}{r}", r[1:], "Hotel A", "station", POP) for r in rooms]
    log.journal.queue(change_id, author, planned, clock_now)
    return change_id


async def test_a_change_opened_during_recovery_is_not_taken_for_a_crashed_one(
    small_bot: BotUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another live process opens a change at the moment recovery reads the journal. With the old
    two reads (running changes, then open rows) its queued rows were settled "interrupted";
    now the read is inside recovery's transaction, so the other process waits for it and its
    change stays running with its rows queued."""
    other = sqlite3.connect(_db_file(small_bot), timeout=0)  # another process: no waiting
    alive = f"{socket.gethostname()}:{os.getppid()}"
    opened: list[int] = []
    blocked: list[str] = []
    real_open_rows = SqliteJournal.open_rows

    def interleaved(self: SqliteJournal, **kwargs: object) -> object:
        if not opened and not blocked:
            try:  # the other process starts writing now (without waiting for the lock)
                other.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:  # recovery holds the write lock
                blocked.append(str(error))
            else:
                other.rollback()
                opened.append(_open_change(other, alive, ("A101", "A102")))
        return real_open_rows(self, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(SqliteJournal, "open_rows", interleaved)
    report = await recover(small_bot.runtime.services)
    monkeypatch.undo()
    if not opened:  # it waited for recovery's transaction; it opens its change now
        assert blocked and "locked" in blocked[0]
        opened.append(_open_change(other, alive, ("A101", "A102")))
    assert report.closed == [] and report.settled == 0
    entry = small_bot.runtime.services.audit.get(opened[0])
    assert entry is not None and entry.outcome == "running"
    assert [c.state for c in entry.changes] == [QUEUED, QUEUED]
    other.close()


async def test_two_recoveries_close_a_crashed_change_once(small_bot: BotUnderTest) -> None:
    """`bot serve`'s sweep and a cron `bot sync` recovering at once: the first claims the change
    (its lease), the second, another process, finds it taken by a live process."""
    services = small_bot.runtime.services
    dead = f"{socket.gethostname()}:999999999"
    change_id = _open_change(services.index.db.conn, dead, ("A101",))
    claimed, rows = services.audit.claim_orphans(services.clock.now(), set())
    assert [e.id for e in claimed] == [change_id] and [r.change_id for r in rows] == [change_id]
    script = (
        "import sys; from datetime import UTC, datetime; from bot.core.ledger.audit import AuditLog;"
        "from bot.index.db import open_index;"
        "claimed, rows = AuditLog(open_index(sys.argv[1])).claim_orphans(datetime.now(UTC), set());"
        "print(len(claimed), len(rows))"
    )
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", script, str(_db_file(small_bot))],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert done.stdout.split() == ["0", "0"]


async def test_a_change_owned_on_another_host_is_recovered_once_its_lease_expires(
    small_bot: BotUnderTest,
) -> None:
    """A replica on another host cannot be asked whether it lives: its change is left alone while
    its lease runs, and recovered when the lease has expired (it was never before: 72 rows stayed
    queued)."""
    services = small_bot.runtime.services
    change_id = _open_change(services.index.db.conn, "other-host:4242:tabc", ("A101", "A102"))
    assert (await recover(services)).closed == []
    small_bot.clock.advance(leases.LEASE_S + 1)  # type: ignore[attr-defined]
    services.index.db.conn.execute(  # the lease written by the other process's clock
        "UPDATE change_leases SET lease_until = ? WHERE change_id = ?",
        (services.clock.now().timestamp() - 1, change_id),
    )
    report = await recover(services)
    assert report.closed == [change_id]
    entry = services.audit.get(change_id)
    assert entry is not None and entry.outcome == "failed"


def test_a_renewed_lease_keeps_recovery_away_and_a_claimed_one_is_not_taken_back(
    tmp_path: Path,
) -> None:
    """The owner renews its lease; once recovery in another process claimed the change (new
    generation), the old owner's renewal no longer holds it."""
    log = AuditLog(open_index(tmp_path / "bot.db"))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    change_id = log.record(
        at=start, platform="console", user="u", channel=None, text="t", command="SetStation",
        parsed="-", targets=[], outcome="running", detail="running in process elsewhere:1:tx",
    )  # fmt: skip
    assert log.renew_leases([change_id], start) == 1
    later = start + timedelta(seconds=leases.LEASE_S - 1)
    assert log.renew_leases([change_id], later) == 1
    assert log.claim_orphans(later + timedelta(seconds=leases.LEASE_S - 1), set()) == ([], [])
    claimed, _ = log.claim_orphans(later + timedelta(seconds=leases.LEASE_S + 1), set())
    assert [e.id for e in claimed] == [change_id]
    generation = log.journal.write(
        lambda conn: conn.execute(
            "SELECT generation FROM change_leases WHERE change_id = ?", (change_id,)
        ).fetchone()[0]
    )
    assert generation == 2


def test_owner_names_parse_with_and_without_a_token() -> None:
    """Details from before leases ("running in process host:pid") and lease owners
    ("host:pid:token") name the same process."""
    assert leases.Owner.parse("running in process web-1:42") == leases.Owner("web-1", 42, "")
    assert leases.Owner.parse("web-1:42:t9f") == leases.Owner("web-1", 42, "t9f")
    assert leases.Owner.parse("running in process a:b:7:tx (recovering)") == leases.Owner(
        "a:b", 7, "tx"
    )
    assert leases.Owner.parse("") is None and leases.Owner.parse("interrupted") is None
