"""Name normalisation shared by the index (what is stored) and the lookups (what staff type).

The same function must run on both sides, so a stored "Rm-204" and a typed "room 204" land on the
same key.
"""

from __future__ import annotations

import re

# Room names cannot contain spaces (seed 004), so whitespace inside a typed name is never
# meaningful.
# A word prefix is stripped only when a separator or a digit follows it, so "Roomba" or "North1"
# stay whole;
# "no"/"nr" only before a digit, so "No-Smoking" stays a name.
_ROOM_PREFIX = re.compile(r"^(?:#|(?:room|rm|number)(?:[\s.:#\-]+|(?=\d))|(?:no|nr)[.:]?\s*(?=\d))")
_TRAILING_PUNCT = re.compile(r"[\s.,;:!?]+$")
_WHITESPACE = re.compile(r"\s+")
_APOSTROPHES = re.compile(r"['’`]")
_NON_ALNUM = re.compile(r"[^\w]+|_")


# Words that name a kind of place, a scope or nothing in particular: on their own they never pick a
# property ("every hotel" is not "Kingsbridge Hotel"; "the inn" is not "The Grand Inn").
GENERIC_PLACE_WORDS: frozenset[str] = frozenset(
    {
        "the", "a", "an", "hotel", "hotels", "inn", "inns", "resort", "resorts", "suites", "suite",
        "lodge", "lodges", "house", "property", "properties", "site", "sites", "place", "places",
        "every", "each", "all", "any", "other", "our", "my", "this", "that", "whole", "entire",
        "room", "rooms", "and", "of", "at", "in", "by", "le", "la", "les", "de", "du", "des",
    }
)  # fmt: skip


def distinctive_words(normalized: str) -> str:
    """The words of a normalised name that are not generic place or scope words."""
    return " ".join(w for w in normalized.split() if w not in GENERIC_PLACE_WORDS)


def normalize_room_name(name: str) -> str:
    """'Rm 204' -> '204', '#204' -> '204', 'Room No. 12' -> '12', 'S303' -> 's303'."""
    text = name.casefold().strip()
    while True:
        stripped = _ROOM_PREFIX.sub("", text, count=1).lstrip()
        if stripped == text or not stripped:
            break
        text = stripped
    text = _TRAILING_PUNCT.sub("", text)
    text = _WHITESPACE.sub("", text)
    return text or name.casefold().strip()


def normalize_name(name: str) -> str:
    """Property, room type and station names: case-folded, punctuation to spaces, spaces
    collapsed.
    """
    text = _APOSTROPHES.sub("", name.casefold())
    text = _NON_ALNUM.sub(" ", text)
    return " ".join(text.split())
