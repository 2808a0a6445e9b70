"""Times as chat replies say them: in the property's timezone, in words.

"today 14:03", "yesterday 09:12", "tomorrow 07:00", within the last week "Mon 10:00", earlier
"Mon 3 Nov 10:00", another year "Mon 3 Nov 2025 10:00". `now` comes from the injected Clock, so
"today" is the property's today, not the server's.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_DAY_WORDS = {0: "today", -1: "yesterday", 1: "tomorrow"}


def zone_of(name: str | None) -> ZoneInfo:
    """The timezone named, or UTC for an unknown or missing name (never raises)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def parse_utc(text: str) -> datetime:
    """An ISO timestamp as stored (naive ones are UTC)."""
    at = datetime.fromisoformat(text)
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def spoken_time(at: datetime, now: datetime, zone: ZoneInfo) -> str:
    local, today = at.astimezone(zone), now.astimezone(zone).date()
    clock = local.strftime("%H:%M")
    days = (local.date() - today).days
    if days in _DAY_WORDS:
        return f"{_DAY_WORDS[days]} {clock}"
    weekday = local.strftime("%a")
    if -7 < days < 0:
        return f"{weekday} {clock}"
    year = "" if local.year == today.year else f" {local.year}"
    return f"{weekday} {local.day} {local.strftime('%b')}{year} {clock}"


def zone_label(zone: ZoneInfo, now: datetime) -> str:
    """How a column header names the zone: its abbreviation now ("PST", "GMT"), else its key."""
    return now.astimezone(zone).tzname() or zone.key


__all__ = ["parse_utc", "spoken_time", "zone_label", "zone_of"]
