"""Undo my last change: put back what the audit log says was there before."""

from __future__ import annotations

import re

from bot.clients.models import StationPreference
from bot.core import commands as c
from bot.core.audit import AuditEntry, Change, outcome_of
from bot.core.context import Ctx
from bot.core.errors import describe_error
from bot.core.hierarchy import delete, rename
from bot.core.replies import Action, ActionKind, Reply, ReplyKind, Table
from bot.core.stations import station_name
from bot.core.text import plural


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
            headline=f"Preview: undo would revert \u201c{entry.text}\u201d ({plural(len(entry.changes), 'change')}). Nothing was changed."
        )
    from bot.core.registry import entry_named  # the registry's entries import this module

    registered = entry_named(entry.command)
    if registered is not None and registered.undo is not None:
        return await registered.undo(ctx, entry)
    return Reply(headline=f"\u201c{entry.text}\u201d cannot be undone.", kind=ReplyKind.REFUSAL)


async def undo_stations(ctx: Ctx, entry: AuditEntry) -> Reply:
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

    if not restorable:
        reply = _nothing_to_put_back(ctx, entry, applied, blank)
        previous = ctx.s.audit.last_undoable(ctx.msg.user)
        if previous is not None and (previous.command, previous.text) == (
            entry.command,
            entry.text,
        ):
            # `retry failed` is audited as another run of the same request: the user means that
            # request, so walk back to its first run.
            earlier = await undo_stations(ctx, previous)
            extra = [_no_station_note(blank)] if blank else []
            return earlier.model_copy(update={"notes": [*earlier.notes, *extra]})
        return reply
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
        undoes=entry.id if outcome.done else None,
        command="Undo",
    )
    notes = [_no_station_note(blank)] if blank else []
    rows = [[o.unit_name, o.property_name, e] for o, e in outcome.failed[:40]]
    table = Table(columns=["Room", "Property", "Why"], rows=rows) if rows else None
    if not outcome.done:
        return Reply(
            headline=f"Couldn't undo \u201c{entry.text}\u201d: none of the "
            f"{plural(len(restorable), 'room')} could be put back (below). Nothing was changed.",
            kind=ReplyKind.ERROR,
            notes=notes,
            table=table,
        )
    if len(restorable) == 1:
        ch = outcome.done[0][1]
        return Reply(
            headline=f"Undone: room {ch.unit_name} at {ch.property_name} is back on {station_name(ctx, ch.after)}.",
            kind=ReplyKind.SUCCESS,
            public=True,
            notes=notes,
        )
    return Reply(
        headline=f"Undone: {len(outcome.done)} of {plural(len(restorable), 'room')} put back"
        + (f"; {len(outcome.failed)} failed." if outcome.failed else "."),
        kind=ReplyKind.SUMMARY if outcome.failed else ReplyKind.SUCCESS,
        public=True,
        notes=notes,
        table=table,
    )


_MAX_NAMED = 10


def _natural(name: str) -> list[tuple[int, int | str]]:
    """Sort key that puts room 99 before room 100."""
    return [
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", name) if part
    ]


def _no_station_note(blank: list[Change]) -> str:
    """Which rooms had no station before (sorted, at most _MAX_NAMED named) and why they keep theirs."""
    ordered = sorted(blank, key=lambda ch: (ch.property_name, _natural(ch.unit_name)))
    one_property = len({ch.property_name for ch in blank}) == 1
    names = [
        ch.unit_name if one_property else f"{ch.unit_name} ({ch.property_name})" for ch in ordered
    ]
    shown = ", ".join(names[:_MAX_NAMED])
    if len(names) > _MAX_NAMED:
        shown += f" \u2026and {len(names) - _MAX_NAMED} more"
    were = "it had" if len(blank) == 1 else "they had"
    at = f" at {blank[0].property_name}" if one_property else ""
    return (
        f"{plural(len(blank), 'room')}{at} ({shown}): {were} no station before, and Amazon has no way "
        "to clear a station, so the new one stays. Set another station if needed."
    )


def _nothing_to_put_back(
    ctx: Ctx, entry: AuditEntry, applied: list[Change], blank: list[Change]
) -> Reply:
    """An undo that can restore nothing says so plainly (no "Undone"), and steps past that change
    so that the next `undo` walks back to the change before it."""
    ctx.audit("ok", detail="nothing to put back", undoes=entry.id, command="Undo")
    if applied:
        headline = (
            f"Nothing to undo in \u201c{entry.text}\u201d: "
            + (
                f"room {blank[0].unit_name} at {blank[0].property_name} had no station before it"
                if len(blank) == 1
                else f"the {plural(len(blank), 'room')} it changed had no station before it"
            )
            + ", and Amazon has no way to clear a station. Nothing was changed."
        )
        notes = [_no_station_note(blank)] if len(blank) > 1 else []
    else:
        headline = f"\u201c{entry.text}\u201d changed nothing, so there is nothing to undo."
        notes = []
    actions = []
    previous = ctx.s.audit.last_undoable(ctx.msg.user)
    if previous is not None:
        notes.append(
            f"Your change before that was \u201c{previous.text}\u201d; send `undo` again to undo it."
        )
        actions.append(Action(kind=ActionKind.UNDO, label="Undo the change before", value="undo"))
    return Reply(headline=headline, notes=notes, actions=actions)


async def undo_hierarchy(ctx: Ctx, entry: AuditEntry) -> Reply:
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
