"""A device refresh writes in transactions of at most 5,000 rows (issue 18: a refresh of 1M devices
held the write lock 13-15 s and other writers, the change journal among them, waited)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils

from bot.health import store as health_store
from bot.health.store import HealthStore


def _commits(db: sqlite_utils.Database) -> list[str]:
    seen: list[str] = []
    db.conn.set_trace_callback(
        lambda sql: seen.append(sql) if sql.strip().upper().startswith("COMMIT") else None
    )
    return seen


def test_events_are_written_in_batches_and_counted_once(tmp_path: Path) -> None:
    store = HealthStore(sqlite_utils.Database(tmp_path / "h.db"))
    commits = _commits(store.db)
    rows = [(f"arn:{n}", "CONNECTION", "ONLINE", float(n)) for n in range(12_001)]
    assert store.add_events(rows) == 12_001
    assert len(commits) == 3  # 5,000 + 5,000 + 2,001
    assert store.add_events(rows[:10]) == 0  # stored already: skipped, none counted


def test_the_batch_size_bounds_every_kind_of_refresh_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = HealthStore(sqlite_utils.Database(tmp_path / "h.db"))
    monkeypatch.setattr(health_store, "WRITE_BATCH", 2)
    commits = _commits(store.db)
    store.delete_devices(["a", "b", "c", "d", "e"])
    assert len(commits) == 3
