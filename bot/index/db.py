"""Opening the bot's SQLite file: migrated by bot.schema, the station catalog refreshed from code."""

from __future__ import annotations

import os
import sqlite3
import stat
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
        _private_file(file)
        # Not bound to the opening thread: the bot may read from a worker thread
        # (asyncio.to_thread).
        db = Database(sqlite3.connect(str(file), check_same_thread=False))
        # WAL lets the CLI or a report read while the bot writes a sync.
        db.enable_wal()
        db.conn.execute("PRAGMA synchronous = NORMAL")
        _private_sidecars(file)
    create_schema(db)
    return db


# The file holds the rotated LWA refresh token and the audit log: only its owner may read it.
FILE_MODE = 0o600
FOLDER_MODE = 0o700


def _private_file(file: Path) -> None:
    """Create the folder 0700 (when the bot creates it) and the file 0600, before SQLite opens it;
    an existing file readable by others is narrowed to 0600."""
    if not file.parent.exists():
        try:
            file.parent.mkdir(parents=True, mode=FOLDER_MODE)
        except FileExistsError:
            pass  # another process (a second `bot sync` started at once) created it first
        else:
            os.chmod(file.parent, FOLDER_MODE)  # mkdir's mode is masked by the umask
    if not file.exists():
        os.close(os.open(file, os.O_CREAT | os.O_WRONLY, FILE_MODE))
    if stat.S_IMODE(file.stat().st_mode) & 0o077:
        os.chmod(file, FILE_MODE)


def _private_sidecars(file: Path) -> None:
    """SQLite creates the WAL and shared-memory files with the main file's mode, minus the umask;
    narrow them too (they hold recent writes, tokens included)."""
    for suffix in ("-wal", "-shm"):
        sidecar = file.with_name(file.name + suffix)
        if sidecar.exists() and stat.S_IMODE(sidecar.stat().st_mode) & 0o077:
            os.chmod(sidecar, FILE_MODE)


def file_modes(path: str | Path) -> dict[str, int]:
    """The permission bits of the database file and of its folder (for `bot doctor`)."""
    file = Path(path).expanduser()
    return {
        "file": stat.S_IMODE(file.stat().st_mode),
        "folder": stat.S_IMODE(file.parent.stat().st_mode),
    }
