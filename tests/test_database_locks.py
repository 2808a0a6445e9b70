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
