"""One refresh of the device index: every SearchDevices page, ListDeviceEvents only where needed,
and the Endpoints API only for serials the index has not seen.

Events are fetched for a device when its connection or device status changed since the last
refresh, when it is offline (to know since when), or when it is seen for the first time (a one-time
backfill of its 30-day history). A steady-state refresh therefore costs ceil(N/50) + changed +
offline calls to Alexa for Business and no Endpoints call. A device whose events could not be
fetched keeps its place and is marked so that the next refresh fetches them again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from bot.clients.a4b import A4BClient, Device
from bot.clients.endpoints import EndpointsClient
from bot.clients.errors import ApiError, DeadlineExceeded
from bot.clients.retry import RetryPolicy, Throttling, current_policy, retry_policy
from bot.clock import Clock
from bot.core.understanding.text import plural
from bot.health.placement import Placement, RoomResolver, place
from bot.health.sites import Site
from bot.health.store import EVENTS_PENDING, DeviceRow, EndpointLink, HealthStore, dt, ts
from bot.health.timeline import OFFLINE, ONLINE, History

HISTORY_DAYS = 30
# a serial ASP did not know is asked about again after this long (a device being set up is
# associated with its room later)
NOT_FOUND_RECHECK_S = 24 * 3600.0
# the first event of a device that marks its registration (before it, the device did not exist)
BIRTH_EVENTS = {
    ("DEVICE_STATUS", "READY"),
    ("DEVICE_STATUS", "PENDING"),
    ("CONNECTION_STATUS", ONLINE),
}

# unit (ASP room) id -> (property id, room name), or None when the index does not know the unit
UnitResolver = Callable[[str], tuple[str, str] | None]
T = TypeVar("T")


@dataclass
class RefreshReport:
    devices: int = 0
    search_calls: int = 0
    event_calls: int = 0
    endpoint_calls: int = 0
    changed: int = 0
    offline: int = 0
    not_ready: int = 0
    new: int = 0
    removed: int = 0
    unplaced: int = 0
    placed_by_serial: int = 0
    events_stored: int = 0
    events_pending: int = 0
    duration_s: float = 0.0

    @property
    def api_calls(self) -> int:
        return self.search_calls + self.event_calls + self.endpoint_calls

    def describe(self) -> str:
        pending = f"; events of {self.events_pending} still to fetch" if self.events_pending else ""
        return (
            f"{plural(self.devices, 'device')} ({self.offline} offline, {self.not_ready} not ready, "
            f"{self.changed} changed, {self.new} new, {self.removed} gone, {self.unplaced} unplaced); "
            f"{plural(self.api_calls, 'API call')} ({self.search_calls} search, "
            f"{self.event_calls} for events, {self.endpoint_calls} to ASP endpoints); "
            f"{plural(self.events_stored, 'new event')}{pending}"
        )


def _needs_events(device: Device, previous: DeviceRow | None) -> bool:
    return (
        previous is None
        or previous.refreshed_at == EVENTS_PENDING
        or previous.connection != (device.connection or "UNKNOWN")
        or previous.status != (device.device_status or "")
        or device.connection == OFFLINE
    )


def _needs_lookup(device: Device, link: EndpointLink | None, now: float) -> bool:
    if not device.device_serial_number:
        return False
    if link is None or (link.room_name_a4b or None) != (device.room_name or None):
        return True
    return link.endpoint_id is None and now - link.looked_up_at > NOT_FOUND_RECHECK_S


class _Budget:
    """What is left of the caller's deadline (clock-monotonic), for each call in turn."""

    def __init__(self, clock: Clock, deadline_at: float | None) -> None:
        self.clock = clock
        self.deadline_at = deadline_at

    def remaining(self, what: str) -> float | None:
        if self.deadline_at is None:
            return None
        left = self.deadline_at - self.clock.monotonic()
        if left <= 0:
            raise DeadlineExceeded(None, f"{what}: the answer deadline passed")
        return left


