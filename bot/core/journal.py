"""The change journal: one row per write to a unit, committed before the request and settled after it.

A row is queued when its change starts (so the change is fully described even if the process dies
before reaching it), moves to `pending` with the value read before, committed *before* the request
goes to Amazon, and is settled after: applied, unchanged (already so), refused (Amazon's reason),
failed (known not applied) or unknown (not confirmed; re-checked later). Rows left queued, pending or
unknown are what crash recovery (bot/core/recovery.py) checks against Amazon.

Callers use the `JournalStore` protocol; `SqliteJournal` is the one implementation today (a
PostgreSQL store for several replicas is the next step, so no SQL lives outside this module and
bot/core/audit.py). Writes retry while another process holds the database locked: what Amazon has
applied must never go unrecorded.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol, TypeVar

from bot.json_types import JsonData

log = logging.getLogger("bot.journal")

T = TypeVar("T")

QUEUED = "queued"  # part of a change, not started
PENDING = "pending"  # before read and recorded; the request may be on its way
APPLIED = "applied"
UNCHANGED = "unchanged"  # the unit already had the value: nothing sent
REFUSED = "refused"  # Amazon said no (the reason is in `error`)
FAILED = "failed"  # known not applied (never sent, or read back unchanged)
UNKNOWN = "unknown"  # not confirmed either way: re-checked later

OPEN_STATES = (QUEUED, PENDING, UNKNOWN)
DONE_STATES = (APPLIED, UNCHANGED)
STATES = (QUEUED, PENDING, APPLIED, UNCHANGED, REFUSED, FAILED, UNKNOWN)


@dataclass(frozen=True)
class Author:
    """Who asked, where, and with which command (`Command.name`)."""

    platform: str
    user: str
    channel: str | None
    command: str


@dataclass(frozen=True)
class Planned:
    """One write a change intends: to `unit`, of `kind`, setting `after`."""

    unit_id: str
    unit_name: str
    property_name: str
    kind: str
    after: JsonData
    before: JsonData = None
    before_read: bool = False  # whether `before` is a value read from Amazon


@dataclass(frozen=True)
class JournalRow:
    id: int
    change_id: int
    author: Author
    unit_id: str
    unit_name: str
    property_name: str
    kind: str
    before: JsonData
    after: JsonData
    before_read: bool
    state: str
    error: str | None = None
    request_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.state in DONE_STATES

    @property
    def applied(self) -> bool:
        return self.state == APPLIED


@dataclass(frozen=True)
class Notice:
    """A message for a user that could not be delivered when it was written (e.g. after a crash)."""

    id: int
    platform: str
    user: str
    channel: str | None
    thread: str | None
    change_id: int | None
    text: str


class JournalStore(Protocol):
    def queue(
        self, change_id: int, author: Author, planned: Sequence[Planned], at: datetime
    ) -> list[JournalRow]: ...
    def begin(self, row: JournalRow, before: JsonData, at: datetime) -> JournalRow: ...
    def settle(
        self,
        row: JournalRow,
        state: str,
        at: datetime,
        *,
        error: str | None = None,
        request_id: str | None = None,
    ) -> JournalRow: ...
    def amend(
        self, row: JournalRow, *, unit_id: str, before: JsonData, after: JsonData
    ) -> JournalRow: ...
    def rows(self, change_id: int) -> list[JournalRow]: ...
    def rows_of(self, change_ids: Sequence[int]) -> dict[int, list[JournalRow]]: ...
    def open_rows(self) -> list[JournalRow]: ...
    def claim_delivery(self, delivery_id: str, at: datetime) -> bool: ...
    def add_notice(
        self,
        *,
        platform: str,
        user: str,
        channel: str | None,
        thread: str | None,
        change_id: int | None,
        text: str,
        at: datetime,
    ) -> int: ...
    def open_notices(self, user: str | None = None) -> list[Notice]: ...
    def mark_delivered(self, notice_id: int, at: datetime) -> bool: ...
    def release_notice(self, notice_id: int) -> None: ...


QueuedValues = tuple[
    int, str, str, str, str, str | None, str, str, str, str, str, str | None, str | None, bool, str
]


def queued_values(
    change_id: int, author: Author, planned: Sequence[Planned], at: datetime
) -> list[QueuedValues]:
    """The journal columns of a change's queued writes (change_id, at, updated_at, platform,
    user, channel, command, unit_id, unit_name, property_name, kind, before, after, before_read,
    state), the same for every backend."""
    stamp = _iso(at)
    return [
        (
            change_id, stamp, stamp, author.platform, author.user, author.channel,
            author.command, p.unit_id, p.unit_name, p.property_name, p.kind,
            _dump(p.before), _dump(p.after), p.before_read, QUEUED,
        )
        for p in planned
    ]  # fmt: skip


def queued_rows(
    change_id: int, author: Author, planned: Sequence[Planned], ids: Sequence[int]
) -> list[JournalRow]:
    """The rows of a change's queued writes, with the ids the database gave them."""
    return [
        JournalRow(
            ids[n], change_id, author, p.unit_id, p.unit_name, p.property_name, p.kind,
            p.before, p.after, p.before_read, QUEUED,
        )
        for n, p in enumerate(planned)
    ]  # fmt: skip


