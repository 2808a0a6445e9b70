"""Very large changes (issue 18, "speed"): a change over a whole property is recorded by its scope
and queued chunk by chunk as it runs; `recent changes`, progress, the reply and recovery count, never
read every row. Real parts: build_runtime, the sandbox over HTTP, the journal on SQLite, and on
PostgreSQL when BOT_TEST_DATABASE_URL is set (bench/bulk_large.py measures the same at 1,000,000
rooms)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from core_helpers import BotUnderTest, bot_on, text_of
from pg_support import fresh_database, needs_postgres
from test_chunks import JAZZ, big_world, jazz_everywhere, puts, uid
from test_replicas_shared_journal_pg import replica

from bot.clock import FakeClock
from bot.core.changes import chunks
from bot.core.changes.chunks import CHUNK_ROWS, chunk_store, work_chunks
from bot.core.changes.recovery import recover
from bot.core.ledger.journal import FAILED, JournalStore
from bot.core.shared.replies import ReplyKind
from bot.sandbox.server import SandboxServer

ROOMS = 1000  # five chunks: more than the planner keeps ahead of the first write (AHEAD 1 here)


def _rows_of(journal: JournalStore, change_id: int) -> int:
    query: Any = journal.query  # type: ignore[attr-defined]  # both backends have it
    return int(query("SELECT COUNT(*) FROM journal WHERE change_id = ?", [change_id])[0][0])


def _targets(bot: BotUnderTest, change_id: int) -> list[str]:
    entry = bot.runtime.services.audit.head(change_id)
    assert entry is not None
    return entry.targets


class Stalled:
    """The bot's station writes, held at the first one (as if Amazon never answered it)."""

    def __init__(self, bot: BotUnderTest) -> None:
        self.asp = bot.runtime.services.asp
        self.write = self.asp.set_default_station
        self.reached = asyncio.Event()
        self.release = asyncio.Event()
        self.calls = 0

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        self.reached.set()
        await self.release.wait()
        return await self.write(*args, **kwargs)

    def __enter__(self) -> Stalled:
        self.asp.set_default_station = self  # type: ignore[method-assign]
        return self

    def __exit__(self, *_: object) -> None:
        self.asp.set_default_station = self.write  # type: ignore[method-assign]


async def _stalled_change(bot: BotUnderTest) -> tuple[asyncio.Task[Any], Stalled, int]:
    """`set all rooms … to jazz` confirmed, held at its first write; its change id."""
    ask = await bot.say("set all rooms at Chunk Hotel to jazz")
    assert ask.kind == ReplyKind.CONFIRM, text_of(ask)
    stalled = Stalled(bot).__enter__()
    change = asyncio.ensure_future(bot.say("yes"))
    await asyncio.wait_for(stalled.reached.wait(), 60)
    change_id = bot.runtime.services.audit.last_id()
    return change, stalled, change_id


