"""Bulk changes in chunks: a large change's journal rows are split into chunks any worker claims.

A change over more than `CHUNK_ROWS` writes is queued in the journal in chunks of about
`CHUNK_ROWS` rows (a range of the change's journal ids, every row committed before anything of it
is sent). A change over a whole property or room type (bot/core/ledger/plans.py `ScopePlan`) is queued as
it runs: its plan (the scope and the writes per room) is kept with the change (table change_plans),
its first chunk is queued and claimed before the rest of its rooms are even read, and a `Planner`
keeps `AHEAD` chunks queued ahead of the workers, reading the index a chunk at a time, so a
million rooms are never held in memory nor queued before the first write; a change listed room by
room (a retry, an undo) is queued whole, then split. A chunk is claimed with a lease (owner,
`lease_until`, generation +1), like a change's lease (bot/core/ledger/leases.py): the request that made
the change works its chunks, and with replicas on PostgreSQL every replica's worker
(`work_chunks`, every second) claims the queued ones too (`FOR UPDATE SKIP LOCKED`), so the rooms
are shared out and a dead worker's chunk is taken over once its lease expires. Per room it is
read-before / write / settle exactly as `run_change` does (`settle_one`); a chunk taken over first
reads back its uncertain rooms (pending, not confirmed), so a room the dead worker did write is
settled as applied and never written twice. Writes of a chunk are fenced by its owner (a worker
that stalled past its lease records nothing).

Progress, `recent changes` and the end of a change read counts, never all rows: a done chunk keeps
its rows' counts by state, a queued one is all queued, a running one is counted (a few hundred
rows), and rooms not planned yet are queued (bot/core/ledger/journal.py `count_changes`); the reply's
summary is counted in SQL too (`Settled`). The change is closed once: by its request when it is
still waiting for it (that reply is the summary), else by the worker that completes the last chunk
of a complete plan, which leaves the summary as a notice for the author (posted by the recovery
sweep, bot/core/changes/recovery.py `deliver`). A plan its process did not finish is finished by crash
recovery (`finish_plan`): the rooms never queued are recorded as not sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Protocol

from bot.clients.retry import background
from bot.core.access.services import Services
from bot.core.changes.unit_writes import (
    SHOWN_PROBLEMS,
    ProgressFn,
    UnitCheck,
    WriteScope,
    settle_one,
    use_chunks,
    verdict,
    writer_for,
)
from bot.core.ledger.audit import outcome_of_counts
from bot.core.ledger.journal import (
    FAILED,
    PENDING,
    STATES,
    UNKNOWN,
    Author,
    Counts,
    JournalRow,
    Planned,
    QueuedValues,
    Settled,
    insert_queued,
    queued_values,
)
from bot.core.ledger.leases import LEASE_S, RENEW_EVERY_S, this_process
from bot.core.ledger.plans import ScopePlan
from bot.core.shared.bulk import run_bulk
from bot.core.shared.errors import describe_error

log = logging.getLogger("bot.chunks")

# Replicas share Amazon's rate budget (it is per account): at most CHUNK_SLOTS chunks run at once
# across all replicas, each with 1/CHUNK_SLOTS of `bulk_concurrency`, so N replicas never send more
# at once than one process would (the 429 rule would otherwise stretch the run past the bound).
CHUNK_SLOTS: Final = 2
CHUNK_ROWS: Final = 200  # writes per chunk (about 200 rooms: a station change is one write a room)
POLL_S: Final = 0.5  # how often a waiting request looks whether other workers finished its chunks
AHEAD: Final = 4  # chunks a plan keeps queued ahead of the workers (2 slots, never starved)

QUEUED_CHUNK, RUNNING_CHUNK, DONE_CHUNK = "queued", "running", "done"
NOT_SENT = "interrupted: the bot stopped before finishing; nothing was sent"

__all__ = ["CHUNK_ROWS", "CHUNK_SLOTS", "Chunk", "ChunkStore", "Counts", "chunk_store"]


@dataclass(frozen=True)
class Chunk:
    change_id: int
    chunk: int
    first_id: int
    last_id: int
    generation: int
    taken_over: bool  # claimed from a worker whose lease expired


@dataclass(frozen=True)
class PlanState:
    """How far a change's plan is queued (table change_plans)."""

    spec: str
    total: int
    planned: int
    cursor: str | None
    complete: bool


