"""The names a message can mention, as in-memory phrase tables: properties, room types and stations.

Built once from the index and the station catalog and rebuilt only when the index changes (its write
version or another connection's commit), so finding entities in a message is a few dict lookups over
the message's word n-grams, never a scan of the index. Rooms are listed by their names too
(`villa-3`, `PH#2`, `Garden_Loft`, `204`): case-folded with separators folded (`villa 3` = `villa-3`),
then loosely (`ph2` = `PH#2`); a room's shape is only the fallback for a name the index does not have.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from bot.index.catalog import StationCatalog, default_catalog
from bot.index.lookup import Index
from bot.index.normalize import normalize_name

# the longest name looked up in a message, in words ("Residence Inn by Marriott New York Manhattan
# Times Square" is nine)
MAX_PHRASE_WORDS: Final = 10

# Words too common to name a property on their own ("view" of "Harbor View Seattle").
_GENERIC_WORDS: Final = frozenset(
    {
        "the", "hotel", "hotels", "inn", "view", "house", "resort", "suites", "suite", "park",
        "gardens", "garden", "grand", "old", "town", "new", "city", "bay", "and", "of", "at",
        "by", "le", "la", "les", "de", "du", "des", "room", "rooms", "all",
    }
)  # fmt: skip

# What staff say for a kind of music rather than a station's name: genre, mood, local words.
# The value is a station name (or alias) of the catalog; the catalog then picks the country's station.
MOOD_WORDS: Final[dict[str, str]] = {
    "something relaxing": "relaxing",
    "something calm": "relaxing",
    "something chill": "relaxing",
    "relaxing": "relaxing",
    "relaxed": "relaxing",
    "easy listening": "relaxing",
    "calm": "relaxing",
    "calming": "relaxing",
    "soothing": "relaxing",
    "chill out": "relaxing",
    "chillout": "relaxing",
    "detente": "relaxing",
    "musique detente": "relaxing",
    "musique relaxante": "relaxing",
    "relaxante": "relaxing",
    "classique": "classical",
    "musique classique": "classical",
    "classical music": "classical",
    "classic music": "classical",
    "meditation": "meditation",
    "zen": "meditation",
    "nature sounds": "meditation",
    "berceuse": "lullabies",
    "berceuses": "lullabies",
    "something for kids": "lullabies",
    "golden oldies": "oldies",
    "hip hop": "hip hop",
    "rock music": "rock",
    "rock": "rock",
    "jazz": "jazz",
    "smooth jazz": "smooth jazz",
    "jazz lounge": "smooth jazz",
    "top hits": "hits",
    "pop music": "pop",
}

# Station ids that are only digits ("4242") are read as a station only after the word "station",
# never alone, so a room number is never taken for one.
_STATION_FILLERS: Final = frozenset({"the", "station", "channel", "music", "radio", "stream"})


# Latin letters with no decomposition to an ASCII base, one for one: a Danish "Løve-Suite" or a
# German "Zimmer Größe" is read as the rest of the words are (in both the index and the request).
_LATIN_BASE: Final = str.maketrans("øßæœđłþðıħŋ", "osaodltdihn")


def fold(text: str) -> str:
    """Lower case without accents, one character for one, so positions stay those of `text`."""
    if text.isascii():
        return text.lower()
    out = []
    for char in text:
        lowered = char.lower()
        lowered = lowered[0] if lowered else char
        base = unicodedata.normalize("NFKD", lowered)[0].translate(_LATIN_BASE)
        out.append(base if base.isascii() or not lowered.isascii() else lowered)
    return "".join(out)


def key_of(text: str) -> str:
    """A phrase's lookup key: accents folded, case-folded, punctuation to spaces."""
    return normalize_name(fold(text))


