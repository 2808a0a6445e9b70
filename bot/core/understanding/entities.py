"""Find the entities of a message, in any order and among any filler words.

Rooms (`204`, `#204`, `rm 204`, `S303`, `PH-1`), lists and ranges (`201, 203 and 205`, `101-110`,
`107 thru 109`), room types and properties (from the lexicon, so `Lumiere` finds `Maison Lumière`),
stations (names, aliases, genres, moods, local words), alert kinds, durations, device serials and
profile settings. Each pass blanks what it recognised, so later passes and the intent words see only
what is left. Pure and fast: regular expressions and dict lookups over the message's word n-grams.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.core.shared.commands import AlertKind
from bot.core.shared.profile_settings import setting_key
from bot.core.understanding.complete import HOUR_AFTER_WORD
from bot.core.understanding.lexicon import MAX_PHRASE_WORDS, Lexicon, fold, key_of, room_keys
from bot.core.understanding.targets import MAX_RANGE, complete_range_end, expand_range
from bot.index.normalize import normalize_name, normalize_room_name


@dataclass
class Entities:
    rooms: list[str] = field(default_factory=list)
    room_range: tuple[str, str] | None = None
    room_marked: bool = False  # said "room", "rm" or "#"
    too_many_rooms: bool = False
    room_type: str | None = None
    room_type_one: bool = False  # "the penthouse": one room of the type, not all of them
    # A room named like the room type read ("Penthouse" is both): a write then asks which was meant.
    room_shadowed: str | None = None
    backwards_range: tuple[str, str] | None = None  # "310-301": never read backwards
    unclear_range: tuple[str, str] | None = None  # "villa-1 - Orchid": ends of no one scheme
    station_room: str | None = None  # the station's words also name a room ("Jazz" at Hanami)
    # the property's words are a part of its name and a whole room's name (room Heron, Heron Bay Inn)
    property_room: str | None = None
    # "villa 9": the property's word before a number, where the index's rooms are named "villa-N"
    property_prefix_room: str | None = None
    # "set Jazz and Country to pop": a list of rooms named like stations, no property said: asked
    rooms_like_stations: bool = False
    range_guess: tuple[str, str] | None = None  # "cabins 1-4": maybe Cabin-1..Cabin-4, asked
    # Rooms named by a plain word ("Spa", "Next") said beside other rooms without joining them
    # ("set 204 to jazz at the spa", "the kitchen asked for jazz in 204"): a write asks first
    loose_word_rooms: list[str] = field(default_factory=list)
    # "set jazz from the office", "it's the bar, …": a room's name said as who speaks, even alone
    speaker_rooms: list[str] = field(default_factory=list)
    property_name: str | None = None
    all_rooms: bool = False
    everywhere: bool = False
    station: str | None = None
    was_station: str | None = None  # "from jazz to pop": what the room is said to play now
    kinds: list[AlertKind] = field(default_factory=list)
    hours: int | None = None
    serial: str | None = None
    setting: str | None = None
    setting_name: str | None = None  # "of Lobby"
    setting_value: str | None = None  # "to 6"
    words: list[str] = field(default_factory=list)
    # each of `words` as it was typed: what the bot did not follow is said back in the user's spelling
    typed: dict[str, str] = field(default_factory=dict)
    # Named after the first: each a sign of two requests in one message, never applied to all.
    other_stations: list[str] = field(default_factory=list)
    other_properties: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)  # "except 105", "but not 205"
    disliked: str | None = None  # "the guest hates country": context, never the station to set
    station_end: int = -1
    stations_adjacent: bool = False  # "Classical Rock": one name half-matching two stations
    floor: bool = False  # "floor 5": the index knows rooms, not floors
    marker_text: str | None = None  # what follows "to", "->", "=", ":" (original case)

    @property
    def has_target(self) -> bool:
        return bool(self.rooms) or self.room_type is not None or self.all_rooms


_SERIAL = re.compile(r"\b(g[0-9a-z]{11,15})\b")
_UNIT = r"(h|hrs?|hours?|d|days?|w|wks?|weeks?)"
_DURATION = re.compile(
    rf"\b(?:(?:for|over|in|during)\s+)?(?:the\s+)?(?:(?:last|past)\s+)?(\d{{1,4}})\s*{_UNIT}\b"
    r"|\b(?:(?:for|over|in|during)\s+)?(?:the\s+)?(?:last|past)\s+(day|week|month)\b"
)
_KINDS = re.compile(
    r"\b(?:all\s+(?:of\s+)?(?:the\s+)?|the\s+|any\s+|(?:guest'?s?|their|his|her)\s+)?"
    r"(wake[\s-]?up(?:\s+cal+s?)?|wakeups?|alarms?|reminders?|timers?|alerts?|everything)\b"
)
# Only settings a message about rooms can mean; the rest need the word "profile" (the profile
# commands' phrasing hooks, cmd_profiles.py).
_SETTING = re.compile(
    r"\b(?P<setting>max(?:imum)?\s+volume(?:\s+limit)?|volume(?:\s+limit)?|instant\s+booking"
    r"|wake\s+word|end[\s-]+of[\s-]+meeting\s+reminders?|data\s+retention"
    r"|(?:room\s+)?utili[sz]ation\s+metrics|setup\s+mode)\b"
)
_PREFIX_ROOM = r"[a-z]{0,3}-?"
_RANGE = re.compile(
    rf"(?<![\w-])#?(?P<pre>{_PREFIX_ROOM})(?P<a>\d{{1,6}})\s*"
    r"(?:-|–|—|\.\.|\bto\b|\bthru\b|\bthrough\b|\buntil\b|\btill\b)\s*"
    r"#?(?P<pre2>[a-z]{0,3}-?)(?P<b>\d{1,6})(?![\w-])"
)
_MARKED_ROOM = re.compile(
    r"(?:\b(?:rooms?|rms?|units?|suites?|nos?\.?|number)\s?#?\s?|#\s?)(?P<name>[a-z0-9][\w-]*)"
)
# A number right after these words is part of a station's name ("radio 2", "top 40"), not a room.
_NAME_BEFORE_NUMBER = re.compile(r"\b(?:radio|fm|top|channel|classical|kiss|capital|heart)\s+$")
_ALL_OF_NAMED_TYPE = re.compile(
    r"\b(?:all|every)\s+(?:of\s+)?(?:the\s+)?(?P<rt>(?:[a-z][\w'-]*\s+){0,3}?[a-z][\w'-]*)\s+rooms\b"
)
_DECADE = re.compile(r"(?:[0-9]0|19[0-9]0|20[0-2]0)s")
# `PH#9`, `villa-12`, `Tower-East-4`: one name, never "room 9".
_COMPOUND_ROOM = re.compile(r"(?<![\w#-])(?P<name>[a-z][a-z0-9]*(?:[#_-][a-z0-9]+)+)(?![\w#-])")
_SHAPED_ROOM = re.compile(rf"(?<![\w'-])(?P<name>{_PREFIX_ROOM}\d{{1,6}}[a-z]?)(?![\w-])")
ALL_ROOMS = re.compile(
    r"\b(?:all|every|each)\s+(?:of\s+)?(?:the\s+)?(?:guest\s+)?rooms?\b"
    r"|\b(?:the\s+)?(?:whole|entire)\s+(?:property|hotel|building|place)\b"
    r"|\ball\s+of\s+(?:the\s+)?(?:property|hotel)\b"
)
_ALL_OF_TYPE = re.compile(r"\b(?:all|every)\s+(?:of\s+)?(?:the\s+)?$")
_EVERYWHERE = re.compile(
    r"\b(?:everywhere|all\s+(?:properties|hotels|sites)|across\s+the\s+chain)\b"
)
_ROOM_TYPE_WORDS = re.compile(r"\broom[\s-]*types?\s(?=\s*\S)")
_AT = re.compile(r"(?:^|\s)(?:at|@)\s+(?:the\s+)?(?P<rest>[a-z].*)$")
_IN = re.compile(r"(?:^|\s)(?:in|of)\s+(?:the\s+)?(?P<rest>[a-z].*)$")
_MARKERS = re.compile(r"(?:\s|^)(?:to|->|=|:|into)\s+(?P<rest>.+)$")
_WORD = re.compile(r"[a-z0-9][a-z0-9'’]*|->|\?")
_ROOMISH = frozenset({"room", "rooms", "rm", "rms", "unit", "units", "suite", "suites", "no"})
NON_ROOM_WORDS = frozenset({"to", "and", "or", "in", "at", "of", "for", "on"})


class _Text:
    """The message twice: as typed (for names) and folded (for matching); blanked as it is read."""

    def __init__(self, text: str) -> None:
        self.original = text
        self.work = fold(text)

    def visible(self) -> str:
        """The message as typed, with what was recognised blanked."""
        return "".join(
            o if w != " " else " " for o, w in zip(self.original, self.work, strict=True)
        )

    def take(self, start: int, end: int) -> str:
        taken = self.original[start:end]
        self.work = self.work[:start] + " " * (end - start) + self.work[end:]
        return taken


# "in the morning", "tomorrow evening": a time (the completeness check says changes apply now), never
# a room named Morning
_TIME_OF_DAY = re.compile(
    # "tonight at 9", "tomorrow morning at 7": an hour after a day word is never room 9 (tried
    # first, so "tomorrow morning" alone does not leave its hour behind)
    r"\b(?:(?:tonight|tomorrow|today)(?:\s+(?:morning|afternoon|evening|night))?"
    r"|(?:in\s+the|this)\s+(?:morning|afternoon|evening|night))\s+at\s+"
    r"\d{1,2}(?:\s*(?:am|pm|a\.m\.|p\.m\.|o'?clock))?(?![\w:])"
    r"|\b(?:in\s+the\s+|tomorrow\s+|this\s+|tonight\s+|today\s+)(?:morning|afternoon|evening|night)\b"
    # a clock time ("6:30", "7:15pm") is never rooms 6 and 30, nor "7 a.m." room 7
    r"|\b\d{1,2}:\d\d(?:\s*(?:am|pm|a\.m\.?|p\.m\.?))?(?![\w:])"
    r"|\b\d{1,2}(?:[.h]\d\d)?\s*(?:am|pm|a\.m\.?|p\.m\.?|o['’]?clock)(?![\w:])"
    # "at 19h", "at 19h30", "at noon": a time after "at", never room 19 or a property "noon"
    r"|\bat\s+(?:\d{1,2}h(?:\d\d)?|noon|midnight)(?![\w:])"
    # "in 5 minutes", "for 10 min": a time, never room 5
    r"|\b(?:in|for)\s+\d{1,3}\s*(?:minutes?|mins?)\b"
    r"|"
    + HOUR_AFTER_WORD
    # a count, never a room: "2 guests", "3 nights", "the 2 alarms in 3"
    + r"|\b\d{1,2}(?=\s+(?:guests|people|persons|adults|kids|children|nights|times|rooms"
    r"|of\s+the\s+rooms)\b)|\b1(?=\s+room\b)"
    # "party of 4", "group of 3", "call back on 6": a head count or an extension, never a room
    r"|\b(?:party|group|family|table)\s+of\s+\d{1,2}\b|\b(?:call\s+back|ext\.?|extension)\s+(?:on\s+)?\d+"
    # "… once they check out": a moment of the stay (asked by the completeness check), never rooms
    r"|\b(?:once|when|after|before|as\s+soon\s+as)\s+(?:they|he|she|(?:the\s+)?guests?)\s+"
    r"(?:checks?\s+(?:in|out)|check\s+(?:in|out)|arrives?|leaves?|gets?\s+in|comes?\s+back)\b"
    r"|\b\d{1,2}(?=\s+(?:alarms|timers|reminders|wake[\s-]?ups|wake[\s-]?up\s+calls)\b"
    r"[^,.;]*?\b(?:in|for|of|from)\s+\S)"
)


def _time_of_day(t: _Text) -> None:
    for m in _TIME_OF_DAY.finditer(t.work):
        t.take(m.start(), m.end())


def find_entities(text: str, lexicon: Lexicon) -> Entities:
    found = Entities()
    t = _Text(text)
    _serial(t, found)
    _setting(t, found)
    _duration(t, found)
    _time_of_day(t)
    _set_everything(t, found)
    _kinds(t, found)
    _everywhere(t, found)
    _floor(t, found)
    _excluded(t, found)
    _excluded_names(t, found, lexicon)
    _from_station(t, lexicon, found)
    _word_ranges(t, found, lexicon)
    _word_lists(t, found, lexicon)
    _ranges(t, found)
    _named_ranges(t, found, lexicon)
    _special_rooms(t, found, lexicon)
    _lexicon(t, found, lexicon)
    _explicit_room_type(t, found, lexicon)
    _rooms(t, found)
    _unknown_property(t, found, lexicon)
    _marker(t, found)
    _property_word_room(found)
    if found.excluded:  # "except b-11" leaves B-11 out: names compared as the index folds them
        left_out = {normalize_room_name(r) for r in found.excluded}
        found.rooms = [r for r in found.rooms if normalize_room_name(r) not in left_out]
        found.room_range = None
    if len(found.rooms) < 2 and not found.room_range and not found.room_type:
        found.loose_word_rooms = []  # one room alone is meant: only beside others is it asked
    spans = list(_WORD.finditer(t.work))
    found.words = [m[0].replace("’", "'") for m in spans]
    for m, word in zip(spans, found.words, strict=True):
        typed = t.original[m.start() : m.end()]
        found.typed.setdefault(word, typed)
        found.typed.setdefault(word.strip(_PUNCTUATION), typed.strip(_PUNCTUATION))
    return found


_PUNCTUATION = ".,!'\"()[]"


def _serial(t: _Text, found: Entities) -> None:
    for m in _SERIAL.finditer(t.work):
        if sum(ch.isdigit() for ch in m[1]) >= 2 and sum(ch.isalpha() for ch in m[1]) >= 4:
            found.serial = t.take(m.start(1), m.end(1)).upper()
            return


_SETTING_FILLER = frozenset(
    {"set", "change", "update", "make", "turn", "switch", "the", "of", "for", "to", "in", "at", "=",
     ":", "please", "pls", "is", "be", "'s", "profile"}
)  # fmt: skip
_SETTING_VALUE = re.compile(r"(?<![\w-])(\d+(?:\s*(?:minutes?|mins?))?|on|off)(?![\w-])", re.I)


def _setting(t: _Text, found: Entities) -> None:
    """A room-profile setting (`max volume`): its value, and the profile named around it."""
    m = _SETTING.search(t.work)
    if m is None:
        return
    found.setting = setting_key(m["setting"]) or "max volume"
    before, after = t.original[: m.start()], t.original[m.end() :]
    value = _SETTING_VALUE.search(after)
    if value is not None and re.search(r"\b(?:in|room|rm)\s*#?$", after[: value.start()]):
        value = None  # "the volume in 204": a room, not a value
    if value is not None:
        after = after[: value.start()] + " " + after[value.end() :]
    found.setting_value = value[1] if value else None
    words = [w for w in f"{before} {after}".replace("'s", " ").split()]
    kept = [w for w in words if fold(w).strip(",.") not in _SETTING_FILLER]
    found.setting_name = " ".join(kept).strip(" ,.'\"") or None
    t.take(0, len(t.original))


def _duration(t: _Text, found: Entities) -> None:
    m = _DURATION.search(t.work)
    if m is None:
        return
    if m[1]:
        n, unit = int(m[1]), m[2]
        found.hours = n if unit.startswith("h") else n * 24 * (7 if unit.startswith("w") else 1)
    else:
        found.hours = {"day": 24, "week": 168, "month": 720}[m[3]]
    t.take(m.start(), m.end())


_KIND_WORD = r"(?:wake[\s-]?up(?:\s+calls?)?|wakeups?|alarms?|reminders?|timers?)"
# "but keep the alarms and timers", "leave the reminders and alarms": every kind listed is kept
_KEPT_KINDS = re.compile(
    r"\b(?:except(?:\s+for)?|excluding|but(?:\s+(?:not|keep|leave))?|apart\s+from|other\s+than|"
    r"keep(?:ing)?|leave|leaving|not)\s+(?:the\s+|any\s+|their\s+)?"
    rf"({_KIND_WORD}(?:\s*(?:,\s*(?:and\s+)?|&|\band\b|\bor\b)\s*(?:the\s+|their\s+)?{_KIND_WORD})*)"
    r"(?:\s+(?:alone|as\s+they\s+are))?\b"
)


def _kinds(t: _Text, found: Entities) -> None:
    kept: list[AlertKind] = []
    for m in _KEPT_KINDS.finditer(t.work):
        kept += [_kind_of(word) for word in re.findall(_KIND_WORD, m[1])]
        t.take(m.start(), m.end())
    _said_kinds(t, found)
    if kept:
        found.kinds = [k for k in found.kinds if k not in kept]


def _kind_of(word: str) -> AlertKind:
    if word.startswith(("alarm", "wake")):
        return AlertKind.ALARMS
    return AlertKind.REMINDERS if word.startswith("reminder") else AlertKind.TIMERS


def _said_kinds(t: _Text, found: Entities) -> None:
    for m in _KINDS.finditer(t.work):
        word = m[1]
        if word.startswith(("alert", "everything")):
            kinds = list(AlertKind)
        elif word.startswith(("alarm", "wake")):
            kinds = [AlertKind.ALARMS]
        elif word.startswith("reminder"):
            kinds = [AlertKind.REMINDERS]
        else:
            kinds = [AlertKind.TIMERS]
        found.kinds += [k for k in kinds if k not in found.kinds]
        t.take(m.start(), m.end())
    order = list(AlertKind)
    found.kinds.sort(key=order.index)


# "set everything at Juniper Creek to jazz": every room, not every kind of alert.
_SET_EVERYTHING = re.compile(r"\b(?:set|change|switch|put|make)\s+(everything)\b")


def _set_everything(t: _Text, found: Entities) -> None:
    m = _SET_EVERYTHING.search(t.work)
    if m:
        found.all_rooms = True
        t.take(m.start(1), m.end(1))


def _everywhere(t: _Text, found: Entities) -> None:
    m = _EVERYWHERE.search(t.work)
    if m:
        found.everywhere = True
        t.take(m.start(), m.end())
    m = ALL_ROOMS.search(t.work)
    if m:
        found.all_rooms = True
        t.take(m.start(), m.end())


_ROOM_ITEM = r"#?[a-z]{0,3}-?\d{1,6}[a-z]?"
# ", not 210", "and not Orchid": a room left out as surely as "except 210"
_NOT_LISTED = (
    r"|,\s*(?:but\s+|and\s+)?not(?:\s+in)?|\band\s+not(?:\s+in)?|\bbut\s+not\s+in"
    r"|(?:,\s*|\s+(?=but\s))(?:but\s+)?(?:don'?t|do\s+not)\s+(?:touch|change|do|include|set|clear)"
    r"(?:\s+in)?"
    r"|\bbut\s+leave(?:\s+out)?"
    # "set 105 not 106 to pop", "clear timers in 203 (not 202)": a bare "not" after a room
    r"|\(\s*not|(?<=[a-z0-9])\s+not"
)
_GOES_ON_WITH_A_NAME = r"(?!\s*(?:&|\band\b)\s*(?:the\s+)?(?!not\b|set\b|then\b|put\b)[a-z])"
_EXCLUDED_LIST = (
    rf"(?:rooms?\s+|rms?\s+|#)?(?P<list>{_ROOM_ITEM}(?:(?:\s*(?:,|&|\band\b|or|-|\bthru\b|\bthrough\b"
    # "except 204 205", "except 204 to 206": numbers side by side, a range said with "to"
    rf"|\bto\b(?=\s*#?[a-z]{{0,3}}-?\d))\s*|\s+(?=#?\d))(?:rooms?\s+)?{_ROOM_ITEM})*)(?![\w-])"
)
EXCLUDED = re.compile(
    r"(?:\b(?:except(?:\s+for)?|excluding|but\s+not|apart\s+from|other\s+than|without|leave\s+out"
    r"|skip(?:ping)?|save)"
    + _NOT_LISTED
    + r")\s+(?>"
    + _EXCLUDED_LIST
    + ")"
    # "except 204 and the spa": a list that goes on with a name is the index's names' to read
    + _GOES_ON_WITH_A_NAME
)
# "all rooms but 204", "the whole hotel but 204", "201-210 but 205": with every room (or a range)
# said, a "but" leaves the rooms after it out; elsewhere it joins two parts ("204 to jazz but 205
# to pop"), never read so
EVERY_ROOM_SAID = re.compile(
    r"\b(?:all|every|everything|everywhere|whole|entire)\b|\d\s*(?:-|to|thru|through)\s*\d"
    r"|\b[a-z]+s\s+but\b"  # "the junior suites but 204": a room type's rooms
)
_BUT = r"\bbut\s+(?!not\b)(?:the\s+)?"
# (not "but 420 stays": the rooms named before a verb of staying are _KEPT_AFTER's)
_STAYING = r"(?:stays?|remains?|keeps?|should\s+stay|is\s+(?:fine|ok|staying)|untouched|unchanged)"
# The list is read whole (atomic): "all rooms but 204 and 311 to jazz" never leaves out 204 alone
_EXCLUDED_BUT = re.compile(
    _BUT
    + "(?>"
    + _EXCLUDED_LIST
    + rf")(?!\s*{_STAYING}\b)"
    + _GOES_ON_WITH_A_NAME  # "but 204 and the spa": the index's names
)
# "to jazz" said before the "but": a "but 205 to pop" after it is a second part, never left out
_STATION_BEFORE = re.compile(r"\b(?:to|into)\s+(?!\d|rooms?\b|#)[a-z]|->|=")
_STATION_AFTER = re.compile(r"\s*(?:to|->|=|into)\b")
_FLOOR = re.compile(
    r"\b(?:(?:the\s+)?(?:floors?|levels?|etage)\s+#?\d+|\d+(?:st|nd|rd|th)\s+floor)\b"
)
# "from jazz to pop": the station before is what plays now; only the one after "to" is asked for.
_FROM_STATION = re.compile(
    r"\bfrom\s+(?!\d|#|rooms?\b|rms?\b)(?P<was>[a-z][\w' &-]*?)\s+(?=(?:to|into|->)\s)"
)


def _floor(t: _Text, found: Entities) -> None:
    m = _FLOOR.search(t.work)
    if m:
        found.floor = True
        t.take(m.start(), m.end())


def _excluded(t: _Text, found: Entities) -> None:
    matches = list(EXCLUDED.finditer(t.work))
    if EVERY_ROOM_SAID.search(t.original):
        matches += [m for m in _EXCLUDED_BUT.finditer(t.work) if not _second_part(t.work, m)]
    for m in matches:
        for part in _LIST_PARTS.split(t.original[m.start("list") : m.end("list")]):
            names = _range_names(part) or [
                re.sub(r"^(?:rooms?|rms?)\s+|#", "", part.strip(), flags=re.I)
            ]
            found.excluded += [n for n in names if n and n not in found.excluded]
        t.take(m.start(), m.end())


# The items of a list: cut at its joins, and between two numbers side by side ("204 205")
_LIST_PARTS = re.compile(
    r"\s*(?:,|&|\band\b|\bor\b)\s*|(?<=\d)\s+(?=#?\d)|(?<=\d[a-z])\s+(?=#?\d)", re.I
)
_RANGE_PART = re.compile(
    r"#?([a-z]{0,3}-?)(\d+)\s*(?:-|thru|through|to)\s*#?[a-z]{0,3}-?(\d+)", re.I
)


def _range_names(part: str) -> list[str] | None:
    """The rooms of a range said as one item of a list ("1-5", "204 to 206"), or None."""
    span = _RANGE_PART.fullmatch(part.strip())
    return expand_range(span[2], span[3], span[1]) if span else None


def _second_part(work: str, m: re.Match[str]) -> bool:
    """ "set all rooms to jazz but 204 to pop": the rooms after "but" get a station of their own
    (two requests, refused as such); "all rooms but 204 to jazz" leaves 204 out."""
    return bool(_STATION_AFTER.match(work, m.end())) and bool(
        _STATION_BEFORE.search(work[: m.start()])
    )


# "Birch isn't on jazz, set it to pop": what the room does not play, said before the request itself
_NOT_ON_STATION = re.compile(
    r"\b(?:isn'?t|is\s+not|not)\s+(?:on|playing)\s+(?P<was>[a-z][\w' &-]*?)(?:\s+(?:yet|anymore))?"
    r"\s*,?\s+(?=(?:so\s+)?(?:set|put|make|change|switch)\s+(?:it|them|that)\b)"
)


# "the guest hates country, put something else on": the station disliked is context, never the one
# to set
_DISLIKED = re.compile(
    r"\b(?:hates?|hated|dislikes?|does\s*n'?t\s+like|don'?t\s+like|(?:is\s+)?(?:tired|sick)\s+of"
    r"|not\s+a\s+fan\s+of|can'?t\s+stand)\s+(?:the\s+)?(?P<was>[a-z][\w'&-]*?(?:\s+[a-z][\w'&-]*?)??)"
    r"(?=\s*[,.;!]|\s+(?:so|and|but|please|pls|put|set|play|change|switch|music)\b)"
)


_SOMETHING_ELSE = re.compile(
    r"\b(?:something|anything|some\s+other\s+(?:station|music)|another\s+station"
    r"|a\s+different\s+(?:station|one))(?:\s+else)?\b"
)


def _from_station(t: _Text, lexicon: Lexicon, found: Entities) -> None:
    m = _FROM_STATION.search(t.work)
    # only a station's name: "the guest from the Library moved to 5" names a room, not what plays
    was = key_of(m["was"]) if m else ""
    if m and (was in lexicon.stations or was in lexicon.station_ids):
        found.was_station = m["was"].strip()
        t.take(m.start(), m.end("was"))
    m = _NOT_ON_STATION.search(t.work)
    if m and key_of(m["was"]) in lexicon.stations:  # context, not a second station of the request
        t.take(m.start("was"), m.end("was"))
    m = _DISLIKED.search(t.work)
    if m and key_of(m["was"]) in lexicon.stations:  # "hates country, put something else on"
        found.disliked = m["was"].strip()
        t.take(m.start(), m.end("was"))
        for other in _SOMETHING_ELSE.finditer(t.work):  # the station is then asked, with a menu
            t.take(other.start(), other.end())


def _ranges(t: _Text, found: Entities) -> None:
    for m in _RANGE.finditer(t.work):
        pre2 = m["pre2"]
        if pre2 and pre2.rstrip("-") != m["pre"].rstrip("-"):
            continue
        prefix = t.original[m.start("pre") : m.end("pre")]
        end = complete_range_end(m["a"], m["b"])
        if int(end) < int(m["a"]):
            found.backwards_range = (m["a"], m["b"])
            t.take(m.start(), m.end())
            continue
        expanded = expand_range(m["a"], end, prefix)
        start = m.start()
        word = re.search(r"\b(?:rooms?|rms?)\s*$", t.work[:start])
        if word:
            found.room_marked = True
            start = word.start()
        t.take(start, m.end())
        if expanded is None:
            found.too_many_rooms = True
            continue
        first = not found.rooms
        found.rooms += [r for r in expanded if r not in found.rooms]
        found.room_range = (expanded[0], expanded[-1]) if first else None


# "villa-1 to villa-3", "Cabin-1 thru Cabin-8", "12A - 12C": two rooms of the index as a range's ends.
_NAMED_RANGE = re.compile(
    r"(?<!\S)(?P<a>[a-z0-9][^\s,]*?)\s+(?P<sep>-|–|—|\.\.|to|thru|through|until|till)\s+"
    r"(?P<b>[a-z0-9][^\s,]*?)(?=[.,!]?(?:\s|$))"
)
_DASHED_RANGE = re.compile(r"(?<!\S)[a-z0-9][^\s,]*-[^\s,]*[a-z0-9](?=[.,!]?(?:\s|$))")
_NAME_SCHEME = re.compile(r"^(?P<pre>.*?)(?P<n>\d+)(?P<suf>\D*)$")
_NAME_ITEM = r"[a-z0-9][^\s,]*(?:\s+#?\d{1,4}[a-z]?\b)?"  # "villa-3", "villa 3", "PH #2"
_NAMES_LIST = (
    rf"(?:rooms?\s+)?(?P<list>{_NAME_ITEM}(?:\s*(?:,|&|\band\b)\s*(?:the\s+)?{_NAME_ITEM})*)"
)
_EXCLUDED_NAMES = re.compile(
    r"(?:\b(?:except(?:\s+for)?|excluding|but\s+not|apart\s+from|other\s+than|without|leave\s+out"
    r"|skip(?:ping)?|save)" + _NOT_LISTED + r")\s+(?:the\s+)?" + _NAMES_LIST
)
_EXCLUDED_NAMES_BUT = re.compile(_BUT + "(?>" + _NAMES_LIST + ")")


# "418 and 419 -> jazz, 420 stays", "clear alarms in 401-403, 403 keeps its alarms": the rooms
# named before the verb of staying are left out
_KEPT_AFTER = re.compile(
    r"(?:[,;]\s*|\s+(?=but\s))(?:but\s+|and\s+|while\s+)?(?:rooms?\s+)?"
    rf"(?P<list>{_NAME_ITEM}(?:\s*(?:&|\band\b)\s*{_NAME_ITEM})*)\s+"
    r"(?:stays?|remains?|keeps?|should\s+stay|is\s+(?:fine|ok|staying)|untouched|unchanged)\b"
    r"[^,;.]*"
)


def _excluded_names(t: _Text, found: Entities, lexicon: Lexicon) -> None:
    """`except Cabin-5`: rooms of the index left out (the shape-based list knows only `105`)."""
    for m in _KEPT_AFTER.finditer(t.work):
        parts = re.split(r"\s*(?:,|&|\band\b)\s*", t.original[m.start("list") : m.end("list")])
        named = [_one_index_room(part, lexicon) for part in parts]
        if named and all(n is not None for n in named):
            found.excluded += [n for n in named if n is not None and n not in found.excluded]
            t.take(m.start(), m.end())
    matches = list(_EXCLUDED_NAMES.finditer(t.work))
    if EVERY_ROOM_SAID.search(t.original):
        matches += [m for m in _EXCLUDED_NAMES_BUT.finditer(t.work) if not _second_part(t.work, m)]
    for m in matches:
        if re.match(r"\s+rooms\b", t.work[m.end() :]):
            continue  # "but the guest rooms": a kind of room, never the room named Guest
        parts = re.split(r"\s*(?:,|&|\band\b)\s*", t.original[m.start("list") : m.end("list")])
        left_out = [room for part in parts for room in _left_out_names(part, lexicon)]
        if not left_out or any(n is None for n in left_out):
            continue
        found.excluded += [n for n in left_out if n is not None and n not in found.excluded]
        t.take(m.start(), m.end())


def _left_out_names(part: str, lexicon: Lexicon) -> list[str | None]:
    """The rooms one item of a list left out names: "1-5" its rooms (never room 15), "the spa"
    the room Spa, None when the index has no such room."""
    ranged = _range_names(part)
    return (
        list(ranged)
        if ranged
        else [_one_index_room(re.sub(r"^the\s+", "", part, flags=re.I), lexicon)]
    )


def _one_index_room(typed: str, lexicon: Lexicon) -> str | None:
    names, exact = lexicon.room_names(typed.strip(" .!"))
    return names[0] if exact and names else None


def _named_ranges(t: _Text, found: Entities, lexicon: Lexicon) -> None:
    """Two rooms of the index joined by "to", "thru" or a dash are a range of the rooms between,
    in order, when their names share a scheme (`villa-1`..`villa-3`, `12A`..`12C`); ends of no
    one scheme are asked about, never read as just the two rooms."""
    if not lexicon.rooms:
        return
    spans = [(m.start("a"), m.end("a"), m.start("b"), m.end("b"), m["sep"])
             for m in _NAMED_RANGE.finditer(t.work)]  # fmt: skip
    for m in _DASHED_RANGE.finditer(t.work):
        for dash in [k for k, ch in enumerate(m[0]) if ch == "-"]:
            cut = m.start() + dash
            spans.append((m.start(), cut, cut + 1, m.end(), "-"))
    for a_start, a_end, b_start, b_end, sep in spans:
        if " " in (t.work[a_start], t.work[a_end - 1], t.work[b_start], t.work[b_end - 1]):
            continue  # already read as part of another range
        a = _one_index_room(t.original[a_start:a_end], lexicon)
        b = _one_index_room(t.original[b_start:b_end], lexicon)
        if a is None or b is None or a == b:
            continue
        if (
            sep == "to"
            and _range_of(a, b) is None
            and (key_of(b) in lexicon.stations or _station_begun(t.work[b_start:], lexicon))
        ):
            continue  # "set Sakura to Jazz", "set 106 to classic rock": a room and a station
        _add_named_range(found, a, b)
        t.take(a_start, b_end)


_WORD_RANGE = re.compile(
    r"\b(?P<w>[a-z]+?)s?\s+(?P<a>\d{1,6})\s*(?:-|–|\bto\b|\bthru\b|\bthrough\b)\s*"
    r"(?:(?P=w)s?\s*)?(?P<b>\d{1,6})(?![\w-])"  # "t 61 - t 66": the word again at the end
)


def _station_begun(rest: str, lexicon: Lexicon) -> bool:
    """Whether `rest` begins with a station's name of several words (`classic rock pls`), whose
    first word may also be a room's name (Classic)."""
    return any(
        " " in station and rest.startswith(station) and not rest[len(station) :][:1].isalnum()
        for station in lexicon.stations
    )


