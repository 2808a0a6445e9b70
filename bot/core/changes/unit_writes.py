"""Writing to units through the change journal: check the unit, read before, record, write, settle.

Every change to rooms (stations, alerts, their retries and undos) runs through `run_change`:

1. the change is opened in the audit log ("running") and all its writes are queued in the journal;
2. rooms renamed or removed at Amazon since the last sync are found before anything is written;
3. per room: the current value is read (never write without knowing what to put back), the row is
   committed as pending, the request is sent, and the row is settled: applied, unchanged, refused
   (Amazon's reason) or, when the answer is lost, late or a 5xx, whatever reading back shows —
   "unknown" (not confirmed) only when even that fails;
4. the change is closed with its outcome.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from bot.clients.errors import (
    ApiError,
    BadRequest,
    Forbidden,
    InvalidInput,
    NotFound,
    Throttled,
    Unauthorized,
)
from bot.clients.models import StationPreference
from bot.clients.retry import Throttling, background
from bot.core.access.context import Ctx
from bot.core.access.services import Services
from bot.core.changes.device_names import device_names
from bot.core.ledger.audit import outcome_of_rows
from bot.core.ledger.journal import (
    APPLIED,
    FAILED,
    REFUSED,
    UNCHANGED,
    UNKNOWN,
    Author,
    JournalRow,
    Planned,
    Settled,
)
from bot.core.ledger.plans import Plan, ScopePlan
from bot.core.shared.errors import describe_error
from bot.core.shared.ports import AspPort
from bot.core.shared.replies import Reply, ReplyKind
from bot.json_types import JsonData, JsonValue, as_object, thaw

# Answers that mean Amazon did not apply the write and said why.
REFUSALS = (BadRequest, Forbidden, NotFound, Unauthorized, InvalidInput)

DEVICE_CODES = {
    "DEVICE_NOT_REACHABLE": "device offline or unreachable",
    "DEVICE_UNREACHABLE": "device offline or unreachable",
    "INTERNAL_SERVER_ERROR": "unexpected error at Amazon",
}


@dataclass(frozen=True)
class Written:
    request_id: str | None
    problem: str | None = None  # Amazon answered, and not everything was done (per-device errors)


class WriteScope(Protocol):
    """What writing a room needs: the services, and the writes' deadline (a request's Ctx, or a
    chunk worker's scope, bot/core/changes/chunks.py)."""

    @property
    def s(self) -> Services: ...
    @property
    def write_deadline(self) -> float | None: ...


class UnitWriter(Protocol):
    readable: bool  # whether the value can be read back (stations yes; alerts have no read API)

    async def read(self, asp: AspPort, unit_id: str, deadline: float | None) -> JsonValue: ...
    async def write(
        self, asp: AspPort, unit_id: str, value: JsonValue, deadline: float | None
    ) -> Written: ...


class StationWriter:
    readable = True

    async def read(self, asp: AspPort, unit_id: str, deadline: float | None) -> JsonValue:
        pref = await asp.get_default_station(unit_id, deadline=deadline)
        return as_object(pref.model_dump()) if pref is not None else None

    async def write(
        self, asp: AspPort, unit_id: str, value: JsonValue, deadline: float | None
    ) -> Written:
        request_id = await asp.set_default_station(
            unit_id, StationPreference.model_validate(value), deadline=deadline
        )
        return Written(request_id if isinstance(request_id, str) else None)


NamesFn = Callable[[Sequence[str]], dict[str, str]]
ALERT_KINDS = ("alarms", "reminders", "timers")