class ChunkStore(Protocol):
    @property
    def slots(self) -> int: ...  # chunks that may run at once (across replicas)
    def split(
        self, change_id: int, row_ids: Sequence[int], size: int, properties: Sequence[str] = ()
    ) -> int: ...
    def plan(
        self, change_id: int, spec: str, properties: Sequence[str], total: int, at: datetime
    ) -> None: ...
    def add_chunk(
        self,
        change_id: int,
        author: Author,
        planned: Sequence[Planned],
        at: datetime,
        *,
        after: str | None,
        cursor: str | None,
        complete: bool,
        not_sent: str | None = None,
    ) -> bool: ...
    def plan_of(self, change_id: int) -> PlanState | None: ...
    def renew_plan(self, change_id: int, at: datetime) -> None: ...
    def take_plan(self, at: datetime) -> tuple[int, PlanState] | None: ...
    def waiting(self, change_id: int) -> int: ...
    def claim(self, at: datetime, change_id: int | None = None) -> Chunk | None: ...
    def renew(self, chunk: Chunk, at: datetime) -> bool: ...
    def rows(self, chunk: Chunk) -> list[JournalRow]: ...
    def complete(self, chunk: Chunk) -> bool: ...
    def left(self, change_id: int) -> int: ...
    def counts(self, change_id: int) -> Counts: ...
    def recount(self, change_id: int) -> None: ...
    def requester_waiting(self, change_id: int, at: datetime) -> bool: ...
    def finish_once(
        self, change_id: int, outcome: str, detail: str, undoes: int | None, at: datetime
    ) -> bool: ...


def split_ids(row_ids: Sequence[int], size: int) -> list[tuple[int, int, int]]:
    """(first id, last id, rows) of each chunk of a change's journal rows, in id order."""
    ids = sorted(row_ids)
    return [
        (part[0], part[-1], len(part))
        for part in (ids[n : n + size] for n in range(0, len(ids), size))
    ]


def chunk_store(services: Services) -> ChunkStore:
    """The chunk store beside the journal (PostgreSQL with replicas, else the SQLite file)."""
    store = getattr(services.journal, "chunks", None)
    if store is not None:
        return store  # type: ignore[no-any-return]
    return SqliteChunks(services.journal)


def chunk_values(
    change_id: int, author: Author, planned: Sequence[Planned], at: datetime
) -> list[QueuedValues]:
    return queued_values(change_id, author, planned, at)


# --- planning a change over a scope as it runs ---------------------------------------------------


