"""The LWA refresh token shared by every process on one database file (`bot serve`, a cron `bot sync`,
`bot doctor`).

LWA may rotate the refresh token on each refresh and revoke the old one, so two processes refreshing
with the same token would lose one of them. Here one process refreshes at a time: an exclusive lock on a
file beside the database (`<db>.lwa-lock`, mode 0600, released by the OS if the holder dies) is held
while the stored token is read, exchanged and the rotated one stored. A lock file rather than a
database transaction: a refresh waits on the network, and holding the database's write lock that long
would stall every other writer. A process that is refused (`invalid_grant`) re-reads the stored token
and, if another process stored a newer one, retries with it once.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.clients.errors import Unauthorized
from bot.clients.lwa import LwaAuth

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

    @classmethod
    def for_database(cls, conn: sqlite3.Connection, client_id: str) -> TokenStore:
        """On the file of `conn` (no lock for an in-memory database: only one process can see it)."""
        file = conn.execute("PRAGMA database_list").fetchone()[2]
        return cls(conn, client_id, Path(file + ".lwa-lock") if file else None)

    def read(self) -> str | None:
        row = self._conn.execute(
            "SELECT value FROM credentials WHERE key = ?", (self._key,)
        ).fetchone()
        return str(row[0]) if row else None

    def write(self, token: str) -> None:
        with self._conn:
            self._conn.execute(
                "INSERT OR REPLACE INTO credentials (key, value) VALUES (?, ?)", (self._key, token)
            )

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
    """LwaAuth whose refreshes take turns across processes and start from the newest stored token."""

    def __init__(self, *args: Any, store: TokenStore, **kwargs: Any) -> None:
        super().__init__(*args, on_rotate=store.write, **kwargs)
        self._store = store

    def _adopt_newer(self, than: str) -> bool:
        stored = self._store.read()
        if stored and stored != than:
            self._refresh_token = stored
            return True
        return False

    async def _refresh(self) -> str:
        async with self._store.exclusive():
            self._adopt_newer(self._refresh_token)
            used = self._refresh_token
            try:
                return await super()._refresh()
            except Unauthorized:
                # Another process (without this lock, e.g. an older bot) may have rotated it.
                if not self._adopt_newer(used):
                    raise
                return await super()._refresh()
