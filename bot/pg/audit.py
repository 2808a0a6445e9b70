"""The audit log in PostgreSQL, with the leases of running changes (bot/core/ledger/leases.py).

A subclass of `AuditLog` with the same behaviour (the contract tests run both). What differs is
the claim of crash recovery: replicas cannot see each other's processes, so a change is orphaned
exactly when its lease has expired, and the claim is one statement (`FOR UPDATE SKIP LOCKED`: two
replicas sweeping at once never claim the same change).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection
from datetime import datetime
from typing import cast

from psycopg import Connection
from psycopg.rows import TupleRow

from bot.core.ledger import leases
from bot.core.ledger.audit import RUNNING, AuditEntry, AuditLog, AuditRow, AuditValues
from bot.core.ledger.journal import JournalRow
from bot.pg.database import PgDatabase
from bot.pg.journal import PgJournal, open_rows

log = logging.getLogger("bot.pg.audit")


def _postgres(clause: str) -> str:
    """An audit query of the SQLite AuditLog in PostgreSQL's words: the queries of the audit log
    stay in one place (bot/core/ledger/audit.py) and serve both backends."""
    clause = re.sub(r"\buser = \?", '"user" = %s', clause)
    clause = re.sub(r"\bchannel IS \?", "channel IS NOT DISTINCT FROM %s", clause)
    return clause.replace("?", "%s")


class PgAuditLog(AuditLog):
    def __init__(self, database: PgDatabase) -> None:  # no SQLite file behind it
        self.database = database
        self.journal = PgJournal(database)  # type: ignore[assignment]

    def _insert(
        self, values: AuditValues, at: datetime, *, outcome: str, undoes: int | None
    ) -> int:
        def insert(conn: Connection[TupleRow]) -> int:
            row = conn.execute(
                'INSERT INTO audit (at, platform, "user", channel, text, command, parsed, targets,'
                " changes, outcome, detail, request_ids, delivery_id, undoes, thread, derived_from)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, '[]', %s, %s, '[]', %s, %s, %s, %s)"
                " RETURNING id",
                values,
            ).fetchone()
            entry_id = int(row[0]) if row else 0
            if outcome == RUNNING:  # its owner, in the same transaction
                conn.execute(
                    "INSERT INTO change_leases (change_id, owner, lease_until, generation)"
                    " VALUES (%s, %s, %s, 1)",
                    (entry_id, leases.this_process().key, at.timestamp() + leases.LEASE_S),
                )
            elif undoes is not None:
                conn.execute("UPDATE audit SET undone_by = %s WHERE id = %s", (entry_id, undoes))
            return entry_id

        return int(self.database.write(insert))

    def finish(
        self, entry_id: int, outcome: str, *, detail: str = "", undoes: int | None = None
    ) -> None:
        def update(conn: Connection[TupleRow]) -> None:
            closed = conn.execute(
                "UPDATE audit SET outcome = %s, detail = %s, undoes = COALESCE(%s, undoes)"
                " WHERE id = %s AND NOT EXISTS (SELECT 1 FROM change_leases l"
                " WHERE l.change_id = audit.id AND l.owner <> %s)",
                (outcome, detail, undoes, entry_id, leases.this_process().key),
            ).rowcount
            if not closed:  # another replica claimed it and closes it (fenced, like the rows)
                log.warning("change %s was taken over by another replica; left to it", entry_id)
                return
            if undoes is not None:
                conn.execute("UPDATE audit SET undone_by = %s WHERE id = %s", (entry_id, undoes))
            if outcome != RUNNING:
                conn.execute("DELETE FROM change_leases WHERE change_id = %s", (entry_id,))

        self.database.write(update)

    def claim_orphans(
        self, at: datetime, active: Collection[int]
    ) -> tuple[list[AuditEntry], list[JournalRow]]:
        """The running changes whose lease expired become this process's (generation + 1), in
        one statement that skips the leases another replica is claiming; with the open rows
        recovery may settle, read in the same transaction."""
        now, me = at.timestamp(), leases.this_process()

        def claim(conn: Connection[TupleRow]) -> tuple[list[int], list[JournalRow]]:
            claimed = conn.execute(
                "UPDATE change_leases l SET owner = %s, lease_until = %s,"
                " generation = l.generation + 1 FROM ("
                "  SELECT change_id FROM change_leases WHERE lease_until < %s"
                "  AND NOT (change_id = ANY(%s))"
                "  AND change_id IN (SELECT id FROM audit WHERE outcome = 'running')"
                # a chunked change is taken over chunk by chunk (bot/core/changes/chunks.py); recovery
                # closes it only when its chunks are done and nobody closed it
                "  AND NOT EXISTS (SELECT 1 FROM change_chunks c"
                "   WHERE c.change_id = change_leases.change_id AND c.state <> 'done')"
                # ...and a plan not all queued yet is queued on by the workers too
                "  AND NOT EXISTS (SELECT 1 FROM change_plans p"
                "   WHERE p.change_id = change_leases.change_id AND NOT p.complete)"
                "  ORDER BY change_id FOR UPDATE SKIP LOCKED"
                ") orphan WHERE l.change_id = orphan.change_id RETURNING l.change_id",
                (me.key, now + leases.LEASE_S, now, list(active)),
            ).fetchall()
            ids = sorted(int(r[0]) for r in claimed)
            if ids:
                conn.execute(
                    "UPDATE audit SET detail = %s WHERE id = ANY(%s)",
                    (f"running in process {me.key} (recovering)", ids),
                )
            return ids, open_rows(conn, ids)

        ids, rows = self.database.write(claim)
        return [e for e in map(self.head, ids) if e is not None], rows

    def renew_leases(self, change_ids: Collection[int], at: datetime) -> int:
        if not change_ids:
            return 0
        renewed = self.database.write(
            lambda conn: (
                conn.execute(
                    "UPDATE change_leases SET lease_until = %s WHERE owner = %s AND change_id = ANY(%s)",
                    (at.timestamp() + leases.LEASE_S, leases.this_process().key, list(change_ids)),
                ).rowcount
            )
        )
        return int(renewed)

    def seen_delivery(self, delivery_id: str) -> bool:
        row = self.database.read(
            lambda conn: conn.execute(
                "SELECT 1 FROM deliveries WHERE delivery_id = %s", (delivery_id,)
            ).fetchone()
        )
        return row is not None

    def last_id(self) -> int:
        """The newest entry's id (0 when there is none): what a confirmation of rooms was asked
        after (bot/core/access/context.py `confirm`)."""
        row = self.database.read(lambda conn: conn.execute("SELECT MAX(id) FROM audit").fetchone())
        return int(row[0]) if row and row[0] is not None else 0

    def retried(self, entry_id: int) -> bool:
        row = self.database.read(
            lambda conn: conn.execute(
                "SELECT 1 FROM audit WHERE derived_from = %s LIMIT 1", (entry_id,)
            ).fetchone()
        )
        return row is not None

    def purge_refused(self, before: datetime) -> int:
        deleted = self.database.write(
            lambda conn: (
                conn.execute(
                    "DELETE FROM audit WHERE outcome = 'refused' AND detail = 'unknown user'"
                    " AND at < %s AND id NOT IN (SELECT change_id FROM journal)",
                    (before.isoformat(timespec="seconds"),),
                ).rowcount
            )
        )
        return int(deleted)

    def _raw(self, clause: str, args: list[object]) -> list[AuditRow]:
        clause = _postgres(clause)

        def read(conn: Connection[TupleRow]) -> list[AuditRow]:
            cursor = conn.execute(f"SELECT * FROM audit {clause}", args)
            names = [column.name for column in cursor.description or ()]
            return [cast(AuditRow, dict(zip(names, row, strict=True))) for row in cursor.fetchall()]

        return self.database.read(read)


def open_audit_log(url: str) -> PgAuditLog:
    """The shared audit log (and journal) at BOT_DATABASE_URL, migrated."""
    return PgAuditLog(PgDatabase(url))
