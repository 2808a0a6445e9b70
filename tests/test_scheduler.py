"""The APScheduler jobs: refresh interval, digest cron in the property's timezone, catch-up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from test_health_world import NOW, SITE, make_store

from bot.clock import FakeClock
from bot.core.shared.replies import Reply
from bot.health.offline_alerts import Incident, OfflineAlerts
from bot.health.posting import DigestSender
from bot.health.sites import Site
from bot.scheduler import (
    ALERTS_JOB,
    DIGESTS_JOB,
    REFRESH_JOB,
    RETRY_JOB,
    build_scheduler,
    digest_job_id,
    digest_trigger,
    every_minutes,
    every_seconds,
    health_periodic,
    start_health_jobs,
)


class RecordingPoster:
    def __init__(self) -> None:
        self.channels: list[str] = []

    async def post_to_channel(self, channel: str, reply: Reply) -> str:
        self.channels.append(channel)
        return f"ts-{len(self.channels)}"


async def noop() -> None:
    return None


def test_jobs_are_built_with_coalesce_and_single_instance() -> None:
    """A refresh job every 5 minutes, the outbox retries every minute and one digest job per
    property with a digest channel."""
    silent = Site(property_id="P2", name="Quiet Inn")
    sender = DigestSender(make_store(), [SITE, silent], FakeClock(NOW), RecordingPoster())
    scheduler = build_scheduler(refresh=noop, sender=sender, sites=[SITE, silent])
    ids = sorted(job.id for job in scheduler.get_jobs())
    assert ids == sorted([digest_job_id(SITE), REFRESH_JOB, RETRY_JOB])
    assert scheduler.get_job(RETRY_JOB).trigger.interval == timedelta(minutes=1)
    job = scheduler.get_job(REFRESH_JOB)
    assert job.trigger.interval == timedelta(minutes=5)
    assert job.coalesce is True and job.max_instances == 1


def test_digest_trigger_fires_at_local_seven_across_dst() -> None:
    """07:00 America/Los_Angeles is 15:00 UTC on 7 March and 14:00 UTC on 8 March 2026."""
    trigger = digest_trigger(SITE)
    first = trigger.get_next_fire_time(None, datetime(2026, 3, 7, 12, 0, tzinfo=UTC))
    second = trigger.get_next_fire_time(first, first + timedelta(minutes=1))
    assert first.astimezone(UTC) == datetime(2026, 3, 7, 15, 0, tzinfo=UTC)
    assert second.astimezone(UTC) == datetime(2026, 3, 8, 14, 0, tzinfo=UTC)


async def test_start_up_catches_up_a_missed_digest_once() -> None:
    """Starting 3 h after the slot posts the missed digest; starting again does not repost it."""
    clock = FakeClock(NOW + timedelta(hours=3))
    store = make_store()
    poster = RecordingPoster()
    for _ in range(2):
        sender = DigestSender(store, [SITE], clock, poster)
        scheduler = await start_health_jobs(refresh=noop, sender=sender, sites=[SITE])
        scheduler.shutdown(wait=False)
    assert poster.channels == ["#sea-view-ops"]


class CountingAlerts(OfflineAlerts):
    def __init__(self) -> None:
        self.runs = 0

    async def run(self) -> list[Incident]:
        self.runs += 1
        return []


async def test_the_replicas_periodic_tasks_call_what_the_apscheduler_jobs_call() -> None:
    """On PostgreSQL the same work runs as periodic tasks (bot/pg/jobs.py): the refresh task calls
    the refresh, the alerts task OfflineAlerts.run, and the digests task the sender's `send_due`
    (the start-up catch-up above) on the properties as they are now. At the slot a property
    whose digest channel was set after start-up is posted, once however many ticks run."""
    refreshed: list[str] = []

    async def refresh() -> None:
        refreshed.append("refresh")

    poster = RecordingPoster()
    at_start = Site(property_id="P1", name="Sea View", timezone="America/Los_Angeles")
    sites = [at_start]
    sender = DigestSender(make_store(), sites, FakeClock(NOW), poster)
    alerts = CountingAlerts()
    jobs = health_periodic(
        refresh=refresh, sender=sender, sites_now=lambda: sites, refresh_minutes=10,
        offline_alerts=alerts,
    )  # fmt: skip
    assert [(job.name, job.cron) for job in jobs] == [
        (REFRESH_JOB, "*/10 * * * *"),
        (DIGESTS_JOB, "* * * * *"),
        (ALERTS_JOB, "* * * * *"),
    ]
    by_name = {job.name: job.work for job in jobs}
    await by_name[DIGESTS_JOB]()
    assert poster.channels == []  # no digest channel yet
    sites[0] = SITE  # `set digest channel here` since start-up
    for _ in range(2):
        await by_name[DIGESTS_JOB]()
    assert poster.channels == ["#sea-view-ops"]
    await by_name[REFRESH_JOB]()
    await by_name[ALERTS_JOB]()
    assert refreshed == ["refresh"] and alerts.runs == 1


def test_the_crons_of_the_replicas_periodic_tasks() -> None:
    """device_refresh_minutes as a cron (on the hour past 60), and seconds as a sixth field."""
    assert every_minutes(5) == "*/5 * * * *"
    assert every_minutes(120) == "0 */2 * * *"
    assert every_seconds(30) == "* * * * * */30"
    assert every_seconds(60) == "* * * * *"
