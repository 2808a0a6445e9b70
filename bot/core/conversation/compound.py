"""Several requests in one message, read only when every part is a whole request of its own.

`set 301 to jazz, 302 to pop`, `set 304 to pop and clear alarms in 304`: the message is cut at its
joins ("," ";" "and" "then") into clauses that each read, alone, as a whole request with every word
followed. A clause without a property takes the one property another clause names (`set 301 to
jazz, 302 to pop at Redwood`: both at Redwood). When any part is left over, or two clauses name
different properties and a third names none, nothing is split and the bot says it does one thing
at a time (bot/core/commands/cmd_not_done.py).

`set 204 everywhere to jazz`: the rooms named, at every property that holds them, one clause per
property, asked as one yes/no first (a write to several hotels is never made on one reading).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from typing import NamedTuple

from bot.core.shared import commands as c
from bot.core.shared.canonical import command_text
from bot.core.shared.replies import Action, ActionKind, Reply, ReplyKind
from bot.core.understanding import understand
from bot.core.understanding.complete import CHAIN_SCOPE
from bot.core.understanding.lexicon import Lexicon
from bot.index.lookup import Index

# What a clause may be: a station change, clearing, or a question about rooms. Anything else
# (undo, yes, add a room…) is never one part of several.
_CLAUSES = (c.SetStation, c.ClearAlerts, c.AskStation, c.RoomDevices, c.EchoOnline)
_WRITES = (c.SetStation, c.ClearAlerts)
# The joins a message is cut at; kept, so that pieces put back together read as typed.
_JOIN = re.compile(
    r"(\s*[,;]\s*(?:(?:and|then|also|plus)\s+)*|\s+(?:and|then|plus)\s+(?:(?:then|also)\s+)*"
    r"|\.\s+)",
    re.IGNORECASE,
)
# A part that points back at the rooms of another ("set them to pop", "clear its alarms"): the
# parts are not whole requests (round 25: `clear alarms in 101, 104 at edinburgh and set them to
# pop` cleared 101 and set 104)
_BACK_REFERENCE = re.compile(r"\b(?:them|it|its|they|those|these|same\s+rooms?)\b", re.IGNORECASE)
# Joins the clauses of one reading back into one message (a question's choice runs it again).
THEN = "; then "
_MOST_PIECES = 12
# The words a clause may take from the one before it: verbs and question words, never a name.
_OPENING_WORDS = frozenset(
    {
        "set",
        "change",
        "switch",
        "tune",
        "put",
        "play",
        "clear",
        "cancel",
        "delete",
        "remove",
        "wipe",
        "what",
        "what's",
        "whats",
        "is",
        "are",
        "playing",
        "on",
        "in",
        "for",
        "of",
        "at",
        "the",
        "alarms",
        "alarm",
        "reminders",
        "timers",
        "echo",
        "online",
        "station",
    }
)


def clauses(text: str, lexicon: Lexicon) -> list[str] | None:
    """The whole requests `text` is made of (two or more), each with its property, or None."""
    parts = _JOIN.split(text.strip())
    pieces, joins = parts[0::2], parts[1::2]
    if len(pieces) < 2 or len(pieces) > _MOST_PIECES:
        return None
    if any(_BACK_REFERENCE.search(piece) for piece in pieces[1:]):
        return None  # "… and set them to pop": which rooms "them" are is never guessed

    @cache
    def split(start: int, before: str) -> tuple[str, ...] | None:
        """The shortest first clause from `start` whose rest also splits into clauses; `before`
        is the clause before it, whose opening words a clause without its own may take."""
        for end in range(start + 1, len(pieces) + 1):
            typed = "".join(
                piece + (joins[i] if i < end - 1 else "")
                for i, piece in enumerate(pieces[start:end], start)
            ).strip()
            candidate = _whole_clause(typed, before, lexicon)
            if candidate is None:
                continue
            if end == len(pieces):
                return (candidate,)
            rest = split(end, candidate)
            if rest is not None:
                return (candidate, *rest)
        return None

    found = split(0, "")
    if found is None or len(found) < 2:
        return None
    placed = _placed(list(found), lexicon)
    return None if placed is None or _contradicts(placed, lexicon) else placed


def _contradicts(found: list[str], lexicon: Lexicon) -> bool:
    """ "set room 204 to jazz and room 204 to pop": one room given two stations at one property.
    Run in turn, the last would win silently; which was meant is never guessed."""
    stations: dict[tuple[str | None, str], str] = {}
    for clause in found:
        command = _whole(clause, lexicon)
        if not isinstance(command, c.SetStation):
            continue
        place = command.target.property_name
        for room in command.target.rooms:
            said = stations.setdefault((place, room.lower()), command.station.lower())
            if said != command.station.lower():
                return True
    return False


# The rooms to leave alone said apart from the request: "don't touch 204, set 205 to oldies",
# "not 313, only 314 -> alternative", "set 317 and 318 to gospel, leave 319 alone".
_LEFT_ALONE = (
    re.compile(
        r"^\s*(?:please\s+)?(?:don'?t|dont|do\s+not)\s+(?:touch|change|do)\s+(?P<keep>[^,;.]+?)"
        r"\s*[,;.]\s*(?:(?:but|just|only|instead)\s+)*(?P<rest>\S.*)$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^\s*not\s+(?P<keep>[^,;.]+?)\s*[,;.]\s*(?:but\s+)?(?:only|just)\s+(?P<rest>\S.*)$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^(?P<rest>\S.*?)\s*[,;.]\s*(?:but\s+|and\s+)?leave\s+(?P<keep>.+?)\s+alone[.!]*$",
        re.IGNORECASE,
    ),
    re.compile(  # "leave 120 alone and set 119 to mix"
        r"^\s*leave\s+(?P<keep>.+?)\s+alone\s*(?:[,;.]\s*)?(?:(?:and|but|just|only)\s+)*"
        r"(?P<rest>\S.*)$",
        re.IGNORECASE,
    ),
    re.compile(  # "don't touch 410 just do 411 with latin"
        r"^\s*(?:please\s+)?(?:don'?t|dont|do\s+not)\s+(?:touch|change)\s+(?P<keep>\S+(?:\s+and\s+\S+)?)"
        r"\s+(?:but\s+)?(?:just|only)\s+(?P<rest>\S.*)$",
        re.IGNORECASE,
    ),
    re.compile(  # "set 502 to jazz and don't touch 503" (round 24: the whole was refused)
        r"^(?P<rest>\S.*?)\s+(?:and|but)\s+(?:please\s+)?(?:don'?t|dont|do\s+not)\s+"
        r"(?:touch|change)\s+(?P<keep>[^,;.]+?)[.!]*$",
        re.IGNORECASE,
    ),
)


def left_alone_last(text: str, lexicon: Lexicon) -> str | None:
    """`don't touch 204, set 205 to oldies` as `set 205 to oldies, don't touch 204` when that is a
    whole change (the rooms left alone then read as left out, never as rooms to change)."""
    for form in _LEFT_ALONE:
        found = form.match(text)
        if found is None:
            continue
        again = f"{found['rest'].rstrip('.')}, don't touch {found['keep']}"
        if isinstance(_whole(again, lexicon), _WRITES):
            return again
    return None


def _whole_clause(typed: str, before: str, lexicon: Lexicon) -> str | None:
    """`typed` when it is a whole request; else `typed` after the opening words of the clause
    before it (`... and 204 at Lakeside` after `what's playing in 204 at Harbor View`), fewest
    first, when that reads as the same kind of request; else None."""
    alone = _reading(typed, lexicon)
    if isinstance(alone, _CLAUSES):
        return typed
    if isinstance(alone, c.SmallTalk | c.NotDone):
        return None  # "…, 311 is on pop", "…, someone set 311 to pop": a report lends no verb
    kind = type(_whole(before, lexicon)) if before else None
    words: list[str] = []
    for word in before.lower().split()[:4]:
        if word not in _OPENING_WORDS:
            break
        words.append(word)
    if kind is None or not words:
        return None
    for count in range(1, len(words) + 1):
        candidate = f"{' '.join(words[:count])} {typed}"
        if type(_whole(candidate, lexicon)) is kind:
            return candidate
    return None


def _whole(text: str, lexicon: Lexicon) -> c.Command | None:
    """`text`'s command when it is a whole request of the kinds a clause may be."""
    command = _reading(text, lexicon)
    return command if isinstance(command, _CLAUSES) else None