class Gate:
    """At most `most` calls at a time: one at first, twice as many after each answer, and one
    again for the rest of the refresh from Amazon's first 429.

    Several calls waiting out a 429 side by side come back together and are throttled again, each
    one's wait doubling, until a deadline gives up on all of them; one call at a time takes what
    the rate limit allows, in the order of priority, and moves on.
    """

    def __init__(self, most: int) -> None:
        self.most = max(1, most)
        self.limit = 1
        self.active = 0
        self.throttled = False
        self._changed = asyncio.Condition()

    def narrow(self) -> None:
        self.throttled = True
        self.limit = 1

    async def __aenter__(self) -> None:
        async with self._changed:
            await self._changed.wait_for(lambda: self.active < self.limit)
            self.active += 1

    async def __aexit__(self, *exc: object) -> None:
        async with self._changed:
            self.active -= 1
            if not self.throttled:
                self.limit = min(self.most, self.limit * 2)
            self._changed.notify_all()


def narrowing_policy(gate: Gate) -> RetryPolicy:
    """The ambient policy (deadline and hook kept) with the gate narrowed at each 429."""
    outer = current_policy() or RetryPolicy.background()

    def throttled(event: Throttling) -> Awaitable[None] | None:
        gate.narrow()
        return outer.on_throttle(event) if outer.on_throttle is not None else None

    return RetryPolicy(outer.deadline_at, throttled)


async def _bounded(
    items: Sequence[T], work: Callable[[T], Awaitable[object]], gate: Gate
) -> list[object]:
    """`work` on each item, as many at a time as the gate lets; failures are returned, not raised."""

    async def one(item: T) -> object:
        async with gate:
            return await work(item)

    return list(await asyncio.gather(*(one(i) for i in items), return_exceptions=True))


async def search_all(client: A4BClient, budget: _Budget) -> list[Device]:
    devices: list[Device] = []
    token: str | None = None
    while True:
        page = await client.search_devices_page(
            next_token=token, deadline=budget.remaining("SearchDevices")
        )
        devices.extend(page.devices or [])
        token = page.next_token
        if not token:
            return devices


async def look_up_endpoints(
    endpoints: EndpointsClient,
    store: HealthStore,
    devices: Sequence[Device],
    *,
    now: float,
    budget: _Budget,
    gate: Gate,
) -> dict[str, EndpointLink]:
    """The serial map, after asking the Endpoints API about the serials it does not know yet.

    Each answer is kept as it comes: a refresh cut short (a deadline, throttling, a stop) never
    asks about the same serial again."""
    links = store.endpoint_map()
    wanted = [d for d in devices if _needs_lookup(d, links.get(d.device_serial_number or ""), now)]

    async def look(device: Device) -> EndpointLink:
        serial = device.device_serial_number or ""
        found = await endpoints.find_by_serial(serial, deadline=budget.remaining("endpoints"))
        units = found.unit_ids if found else []
        link = EndpointLink(
            serial=serial,
            endpoint_id=found.id if found else None,
            unit_id=units[0] if units else None,
            friendly_name=found.friendly_name if found else None,
            room_name_a4b=device.room_name,
            looked_up_at=now,
        )
        store.save_endpoint_links([link])
        links[serial] = link
        return link

    # a failed look-up is simply asked again next time: the naming convention places it meanwhile
    results = await _bounded(wanted, look, gate)
    _raise_unexpected(results)
    return links


def locate(
    device: Device,
    link: EndpointLink | None,
    sites: Sequence[Site],
    resolver: RoomResolver | None,
    units: UnitResolver | None,
) -> tuple[Placement, str | None]:
    """Where a device is: by its serial's ASP unit first, else by its A4B room name."""
    if link is not None and link.unit_id and units is not None:
        room = units(link.unit_id)
        if room is not None:
            return Placement(room[0], room[1], link.unit_id), "serial"
    placement = place(device.room_name, sites, resolver)
    return placement, "name" if placement.placed else None


async def refresh_devices(
    client: A4BClient,
    store: HealthStore,
    sites: Sequence[Site],
    *,
    clock: Clock,
    resolver: RoomResolver | None = None,
    endpoints: EndpointsClient | None = None,
    units: UnitResolver | None = None,
    concurrency: int = 8,
    deadline_at: float | None = None,
) -> RefreshReport:
    """Bring the device tables up to date with Alexa for Business; returns what it cost.

    `deadline_at` (clock-monotonic) bounds an answer someone is waiting for: past it the device
    list raises DeadlineExceeded, and events not fetched in time are fetched by the next refresh.
    Progress is kept as it is made (each serial look-up, each device's events, the device rows
    before the events are fetched), so a refresh cut short leaves the next one less to do.
    """
    gate = Gate(concurrency)
    with retry_policy(narrowing_policy(gate)):
        return await _refresh(
            client,
            store,
            sites,
            _Context(clock, resolver, endpoints, units, gate, _Budget(clock, deadline_at)),
        )


