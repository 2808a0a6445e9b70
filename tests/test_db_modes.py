"""The database holds the rotated LWA refresh token: created 0600 (WAL and SHM files too) in a 0700
folder, and a file left readable by others is narrowed when opened."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bot.index.db import file_modes, open_index


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_is_private_to_its_owner(tmp_path: Path) -> None:
    """A new file in a new folder: file 600, folder 700, and the WAL/SHM files 600 after a write,
    even with a permissive umask."""
    old = os.umask(0o022)
    try:
        path = tmp_path / "data" / "bot.db"
        db = open_index(path)
        with db.conn:
            db.conn.execute("INSERT INTO credentials (key, value) VALUES ('lwa:x', 'Atzr|secret')")
    finally:
        os.umask(old)
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    for sidecar in ("bot.db-wal", "bot.db-shm"):
        assert mode(path.parent / sidecar) == 0o600, sidecar
    assert file_modes(path) == {"file": 0o600, "folder": 0o700}
    db.conn.close()


def test_an_existing_readable_file_is_narrowed(tmp_path: Path) -> None:
    """A 0644 file from an older bot is 0600 once opened; an existing folder is left as it is."""
    path = tmp_path / "bot.db"
    open_index(path).conn.close()
    os.chmod(path, 0o644)
    folder = mode(tmp_path)
    open_index(path).conn.close()
    assert mode(path) == 0o600 and mode(tmp_path) == folder


def test_the_doctor_reports_the_modes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`bot doctor`'s database check: ok when private, FAIL naming chmod when the file is readable."""
    from bot.doctor import Status, check_database

    path = tmp_path / "data" / "bot.db"
    assert [c.status for c in check_database(path)] == [Status.OK, Status.OK]
    os.chmod(path.parent, 0o755)
    assert check_database(path)[1].status == Status.WARN
    os.chmod(path, 0o644)
    os.chmod(path.parent, 0o700)
    # a file the bot cannot narrow (owned by someone else): the doctor says what to run
    monkeypatch.setattr(os, "chmod", lambda *args, **kwargs: None)
    check = check_database(path)[1]
    assert check.status == Status.FAIL and f"chmod 600 {path}" in check.fix
