"""Who runs a change: a lease (owner, lease_until, generation) instead of trusting "host:pid".

A change is opened with a lease held by its process (written in the same transaction as its audit
entry, so no reader ever sees a running change without an owner). Crash recovery *claims* the
changes nobody runs any more and reads their open journal rows in the same transaction: a change
opened meanwhile is either wholly visible (with its live lease) or not at all, so it can never be
taken for a crashed one (the race of two separate reads, issue 18). A claim takes the lease
(generation + 1), so two recoveries at once (a cron `bot sync` beside `bot serve`) never settle
the same change twice or tell its author twice.

Whether a running change is orphaned:
- run by this process but not active here (the run ended with an error): orphaned;
- its owner is a process on this host: orphaned exactly when that process is gone (the pid is a
  better witness than a clock on one host, so a restart recovers at once);
- its owner is on another host (replicas on a shared database): orphaned once its lease expired
  (owners renew while they run; `renew`).
Changes written before leases existed carry their owner only in `audit.detail`.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Final

LEASE_S: Final = 30.0  # how long a change's owner may go without renewing before others claim it
RENEW_EVERY_S: Final = 10.0

_RUNNING_IN: Final = "running in process "


@dataclass(frozen=True)
class Owner:
    """A process as leases name it: "host:pid" (what `audit.detail` has shown since the journal)
    and a token telling apart two processes that reuse a pid."""

    host: str
    pid: int
    token: str

    @property
    def name(self) -> str:
        return f"{self.host}:{self.pid}"

    @property
    def key(self) -> str:
        return f"{self.host}:{self.pid}:{self.token}"

    @classmethod
    def parse(cls, text: str | None) -> Owner | None:
        """ "host:pid:token", "host:pid", or a detail "running in process host:pid"."""
        if not text:
            return None
        _, found, rest = text.partition(_RUNNING_IN)
        words = (rest if found else text).split()
        if not words:
            return None
        parts = words[0].split(":")
        for split in (len(parts) - 1, len(parts) - 2):  # with a token, then without
            if split < 1 or not parts[split].isdigit():
                continue
            token = ":".join(parts[split + 1 :])
            return cls(":".join(parts[:split]), int(parts[split]), token)
        return None


_this: tuple[int, Owner] | None = None


def this_process() -> Owner:
    """This process (a new token after a fork)."""
    global _this
    pid = os.getpid()
    if _this is None or _this[0] != pid:
        _this = (pid, Owner(socket.gethostname(), pid, "t" + uuid.uuid4().hex[:12]))
    return _this[1]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def orphaned(owner: Owner | None, lease_until: float | None, now: float) -> bool:
    """Whether a running change (not active in this process) may be claimed by recovery."""
    me = this_process()
    if owner is not None and owner.host == me.host:
        # Our pid: ours and not active here (its run ended with an error), or a dead process
        # whose pid we reuse. Another pid: orphaned exactly when that process is gone.
        return owner.pid == me.pid or not _pid_alive(owner.pid)
    return lease_until is None or lease_until < now


@dataclass(frozen=True)
class Running:
    """A running change as recovery sees it."""

    change_id: int
    detail: str
    owner: str | None
    lease_until: float | None
    generation: int

    def holder(self) -> Owner | None:
        # The detail names the process that opened it (or, after a claim, the one recovering it);
        # the lease row when the detail does not.
        return Owner.parse(self.detail) or Owner.parse(self.owner)


def _epoch(at: datetime) -> float:
    return at.timestamp()


# --- SQLite statements (run inside the caller's transaction) ----------------------------------


def open_lease(conn: sqlite3.Connection, change_id: int, at: datetime) -> None:
    """The lease of a change being opened, in the transaction that writes its audit entry."""
    conn.execute(
        "INSERT OR REPLACE INTO change_leases (change_id, owner, lease_until, generation)"
        " VALUES (?, ?, ?, 1)",
        (change_id, this_process().key, _epoch(at) + LEASE_S),
    )


def close_lease(conn: sqlite3.Connection, change_id: int) -> None:
    conn.execute("DELETE FROM change_leases WHERE change_id = ?", (change_id,))


def renew(conn: sqlite3.Connection, change_ids: Collection[int], at: datetime) -> int:
    """Push on the leases this process holds on these changes; returns how many it still holds
    (a change whose lease was claimed by another process is not taken back)."""
    if not change_ids:
        return 0
    ids = list(change_ids)
    marks = ", ".join("?" * len(ids))
    cursor = conn.execute(
        f"UPDATE change_leases SET lease_until = ? WHERE owner = ? AND change_id IN ({marks})",
        [_epoch(at) + LEASE_S, this_process().key, *ids],
    )
    return int(cursor.rowcount)


def claim_orphans(conn: sqlite3.Connection, at: datetime, active: Collection[int]) -> list[Running]:
    """Take the lease of every running change nobody runs any more (see `orphaned`), in the
    caller's transaction; returns them with their new generation."""
    now = _epoch(at)
    found = [
        Running(*row)
        for row in conn.execute(
            "SELECT a.id, a.detail, l.owner, l.lease_until, COALESCE(l.generation, 0)"
            " FROM audit a LEFT JOIN change_leases l ON l.change_id = a.id"
            " WHERE a.outcome = 'running' ORDER BY a.id"
        ).fetchall()
    ]
    me = this_process()
    claimed = []
    for running in found:
        if running.change_id in active or not orphaned(running.holder(), running.lease_until, now):
            continue
        generation = running.generation + 1
        conn.execute(
            "INSERT OR REPLACE INTO change_leases (change_id, owner, lease_until, generation)"
            " VALUES (?, ?, ?, ?)",
            (running.change_id, me.key, now + LEASE_S, generation),
        )
        # Another recovery now sees a live owner (this process) and leaves it alone.
        conn.execute(
            "UPDATE audit SET detail = ? WHERE id = ?",
            (f"{_RUNNING_IN}{me.key} (recovering)", running.change_id),
        )
        claimed.append(
            Running(running.change_id, running.detail, me.key, now + LEASE_S, generation)
        )
    return claimed
