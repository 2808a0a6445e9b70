"""The nightly digest: figures known by construction, the chart, and the exactly-once rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from test_health_world import NOW, SITE, fleet, make_client, make_store, resolver

from bot.clock import FakeClock
from bot.core.shared.replies import Reply
from bot.health.digest import DigestFigures, build_digest_reply, compute_figures, slot_utc
from bot.health.posting import DigestSender, reply_text, run_digest_command
from bot.health.refresh import refresh_devices
from bot.health.sites import Site
from bot.health.store import HealthStore
from bot.health.timeline import uptime_percent
from bot.json_types import as_object
from bot.sandbox.aws_handlers import DeviceBackend


class RecordingPoster:
    def __init__(self) -> None:
        self.posts: list[tuple[str, Reply]] = []

    async def post_to_channel(self, channel: str, reply: Reply) -> str:
        self.posts.append((channel, reply))
        return f"ts-{len(self.posts)}"


async def loaded_store(clock: FakeClock) -> HealthStore:
    store = make_store()
    async with make_client(DeviceBackend(fleet()), clock) as client:
        await refresh_devices(client, store, [SITE], clock=clock, resolver=resolver())
    return store


async def test_figures_match_the_construction() -> None:
    """Counts, newly offline, recovered, long offline, flapping and uptimes are exact."""
    clock = FakeClock(NOW)
    figures = compute_figures(await loaded_store(clock), SITE, NOW)
    assert (figures.total, figures.online, figures.offline) == (5, 3, 2)
    assert [d.serial for d in figures.newly_offline] == ["S102"]
    assert [d.serial for d in figures.long_offline] == ["S103"]
    assert [d.serial for d in figures.recovered] == ["S104"]
    assert [(d.serial, d.changes) for d in figures.flapping] == [("S105", 4)]
    assert figures.uptime_24h == pytest.approx(100 * 74 / 120)
    assert figures.uptime_day_before == pytest.approx(100 * 90 / 120)
    assert (figures.online_day_before, figures.offline_day_before) == (3, 2)
    assert figures.long_offline[0].since == (NOW - timedelta(hours=50)).timestamp()
    # the last bar is the whole local calendar day before the digest's day (Mon 9 Mar, PDT)
    yesterday = figures.days[-1]
    assert len(figures.days) == 7 and yesterday.day == date(2026, 3, 9)
    start = datetime(2026, 3, 9, tzinfo=SITE.zone).timestamp()
    end = datetime(2026, 3, 10, tzinfo=SITE.zone).timestamp()
    store = await loaded_store(FakeClock(NOW))
    histories = list(store.histories(store.devices(SITE.property_id)).values())
    assert yesterday.uptime_pct == pytest.approx(uptime_percent(histories, start, end))


async def test_digest_reply_has_local_times_and_a_png_chart(tmp_path: Path) -> None:
    """`bot digest --out DIR` prints the digest (local times in words: "today 05:00") and writes its PNG chart."""
    clock = FakeClock(NOW)
    store = await loaded_store(clock)
    printed: list[str] = []
    [reply] = await run_digest_command(
        store, [SITE], clock=clock, out_dir=tmp_path, echo=printed.append
    )
    assert reply.headline.startswith("Device health for Sea View, 2026-03-10: 3 online, 2 offline")
    assert reply.attachments[0].data.startswith(b"\x89PNG")
    assert reply.table is not None
    assert any(
        "since today 05:00" in row[4] for row in reply.table.rows if row[0] == "newly offline"
    )
    assert (tmp_path / "health-sea-view-2026-03-10.png").exists()
    assert store.digests_sent_count("P1") == 0  # building is not sending


async def test_exactly_once_across_a_restart() -> None:
    """A slot is posted once; a new sender on the same database (a restart) does not repost."""
    clock = FakeClock(NOW)
    store = await loaded_store(clock)
    poster = RecordingPoster()
    [first] = await DigestSender(store, [SITE], clock, poster).send_due()
    assert first.sent and poster.posts[0][0] == "#sea-view-ops"
    clock.advance(60)
    restarted = DigestSender(store, [SITE], clock, poster)
    [again] = await restarted.send_due()
    assert not again.sent and len(poster.posts) == 1
    record = store.digest_record("P1", "2026-03-10")
    assert record is not None and record["state"] == "sent"
    assert as_object(record["summary"])["newly_offline"] == ["S102"]


async def test_missed_slot_is_sent_when_less_than_six_hours_late() -> None:
    """Down at 07:00, up at 12:59 local: sent at start-up; up at 13:01 instead: skipped."""
    clock = FakeClock(NOW + timedelta(hours=5, minutes=59))
    store = await loaded_store(clock)
    poster = RecordingPoster()
    [late] = await DigestSender(store, [SITE], clock, poster).send_due()
    assert late.sent and late.local_date == date(2026, 3, 10)

    clock = FakeClock(NOW + timedelta(hours=6, minutes=1))
    store = await loaded_store(clock)
    [too_late] = await DigestSender(store, [SITE], clock, RecordingPoster()).send_due()
    assert not too_late.sent


def test_slot_follows_daylight_saving() -> None:
    """07:00 Los Angeles is 15:00 UTC the day before spring-forward and 14:00 UTC on that day."""
    assert slot_utc(SITE, date(2026, 3, 7)) == datetime(2026, 3, 7, 15, 0, tzinfo=UTC)
    assert slot_utc(SITE, date(2026, 3, 8)) == datetime(2026, 3, 8, 14, 0, tzinfo=UTC)
    assert slot_utc(SITE, date(2026, 11, 1)) == datetime(2026, 11, 1, 15, 0, tzinfo=UTC)


async def test_dst_day_digest_is_due_at_local_seven() -> None:
    """On the spring-forward day the digest is not due at 06:59 PDT and is due at 07:00 PDT."""
    clock = FakeClock(datetime(2026, 3, 8, 13, 59, tzinfo=UTC))
    store = await loaded_store(clock)
    sender = DigestSender(store, [SITE], clock, RecordingPoster())
    assert [o.sent for o in await sender.send_due()] == [False]
    clock.advance(60)
    [outcome] = await sender.send_due()
    assert outcome.sent and outcome.local_date == date(2026, 3, 8)


async def test_digest_of_a_property_without_devices_shows_no_uptime() -> None:
    """A property with no devices says so, and its uptime is a dash (no data), not 100%."""
    empty = Site(property_id="P9", name="Test Inn", timezone="America/Los_Angeles")
    clock = FakeClock(NOW)
    figures = compute_figures(await loaded_store(clock), empty, NOW)
    reply = build_digest_reply(figures, empty, chart=False)
    assert reply.headline == "Device health for Test Inn, 2026-03-10: no devices are known there."
    assert ("Uptime 24 h", "\u2013") in reply.fields
    assert "100" not in reply_text(reply)


def test_one_unplaced_device_is_singular() -> None:
    """The digest note says "1 device is unplaced", not "1 devices are"."""
    figures = DigestFigures("P1", "Sea View", NOW.timestamp(), NOW.timestamp(), total=1, unplaced=1)
    reply = build_digest_reply(figures, SITE, chart=False)
    assert "1 device is unplaced" in reply.notes[0]
