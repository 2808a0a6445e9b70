"""Bulk changes in chunks: a large change's journal rows are split into chunks any worker claims.

A change over more than `CHUNK_ROWS` writes is queued in the journal as always (one row per write,
committed before anything is sent), then split into chunks of about `CHUNK_ROWS` rows (a range of
the change's journal ids). A chunk is claimed with a lease (owner, `lease_until`, generation +1),
like a change's lease (bot/core/leases.py): the request that made the change works its chunks, and
with replicas on PostgreSQL every replica's worker (`work_chunks`, every second) claims the queued
ones too (`FOR UPDATE SKIP LOCKED`), so the rooms are shared out and a dead worker's chunk is taken
over once its lease expires. Per room it is read-before / write / settle exactly as `run_change`
does (`settle_one`); a chunk taken over first reads back its uncertain rooms (pending, not
confirmed), so a room the dead worker did write is settled as applied and never written twice.
Writes of a chunk are fenced by its owner (a worker that stalled past its lease records nothing).

Progress and the end of a change read counts (journal rows by state, chunks not done), never all
rows. The change is closed once: by its request when it is still waiting for it (that reply is the
summary), else by the worker that completes the last chunk, which leaves the summary as a notice
for the author (posted by the recovery sweep, bot/core/recovery.py `deliver`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Protocol

from bot.clients.retry import background
from bot.core.audit import UNCHANGED_OUTCOME, outcome_of
from bot.core.bulk import run_bulk
from bot.core.errors import describe_error
from bot.core.journal import APPLIED, DONE_STATES, PENDING, UNCHANGED, UNKNOWN, JournalRow
from bot.core.leases import LEASE_S, RENEW_EVERY_S, this_process
from bot.core.services import Services
from bot.core.unit_writes import (
    ProgressFn,
    UnitCheck,
    WriteScope,
    settle_one,
    use_chunks,
    verdict,
    writer_for,
)

log = logging.getLogger("bot.chunks")

# Replicas share Amazon's rate budget (it is per account): at most CHUNK_SLOTS chunks run at once
# across all replicas, each with 1/CHUNK_SLOTS of `bulk_concurrency`, so N replicas never send more
# at once than one process would (the 429 rule would otherwise stretch the run past the bound).
CHUNK_SLOTS: Final = 2
CHUNK_ROWS: Final = 200  # writes per chunk (about 200 rooms: a station change is one write a room)
POLL_S: Final = 0.5  # how often a waiting request looks whether other workers finished its chunks

QUEUED_CHUNK, RUNNING_CHUNK, DONE_CHUNK = "queued", "running", "done"


@dataclass(frozen=True)
class Chunk:
    change_id: int
    chunk: int
    first_id: int
    last_id: int
    generation: int
    taken_over: bool  # claimed from a worker whose lease expired


@dataclass(frozen=True)
class Counts:
    """A change's journal rows by state: what progress and the outcome are made of."""

    by_state: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_state.values())

    @property
    def ok(self) -> int:
        return sum(self.by_state.get(state, 0) for state in DONE_STATES)

    @property
    def settled(self) -> int:
        return self.total - sum(self.by_state.get(s, 0) for s in ("queued", PENDING, UNKNOWN))

    @property
    def applied(self) -> int:
        return self.by_state.get(APPLIED, 0)

    def outcome(self) -> str:
        if self.total and self.by_state.get(UNCHANGED, 0) == self.total:
            return UNCHANGED_OUTCOME
        return outcome_of(self.ok, self.total - self.ok)


