"""The conversation's own commands: confirm, cancel, undo, retry, help and recent changes.

Their phrasings outrank the reading of names (Score.CONVERSATION): "undo 204" is an undo, never a
question about room 204. Confirm, cancel and retry have no handler: the engine answers them from
the journal and the waiting confirmations.
"""

from __future__ import annotations

import re

from bot.core.access.context import Ctx
from bot.core.changes.undo import finish_undo, undo
from bot.core.commands.entry_parts import name_of, sync_handler, with_token
from bot.core.commands.help import help_reply, in_own_names
from bot.core.ledger.audit import AuditEntry
from bot.core.ledger.journal import JournalRow
from bot.core.shared import commands as c
from bot.core.shared.commands import Command
from bot.core.shared.registry import Entry, Score, phrasing, register
from bot.core.shared.replies import Reply


def _undo_room(m: re.Match[str]) -> Command | None:
    room = m["room"]
    if room.casefold() in ("it", "that", "this", "change", "changes", "last", "everything", "all"):
        return None
    return c.Undo(room=room)


async def _retry_undo(ctx: Ctx, entry: AuditEntry, rows: list[JournalRow]) -> Reply:
    """A retried undo still undoes the change it named (the journal knows which rooms are left)."""
    return await finish_undo(ctx, entry)


async def _undo(ctx: Ctx, command: c.Undo) -> Reply:
    return await undo(ctx)


_SCORE = Score.CONVERSATION


def _help(ctx: Ctx, cmd: c.Help) -> Reply:
    return in_own_names(help_reply(cmd.topic, ctx.role), ctx.s.index)


