"""Chat times in the property's timezone, in words (bot/core/shared/when.py), and `recent changes`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from core_helpers import BotUnderTest

from bot.clock import FakeClock
from bot.core.shared.when import parse_utc, spoken_time, zone_label, zone_of

LONDON = zone_of("Europe/London")
SEATTLE = zone_of("America/Los_Angeles")
NOW = FakeClock(datetime(2026, 11, 5, 14, 30, tzinfo=UTC))  # Thursday 5 Nov, 14:30 in London


@pytest.mark.parametrize(
    ("at", "said"),
    [
        (datetime(2026, 11, 5, 14, 3, tzinfo=UTC), "today 14:03"),
        (datetime(2026, 11, 4, 9, 12, tzinfo=UTC), "yesterday 09:12"),
        (datetime(2026, 11, 6, 7, 0, tzinfo=UTC), "tomorrow 07:00"),
        (datetime(2026, 11, 2, 10, 0, tzinfo=UTC), "Mon 10:00"),
        (datetime(2026, 10, 26, 10, 0, tzinfo=UTC), "Mon 26 Oct 10:00"),
        (datetime(2025, 11, 3, 10, 0, tzinfo=UTC), "Mon 3 Nov 2025 10:00"),
    ],
)
def test_times_read_in_words_in_the_propertys_zone(at: datetime, said: str) -> None:
    assert spoken_time(at, NOW.now(), LONDON) == said


def test_today_is_the_propertys_today_not_the_servers() -> None:
    """01:00 UTC on 5 Nov is still 4 Nov (17:00) in Seattle: "yesterday" seen from 5 Nov there."""
    clock = FakeClock(datetime(2026, 11, 5, 20, 0, tzinfo=UTC))
    assert spoken_time(datetime(2026, 11, 5, 1, 0, tzinfo=UTC), clock.now(), SEATTLE) == (
        "yesterday 17:00"
    )
    clock.advance(timedelta(hours=10).total_seconds())
    assert spoken_time(clock.now(), clock.now(), SEATTLE) == "today 22:00"


def test_summer_time_is_followed() -> None:
    """The same UTC hour reads an hour later in London's summer."""
    summer = datetime(2026, 7, 1, 13, 0, tzinfo=UTC)
    assert spoken_time(summer, summer, LONDON) == "today 14:00"
    assert zone_label(LONDON, summer) == "BST"


def test_unknown_zone_is_utc_and_naive_timestamps_are_utc() -> None:
    assert zone_of("Mars/Olympus") == zone_of(None) == zone_of("UTC")
    assert parse_utc("2026-11-05T14:03:00") == datetime(2026, 11, 5, 14, 3, tzinfo=UTC)


async def test_recent_changes_shows_property_times_in_words(small_bot: BotUnderTest) -> None:
    """`recent changes` after a change at Hotel A (New York): "today 07:00" under "When (EST)"."""
    assert isinstance(small_bot.clock, FakeClock)
    small_bot.clock.set(datetime(2026, 1, 15, 12, 0, tzinfo=UTC))
    await small_bot.say("set room 102 at Hotel A to jazz")
    reply = await small_bot.say("recent changes")
    assert reply.table is not None
    assert reply.table.columns[0] == "When (EST)"
    assert reply.table.rows[0][0] == "today 07:00"
    assert "T12:00" not in str(reply.table.rows)
