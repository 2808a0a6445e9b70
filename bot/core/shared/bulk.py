"""Running one operation over many rooms: bounded concurrency, throttled progress, a summary of failures."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from bot.clock import Clock

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class BulkOutcome(Generic[T, R]):
    done: list[tuple[T, R]] = field(default_factory=list)
    failed: list[tuple[T, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.done) + len(self.failed)


ProgressFn = Callable[[int, int, int], Awaitable[None]]  # done, failed, total


async def run_bulk(
    items: Sequence[T],
    work: Callable[[T], Awaitable[R]],
    *,
    describe_error: Callable[[BaseException], str],
    concurrency: int,
    clock: Clock,
    progress: ProgressFn | None = None,
    progress_interval: float = 2.0,
) -> BulkOutcome[T, R]:
    """Run `work` on every item, at most `concurrency` at a time; never raises for one item's failure."""
    outcome: BulkOutcome[T, R] = BulkOutcome()
    queue: asyncio.Queue[T] = asyncio.Queue()
    for item in items:
        queue.put_nowait(item)
    last_report = clock.monotonic()

    async def report(final: bool = False) -> None:
        nonlocal last_report
        if progress is None:
            return
        now = clock.monotonic()
        # One update every progress_interval at most, so chat platforms are not flooded with edits.
        if final or now - last_report >= progress_interval:
            last_report = now
            await progress(len(outcome.done), len(outcome.failed), len(items))

    async def worker() -> None:
        while True:
            try:
                item = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            try:
                outcome.done.append((item, await work(item)))
            except Exception as error:  # one room's failure must not stop the others
                outcome.failed.append((item, describe_error(error)))
            await report()

    workers = max(1, min(concurrency, len(items)))
    await asyncio.gather(*(worker() for _ in range(workers)))
    return outcome
