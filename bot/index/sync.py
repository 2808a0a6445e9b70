"""Full and partial sync of the ASP hierarchy (seed 004) into the index.

The fewest requests: one list of properties, one list of room types per property, one list of rooms
per room type (the source pages by 50), nothing twice. All lists share one semaphore, and a
property's room lists start as soon as its room-type list arrives, so the pipe stays full until the
last page. Each room list is put aside in the index's file as it arrives (never a whole property
in memory), and each property's content is swapped in one transaction when its last room list
arrives.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from bot.clients.retry import RetryPolicy, retry_policy
from bot.index.db import open_index
from bot.index.lookup import Index

T = TypeVar("T")

PropertyMeta = Callable[[str, str], tuple[str, str]]
"""(property id, property name) -> (country, timezone), from bot.toml."""


class HierarchyItem(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...


class HierarchySource(Protocol):
    """What sync needs of AspClient: the three hierarchy lists, each following nextToken to the
    end.
    """

    async def list_properties(self, organization_id: str) -> Sequence[HierarchyItem]: ...

    async def list_room_types(self, property_id: str) -> Sequence[HierarchyItem]: ...

    async def list_rooms(self, room_type_id: str) -> Sequence[HierarchyItem]: ...


@dataclass(frozen=True, slots=True)
class SyncReport:
    scope: str
    requests: int
    """HTTP requests sent (the source's `stats.total_requests` when it counts, else `calls`)."""
    calls: int
    """List operations made (a list longer than one page is one call and several requests)."""
    properties: int
    room_types: int
    rooms: int
    seconds: float
    removed_properties: tuple[str, ...] = field(default=())


class _Lists:
    """Runs the source's list calls under one shared concurrency limit, and counts them."""

    def __init__(self, source: HierarchySource, concurrency: int) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.source = source
        self.calls = 0
        self._limit = asyncio.Semaphore(concurrency)
        self._requests_before = _requests_sent(source)

    async def _call(self, fn: Callable[[str], Awaitable[Sequence[T]]], arg: str) -> list[T]:
        async with self._limit:
            self.calls += 1
            # A page glitch that repeats an item must not make us list its children twice.
            return _unique(await fn(arg))

    async def properties(self, organization_id: str) -> list[HierarchyItem]:
        return await self._call(self.source.list_properties, organization_id)

    async def room_types(self, property_id: str) -> list[HierarchyItem]:
        return await self._call(self.source.list_room_types, property_id)

    async def rooms(self, room_type_id: str) -> list[HierarchyItem]:
        return await self._call(self.source.list_rooms, room_type_id)

    def requests(self) -> int:
        after = _requests_sent(self.source)
        if after is None or self._requests_before is None:
            return self.calls
        return after - self._requests_before


def _requests_sent(source: object) -> int | None:
    """HTTP requests the source has sent so far (AspClient's `stats.total_requests`), if it
    counts.
    """
    stats = getattr(source, "stats", None)
    for attribute in ("total_requests", "requests"):
        sent = getattr(stats, attribute, None)
        if isinstance(sent, int):
            return sent
    return None


def _unique(items: Sequence[T]) -> list[T]:
    seen: set[str] = set()
    kept: list[T] = []
    for item in items:
        key = str(getattr(item, "id", id(item)))
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


def _first_error(group: BaseExceptionGroup[BaseException]) -> BaseException:
    error: BaseException = group
    while isinstance(error, BaseExceptionGroup):
        error = error.exceptions[0]
    return error


async def _gather(coros: Iterable[Awaitable[T]]) -> list[T]:
    """Run concurrently; on the first failure cancel the rest and raise that failure itself (not a
    group), so callers can catch the API error types they know."""
    tasks: list[asyncio.Task[T]] = []
    try:
        async with asyncio.TaskGroup() as group:
            for coro in coros:
                tasks.append(group.create_task(_as_coroutine(coro)))
    except ExceptionGroup as failures:
        raise _first_error(failures) from None
    return [task.result() for task in tasks]


async def _as_coroutine(awaitable: Awaitable[T]) -> T:
    return await awaitable


async def _fetch_property(
    lists: _Lists, property_id: str
) -> tuple[list[HierarchyItem], list[tuple[str, str, str]]]:
    room_types = await lists.room_types(property_id)
    room_lists = await _gather(lists.rooms(t.id) for t in room_types)
    rooms = [
        (r.id, r.name, t.id)
        for t, listed in zip(room_types, room_lists, strict=True)
        for r in listed
    ]
    return room_types, rooms


async def full_sync(
    index: Index,
    source: HierarchySource,
    organization_id: str,
    *,
    concurrency: int = 8,
    property_meta: PropertyMeta | None = None,
    policy: RetryPolicy | None = None,
) -> SyncReport:
    """Mirror the organization's whole hierarchy into the index; properties gone upstream are
    dropped. Without `property_meta`, new properties get ("US", "UTC") and known ones keep their
    country and timezone.

    A sync is background work: unless `policy` says otherwise it has no deadline and follows seed
    004's 429 rule to the end. On any failure every list still running is cancelled and the worker
    thread finishes its write before its connection closes; properties already written are the new
    ones, the rest keep their previous content, and nothing is removed.
    """
    with retry_policy(policy or RetryPolicy.background()):
        return await _full_sync(index, source, organization_id, concurrency, property_meta)


async def _full_sync(
    index: Index,
    source: HierarchySource,
    organization_id: str,
    concurrency: int,
    property_meta: PropertyMeta | None,
) -> SyncReport:
    started = index.clock.monotonic()
    lists = _Lists(source, concurrency)
    properties = await lists.properties(organization_id)
    totals = [0, 0]
    # A property's rooms take milliseconds to write: on the event loop that would delay every response
    # still in flight, so a file-backed index is written by one worker thread on its own connection
    # (WAL lets the bot keep reading meanwhile), one property at a time.
    writer = _writer_for(index)
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="index-sync") if writer else None

    target = writer or index

    async def on_writer(write: Callable[[], T]) -> T:
        if worker is None:
            return write()
        # A cancelled await does not stop the thread: the executor is drained before the
        # connection it writes on is closed (closing it under a running write crashes SQLite).
        return await asyncio.get_running_loop().run_in_executor(worker, write)

    async def sync_one(prop: HierarchyItem) -> None:
        await on_writer(functools.partial(target.forget_staged, prop.id))
        # Each room list is put aside as it arrives (a property of a million rooms is never held
        # in memory), and the property swapped in from there when its last list is in.
        room_types = await lists.room_types(prop.id)

        async def stage(order: int, room_type: HierarchyItem) -> int:
            listed = await lists.rooms(room_type.id)
            rows = [(r.id, r.name, room_type.id) for r in listed]
            await on_writer(functools.partial(target.stage_rooms, prop.id, order, rows))
            return len(rows)

        await _gather(stage(n, t) for n, t in enumerate(room_types))
        country, timezone = property_meta(prop.id, prop.name) if property_meta else (None, None)
        rooms = await on_writer(
            functools.partial(
                target.replace_property_staged,
                prop.id,
                prop.name,
                organization_id=organization_id,
                country=country,
                timezone=timezone,
                room_types=[(t.id, t.name) for t in room_types],
            )
        )
        totals[0] += len(room_types)
        totals[1] += rooms

    try:
        await _gather(sync_one(p) for p in properties)
    finally:
        if worker is not None:
            worker.shutdown(wait=True, cancel_futures=True)
        if writer is not None:
            writer.conn.close()
    removed = index.retain_properties(organization_id, (p.id for p in properties))
    index.mark_synced(f"org:{organization_id}", len(properties))
    return SyncReport(
        scope=f"org:{organization_id}",
        requests=lists.requests(),
        calls=lists.calls,
        properties=len(properties),
        room_types=totals[0],
        rooms=totals[1],
        seconds=index.clock.monotonic() - started,
        removed_properties=tuple(removed),
    )


