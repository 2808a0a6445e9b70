"""The digest outbox: a digest counts as sent only when the chat platform confirmed the post.

One row per property and local day in `digests_sent` (schema migration 3). It is written before the
post ('pending') and settled after: 'sent' with the platform's id of the post (Slack `ts`, Teams
activity id), or left 'pending' with the time of the next attempt. Taking an attempt moves that
time forward first, so a process killed mid-post leaves a row that comes due again by itself: the
day's digest is posted late, perhaps twice, but never lost. Attempts back off from 1 minute,
doubling, to 1 hour; a day not posted within 12 hours is given up ('failed') and logged, since a
digest that late describes the wrong day.

The rows live where the replicas share them (bot/sql.py: the SQLite file, or PostgreSQL with
BOT_DATABASE_URL): a slot is claimed by one conditional UPDATE (`attempts` as it was read), so of
two replicas firing the same slot, or a new leader after a failover, one posts it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from bot.json_types import JsonObject, as_object
from bot.sql import (
    Row,
    Sql,
    SqliteSql,
    execute,
    integer,
    optional_number,
    optional_text,
    query,
    text,
)

FIRST_RETRY_S: Final = 60.0
MAX_RETRY_S: Final = 3600.0
GIVE_UP_AFTER_S: Final = 12 * 3600.0

PENDING: Final = "pending"
SENT: Final = "sent"
FAILED: Final = "failed"


def retry_delay(attempt: int) -> float:
    """Seconds to wait after attempt number `attempt` (1, 2, …) before the next one."""
    return float(min(MAX_RETRY_S, FIRST_RETRY_S * 2 ** max(0, attempt - 1)))


@dataclass(frozen=True)
class OutboxRow:
    property_id: str
    local_date: str
    channel: str
    state: str
    attempts: int
    next_attempt_at: float | None
    created_at: float | None
    message_id: str | None
    last_error: str | None


_COLUMNS: Final = (
    "property_id, local_date, channel, state, attempts, next_attempt_at, created_at, message_id,"
    " last_error"
)


def _row(r: Row) -> OutboxRow:
    return OutboxRow(
        text(r[0]), text(r[1]), text(r[2]), text(r[3]), integer(r[4]), optional_number(r[5]),
        optional_number(r[6]), optional_text(r[7]), optional_text(r[8]),
    )  # fmt: skip


class DigestOutbox:
    def __init__(self, sql: Sql | sqlite3.Connection) -> None:
        self.sql: Sql = SqliteSql(sql) if isinstance(sql, sqlite3.Connection) else sql

    def _execute(self, statement: str, args: Sequence[object]) -> int:
        return execute(self.sql, statement, args)

    def enqueue(self, property_id: str, local_date: str, channel: str, now: float) -> OutboxRow:
        """The day's row, written now if it was not there (a row already there is kept as is)."""
        self._execute(
            "INSERT INTO digests_sent (property_id, local_date, channel, state, summary, attempts,"
            " next_attempt_at, created_at) VALUES (?, ?, ?, ?, '{}', 0, ?, ?)"
            " ON CONFLICT (property_id, local_date) DO NOTHING",
            (property_id, local_date, channel, PENDING, now, now),
        )
        row = self.get(property_id, local_date)
        assert row is not None
        return row

    def get(self, property_id: str, local_date: str) -> OutboxRow | None:
        found = query(
            self.sql,
            f"SELECT {_COLUMNS} FROM digests_sent WHERE property_id = ? AND local_date = ?",
            (property_id, local_date),
        )
        return _row(found[0]) if found else None

    def record(self, property_id: str, local_date: str) -> JsonObject | None:
        """The day's row as `bot digest` and the due check read it (None: nothing was tried)."""
        found = query(
            self.sql,
            "SELECT sent_at, channel, state, summary FROM digests_sent"
            " WHERE property_id = ? AND local_date = ?",
            (property_id, local_date),
        )
        if not found:
            return None
        sent_at, channel, state, summary = found[0]
        return {
            "sent_at": optional_number(sent_at),
            "channel": optional_text(channel),
            "state": optional_text(state),
            "summary": as_object(json.loads(text(summary) or "{}")),
        }

    def digest_record(self, property_id: str, local_date: str) -> JsonObject | None:
        return self.record(property_id, local_date)  # the HealthStore's name, for `due_date`

    def last_sent_at(self, property_id: str, before: float) -> float | None:
        """When the property's last digest before `before` was posted (the window's start)."""
        found = query(
            self.sql,
            "SELECT max(sent_at) FROM digests_sent WHERE property_id = ? AND state = ?"
            " AND sent_at < ?",
            (property_id, SENT, before),
        )
        return optional_number(found[0][0]) if found else None

    def take_attempt(self, row: OutboxRow, now: float) -> int | None:
        """Claim the next attempt of a due row; its number, or None when it is not due (another
        process or replica holds it, or it waits to retry). The next attempt time moves forward
        first."""
        attempt = row.attempts + 1
        taken = self._execute(
            "UPDATE digests_sent SET attempts = ?, next_attempt_at = ? WHERE property_id = ?"
            " AND local_date = ? AND state = ? AND attempts = ?"
            " AND coalesce(next_attempt_at, 0) <= ?",
            (attempt, now + retry_delay(attempt), row.property_id, row.local_date, PENDING,
             row.attempts, now),
        )  # fmt: skip
        return attempt if taken == 1 else None

    def settle_sent(self, row: OutboxRow, message_id: str, now: float, summary: JsonObject) -> None:
        self._execute(
            "UPDATE digests_sent SET state = ?, message_id = ?, sent_at = ?, summary = ?,"
            " last_error = NULL WHERE property_id = ? AND local_date = ?",
            (SENT, message_id, now, json.dumps(summary, sort_keys=True), row.property_id,
             row.local_date),
        )  # fmt: skip

    def settle_failed(self, row: OutboxRow, error: str, now: float) -> bool:
        """Record a failed attempt; True when the day is given up, else it stays due later."""
        gave_up = now - (row.created_at or now) >= GIVE_UP_AFTER_S
        self._execute(
            "UPDATE digests_sent SET last_error = ?, state = ? WHERE property_id = ?"
            " AND local_date = ? AND state = ?",
            (error[:500], FAILED if gave_up else PENDING, row.property_id, row.local_date,
             PENDING),
        )  # fmt: skip
        return gave_up

    def due(self, now: float) -> list[OutboxRow]:
        """Pending rows whose next attempt time has come, oldest first."""
        rows = query(
            self.sql,
            f"SELECT {_COLUMNS} FROM digests_sent WHERE state = ?"
            " AND coalesce(next_attempt_at, 0) <= ? ORDER BY created_at, property_id",
            (PENDING, now),
        )
        return [_row(r) for r in rows]
