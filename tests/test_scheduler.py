"""The APScheduler jobs: refresh interval, digest cron in the property's timezone, catch-up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from test_health_world import NOW, SITE, make_store

from bot.clock import FakeClock
from bot.core.replies import Reply
from bot.health.posting import DigestSender
from bot.health.sites import Site
from bot.scheduler import (
    REFRESH_JOB,
    RETRY_JOB,
    build_scheduler,
    digest_job_id,
    digest_trigger,
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
