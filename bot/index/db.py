"""Opening the bot's SQLite file: migrated by bot.schema, the station catalog refreshed from code."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from bot.index.catalog import StationCatalog, default_catalog
from bot.schema import migrate


def create_schema(db: Database, catalog: StationCatalog | None = None) -> None:
    """Create what is missing and refresh the stations table from the catalog; safe to run every
    start.
    """
    conn = db.conn
    migrate(conn)
    with conn:
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
