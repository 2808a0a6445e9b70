"""The device tables, in the same SQLite file as the hierarchy index (sqlite-utils, raw SQL on hot
paths). Times are stored as epoch seconds (REAL) so range queries and arithmetic stay cheap.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

from bot.health.timeline import History
from bot.json_types import JsonObject, JsonValue
from bot.schema import migrate

DEVICE_COLUMNS = (
    "arn",
    "serial",
    "name",
    "type",
    "status",
    "connection",
    "room_name_a4b",
    "property_id",
    "room_id",
    "room_name",
    "last_changed",
    "refreshed_at",
    "status_since",
    "registered_at",
    "endpoint_id",
    "placed_by",
)

READY = "READY"
# refreshed_at of a device whose events are still to be fetched (the next refresh fetches them)
EVENTS_PENDING = 0.0


@dataclass(frozen=True)
class DeviceRow:
    arn: str
    serial: str
    name: str
    type: str
    status: str
    connection: str
    room_name_a4b: str | None
    property_id: str | None
    room_id: str | None
    room_name: str | None
    last_changed: float
    refreshed_at: float
    # when the device status (READY, FAILED, ...) began; None: before the 30 days of history
    status_since: float | None = None
    # when the device began to exist (registration or first sign of life); None: unknown
    registered_at: float | None = None
    endpoint_id: str | None = None  # its ASP endpoint, when the serial map knows it
    placed_by: str | None = None  # "serial" (Endpoints API) or "name" (A4B room name convention)

    @property
    def placed(self) -> bool:
        return self.room_id is not None

    @property
    def history_incomplete(self) -> bool:
        """Its events are still to be fetched (Amazon failed or throttled): its "since" and
        uptime are not known, and must not be guessed."""
        return self.refreshed_at == EVENTS_PENDING

    @property
    def ready(self) -> bool:
        """Whether the device status is READY (an unknown status is not reported as a problem)."""
        return self.status in (READY, "")

    @property
    def needs_attention(self) -> bool:
        """Offline, or online but FAILED, DEREGISTERED or another non-ready status."""
        return self.connection == "OFFLINE" or not self.ready

    @property
    def where(self) -> str:
        """The room for people: the ASP room name, else the A4B room name marked unplaced."""
        if self.room_id is not None and self.room_name:
            return self.room_name
        return f"unplaced ({self.room_name_a4b or 'no A4B room'})"


@dataclass(frozen=True)
class EndpointLink:
    """What the Endpoints API said about one serial: its endpoint and unit (None: not found)."""

    serial: str
    endpoint_id: str | None
    unit_id: str | None
    friendly_name: str | None
    room_name_a4b: str | None  # the A4B room name when looked up: a change means "look again"
    looked_up_at: float


@dataclass(frozen=True)
class Reachability:
    """ASP's connectivity of one endpoint: OK or UNREACHABLE, sampled when ASP says."""

    endpoint_id: str
    value: str
    sampled_at: float | None
    checked_at: float


def ts(when: datetime) -> float:
    return when.timestamp()


