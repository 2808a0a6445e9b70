"""One turn at a time per (platform, user, conversation) across replicas: a PostgreSQL advisory lock.

`ConversationOrder` (bot/core/conversation/ordering.py) orders one person's messages inside one process; with
several replicas behind a load balancer, a change on replica A and `undo` 0.1 s later on replica B
must still run in that order (or the undo finds the user's previous change). A turn here takes the
process's local lock first (first come, first served, without using a connection), then a
session-level advisory lock keyed by the conversation on a pooled connection. The lock lives with
its connection: a replica that dies frees it at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from psycopg_pool import AsyncConnectionPool

from bot.core.conversation.ordering import ConversationOrder


def lock_key(platform: str, user: str, channel: str | None) -> int:
    """A signed 64-bit key for pg_advisory_lock, the same on every replica."""
    digest = hashlib.blake2b(
        "\x1f".join((platform, user, channel or "")).encode("utf-8"), digest_size=8
    ).digest()
    return int.from_bytes(digest, "big", signed=True)


class ReplicaOrder(ConversationOrder):
    def __init__(self, url: str, *, max_turns: int = 32) -> None:
        super().__init__()
        # A connection per turn in progress; the local lock keeps one waiter per conversation.
        self._pool = AsyncConnectionPool(
            url, min_size=1, max_size=max_turns, open=False, name="bot-turns",
            kwargs={"autocommit": True},
        )  # fmt: skip

    async def open(self) -> None:
        await self._pool.open(wait=True, timeout=10.0)

    async def aclose(self) -> None:
        await self._pool.close()

    @asynccontextmanager
    async def turn(self, platform: str, user: str, channel: str | None) -> AsyncIterator[None]:
        key = lock_key(platform, user, channel)
        async with super().turn(platform, user, channel), self._pool.connection() as conn:
            await conn.execute("SELECT pg_advisory_lock(%s)", (key,))
            try:
                yield
            finally:
                await conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
