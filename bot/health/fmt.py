"""How times and durations read in health replies (always in the property's timezone)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.core.shared.when import spoken_time


def local_time(epoch: float, zone: ZoneInfo, now: float) -> str:
    """A time as people say it, in the property's timezone: "today 16:23", "yesterday 09:12",
    "Mon 3 Nov 10:00" (relative to `now`, the clock's time)."""
    return spoken_time(datetime.fromtimestamp(epoch, UTC), datetime.fromtimestamp(now, UTC), zone)


def duration(seconds: float) -> str:
    minutes = int(max(0.0, seconds) // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {mins} min"
    return f"{mins} min"


NO_DATA = "\u2013"


def percent(value: float | None) -> str:
    """`99.0%`; None (nothing measured, e.g. a property with no devices) reads as a dash."""
    if value is None:
        return NO_DATA
    text = f"{value:.1f}%"
    # 99.96 % is not "100.0%": any downtime at all must show
    return "99.9%" if text == "100.0%" and value < 100.0 else text


def window(days: float) -> str:
    """A window's length: "7 d", "24 h" (whole hours under two days read as hours)."""
    hours = days * 24
    if days < 2 and abs(hours - round(hours)) < 1e-9:
        return f"{round(hours)} h"
    return f"{days:g} d"