def _word_ranges(t: _Text, found: Entities, lexicon: Lexicon) -> None:
    """`cabins 1-4`, `villa 1 thru 3`: rooms 1..4 do not exist but Cabin-1..Cabin-4 do, each end
    the name typed with its separator folded (`cabin 1` is Cabin-1): the rooms between, in
    order, when both ends share one scheme; else asked about (never acted on without a yes)."""
    for m in _WORD_RANGE.finditer(t.work):
        a = _one_index_room(f"{m['w']} {m['a']}", lexicon)
        b = _one_index_room(f"{m['w']} {m['b']}", lexicon)
        if a is None or b is None or key_of(a) == key_of(m["a"]):
            continue  # "rooms 1-4": the numbers are rooms of their own
        if _range_of(a, b) and _one_index_room(m["a"], lexicon) is None:
            _add_named_range(found, a, b)
        else:  # the bare numbers are rooms too, or the ends share no scheme: asked, never guessed
            found.range_guess = (a, b)
        t.take(m.start(), m.end())
        return


_WORD_LIST = re.compile(
    r"\b(?P<w>[a-z][a-z]+?)s?\s+(?P<list>\d{1,6}(?:\s*(?:,|&|\band\b)\s*\d{1,6})+)(?![\w-])"
)


def _word_lists(t: _Text, found: Entities, lexicon: Lexicon) -> None:
    """`villa 2, 4, 6`, `villas 2 and 4`: Villa-2, Villa-4, Villa-6 when each is a room typed with
    its separator folded and no bare number of the list is a room of its own."""
    for m in _WORD_LIST.finditer(t.work):
        numbers = re.findall(r"\d+", m["list"])
        named = [_one_index_room(f"{m['w']} {n}", lexicon) for n in numbers]
        if any(n is None for n in named) or any(_one_index_room(n, lexicon) for n in numbers):
            continue
        found.rooms += [n for n in named if n is not None and n not in found.rooms]
        t.take(m.start(), m.end())


