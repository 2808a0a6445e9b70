"""Chunks of bulk changes in PostgreSQL (bot/core/chunks.py): every replica's worker claims them.

A claim is one statement (`FOR UPDATE SKIP LOCKED`: two replicas never take the same chunk), taking
a queued chunk or one whose worker's lease expired (generation + 1). A chunk is completed only by
the worker holding that generation, and a change is closed once (`finish_once`): by its request
while that still renews the change's lease, else by the worker completing the last chunk.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from psycopg import Connection
from psycopg.rows import TupleRow

from bot.core.chunks import CHUNK_SLOTS, RUNNING_CHUNK, Chunk, Counts, split_ids
from bot.core.journal import JournalRow
from bot.core.leases import LEASE_S, this_process
from bot.pg.database import PgDatabase
from bot.pg.journal_rows import journal_rows


class PgChunks:
    slots = CHUNK_SLOTS

    def __init__(self, database: PgDatabase) -> None:
        self.database = database

    def split(self, change_id: int, row_ids: Sequence[int], size: int) -> int:
        parts = split_ids(row_ids, size)

        def insert(conn: Connection[TupleRow]) -> None:
            with conn.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO change_chunks (change_id, chunk, first_id, last_id, rows)"
                    " VALUES (%s, %s, %s, %s, %s)",
                    [(change_id, n, *part) for n, part in enumerate(parts)],
                )

        self.database.write(insert)
        return len(parts)

    def claim(self, at: datetime, change_id: int | None = None) -> Chunk | None:
        now = at.timestamp()
        only = "AND change_id = %s" if change_id is not None else ""
        args: list[object] = [this_process().key, now + LEASE_S, now]
        if change_id is not None:
            args.append(change_id)
        args += [now, self.slots]

        def take(conn: Connection[TupleRow]) -> tuple[object, ...] | None:
            return conn.execute(
                "UPDATE change_chunks c SET state = 'running', owner = %s, lease_until = %s,"
                " generation = c.generation + 1 FROM ("
                "  SELECT change_id, chunk, state AS was FROM change_chunks"
                "  WHERE (state = 'queued' OR (state = 'running' AND lease_until < %s))"
                f"  {only} AND change_id IN (SELECT id FROM audit WHERE outcome = 'running')"
                # the shared budget: live chunks (a dead worker's expired lease does not count)
                "  AND (SELECT COUNT(*) FROM change_chunks WHERE state = 'running'"
                "   AND lease_until >= %s) < %s"
                "  ORDER BY change_id, chunk LIMIT 1 FOR UPDATE SKIP LOCKED"
                ") pick WHERE c.change_id = pick.change_id AND c.chunk = pick.chunk"
                " RETURNING c.change_id, c.chunk, c.first_id, c.last_id, c.generation, pick.was",
                args,
            ).fetchone()

        found = self.database.write(take)
        if found is None:
            return None
        change, chunk, first, last, generation, was = found
        return Chunk(
            int(str(change)), int(str(chunk)), int(str(first)), int(str(last)),
            int(str(generation)), was == RUNNING_CHUNK,
        )  # fmt: skip

    def renew(self, chunk: Chunk, at: datetime) -> bool:
        changed = self.database.write(
            lambda conn: (
                conn.execute(
                    "UPDATE change_chunks SET lease_until = %s WHERE change_id = %s AND chunk = %s"
                    " AND generation = %s AND owner = %s AND state = 'running'",
                    (at.timestamp() + LEASE_S, chunk.change_id, chunk.chunk, chunk.generation,
                     this_process().key),
                ).rowcount
            )
        )  # fmt: skip
        return int(changed) == 1

    def rows(self, chunk: Chunk) -> list[JournalRow]:
        return self.database.read(
            lambda conn: journal_rows(
                conn,
                "WHERE change_id = %s AND id BETWEEN %s AND %s"
                " AND state IN ('queued', 'pending', 'unknown') ORDER BY id",
                [chunk.change_id, chunk.first_id, chunk.last_id],
            )
        )

    def complete(self, chunk: Chunk) -> bool:
        changed = self.database.write(
            lambda conn: (
                conn.execute(
                    "UPDATE change_chunks SET state = 'done', lease_until = NULL"
                    " WHERE change_id = %s AND chunk = %s AND generation = %s AND owner = %s"
                    " AND state = 'running'",
                    (chunk.change_id, chunk.chunk, chunk.generation, this_process().key),
                ).rowcount
            )
        )
        return int(changed) == 1

    def left(self, change_id: int) -> int:
        found = self.database.read(
            lambda conn: conn.execute(
                "SELECT COUNT(*) FROM change_chunks WHERE change_id = %s AND state <> 'done'",
                (change_id,),
            ).fetchone()
        )
        return int(str(found[0])) if found else 0

    def counts(self, change_id: int) -> Counts:
        found = self.database.read(
            lambda conn: conn.execute(
                "SELECT state, COUNT(*) FROM journal WHERE change_id = %s GROUP BY state",
                (change_id,),
            ).fetchall()
        )
        return Counts({str(state): int(str(n)) for state, n in found})

    def requester_waiting(self, change_id: int, at: datetime) -> bool:
        """Whether the request that made the change still renews its lease (it closes it)."""
        found = self.database.read(
            lambda conn: conn.execute(
                "SELECT 1 FROM change_leases WHERE change_id = %s AND lease_until >= %s",
                (change_id, at.timestamp()),
            ).fetchone()
        )
        return found is not None

    def finish_once(
        self, change_id: int, outcome: str, detail: str, undoes: int | None, at: datetime
    ) -> bool:
        me = this_process().key

        def update(conn: Connection[TupleRow]) -> bool:
            closed = conn.execute(
                "UPDATE audit SET outcome = %s, detail = %s, undoes = COALESCE(%s, undoes)"
                " WHERE id = %s AND outcome = 'running' AND NOT EXISTS (SELECT 1 FROM"
                " change_leases l WHERE l.change_id = audit.id AND l.owner <> %s"
                " AND l.lease_until >= %s)",
                (outcome, detail, undoes, change_id, me, at.timestamp()),
            ).rowcount
            if not closed:
                return False
            if undoes is not None:
                conn.execute("UPDATE audit SET undone_by = %s WHERE id = %s", (change_id, undoes))
            conn.execute("DELETE FROM change_leases WHERE change_id = %s", (change_id,))
            return True

        return bool(self.database.write(update))
