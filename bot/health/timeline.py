"""Connection-status arithmetic over one device's events (pure functions, epoch seconds).

Events are (ts, value) with value ONLINE or OFFLINE, oldest first. A device exists from `born` (its
registration or first sign of life, when known): before that it is neither online nor offline and
counts in no figure; from then until its first connection event it is online. Before the first known event of a device whose birth is unknown, it is taken to
have been in the opposite state (an event is a change); with no events at all it has been in its
current state throughout. Repeated values are not transitions.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

ONLINE = "ONLINE"
OFFLINE = "OFFLINE"
ABSENT = "ABSENT"  # before the device existed


def _opposite(value: str) -> str:
    return OFFLINE if value == ONLINE else ONLINE


@dataclass(frozen=True)
class History:
    """One device's CONNECTION_STATUS events (oldest first), its current status and when it began
    to exist (None: unknown, taken as always)."""

    events: Sequence[tuple[float, str]]
    current: str
    born: float | None = None
    _times: list[float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_times", [ts for ts, _ in self.events])

    def _clip(self, start: float) -> float:
        return start if self.born is None else max(start, self.born)

    def steady_between(self, start: float, end: float) -> bool:
        """True when the device existed all through and no event falls in (start, end]."""
        if self.born is not None and self.born > start:
            return False
        i = bisect_right(self._times, start)
        return i == len(self._times) or self._times[i] > end

    def status_at(self, t: float) -> str:
        if self.born is not None and t < self.born:
            return ABSENT
        if not self.events:
            return self.current
        i = bisect_right(self._times, t)
        if i == 0:
            # a registered device is up from its registration until an event says otherwise
            return ONLINE if self.born is not None else _opposite(self.events[0][1])
        return self.events[i - 1][1]

    def segments(self, start: float, end: float) -> list[tuple[float, float, str]]:
        """(from, to, status) covering the part of [start, end] in which the device existed,
        merged where the status does not change (empty when it did not exist yet)."""
        if self.born is not None and self.born >= end:
            return []
        start = self._clip(start)
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

    def exposure_seconds(self, start: float, end: float) -> float:
        """How long the device existed within [start, end]."""
        return max(0.0, end - self._clip(start))

    def online_seconds(self, start: float, end: float) -> float:
        start = self._clip(start)
        if start >= end:
            return 0.0
        if not self._times or self._times[-1] <= start or self._times[0] >= end:
            # no change inside the range: the common case, kept cheap for large estates
            return end - start if self.status_at(start) == ONLINE else 0.0
        return sum(b - a for a, b, s in self.segments(start, end) if s == ONLINE)

    def was_offline(self, start: float, end: float) -> bool:
        """Whether the device was offline at any moment of [start, end)."""
        start = self._clip(start)
        if start >= end:
            return False
        if self.status_at(start) == OFFLINE:
            return True
        # otherwise only an OFFLINE event inside the range can make it so
        first, last = bisect_right(self._times, start), bisect_left(self._times, end)
        return any(value == OFFLINE for _, value in self.events[first:last])

    def transitions(self, start: float, end: float) -> int:
        return max(0, len(self.segments(start, end)) - 1)

    def offline_since(self, now: float) -> float | None:
        """When the current offline spell began (None when online or when no event says)."""
        if self.status_at(now) != OFFLINE or not self.events:
            return None
        start, _, status = self.segments(self.events[0][0], now)[-1]
        return start if status == OFFLINE else None


def uptime_percent(histories: Sequence[History], start: float, end: float) -> float:
    """Fleet uptime over [start, end]: online device-seconds over the device-seconds in which the
    devices existed (100 when nothing existed: there was nothing to be down)."""
    exposure = sum(h.exposure_seconds(start, end) for h in histories)
    if exposure <= 0:
        return 100.0
    online = sum(h.online_seconds(start, end) for h in histories)
    return 100.0 * online / exposure


@dataclass(frozen=True)
class FleetProfile:
    """Per window: online and existing device-seconds, and how many devices were offline at some
    moment in it; per instant: how many were offline then."""

    online_seconds: list[float]
    exposure_seconds: list[float]
    down_in: list[int]
    offline_at: list[int]
    devices: int

    def uptime_percent(self, k: int, windows: Sequence[tuple[float, float]] = ()) -> float:
        if self.exposure_seconds[k] <= 0:
            return 100.0
        return 100.0 * self.online_seconds[k] / self.exposure_seconds[k]


def fleet_profile(
    histories: Sequence[History],
    windows: Sequence[tuple[float, float]],
    instants: Sequence[float] = (),
) -> FleetProfile:
    """Many windows and instants in one pass over the fleet (the digest asks for 9 and 7).

    A device that existed all through the span and has no event in it is counted once, not once per
    window: on a large estate most devices are steady for the week, and per-window calls were most
    of the digest's cost.
    """
    online = [0.0] * len(windows)
    exposure = [0.0] * len(windows)
    down = [0] * len(windows)
    offline_at = [0] * len(instants)
    if not histories or not (windows or instants):
        return FleetProfile(online, exposure, down, offline_at, len(histories))
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
        # one walk over the device's segments serves every window
        segments = history.segments(lo, hi)
        for k, (start, end) in enumerate(windows):
            was_down = False
            for a, b, status in segments:
                span = min(b, end) - max(a, start)
                if span <= 0:
                    continue
                exposure[k] += span
                if status == ONLINE:
                    online[k] += span
                elif status == OFFLINE:
                    was_down = True
            down[k] += was_down
        for k, t in enumerate(instants):
            offline_at[k] += history.status_at(t) == OFFLINE
    steady = steady_online + steady_offline
    for k, (start, end) in enumerate(windows):
        span = max(0.0, end - start)
        online[k] += steady_online * span
        exposure[k] += steady * span
        down[k] += steady_offline if span > 0 else 0
    for k in range(len(instants)):
        offline_at[k] += steady_offline
    return FleetProfile(online, exposure, down, offline_at, len(histories))