def _add_named_range(found: Entities, a: str, b: str) -> None:
    rooms = _range_of(a, b)
    if rooms is None:
        found.unclear_range = (a, b)
    elif not rooms:
        found.backwards_range = (a, b)
    elif len(rooms) > MAX_RANGE:
        found.too_many_rooms = True
    else:
        first = not found.rooms
        found.rooms += [r for r in rooms if r not in found.rooms]
        found.room_range = (rooms[0], rooms[-1]) if first else None


def _range_of(a: str, b: str) -> list[str] | None:
    """The names from `a` to `b` by their shared scheme: a number (`Cabin-1`..`Cabin-8`) or a
    last letter (`12A`..`12C`); [] when it runs backwards; None when the names share no scheme."""
    ma, mb = _NAME_SCHEME.match(a), _NAME_SCHEME.match(b)
    if ma is None or mb is None or fold(ma["pre"]) != fold(mb["pre"]):
        return None
    if fold(ma["suf"]) == fold(mb["suf"]):
        low, high = int(ma["n"]), int(mb["n"])
        if high - low >= MAX_RANGE:
            return [a] * (MAX_RANGE + 1)
        width = len(ma["n"]) if ma["n"].startswith("0") else 0
        return [f"{ma['pre']}{n:0{width}d}{ma['suf']}" for n in range(low, high + 1)]
    one_letter = len(ma["suf"]) == len(mb["suf"]) == 1 and (ma["suf"] + mb["suf"]).isalpha()
    if ma["n"] != mb["n"] or not one_letter:
        return None
    low, high = ord(ma["suf"].upper()), ord(mb["suf"].upper())
    upper = ma["suf"].isupper()
    letters = [chr(c) if upper else chr(c).lower() for c in range(low, high + 1)]
    return [f"{ma['pre']}{ma['n']}{x}" for x in letters]


