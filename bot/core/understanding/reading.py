"""Entity-first understanding: the entities of a message first, then the intent from the words left over.

`understand(text, lexicon)` returns a Command when the message is complete, an `Ask` when a part is
missing or unclear (the engine asks it and the next message answers), or None when the message is not
about rooms, stations, alerts or devices (the commands' phrasing hooks below the reading's score
then have a go: hierarchy, profiles, lists; the pipeline ranks them, pipeline.py).
Nothing here guesses: a station without a room asks "Which room?", `clear all in 204` asks what.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

from bot.core.shared import commands as c
from bot.core.shared.commands import AlertKind, Command, SetProfile, SetPropertyPlace, Target
from bot.core.shared.places import country_code, timezone_name
from bot.core.understanding.complete import (
    ALARM_SETTING,
    CHAIN_SCOPE,
    HOUR_AFTER_WORD,
    TIME,
    is_limited,
    unfollowed,
)
from bot.core.understanding.entities import (
    ALL_ROOMS,
    EVERY_ROOM_SAID,
    EXCLUDED,
    Entities,
    find_entities,
    too_large,
)
from bot.core.understanding.lexicon import Lexicon, fold, key_of
from bot.index.catalog import COUNTRIES, default_catalog

SET_WORDS = frozenset(
    {
        "set", "change", "switch", "swap", "tune", "put", "play", "make", "update", "turn", "want",
        "wants", "need", "needs", "like", "likes", "->", "give", "start", "use", "get",
        "going", "gets",
    }
)  # fmt: skip
CLEAR_WORDS = frozenset(
    {"clear", "cancel", "delete", "remove", "wipe", "reset", "erase", "kill", "drop", "purge"}
)
QUESTION_WORDS = frozenset(
    {
        "what",
        "whats",
        "what's",
        "which",
        "?",
        "listening",
        "tell",
        "check",
        "show",
        "quelle",
        "quel",
    }
)
# Words of commands whose own phrasing hooks read them (hierarchy, profiles, users, lists, help, sync,
# audit): the reading declines and leaves them to those hooks.
DEFER_WORDS = frozenset(
    {
        "rename", "add", "create", "new", "profile", "profiles", "user", "users", "object",
        "types", "properties", "hotels", "find", "locate", "where", "audit", "changes", "help",
        "sync", "resync", "refresh", "reload", "stations", "lookup", "search", "country",
        "timezone",
    }
)  # fmt: skip
_GREETING = frozenset(
    {
        "hello", "hi", "hey", "hiya", "howdy", "yo", "morning", "afternoon", "evening", "good",
        "there", "bot", "team", "all", "everyone", "folks",
    }
)  # fmt: skip
_THANKS = frozenset(
    {
        "thanks", "thank", "you", "ty", "thx", "cheers", "great", "perfect", "awesome", "ok",
        "okay", "cool", "much", "so", "very", "many", "a", "lot", "that's", "thats", "it",
        "appreciated", "nice", "brilliant", "merci", "bot", "for", "the", "help", "all",
    }
)  # fmt: skip
_THANKS_CORE = frozenset({"thanks", "thank", "ty", "thx", "cheers", "merci", "appreciated"})
_BYE = frozenset({"bye", "goodbye", "later", "cya", "night", "goodnight"})
_SMALL_TALK_WORDS = _GREETING | _THANKS | _BYE
_NEGATION = re.compile(
    r"^(?:no\s*,?\s*)?(?:please\s+)?(?:don'?t|do\s+not|never|not|no\s+need\s+to|nobody\s+should|"
    r"we\s+don'?t\s+(?:want|need)\s+to|i\s+don'?t\s+(?:want|need)\s+(?:you\s+)?to)\b"
)
# Words that carry no meaning of their own around the entities.
_FILLER = frozenset(
    {
        "room", "rooms", "rm", "rms", "the", "a", "an", "in", "at", "for", "of", "to", "on",
        "please", "pls", "guest", "guests", "i", "we", "can", "you", "could", "would", "it",
        "its", "some", "station", "stations", "music", "radio", "channel", "default", "s", "and", "into",
        "now", "is", "be", "there", "they", "he", "she", "me", "us", "this", "that", "from",
        "currently", "current", "unit", "up", "with", "by", "just", "all", "also",
        "=", ":", "->", "go", "stream", "something", "too", "again", "then", "so", "let's",
        "lets", "let", "wanted", "ask", "asks", "asked", "has", "have", "requested",
        "request", "requests", "their", "his", "her", "my", "our", "only",
    }
)  # fmt: skip
_STATION_NOISE = re.compile(
    r"^(?:(?:the|some|a|station|channel)\s+)+|(?:\s+(?:station|radio|music|channel|stream|please|at|in|for|on|@))+$",
    re.I,
)
_HEALTH_WORDS = frozenset(
    {
        "uptime", "offline", "unplaced", "flapping", "status", "history", "timeline", "events",
        "online", "echo", "echos", "echoes", "device", "devices", "health", "connected",
        "dot", "alexa", "speaker", "working", "up", "down", "reachable", "unreachable", "digest",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Ask:
    """A question for a missing or unclear part; `partial` is the command it completes."""

    question: str
    missing: str  # "station", "target", "kinds", "profile"
    partial: Command
    choices: tuple[tuple[str, str], ...] = field(default=())


Understood = Command | Ask | None


def understand(
    text: str, lexicon: Lexicon, *, asked: bool = False, raw: str = "", typed: str = ""
) -> Understood:
    """`asked`: the message ended with a question mark; `raw`: the message before cleaning;
    `typed`: as typed, before spelling was corrected (quoted back, never read)."""
    talk = small_talk(fold(raw or text))
    if talk is not None:
        return talk
    found = find_entities(text, lexicon)
    low = fold(text).strip()
    polite = bool(set(_WORD.findall(fold(raw or text))) & _POLITE)  # "can you" is cleaned away
    # "set 204 to jazz?" asks; "... pop ?" from an undecodable byte made "?" (ordering.py) does not
    polite = polite or not re.search(r"[^\s?]\?+\s*$", raw or text)
    reading = _reading(text, low, found, asked=asked, polite=polite)
    result = complete(reading, found, low, text, raw=typed or raw)
    if isinstance(result, c.SetStation) and found.was_station:
        return replace(
            result, expected=found.was_station
        )  # checked against the room, never dropped
    return result


def _reading(
    text: str, low: str, found: Entities, *, asked: bool, polite: bool = False
) -> Understood:
    """The reading the entities and the words left over make: a command, a question, or None."""
    words = found.words
    ws = set(words)
    place = _place(text, found)
    if place is not None:
        return place
    country_talk = _COUNTRY_WORD.search(text) and not found.has_target
    if country_talk and _COUNTRY_STATION.search(low) and found.station is not None:
        country_talk = None  # "make it country": the station
    if country_talk and found.station and re.search(r"\b(?:available|offered)\b", low):
        country_talk = None  # "is country available at Le Jardin?": the catalog question
    as_station = _COUNTRY_AS_STATION.search(low)
    if country_talk and as_station and not country_code(as_station["value"] or ""):
        # "set oldies to country at redwood", "set country to oldies": a room or the station
        # Country, never a property's country "at redwood" or "oldies"
        country_talk = None
    if re.search(r"\bprofiles?\b", low) or country_talk:
        return None  # the phrasing hooks': room profiles, a property's country
    refused = _not_done(low, found, ws)
    if refused is not None:
        return refused
    low = EXCLUDED.sub(" ", low)  # "but not 205" leaves rooms out; it is not a negation
    if found.excluded:  # "… but leave disco alone": the room left out, not a negation
        low = re.sub(r"\b(?:but\s+|and\s+)?leave\s+.{1,40}?\s+alone\b", " ", low)
    if (ws & _HEALTH_WORDS or found.serial) and not _NEGATION.match(low):
        health = _health(found, ws)
        if health is not None:
            return health
    verb = ws & (SET_WORDS | CLEAR_WORDS | _CLEARED)
    statement = _STATEMENT.search(low) and not verb and not _FIX_IT.search(low)
    if _NOT_A_REQUEST.search(low) or _NEGATION.match(low) or _NEGATED_VERB.search(low) or statement:
        has_request = found.has_target or found.station or found.kinds or ws & SET_WORDS
        return c.SmallTalk(kind="negation") if has_request else None
    listing = _listing(low, found, ws)
    if listing is not None:
        return listing
    if ws & DEFER_WORDS and not found.kinds and not ("stations" in ws and found.rooms):
        return None
    if found.setting is not None and found.station is None:
        return _setting(found)
    if ws & _HEALTH_WORDS or found.serial:
        health = _health(found, ws)
        if health is not None:
            return health
    if too_large(found) or re.match(r"(?:did|has|have|had|was|were)\b", low):
        return None  # "did 310 change": a question about the past is never a request
    questioning = _is_question(low, ws) or (asked and _starts_as_question(low))
    if questioning and (found.kinds or ws & CLEAR_WORDS):
        # "how many alarms does 118 have?": a question never clears anything; it is answered
        # with what Amazon allows when it names alerts and a room
        if found.kinds and found.has_target and not ws & CLEAR_WORDS:
            return c.NotDone("alarm_list", understood=low)
        return None
    if found.kinds or (ws & CLEAR_WORDS and not found.station):
        return _clear(found, ws, low)
    if questioning:
        return _question(found, ws)
    station = _station(found, ws)
    verb_asked = not ws & SET_WORDS or not polite  # a request verb: asked only as "... jazz?"
    if asked and isinstance(station, c.SetStation) and verb_asked and not ws & _POLITE:
        return _yes_first(station)  # "jazz in 204?", "set 204 to jazz?": asked, not a request
    return station


_POLITE = frozenset({"can", "could", "would", "will", "please", "pls", "plz", "kindly"})


def _yes_first(command: c.SetStation) -> Ask:
    from bot.core.shared.registry import rephrase  # the registry's entries import the handlers

    return Ask(
        f"Do you want me to set {command.target.describe()} to {command.station.title()}? "
        "Nothing was changed yet: say yes to do it.",
        "yes",
        command,
        choices=(("yes", rephrase(command)),),
    )


_ZONE = re.compile(r"(?<![\w/])([A-Za-z]+/[A-Za-z_]+(?:/[A-Za-z_]+)?)(?![\w/])")
_COUNTRY_WORD = re.compile(r"\bcountry\b", re.I)
_COUNTRY_AS_STATION = re.compile(
    r"\bto\s+country\b(?!\s*(?:to|is|=|:)(?:\s|$))"
    r"|\b(?:set|change|switch|put)\s+country\s+to\s+(?P<value>[a-z]+)"
    # a room named Country: "in country at alpine", "set country at alpine to jazz", "room country"
    r"|\b(?:in|room)\s+country\b|\bcountry\s+(?:at|@)\s"
)
_COUNTRY_STATION = re.compile(r"\bcountry\s*(?:music|station|radio|please|pls)?[\s.!?]*$")


def _place(text: str, found: Entities) -> Command | None:
    """`set Kensington Gardens London country UK timezone Europe/London` (and its everyday forms)."""
    zone = _ZONE.search(text)
    country_word = _COUNTRY_WORD.search(text)
    if found.property_name is None or found.rooms or not (zone or country_word):
        return None
    if zone is None and not re.search(r"\b(?:time\s*zone|tz)\b", text, re.I) and not country_word:
        return None
    if zone is None and re.search(r"\b(?:available|offered)\b", text, re.I):
        return None  # "is country available at Le Jardin?": the station Country, asked about
    country = None
    if country_word:
        after = text[country_word.end() :]
        if re.match(r"\s+of\s", after, re.I):
            after = re.split(r"\s+to\s+", after, flags=re.I)[-1]
        value = re.split(r"\s+(?:and\s+)?(?:time\s*zone|tz)\b", after, flags=re.I)[0]
        value = re.sub(r"^\s*(?:to|=|is|:)\s*", "", value, flags=re.I).strip(" .")
        if not country_code(value) and _COUNTRY_AS_STATION.search(fold(text)):
            return None  # "set country to oldies at redwood": a room named Country
        country = country_code(value) or (value or None)
    timezone = (timezone_name(zone[1]) or zone[1]) if zone else None
    if country is None and timezone is None:
        return None
    return SetPropertyPlace(property_name=found.property_name, country=country, timezone=timezone)


# What a report or a "not now" adds to a request's own form ("I set 204 to jazz at 7", "204 was set
# to jazz", "we will set ...", "fyi ..."): read by the completeness check of a hook's reading too
_REPORT_WORDS = (
    r"^(?:i|we|someone|somebody|he|she|they|(?:the\s+|a\s+|one\s+of\s+the\s+)?(?:guests?|kids"
    r"|children|family)(?:\s+(?:in|from|of)\s+(?:room\s+)?\S+)?|housekeeping|(?:the\s+)?front\s+desk"
    r"|my\s+colleague)\s+(?:just\s+|already\s+)?(?:set|put|changed|switched|cleared)\b"
    # "118 wake up call cancelled": what was done, said (not "alarms cancelled in 204", a request)
    r"|^(?:room\s+)?\S*\d\S*(?:['’]s)?\s+(?:alarms?|wake[\s-]?up(?:\s+calls?)?|wake[\s-]?ups|reminders?"
    r"|timers?)\s+(?:(?:is|are|was|were|got|been)\s+)?(?:cancell?ed|canceled|cleared|deleted|removed"
    r"|gone)[.!]*$"
    r"|\b(?:was|were|been|got)\s+(?:set|changed|switched|put)\s+(?:to|on)\b"
    r"|\b(?:i|we)\s+will\b|^fyi\b|\bnot\s+now\b|\bnot\s*$"
)
_REPORT = re.compile(_REPORT_WORDS)
# Statements about rooms, not requests: plans, reminders to self, past tense.
_NOT_A_REQUEST = re.compile(
    r"\b(?:remind\s+me|liked|i['’]ll|we['’]ll|going\s+to\s+set|instead\s+of"
    # "the alarms were deleted in 204": what was done, in the passive
    r"|(?:were|was|been|got)\s+(?:cleared|deleted|removed|cancell?ed|canceled|wiped|erased)"
    r"|already\s+(?:set|changed|cleared|switched|put|did|done|deleted|removed))\b"
    r"|^no\s+\w+\s+(?:in|for|at)\b|\bleave\s+.{1,40}?\s+alone\b"
    # a question about who did it ("who set 204 to jazz"), a condition ("if the guest asks, ..."),
    # a hypothesis ("what if we set ..."), advice asked ("should we clear ..."), a report
    r"|^who\s+(?:last\s+)?(?:set|put|changed|switched|cleared|did|played|made)\b"
    r"|^(?:if|in\s+case|whenever|unless)\s|\bwhat\s+if\b|^should\s+(?:we|i)\b"
    # "set 204 to jazz if the guest is in": a condition after the request too
    r"|\b(?:if|unless)\s+(?:the\s+)?(?:guests?|they|he|she|someone)\b"
    r"|\bjust\s+so\s+you\s+know\b|\b(?:may|might)\s+(?:want|like)\b|" + _REPORT_WORDS
)
# Reported speech and complaints ("305 isn't on jazz", "the guest hates jazz"): a request only with
# a verb of its own ("... please set it to jazz").
_STATEMENT = re.compile(
    r"\b(?:doesn'?t|isn'?t|aren'?t|wasn'?t|hates?|hated|complain\w*|too\s+loud|dislikes?)\b"
    # "12 is on jazz", "the pool has jazz": what plays, said
    r"|^(?!(?:what|whats|what's|which|who|how|where|is|are|does)\b)\S+(?:\s+\S+)?\s+"
    r"(?:(?:is|are)\s+(?:now\s+)?(?:on|playing|set\s+to)|(?:is|are)\s+now|has|was|were)\b"
    r"|^(?!(?:what|whats|who|where|how|which|that|it|there|here)['’]s)\S+['’]s\s+(?:now\s+)?on\b"
    r"|^\S+\s+is\s+\S+\s+now\b"
    # wishes not yet said ("may want", "asked if we have"), likes, questions of what can be
    r"|\basked\s+(?:if|whether)\b|^(?:could)\s+(?:room\s+)?\d\S*\s+be\b"
)
# "314 isn't on jazz, fix it": the complaint is the request, "isn't" negates nothing.
_FIX_IT = re.compile(r"\b(?:fix|sort)\s+(?:it|that|this)\b")
# A negation that governs the verb: "don't set 210", "please do not clear 305", "never change 204".
_NEGATED_VERB = re.compile(
    r"\b(?:don'?t|dont|do\s+not|never|not|won'?t|shouldn'?t|no\s+need\s+to)\s+(?:\w+\s+)?"
    r"(?:set|change|switch|tune|put|play|make|clear|cancel|delete|remove|wipe|touch|reset"
    # "204 should not be jazz", "204 mustn't have jazz": what the room must not have is no request
    r"|be|have)\b"
)
_CLEARED = frozenset({"cancelled", "canceled", "deleted", "removed", "wiped", "cleared"})
_QUESTION_START = re.compile(
    r"^(?:should|shall|was|were|did|does|do|how|has|have|had|why|who|when|is|are|will|would"
    r"|what|which|whats|what's|quelle?|qu'est)\b"
)


def _starts_as_question(low: str) -> bool:
    return bool(_QUESTION_START.match(low))


def small_talk(low: str) -> Command | None:
    """Greetings, thanks and goodbyes, alone or together ("hi, just checking in", "great, thanks")."""
    # Trailing repeats are emphasis: "thankss", "hii", "heyyy" (but "all" of "hi all" is a word).
    words = {
        w if w in _SMALL_TALK_WORDS else re.sub(r"(.)\1+$", r"\1", w)
        for w in re.findall(r"[a-z']+", low)
    }
    if low.startswith(("thank", "thx", "cheers")):
        return c.SmallTalk(kind="thanks")
    if not words or re.search(r"\d", low):
        return None
    if words & _THANKS_CORE and (words <= _THANKS | _GREETING or low.startswith(("thank", "thx"))):
        return c.SmallTalk(kind="thanks")
    greeting = words & {
        "hello",
        "hi",
        "hey",
        "hiya",
        "howdy",
        "yo",
        "morning",
        "evening",
        "bonjour",
    }
    if greeting and (words <= _GREETING or _CHATTER.match(low)):
        return c.SmallTalk(kind="greeting")
    if words <= (_BYE | _GREETING | _THANKS) and words & _BYE:
        return c.SmallTalk(kind="bye")
    return None


_CHATTER = re.compile(
    r"^(?:hello|hi|hey|bonjour|good\s+\w+)\b[\s,!.]*(?:just\s+checking\s+in|is\s+anyone\s+(?:there|here)"
    r"|anyone\s+(?:there|here|around)|how\s+are\s+you|are\s+you\s+there)?[\s?!.]*$"
)


def _place_said(low: str) -> str | None:
    """The place after "in"/"at"/"for" at the end of a question: a country's code when it names one,
    else the words as typed (the handler says it knows no property there, never answers for another)."""
    said = re.search(r"\b(?:in|at|for)\s+(?:the\s+)?([a-z][a-z .'-]*?)[\s?.!]*$", low)
    if said is None:
        return None
    return country_code(said[1]) or said[1].strip().title()


_CAN_I_GET = re.compile(r"^(?:can|could)\s+(?:i|we)\s+(?:get|have)\b|^do\s+you\s+(?:have|offer)\b")


def _listing(low: str, found: Entities, ws: set[str]) -> Understood:
    """Lists and lookups said in everyday words: stations offered, room types, rooms, where a room is."""
    prop = found.property_name
    stations = "stations" in ws or re.search(r"\bstation\s+list\b", low)
    if stations and found.station is None and not found.rooms:
        country = re.search(r"\b(?:in|at|for)\s+(?:the\s+)?([a-z][a-z .]*)$", low)
        code = country_code(country[1]) if country and prop is None else None
        return c.ListStations(where=prop or code)
    offered = re.search(r"\b(?:available|offered)\b", low) or (
        prop and _CAN_I_GET.search(low)  # "can I get hip hop in Nice?": no room, the catalog
    )
    if found.station and not found.has_target and offered:
        where = prop or _place_said(low)  # "in Paris": a country, or a property it must know
        return c.ListStations(where=where, station=found.station)  # "is jazz available in London?"
    if re.search(r"\bwhat\s+music\s+can\b|\bmusic\s+(?:is\s+)?(?:available|offered)\b", low):
        return c.ListStations(where=prop) if not found.rooms else None
    room_types = re.search(r"\broom\s*types\b|\b(?:kinds?|types?)\s+of\s+rooms?\b", low)
    if room_types and not found.rooms and found.station is None and not found.kinds:
        return c.ListRoomTypes(property_name=prop)
    if len(found.rooms) == 1 and (
        ws & {"find", "where", "where's", "locate", "lookup"}
        or ("look" in ws and "up" in ws)
        or re.search(r"\bwhich\s+(?:hotels?|propert(?:y|ies))\b", low)
    ):
        return c.FindRoom(room=found.rooms[0])
    lister = ws & {"list", "show", "which", "what", "see"} or low.startswith(
        ("list", "show", "rooms")
    )
    rooms_word = "rooms" in ws or found.room_type is not None
    about_music = ws & {"playing", "station", "music", "on", "listening"} or found.station
    quiet = not found.rooms and not about_music and not found.kinds and not ws & _HEALTH_WORDS
    if lister and rooms_word and quiet:
        return c.ListRooms(room_type=found.room_type, property_name=prop)
    bare_all = found.all_rooms and not (ws - _FILLER) and prop is not None
    if bare_all and quiet and found.room_type is None:
        return c.ListRooms(property_name=prop)  # "all rooms in Rive Gauche"
    return None


def target_of(found: Entities, *, property_alone: bool = False) -> Target | None:
    """The rooms the words name. A property alone is all its rooms only for a read
    (`property_alone`); a write needs all/every/whole said (`found.all_rooms`)."""
    prop = found.property_name
    if found.rooms:
        return Target(rooms=tuple(found.rooms), room_range=found.room_range, property_name=prop)
    left_out = tuple(found.excluded)  # "all villas except villa-5": the resolver leaves it out
    if found.room_type:
        return Target(
            room_type=found.room_type,
            property_name=prop,
            one=found.room_type_one and not left_out,
            excluded=left_out,
        )
    if found.all_rooms or (prop and property_alone):
        return Target(all_rooms=True, property_name=prop, excluded=left_out)
    return None


def _is_question(low: str, ws: set[str]) -> bool:
    if re.match(r"^(?:what'?s|whats|what|which|quelle?|is|are|does|how)\b", low):
        return True
    if ws & SET_WORDS - {"play"}:
        return False
    return bool(ws & QUESTION_WORDS or low.endswith("?") or "playing" in ws)


def _question(found: Entities, ws: set[str]) -> Understood:
    target = target_of(found, property_alone=True)
    if target is not None and target.one:  # a read of "the penthouse" may show them all
        target = replace(target, one=False)
    said_room = _unknown_room_said(found)
    if target is not None and target.all_rooms and not found.all_rooms and said_room:
        # "what's playing in Klimt at atelier": a room the index lacks, never the whole property
        target = Target(rooms=(said_room,), property_name=target.property_name)
    if target is not None:
        return c.AskStation(target=target)
    if said_room is not None and ws & {"playing", "station", "on", "listening", "music"}:
        # "what's playing in penthouse" where no room is so named: a read the resolver answers
        # with "I can't find …" and the names near it, never a bare "Which room?"
        return c.AskStation(target=Target(rooms=(said_room,), property_name=found.property_name))
    if ws & {"playing", "station", "on", "listening", "music"}:
        return Ask("Which room?", "target", c.AskStation(target=Target()))
    return None


def _unknown_room_said(found: Entities) -> str | None:
    """A word the lexicon does not know right after "in" (the place of a room in a question)."""
    words = found.words
    for at, word in enumerate(words[1:], 1):
        before = words[at - 1]
        after_the = before in ("the", "room") and at > 1 and words[at - 2] == "in"
        if (before == "in" or after_the) and word not in _FILLER and word not in _NOT_A_ROOM_IN:
            return found.typed.get(word, word)
    return None


_NOT_A_ROOM_IN = frozenset({"every", "each", "total", "general", "here", "now", "there"})


def _several(target: Target) -> bool:
    return len(target.rooms) > 1 or target.room_type is not None or target.all_rooms


def _station(found: Entities, ws: set[str]) -> Understood:
    target = target_of(found)
    if "or" in ws and found.station and target:
        return Ask(
            f"Which station for {_describe(target)}?", "station", c.SetStation(target, station="")
        )
    station = found.station or _typed_station(found, ws)
    said_set = bool(ws & SET_WORDS) or found.marker_text is not None
    if station and target:
        return c.SetStation(target=target, station=station)
    if station and (found.station or said_set):
        where = Target(property_name=found.property_name)
        return Ask("Which room?", "target", c.SetStation(target=where, station=station))
    if target and said_set:
        return Ask(
            f"Which station for {_describe(target)}?", "station", c.SetStation(target, station="")
        )
    station_word = ws & {"station", "stations", "music", "radio", "channel"}
    if target and target.rooms and station_word and ws <= _FILLER and not said_set:
        return c.AskStation(target=target)
    if target and _several(target) and ws <= _FILLER:
        return Ask(
            f"Which station for {_describe(target)}?", "station", c.SetStation(target, station="")
        )
    if target and target.rooms and ws <= _FILLER and (found.room_marked or station_word):
        return c.AskStation(target=target)
    return None


def _typed_station(found: Entities, ws: set[str]) -> str | None:
    """A station the lexicon does not know (a typo): what follows `to`/`->`, else the content words."""
    if found.disliked:
        return None  # "set 204 to not jazz": the station said is the one not wanted; asked
    if found.marker_text:
        text = _STATION_NOISE.sub("", found.marker_text.strip(" .,'\"")).strip()
        return text or None
    content = [w for w in found.words if w not in _FILLER and w not in SET_WORDS and w != "?"]
    if not content or not found.has_target or ws & CLEAR_WORDS:
        return None
    text = " ".join(content)
    if ws & SET_WORDS or _close_to_a_station(text):
        return text
    return None


def _close_to_a_station(text: str) -> bool:
    """A word next to a room without any verb is read as a station only when it is a clear typo of one."""
    catalog = default_catalog()
    return any(catalog.lookup(country, text).ok for country in COUNTRIES)


def _clear(found: Entities, ws: set[str], low: str = "") -> Understood:
    if not (ws & CLEAR_WORDS) and _is_question("", ws):
        return None
    if not (ws & CLEAR_WORDS) and not found.has_target:
        return None
    target = target_of(found)
    kinds = tuple(found.kinds)
    if not kinds and not ws & {"clear", "wipe", "reset", "erase", "purge"} and "all" not in ws:
        return None  # "delete room 251": the hierarchy's, not alerts
    if not kinds and target is None:
        return None
    if not kinds:
        where = _describe(target) if target else "the room"
        partial = c.ClearAlerts(target=target or Target(), kinds=())
        return Ask(
            f"Clear what in {where}: alarms, reminders, timers or everything?",
            "kinds",
            partial,
            choices=tuple(
                (label, f"clear {label} in {where}")
                for label in ("alarms", "reminders", "timers", "everything")
            ),
        )
    if target is None:
        return Ask("Which room?", "target", c.ClearAlerts(target=Target(), kinds=kinds))
    return c.ClearAlerts(target=target, kinds=kinds, note=_one_alert_note(low, kinds))


# Words that pick some of a room's alerts ("the 7am wake-up call", "the second alarm",
# "tomorrow's alarm"): Amazon's API clears all of a kind, so the bot says so and asks first.
_SOME_ALERTS = re.compile(
    r"\b(?:\d{1,2}(?:[:.h]\d\d)?\s*(?:am|pm|a\.m\.|p\.m\.|o'?clock)|\d{1,2}[:h]\d\d|first|second|third"
    r"|last|next|earliest|latest|early|(?:mon|tues|wednes|thurs|fri|satur|sun)day'?s?"
    r"|tomorrow'?s?|tonight'?s?|today'?s?|morning'?s?)(?!\w)"  # "a.m." ends on no word boundary
    r"|\b(?:one|a|an|this|that)\s+(?:\w+\s+)?"
    r"(?:alarm|wake[\s-]?up(?:\s+cal+)?|wakeup|reminder|timer)(?![\w-])(?!\s+cal+s)"
    # "the wake-up call": a room may have several, and Alexa clears them all (a timer is one)
    r"|\bthe\s+(?:\w+\s+)?(?:alarm|wake[\s-]?up(?:\s+cal+)?|wakeup)(?![\w-])(?!\s+cal+s)"
)


# A time or a day said with a clear: it may mean "later" or "only those for then"; neither can be done
_WHEN_SAID = re.compile(
    r"\b(?:(?:at\s+)?\d{1,2}(?:[:.h]\d\d)?\s*(?:am|pm|a\.m\.|p\.m\.|o'?clock)|\d{1,2}[:h]\d\d"
    r"|(?:(?:tomorrow|tonight|today|this)\s+)?(?:morning|afternoon|evening|night)"
    r"|tomorrow|tonight|(?:mon|tues|wednes|thurs|fri|satur|sun)day)(?!\w)|" + HOUR_AFTER_WORD
)


# "her wake-up call", "wake up call in 214 at rive gauche, cancel it": one alarm ("clear alarm in
# 105", a kind named without a word for one, is all of them)
_ONE = r"(?:alarm|wake[\s-]?up(?:\s+cal+)?|wakeup)(?![\w-])(?!\s+cal+s)"
_ONE_ALARM = re.compile(
    rf"\b(?:her|his|their|my|our|your|(?:the\s+)?guest'?s)\s+(?:\w+\s+)?{_ONE}"
    rf"|^\s*(?:the\s+)?{_ONE}.*\b(?:cancel|clear|delete|remove|kill)\s+(?:it|that)\b"
)
_ALL_OF = re.compile(r"\b(?:all|every|any|both)\b")


def _one_alert_note(low: str, kinds: tuple[AlertKind, ...]) -> str:
    some = _SOME_ALERTS.search(low) or (_ONE_ALARM.search(low) and not _ALL_OF.search(low))
    if not some or len(kinds) != 1:
        return ""
    kind = kinds[0].value
    when = _WHEN_SAID.search(low)
    if when is not None:
        return (
            f"I can only clear all {kind} of a room, and only now: not just those for "
            f"\u201c{when[0]}\u201d, and not later. A yes clears them all now."
        )
    return f"I can only clear all {kind} of a room, not one or some of them."


def _setting(found: Entities) -> Understood:
    key = found.setting or "max volume"
    value = (found.setting_value or "").strip()
    name = found.setting_name or ""
    if name.islower():
        name = name.title()  # profile names are capitalised ("Lobby", "Guest Rooms")
    roomish = not name or re.search(r"\d", name) or fold(name).split()[0] in ("room", "rm")
    if not roomish and value:
        return SetProfile(profile=name, setting=key, value=value)
    if not roomish:
        return Ask(f"What should the {key} of {name} be?", "value", SetProfile(name, key, ""))
    return Ask(
        f"The {key} is a setting of a room profile, not of a room. Which room profile "
        f"(e.g. `set profile Lobby {key} {value or '7'}`)?",
        "profile",
        SetProfile(profile="", setting=key, value=value),
    )


def _health(found: Entities, ws: set[str]) -> Command | None:
    prop = found.property_name
    days = max(1, -(-found.hours // 24)) if found.hours else None
    target = target_of(found, property_alone=False)
    if "uptime" in ws:
        return c.Uptime(property_name=prop, days=days or 7)
    if "digest" in ws:
        return c.ShowDigest(property_name=prop)
    roomless = re.search(
        r"\b(?:no|not\s+in\s+any|without\s+a|without\s+any)\s+rooms?\b", " ".join(found.words)
    )
    if "unplaced" in ws or (ws & {"device", "devices", "echo", "echos"} and roomless):
        return c.UnplacedDevices()
    if "flapping" in ws:
        return c.Flapping(hours=found.hours or 24, property_name=prop)
    if ws & {"history", "timeline", "events"}:
        subject = found.serial or _subject(found)
        return c.DeviceHistory(subject=subject, days=days or 7) if subject else None
    down = ws & {"offline", "down", "unreachable"}
    if down and target is None and not found.serial:
        return c.OfflineDevices(property_name=prop, everywhere=found.everywhere)
    online_words = {
        "online",
        "offline",
        "echo",
        "connected",
        "working",
        "down",
        "reachable",
        "unreachable",
        "alexa",
    }
    if ws & {"status", "health"} or (ws & {"device", "devices"} and not ws & online_words):
        if found.serial:
            return c.RoomDevices(serial=found.serial)
        return c.RoomDevices(target=target) if target else None
    if target is not None and ws & online_words:
        return c.EchoOnline(target=target)
    return None


def _subject(found: Entities) -> str | None:
    if len(found.rooms) != 1:
        return None
    where = f" at {found.property_name}" if found.property_name else ""
    return found.rooms[0] + where


def _describe(target: Target) -> str:
    return target.describe()


def fill(partial: Command, missing: str, text: str, lexicon: Lexicon) -> Command | None:
    """The answer to an Ask: the missing part found in `text`, or None when it is not there."""
    found = find_entities(text, lexicon)
    if missing == "station" and isinstance(partial, c.SetStation):
        named = target_of(found)
        if named is not None and (named.rooms, named.room_type) != (
            partial.target.rooms,
            partial.target.room_type,
        ):
            return None  # "the guy in premier wants jazz": other rooms, a request of its own
        station = found.station or _station_answer(text, found)
        return c.SetStation(target=partial.target, station=station) if station else None
    if missing == "target":
        target = target_of(found)
        if target is None or (found.room_shadowed and target.room_type and not target.rooms):
            return None  # none, or a room and a room type of one name: asked again, never guessed
        other_station = (
            isinstance(partial, c.SetStation)
            and found.station is not None
            and fold(found.station) != fold(partial.station)
        )
        if found.excluded or other_station or (found.kinds and isinstance(partial, c.SetStation)):
            return None  # more than rooms: a request of its own, never this question's answer
        known = getattr(partial, "target", None)
        if target.property_name is None and isinstance(known, Target) and known.property_name:
            target = replace(target, property_name=known.property_name)
        if isinstance(partial, c.SetStation):
            return c.SetStation(target=target, station=partial.station)
        if isinstance(partial, c.ClearAlerts):
            return c.ClearAlerts(target=target, kinds=partial.kinds)
        if isinstance(partial, c.AskStation):
            return c.AskStation(target=target)
    if missing == "kinds" and isinstance(partial, c.ClearAlerts) and found.kinds:
        return c.ClearAlerts(target=partial.target, kinds=tuple(found.kinds))
    if missing == "place" and isinstance(partial, SetPropertyPlace):
        return _place_answer(partial.property_name, text)
    if missing == "profile":
        name = _answer_words(text)
        if (name and name.casefold() in _NOT_A_PROFILE) or found.setting or found.has_target:
            return None  # "profiles", the request again: its own, never a profile's name
        if name and isinstance(partial, SetProfile):
            return SetProfile(profile=name, setting=partial.setting, value=partial.value)
    return None


_NOT_A_PROFILE = frozenset({"profile", "profiles", "room profile", "room profiles", "all"})

_NOT_A_STATION = SET_WORDS | CLEAR_WORDS | DEFER_WORDS | QUESTION_WORDS | {
    "recent", "did", "does", "is", "was", "off", "stop", "undo", "retry", "status", "offline",
    "yes", "no", "cancel", "help",
}  # fmt: skip


def _station_answer(text: str, found: Entities) -> str | None:
    """Words the lexicon does not know answer "Which station?" only when they could be a station's
    name: no room, no verb, no command word (`recent changes` and a repeated request are their own)."""
    if found.has_target or found.kinds or set(found.words) & _NOT_A_STATION:
        return None
    return _answer_words(text)


def _place_answer(property_name: str, text: str) -> SetPropertyPlace | None:
    """`US`, `US America/New_York`, `Europe/London`, `united kingdom, Europe/London`."""
    zone = _ZONE.search(text)
    timezone = timezone_name(zone[1]) if zone else None
    rest = (text[: zone.start()] + " " + text[zone.end() :]) if zone else text
    said = re.sub(r"\b(?:country|time\s*zone|tz|in|is|and|the)\b|[,;:=]", " ", rest, flags=re.I)
    country = country_code(said.strip(" .")) if said.strip(" .") else None
    if (zone and timezone is None) or (said.strip(" .") and country is None):
        return None  # something that is not a place: not an answer
    if country is None and timezone is None:
        return None
    return SetPropertyPlace(property_name=property_name, country=country, timezone=timezone)


def _answer_words(text: str) -> str | None:
    words = [w for w in text.split() if fold(w) not in _FILLER]
    answer = " ".join(words).strip(" .,!?'\"")
    return answer or None


__all__ = ["AlertKind", "Ask", "Understood", "fill", "target_of", "understand"]


# "stop the music", "turn the radio off", "mute 204": Amazon's API has no "off" for a station.
_OFF = re.compile(
    r"\b(?:stop|pause|mute|silence|(?:turn|switch|shut|put)\s+(?:\S+\s+){0,3}?off|off)\b"
)
# A station named to be taken away: "cancel jazz in 204", "jazz gone from 204", "no more jazz".
_REMOVE_STATION = re.compile(
    r"\b(?:cancel|cancell?ed|canceled|remove|removed|delete|deleted|clear|cleared|drop|dropped|kill"
    r"|erase|erased|wipe|wiped|gone\s+from|get\s+rid\s+of|no\s+more)\b"
)


def _takes_away(low: str, found: Entities) -> bool:
    """The station is named to be taken away: "cancel jazz", "no jazz after 10" (never "no wait,
    classical", a station said instead)."""
    if _NOT_A_REQUEST.search(low) or _NEGATION.match(low):
        return False  # "no jazz in 204": said and answered as a negation
    station = re.escape(found.station or "")
    return bool(_REMOVE_STATION.search(low) or re.search(rf"\bno\s+{station}\b", low))


# A second request after the first: "... and clear alarms in 204", "... . set 313 to jazz".
_SECOND_REQUEST = re.compile(
    r"(?:\band\b|\bthen\b|[,.;])\s+(?:also\s+|then\s+|please\s+)*"
    r"(?:set|change|switch|tune|put|play|clear|cancel|delete|remove|show|check|what'?s)\b"
)


_SET_TO = re.compile(r"\b(?:set|change|switch|tune|put)\b.*?\bto\b")


def _not_done(low: str, found: Entities, ws: set[str]) -> c.NotDone | Ask | None:
    """What is understood but must not be done as typed (bot/core/commands/cmd_not_done.py says why)."""
    if ws & DEFER_WORDS and not (found.station or found.kinds):
        # the phrasing hooks' (add, rename, audit...): their names may hold several entities
        return None
    about_music = found.has_target or ws & {"music", "radio", "station", "stream", "playing"}
    device = ws & _HEALTH_WORDS or found.serial  # "is the echo in 204 switched off?": health
    if (
        found.setting is None
        and not found.kinds
        and not device
        and _OFF.search(low)
        and about_music
    ):
        return c.NotDone("switch_off", understood=f"switch off the music in {_rooms_said(found)}")
    if found.station and not found.kinds and found.setting is None and _takes_away(low, found):
        # "cancel jazz in 204", "remove the jazz from 204", "204 no jazz": never jazz put on
        return c.NotDone("switch_off", understood=f"switch off the music in {_rooms_said(found)}")
    if found.floor:
        return c.NotDone("floors", understood=low)
    stations = [found.station, *found.other_stations] if found.station else []
    if found.stations_adjacent and found.station:
        return _which_station(found, stations)
    if found.other_stations and found.station_room and not found.has_target:
        return _room_named_like_a_station(found)
    if found.rooms_like_stations and found.station and not found.property_name:
        return _rooms_named_like_stations(found, found.station)
    if found.other_stations and "or" not in ws:
        named = " and ".join(s.title() for s in stations if s)
        return c.NotDone(
            "several_stations", understood=f"stations {named} for {_rooms_said(found)}"
        )
    # "set Everest to pop and clear alarms in K2": the station word may also name a room (Pop)
    setting = found.station or _SET_TO.search(low)
    two = setting and found.kinds and ws & CLEAR_WORDS and ws & SET_WORDS
    before = _SECOND_REQUEST.search(low)
    said_before = before and _said_something(low[: before.start()], found) and not found.disliked
    if two or found.other_properties or said_before:  # "hates jazz, play classical": context
        return c.NotDone("two_requests", understood=low)
    if found.kinds and (_KINDS_APART.search(low) or _rooms_between_kinds(low, found)):
        return c.NotDone("two_requests", understood=low)
    if _PREVIOUS_STATION.search(low) and (found.has_target or found.station):
        return c.NotDone("previous_station", understood=low)
    if found.excluded and not (found.rooms or found.room_type or found.all_rooms):
        return c.NotDone("except", understood=low)
    left = set(found.words)
    # (with alert kinds, "everything" is every kind: "clear everything in 105 but the alarms")
    every = ALL_ROOMS if found.kinds else EVERY_ROOM_SAID
    if not found.excluded and every.search(low) and _LEAVING_OUT.search(low):
        # "all rooms but the junior suites", "everything but lakeside": what is left out is a room
        # type or a place, never the rooms changed
        return c.NotDone("except", understood=low)
    if left & _EXCLUSION_WORDS or ("not" in left and _NOT_LISTED.search(low)):
        # "all rooms at Alpine but not the penthouses": what is left out was not understood, so
        # nothing runs (never the rooms named after "not")
        return c.NotDone("except", understood=low)
    if _rooms_and_more(found, low):
        return c.NotDone("rooms_and_more", understood=low)
    return None


def _rooms_and_more(found: Entities, low: str) -> bool:
    """ "set the junior suites and 204 to jazz", "all rooms to jazz, garden too": rooms named with a
    whole room type or with all rooms. One of them alone would be a guess (204 alone dropped the
    suites), so nothing runs. "all rooms 101-110" names the rooms, "everything in 204" one room."""
    if not found.rooms:
        return False
    if found.room_type and (not found.room_type_one or _type_listed(found.room_type, low)):
        return True
    if found.room_type and found.room_shadowed:  # "studio and loft jazz": room Loft or Lofts?
        return True
    said = ALL_ROOMS.search(low)
    return said is not None and not _ROOMS_RIGHT_AFTER.match(low, said.end())


def _type_listed(room_type: str, low: str) -> bool:
    """ "204 and the penthouse", "penthouse, 204", "204, penthouse too": a room type said as one of
    a list of rooms (not "204 in Deluxe King", which names where 204 is)."""
    name = re.escape(key_of(room_type))
    return bool(
        re.search(
            rf"(?:,|\band|&|\bplus)\s+(?:the\s+|a\s+)?{name}s?\b|\b{name}s?\s*(?:,|\band\b|&)"
            rf"|\b{name}s?\s+(?:too|as\s+well)\b",
            fold(low),
        )
    )


_ROOMS_RIGHT_AFTER = re.compile(
    r"\s*(?:(?:at|in|of|from|between|numbered|number|nos?\.?)\s+)?(?:rooms?\s+|#)?\S*\d"
)


_ALERTS_ASKED = re.compile(
    r"^(?:what|whats|what's|which|how\s+many|any|are\s+there|is\s+there|show|list|check|see)\b"
    r"|\b(?:situation|status|set\s+for|listed|scheduled)\b|\?\s*$"
)
_LEAVING_OUT = re.compile(
    r"\b(?:but|save|except|excluding|besides|without|other\s+than|apart\s+from)\b"
    r"|\b(?:all|every)\s+rooms?\s+not\b"
)
_EXCLUSION_WORDS = frozenset({"except", "excluding", "without", "skip", "skipping", "besides"})
_NOT_LISTED = re.compile(r"(?:,|\bbut|\band)\s*not\b")
_CORRECTED_INSIDE = re.compile(
    # (each alternative is tried from one place only, or after something was said, never from
    # every position with a ".*?" before it: that cost 0.4 ms a message)
    r"(?<=\S)[,;.]?\s*\b(?:no\s+wait|wait|no|sorry|i\s+mean|actually|oops)\b[\s,]+(?:just|only)\b"
    r"|(?<=\s)(?:no\s+wait|wait|no|sorry|i\s+mean|actually|oops)\b[\s,]+(?:just|only)\b"
    # "set 112 to pop no wait 111": corrected after the request began, whatever follows (a
    # message that begins with the correction is the engine's: it corrects the last change)
    r"|^(?!\s*(?:no|wait|sorry|actually|oops|i\s+mean|i\s+meant)\b)\S.*?\b(?:no\s+wait|wait"
    r"|sorry|i\s+mean|i\s+meant|actually|oops|scratch\s+that|make\s+that)\b(?=[\s,.:;-]*\w)"
    # "set 204, no 205, to jazz", "set 204 no 205 to jazz", "204 jazz, 205 no": a room said and
    # taken back ("room no 204" is a number)
    r"|(?<=\S),\s*no\s*,|(?<=\s)(?<!\broom )(?<!\brm )no\s+(?:room\s+)?\d|\d[a-z]?\s+no\s*$"
    # "set 204 to jazz. no, 205", "set a101 to jazz? no a102": taken back in a sentence of its own
    r"|(?<=\S)[.?!]\s*no\b[\s,]+(?:room\s+)?\S"
    # "set 204 (205?) to jazz": a room said unsure
    r"|\([^()]*\?\s*\)"
)
# "clear alarms in 118 and reminders in 119": each kind for its own rooms (never both in both)
_KINDS_APART = re.compile(
    r"\b(?:alarms?|reminders?|timers?|wake[\s-]?ups?(?:\s+calls?)?)\s+(?:in|for)\s+\S+"
    r".*?\b(?:and|&|,)\s*(?:the\s+)?(?:alarms?|reminders?|timers?|wake[\s-]?ups?)\s+(?:in|for)\s+\S"
    r"|\b\S+\s+(?:alarms?|reminders?|timers?),\s*\S+\s+(?:alarms?|reminders?|timers?)\b"
)
_ASKED_FOR = re.compile(r"\b(?:wants?|needs?|please|pls|can\s+you|could\s+you|get|have|be)\b")
_KIND_WORD = re.compile(r"\b(?:alarm|reminder|timer|wake[\s-]?up)s?\b")


def _rooms_between_kinds(low: str, found: Entities) -> bool:
    """ "clear 118 alarms and 119 reminders", "clear alarms 118 timers 119": a room said between
    two kinds, so each kind may be for its own room (never both in both)."""
    kinds = list(_KIND_WORD.finditer(low))
    if len(kinds) < 2 or len(found.rooms) < 2:
        return False
    names = [fold(room).lower() for room in found.rooms]
    for first, second in pairwise(kinds):
        if first[0].rstrip("s") == second[0].rstrip("s"):
            continue
        between = low[first.end() : second.start()]
        if re.search(r"\d", between) or any(name in between for name in names):
            return True
    return False


# "set 204 to the old station": the one before, never Oldies; undo says what it was
_PREVIOUS_STATION = re.compile(
    r"\b(?:the\s+)?(?:(?:old|previous|original|usual|former)\s+(?:station|one|music)|last\s+station)\b"
)


def _room_after_to(command: c.SetStation | c.ClearAlerts, found: Entities, low: str) -> Understood:
    """`set chill at brighton to folk` where Chill and Folk are rooms and "chill" a mood word:
    what follows "to" is the station asked for, never the room (asked, never swapped)."""
    to = re.search(r"\b(?:to|->)\s+(?P<after>[^,]+?)\s*(?:\bat\s.*)?[.!?]*$", low)
    if not isinstance(command, c.SetStation) or to is None or not found.station_room:
        return None
    said = to["after"].strip()
    if key_of(said) == key_of(command.station):
        return None  # "set Jazz to jazz": the station is what follows "to"
    if not any(key_of(room) == key_of(said) for room in command.target.rooms):
        return None
    from bot.core.shared.registry import rephrase  # the registry's entries import the handlers

    meant = c.SetStation(
        target=Target(rooms=(found.station_room,), property_name=found.property_name),
        station=said,
    )
    return Ask(
        f"Do you mean room {found.station_room} to \u201c{said}\u201d? Nothing was changed.",
        "yes",
        meant,
        choices=((f"Yes, room {found.station_room}", rephrase(meant)),),
    )


def _room_named_like_a_station(found: Entities) -> Ask:
    """`set Jazz to classical` where a room is named Jazz: that room is asked about, never guessed."""
    from bot.core.shared.registry import rephrase  # the registry's entries import the handlers

    room, station = found.station_room or "", found.other_stations[0]
    target = Target(rooms=(room,), property_name=found.property_name)
    where = f" at {found.property_name}" if found.property_name else ""
    command = c.SetStation(target=target, station=station)
    return Ask(
        f"Do you mean room {room}{where} (to {station.title()})? Nothing was changed.",
        "target",
        command,
        choices=((f"Yes, room {room}", rephrase(command)),),
    )


def _rooms_named_like_stations(found: Entities, station: str) -> Ask:
    """`set Jazz and Country to pop` where rooms are named Jazz and Country: asked, never guessed."""
    from bot.core.shared.registry import rephrase  # the registry's entries import the handlers

    command = c.SetStation(target=Target(rooms=tuple(found.rooms)), station=station)
    named = ", ".join(found.rooms)
    return Ask(
        f"Do you mean rooms {named} (to {station.title()})? Nothing was changed.",
        "target",
        command,
        choices=((f"Yes, rooms {named}", rephrase(command)),),
    )


def _said_something(text: str, found: Entities) -> bool:
    """A request before "and set ...": a verb and a room (a number, or a room's name the message
    names: "set cathedral to gospel and what's playing in kachina"), not "hi," or "please"."""
    verbs = SET_WORDS | CLEAR_WORDS | {"what's", "whats", "playing", "show", "check"}
    named = any(
        re.search(rf"(?<![\w-]){re.escape(fold(room))}(?![\w-])", text) for room in found.rooms
    )
    return (bool(re.search(r"\d", text)) or named) and bool(set(text.split()) & verbs)


def _rooms_said(found: Entities) -> str:
    target = target_of(found)
    return target.describe() if target is not None else "no room"


def _which_station(found: Entities, stations: Sequence[str | None]) -> Ask:
    """`set 305 to Classical Rock`: a name between two stations is asked about, never guessed."""
    from bot.core.shared.registry import rephrase  # the registry's entries import the handlers

    target = target_of(found) or Target()
    said = " ".join(s for s in stations[:2] if s)
    catalog = default_catalog()
    near = [m.station.name.lower() for co in COUNTRIES if (m := catalog.lookup(co, said)).station]
    rest = near or [s or "" for s in stations[1:]]
    named = list(dict.fromkeys([stations[0] or "", *rest]))[:3]
    commands = [c.SetStation(target=target, station=s) for s in named]
    return Ask(
        f"Which station: {' or '.join(s.title() for s in named)}? Nothing was changed.",
        "station",
        c.SetStation(target=target, station=""),
        choices=tuple((s.title(), rephrase(cmd)) for s, cmd in zip(named, commands, strict=True)),
    )


# --- the last step: a write runs only on a complete reading ----------------------------------------


def _unclear_range(a: str, b: str) -> c.NotDone:
    """`villa-1 to Orchid`: the names share no scheme, so the rooms between are not known."""
    return c.NotDone("unclear_range", understood=f"rooms {a} and {b}, joined as a range")


def _range_guess(command: c.SetStation | c.ClearAlerts, ends: tuple[str, str]) -> Understood:
    """`cabins 1-4`: "Do you mean Cabin-1 to Cabin-4?", with a yes that names them."""
    from bot.core.shared.registry import rephrase  # the registry's entries import the handlers
    from bot.core.understanding.entities import _range_of

    rooms = _range_of(*ends)
    if not rooms:
        return c.NotDone("backwards_range", understood=f"rooms {ends[0]} down to {ends[1]}")
    guessed = replace(command, target=replace(command.target, rooms=tuple(rooms), room_range=ends))
    where = f" at {command.target.property_name}" if command.target.property_name else ""
    return Ask(
        f"Do you mean rooms {ends[0]} to {ends[1]}{where} ({len(rooms)} rooms)? Nothing was changed.",
        "target",
        guessed,
        choices=((f"Yes, {ends[0]} to {ends[1]}", rephrase(guessed)),),
    )


# Words that say "a station" without naming one
_GENERIC_STATION = re.compile(
    r"\s*(?:(?:a|an|the|some|any|another|other|a\s+different|one)\s+)?"
    r"(?:station|stations|music|radio|channel|something|anything)(?:\s+else)?\s*"
)


def complete(
    result: Understood, found: Entities, low: str, text: str = "", *, raw: str = ""
) -> Understood:
    """`result` when every word of a write is understood; otherwise what the bot will not do."""
    command = result.partial if isinstance(result, Ask) else result
    if not isinstance(command, c.SetStation | c.ClearAlerts):
        return result
    if _REPORT.search(low):  # a hook's form with a report or a "not now" in it
        return c.SmallTalk(kind="negation")
    if isinstance(command, c.SetStation) and _GENERIC_STATION.fullmatch(fold(command.station)):
        # "set Everest to a station": no station named, never the catalog's "Wynn's Station"
        target = command.target
        return Ask(
            f"Which station for {_describe(target)}?", "station", replace(command, station="")
        )
    understood = _understood(command)
    swapped = _room_after_to(command, found, low)
    if swapped is not None:
        return swapped
    if found.backwards_range:
        a, b = found.backwards_range
        return c.NotDone("backwards_range", understood=f"rooms {a} down to {b}")
    if found.unclear_range:
        return _unclear_range(*found.unclear_range)
    if found.range_guess:
        return _range_guess(command, found.range_guess)
    if found.everywhere or CHAIN_SCOPE.search(low):
        return c.NotDone("chain_scope", understood=understood)
    if _CORRECTED_INSIDE.search(low):  # "set 313 314 to pop, no wait just 314": which is meant?
        return c.NotDone("corrected_inside", understood=understood)
    clear_said = set(found.words) & (CLEAR_WORDS | _CLEARED)
    # "wake up call for 118 cancelled": a past participle alone may report what was done; asked
    reported = not (clear_said & CLEAR_WORDS) and not _ASKED_FOR.search(low)
    asks_alarm = isinstance(command, c.ClearAlerts) and (not clear_said or reported)
    # "wake up call for 6:30 in 312": a time with no word of clearing asks for an alarm
    if asks_alarm and (
        ALARM_SETTING.search(low) or TIME.search(low) or re.search(r"\b\d{1,2}:\d\d\b", low)
    ):
        return c.NotDone("alarm_set", understood=low)
    if asks_alarm and _ALERTS_ASKED.search(low):  # "what alarms are set in 118?": not listable
        return c.NotDone("alarm_list", understood=low)
    # after what is refused ("snooze the alarm in Premium" is no clear of room Premium's alarms)
    if found.room_shadowed and command.target.room_type and not command.target.rooms:
        return _room_or_room_type(command, found.room_shadowed)
    loose = _loose_word_rooms(command.target, found)
    if loose:
        return _word_rooms_or_not(command, loose)
    if asks_alarm and isinstance(command, c.ClearAlerts) and isinstance(result, c.ClearAlerts):
        # "alarms in 305": a question as much as a request
        from bot.core.shared.registry import rephrase  # the registry's entries import the handlers

        kinds = " and ".join(k.value for k in command.kinds)
        return Ask(
            f"Clear all {kinds} in {_describe(command.target)}? I can't list them, only "
            "delete them. Nothing was changed yet.",
            "verb",
            command,
            choices=(("yes", rephrase(command)),),
        )
    times = list(TIME.finditer(low))  # one search: the first is the time said back
    time = times[0] if times else None
    # "at 7am tomorrow": the words of every time said, not only the first
    time_words = {w for said in times for w in _WORD.findall(said[0])}
    if (
        time
        and _GUESTS_COMING.search(low)
        and not re.search(r"\d", time[0])
        # "when the guest arrives", "on arrival": the moment of the change itself
        and not re.match(r"(?:when|once|as|before|after|at|on|by|upon)\b", time[0])
    ):
        time = None  # "guests arriving later, put on jazz": when they come, not when to change
    station_words = (
        frozenset(_WORD.findall(fold(command.station)))
        if isinstance(command, c.SetStation)
        else frozenset()
    )
    if isinstance(command, c.SetStation) and _FIX_IT.search(low):  # "isn't on jazz, fix it"
        time_words |= {"fix", "sort"}
    if command.target.property_name:  # "the lyon one, put jazz in 112 at lyon": said twice
        time_words |= set(_WORD.findall(fold(command.target.property_name)))
    if isinstance(command, c.ClearAlerts):  # "the second alarm": said back by the note, asked
        time_words |= {w for m in _SOME_ALERTS.finditer(low) for w in _WORD.findall(m[0])}
    left = [
        found.typed.get(w, w) for w in unfollowed(found.words, station_words) if w not in time_words
    ]
    if isinstance(command, c.ClearAlerts) and found.station:
        left.append(found.station)  # a station named in a clear: not part of the reading
    if isinstance(command, c.SetStation) and found.kinds:
        left.extend(k.value for k in found.kinds)
    typed = _typed_room(command, found, left, text, raw) if left else None
    if typed is not None:  # `set Birhc to jazz`: the resolver says it is not a room, nearest names
        return replace(command, target=replace(command.target, rooms=(typed,), room_range=None))
    if not left and (dangling := _DANGLING.search(text)):  # a part cut short is never guessed
        return c.NotDone("cut_short", understood=f"{understood}, then \u201c{dangling[1]}\u201d")
    if left:
        return c.NotDone("unfollowed", understood=understood, unfollowed=tuple(left))
    if time and isinstance(result, c.SetStation):
        return _applies_now(result, time[0].strip())
    if time and isinstance(result, c.ClearAlerts) and not result.note:
        return _applies_now(result, time[0].strip())
    if time and isinstance(result, Ask) and result.missing == "target":
        # "set jazz tomorrow": the room named next is changed now, so the question says so first
        said = time[0].strip()
        return replace(
            result,
            question=f"I can't schedule a change for \u201c{said}\u201d: changes apply as soon as "
            "they are made. Which room should I change now? Nothing was changed yet.",
        )
    return result


_WORD = re.compile(r"[a-z0-9'’]+")
# A message that stops on a word that needs more after it (round 26: `set 101 to jazz and 102 to`
# set 102 to Jazz as well)
# ("in" is not one of them: "guest group checking in")
_DANGLING = re.compile(r"\b(to|into|and|at|for|with|from|plus|then)\s*[.!?,;:]*\s*$", re.IGNORECASE)
# Guests coming: a time then says when they come, not when the change should be made.
_GUESTS_COMING = re.compile(r"\b(?:arriv\w*|check(?:s|ing)?[\s-]*in|coming|due)\b")
# "set Birhc to jazz", "set Cabin 10 to jazz", "set the lofts at Juniper Creek to jazz"
_TYPED_NAME = re.compile(
    r"^\s*(?:please\s+)?(?:set|change|switch)\s+(?:the\s+)?(?:room\s+)?"
    r"(?P<name>[^\W\d][^\s,]*(?:\s+\d{1,4})?)\s+(?:at\s+.+?\s+)?to\s+\S",
    re.I,
)


def _typed_room(
    command: c.SetStation | c.ClearAlerts, found: Entities, left: list[str], text: str, raw: str
) -> str | None:
    """The name typed where a room goes, when it is the only word not followed and no room was
    read: it goes to the resolver as a room name, which finds it in the index or says it is not
    there with the nearest names (a question, never a write)."""
    if not isinstance(command, c.SetStation) or not command.station or found.kinds:
        return None
    target = command.target
    if target.room_type or target.all_rooms or found.other_stations or found.excluded:
        return None
    m = _TYPED_NAME.match(text)
    if m is None:
        return None
    name = m["name"]
    words = _WORD.findall(fold(name))
    if target.rooms and (len(words) != 2 or target.rooms != (words[1],)):
        return None  # a room read already, other than the number of "Cabin 10"
    if not words or {fold(w) for w in left} != {w for w in words if not w.isdigit()}:
        return None
    typed = _TYPED_NAME.match(raw)  # as typed, before spelling: "lofts", never "lots"
    if typed is not None and len(typed["name"].split()) == len(name.split()):
        return typed["name"]
    return name


def _understood(command: c.SetStation | c.ClearAlerts) -> str:
    named = _has_target(command.target)
    where = command.target.describe() if named else ""
    unnamed = "; no room I know was named"  # say what was not found, not "a room not named"
    if isinstance(command, c.SetStation):
        station = command.station.title() if command.station else "a station not named"
        if not named:
            return f"set the station to {station}{unnamed}"
        return f"set the station of {where} to {station}"
    kinds = ", ".join(k.value for k in command.kinds) or "alerts"
    return f"clear the {kinds} of {where}" if named else f"clear the {kinds}{unnamed}"


def _has_target(target: Target) -> bool:
    return bool(target.rooms or target.room_type or target.all_rooms)


def _room_or_room_type(command: c.SetStation | c.ClearAlerts, room: str) -> Ask:
    """`Penthouse` names a room and a room type: one room or all the type's rooms is never guessed."""
    from bot.core.shared.registry import rephrase  # the registry's entries import the handlers

    one = replace(command, target=replace(command.target, room_type=None, one=False, rooms=(room,)))
    every = replace(command, target=replace(command.target, one=False))
    return Ask(
        f"\u201c{room}\u201d is a room and a room type. Do you mean room {room}, or every room of "
        f"room type {command.target.room_type}? Nothing was changed.",
        "target",
        replace(command, target=Target(property_name=command.target.property_name)),
        choices=(
            (f"room {room}", rephrase(one)),
            (f"room type {command.target.room_type}", rephrase(every)),
        ),
    )


def _loose_word_rooms(target: Target, found: Entities) -> tuple[str, ...]:
    """The rooms named by a plain word beside other rooms, not joined to them: "set 204 to jazz at
    the spa" may mean room Spa or the place the speaker is. One room alone is meant."""
    loose = tuple(r for r in target.rooms if r in found.loose_word_rooms)
    others = len(target.rooms) - len(loose)
    alone = len(loose) == 1 and not (others or target.room_range or target.room_type)
    if alone or target.all_rooms:
        loose = ()
    # "set jazz from the office": who asked, even when no other room is named
    return loose or tuple(r for r in target.rooms if r in found.speaker_rooms)


def _word_rooms_or_not(command: c.SetStation | c.ClearAlerts, loose: tuple[str, ...]) -> Ask:
    """Whether words that are also rooms' names were meant as those rooms is never guessed."""
    from bot.core.shared.registry import rephrase  # the registry's entries import the handlers

    names = " and ".join(f"\u201c{r}\u201d" for r in loose)
    kept = tuple(r for r in command.target.rooms if r not in loose)
    every = rephrase(command)
    choices = [(f"with {_describe(replace(command.target, rooms=loose))}", every)]
    if kept or command.target.room_range or command.target.room_type:
        without = replace(command, target=replace(command.target, rooms=kept))
        choices.append((f"only {_describe(without.target)}", rephrase(without)))
    else:
        choices = [
            (_describe(replace(command.target, rooms=(r,))), rephrase(_one_room(command, r)))
            for r in loose
        ]
        if len(loose) > 1:
            choices.append((f"all of {_describe(command.target)}", every))
    too = " too" if len(command.target.rooms) > 1 or command.target.room_range else ""
    return Ask(
        f"{names} {'is a room' if len(loose) == 1 else 'are rooms'} here{too}. Did you mean "
        f"{_describe(command.target)}? Nothing was changed.",
        "target",
        replace(command, target=Target(property_name=command.target.property_name)),
        choices=tuple(choices),
    )


def _one_room(command: c.SetStation | c.ClearAlerts, room: str) -> c.SetStation | c.ClearAlerts:
    return replace(command, target=replace(command.target, rooms=(room,)))


def _applies_now(command: c.SetStation | c.ClearAlerts, time: str) -> Ask:
    from bot.core.shared.registry import rephrase  # the registry's entries import the handlers

    what = _understood(command)
    if is_limited(time):  # "for 2 hours": a change cannot run out
        said = (
            f"I can't make a change that runs out or repeats (\u201c{time}\u201d): it applies as "
            "soon as it is made and stays until it is changed again. "
            f"Do you want me to {what} now, for good? Nothing was changed yet."
        )
    else:
        said = (
            f"I can't schedule a change for \u201c{time}\u201d: changes apply as soon as they are "
            f"made. Do you want me to {what} now? Nothing was changed yet."
        )
    return Ask(
        said,
        "yes",
        command,
        choices=(("yes", rephrase(command)),),
    )