# Words that never name a room type on their own (the last word of "Garden Room", "Junior Suite").
_GENERIC_TYPE_WORDS: Final = _GENERIC_WORDS | frozenset({"type", "types", "standard", "deluxe"})
_ROOM_SEPARATORS = re.compile(r"[\s_\-]+")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def room_keys(text: str) -> tuple[str, str]:
    """A typed room name's keys: separators folded (`Villa 3` -> `villa3`, `PH#2` -> `ph#2`), and
    loose, letters and digits only (`ph2`), for the abbreviations staff type."""
    folded = fold(text.strip())
    return _ROOM_SEPARATORS.sub("", folded), _NOT_ALNUM.sub("", folded)


@dataclass(eq=False)
class Lexicon:
    """Phrase key -> what it names. Several names under one key mean "ask which"."""

    properties: dict[str, tuple[str, ...]] = field(default_factory=dict)
    room_types: dict[str, tuple[str, ...]] = field(default_factory=dict)
    partial_room_types: dict[str, tuple[str, ...]] = field(default_factory=dict)
    property_prefixes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    stations: dict[str, str] = field(default_factory=dict)
    station_ids: dict[str, str] = field(default_factory=dict)
    # Room names by key, kept small: an index may have a million rooms, most of them numbers. A
    # key of one name holds the name itself (no tuple), a key that is the name is the name's own
    # string, and `loose_rooms` keeps only the names whose loose key differs from their key (a
    # number's are the same: `room_names` finds those in `rooms`).
    rooms: dict[str, RoomNames] = field(default_factory=dict)  # separators folded
    loose_rooms: dict[str, RoomNames] = field(default_factory=dict)  # letters and digits
    # the room names that may hold a word (letters): the words of room names (spelling.py) are
    # read from these few, not from a million numbers
    lettered_rooms: list[str] = field(default_factory=list)

    def add_room(self, name: str) -> None:
        strict, loose = room_keys(name)
        strict = name if strict == name else strict  # "204": one string, not two
        _add_name(self.rooms, strict, name)
        if loose != strict:
            _add_name(self.loose_rooms, loose, name)
        if not name.isascii() or name.lower() != name.upper():
            self.lettered_rooms.append(name)
        if "&" in name:  # "sand and surf" is Sand&Surf
            _add_name(self.loose_rooms, room_keys(name.replace("&", " and "))[1], name)

    def room_names(self, typed: str) -> tuple[tuple[str, ...], bool]:
        """The index's room names `typed` means, and whether it matched exactly (separators folded)
        rather than loosely."""
        return self.room_names_by_keys(*room_keys(typed))

    def room_names_by_keys(self, strict: str, loose: str) -> tuple[tuple[str, ...], bool]:
        """`room_names` of a text whose `room_keys` are already known (a phrase's keys are its
        words' keys joined: the entity finder computes each word's once)."""
        found = _names(self.rooms, strict)
        # loosely: the names kept by their loose key, and those whose key already is it
        loosely = tuple(
            dict.fromkeys((*_names(self.loose_rooms, loose), *_names(self.rooms, loose)))
        )
        if found and len(loosely) > len(found):  # `ph2`: PH-2 here, PH#2 there: both, asked
            return tuple(dict.fromkeys((*found, *loosely))), True
        if found:
            return found, True
        return loosely, False

    def add_property(self, name: str) -> None:
        words = key_of(name).split()
        for start in range(len(words)):
            for end in range(start + 1, len(words) + 1):
                phrase = words[start:end]
                if len(phrase) == 1 and (phrase[0] in _GENERIC_WORDS or len(phrase[0]) < 4):
                    continue
                if phrase[0] in _GENERIC_WORDS and len(phrase) < len(words):
                    if start == 0 and 1 < len(phrase) == len(words) - 1:
                        # "Bay Gardens" of Bay Gardens London: its name without the town, where
                        # nothing else claims those words
                        _add(self.property_prefixes, " ".join(phrase), name)
                    continue
                _add(self.properties, " ".join(phrase), name)
                if len(phrase) > 1:
                    _add(self.properties, "".join(phrase), name)  # "harborview"

    def add_room_type(self, name: str) -> None:
        key = key_of(name)
        _add(self.room_types, key, name)
        _add(self.room_types, key + "s", name)
        words = key.split()
        for word in words if len(words) > 1 else ():
            # "the lofts", "accessible rooms": one word alone, when it is distinctive ("suite",
            # "room" are not); a word of two room types' names is asked about (several names)
            if len(word) >= 4 and word not in _GENERIC_TYPE_WORDS and not word.isdigit():
                _add(self.partial_room_types, word, name)
                _add(self.partial_room_types, word + "s", name)

    def finish(self) -> None:
        """Partial room-type words count only where no full name, property or station claims
        them ("jazz" of a Jazz Suite stays the station)."""
        for key, names in self.partial_room_types.items():
            if (
                key not in self.room_types
                and key not in self.properties
                and key not in self.stations
            ):
                self.room_types[key] = names
        for key, names in self.property_prefixes.items():
            if not (key in self.room_types or key in self.properties or key in self.stations):
                self.properties[key] = names

    def add_stations(self, catalog: StationCatalog) -> None:
        for station in catalog.all():
            for text in (station.name, *station.aliases):
                key = key_of(text)
                self.stations.setdefault(key, key)
                bare = " ".join(w for w in key.split() if w not in _STATION_FILLERS)
                if len(bare) >= 3 and bare != key:
                    self.stations.setdefault(bare, key)
            self.station_ids[key_of(station.station_id)] = station.station_id
            if station.code:
                self.station_ids[key_of(station.code)] = station.station_id
        for phrase, station_key in MOOD_WORDS.items():
            self.stations[key_of(phrase)] = station_key


