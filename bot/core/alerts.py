"""Clearing alarms, reminders and timers; per-device failures are reported by device."""

from __future__ import annotations

from dataclasses import replace

from bot.core import commands as c
from bot.core.audit import Change, outcome_of
from bot.core.canonical import command_text
from bot.core.context import Ctx
from bot.core.replies import Action, ActionKind, Reply, ReplyKind, Table
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

    if len(resolved.rooms) > 1:
        return ctx.confirm(
            f"Delete all {what} on every device of {resolved.label} ({len(resolved.rooms)} rooms)? "
            "Guests lose them and this cannot be undone.",
            run,
            danger=True,
        )
    return await run()


async def _run(
    ctx: Ctx, command: c.ClearAlerts, rooms: list[RoomRef], what: str, label: str
) -> Reply:
    async def one(room: RoomRef) -> list[Change]:
        changes = []
        for kind in command.kinds:
            delete = getattr(ctx.s.asp, f"delete_{kind.value}")
            result = await delete(room.room_id, deadline=ctx.s.deadline)
            problems = [
                f"{f.endpointId or 'a device'}: {_DEVICE_CODES.get(f.code or '', f.code or 'failed')}"
                for f in result.failures
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
    rows = [[ch.unit_name, ch.property_name, ch.kind, ch.error or ""] for ch in failed[:40]]
    return Reply(
        headline=f"Cleared {what} in {len(rooms) - len({ch.unit_id for ch in failed})} of {len(rooms)} rooms; "
        "some devices failed (below). Check those devices are online, then try again.",
        kind=ReplyKind.SUMMARY,
        public=True,
        table=Table(columns=["Room", "Property", "What", "Failed devices"], rows=rows),
        actions=[Action(kind=ActionKind.CHOICE, label="Try again", value=command_text(command))],
    )
