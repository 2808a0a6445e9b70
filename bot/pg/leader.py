"""One replica runs the scheduled work (device refresh, nightly digests, digest retries, offline alerts).

Until scheduled work moves to a shared job queue (issue 18: procrastinate periodic tasks), replicas
on one PostgreSQL elect the one that runs it with a session advisory lock: the first to take it
starts the jobs; the others try again every minute, so when the leader dies (its connection closes
and the lock with it) another takes over within a minute. The device index and the digest and alert
outboxes are in PostgreSQL too, so a new leader sees what the old one posted (claimed once).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Final

import psycopg
from psycopg.rows import TupleRow

log = logging.getLogger("bot.pg.leader")

LEADER_LOCK: Final = 0x426F744A  # "BotJ": the advisory lock key of the scheduled-work leader
RETRY_S: Final = 60.0


class JobLeader:
    def __init__(self, url: str, *, retry_s: float = RETRY_S) -> None:
        self._url = url
        self._retry_s = retry_s
        self._conn: psycopg.AsyncConnection[TupleRow] | None = None
        self._waiting: asyncio.Task[None] | None = None

    @property
    def leading(self) -> bool:
        return self._conn is not None and not self._conn.closed

    async def try_take(self) -> bool:
        """Take the lead if nobody holds it; True when this replica leads."""
        if self.leading:
            return True
        conn = await psycopg.AsyncConnection.connect(self._url, autocommit=True)
        row = await (
            await conn.execute("SELECT pg_try_advisory_lock(%s)", (LEADER_LOCK,))
        ).fetchone()
        if row and row[0]:
            self._conn = conn
            return True
        await conn.close()
        return False

    async def run_when_leading(self, start: Callable[[], Awaitable[object]]) -> None:
        """Run `start` now if this replica leads, else once it takes the lead (in the background)."""
        if await self.try_take():
            await start()
            return
        log.info("another replica runs the scheduled work; this one stands by")

        async def wait() -> None:
            while True:
                await asyncio.sleep(self._retry_s)
                try:
                    if await self.try_take():
                        log.warning("this replica now runs the scheduled work")
                        await start()
                        return
                except Exception:
                    log.exception("could not take over the scheduled work; trying again")

        self._waiting = asyncio.create_task(wait())

    async def aclose(self) -> None:
        if self._waiting is not None:
            self._waiting.cancel()
        if self._conn is not None:
            await self._conn.close()
            self._conn = None
