"""Entity-first understanding: the entities of a message first, then the intent from the words left over.

`understand(text, lexicon)` returns a Command when the message is complete, an `Ask` when a part is
missing or unclear (the engine asks it and the next message answers), or None when the message is not
about rooms, stations, alerts or devices (the rule list then has a go: hierarchy, profiles, lists).
Nothing here guesses: a station without a room asks "Which room?", `clear all in 204` asks what.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.core import commands as c
from bot.core.commands import AlertKind, Command, Target
from bot.core.entities import Entities, find_entities, too_large
from bot.core.lexicon import Lexicon, fold
from bot.core.profiles import SetProfile
from bot.index.catalog import COUNTRIES, default_catalog

SET_WORDS = frozenset(
    {
        "set", "change", "switch", "tune", "put", "play", "make", "update", "turn", "want",
        "wants", "need", "needs", "like", "likes", "should", "->", "give", "start", "use",
    }
)  # fmt: skip
CLEAR_WORDS = frozenset(
    {"clear", "cancel", "delete", "remove", "wipe", "reset", "erase", "kill", "drop", "purge"}
)
QUESTION_WORDS = frozenset(
    {"what", "whats", "what's", "which", "?", "listening", "tell", "check", "show", "get"}
)
# Words of commands the rule list owns (hierarchy, profiles, users, lists, help, sync, audit).
DEFER_WORDS = frozenset(
    {
        "rename", "add", "create", "new", "profile", "profiles", "user", "users", "object",
        "types", "properties", "hotels", "find", "locate", "where", "audit", "changes", "help",
        "sync", "resync", "refresh", "reload", "digest", "stations", "lookup", "search", "list",
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
_NEGATION = re.compile(
    r"^(?:no\s*,?\s*)?(?:please\s+)?(?:don'?t|do\s+not|never|not|no\s+need\s+to|nobody\s+should|"
    r"we\s+don'?t\s+(?:want|need)\s+to|i\s+don'?t\s+(?:want|need)\s+(?:you\s+)?to)\b"
)
# Words that carry no meaning of their own around the entities.
_FILLER = frozenset(
    {
        "room", "rooms", "rm", "rms", "the", "a", "an", "in", "at", "for", "of", "to", "on",
        "please", "pls", "guest", "guests", "i", "we", "can", "you", "could", "would", "it",
        "its", "some", "station", "music", "radio", "channel", "default", "s", "and", "into",
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
        "dot", "alexa", "speaker", "working", "up", "down", "reachable", "unreachable",
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


def understand(text: str, lexicon: Lexicon) -> Understood:
    low = fold(text).strip()
    found = find_entities(text, lexicon)
    words = found.words
    ws = set(words)
    talk = _small_talk(low, found, ws)
    if talk is not None:
        return talk
    if ws & DEFER_WORDS and not found.kinds:
        return None
    if found.setting is not None and found.station is None:
        return _setting(found)
    if ws & _HEALTH_WORDS or found.serial:
        health = _health(found, ws)
        if health is not None:
            return health
    if too_large(found):
        return None
    if found.kinds or (ws & CLEAR_WORDS and "all" in words and not found.station):
        return _clear(found, ws)
    if _is_question(low, ws):
        return _question(found, ws)
    return _station(found, ws)


def _small_talk(low: str, found: Entities, ws: set[str]) -> Command | None:
    entities = found.has_target or found.station or found.kinds or found.property_name
    if _NEGATION.match(low) and (entities or ws & (SET_WORDS | CLEAR_WORDS)):
        return c.SmallTalk(kind="negation")
    if entities:
        return None
    if ws and ws <= _GREETING and ws & {"hello", "hi", "hey", "hiya", "howdy", "yo", "morning"}:
        return c.SmallTalk(kind="greeting")
    if ws and ws <= _THANKS and ws & _THANKS_CORE:
        return c.SmallTalk(kind="thanks")
    if ws and ws <= (_BYE | _GREETING | _THANKS) and ws & _BYE:
        return c.SmallTalk(kind="bye")
    return None


def target_of(found: Entities, *, property_alone: bool = True) -> Target | None:
    prop = found.property_name
    if found.rooms:
        return Target(rooms=tuple(found.rooms), room_range=found.room_range, property_name=prop)
    if found.room_type:
        return Target(room_type=found.room_type, property_name=prop)
    if found.all_rooms or (prop and property_alone):
        return Target(all_rooms=True, property_name=prop)
    return None


def _is_question(low: str, ws: set[str]) -> bool:
    if ws & SET_WORDS - {"play"}:
        return False
    starts = re.match(r"^(?:is|are|does|do|what|which|whats|what's|how|tell|check|show|get)\b", low)
    return bool(starts or ws & QUESTION_WORDS or low.endswith("?") or "playing" in ws)


def _question(found: Entities, ws: set[str]) -> Understood:
    target = target_of(found)
    if target is not None:
        return c.AskStation(target=target)
    if ws & {"playing", "station", "on", "listening", "music"}:
        return Ask("Which room?", "target", c.AskStation(target=Target()))
    return None


def _station(found: Entities, ws: set[str]) -> Understood:
    target = target_of(found, property_alone=bool(ws & SET_WORDS) or found.station is not None)
    station = found.station or _typed_station(found, ws)
    said_set = bool(ws & SET_WORDS) or found.marker_text is not None
    if station and target:
        return c.SetStation(target=target, station=station)
    if station and (found.station or said_set):
        return Ask("Which room?", "target", c.SetStation(target=Target(), station=station))
    if target and said_set:
        return Ask(
            f"Which station for {_describe(target)}?", "station", c.SetStation(target, station="")
        )
    station_word = ws & {"station", "music", "radio", "channel"}
    if target and target.rooms and ws <= _FILLER and (found.room_marked or station_word):
        return c.AskStation(target=target)
    return None


def _typed_station(found: Entities, ws: set[str]) -> str | None:
    """A station the lexicon does not know (a typo): what follows `to`/`->`, else the content words."""
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


def _clear(found: Entities, ws: set[str]) -> Understood:
    if not (ws & CLEAR_WORDS) and _is_question("", ws):
        return None
    if not (ws & CLEAR_WORDS) and not found.has_target:
        return None
    target = target_of(found)
    kinds = tuple(found.kinds)
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
    return c.ClearAlerts(target=target, kinds=kinds)


def _setting(found: Entities) -> Understood:
    key = found.setting or "max volume"
    value = (found.setting_value or "").strip()
    name = found.setting_name
    roomish = not name or re.search(r"\d", name) or fold(name).split()[0] in ("room", "rm")
    if not roomish and value:
        return SetProfile(profile=name, setting=key, value=value)
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
    if "unplaced" in ws:
        return c.UnplacedDevices()
    if "flapping" in ws:
        return c.Flapping(hours=found.hours or 24, property_name=prop)
    if ws & {"history", "timeline", "events"}:
        subject = found.serial or _subject(found)
        return c.DeviceHistory(subject=subject, days=days or 7) if subject else None
    if "offline" in ws and target is None and not found.serial:
        return c.OfflineDevices(property_name=prop, everywhere=found.everywhere)
    if ws & {"status", "health"} or (ws & {"device", "devices"} and not ws & {"online", "echo"}):
        if found.serial:
            return c.RoomDevices(serial=found.serial)
        return c.RoomDevices(target=target) if target else None
    if target is not None and ws & {"online", "offline", "echo", "connected", "working", "down"}:
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
        station = found.station or _answer_words(text)
        return c.SetStation(target=partial.target, station=station) if station else None
    if missing == "target":
        target = target_of(found)
        if target is None:
            return None
        if isinstance(partial, c.SetStation):
            return c.SetStation(target=target, station=partial.station)
        if isinstance(partial, c.ClearAlerts):
            return c.ClearAlerts(target=target, kinds=partial.kinds)
        if isinstance(partial, c.AskStation):
            return c.AskStation(target=target)
    if missing == "kinds" and isinstance(partial, c.ClearAlerts) and found.kinds:
        return c.ClearAlerts(target=partial.target, kinds=tuple(found.kinds))
    if missing == "profile":
        name = _answer_words(text)
        if name and isinstance(partial, SetProfile):
            return SetProfile(profile=name, setting=partial.setting, value=partial.value)
    return None


def _answer_words(text: str) -> str | None:
    words = [w for w in text.split() if fold(w) not in _FILLER]
    answer = " ".join(words).strip(" .,!?'\"")
    return answer or None


__all__ = ["AlertKind", "Ask", "Understood", "fill", "target_of", "understand"]
