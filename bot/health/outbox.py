"""The digest outbox: a digest counts as sent only when the chat platform confirmed the post.

One row per property and local day in `digests_sent` (schema migration 3). It is written before the
post ('pending') and settled after: 'sent' with the platform's id of the post (Slack `ts`, Teams
activity id), or left 'pending' with the time of the next attempt. Taking an attempt moves that
time forward first, so a process killed mid-post leaves a row that comes due again by itself: the
day's digest is posted late, perhaps twice, but never lost. Attempts back off from 1 minute,
doubling, to 1 hour; a day not posted within 12 hours is given up ('failed') and logged, since a
digest that late describes the wrong day.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Final

from bot.json_types import JsonObject

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


class DigestOutbox:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def enqueue(self, property_id: str, local_date: str, channel: str, now: float) -> OutboxRow:
        """The day's row, written now if it was not there (a row already there is kept as is)."""
        with self._conn:
            self._conn.execute(
                "insert or ignore into digests_sent (property_id, local_date, channel, state,"
                " summary, attempts, next_attempt_at, created_at) values (?, ?, ?, ?, '{}', 0, ?, ?)",
                (property_id, local_date, channel, PENDING, now, now),
            )
        row = self.get(property_id, local_date)
        assert row is not None
        return row

    def get(self, property_id: str, local_date: str) -> OutboxRow | None:
        found = self._conn.execute(
            f"select {_COLUMNS} from digests_sent where property_id = ? and local_date = ?",
            (property_id, local_date),
        ).fetchone()
        return None if found is None else OutboxRow(*found)

    def take_attempt(self, row: OutboxRow, now: float) -> int | None:
        """Claim the next attempt of a due row; its number, or None when it is not due (another
        process holds it, or it waits to retry). The next attempt time moves forward first."""
        attempt = row.attempts + 1
        with self._conn:
            cursor = self._conn.execute(
                "update digests_sent set attempts = ?, next_attempt_at = ? where property_id = ?"
                " and local_date = ? and state = ? and attempts = ?"
                " and coalesce(next_attempt_at, 0) <= ?",
                (attempt, now + retry_delay(attempt), row.property_id, row.local_date, PENDING,
                 row.attempts, now),
            )  # fmt: skip
        return attempt if cursor.rowcount == 1 else None

    def settle_sent(self, row: OutboxRow, message_id: str, now: float, summary: JsonObject) -> None:
        with self._conn:
            self._conn.execute(
                "update digests_sent set state = ?, message_id = ?, sent_at = ?, summary = ?,"
                " last_error = null where property_id = ? and local_date = ?",
                (SENT, message_id, now, json.dumps(summary, sort_keys=True), row.property_id,
                 row.local_date),
            )  # fmt: skip

    def settle_failed(self, row: OutboxRow, error: str, now: float) -> bool:
        """Record a failed attempt; True when the day is given up, else it stays due later."""
        gave_up = now - (row.created_at or now) >= GIVE_UP_AFTER_S
        with self._conn:
            self._conn.execute(
                "update digests_sent set last_error = ?, state = ? where property_id = ?"
                " and local_date = ? and state = ?",
                (error[:500], FAILED if gave_up else PENDING, row.property_id, row.local_date,
                 PENDING),
            )  # fmt: skip
        return gave_up

    def due(self, now: float) -> list[OutboxRow]:
        """Pending rows whose next attempt time has come, oldest first."""
        rows = self._conn.execute(
            f"select {_COLUMNS} from digests_sent where state = ?"
            " and coalesce(next_attempt_at, 0) <= ? order by created_at, property_id",
            (PENDING, now),
        ).fetchall()
        return [OutboxRow(*r) for r in rows]
