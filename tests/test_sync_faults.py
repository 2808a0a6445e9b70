"""`bot sync` under faults: a 404 list is empty, other errors stop it cleanly (never by a signal),
and a sync is background work that follows seed 004's 429 rule to the end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from core_helpers import bot_on

from bot.clients.errors import ServerError
from bot.clock import FakeClock
from bot.sandbox.faults import FaultRule
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World

U = "amzn1.alexa.unit.did."
RUNNER = Path(__file__).with_name("sync_fault_runner.py")


async def test_bot_sync_succeeds_when_an_empty_room_types_room_list_answers_404(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """Hotel A's room type "Empty" answers 404 for its rooms (seed 004's "weren't found"); the
    sync still indexes every property, room type and room."""
    async with bot_on(sandbox, small_world, tmp_path, sync=False) as bot:
        report = await bot.runtime.sync()
        statuses = bot.stats()["statuses"]["GET /enterprise/hospitality/v1/rooms"]
        assert statuses.get("404") == 1
        assert (report.properties, report.room_types, report.rooms) == (2, 3, 6)
        assert [r.room_name for r in bot.runtime.index.find_rooms("204")] == ["204", "204"]


async def test_a_5xx_mid_sync_stops_it_and_keeps_the_previous_index(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """A room list of Hotel B that keeps answering 500 ends the sync with ServerError; Hotel B
    keeps its previous rooms, Hotel A (listed in full) is current, and lookups still work."""
    async with bot_on(sandbox, small_world, tmp_path) as bot:
        sandbox.faults.update(rules=[FaultRule("500", path=f"roomTypeId={U}DOUBLE")])
        small_world.properties[0].roomTypes[0].rooms.pop()  # Amazon changed meanwhile
        with pytest.raises(ServerError):
            await bot.runtime.sync()
        assert len(bot.runtime.index.find_rooms("101")) == 2
        assert bot.runtime.index.counts(f"{U}HOTELB").rooms == 2
        assert bot.runtime.index.counts().rooms == 5


async def test_bot_sync_waits_out_five_429s_on_the_property_list(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """Five 429s in a row on the property list: the sync waits 1, 2, 4, 8 and 16 s (31 s, past
    the 25 s command deadline, because a sync is background work) and then succeeds."""
    clock = FakeClock()
    async with bot_on(sandbox, small_world, tmp_path, sync=False, clock=clock) as bot:
        sandbox.faults.update(
            rules=[FaultRule("429", method="GET", path=r"/properties\?", attempts=5)]
        )
        report = await bot.runtime.sync()
        assert clock.sleeps == [1, 2, 4, 8, 16]
        assert report.properties == 2 and report.rooms == 6
        assert bot.stats()["injected"] == {"injected_429": 5}


@pytest.mark.timeout(360)  # its child process may run 300 s on a loaded machine
def test_no_fault_during_a_sync_ends_the_process_by_a_signal(tmp_path: Path) -> None:
    """Each fault kind (404, 429, 500, dropped connection) hits a room list in the middle of a
    sync, 20 times each, in a process of its own: the process exits normally (no SIGSEGV from
    closing SQLite under the writing thread), 404s and 429s still sync, the others fail cleanly."""
    done = subprocess.run(
        [sys.executable, str(RUNNER), "20", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    outcomes = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcomes == {
        "404": {"synced": 20},
        "429": {"synced": 20},
        "500": {"ServerError": 20},
        "drop": {"TransportError": 20},
    }
