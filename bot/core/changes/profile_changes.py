"""What the room-profile and object-type commands share: plain refusals and failures, and one way
to send a change to Amazon with its audit entry, which is what `undo` reads back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from bot.clients.errors import ApiError, InvalidInput, may_have_applied
from bot.core.access.context import Ctx
from bot.core.ledger.audit import Change
from bot.core.ledger.journal import APPLIED, FAILED, REFUSED, UNKNOWN, Planned
from bot.core.shared.errors import describe_error
from bot.core.shared.replies import Action, ActionKind, Reply, ReplyKind

T = TypeVar("T")

NOTHING = "Nothing was changed."


def failed(what: str, error: BaseException) -> Reply:
    return Reply(headline=f"Couldn't {what}: {describe_error(error)}", kind=ReplyKind.ERROR)


def refused(error: InvalidInput) -> Reply:
    """A value rejected before anything was sent; the client's message names what is allowed."""
    return Reply(
        headline=f"{error.message[0].upper()}{error.message[1:]}. {NOTHING}", kind=ReplyKind.ERROR
    )


def undoable(headline: str, fields: list[tuple[str, str]], change_id: int | None) -> Reply:
    """The public answer to a change that `undo` can take back; its button names the change
    (`undo 000042`), so a press undoes that change and no other."""
    actions = (
        [Action(kind=ActionKind.UNDO, label="Undo", value=f"undo {change_id:06d}")]
        if change_id is not None
        else []
    )
    return Reply(
        headline=headline, kind=ReplyKind.SUCCESS, public=True, fields=fields, actions=actions
    )


async def send_audited(
    ctx: Ctx,
    command: str,
    tried: Change,
    send: Awaitable[T],
    done: Callable[[T], Change],
    *,
    undoes: int | None = None,
) -> Change | ApiError:
    """Journal the write before `send` goes out, then await it and settle it: `done(answer)` (the
    Change as Amazon made it, with its request id) when it worked; refused, failed or not
    confirmed (the answer lost after it was sent) when it did not. The error is returned rather
    than raised so each command can word its own answer."""
    sent = await send_journaled(ctx, command, tried, send, done, undoes=undoes)
    if sent.change is not None:
        return sent.change
    assert sent.error is not None
    return sent.error


# How a write whose answer was lost looks at Amazon now: the Change as applied, None when it was
# not applied; raising when Amazon cannot be read either.
ReadBack = Callable[[ApiError], Awaitable[Change | None]]


@dataclass(frozen=True)
class Sent:
    """One journaled write, settled: `change` when applied (as Amazon made it), else `error`."""

    change_id: int
    state: str
    change: Change | None = None
    error: ApiError | None = None


async def send_journaled(
    ctx: Ctx,
    command: str,
    tried: Change,
    send: Awaitable[T],
    done: Callable[[T], Change],
    *,
    undoes: int | None = None,
    read_back: ReadBack | None = None,
    uncertain: Callable[[ApiError], bool] = may_have_applied,
) -> Sent:
    """`send_audited`, telling the settled state. With `read_back`, an answer that leaves the
    outcome `uncertain` (lost, a 5xx after sending) is resolved by reading Amazon before the
    reply: applied, not applied, or "not confirmed" (unknown) when even that fails."""
    journal, now = ctx.s.journal, ctx.s.clock.now
    targets = [tried.unit_id] if tried.unit_id else []  # a unit to be created has no id yet
    change_id = ctx.open_change(command=command, targets=targets, undoes=undoes)
    try:
        planned = Planned(
            tried.unit_id, tried.unit_name, tried.property_name, tried.kind, tried.after,
            tried.before, True,
        )  # fmt: skip
        [row] = journal.queue(change_id, ctx.author(command), [planned], now())
        row = journal.begin(row, tried.before, now())
        change: Change | None
        try:
            change = done(await send)
        except ApiError as error:
            change, state = await _resolve(error, read_back, uncertain)
            if change is None:
                detail = describe_error(error)
                journal.settle(row, state, now(), error=detail, request_id=error.request_id)
                ctx.finish_change(change_id, "failed", detail=detail)
                return Sent(change_id, state, error=error)
        row = journal.amend(row, unit_id=change.unit_id, before=change.before, after=change.after)
        journal.settle(row, APPLIED, now(), request_id=change.request_id)
        ctx.finish_change(change_id, "ok", undoes=undoes)
        return Sent(change_id, APPLIED, change=change)
    finally:
        ctx.s.active_changes.discard(change_id)


async def _resolve(
    error: ApiError, read_back: ReadBack | None, uncertain: Callable[[ApiError], bool]
) -> tuple[Change | None, str]:
    """What a failed send really did: (the change, applied) when reading back shows it applied."""
    if read_back is None or not uncertain(error):
        return None, _failure_state(error)
    try:
        seen = await read_back(error)
    except Exception:
        return None, UNKNOWN
    if seen is None:
        return None, FAILED
    return replace(seen, request_id=seen.request_id or error.request_id), APPLIED


def _failure_state(error: ApiError) -> str:
    if may_have_applied(error):
        return UNKNOWN
    return REFUSED if error.status is not None and 400 <= error.status < 500 else FAILED
