"""Chunks of bulk changes in PostgreSQL (bot/core/changes/chunks.py): every replica's worker claims them.

A claim is one statement (`FOR UPDATE SKIP LOCKED`: two replicas never take the same chunk), taking
a queued chunk or one whose worker's lease expired (generation + 1). A chunk is completed only by
the worker holding that generation, and a change is closed once (`finish_once`): by its request
while that still renews the change's lease, else by the worker completing the last chunk.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from psycopg import Connection
from psycopg.rows import TupleRow

from bot.core.changes.chunks import (
    CHUNK_SLOTS,
    RUNNING_CHUNK,
    Chunk,
    Counts,
    PlanState,
    chunk_values,
    split_ids,
)
from bot.core.ledger.journal import FAILED, STATES, Author, JournalRow, Planned, count_changes
from bot.core.ledger.leases import LEASE_S, this_process
from bot.pg.database import PgDatabase
from bot.pg.journal_rows import insert_queued, journal_rows, pg_query

_KEEP_COUNTS = ", ".join(f"n_{state} = %s" for state in STATES)


def _count_values(counts: Counts) -> tuple[int, ...]:
    return tuple(counts.by_state.get(state, 0) for state in STATES)


def _range_counts(conn: Connection[TupleRow], change_id: int, first: int, last: int) -> Counts:
    found = conn.execute(
        "SELECT state, COUNT(*) FROM journal WHERE change_id = %s AND id BETWEEN %s AND %s"
        " GROUP BY state",
        (change_id, first, last),
    ).fetchall()
    return Counts({str(state): int(str(n)) for state, n in found})


class PgChunks:
    slots = CHUNK_SLOTS

    def __init__(self, database: PgDatabase) -> None:
        self.database = database

    def split(
        self, change_id: int, row_ids: Sequence[int], size: int, properties: Sequence[str] = ()
    ) -> int:
        parts = split_ids(row_ids, size)

        def insert(conn: Connection[TupleRow]) -> None:
            with conn.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO change_chunks (change_id, chunk, first_id, last_id, rows)"
                    " VALUES (%s, %s, %s, %s, %s)",
                    [(change_id, n, *part) for n, part in enumerate(parts)],
                )
            conn.execute(
                "INSERT INTO change_plans (change_id, spec, properties, total, planned, complete)"
                " VALUES (%s, '{}', %s, %s, %s, TRUE) ON CONFLICT (change_id) DO NOTHING",
                (change_id, json.dumps(sorted(properties)), len(row_ids), len(row_ids)),
            )

        self.database.write(insert)
        return len(parts)

    def plan(
        self, change_id: int, spec: str, properties: Sequence[str], total: int, at: datetime
    ) -> None:
        self.database.write(
            lambda conn: conn.execute(
                "INSERT INTO change_plans (change_id, spec, properties, total, planner,"
                " planner_until) VALUES (%s, %s, %s, %s, %s, %s)",
                (change_id, spec, json.dumps(sorted(properties)), total, this_process().key,
                 at.timestamp() + LEASE_S),
            )
        )  # fmt: skip

    def add_chunk(
        self,
        change_id: int,
        author: Author,
        planned: Sequence[Planned],
        at: datetime,
        *,
        after: str | None,
        cursor: str | None,
        complete: bool,
        not_sent: str | None = None,
    ) -> bool:
        values = chunk_values(change_id, author, planned, at)

        def insert(conn: Connection[TupleRow]) -> bool:
            # only where the plan still stands where this planner read it (never a room twice);
            # the row lock makes a second planner wait, then find it moved
            moved = conn.execute(
                "UPDATE change_plans SET planned = planned + %s, cursor = %s, complete = %s,"
                " planner = %s, planner_until = %s WHERE change_id = %s AND NOT complete"
                " AND cursor IS NOT DISTINCT FROM %s",
                (len(values), cursor, complete, this_process().key, at.timestamp() + LEASE_S,
                 change_id, after),
            ).rowcount  # fmt: skip
            if not moved:
                return False
            if values:
                ids = insert_queued(conn, values)
                found = conn.execute(
                    "SELECT COALESCE(MAX(chunk), -1) + 1 FROM change_chunks WHERE change_id = %s",
                    (change_id,),
                ).fetchone()
                number = int(str(found[0])) if found else 0
                conn.execute(
                    "INSERT INTO change_chunks (change_id, chunk, first_id, last_id, rows)"
                    " VALUES (%s, %s, %s, %s, %s)",
                    (change_id, number, min(ids), max(ids), len(ids)),
                )
                if not_sent is not None:  # recovery: these were never sent, and are done
                    conn.execute(
                        "UPDATE journal SET state = %s, error = %s WHERE change_id = %s"
                        " AND id BETWEEN %s AND %s",
                        (FAILED, not_sent, change_id, min(ids), max(ids)),
                    )
                    conn.execute(
                        f"UPDATE change_chunks SET state = 'done', {_KEEP_COUNTS}"
                        " WHERE change_id = %s AND chunk = %s",
                        (*_count_values(Counts({FAILED: len(ids)})), change_id, number),
                    )
            return True

        return bool(self.database.write(insert))

    def renew_plan(self, change_id: int, at: datetime) -> None:
        self.database.write(
            lambda conn: conn.execute(
                "UPDATE change_plans SET planner_until = %s WHERE change_id = %s AND planner = %s",
                (at.timestamp() + LEASE_S, change_id, this_process().key),
            )
        )

    def take_plan(self, at: datetime) -> tuple[int, PlanState] | None:
        """The plan of a running change whose planner stopped renewing it, now this
        replica's (one statement; SKIP LOCKED: two replicas never take the same)."""
        now = at.timestamp()
        found = self.database.write(
            lambda conn: conn.execute(
                "UPDATE change_plans p SET planner = %s, planner_until = %s FROM ("
                "  SELECT change_id FROM change_plans WHERE NOT complete"
                "  AND (planner_until IS NULL OR planner_until < %s)"
                "  AND change_id IN (SELECT id FROM audit WHERE outcome = 'running')"
                "  ORDER BY change_id LIMIT 1 FOR UPDATE SKIP LOCKED"
                ") pick WHERE p.change_id = pick.change_id"
                " RETURNING p.change_id, p.spec, p.total, p.planned, p.cursor",
                (this_process().key, now + LEASE_S, now),
            ).fetchone()
        )
        if found is None:
            return None
        change_id, spec, total, planned, cursor = found
        return int(str(change_id)), PlanState(
            str(spec), int(str(total)), int(str(planned)),
            None if cursor is None else str(cursor), complete=False,
        )  # fmt: skip

    def plan_of(self, change_id: int) -> PlanState | None:
        found = self.database.read(
            lambda conn: conn.execute(
                "SELECT spec, total, planned, cursor, complete FROM change_plans"
                " WHERE change_id = %s",
                (change_id,),
            ).fetchone()
        )
        if found is None:
            return None
        spec, total, planned, cursor, complete = found
        return PlanState(
            str(spec), int(str(total)), int(str(planned)),
            None if cursor is None else str(cursor), bool(complete),
        )  # fmt: skip

    def waiting(self, change_id: int) -> int:
        found = self.database.read(
            lambda conn: conn.execute(
                "SELECT COUNT(*) FROM change_chunks WHERE change_id = %s AND state = 'queued'",
                (change_id,),
            ).fetchone()
        )
        return int(str(found[0])) if found else 0

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
        def done(conn: Connection[TupleRow]) -> int:
            counts = _range_counts(conn, chunk.change_id, chunk.first_id, chunk.last_id)
            return int(
                conn.execute(
                    f"UPDATE change_chunks SET state = 'done', lease_until = NULL, {_KEEP_COUNTS}"
                    " WHERE change_id = %s AND chunk = %s AND generation = %s AND owner = %s"
                    " AND state = 'running'",
                    (*_count_values(counts), chunk.change_id, chunk.chunk, chunk.generation,
                     this_process().key),
                ).rowcount
            )  # fmt: skip

        return self.database.write(done) == 1

    def left(self, change_id: int) -> int:
        found = self.database.read(
            lambda conn: conn.execute(
                "SELECT (SELECT COUNT(*) FROM change_chunks WHERE change_id = %s"
                " AND state <> 'done') + (SELECT COUNT(*) FROM change_plans"
                " WHERE change_id = %s AND NOT complete)",
                (change_id, change_id),
            ).fetchone()
        )
        return int(str(found[0])) if found else 0

    def counts(self, change_id: int) -> Counts:
        return count_changes(lambda sql, args: pg_query(self.database, sql, args), [change_id])[
            change_id
        ]

    def recount(self, change_id: int) -> None:
        """Every chunk of a change that is over keeps its rows' counts afresh, and is done."""

        def again(conn: Connection[TupleRow]) -> None:
            chunks = conn.execute(
                "SELECT chunk, first_id, last_id FROM change_chunks WHERE change_id = %s",
                (change_id,),
            ).fetchall()
            for number, first, last in chunks:
                counts = _range_counts(conn, change_id, int(str(first)), int(str(last)))
                conn.execute(
                    f"UPDATE change_chunks SET state = 'done', lease_until = NULL, {_KEEP_COUNTS}"
                    " WHERE change_id = %s AND chunk = %s",
                    (*_count_values(counts), change_id, number),
                )

        self.database.write(again)

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