@dataclass
class _Context:
    clock: Clock
    resolver: RoomResolver | None
    endpoints: EndpointsClient | None
    units: UnitResolver | None
    gate: Gate
    budget: _Budget


def _priority(device: Device, previous: DeviceRow | None) -> tuple[int, bool]:
    """Which events to fetch first when Amazon allows few calls: of devices that changed, then
    of those whose history is still to fetch (an earlier refresh was cut short, or new), then the
    new events of devices known to be offline; offline devices first within each. Putting the
    re-polls last keeps a throttled refresh from spending every call on them, run after run."""
    offline_first = device.connection != OFFLINE
    if previous is None or previous.history_incomplete:
        return 1, offline_first
    changed = previous.connection != (device.connection or "UNKNOWN") or previous.status != (
        device.device_status or ""
    )
    return (0 if changed else 2), offline_first


async def _refresh(
    client: A4BClient, store: HealthStore, sites: Sequence[Site], ctx: _Context
) -> RefreshReport:
    clock, budget, endpoints = ctx.clock, ctx.budget, ctx.endpoints
    started = clock.monotonic()
    now = ts(clock.now())
    horizon = now - timedelta(days=HISTORY_DAYS).total_seconds()
    search_before = client.stats.calls("SearchDevices")
    events_before = client.stats.calls("ListDeviceEvents")
    endpoint_before = endpoints.stats.total_requests if endpoints else 0

    devices = await search_all(client, budget)
    previous = {row.arn: row for row in store.devices()}
    links = (
        await look_up_endpoints(endpoints, store, devices, now=now, budget=budget, gate=ctx.gate)
        if endpoints is not None
        else store.endpoint_map()
    )
    wanted = sorted(
        (d for d in devices if _needs_events(d, previous.get(d.device_arn))),
        key=lambda d: _priority(d, previous.get(d.device_arn)),
    )
    # an offline device polled for new events keeps its history's age when the poll fails: its
    # history is complete up to then, and its state did not change
    repolls = {d.device_arn for d in wanted if _priority(d, previous.get(d.device_arn))[0] == 2}
    pending = {d.device_arn for d in wanted} - repolls
    report = RefreshReport(devices=len(devices))
    # the device list is kept before the events are fetched: a refresh stopped while fetching
    # them still leaves every device's state, marked as having its events to fetch
    store.upsert_devices(
        _rows(devices, previous, links, sites, ctx, now, (pending, repolls), {}, RefreshReport())
    )
    latest = store.latest_event_ts()

    async def fetch(device: Device) -> int:
        since = latest.get(device.device_arn, horizon)
        events = await client.list_device_events(
            device.device_arn, since=dt(since), deadline=budget.remaining("ListDeviceEvents")
        )
        return store.add_events(
            (device.device_arn, e.type, e.value or "", ts(e.timestamp)) for e in events
        )

    results = await _bounded(wanted, fetch, ctx.gate)
    outcomes = dict(zip((d.device_arn for d in wanted), results, strict=True))
    failed = {arn for arn, result in outcomes.items() if isinstance(result, BaseException)}
    _raise_unexpected(outcomes.values())
    report.events_stored = sum(r for r in outcomes.values() if isinstance(r, int))
    report.events_pending = len(failed - repolls)
    fetched = [arn for arn in outcomes if arn not in failed]
    unfetched = (failed - repolls, failed & repolls)
    rows = _rows(
        devices, previous, links, sites, ctx, now, unfetched, _Fetched(store, fetched), report
    )
    gone = set(previous) - {d.device_arn for d in devices}
    store.upsert_devices(rows)
    store.delete_devices(gone)
    report.removed = len(gone)
    report.search_calls = client.stats.calls("SearchDevices") - search_before
    report.event_calls = client.stats.calls("ListDeviceEvents") - events_before
    report.endpoint_calls = (endpoints.stats.total_requests if endpoints else 0) - endpoint_before
    report.duration_s = clock.monotonic() - started
    return report


