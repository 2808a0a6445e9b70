"""A `yes` for a question another replica asked (confirmations as data, BOT_DATABASE_URL).

The replica that asked parked the run in its memory; this one has only the row: who asked, where,
the request and the summary it was shown. The request is handled again here, as its author, which
parks the same question locally; when it says exactly what the author was shown, that run goes
ahead (as the answer's derived run: its delivery id and progress); when anything changed (rooms
renamed or removed, a role revoked), the author gets the new question or answer instead of a
change they did not see.
"""

from __future__ import annotations

from typing import Protocol

from bot.core.access.context import Ctx, Message, ProgressSink
from bot.core.access.pending import Pending
from bot.core.access.services import Services
from bot.core.shared.replies import Reply, ReplyKind


class Answering(Protocol):
    """The engine answering (bot.core.conversation.engine.Engine), as this module uses it."""

    s: Services

    async def _handle(self, msg: Message, progress: ProgressSink | None) -> Reply: ...


async def confirm_elsewhere(engine: Answering, ctx: Ctx, asked: Pending) -> Reply:
    """`engine` is the bot.core.conversation.engine.Engine answering; `asked` the remote Pending, taken."""
    extra = asked.extra
    thread = extra.get("thread")
    request = Message(
        text=str(extra.get("request") or asked.text),
        user=asked.user,
        channel=asked.channel,
        platform=str(extra.get("platform") or ctx.msg.platform),
        thread=thread if isinstance(thread, str) else None,
    )
    # Inside this turn already (the answer's): the engine's inner handler, not `handle`.
    again: Reply = await engine._handle(request, ctx.progress)
    if again.kind != ReplyKind.CONFIRM or again.ref is None:
        return again
    rebuilt = engine.s.pending.get(again.ref)
    if rebuilt is None or rebuilt.summary != asked.summary:
        return again  # not what they were shown: ask again
    engine.s.pending.pop(rebuilt.token)
    owner = rebuilt.owner
    if isinstance(owner, Ctx):
        owner.delivery_id = ctx.delivery_id
        owner.progress = ctx.progress
    result: Reply = await rebuilt.run()
    return result
