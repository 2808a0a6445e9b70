"""Clearing alarms, reminders and timers; per-device failures are reported by device."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.core.access.context import Ctx
from bot.core.changes.unit_writes import run_change
from bot.core.ledger.audit import AuditEntry, Change
from bot.core.ledger.journal import UNKNOWN, JournalRow, Planned, Settled
from bot.core.ledger.plans import Plan, RoomWrite, ScopePlan
from bot.core.shared import commands as c
from bot.core.shared.canonical import command_text
from bot.core.shared.replies import Reply, ReplyKind, Table, change_token, retry_action
from bot.core.understanding.text import plural
from bot.index.lookup import RoomRef


def _kinds_text(kinds: tuple[c.AlertKind, ...]) -> str:
    words = [k.value for k in kinds]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


async def clear_alerts(ctx: Ctx, command: c.ClearAlerts) -> Reply:
    resolved = await ctx.resolver.rooms(
        command.target, lambda t: command_text(replace(command, target=t))
    )
    if isinstance(resolved, Reply):
        return resolved
    if not resolved.rooms:  # an empty room type: nothing was cleared, so never "Done"
        return Reply(
            headline=f"There are no rooms in {resolved.label}; nothing to clear.",
            kind=ReplyKind.INFO,
        )
    what = _kinds_text(command.kinds)
    if ctx.preview:
        ctx.audit("preview", targets=resolved.targets(), detail=f"would clear {what}")
        return Reply(
            headline=f"Preview: this would delete all {what} on every device of {resolved.label}. Nothing was changed.",
            table=Table(
                columns=["Room", "Property"],
                rows=[[r.room_name, r.property_name] for r in resolved.rooms[:40]],
            ),
        )

    async def run() -> Reply:
        whole = resolved.whole
        planned: Plan
        if whole is not None and resolved.scope is not None:
            # a whole property or room type: planned by its scope, its rooms read as it runs
            writes = [RoomWrite(kind.value, "cleared") for kind in command.kinds]
            planned = ScopePlan.of(whole, writes, resolved.scope.name)
        else:
            planned = planned_clears(resolved.rooms, command.kinds)
        return await _run(ctx, planned, what, resolved.label)

    # Reminders are the guests' own: clearing them always asks first, even in one room.
    # A note (one alarm asked for, but only all can be cleared) always asks first too.
    asks = c.AlertKind.REMINDERS in command.kinds or resolved.missing or command.note
    notes = [command.note] if command.note else []
    if resolved.moved_from is not None:  # rooms of another property than the channel's: say so, ask
        there = resolved.rooms[0].property_name
        they = "It is" if len(resolved.rooms) == 1 else "They are"
        notes.insert(0, f"{they} at {there}, not at {resolved.moved_from.name}.")
    if len(resolved.rooms) > 1 or asks or resolved.moved_from is not None:
        gap = f"Rooms {', '.join(resolved.missing[:10])} don't exist; " if resolved.missing else ""
        return ctx.confirm(
            gap
            + f"Delete all {what} on every device of {resolved.label} ({plural(len(resolved.rooms), 'room')})? "
            "Guests lose them and this cannot be undone.",
            run,
            danger=True,
            notes=notes or None,
        )
    return await run()


def planned_clears(rooms: Sequence[RoomRef], kinds: tuple[c.AlertKind, ...]) -> list[Planned]:
    """One journal row per room and kind."""
    return [
        Planned(room.room_id, room.room_name, room.property_name, kind.value, "cleared")
        for room in rooms
        for kind in kinds
    ]


async def _run(
    ctx: Ctx, planned: Plan, what: str, label: str, *, derived_from: int | None = None
) -> Reply:
    """Clear each room's kinds through the journal."""
    change_id, settled = await run_change(
        ctx,
        planned,
        command="ClearAlerts",
        derived_from=derived_from,
        detail=f"retry of change {change_token(derived_from)}" if derived_from else "",
    )
    return alerts_reply(change_id, settled, what, label)


def alerts_reply(change_id: int, settled: Settled, what: str, label: str) -> Reply:
    """What staff read after a clear, by room, from what its journal rows add up to."""
    counts = settled.counts
    if counts.ok == counts.total:
        return Reply(
            headline=f"Done: cleared all {what} in {label}.", kind=ReplyKind.SUCCESS, public=True
        )
    # Not confirmed is not failed: Amazon's answer was lost and the alerts may well be gone.
    failed_rooms, unsure_rooms = settled.failed_units, settled.unsure_units
    cleared = settled.units - failed_rooms - unsure_rooms
    parts = []
    if failed_rooms:
        parts.append(
            f"{plural(failed_rooms, 'room')} not cleared on some devices (below): check "
            "those devices are online, then try again"
        )
    if unsure_rooms:
        parts.append(
            f"{plural(unsure_rooms, 'room')} not confirmed (below): Amazon's answer was "
            "lost, so say `retry failed` to clear them again (that is safe)"
        )
    rows_shown = [
        [r.unit_name, r.property_name, r.kind, _problem(Change.of_row(r))]
        for r in settled.problems[:40]
    ]
    return Reply(
        headline=f"Cleared {what} in {cleared} of {plural(settled.units, 'room')}; "
        + "; ".join(parts)
        + ".",
        kind=ReplyKind.SUMMARY,
        public=True,
        table=Table(columns=["Room", "Property", "What", "What went wrong"], rows=rows_shown),
        notes=[
            "Not confirmed means Amazon's answer was lost: the alerts may well be gone already, "
            "and trying again is safe."
        ]
        if counts.unknown
        else [],
        actions=[retry_action(change_id, "Try again")],
        ref=change_token(change_id),
    )


def _problem(change: Change) -> str:
    """A row of the table: a real failure as Amazon or the device caused it; a lost answer as
    "not confirmed", never as failed."""
    error = change.error or ""
    if change.state != UNKNOWN:
        return error or "not cleared"
    why = error.removeprefix("not confirmed").lstrip(": ")
    # Amazon cannot list a unit's alerts, so nothing can read back whether they are gone: only a
    # second delete (harmless if they are) makes sure.
    return "not confirmed: clear again to be sure" + (f"; {why}" if why else "")


async def retry_alerts(ctx: Ctx, entry: AuditEntry, rows: list[JournalRow]) -> Reply:
    """`retry failed`: only the rooms, and in each only the kinds, that were not cleared."""
    again = [
        Planned(r.unit_id, r.unit_name, r.property_name, r.kind, r.after) for r in rows if not r.ok
    ]
    kinds = {p.kind for p in again}
    what = _kinds_text(tuple(k for k in c.AlertKind if k.value in kinds))
    count = len({p.unit_id for p in again})
    label = f"{count} room{'s' if count != 1 else ''} that failed"
    return await _run(ctx, again, what, label, derived_from=entry.id)
