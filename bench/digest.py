"""Benchmark of the device refresh and the nightly digests on a 10,000-device fleet.

Fleet: 10 properties x 1,000 devices, 5% offline, 2% changed status in the last 24 hours, 30 days of
connection events. Alexa for Business room names follow no convention, so every device is tied to
its room by serial number through ASP's Endpoints API (served in-process). A first refresh runs as
of 24 hours ago (the one-time history backfill and serial look-ups); the measured refresh runs now.
Prints its API calls against ceil(N/50) + changed + offline (and the naive ceil(N/50) + N) and its
Endpoints calls (target 0), then a refresh after 100 new devices (target: at most 100 Endpoints
calls more), then the time to build every property's digest with its chart (target < 1 s).

Run: python bench/digest.py [--devices 10000] [--properties 10] [--seed 7]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import time
from datetime import UTC, datetime, timedelta

import sqlite_utils
from botocore.credentials import Credentials

from bot.clients.a4b import A4BClient
from bot.clients.endpoints import EndpointsClient
from bot.clients.lwa import StaticToken
from bot.clock import FakeClock
from bot.core.shared.replies import Reply
from bot.health.digest import DigestFigures, build_digest_reply, compute_figures
from bot.health.refresh import RefreshReport, refresh_devices
from bot.health.sites import Site
from bot.health.store import HealthStore
from bot.sandbox.aws_handlers import DeviceBackend, DeviceRecord, backend_transport
from bot.sandbox.endpoints import EndpointDirectory, EndpointRecord, directory_transport

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
HOUR = 3600.0
WARM_RUNS = 3
DAY = 24 * HOUR


def build_fleet(
    n: int, properties: int, rng: random.Random
) -> tuple[list[Site], list[DeviceRecord], int, int]:
    sites = [
        Site(f"P{p}", f"Hotel{p}", "America/New_York", digest_channel=f"#ops-{p}")
        for p in range(properties)
    ]
    offline = set(rng.sample(range(n), n * 5 // 100))
    changed_count = n * 2 // 100
    went_offline = set(rng.sample(sorted(offline), changed_count // 2))
    recovered = set(rng.sample(sorted(set(range(n)) - offline), changed_count - len(went_offline)))
    now = NOW.timestamp()
    records = []
    for i in range(n):
        events: list[tuple[float, str]] = []
        cursor = now - 30 * DAY + rng.uniform(0, DAY)
        while cursor < now - 6 * DAY:  # a short outage every few days
            events.append((cursor, "OFFLINE"))
            events.append((cursor + rng.uniform(60, 2 * HOUR), "ONLINE"))
            cursor += rng.uniform(2 * DAY, 8 * DAY)
        if i in went_offline:
            events.append((now - rng.uniform(HOUR, 23 * HOUR), "OFFLINE"))
        elif i in offline:
            events.append((now - rng.uniform(25 * HOUR, 5 * DAY), "OFFLINE"))
        elif i in recovered:
            events.append((now - rng.uniform(25 * HOUR, 5 * DAY), "OFFLINE"))
            events.append((now - rng.uniform(HOUR, 23 * HOUR), "ONLINE"))
        records.append(
            DeviceRecord(
                arn=f"arn:aws:a4b:us-east-1:1:device/{i:05d}",
                serial=f"G{i:05d}",
                name=f"Echo {i:05d}",
                type="ECHO",
                software_version="1",
                mac_address="00:00:00:00:00:00",
                status="READY",
                connection="OFFLINE" if i in offline else "ONLINE",
                room_name=f"Wing {i % 7} / {i}",  # no "<property> <room>" convention
                events=[
                    (datetime.fromtimestamp(t, UTC), "CONNECTION_STATUS", v) for t, v in events
                ],
            )
        )
    return sites, records, len(offline), len(went_offline) + len(recovered)


def unit_of(serial: str) -> str:
    return f"amzn1.alexa.unit.did.U{serial}"


def directory_of(records: list[DeviceRecord]) -> EndpointDirectory:
    """ASP's endpoints of the fleet: one per device, in the unit (room) named after its serial."""
    return EndpointDirectory(
        EndpointRecord(
            f"amzn1.alexa.endpoint.{r.serial}", r.serial, r.name, unit_of(r.serial), True, None
        )
        for r in records
    )


def new_devices(count: int, start: int) -> list[DeviceRecord]:
    """Devices registered an hour ago, online since."""
    registered = NOW - timedelta(hours=1)
    return [
        DeviceRecord(
            arn=f"arn:aws:a4b:us-east-1:1:device/new{i:05d}",
            serial=f"N{i:05d}",
            name=f"Echo new {i:05d}",
            type="ECHO",
            software_version="1",
            mac_address="00:00:00:00:00:00",
            status="READY",
            connection="ONLINE",
            room_name=f"Annex {i}",
            events=[(registered, "CONNECTION_STATUS", "ONLINE")],
        )
        for i in range(start, start + count)
    ]


def as_of(records: list[DeviceRecord], when: datetime) -> list[DeviceRecord]:
    """The fleet as Alexa for Business showed it at `when`."""
    past = []
    for r in records:
        events = [e for e in r.events if e[0] <= when]
        connection = events[-1][2] if events else r.connection
        past.append(DeviceRecord(**{**r.__dict__, "events": events, "connection": connection}))
    return past


