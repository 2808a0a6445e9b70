"""Two processes migrating a new database file at once take turns: the second finds the work done."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.schema import MIGRATIONS, SCHEMA_VERSION, _apply, migrate, schema_version


def test_a_migration_another_process_applied_meanwhile_is_skipped(tmp_path: Path) -> None:
    """Process B read the old version, then A migrated: B's apply sees the new version inside its
    transaction and changes nothing (a non-idempotent ALTER would otherwise fail)."""
    path = tmp_path / "bot.db"
    first, second = sqlite3.connect(path), sqlite3.connect(path)
    assert schema_version(second) == 0  # what B saw before A ran
    assert migrate(first) == SCHEMA_VERSION
    for migration in MIGRATIONS:
        _apply(second, migration)  # B goes on with what it read: every step is now a no-op
    assert schema_version(second) == SCHEMA_VERSION
    first.close()
    second.close()
