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

    def steady_between(self, start: float, end: float) -> bool:
        """True when no event falls in (start, end]: the status is the same all through."""
        i = bisect_right(self._times, start)
        return i == len(self._times) or self._times[i] > end

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


@dataclass(frozen=True)
class FleetProfile:
    """Online device-seconds per window and devices offline at each instant, over a fleet."""

    online_seconds: list[float]
    offline_at: list[int]
    devices: int

    def uptime_percent(self, k: int, windows: Sequence[tuple[float, float]]) -> float:
        start, end = windows[k]
        span = end - start
        if not self.devices or span <= 0:
            return 100.0
        return 100.0 * self.online_seconds[k] / (span * self.devices)


def fleet_profile(
    histories: Sequence[History],
    windows: Sequence[tuple[float, float]],
    instants: Sequence[float] = (),
) -> FleetProfile:
    """Many windows and instants in one pass over the fleet (the digest asks for 9 and 7).

    A device with no event anywhere in the span is counted once, not once per window: on a large
    estate most devices are steady for the week, and per-window calls were most of the digest's cost.
    """
    online = [0.0] * len(windows)
    offline_at = [0] * len(instants)
    if not histories or not (windows or instants):
        return FleetProfile(online, offline_at, len(histories))
    lo = min([a for a, _ in windows] + list(instants))
    hi = max([b for _, b in windows] + list(instants))
    steady_online = steady_offline = 0
    for history in histories:
        if history.steady_between(lo, hi):
            if history.status_at(lo) == ONLINE:
                steady_online += 1
            else:
                steady_offline += 1
            continue
        for k, (start, end) in enumerate(windows):
            online[k] += history.online_seconds(start, end)
        for k, t in enumerate(instants):
            offline_at[k] += history.status_at(t) == OFFLINE
    for k, (start, end) in enumerate(windows):
        online[k] += steady_online * max(0.0, end - start)
    for k in range(len(instants)):
        offline_at[k] += steady_offline
    return FleetProfile(online, offline_at, len(histories))