def _writer_for(index: Index) -> Index | None:
    """A second Index on the same file for a worker thread; None for an in-memory index."""
    file = index.conn.execute("PRAGMA database_list").fetchone()[2]
    return Index(open_index(file), clock=index.clock) if file else None


async def refresh_property(
    index: Index, source: HierarchySource, property_id: str, *, concurrency: int = 8
) -> SyncReport:
    """Re-read one known property's room types and rooms (after a lookup missed); KeyError if
    unknown.
    """
    known = index.property(property_id)
    if known is None:
        raise KeyError(f"property {property_id} is not in the index; run a full sync")
    started = index.clock.monotonic()
    lists = _Lists(source, concurrency)
    room_types, rooms = await _fetch_property(lists, property_id)
    index.replace_property(
        property_id,
        known.name,
        organization_id=known.organization_id,
        country=None,
        timezone=None,
        room_types=[(t.id, t.name) for t in room_types],
        rooms=rooms,
    )
    return SyncReport(
        scope=f"property:{property_id}",
        requests=lists.requests(),
        calls=lists.calls,
        properties=1,
        room_types=len(room_types),
        rooms=len(rooms),
        seconds=index.clock.monotonic() - started,
    )


async def refresh_room_type(index: Index, source: HierarchySource, room_type_id: str) -> SyncReport:
    """Re-read one known room type's rooms (one list); KeyError if the room type is not indexed."""
    if index.room_type(room_type_id) is None:
        raise KeyError(f"room type {room_type_id} is not in the index; refresh its property")
    started = index.clock.monotonic()
    lists = _Lists(source, 1)
    rooms = await lists.rooms(room_type_id)
    count = index.replace_room_type_rooms(room_type_id, [(r.id, r.name) for r in rooms])
    return SyncReport(
        scope=f"room_type:{room_type_id}",
        requests=lists.requests(),
        calls=lists.calls,
        properties=0,
        room_types=1,
        rooms=count,
        seconds=index.clock.monotonic() - started,
    )
