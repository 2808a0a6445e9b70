"""The LWA refresh token shared by replicas: the credentials table of PostgreSQL, and one refresh at a
time under an advisory lock (bot/token_store.py does the same with a lock file beside SQLite).

LWA may rotate the refresh token on each refresh and revoke the old one: a replica that refreshed
with a token another replica had already used would be refused (`invalid_grant`) and, at start,
could not start at all. The lock is held on its own connection for the length of one refresh (a
network wait, so not inside a transaction of the pool); it is released if the replica dies.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg
from psycopg import Connection
from psycopg.rows import TupleRow

from bot.pg.database import PgDatabase
from bot.token_store import TokenStore


def _lock_key(key: str) -> int:
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class PgTokenStore(TokenStore):
    def __init__(self, database: PgDatabase, client_id: str) -> None:  # no SQLite file
        self._database = database
        self._key = f"lwa:{client_id}"
        self._lock_path = None
        # No recovery file: a rotated token is written to the shared database, or the refresh
        # fails (a local file would be seen by one replica only).
        self.recovery_path = None

    def _value(self, key: str) -> str | None:
        row = self._database.read(
            lambda conn: conn.execute(
                "SELECT value FROM credentials WHERE key = %s", (key,)
            ).fetchone()
        )
        return str(row[0]) if row else None

    def stored(self) -> str | None:
        return self._value(self._key)

    def env_seen(self) -> str | None:
        return self._value(self._key + ":env")

    def write(self, token: str, *, env_token: str | None = None) -> None:
        def upsert(conn: Connection[TupleRow]) -> None:
            for key, value in ((self._key, token), (self._key + ":env", env_token)):
                if value:
                    conn.execute(
                        "INSERT INTO credentials (key, value) VALUES (%s, %s)"
                        " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                        (key, value),
                    )

        self._database.write(upsert)

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        async with await psycopg.AsyncConnection.connect(
            self._database.url, autocommit=True
        ) as conn:
            await conn.execute("SELECT pg_advisory_lock(%s)", (_lock_key(self._key),))
            yield  # closing the connection releases the lock