class AlertsWriter:
    """Deleting all alarms, reminders or timers of a unit: idempotent, no read API."""

    readable = False

    def __init__(self, kind: str, names: NamesFn | None = None) -> None:
        if kind not in ALERT_KINDS:
            raise ValueError(f"unknown alert kind {kind!r}")
        self.kind = kind
        self.names = names  # endpoint id -> device name, from what the bot knows

    async def read(self, asp: AspPort, unit_id: str, deadline: float | None) -> JsonValue:
        return None

    async def write(
        self, asp: AspPort, unit_id: str, value: JsonValue, deadline: float | None
    ) -> Written:
        delete = {  # the explicit table of the client's deletes, by alert kind
            "alarms": asp.delete_alarms,
            "reminders": asp.delete_reminders,
            "timers": asp.delete_timers,
        }[self.kind]
        result = await delete(unit_id, deadline=deadline)
        if result.ok:
            return Written(result.request_id)
        failures = [
            (f.endpointId, DEVICE_CODES.get(f.code or "", "failed")) for f in result.failures
        ]
        named = self.names([e for e, _ in failures if e]) if self.names and failures else {}
        partial = result.status in (500, 504) and failures
        detail = devices_text(failures, named) or f"HTTP {result.status}"
        # A 500/504 that names devices is partial: the other devices of the room were cleared.
        return Written(result.request_id, f"not cleared on {detail}" if partial else detail)


def devices_text(failures: Sequence[tuple[str | None, str]], named: dict[str, str]) -> str:
    """Each failed device by its name and what went wrong; staff never see an endpoint id
    (issue 12), so a device the bot cannot name is "one device"."""
    parts = [f"{named[e]} ({why})" for e, why in failures if e in named]
    unnamed: dict[str, int] = {}
    for endpoint, why in failures:
        if endpoint not in named:
            unnamed[why] = unnamed.get(why, 0) + 1
    for why, count in unnamed.items():
        other = " other" if parts else ""
        devices = f"one{other} device" if count == 1 else f"{count}{other} devices"
        parts.append(f"{devices} ({why})")
    return " and ".join(parts) if len(parts) <= 2 else "; ".join(parts)


WRITABLE_KINDS = ("station", "alarms", "reminders", "timers")


def writer_for(kind: str, names: NamesFn | None = None) -> UnitWriter:
    """The writer of a journal row's kind (stations and alerts; other kinds are not re-sent)."""
    if kind == "station":
        return StationWriter()
    if kind in WRITABLE_KINDS:
        return AlertsWriter(kind, names)
    raise ValueError(f"no writer for {kind!r} changes")


ProgressFn = Callable[[int, int, int], Awaitable[None]]


SHOWN_PROBLEMS = 40  # rows of a reply's table of rooms that did not apply


class ChunkedRunner(Protocol):
    """bot/core/changes/chunks.py's run_chunked: a change queued whole, shared out in chunks."""

    async def __call__(
        self,
        ctx: WriteScope,
        change_id: int,
        rows: Sequence[JournalRow],
        progress: ProgressFn | None,
        *,
        undoes: int | None,
        detail: str,
    ) -> Settled: ...


class PlannedRunner(Protocol):
    """bot/core/changes/chunks.py's run_planned: a change over a scope, queued chunk by chunk as it runs."""

    async def __call__(
        self,
        ctx: WriteScope,
        change_id: int,
        plan: ScopePlan,
        author: Author,
        progress: ProgressFn | None,
        *,
        undoes: int | None,
        detail: str,
    ) -> Settled: ...


@dataclass(frozen=True)
class Chunked:
    rows: int  # a change with more writes than this is shared out in chunks
    run: ChunkedRunner
    run_planned: PlannedRunner


# Chunks build on this module, so they install themselves here (bot/core/changes/chunks.py, imported by the
# engine) rather than this module importing them (no import cycle). None: every change runs whole.
_CHUNKED: Chunked | None = None


def use_chunks(rows: int, run: ChunkedRunner, run_planned: PlannedRunner) -> None:
    global _CHUNKED
    _CHUNKED = Chunked(rows, run, run_planned)


