"""Two replicas (each its own SQLite index) sharing one PostgreSQL through BOT_DATABASE_URL (issue
18): the audit log, change journal, deliveries, notices and change leases are shared, so a repeated
delivery that reaches both replicas is applied once, `undo` on one replica undoes the change made
on the other, and a change left running by a replica that died is recovered by the other once its
lease has expired, with one notice. Real parts: build_runtime, the sandbox over HTTP, PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from core_helpers import BotUnderTest, config_for, settings_for, text_of
from pg_support import fresh_database, needs_postgres

from bot.clock import FakeClock
from bot.core.changes.recovery import recover
from bot.core.ledger import leases
from bot.core.ledger.journal import Author, Planned
from bot.core.shared.replies import ReplyKind
from bot.doctor import Status, check_shared_database
from bot.runtime import build_runtime
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import Station, World
from bot.schema import PG_SCHEMA_VERSION

pytestmark = needs_postgres

A = "amzn1.alexa.unit.did."
POP = {"providerId": "I_HEART_RADIO", "stationId": "4422"}


@asynccontextmanager
async def replica(
    server: SandboxServer,
    world: World,
    folder: Path,
    url: str,
    clock: FakeClock,
    refresh_token: str | None = None,
) -> AsyncIterator[BotUnderTest]:
    settings = settings_for(server, world, folder / "bot.db").model_copy(
        update={"bot_database_url": url}
        | ({"lwa_refresh_token": refresh_token} if refresh_token else {})
    )
    runtime = await build_runtime(settings, config_for(world), clock=clock, with_health=False)
    try:
        await runtime.sync()
        yield BotUnderTest(runtime, server, clock)
    finally:
        await runtime.aclose()


@pytest.fixture
async def two_replicas(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> AsyncIterator[tuple[BotUnderTest, BotUnderTest]]:
    clock = FakeClock()
    with fresh_database() as url:
        async with (
            replica(sandbox, small_world, tmp_path / "a", url, clock) as first,
            replica(sandbox, small_world, tmp_path / "b", url, clock) as second,
        ):
            yield first, second


async def test_a_delivery_reaching_two_replicas_is_applied_once(
    two_replicas: tuple[BotUnderTest, BotUnderTest],
) -> None:
    first, second = two_replicas
    applied = await first.say(
        "set room 101 at Hotel A to pop", platform="slack", channel="C1", request_id="Ev1"
    )
    assert applied.kind == ReplyKind.SUCCESS, text_of(applied)
    first.reset_stats()
    again = await second.say(
        "set room 101 at Hotel A to pop", platform="slack", channel="C1", request_id="Ev1"
    )
    assert "repeated delivery" in again.headline
    assert not first.mutating_requests()


async def test_undo_on_one_replica_undoes_the_change_made_on_the_other(
    two_replicas: tuple[BotUnderTest, BotUnderTest],
) -> None:
    first, second = two_replicas
    await first.say("set room 101 at Hotel A to jazz", user="U1", platform="slack", channel="C1")
    jazz = first.station("Hotel A", "101")
    await first.say("set room 101 at Hotel A to pop", user="U1", platform="slack", channel="C1")
    assert first.station("Hotel A", "101") == ("I_HEART_RADIO", "4422")
    undone = await second.say("undo", user="U1", platform="slack", channel="C1")
    assert undone.kind == ReplyKind.SUCCESS, text_of(undone)
    assert first.station("Hotel A", "101") == jazz != ("I_HEART_RADIO", "4422")


async def test_a_change_of_a_dead_replica_is_recovered_by_another_after_its_lease(
    two_replicas: tuple[BotUnderTest, BotUnderTest],
) -> None:
    """Replica A (another host, killed) left a change running: B leaves it alone while A's lease
    runs, then claims it, settles its rows against Amazon and closes it; one notice, and a
    recovery on A's twin finds nothing more to do."""
    first, second = two_replicas
    services = first.runtime.services
    now = services.clock.now()
    change_id = services.audit.record(
        at=now, platform="slack", user="U1", channel="C1", text="set rooms 101, 102 at Hotel A to pop",
        command="SetStation", parsed="-", targets=[f"{A}A101", f"{A}A102"], outcome="running",
        detail="running in process replica-a:17:tdead",
    )  # fmt: skip
    author = Author("slack", "U1", "C1", "SetStation")
    planned = [Planned(f"{A}{n}", n[1:], "Hotel A", "station", POP) for n in ("A101", "A102")]
    row, _ = services.journal.queue(change_id, author, planned, now)
    services.journal.begin(row, None, now)
    services.audit.journal.write(
        lambda conn: conn.execute(
            "UPDATE change_leases SET owner = 'replica-a:17:tdead' WHERE change_id = %s",
            (change_id,),
        )
    )
    first.room("Hotel A", "101").station = Station(**POP)  # Amazon applied it; A died
    assert (await recover(second.runtime.services)).closed == []
    first.clock.advance(leases.LEASE_S + 1)  # type: ignore[attr-defined]
    report = await recover(second.runtime.services)
    assert report.closed == [change_id] and len(report.notices) == 1
    assert (await recover(first.runtime.services)).closed == []
    entry = first.runtime.services.audit.get(change_id)
    assert entry is not None and [c.state for c in entry.changes] == ["applied", "failed"]


def test_doctor_names_the_shared_database_and_its_schema() -> None:
    with fresh_database() as url:
        check = check_shared_database(url)
    assert check.status == Status.OK
    assert "PostgreSQL 15" in check.detail or "PostgreSQL 1" in check.detail
    current = f"schema version {PG_SCHEMA_VERSION} of {PG_SCHEMA_VERSION}"
    assert current in check.detail and "@" not in check.detail


