"""Benchmark: parse and resolve chat messages against a 100,000-room index.

Rooms follow mixed naming schemes, one per property (numbers `204`, prefixed `S204`, compounds
`villa-12` / `Tower-East-12`, `#` names `PH#12`, words `Orchid_12`), and are found by name from the
index (issue 17). Issue 17's targets: p99 <= 1 ms at 100,000 rooms, <= 2 ms at 1,000,000 rooms /
5,000 properties (`--properties 5000 --rooms-per-property 200`); the name tables (the lexicon) are
rebuilt only when the hierarchy changes, in <= 1 s at 5,000 properties.

Builds the SQLite index directly (200 properties x 5 room types x 100 rooms by default, in memory),
then times, per message, what the engine does before it calls Amazon: parse the text, resolve the
rooms (bound channel, named property, lists, ranges, room types, whole properties, ambiguity and
misses with suggestions) and, for station changes, resolve the station in the property's country.
Parsing is entity-first against the lexicon of the index (built once, as the running bot keeps it until
the index changes). A miss's index refresh is disabled (it would call Amazon). Prints p50 / p99 / max
per message overall and per kind. Target: p99 <= 1 ms.

    python bench/parse.py [--properties 200 --rooms-per-property 500 --rounds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections import defaultdict
from dataclasses import replace

from bot.clock import SystemClock
from bot.core.access.access import Access
from bot.core.access.resolve import Resolver, Rooms
from bot.core.access.services import Services
from bot.core.ledger.audit import AuditLog
from bot.core.shared import commands as c
from bot.core.shared.canonical import command_text
from bot.core.understanding.lexicon import lexicon_for
from bot.core.understanding.pipeline import parse
from bot.index.catalog import default_catalog
from bot.index.lookup import Index
from bot.settings import BotConfig, PropertyConfig

ORG = "amzn1.alexa.unit.did.BENCHORG"
BRANDS = [
    "Harbor View",
    "Lakeside",
    "Grand",
    "Parkside",
    "Riverside",
    "Hilltop",
    "Bayside",
    "Old Town",
    "Garden",
    "Skyline",
]
CITIES = [
    "Seattle",
    "Chicago",
    "Boston",
    "Denver",
    "Austin",
    "Miami",
    "Portland",
    "Atlanta",
    "Dallas",
    "Phoenix",
    "London",
    "Leeds",
    "Bristol",
    "York",
    "Paris",
    "Lyon",
    "Nice",
    "Lille",
    "Toronto",
    "Madrid",
]
ROOM_TYPES = ["Standard Queen", "Deluxe King", "Junior Suite", "Classic Double", "Accessible King"]
COUNTRY = {
    "London": "UK",
    "Leeds": "UK",
    "Bristol": "UK",
    "York": "UK",
    "Paris": "FR",
    "Lyon": "FR",
    "Nice": "FR",
    "Lille": "FR",
}


def property_names(n: int) -> list[str]:
    names = [f"{b} {c}" for c in CITIES for b in BRANDS]
    if n > len(names):
        names += [f"Hotel {i}" for i in range(len(names), n)]
    return names[:n]


WORDS = ["Orchid", "Lotus", "Edelweiss", "Garden_Loft", "Juniper", "Aspen", "Cedar", "Maple"]


def room_name(p: int, n: int) -> str:
    """Room n of property p, in the property's naming scheme."""
    number = f"{n // 50 + 1}{n % 50 + 1:02d}"
    scheme = p % 6
    if scheme == 0 or scheme == 1:
        return number
    if scheme == 2:
        return f"S{number}"
    if scheme == 3:
        return f"villa-{n + 1}" if n % 2 else f"Tower-East-{n + 1}"
    if scheme == 4:
        return f"PH#{n + 1}"
    return f"{WORDS[n % len(WORDS)]}_{n + 1}"


def build_index(properties: int, rooms_per_property: int) -> tuple[Index, list[str]]:
    index = Index(":memory:")
    names = property_names(properties)
    per_type = rooms_per_property // len(ROOM_TYPES)
    for p, name in enumerate(names):
        city = name.split()[-1]
        types = [(f"P{p}T{t}", rt) for t, rt in enumerate(ROOM_TYPES)]
        rooms = []
        for t, (tid, _rt) in enumerate(types):
            for r in range(per_type):
                n = t * per_type + r
                rooms.append((f"P{p}R{n}", room_name(p, n), tid))
        index.replace_property(
            f"P{p}",
            name,
            organization_id=ORG,
            country=COUNTRY.get(city, "US"),
            timezone="UTC",
            room_types=types,
            rooms=rooms,
        )
    return index, names


def services(index: Index, names: list[str]) -> Services:
    config = BotConfig(
        properties=[
            PropertyConfig(name=n, country=COUNTRY.get(n.split()[-1], "US"), channels=[f"desk-{i}"])
            for i, n in enumerate(names)
        ]
    )
    return Services(
        index=index,
        asp=None,
        catalog=default_catalog(),
        config=config,
        access=Access(None),
        audit=AuditLog(index.db),
        clock=SystemClock(),
        organization_id=ORG,
    )


