"""The device tables, in the same SQLite file as the hierarchy index (sqlite-utils, raw SQL on hot
paths), or with BOT_DATABASE_URL in PostgreSQL, where every replica reads and refreshes one device
index (issue 18). Times are stored as epoch seconds (REAL) so range queries and arithmetic stay
cheap. The statements go through bot/sql.py, in the SQL both engines speak; the two "the row of
the oldest/newest event" queries are written once per engine (SQLite's bare columns beside
min()/max(), PostgreSQL's DISTINCT ON).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

from bot.health.outbox import DigestOutbox
from bot.health.timeline import History
from bot.json_types import JsonObject, JsonValue
from bot.schema import migrate
from bot.sql import (
    Row,
    Sql,
    SqliteSql,
    Tx,
    number,
    optional_number,
    optional_text,
    query,
    text,
)

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


def _device(row: Row) -> DeviceRow:
    return DeviceRow(
        text(row[0]), text(row[1]), text(row[2]), text(row[3]), text(row[4]), text(row[5]),
        optional_text(row[6]), optional_text(row[7]), optional_text(row[8]),
        optional_text(row[9]), number(row[10]), number(row[11]), optional_number(row[12]),
        optional_number(row[13]), optional_text(row[14]), optional_text(row[15]),
    )  # fmt: skip


def _link(r: Row) -> EndpointLink:
    return EndpointLink(
        text(r[0]), optional_text(r[1]), optional_text(r[2]), optional_text(r[3]),
        optional_text(r[4]), number(r[5]),
    )  # fmt: skip


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" for _ in values)


class HealthStore:
    """Devices, their connection events and the record of digests sent."""

    def __init__(self, db: sqlite_utils.Database | Sql) -> None:
        if isinstance(db, sqlite_utils.Database):
            self.db = db
            self.sql: Sql = SqliteSql(db.conn)
            self.ensure_schema()
        else:  # PostgreSQL (bot.pg.sql.PgSql), migrated when its pool opened
            self.sql = db

    @classmethod
    def open(cls, path: str) -> HealthStore:
        return cls(sqlite_utils.Database(path))

    def ensure_schema(self) -> None:
        """Create the tables and indexes if missing (safe to run on every start)."""
        migrate(self.db.conn)

    def _rows(self, statement: str, args: Sequence[object] = ()) -> list[Row]:
        return query(self.sql, statement, args)

    # -- devices ---------------------------------------------------------------------------------
    def devices(self, property_id: str | None = None) -> list[DeviceRow]:
        sql = f"select {', '.join(DEVICE_COLUMNS)} from devices"
        args: tuple[object, ...] = ()
        if property_id is not None:
            sql += " where property_id = ?"
            args = (property_id,)
        return [_device(row) for row in self._rows(sql + " order by arn", args)]

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
        def write(tx: Tx) -> int:
            return tx.execute_many(sql, batch)

        return self.sql.write(write)

    def upsert_devices(self, rows: Iterable[DeviceRow]) -> None:
        marks = ", ".join("?" for _ in DEVICE_COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in DEVICE_COLUMNS[1:])
        self._in_batches(
            f"insert into devices ({', '.join(DEVICE_COLUMNS)}) values ({marks})"
            f" on conflict (arn) do update set {updates}",
            (tuple(getattr(r, c) for c in DEVICE_COLUMNS) for r in rows),
        )

    def delete_devices(self, arns: Iterable[str]) -> None:
        self._in_batches("delete from devices where arn = ?", ((a,) for a in arns))

    # -- events ----------------------------------------------------------------------------------
    def add_events(self, rows: Iterable[tuple[str, str, str, float]]) -> int:
        """Insert (arn, type, value, ts) rows, skipping stored ones; returns how many were new."""
        return self._in_batches(
            "insert into device_events (arn, type, value, ts) values (?, ?, ?, ?)"
            " on conflict do nothing",
            rows,
        )

    def latest_event_ts(self) -> dict[str, float]:
        rows = self._rows("select arn, max(ts) from device_events group by arn")
        return {text(arn): number(latest) for arn, latest in rows}

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
            if not arns:
                return {}
            sql += f" and arn in ({_marks(arns)})"
            args.extend(arns)
        if property_id is not None:
            sql += " and arn in (select arn from devices where property_id = ?)"
            args.append(property_id)
        out: dict[str, list[tuple[float, str]]] = defaultdict(list)
        for arn, when, value in self._rows(sql + " order by arn, ts", args):
            out[text(arn)].append((number(when), text(value)))
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
        where, args = "", list[object]()
        if arns is not None:
            if not arns:
                return {}
            where, args = f" where arn in ({_marks(arns)})", list(arns)
        if self.sql.backend == "sqlite":  # SQLite returns the other columns of the min(ts) row
            sql = f"select arn, min(ts), type, value from device_events{where} group by arn"
        else:
            sql = (
                f"select distinct on (arn) arn, ts, type, value from device_events{where}"
                " order by arn, ts, type, value"
            )
        return {
            text(arn): (number(when), text(kind), text(value))
            for arn, when, kind, value in self._rows(sql, args)
        }

    def latest_status_events(self, arns: Sequence[str]) -> dict[str, tuple[float, str]]:
        """Each device's newest DEVICE_STATUS event: arn -> (ts, value)."""
        if not arns:
            return {}
        where = f"where type = 'DEVICE_STATUS' and arn in ({_marks(arns)})"
        if self.sql.backend == "sqlite":  # SQLite returns the value of the max(ts) row
            sql = f"select arn, max(ts), value from device_events {where} group by arn"
        else:
            sql = (
                f"select distinct on (arn) arn, ts, value from device_events {where}"
                " order by arn, ts desc, value"
            )
        return {
            text(arn): (number(when), text(value)) for arn, when, value in self._rows(sql, arns)
        }

    # -- the serial -> endpoint -> unit map (ASP Endpoints API) -----------------------------------
    def endpoint_map(self) -> dict[str, EndpointLink]:
        rows = self._rows(
            "select serial, endpoint_id, unit_id, friendly_name, room_name_a4b, looked_up_at "
            "from device_endpoints"
        )
        return {text(r[0]): _link(r) for r in rows}

    def save_endpoint_links(self, links: Iterable[EndpointLink]) -> None:
        self._in_batches(
            "insert into device_endpoints (serial, endpoint_id, unit_id, friendly_name,"
            " room_name_a4b, looked_up_at) values (?, ?, ?, ?, ?, ?) on conflict (serial) do update"
            " set endpoint_id = excluded.endpoint_id, unit_id = excluded.unit_id,"
            " friendly_name = excluded.friendly_name, room_name_a4b = excluded.room_name_a4b,"
            " looked_up_at = excluded.looked_up_at",
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
            "insert into endpoint_reachability (endpoint_id, value, sampled_at, checked_at)"
            " values (?, ?, ?, ?) on conflict (endpoint_id) do update set value = excluded.value,"
            " sampled_at = excluded.sampled_at, checked_at = excluded.checked_at",
            ((r.endpoint_id, r.value, r.sampled_at, r.checked_at) for r in samples),
        )

    def reachability(self, endpoint_ids: Sequence[str]) -> dict[str, Reachability]:
        if not endpoint_ids:
            return {}
        rows = self._rows(
            "select endpoint_id, value, sampled_at, checked_at from endpoint_reachability "
            f"where endpoint_id in ({_marks(endpoint_ids)})",
            endpoint_ids,
        )
        return {
            text(r[0]): Reachability(text(r[0]), text(r[1]), optional_number(r[2]), number(r[3]))
            for r in rows
        }

    def last_refreshed_at(self) -> float | None:
        rows = self._rows("select max(refreshed_at) from devices")
        return optional_number(rows[0][0]) if rows else None

    def device_events(self, arns: Sequence[str], since: float) -> list[tuple[str, str, str, float]]:
        """All events (both types) of these devices since a time, oldest first."""
        if not arns:
            return []
        rows = self._rows(
            f"select arn, type, value, ts from device_events where ts >= ? and arn in ({_marks(arns)})"
            " order by ts, arn",
            [since, *arns],
        )
        return [(text(a), text(t), text(v), number(when)) for a, t, v, when in rows]

    # -- digests (the outbox, bot/health/outbox.py, on the same database) -------------------------
    def digest_record(self, property_id: str, local_date: str) -> JsonObject | None:
        return DigestOutbox(self.sql).record(property_id, local_date)

    def last_digest_at(self, property_id: str, before: float) -> float | None:
        return DigestOutbox(self.sql).last_sent_at(property_id, before)

    def digests_sent_count(self, property_id: str) -> int:
        rows = self._rows("select count(*) from digests_sent where property_id = ?", (property_id,))
        return int(number(rows[0][0])) if rows else 0