async def test_a_change_over_a_whole_property_records_its_scope_and_sends_before_queueing_it_all(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At its first write, a 1,000-room change has queued only its first chunks (the planner
    keeps AHEAD ahead); its audit entry names the property, not 1,000 ids; it ends with every room
    written once and the summary counted."""
    monkeypatch.setattr(chunks, "AHEAD", 1)
    world = big_world(ROOMS)
    async with bot_on(sandbox, world, tmp_path) as bot:
        change, stalled, change_id = await _stalled_change(bot)
        queued = _rows_of(bot.runtime.services.journal, change_id)
        assert 0 < queued <= (chunks.AHEAD + 2) * CHUNK_ROWS < ROOMS
        assert _targets(bot, change_id) == [f"property:{uid('P0')}"]
        stalled.release.set()
        done = await asyncio.wait_for(change, 120)
        stalled.__exit__()
        assert done.kind == ReplyKind.SUCCESS, text_of(done)
        assert f"Set {ROOMS} of {ROOMS} rooms" in done.headline
        assert _rows_of(bot.runtime.services.journal, change_id) == ROOMS
        entry = bot.runtime.services.audit.head(change_id)
        assert entry is not None and entry.outcome == "ok"
    assert jazz_everywhere(world)
    assert len(puts(sandbox)) == ROOMS and set(puts(sandbox).values()) == {1}


async def test_recent_changes_during_a_chunked_change_counts_it_without_reading_its_rows(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another user's `recent changes` while the change runs lists it as running with all its
    rooms (the ones not queued yet included), from counts: reading the journal's rows fails here."""
    world = big_world(ROOMS)
    async with bot_on(sandbox, world, tmp_path) as bot:
        change, stalled, _ = await _stalled_change(bot)
        journal = type(bot.runtime.services.journal)

        def no_rows(*_: object, **__: object) -> object:
            raise AssertionError("recent changes read the journal's rows")

        with monkeypatch.context() as patched:
            patched.setattr(journal, "rows_of", no_rows)
            patched.setattr(journal, "rows", no_rows)
            shown = await bot.say("recent changes", user="bob")
        assert shown.table is not None, text_of(shown)
        row = next(r for r in shown.table.rows if "set all rooms" in r[2])
        assert row[3] == "running" and row[4] == str(ROOMS)
        stalled.release.set()
        await asyncio.wait_for(change, 120)
        stalled.__exit__()
        shown = await bot.say("recent changes", user="bob")
        assert shown.table is not None
        row = next(r for r in shown.table.rows if "set all rooms" in r[2])
        assert row[3] == "ok" and row[4] == str(ROOMS)


async def test_a_change_stopped_before_its_plan_was_queued_is_told_whole_and_retried_whole(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The bot stops at the first write of a 1,000-room change (most rooms not even queued):
    recovery records the rooms never queued as not sent, the notice counts all 1,000, and
    `retry failed` writes every room once."""
    world = big_world(ROOMS)
    async with bot_on(sandbox, world, tmp_path) as bot:
        change, stalled, change_id = await _stalled_change(bot)
        change.cancel()  # the process stops here (the write never reached Amazon)
        with pytest.raises(asyncio.CancelledError):
            await change
        stalled.__exit__()
        services = bot.runtime.services
        report = await recover(services)
        assert report.closed == [change_id]
        [notice] = services.journal.open_notices("alice")
        assert f"Your change of {ROOMS} rooms" in notice.text, notice.text
        assert f"0 applied, {ROOMS} not" in notice.text, notice.text
        assert services.journal.counts([change_id])[change_id].by_state == {FAILED: ROOMS}
        assert _rows_of(services.journal, change_id) == ROOMS
        assert chunk_store(services).left(change_id) == 0
        retried = await bot.say(f"retry failed {change_id:06d}")
        if retried.kind == ReplyKind.CONFIRM:
            retried = await bot.say("yes")
        assert retried.kind == ReplyKind.SUCCESS, text_of(retried)
    assert jazz_everywhere(world)
    assert len(puts(sandbox)) == ROOMS and set(puts(sandbox).values()) == {1}


async def test_a_yes_after_a_room_of_the_property_was_changed_asks_again_naming_it(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A confirmation over a whole property is checked by its scope (no list of ids): a room of
    it changed since the question is named, and nothing is written until the new yes."""
    world = big_world()
    async with bot_on(sandbox, world, tmp_path) as bot:
        assert (await bot.say("set all rooms at Chunk Hotel to jazz")).kind == ReplyKind.CONFIRM
        changed = await bot.say("set room 100 at Chunk Hotel to pop", user="bob")
        assert changed.kind == ReplyKind.SUCCESS, text_of(changed)
        bot.reset_stats()
        again = await bot.say("yes")
        assert again.kind == ReplyKind.CONFIRM, text_of(again)
        assert "Room 100 was changed since you were asked" in again.headline
        assert bot.mutating_requests() == {}


# --- PostgreSQL: the plan of a request that died --------------------------------------------------


@needs_postgres
async def test_a_replicas_worker_takes_over_the_plan_of_a_dead_request_and_finishes_it(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A request died after queueing the first chunk of a 450-room plan: another replica's
    worker takes the plan over (its lease expired), queues the rest from its own index, writes
    every room once and closes the change once, with a notice to its author."""
    world = big_world()
    sandbox.reset(world)
    clock = FakeClock()
    with fresh_database() as url:
        async with (
            replica(sandbox, world, tmp_path / "a", url, clock) as first,
            replica(sandbox, world, tmp_path / "b", url, clock) as second,
        ):
            change_id = _dead_plan(first)
            done = await work_chunks(second.runtime.services)
            assert done == 3
            services = second.runtime.services
            entry = services.audit.head(change_id)
            assert entry is not None and entry.outcome == "ok"
            [notice] = services.journal.open_notices("U1")
            assert "450 of 450 done" in notice.text
            assert _rows_of(services.journal, change_id) == 450
    assert jazz_everywhere(world)
    assert len(puts(sandbox)) == 450 and set(puts(sandbox).values()) == {1}


def _dead_plan(bot: BotUnderTest) -> int:
    """A change over Chunk Hotel whose request (on another host) queued one chunk and died."""
    from bot.core.changes.chunks import Planner
    from bot.core.ledger.journal import Author
    from bot.core.ledger.plans import RoomWrite, ScopePlan
    from bot.index.lookup import ScopeRooms

    services = bot.runtime.services
    now = services.clock.now()
    change_id = services.audit.record(
        at=now, platform="slack", user="U1", channel="C1",
        text="set all rooms at Chunk Hotel to jazz", command="SetStation", parsed="-",
        targets=[f"property:{uid('P0')}"], outcome="running",
        detail="running in process gone:17:tdead",
    )  # fmt: skip
    rooms = ScopeRooms(services.index, uid("P0"))
    plan = ScopePlan.of(rooms, [RoomWrite("station", JAZZ)], "Chunk Hotel")
    store = chunk_store(services)
    planner = Planner(services, store, change_id, plan, Author("slack", "U1", "C1", "SetStation"))
    planner.begin()
    journal: Any = services.journal
    journal.write(
        lambda conn: (
            conn.execute(
                "UPDATE change_leases SET owner = 'gone:17:tdead', lease_until = 0"
                " WHERE change_id = %s",
                (change_id,),
            ),
            conn.execute(
                "UPDATE change_plans SET planner = 'gone:17:tdead', planner_until = 0"
                " WHERE change_id = %s",
                (change_id,),
            ),
        )
    )
    assert json.loads(str(journal.query("SELECT properties FROM change_plans", [])[0][0])) == [
        "Chunk Hotel"
    ]
    return change_id
