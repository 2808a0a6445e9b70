"""The access policy (bot.core.access.access) applied where the engine answers on its own: confirmations
answered by someone else than the person who asked, and the entries of `recent changes`.

An admin may confirm or cancel anyone's request at the properties they administer (a chain admin,
anyone's); typing `yes` without a change id answers the one request waiting in this conversation
that the admin may answer. Both people are named in the audit: the change is logged as the
requester's, and a "confirmed" entry in the admin's name says whose request it confirmed.
"""

from __future__ import annotations

from bot.core.access.access import CommandKind, PropertyLike, properties_named
from bot.core.access.context import Ctx
from bot.core.access.pending import Pending
from bot.core.ledger.audit import AuditEntry, Headline
from bot.core.shared.replies import Reply, ReplyKind

# `recent changes` of a user limited to some properties reads this many entries per one shown
_AUDIT_READ_FACTOR = 10


def pending_targets(pending: Pending) -> tuple[PropertyLike, ...]:
    """The properties a parked request was checked against (none known: a chain-wide request)."""
    owner = pending.owner
    if isinstance(owner, Ctx):
        return tuple(owner.resolver.checked.values())
    return ()


def answer_refusal(ctx: Ctx, pending: Pending) -> Reply | None:
    """A refusal when this user may not answer `pending` (someone else's, outside their scope)."""
    why = ctx.s.access.change_refusal(
        ctx.msg.user,
        pending.user,
        pending_targets(pending),
        channel=ctx.msg.channel,
        kind=CommandKind.ANSWER,
    )
    if why is None:
        return None
    ctx.audit("refused", detail=f"confirmation {pending.token} belongs to {pending.user}")
    return Reply(headline=why, kind=ReplyKind.REFUSAL)


def others_waiting(ctx: Ctx, now_waiting: list[Pending]) -> list[Pending]:
    """When nothing of the user's own waits: the requests of others in this conversation that the
    user (an admin there) may answer, oldest first. Only in a named channel: a conversation of no
    channel (the console, a direct message) is one person's."""
    if now_waiting or ctx.msg.channel is None:
        return now_waiting
    return [
        p
        for p in ctx.s.pending.waiting_in(ctx.msg.channel)
        if p.user != ctx.msg.user
        and ctx.s.access.change_refusal(
            ctx.msg.user,
            p.user,
            pending_targets(p),
            channel=ctx.msg.channel,
            kind=CommandKind.ANSWER,
        )
        is None
    ]


def note_confirmed_for(ctx: Ctx, pending: Pending) -> None:
    """An admin confirming someone else's request: an audit entry in the admin's name says whose."""
    if pending.user != ctx.msg.user:
        ctx.audit(
            "confirmed",
            detail=f"confirmed {pending.user}'s request: {pending.summary}",
            command="Confirm",
        )


def visible_entries(ctx: Ctx, limit: int) -> list[Headline]:
    """The last `limit` audit entries this user may see: all for a chain-wide role; for a role at
    some properties, the entries whose changes are all at properties they may see (the request
    text may name the rooms and hotels it changed). Their changes are counted, never read."""
    access, user, needed = ctx.s.access, ctx.msg.user, ctx.needed or ctx.role
    if not access.limited(user, needed):
        return ctx.s.audit.headlines(limit)
    known = ctx.s.index.properties()
    shown = [
        headline
        for headline in ctx.s.audit.headlines(limit * _AUDIT_READ_FACTOR)
        if headline.changed + headline.unchanged
        and access.sees_entry(user, needed, properties_named(headline.properties, known))
    ]
    return shown[:limit]


def not_theirs(ctx: Ctx, entry: AuditEntry) -> bool:
    """Whether this user may not undo or retry `entry`: neither whose change it was nor an admin
    of every property it changed (a chain admin for a change of no property)."""
    targets = properties_named((ch.property_name for ch in entry.changes), ctx.s.index.properties())
    why = ctx.s.access.change_refusal(ctx.msg.user, entry.user, targets, channel=ctx.msg.channel)
    return why is not None
