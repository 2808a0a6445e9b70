"""On SQLite, one bot server per database file (issue 18): a second live `bot serve` refuses to
start with one line naming the process that serves and what to do; the lock dies with its
process (even by SIGKILL), so a restart is never blocked by a stale file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.serve_lock import hold_single_server
from bot.serving import run_http
from bot.settings import ConfigError

_HOLD = (
    "import sys, time; from pathlib import Path; from bot.serve_lock import hold_single_server;"
    "lock = hold_single_server(Path(sys.argv[1])); print('held', flush=True); time.sleep(120)"
)


@pytest.fixture
def other_server(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process serving tmp_path/bot.db."""
    child = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(tmp_path / "bot.db")], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "held"
    yield child
    child.kill()
    child.wait(timeout=30)
    child.stdout.close()


async def test_a_second_bot_serve_on_the_same_file_refuses_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, other_server: subprocess.Popen[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_DB_PATH", str(tmp_path / "bot.db"))
    for key, value in {
        "ASP_API_URL": "http://127.0.0.1:9", "ASP_ORGANIZATION_ID": "org", "LWA_CLIENT_ID": "c",
        "LWA_CLIENT_SECRET": "s", "LWA_REFRESH_TOKEN": "r",
    }.items():  # fmt: skip
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError) as refused:
        await run_http("127.0.0.1", 0, teams_dev=True)
    line = str(refused.value)
    assert "\n" not in line
    assert f"bot serve, pid {other_server.pid}" in line and "already runs on" in line
    assert "BOT_DATABASE_URL=postgresql://" in line


def test_the_lock_is_freed_when_its_process_is_killed(
    tmp_path: Path, other_server: subprocess.Popen[str]
) -> None:
    db = tmp_path / "bot.db"
    with pytest.raises(ConfigError):
        hold_single_server(db)
    os.kill(other_server.pid, signal.SIGKILL)
    other_server.wait(timeout=30)
    lock = hold_single_server(db)
    try:
        with pytest.raises(ConfigError, match=f"pid {os.getpid()}"):
            hold_single_server(db)  # a second server in one process is refused too
    finally:
        lock.release()
    hold_single_server(db).release()


def test_an_in_memory_database_takes_no_lock() -> None:
    hold_single_server(Path(":memory:")).release()
    hold_single_server(Path(":memory:")).release()
