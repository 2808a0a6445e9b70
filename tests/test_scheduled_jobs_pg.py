"""Scheduled work of replicas on PostgreSQL as procrastinate periodic tasks (bot/pg/jobs.py, issue
18): each tick of a task is deferred once however many replicas defer it and run once by one of
them; a run waits while another replica runs the previous one; a job left running by a replica that
died is run again by another; `bot doctor` sees the workers. Time is procrastinate's own deferrer
step at fixed Unix times (no test sleeps); a replica's death is its worker's heartbeat made old."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager

import pytest
from pg_support import fresh_database, needs_postgres

from bot.doctor import Status, check_scheduled_work
from bot.pg.database import PgDatabase
from bot.pg.jobs import STALLED_JOB, JobQueue
from bot.scheduler import (
    DIGESTS_JOB,
    RECOVERY_JOB,
    REFRESH_JOB,
    Periodic,
    every_minutes,
    every_seconds,
)
from bot.schema import PG_MIGRATIONS, PROCRASTINATE_SCHEMA

T0 = 1_800_000_000  # 2027-01-15 08:00:00 UTC: a tick of every cron below


class Replica:
    """The jobs of one replica, each counting its runs (the work of bot serve's jobs is tested
    against APScheduler's in tests/test_scheduler.py)."""

    def __init__(self) -> None:
        self.ran: Counter[str] = Counter()
        self.refreshed = asyncio.Event()

    def work(self, name: str) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            self.ran[name] += 1
            if name == REFRESH_JOB:
                self.refreshed.set()

        return run

    def jobs(self) -> list[Periodic]:
        return [
            Periodic(REFRESH_JOB, every_minutes(5), self.work(REFRESH_JOB)),
            Periodic(DIGESTS_JOB, every_seconds(60), self.work(DIGESTS_JOB)),
            Periodic(RECOVERY_JOB, every_seconds(30), self.work(RECOVERY_JOB), one_at_a_time=False),
        ]


@contextmanager
def migrated_database() -> Iterator[str]:
    with fresh_database() as url:
        PgDatabase(url).close()  # migrated on open: procrastinate's tables are migration 7
        yield url


@asynccontextmanager
async def queue_of(url: str, replica: Replica) -> AsyncIterator[JobQueue]:
    queue = JobQueue(url, replica.jobs())
    try:
        yield queue
    finally:
        await queue.aclose()


def jobs_waiting(url: str) -> dict[str, int]:
    database = PgDatabase(url)
    try:
        rows = database.read(
            lambda conn: conn.execute(
                "SELECT task_name, count(*) FROM procrastinate_jobs WHERE status = 'todo'"
                " GROUP BY task_name"
            ).fetchall()
        )
    finally:
        database.close()
    return {str(name): int(count) for name, count in rows}


def stop_heartbeats(url: str) -> None:
    """Every worker registered so far looks dead: its last heartbeat a minute ago."""
    database = PgDatabase(url)
    try:
        database.write(
            lambda conn: conn.execute(
                "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 minute'"
            )
        )
    finally:
        database.close()


async def take_and_die(queue: JobQueue, task: str) -> None:
    """A worker of `queue` takes the waiting job of `task` and dies before finishing it."""
    manager = queue.app.job_manager
    worker = await manager.register_worker()
    job = await manager.fetch_job(queues=[task], worker_id=worker)
    assert job is not None and job.task_name == task


def test_pg_migration_7_is_the_installed_procrastinates_schema() -> None:
    """Migration 7 is a copy of procrastinate's schema: the installed version's schema.sql is the
    same text (a new version's schema fails here until its migrations are a migration of ours)."""
    from procrastinate.schema import SchemaManager

    assert PG_MIGRATIONS[6].version == 7
    assert PG_MIGRATIONS[6].statements == (PROCRASTINATE_SCHEMA.read_text(encoding="utf-8"),)
    assert SchemaManager.get_schema() == PROCRASTINATE_SCHEMA.read_text(encoding="utf-8")


@needs_postgres
async def test_each_tick_is_deferred_once_across_two_replicas_and_run_by_one() -> None:
    """Both replicas' deferrers at 08:00:01 defer the 08:00 tick of each task once; the jobs run on
    the replica that takes them, and the other finds nothing. At 08:01:01 the digests' 08:01 tick
    is deferred once, the refresh (every 5 minutes) not again, and the sweep's 08:00:30 tick once:
    its 08:01 tick is dropped while that one waits (one waits at most, APScheduler's coalesce)."""
    with migrated_database() as url:
        a, b = Replica(), Replica()
        async with queue_of(url, a) as qa, queue_of(url, b) as qb:
            await qa.defer_due(T0 + 1)
            await qb.defer_due(T0 + 1)
            waiting = {REFRESH_JOB: 1, DIGESTS_JOB: 1, RECOVERY_JOB: 1, STALLED_JOB: 1}
            assert jobs_waiting(url) == waiting
            await qa.run_waiting()
            await qb.run_waiting()
            assert a.ran == Counter({REFRESH_JOB: 1, DIGESTS_JOB: 1, RECOVERY_JOB: 1})
            assert not b.ran
            assert jobs_waiting(url) == {}  # done and deleted

            await qb.defer_due(T0 + 61)
            await qa.defer_due(T0 + 61)
            assert jobs_waiting(url) == {DIGESTS_JOB: 1, RECOVERY_JOB: 1, STALLED_JOB: 1}
            await qb.run_waiting()
            assert b.ran == Counter({DIGESTS_JOB: 1, RECOVERY_JOB: 1})
            assert a.ran + b.ran == Counter({REFRESH_JOB: 1, DIGESTS_JOB: 2, RECOVERY_JOB: 2})


@needs_postgres
async def test_a_job_left_running_by_a_dead_replica_is_run_again_by_another() -> None:
    """Replica A takes the 08:00 refresh and dies. Once A's heartbeat is 30 s old, B's stalled-job
    retry puts the job back and B runs it: one refresh, by B."""
    with migrated_database() as url:
        a, b = Replica(), Replica()
        async with queue_of(url, a) as qa, queue_of(url, b) as qb:
            await qa.defer_due(T0 + 1)
            await take_and_die(qa, REFRESH_JOB)
            assert REFRESH_JOB not in jobs_waiting(url)
            stop_heartbeats(url)
            await qb.open()
            await qb.retry_stalled()
            assert jobs_waiting(url)[REFRESH_JOB] == 1
            await qb.run_waiting()
            assert (a.ran[REFRESH_JOB], b.ran[REFRESH_JOB]) == (0, 1)
            assert jobs_waiting(url) == {}


@needs_postgres
async def test_a_dead_replicas_job_is_dropped_when_a_later_run_already_waits() -> None:
    """A dies in the 08:00 refresh; the 08:05 tick is deferred meanwhile and waits behind it: B
    does not run it while A's job holds the refresh (one at a time). The stalled-job retry closes
    A's job (the waiting run does the same work) and the refresh runs once, by B, not twice."""
    with migrated_database() as url:
        a, b = Replica(), Replica()
        async with queue_of(url, a) as qa, queue_of(url, b) as qb:
            await qa.defer_due(T0 + 1)
            await take_and_die(qa, REFRESH_JOB)
            await qb.defer_due(T0 + 301)
            assert jobs_waiting(url)[REFRESH_JOB] == 1
            await qb.run_waiting()
            assert b.ran[REFRESH_JOB] == 0  # A's job still holds the refresh
            stop_heartbeats(url)
            await qb.retry_stalled()
            await qb.run_waiting()
            assert (a.ran[REFRESH_JOB], b.ran[REFRESH_JOB]) == (0, 1)
            assert jobs_waiting(url) == {}


@needs_postgres
@pytest.mark.timeout(60)
async def test_a_started_worker_defers_and_runs_ticks_and_bot_doctor_sees_it() -> None:
    """`bot serve`'s worker (JobQueue.start: procrastinate's worker with its periodic deferrer)
    defers the latest refresh tick at start and runs it; `bot doctor` counts the live worker, and
    warns once it is stopped."""
    with migrated_database() as url:
        replica = Replica()
        assert check_scheduled_work(url).status == Status.WARN
        queue = JobQueue(url, replica.jobs())
        try:
            await queue.start()
            await asyncio.wait_for(replica.refreshed.wait(), 30)
            check = check_scheduled_work(url)
            assert check.status == Status.OK
            assert check.detail.startswith("1 worker on the job queue (procrastinate)")
        finally:
            await queue.aclose()
        assert replica.ran[REFRESH_JOB] >= 1
        assert check_scheduled_work(url).status == Status.WARN
