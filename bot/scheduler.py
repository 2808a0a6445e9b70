"""APScheduler jobs of the bot: the device refresh (every few minutes), each property's digest, and
the recovery of changes interrupted by a crash (bot/core/changes/recovery.py).

The digest jobs fire at `digest_time` in the property's timezone, but whether a digest is sent is
decided by `DigestSender.send_due`, which reads the digest outbox (`digests_sent`): the scheduler's
memory is lost on restart, the table is not. A retry job posts, every minute, the outbox rows whose
backoff has passed (a failed post, or one cut off by a crash). `start_health_jobs` also posts, at start-up, any digest that was
missed while the bot was down and is less than 6 hours late. The offline alerts
(bot/health/offline_alerts.py) are checked every minute from the device index.

Replicas on PostgreSQL run the same work as procrastinate periodic tasks instead (bot/pg/jobs.py):
`health_periodic` and the recovery sweep describe them as `Periodic` jobs, each calling what the
APScheduler job here calls. Only the digests differ in shape: one task every minute posts what is
due (`DigestSender.send_due`, the start-up catch-up here), since a cron of procrastinate is in UTC and
a property's slot is in its own timezone; the outbox decides, as it does here.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypedDict

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.core.ledger.leases import RENEW_EVERY_S
from bot.health.offline_alerts import OfflineAlerts
from bot.health.posting import DigestSender
from bot.health.sites import Site

log = logging.getLogger(__name__)

REFRESH_JOB = "devices.refresh"
RECOVERY_JOB = "journal.recovery"
LEASE_JOB = "journal.leases"
CHUNKS_JOB = "journal.chunks"
CHUNKS_EVERY_S = 1.0
RETRY_JOB = "digest.retries"
ALERTS_JOB = "devices.offline_alerts"
DIGESTS_JOB = "digests"  # replicas: the retries due, then every property's slot due (send_due)
RETRY_EVERY_S = (
    60  # the outbox's shortest backoff: a failed digest is tried again within a minute of its time
)
GRACE_S = 6 * 3600


class JobOptions(TypedDict):
    coalesce: bool
    max_instances: int
    misfire_grace_time: int


# coalesce: after a pause run once, not once per missed slot; one run of a job at a time
JOB_OPTIONS: JobOptions = {"coalesce": True, "max_instances": 1, "misfire_grace_time": GRACE_S}


def digest_job_id(site: Site) -> str:
    return f"digest.{site.property_id}"


def digest_trigger(site: Site) -> CronTrigger:
    return CronTrigger(
        hour=site.digest_time.hour, minute=site.digest_time.minute, timezone=site.zone
    )


def build_scheduler(
    *,
    refresh: Callable[[], Awaitable[object]],
    sender: DigestSender,
    sites: Sequence[Site],
    refresh_minutes: int = 5,
    sites_now: Callable[[], Sequence[Site]] | None = None,
) -> AsyncIOScheduler:
    """The jobs, not started (start it inside the running event loop)."""
    scheduler = AsyncIOScheduler(job_defaults=JOB_OPTIONS)
    scheduler.add_job(
        _logged(refresh, "device refresh"),
        IntervalTrigger(minutes=refresh_minutes),
        id=REFRESH_JOB,
        replace_existing=True,
        **JOB_OPTIONS,
    )
    scheduler.add_job(
        _logged(sender.retry_due, "digest retries"),
        IntervalTrigger(seconds=RETRY_EVERY_S),
        id=RETRY_JOB,
        replace_existing=True,
        **JOB_OPTIONS,
    )
    for site in sites:
        if not site.digest_channel and sites_now is None:
            continue
        # with `sites_now`, every property gets a job: a digest channel set in chat later
        # (bot/core/commands/cmd_channel_settings.py) is read when the job fires
        scheduler.add_job(
            _digest(sender, site, sites_now),
            digest_trigger(site),
            id=digest_job_id(site),
            replace_existing=True,
            **JOB_OPTIONS,
        )
    return scheduler


def _logged(job: Callable[[], Awaitable[object]], what: str) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        try:
            await job()
        except Exception:
            # a failed run must not stop the schedule; the next run tries again
            log.exception("%s failed", what)

    return run


def _digest(
    sender: DigestSender, site: Site, sites_now: Callable[[], Sequence[Site]] | None = None
) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        fresh = next((s for s in (sites_now or (lambda: ()))() if s.property_id == site.property_id),
                     site)  # fmt: skip
        if fresh.digest_channel:
            await sender.send_due(fresh)

    return _logged(run, f"digest of {site.name}")


async def start_health_jobs(
    *,
    refresh: Callable[[], Awaitable[object]],
    sender: DigestSender,
    sites: Sequence[Site],
    refresh_minutes: int = 5,
    offline_alerts: OfflineAlerts | None = None,
    sites_now: Callable[[], Sequence[Site]] | None = None,
) -> AsyncIOScheduler:
    """Build and start the jobs, then catch up on a digest missed while the bot was down. With
    `offline_alerts`, incidents are checked every minute (posting, retrying, editing on recovery)."""
    scheduler = build_scheduler(
        refresh=refresh, sender=sender, sites=sites, refresh_minutes=refresh_minutes,
        sites_now=sites_now,
    )  # fmt: skip
    if offline_alerts is not None:
        scheduler.add_job(
            _logged(offline_alerts.run, "offline alerts"),
            IntervalTrigger(seconds=RETRY_EVERY_S),
            id=ALERTS_JOB,
            replace_existing=True,
            **JOB_OPTIONS,
        )
    scheduler.start()
    await _logged(sender.send_due, "digest catch-up")()
    return scheduler


async def start_recovery_job(
    recover: Callable[[], Awaitable[object]],
    *,
    minutes: int = 5,
    renew: Callable[[], None] | None = None,
    seconds: float | None = None,
    chunks: Callable[[], Awaitable[object]] | None = None,
) -> AsyncIOScheduler:
    """Check journal rows left in flight (and post waiting notices) every few minutes, and once now,
    so what the start-up recovery could not settle (Amazon unreachable) is settled later; with
    `renew`, this process's leases of its running changes are pushed on every few seconds. Replicas
    sweep every `seconds` (a lease plus one sweep bounds how long a dead replica's change waits).
    With `chunks`, this replica's worker looks for chunks of bulk changes every second."""
    scheduler = AsyncIOScheduler(job_defaults=JOB_OPTIONS)
    job = _logged(recover, "recovery of interrupted changes")
    every = IntervalTrigger(seconds=seconds) if seconds else IntervalTrigger(minutes=minutes)
    scheduler.add_job(job, every, id=RECOVERY_JOB, replace_existing=True, **JOB_OPTIONS)
    if renew is not None:
        scheduler.add_job(
            _logged(_async(renew), "renewal of change leases"),
            IntervalTrigger(seconds=RENEW_EVERY_S),
            id=LEASE_JOB,
            replace_existing=True,
            **JOB_OPTIONS,
        )
    if chunks is not None:
        scheduler.add_job(
            _logged(chunks, "chunks of bulk changes"),
            IntervalTrigger(seconds=CHUNKS_EVERY_S),
            id=CHUNKS_JOB,
            replace_existing=True,
            **JOB_OPTIONS,
        )
    scheduler.start()
    await job()
    return scheduler


def _async(work: Callable[[], None]) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        work()

    return run


@dataclass(frozen=True)
class Periodic:
    """A job of the replicas' job queue (bot/pg/jobs.py): `name` is its task's name, the same on
    every replica; `cron` is croniter's, in UTC (a sixth field is seconds); `work` never raises (a
    failure is logged and the next period tries again). `one_at_a_time`: a run waits while another
    replica still runs the previous one (APScheduler's max_instances=1)."""

    name: str
    cron: str
    work: Callable[[], Awaitable[None]]
    one_at_a_time: bool = True


def every_minutes(minutes: int) -> str:
    """The cron of `device_refresh_minutes`: on the minutes that are multiples of it (past 60, on
    the hour every so many hours). A number that does not divide the hour leaves a shorter gap at
    the hour, as cron does."""
    if minutes < 60:
        return f"*/{minutes} * * * *"
    return f"0 */{min(minutes // 60, 23)} * * *"


def every_seconds(seconds: float) -> str:
    """A cron with a seconds field: every `seconds` (at most a minute) from the top of the minute."""
    step = max(1, min(60, round(seconds)))
    return "* * * * *" if step == 60 else f"* * * * * */{step}"


def health_periodic(
    *,
    refresh: Callable[[], Awaitable[object]],
    sender: DigestSender,
    sites_now: Callable[[], Sequence[Site]],
    refresh_minutes: int = 5,
    offline_alerts: OfflineAlerts | None = None,
) -> list[Periodic]:
    """The health jobs as periodic tasks of the job queue: the refresh, the digests (retries and
    new slots: `send_due`, on the properties as they are now) and the offline alerts."""
    jobs = [
        Periodic(REFRESH_JOB, every_minutes(refresh_minutes), _logged(refresh, "device refresh")),
        Periodic(DIGESTS_JOB, every_seconds(RETRY_EVERY_S), _due_digests(sender, sites_now)),
    ]
    if offline_alerts is not None:
        run = _logged(offline_alerts.run, "offline alerts")
        jobs.append(Periodic(ALERTS_JOB, every_seconds(RETRY_EVERY_S), run))
    return jobs


def _due_digests(
    sender: DigestSender, sites_now: Callable[[], Sequence[Site]]
) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        # a digest channel set in chat since start-up is read now, as the cron jobs above do
        sender.sites = list(sites_now())
        await sender.send_due()

    return _logged(run, "digests")
