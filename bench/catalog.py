"""Benchmark: station catalog lookups (exact names and the fuzzy path for misspellings).

Times `StationCatalog.lookup` on the seed catalog, best of 3 runs of N lookups each, and prints the
mean in microseconds per lookup. Targets: exact under 50 µs, fuzzy under 250 µs. (These figures were
asserts in tests/test_catalog.py; a loaded machine made them flaky, so they are measured here.)

    python bench/catalog.py [--lookups 2000]
"""

from __future__ import annotations

import argparse
import time

from bot.index.catalog import StationCatalog, default_catalog

CASES = (("exact", "US", "top 40", 50.0), ("fuzzy", "US", "clasic rock", 250.0))


def mean_us(catalog: StationCatalog, country: str, text: str, n: int) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(n):
            catalog.lookup(country, text)
        best = min(best, (time.perf_counter() - start) / n * 1e6)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lookups", type=int, default=2000)
    args = parser.parse_args()
    catalog = default_catalog()
    for kind, country, text, target in CASES:
        n = args.lookups if kind == "exact" else max(1, args.lookups // 4)
        us = mean_us(catalog, country, text, n)
        verdict = "ok" if us < target else "OVER TARGET"
        print(f"{kind:6} {text!r:15} {us:8.1f} µs/lookup  (target < {target:.0f} µs) {verdict}")


if __name__ == "__main__":
    main()
