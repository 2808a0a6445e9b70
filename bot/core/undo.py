"""Undo my last change: put back what the audit log says was there before."""

from __future__ import annotations

from bot.clients.models import StationPreference
from bot.core import commands as c
from bot.core.audit import AuditEntry, Change, outcome_of
from bot.core.context import Ctx
from bot.core.errors import describe_error
from bot.core.hierarchy import delete, rename
from bot.core.profiles import PROFILE_UNDO_COMMANDS, undo_profile_change
from bot.core.replies import Reply, ReplyKind, Table
from bot.core.stations import station_name


async def undo(ctx: Ctx) -> Reply:
    entry = ctx.s.audit.last_undoable(ctx.msg.user)
    if entry is None or entry.command == "Undo":
        return Reply(
            headline="There is nothing of yours to undo.",
            notes=["Only your own changes can be undone."],
        )
    if entry.command == "DeleteUnit":
        return Reply(
            headline=f"Your last change (\u201c{entry.text}\u201d) was a delete, which cannot be undone.",
            kind=ReplyKind.REFUSAL,
            notes=["Add the item again with `add …`."],
        )
    if ctx.preview:
        return Reply(
            headline=f"Preview: undo would revert \u201c{entry.text}\u201d ({len(entry.changes)} changes). Nothing was changed."
        )
    if entry.command == "SetStation":
        return await _undo_stations(ctx, entry)
    if entry.command in ("RenameUnit", "AddUnit"):
        return await _undo_hierarchy(ctx, entry)
    if entry.command in PROFILE_UNDO_COMMANDS:
        return await undo_profile_change(ctx, entry)
    return Reply(headline=f"\u201c{entry.text}\u201d cannot be undone.", kind=ReplyKind.REFUSAL)


async def _undo_stations(ctx: Ctx, entry: AuditEntry) -> Reply:
    applied = [ch for ch in entry.changes if ch.ok and ch.before != ch.after]
    restorable = [ch for ch in applied if ch.before is not None]
    blank = [ch for ch in applied if ch.before is None]

    async def restore(ch: Change) -> Change:
        before = StationPreference.model_validate(ch.before)
        request_id = await ctx.s.asp.set_default_station(
            ch.unit_id, before, deadline=ctx.s.deadline
        )
        return Change(
            "station",
            ch.unit_id,
            ch.unit_name,
            ch.property_name,
            ch.after,
            ch.before,
            request_id=request_id if isinstance(request_id, str) else None,
        )

    outcome = await ctx.bulk(restorable, restore)
    changes = [ch for _o, ch in outcome.done] + [
        Change(
            "station", o.unit_id, o.unit_name, o.property_name, o.after, o.before, ok=False, error=e
        )
        for o, e in outcome.failed
    ]
    result = outcome_of(len(outcome.done), len(outcome.failed))
    ctx.audit(
        result,
        targets=[ch.unit_id for ch in changes],
        changes=changes,
        undoes=entry.id,
        command="Undo",
    )
    notes = []
    if blank:
        names = ", ".join(f"{ch.unit_name} ({ch.property_name})" for ch in blank[:10])
        notes.append(
            f"{len(blank)} room(s) had no station before ({names}); Amazon has no way to clear a "
            "station, so they keep the new one. Set another station if needed."
        )
    if not applied:
        return Reply(
            headline=f"\u201c{entry.text}\u201d changed nothing, so there is nothing to undo."
        )
    if len(restorable) == 1 and not outcome.failed:
        ch = outcome.done[0][1]
        return Reply(
            headline=f"Undone: room {ch.unit_name} at {ch.property_name} is back on {station_name(ctx, ch.after)}.",
            kind=ReplyKind.SUCCESS,
            public=True,
            notes=notes,
        )
    rows = [[o.unit_name, o.property_name, e] for o, e in outcome.failed[:40]]
    return Reply(
        headline=f"Undone: {len(outcome.done)} of {len(restorable)} rooms put back"
        + (f"; {len(outcome.failed)} failed." if outcome.failed else "."),
        kind=ReplyKind.SUMMARY if outcome.failed else ReplyKind.SUCCESS,
        public=bool(outcome.done),
        notes=notes,
        table=Table(columns=["Room", "Property", "Why"], rows=rows) if rows else None,
    )


async def _undo_hierarchy(ctx: Ctx, entry: AuditEntry) -> Reply:
    ch = entry.changes[0]
    level = c.Level((ch.after or ch.before)["level"])
    try:
        if entry.command == "RenameUnit":
            await rename(ctx, level, ch.unit_id, ch.before["name"])
            done = f"renamed {level.value} {ch.after['name']} back to {ch.before['name']}"
        else:
            await delete(ctx, level, ch.unit_id)
            done = f"removed the {level.value} {ch.unit_name} that was just added"
    except Exception as error:
        ctx.audit("failed", targets=[ch.unit_id], detail=describe_error(error), command="Undo")
        return Reply(
            headline=f"Couldn't undo \u201c{entry.text}\u201d: {describe_error(error)}",
            kind=ReplyKind.ERROR,
        )
    back = Change(
        "rename" if entry.command == "RenameUnit" else "delete",
        ch.unit_id,
        ch.unit_name,
        ch.property_name,
        ch.after,
        ch.before,
    )
    ctx.audit("ok", targets=[ch.unit_id], changes=[back], undoes=entry.id, command="Undo")
    return Reply(headline=f"Undone: {done}.", kind=ReplyKind.SUCCESS, public=True)
