"""What the room-profile and object-type commands share: plain refusals and failures, and one way
to send a change to Amazon with its audit entry, which is what `undo` reads back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TypeVar

from bot.clients.errors import ApiError, InvalidInput
from bot.core.audit import Change
from bot.core.context import Ctx
from bot.core.errors import describe_error
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
    """Await `send` and write the audit entry either way: `done(answer)` (the Change as Amazon
    made it, with its request id) when it worked, `tried` marked failed when it did not. The
    error is returned rather than raised so each command can word its own answer."""
    try:
        answer = await send
    except ApiError as error:
        detail = describe_error(error)
        ctx.audit(
            "failed",
            targets=[tried.unit_id],
            changes=[replace(tried, ok=False, error=detail)],
            detail=detail,
            command=command,
        )
        return error
    change = done(answer)
    ctx.audit("ok", targets=[change.unit_id], changes=[change], undoes=undoes, command=command)
    return change
