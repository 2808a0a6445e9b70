"""Undo my last change: put back what the audit log says was there before."""

from __future__ import annotations

import re

from bot.core.access.access_checks import not_theirs
from bot.core.access.context import Ctx
from bot.core.changes import hierarchy_writes
from bot.core.changes.lineage import role_to_undo, write_refusal
from bot.core.changes.profile_changes import Sent
from bot.core.changes.unit_writes import (
    WRITABLE_KINDS,
    StationWriter,
    drop_queued,
    queue_change,
    run_change,
    station_name,
)
from bot.core.ledger.audit import UNCHANGED_OUTCOME, AuditEntry, Change
from bot.core.ledger.journal import APPLIED, DONE_STATES, UNKNOWN, JournalRow, Planned, Settled
from bot.core.shared import commands as c
from bot.core.shared.errors import describe_error
from bot.core.shared.replies import Reply, ReplyKind, Table, change_token, retry_action, undo_action
from bot.core.understanding.text import plural
from bot.json_types import text_at


async def undo(ctx: Ctx) -> Reply:
    token = getattr(ctx.command, "token", None)
    room = getattr(ctx.command, "room", None)
    if room and not token:
        touched = _last_touching(ctx, room)
        if isinstance(touched, Reply):
            return touched
        token = str(touched.id)
    if token:
        found = _named_change(ctx, token)
        if isinstance(found, Reply):
            return found
        if found.id != int(token):  # the named change's undo was interrupted: finish that one
            return await finish_undo(ctx, found)
        entry: AuditEntry | None = found
    else:
        unfinished = _unfinished_undo(ctx)
        if unfinished is not None:
            return await finish_undo(ctx, unfinished)
        entry = ctx.s.audit.last_undoable(ctx.msg.user, ctx.msg.channel, anywhere=False)
        latest = ctx.s.audit.last_own_change(ctx.msg.user, ctx.msg.channel)
        if latest is not None and (entry is None or latest.id > entry.id) and not ctx.preview:
            cannot = _cannot_undo(latest)
            if cannot is not None:
                return _with_earlier(cannot, entry)
    if entry is None or entry.command == "Undo":
        return Reply(
            headline="There is nothing of yours to undo here.",
            notes=["Only your own changes can be undone, in the conversation where you made them."],
        )
    from bot.core.shared.registry import entry_named  # the registry's entries import this module

    registered = entry_named(entry.command)  # the audit's stable command name
    if registered is not None and registered.undo_refusal is not None:
        return Reply(
            headline=f"Your last change (\u201c{entry.text}\u201d) was {registered.undo_refusal}.",
            kind=ReplyKind.REFUSAL,
            notes=["Add the item again with `add …`."],
        )
    if ctx.preview:
        return Reply(
            headline=f"Preview: undo would revert \u201c{entry.text}\u201d ({plural(len(entry.changes), 'change')}). Nothing was changed."
        )
    refused = write_refusal(ctx, entry, role_to_undo(entry), "undo")
    if refused is not None:
        return refused
    if registered is not None and registered.undo is not None:
        return await registered.undo(ctx, entry)
    if (cannot := _cannot_undo(entry)) is not None:
        return cannot
    return Reply(headline=f"\u201c{entry.text}\u201d cannot be undone.", kind=ReplyKind.REFUSAL)


