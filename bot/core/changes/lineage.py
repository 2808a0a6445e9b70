"""Undo and retry as changes of their own: which change a command acts on, whether it still may.

An undo is a change whose target is a change id (`audit.undoes`); a retry is a change derived from
the one it re-runs (`audit.derived_from`). Before either writes, this module answers two questions
against what is true *now*, not when the first change was made:

- may this user still write there? (their current grant and role at each property the change
  touched; an undo of an add is a delete, so it needs the role a delete needs);
- is the change still the one to act on? (not undone, not being undone, not overwritten since).
"""

from __future__ import annotations

from bot.core.access.context import Ctx
from bot.core.ledger.audit import AuditEntry
from bot.core.shared.commands import Role
from bot.core.shared.replies import Reply, ReplyKind


def role_to_undo(entry: AuditEntry) -> Role:
    """The role an undo of this change needs: that of the command the undo amounts to (the
    registry entry's `undone_as`: an add is undone by a delete)."""
    from bot.core.shared.registry import (  # the registry's entries import the handlers
        entry_for,
        entry_named,
    )

    registered = entry_named(entry.command)
    undone_as = registered.undone_as if registered is not None else None
    if undone_as is not None:
        amounts_to = entry_for(undone_as)
        return amounts_to.role if amounts_to is not None else Role.FRONT_DESK
    return _role_of(entry.command)


def role_to_retry(ctx: Ctx, entry: AuditEntry) -> Role:
    """The role a retry needs: that of the change it re-runs (for an undo, of what it undid)."""
    if entry.command == "Undo" and entry.undoes is not None:
        undone = ctx.s.audit.get(entry.undoes)
        if undone is not None:
            return role_to_undo(undone)
    return _role_of(entry.command)


def _role_of(command: str) -> Role:
    from bot.core.shared.registry import entry_named  # the registry's entries import the handlers

    registered = entry_named(command)
    return registered.role if registered is not None else Role.FRONT_DESK


def write_refusal(ctx: Ctx, entry: AuditEntry, needed: Role, verb: str) -> Reply | None:
    """A refusal when the user may not, today, write where `entry` wrote (grant revoked, role
    lowered, channel bound to another property); None when they may. Checked at the moment of
    writing: an undo, a retry, a confirmation or a button press long after the change."""
    user, access = ctx.msg.user, ctx.s.access
    role = access.role_of(user)
    if role is None or not role.allows(needed):
        why = (
            f"Sorry, to {verb} \u201c{entry.text}\u201d you need the "
            f"{needed.value.replace('_', ' ')} role"
            + (f"; you are {role.value.replace('_', ' ')}" if role is not None else "")
            + ". Nothing was changed."
        )
        return _refused(ctx, entry, why)
    names = {ch.property_name for ch in entry.changes if ch.property_name}
    known = {p.name: p for p in ctx.s.index.properties()}
    props = [known[name] for name in sorted(names) if name in known]
    # a change of no property (room profiles, users, a property itself) needs a chain-wide role
    unplaced = bool(names - set(known)) or not names
    why_not = access.refusal(user, ctx.msg.channel, needed, props)
    if why_not is None and unplaced:
        why_not = access.chain_refusal(user, needed)
    if why_not is None:
        return None
    return _refused(ctx, entry, f"{why_not} Nothing was changed.")


def _refused(ctx: Ctx, entry: AuditEntry, why: str) -> Reply:
    ctx.audit("refused", detail=f"no longer allowed on change {entry.id:06d}")
    return Reply(headline=why, kind=ReplyKind.REFUSAL)


def retry_refusal(ctx: Ctx, entry: AuditEntry, failed_units: list[str]) -> Reply | None:
    """Why the failed rooms of `entry` must not be retried now: it was undone (or an undo of it
    was started), or a later change wrote to those rooms since. None when retrying is right."""
    token = f"{entry.id:06d}"
    undos = ctx.s.audit.undos_of(entry.id)
    if entry.undone_by is not None or undos:
        undo = entry.undone_by or undos[-1].id
        return Reply(
            headline=f"\u201c{entry.text}\u201d ({token}) was undone (change {undo:06d}), so its "
            "failed rooms are not retried: that would bring back what you took back. "
            "Nothing was changed.",
            kind=ReplyKind.REFUSAL,
            notes=["Send the request again if you want it after all."],
        )
    later = ctx.s.audit.later_writes(entry.id, failed_units)
    if later:
        newer = later[-1]
        return Reply(
            headline=f"The rooms that failed in \u201c{entry.text}\u201d ({token}) were changed "
            f"again since, by \u201c{newer.text}\u201d ({newer.id:06d}); retrying would "
            "overwrite that. Nothing was changed.",
            kind=ReplyKind.REFUSAL,
            notes=["Send the request again if you still want it."],
        )
    return None
