"""Caches of the hierarchy (name tables, the lexicon, room lookups) are per process and stay valid
until the hierarchy changes, here or in another process (issue 18): a commit by another process to
the journal, the audit log or device health no longer makes the next message rebuild them, and a
sync or rename by another process is seen by the next message."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.core.ledger.audit import AuditLog
from bot.core.understanding.lexicon import lexicon_for
from bot.index.db import open_index
from bot.index.lookup import Index


def _two_processes(tmp_path: Path) -> tuple[Index, Index]:
    """Two connections to one file, as two processes have (PRAGMA data_version tells them apart)."""
    path = tmp_path / "bot.db"
    serving, other = Index(open_index(path)), Index(open_index(path))
    serving.upsert_property("P1", "Harbor View", organization_id="org")
    return serving, other


def test_another_processs_journal_write_keeps_the_caches(tmp_path: Path) -> None:
    serving, other = _two_processes(tmp_path)
    lexicon = lexicon_for(serving)
    key = serving.cache_key()
    AuditLog(other.db).record(
        at=datetime.now(UTC), platform="console", user="u", channel=None, text="t",
        command="SetStation", parsed="-", targets=[], outcome="ok",
    )  # fmt: skip
    assert serving.cache_key() == key
    assert lexicon_for(serving) is lexicon  # not rebuilt


def test_another_processs_rename_is_seen_by_the_next_lookup(tmp_path: Path) -> None:
    serving, other = _two_processes(tmp_path)
    assert [p.name for p in serving.find_properties("Harbor View")] == ["Harbor View"]
    before = lexicon_for(serving)
    other.rename_property("P1", "Lakeside")
    assert lexicon_for(serving) is not before
    assert [p.name for p in serving.find_properties("Lakeside")] == ["Lakeside"]
