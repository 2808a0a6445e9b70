"""Replies to what is not a command: greetings, thanks, goodbyes and negations. Nothing changes."""

from __future__ import annotations

from bot.core import commands as c
from bot.core.context import Ctx
from bot.core.replies import Reply, ReplyKind

_REPLIES = {
    "greeting": "Hello! Tell me what a room needs, e.g. `jazz in 204` or `what's playing in 311`; "
    "`help` shows the rest.",
    "thanks": "You're welcome!",
    "bye": "Bye! I'm here whenever you need me.",
    "negation": "OK, I won't do that. Nothing was changed.",
}


async def small_talk(ctx: Ctx, command: c.SmallTalk) -> Reply:
    return Reply(headline=_REPLIES.get(command.kind, _REPLIES["greeting"]), kind=ReplyKind.INFO)
