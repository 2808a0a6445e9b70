"""The one-pass fleet profile agrees with the per-window timeline arithmetic."""

from __future__ import annotations

import random

import pytest

from bot.health.timeline import OFFLINE, ONLINE, History, fleet_profile, uptime_percent

DAY = 86400.0
END = 100 * DAY


def sample_fleet(seed: int, devices: int = 60) -> list[History]:
    """Steady devices, devices with no events, and devices that change inside the windows."""
    rng = random.Random(seed)
    fleet = []
    for i in range(devices):
        events: list[tuple[float, str]] = []
        t = END - rng.uniform(2, 14) * DAY
        while t < END and i % 3:
            events.append((t, rng.choice([ONLINE, OFFLINE])))
            t += rng.uniform(0.1, 4) * DAY
        born = END - rng.uniform(1, 9) * DAY if i % 5 == 0 else None  # some devices are new
        fleet.append(History(events, rng.choice([ONLINE, OFFLINE]), born))
    return fleet


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fleet_profile_matches_per_window_figures(seed: int) -> None:
    """Uptime per window and devices offline at each instant equal the per-window functions."""
    fleet = sample_fleet(seed)
    ends = [END - back * DAY for back in range(6, -1, -1)]
    windows = [(e - DAY, e) for e in ends] + [(END - 2 * DAY, END - DAY)]
    profile = fleet_profile(fleet, windows, ends)
    for k, (start, end) in enumerate(windows):
        assert profile.uptime_percent(k, windows) == pytest.approx(
            uptime_percent(fleet, start, end)
        )
    assert profile.offline_at == [sum(h.status_at(e) == OFFLINE for h in fleet) for e in ends]
    assert profile.down_in == [sum(h.was_offline(a, b) for h in fleet) for a, b in windows]


def test_empty_fleet_is_fully_up() -> None:
    """No devices: 100 % uptime and nobody offline, as uptime_percent says."""
    profile = fleet_profile([], [(0.0, DAY)], [DAY])
    assert profile.uptime_percent(0, [(0.0, DAY)]) == 100.0 and profile.offline_at == [0]
