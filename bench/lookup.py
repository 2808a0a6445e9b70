"""Benchmark: room-name lookups in a 100,000-room index on disk.

Builds 100 properties x 20 room types x 50 rooms in a temporary SQLite file, then times find_rooms
over random names: hits ("1204"), normalised hits ("rm 1204", "#1204"), misses, each with and
without a property scope. Prints p50 / p99 / max per kind and overall, the build time, and peak
memory. Target: p99 under 1 ms.

    python bench/lookup.py [--properties 100 --room-types 20 --rooms 50 --lookups 20000 --seed 7]
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from bot.index.lookup import Index


def build(index: Index, properties: int, room_types: int, rooms: int) -> float:
    start = time.perf_counter()
    for p in range(properties):
        index.replace_property(
            f"amzn1.alexa.unit.did.P{p}",
            f"Bench Hotel {p}",
            organization_id="amzn1.alexa.unit.did.ORG",
            country=("US", "UK", "FR")[p % 3],
            timezone="UTC",
            room_types=[(f"amzn1.alexa.unit.did.P{p}T{t}", f"Type {t}") for t in range(room_types)],
            rooms=[
                (
                    f"amzn1.alexa.unit.did.P{p}T{t}R{r}",
                    f"{t + 1}{r:02d}",
                    f"amzn1.alexa.unit.did.P{p}T{t}",
                )
                for t in range(room_types)
                for r in range(rooms)
            ],
        )
    return time.perf_counter() - start


def percentile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--properties", type=int, default=100)
    parser.add_argument("--room-types", type=int, default=20)
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--lookups", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory() as tmp:
        index = Index(Path(tmp) / "bench.db")
        # tracemalloc slows Python several times over: trace the build only, never the
        # timed lookups.
        tracemalloc.start()
        build_s = build(index, args.properties, args.room_types, args.rooms)
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        build_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        build(Index(":memory:"), args.properties, args.room_types, args.rooms)
        build_untraced_s = time.perf_counter() - start
        counts = index.counts()
        names = [f"{t + 1}{r:02d}" for t in range(args.room_types) for r in range(args.rooms)]
        kinds = {
            "hit": lambda: rng.choice(names),
            "rm 204": lambda: f"rm {rng.choice(names)}",
            "#204": lambda: f"#{rng.choice(names)}",
            "miss": lambda: f"{rng.randint(90_000, 99_999)}",
        }
        # Every name exists in every property, so an unscoped hit returns one RoomRef per property
        # (100): the worst case of a chain. A scoped lookup (the channel's property) returns one.
        timings: dict[str, list[float]] = {}
        for i in range(args.lookups):
            kind = list(kinds)[i % len(kinds)]
            name = kinds[kind]()
            scoped = rng.random() < 0.5
            scope = f"amzn1.alexa.unit.did.P{rng.randrange(args.properties)}" if scoped else None
            start = time.perf_counter()
            index.find_rooms(name, property_id=scope)
            elapsed = (time.perf_counter() - start) * 1000
            timings.setdefault(f"{kind}/{'scoped' if scoped else 'all'}", []).append(elapsed)
        suggest = []
        for _ in range(50):
            start = time.perf_counter()
            index.suggest_rooms(f"{rng.choice(names)}9", property_id="amzn1.alexa.unit.did.P1")
            suggest.append((time.perf_counter() - start) * 1000)
        index.conn.close()

    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rss_mb = rss_kb / 1024 if sys.platform != "darwin" else rss_kb / 1024 / 1024

    print(
        f"index        {counts.properties} properties, {counts.room_types} room types, "
        f"{counts.rooms} rooms; built in {build_untraced_s:.2f} s in memory "
        f"({build_s:.2f} s on disk under tracemalloc)"
    )
    everything: list[float] = []
    for kind, values in timings.items():
        values.sort()
        everything.extend(values)
        print(
            f"find_rooms   {kind:13} n={len(values):6}"
            f"  p50 {percentile(values, 0.5) * 1000:6.1f} µs"
            f"  p99 {percentile(values, 0.99) * 1000:6.1f} µs  max {values[-1] * 1000:8.1f} µs"
        )
    everything.sort()
    p99 = percentile(everything, 0.99)
    print(
        f"find_rooms   everything    n={len(everything):6}"
        f"  p50 {percentile(everything, 0.5) * 1000:6.1f} µs"
        f"  p99 {p99 * 1000:6.1f} µs  mean {statistics.fmean(everything) * 1000:6.1f} µs"
        f"  -> {'OK' if p99 < 1.0 else 'SLOW'} (target p99 < 1000 µs)"
    )
    suggest.sort()
    print(
        f"suggest      property      n={len(suggest):6}  p50 {percentile(suggest, 0.5):6.2f} ms"
        f"  p99 {percentile(suggest, 0.99):6.2f} ms (after a miss only)"
    )
    print(
        f"memory       peak RSS {rss_mb:.1f} MB (after the build: "
        f"{build_rss_kb / 1024:.1f} MB); peak traced Python allocations during the build "
        f"{traced_peak / 1024 / 1024:.1f} MB"
    )
    raise SystemExit(0 if p99 < 1.0 else 1)


if __name__ == "__main__":
    main()