def _reading(text: str, lexicon: Lexicon) -> c.Command | None:
    """`text`'s command read alone (a report or a refusal too), or None when it asks or is not
    understood."""
    if not text:
        return None
    result = understand(text, lexicon)
    if result.ask is not None or result.parsed is None:
        return None
    return result.parsed.command


def _property_of(command: c.Command | None) -> str | None:
    target = getattr(command, "target", None)
    return target.property_name if isinstance(target, c.Target) else None


def _placed(found: list[str], lexicon: Lexicon) -> list[str] | None:
    """Each clause with its property: one named by another clause is given to those naming none."""
    commands = [_whole(clause, lexicon) for clause in found]
    named = [_property_of(command) for command in commands]
    places = {name for name in named if name}
    if not places or all(named):
        return found
    if len(places) > 1:
        return None  # two properties named and a clause naming none: which is never guessed
    there = {room.lower() for command, name in zip(commands, named, strict=True) if name
             for room in _rooms_of(command)}  # fmt: skip
    place = places.pop()
    placed = [
        # "set 204 to jazz and 204 at prairie to pop": the same room named apart is elsewhere
        clause
        if name or there & {r.lower() for r in _rooms_of(command)}
        else f"{clause} at {place}"
        for clause, name, command in zip(found, named, commands, strict=True)
    ]
    if any(_property_of(_whole(clause, lexicon)) not in (place, None) for clause in placed):
        return None
    return placed


def _rooms_of(command: c.Command | None) -> tuple[str, ...]:
    target = getattr(command, "target", None)
    return target.rooms if isinstance(target, c.Target) else ()


def named_property(clause: str, lexicon: Lexicon) -> str | None:
    return _property_of(_whole(clause, lexicon))


