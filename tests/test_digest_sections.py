"""Extra digest sections (the guest-profile capacity) reach every digest path through one hook."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from test_health_world import NOW, SITE, fleet, make_client, make_store, resolver

from bot.clock import FakeClock
from bot.core.shared.replies import Reply
from bot.health.posting import DigestSender, run_digest_command
from bot.health.refresh import refresh_devices
from bot.health.store import HealthStore
from bot.sandbox.aws_handlers import DeviceBackend
from bot.scheduler import build_scheduler, digest_job_id

SECTION = ["Guest-profile capacity:", "Object type GuestStay: 850 of 1,000 (85%)."]


class RecordingPoster:
    def __init__(self) -> None:
        self.posts: list[tuple[str, Reply]] = []

    async def post_to_channel(self, channel: str, reply: Reply) -> str:
        self.posts.append((channel, reply))
        return f"ts-{len(self.posts)}"


class Hook:
    """An extra_notes hook that counts its calls."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.calls = 0

    async def __call__(self) -> list[str]:
        self.calls += 1
        return list(self.lines)


async def loaded_store(clock: FakeClock) -> HealthStore:
    store = make_store()
    client = make_client(DeviceBackend(fleet()), clock)
    try:
        await refresh_devices(client, store, [SITE], clock=clock, resolver=resolver())
    finally:
        await client.aclose()
    return store


async def noop() -> None:
    return None


async def run_scheduled_digest(sender: DigestSender) -> None:
    """Run the digest job exactly as APScheduler would at the slot (without starting a scheduler)."""
    scheduler = build_scheduler(refresh=noop, sender=sender, sites=[SITE])
    job = scheduler.get_job(digest_job_id(SITE))
    assert job is not None
    await job.func()


async def test_scheduled_digest_posts_the_hooks_section() -> None:
    """The nightly job's digest ends with the lines the extra_notes hook returns."""
    clock = FakeClock(NOW)
    poster = RecordingPoster()
    hook = Hook(SECTION)
    sender = DigestSender(await loaded_store(clock), [SITE], clock, poster, extra_notes=hook)
    await run_scheduled_digest(sender)
    [(channel, reply)] = poster.posts
    assert channel == "#sea-view-ops"
    assert reply.notes[-2:] == SECTION and hook.calls == 1


async def test_scheduled_digest_without_a_hook_has_no_extra_section() -> None:
    """Without a hook the nightly digest carries only its own note."""
    clock = FakeClock(NOW)
    poster = RecordingPoster()
    await run_scheduled_digest(DigestSender(await loaded_store(clock), [SITE], clock, poster))
    [(_, reply)] = poster.posts
    assert reply.notes == ["Changes are against the day before."]


async def test_hook_returning_nothing_adds_nothing() -> None:
    """A hook with nothing to report (capacity is fine) leaves the notes as they were."""
    clock = FakeClock(NOW)
    poster = RecordingPoster()
    sender = DigestSender(await loaded_store(clock), [SITE], clock, poster, extra_notes=Hook([]))
    [outcome] = await sender.send_due()
    assert outcome.sent and poster.posts[0][1].notes == ["Changes are against the day before."]


async def test_a_failing_hook_does_not_stop_the_digest(caplog: pytest.LogCaptureFixture) -> None:
    """A section that raises is logged; the digest is still posted, without it, and recorded."""

    async def broken() -> list[str]:
        raise RuntimeError("profiles down")

    clock = FakeClock(NOW)
    store = await loaded_store(clock)
    poster = RecordingPoster()
    with caplog.at_level(logging.ERROR, logger="bot.health.posting"):
        [outcome] = await DigestSender(store, [SITE], clock, poster, extra_notes=broken).send_due()
    assert outcome.sent and poster.posts[0][1].notes == ["Changes are against the day before."]
    assert "extra digest section failed" in caplog.text
    assert store.digest_record("P1", "2026-03-10") is not None


async def test_bot_digest_prints_and_writes_the_section(tmp_path: Path) -> None:
    """`bot digest --out DIR` shows the hook's section in its text and in the written file."""
    clock = FakeClock(NOW)
    printed: list[str] = []
    [reply] = await run_digest_command(
        await loaded_store(clock),
        [SITE],
        clock=clock,
        out_dir=tmp_path,
        echo=printed.append,
        extra_notes=Hook(SECTION),
    )
    assert reply.notes[-2:] == SECTION
    assert SECTION[1] in printed[0]
    assert SECTION[1] in (tmp_path / "health-sea-view-2026-03-10.txt").read_text()


async def test_bot_digest_post_sends_the_section_once() -> None:
    """`bot digest --post` posts the digest with the section, asking the hook once, not twice."""
    clock = FakeClock(NOW)
    poster = RecordingPoster()
    hook = Hook(SECTION)
    [reply] = await run_digest_command(
        await loaded_store(clock),
        [SITE],
        clock=clock,
        post=True,
        poster=poster,
        echo=lambda _: None,
        extra_notes=hook,
    )
    [(_, posted)] = poster.posts
    assert posted is reply and posted.notes[-2:] == SECTION and hook.calls == 1
