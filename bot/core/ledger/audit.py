"""The audit log: every change, refusal and failure, written before the reply goes out. Undo reads it.

An entry is one request (who, where, what was typed, the outcome); its per-unit changes live in the
change journal (bot/core/ledger/journal.py), where each write is recorded before it is sent. A change that
is still running has the outcome "running" until its last write is settled.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import NotRequired, TypedDict, cast

from sqlite_utils import Database

from bot.core.ledger import leases
from bot.core.ledger.journal import (
    APPLIED,
    DONE_STATES,
    FAILED,
    UNCHANGED,
    Author,
    Counts,
    JournalRow,
    Planned,
    SqliteJournal,
)
from bot.json_types import JsonData
from bot.schema import migrate

OUTCOMES = (
    "ok", "partial", "failed", "refused", "cancelled", "preview", "expired", "running", "unchanged",
)  # fmt: skip
# A change whose every unit already had the value: nothing was sent, nothing to undo.
UNCHANGED_OUTCOME = "unchanged"
RUNNING = "running"


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
    before: JsonData
    after: JsonData
    ok: bool = True
    error: str | None = None
    request_id: str | None = None
    state: str = ""  # the journal state (applied, unchanged, refused, failed, unknown, ...)
    journal_id: int | None = None

    def __post_init__(self) -> None:
        # `ok` wins over a state copied by dataclasses.replace(change, ok=False)
        if not self.ok and self.state in DONE_STATES:
            object.__setattr__(self, "state", FAILED)
        if not self.state:
            settled = (UNCHANGED if self.before == self.after else APPLIED) if self.ok else FAILED
            object.__setattr__(self, "state", settled)

    @classmethod
    def of_row(cls, row: JournalRow) -> Change:
        return cls(
            row.kind, row.unit_id, row.unit_name, row.property_name, row.before, row.after,
            ok=row.ok, error=row.error, request_id=row.request_id, state=row.state,
            journal_id=row.id,
        )  # fmt: skip

    def as_dict(self) -> ChangeJson:
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
            "state": self.state,
        }

    @classmethod
    def from_dict(cls, data: ChangeJson) -> Change:
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
            state=data.get("state", ""),
        )


class ChangeJson(TypedDict):
    """One change in `bot audit --json` (the public shape; add to it, never rename)."""

    kind: str
    unit_id: str
    unit_name: str
    property: str
    before: JsonData
    after: JsonData
    ok: bool
    error: NotRequired[str | None]
    request_id: NotRequired[str | None]
    state: NotRequired[str]


class AuditRow(TypedDict):
    """A row of table `audit` (bot/schema.py), JSON columns still text."""

    id: int
    at: str
    platform: str
    user: str
    channel: str | None
    text: str
    command: str
    parsed: str
    targets: str
    changes: str
    outcome: str
    detail: str
    request_ids: str
    delivery_id: str | None
    undoes: int | None
    undone_by: int | None
    thread: str | None
    derived_from: int | None


class AuditJson(TypedDict):
    """One entry of `bot audit --json` (the public shape; add to it, never rename)."""

    id: int
    at: str
    platform: str
    user: str
    channel: str | None
    text: str
    command: str
    parsed: str
    targets: list[str]
    changes: list[ChangeJson]
    outcome: str
    detail: str
    request_ids: list[str]
    undoes: int | None
    undone_by: int | None
    derived_from: int | None


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
    thread: str | None = None
    derived_from: int | None = None  # the change a `retry failed` re-ran

    @property
    def finished(self) -> bool:
        return self.outcome != RUNNING

    def as_json(self) -> AuditJson:
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
            "derived_from": self.derived_from,
        }


@dataclass(frozen=True)
class Headline:
    """An audit entry as `recent changes` lists it: the entry without its changes (a large
    change's million rows are never read), how many writes changed something and how many found
    it already so, and the properties it wrote to (what a user limited to some may see)."""

    entry: AuditEntry  # its `changes` are not read (empty)
    changed: int
    unchanged: int
    properties: tuple[str, ...]


# Writes that count as "written since" (what a later change may have put there)
_WROTE = ("applied", "unchanged", "pending", "unknown")
_IN_LIST = 500  # ids per IN (...) list (SQLite's limit on a statement's variables is far above)


# at, platform, user, channel, text, command, parsed, targets, outcome, detail, delivery_id,
# undoes, thread, derived_from: an entry's columns as both backends insert them
AuditValues = tuple[
    str,
    str,
    str,
    str | None,
    str,
    str,
    str,
    str,
    str,
    str,
    str | None,
    int | None,
    str | None,
    int | None,
]


class AuditLog:
    def __init__(self, db: Database, journal: SqliteJournal | None = None) -> None:
        self._conn = db.conn
        migrate(self._conn)
        self.journal = journal or SqliteJournal(self._conn)

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
        thread: str | None = None,
        derived_from: int | None = None,
    ) -> int:
        """One finished entry (or, with outcome "running", a change whose writes follow in the
        journal). `changes` already settled are written to the journal with it."""

        values = (
            at.isoformat(timespec="seconds"), platform, user, channel, text, command, parsed,
            json.dumps(targets), outcome, detail, delivery_id, undoes, thread, derived_from,
        )  # fmt: skip
        entry_id = self._insert(values, at, outcome=outcome, undoes=undoes)
        if changes:
            self._journal_settled(entry_id, Author(platform, user, channel, command), changes, at)
        return entry_id

    def _insert(
        self, values: AuditValues, at: datetime, *, outcome: str, undoes: int | None
    ) -> int:
        """The entry's row (and, running, its lease) in one transaction; its id."""

        def insert(conn: sqlite3.Connection) -> int:
            cursor = conn.execute(
                "INSERT INTO audit (at, platform, user, channel, text, command, parsed, targets, changes,"
                " outcome, detail, request_ids, delivery_id, undoes, thread, derived_from) VALUES"
                " (?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, '[]', ?, ?, ?, ?)",
                values,
            )
            entry_id = int(cursor.lastrowid or 0)
            if outcome == RUNNING:  # its owner, in the same transaction (bot/core/ledger/leases.py)
                leases.open_lease(conn, entry_id, at)
            if undoes is not None and outcome != RUNNING:
                conn.execute("UPDATE audit SET undone_by = ? WHERE id = ?", (entry_id, undoes))
            return entry_id

        return int(self.journal.write(insert))

    def _journal_settled(
        self, entry_id: int, author: Author, changes: list[Change], at: datetime
    ) -> None:
        planned = [
            Planned(c.unit_id, c.unit_name, c.property_name, c.kind, c.after, c.before, True)
            for c in changes
        ]
        for row, change in zip(
            self.journal.queue(entry_id, author, planned, at), changes, strict=True
        ):
            self.journal.settle(
                row, change.state, at, error=change.error, request_id=change.request_id
            )

    def finish(
        self, entry_id: int, outcome: str, *, detail: str = "", undoes: int | None = None
    ) -> None:
        """Close a running change with its outcome (and mark what it undid)."""

        def update(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE audit SET outcome = ?, detail = ?, undoes = COALESCE(?, undoes) WHERE id = ?",
                (outcome, detail, undoes, entry_id),
            )
            if undoes is not None:
                conn.execute("UPDATE audit SET undone_by = ? WHERE id = ?", (entry_id, undoes))
            if outcome != RUNNING:
                leases.close_lease(conn, entry_id)

        self.journal.write(update)

    def claim_orphans(
        self, at: datetime, active: Collection[int]
    ) -> tuple[list[AuditEntry], list[JournalRow]]:
        """For crash recovery, in ONE transaction: the running changes nobody runs any more
        (their leases now ours) and the open journal rows recovery may settle (theirs, and those
        of finished changes). A change opened by another process meanwhile is wholly visible
        with its live owner, or not at all."""

        def claim(conn: sqlite3.Connection) -> tuple[list[AuditEntry], list[JournalRow]]:
            if not conn.in_transaction:
                conn.execute("BEGIN IMMEDIATE")  # the reads too: SELECTs alone begin nothing
            claimed = [c.change_id for c in leases.claim_orphans(conn, at, active)]
            rows = self.journal.open_rows(running=claimed)
            return [e for e in map(self.head, claimed) if e is not None], rows

        found: tuple[list[AuditEntry], list[JournalRow]] = self.journal.write(claim)
        return found

    def renew_leases(self, change_ids: Collection[int], at: datetime) -> int:
        """Push on this process's leases of its running changes (see bot/core/ledger/leases.py)."""
        return int(self.journal.write(lambda conn: leases.renew(conn, change_ids, at)))

    def seen_delivery(self, delivery_id: str) -> bool:
        row = self._conn.execute(
            "SELECT 1 FROM deliveries WHERE delivery_id = ?", (delivery_id,)
        ).fetchone()
        return row is not None

    def get(self, entry_id: int) -> AuditEntry | None:
        found = self._select("WHERE id = ?", [entry_id])
        return found[0] if found else None

    def head(self, entry_id: int) -> AuditEntry | None:
        """The entry without its changes (who, where, what, outcome): never a large change's rows."""
        found = self._raw("WHERE id = ?", [entry_id])
        return self._entry(found[0], []) if found else None

    def headlines(self, limit: int) -> list[Headline]:
        """The last `limit` entries as `recent changes` shows them, newest first: their writes
        counted in SQL (a change of a million rooms adds up its chunks), never read row by row."""
        rows = self._raw(f"ORDER BY id DESC LIMIT {int(limit)}", [])
        ids = [row["id"] for row in rows]
        counts = self.journal.counts(ids)
        places = self.journal.properties(ids)
        found = []
        for row in rows:
            entry = self._entry(row, [])
            counted = counts.get(entry.id, Counts({}))
            if not counted.total and entry.changes:  # written before the journal existed
                unchanged = sum(1 for ch in entry.changes if ch.state == UNCHANGED)
                names = tuple(sorted({ch.property_name for ch in entry.changes}))
                found.append(Headline(entry, len(entry.changes) - unchanged, unchanged, names))
                continue
            found.append(
                Headline(
                    entry,
                    counted.total - counted.unchanged,
                    counted.unchanged,
                    places.get(entry.id, ()),
                )
            )
        return found

    def running(self) -> list[AuditEntry]:
        return self._select("WHERE outcome = ? ORDER BY id", [RUNNING])

    def last_undoable(
        self,
        user: str,
        channel: str | None = None,
        *,
        anywhere: bool = True,
        before: int | None = None,
    ) -> AuditEntry | None:
        """The user's most recent finished change that applied something and has not been undone,
        in this conversation (or, with `anywhere`, in any when there is none here); with `before`,
        only changes made before that change id (the change before a named one).

        An undo itself is skipped, so `undo` twice walks back two changes rather than stopping."""
        below = "AND id < ?" if before is not None else ""
        extra = [before] if before is not None else []
        clause = (
            "WHERE user = ? AND {where} outcome IN ('ok', 'partial') AND undone_by IS NULL"
            f" AND command NOT IN ('ClearAlerts', 'Undo') {below} ORDER BY id DESC LIMIT 1"
        )
        found = self._select(clause.format(where="channel IS ? AND"), [user, channel, *extra])
        if not found and anywhere:
            found = self._select(clause.format(where=""), [user, *extra])
        return found[0] if found else None

    def last_write(self, user: str, channel: str | None) -> AuditEntry | None:
        """The user's most recent finished change in this conversation that sent writes (an undo
        and a retry included): what a bare `undo` must look at first, so that an interrupted undo
        is finished before anything earlier is touched."""
        found = self._select(
            "WHERE user = ? AND channel IS ? AND outcome NOT IN ('running', 'refused',"
            " 'cancelled', 'preview', 'expired') AND command NOT IN ('Preview')"
            " AND id IN (SELECT change_id FROM journal) ORDER BY id DESC LIMIT 1",
            [user, channel],
        )
        return found[0] if found else None

    def undos_of(self, entry_id: int) -> list[AuditEntry]:
        """The undos started on this change (finished or not, whatever they put back)."""
        return self._select(
            "WHERE undoes = ? AND command = 'Undo' AND outcome != 'cancelled' ORDER BY id",
            [entry_id],
        )

    def rerun_of(self, entry_id: int) -> AuditEntry | None:
        """The latest run that re-ran this change's unfinished writes (a retry, a finished undo)."""
        found = self._select("WHERE derived_from = ? ORDER BY id DESC LIMIT 1", [entry_id])
        return found[0] if found else None

    def later_writes(self, entry_id: int, unit_ids: list[str]) -> list[AuditEntry]:
        """Changes made after this one that wrote (or may have written) to any of these units,
        apart from this change's own retries and undos: they supersede its values there."""
        ids = sorted(self._writers_since(entry_id, unit_ids, ()))
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        return self._select(
            f"WHERE id IN ({marks}) AND COALESCE(derived_from, 0) != ?"
            " AND COALESCE(undoes, 0) != ? ORDER BY id",
            [*ids, entry_id, entry_id],
        )

    def _writers_since(
        self, mark: int, unit_ids: Collection[str], property_names: Collection[str]
    ) -> dict[int, dict[str, str]]:
        """The changes after entry `mark` that wrote (or may have written) to these units, or
        to any unit of these properties: change id -> {unit id: unit name}. Read from the journal
        rows after the mark only (its index by change), never the whole journal."""
        found: dict[int, dict[str, str]] = {}
        states = ", ".join("?" * len(_WROTE))
        ids = list(dict.fromkeys(unit_ids))
        lists: list[tuple[str, list[object]]] = [
            (f"unit_id IN ({', '.join('?' * len(part))})", list(part))
            for part in (ids[n : n + _IN_LIST] for n in range(0, len(ids), _IN_LIST))
        ]
        if property_names:
            names = list(property_names)
            lists.append((f"property_name IN ({', '.join('?' * len(names))})", list(names)))
        for where, args in lists:
            for change_id, unit_id, unit_name in self.journal.query(
                "SELECT change_id, unit_id, unit_name FROM journal WHERE change_id > ?"
                f" AND state IN ({states}) AND {where}",
                [mark, *_WROTE, *args],
            ):
                found.setdefault(int(str(change_id)), {})[str(unit_id)] = str(unit_name)
        return found

    def last_id(self) -> int:
        """The newest entry's id (0 when there is none): a mark to ask what was written since."""
        row = self._conn.execute("SELECT MAX(id) FROM audit").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def applied_to(self, unit_id: str, change_ids: Collection[int]) -> set[int]:
        """Which of these changes applied a write to the unit (`who changed 204`)."""
        found: set[int] = set()
        ids = list(change_ids)
        for part in (ids[n : n + _IN_LIST] for n in range(0, len(ids), _IN_LIST)):
            found.update(
                int(str(row[0]))
                for row in self.journal.query(
                    "SELECT DISTINCT change_id FROM journal WHERE unit_id = ? AND state = ?"
                    f" AND change_id IN ({', '.join('?' * len(part))})",
                    [unit_id, APPLIED, *part],
                )
            )
        return found

    def writes_since(
        self,
        mark: int,
        unit_ids: Collection[str],
        property_names: Collection[str] = (),
    ) -> list[tuple[AuditEntry, dict[str, str]]]:
        """Changes after entry `mark` that wrote (or may have written) to any of these units (or
        to a unit of these properties), oldest first, each with the units it wrote ({id: name};
        its changes are not read)."""
        if not unit_ids and not property_names:
            return []
        writers = self._writers_since(mark, unit_ids, property_names)
        entries = (self.head(change_id) for change_id in sorted(writers))
        return [(entry, writers[entry.id]) for entry in entries if entry is not None]

    def last_own_change(self, user: str, channel: str | None) -> AuditEntry | None:
        """The user's most recent finished change in this conversation, undoable or not (a
        clearing of alerts, a change that found everything as asked), an undo aside."""
        found = self._select(
            "WHERE user = ? AND channel IS ? AND outcome IN ('ok', 'partial', 'unchanged')"
            " AND undone_by IS NULL AND command NOT IN ('Undo', 'Preview')"
            " AND id IN (SELECT change_id FROM journal) ORDER BY id DESC LIMIT 1",
            [user, channel],
        )
        return found[0] if found else None

    def last_with_failures(self, user: str, channel: str | None) -> AuditEntry | None:
        """The user's latest finished change in this conversation with writes not applied."""
        found = self._select(
            "WHERE user = ? AND channel IS ? AND outcome IN ('partial', 'failed')"
            " AND command IN ('SetStation', 'ClearAlerts', 'Undo')"
            " AND id IN (SELECT change_id FROM journal WHERE state IN"
            " ('failed', 'refused', 'unknown', 'queued', 'pending'))"
            " ORDER BY id DESC LIMIT 1",
            [user, channel],
        )
        return found[0] if found else None

    def purge_refused(self, before: datetime) -> int:
        """Delete the refused messages of unknown users logged before `before` (retention)."""

        def delete(conn: sqlite3.Connection) -> int:
            cursor = conn.execute(
                "DELETE FROM audit WHERE outcome = 'refused' AND detail = 'unknown user'"
                " AND at < ? AND id NOT IN (SELECT change_id FROM journal)",
                (before.isoformat(timespec="seconds"),),
            )
            return int(cursor.rowcount)

        return int(self.journal.write(delete))

    def retried(self, entry_id: int) -> bool:
        """Whether a `retry failed` already re-ran this change."""
        row = self._conn.execute(
            "SELECT 1 FROM audit WHERE derived_from = ? LIMIT 1", (entry_id,)
        ).fetchone()
        return row is not None

    def entries(self, *, since: str | None = None, limit: int | None = None) -> list[AuditEntry]:
        args: list[object] = [since] if since else []
        where = "WHERE at >= ?" if since else ""
        return self._select(
            f"{where} ORDER BY id DESC" + (f" LIMIT {int(limit)}" if limit else ""), args
        )

    def _select(self, clause: str, args: list[object]) -> list[AuditEntry]:
        rows = self._raw(clause, args)
        journaled = self.journal.rows_of([row["id"] for row in rows])
        return [self._entry(row, journaled.get(row["id"], [])) for row in rows]

    def _raw(self, clause: str, args: list[object]) -> list[AuditRow]:
        """The audit rows `clause` selects, their changes not read."""
        cursor = self._conn.execute(f"SELECT * FROM audit {clause}", args)
        names = [column[0] for column in cursor.description]
        return [cast(AuditRow, dict(zip(names, row, strict=True))) for row in cursor.fetchall()]

    @staticmethod
    def _entry(columns: Mapping[str, object], journaled: list[JournalRow]) -> AuditEntry:
        row = cast(AuditRow, columns)  # the columns of table audit, by name
        if journaled:
            changes = [Change.of_row(r) for r in journaled]
            request_ids = sorted({r.request_id for r in journaled if r.request_id})
        else:  # entries written before the journal existed
            saved: list[ChangeJson] = json.loads(row["changes"])
            changes = [Change.from_dict(c) for c in saved]
            request_ids = json.loads(row["request_ids"])
        return AuditEntry(
            id=row["id"], at=row["at"], platform=row["platform"], user=row["user"],
            channel=row["channel"], text=row["text"], command=row["command"],
            parsed=row["parsed"], targets=json.loads(row["targets"]), changes=changes,
            outcome=row["outcome"], detail=row["detail"], request_ids=request_ids,
            undoes=row["undoes"], undone_by=row["undone_by"], thread=row["thread"],
            derived_from=row["derived_from"],
        )  # fmt: skip


def changes_count(headline: Headline) -> str:
    """The "Changes" of `recent changes`: units changed, and apart those already as asked."""
    changed, same = headline.changed, headline.unchanged
    return f"{changed} ({same} unchanged)" if same else str(changed)


def outcome_of_counts(counts: Counts) -> str:
    """The audit outcome of a change from its counts (a large change, never read row by row)."""
    if counts.total and counts.unchanged == counts.total:
        return UNCHANGED_OUTCOME
    return outcome_of(counts.ok, counts.total - counts.ok)


def outcome_of_rows(rows: list[JournalRow]) -> str:
    """The audit outcome of a change from its settled journal rows."""
    ok = sum(1 for r in rows if r.state in DONE_STATES)
    if rows and all(r.state == UNCHANGED for r in rows):
        return UNCHANGED_OUTCOME
    return outcome_of(ok, len(rows) - ok)