def _explicit_room_type(t: _Text, found: Entities, lexicon: Lexicon) -> None:
    """`room type X` (or `all X rooms`) names a room type even when the index does not know it."""
    if found.room_type is not None:
        for said in _ROOM_TYPE_WORDS.finditer(t.work):
            found.room_type_one = False  # "room type Penthouse": the type, all its rooms
            found.room_shadowed = None
            t.take(said.start(), said.end())
        return
    named = _ALL_OF_NAMED_TYPE.search(t.work)
    if named and named["rt"] not in ("guest", "the", "hotel", "property"):
        typed = t.original[named.start("rt") : named.end("rt")].strip()
        known = lexicon.room_types.get(key_of(typed), ())
        found.room_type = known[0] if len(known) == 1 else typed
        t.take(named.start(), named.end())
        return
    m = _ROOM_TYPE_WORDS.search(t.work)
    if m is None:
        return
    rest = t.work[m.end() :]
    stop = re.search(r"(?:^|\s+)(?:at|@|to|station|->|=|in)\b|\s*[,:]|$", rest)
    end = m.end() + (stop.start() if stop else len(rest))
    name = t.original[m.end() : end].strip()
    if name:
        known = lexicon.room_types.get(key_of(name), ())
        found.room_type = known[0] if len(known) == 1 else name
        t.take(m.start(), end)


