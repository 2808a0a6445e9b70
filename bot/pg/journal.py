"""The change journal in PostgreSQL: the JournalStore of bot/core/ledger/journal.py, for replicas.

The same rows and states as `SqliteJournal` (the contract tests run both); each write is its own
short transaction from the pool.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from psycopg import Connection
from psycopg.rows import TupleRow

from bot.core.ledger.journal import (
    OPEN_STATES,
    PENDING,
    STATES,
    Author,
    Counts,
    JournalRow,
    Notice,
    Planned,
    Settled,
    UnitTally,
    count_changes,
    properties_of,
    queued_rows,
    queued_values,
    settled_of,
    tally_of,
)
from bot.core.ledger.leases import this_process
from bot.json_types import JsonData
from bot.pg.database import PgDatabase
from bot.pg.journal_rows import insert_queued, journal_rows, pg_query

if TYPE_CHECKING:
    from bot.pg.chunks import PgChunks

T = TypeVar("T")

# A write of a running change goes through only while its lease is this process's: once another
# replica claimed it (this one stalled past its lease), nothing more is sent or recorded here; the
# claimer reads the row back from Amazon instead. Rows of finished changes have no lease.
# A row of a chunked change (bot/core/changes/chunks.py) is fenced by its chunk's owner instead, until the
# chunk is done (then recovery may settle what stayed unconfirmed).
# The row's chunk is the one whose range starts last at or before it (a change's chunks never
# overlap): one step down the index (change_id, first_id), however many chunks the change has.
FENCE = (
    " AND NOT EXISTS (SELECT 1 FROM (SELECT c.last_id, c.state, c.owner FROM change_chunks c"
    " WHERE c.change_id = journal.change_id AND c.first_id <= journal.id"
    " ORDER BY c.first_id DESC LIMIT 1) c WHERE journal.id <= c.last_id AND c.state <> 'done'"
    " AND c.owner IS DISTINCT FROM %(me)s)"
    " AND NOT EXISTS (SELECT 1 FROM change_leases l WHERE l.change_id = journal.change_id"
    " AND l.owner <> %(me)s AND NOT EXISTS"
    " (SELECT 1 FROM change_chunks c WHERE c.change_id = journal.change_id))"
)


class LeaseLost(RuntimeError):
    """The change was claimed by another process (its lease had expired): stop writing it."""


def _fenced(rowcount: int, row: JournalRow) -> None:
    if rowcount != 1:
        raise LeaseLost(
            f"change {row.change_id} was taken over by another replica; room {row.unit_name} "
            "is left to it"
        )


def _dump(value: JsonData) -> str | None:
    return None if value is None else json.dumps(value)


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="milliseconds")


class PgJournal:
    def __init__(self, database: PgDatabase) -> None:
        self.database = database

    def write(self, work: Callable[[Connection[TupleRow]], T]) -> T:
        return self.database.write(work)

    def queue(
        self, change_id: int, author: Author, planned: Sequence[Planned], at: datetime
    ) -> list[JournalRow]:
        values = queued_values(change_id, author, planned, at)
        ids: list[int] = (
            self.database.write(lambda conn: insert_queued(conn, values)) if planned else []
        )
        return queued_rows(change_id, author, planned, ids)

    def begin(self, row: JournalRow, before: JsonData, at: datetime) -> JournalRow:
        changed = self.database.write(
            lambda conn: (
                conn.execute(
                    "UPDATE journal SET before = %(before)s, before_read = TRUE, state = %(state)s,"
                    " updated_at = %(at)s WHERE id = %(id)s" + FENCE,
                    {
                        "before": _dump(before),
                        "state": PENDING,
                        "at": _iso(at),
                        "id": row.id,
                        "me": this_process().key,
                    },
                ).rowcount
            )
        )
        _fenced(changed, row)
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
        changed = self.database.write(
            lambda conn: conn.execute(
                "UPDATE journal SET before = %(before)s, before_read = %(read)s, state = %(state)s,"
                " error = %(error)s, request_id = COALESCE(%(request)s, request_id),"
                " updated_at = %(at)s WHERE id = %(id)s" + FENCE,
                {
                    "before": _dump(row.before), "read": row.before_read, "state": state,
                    "error": error, "request": request_id, "at": _iso(at), "id": row.id,
                    "me": this_process().key,
                },
            ).rowcount
        )  # fmt: skip
        _fenced(changed, row)
        return replace(row, state=state, error=error, request_id=request_id or row.request_id)

    def amend(
        self, row: JournalRow, *, unit_id: str, before: JsonData, after: JsonData
    ) -> JournalRow:
        self.database.write(
            lambda conn: conn.execute(
                "UPDATE journal SET unit_id = %s, before = %s, after = %s WHERE id = %s",
                (unit_id, _dump(before), _dump(after), row.id),
            )
        )
        return replace(row, unit_id=unit_id, before=before, after=after)

    def rows(self, change_id: int) -> list[JournalRow]:
        return self.rows_of([change_id]).get(change_id, [])

    def rows_of(self, change_ids: Sequence[int]) -> dict[int, list[JournalRow]]:
        found: dict[int, list[JournalRow]] = {}
        if not change_ids:
            return found
        rows = self.database.read(
            lambda conn: journal_rows(
                conn, "WHERE change_id = ANY(%s) ORDER BY id", [list(change_ids)]
            )
        )
        for row in rows:
            found.setdefault(row.change_id, []).append(row)
        return found

    # --- counts (the SQL of bot/core/ledger/journal.py, `?` marks as `%s`) -----------------------------

    def query(self, sql: str, args: Sequence[object]) -> list[tuple[object, ...]]:
        return pg_query(self.database, sql, args)

    def _select(self, clause: str, args: Sequence[object]) -> list[JournalRow]:
        return self.database.read(
            lambda conn: journal_rows(conn, clause.replace("?", "%s"), list(args))
        )

    def counts(self, change_ids: Sequence[int]) -> dict[int, Counts]:
        return count_changes(self.query, change_ids)

    def properties(self, change_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        return properties_of(self.query, change_ids)

    def settled(self, change_id: int, limit: int, *, by_unit: bool = False) -> Settled:
        return settled_of(self.query, self._select, change_id, limit, by_unit=by_unit)

    def tally(self, change_id: int, hierarchy_kinds: Sequence[str]) -> UnitTally:
        return tally_of(self.query, change_id, hierarchy_kinds)

    @property
    def chunks(self) -> PgChunks:
        """The chunks of bulk changes (bot/core/changes/chunks.py), in the same database."""
        from bot.pg.chunks import PgChunks

        return PgChunks(self.database)

    def open_rows(self, *, running: Sequence[int] | None = None) -> list[JournalRow]:
        return self.database.read(lambda conn: open_rows(conn, running))

    def claim_delivery(self, delivery_id: str, at: datetime) -> bool:
        """True the first time a platform delivery id is seen, by any replica."""
        claimed = self.database.write(
            lambda conn: (
                conn.execute(
                    "INSERT INTO deliveries (delivery_id, at) VALUES (%s, %s)"
                    " ON CONFLICT (delivery_id) DO NOTHING",
                    (delivery_id, _iso(at)),
                ).rowcount
            )
        )
        return claimed == 1

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
        def insert(conn: Connection[TupleRow]) -> int:
            row = conn.execute(
                'INSERT INTO notices (at, platform, "user", channel, thread, change_id, text)'
                " VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
                (_iso(at), platform, user, channel, thread, change_id, text),
            ).fetchone()
            return int(row[0]) if row else 0

        return self.database.write(insert)

    def open_notices(self, user: str | None = None) -> list[Notice]:
        where, args = ('AND "user" = %s', [user]) if user is not None else ("", [])
        rows = self.database.read(
            lambda conn: conn.execute(
                'SELECT id, platform, "user", channel, thread, change_id, text FROM notices'
                f" WHERE delivered_at IS NULL {where} ORDER BY id",
                args,
            ).fetchall()
        )
        return [Notice(*row) for row in rows]

    def mark_delivered(self, notice_id: int, at: datetime) -> bool:
        """Take a notice to show or post it; False when another replica took it first."""
        taken = self.database.write(
            lambda conn: (
                conn.execute(
                    "UPDATE notices SET delivered_at = %s WHERE id = %s AND delivered_at IS NULL",
                    (_iso(at), notice_id),
                ).rowcount
            )
        )
        return int(taken) == 1

    def release_notice(self, notice_id: int) -> None:
        """A notice taken for posting whose post failed: kept for the next try."""
        self.database.write(
            lambda conn: conn.execute(
                "UPDATE notices SET delivered_at = NULL WHERE id = %s", (notice_id,)
            )
        )


def open_rows(conn: Connection[TupleRow], running: Sequence[int] | None) -> list[JournalRow]:
    """Rows not settled yet; with `running`, only those of finished changes and of these running
    ones. One statement: its snapshot shows a change's rows only with its audit entry."""
    if running is None:
        return journal_rows(
            conn, "WHERE state = ANY(%s) ORDER BY change_id, id", [list(OPEN_STATES)]
        )
    return journal_rows(
        conn,
        "WHERE state = ANY(%s) AND (change_id = ANY(%s) OR change_id NOT IN"
        " (SELECT id FROM audit WHERE outcome = 'running')) ORDER BY change_id, id",
        [list(OPEN_STATES), list(running)],
    )
