"""Honest uptime: each device counts only from its registration, so a new device is not "down"
for the time before it existed; a device's status (FAILED, ...) has its own since."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from test_health_world import NOW, SITE, make_client, make_store, resolver

from bot.clock import FakeClock
from bot.health.digest import compute_figures
from bot.health.refresh import refresh_devices
from bot.health.store import HealthStore
from bot.health.timeline import OFFLINE, ONLINE, History, uptime_percent
from bot.health.triage import HealthQueries
from bot.sandbox.aws_handlers import DeviceBackend, DeviceRecord

DAY = 86400.0


def record(n: int, *, offline_hours: float | None = None, status: str = "READY") -> DeviceRecord:
    """A device of Sea View registered 2 days ago, offline for the last hours when asked."""
    registered = NOW - timedelta(days=2)
    events = [
        (registered, "DEVICE_STATUS", "READY"),
        (registered + timedelta(seconds=60), "CONNECTION_STATUS", ONLINE),
    ]
    if offline_hours is not None:
        events.append((NOW - timedelta(hours=offline_hours), "CONNECTION_STATUS", OFFLINE))
    if status != "READY":
        events.append((NOW - timedelta(hours=3), "DEVICE_STATUS", status))
    return DeviceRecord(
        arn=f"arn:aws:a4b:us-east-1:1:device/new{n}",
        serial=f"N{n}",
        name=f"Echo N{n}",
        type="ECHO",
        software_version="1",
        mac_address="00:00:00:00:00:00",
        status=status,
        connection=OFFLINE if offline_hours is not None else ONLINE,
        room_name=f"Sea View 10{n}",
        events=events,
    )


async def store_of(records: list[DeviceRecord]) -> HealthStore:
    clock = FakeClock(NOW)
    store = make_store()
    async with make_client(DeviceBackend(records), clock) as client:
        await refresh_devices(client, store, [SITE], clock=clock, resolver=resolver())
    return store


def week_uptime(store: HealthStore) -> float:
    devices = store.devices(SITE.property_id)
    histories = store.histories(devices)
    return uptime_percent(list(histories.values()), NOW.timestamp() - 7 * DAY, NOW.timestamp())


async def test_a_device_registered_two_days_ago_and_never_offline_is_fully_up() -> None:
    """7-day uptime of a 2-day-old device that never dropped is 100 %, not 2/7."""
    store = await store_of([record(1)])
    assert week_uptime(store) == pytest.approx(100.0)
    reply = HealthQueries(store, [SITE], FakeClock(NOW)).uptime("Sea View", 7)
    assert reply.headline == "Uptime over 7 d: 100.0% across 1 device."


async def test_six_new_devices_two_offline_for_five_hours() -> None:
    """6 devices 2 days old, 2 offline for the last 5 h: 1 - 10/288 = 96.5 % over 7 days."""
    store = await store_of([record(n, offline_hours=5 if n < 3 else None) for n in range(1, 7)])
    assert week_uptime(store) == pytest.approx(96.53, abs=0.05)
    reply = HealthQueries(store, [SITE], FakeClock(NOW)).uptime("Sea View", 7)
    assert reply.headline == "Uptime over 7 d: 96.5% across 6 devices."


async def test_failed_status_counts_with_its_own_since() -> None:
    """An online but FAILED device is counted as not ready in triage and the digest, since its
    FAILED event (3 h), not since it came online (2 d)."""
    store = await store_of([record(1), record(2, status="FAILED")])
    [failed] = [d for d in store.devices() if d.status == "FAILED"]
    assert failed.status_since == (NOW - timedelta(hours=3)).timestamp()
    reply = HealthQueries(store, [SITE], FakeClock(NOW)).offline_devices("Sea View")
    assert reply.headline == "1 of 2 devices at Sea View is online but not ready."
    assert reply.table is not None and reply.table.rows[0][4:7] == [
        "FAILED (online)",
        "today 04:00",
        "3 h 0 min",
    ]
    figures = compute_figures(store, SITE, NOW)
    assert figures.not_ready_count == 1 and figures.not_ready[0].since == failed.status_since


def test_before_birth_a_device_is_neither_up_nor_down() -> None:
    """The timeline's rule: nothing counts before `born`; with no birth the old rule stands."""
    now = 10 * DAY
    young = History([(now - 2 * DAY, ONLINE)], ONLINE, born=now - 2 * DAY)
    assert young.status_at(now - 3 * DAY) == "ABSENT"
    assert young.exposure_seconds(now - 7 * DAY, now) == 2 * DAY
    assert young.segments(0, now - 3 * DAY) == []
    assert not young.steady_between(now - 7 * DAY, now)
    legacy = History([(now - 2 * DAY, ONLINE)], ONLINE)
    assert uptime_percent([legacy], now - 7 * DAY, now) == pytest.approx(200 / 7)
    assert uptime_percent([], 0, DAY) == 100.0
    dropped = History([(now - 2 * DAY, ONLINE), (now - DAY, OFFLINE)], OFFLINE, born=now - 2 * DAY)
    assert dropped.was_offline(now - DAY, now) and not dropped.was_offline(now - 2 * DAY, now - DAY)


def test_an_outage_first_says_the_device_existed_before() -> None:
    """A device whose oldest event is an outage existed before it: no birth is set."""
    from bot.health.refresh import _registered_at

    assert _registered_at(None, (5.0, "CONNECTION_STATUS", OFFLINE)) is None
    assert _registered_at(None, (5.0, "DEVICE_STATUS", "READY")) == 5.0
    assert _registered_at(None, None) is None


def test_local_day_label_is_the_day_covered() -> None:
    """Sanity of the calendar: NOW is Tue 10 Mar 07:00 PDT."""
    assert datetime.fromtimestamp(NOW.timestamp(), SITE.zone).strftime("%a %d") == "Tue 10"
