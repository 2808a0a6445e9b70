"""Credentials never lost (issue 20, finding 3): a rotated LWA refresh token survives a locked
database and a process that dies while waiting; a token given in the environment is tried when it
is new or when the stored one is refused; `bot login` writes into the store."""

from __future__ import annotations

import asyncio
import sqlite3
import stat
from pathlib import Path

import pytest
from core_helpers import config_for, settings_for

from bot.clock import FakeClock
from bot.runtime import build_runtime
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World
from bot.token_store import TokenStore


class LockReleasingClock(FakeClock):
    """A FakeClock whose `sleep` lets another connection's write lock go after `after` waits, and
    records what the bot said it waits for at each one."""

    def __init__(self, other: sqlite3.Connection | None = None, after: int = 3) -> None:
        super().__init__()
        self.other, self.after, self.waits = other, after, 0
        self.seen: list[object] = []
        self.probe: object = None

    async def sleep(self, seconds: float) -> None:
        await super().sleep(seconds)
        self.waits += 1
        self.seen.append(self.probe() if callable(self.probe) else None)
        if self.other is not None and self.waits == self.after:
            self.other.execute("COMMIT")
            self.other = None


def _rotating(sandbox: SandboxServer, world: World) -> World:
    world.lwa.clients[0].refresh_tokens = list(world.lwa.clients[0].refresh_tokens)
    world.lwa.rotate_refresh_token = True
    sandbox.reset(world)
    return sandbox.state.world


def _store(db: Path, client_id: str) -> TokenStore:
    return TokenStore.for_database(sqlite3.connect(db), client_id)