async def run_change(
    ctx: Ctx,
    planned: Plan,
    *,
    command: str,
    targets: list[str] | None = None,
    progress: ProgressFn | None = None,
    undoes: int | None = None,
    derived_from: int | None = None,
    detail: str = "",
    queued: tuple[int, list[JournalRow]] | None = None,
) -> tuple[int, Settled]:
    """Open a change, queue its writes in the journal, run them, close it; returns its id and
    what it did (`Settled`: the reply's counts and the rows that did not apply).

    With `queued` (from `queue_change`), the change was opened earlier (an undo opens its change
    before it reads the rooms, so that a kill while reading leaves an entry and a notice).
    A `ScopePlan` over more than a chunk of writes is recorded by its scope and queued chunk by
    chunk as it runs (bot/core/changes/chunks.py); a smaller one is listed and runs as any change."""
    chunked = _CHUNKED
    if isinstance(planned, ScopePlan):
        if chunked is not None and queued is None and len(planned) > chunked.rows:
            return await _run_planned(ctx, chunked, planned, command, progress, undoes, detail)
        planned = planned.listed()
    if queued is None:
        queued = queue_change(
            ctx, planned, command=command, targets=targets, undoes=undoes,
            derived_from=derived_from,
        )  # fmt: skip
    change_id, rows = queued
    if (
        chunked is not None and len(rows) > chunked.rows
    ):  # shared out in chunks (bot/core/changes/chunks.py)
        try:
            with background(on_throttle=ThrottleNotice(ctx)):
                summary = await chunked.run(
                    ctx, change_id, rows, progress or ctx._room_progress, undoes=undoes,
                    detail=detail,
                )  # fmt: skip
            return change_id, summary
        finally:
            ctx.s.active_changes.discard(change_id)
    try:
        # The writes are background work: under throttling they follow seed 004's 429 rule to the
        # end (the journal makes that crash-safe), and the user hears at once why it is slow.
        with background(on_throttle=ThrottleNotice(ctx)):
            check = UnitCheck(ctx, [p.unit_id for p in planned])
            tally = RoomTally(ctx, rows)
            if progress is None and len(tally.left) < len(rows):
                progress = tally.report  # several writes per room: progress counts rooms

            async def one(row: JournalRow) -> JournalRow:
                return tally.settled(await settle_one(ctx, row, check))

            try:
                outcome = await ctx.bulk(rows, one, progress=progress)
            finally:
                check.close()
        by_id = {row.id: row for _queued, row in outcome.done}
        # settle_one never raises; a row only fails here when the journal itself could not be
        # written, and it stays open for recovery to settle.
        result = [by_id.get(row.id, row) for row in rows]
        # An undo counts as done once something was put back, or everything already was.
        undid = any(r.state == APPLIED for r in result) or all(r.ok for r in result)
        ctx.finish_change(
            change_id, outcome_of_rows(result), detail=detail, undoes=undoes if undid else None
        )
        return change_id, Settled.of_rows(result, SHOWN_PROBLEMS)
    finally:
        ctx.s.active_changes.discard(change_id)


async def _run_planned(
    ctx: Ctx,
    chunked: Chunked,
    plan: ScopePlan,
    command: str,
    progress: ProgressFn | None,
    undoes: int | None,
    detail: str,
) -> tuple[int, Settled]:
    """A change over a whole scope: its audit entry names the scope (never a million ids), and
    its rooms are queued chunk by chunk while it runs."""
    change_id = ctx.open_change(command=command, targets=plan.targets, undoes=undoes)
    try:
        with background(on_throttle=ThrottleNotice(ctx)):
            settled = await chunked.run_planned(
                ctx, change_id, plan, ctx.author(command), progress or ctx._room_progress,
                undoes=undoes, detail=detail,
            )  # fmt: skip
        return change_id, settled
    finally:
        ctx.s.active_changes.discard(change_id)


def queue_change(
    ctx: Ctx,
    planned: Sequence[Planned],
    *,
    command: str,
    targets: list[str] | None = None,
    undoes: int | None = None,
    derived_from: int | None = None,
) -> tuple[int, list[JournalRow]]:
    """Open a change ("running") and queue its writes, before anything is read or sent."""
    change_id = ctx.open_change(
        command=command,
        targets=targets if targets is not None else sorted({p.unit_id for p in planned}),
        undoes=undoes,
        derived_from=derived_from,
    )
    try:
        return change_id, ctx.s.journal.queue(
            change_id, ctx.author(command), planned, ctx.s.clock.now()
        )
    except BaseException:
        ctx.s.active_changes.discard(change_id)
        raise


