"""A database locked by another process is waited out, never fatal (issue 20, finding 4): `bot
serve` keeps starting while another connection holds the write lock for 10 s during its start-up
(index load and device refresh), says "waiting for the database" on /healthz, then serves."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from test_serve_healthz_starting import _amazon_env, _free_port, _until, quick_serve  # noqa: F401

from bot.clock import FakeClock
from bot.db_wait import WAITING, wait_out_locks
from bot.index.db import open_index
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World
from bot.serving import run_http

LOCK_S = 10.0


async def test_serve_waits_out_a_10_s_lock_during_start_up(
    sandbox: SandboxServer,
    small_world: World,
    tmp_path: Path,
    quick_serve: Callable[[dict[str, str]], None],  # noqa: F811
) -> None:
    """Another process takes the write lock as soon as the port answers and keeps it 10 s:
    /healthz says "waiting for the database", `bot serve` does not exit, and once the lock goes
    the index and the device index are loaded and /healthz turns 200 (it used to exit 1,
    "database is locked")."""
    bot_port = _free_port()
    env = _amazon_env(sandbox.url, small_world, tmp_path) | {
        "A4B_ENDPOINT_URL": sandbox.url,
        "AWS_ACCESS_KEY_ID": "sandbox",
        "AWS_SECRET_ACCESS_KEY": "sandbox",
    }
    quick_serve(env)
    open_index(tmp_path / "bot.db").conn.close()
    other = sqlite3.connect(tmp_path / "bot.db", isolation_level=None, check_same_thread=False)
    serving = asyncio.create_task(run_http("127.0.0.1", bot_port, teams_dev=True))
    seen: list[dict[str, str]] = []
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{bot_port}", timeout=30) as client:

            async def bound() -> bool:
                try:
                    await client.get("/healthz")
                except httpx.TransportError:
                    return False
                return True

            await _until(bound)
            other.execute("BEGIN IMMEDIATE")
            release = threading.Timer(LOCK_S, lambda: other.execute("COMMIT"))
            release.start()

            async def ready() -> bool:
                assert not serving.done(), serving
                response = await client.get("/healthz")
                seen.append(response.json())
                return response.status_code == 200

            await _until(ready, tries=2000)
            release.join()
            assert any(WAITING in s.get("waiting_for", "") for s in seen), seen
            db = open_index(tmp_path / "bot.db")

            async def refreshed() -> bool:  # the start-up device refresh follows the index
                assert not serving.done(), serving
                return bool(db.conn.execute("SELECT COUNT(*) FROM devices").fetchone()[0])

            await _until(refreshed, tries=1500)
    finally:
        serving.cancel()
        with pytest.raises(asyncio.CancelledError):
            await serving
        other.close()


async def test_wait_out_locks_runs_the_work_again_until_the_lock_goes(tmp_path: Path) -> None:
    """Two locked attempts: two waits (0.5 s, 1 s), `on_wait` hears why, then None; a different
    error is raised at once."""
    tries: list[int] = []
    heard: list[str | None] = []

    async def work() -> str:
        tries.append(1)
        if len(tries) < 3:
            raise sqlite3.OperationalError("database is locked")
        return "done"

    clock = FakeClock()
    assert await wait_out_locks(work, clock=clock, what="a test", on_wait=heard.append) == "done"
    assert clock.sleeps == [0.5, 1.0] and heard[-1] is None and WAITING in str(heard[0])

    async def broken() -> None:
        raise sqlite3.OperationalError("no such table: x")

    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        await wait_out_locks(broken, clock=clock, what="a test")


async def test_a_10_s_lock_during_a_bulk_change_loses_nothing(
    sandbox: SandboxServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Another process takes the write lock after the third room of a 10-room change and holds
    it 10 s: the journal waits ("waiting for the database" in the log), the change finishes, every
    room is applied at Amazon and recorded as applied, and the user reads a plain success."""
    import logging

    from core_helpers import bot_on, config_for
    from journal_support import HOTEL, journal_world

    from bot.core.shared.replies import ReplyKind

    world = journal_world(10)
    async with bot_on(
        sandbox, world, tmp_path, config=config_for(world, bulk_concurrency=2)
    ) as bot:
        sandbox.sandbox.faults.update(latency_ms=30)
        other = sqlite3.connect(tmp_path / "bot.db", isolation_level=None, check_same_thread=False)
        change = asyncio.create_task(bot.say(f"set rooms 301-310 at {HOTEL} to jazz"))
        for _ in range(4000):  # until the third room is written (polling the sandbox's counters)
            if sum(bot.stats()["station_puts"].values()) >= 3:
                break
            await asyncio.sleep(0.005)
        other.execute("BEGIN IMMEDIATE")
        release = threading.Timer(LOCK_S, lambda: other.execute("COMMIT"))
        release.start()
        with caplog.at_level(logging.WARNING, logger="bot.journal"):
            reply = await change
        release.join()
        other.close()
        assert reply.kind == ReplyKind.SUCCESS, reply.headline
        assert "10 of 10" in reply.headline or "10 rooms" in reply.headline, reply.headline
        entry = bot.runtime.services.audit.entries(limit=1)[0]
        assert entry.outcome == "ok" and {c.state for c in entry.changes} == {"applied"}
        assert all(r.station and r.station.stationId == "4242" for r in
                   sandbox.state.world.properties[0].roomTypes[0].rooms)  # fmt: skip
        assert any("waiting for the database" in r.getMessage() for r in caplog.records)


async def test_a_10_s_lock_during_a_token_rotation_loses_nothing(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """LWA rotates the refresh token while another process holds the write lock for 10 s: the
    token exchange completes once the lock goes, the new token is stored, nothing is lost."""
    from core_helpers import config_for, settings_for

    from bot.runtime import build_runtime
    from bot.token_store import TokenStore

    small_world.lwa.rotate_refresh_token = True
    sandbox.reset(small_world)
    db = tmp_path / "bot.db"
    world = sandbox.state.world
    runtime = await build_runtime(
        settings_for(sandbox, world, db), config_for(world), clock=FakeClock(), with_health=False
    )
    other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    try:
        assert runtime.auth.refreshes == 0  # the exchange happens under the lock
        other.execute("BEGIN IMMEDIATE")
        release = threading.Timer(LOCK_S, lambda: other.execute("COMMIT"))
        release.start()
        assert await runtime.auth.token()
        release.join()
        assert runtime.auth.refreshes == 1
        issued = world.lwa.clients[0].refresh_tokens[-1]
        store = TokenStore.for_database(runtime.index.conn, runtime.settings.lwa_client_id or "")
        assert store.stored() == issued and store.recovered() is None
    finally:
        other.close()
        await runtime.aclose()