def _cannot_undo(entry: AuditEntry) -> Reply | None:
    """Why the user's latest change cannot be undone, plainly: a clearing of alarms, reminders
    or timers (Amazon has no way to restore them), or a change that changed nothing."""
    from bot.core.shared.registry import entry_named  # the registry's entries import this module

    registered = entry_named(entry.command)
    deleted = {ch.kind for ch in entry.changes if ch.ok and ch.kind in _ALERT_ORDER}
    if registered is not None and not registered.undoable and deleted:
        kinds = sorted(deleted, key=_ALERT_ORDER.index)
        what = ", ".join(kinds[:-1]) + " and " + kinds[-1] if len(kinds) > 1 else "".join(kinds)
        return Reply(
            headline=f"Your last change, \u201c{entry.text}\u201d, deleted {what}: they cannot "
            "be put back, because Amazon has no way to restore deleted alarms, reminders or "
            "timers. Nothing was changed.",
            kind=ReplyKind.REFUSAL,
            notes=["Guests can set them again on their Echo."],
        )
    if entry.outcome == UNCHANGED_OUTCOME:
        return Reply(
            headline=f"Your last change, \u201c{entry.text}\u201d, changed nothing (every room "
            "already had what was asked), so there is nothing to undo. Nothing was changed.",
            kind=ReplyKind.INFO,
        )
    return None


_ALERT_ORDER = ("alarms", "reminders", "timers")


def _with_earlier(reply: Reply, earlier: AuditEntry | None) -> Reply:
    """Say what could be undone instead, with a button that names it."""
    if earlier is None:
        return reply.model_copy(
            update={"notes": [*reply.notes, "There is no earlier change of yours here to undo."]}
        )
    return reply.model_copy(
        update={
            "notes": [
                *reply.notes,
                f"Your change before it, \u201c{earlier.text}\u201d, can be undone: "
                f"`undo {change_token(earlier.id)}`.",
            ],
            "actions": [*reply.actions, undo_action(earlier.id, "Undo that one")],
        }
    )


def _named_change(ctx: Ctx, token: str) -> AuditEntry | Reply:
    """The change a button (or `undo 000042`) names; a second press is a plain no-op."""
    entry = ctx.s.audit.get(int(token)) if token.isdigit() else None
    if entry is None:
        return Reply(headline=f"I have no change {token} to undo.")
    if not_theirs(ctx, entry):  # the access policy: the owner, or an admin of its properties
        return Reply(
            headline="This isn't yours: only the person who made a change (or an admin) can undo it.",
            kind=ReplyKind.REFUSAL,
        )
    if entry.undone_by is not None or ctx.s.audit.undos_of(entry.id):
        unfinished = _open_run(ctx, ctx.s.audit.undos_of(entry.id))
        if unfinished is not None:
            return unfinished  # its undo was interrupted: that undo is finished, not restarted
        return Reply(
            headline=f"\u201c{entry.text}\u201d was already undone; nothing more to do.",
        )
    if not entry.finished:
        return Reply(headline=f"\u201c{entry.text}\u201d is still running; undo it when it ends.")
    if entry.command == "Undo":
        return Reply(headline="That was an undo; to put it back, send the original request again.")
    if entry.outcome not in ("ok", "partial") or not any(ch.ok for ch in entry.changes):
        return Reply(
            headline=f"\u201c{entry.text}\u201d changed nothing, so there is nothing to undo."
        )
    return entry


async def _undo_stations(ctx: Ctx, entry: AuditEntry) -> Reply:
    applied = [ch for ch in entry.changes if ch.state == APPLIED]
    restorable = [ch for ch in applied if ch.before is not None]
    blank = [ch for ch in applied if ch.before is None]

    if not restorable:
        reply = _nothing_to_put_back(ctx, entry, applied, blank)
        original = ctx.s.audit.get(entry.derived_from) if entry.derived_from else None
        if original is not None and original.undone_by is None:
            # `retry failed` re-ran part of a request: the user means that request, so walk back
            # to its first run.
            earlier = await _undo_stations(ctx, original)
            extra = [_no_station_note(blank)] if blank else []
            return earlier.model_copy(update={"notes": [*earlier.notes, *extra]})
        return reply
    reader = StationWriter()

    async def now(ch: Change) -> object:
        return await reader.read(ctx.s.asp, ch.unit_id, ctx.s.deadline)

    # The undo is a change from its first step: opened and queued before the rooms are read, so a
    # kill while reading leaves an entry, a notice and an `undo` that finishes it.
    queued = queue_change(
        ctx, _planned(restorable), command="Undo", undoes=entry.id,
        targets=sorted({ch.unit_id for ch in restorable}),
    )  # fmt: skip
    try:
        current = await ctx.bulk(restorable, now)
    except BaseException:
        ctx.s.active_changes.discard(queued[0])
        raise
    changed = [ch for ch, value in current.done if value != ch.after]

    async def run() -> Reply:
        return await _restore(ctx, entry, restorable, blank)

    if not changed:
        return await _restore(ctx, entry, restorable, blank, queued=queued)
    drop_queued(ctx, queued, "asked first, because rooms were changed since")
    names = ", ".join(f"{ch.unit_name} ({ch.property_name})" for ch in changed[:10])
    more = f" \u2026and {len(changed) - 10} more" if len(changed) > 10 else ""
    return ctx.confirm(
        f"Someone changed {plural(len(changed), 'room')} since \u201c{entry.text}\u201d "
        f"({names}{more}). Put back what was there before anyway?",
        run,
        danger=False,
        notes=["The other rooms are as that change left them."],
    )


