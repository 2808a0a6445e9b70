"""The LWA refresh token shared by every process on one database file (`bot serve`, a cron `bot sync`,
`bot doctor`).

LWA may rotate the refresh token on each refresh and revoke the old one, so two processes refreshing
with the same token would lose one of them. Here one process refreshes at a time: an exclusive lock on a
file beside the database (`<db>.lwa-lock`, mode 0600, released by the OS if the holder dies) is held
while the stored token is read, exchanged and the rotated one stored. A lock file rather than a
database transaction: a refresh waits on the network, and holding the database's write lock that long
would stall every other writer. A process that is refused (`invalid_grant`) re-reads the stored token
and, if another process stored a newer one, retries with it once.

A rotated token is never lost (issue 20): LWA has revoked the old one the moment it answers, so the
new one is first written to a recovery file beside the database (`<db>.lwa-recovery`, mode 0600),
then stored in the database, waiting out a locked database with backoff for as long as it takes;
the recovery file is removed once the database holds it. A process that dies in between leaves the
file, and the next one starts from it. A token given in the environment (LWA_REFRESH_TOKEN, e.g.
from `bot login`) that the store has not seen yet is tried first, and any token is tried when the
stored one is refused; the one LWA accepts is kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from bot.clients.errors import Unauthorized
from bot.clients.lwa import DEFAULT_TOKEN_URL, LwaAuth
from bot.clock import Clock

log = logging.getLogger("bot.token_store")

WAITING_FOR_DATABASE = "waiting for the database"

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: one process per database file
    fcntl = None  # type: ignore[assignment]


def _key(client_id: str) -> str:
    return f"lwa:{client_id}"


class TokenStore:
    """The refresh token row of the credentials table, and the lock that makes one writer at a time."""

    def __init__(self, conn: sqlite3.Connection, client_id: str, lock_path: Path | None) -> None:
        self._conn = conn
        self._key = _key(client_id)
        self._lock_path = lock_path
        # beside the lock: the rotated token, until the database holds it
        self.recovery_path = (
            lock_path.with_name(lock_path.name.replace(".lwa-lock", ".lwa-recovery"))
            if lock_path is not None
            else None
        )

    @classmethod
    def for_database(cls, conn: sqlite3.Connection, client_id: str) -> TokenStore:
        """On the file of `conn` (no lock for an in-memory database: only one process can see it)."""
        file = conn.execute("PRAGMA database_list").fetchone()[2]
        return cls(conn, client_id, Path(file + ".lwa-lock") if file else None)

    def read(self) -> str | None:
        """The newest token this file knows: a rotated one not yet stored (the recovery file of a
        process that died, or could not write), else the stored one."""
        return self.recovered() or self.stored()

    def stored(self) -> str | None:
        row = self._conn.execute(
            "SELECT value FROM credentials WHERE key = ?", (self._key,)
        ).fetchone()
        return str(row[0]) if row else None

    def recovered(self) -> str | None:
        if self.recovery_path is None:
            return None
        try:
            text = self.recovery_path.read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return text or None

    def env_seen(self) -> str | None:
        """The LWA_REFRESH_TOKEN last seen in the environment (a different one is new)."""
        row = self._conn.execute(
            "SELECT value FROM credentials WHERE key = ?", (self._key + ":env",)
        ).fetchone()
        return str(row[0]) if row else None

    def first_token(self, env_token: str) -> str:
        """Where a process starts: the environment's token when the store has not seen it (the
        operator put a new one there), else the newest the file knows, else the environment's."""
        if env_token and env_token != self.env_seen() and env_token != self.read():
            return env_token
        return self.read() or env_token

    def write(self, token: str, *, env_token: str | None = None) -> None:
        """Store the token (one short transaction; raises "database is locked" when it is)."""
        with self._conn:
            self._conn.execute(
                "INSERT OR REPLACE INTO credentials (key, value) VALUES (?, ?)", (self._key, token)
            )
            if env_token:
                self._conn.execute(
                    "INSERT OR REPLACE INTO credentials (key, value) VALUES (?, ?)",
                    (self._key + ":env", env_token),
                )

    def write_recovery(self, token: str) -> Path | None:
        """The token in the recovery file (0600, written and synced) before anything else."""
        if self.recovery_path is None:
            return None
        fd = os.open(self.recovery_path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, token.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        return self.recovery_path

    def clear_recovery(self, token: str) -> None:
        if self.recovery_path is not None and self.recovered() == token:
            with contextlib.suppress(OSError):
                self.recovery_path.unlink()

    async def keep(
        self,
        token: str,
        *,
        env_token: str | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        on_wait: Callable[[str | None], None] | None = None,
    ) -> None:
        """Keep a token LWA just issued: the recovery file first, then the database, waiting out
        a lock for as long as it lasts (LWA has revoked the old token: there is no going back)."""
        path = self.write_recovery(token)
        delay, logged = 0.05, False
        while True:
            try:
                self.write(token, env_token=env_token)
                break
            except sqlite3.OperationalError as error:
                if not any(word in str(error).lower() for word in ("locked", "busy")):
                    log.error(
                        "could not store the rotated LWA refresh token (%s); it is kept in %s",
                        error, path,
                    )  # fmt: skip
                    raise
                if not logged:
                    log.warning(
                        "%s: the rotated LWA refresh token is kept in %s until it is stored",
                        WAITING_FOR_DATABASE, path,
                    )  # fmt: skip
                    logged = True
                if on_wait is not None:
                    on_wait(WAITING_FOR_DATABASE)
                await sleep(delay)
                delay = min(delay * 2, 2.0)
        if on_wait is not None and logged:
            on_wait(None)
        self.clear_recovery(token)

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        """Hold the refresh lock (waiting in a worker thread, so the event loop keeps serving)."""
        if self._lock_path is None or fcntl is None:
            yield
            return
        fd = os.open(self._lock_path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            await asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock


class SharedLwaAuth(LwaAuth):
    """LwaAuth whose refreshes take turns across processes and start from the newest stored token;
    a rotated token is kept durably before the refresh counts as done."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        token_url: str = DEFAULT_TOKEN_URL,
        *,
        store: TokenStore,
        env_token: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(
            client_id, client_secret, refresh_token, token_url, transport=transport, clock=clock
        )
        self._store = store
        self._env_token = env_token
        self.waiting: str | None = None  # "waiting for the database" while a rotated token waits

    def _adopt_newer(self, than: str) -> bool:
        stored = self._store.read()
        if stored and stored != than:
            self._refresh_token = stored
            return True
        return False

    def _set_waiting(self, what: str | None) -> None:
        self.waiting = what

    async def _exchange(self) -> str:
        used = self._refresh_token
        access = await super()._refresh()
        if self._refresh_token != used or self._store.stored() != used:
            # rotated (or a token the store did not hold yet, e.g. from the environment)
            await self._store.keep(
                self._refresh_token,
                env_token=self._env_token,
                sleep=self._clock.sleep,
                on_wait=self._set_waiting,
            )
        return access

    async def _refresh(self) -> str:
        async with self._store.exclusive():
            self._adopt_newer(self._refresh_token)
            tried = [self._refresh_token]
            try:
                return await self._exchange()
            except Unauthorized:
                # Another process (without this lock, e.g. an older bot) may have rotated it, or
                # the operator gave a new one in the environment: try those before giving up.
                for candidate in (self._store.read(), self._env_token):
                    if not candidate or candidate in tried:
                        continue
                    tried.append(candidate)
                    self._refresh_token = candidate
                    try:
                        return await self._exchange()
                    except Unauthorized:
                        continue
                raise
