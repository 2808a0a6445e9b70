"""Clearing alarms, reminders and timers; per-device failures are reported by device."""

from __future__ import annotations

from dataclasses import replace

from bot.core import commands as c
from bot.core.audit import Change, outcome_of
from bot.core.canonical import command_text
from bot.core.context import Ctx
from bot.core.replies import Action, ActionKind, Reply, ReplyKind, Table
from bot.core.services import RetryState
from bot.core.text import plural
from bot.index.lookup import RoomRef

_DEVICE_CODES = {
    "DEVICE_NOT_REACHABLE": "device offline or unreachable",
    "DEVICE_UNREACHABLE": "device offline or unreachable",
    "INTERNAL_SERVER_ERROR": "unexpected error at Amazon",
}


def _kinds_text(kinds: tuple[c.AlertKind, ...]) -> str:
    words = [k.value for k in kinds]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


async def clear_alerts(ctx: Ctx, command: c.ClearAlerts) -> Reply:
    resolved = await ctx.resolver.rooms(
        command.target, lambda t: command_text(replace(command, target=t))
    )
    if isinstance(resolved, Reply):
        return resolved
    what = _kinds_text(command.kinds)
    if ctx.preview:
        ctx.audit(
            "preview", targets=[r.room_id for r in resolved.rooms], detail=f"would clear {what}"
        )
        return Reply(
            headline=f"Preview: this would delete all {what} on every device of {resolved.label}. Nothing was changed.",
            table=Table(
                columns=["Room", "Property"],
                rows=[[r.room_name, r.property_name] for r in resolved.rooms[:40]],
            ),
        )

    async def run() -> Reply:
        return await _run(ctx, command, resolved.rooms, what, resolved.label)

    # Reminders are the guests' own: clearing them always asks first, even in one room.
    if len(resolved.rooms) > 1 or c.AlertKind.REMINDERS in command.kinds or resolved.missing:
        gap = f"Rooms {', '.join(resolved.missing[:10])} don't exist; " if resolved.missing else ""
        return ctx.confirm(
            gap
            + f"Delete all {what} on every device of {resolved.label} ({plural(len(resolved.rooms), 'room')})? "
            "Guests lose them and this cannot be undone.",
            run,
            danger=True,
        )
    return await run()


async def _run(
    ctx: Ctx,
    command: c.ClearAlerts,
    rooms: list[RoomRef],
    what: str,
    label: str,
    kinds_of: dict[str, tuple[c.AlertKind, ...]] | None = None,
) -> Reply:
    """Clear `command.kinds` in every room (or, on a retry, each room's `kinds_of` only)."""

    def kinds(room: RoomRef) -> tuple[c.AlertKind, ...]:
        return command.kinds if kinds_of is None else kinds_of.get(room.room_id, command.kinds)

    async def one(room: RoomRef) -> list[Change]:
        changes = []
        for kind in kinds(room):
            delete = getattr(ctx.s.asp, f"delete_{kind.value}")
            result = await delete(room.room_id, deadline=ctx.s.deadline)
            problems = [
                f"a device: {_DEVICE_CODES.get(f.code or '', 'failed')}" for f in result.failures
            ]
            if not result.ok and not problems:
                problems = [f"HTTP {result.status}"]
            changes.append(
                Change(
                    kind.value,
                    room.room_id,
                    room.room_name,
                    room.property_name,
                    None,
                    "cleared",
                    ok=result.ok,
                    error="; ".join(problems) or None,
                    request_id=result.request_id,
                )
            )
        return changes

    outcome = await ctx.bulk(rooms, one)
    changes = [ch for _room, chs in outcome.done for ch in chs]
    changes += [
        Change("alerts", r.room_id, r.room_name, r.property_name, None, None, ok=False, error=e)
        for r, e in outcome.failed
    ]
    failed = [ch for ch in changes if not ch.ok]
    result = outcome_of(len(changes) - len(failed), len(failed))
    ctx.audit(result, targets=[r.room_id for r in rooms], changes=changes, command="ClearAlerts")
    if not failed:
        return Reply(
            headline=f"Done: cleared all {what} in {label}.", kind=ReplyKind.SUCCESS, public=True
        )
    retry_kinds = _failed_kinds(failed, {r.room_id: kinds(r) for r in rooms})
    by_id = {r.room_id: r for r in rooms}

    async def rerun(room_ids: list[str]) -> Reply:
        """`retry failed`: only the rooms, and in each only the kinds, that failed."""
        again = [by_id[i] for i in room_ids if i in by_id]
        names = {k for i in room_ids for k in retry_kinds.get(i, ())}
        again_what = _kinds_text(tuple(k for k in c.AlertKind if k in names))
        again_label = f"{len(again)} room{'s' if len(again) != 1 else ''} that failed"
        return await _run(ctx, command, again, again_what, again_label, retry_kinds)

    ctx.s.retries[ctx.msg.user] = RetryState(ctx.msg.text, rerun, list(retry_kinds))
    rows = [[ch.unit_name, ch.property_name, ch.kind, ch.error or ""] for ch in failed[:40]]
    return Reply(
        headline=f"Cleared {what} in {len(rooms) - len({ch.unit_id for ch in failed})} of {plural(len(rooms), 'room')}; "
        "some devices failed (below). Check those devices are online, then try again.",
        kind=ReplyKind.SUMMARY,
        public=True,
        table=Table(columns=["Room", "Property", "What", "Failed devices"], rows=rows),
        actions=[Action(kind=ActionKind.RETRY_FAILED, label="Try again", value="retry failed")],
    )


def _failed_kinds(
    failed: list[Change], tried: dict[str, tuple[c.AlertKind, ...]]
) -> dict[str, tuple[c.AlertKind, ...]]:
    """Per failed room, the kinds to clear again (all that were tried when the room failed whole)."""
    out: dict[str, tuple[c.AlertKind, ...]] = {}
    for ch in failed:
        kinds = (
            tried.get(ch.unit_id, tuple(c.AlertKind))
            if ch.kind not in {k.value for k in c.AlertKind}
            else (c.AlertKind(ch.kind),)
        )
        merged = set(out.get(ch.unit_id, ())) | set(kinds)
        out[ch.unit_id] = tuple(k for k in c.AlertKind if k in merged)
    return out