class ChunkStore(Protocol):
    @property
    def slots(self) -> int: ...  # chunks that may run at once (across replicas)
    def split(self, change_id: int, row_ids: Sequence[int], size: int) -> int: ...
    def claim(self, at: datetime, change_id: int | None = None) -> Chunk | None: ...
    def renew(self, chunk: Chunk, at: datetime) -> bool: ...
    def rows(self, chunk: Chunk) -> list[JournalRow]: ...
    def complete(self, chunk: Chunk) -> bool: ...
    def left(self, change_id: int) -> int: ...
    def counts(self, change_id: int) -> Counts: ...
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
) -> list[JournalRow]:
    """The request's side of a chunked change: split it, work its chunks (other workers may take
    some), wait for the rest, close it once and return its rows (the reply's summary)."""
    services = ctx.s
    store = chunk_store(services)
    store.split(change_id, [row.id for row in rows], CHUNK_ROWS)

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
            if store.left(change_id) == 0:
                return
            interval = services.config.bot.progress_interval_seconds
            if reports and services.clock.monotonic() - last_report[0] >= interval:
                last_report[0] = services.clock.monotonic()
                await report(0, 0, 0)
            await asyncio.sleep(POLL_S)

    # one chunk at a time here; the workers of every replica (this one's too) fill the other
    # slots of the shared budget
    await lane(True)
    counts = store.counts(change_id)
    undid = counts.applied > 0 or counts.ok == counts.total
    store.finish_once(
        change_id, counts.outcome(), detail, undoes if undid else None, services.clock.now()
    )
    return services.journal.rows(change_id)


async def work_chunks(services: Services, *, limit: int = 1000) -> int:
    """A replica's worker: claim and write chunks of any running change until none is left
    (at most `limit`); returns how many it completed."""
    store = chunk_store(services)
    scope = WorkerScope(services)
    done = 0
    with background():
        for _ in range(limit):
            chunk = store.claim(services.clock.now())
            if chunk is None:
                break
            if await run_chunk(scope, store, chunk):
                done += 1
                _close_if_last(services, store, chunk.change_id)
    return done


def _close_if_last(services: Services, store: ChunkStore, change_id: int) -> None:
    """After the last chunk: close the change, unless its request still waits for it (then that
    request closes it and its reply is the summary). The author is told once, by a notice."""
    now = services.clock.now()
    if store.left(change_id) or store.requester_waiting(change_id, now):
        return
    counts = store.counts(change_id)
    undid = counts.applied > 0 or counts.ok == counts.total
    entry = services.audit.get(change_id)
    if entry is None:
        return
    undoes = entry.undoes if undid else None
    if not store.finish_once(change_id, counts.outcome(), "", undoes, now):
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


# --- SQLite (one process: the request is the one worker) ------------------------------------


class SqliteChunks:
    """Chunks in the bot's SQLite file; statements run through the journal's retrying writer."""

    slots = 1  # one process: its request runs the chunks one after the other, at full concurrency

    def __init__(self, journal: object) -> None:
        from bot.core.journal import SqliteJournal

        assert isinstance(journal, SqliteJournal)
        self._journal = journal

    def split(self, change_id: int, row_ids: Sequence[int], size: int) -> int:
        parts = split_ids(row_ids, size)

        def insert(conn: sqlite3.Connection) -> None:
            conn.executemany(
                "INSERT INTO change_chunks (change_id, chunk, first_id, last_id, rows)"
                " VALUES (?, ?, ?, ?, ?)",
                [(change_id, n, *part) for n, part in enumerate(parts)],
            )

        self._journal.write(insert)
        return len(parts)

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
        changed: int = self._journal.write(
            lambda conn: (
                conn.execute(
                    "UPDATE change_chunks SET state = 'done', lease_until = NULL"
                    " WHERE change_id = ? AND chunk = ? AND generation = ? AND owner = ?",
                    (chunk.change_id, chunk.chunk, chunk.generation, this_process().key),
                ).rowcount
            )
        )
        return changed == 1

    def left(self, change_id: int) -> int:
        found = self._journal.write(
            lambda conn: conn.execute(
                "SELECT COUNT(*) FROM change_chunks WHERE change_id = ? AND state <> 'done'",
                (change_id,),
            ).fetchone()
        )
        return int(found[0]) if found else 0

    def counts(self, change_id: int) -> Counts:
        found = self._journal.write(
            lambda conn: conn.execute(
                "SELECT state, COUNT(*) FROM journal WHERE change_id = ? GROUP BY state",
                (change_id,),
            ).fetchall()
        )
        return Counts({str(state): int(n) for state, n in found})

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


use_chunks(CHUNK_ROWS, run_chunked)