_TOKEN = re.compile(r"[a-z0-9](?:[a-z0-9'’_#-]*[a-z0-9])?")
# A chunk between spaces with characters of the room-name grammar that requests also use as
# punctuation (`=`, `:`, `;`, `?`, `@`, `&`): a room only when the index has exactly that name.
_SPECIAL_CHUNK = re.compile(r"(?<!\S)[a-z0-9#][^\s]*[=;:?@&][^\s]*?(?=[.,!]?(?:\s|$))")
# Said right before a room's name: "room villa-3", "rm 12", "#7", "suite Orchid".
_ROOM_MARK = re.compile(r"(?:\b(?:rooms?|rms?|units?|suites?|nos?\.?|number)\s?#?\s?|#\s?)$")
# Words that are a room's name only when marked ("room To"): the words requests are made of.
_COMMON_WORDS = frozenset(
    {
        "to", "and", "or", "in", "at", "of", "for", "on", "the", "a", "an", "set", "change", "put",
        "play", "make", "clear", "cancel", "delete", "remove", "all", "every", "room", "rooms",
        "please", "yes", "no", "it", "is", "what", "whats", "what's", "which", "station", "music",
        "radio", "alarms", "alarm", "reminders", "timers", "everything", "now", "then", "but",
        "except", "not", "don't", "dont", "i", "me", "my", "we", "you", "this", "that", "one",
        "two", "three", "with", "from", "into", "by", "be", "can", "could", "would", "will",
        "guest", "guests", "undo", "help", "back", "so", "up", "off", "type", "types", "suite",
    }
)  # fmt: skip


