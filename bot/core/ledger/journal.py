"""The change journal: one row per write to a unit, committed before the request and settled after it.

A row is queued when its change starts (so the change is fully described even if the process dies
before reaching it), moves to `pending` with the value read before, committed *before* the request
goes to Amazon, and is settled after: applied, unchanged (already so), refused (Amazon's reason),
failed (known not applied) or unknown (not confirmed; re-checked later). Rows left queued, pending or
unknown are what crash recovery (bot/core/changes/recovery.py) checks against Amazon.

Callers use the `JournalStore` protocol; `SqliteJournal` is the one implementation today (a
PostgreSQL store for several replicas is the next step, so no SQL lives outside this module and
bot/core/ledger/audit.py). Writes retry while another process holds the database locked: what Amazon has
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
class Counts:
    """A change's journal rows by state: what progress, `recent changes` and the outcome of a
    large change are made of (added up in SQL, never read row by row)."""

    by_state: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_state.values())

    @property
    def ok(self) -> int:
        return sum(self.by_state.get(state, 0) for state in DONE_STATES)

    @property
    def settled(self) -> int:
        return self.total - sum(self.by_state.get(s, 0) for s in OPEN_STATES)

    @property
    def applied(self) -> int:
        return self.by_state.get(APPLIED, 0)

    @property
    def unchanged(self) -> int:
        return self.by_state.get(UNCHANGED, 0)

    @property
    def unknown(self) -> int:
        return self.by_state.get(UNKNOWN, 0)

    @classmethod
    def of_rows(cls, rows: Sequence[JournalRow]) -> Counts:
        found: dict[str, int] = {}
        for row in rows:
            found[row.state] = found.get(row.state, 0) + 1
        return cls(found)


@dataclass(frozen=True)
class Settled:
    """What a change did, for its reply: its counts, the first rows that did not apply (failed and
    refused first, then not confirmed), the values its done rows replaced, and by unit when a unit
    had several writes. Made from the rows of a small change, or in SQL for a chunked one (a
    million rows are never read back for a summary)."""

    counts: Counts
    problems: tuple[JournalRow, ...]  # at most the limit asked for
    befores: tuple[tuple[JsonData, int], ...]  # done rows by the value they replaced
    units: int = 0  # units written (by_unit only)
    failed_units: int = 0  # units with a write neither done nor unconfirmed
    unsure_units: int = 0  # units with an unconfirmed write and none failed
    single: JournalRow | None = None  # the row, when the change had exactly one

    @classmethod
    def of_rows(cls, rows: Sequence[JournalRow], limit: int) -> Settled:
        bad = [r for r in rows if not r.ok and r.state != UNKNOWN]
        unsure = [r for r in rows if r.state == UNKNOWN]
        befores: dict[str, tuple[JsonData, int]] = {}
        for row in rows:
            if row.ok:
                key = json.dumps(row.before, sort_keys=True)
                befores[key] = (row.before, befores.get(key, (None, 0))[1] + 1)
        failed_units = {r.unit_id for r in bad}
        return cls(
            Counts.of_rows(rows),
            tuple((bad + unsure)[:limit]),
            tuple(befores.values()),
            units=len({r.unit_id for r in rows}),
            failed_units=len(failed_units),
            unsure_units=len({r.unit_id for r in unsure} - failed_units),
            single=rows[0] if len(rows) == 1 else None,
        )


@dataclass(frozen=True)
class UnitTally:
    """An interrupted change by unit (a unit is done when all its writes are): what its restart
    notice says, counted in SQL."""

    units: int
    done: int
    unsure: int  # not done, with an unconfirmed write
    changed: (
        int  # units with a write applied (what an undo would put back; not those already as asked)
    )
    hierarchy_only: bool  # every write an add, rename or delete


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
    def counts(self, change_ids: Sequence[int]) -> dict[int, Counts]: ...
    def properties(self, change_ids: Sequence[int]) -> dict[int, tuple[str, ...]]: ...
    def settled(self, change_id: int, limit: int, *, by_unit: bool = False) -> Settled: ...
    def tally(self, change_id: int, hierarchy_kinds: Sequence[str]) -> UnitTally: ...
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


# --- counting in SQL (both backends: `?` marks, PostgreSQL's journal turns them into `%s`) -------

Query = Callable[[str, Sequence[object]], list[tuple[object, ...]]]
SelectRows = Callable[[str, Sequence[object]], list[JournalRow]]

# a done chunk that kept its counts (chunks done before they were kept are counted row by row)
_KEPT = "state = 'done' AND n_queued IS NOT NULL"


def _marks(ids: Sequence[object]) -> str:
    return ", ".join("?" * len(ids))


def _int(value: object) -> int:
    return int(str(value)) if value is not None else 0


def count_changes(query: Query, change_ids: Sequence[int]) -> dict[int, Counts]:
    """Each change's rows by state, in one statement. A chunked change adds up its chunks: the
    counts a done chunk kept, a chunk nobody claimed yet as all queued, the rows of a running
    chunk (at most a few hundred), and the rooms its plan has not queued yet (bot/core/changes/chunks.py);
    any other change counts its rows (at most a chunk's worth), grouped in SQL."""
    ids = list(dict.fromkeys(change_ids))
    if not ids:
        return {}
    marks = _marks(ids)
    kept = " UNION ALL ".join(
        f"SELECT change_id, '{state}', n_{state} FROM change_chunks"
        f" WHERE change_id IN ({marks}) AND {_KEPT} AND n_{state} > 0"
        for state in STATES
    )
    parts = [
        (kept, list(ids) * len(STATES)),
        # claimed by nobody yet: all its rows queued
        (
            "SELECT change_id, 'queued', rows FROM change_chunks"
            f" WHERE change_id IN ({marks}) AND state = 'queued' AND generation = 0",
            ids,
        ),
        # claimed and not done (or done before chunks kept counts): its rows, counted
        (
            "SELECT c.change_id, j.state, COUNT(*) FROM change_chunks c JOIN journal j"
            " ON j.change_id = c.change_id AND j.id BETWEEN c.first_id AND c.last_id"
            f" WHERE c.change_id IN ({marks}) AND NOT ({_KEPT.replace('state', 'c.state')})"
            " AND NOT (c.state = 'queued' AND c.generation = 0) GROUP BY c.change_id, j.state",
            ids,
        ),
        # not chunked: its rows
        (
            f"SELECT change_id, state, COUNT(*) FROM journal WHERE change_id IN ({marks})"
            " AND change_id NOT IN"
            f" (SELECT change_id FROM change_chunks WHERE change_id IN ({marks}))"
            " GROUP BY change_id, state",
            [*ids, *ids],
        ),
        # planned, not queued yet
        (
            "SELECT change_id, 'queued', total - planned FROM change_plans"
            f" WHERE change_id IN ({marks}) AND NOT complete AND total > planned",
            ids,
        ),
    ]
    sql = " UNION ALL ".join(f"SELECT * FROM ({part}) p{n}" for n, (part, _) in enumerate(parts))
    found: dict[int, dict[str, int]] = {change_id: {} for change_id in ids}
    for change_id, state, n in query(sql, [arg for _, args in parts for arg in args]):
        by_state = found[_int(change_id)]
        by_state[str(state)] = by_state.get(str(state), 0) + _int(n)
    return {change_id: Counts(by_state) for change_id, by_state in found.items()}


def properties_of(query: Query, change_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """The properties each change writes to: a planned change keeps them with its plan; any other
    has a chunk's worth of rows at most."""
    ids = list(dict.fromkeys(change_ids))
    if not ids:
        return {}
    found: dict[int, set[str]] = {change_id: set() for change_id in ids}
    marks = _marks(ids)
    for change_id, planned, name in query(
        f"SELECT change_id, 1, properties FROM change_plans WHERE change_id IN ({marks})"
        " UNION ALL SELECT * FROM (SELECT DISTINCT change_id, 0, property_name FROM journal"
        f" WHERE change_id IN ({marks}) AND change_id NOT IN"
        f" (SELECT change_id FROM change_plans WHERE change_id IN ({marks}))) rows",
        [*ids, *ids, *ids],
    ):
        names = json.loads(str(name)) if planned else [name]
        found[_int(change_id)].update(str(one) for one in names)
    return {change_id: tuple(sorted(names)) for change_id, names in found.items()}


def settled_of(
    query: Query, select: SelectRows, change_id: int, limit: int, *, by_unit: bool
) -> Settled:
    """`Settled` of a change in SQL: the counts, the first rows not done (by id), the before
    values of the done rows grouped, and (by_unit) the units."""
    counts = count_changes(query, [change_id])[change_id]
    bad = select(
        "WHERE change_id = ? AND state NOT IN (?, ?, ?) ORDER BY id LIMIT ?",
        [change_id, APPLIED, UNCHANGED, UNKNOWN, limit],
    )
    unsure = select(
        "WHERE change_id = ? AND state = ? ORDER BY id LIMIT ?", [change_id, UNKNOWN, limit]
    )
    befores = tuple(
        (_load(None if value is None else str(value)), _int(n))
        for value, n in query(
            "SELECT before, COUNT(*) FROM journal WHERE change_id = ? AND state IN (?, ?)"
            " GROUP BY before",
            [change_id, APPLIED, UNCHANGED],
        )
    )
    # one write a unit (a station change): the units are the rows
    units, failed, unsure_units = counts.total, counts.total - counts.ok - counts.unknown, 0
    unsure_units = counts.unknown
    if by_unit:
        row = query(
            "SELECT COUNT(*), SUM(failed), SUM(CASE WHEN failed = 0 THEN unsure ELSE 0 END)"
            " FROM (SELECT unit_id,"
            " MAX(CASE WHEN state NOT IN (?, ?, ?) THEN 1 ELSE 0 END) AS failed,"
            " MAX(CASE WHEN state = ? THEN 1 ELSE 0 END) AS unsure"
            " FROM journal WHERE change_id = ? GROUP BY unit_id) units",
            [APPLIED, UNCHANGED, UNKNOWN, UNKNOWN, change_id],
        )[0]
        units, failed, unsure_units = (_int(n) for n in row)
    single = None
    if counts.total == 1:
        rows = select("WHERE change_id = ? ORDER BY id", [change_id])
        single = rows[0] if rows else None
    return Settled(
        counts, tuple((bad + unsure)[:limit]), befores, units, failed, unsure_units, single
    )


def tally_of(query: Query, change_id: int, hierarchy_kinds: Sequence[str]) -> UnitTally:
    """`UnitTally` of a change in SQL (grouped by unit; run once, when recovery closes it)."""
    row = query(
        "SELECT COUNT(*), SUM(done), SUM(CASE WHEN done = 0 THEN unsure ELSE 0 END), SUM(applied)"
        " FROM (SELECT unit_id, MIN(CASE WHEN state IN (?, ?) THEN 1 ELSE 0 END) AS done,"
        " MAX(CASE WHEN state = ? THEN 1 ELSE 0 END) AS unsure,"
        " MAX(CASE WHEN state = ? THEN 1 ELSE 0 END) AS applied"
        " FROM journal WHERE change_id = ? GROUP BY unit_id) units",
        [APPLIED, UNCHANGED, UNKNOWN, APPLIED, change_id],
    )[0]
    other = query(
        f"SELECT 1 FROM journal WHERE change_id = ? AND kind NOT IN ({_marks(hierarchy_kinds)})"
        " LIMIT 1",
        [change_id, *hierarchy_kinds],
    )
    units, done, unsure, applied = (_int(n) for n in row)
    return UnitTally(units, done, unsure, applied, units > 0 and not other)


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


def insert_queued(conn: sqlite3.Connection, values: Sequence[QueuedValues]) -> list[int]:
    """Queue rows in the caller's transaction; their ids, in order."""
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
        ids: list[int] = self.write(lambda conn: insert_queued(conn, values)) if values else []
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
        running ones (the changes crash recovery claimed, bot/core/ledger/leases.py)."""
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

    # --- counts (never all rows of a large change) -------------------------------------------

    def query(self, sql: str, args: Sequence[object]) -> list[tuple[object, ...]]:
        return list(self._conn.execute(sql, list(args)).fetchall())

    def counts(self, change_ids: Sequence[int]) -> dict[int, Counts]:
        return count_changes(self.query, change_ids)

    def properties(self, change_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        return properties_of(self.query, change_ids)

    def settled(self, change_id: int, limit: int, *, by_unit: bool = False) -> Settled:
        return settled_of(self.query, self._select, change_id, limit, by_unit=by_unit)

    def tally(self, change_id: int, hierarchy_kinds: Sequence[str]) -> UnitTally:
        return tally_of(self.query, change_id, hierarchy_kinds)

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
