"""Requests the bot understood but will not carry out as typed: it says why and what it understood.

Several stations in one message, two requests in one message, switching the music off (Amazon's API has
no "off": a room always has a default station), floors (the index knows rooms, not floors), leaving rooms
out of a room type or a property. Guessing any of these would change the wrong rooms, so nothing changes.
"""

from __future__ import annotations

from bot.core import commands as c
from bot.core.context import Ctx
from bot.core.registry import Entry, register
from bot.core.replies import Reply, ReplyKind

# reason -> (what the bot says, an example the rephrasing reads back to the same reason)
REASONS: dict[str, tuple[str, str]] = {
    "several_stations": (
        "I take one station per request, so nothing was changed. Send each as its own message, "
        "e.g. `set 204 to jazz`.",
        "set 310 to jazz, 311 to pop",
    ),
    "two_requests": (
        "I do one thing at a time, so nothing was changed. Send each request as its own message.",
        "set room 204 to pop and clear alarms in 204",
    ),
    "switch_off": (
        "A room's station can't be switched off through Alexa's API: a room always has a default "
        "station. Nothing was changed. To change it, say e.g. `set 204 to jazz`.",
        "turn off the music in 204",
    ),
    "floors": (
        "I don't know floors, only rooms. Nothing was changed. Name the rooms, e.g. "
        "`set 501-520 to jazz`.",
        "set floor 5 to jazz",
    ),
    "except": (
        "I can leave rooms out of a list or range of rooms, not out of a room type or a whole "
        "property. Nothing was changed. Name the rooms, e.g. `set 101-110 except 105 to jazz`.",
        "set all rooms except 105 to jazz",
    ),
}


async def not_done(ctx: Ctx, command: c.NotDone) -> Reply:
    said, _example = REASONS[command.reason]
    notes = [f"I understood: {command.understood}."] if command.understood else []
    return Reply(headline=said, kind=ReplyKind.INFO, notes=notes)


register(
    Entry(
        command=c.NotDone,
        topic="general",
        summary="Requests done one at a time: one station, one request per message; no \u201coff\u201d",
        examples=tuple(example for _said, example in REASONS.values()),
        handler=not_done,
        rephrase=lambda cmd: REASONS[cmd.reason][1],
        hidden=True,
    )
)

__all__ = ["REASONS"]