def _lexicon(t: _Text, found: Entities, lexicon: Lexicon) -> None:
    """Longest phrases first: properties, room types and stations named anywhere."""
    # Each word's key once (the text is already folded); a phrase's key is its words' keys joined.
    tokens = [(m.start(), m.end(), normalize_name(m[0])) for m in _TOKEN.finditer(t.work)]
    # A phrase never spans a blanked entity: only a space or light punctuation between its words.
    joined = [_joins(t.work[tokens[k][1] : tokens[k + 1][0]]) for k in range(len(tokens) - 1)]
    # Each word's room keys once too, and each gap's ("#" of "puffin #2"): a phrase's are joined
    words = [room_keys(t.original[start:end]) for start, end, _ in tokens]
    gaps = [room_keys(t.original[tokens[k][1] : tokens[k + 1][0]]) for k in range(len(tokens) - 1)]
    i = 0
    while i < len(tokens):
        run = 1
        while run < MAX_PHRASE_WORDS and i + run < len(tokens) and joined[i + run - 1]:
            run += 1
        room_keys_of = _phrase_room_keys(words, gaps, i, run)
        hit = _longest(tokens, i, run, t, found, lexicon, room_keys_of)
        i = hit if hit is not None else i + 1


def _phrase_room_keys(
    words: list[tuple[str, str]], gaps: list[tuple[str, str]], i: int, run: int
) -> list[tuple[str, str]]:
    """The room keys of the phrases of 1..run words from word i (`room_keys` of each phrase)."""
    keys = [words[i]]
    for k in range(i + 1, i + run):
        strict, loose = keys[-1]
        keys.append((strict + gaps[k - 1][0] + words[k][0], loose + gaps[k - 1][1] + words[k][1]))
    return keys


def _joins(gap: str) -> bool:
    return len(gap) <= 3 and gap.strip(" -'") in ("", "&", "#")  # "puffin #2" is Puffin#2


def _longest(
    tokens: list[tuple[int, int, str]],
    i: int,
    run: int,
    t: _Text,
    found: Entities,
    lexicon: Lexicon,
    room_keys_of: list[tuple[str, str]],
) -> int | None:
    keys = [tokens[i][2]]
    for k in range(i + 1, i + run):
        keys.append(keys[-1] + " " + tokens[k][2])
    for n in range(run, 0, -1):
        key = keys[n - 1]
        if not key:
            continue
        start, end = tokens[i][0], tokens[i + n - 1][1]
        # "set 1 2 to jazz": two numbers side by side are two rooms, never room 12
        two_numbers = any(
            tokens[k][2].isdigit() and tokens[k + 1][2].isdigit() for k in range(i, i + n - 1)
        )
        room = (
            None
            if two_numbers
            else _index_room(
                t,
                start,
                end,
                lexicon,
                listed=_listing_rooms(t, start, found),
                keys=room_keys_of[n - 1],
            )
        )
        if room is not None and room[1]:
            _add_room(found, room[0])
            found.room_marked = found.room_marked or room[2]
            if _IN_MINUTES.search(t.work[:start]) and not t.work[end:].strip(" .!?"):
                found.loose_word_rooms.append(room[0])  # "set 204 to jazz in 5": minutes?
            elif _REFERENCE_BEFORE.search(t.work[:start]) or _REQUESTER_AFTER.match(t.work, end):
                # "jazz like 205", "for the guest from A102", "villa 4 asked": who asked or what
                # to copy, asked about (never changed as well, unasked)
                found.loose_word_rooms.append(room[0])
        elif found.property_name is None and (place := _property_key(key, lexicon)) is not None:
            names = lexicon.properties[place]
            found.property_name = names[0] if len(names) == 1 else t.original[start:end]
            whole_room = room is not None and lexicon.room_names(t.original[start:end])[1]
            number = re.match(r"[\s-]*(\d{1,6})(?![\w-])", t.original[end:])
            if number and any(k.startswith(key) and k[len(key) :].isdigit() for k in lexicon.rooms):
                found.property_prefix_room = f"{t.original[start:end]} {number[1]}"
            # "at Grove" names a place: the property reading stays (and asks when it is several);
            # only without "at" is a word of a property's name that is a whole room's name the room
            said_at = re.search(r"(?:^|\s)(?:at|@)\s+(?:the\s+)?$", t.original[:start], re.I)
            if (
                room is not None
                and whole_room
                and not said_at
                and all(key_of(n) != key for n in names)
            ):
                found.property_room = room[0]
        elif (
            found.property_room is not None
            and key in lexicon.properties
            and re.search(r"(?:^|\s)(?:at|@)\s+(?:the\s+)?$", t.original[:start], re.I)
        ):
            # "blues, zydeco … at bayou" (room Blues at Bayou Blues Hotel): the property is named
            # here, so the earlier word of its name was the room, never dropped
            _add_room(found, found.property_room)
            found.property_room = None
            names = lexicon.properties[key]
            found.property_name = names[0] if len(names) == 1 else t.original[start:end]
        elif (
            found.room_type is None
            and key in lexicon.room_types
            and (numbered := re.match(r"[\s-]*#?\d{1,4}[a-z]?(?![\w-])", t.work[end:]))
            and not re.match(r"\s*rooms?\b", t.work[start:])
        ):
            # "villa 7", "loft 3": a room's name typed (one the index may lack), never room 7 of
            # the room type; the resolver finds it or names the nearest rooms
            _add_room(found, t.original[start : end + numbered.end()].strip())
            t.take(start, end + numbered.end())
            return i + n + 1
        elif found.room_type is None and key in lexicon.room_types:
            names = lexicon.room_types[key]
            found.room_type = names[0] if len(names) == 1 else t.original[start:end]
            if room is not None and not re.match(r"\s*rooms\b", t.work[end:]):
                found.room_shadowed = room[0]
            plural = key.endswith("s") and key[:-1] in lexicon.room_types
            # "penthouse", "the penthouse", "standard room": one room of the type, asked which;
            # the whole type only when the words say so (plural, "all", "every", "room type")
            found.room_type_one = not plural and not re.match(r"\s*rooms\b", t.work[end:])
            if m := _ALL_OF_TYPE.search(t.work[:start]):
                found.room_type_one = False
                found.room_shadowed = None  # "all Penthouse rooms": the type, said so
                t.take(m.start(), start)
        elif room is not None and _room_over_station(t, start, end, found, lexicon):
            _add_word_room(t, start, end, found, room[0], lexicon)
        elif key in lexicon.stations and _NOT_BEFORE.search(t.work[:start]):
            found.disliked = t.original[start:end]  # "set 204 to not jazz": never jazz; asked
        elif found.station is None and key in lexicon.stations:
            found.station = lexicon.stations[key]
            found.station_end = end
            found.station_room = room[0] if room is not None else None
        elif key in lexicon.stations and lexicon.stations[key] != found.station:
            if found.station_end >= 0 and not t.work[found.station_end : start].strip():
                found.stations_adjacent = True
            if lexicon.stations[key] not in found.other_stations:
                found.other_stations.append(lexicon.stations[key])
        elif (
            found.property_name is not None
            and key in lexicon.properties
            and fold(found.property_name) not in {fold(n) for n in lexicon.properties[key]}
        ):
            found.other_properties.append(t.original[start:end])
        elif (
            found.station is None
            and key in lexicon.station_ids
            and (not key.isdigit() or t.work[:start].rstrip().endswith("station"))
        ):
            found.station = lexicon.station_ids[key]
        elif (
            key in lexicon.stations
            and lexicon.stations[key] == found.station
            and found.station_room
            and not found.rooms
            and re.fullmatch(r"\s+to\s+", t.original[found.station_end : start], re.I)
        ):
            _add_room(found, found.station_room)  # "set Jazz to jazz": the first is the room
            found.station_end = end
        elif key in lexicon.stations and lexicon.stations[key] == found.station:
            pass  # the station said again ("isn't on jazz, set it to jazz"), not a room
        elif room is not None and _place_after_at(t, start, key, found, lexicon):
            continue  # "all rooms at bay": the place is asked about (_unknown_property)
        elif room is not None:
            _add_word_room(t, start, end, found, room[0], lexicon)
            found.room_marked = found.room_marked or room[2]
        else:
            continue
        t.take(start, end)
        return i + n
    return None