def test_doctor_says_plainly_when_the_database_does_not_answer() -> None:
    check = check_shared_database("postgresql://bot@127.0.0.1:9/none?connect_timeout=1")
    assert check.status == Status.FAIL and "127.0.0.1:9/none" in check.detail
    assert "\n" not in check.line()


async def test_undo_on_another_replica_waits_for_the_change_still_running(
    two_replicas: tuple[BotUnderTest, BotUnderTest],
) -> None:
    """A change on A and `undo` on B while A is still writing: B's turn waits on the conversation's
    advisory lock, then undoes that change (without it, the undo found the user's previous
    change: 3 of 3 in the issue)."""
    first, second = two_replicas
    await first.say("set room 101 at Hotel A to jazz", user="U1", platform="slack", channel="C1")
    jazz = first.station("Hotel A", "101")
    asp = first.runtime.services.asp
    writing, release = asyncio.Event(), asyncio.Event()
    real_write = asp.set_default_station

    async def held_write(*args: Any, **kwargs: Any) -> Any:
        writing.set()
        await release.wait()
        return await real_write(*args, **kwargs)

    setattr(asp, "set_default_station", held_write)  # noqa: B010 (a method of the port)
    change = asyncio.create_task(
        first.say("set room 101 at Hotel A to pop", user="U1", platform="slack", channel="C1")
    )
    await asyncio.wait_for(writing.wait(), 10)
    undo = asyncio.create_task(second.say("undo", user="U1", platform="slack", channel="C1"))
    await _until_a_turn_waits(first)
    assert not undo.done()
    release.set()
    assert (await asyncio.wait_for(change, 10)).kind == ReplyKind.SUCCESS
    undone = await asyncio.wait_for(undo, 10)
    assert undone.kind == ReplyKind.SUCCESS, text_of(undone)
    assert first.station("Hotel A", "101") == jazz


async def _until_a_turn_waits(bot: BotUnderTest) -> None:
    """Until PostgreSQL shows a session waiting for an advisory lock (B's turn)."""
    database: Any = getattr(bot.runtime.services.audit, "database")  # noqa: B009
    for _ in range(500):
        waiting = database.read(
            lambda conn: conn.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            ).fetchone()
        )
        if waiting and waiting[0]:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("no turn ever waited for the conversation's lock")


async def test_replicas_share_the_rotating_lwa_refresh_token(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """LWA rotates the refresh token on every refresh and revokes the old one: the second replica
    starts with the token the first stored (it could not start at all with its own copy), and the
    first, refreshing later, adopts the newest one; refreshes take turns under a database lock."""
    small_world.lwa.rotate_refresh_token = True
    sandbox.reset(small_world)
    clock = FakeClock()
    configured = small_world.lwa.clients[0].refresh_tokens[0]  # what both replicas are given
    with fresh_database() as url:
        async with replica(sandbox, small_world, tmp_path / "a", url, clock, configured) as first:
            assert configured not in sandbox.state.world.lwa.clients[0].refresh_tokens  # revoked
            async with replica(
                sandbox, small_world, tmp_path / "b", url, clock, configured
            ) as second:
                clock.advance(3 * 3600)  # both access tokens expired
                for bot in (first, second, first):
                    reply = await bot.say("list properties")
                    assert "Hotel A" in text_of(reply), text_of(reply)


async def test_a_yes_sent_to_another_replica_runs_what_was_asked_once(
    two_replicas: tuple[BotUnderTest, BotUnderTest],
) -> None:
    """Replica A asks "clear alarms in rooms 204, 205?"; the `yes` reaches replica B, which
    rebuilds the request and runs it; a second `yes` (to A, which asked) finds nothing waiting."""
    first, second = two_replicas
    asked = await first.say(
        "clear alarms in rooms 204, 205 at Hotel A", user="U1", platform="slack", channel="C1"
    )
    assert asked.kind == ReplyKind.CONFIRM, text_of(asked)
    first.reset_stats()
    done = await second.say("yes", user="U1", platform="slack", channel="C1")
    assert "Cleared alarms in" in done.headline, text_of(done)  # (the world has offline devices)
    deletes = {k: v for k, v in first.mutating_requests().items() if k.startswith("DELETE")}
    assert sum(deletes.values()) == 2, deletes  # one per room
    late = await first.say("yes", user="U1", platform="slack", channel="C1")
    assert "nothing waiting" in late.headline
    [entry] = first.runtime.services.audit.entries(limit=1)
    assert entry.command == "ClearAlerts" and len(entry.changes) == 2
    assert not first.mutating_requests().keys() - deletes.keys()


async def test_a_confirm_button_pressed_on_another_replica_asks_again_when_things_changed(
    two_replicas: tuple[BotUnderTest, BotUnderTest],
) -> None:
    """The Confirm button of A's question pressed on B after room 205 was removed (at Amazon, and
    B has synced): B does not run a change the user was not shown; it answers anew instead."""
    first, second = two_replicas
    asked = await first.say(
        "clear alarms in rooms 204, 205 at Hotel A", user="U1", platform="slack", channel="C1"
    )
    assert asked.kind == ReplyKind.CONFIRM and asked.ref
    index = second.runtime.services.index
    [hotel] = index.find_properties("Hotel A")
    [room] = index.find_rooms("205", hotel.id)
    index.delete_room(room.room_id)
    for prop in first.state.world.properties:
        for room_type in prop.roomTypes:
            room_type.rooms = [r for r in room_type.rooms if r.id != room.room_id]
    first.reset_stats()
    pressed = await second.say(f"confirm {asked.ref}", user="U1", platform="slack", channel="C1")
    assert "Cleared" not in pressed.headline, text_of(pressed)
    assert "205" in text_of(pressed)
    assert not first.mutating_requests()
