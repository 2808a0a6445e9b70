"""Refresh-token rotation shared by several processes on one database file, against the sandbox's LWA
with rotation on (each refresh revokes the token it was given)."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import httpx
from core_helpers import config_for, settings_for
from test_cli_doctor import sandbox_env

from bot.clients.lwa import LwaAuth
from bot.clock import FakeClock
from bot.runtime import Runtime, build_runtime
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World
from bot.token_store import TokenStore


def rotating(server: SandboxServer, world: World) -> World:
    world.lwa.rotate_refresh_token = True
    server.reset(world)
    return world


@asynccontextmanager
async def runtimes(
    server: SandboxServer,
    world: World,
    db: Path,
    count: int,
    transport: httpx.AsyncBaseTransport | None = None,
) -> AsyncIterator[list[Runtime]]:
    """`count` bots on the same database file, each with its own connections and FakeClock."""
    async with AsyncExitStack() as stack:
        built = []
        for _ in range(count):
            runtime = await build_runtime(
                settings_for(server, world, db), config_for(world), clock=FakeClock(),
                transport=transport, with_health=False,
            )  # fmt: skip
            stack.push_async_callback(runtime.aclose)
            built.append(runtime)
        yield built


def stored(runtime: Runtime) -> str | None:
    return TokenStore.for_database(runtime.index.conn, runtime.settings.lwa_client_id or "").read()


async def test_two_bots_refreshing_at_once_both_get_a_token(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """Two bots on one file refresh together: one waits for the other and starts from its rotated
    token; both answer, and the file keeps the one token LWA still accepts."""
    world = rotating(sandbox, small_world)
    async with runtimes(sandbox, world, tmp_path / "bot.db", 2) as (first, second):
        tokens = await asyncio.gather(first.auth.token(), second.auth.token())
        assert all(tokens)
        assert stored(first) == stored(second) == world.lwa.clients[0].refresh_tokens[0]
        # the one that went second holds the newest; the other adopts it at its next refresh
        assert stored(first) in (first.auth.refresh_token, second.auth.refresh_token)


async def test_a_long_running_bot_keeps_working_after_a_cron_sync_rotated_the_token(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """`bot serve` (A) holds a token; a cron `bot sync` (B) rotates it; when A's access token expires,
    A refreshes from the stored token instead of its revoked one."""
    world = rotating(sandbox, small_world)
    db = tmp_path / "bot.db"
    async with runtimes(sandbox, world, db, 1) as (serve,):
        await serve.auth.token()
        async with runtimes(sandbox, world, db, 1) as (cron,):
            await cron.sync()
        assert isinstance(serve.clock, FakeClock)
        serve.clock.advance(4000)  # past the access token's hour
        await serve.auth.token()
        report = await serve.sync()
        assert report.properties == 2
        assert stored(serve) == world.lwa.clients[0].refresh_tokens[0]


class RotateFirst(httpx.AsyncBaseTransport):
    """Before forwarding the first token request, lets an older bot (no lock) rotate the same token
    and store the new one: the request then carries a revoked token."""

    def __init__(self, server: SandboxServer, store: list[TokenStore]) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.server, self.store, self.done = server, store, False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not self.done and request.url.path.endswith("/auth/o2/token"):
            self.done = True
            lwa = self.server.state.world.lwa.clients[0]
            older = LwaAuth(lwa.client_id, lwa.client_secret, lwa.refresh_tokens[0],
                            f"{self.server.url}/auth/o2/token", on_rotate=self.store[0].write)  # fmt: skip
            await older.token()
            await older.aclose()
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        # the runtime closes its transport; without this the inner pool's sockets leak
        await self.inner.aclose()


async def test_a_refused_token_is_retried_with_a_newer_stored_one(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """LWA answers invalid_grant because another process rotated meanwhile: the bot re-reads the
    stored token, finds it newer, and uses it instead of failing."""
    world = rotating(sandbox, small_world)
    stores: list[TokenStore] = []
    transport = RotateFirst(sandbox, stores)
    async with runtimes(sandbox, world, tmp_path / "bot.db", 1, transport=transport) as (bot,):
        stores.append(TokenStore.for_database(bot.index.conn, bot.settings.lwa_client_id or ""))
        assert await bot.auth.token()
        assert stored(bot) == bot.auth.refresh_token == world.lwa.clients[0].refresh_tokens[0]


async def test_three_processes_syncing_at_once_all_succeed(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """Three `bot sync` processes on one database file with a rotating LWA: all exit 0."""
    world = rotating(sandbox, small_world)
    env = os.environ | sandbox_env(sandbox, world, tmp_path)
    env.pop("AWS_ACCESS_KEY_ID")
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            "from bot.cli import main; main()",
            "sync",
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(3)
    ]
    outputs = await asyncio.wait_for(asyncio.gather(*(p.communicate() for p in procs)), 60)
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, (out.decode(), err.decode())
        assert b"Synced 2 properties" in out
