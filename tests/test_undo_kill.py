"""`kill -9` at a random point of an `undo` (issue 20, acceptance): after a restart the undo is in
the audit, its author is told ("Your undo of 20 rooms … was interrupted: … Say `undo` again to
finish putting back …"), and the next `undo` finishes it: every room is as before the change.

A real `bot console` subprocess (as in tests/test_journal_kill.py) is killed with SIGKILL once the
sandbox has served a chosen number of station reads and writes of the undo (reading rooms
included). `UNDO_KILL_TRIALS` sets the number of trials (3 by default; 20 for the acceptance run).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from journal_support import HOTEL, journal_world, stations_of
from test_journal_kill import _console, _env, _say

from bot.core.ledger.audit import AuditLog
from bot.index.db import open_index
from bot.sandbox.server import SandboxServer

ROOMS = 20
TRIALS = int(os.environ.get("UNDO_KILL_TRIALS", "3"))
STATION = "/v2/units/{unitId}/settings/MusicExperience.defaultStationPreferences"


def _station_calls(sandbox: SandboxServer) -> int:
    requests = sandbox.sandbox.stats.snapshot()["requests"]
    return int(requests.get(f"GET {STATION}", 0) + requests.get(f"PUT {STATION}", 0))


def _kill_point(trial: int) -> int:
    """Spread over the undo's reads (before and during the writes) and writes; deterministic."""
    return 1 + (trial * 7919 + 13) % (2 * ROOMS + ROOMS // 2)


@pytest.mark.parametrize("trial", range(TRIALS))
def test_kill_9_at_a_random_point_of_an_undo_then_undo_finishes_it(
    sandbox: SandboxServer, tmp_path: Path, trial: int
) -> None:
    """The kill point of this trial is a number of station reads and writes of the undo."""
    sandbox.reset(journal_world(ROOMS))
    env = _env(sandbox, tmp_path)
    rooms = sandbox.state.world.properties[0].roomTypes[0].rooms
    original = stations_of(rooms)
    _say(env, tmp_path, f"set rooms 301-{300 + ROOMS} at {HOTEL} to jazz\nyes\n")
    assert all(r.station and r.station.stationId == "4242" for r in rooms)
    sandbox.sandbox.faults.update(latency_ms=60)
    sandbox.sandbox.stats.reset()

    proc = _console(env, tmp_path)
    assert proc.stdin is not None
    proc.stdin.write("undo\n")
    proc.stdin.flush()
    point = _kill_point(trial)
    deadline = time.monotonic() + 60
    while _station_calls(sandbox) < point:
        assert time.monotonic() < deadline and proc.poll() is None, "the undo never got going"
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    proc.communicate()  # close the pipes of the killed process (they would leak otherwise)
    time.sleep(0.3)  # let the sandbox finish the requests already on their way
    sandbox.sandbox.faults.update(latency_ms=0)

    log = AuditLog(open_index(tmp_path / "bot.db"))
    [undo] = [e for e in log.entries() if e.command == "Undo"]  # journaled from its first step
    told = _say(env, tmp_path, "")
    assert f"Your undo of {ROOMS} rooms" in told and "was interrupted" in told, told
    put_back = sum(1 for r in rooms if r.station and r.station.stationId != "4242")
    if put_back < ROOMS:
        assert "Say `undo` again to finish putting back" in told, told
        finished = _say(env, tmp_path, "undo\n")
        assert "Finishing your undo" in finished, finished
    else:
        assert "nothing more to do" in told, told
    assert stations_of(rooms) == original
    assert undo.undoes is not None
