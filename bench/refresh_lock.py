"""Benchmark: how long a device refresh of a large chain holds the SQLite write lock.

Writes N devices (default 1,000,000) and as many connection events through HealthStore, as a refresh
does, into a fresh database file, and times every write transaction (HealthStore._write_batch: at most
WRITE_BATCH = 5,000 rows each). Meanwhile another process (the change journal of `bot serve`)
takes the write lock every 50 ms and the longest it waited is printed too.
Target (issue 18): no transaction holds the write lock over 500 ms.

    python bench/refresh_lock.py [--devices 1000000]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlite_utils

from bot.health.store import DeviceRow, HealthStore


class TimedStore(HealthStore):
    def __init__(self, db: sqlite_utils.Database) -> None:
        super().__init__(db)
        self.batches: list[float] = []

    def _write_batch(self, sql: str, batch: list[tuple[Any, ...]]) -> int:
        started = time.perf_counter()
        try:
            return super()._write_batch(sql, batch)
        finally:
            self.batches.append(time.perf_counter() - started)


def _other_writer(path: Path, stop: Any, longest: Any, count: Any) -> None:
    """Another process (the journal of `bot serve`): a short write every 50 ms."""
    conn = sqlite3.connect(path, timeout=60, isolation_level=None)
    conn.execute("CREATE TABLE IF NOT EXISTS bench_other (n INTEGER)")
    while not stop.is_set():
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        longest.value = max(longest.value, time.perf_counter() - started)
        count.value += 1
        conn.execute("INSERT INTO bench_other VALUES (1)")
        conn.execute("COMMIT")
        stop.wait(0.05)
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        db = sqlite_utils.Database(sqlite3.connect(path, check_same_thread=False))
        db.enable_wal()
        store = TimedStore(db)
        stop, longest, count = (
            multiprocessing.Event(),
            multiprocessing.Value("d", 0.0),
            multiprocessing.Value("i", 0),
        )
        other = multiprocessing.Process(target=_other_writer, args=(path, stop, longest, count))
        other.start()
        started = time.perf_counter()
        store.upsert_devices(
            DeviceRow(f"arn:{n}", f"G0A{n:09d}", f"Echo {n}", "ECHO", "READY", "ONLINE",
                      f"Room {n}", "P1", f"R{n}", str(n), 1.0, 2.0)
            for n in range(args.devices)
        )  # fmt: skip
        store.add_events((f"arn:{n}", "CONNECTION", "ONLINE", 1.0) for n in range(args.devices))
        total = time.perf_counter() - started
        stop.set()
        other.join()
    held = max(store.batches)
    print(f"devices: {args.devices:,}  rows written: {2 * args.devices:,}  in {total:.1f} s")
    print(f"write transactions: {len(store.batches)}  longest: {held * 1000:.0f} ms"
          f"  (target <= 500 ms: {'ok' if held <= 0.5 else 'MISSED'})")  # fmt: skip
    print(f"another process's longest wait for the write lock: {longest.value * 1000:.0f} ms"
          f" over {count.value} transactions")  # fmt: skip


if __name__ == "__main__":
    main()