def drop_queued(ctx: Ctx, queued: tuple[int, list[JournalRow]], why: str) -> None:
    """Close a queued change that will not run after all (the user is asked first): nothing was
    sent, so nothing is left open for recovery."""
    change_id, rows = queued
    try:
        for row in rows:
            ctx.s.journal.settle(row, FAILED, ctx.s.clock.now(), error=f"not sent: {why}")
        ctx.finish_change(change_id, "cancelled", detail=why)
    finally:
        ctx.s.active_changes.discard(change_id)


class RoomTally:
    """Progress by rooms when a change writes several things per room (a clear of alarms,
    reminders and timers is three writes): a room is done when its last write is settled."""

    def __init__(self, ctx: Ctx, rows: Sequence[JournalRow]) -> None:
        self._ctx = ctx
        self.left: dict[str, int] = {}
        for row in rows:
            self.left[row.unit_id] = self.left.get(row.unit_id, 0) + 1
        self._failed: set[str] = set()

    def settled(self, row: JournalRow) -> JournalRow:
        self.left[row.unit_id] -= 1
        if row.state in (FAILED, REFUSED):  # not confirmed is not failed
            self._failed.add(row.unit_id)
        return row

    async def report(self, _done: int, _failed: int, _total: int) -> None:
        finished = {unit for unit, left in self.left.items() if left == 0}
        failed = len(finished & self._failed)
        await self._ctx._room_progress(len(finished) - failed, failed, len(self.left))


class ThrottleNotice:
    """Tells the user, through the progress sink, that Amazon is throttling and the run goes on:
    at the first 429 of a run, then at most every `every_s` seconds."""

    def __init__(self, ctx: Ctx, every_s: float = 30.0) -> None:
        self._ctx = ctx
        self._every_s = every_s
        self._last: float | None = None

    async def __call__(self, event: Throttling) -> None:
        ctx = self._ctx
        ctx.throttled = True
        now = ctx.s.clock.monotonic()
        if ctx.progress is None or (self._last is not None and now - self._last < self._every_s):
            return
        self._last = now
        await ctx.progress(
            Reply(
                headline=f"Amazon is throttling our requests, so this is slower (next try in "
                f"{event.wait_s:g} s). The run continues, and I will post the result when it is done.",
                kind=ReplyKind.PROGRESS,
            )
        )


async def settle_one(ctx: WriteScope, row: JournalRow, check: UnitCheck) -> JournalRow:
    """Run one queued write to the end and record what is true; never raises for Amazon's sake."""
    journal, now = ctx.s.journal, ctx.s.clock.now
    devices = ctx.s.shared_sql or ctx.s.index.conn  # the device tables (PostgreSQL: shared)
    writer = writer_for(row.kind, names=lambda ids: device_names(devices, ids))
    read = asyncio.ensure_future(
        writer.read(ctx.s.asp, row.unit_id, ctx.write_deadline) if writer.readable else _none()
    )
    # a read nobody awaits (the room has a problem) must not log "exception never retrieved"
    read.add_done_callback(lambda done: done.cancelled() or done.exception())
    problem = await check.problem(row.unit_id)
    if problem:
        read.cancel()
        return journal.settle(row, FAILED, now(), error=problem)
    before = row.before
    if writer.readable:
        try:
            before = await read
        except Exception as error:
            return journal.settle(
                row, FAILED, now(),
                error=f"couldn't read the current value first, so nothing was written: {describe_error(error)}",
            )  # fmt: skip
        if before == row.after:
            return journal.settle(replace(row, before=before, before_read=True), UNCHANGED, now())
    row = journal.begin(row, before, now())
    try:
        written = await writer.write(ctx.s.asp, row.unit_id, thaw(row.after), ctx.write_deadline)
    except REFUSALS as error:
        return journal.settle(
            row, REFUSED, now(), error=describe_error(error), request_id=error.request_id
        )
    except Throttled as error:  # a 429 is an answer: nothing was done
        return journal.settle(row, FAILED, now(), error=describe_error(error))
    except Exception as error:
        return await _read_back(ctx, row, writer, error)
    if written.problem:
        return journal.settle(
            row, REFUSED, now(), error=written.problem, request_id=written.request_id
        )
    return journal.settle(row, APPLIED, now(), request_id=written.request_id)