def _planned(restorable: list[Change]) -> list[Planned]:
    return [
        Planned(ch.unit_id, ch.unit_name, ch.property_name, "station", ch.before)
        for ch in restorable
    ]


async def _restore(
    ctx: Ctx,
    entry: AuditEntry,
    restorable: list[Change],
    blank: list[Change],
    *,
    queued: tuple[int, list[JournalRow]] | None = None,
) -> Reply:
    # a confirmed undo runs later: the user's grant is checked again at the moment of writing
    refused = write_refusal(ctx, entry, role_to_undo(entry), "undo")
    if refused is not None:
        if queued is not None:
            drop_queued(ctx, queued, "no longer allowed")
        return refused
    change_id, settled = await run_change(
        ctx, _planned(restorable), command="Undo", undoes=entry.id,
        detail=f"undo of change {entry.id:06d}", queued=queued,
    )  # fmt: skip
    return _restored_reply(ctx, entry, change_id, settled, blank, len(restorable))


def _restored_reply(
    ctx: Ctx,
    entry: AuditEntry,
    change_id: int,
    settled: Settled,
    blank: list[Change],
    total: int,
) -> Reply:
    counts = settled.counts
    done, unsure = counts.ok, counts.unknown
    failed = counts.total - done - unsure
    notes = [_no_station_note(blank)] if blank else []
    shown = [[r.unit_name, r.property_name, r.error or ""] for r in settled.problems[:40]]
    table = Table(columns=["Room", "Property", "Why"], rows=shown) if shown else None
    if not done:
        return Reply(
            headline=f"Couldn't undo \u201c{entry.text}\u201d: none of the "
            f"{plural(total, 'room')} could be put back (below)."
            + (" Nothing was changed." if not unsure else ""),
            kind=ReplyKind.ERROR,
            notes=notes,
            table=table,
            actions=[retry_action(change_id)],
        )
    if total == 1 and settled.single is not None:
        ch = Change.of_row(settled.single)
        return Reply(
            headline=f"Undone: room {ch.unit_name} at {ch.property_name} is back on {station_name(ctx, ch.after)}.",
            kind=ReplyKind.SUCCESS,
            public=True,
            notes=notes,
        )
    problems = [
        *([f"{failed} failed"] if failed else []),
        *([f"{unsure} not confirmed"] if unsure else []),
    ]
    return Reply(
        headline=f"Undone: {done} of {plural(total, 'room')} put back"
        + (f"; {' and '.join(problems)}." if problems else "."),
        kind=ReplyKind.SUMMARY if problems else ReplyKind.SUCCESS,
        public=True,
        notes=notes,
        table=table,
        actions=[retry_action(change_id)] if problems else [],
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
    # the change before this one (not one made after it, when this one was named by its id)
    previous = ctx.s.audit.last_undoable(
        ctx.msg.user, ctx.msg.channel, anywhere=False, before=entry.id
    )
    if previous is not None:
        token = change_token(previous.id)
        notes.append(
            f"Your change before that was \u201c{previous.text}\u201d; send `undo {token}` to "
            "undo it."
        )
        actions.append(undo_action(previous.id, f"Undo the change before ({token})"))
    return Reply(headline=headline, notes=notes, actions=actions)


def _unfinished_undo(ctx: Ctx) -> AuditEntry | None:
    """The user's latest run here, when it is an undo that left rooms not put back (interrupted,
    or some rooms failed): a bare `undo` finishes it before it looks at anything earlier."""
    latest = ctx.s.audit.last_write(ctx.msg.user, ctx.msg.channel)
    if latest is None or latest.command != "Undo" or ctx.s.audit.retried(latest.id):
        return None
    return latest if _left(ctx, latest) else None


def _left(ctx: Ctx, run: AuditEntry) -> list[JournalRow]:
    return [r for r in ctx.s.journal.rows(run.id) if r.state not in DONE_STATES]


def _open_run(ctx: Ctx, undos: list[AuditEntry]) -> AuditEntry | None:
    """The last run of these undos (following their re-runs) when it left rooms not put back."""
    if not undos:
        return None
    run = undos[-1]
    while (rerun := ctx.s.audit.rerun_of(run.id)) is not None:
        run = rerun
    return run if run.finished and _left(ctx, run) else None


async def finish_undo(ctx: Ctx, run: AuditEntry) -> Reply:
    """Put back the rooms an interrupted (or partly failed) undo left: the same undo, finished,
    never an earlier change."""
    target = ctx.s.audit.get(run.undoes) if run.undoes is not None else None
    if target is None and run.derived_from is not None:
        first = ctx.s.audit.get(run.derived_from)
        target = ctx.s.audit.get(first.undoes) if first and first.undoes else None
    left = _left(ctx, run)
    if target is None or any(r.kind not in WRITABLE_KINDS for r in left):
        if target is not None and target.undone_by is None:
            return await _undo_again(ctx, target)
        return Reply(headline="There is nothing of yours to undo here.")
    refused = write_refusal(ctx, target, role_to_undo(target), "undo")
    if refused is not None:
        return refused
    planned = [Planned(r.unit_id, r.unit_name, r.property_name, r.kind, r.after) for r in left]
    change_id, settled = await run_change(
        ctx, planned, command="Undo", undoes=target.id, derived_from=run.id,
        detail=f"finishing undo {change_token(run.id)} of change {change_token(target.id)}",
    )  # fmt: skip
    reply = _restored_reply(ctx, target, change_id, settled, [], len(planned))
    return reply.model_copy(
        update={
            "headline": f"Finishing your undo of \u201c{target.text}\u201d: " + reply.headline,
        }
    )


async def _undo_again(ctx: Ctx, target: AuditEntry) -> Reply:
    from bot.core.shared.registry import entry_named

    registered = entry_named(target.command)
    if registered is None or registered.undo is None:
        return Reply(headline=f"\u201c{target.text}\u201d cannot be undone.")
    refused = write_refusal(ctx, target, role_to_undo(target), "undo")
    return refused or await registered.undo(ctx, target)


async def undo_rename(ctx: Ctx, entry: AuditEntry) -> Reply:
    """Rename back: journaled like any hierarchy write."""
    ch = entry.changes[0]
    level = c.Level(text_at(ch.after or ch.before, "level"))
    sent = await hierarchy_writes.rename(
        ctx, level, ch.unit_id, text_at(ch.after, "name"), text_at(ch.before, "name"),
        ch.property_name,
        command="Undo", undoes=entry.id,
    )  # fmt: skip
    return _undone(
        entry,
        sent,
        f"renamed {level.value} {text_at(ch.after, 'name')} back to {text_at(ch.before, 'name')}",
    )


async def undo_add(ctx: Ctx, entry: AuditEntry) -> Reply:
    """Remove what was just added: journaled like any hierarchy write."""
    ch = entry.changes[0]
    level = c.Level(text_at(ch.after or ch.before, "level"))
    sent = await hierarchy_writes.delete(
        ctx, level, ch.unit_id, ch.unit_name, ch.property_name, command="Undo", undoes=entry.id
    )
    return _undone(entry, sent, f"removed the {level.value} {ch.unit_name} that was just added")


def _undone(entry: AuditEntry, sent: Sent, done: str) -> Reply:
    if sent.change is None:
        why = describe_error(sent.error) if sent.error is not None else "no answer"
        unsure = " (not confirmed: Amazon's answer was lost)" if sent.state == UNKNOWN else ""
        return Reply(
            headline=f"Couldn't undo \u201c{entry.text}\u201d{unsure}: {why}",
            kind=ReplyKind.ERROR,
        )
    return Reply(headline=f"Undone: {done}.", kind=ReplyKind.SUCCESS, public=True)


# How each command is undone is named by its registry entry (its cmd_*.py module).
undo_stations = _undo_stations


# --- `undo 204`: the latest change of mine that touched a room (issue 17) ---------------------------


def _last_touching(ctx: Ctx, room: str) -> AuditEntry | Reply:
    """The user's most recent change in this conversation that changed `room` (any spelling the
    index folds together); a reply when there is none, when that change was already undone (never
    an older one instead), or when it changed other rooms too (asked, never undone whole)."""
    from bot.index.normalize import normalize_room_name

    wanted = normalize_room_name(room).replace("-", "").replace("_", "")

    def folded(name: str) -> str:
        return normalize_room_name(name).replace("-", "").replace("_", "")

    for entry in ctx.s.audit.entries(limit=500):
        if entry.user != ctx.msg.user or entry.channel != ctx.msg.channel:
            continue
        if entry.command in ("Undo", "Preview"):
            continue
        # only a change that really changed the room: "already on Pop" changed nothing to undo
        mine = [
            ch for ch in entry.changes if folded(ch.unit_name) == wanted and ch.state == APPLIED
        ]
        if not mine:
            continue
        if entry.undone_by is not None:
            return _already_undone(entry, mine[0].unit_name)
        others = sorted(
            {ch.unit_name for ch in entry.changes if ch.state == APPLIED} - {mine[0].unit_name}
        )
        if others:
            return _undo_all_or_one(ctx, entry, mine[0], others)
        return entry
    return Reply(
        headline=f"I find no change of yours to room {room} to undo here. Nothing was changed.",
        notes=["`undo` alone undoes your last change in this conversation."],
    )


def _already_undone(entry: AuditEntry, room: str) -> Reply:
    return Reply(
        headline=f"Your latest change to room {room}, \u201c{entry.text}\u201d, was already "
        "undone. Nothing was changed.",
    )


def _undo_all_or_one(ctx: Ctx, entry: AuditEntry, mine: Change, others: list[str]) -> Reply:
    """`undo 12B` when the change also set 12A and 14A: what each choice would do, and a button
    for the whole change; only that room is set back by the request the note spells out."""
    total = len(others) + 1
    listed = ", ".join(others[:-1]) + f" and {others[-1]}" if len(others) > 1 else others[0]
    notes = [f"To undo all {total} rooms, send `undo {change_token(entry.id)}`."]
    before = station_name(ctx, mine.before) if mine.before is not None else None
    if before:
        notes.append(
            f"To put back only room {mine.unit_name}, send "
            f"`set {mine.unit_name} at {mine.property_name} to {before}`."
        )
    else:
        notes.append(
            f"Room {mine.unit_name} had no station before it, so it alone cannot be put back."
        )
    return Reply(
        headline=f"\u201c{entry.text}\u201d also set {listed}: undo all {total} rooms, or only "
        f"room {mine.unit_name}? Nothing was changed yet.",
        notes=notes,
        actions=[undo_action(entry.id, f"Undo all {total}")],
    )
