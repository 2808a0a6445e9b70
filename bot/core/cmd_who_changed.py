"""`who changed 204`: who last changed a room, when, and with what request (read-only).

The desk's question when a guest says the music is not what they asked for. It reads the audit log
through the access policy (only entries of properties the user may see) and names the room as the
index spells it. A whole command in one module: its phrasing hook, its policy and its handler.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import commands as c
from bot.core.access_checks import visible_entries
from bot.core.audit import Change
from bot.core.context import Ctx
from bot.core.entry_parts import name_of, where
from bot.core.journal import APPLIED
from bot.core.registry import Entry, Score, phrasing, register
from bot.core.replies import Reply, ReplyKind, Table
from bot.core.when import parse_utc, spoken_time, zone_of
from bot.index.normalize import normalize_room_name

_SHOWN = 5  # the latest change, and the few before it
_READ = 500  # audit entries looked through, newest first


@dataclass(frozen=True)
class WhoChanged(c.Command):
    room: str
    property_name: str | None = None


def _folded(name: str) -> str:
    return normalize_room_name(name).replace("-", "").replace("_", "")


def _changes_to(ctx: Ctx, command: WhoChanged) -> list[tuple[str, str, str, Change]]:
    """(when, who, request, change) of the applied changes to the room, newest first."""
    wanted, prop = _folded(command.room), (command.property_name or "").casefold()
    found = []
    for entry in visible_entries(ctx, _READ):
        for change in entry.changes:
            if change.state != APPLIED or _folded(change.unit_name) != wanted:
                continue
            if prop and (change.property_name or "").casefold() != prop:
                continue
            found.append((entry.at, entry.user, entry.text, change))
            break
    return found


def who_changed(ctx: Ctx, command: WhoChanged) -> Reply:
    found = _changes_to(ctx, command)
    said = f"room {command.room}{where(command.property_name)}"
    if not found:
        return Reply(headline=f"I have no change to {said} in the audit log.", kind=ReplyKind.INFO)
    zones = {p.name: p.timezone for p in ctx.s.index.properties()}
    now = ctx.s.clock.now()
    rows = [
        [
            spoken_time(parse_utc(at), now, zone_of(zones.get(ch.property_name or "") or "UTC")),
            user,
            text[:60],
        ]
        for at, user, text, ch in found[:_SHOWN]
    ]
    _at, user, text, latest = found[0]
    room = f"room {latest.unit_name}{where(latest.property_name)}"  # the index's spelling
    return Reply(
        headline=f"{room[:1].upper()}{room[1:]} was last changed by {user}, {rows[0][0]}: "
        f"\u201c{text}\u201d.",
        kind=ReplyKind.INFO,
        table=Table(columns=["When", "Who", "Request"], rows=rows) if len(rows) > 1 else None,
    )


async def _answer(ctx: Ctx, command: WhoChanged) -> Reply:
    return who_changed(ctx, command)


_ROOM = r"(?:room\s+|rm\s+)?#?(?P<room>[A-Za-z0-9][\w#=;:@&-]*)"
_AT = r"(?:\s+(?:at|@)\s+(?P<prop>[A-Za-z].*?))?"

register(
    Entry(
        command=WhoChanged,
        topic="general",
        summary="Who last changed a room, and when",
        examples=("who changed 204", "who changed room 311 at Harbor View Seattle last"),
        handler=_answer,
        rephrase=lambda cmd: f"who changed room {cmd.room}{where(cmd.property_name)}",
        # a question about the past, read before the reading of names ("who set 204" is no change)
        phrasings=(
            phrasing(
                rf"^who\s+(?:last\s+)?(?:changed|touched|set|switched)\s+{_ROOM}{_AT}(?:\s+last)?\??$",
                rf"^(?:last|latest)\s+change\s+(?:to|in|of|for)\s+{_ROOM}{_AT}\??$",
                build=lambda m: WhoChanged(room=m["room"], property_name=name_of(m["prop"])),
                score=Score.READING + 5,
            ),
        ),
    )
)

__all__ = ["WhoChanged", "who_changed"]