class Planner:
    """Queues a `ScopePlan` chunk by chunk: the rooms after `cursor`, read from the index.

    A chunk is queued only if the plan still stands where this planner read it (its cursor), in
    the transaction that queues its rows: two planners (a request that stalled, and the worker
    that took its plan over) never queue a room twice; the one that finds it moved stops."""

    def __init__(
        self,
        services: Services,
        store: ChunkStore,
        change_id: int,
        plan: ScopePlan,
        author: Author,
        cursor: str | None = None,
    ) -> None:
        self.services = services
        self.store = store
        self.change_id = change_id
        self.plan = plan
        self.author = author
        self.cursor = cursor
        self.complete = False
        self.lost = False  # another planner moved the plan on: this one stops
        self.renewed = services.clock.monotonic()
        # rooms a chunk: a chunk holds about CHUNK_ROWS writes (a clear of three kinds, 3 a room)
        self.rooms = max(1, CHUNK_ROWS // max(1, len(plan.writes)))

    @property
    def done(self) -> bool:
        return self.complete or self.lost

    def begin(self) -> None:
        """Keep the plan with the change, and queue its first chunk (before anything is sent)."""
        self.store.plan(
            self.change_id, self.plan.spec(), [self.plan.property_name], len(self.plan),
            self.services.clock.now(),
        )  # fmt: skip
        self.step()

    def step(self, not_sent: str | None = None) -> bool:
        """Queue the next chunk (`not_sent`: recorded as never sent, recovery's end of a plan);
        False when there is nothing more for this planner to do."""
        if self.done:
            return False
        planned, last = self.plan.batch(self.cursor, self.rooms)
        queued = self.store.add_chunk(
            self.change_id, self.author, planned, self.services.clock.now(),
            after=self.cursor, cursor=last, complete=last is None, not_sent=not_sent,
        )  # fmt: skip
        if not queued:
            self.lost = True
            return False
        self.cursor, self.complete = last, last is None
        self.renewed = self.services.clock.monotonic()
        return True

    def fill(self) -> None:
        """Queue chunks until AHEAD wait for the workers (of every replica)."""
        while not self.done and self.store.waiting(self.change_id) < AHEAD:
            self.step()

    async def keep_ahead(self) -> None:
        """While the change runs: AHEAD chunks queued for the workers, and the plan's lease
        renewed (a worker takes over the plan of a request that died)."""
        while not self.done:
            if self.store.waiting(self.change_id) < AHEAD:
                self.step()
                await asyncio.sleep(0)  # let the writes and other requests run in between
                continue
            if self.services.clock.monotonic() - self.renewed >= RENEW_EVERY_S:
                self.store.renew_plan(self.change_id, self.services.clock.now())
                self.renewed = self.services.clock.monotonic()
            await asyncio.sleep(POLL_S)


async def finish_plan(services: Services, change_id: int, author: Author) -> int:
    """Crash recovery: the rooms of a plan its process never queued are recorded as not sent (so
    the restart notice counts them and `retry failed` re-runs them). Returns how many rows."""
    store = chunk_store(services)
    state = store.plan_of(change_id)
    if state is None or state.complete:
        return 0
    plan = ScopePlan.from_spec(services.index, state.spec)
    planner = Planner(services, store, change_id, plan, author, cursor=state.cursor)
    before = state.planned
    while True:
        if not planner.step(not_sent=NOT_SENT):
            break
        await asyncio.sleep(0)  # a million rooms take a while: other work goes on meanwhile
    after = store.plan_of(change_id)
    return (after.planned if after else before) - before


# --- running chunks ----------------------------------------------------------------------------


@dataclass
class WorkerScope:
    """What a worker writing another request's rooms has: the services, no deadline (writes are
    background work)."""

    s: Services
    write_deadline: float | None = None


async def run_chunk(
    scope: WriteScope, store: ChunkStore, chunk: Chunk, progress: ProgressFn | None = None
) -> bool:
    """Write the open rows of a claimed chunk, renewing its lease meanwhile; True when it was
    completed by this worker (False: another took it over, this one stalled past its lease)."""
    services = scope.s
    rows = store.rows(chunk)
    renewal = asyncio.ensure_future(_renew(store, chunk, services))
    try:
        check = UnitCheck(scope, [row.unit_id for row in rows])
        try:

            async def one(row: JournalRow) -> JournalRow:
                if chunk.taken_over and row.state in (PENDING, UNKNOWN):
                    found = await _read_back_first(scope, row)
                    if found is not None:
                        return found
                return await settle_one(scope, row, check)

            await run_bulk(
                rows, one, describe_error=describe_error,
                concurrency=max(1, services.config.bot.bulk_concurrency // store.slots),
                clock=services.clock,
                progress=progress,
                progress_interval=services.config.bot.progress_interval_seconds,
            )  # fmt: skip
        finally:
            check.close()
    finally:
        renewal.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewal
    return store.complete(chunk)


async def _renew(store: ChunkStore, chunk: Chunk, services: Services) -> None:
    while True:
        await asyncio.sleep(RENEW_EVERY_S)
        try:
            if not store.renew(chunk, services.clock.now()):
                log.warning("chunk %s of change %s was taken over", chunk.chunk, chunk.change_id)
                return
        except Exception:
            log.exception("could not renew the lease of a chunk; trying again")


async def _read_back_first(scope: WriteScope, row: JournalRow) -> JournalRow | None:
    """A room the dead worker may have written: read it back before writing again. Settled when
    the write is found applied (or the room cannot be read: not confirmed, never written twice);
    None when it was not applied, so it is written as any queued room."""
    journal, now = scope.s.journal, scope.s.clock.now
    writer = writer_for(row.kind)
    if not writer.readable:
        return None  # clearing alarms, reminders or timers again is harmless
    try:
        value = await writer.read(scope.s.asp, row.unit_id, scope.write_deadline)
    except Exception as error:
        return journal.settle(
            row, UNKNOWN, now(),
            error=f"not confirmed (its worker stopped; reading back failed: {describe_error(error)})",
        )  # fmt: skip
    if value == row.after:
        state, detail = verdict(row, value, "")
        return journal.settle(row, state, now(), error=detail)
    return None


async def run_chunked(
    ctx: WriteScope,
    change_id: int,
    rows: Sequence[JournalRow],
    progress: ProgressFn | None,
    *,
    undoes: int | None,
    detail: str,
) -> Settled:
    """The request's side of a change queued whole (listed room by room): split it, then work it
    (`_work`)."""
    store = chunk_store(ctx.s)
    properties = sorted({row.property_name for row in rows})
    store.split(change_id, [row.id for row in rows], CHUNK_ROWS, properties)
    by_unit = len({row.unit_id for row in rows}) < len(rows)
    return await _work(ctx, store, change_id, None, progress, undoes, detail, by_unit)


async def run_planned(
    ctx: WriteScope,
    change_id: int,
    plan: ScopePlan,
    author: Author,
    progress: ProgressFn | None,
    *,
    undoes: int | None,
    detail: str,
) -> Settled:
    """The request's side of a change over a scope: its plan kept and its first chunk queued
    (nothing else of it read yet), then worked while the planner queues the rest (`_work`)."""
    store = chunk_store(ctx.s)
    planner = Planner(ctx.s, store, change_id, plan, author)
    planner.begin()
    return await _work(
        ctx, store, change_id, planner, progress, undoes, detail, len(plan.writes) > 1
    )


async def _work(
    ctx: WriteScope,
    store: ChunkStore,
    change_id: int,
    planner: Planner | None,
    progress: ProgressFn | None,
    undoes: int | None,
    detail: str,
    by_unit: bool,
) -> Settled:
    """Work the change's chunks (other workers may take some), wait for the rest, close it once
    and return its summary (counted in SQL, never all its rows)."""
    services = ctx.s
    ahead = asyncio.ensure_future(planner.keep_ahead()) if planner is not None else None

    async def report(_done: int, _failed: int, _total: int) -> None:
        if progress is not None:
            counts = store.counts(change_id)
            failed = counts.settled - counts.ok
            await progress(counts.ok, failed, counts.total)

    last_report = [services.clock.monotonic()]

    async def lane(reports: bool) -> None:
        while True:
            chunk = store.claim(services.clock.now(), change_id)
            if chunk is not None:
                await run_chunk(ctx, store, chunk, report if reports else None)
                continue
            if planner is not None and planner.step():
                continue  # nothing queued to claim: the next chunk was queued here and now
            if store.left(change_id) == 0:
                return
            interval = services.config.bot.progress_interval_seconds
            if reports and services.clock.monotonic() - last_report[0] >= interval:
                last_report[0] = services.clock.monotonic()
                await report(0, 0, 0)
            await asyncio.sleep(POLL_S)

    try:
        # one chunk at a time here; the workers of every replica (this one's too) fill the other
        # slots of the shared budget
        await lane(True)
    finally:
        if ahead is not None:
            ahead.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ahead
    counts = store.counts(change_id)
    undid = counts.applied > 0 or counts.ok == counts.total
    store.finish_once(
        change_id, outcome_of_counts(counts), detail, undoes if undid else None,
        services.clock.now(),
    )  # fmt: skip
    return services.journal.settled(change_id, SHOWN_PROBLEMS, by_unit=by_unit)


async def work_chunks(services: Services, *, limit: int = 1000) -> int:
    """A replica's worker: claim and write chunks of any running change until none is left
    (at most `limit`); returns how many it completed."""
    store = chunk_store(services)
    scope = WorkerScope(services)
    done = 0
    with background():
        for _ in range(limit):
            _plan_for_the_dead(services, store)
            chunk = store.claim(services.clock.now())
            if chunk is None:
                break
            if await run_chunk(scope, store, chunk):
                done += 1
                _close_if_last(services, store, chunk.change_id)
    return done


def _plan_for_the_dead(services: Services, store: ChunkStore) -> None:
    """A plan whose planner stopped renewing it (its request died, or stalled) is taken over:
    AHEAD more chunks queued from this replica's index, so the change goes on to its end."""
    taken = store.take_plan(services.clock.now())
    if taken is None:
        return
    change_id, state = taken
    entry = services.audit.head(change_id)
    if entry is None:
        return
    author = Author(entry.platform, entry.user, entry.channel, entry.command)
    plan = ScopePlan.from_spec(services.index, state.spec)
    Planner(services, store, change_id, plan, author, cursor=state.cursor).fill()
    _close_if_last(services, store, change_id)  # the plan ended with no room left to queue


def _close_if_last(services: Services, store: ChunkStore, change_id: int) -> None:
    """After the last chunk of a complete plan: close the change, unless its request still waits
    for it (then that request closes it and its reply is the summary). The author is told once,
    by a notice."""
    now = services.clock.now()
    if store.left(change_id) or store.requester_waiting(change_id, now):
        return
    counts = store.counts(change_id)
    undid = counts.applied > 0 or counts.ok == counts.total
    entry = services.audit.head(change_id)
    if entry is None:
        return
    undoes = entry.undoes if undid else None
    if not store.finish_once(change_id, outcome_of_counts(counts), "", undoes, now):
        return
    failed = counts.settled - counts.ok
    unconfirmed = counts.total - counts.settled
    parts = [f"{counts.ok} of {counts.total} done"]
    if failed:
        parts.append(f"{failed} failed (`retry failed {change_id}`)")
    if unconfirmed:
        parts.append(f"{unconfirmed} not confirmed yet")
    services.journal.add_notice(
        platform=entry.platform, user=entry.user, channel=entry.channel, thread=entry.thread,
        change_id=change_id,
        text=f"Your change #{change_id} (`{entry.text}`) is finished: {', '.join(parts)}.",
        at=now,
    )  # fmt: skip


def _count_values(counts: Counts) -> tuple[int, ...]:
    """A chunk's kept counts, in the column order of STATES (n_queued ... n_unknown)."""
    return tuple(counts.by_state.get(state, 0) for state in STATES)


_KEEP_COUNTS = ", ".join(f"n_{state} = ?" for state in STATES)

# --- SQLite (one process: the request is the one worker) ------------------------------------


class SqliteChunks:
    """Chunks in the bot's SQLite file; statements run through the journal's retrying writer."""

    slots = 1  # one process: its request runs the chunks one after the other, at full concurrency

    def __init__(self, journal: object) -> None:
        from bot.core.ledger.journal import SqliteJournal

        assert isinstance(journal, SqliteJournal)
        self._journal = journal

    def split(
        self, change_id: int, row_ids: Sequence[int], size: int, properties: Sequence[str] = ()
    ) -> int:
        parts = split_ids(row_ids, size)

        def insert(conn: sqlite3.Connection) -> None:
            conn.executemany(
                "INSERT INTO change_chunks (change_id, chunk, first_id, last_id, rows)"
                " VALUES (?, ?, ?, ?, ?)",
                [(change_id, n, *part) for n, part in enumerate(parts)],
            )
            # queued whole: its plan is complete (it keeps the properties `recent changes` shows)
            conn.execute(
                "INSERT OR REPLACE INTO change_plans (change_id, spec, properties, total,"
                " planned, complete) VALUES (?, '{}', ?, ?, ?, 1)",
                (change_id, json.dumps(sorted(properties)), len(row_ids), len(row_ids)),
            )

        self._journal.write(insert)
        return len(parts)

    def plan(
        self, change_id: int, spec: str, properties: Sequence[str], total: int, at: datetime
    ) -> None:
        self._journal.write(
            lambda conn: conn.execute(
                "INSERT INTO change_plans (change_id, spec, properties, total, planner,"
                " planner_until) VALUES (?, ?, ?, ?, ?, ?)",
                (change_id, spec, json.dumps(sorted(properties)), total, this_process().key,
                 at.timestamp() + LEASE_S),
            )
        )  # fmt: skip

    def add_chunk(
        self,
        change_id: int,
        author: Author,
        planned: Sequence[Planned],
        at: datetime,
        *,
        after: str | None,
        cursor: str | None,
        complete: bool,
        not_sent: str | None = None,
    ) -> bool:
        values = chunk_values(change_id, author, planned, at)

        def insert(conn: sqlite3.Connection) -> bool:
            # only where the plan still stands where this planner read it (never a room twice)
            moved = conn.execute(
                "UPDATE change_plans SET planned = planned + ?, cursor = ?, complete = ?,"
                " planner = ?, planner_until = ? WHERE change_id = ? AND NOT complete"
                " AND cursor IS ?",
                (len(values), cursor, int(complete), this_process().key,
                 at.timestamp() + LEASE_S, change_id, after),
            ).rowcount  # fmt: skip
            if not moved:
                return False
            if values:
                ids = insert_queued(conn, values)
                (number,) = conn.execute(
                    "SELECT COALESCE(MAX(chunk), -1) + 1 FROM change_chunks WHERE change_id = ?",
                    (change_id,),
                ).fetchone()
                conn.execute(
                    "INSERT INTO change_chunks (change_id, chunk, first_id, last_id, rows)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (change_id, number, min(ids), max(ids), len(ids)),
                )
                if not_sent is not None:  # recovery: these were never sent, and are done
                    conn.execute(
                        "UPDATE journal SET state = ?, error = ? WHERE change_id = ?"
                        " AND id BETWEEN ? AND ?",
                        (FAILED, not_sent, change_id, min(ids), max(ids)),
                    )
                    conn.execute(
                        f"UPDATE change_chunks SET state = 'done', {_KEEP_COUNTS}"
                        " WHERE change_id = ? AND chunk = ?",
                        (*_count_values(Counts({FAILED: len(ids)})), change_id, number),
                    )
            return True

        queued: bool = self._journal.write(insert)
        return queued

    def renew_plan(self, change_id: int, at: datetime) -> None:
        self._journal.write(
            lambda conn: conn.execute(
                "UPDATE change_plans SET planner_until = ? WHERE change_id = ? AND planner = ?",
                (at.timestamp() + LEASE_S, change_id, this_process().key),
            )
        )

    def take_plan(self, at: datetime) -> tuple[int, PlanState] | None:
        now = at.timestamp()

        def take(conn: sqlite3.Connection) -> tuple[int, PlanState] | None:
            found = conn.execute(
                "SELECT p.change_id, p.spec, p.total, p.planned, p.cursor FROM change_plans p"
                " JOIN audit a ON a.id = p.change_id WHERE a.outcome = 'running'"
                " AND NOT p.complete AND (p.planner_until IS NULL OR p.planner_until < ?)"
                " ORDER BY p.change_id LIMIT 1",
                (now,),
            ).fetchone()
            if found is None:
                return None
            conn.execute(
                "UPDATE change_plans SET planner = ?, planner_until = ? WHERE change_id = ?",
                (this_process().key, now + LEASE_S, found[0]),
            )
            change_id, spec, total, planned, cursor = found
            return int(change_id), PlanState(
                str(spec), int(total), int(planned), cursor, complete=False
            )

        taken: tuple[int, PlanState] | None = self._journal.write(take)
        return taken

    def plan_of(self, change_id: int) -> PlanState | None:
        found = self._journal.query(
            "SELECT spec, total, planned, cursor, complete FROM change_plans WHERE change_id = ?",
            [change_id],
        )
        if not found:
            return None
        spec, total, planned, cursor, complete = found[0]
        return PlanState(
            str(spec), int(str(total)), int(str(planned)),
            None if cursor is None else str(cursor), bool(complete),
        )  # fmt: skip

    def waiting(self, change_id: int) -> int:
        found = self._journal.query(
            "SELECT COUNT(*) FROM change_chunks WHERE change_id = ? AND state = 'queued'",
            [change_id],
        )
        return int(str(found[0][0]))

    def claim(self, at: datetime, change_id: int | None = None) -> Chunk | None:
        now, me = at.timestamp(), this_process().key

        def take(conn: sqlite3.Connection) -> Chunk | None:
            where, args = (
                ("AND c.change_id = ?", [change_id]) if change_id is not None else ("", [])
            )
            found = conn.execute(
                "SELECT c.change_id, c.chunk, c.first_id, c.last_id, c.generation, c.state"
                " FROM change_chunks c JOIN audit a ON a.id = c.change_id"
                " WHERE a.outcome = 'running' AND (c.state = 'queued'"
                f" OR (c.state = 'running' AND c.lease_until < ?)) {where}"
                " ORDER BY c.change_id, c.chunk LIMIT 1",
                [now, *args],
            ).fetchone()
            if found is None:
                return None
            generation = int(found[4]) + 1
            conn.execute(
                "UPDATE change_chunks SET state = 'running', owner = ?, lease_until = ?,"
                " generation = ? WHERE change_id = ? AND chunk = ?",
                (me, now + LEASE_S, generation, found[0], found[1]),
            )
            return Chunk(
                int(found[0]), int(found[1]), int(found[2]), int(found[3]), generation,
                found[5] == RUNNING_CHUNK,
            )  # fmt: skip

        result: Chunk | None = self._journal.write(take)
        return result

    def renew(self, chunk: Chunk, at: datetime) -> bool:
        changed: int = self._journal.write(
            lambda conn: (
                conn.execute(
                    "UPDATE change_chunks SET lease_until = ? WHERE change_id = ? AND chunk = ?"
                    " AND generation = ? AND owner = ?",
                    (at.timestamp() + LEASE_S, chunk.change_id, chunk.chunk, chunk.generation,
                     this_process().key),
                ).rowcount
            )
        )  # fmt: skip
        return changed == 1

    def rows(self, chunk: Chunk) -> list[JournalRow]:
        return self._journal.open_rows_between(chunk.change_id, chunk.first_id, chunk.last_id)

    def complete(self, chunk: Chunk) -> bool:
        def done(conn: sqlite3.Connection) -> int:
            counts = _range_counts(conn, chunk.change_id, chunk.first_id, chunk.last_id)
            return int(
                conn.execute(
                    f"UPDATE change_chunks SET state = 'done', lease_until = NULL, {_KEEP_COUNTS}"
                    " WHERE change_id = ? AND chunk = ? AND generation = ? AND owner = ?",
                    (*_count_values(counts), chunk.change_id, chunk.chunk, chunk.generation,
                     this_process().key),
                ).rowcount
            )  # fmt: skip

        return self._journal.write(done) == 1

    def left(self, change_id: int) -> int:
        found = self._journal.query(
            "SELECT (SELECT COUNT(*) FROM change_chunks WHERE change_id = ? AND state <> 'done')"
            " + (SELECT COUNT(*) FROM change_plans WHERE change_id = ? AND NOT complete)",
            [change_id, change_id],
        )
        return int(str(found[0][0])) if found else 0

    def counts(self, change_id: int) -> Counts:
        return self._journal.counts([change_id])[change_id]

    def recount(self, change_id: int) -> None:
        """Every chunk of a change that is over (closed, or rows settled by recovery since)
        keeps its rows' counts afresh, and is done."""

        def again(conn: sqlite3.Connection) -> None:
            chunks = conn.execute(
                "SELECT chunk, first_id, last_id FROM change_chunks WHERE change_id = ?",
                (change_id,),
            ).fetchall()
            for number, first, last in chunks:
                counts = _range_counts(conn, change_id, first, last)
                conn.execute(
                    f"UPDATE change_chunks SET state = 'done', lease_until = NULL, {_KEEP_COUNTS}"
                    " WHERE change_id = ? AND chunk = ?",
                    (*_count_values(counts), change_id, number),
                )

        self._journal.write(again)

    def requester_waiting(self, change_id: int, at: datetime) -> bool:
        return True  # one process: the request is the worker and closes its change

    def finish_once(
        self, change_id: int, outcome: str, detail: str, undoes: int | None, at: datetime
    ) -> bool:
        def update(conn: sqlite3.Connection) -> bool:
            closed = conn.execute(
                "UPDATE audit SET outcome = ?, detail = ?, undoes = COALESCE(?, undoes)"
                " WHERE id = ? AND outcome = 'running'",
                (outcome, detail, undoes, change_id),
            ).rowcount
            if not closed:
                return False
            if undoes is not None:
                conn.execute("UPDATE audit SET undone_by = ? WHERE id = ?", (change_id, undoes))
            conn.execute("DELETE FROM change_leases WHERE change_id = ?", (change_id,))
            return True

        result: bool = self._journal.write(update)
        return result


def _range_counts(conn: sqlite3.Connection, change_id: int, first: int, last: int) -> Counts:
    found = conn.execute(
        "SELECT state, COUNT(*) FROM journal WHERE change_id = ? AND id BETWEEN ? AND ?"
        " GROUP BY state",
        (change_id, first, last),
    ).fetchall()
    return Counts({str(state): int(n) for state, n in found})


use_chunks(CHUNK_ROWS, run_chunked, run_planned)
