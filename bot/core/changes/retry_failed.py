"""`retry failed`: re-run, from the change journal, the writes of a change that were not applied.

The change is the one a button names (`retry failed 000042`) or the user's latest in this
conversation with writes not applied. Working from the journal (not from memory) means it survives a
restart; every unit is read before it is written again, so nothing is ever applied twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.access.access_checks import not_theirs
from bot.core.access.context import Ctx
from bot.core.changes.lineage import retry_refusal, role_to_retry, write_refusal
from bot.core.changes.unit_writes import WRITABLE_KINDS
from bot.core.ledger.audit import AuditEntry
from bot.core.ledger.journal import DONE_STATES
from bot.core.shared.replies import Reply, ReplyKind

if TYPE_CHECKING:
    from bot.core.shared.registry import Retrier


async def retry_failed(ctx: Ctx) -> Reply:
    token = getattr(ctx.command, "token", None)
    found = _named(ctx, token) if token else _latest(ctx)
    if isinstance(found, Reply):
        return found
    rows = ctx.s.journal.rows(found.id)
    left = [r for r in rows if r.state not in DONE_STATES]
    if not left:
        return Reply(headline="There are no failed rooms of yours to retry.")
    if any(r.kind not in WRITABLE_KINDS for r in rows):
        return Reply(
            headline=f"\u201c{found.text}\u201d cannot be retried this way; send it again."
        )
    # The change named is the one retried, and only while it is still the one to act on: not
    # undone, not overwritten since, and by someone who may still write there.
    stale = retry_refusal(ctx, found, sorted({r.unit_id for r in left}))
    if stale is not None:
        return stale
    refused = write_refusal(ctx, found, role_to_retry(ctx, found), "retry")
    if refused is not None:
        return refused
    retry = _retrier(found)
    assert retry is not None  # _latest and _named return only retryable changes
    return await retry(ctx, found, rows)


def _retrier(entry: AuditEntry) -> Retrier | None:
    """How the change's command re-runs its failed rooms (its registry entry's `retry`), or None
    when it cannot be retried this way."""
    from bot.core.shared.registry import entry_named  # the registry's entries import the handlers

    registered = entry_named(entry.command)  # the audit's stable command name
    return registered.retry if registered is not None else None


def _latest(ctx: Ctx) -> AuditEntry | Reply:
    entry = ctx.s.audit.last_with_failures(ctx.msg.user, ctx.msg.channel)
    if entry is None or _retrier(entry) is None:
        return Reply(headline="There are no failed rooms of yours to retry.")
    if _retried(ctx, entry):
        return Reply(headline="There are no failed rooms of yours to retry.")
    return entry


def _named(ctx: Ctx, token: str) -> AuditEntry | Reply:
    entry = ctx.s.audit.get(int(token)) if token.isdigit() else None
    if entry is None or _retrier(entry) is None:
        return Reply(headline=f"I have no change {token} with rooms to retry.")
    if not_theirs(ctx, entry):  # the access policy: the owner, or an admin of its properties
        return Reply(
            headline="This isn't yours: only the person who made a change (or an admin) can retry it.",
            kind=ReplyKind.REFUSAL,
        )
    if not entry.finished:
        return Reply(headline=f"\u201c{entry.text}\u201d is still running; retry it when it ends.")
    if _retried(ctx, entry):
        return Reply(headline="Its failed rooms were already retried; nothing more to do.")
    return entry


def _retried(ctx: Ctx, entry: AuditEntry) -> bool:
    """Whether a later run already retried this change (a second press is a no-op)."""
    return ctx.s.audit.retried(entry.id)
