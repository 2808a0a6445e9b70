"""Run `full_sync` many times under injected faults, in a process of its own (see
tests/test_sync_faults.py): a crash of SQLite (closing a connection under a writing thread) kills
the process with a signal, which only a parent process can observe.

Usage: python tests/sync_fault_runner.py RUNS_PER_KIND DB_DIR; prints one JSON line of outcomes.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter
from pathlib import Path

from bot.clients.asp import AspClient
from bot.clients.errors import ApiError
from bot.clients.lwa import StaticToken
from bot.clock import FakeClock
from bot.index.db import open_index
from bot.index.lookup import Index
from bot.index.sync import full_sync
from bot.sandbox.faults import FaultKind, FaultRule, Faults
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import Organization, Property, Room, RoomType, World

ORG = "amzn1.alexa.unit.did.FAULTORG"
KINDS: tuple[FaultKind, ...] = ("404", "429", "500", "drop")


def world() -> World:
    """Three properties of two room types of four rooms, and one empty room type each."""
    properties = []
    for p in range(3):
        types = [
            RoomType(
                id=f"amzn1.alexa.unit.did.P{p}T{t}",
                name=f"Type {t}",
                rooms=[
                    Room(id=f"amzn1.alexa.unit.did.P{p}T{t}R{r}", name=f"{t}{r:02}")
                    for r in range(12)
                ],
            )
            for t in range(2)
        ]
        types.append(RoomType(id=f"amzn1.alexa.unit.did.P{p}EMPTY", name="Empty"))
        properties.append(
            Property(id=f"amzn1.alexa.unit.did.P{p}", name=f"Hotel {p}", roomTypes=types)
        )
    return World(organization=Organization(id=ORG), properties=properties)


async def one_sync(client: AspClient, db: Path) -> str:
    """Sync once; the outcome's name, after checking that the index still reads."""
    index = Index(open_index(db))
    try:
        await full_sync(index, client, ORG, concurrency=8)
        outcome = "synced"
    except ApiError as error:
        outcome = type(error).__name__
    index.properties()  # the previous (or new) index must still be usable
    index.conn.close()
    return outcome


async def main(runs: int, directory: Path) -> dict[str, dict[str, int]]:
    results: dict[str, dict[str, int]] = {}
    with SandboxServer(world()) as server:
        token = StaticToken(server.state.world.lwa.static_tokens[0])
        async with AspClient(server.url, token, clock=FakeClock()) as client:
            await one_sync(client, directory / "index.db")  # a previous index to keep
            for kind in KINDS:
                outcomes: Counter[str] = Counter()
                for run in range(runs):
                    # One room list fails on every attempt (a 429 on its first two), a different
                    # one each run, while the other properties are being written.
                    room_type = f"amzn1.alexa.unit.did.P{run % 3}T{run % 2}"
                    rule = FaultRule(
                        kind, path=f"roomTypeId={room_type}", attempts=2 if kind == "429" else None
                    )
                    server.reset(server.state, Faults(rules=[rule]))
                    outcomes[await one_sync(client, directory / "index.db")] += 1
                results[kind] = dict(outcomes)
    return results


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(int(sys.argv[1]), Path(sys.argv[2])))))
