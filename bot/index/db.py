"""The SQLite file behind the index: schema (created idempotently) and opening.

Tables mirror the ASP hierarchy (seed 004) plus the station catalog (for SQL reporting) and
per-scope sync state. Names are stored twice, as given and normalised, so lookups stay index-only.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Final

from sqlite_utils import Database

from bot.index.catalog import StationCatalog, default_catalog

SCHEMA_VERSION: Final = 1

_TABLES: Final = (
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
)

_INDEXES: Final = (
    "CREATE INDEX IF NOT EXISTS idx_properties_name_norm ON properties (name_norm)",
    "CREATE INDEX IF NOT EXISTS idx_room_types_name_norm ON room_types (name_norm, property_id)",
    "CREATE INDEX IF NOT EXISTS idx_room_types_property ON room_types (property_id)",
    # Covering: a room lookup reads only the index, never the table.
    "CREATE INDEX IF NOT EXISTS idx_rooms_name_cover"
    " ON rooms (name, property_id, room_type_id, id)",
    "CREATE INDEX IF NOT EXISTS idx_rooms_name_norm_cover"
    " ON rooms (name_norm, property_id, name, room_type_id, id)",
    "CREATE INDEX IF NOT EXISTS idx_rooms_room_type ON rooms (room_type_id)",
    "CREATE INDEX IF NOT EXISTS idx_rooms_property ON rooms (property_id)",
)


def create_schema(db: Database, catalog: StationCatalog | None = None) -> None:
    """Create what is missing and refresh the stations table from the catalog; safe to run every
    start.
    """
    conn = db.conn
    with conn:
        for statement in (*_TABLES, *_INDEXES):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        # The catalog is code, not data: rewrite it so an upgraded bot never reports stale stations.
        conn.execute("DELETE FROM stations")
        conn.executemany(
            "INSERT INTO stations (country, provider_id, station_id, description, name, aliases)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    s.country,
                    s.provider_id,
                    s.station_id,
                    s.description,
                    s.name,
                    ", ".join(s.aliases),
                )
                for s in (catalog or default_catalog()).all()
            ],
        )


def open_index(path: str | Path) -> Database:
    """Open (creating if needed) the index database at `path`, or in memory for ":memory:"."""
    if str(path) == ":memory:":
        db = Database(memory=True)
    else:
        file = Path(path).expanduser()
        file.parent.mkdir(parents=True, exist_ok=True)
        # Not bound to the opening thread: the bot may read from a worker thread
        # (asyncio.to_thread).
        db = Database(sqlite3.connect(str(file), check_same_thread=False))
        # WAL lets the CLI or a report read while the bot writes a sync.
        db.enable_wal()
        db.conn.execute("PRAGMA synchronous = NORMAL")
    create_schema(db)
    return db