# A plain-word room is one of a list only when the word across the joiner is a room too (a number,
# or a name of the index): "204 and the spa", "spa, 101"; never "first, set Garden", "jazz, the spa
# asked"
_JOINED_BEFORE = re.compile(
    r"(?P<room>[\w#'’-]+)\s*(?:,|\band|&|\bor|\+|\bplus|\balso|\bas\s+well\s+as)\s*(?:the\s+)?"
    r"(?:rooms?\s+)?$"
)
_JOINED_AFTER = re.compile(
    r"\s*(?:,|and\b|&|or\b|\+|plus\b)\s*(?:the\s+)?(?:rooms?\s+)?(?P<room>[\w#'’-]+)"
)
_LIST_GOES_ON = re.compile(
    r"\s*(?:$|[,.;:!?&+)]|->|=|\b(?:and|or|to|at|in|on|please|pls|too|also|as\s+well)\b)"
)
_NOT_BEFORE = re.compile(
    r"\bnot\s+(?:the\s+|to\s+)?$|\banything\s+but\s+(?:the\s+)?$"
    # "switch 204 away from jazz": what plays now, never the station asked for ("from jazz to
    # pop" is read before, with its "to")
    r"|\b(?:away\s+)?from\s+(?:the\s+)?$"
)
_REFERENCE_BEFORE = re.compile(
    r"\b(?:like|(?<!\bwell\s)as|from|because|since|thanks\s+to|for\s+the)\s+(?:in\s+)?(?:the\s+)?"
    r"(?:room\s+)?$"
    r"|\bguests?\s+(?:of|from)\s+(?:room\s+)?$"
)
_REQUESTER_AFTER = re.compile(
    r"\s+(?:asked|requested|called|said\s+so|wants\s+it|complained|checked\s+out|left|is\s+\w+"
    r"|guests?)\b"
)
# "… in 5" last, after a room was named: maybe five minutes, asked (never room 5 as well, unasked)
_IN_MINUTES = re.compile(r"\S\s+in\s+$")
_SPEAKER_BEFORE = re.compile(
    r"\b(?:it'?s|it\s+is|this\s+is|here\s+is|from|called|calling|asked|says?)\s+(?:the\s+)?$"
)
_OBJECT_BEFORE = re.compile(r"^\s*(?:set|change|switch|put|make|tune)\s+(?:the\s+)?(?:room\s+)?$")
_SAID_TOO = re.compile(r"\s+(?:too|also|as\s+well)\b")


def _add_word_room(
    t: _Text, start: int, end: int, found: Entities, room: str, lexicon: Lexicon
) -> None:
    """A room named by a plain word, kept as loose unless said as one of a list of rooms."""
    _add_room(found, room)
    if _SPEAKER_BEFORE.search(t.work[:start]):
        found.speaker_rooms.append(room)
    if not _joined_to_rooms(t, start, end, found, lexicon):
        found.loose_word_rooms.append(room)


def _joined_to_rooms(t: _Text, start: int, end: int, found: Entities, lexicon: Lexicon) -> bool:
    """Whether a room named by a plain word is said as one of a list of rooms ("204 and the spa",
    "Spa, 101", "spa too"), not only beside them."""
    if _SAID_TOO.match(t.work, end):
        return True
    if _SPEAKER_BEFORE.search(t.work[:start]):  # "it's the bar, 204 wants jazz": who speaks
        return False
    if _OBJECT_BEFORE.search(t.work[:start]):  # "set the library …, the bar too": what is set
        return True
    # "118, guest checked out": a list's name is followed by the list's end, never by more words
    before = _JOINED_BEFORE.search(t.original[:start]) if _LIST_GOES_ON.match(t.work, end) else None
    after = _JOINED_AFTER.match(t.original, end)
    return any(m is not None and _is_room_word(m["room"], lexicon) for m in (before, after))


def _is_room_word(word: str, lexicon: Lexicon) -> bool:
    return any(ch.isdigit() for ch in word) or lexicon.room_names(word.strip("'’"))[1]


def _property_key(key: str, lexicon: Lexicon) -> str | None:
    """The lexicon's key of a property typed `key`: as typed, possessive (`lakeside's`), or its
    words run together (`lake side` is Lakeside)."""
    if key in lexicon.properties:
        return key
    owner = re.sub(r"['’]s$", "", key)  # "lakeside's echo"
    if owner != key and owner in lexicon.properties:
        return owner
    compact = key.replace(" ", "")
    return compact if " " in key and compact in lexicon.properties else None


def _place_after_at(t: _Text, start: int, key: str, found: Entities, lexicon: Lexicon) -> bool:
    """`all rooms at bay` (room Bay; properties Granite Bay and Whitsand Bay): after "at", a plain
    word of properties' names names the place, never the room of that name (a word two names
    share is no key of its own)."""
    if found.property_name is not None or " " in key:
        return False
    if not re.search(r"(?:^|\s)(?:at|@)\s+(?:the\s+)?$", t.original[:start], re.I):
        return False
    return any(key in name.split() for name in lexicon.properties)


def _property_word_room(found: Entities) -> None:
    """`set Heron to oldies` (room Heron at Heron Bay Inn): a word that is a whole room's name and
    only a part of a property's is the room; the property alone would be no room (or, for a read,
    every room of it)."""
    if found.property_room and not (found.rooms or found.room_type or found.all_rooms):
        _add_room(found, found.property_room)
        found.property_name = None
    prefixed = found.property_prefix_room
    if prefixed and prefixed.split()[-1] in found.rooms and not found.room_range:
        # "villa 9": a room the index lacks, said so, never "room 9" of the property "villa"
        found.rooms = [prefixed if r == prefixed.split()[-1] else r for r in found.rooms]
        found.property_name = None


def _listing_rooms(t: _Text, start: int, found: Entities) -> bool:
    """Whether the words at `start` go on a list of rooms: not when they go on from the station
    ("to jazz and pop": a second station, never a room named Pop)."""
    if not found.rooms:
        return False
    after_station = found.station is not None and found.station_end >= 0
    return not (after_station and _STATION_LIST.fullmatch(t.work[found.station_end : start]))


_STATION_LIST = re.compile(r"\s*(?:,|\band\b|&|\bor\b|\+|,\s*and\b)\s*")


def _room_over_station(t: _Text, start: int, end: int, found: Entities, lexicon: Lexicon) -> bool:
    """A word that names a room and a station is the room in a clear ("clear alarms in Jazz": a
    station means nothing there), right after "in" ("what's playing in Jazz"), or in the rooms of
    "set X [and Y] at <property> to <station>" (the station is said after "to")."""
    if found.kinds or re.search(r"\bin\s+$", t.work[:start]):
        return True
    if re.search(r"\b(?:what'?s|whats|what\s+is)\s+(?:on|playing)\s+$", t.work[:start]):
        return True  # "whats on country, garden": what a room plays, asked
    m = _ROOMS_AT_TO.match(t.work[end:])
    named_like_station = key_of(t.work[start:end]) in lexicon.stations
    after_to = re.search(r"\bto\s+$", t.work[:start]) is not None  # "to jazz, Fuji to pop"
    listed = m is None and found.station is None and named_like_station and not after_to
    if listed and (m := _ROOM_LIST_TO.match(t.work[end:])):
        found.rooms_like_stations = True
    elif listed and found.rooms_like_stations and _ROOM_TO.match(t.work[end:]):
        return True  # the last of the list: "... and Country to pop"
    if m is None or found.station is not None or after_to:
        return False  # right after "to" a station goes: "set 204 to jazz and 204 at X to pop"
    words = m["station"].split()
    return any(key_of(" ".join(words[:n])) in lexicon.stations for n in range(1, 4))


