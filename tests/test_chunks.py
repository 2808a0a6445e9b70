"""Bulk changes in chunks (issue 18 item 4): a change over more than CHUNK_ROWS rooms is split into
chunks that any worker claims. On SQLite the request is the one worker; on PostgreSQL every
replica's worker claims chunks (SKIP LOCKED leases), a chunk of a dead worker is taken over and its
uncertain rooms read back before anything is written, and the change is closed once, by whoever
completes the last chunk when its request is gone. Real parts: build_runtime, the sandbox over
HTTP, PostgreSQL when BOT_TEST_DATABASE_URL is set."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from core_helpers import BotUnderTest, bot_on, text_of
from pg_support import fresh_database, needs_postgres
from test_replicas_shared_journal_pg import replica

from bot.clients.models import StationPreference
from bot.clock import FakeClock
from bot.core.changes.chunks import CHUNK_ROWS, chunk_store, work_chunks
from bot.core.changes.recovery import recover
from bot.core.ledger.journal import APPLIED, Author, JournalStore, Planned, SqliteJournal
from bot.core.shared.replies import ReplyKind
from bot.pg.journal import PgJournal
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import Organization, Property, Room, RoomType, Station, World

ORG = "amzn1.alexa.unit.did.CHUNKORG"
JAZZ = {"providerId": "I_HEART_RADIO", "stationId": "4242"}
POP = Station(providerId="I_HEART_RADIO", stationId="4422")
ROOMS = 450  # three chunks


def uid(name: str) -> str:
    return f"amzn1.alexa.unit.did.{name}"


def big_world(rooms: int = ROOMS) -> World:
    types = [
        RoomType(
            id=uid(f"T{t}"),
            name=f"Type {t}",
            rooms=[
                Room(id=uid(f"T{t}R{r}"), name=f"{t + 1}{r:02d}", station=POP if r % 2 else None)
                for r in range(min(100, rooms - t * 100))
            ],
        )
        for t in range((rooms + 99) // 100)
    ]
    prop = Property(id=uid("P0"), name="Chunk Hotel", country="US", timezone="UTC", roomTypes=types)
    return World(organization=Organization(id=ORG), properties=[prop])


@pytest.fixture
async def two_replicas(
    sandbox: SandboxServer, tmp_path: Path
) -> AsyncIterator[tuple[BotUnderTest, BotUnderTest, World]]:
    """Two bots on one PostgreSQL (each its own SQLite index), serving a 450-room property."""
    world = big_world()
    sandbox.reset(world)
    clock = FakeClock()
    with fresh_database() as url:
        async with (
            replica(sandbox, world, tmp_path / "a", url, clock) as first,
            replica(sandbox, world, tmp_path / "b", url, clock) as second,
        ):
            yield first, second, world


def jazz_everywhere(world: World) -> bool:
    return all(
        room.station is not None and room.station.model_dump() == JAZZ
        for room_type in world.properties[0].roomTypes
        for room in room_type.rooms
    )


def puts(server: SandboxServer) -> dict[str, int]:
    found: dict[str, int] = server.sandbox.stats.snapshot()["station_puts"]
    return found


async def test_a_change_over_many_rooms_runs_in_chunks_each_room_written_once(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    world = big_world()
    async with bot_on(sandbox, world, tmp_path) as bot:
        assert (await bot.say("set all rooms at Chunk Hotel to jazz")).kind == ReplyKind.CONFIRM
        done = await bot.say("yes")
        assert done.kind == ReplyKind.SUCCESS, text_of(done)
        assert str(ROOMS) in text_of(done)
        services = bot.runtime.services
        change = services.audit.last_own_change("alice", None)
        assert change is not None and change.outcome == "ok"
        store = chunk_store(services)
        assert store.left(change.id) == 0
        counts = store.counts(change.id)
        assert counts.total == ROOMS and counts.ok == ROOMS
        chunks = _writable(services.journal).write(
            lambda conn: conn.execute(
                "SELECT COUNT(*) FROM change_chunks WHERE change_id = ?", (change.id,)
            ).fetchall()[0][0]
        )
        assert chunks == -(-ROOMS // CHUNK_ROWS)
    assert jazz_everywhere(world)
    assert len(puts(sandbox)) == ROOMS and set(puts(sandbox).values()) == {1}


async def test_undo_of_a_chunked_change_puts_every_room_back(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    world = big_world()
    async with bot_on(sandbox, world, tmp_path) as bot:
        await bot.say("set all rooms at Chunk Hotel to jazz")
        await bot.say("yes")
        undone = await bot.say("undo")
        if undone.kind == ReplyKind.CONFIRM:
            undone = await bot.say("yes")
        assert undone.kind == ReplyKind.SUCCESS, text_of(undone)
        first = bot.runtime.services.audit.get(1)
        assert first is not None and first.undone_by is not None
    # the rooms that had a station have it back (a room that had none cannot be cleared)
    assert all(
        r.station == POP
        for rt in world.properties[0].roomTypes
        for n, r in enumerate(rt.rooms)
        if n % 2
    )


# --- PostgreSQL: several workers ----------------------------------------------------------------


def _dead_change(bot: BotUnderTest, rooms: int) -> tuple[int, list[int]]:
    """A chunked change whose request (replica on another host) died: its lease has expired."""
    services = bot.runtime.services
    now = services.clock.now()
    index_rooms = [
        (room.room_id, room.room_name)
        for room in (services.index.room(uid(f"T{n // 100}R{n % 100}")) for n in range(rooms))
        if room is not None
    ]
    change_id = services.audit.record(
        at=now, platform="slack", user="U1", channel="C1",
        text="set all rooms at Chunk Hotel to jazz", command="SetStation", parsed="-",
        targets=[uid("P0")], outcome="running", detail="running in process gone:17:tdead",
    )  # fmt: skip
    planned = [
        Planned(room_id, name, "Chunk Hotel", "station", JAZZ) for room_id, name in index_rooms
    ]
    rows = services.journal.queue(
        change_id, Author("slack", "U1", "C1", "SetStation"), planned, now
    )
    _writable(services.journal).write(
        lambda conn: conn.execute(
            "UPDATE change_leases SET owner = 'gone:17:tdead', lease_until = 0"
            " WHERE change_id = %s",
            (change_id,),
        )
    )
    chunk_store(services).split(change_id, [r.id for r in rows], CHUNK_ROWS)
    return change_id, [r.id for r in rows]


@needs_postgres
async def test_workers_of_two_replicas_share_the_chunks_and_close_the_change_once(
    sandbox: SandboxServer, two_replicas: tuple[BotUnderTest, BotUnderTest, World]
) -> None:
    first, second, world = two_replicas
    change_id, _ = _dead_change(first, ROOMS)
    done = await asyncio.gather(
        work_chunks(first.runtime.services), work_chunks(second.runtime.services)
    )
    assert sum(done) == 3
    entry = first.runtime.services.audit.get(change_id)
    assert entry is not None and entry.outcome == "ok"
    notices = first.runtime.services.journal.open_notices("U1")
    assert len(notices) == 1 and f"{ROOMS} of {ROOMS} done" in notices[0].text
    # a recovery sweep afterwards finds nothing to close or tell
    first.clock.advance(120)  # type: ignore[attr-defined]
    report = await recover(second.runtime.services)
    assert report.closed == [] and len(first.runtime.services.journal.open_notices()) == 1
    assert jazz_everywhere(world)
    assert len(puts(sandbox)) == ROOMS and set(puts(sandbox).values()) == {1}


@needs_postgres
async def test_a_chunk_taken_over_reads_back_the_room_its_dead_worker_wrote(
    sandbox: SandboxServer, two_replicas: tuple[BotUnderTest, BotUnderTest, World]
) -> None:
    """The dead worker had sent room T0R0's write (row pending) when it died: the worker taking
    its chunk over reads the room back, settles it applied, and does not write it again."""
    _, second, world = two_replicas
    services = second.runtime.services
    change_id, _ = _dead_change(second, ROOMS)
    first_row = services.journal.rows(change_id)[0]
    await services.asp.set_default_station(
        first_row.unit_id, StationPreference.model_validate(JAZZ)
    )
    _writable(services.journal).write(
        lambda conn: (
            conn.execute(
                "UPDATE change_chunks SET state = 'running', owner = 'gone:17:tdead',"
                " lease_until = 0, generation = 1 WHERE change_id = %s AND chunk = 0",
                (change_id,),
            ),
            conn.execute("UPDATE journal SET state = 'pending' WHERE id = %s", (first_row.id,)),
        )
    )
    sandbox.sandbox.stats.reset()
    assert await work_chunks(services) == 3
    assert services.journal.rows(change_id)[0].state == APPLIED
    entry = services.audit.get(change_id)
    assert entry is not None and entry.outcome == "ok"
    assert first_row.unit_id not in puts(sandbox)
    assert len(puts(sandbox)) == ROOMS - 1 and set(puts(sandbox).values()) == {1}
    assert jazz_everywhere(world)


@needs_postgres
async def test_a_chunked_change_confirmed_on_one_replica_is_helped_by_another(
    sandbox: SandboxServer, two_replicas: tuple[BotUnderTest, BotUnderTest, World]
) -> None:
    """The request runs its chunks while the other replica's worker claims some too: every room
    written once, the change closed once by the request (its reply is the summary), no notice."""
    first, second, world = two_replicas
    ask = await first.say("set all rooms at Chunk Hotel to jazz", platform="slack", channel="C1")
    assert ask.kind == ReplyKind.CONFIRM, text_of(ask)

    async def helper() -> int:
        total = 0
        for _ in range(40):
            total += await work_chunks(second.runtime.services)
            await asyncio.sleep(0.05)
        return total

    done, _ = await asyncio.gather(first.say("yes", platform="slack", channel="C1"), helper())
    assert done.kind == ReplyKind.SUCCESS, text_of(done)
    change = first.runtime.services.audit.last_own_change("alice", "C1")
    assert change is not None and change.outcome == "ok"
    assert first.runtime.services.journal.open_notices() == []
    assert jazz_everywhere(world)
    assert len(puts(sandbox)) == ROOMS and set(puts(sandbox).values()) == {1}


def _writable(journal: JournalStore) -> SqliteJournal | PgJournal:
    """The journal's own store, for the raw statements a test sets its scene with."""
    assert isinstance(journal, SqliteJournal | PgJournal)
    return journal
