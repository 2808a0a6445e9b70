"""Requests the bot understood but will not carry out as typed: it says why and what it understood.

Several stations or requests in one message whose parts are not each a whole request (the whole
ones are run one by one: bot/core/conversation/compound.py), switching the music off (Amazon's API has
no "off": a room always has a default station), floors (the index knows rooms, not floors), leaving rooms
out of a room type or a property. Guessing any of these would change the wrong rooms, so nothing changes.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from bot.core.access.context import Ctx
from bot.core.shared import commands as c
from bot.core.shared.registry import Entry, register
from bot.core.shared.replies import Action, ActionKind, Reply, ReplyKind
from bot.core.understanding.lexicon import lexicon_for
from bot.index.lookup import RoomRef
from bot.index.normalize import GENERIC_PLACE_WORDS, normalize_room_name

# reason -> (what the bot says, an example the rephrasing reads back to the same reason)
REASONS: dict[str, tuple[str, str]] = {
    "several_stations": (
        "I take one station per request, and I couldn't read each station's rooms as a request of "
        "its own, so nothing was changed. Send each as its own message, e.g. `set 204 to jazz`.",
        "set 204 to jazz and pop",
    ),
    "two_requests": (
        "I do one thing at a time, and I couldn't read each part as a whole request of its own, so "
        "nothing was changed. Send each request as its own message.",
        "set 204 to jazz at Lakeside and Harbor View",
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
        "I can leave out rooms named by their names (`all villas except villa-5`), not a room type "
        "or words I did not follow. Nothing was changed. Name the rooms, e.g. "
        "`set 101-110 except 105 to jazz`.",
        "set all rooms at Harbor View Seattle except the penthouses to jazz",
    ),
    "rooms_and_more": (
        "I can change rooms named one by one, a whole room type or all rooms, but not a mix of them "
        "in one request, so nothing was changed. Send each as its own request, e.g. "
        "`set the junior suites to jazz`, then `set 204 to jazz`.",
        "set the junior suites and 204 to jazz",
    ),
    "previous_station": (
        "I can't tell which station you mean by that, so nothing was changed. To put back what a "
        "room played before your last change, say `undo`; otherwise name the station, e.g. "
        "`set 204 to jazz`.",
        "set 204 to the old station",
    ),
    "unfollowed": (
        "I didn't follow all of that, so nothing was changed.",
        "set 204 to jazz maybe",
    ),
    "chain_scope": (
        "I change one property at a time, so nothing was changed. Name the property, e.g. "
        "`set 204 at <property> to jazz`, and send one request per property.",
        "set 204 everywhere to jazz",
    ),
    "alarm_set": (
        "I can't set, move or snooze an alarm: Alexa's API only lets me delete a room's alarms. "
        "Nothing was changed. The guest can ask the Echo in the room, e.g. \u201cAlexa, wake me "
        "at 7\u201d.",
        "set an alarm for 7am in 306",
    ),
    "corrected_inside": (
        "You corrected yourself inside the message (\u201cno wait, just \u2026\u201d), and I can't be "
        "sure which rooms you mean, so nothing was changed. Send the request again as you want it.",
        "set 313 314 to pop, no wait just 314",
    ),
    "alarm_list": (
        "I can't see a room's alarms, reminders or timers: Amazon's API only lets me delete them. "
        "Nothing was changed. To delete them all, say e.g. `clear alarms in 118`.",
        "what alarms are set in 118",
    ),
    "backwards_range": (
        "That range runs backwards, so nothing was changed. Say it from low to high, e.g. "
        "`set 101-110 to jazz`.",
        "set 110-101 to jazz",
    ),
    "cut_short": (
        "Your message stops in the middle, so I can't tell what the rest was meant to be; "
        "nothing was changed. Send the whole request again.",
        "set 101 to jazz and 102 to",
    ),
    "unclear_range": (
        "I can't tell which rooms lie between those two names, so nothing was changed. List the "
        "rooms (`villa-1, villa-2 and villa-3`) or give a range whose ends share a name "
        "(`villa-1 to villa-3`).",
        "set villa-1 to Orchid at Alpine Lodge to jazz",
    ),
}


async def not_done(ctx: Ctx, command: c.NotDone) -> Reply:
    said, _example = REASONS[command.reason]
    if command.unfollowed:
        quoted = ", ".join(f"\u201c{w}\u201d" for w in command.unfollowed)
        said = f"I didn't follow {quoted}, so nothing was changed."
    notes = [f"I understood: {command.understood}."] if command.understood else []
    if command.unfollowed:
        notes.append("Say it again without those words if that is all you meant.")
        notes.extend(_nearest_rooms(ctx, command.unfollowed))
        choices = _respelled(ctx, command.unfollowed)
        if choices:
            return Reply(
                headline=f"I didn't follow \u201c{' '.join(command.unfollowed)}\u201d. Did you mean "
                f"{' or '.join(label for label, _ in choices)}? Nothing was changed.",
                kind=ReplyKind.QUESTION,
                notes=notes[:1],
                actions=[Action(kind=ActionKind.CHOICE, label=lab, value=v) for lab, v in choices],
            )
    return Reply(headline=said, kind=ReplyKind.INFO, notes=notes)


def _respelled(ctx: Ctx, words: tuple[str, ...] | list[str]) -> list[tuple[str, str]]:
    """`edelwiess at alpine to jazz`: the request again with the one word not followed spelled as
    a room it is close to (its digits the same: villa-9 is never villa-1), as choices to press."""
    text = ctx.msg.answered or ctx.msg.text
    joined = " ".join(words)
    if len(words) > 1 and not re.search(re.escape(joined), text, re.I):
        return []  # several words not followed, apart: no one name to offer
    # "tower east", "the tower suite": the words of one room's name, typed apart (generic words
    # such as "suite" are matched on nothing, but replaced with the rest)
    kept = [w for w in words if w.lower() not in GENERIC_PLACE_WORDS]
    word = " ".join(kept)
    typed = normalize_room_name(word)
    misread = _letters_for_digits(ctx, word, text)
    if misread:
        return misread
    if len(typed) < 4 or typed.isdigit():
        return []
    letters = re.sub(r"[^a-z]", "", typed)

    def fits(room: RoomRef) -> bool:
        name = normalize_room_name(room.room_name)
        if re.sub(r"\D", "", room.room_name) == re.sub(r"\D", "", word):
            return fuzz.ratio(typed, name) >= 80
        # a name typed without its number ("tower east" for Tower-East-4) begins it, or its
        # words in another order ("east tower") are the name's
        if re.search(r"\d", word):
            return False
        parts = set(re.findall(r"[a-z]+", name))
        return re.sub(r"[^a-z]", "", name).startswith(letters) or set(word.lower().split()) <= parts

    near = ctx.resolver.seen(ctx.s.index.suggest_rooms(word, None, limit=40))
    if not re.search(r"\d", word):  # names that begin with the words ("tower" of Tower-East-4)
        lexicon = lexicon_for(ctx.s.index, ctx.s.catalog)
        begun = {
            name
            for key, names in lexicon.rooms.items()
            if key.startswith(letters) or (len(kept) > 1 and all(w.lower() in key for w in kept))
            for name in ((names,) if isinstance(names, str) else names)  # one name, or several
        }
        near += [r for n in sorted(begun) for r in ctx.resolver.seen(ctx.s.index.find_rooms(n))]
    close = list({r.room_id: r for r in near if fits(r)}.values())
    pattern = re.compile(rf"(?<![\w-]){re.escape(joined)}(?![\w-])", re.I)
    typed_number = re.search(rf"{pattern.pattern}[\s#-]*(\d+)(?![\w-])", text, re.I)
    if typed_number:  # "east tower 4": the rooms of that number only
        numbered = [r for r in close if re.sub(r"\D", "", r.room_name) == typed_number[1]]
        close = numbered or close
    if not close or not pattern.search(text):
        return []
    if _several_meant(text, list(words)) and len(close) > 1:
        return _all_of(close, pattern, text)
    out: list[tuple[str, str]] = []
    for room in close[:4]:
        number = re.sub(r"\D", "", room.room_name)
        # "tower 4" for Tower-East-4: the number typed after the words is the name's own
        with_number = re.compile(rf"{pattern.pattern}[\s#-]*{number}(?![\w-])", re.I)
        fixed = (with_number if number else pattern).sub(room.room_name, text, count=1)
        if fixed == text:
            fixed = pattern.sub(room.room_name, text, count=1)
        if not re.search(r"\bat\s", fixed, re.I) and len({r.property_name for r in close}) > 1:
            fixed = f"{fixed} at {room.property_name}"
        out.append((f"{room.room_name} ({room.property_name})", fixed))
    return out


def _several_meant(text: str, kept: list[str]) -> bool:
    """`both tower suites`, `the tower suites`: several rooms meant, never one of them."""
    plural = bool(kept) and kept[-1].lower().endswith("s") and len(kept[-1]) > 3
    return plural or re.search(r"\b(?:both|all|every)\b", text, re.I) is not None


def _all_of(close: list[RoomRef], pattern: re.Pattern[str], text: str) -> list[tuple[str, str]]:
    """The rooms the words begin, all of them as one choice (one property's only: rooms at
    several properties are never offered as one change)."""
    if len({r.property_id for r in close}) > 1 or len(close) > 4:
        return []
    names = " and ".join(r.room_name for r in close)
    return [(f"{names} ({close[0].property_name})", pattern.sub(names, text, count=1))]


_DIGIT_LOOKALIKES = str.maketrans({"o": "0", "O": "0", "l": "1", "I": "1", "i": "1"})


def _letters_for_digits(ctx: Ctx, word: str, text: str) -> list[tuple[str, str]]:
    """`5o3`: a number typed with a letter for a digit, offered as the room it would be."""
    if not re.fullmatch(r"[0-9oOlIi]+", word) or not re.search(r"\d", word):
        return []
    number = word.translate(_DIGIT_LOOKALIKES)
    rooms = ctx.resolver.seen(ctx.s.index.find_rooms(number))
    pattern = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])")
    # a property named in the message ("at lakeside") keeps its rooms only
    named = [r for r in rooms if r.property_name.split()[0].lower() in text.lower().split()]
    rooms = named or rooms
    if not rooms or not pattern.search(text):
        return []
    several = len({room.property_name for room in rooms}) > 1
    out: list[tuple[str, str]] = []
    for room in rooms[:4]:
        fixed = pattern.sub(room.room_name, text, count=1)
        if several and not re.search(r"\bat\s", fixed, re.I):
            fixed = f"{fixed} at {room.property_name}"
        out.append((f"{room.room_name} ({room.property_name})", fixed))
    return out


def _nearest_rooms(ctx: Ctx, words: tuple[str, ...] | list[str]) -> list[str]:
    """`jazz in Kingfsher`, `clear alarms in Sapphire`: a word not followed that is close to room
    names is answered with them, read-only (the user says the request again with the name)."""
    notes: list[str] = []
    for word in list(words)[:3]:
        typed = normalize_room_name(word)
        if len(typed) < 4 or typed.isdigit():
            continue
        near = ctx.resolver.seen(ctx.s.index.suggest_rooms(word, None, limit=40))
        begun = [r for r in near if normalize_room_name(r.room_name).startswith(typed)]
        close = begun or [
            r for r in near if fuzz.ratio(typed, normalize_room_name(r.room_name)) >= 80
        ]
        if close:
            named = " or ".join(f"{r.room_name} ({r.property_name})" for r in close[:4])
            notes.append(f"\u201c{word}\u201d: did you mean room {named}? Say it with that name.")
    return notes


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