# what follows the rooms of "set Jazz and Sakura at Hanami to classical"
_ROOM_LIST_TO = re.compile(r"(?:\s*(?:,|\band\b|&)\s*\S+)+\s+to\s+(?P<station>.+)$")
_ROOM_TO = re.compile(r"\s+to\s+(?P<station>.+)$")
_ROOMS_AT_TO = re.compile(r"(?:\s*(?:,|\band\b|&)\s*[^,]+?)*\s+at\s+.+?\s+to\s+(?P<station>.+)$")


def _special_rooms(t: _Text, found: Entities, lexicon: Lexicon) -> None:
    for m in _SPECIAL_CHUNK.finditer(t.work):
        typed = t.original[m.start() : m.end()]
        names, exact = lexicon.room_names(typed)
        if exact and names:
            _add_room(found, names[0] if len(names) == 1 else typed)
            t.take(m.start(), m.end())


def _index_room(
    t: _Text,
    start: int,
    end: int,
    lexicon: Lexicon,
    *,
    listed: bool = False,
    keys: tuple[str, str] | None = None,
) -> tuple[str, bool, bool] | None:
    """The room of the index that the words at start:end name: (its name, whether it wins over a
    property, room type or station of the same words, whether "room"/"#" was said before it).

    A name typed exactly (separators folded) that carries a digit or a separator wins; a plain word
    that is also a property, room type or station only when marked ("room Jazz"). An ordinary word
    of requests is a room only when marked. Several rooms under one name (in different properties)
    are the resolver's to tell apart: the typed text goes on."""
    if not lexicon.rooms:
        return None
    typed = t.original[start:end]
    names, exact = lexicon.room_names(typed) if keys is None else lexicon.room_names_by_keys(*keys)
    if not names:
        if not typed.endswith(("'s", "’s", "?", ":", ";")):
            return None  # nothing to trim (most phrases: checked before the pattern runs)
        trimmed = re.sub(r"['’]s$", "", typed.rstrip("?:;"))  # "Sakura's echo"
        if trimmed == typed or not trimmed:
            return None
        names, exact = lexicon.room_names(trimmed)
        typed = trimmed
        if not names:
            return None
    marked = _ROOM_MARK.search(t.work[:start]) is not None
    low = t.work[start:end]
    # "rooms Jazz and Country": a name in a list of rooms is a room too
    in_list = (
        listed
        and re.search(r"(?:,|\band\b|&|\bor\b|\+)\s*$", t.work[:start]) is not None
        and _LIST_GOES_ON.match(t.work, end) is not None  # not "118, guest checked out"
    )
    # "suite and 101", "suite, tower": a room's exact name, first of a list of rooms
    # (never right after "to", where a station goes: "set 204 to jazz and 204 at prairie to pop")
    heads = (
        exact
        and _heads_a_list(t.work[end:], lexicon)
        and not re.search(r"\bto\s+$", t.work[:start])
    )
    if (
        low in _COMMON_WORDS
        and not marked
        and not (exact and (in_list or heads))
        and not (exact and _last_after_in(t, start, end))
    ):
        return None
    strong = marked or in_list or (exact and bool(re.search(r"[\d_#=;:?@&-]", low)))
    name = names[0] if len(names) == 1 else typed
    return name, strong, marked


def _heads_a_list(after: str, lexicon: Lexicon) -> bool:
    """Whether the words after a name go on with another room: ", 101", " and Tower"."""
    m = re.match(r"\s*(?:,|\band\b|&|\+)\s*(?P<next>[\w#:@&-]+)", after)
    return m is not None and (
        bool(re.search(r"\d", m["next"])) or bool(lexicon.room_names(m["next"])[1])
    )


def _last_after_in(t: _Text, start: int, end: int) -> bool:
    """`what's playing in Suite`: an ordinary word said last, right after "in", where only a place
    can go (a room the index has under exactly that name; "suite 12" is a mark, not this). Not
    after a number ("set 101 to jazz in the suite": which is the room is unclear)."""
    said = re.search(r"\bin\s+(?:the\s+)?$", t.work[:start])
    if said is None or re.search(r"\d", t.original[: said.start()]):
        return False
    return re.fullmatch(r"[\s?.!]*(?:(?:at|@)\s.*)?", t.work[end:]) is not None


def _rooms(t: _Text, found: Entities) -> None:
    """Rooms by shape: only names the index does not have (the resolver says it can't find them
    and offers the nearest names)."""
    for m in _COMPOUND_ROOM.finditer(t.work):
        if any(ch.isdigit() for ch in m["name"]):
            _add_room(found, t.take(m.start("name"), m.end("name")))
    for m in _MARKED_ROOM.finditer(t.work):
        name = m["name"]
        if name in NON_ROOM_WORDS or name in _ROOMISH or not any(ch.isdigit() for ch in name):
            continue  # room names carry a digit; "rooms are", "room type" are words
        found.room_marked = True
        _add_room(found, t.take(m.start("name"), m.end("name")))
        t.take(m.start(), m.start("name"))
    for m in _SHAPED_ROOM.finditer(t.work):
        if _NAME_BEFORE_NUMBER.search(t.work[: m.start()]) and m["name"].isdigit():
            continue
        if _DECADE.fullmatch(m["name"]):
            continue  # "set 305 to 80s": a decade is music, not a room
        _add_room(found, t.take(m.start("name"), m.end("name")))


def _add_room(found: Entities, name: str) -> None:
    name = name.strip().lstrip("#")
    if name and name not in found.rooms:
        found.rooms.append(name)
        found.room_range = None


_NOT_A_PLACE = frozenset(
    {"wants", "want", "wanted", "needs", "need", "likes", "would", "asks", "asked", "says",
     "asap", "please", "pls", "plz", "now", "tonight", "today", "too", "also", "as"}
)  # fmt: skip


def _unknown_property(t: _Text, found: Entities, lexicon: Lexicon) -> None:
    """`at <name>` that the lexicon does not know: kept as typed, so the resolver can say so."""
    if found.property_name is not None:
        return
    m = _AT.search(t.work)
    if m is None and (found.all_rooms or found.room_type):
        m = _IN.search(t.work)
    if m is None:
        return
    rest = t.visible()[m.start("rest") :]
    cut = re.search(r"\s+(?:to|->|=)\s+", rest)
    name = (rest[: cut.start()] if cut else rest).strip().strip("\"'").strip()
    name = re.sub(r"^(?:(?:the|a|in|at|of|for|on|to)(?:\s+|$))+", "", name, flags=re.I).strip()
    if fold(name).rstrip("?.!") in _ROOMISH:
        return  # "in the Garden Suite rooms": the rooms of the type, never a property "rooms"
    if re.fullmatch(r"room[\s-]*types?", fold(name).rstrip("?.!")):
        return  # "rooms of room type Tower": the words that name the type, never a property
    first = re.match(r"[a-z']+", fold(name))
    if first and first[0] in _NOT_A_PLACE:
        return  # "the guy in premier wants jazz": what the guest wants, never a property "wants"
    owner = re.match(r"(?P<owner>.+?)['’]s\b", name)  # "is 118 at lakeside's echo online?"
    if owner and (place := _property_key(fold(owner["owner"]), lexicon)) is not None:
        names = lexicon.properties[place]
        found.property_name = names[0] if len(names) == 1 else owner["owner"]
        t.take(m.start("rest"), m.start("rest") + rest.find(name) + owner.end())
        return
    if name and not re.fullmatch(r"[\d\s,-]+", name):
        found.property_name = name
        # from "at" to the name's end: "at a Juniper Creek" takes its "a" too, and all the name
        t.take(m.start("rest"), m.start("rest") + rest.find(name) + len(name))


def _marker(t: _Text, found: Entities) -> None:
    m = _MARKERS.search(t.work)
    if m is None:
        return
    rest = t.visible()[m.start("rest") :].strip().strip("\"'")
    if rest.strip():
        found.marker_text = " ".join(rest.split())


def too_large(found: Entities) -> bool:
    return found.too_many_rooms or len(found.rooms) > MAX_RANGE
