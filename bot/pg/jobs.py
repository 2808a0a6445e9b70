"""Scheduled work of replicas on PostgreSQL: procrastinate periodic tasks (issue 18).

Every replica runs one procrastinate worker inside `bot serve` (and `bot run`) with the same tasks
under the same names: the device refresh, the digests, the offline alerts, the recovery sweep
(bot/scheduler.py describes them as `Periodic` jobs, each calling what the APScheduler job of one
process calls) and the retry of stalled jobs. Each worker's periodic deferrer defers a task's run
for a tick of its cron, and the database keeps one row per (task, tick) (procrastinate's
`procrastinate_periodic_defers`), so a tick is deferred once however many replicas run; any
worker takes it (`FOR UPDATE SKIP LOCKED`). On each task:

- a queueing lock (its name): at most one run waits; a tick deferred while one waits is dropped
  (APScheduler's coalesce);
- a lock (its name) for `one_at_a_time` tasks: a run waits while another replica still runs the
  previous one (APScheduler's max_instances=1). The recovery sweep has none: its claims are one
  `FOR UPDATE SKIP LOCKED` statement fenced by a lease's generation, so two sweeps are safe, and a
  sweep held by a dead replica must not hold back the next one;
- its own queue (its name): a worker listens only to the tasks it has, so a replica configured
  without device health never takes a refresh it cannot run.

A replica killed mid-job leaves that job `doing`; its worker's heartbeat stops, and after
`STALLED_S` the `jobs.retry_stalled` task (every 30 s, on any replica) puts the job back to run,
or, when a later run of it already waits, closes it so that one runs.

The tables are procrastinate's own schema, PG migration 7 of bot/schema.py. SQLite (one process)
keeps APScheduler (bot/scheduler.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Final

from procrastinate import App, PsycopgConnector, exceptions
from procrastinate.jobs import Status
from procrastinate.periodic import PeriodicDeferrer, PeriodicRegistry

from bot.pg.database import _plain
from bot.scheduler import Periodic, every_seconds

log = logging.getLogger("bot.pg.jobs")

STALLED_JOB: Final = "jobs.retry_stalled"
HEARTBEAT_S: Final = 10.0  # procrastinate's default: each worker's heartbeat
STALLED_S: Final = 30.0  # a worker silent this long is dead; its running jobs are stalled
STALLED_EVERY_S: Final = 30.0
CONCURRENCY: Final = 4  # a long device refresh does not hold back the digests and the sweep
SHUTDOWN_S: Final = 5.0  # jobs still running at shutdown are cut after this (the next tick redoes)
RESTART_S: Final = 10.0  # a worker that stopped (the database went away) starts again after this


class JobQueue:
    """This replica's procrastinate app and worker over the tasks of `jobs` (and the stalled-job
    retry). `start()` runs the worker in the background; `aclose()` stops it."""

    def __init__(self, url: str, jobs: Sequence[Periodic], *, name: str = "bot") -> None:
        self.name = name
        # A small pool: the worker's listener holds one connection, each running job's
        # bookkeeping another for an instant.
        connector = PsycopgConnector(
            conninfo=_plain(url), min_size=1, max_size=CONCURRENCY + 2, name="bot-jobs"
        )
        self.app = App(connector=connector)
        # The periodic registrations are kept apart from the app until `start()`: a worker that
        # only runs what waits (`run_waiting`) must not defer ticks of the wall clock itself.
        # (PeriodicRegistry's __init__ has no annotation)
        self.schedule = PeriodicRegistry()  # type: ignore[no-untyped-call]
        self._deferrer = PeriodicDeferrer(self.schedule)
        self.queues: list[str] = []
        stalled = Periodic(STALLED_JOB, every_seconds(STALLED_EVERY_S), self.retry_stalled, False)
        for job in (*jobs, stalled):
            self._register(job)
        self._opened = False
        self._worker: asyncio.Task[None] | None = None

    def _register(self, job: Periodic) -> None:
        work, what = job.work, job.name

        async def run(timestamp: int) -> None:  # procrastinate passes the tick it was deferred for
            try:
                await work()
            except Exception:
                # logged here, never a failed job: the next tick tries again, as APScheduler does
                log.exception("scheduled job %s failed", what)

        task = self.app.task(
            name=job.name,
            queue=job.name,
            queueing_lock=job.name,
            lock=job.name if job.one_at_a_time else None,
        )(run)
        self.schedule.register_task(task=task, cron=job.cron, periodic_id="", configure_kwargs={})
        self.queues.append(job.name)

    async def open(self) -> None:
        if not self._opened:
            await self.app.open_async()
            self._opened = True

    async def defer_due(self, at: float) -> None:
        """What the worker's periodic deferrer does at time `at` (a Unix time): defer each task's
        latest tick not deferred yet by anyone (by this replica since its last call)."""
        await self.open()
        await self._deferrer.defer_jobs(self._deferrer.get_previous_tasks(at=at))

    async def run_waiting(self) -> None:
        """Run the jobs of these tasks that wait now, then return (no deferring of its own)."""
        await self.open()
        await self.app.run_worker_async(
            name=self.name,
            queues=self.queues,
            wait=False,
            listen_notify=False,
            install_signal_handlers=False,
            delete_jobs="always",
        )

    async def start(self) -> None:
        """Run the worker (and its periodic deferrer) in the background until `aclose()`."""
        await self.open()
        self.app.periodic_registry = self.schedule
        self._worker = asyncio.create_task(self._supervise(), name="bot job worker")

    async def _supervise(self) -> None:
        while True:
            try:
                await self.app.run_worker_async(
                    name=self.name,
                    queues=self.queues,
                    concurrency=CONCURRENCY,
                    install_signal_handlers=False,  # `bot serve` owns the process's signals
                    delete_jobs="always",  # a job's outcome is in our logs; the table stays small
                    shutdown_graceful_timeout=SHUTDOWN_S,
                    update_heartbeat_interval=HEARTBEAT_S,
                    stalled_worker_timeout=STALLED_S,
                )
                log.warning("the job worker stopped; starting it again in %.0f s", RESTART_S)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("the job worker failed; starting it again in %.0f s", RESTART_S)
            await asyncio.sleep(RESTART_S)

    async def retry_stalled(self) -> None:
        """Put back to run each job whose worker stopped its heartbeat (a replica that died or
        hangs); when a later run of the same task already waits, close the stalled one instead, so
        that the waiting one runs (one waits at most: the queueing lock)."""
        manager = self.app.job_manager
        try:
            stalled = await manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_S)
            for job in stalled:
                try:
                    await manager.retry_job(job)
                    log.warning("job %s of a worker that stopped runs again", job.call_string)
                except exceptions.UniqueViolation:
                    await manager.finish_job(job, status=Status.FAILED, delete_job=True)
        except Exception:
            log.exception("retrying stalled jobs failed; the next run tries again")

    async def aclose(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None
        if self._opened:
            await self.app.close_async()
            self._opened = False
