"""The audit log: every change, refusal and failure, written before the reply goes out. Undo reads it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from bot.schema import migrate

OUTCOMES = ("ok", "partial", "failed", "refused", "cancelled", "preview", "expired")


def outcome_of(succeeded: int, failed: int) -> str:
    """The audit outcome of a run over several units."""
    if not failed:
        return "ok"
    return "partial" if succeeded else "failed"


@dataclass(frozen=True)
class Change:
    """One unit's before and after: what undo needs and what the log shows."""

    kind: str  # "station", "rename", "create", "delete", "alarms", ...
    unit_id: str
    unit_name: str
    property_name: str
    before: Any
    after: Any
    ok: bool = True
    error: str | None = None
    request_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "unit_id": self.unit_id,
            "unit_name": self.unit_name,
            "property": self.property_name,
            "before": self.before,
            "after": self.after,
            "ok": self.ok,
            "error": self.error,
            "request_id": self.request_id,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Change:
        return cls(
            kind=data["kind"],
            unit_id=data["unit_id"],
            unit_name=data["unit_name"],
            property_name=data["property"],
            before=data["before"],
            after=data["after"],
            ok=data["ok"],
            error=data.get("error"),
            request_id=data.get("request_id"),
        )


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    platform: str
    user: str
    channel: str | None
    text: str
    command: str
    parsed: str
    targets: list[str]
    changes: list[Change]
    outcome: str
    detail: str
    request_ids: list[str]
    undoes: int | None
    undone_by: int | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at,
            "platform": self.platform,
            "user": self.user,
            "channel": self.channel,
            "text": self.text,
            "command": self.command,
            "parsed": self.parsed,
            "targets": self.targets,
            "changes": [c.as_dict() for c in self.changes],
            "outcome": self.outcome,
            "detail": self.detail,
            "request_ids": self.request_ids,
            "undoes": self.undoes,
            "undone_by": self.undone_by,
        }


class AuditLog:
    def __init__(self, db: Database) -> None:
        self._conn = db.conn
        migrate(self._conn)

    def record(
        self,
        *,
        at: datetime,
        platform: str,
        user: str,
        channel: str | None,
        text: str,
        command: str,
        parsed: str,
        targets: list[str],
        outcome: str,
        detail: str = "",
        changes: list[Change] | None = None,
        delivery_id: str | None = None,
        undoes: int | None = None,
    ) -> int:
        changes = changes or []
        request_ids = sorted({c.request_id for c in changes if c.request_id})
        with self._conn:
            cursor = self._conn.execute(
                "INSERT INTO audit (at, platform, user, channel, text, command, parsed, targets, changes,"
                " outcome, detail, request_ids, delivery_id, undoes) VALUES"
                " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    at.isoformat(timespec="seconds"),
                    platform,
                    user,
                    channel,
                    text,
                    command,
                    parsed,
                    json.dumps(targets),
                    json.dumps([c.as_dict() for c in changes]),
                    outcome,
                    detail,
                    json.dumps(request_ids),
                    delivery_id,
                    undoes,
                ),
            )
            if undoes is not None:
                self._conn.execute(
                    "UPDATE audit SET undone_by = ? WHERE id = ?", (cursor.lastrowid, undoes)
                )
        return int(cursor.lastrowid or 0)

    def seen_delivery(self, delivery_id: str) -> bool:
        row = self._conn.execute(
            "SELECT 1 FROM audit WHERE delivery_id = ?", (delivery_id,)
        ).fetchone()
        return row is not None

    def last_undoable(self, user: str) -> AuditEntry | None:
        """The user's most recent change that applied something and has not been undone.

        An undo itself is skipped, so `undo` twice walks back two changes rather than stopping."""
        found = self._select(
            "WHERE user = ? AND outcome IN ('ok', 'partial') AND undone_by IS NULL"
            " AND command NOT IN ('ClearAlerts', 'Undo') ORDER BY id DESC LIMIT 1",
            [user],
        )
        return found[0] if found else None

    def entries(self, *, since: str | None = None, limit: int | None = None) -> list[AuditEntry]:
        where, args = ("WHERE at >= ?", [since]) if since else ("", [])
        return self._select(
            f"{where} ORDER BY id DESC" + (f" LIMIT {int(limit)}" if limit else ""), args
        )

    def _select(self, clause: str, args: list[Any]) -> list[AuditEntry]:
        cursor = self._conn.execute(f"SELECT * FROM audit {clause}", args)
        names = [column[0] for column in cursor.description]
        return [self._entry(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]

    @staticmethod
    def _entry(row: dict[str, Any]) -> AuditEntry:
        row.pop("delivery_id")
        for key in ("targets", "request_ids"):
            row[key] = json.loads(row[key])
        row["changes"] = [Change.from_dict(c) for c in json.loads(row["changes"])]
        return AuditEntry(**row)