register(
    Entry(
        command=c.Help,
        topic="general",
        summary="Help: an overview, or one topic",
        examples=("help", "help stations"),
        handler=sync_handler(_help),
        rephrase=lambda cmd: with_token("help", cmd.topic),
        phrasings=(
            phrasing(
                r"^(?:help|\?|commands|what\s+can\s+you\s+do|what\s+can\s+i\s+(?:ask|say|do)(?:\s+you)?"
                r"|how\s+do\s+i\s+use\s+(?:this|you)|how\s+does\s+this\s+work)"
                r"(?:\s+(?:with|on|about)?\s*(?P<topic>[\w\s-]+))?$",
                r"^how\s+do\s+i\s+(?P<topic>set\s+a\s+station|clear\s+alarms|change\s+a\s+station|undo)$",
                build=lambda m: c.Help(topic=name_of(m["topic"])),
                score=_SCORE + 1,
            ),
        ),
    )
)
register(
    Entry(
        command=c.Undo,
        topic="general",
        summary="Undo my last change",
        examples=("undo", "undo my last change", "undo 000042"),
        handler=_undo,
        rephrase=lambda cmd: with_token("undo", cmd.token),
        phrasings=(
            phrasing(
                r"^(?:(?:oops|whoops|sorry)[\s,!]+)?(?:undo|revert|roll\s*back|roll\s+(?:that|it)\s+back"
                r"|(?:put|set|change|switch|turn)\s+(?:it|that)\s+back"
                r"(?:\s+(?:the\s+way\s+it\s+was|how\s+it\s+was))?)"
                r"(?:\s+(?:my\s+|the\s+|that\s+)?(?:last\s+)?(?:change|that|it))?"
                r"(?:\s+(?:change\s+)?#?(?P<token>\d{6,}))?$",
                build=lambda m: c.Undo(token=m["token"]),
                score=_SCORE + 5,
            ),
            # the last change to one room
            phrasing(
                r"^(?:undo|revert|roll\s*back)\s+(?:my\s+|the\s+)?(?:last\s+)?(?:change\s+)?"
                r"(?:in|for|of|on|to)?\s*(?:room\s+|rm\s+)?#?(?P<room>[A-Za-z0-9][\w#=;:@&-]*)$",
                r"^(?:change|set|put|switch|turn)\s+(?:room\s+|rm\s+)?#?(?P<room>[A-Za-z0-9][\w#=;:@&-]*)"
                r"\s+back(?:\s+(?:to\s+)?(?:what|how)\s+it\s+was(?:\s+before)?)?$",
                build=_undo_room,
                score=_SCORE + 4,
            ),
            # after a mistake
            phrasing(
                r"^(?:wrong\s+(?:room|station|one|hotel)|my\s+(?:mistake|bad)|mistake|oops|whoops)"
                r"[\s,!.-]+(?:please\s+)?(?:undo|revert|put\s+it\s+back)(?:\s+(?:it|that|please))?$",
                build=lambda m: c.Undo(),
                score=_SCORE + 3,
            ),
        ),
        retry=_retry_undo,
    )
)
register(
    Entry(
        command=c.Confirm,
        topic="general",
        summary="Confirm what I asked you to confirm",
        examples=("yes", "confirm"),
        handler=None,
        rephrase=lambda cmd: with_token("confirm", cmd.token),
        phrasings=(
            phrasing(
                r"^(?:yes|y|yep|yeah|yup|ya|yea|yass?|aye|confirm(?:ed)?|ok|okay|k|go(?:\s+ahead)?|do\s+it"
                r"|proceed|sure(?:\s+thing)?|absolutely|definitely|correct|right|affirmative"
                r"|go\s+for\s+it|(?:please\s+)?do|oui|👍|✅|👌)"
                r"(?:[\s,!.]+(?:please|pls|do\s+it|go\s+ahead|go\s+for\s+it|that'?s\s+right|correct"
                r"|thanks|👍|✅|👌))*[\s!.]*(?:\s+(?P<token>[a-f0-9]{6,}))?$",
                build=lambda m: c.Confirm(token=m["token"]),
                score=_SCORE + 7,
            ),
        ),
    )
)
register(
    Entry(
        command=c.Cancel,
        topic="general",
        summary="Cancel what waits for confirmation",
        examples=("no", "cancel"),
        handler=None,
        rephrase=lambda cmd: with_token("cancel", cmd.token),
        phrasings=(
            phrasing(
                r"^(?:no|n|nope|nah|nay|no\s+way|cancel(?:led)?(?:\s+that)?|stop|abort|never\s*mind"
                r"|don'?t|forget\s+(?:it|that|about\s+it)|scratch\s+that|no\s+thanks|leave\s+it|👎|❌)"
                r"[\s!.]*(?:\s+(?P<token>[a-f0-9]{6,}))?$",
                build=lambda m: c.Cancel(token=m["token"]),
                score=_SCORE + 6,
            ),
        ),
    )
)
register(
    Entry(
        command=c.RetryFailed,
        topic="general",
        summary="Re-run only the rooms that failed in the last bulk change",
        examples=("retry failed",),
        handler=None,
        rephrase=lambda cmd: with_token("retry failed", cmd.token),
        phrasings=(
            phrasing(
                r"^(?:retry|try\s+again|try)(?:\s+(?:the\s+)?fail(?:ed|ures)?(?:\s+(?:ones?|rooms?))?)?"
                r"(?:\s+again)?(?:\s+(?P<token>[a-f0-9]{6,}))?$",
                build=lambda m: c.RetryFailed(token=m["token"]),
                score=_SCORE + 2,
            ),
        ),
    )
)
register(
    Entry(
        command=c.ShowAudit,
        topic="general",
        summary="Recent changes (the audit log)",
        examples=("recent changes",),
        handler=None,
        rephrase=lambda cmd: f"recent changes {cmd.limit}",
        phrasings=(
            phrasing(
                r"^(?:audit|history\s+of\s+changes|recent\s+changes|what\s+changed|changes)(?:\s+(?P<n>\d+))?$",
                build=lambda m: c.ShowAudit(limit=int(m["n"] or 10)),
                score=_SCORE,
            ),
        ),
    )
)