class ChainPlan(NamedTuple):
    """What to confirm, one request per property, and the rooms they change (their unit ids:
    a change made to them after the question makes a late yes ask again)."""

    summary: str
    parts: list[str]
    units: tuple[str, ...]


def chain_plan(
    text: str,
    lexicon: Lexicon,
    index: Index,
    may_change: Callable[[c.Command, str], bool],
    offered: Callable[[str, str], bool] = lambda _station, _property_id: True,
) -> ChainPlan | None:
    """`set 204 everywhere to jazz`: what to confirm ("Set room 204 at A, room 204 at B … to
    Jazz?") and one request per property holding the rooms that the user may change
    (`may_change(command, property id)`: no other hotel is named) and where the station is
    offered (`offered(station, property id)`; the others are said); None when the rooms are not
    named one by one (a whole property is never "all its rooms"), or a room named is held nowhere
    the user may change."""
    if not CHAIN_SCOPE.search(text.lower()):
        return None
    stripped = re.sub(r"\s+", " ", CHAIN_SCOPE.sub(" ", text.lower())).strip()
    # "clear alarms in 204 at all hotels": the "at" left at the end is the scope's, not cut short
    stripped = re.sub(r"\s+(?:at|in|across|for)$", "", stripped)
    command = _whole(stripped, lexicon)
    if not isinstance(command, (*_WRITES, c.AskStation)):
        return None
    target = command.target
    if not target.rooms or target.property_name or target.room_type or target.all_rooms:
        return None
    held: dict[str, list[str]] = {}
    units: dict[str, None] = {}
    not_offered: set[str] = set()
    station = command.station if isinstance(command, c.SetStation) else None
    for name in target.rooms:
        found = [room for room in index.find_rooms(name) if may_change(command, room.property_id)]
        if not found:
            return None  # a room held nowhere the user may change: never dropped silently
        if station is not None:
            not_offered |= {r.property_name for r in found if not offered(station, r.property_id)}
            found = [room for room in found if room.property_name not in not_offered]
        for room in found:
            rooms = held.setdefault(room.property_name, [])
            units[room.room_id] = None
            if room.room_name not in rooms:
                rooms.append(room.room_name)
    each = [
        replace(command, target=c.Target(rooms=tuple(rooms), property_name=place))
        for place, rooms in held.items()
    ]
    where = ", ".join(one.target.describe() for one in each)
    if isinstance(command, c.SetStation):
        what = f"Set {where} to {command.station.title()}"
    elif isinstance(command, c.ClearAlerts):
        what = f"Clear the {' and '.join(k.value for k in command.kinds)} in {where}"
    else:
        what = f"What's playing in {where}"
    if not each:
        return None
    count = f" ({len(each)} properties)" if len(each) > 1 else ""
    left = ""
    if not_offered and station is not None:
        places = " and ".join(sorted(not_offered))
        left = f" {station.title()} isn't offered at {places}; nothing changes there."
    return ChainPlan(f"{what}{count}?{left}", [command_text(one) for one in each], tuple(units))


_WORST = (ReplyKind.ERROR, ReplyKind.REFUSAL, ReplyKind.CONFIRM, ReplyKind.QUESTION)


def combined(replies: list[Reply], not_run: list[str]) -> Reply:
    """The replies to the parts of one message as one reply: each part's answer in turn, its
    buttons kept (each bound to its own change or question); the parts not run said back."""
    if len(replies) == 1 and not not_run:
        return replies[0]
    kinds = [reply.kind for reply in replies]
    kind = next((k for k in _WORST if k in kinds), None)
    if kind is None:
        changed = [k for k in kinds if k in (ReplyKind.SUMMARY, ReplyKind.SUCCESS)]
        kind = changed[0] if changed else ReplyKind.INFO
    headline = "\n".join(reply.headline for reply in replies)
    # each part's pointer to "your change before that" would name another part of this message
    notes = [
        note
        for reply in replies
        for note in reply.notes
        if not note.startswith("Your change before that was")
    ]
    if not_run:
        listed = ", ".join(f"`{part}`" for part in not_run)
        notes.append(f"Not done yet: {listed}. Send it again once this is answered.")
    tables = [reply.table for reply in replies if reply.table is not None]
    return Reply(
        headline=headline,
        kind=kind,
        fields=[field for reply in replies for field in reply.fields],
        table=tables[0] if len(tables) == 1 else None,
        notes=notes,
        actions=_named_undos([action for reply in replies for action in reply.actions]),
        attachments=[attachment for reply in replies for attachment in reply.attachments],
        public=any(reply.public for reply in replies),
        ref=next((r.ref for r in reversed(replies) if r.ref is not None), None),
    )


def _named_undos(actions: list[Action]) -> list[Action]:
    """Several Undo buttons on one card: each names its change (its id), never a bare "Undo"."""
    undos = [action for action in actions if action.kind == ActionKind.UNDO]
    if len(undos) < 2:
        return actions
    return [
        action.model_copy(update={"label": f"Undo {action.value.split()[-1]}"})
        if action.kind == ActionKind.UNDO and action.label == "Undo"
        else action
        for action in actions
    ]
