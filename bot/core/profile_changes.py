"""What the room-profile and object-type commands share: plain refusals and failures, and one way
to send a change to Amazon with its audit entry, which is what `undo` reads back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.clients.errors import ApiError, InvalidInput, may_have_applied
from bot.core.audit import Change
from bot.core.context import Ctx
from bot.core.errors import describe_error
from bot.core.journal import APPLIED, FAILED, REFUSED, UNKNOWN, Planned
from bot.core.replies import Action, ActionKind, Reply, ReplyKind

T = TypeVar("T")

NOTHING = "Nothing was changed."


def failed(what: str, error: BaseException) -> Reply:
    return Reply(headline=f"Couldn't {what}: {describe_error(error)}", kind=ReplyKind.ERROR)


def refused(error: InvalidInput) -> Reply:
    """A value rejected before anything was sent; the client's message names what is allowed."""
    return Reply(
        headline=f"{error.message[0].upper()}{error.message[1:]}. {NOTHING}", kind=ReplyKind.ERROR
    )


def undoable(headline: str, fields: list[tuple[str, str]]) -> Reply:
    """The public answer to a change that `undo` can take back."""
    return Reply(
        headline=headline,
        kind=ReplyKind.SUCCESS,
        public=True,
        fields=fields,
        actions=[Action(kind=ActionKind.UNDO, label="Undo", value="undo")],
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
    journal, now = ctx.s.journal, ctx.s.clock.now
    change_id = ctx.open_change(command=command, targets=[tried.unit_id], undoes=undoes)
    try:
        planned = Planned(
            tried.unit_id, tried.unit_name, tried.property_name, tried.kind, tried.after,
            tried.before, True,
        )  # fmt: skip
        [row] = journal.queue(change_id, ctx.author(command), [planned], now())
        row = journal.begin(row, tried.before, now())
        try:
            answer = await send
        except ApiError as error:
            detail = describe_error(error)
            journal.settle(
                row, _failure_state(error), now(), error=detail, request_id=error.request_id
            )
            ctx.finish_change(change_id, "failed", detail=detail)
            return error
        change = done(answer)
        row = journal.amend(row, unit_id=change.unit_id, before=change.before, after=change.after)
        journal.settle(row, APPLIED, now(), request_id=change.request_id)
        ctx.finish_change(change_id, "ok", undoes=undoes)
        return change
    finally:
        ctx.s.active_changes.discard(change_id)


def _failure_state(error: ApiError) -> str:
    if may_have_applied(error):
        return UNKNOWN
    return REFUSED if error.status is not None and 400 <= error.status < 500 else FAILED
