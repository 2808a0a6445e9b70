"""bot.schema: one owner of every table, versioned, migrations applied once and in order."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.schema import MIGRATIONS, SCHEMA_VERSION, migrate, schema_version


def test_a_new_file_gets_every_migration_and_the_latest_version(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "bot.db")
    assert migrate(conn) == SCHEMA_VERSION
    assert schema_version(conn) == SCHEMA_VERSION
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {
        "properties",
        "rooms",
        "audit",
        "credentials",
        "devices",
        "teams_conversations",
    } <= tables


def test_migrating_twice_changes_nothing(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "bot.db")
    migrate(conn)
    before = list(conn.execute("SELECT sql FROM sqlite_master ORDER BY name"))
    assert migrate(conn) == SCHEMA_VERSION
    assert list(conn.execute("SELECT sql FROM sqlite_master ORDER BY name")) == before


def test_a_first_release_file_at_version_1_upgrades_in_place(tmp_path: Path) -> None:
    """The first release stamped version 1 after creating only the index tables."""
    conn = sqlite3.connect(tmp_path / "bot.db")
    conn.execute(
        "CREATE TABLE properties (id TEXT PRIMARY KEY, name TEXT NOT NULL, name_norm TEXT NOT NULL,"
        " organization_id TEXT, country TEXT NOT NULL DEFAULT 'US', timezone TEXT NOT NULL DEFAULT 'UTC')"
    )
    conn.execute("INSERT INTO properties (id, name, name_norm) VALUES ('P1', 'Hotel', 'hotel')")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    migrate(conn)
    assert conn.execute("SELECT name FROM properties").fetchall() == [("Hotel",)]
    assert schema_version(conn) == SCHEMA_VERSION


def test_a_file_from_a_newer_bot_is_refused_with_a_plain_reason(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "bot.db")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(RuntimeError, match="newer than this bot"):
        migrate(conn)


def test_versions_increase() -> None:
    """Versions only go up; gaps are allowed, since branches reserve their numbers ahead (issue
    19's offline alerts are 9 while 7, 8 and 10 are others')."""
    versions = [m.version for m in MIGRATIONS]
    assert versions == sorted(set(versions))
