"""Connection-status arithmetic over one device's events (pure functions, epoch seconds).

Events are (ts, value) with value ONLINE or OFFLINE, oldest first. Before the first known event the
device is taken to have been in the opposite state (an event is a change); with no events at all it
has been in its current state throughout. Repeated values are not transitions.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

ONLINE = "ONLINE"
OFFLINE = "OFFLINE"


def _opposite(value: str) -> str:
    return OFFLINE if value == ONLINE else ONLINE


@dataclass(frozen=True)
class History:
    """One device's CONNECTION_STATUS events (oldest first) and its current status."""

    events: Sequence[tuple[float, str]]
    current: str
    _times: list[float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_times", [ts for ts, _ in self.events])

    def status_at(self, t: float) -> str:
        if not self.events:
            return self.current
        i = bisect_right(self._times, t)
        if i == 0:
            return _opposite(self.events[0][1])
        return self.events[i - 1][1]

    def segments(self, start: float, end: float) -> list[tuple[float, float, str]]:
        """(from, to, status) covering [start, end], merged where the status does not change."""
        out: list[tuple[float, float, str]] = []
        cursor, status = start, self.status_at(start)
        first = bisect_right(self._times, start)
        for ts, value in self.events[first:]:
            if ts >= end:
                break
            if value != status:
                out.append((cursor, ts, status))
                cursor, status = ts, value
        out.append((cursor, end, status))
        return out

    def online_seconds(self, start: float, end: float) -> float:
        if not self._times or self._times[-1] <= start or self._times[0] >= end:
            # no change inside the range: the common case, kept cheap for large estates
            return end - start if self.status_at(start) == ONLINE else 0.0
        return sum(b - a for a, b, s in self.segments(start, end) if s == ONLINE)

    def transitions(self, start: float, end: float) -> int:
        return len(self.segments(start, end)) - 1

    def offline_since(self, now: float) -> float | None:
        """When the current offline spell began (None when online or when no event says)."""
        if self.status_at(now) != OFFLINE:
            return None
        segments = self.segments(self.events[0][0] if self.events else now, now)
        start, _, status = segments[-1]
        if status != OFFLINE or not self.events:
            return None
        return start


def uptime_percent(histories: Sequence[History], start: float, end: float) -> float:
    """Fleet uptime over [start, end]: online device-seconds over all (100 for no devices)."""
    span = end - start
    if not histories or span <= 0:
        return 100.0
    online = sum(h.online_seconds(start, end) for h in histories)
    return 100.0 * online / (span * len(histories))