def messages(names: list[str]) -> list[tuple[str, str, str | None]]:
    """(kind, text, channel) — a mix of what front desks type."""
    p = names
    return [
        ("one room, bound channel", "set room 204 station jazz", "desk-6"),
        ("one room, bound channel", "put jazz on in 311", "desk-78"),
        ("one room, bound channel", "204 -> classical", "desk-120"),
        ("one room, named property", f"what's playing in 418 at {p[6]}", None),
        ("one room, named property", f"set rm 1010 at {p[150]} to classic rock", None),
        ("list", f"set rooms 201, 203 and 205 at {p[42]} to pop", None),
        ("range", f"set rooms 101-110 at {p[12]} to oldies", None),
        ("range", "set rooms 301-350 to jazz", "desk-18"),
        ("room type", f"set room type Deluxe King at {p[99]} station classical", None),
        ("whole property", f"preview set all rooms at {p[123]} to jazz", None),
        ("typo station", "set room 204 to jaz", "desk-12"),
        ("ambiguous room", "play country in 204", None),
        ("missing room", "set room 9999 to jazz", "desk-4"),
        ("question", "what's playing in 204", "desk-60"),
        ("not understood", "can u do the music thing for the guest", None),
        ("clear alarms", f"clear alarms in rooms 101-103 at {p[18]}", None),
        ("entity-first", "jazz in 204", "desk-6"),
        ("entity-first", "guest in 311 wants something relaxing", "desk-150"),
        ("entity-first", f"what's playing in Deluxe King at {p[33]}", None),
        ("entity-first", "clear all timers in 503", "desk-7"),
        ("entity-first", "107 thru 109 -> classic rock", "desk-13"),
        ("typo", f"jaz in 204 at {p[12].replace('o', '0', 0)}", None),
        ("typo", "clasical in 311", "desk-61"),
        ("named room", "set villa 12 to jazz", "desk-3"),
        ("named room", f"jazz in Tower-East-7 at {p[9]}", None),
        ("named room", "put classical on in PH#12", "desk-4"),
        ("named room", "ph12 -> pop", "desk-10"),
        ("named room", "set orchid 17 to jazz", "desk-5"),
        ("named room", f"what's playing in Garden_Loft_4 at {p[11]}", None),
        ("named room", "set rooms villa-4 and villa-6 to jazz", "desk-15"),
        ("named room", "clear alarms in S204", "desk-2"),
        ("incomplete", "set 204 to jazz and frobnicate", "desk-6"),
    ]


async def run(properties: int, rooms_per_property: int, rounds: int) -> None:
    t0 = time.perf_counter()
    index, names = build_index(properties, rooms_per_property)
    total = index.counts().rooms
    print(
        f"index: {properties} properties, {total:,} rooms, "
        f"built in {time.perf_counter() - t0:.1f} s"
    )
    s = services(index, names)
    t1 = time.perf_counter()
    lexicon = lexicon_for(
        index, s.catalog
    )  # built once here; every parse below gets it from the cache
    print(
        f"name tables (lexicon): built in {(time.perf_counter() - t1) * 1000:.1f} ms "
        f"(once per hierarchy change; {len(lexicon.rooms):,} room names); target <= 1 s"
    )
    index.conn.execute("CREATE TABLE IF NOT EXISTS bench_other (x)")
    index.conn.execute("INSERT INTO bench_other VALUES (1)")  # another write: not a rebuild
    t2 = time.perf_counter()
    same = lexicon_for(index, s.catalog) is lexicon
    print(
        f"after a non-hierarchy write: {'kept' if same else 'REBUILT'} "
        f"({(time.perf_counter() - t2) * 1000:.2f} ms)"
    )
    mix = messages(names)
    times: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)

    async def one(text: str, channel: str | None) -> None:
        result = parse(text, lexicon_for(index, s.catalog))
        if result.parsed is None:
            return
        cmd = result.parsed.command
        target = getattr(cmd, "target", None)
        if target is None:
            return
        resolver = Resolver(s, channel)
        resolver._refreshed = True  # a miss would refresh from Amazon; not part of this benchmark
        resolved = await resolver.rooms(target, lambda t: command_text(replace(cmd, target=t)))
        if isinstance(cmd, c.SetStation) and isinstance(resolved, Rooms):
            for country in resolved.countries():  # as the handler does (a whole property: one)
                s.catalog.lookup(country, cmd.station)

    for _ in range(2):  # warm caches, as a running bot has them
        for _kind, text, channel in mix:
            await one(text, channel)
    for _ in range(rounds):
        for kind, text, channel in mix:
            start, start_cpu = time.perf_counter(), time.thread_time()
            await one(text, channel)
            times[kind].append((time.perf_counter() - start) * 1000)
            cpu[kind].append((time.thread_time() - start_cpu) * 1000)

    def pct(values: list[float], q: float) -> float:
        return values[min(len(values) - 1, int(q * len(values)))]

    # Wall time includes waiting for a CPU on a busy machine; the thread's CPU time is the work itself.
    for title, table in (("wall clock", times), ("CPU time of the thread", cpu)):
        every = sorted(t for ts in table.values() for t in ts)
        print(f"\n{title}\n{'kind':<28}{'n':>5}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
        for kind, ts in table.items():
            ts.sort()
            print(f"{kind:<28}{len(ts):>5}{pct(ts, 0.5):>9.3f}{pct(ts, 0.99):>9.3f}{ts[-1]:>9.3f}")
        p50, p99 = pct(every, 0.5), pct(every, 0.99)
        print(
            f"{'ALL':<28}{len(every):>5}{p50:>9.3f}{p99:>9.3f}{every[-1]:>9.3f}"
            f"   mean {statistics.mean(every):.3f} ms"
        )
        limit = 1.0 if total <= 100_000 else 2.0  # issue 17: 1 ms at 100k rooms, 2 ms at 1M
        print(f"target p99 <= {limit:g} ms ({title}): {'MET' if p99 <= limit else 'NOT MET'}")
    print(f"load average: {' '.join(os.getloadavg().__repr__().strip('()').split(', '))}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--properties", type=int, default=200)
    parser.add_argument("--rooms-per-property", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(run(args.properties, args.rooms_per_property, args.rounds))


if __name__ == "__main__":
    main()