def build_all(
    store: HealthStore, sites: list[Site]
) -> tuple[tuple[float, float, float], list[DigestFigures], list[Reply]]:
    """Every property's digest with its chart: ((total s, figures s, CPU s), figures, replies)."""
    cpu = time.process_time()
    started = time.perf_counter()
    all_figures = [compute_figures(store, site, NOW) for site in sites]
    figures_s = time.perf_counter() - started
    replies = [build_digest_reply(f, s) for f, s in zip(all_figures, sites, strict=True)]
    total_s = time.perf_counter() - started
    return (total_s, figures_s, time.process_time() - cpu), all_figures, replies


async def main(n: int, properties: int, seed: int) -> None:
    rng = random.Random(seed)
    sites, records, offline, changed = build_fleet(n, properties, rng)
    store = HealthStore(sqlite_utils.Database(memory=True))
    backend = DeviceBackend(as_of(records, NOW - timedelta(days=1)))
    clock = FakeClock(NOW - timedelta(days=1))
    client = A4BClient(
        "http://a4b.bench",
        transport=backend_transport(backend),
        clock=clock,
        credentials=Credentials("AKIDBENCH", "bench-secret"),
    )
    fresh = new_devices(100, n)
    endpoints = EndpointsClient(
        "http://asp.bench",
        StaticToken("Atza|bench"),
        transport=directory_transport(directory_of(records + fresh)),
        clock=clock,
    )
    # every unit is a room of the index: "U<serial>" of property P<i % properties>
    site_of = {r.serial: sites[i % properties].property_id for i, r in enumerate(records)}
    site_of.update({r.serial: sites[0].property_id for r in fresh})

    def units(unit_id: str) -> tuple[str, str] | None:
        serial = unit_id.rsplit(".U", 1)[-1]
        return (site_of[serial], serial) if serial in site_of else None

    async def refresh() -> RefreshReport:
        return await refresh_devices(
            client, store, sites, clock=clock, endpoints=endpoints, units=units
        )

    started = time.perf_counter()
    first = await refresh()
    print(
        f"backfill refresh (24 h ago): {first.api_calls} calls ({first.endpoint_calls} serial"
        f" look-ups), {first.events_stored} events, {first.placed_by_serial} placed by serial,"
        f" in {time.perf_counter() - started:.1f} s"
    )

    backend.devices = records
    backend._by_arn = {r.arn: r for r in records}
    clock.set(NOW)
    started = time.perf_counter()
    report = await refresh()
    refresh_s = time.perf_counter() - started
    a4b_calls = report.search_calls + report.event_calls
    bound = math.ceil(n / 50) + changed + offline
    naive = math.ceil(n / 50) + n
    print(
        f"fleet: {n} devices, {offline} offline, {changed} changed in 24 h, {properties} properties"
    )
    print(f"refresh: {report.describe()} in {refresh_s:.2f} s")
    print(
        f"A4B calls: {a4b_calls}  vs bound ceil(N/50)+changed+offline = {bound}"
        f" ({'within' if a4b_calls <= bound else 'OVER'})  vs naive ceil(N/50)+N = {naive};"
        f" Endpoints calls: {report.endpoint_calls} (target 0:"
        f" {'met' if report.endpoint_calls == 0 else 'MISSED'})"
    )

    backend.devices = records + fresh
    backend._by_arn = {r.arn: r for r in backend.devices}
    more = await refresh()
    more_a4b = more.search_calls + more.event_calls
    print(
        f"refresh with {len(fresh)} new devices: Endpoints calls {more.endpoint_calls}"
        f" (target <= {len(fresh)}: {'met' if more.endpoint_calls <= len(fresh) else 'MISSED'}),"
        f" A4B calls {more_a4b} (bound + new = {math.ceil((n + len(fresh)) / 50) + offline + len(fresh)}),"
        f" {more.placed_by_serial} of {more.devices} placed by serial"
    )
    await client.aclose()
    await endpoints.aclose()

    (total_s, figures_s, cpu_s), all_figures, replies = build_all(store, sites)
    print(
        f"digests: {len(replies)} built in {total_s:.3f} s with charts "
        f"({figures_s:.3f} s for the figures alone, {total_s - figures_s:.3f} s for the charts;"
        f" {cpu_s:.3f} s CPU); target < 1 s: {'met' if total_s < 1 else 'MISSED'}"
    )
    # The first build also pays matplotlib's one-time set-up (the re-used figure, the font cache);
    # later ones show the steady cost, and the best of a few is the least disturbed by other load.
    warm = min((build_all(store, sites)[0] for _ in range(WARM_RUNS)), key=lambda t: t[0])
    print(
        f"digests again (warm, best of {WARM_RUNS}): {warm[0]:.3f} s "
        f"({warm[1]:.3f} s figures, {warm[0] - warm[1]:.3f} s charts)"
    )
    print(
        f"fleet figures: offline {sum(f.offline for f in all_figures)}, newly offline "
        f"{sum(len(f.newly_offline) for f in all_figures)}, recovered "
        f"{sum(len(f.recovered) for f in all_figures)}, offline > 24 h "
        f"{sum(len(f.long_offline) for f in all_figures)}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--properties", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    asyncio.run(main(args.devices, args.properties, args.seed))
