"""`kill -9` in the middle of a bulk change: after a restart every room changed at Amazon is in the
audit, the user is told what happened, and `undo` reverts exactly those rooms (not an earlier change).

A real `bot console` subprocess talks over HTTP to the sandbox of this test process (slowed by
latency so the run is still going when it is killed); its database is a file in tmp.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from core_helpers import settings_for
from journal_support import HOTEL, JAZZ, journal_world, stations_of

from bot.core.ledger.audit import AuditLog
from bot.index.db import open_index
from bot.sandbox.server import SandboxServer

CLASSICAL = {"providerId": "I_HEART_RADIO", "stationId": "6377"}
ROOMS = 60


def _env(sandbox: SandboxServer, tmp_path: Path) -> dict[str, str]:
    world = sandbox.state.world
    settings = settings_for(sandbox, world, tmp_path / "bot.db")
    config = tmp_path / "bot.toml"
    config.write_text(
        f'[[properties]]\nname = "{HOTEL}"\ncountry = "US"\n\n[bot]\nbulk_concurrency = 4\n',
        encoding="utf-8",
    )
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SLACK_", "LWA_"))}
    return {
        **keep,
        "ASP_API_URL": str(settings.asp_api_url),
        "LWA_TOKEN_URL": settings.lwa_token_url,
        "ASP_ORGANIZATION_ID": str(settings.asp_organization_id),
        "LWA_CLIENT_ID": str(settings.lwa_client_id),
        "LWA_CLIENT_SECRET": str(settings.lwa_client_secret),
        "LWA_REFRESH_TOKEN": str(settings.lwa_refresh_token),
        "BOT_DB_PATH": str(tmp_path / "bot.db"),
        "BOT_CONFIG": str(config),
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }


def _console(env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "console", "--user", "alice"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=cwd,
    )


def _say(env: dict[str, str], cwd: Path, lines: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--user", "alice"],
        input=lines, capture_output=True, text=True, env=env, cwd=cwd, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


@pytest.mark.timeout(600)  # three console processes (120 s each at most) and a run to kill
def test_kill_9_mid_run_then_restart_audits_every_applied_room_and_undo_reverts_only_them(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """An earlier change (room 360 to jazz), then 60 rooms to classical killed with SIGKILL after
    some writes: the restart tells alice the change was interrupted (so many applied, so many not),
    the audit holds exactly the rooms Amazon changed as applied, and `undo` puts back exactly those
    rooms while room 360 keeps jazz."""
    sandbox.reset(journal_world(ROOMS + 1))
    env = _env(sandbox, tmp_path)
    rooms = sandbox.state.world.properties[0].roomTypes[0].rooms
    _say(env, tmp_path, f"set room {301 + ROOMS} at {HOTEL} to jazz\n")
    original = stations_of(rooms)
    sandbox.sandbox.faults.update(latency_ms=60)
    sandbox.sandbox.stats.reset()

    proc = _console(env, tmp_path)
    assert proc.stdin is not None
    proc.stdin.write(f"set rooms 301-{300 + ROOMS} at {HOTEL} to classical\nyes\n")
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while sum(sandbox.sandbox.stats.snapshot()["station_puts"].values()) < 12:
        assert time.monotonic() < deadline and proc.poll() is None, "the run never got going"
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    proc.communicate()  # close the pipes of the killed process (they would leak otherwise)
    time.sleep(0.3)  # let the sandbox finish the writes already on their way
    sandbox.sandbox.faults.update(latency_ms=0)

    changed = {r.name for r in rooms if r.station and r.station.model_dump() == CLASSICAL}
    assert 0 < len(changed) < ROOMS

    told = _say(env, tmp_path, "")
    assert "was interrupted" in told, told
    assert f"{len(changed)} applied, {ROOMS - len(changed)} not" in told, told

    log = AuditLog(open_index(tmp_path / "bot.db"))
    entry = next(e for e in log.entries() if e.command == "SetStation" and len(e.targets) == ROOMS)
    assert entry.outcome == "partial" and "interrupted" in entry.detail
    applied = {c.unit_name for c in entry.changes if c.state == "applied"}
    assert applied == changed
    assert all(c.before == original[c.unit_name] for c in entry.changes if c.state == "applied")

    undone = _say(env, tmp_path, "undo\n")
    assert "Undone" in undone, undone
    assert stations_of(rooms) == original
    assert rooms[-1].station is not None and rooms[-1].station.model_dump() == JAZZ
