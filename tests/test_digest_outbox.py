"""The digest outbox: sent only on the platform's id, retried with backoff, never lost to a kill."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from test_digest import loaded_store
from test_health_world import NOW, SITE

from bot.clock import FakeClock
from bot.core.shared.replies import Reply
from bot.health.outbox import GIVE_UP_AFTER_S, retry_delay
from bot.health.posting import DigestSender

DAY = "2026-03-10"


class Flaky:
    """Fails the first `failures` posts, then posts and returns an id."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.tries = 0
        self.posted: list[str] = []

    async def post_to_channel(self, channel: str, reply: Reply) -> str:
        self.tries += 1
        if self.tries <= self.failures:
            raise ConnectionError("chat platform unreachable")
        self.posted.append(channel)
        return f"1700000000.{self.tries:06d}"


class Hanging:
    """A post that never answers: the process is killed while it waits."""

    def __init__(self) -> None:
        self.started = asyncio.Event()

    async def post_to_channel(self, channel: str, reply: Reply) -> str:
        self.started.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


class Silent:
    """A platform that accepts the call but confirms nothing (no id)."""

    async def post_to_channel(self, channel: str, reply: Reply) -> str:
        return ""


def test_backoff_doubles_from_a_minute_to_an_hour() -> None:
    """Retry waits: 60 s, 120 s, 240 s … capped at 3600 s."""
    assert [retry_delay(n) for n in (1, 2, 3, 7, 8, 20)] == [60, 120, 240, 3600, 3600, 3600]


async def test_sent_only_with_the_platforms_id() -> None:
    """A confirmed post records its id and state 'sent'; the slot is not posted again."""
    clock = FakeClock(NOW)
    store = await loaded_store(clock)
    poster = Flaky(0)
    [outcome] = await DigestSender(store, [SITE], clock, poster).send_due()
    assert outcome.sent
    record = store.db.execute(
        "select state, message_id from digests_sent where local_date = ?", [DAY]
    ).fetchone()
    assert record == ("sent", "1700000000.000001")
    assert store.digest_record("P1", DAY) is not None


async def test_a_failed_post_is_retried_with_backoff_until_it_goes_through() -> None:
    """Two failures: not sent, retried after 60 s then 120 s (not before), then sent once."""
    clock = FakeClock(NOW)
    store = await loaded_store(clock)
    poster = Flaky(2)
    sender = DigestSender(store, [SITE], clock, poster)
    [first] = await sender.send_due()
    assert not first.sent and "retrying in 60 s" in first.reason
    clock.advance(30)
    assert [o.reason for o in await sender.send_due()] == ["nothing due"]
    clock.advance(30)
    [second] = await sender.send_due()
    assert not second.sent and "retrying in 120 s" in second.reason
    clock.advance(120)
    [third] = await sender.send_due()
    assert third.sent and poster.posted == ["#sea-view-ops"] and poster.tries == 3
    clock.advance(3600)
    assert not any(o.sent for o in await sender.send_due())


async def test_no_id_means_not_sent() -> None:
    """A post the platform did not confirm with an id stays pending."""
    clock = FakeClock(NOW)
    store = await loaded_store(clock)
    [outcome] = await DigestSender(store, [SITE], clock, Silent()).send_due()
    assert not outcome.sent
    record = store.digest_record("P1", DAY)
    assert record is not None and record["state"] == "pending"


async def test_a_kill_during_the_post_does_not_lose_the_days_digest() -> None:
    """Killed mid-post: the row written before posting survives; after a restart it is posted."""
    clock = FakeClock(NOW)
    store = await loaded_store(clock)
    hanging = Hanging()
    run = asyncio.create_task(DigestSender(store, [SITE], clock, hanging).send_due())
    await hanging.started.wait()
    run.cancel()  # the process dies here: nothing after the post runs
    await asyncio.gather(run, return_exceptions=True)
    record = store.digest_record("P1", DAY)
    assert record is not None and record["state"] == "pending"

    clock.advance(retry_delay(1))
    restarted = Flaky(0)
    [outcome] = await DigestSender(store, [SITE], clock, restarted).send_due()
    assert outcome.sent and restarted.posted == ["#sea-view-ops"]


async def test_a_day_that_keeps_failing_is_given_up_after_twelve_hours() -> None:
    """After 12 h of failures the day is marked failed and no longer retried."""
    clock = FakeClock(NOW)
    store = await loaded_store(clock)
    poster = Flaky(10_000)
    sender = DigestSender(store, [SITE], clock, poster)
    await sender.send_due()
    while clock.now() < NOW + timedelta(seconds=GIVE_UP_AFTER_S + 3600):
        clock.advance(3600)
        await sender.retry_due()
    record = store.digest_record("P1", DAY)
    assert record is not None and record["state"] == "failed"
    tries = poster.tries
    clock.advance(7200)
    await sender.retry_due()
    assert poster.tries == tries
