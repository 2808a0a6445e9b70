"""The one owner of the database schema (SQLite, and PostgreSQL for replicas), versioned, with migrations.

The database file holds the index (hierarchy, stations, sync state), the audit log, credentials, device
health and chat-platform state. `PRAGMA user_version` records the last migration applied; `migrate()`
applies the missing ones in order, each in its own transaction, and is safe to call on every open.

Adding a table or a column: append a `Migration` with the next version. Never edit an applied one.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from psycopg import Connection
    from psycopg.rows import TupleRow

__all__ = [
    "MIGRATIONS",
    "PG_MIGRATIONS",
    "PG_SCHEMA_VERSION",
    "SCHEMA_VERSION",
    "Migration",
    "migrate",
    "migrate_pg",
    "pg_schema_version",
    "schema_version",
]


@dataclass(frozen=True)
class Migration:
    version: int
    why: str
    statements: tuple[str, ...]


# Version 1 was the index alone (written by the first release); version 2 gathers every table the
# first release created in several places. Its statements are IF NOT EXISTS, so a version-1 file
# that already has some of them upgrades in place.
_BASELINE: Final = (
    """CREATE TABLE IF NOT EXISTS properties (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        name_norm TEXT NOT NULL,
        organization_id TEXT,
        country TEXT NOT NULL DEFAULT 'US',
        timezone TEXT NOT NULL DEFAULT 'UTC'
    )""",
    """CREATE TABLE IF NOT EXISTS room_types (
        id TEXT PRIMARY KEY,
        property_id TEXT NOT NULL,
        name TEXT NOT NULL,
        name_norm TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS rooms (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        name_norm TEXT NOT NULL,
        room_type_id TEXT NOT NULL,
        property_id TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS stations (
        country TEXT NOT NULL,
        provider_id TEXT NOT NULL,
        station_id TEXT NOT NULL,
        description TEXT NOT NULL,
        name TEXT NOT NULL,
        aliases TEXT NOT NULL,
        PRIMARY KEY (country, provider_id, station_id)
    )""",
    """CREATE TABLE IF NOT EXISTS sync_state (
        scope TEXT PRIMARY KEY,
        synced_at TEXT NOT NULL,
        items INTEGER NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS idx_properties_name_norm ON properties (name_norm)",
    "CREATE INDEX IF NOT EXISTS idx_room_types_name_norm ON room_types (name_norm, property_id)",
    "CREATE INDEX IF NOT EXISTS idx_room_types_property ON room_types (property_id)",
    # Covering: a room lookup reads only the index, never the table.
    "CREATE INDEX IF NOT EXISTS idx_rooms_name_cover ON rooms (name, property_id, room_type_id, id)",
    "CREATE INDEX IF NOT EXISTS idx_rooms_name_norm_cover"
    " ON rooms (name_norm, property_id, name, room_type_id, id)",
    "CREATE INDEX IF NOT EXISTS idx_rooms_room_type ON rooms (room_type_id)",
    "CREATE INDEX IF NOT EXISTS idx_rooms_property ON rooms (property_id)",
    """CREATE TABLE IF NOT EXISTS audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        platform TEXT NOT NULL,
        user TEXT NOT NULL,
        channel TEXT,
        text TEXT NOT NULL,
        command TEXT NOT NULL,
        parsed TEXT NOT NULL,
        targets TEXT NOT NULL,
        changes TEXT NOT NULL,
        outcome TEXT NOT NULL,
        detail TEXT NOT NULL,
        request_ids TEXT NOT NULL,
        delivery_id TEXT,
        undoes INTEGER,
        undone_by INTEGER
    )""",
    "CREATE INDEX IF NOT EXISTS idx_audit_user ON audit (user, id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS idx_audit_delivery ON audit (delivery_id)"
    " WHERE delivery_id IS NOT NULL",
    "CREATE TABLE IF NOT EXISTS credentials (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS devices (
        arn TEXT PRIMARY KEY,
        serial TEXT,
        name TEXT,
        type TEXT,
        status TEXT,
        connection TEXT,
        room_name_a4b TEXT,
        property_id TEXT,
        room_id TEXT,
        room_name TEXT,
        last_changed REAL,
        refreshed_at REAL
    )""",
    "CREATE TABLE IF NOT EXISTS device_events (arn TEXT, type TEXT, value TEXT, ts REAL)",
    """CREATE TABLE IF NOT EXISTS digests_sent (
        property_id TEXT,
        local_date TEXT,
        sent_at REAL,
        channel TEXT,
        state TEXT,
        summary TEXT,
        PRIMARY KEY (property_id, local_date)
    )""",
    "CREATE UNIQUE INDEX IF NOT EXISTS idx_device_events_arn_type_value_ts"
    " ON device_events (arn, type, value, ts)",
    "CREATE INDEX IF NOT EXISTS idx_device_events_ts ON device_events (ts)",
    "CREATE INDEX IF NOT EXISTS idx_devices_property_id ON devices (property_id)",
    """CREATE TABLE IF NOT EXISTS teams_conversations (
        conversation_id TEXT PRIMARY KEY,
        channel_id TEXT,
        channel_name TEXT,
        team_name TEXT,
        conversation_type TEXT,
        tenant_id TEXT,
        service_url TEXT NOT NULL,
        reference TEXT NOT NULL,
        saved_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS idx_teams_conversations_channel_id"
    " ON teams_conversations (channel_id)",
)

# The change journal (bot/core/ledger/journal.py): one row per write to a unit, committed before the request
# and settled after it, so a crash or a lost answer never leaves a change unaccounted for. Its change_id
# is the audit entry (audit.id) the write belongs to. Delivery ids move to their own table: one message
# is claimed once, while the derived runs it starts (retry, undo, a confirmation) write their own rows.
_JOURNAL: Final = (
    """CREATE TABLE IF NOT EXISTS journal (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        change_id INTEGER NOT NULL,
        at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        platform TEXT NOT NULL,
        user TEXT NOT NULL,
        channel TEXT,
        command TEXT NOT NULL,
        unit_id TEXT NOT NULL,
        unit_name TEXT NOT NULL,
        property_name TEXT NOT NULL,
        kind TEXT NOT NULL,
        before TEXT,
        after TEXT,
        before_read INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL,
        error TEXT,
        request_id TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS idx_journal_change ON journal (change_id, id)",
    "CREATE INDEX IF NOT EXISTS idx_journal_open ON journal (state)"
    " WHERE state IN ('queued', 'pending', 'unknown')",
    "ALTER TABLE audit ADD COLUMN thread TEXT",
    "ALTER TABLE audit ADD COLUMN derived_from INTEGER",
    "CREATE INDEX IF NOT EXISTS idx_audit_outcome ON audit (outcome)",
    """CREATE TABLE IF NOT EXISTS deliveries (
        delivery_id TEXT PRIMARY KEY,
        at TEXT NOT NULL
    )""",
    "INSERT OR IGNORE INTO deliveries (delivery_id, at)"
    " SELECT delivery_id, at FROM audit WHERE delivery_id IS NOT NULL",
    "DROP INDEX IF EXISTS idx_audit_delivery",
    "CREATE INDEX IF NOT EXISTS idx_audit_delivery_id ON audit (delivery_id)",
    """CREATE TABLE IF NOT EXISTS notices (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        platform TEXT NOT NULL,
        user TEXT NOT NULL,
        channel TEXT,
        thread TEXT,
        change_id INTEGER,
        text TEXT NOT NULL,
        delivered_at TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS idx_notices_open ON notices (user) WHERE delivered_at IS NULL",
)

# A digest row is written before posting ('pending') and settled after: 'sent' with the platform's
# id of the post, or still 'pending' with the time of the next attempt (bot/health/outbox.py).
# The first release's 'sending' rows (a post cut off by a crash) become pending, due at once.
_OUTBOX: Final = (
    "ALTER TABLE digests_sent ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE digests_sent ADD COLUMN next_attempt_at REAL",
    "ALTER TABLE digests_sent ADD COLUMN created_at REAL",
    "ALTER TABLE digests_sent ADD COLUMN last_error TEXT",
    "ALTER TABLE digests_sent ADD COLUMN message_id TEXT",
    "UPDATE digests_sent SET created_at = sent_at",
    "UPDATE digests_sent SET state = 'pending', next_attempt_at = sent_at WHERE state = 'sending'",
)

# Devices are tied to ASP rooms by serial number through the Endpoints API (issue 13): the map
# keeps a row for every serial looked up, found or not, so a refresh asks only about new serials.
_DEVICE_ROOMS: Final = (
    "ALTER TABLE devices ADD COLUMN status_since REAL",
    "ALTER TABLE devices ADD COLUMN registered_at REAL",
    "ALTER TABLE devices ADD COLUMN endpoint_id TEXT",
    "ALTER TABLE devices ADD COLUMN placed_by TEXT",
    """CREATE TABLE IF NOT EXISTS device_endpoints (
        serial TEXT PRIMARY KEY,
        endpoint_id TEXT,
        unit_id TEXT,
        friendly_name TEXT,
        room_name_a4b TEXT,
        looked_up_at REAL NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS idx_device_endpoints_unit ON device_endpoints (unit_id)",
    """CREATE TABLE IF NOT EXISTS endpoint_reachability (
        endpoint_id TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        sampled_at REAL,
        checked_at REAL NOT NULL
    )""",
)

# Who runs a change (bot/core/ledger/leases.py): written with the audit entry of a change being opened,
# claimed by crash recovery in one transaction. Changes left running by an earlier release get an
# expired lease; their owner is still read from audit.detail ("running in process host:pid").
_LEASES: Final = (
    """CREATE TABLE IF NOT EXISTS change_leases (
        change_id INTEGER PRIMARY KEY,
        owner TEXT NOT NULL,
        lease_until REAL NOT NULL,
        generation INTEGER NOT NULL DEFAULT 1
    )""",
    "INSERT OR IGNORE INTO change_leases (change_id, owner, lease_until, generation)"
    " SELECT id, '', 0, 1 FROM audit WHERE outcome = 'running'",
    # The version of the hierarchy (bot/index/lookup.py `cache_key`): bumped by hierarchy writes
    # only, so a journal or health write by another process no longer rebuilds every cache.
    """CREATE TABLE IF NOT EXISTS hierarchy_version (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL
    )""",
    "INSERT OR IGNORE INTO hierarchy_version (id, version) VALUES (1, 0)",
)

# Bumped by every setting made in chat (a property's place, a digest channel, a channel bound to a
# property): another process (a replica) lays the settings over its bot.toml again when it changes
# (bot/core/commands/channel_settings.py `refresh_settings`).
_SETTINGS_VERSION: Final = (
    """CREATE TABLE IF NOT EXISTS settings_version (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL
    )""",
    "INSERT INTO settings_version (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
)

_CHUNK_COUNTS: Final = tuple(
    f"ALTER TABLE change_chunks ADD COLUMN n_{state} INTEGER"
    for state in ("queued", "pending", "applied", "unchanged", "refused", "failed", "unknown")
)

# A very large change (bot/core/changes/chunks.py): its plan is its scope (a property's or a room type's rooms,
# and the writes per room), read from the index a chunk at a time as it runs, so its first write goes
# out before a million rows are queued; `planned`/`cursor` say how far (room id order), `complete`
# when every room is queued; `planner`/`planner_until` who queues it (a lease: a replica's worker
# takes over the plan of a request that died). A done chunk keeps its rows' counts by state (n_<state>): progress and
# `recent changes` add up chunks, never rows. Rooms are read by property or room type in id order.
_LARGE: Final = (
    """CREATE TABLE IF NOT EXISTS change_plans (
        change_id INTEGER PRIMARY KEY,
        spec TEXT NOT NULL,
        properties TEXT NOT NULL,
        total INTEGER NOT NULL,
        planned INTEGER NOT NULL DEFAULT 0,
        cursor TEXT,
        complete INTEGER NOT NULL DEFAULT 0,
        planner TEXT,
        planner_until REAL
    )""",
    *_CHUNK_COUNTS,
    # `who changed 204`, and the writes to some rooms since a change: by room, never a scan
    "CREATE INDEX IF NOT EXISTS idx_journal_unit ON journal (unit_id, change_id)",
    "DROP INDEX IF EXISTS idx_rooms_property",
    "DROP INDEX IF EXISTS idx_rooms_room_type",
    "CREATE INDEX IF NOT EXISTS idx_rooms_property_id ON rooms (property_id, id)",
    "CREATE INDEX IF NOT EXISTS idx_rooms_room_type_id ON rooms (room_type_id, id)",
)

MIGRATIONS: Final[tuple[Migration, ...]] = (
    Migration(2, "every table of the first release in one place", _BASELINE),
    Migration(
        3,
        "a property's country and timezone as an admin set them in chat (bot.toml still wins)",
        (
            """CREATE TABLE IF NOT EXISTS property_settings (
                property_id TEXT PRIMARY KEY,
                property_name TEXT NOT NULL,
                country TEXT,
                timezone TEXT,
                set_by TEXT NOT NULL,
                set_at TEXT NOT NULL
            )""",
        ),
    ),
    Migration(
        4, "digests_sent becomes the digest outbox (attempts, retry time, platform id)", _OUTBOX
    ),
    Migration(5, "the change journal, claimed deliveries and undelivered notices", _JOURNAL),
    Migration(
        6, "device health: endpoint map by serial, status since, existence start", _DEVICE_ROOMS
    ),
    Migration(
        9,
        "offline alerts (one row per incident, mutes) and channel settings made in chat",
        (
            """CREATE TABLE IF NOT EXISTS offline_alerts (
                arn TEXT NOT NULL,
                offline_since REAL NOT NULL,
                property_id TEXT NOT NULL,
                channel TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at REAL,
                created_at REAL NOT NULL,
                message_id TEXT,
                recovered_at REAL,
                edited INTEGER NOT NULL DEFAULT 0,
                last_error TEXT,
                PRIMARY KEY (arn, offline_since)
            )""",
            "CREATE INDEX IF NOT EXISTS idx_offline_alerts_state ON offline_alerts (state)",
            """CREATE TABLE IF NOT EXISTS alert_mutes (
                serial TEXT PRIMARY KEY,
                until REAL NOT NULL,
                set_by TEXT NOT NULL
            )""",
            # channel settings an admin made in chat; bot.toml's values are the defaults
            """CREATE TABLE IF NOT EXISTS channel_settings (
                kind TEXT NOT NULL,
                property_name TEXT NOT NULL,
                channel TEXT NOT NULL,
                set_by TEXT NOT NULL,
                set_at TEXT NOT NULL,
                PRIMARY KEY (kind, property_name, channel)
            )""",
        ),
    ),
    Migration(
        11,
        "leases of running changes (owner, lease_until, generation); the hierarchy's version",
        _LEASES,
    ),
    Migration(
        12,
        "bulk changes in chunks: a change's journal rows split into chunks any worker claims",
        (
            """CREATE TABLE IF NOT EXISTS change_chunks (
                change_id INTEGER NOT NULL,
                chunk INTEGER NOT NULL,
                first_id INTEGER NOT NULL,
                last_id INTEGER NOT NULL,
                rows INTEGER NOT NULL,
                state TEXT NOT NULL DEFAULT 'queued',
                owner TEXT,
                lease_until REAL,
                generation INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (change_id, chunk)
            )""",
            "CREATE INDEX IF NOT EXISTS idx_change_chunks_state ON change_chunks (state, lease_until)",
        ),
    ),
    Migration(
        13,
        "the version of the settings made in chat, so every process sharing them re-reads them",
        _SETTINGS_VERSION,
    ),
    Migration(14, "very large changes (issue 18): planned as they run, counted by chunk", _LARGE),
    # Append new migrations here, with the next version number (7, 8 and 10 are taken by
    # other branches; gaps are fine).
)

SCHEMA_VERSION: Final = MIGRATIONS[-1].version


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the migrations the file has not had yet (each all or nothing); returns the version now."""
    current = schema_version(conn)
    if current > SCHEMA_VERSION:
        raise RuntimeError(
            f"the database is at schema version {current}, newer than this bot ({SCHEMA_VERSION}); "
            "upgrade the bot or point BOT_DB_PATH at another file"
        )
    for migration in MIGRATIONS:
        if migration.version <= current:
            continue
        _apply(conn, migration)
        current = migration.version
    return current


def _apply(conn: sqlite3.Connection, migration: Migration) -> None:
    # An explicit BEGIN: Python's sqlite3 would otherwise commit each CREATE/ALTER on its own, and a
    # crash half-way would leave a file that is neither version.
    # IMMEDIATE, and the version read again inside: two processes opening a new file at once (a cron
    # `bot sync` starting beside `bot serve`) take turns, and the second finds the migration done
    # (an ALTER run twice would fail with "duplicate column").
    if conn.in_transaction:
        conn.commit()
    conn.execute("BEGIN IMMEDIATE")
    try:
        if schema_version(conn) >= migration.version:
            conn.commit()
            return
        for statement in migration.statements:
            conn.execute(statement)
        # PRAGMA takes no parameters; the version is an int from this module.
        conn.execute(f"PRAGMA user_version = {int(migration.version)}")
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


# --- PostgreSQL (BOT_DATABASE_URL=postgresql://...; several replicas share it) ----------------
# The same tables as the SQLite file, in PostgreSQL's types; its own version sequence, recorded in
# the table bot_schema. Replicas starting together migrate one at a time (a transaction-scoped
# advisory lock); each migration is one transaction (PostgreSQL's DDL is transactional).
# Times stay ISO text where SQLite keeps text, so both backends return the same values.

PG_MIGRATION_LOCK: Final = 0x426F7453  # "BotS": the advisory lock key of migrations

_PG_BASELINE: Final = (
    """CREATE TABLE audit (
        id BIGSERIAL PRIMARY KEY,
        at TEXT NOT NULL,
        platform TEXT NOT NULL,
        "user" TEXT NOT NULL,
        channel TEXT,
        text TEXT NOT NULL,
        command TEXT NOT NULL,
        parsed TEXT NOT NULL,
        targets TEXT NOT NULL,
        changes TEXT NOT NULL,
        outcome TEXT NOT NULL,
        detail TEXT NOT NULL,
        request_ids TEXT NOT NULL,
        delivery_id TEXT,
        undoes BIGINT,
        undone_by BIGINT,
        thread TEXT,
        derived_from BIGINT
    )""",
    'CREATE INDEX idx_audit_user ON audit ("user", id)',
    "CREATE INDEX idx_audit_outcome ON audit (outcome)",
    "CREATE INDEX idx_audit_delivery_id ON audit (delivery_id)",
    "CREATE INDEX idx_audit_derived_from ON audit (derived_from)",
    """CREATE TABLE journal (
        id BIGSERIAL PRIMARY KEY,
        change_id BIGINT NOT NULL,
        at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        platform TEXT NOT NULL,
        "user" TEXT NOT NULL,
        channel TEXT,
        command TEXT NOT NULL,
        unit_id TEXT NOT NULL,
        unit_name TEXT NOT NULL,
        property_name TEXT NOT NULL,
        kind TEXT NOT NULL,
        before TEXT,
        after TEXT,
        before_read BOOLEAN NOT NULL DEFAULT FALSE,
        state TEXT NOT NULL,
        error TEXT,
        request_id TEXT
    )""",
    "CREATE INDEX idx_journal_change ON journal (change_id, id)",
    "CREATE INDEX idx_journal_open ON journal (state) WHERE state IN ('queued', 'pending', 'unknown')",
    "CREATE TABLE deliveries (delivery_id TEXT PRIMARY KEY, at TEXT NOT NULL)",
    """CREATE TABLE notices (
        id BIGSERIAL PRIMARY KEY,
        at TEXT NOT NULL,
        platform TEXT NOT NULL,
        "user" TEXT NOT NULL,
        channel TEXT,
        thread TEXT,
        change_id BIGINT,
        text TEXT NOT NULL,
        delivered_at TEXT
    )""",
    'CREATE INDEX idx_notices_open ON notices ("user") WHERE delivered_at IS NULL',
    """CREATE TABLE change_leases (
        change_id BIGINT PRIMARY KEY,
        owner TEXT NOT NULL,
        lease_until DOUBLE PRECISION NOT NULL,
        generation BIGINT NOT NULL DEFAULT 1
    )""",
    "CREATE INDEX idx_change_leases_until ON change_leases (lease_until)",
    "CREATE TABLE credentials (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE property_settings (
        property_id TEXT PRIMARY KEY,
        property_name TEXT NOT NULL,
        country TEXT,
        timezone TEXT,
        set_by TEXT NOT NULL,
        set_at TEXT NOT NULL
    )""",
    """CREATE TABLE teams_conversations (
        conversation_id TEXT PRIMARY KEY,
        channel_id TEXT,
        channel_name TEXT,
        team_name TEXT,
        conversation_type TEXT,
        tenant_id TEXT,
        service_url TEXT NOT NULL,
        reference TEXT NOT NULL,
        saved_at TEXT NOT NULL
    )""",
    "CREATE INDEX idx_teams_conversations_channel_id ON teams_conversations (channel_id)",
    """CREATE TABLE digests_sent (
        property_id TEXT,
        local_date TEXT,
        sent_at DOUBLE PRECISION,
        channel TEXT,
        state TEXT,
        summary TEXT,
        attempts BIGINT NOT NULL DEFAULT 0,
        next_attempt_at DOUBLE PRECISION,
        created_at DOUBLE PRECISION,
        last_error TEXT,
        message_id TEXT,
        PRIMARY KEY (property_id, local_date)
    )""",
)

# procrastinate's own schema (its sql/schema.sql of 3.10.0, copied, so that this migration never
# changes with the installed package); its tables are prefixed procrastinate_. pyproject.toml keeps
# procrastinate below 3.11: a later version's migrations (its sql/migrations) are appended as a
# migration of ours, and tests/test_scheduled_jobs_pg.py fails while the installed schema differs.
PROCRASTINATE_SCHEMA: Final = Path(__file__).parent / "pg" / "procrastinate_3_10.sql"
_PROCRASTINATE_3_10: Final = PROCRASTINATE_SCHEMA.read_text(encoding="utf-8")

PG_MIGRATIONS: Final[tuple[Migration, ...]] = (
    Migration(
        1,
        "the shared state of replicas: audit, journal, deliveries, notices, change leases,"
        " credentials, property settings, Teams conversations, digest outbox",
        _PG_BASELINE,
    ),
    Migration(
        2,
        "confirmations as data: a `yes` on any replica rebuilds and runs what was asked",
        (
            """CREATE TABLE confirmations (
                token TEXT PRIMARY KEY,
                platform TEXT NOT NULL,
                "user" TEXT NOT NULL,
                channel TEXT,
                thread TEXT,
                summary TEXT NOT NULL,
                text TEXT NOT NULL,
                command TEXT NOT NULL,
                expires DOUBLE PRECISION NOT NULL,
                request TEXT NOT NULL
            )""",
            'CREATE INDEX idx_confirmations_user ON confirmations ("user", channel)',
        ),
    ),
    Migration(
        3,
        "bulk changes in chunks: a change's journal rows split into chunks any replica claims",
        (
            """CREATE TABLE change_chunks (
                change_id BIGINT NOT NULL,
                chunk INTEGER NOT NULL,
                first_id BIGINT NOT NULL,
                last_id BIGINT NOT NULL,
                rows INTEGER NOT NULL,
                state TEXT NOT NULL DEFAULT 'queued',
                owner TEXT,
                lease_until DOUBLE PRECISION,
                generation BIGINT NOT NULL DEFAULT 0,
                PRIMARY KEY (change_id, chunk)
            )""",
            "CREATE INDEX idx_change_chunks_open ON change_chunks (state, lease_until)"
            " WHERE state <> 'done'",
            "CREATE INDEX idx_journal_change_state ON journal (change_id, state)",
        ),
    ),
    Migration(
        4,
        "follow-up questions as data: an answer on any replica completes the question asked",
        (
            """CREATE TABLE questions (
                conversation TEXT PRIMARY KEY,
                expires DOUBLE PRECISION NOT NULL,
                question TEXT NOT NULL
            )""",
        ),
    ),
    Migration(
        5,
        "the offline-alert outbox, alert mutes and channel settings made in chat, shared by"
        " replicas (an incident is claimed once across them)",
        (
            """CREATE TABLE offline_alerts (
                arn TEXT NOT NULL,
                offline_since DOUBLE PRECISION NOT NULL,
                property_id TEXT NOT NULL,
                channel TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at DOUBLE PRECISION,
                created_at DOUBLE PRECISION NOT NULL,
                message_id TEXT,
                recovered_at DOUBLE PRECISION,
                edited INTEGER NOT NULL DEFAULT 0,
                last_error TEXT,
                PRIMARY KEY (arn, offline_since)
            )""",
            "CREATE INDEX idx_offline_alerts_state ON offline_alerts (state)",
            """CREATE TABLE alert_mutes (
                serial TEXT PRIMARY KEY,
                until DOUBLE PRECISION NOT NULL,
                set_by TEXT NOT NULL
            )""",
            """CREATE TABLE channel_settings (
                kind TEXT NOT NULL,
                property_name TEXT NOT NULL,
                channel TEXT NOT NULL,
                set_by TEXT NOT NULL,
                set_at TEXT NOT NULL,
                PRIMARY KEY (kind, property_name, channel)
            )""",
            "CREATE INDEX idx_digests_sent_due ON digests_sent (state, next_attempt_at)",
            *_SETTINGS_VERSION,
        ),
    ),
    Migration(
        6,
        "device health (the device index) shared by replicas: devices, their events, the"
        " serial-to-room map, ASP reachability",
        (
            """CREATE TABLE devices (
                arn TEXT PRIMARY KEY,
                serial TEXT,
                name TEXT,
                type TEXT,
                status TEXT,
                connection TEXT,
                room_name_a4b TEXT,
                property_id TEXT,
                room_id TEXT,
                room_name TEXT,
                last_changed DOUBLE PRECISION,
                refreshed_at DOUBLE PRECISION,
                status_since DOUBLE PRECISION,
                registered_at DOUBLE PRECISION,
                endpoint_id TEXT,
                placed_by TEXT
            )""",
            "CREATE INDEX idx_devices_property_id ON devices (property_id)",
            "CREATE INDEX idx_devices_endpoint_id ON devices (endpoint_id)",
            """CREATE TABLE device_events (
                arn TEXT NOT NULL,
                type TEXT NOT NULL,
                value TEXT NOT NULL,
                ts DOUBLE PRECISION NOT NULL
            )""",
            "CREATE UNIQUE INDEX idx_device_events_arn_type_value_ts"
            " ON device_events (arn, type, value, ts)",
            "CREATE INDEX idx_device_events_ts ON device_events (ts)",
            "CREATE INDEX idx_device_events_arn_ts ON device_events (arn, ts)",
            """CREATE TABLE device_endpoints (
                serial TEXT PRIMARY KEY,
                endpoint_id TEXT,
                unit_id TEXT,
                friendly_name TEXT,
                room_name_a4b TEXT,
                looked_up_at DOUBLE PRECISION NOT NULL
            )""",
            "CREATE INDEX idx_device_endpoints_unit ON device_endpoints (unit_id)",
            "CREATE INDEX idx_device_endpoints_endpoint ON device_endpoints (endpoint_id)",
            """CREATE TABLE endpoint_reachability (
                endpoint_id TEXT PRIMARY KEY,
                value TEXT NOT NULL,
                sampled_at DOUBLE PRECISION,
                checked_at DOUBLE PRECISION NOT NULL
            )""",
        ),
    ),
    Migration(
        7,
        "the job queue of scheduled work (procrastinate 3.10's tables, functions and triggers):"
        " periodic tasks deferred once per period across replicas, stalled jobs retried",
        (_PROCRASTINATE_3_10,),
    ),
    Migration(
        8,
        "very large changes: planned as they run (change_plans), counted by chunk",
        (
            """CREATE TABLE change_plans (
                change_id BIGINT PRIMARY KEY,
                spec TEXT NOT NULL,
                properties TEXT NOT NULL,
                total BIGINT NOT NULL,
                planned BIGINT NOT NULL DEFAULT 0,
                cursor TEXT,
                complete BOOLEAN NOT NULL DEFAULT FALSE,
                planner TEXT,
                planner_until DOUBLE PRECISION
            )""",
            *_CHUNK_COUNTS,
            # the fence of a row's write finds its chunk by the range's start (bot/pg/journal.py)
            "CREATE INDEX idx_change_chunks_first ON change_chunks (change_id, first_id)",
            "CREATE INDEX idx_journal_unit ON journal (unit_id, change_id)",
        ),
    ),
    # Append new PostgreSQL migrations here, with the next version number.
)

PG_SCHEMA_VERSION: Final = PG_MIGRATIONS[-1].version


def pg_schema_version(conn: Connection[TupleRow]) -> int:
    """The version of a PostgreSQL database (0: never migrated); `conn` is a psycopg connection."""
    found = conn.execute("SELECT to_regclass('bot_schema') IS NOT NULL").fetchone()
    if not found or not found[0]:
        return 0
    row = conn.execute("SELECT max(version) FROM bot_schema").fetchone()
    return int(row[0] or 0) if row else 0


def migrate_pg(conn: Connection[TupleRow]) -> int:
    """Apply the PostgreSQL migrations the database has not had (each all or nothing, one replica
    at a time); returns the version now. `conn` is a psycopg connection (autocommit off)."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (PG_MIGRATION_LOCK,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bot_schema"
            " (version INTEGER PRIMARY KEY, why TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
        )
        current = pg_schema_version(conn)
        if current > PG_SCHEMA_VERSION:
            raise RuntimeError(
                f"the PostgreSQL database is at schema version {current}, newer than this bot "
                f"({PG_SCHEMA_VERSION}); upgrade the bot"
            )
        for migration in PG_MIGRATIONS:
            if migration.version <= current:
                continue
            for statement in migration.statements:
                conn.execute(statement)
            conn.execute(
                "INSERT INTO bot_schema (version, why, applied_at) VALUES (%s, %s, now())",
                (migration.version, migration.why),
            )
            current = migration.version
    return int(current)
