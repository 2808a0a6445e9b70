"""One refresh of the device index: every SearchDevices page, ListDeviceEvents only where needed.

Events are fetched for a device when its connection status changed since the last refresh, when it
is offline (to know since when), or when it is seen for the first time (a one-time backfill of its
30-day history). A steady-state refresh therefore costs ceil(N/50) + changed + offline calls.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.clients.a4b import A4BClient, Device
from bot.clock import Clock
from bot.core.text import plural
from bot.health.placement import RoomResolver, place
from bot.health.sites import Site
from bot.health.store import DeviceRow, HealthStore, dt, ts
from bot.health.timeline import OFFLINE, History

HISTORY_DAYS = 30


@dataclass
class RefreshReport:
    devices: int = 0
    search_calls: int = 0
    event_calls: int = 0
    changed: int = 0
    offline: int = 0
    new: int = 0
    removed: int = 0
    unplaced: int = 0
    events_stored: int = 0
    duration_s: float = 0.0

    @property
    def api_calls(self) -> int:
        return self.search_calls + self.event_calls

    def describe(self) -> str:
        return (
            f"{plural(self.devices, 'device')} ({self.offline} offline, {self.changed} changed, "
            f"{self.new} new, {self.removed} gone, {self.unplaced} unplaced); "
            f"{plural(self.api_calls, 'API call')} ({self.search_calls} search, "
            f"{self.event_calls} for events); {plural(self.events_stored, 'new event')}"
        )


def _needs_events(device: Device, previous: DeviceRow | None) -> bool:
    return (
        previous is None
        or previous.connection != device.connection
        or (device.connection == OFFLINE)
    )


async def refresh_devices(
    client: A4BClient,
    store: HealthStore,
    sites: Sequence[Site],
    *,
    clock: Clock,
    resolver: RoomResolver | None = None,
    concurrency: int = 8,
) -> RefreshReport:
    """Bring the device tables up to date with Alexa for Business; returns what it cost."""
    started = clock.monotonic()
    now = ts(clock.now())
    horizon = now - timedelta(days=HISTORY_DAYS).total_seconds()
    search_before = client.stats.calls("SearchDevices")
    events_before = client.stats.calls("ListDeviceEvents")

    devices = await client.search_devices()
    previous = {row.arn: row for row in store.devices()}
    latest = store.latest_event_ts()
    wanted = [d for d in devices if _needs_events(d, previous.get(d.device_arn))]

    gate = asyncio.Semaphore(concurrency)

    async def fetch(device: Device) -> list[tuple[str, str, str, float]]:
        since = latest.get(device.device_arn, horizon)
        async with gate:
            events = await client.list_device_events(device.device_arn, since=dt(since))
        return [(device.device_arn, e.type, e.value or "", ts(e.timestamp)) for e in events]

    fetched = await asyncio.gather(*(fetch(d) for d in wanted))
    stored = store.add_events(row for rows in fetched for row in rows)
    histories = {
        arn: History(events, "UNKNOWN")
        for arn, events in store.connection_events(
            arns=[d.device_arn for d in wanted] if len(wanted) <= 500 else None
        ).items()
    }

    report = RefreshReport(devices=len(devices), events_stored=stored)
    rows: list[DeviceRow] = []
    for device in devices:
        prev = previous.get(device.device_arn)
        connection = device.connection or "UNKNOWN"
        report.new += prev is None
        report.changed += prev is not None and prev.connection != connection
        report.offline += connection == OFFLINE
        last_changed = _last_changed(prev, connection, histories.get(device.device_arn), now)
        placement = place(device.room_name, sites, resolver)
        report.unplaced += not placement.placed
        rows.append(
            DeviceRow(
                arn=device.device_arn,
                serial=device.device_serial_number or "",
                name=device.device_name or device.device_serial_number or device.device_arn,
                type=device.device_type or "",
                status=device.device_status or "",
                connection=connection,
                room_name_a4b=device.room_name,
                property_id=placement.property_id,
                room_id=placement.room_id,
                room_name=placement.room_name,
                last_changed=last_changed,
                refreshed_at=now,
            )
        )
    gone = set(previous) - {d.device_arn for d in devices}
    store.upsert_devices(rows)
    store.delete_devices(gone)
    report.removed = len(gone)
    report.search_calls = client.stats.calls("SearchDevices") - search_before
    report.event_calls = client.stats.calls("ListDeviceEvents") - events_before
    report.duration_s = clock.monotonic() - started
    return report


def _last_changed(
    prev: DeviceRow | None, connection: str, history: History | None, now: float
) -> float:
    """When the device entered its current status: from its events when they say, else when a
    refresh first saw the change (or the start of the 30-day window for a device seen as it is)."""
    if history is not None and history.events and history.events[-1][1] == connection:
        return history.segments(history.events[0][0], now)[-1][0]
    if prev is not None and prev.connection == connection:
        return prev.last_changed
    if prev is None:
        return now - timedelta(days=HISTORY_DAYS).total_seconds()
    return now