async def _none() -> None:
    return None


async def _read_back(
    ctx: WriteScope, row: JournalRow, writer: UnitWriter, error: BaseException
) -> JournalRow:
    """No answer, a timeout or a 5xx: Amazon may have applied the write. Look, and record that."""
    journal, now = ctx.s.journal, ctx.s.clock.now
    request_id = error.request_id if isinstance(error, ApiError) else None
    why = describe_error(error)
    if not writer.readable:
        return journal.settle(
            row, UNKNOWN, now(), error=f"not confirmed: {why}", request_id=request_id
        )
    try:
        value = await writer.read(ctx.s.asp, row.unit_id, ctx.write_deadline)
    except Exception:
        return journal.settle(
            row, UNKNOWN, now(), error=f"not confirmed: {why}", request_id=request_id
        )
    state, detail = verdict(row, value, why)
    return journal.settle(row, state, now(), error=detail, request_id=request_id)


def verdict(row: JournalRow, value: JsonValue, why: str) -> tuple[str, str | None]:
    """The state of a write whose answer was lost, from the value read back afterwards."""
    if value == row.after:
        return APPLIED, None
    if value == row.before:
        return FAILED, why
    return FAILED, "someone else changed it in the meantime; it was not set"


class UnitCheck:
    """Rooms renamed or removed at Amazon since the last sync, found before anything is written.

    One paged list per room type (cheaper than a GET per room), all started at once when the run
    starts and awaited by each room just before its write, so the check overlaps the reads. A room
    type that cannot be listed is not held against its rooms (the write itself will say what is
    wrong)."""

    def __init__(self, ctx: WriteScope, unit_ids: Sequence[str]) -> None:
        self._ctx = ctx
        self._rooms = {u: room for u in dict.fromkeys(unit_ids) if (room := ctx.s.index.room(u))}
        self._lists: dict[str, asyncio.Task[dict[str, str] | None]] = {}
        for room in self._rooms.values():
            if room.room_type_id not in self._lists:
                self._lists[room.room_type_id] = asyncio.ensure_future(
                    self._names(room.room_type_id)
                )

    async def _names(self, room_type_id: str) -> dict[str, str] | None:
        try:
            live = await self._ctx.s.asp.list_rooms(room_type_id, deadline=self._ctx.s.deadline)
        except NotFound:
            live = []
        except Exception:
            return None
        return {r.id: r.name for r in live}

    async def problem(self, unit_id: str) -> str | None:
        room = self._rooms.get(unit_id)
        if room is None:
            return None
        names = await self._lists[room.room_type_id]
        if names is None:
            return None
        where = f"room {room.room_name} at {room.property_name}"
        if room.room_id not in names:
            return (
                f"{where} was removed at Amazon since the last sync; nothing was written "
                "to it. Run `sync` to refresh the room list."
            )
        if names[room.room_id] != room.room_name:
            return (
                f"{where} is now called {names[room.room_id]} at Amazon (renamed since the "
                "last sync); nothing was written to it. Run `sync`, then try again."
            )
        return None

    def close(self) -> None:
        for task in self._lists.values():
            task.cancel()


def station_name(ctx: Ctx, pref: StationPreference | JsonData, country: str | None = None) -> str:
    """A station preference (as the client reads it, or as the journal keeps it) as staff read it."""
    data = pref.model_dump() if isinstance(pref, StationPreference) else pref
    if not isinstance(data, Mapping):  # None: the room has no default station
        return "no station set"
    provider, station = str(data["providerId"]), str(data["stationId"])
    found = ctx.s.catalog.by_pair(provider, station, country)
    found = found or ctx.s.catalog.by_pair(provider, station)
    return (
        found.label if found else f"{data['providerId']} {data['stationId']} (not in the catalog)"
    )