async def test_a_rotated_token_is_kept_while_the_database_is_locked(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """LWA rotates the token while another process holds the database write-locked: the bot
    keeps the new token in a 0600 recovery file, says it waits for the database, stores it once
    the lock goes, and removes the file. Nothing is lost (it used to keep the revoked one)."""
    world = _rotating(sandbox, small_world)
    db = tmp_path / "bot.db"
    clock = LockReleasingClock()
    runtime = await build_runtime(
        settings_for(sandbox, world, db), config_for(world), clock=clock, with_health=False
    )
    try:
        runtime.index.conn.execute("PRAGMA busy_timeout = 1")
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        clock.other, clock.waits = other, 0
        store = TokenStore.for_database(runtime.index.conn, runtime.settings.lwa_client_id or "")
        recovery = store.recovery_path
        assert recovery is not None

        def probe() -> object:
            mode = stat.S_IMODE(recovery.stat().st_mode) if recovery.exists() else None
            return (runtime.auth.waiting, mode, store.recovered())

        clock.probe = probe
        assert await runtime.auth.token()
        issued = sandbox.state.world.lwa.clients[0].refresh_tokens[-1]
        assert clock.seen[0] == ("waiting for the database", 0o600, issued)
        assert store.stored() == issued == runtime.auth.refresh_token
        assert not recovery.exists() and runtime.auth.waiting is None
    finally:
        await runtime.aclose()


async def test_a_process_killed_while_waiting_leaves_the_token_for_the_next(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """The process dies while the database is still locked: the rotated token is in the recovery
    file, and the next process starts from it (LWA accepts it) and stores it."""
    world = _rotating(sandbox, small_world)
    db = tmp_path / "bot.db"
    clock = LockReleasingClock(after=10**9)
    first = await build_runtime(
        settings_for(sandbox, world, db), config_for(world), clock=clock, with_health=False
    )
    first.index.conn.execute("PRAGMA busy_timeout = 1")
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    task = asyncio.ensure_future(first.auth.token())
    for _ in range(1000):  # until the bot is seen waiting for the database
        if clock.waits >= 3 or task.done():
            break
        await asyncio.sleep(0.01)
    assert clock.waits >= 3, "the bot never waited for the database"
    task.cancel()  # the process dies here
    other.execute("COMMIT")
    await first.aclose()
    issued = sandbox.state.world.lwa.clients[0].refresh_tokens[-1]
    store = _store(db, world.lwa.clients[0].client_id)
    assert store.recovered() == issued and store.stored() != issued
    second = await build_runtime(
        settings_for(sandbox, world, db), config_for(world), clock=FakeClock(), with_health=False
    )
    try:
        assert await second.auth.token()
        assert store.stored() == sandbox.state.world.lwa.clients[0].refresh_tokens[-1]
        assert store.recovered() is None
    finally:
        await second.aclose()


async def test_a_new_token_in_the_environment_is_adopted_over_a_revoked_stored_one(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """The store holds a revoked token; the operator puts a fresh one (from `bot login`) in
    LWA_REFRESH_TOKEN: the bot tries it, it works, and it is stored (it used to be ignored)."""
    world = _rotating(sandbox, small_world)
    db = tmp_path / "bot.db"
    first = await build_runtime(
        settings_for(sandbox, world, db), config_for(world), clock=FakeClock(), with_health=False
    )
    await first.auth.token()
    await first.aclose()
    store = _store(db, world.lwa.clients[0].client_id)
    store.write("Atzr|revoked-for-good")
    fresh = "Atzr|fresh-from-login"
    sandbox.state.world.lwa.clients[0].refresh_tokens.append(fresh)
    settings = settings_for(sandbox, world, db).model_copy(update={"lwa_refresh_token": fresh})
    second = await build_runtime(settings, config_for(world), clock=FakeClock(), with_health=False)
    try:
        assert await second.auth.token()
        assert store.stored() == sandbox.state.world.lwa.clients[0].refresh_tokens[-1]
    finally:
        await second.aclose()


async def test_the_environment_token_is_tried_when_the_stored_one_is_refused(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """The environment's token is the one the store has seen, but the stored token is refused
    (revoked): the environment's is tried next and adopted."""
    world = _rotating(sandbox, small_world)
    world.lwa.rotate_refresh_token = False
    db = tmp_path / "bot.db"
    env_token = world.lwa.clients[0].refresh_tokens[0]
    first = await build_runtime(
        settings_for(sandbox, world, db), config_for(world), clock=FakeClock(), with_health=False
    )
    await first.auth.token()
    await first.aclose()
    store = _store(db, world.lwa.clients[0].client_id)
    store.write("Atzr|revoked-for-good")  # the env token stays the one seen
    second = await build_runtime(
        settings_for(sandbox, world, db), config_for(world), clock=FakeClock(), with_health=False
    )
    try:
        assert await second.auth.token()
        assert store.stored() == env_token
    finally:
        await second.aclose()


async def test_bot_login_writes_the_token_into_the_store(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """`bot login`'s token goes into the bot's store directly (it used to be only printed, and a
    stored revoked token was still read first): the next process uses it."""
    from bot.cli import _store_login_token

    world = _rotating(sandbox, small_world)
    world.lwa.rotate_refresh_token = False
    db = tmp_path / "bot.db"
    settings = settings_for(sandbox, world, db)
    store_first = await build_runtime(
        settings, config_for(world), clock=FakeClock(), with_health=False
    )
    await store_first.aclose()
    _store(db, world.lwa.clients[0].client_id).write("Atzr|revoked-for-good")
    fresh = "Atzr|signed-in-again"
    sandbox.state.world.lwa.clients[0].refresh_tokens = [fresh]
    assert await _store_login_token(settings, fresh) == str(db)
    runtime = await build_runtime(settings, config_for(world), clock=FakeClock(), with_health=False)
    try:
        assert runtime.auth.refresh_token == fresh and await runtime.auth.token()
    finally:
        await runtime.aclose()


def test_doctor_names_the_real_cause_of_a_refused_token(
    sandbox: SandboxServer, small_world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A revoked refresh token: `bot doctor` says every token was refused (revoked) and that
    `bot login` repairs it (it stores the token); wrong client credentials name those instead."""
    from test_cli_doctor import doctor, sandbox_env

    monkeypatch.chdir(tmp_path)
    env = sandbox_env(sandbox, small_world, tmp_path) | {"LWA_REFRESH_TOKEN": "Atzr|revoked"}
    code, output = doctor(env, monkeypatch)
    assert code == 1 and "revoked; run `bot login` (it stores the new token" in output, output
    env = sandbox_env(sandbox, small_world, tmp_path) | {"LWA_CLIENT_SECRET": "wrong"}
    code, output = doctor(env, monkeypatch)
    assert code == 1 and "LWA_CLIENT_ID/LWA_CLIENT_SECRET are wrong" in output, output
