"""`who changed 204`: who last changed a room, when, and with what request (read-only).

The desk's question when a guest says the music is not what they asked for. It reads the audit log
through the access policy (only entries of properties the user may see) and names the room as the
index spells it. A whole command in one module: its phrasing hook, its policy and its handler.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.core.access.access_checks import visible_entries
from bot.core.access.context import Ctx
from bot.core.commands.entry_parts import name_of, where
from bot.core.shared import commands as c
from bot.core.shared.registry import Entry, Score, phrasing, register, rephrase
from bot.core.shared.replies import Reply, ReplyKind, Table
from bot.core.shared.when import parse_utc, spoken_time, zone_of
from bot.index.lookup import RoomRef

_SHOWN = 5  # the latest change, and the few before it
_READ = 500  # audit entries looked through, newest first


@dataclass(frozen=True)
class WhoChanged(c.Command):
    room: str
    property_name: str | None = None


def _changes_to(ctx: Ctx, room: RoomRef) -> list[tuple[str, str, str]]:
    """(when, who, request) of the applied changes to the room, newest first."""
    shown = visible_entries(ctx, _READ)
    # asked of the journal by room (its index): a change of a million rooms is never read whole
    wrote = ctx.s.audit.applied_to(room.room_id, [h.entry.id for h in shown])
    return [(h.entry.at, h.entry.user, h.entry.text) for h in shown if h.entry.id in wrote]


async def who_changed(ctx: Ctx, command: WhoChanged) -> Reply:
    target = c.Target(rooms=(command.room,), property_name=command.property_name)
    resolved = await ctx.resolver.rooms(
        target, lambda t: rephrase(replace(command, property_name=t.property_name))
    )
    if isinstance(resolved, Reply):
        return resolved  # not found (with the nearest names), or which property: asked
    room = resolved.rooms[0]
    said = f"room {room.room_name} at {room.property_name}"  # the index's spelling
    found = _changes_to(ctx, room)
    if not found:
        return Reply(headline=f"I have no change to {said} in the audit log.", kind=ReplyKind.INFO)
    zone = zone_of(room.timezone or "UTC")
    now = ctx.s.clock.now()
    rows = [[spoken_time(parse_utc(at), now, zone), user, text[:60]] for at, user, text in found]
    rows = rows[:_SHOWN]
    return Reply(
        headline=f"{said[:1].upper()}{said[1:]} was last changed by {rows[0][1]}, {rows[0][0]}: "
        f"\u201c{found[0][2]}\u201d.",
        kind=ReplyKind.INFO,
        table=Table(columns=["When", "Who", "Request"], rows=rows) if len(rows) > 1 else None,
    )


_ROOM = r"(?:room\s+|rm\s+)?#?(?P<room>[A-Za-z0-9][\w#=;:@&-]*)"
_AT = r"(?:\s+(?:at|@)\s+(?P<prop>[A-Za-z].*?))?"

register(
    Entry(
        command=WhoChanged,
        topic="general",
        summary="Who last changed a room, and when",
        examples=("who changed 204", "who changed room 311 at Harbor View Seattle last"),
        handler=who_changed,
        rephrase=lambda cmd: f"who changed room {cmd.room}{where(cmd.property_name)}",
        # a question about the past, read before the reading of names ("who set 204" is no change)
        phrasings=(
            phrasing(
                rf"^who\s+(?:last\s+)?(?:changed|touched|set|switched)\s+(?:the\s+)?{_ROOM}"
                rf"(?:\s+(?:to|on)\s+(?:[a-z][\w' ]*?))?{_AT}(?:\s+last)?\??$",
                # "who put jazz in 204", "who cleared the alarms in 118": never a change
                rf"^who\s+(?:last\s+)?(?:put|played|cleared|cancell?ed|canceled|deleted|removed"
                rf"|changed)\s+(?:[a-z][\w' -]*?)\s+(?:in|on|of|for|from)\s+(?:the\s+)?{_ROOM}{_AT}\??$",
                rf"^(?:last|latest)\s+change\s+(?:to|in|of|for)\s+{_ROOM}{_AT}\??$",
                build=lambda m: WhoChanged(room=m["room"], property_name=name_of(m["prop"])),
                score=Score.READING + 5,
            ),
        ),
    )
)

__all__ = ["WhoChanged", "who_changed"]