def dt(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


# Rows written per transaction by a refresh (issue 18: 1M devices held the write lock 13-15 s).
WRITE_BATCH = 5000


class HealthStore:
    """Devices, their connection events and the record of digests sent."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.ensure_schema()

    @classmethod
    def open(cls, path: str) -> HealthStore:
        return cls(sqlite_utils.Database(path))

    def ensure_schema(self) -> None:
        """Create the tables and indexes if missing (safe to run on every start)."""
        migrate(self.db.conn)

    # -- devices ---------------------------------------------------------------------------------
    def devices(self, property_id: str | None = None) -> list[DeviceRow]:
        sql = f"select {', '.join(DEVICE_COLUMNS)} from devices"
        args: tuple[object, ...] = ()
        if property_id is not None:
            sql += " where property_id = ?"
            args = (property_id,)
        return [DeviceRow(*row) for row in self.db.execute(sql + " order by arn", args)]

    def _in_batches(self, sql: str, rows: Iterable[tuple[object, ...]]) -> int:
        """`executemany` in transactions of at most WRITE_BATCH rows, so a refresh of a large
        chain never holds the write lock for seconds (other writers, the journal first, wait
        for one batch at most); returns the rows changed."""
        changed = 0
        batch: list[tuple[object, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= WRITE_BATCH:
                changed += self._write_batch(sql, batch)
                batch = []
        if batch:
            changed += self._write_batch(sql, batch)
        return changed

    def _write_batch(self, sql: str, batch: list[tuple[object, ...]]) -> int:
        with self.db.conn:
            before = self.db.conn.total_changes
            self.db.conn.executemany(sql, batch)
            return int(self.db.conn.total_changes - before)

    def upsert_devices(self, rows: Iterable[DeviceRow]) -> None:
        marks = ", ".join("?" for _ in DEVICE_COLUMNS)
        self._in_batches(
            f"insert or replace into devices ({', '.join(DEVICE_COLUMNS)}) values ({marks})",
            (tuple(getattr(r, c) for c in DEVICE_COLUMNS) for r in rows),
        )

    def delete_devices(self, arns: Iterable[str]) -> None:
        self._in_batches("delete from devices where arn = ?", ((a,) for a in arns))

    # -- events ----------------------------------------------------------------------------------
    def add_events(self, rows: Iterable[tuple[str, str, str, float]]) -> int:
        """Insert (arn, type, value, ts) rows, skipping stored ones; returns how many were new."""
        return self._in_batches(
            "insert or ignore into device_events (arn, type, value, ts) values (?, ?, ?, ?)", rows
        )

    def latest_event_ts(self) -> dict[str, float]:
        rows = self.db.execute("select arn, max(ts) from device_events group by arn")
        return {arn: float(latest) for arn, latest in rows}

    def connection_events(
        self,
        since: float | None = None,
        arns: Sequence[str] | None = None,
        property_id: str | None = None,
    ) -> dict[str, list[tuple[float, str]]]:
        """CONNECTION_STATUS events per device (of a property, or these ARNs), oldest first."""
        sql = "select arn, ts, value from device_events where type = 'CONNECTION_STATUS'"
        args: list[JsonValue] = []
        if since is not None:
            sql += " and ts >= ?"
            args.append(since)
        if arns is not None:
            sql += f" and arn in ({', '.join('?' for _ in arns)})"
            args.extend(arns)
        if property_id is not None:
            sql += " and arn in (select arn from devices where property_id = ?)"
            args.append(property_id)
        out: dict[str, list[tuple[float, str]]] = defaultdict(list)
        for arn, when, value in self.db.execute(sql + " order by arn, ts", args):
            out[arn].append((when, value))
        return out

    def histories(
        self, devices: Sequence[DeviceRow], since: float | None = None
    ) -> dict[str, History]:
        """Each device's history. When the events lag its current status, the change is placed at
        `last_changed` (when a refresh first saw it) so the timeline ends in the right state."""
        wanted = None if len(devices) > 500 else [d.arn for d in devices]
        owners = {d.property_id for d in devices}
        # a whole property is read by its id rather than by a long list of ARNs
        one_property = owners.pop() if wanted is None and len(owners) == 1 else None
        events = self.connection_events(since, wanted, one_property)
        out: dict[str, History] = {}
        for device in devices:
            own = events.get(device.arn, [])
            lagging = device.connection in ("ONLINE", "OFFLINE") and (
                not own or own[-1][1] != device.connection
            )
            if lagging and (own or since is None or device.last_changed >= since):
                seen_at = max(device.last_changed, own[-1][0]) if own else device.last_changed
                own = [*own, (seen_at, device.connection)]
            out[device.arn] = History(own, device.connection, device.registered_at)
        return out

    def first_events(self, arns: Sequence[str] | None = None) -> dict[str, tuple[float, str, str]]:
        """Each device's oldest stored event: arn -> (ts, type, value)."""
        sql = "select arn, min(ts), type, value from device_events"
        args: list[JsonValue] = []
        if arns is not None:
            if not arns:
                return {}
            sql += f" where arn in ({', '.join('?' for _ in arns)})"
            args.extend(arns)
        # SQLite returns the other columns of the row that holds min(ts)
        return {
            arn: (float(when), kind, value)
            for arn, when, kind, value in self.db.execute(sql + " group by arn", args)
        }

    def latest_status_events(self, arns: Sequence[str]) -> dict[str, tuple[float, str]]:
        """Each device's newest DEVICE_STATUS event: arn -> (ts, value)."""
        if not arns:
            return {}
        marks = ", ".join("?" for _ in arns)
        rows = self.db.execute(
            "select arn, max(ts), value from device_events where type = 'DEVICE_STATUS' "
            f"and arn in ({marks}) group by arn",
            list(arns),
        )
        return {arn: (float(when), value) for arn, when, value in rows}

    # -- the serial -> endpoint -> unit map (ASP Endpoints API) -----------------------------------
    def endpoint_map(self) -> dict[str, EndpointLink]:
        rows = self.db.execute(
            "select serial, endpoint_id, unit_id, friendly_name, room_name_a4b, looked_up_at "
            "from device_endpoints"
        )
        return {row[0]: EndpointLink(*row) for row in rows}

    def save_endpoint_links(self, links: Iterable[EndpointLink]) -> None:
        self._in_batches(
            "insert or replace into device_endpoints (serial, endpoint_id, unit_id, "
            "friendly_name, room_name_a4b, looked_up_at) values (?, ?, ?, ?, ?, ?)",
            (
                (
                    link.serial,
                    link.endpoint_id,
                    link.unit_id,
                    link.friendly_name,
                    link.room_name_a4b,
                    link.looked_up_at,
                )
                for link in links
            ),
        )

    def save_reachability(self, samples: Iterable[Reachability]) -> None:
        self._in_batches(
            "insert or replace into endpoint_reachability (endpoint_id, value, sampled_at, "
            "checked_at) values (?, ?, ?, ?)",
            ((r.endpoint_id, r.value, r.sampled_at, r.checked_at) for r in samples),
        )

    def reachability(self, endpoint_ids: Sequence[str]) -> dict[str, Reachability]:
        if not endpoint_ids:
            return {}
        marks = ", ".join("?" for _ in endpoint_ids)
        rows = self.db.execute(
            "select endpoint_id, value, sampled_at, checked_at from endpoint_reachability "
            f"where endpoint_id in ({marks})",
            list(endpoint_ids),
        )
        return {row[0]: Reachability(*row) for row in rows}

    def last_refreshed_at(self) -> float | None:
        row = self.db.execute("select max(refreshed_at) from devices").fetchone()
        return None if row is None or row[0] is None else float(row[0])

    def device_events(self, arns: Sequence[str], since: float) -> list[tuple[str, str, str, float]]:
        """All events (both types) of these devices since a time, oldest first."""
        if not arns:
            return []
        marks = ", ".join("?" for _ in arns)
        return list(
            self.db.execute(
                f"select arn, type, value, ts from device_events where ts >= ? and arn in ({marks})"
                " order by ts, arn",
                [since, *arns],
            )
        )

    # -- digests ---------------------------------------------------------------------------------
    def claim_digest(self, property_id: str, local_date: str, channel: str, now: float) -> bool:
        """Reserve the (property, local day) slot before posting; False if it was taken already.

        Claiming first makes a crash mid-post leave the slot taken, so a restart never posts twice
        (at-most-once beats a duplicate in a staff channel).
        """
        with self.db.conn:
            cursor = self.db.conn.execute(
                "insert or ignore into digests_sent (property_id, local_date, sent_at, channel, "
                "state, summary) values (?, ?, ?, ?, 'sending', '{}')",
                (property_id, local_date, now, channel),
            )
            return cursor.rowcount == 1

    def finish_digest(
        self, property_id: str, local_date: str, now: float, summary: JsonObject
    ) -> None:
        with self.db.conn:
            self.db.conn.execute(
                "update digests_sent set state = 'sent', sent_at = ?, summary = ? "
                "where property_id = ? and local_date = ?",
                (now, json.dumps(summary, sort_keys=True), property_id, local_date),
            )

    def release_digest(self, property_id: str, local_date: str) -> None:
        """Undo a claim whose post failed, so the next run may try again."""
        with self.db.conn:
            self.db.conn.execute(
                "delete from digests_sent where property_id = ? and local_date = ? "
                "and state = 'sending'",
                (property_id, local_date),
            )

    def digest_record(self, property_id: str, local_date: str) -> JsonObject | None:
        row = self.db.execute(
            "select sent_at, channel, state, summary from digests_sent "
            "where property_id = ? and local_date = ?",
            (property_id, local_date),
        ).fetchone()
        if row is None:
            return None
        return {
            "sent_at": row[0],
            "channel": row[1],
            "state": row[2],
            "summary": json.loads(row[3]),
        }

    def last_digest_at(self, property_id: str, before: float) -> float | None:
        row = self.db.execute(
            "select max(sent_at) from digests_sent where property_id = ? and state = 'sent' "
            "and sent_at < ?",
            (property_id, before),
        ).fetchone()
        return None if row is None or row[0] is None else float(row[0])

    def digests_sent_count(self, property_id: str) -> int:
        row = self.db.execute(
            "select count(*) from digests_sent where property_id = ?", (property_id,)
        ).fetchone()
        return int(row[0])
