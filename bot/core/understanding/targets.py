"""Parsing the room part of a request: one room, a list, a range, a room type, or a whole property."""

from __future__ import annotations

import re

from bot.core.shared.commands import Target

MAX_RANGE = 1000

_ALL_ROOMS = re.compile(
    r"^(?:all|every|each)(?:\s+(?:of\s+)?the)?\s+(?:guest\s+)?rooms?"
    r"(?:\s+(?:at|in|of|for|@)\s+(?:the\s+)?(?P<prop>.+))?$",
    re.I,
)
_WHOLE_PROPERTY = re.compile(
    r"^(?:the\s+)?(?:whole|entire|all\s+of(?:\s+the)?)\s+(?:property|hotel)(?:\s+(?P<prop>.+))?$"
    r"|^(?:all\s+of|everywhere\s+(?:at|in))\s+(?P<prop2>.+)$",
    re.I,
)
_ROOM_TYPE = re.compile(
    r"^(?:all\s+(?:the\s+)?)?(?:rooms\s+of\s+)?room[\s-]*types?\s+(?P<rt>.+?)"
    r"(?:\s+(?:at|in|@)\s+(?:the\s+)?(?P<prop>[A-Za-z].*))?$",
    re.I,
)
_ALL_OF_TYPE = re.compile(
    r"^(?:all|every)\s+(?:the\s+)?(?P<rt>[A-Za-z][\w\s'-]*?)\s+rooms"
    r"(?:\s+(?:at|in|@)\s+(?:the\s+)?(?P<prop>.+))?$",
    re.I,
)
_AT_PROPERTY = re.compile(r"^(?P<rooms>.+?)\s+(?:at|in|@)\s+(?:the\s+)?(?P<prop>[A-Za-z].*)$", re.I)
_RANGE = re.compile(
    r"^(?P<pre>[A-Za-z]*)(?P<a>\d+)\s*(?:-|–|—|\.\.|through|thru|to|until)\s*(?P=pre)?(?P<b>\d+)$",
    re.I,
)
_SEPARATORS = re.compile(r"\s*(?:,|;|&|\+|/|\band\b|\bplus\b)\s*|\s+", re.I)
_FILLER = {"room", "rooms", "rm", "rms", "no", "number", "nos", "the", "unit", "units", "in", "for"}
_ROOM_TOKEN = re.compile(r"^[A-Za-z0-9_\-=#;:?@&]+$")


def complete_range_end(start: str, end: str) -> str:
    """`204-6` is 204 to 206 and `1001-15` is 1001 to 1015: a shorter end takes the start's first
    digits."""
    if len(end) < len(start) and int(end) < int(start):
        return start[: len(start) - len(end)] + end
    return end


def expand_range(start: str, end: str, prefix: str = "") -> list[str] | None:
    """'101'..'110' → ['101', …, '110'], keeping zero-padding; a backwards range ('110'..'101') means
    the same rooms; None when too large."""
    end = complete_range_end(start, end)
    if int(end) < int(start):
        start, end = end, start
    low, high = int(start), int(end)
    if high - low + 1 > MAX_RANGE:
        return None
    width = len(start) if start.startswith("0") else 0
    return [f"{prefix}{n:0{width}d}" for n in range(low, high + 1)]


def _room_tokens(text: str) -> tuple[tuple[str, ...], tuple[str, str] | None] | None:
    text = re.sub(r"^(?:the\s+)?(?:rooms?|rms?|units?)\b\.?\s*", "", text.strip(), flags=re.I)
    whole = _RANGE.match(text.strip())
    if whole:
        expanded = expand_range(whole["a"], whole["b"], whole["pre"])
        if expanded is None:
            return None
        first, last = expanded[0], expanded[-1]
        return tuple(expanded), (first, last)
    names: list[str] = []
    for raw in _SEPARATORS.split(text):
        token = raw.strip().lstrip("#")
        if not token or token.casefold() in _FILLER:
            continue
        ranged = _RANGE.match(token)
        if ranged:
            expanded = expand_range(ranged["a"], ranged["b"], ranged["pre"])
            if expanded is None:
                return None
            names.extend(expanded)
            continue
        if not _ROOM_TOKEN.match(token):
            return None
        names.append(token)
    if not names:
        return None
    return tuple(dict.fromkeys(names)), None


def parse_target(text: str) -> Target | None:
    """Understand the room part of a request, or None when it is not a room reference."""
    text = re.sub(r"^(?:in|for|at|on|of)\s+", "", text.strip().strip(","), flags=re.I)
    if not text:
        return None
    if m := _ALL_ROOMS.match(text):
        return Target(all_rooms=True, property_name=_clean_name(m["prop"]))
    if m := _WHOLE_PROPERTY.match(text):
        return Target(all_rooms=True, property_name=_clean_name(m["prop"] or m["prop2"]))
    if m := _ROOM_TYPE.match(text):
        return Target(room_type=_clean_name(m["rt"]), property_name=_clean_name(m["prop"]))
    if m := _ALL_OF_TYPE.match(text):
        return Target(room_type=_clean_name(m["rt"]), property_name=_clean_name(m["prop"]))
    if m := _AT_PROPERTY.match(text):
        inner = _room_tokens(m["rooms"])
        if inner is not None:
            return Target(rooms=inner[0], room_range=inner[1], property_name=_clean_name(m["prop"]))
    parsed = _room_tokens(text)
    if parsed is not None:
        return Target(rooms=parsed[0], room_range=parsed[1])
    return None


def _clean_name(name: str | None) -> str | None:
    if name is None:
        return None
    cleaned = name.strip().strip("\"'").strip()
    return cleaned or None
