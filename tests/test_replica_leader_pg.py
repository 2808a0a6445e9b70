"""Replicas on one PostgreSQL run the scheduled work (device refresh, digests) in one of them: the
first to take the leader lock starts it, the others stand by and one takes over when the leader
is gone (its connection, and the lock with it)."""

from __future__ import annotations

import asyncio

from pg_support import fresh_database, needs_postgres

from bot.pg.leader import JobLeader

pytestmark = needs_postgres


async def test_one_replica_leads_and_another_takes_over_when_it_is_gone() -> None:
    with fresh_database() as url:
        first, second = JobLeader(url), JobLeader(url, retry_s=0.01)
        started: list[str] = []
        took_over = asyncio.Event()

        async def start_first() -> None:
            started.append("first")

        async def start_second() -> None:
            started.append("second")
            took_over.set()

        try:
            await first.run_when_leading(start_first)
            await second.run_when_leading(start_second)
            assert started == ["first"] and first.leading and not second.leading
            assert await first.try_take()  # leading already: still True, nothing restarted
            await first.aclose()  # the leader is gone
            await asyncio.wait_for(took_over.wait(), 30)
            assert started == ["first", "second"] and second.leading
        finally:
            await first.aclose()
            await second.aclose()
