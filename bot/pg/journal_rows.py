"""Journal rows in PostgreSQL, read and queued: shared by the journal (bot/pg/journal.py) and the
chunks (bot/pg/chunks.py), which each build on it (so neither imports the other)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from psycopg import Connection
from psycopg.rows import TupleRow

from bot.core.ledger.journal import Author, JournalRow, QueuedValues
from bot.json_types import JsonData
from bot.pg.database import PgDatabase

_COLUMNS = (
    'id, change_id, platform, "user", channel, command, unit_id, unit_name, property_name, kind,'
    " before, after, before_read, state, error, request_id"
)


def _load(text: str | None) -> JsonData:
    return None if text is None else json.loads(text)


def journal_rows(
    conn: Connection[TupleRow], clause: str, args: Sequence[object]
) -> list[JournalRow]:
    """Journal rows `WHERE ...` (the clause), in the caller's connection."""
    found = conn.execute(f"SELECT {_COLUMNS} FROM journal {clause}", list(args)).fetchall()
    return [
        JournalRow(
            r[0], r[1], Author(r[2], r[3], r[4], r[5]), r[6], r[7], r[8], r[9],
            _load(r[10]), _load(r[11]), bool(r[12]), r[13], r[14], r[15],
        )
        for r in found
    ]  # fmt: skip


def insert_queued(conn: Connection[TupleRow], values: Sequence[QueuedValues]) -> list[int]:
    """Queue rows in the caller's transaction, in one pipelined batch (not a round trip per
    row); their ids, in order."""
    with conn.cursor() as cursor:
        cursor.executemany(
            'INSERT INTO journal (change_id, at, updated_at, platform, "user", channel,'
            " command, unit_id, unit_name, property_name, kind, before, after, before_read,"
            " state) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " RETURNING id",
            values,
            returning=True,
        )
        ids = []
        while True:
            row = cursor.fetchone()
            ids.append(int(row[0]) if row else 0)
            if not cursor.nextset():
                break
        return ids


def pg_query(database: PgDatabase, sql: str, args: Sequence[object]) -> list[tuple[object, ...]]:
    """A read of bot/core/ledger/journal.py's counting SQL (`?` marks, as `%s` here)."""
    return database.read(
        lambda conn: list(conn.execute(sql.replace("?", "%s"), list(args)).fetchall())
    )