class _Fetched:
    """What the stored events say of the devices whose events this refresh fetched."""

    def __init__(self, store: HealthStore, fetched: list[str]) -> None:
        few = fetched if len(fetched) <= 500 else None
        self.arns = set(fetched)
        self.histories = {
            arn: History(events, "UNKNOWN")
            for arn, events in store.connection_events(arns=few).items()
        }
        self.firsts = store.first_events(few)
        self.statuses = store.latest_status_events(fetched)


def _rows(
    devices: Sequence[Device],
    previous: dict[str, DeviceRow],
    links: dict[str, EndpointLink],
    sites: Sequence[Site],
    ctx: _Context,
    now: float,
    unfetched: tuple[set[str], set[str]],
    fetched: _Fetched | dict[str, object],
    report: RefreshReport,
) -> list[DeviceRow]:
    """The device rows: where each device is, its states and since when. Of the devices whose
    events were not fetched, the first set is marked as having them still to fetch, the second
    keeps the age of its history."""
    pending, stale = unfetched
    events = fetched if isinstance(fetched, _Fetched) else None
    rows: list[DeviceRow] = []
    for device in devices:
        arn = device.device_arn
        prev = previous.get(arn)
        connection = device.connection or "UNKNOWN"
        status = device.device_status or ""
        report.new += prev is None
        report.changed += prev is not None and (
            prev.connection != connection or prev.status != status
        )
        report.offline += connection == OFFLINE
        report.not_ready += status not in ("READY", "")
        link = links.get(device.device_serial_number or "")
        placement, placed_by = locate(device, link, sites, ctx.resolver, ctx.units)
        report.unplaced += not placement.placed
        report.placed_by_serial += placed_by == "serial"
        mine = events is not None and arn in events.arns
        registered_at = _registered_at(prev, events.firsts.get(arn) if mine and events else None)
        history = events.histories.get(arn) if mine and events else None
        latest = events.statuses.get(arn) if mine and events else None
        rows.append(
            DeviceRow(
                arn=arn,
                serial=device.device_serial_number or "",
                name=device.device_name or device.device_serial_number or arn,
                type=device.device_type or "",
                status=status,
                connection=connection,
                room_name_a4b=device.room_name,
                property_id=placement.property_id,
                room_id=placement.room_id,
                room_name=placement.room_name,
                last_changed=_last_changed(prev, connection, history, now),
                refreshed_at=_refreshed_at(prev, arn, pending, stale, now),
                status_since=_status_since(prev, status, latest, registered_at, now),
                registered_at=registered_at,
                endpoint_id=link.endpoint_id if link else None,
                placed_by=placed_by,
            )
        )
    return rows


def _refreshed_at(
    prev: DeviceRow | None, arn: str, pending: set[str], stale: set[str], now: float
) -> float:
    if arn in pending:
        return EVENTS_PENDING
    if arn in stale and prev is not None:
        return prev.refreshed_at
    return now


def _raise_unexpected(results: Iterable[object]) -> None:
    """Amazon's failures leave events for the next refresh; the bot's own bugs must surface."""
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, ApiError):
            raise result


def _registered_at(prev: DeviceRow | None, first: tuple[float, str, str] | None) -> float | None:
    """When the device began to exist: its first event, when that event is a registration or a
    first connection. An older first event (an outage) says the device existed before it."""
    if first is not None:
        when, kind, value = first
        return when if (kind, value) in BIRTH_EVENTS else None
    return prev.registered_at if prev is not None else None


def _status_since(
    prev: DeviceRow | None,
    status: str,
    latest: tuple[float, str] | None,
    registered_at: float | None,
    now: float,
) -> float | None:
    """When the device status began: its last DEVICE_STATUS event saying so, else what the last
    refresh knew, else its registration; None when it has held longer than the history."""
    if latest is not None and latest[1] == status:
        return latest[0]
    if prev is not None and prev.status == status:
        return prev.status_since
    if prev is None:
        return registered_at
    return now


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
