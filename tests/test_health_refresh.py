"""The device refresh: placement, events only where needed, and API-call counts."""

from __future__ import annotations

from datetime import timedelta

import httpx
from test_health_world import NOW, SITE, fleet, make_client, make_store, resolver

from bot.clock import FakeClock
from bot.health.refresh import RefreshReport, refresh_devices
from bot.health.sites import Site
from bot.sandbox.aws_handlers import DeviceBackend


async def test_first_refresh_backfills_and_places_devices() -> None:
    """First sight fetches every device's history once; rooms tie by "<property> <room>"."""
    clock = FakeClock(NOW)
    store = make_store()
    seen: list[httpx.Request] = []
    backend = DeviceBackend(fleet())
    async with make_client(backend, clock, seen) as client:
        report = await refresh_devices(client, store, [SITE], clock=clock, resolver=resolver())
    assert (report.devices, report.search_calls, report.event_calls) == (6, 1, 6)
    assert (report.new, report.offline, report.unplaced) == (6, 2, 1)
    rows = {r.serial: r for r in store.devices()}
    assert rows["S102"].room_id == "R102" and rows["S102"].property_id == "P1"
    assert rows["S900"].room_id is None and rows["S900"].room_name_a4b == "Lobby Kiosk"
    assert rows["S103"].last_changed == (NOW - timedelta(hours=50)).timestamp()


async def test_second_refresh_calls_events_only_for_changed_or_offline() -> None:
    """After one change, a refresh costs 1 search page + 1 changed + 2 offline event calls."""
    clock = FakeClock(NOW)
    store = make_store()
    backend = DeviceBackend(fleet())
    async with make_client(backend, clock) as client:
        await refresh_devices(client, store, [SITE], clock=clock, resolver=resolver())
        clock.advance(300)
        changed = backend.devices[0]  # 101 goes offline
        changed.connection = "OFFLINE"
        changed.events.append((clock.now(), "CONNECTION_STATUS", "OFFLINE"))
        report = await refresh_devices(client, store, [SITE], clock=clock, resolver=resolver())
    assert (report.changed, report.offline, report.new) == (1, 3, 0)
    assert report.event_calls == 3  # 101 (changed) + 102 and 103 (offline), not the online ones
    assert report.api_calls == 1 + 3
    assert report.events_stored == 1
    row = next(r for r in store.devices() if r.serial == "S101")
    assert row.connection == "OFFLINE" and row.last_changed == clock.now().timestamp()


async def test_removed_devices_leave_the_index_and_prefix_override_places() -> None:
    """A device gone from SearchDevices is removed; a4b_room_prefix overrides "<name> "."""
    clock = FakeClock(NOW)
    store = make_store()
    backend = DeviceBackend(fleet())
    site = Site(property_id="P1", name="Seaview Hotel", a4b_room_prefix="Sea View ")
    async with make_client(backend, clock) as client:
        await refresh_devices(client, store, [site], clock=clock, resolver=resolver())
        backend.devices.pop()
        backend._by_arn.pop("arn:aws:a4b:us-east-1:1:device/900")
        report = await refresh_devices(client, store, [site], clock=clock, resolver=resolver())
    assert report.removed == 1 and report.unplaced == 0
    assert {r.room_id for r in store.devices()} == {"R101", "R102", "R103", "R104", "R105"}


def test_refresh_summary_counts_read_naturally() -> None:
    """The refresh summary says "1 device", "1 API call", "1 new event" in the singular."""
    report = RefreshReport(devices=1, search_calls=1, events_stored=1)
    text = report.describe()
    assert text.startswith("1 device (") and "1 API call (" in text and text.endswith("1 new event")