def process_owner() -> str:
    """This process, as a running change records it: "host:pid"."""
    return f"{socket.gethostname()}:{os.getpid()}"


def owner_alive(detail: str) -> bool:
    """Whether the process named in a running change's detail ("running in process host:pid") is
    another live process. A process on another host cannot be checked here: it is assumed alive
    (several replicas will need leases in the shared store)."""
    _, found, owner = detail.partition("running in process ")
    host, _, pid_text = owner.rpartition(":")
    if not found or not pid_text.isdigit():
        return False
    if host != socket.gethostname():
        return True
    pid = int(pid_text)
    if pid == os.getpid():
        return False  # ours, and not active in this process: orphaned by an error
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _dump(value: JsonData) -> str | None:
    return None if value is None else json.dumps(value)


def _load(text: str | None) -> JsonData:
    return None if text is None else json.loads(text)


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="milliseconds")


_LOCKED = ("locked", "busy")


class SqliteJournal:
    """The journal in the bot's SQLite file (WAL; each write its own short transaction)."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        *,
        locked_retry_s: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._conn = conn
        self._locked_retry_s = locked_retry_s
        self._sleep = sleep

    def write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` in one transaction, again while another process holds the file locked: a
        settled write that is not recorded would be a change nobody can see or undo."""
        waited, delay = 0.0, 0.05
        while True:
            try:
                with self._conn:
                    return work(self._conn)
            except sqlite3.OperationalError as error:
                if not any(word in str(error).lower() for word in _LOCKED):
                    raise
                if waited >= self._locked_retry_s:
                    raise
                if waited == 0.0:
                    log.warning(
                        "waiting for the database (another process holds it locked): the change "
                        "journal's write is retried until it is recorded"
                    )
                self._sleep(delay)
                waited += delay
                delay = min(delay * 2, 2.0)

    # --- rows ---------------------------------------------------------------------------------

    def queue(
        self, change_id: int, author: Author, planned: Sequence[Planned], at: datetime
    ) -> list[JournalRow]:
        values = queued_values(change_id, author, planned, at)

        def insert(conn: sqlite3.Connection) -> list[int]:
            ids = []
            for value in values:
                cursor = conn.execute(
                    "INSERT INTO journal (change_id, at, updated_at, platform, user, channel,"
                    " command, unit_id, unit_name, property_name, kind, before, after, before_read,"
                    " state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    value,
                )
                ids.append(int(cursor.lastrowid or 0))
            return ids

        ids: list[int] = self.write(insert) if values else []
        return queued_rows(change_id, author, planned, ids)

    def begin(self, row: JournalRow, before: JsonData, at: datetime) -> JournalRow:
        self.write(
            lambda conn: conn.execute(
                "UPDATE journal SET before = ?, before_read = 1, state = ?, updated_at = ?"
                " WHERE id = ?",
                (_dump(before), PENDING, _iso(at), row.id),
            )
        )
        return replace(row, before=before, before_read=True, state=PENDING)

    def settle(
        self,
        row: JournalRow,
        state: str,
        at: datetime,
        *,
        error: str | None = None,
        request_id: str | None = None,
    ) -> JournalRow:
        if state not in STATES:
            raise ValueError(f"unknown journal state {state!r}")
        self.write(
            lambda conn: conn.execute(
                "UPDATE journal SET before = ?, before_read = ?, state = ?, error = ?,"
                " request_id = COALESCE(?, request_id), updated_at = ? WHERE id = ?",
                (
                    _dump(row.before), int(row.before_read), state, error, request_id,
                    _iso(at), row.id,
                ),
            )
        )  # fmt: skip
        return replace(row, state=state, error=error, request_id=request_id or row.request_id)

    def amend(
        self, row: JournalRow, *, unit_id: str, before: JsonData, after: JsonData
    ) -> JournalRow:
        """What Amazon's answer showed the write really was (a created unit's id, the value it
        replaced), before the row is settled."""
        self.write(
            lambda conn: conn.execute(
                "UPDATE journal SET unit_id = ?, before = ?, after = ? WHERE id = ?",
                (unit_id, _dump(before), _dump(after), row.id),
            )
        )
        return replace(row, unit_id=unit_id, before=before, after=after)

    def rows(self, change_id: int) -> list[JournalRow]:
        return self.rows_of([change_id]).get(change_id, [])

    def rows_of(self, change_ids: Sequence[int]) -> dict[int, list[JournalRow]]:
        found: dict[int, list[JournalRow]] = {}
        ids = list(change_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for row in self._select(f"WHERE change_id IN ({marks}) ORDER BY id", chunk):
                found.setdefault(row.change_id, []).append(row)
        return found

    def open_rows_between(self, change_id: int, first_id: int, last_id: int) -> list[JournalRow]:
        """The rows of a change not settled yet, with ids from `first_id` to `last_id` (a chunk)."""
        return self._select(
            "WHERE change_id = ? AND id BETWEEN ? AND ? AND state IN (?, ?, ?) ORDER BY id",
            [change_id, first_id, last_id, *OPEN_STATES],
        )

    def open_rows(self, *, running: Sequence[int] | None = None) -> list[JournalRow]:
        """Rows not settled yet; with `running`, only those of finished changes and of these
        running ones (the changes crash recovery claimed, bot/core/leases.py)."""
        if running is None:
            return self._select(
                "WHERE state IN (?, ?, ?) ORDER BY change_id, id", list(OPEN_STATES)
            )
        marks = ", ".join("?" * len(running))
        return self._select(
            "WHERE state IN (?, ?, ?) AND (change_id NOT IN"
            " (SELECT id FROM audit WHERE outcome = 'running')"
            f"{f' OR change_id IN ({marks})' if running else ''}) ORDER BY change_id, id",
            [*OPEN_STATES, *running],
        )

    def _select(self, clause: str, args: Sequence[object]) -> list[JournalRow]:
        cursor = self._conn.execute(
            "SELECT id, change_id, platform, user, channel, command, unit_id, unit_name,"
            f" property_name, kind, before, after, before_read, state, error, request_id FROM journal {clause}",
            list(args),
        )
        return [
            JournalRow(
                r[0], r[1], Author(r[2], r[3], r[4], r[5]), r[6], r[7], r[8], r[9],
                _load(r[10]), _load(r[11]), bool(r[12]), r[13], r[14], r[15],
            )
            for r in cursor.fetchall()
        ]  # fmt: skip

    # --- deliveries ---------------------------------------------------------------------------

    def claim_delivery(self, delivery_id: str, at: datetime) -> bool:
        """True the first time a platform delivery id is seen (across restarts and processes)."""

        def claim(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO deliveries (delivery_id, at) VALUES (?, ?)",
                (delivery_id, _iso(at)),
            )
            return cursor.rowcount == 1

        return bool(self.write(claim))

    # --- notices ------------------------------------------------------------------------------

    def add_notice(
        self,
        *,
        platform: str,
        user: str,
        channel: str | None,
        thread: str | None,
        change_id: int | None,
        text: str,
        at: datetime,
    ) -> int:
        def insert(conn: sqlite3.Connection) -> int:
            cursor = conn.execute(
                "INSERT INTO notices (at, platform, user, channel, thread, change_id, text)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (_iso(at), platform, user, channel, thread, change_id, text),
            )
            return int(cursor.lastrowid or 0)

        return int(self.write(insert))

    def open_notices(self, user: str | None = None) -> list[Notice]:
        where, args = ("AND user = ?", [user]) if user is not None else ("", [])
        cursor = self._conn.execute(
            "SELECT id, platform, user, channel, thread, change_id, text FROM notices"
            f" WHERE delivered_at IS NULL {where} ORDER BY id",
            args,
        )
        return [Notice(*row) for row in cursor.fetchall()]

    def mark_delivered(self, notice_id: int, at: datetime) -> bool:
        """Take a notice to show or post it; False when another process took it first."""
        taken: int = self.write(
            lambda conn: (
                conn.execute(
                    "UPDATE notices SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL",
                    (_iso(at), notice_id),
                ).rowcount
            )
        )
        return taken == 1

    def release_notice(self, notice_id: int) -> None:
        """A notice taken for posting whose post failed: kept for the next try."""
        self.write(
            lambda conn: conn.execute(
                "UPDATE notices SET delivered_at = NULL WHERE id = ?", (notice_id,)
            )
        )