RoomNames = str | tuple[str, ...]  # one name, or several (asked which)


def _add_name(table: dict[str, RoomNames], key: str, name: str) -> None:
    if not key:
        return
    found = table.get(key)
    if found is None:
        table[key] = name
    elif isinstance(found, str):
        if found != name:
            table[key] = (found, name)
    elif name not in found:
        table[key] = (*found, name)


def _names(table: dict[str, RoomNames], key: str) -> tuple[str, ...]:
    found = table.get(key)
    if found is None:
        return ()
    return (found,) if isinstance(found, str) else found


def _add(table: dict[str, tuple[str, ...]], key: str, name: str) -> None:
    if not key:
        return
    names = table.get(key, ())
    if name not in names:
        table[key] = (*names, name)


def build_lexicon(
    property_names: Iterable[str],
    room_type_names: Iterable[str],
    catalog: StationCatalog | None = None,
    room_names: Iterable[str] = (),
) -> Lexicon:
    lexicon = Lexicon()
    for name in room_names:
        lexicon.add_room(name)
    for name in property_names:
        lexicon.add_property(name)
    for name in room_type_names:
        lexicon.add_room_type(name)
    lexicon.add_stations(catalog or default_catalog())
    lexicon.finish()
    return lexicon


_CATALOG_ONLY: Lexicon | None = None


def catalog_lexicon() -> Lexicon:
    """Stations only: what a message can name without an index (tests, help examples)."""
    global _CATALOG_ONLY
    if _CATALOG_ONLY is None:
        _CATALOG_ONLY = build_lexicon((), ())
    return _CATALOG_ONLY


# Keyed by the index itself, weakly: an id() is reused once an index is gone, and a new index must
# never get another index's names (rooms of another hotel).
_BY_INDEX: weakref.WeakKeyDictionary[Index, tuple[tuple[int, int], Lexicon]] = (
    weakref.WeakKeyDictionary()
)


def lexicon_for(index: Index, catalog: StationCatalog | None = None) -> Lexicon:
    """The lexicon of `index`, rebuilt only after the index changed (a sync, an add or a rename)."""
    version = index.cache_key()
    cached = _BY_INDEX.get(index)
    if cached is not None and cached[0] == version:
        return cached[1]
    properties = [str(r[0]) for r in index.conn.execute("SELECT name FROM properties")]
    room_types = [str(r[0]) for r in index.conn.execute("SELECT DISTINCT name FROM room_types")]
    rooms = [str(r[0]) for r in index.conn.execute("SELECT DISTINCT name FROM rooms")]
    lexicon = build_lexicon(properties, room_types, catalog, rooms)
    _BY_INDEX[index] = (version, lexicon)
    return lexicon
