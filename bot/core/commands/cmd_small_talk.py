"""Replies to what is not a command: greetings, thanks, goodbyes and negations. Nothing changes.

A whole command in one module (`cmd_*.py` modules register themselves; see bot/core/shared/registry.py): the
entity-first parser produces `SmallTalk` (bot/core/understanding/reading.py), this module answers and registers it.
"""

from __future__ import annotations

from bot.core.access.context import Ctx
from bot.core.shared import commands as c
from bot.core.shared.registry import Entry, register
from bot.core.shared.replies import Reply, ReplyKind

_REPLIES = {
    "greeting": "Hello! Tell me what a room needs, e.g. `jazz in 204` or `what's playing in 311`; "
    "`help` shows the rest.",
    "thanks": "You're welcome!",
    "bye": "Bye! I'm here whenever you need me.",
    "negation": "OK, I won't do that. Nothing was changed.",
}


async def small_talk(ctx: Ctx, command: c.SmallTalk) -> Reply:
    return Reply(headline=_REPLIES.get(command.kind, _REPLIES["greeting"]), kind=ReplyKind.INFO)


register(
    Entry(
        command=c.SmallTalk,
        topic="general",
        summary="Greetings, thanks and \u201cdon't\u201d: a short reply, nothing changes",
        examples=("hello", "thanks", "don't set 210 to jazz"),
        handler=small_talk,
        rephrase=lambda cmd: {
            "greeting": "hello",
            "thanks": "thanks",
            "bye": "bye",
            "negation": "don't change anything",
        }[cmd.kind],
        hidden=True,
    )
)
