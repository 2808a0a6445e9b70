"""The phrasings the bot understands, with the examples that the help shows.

Each Rule pairs regular expressions (matched case-insensitively on the cleaned text) with a builder that
turns the match into a Command. The examples are part of the rule, and a test parses every one of them, so
the help can never show something the parser does not accept.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.core import commands as c
from bot.core.commands import AlertKind, Command, Level, Role
from bot.core.registry import TOPICS as REGISTRY_TOPICS
from bot.core.understanding.profile_rules import PROFILE_RULES
from bot.core.understanding.property_rules import PROPERTY_RULES
from bot.core.understanding.rule import Rule
from bot.core.understanding.targets import parse_target


def _p(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


def _name(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = text.strip().strip("\"'`").strip()
    return cleaned or None


_STATION_NOISE = re.compile(
    r"^(?:the\s+)?(?:station\s+)?|(?:\s+(?:station|radio|music|channel|stream))+$", re.I
)


def _station(text: str) -> str:
    return _STATION_NOISE.sub("", text.strip().strip("\"'")).strip()


# "set rooms 101 to 110 to jazz": the lazy target stops at the first "to", leaving "110 to jazz".
_RANGE_END_IN_STATION = re.compile(r"^(?P<end>[A-Za-z]*\d+)\s+(?:to|->|=)\s+(?P<rest>.+)$", re.I)
# "set room 204 to jazz at Hotel B": the property comes after the station.
_PROPERTY_AFTER_STATION = re.compile(
    r"^(?P<station>.+?)\s+(?:at|@)\s+(?:the\s+)?(?P<prop>[A-Za-z].*)$", re.I
)


# A "to" left in the target ("room 204 to" of "set room 204 to radio 1") means the rule split the
# message at a digit-bearing station's "radio"/"station" word: the target is not a room reference.
_TO_WORD = re.compile(r"(?:^|\s)(?:to|=|->)(?:\s|$)", re.I)


def _set_station(m: re.Match[str]) -> Command | None:
    target_text, station_text = m["target"], m["station"]
    if _TO_WORD.search(target_text):
        whole = parse_target(target_text)
        if whole is None or whole.room_range is None:
            return None
    if ranged := _RANGE_END_IN_STATION.match(station_text):
        wider = parse_target(f"{target_text} to {ranged['end']}")
        if wider is not None and wider.room_range is not None:
            target_text, station_text = f"{target_text} to {ranged['end']}", ranged["rest"]
    target = parse_target(target_text)
    moved = _PROPERTY_AFTER_STATION.match(station_text.strip())
    if moved and target is not None and target.property_name is None and not target.all_rooms:
        target = replace(target, property_name=moved["prop"].strip().strip("\"'") or None)
        station_text = moved["station"]
    station = _station(station_text)
    if target is None or not station:
        return None
    return c.SetStation(target=target, station=station)


def _ask_station(m: re.Match[str]) -> Command | None:
    target = parse_target(m["target"])
    return c.AskStation(target=target) if target else None


_KIND_WORDS = {
    "alarm": (AlertKind.ALARMS,),
    "reminder": (AlertKind.REMINDERS,),
    "timer": (AlertKind.TIMERS,),
    "alert": tuple(AlertKind),
    "everything": tuple(AlertKind),
    "all": tuple(AlertKind),
}


def _kinds(text: str) -> tuple[AlertKind, ...]:
    found: list[AlertKind] = []
    for word in re.findall(r"[a-z]+", text.lower()):
        for kind in _KIND_WORDS.get(word.rstrip("s"), _KIND_WORDS.get(word, ())):
            if kind not in found:
                found.append(kind)
    order = list(AlertKind)
    return tuple(sorted(found, key=order.index)) or (AlertKind.ALARMS,)


def _clear(m: re.Match[str]) -> Command | None:
    target = parse_target(m["target"])
    return c.ClearAlerts(target=target, kinds=_kinds(m["kinds"])) if target else None


def _level(word: str) -> Level:
    word = word.lower().replace("-", " ")
    if word.startswith("prop") or word.startswith("hotel"):
        return Level.PROPERTY
    if "type" in word:
        return Level.ROOM_TYPE
    return Level.ROOM


_KINDS_RE = (
    r"(?P<kinds>(?:all\s+)?(?:the\s+)?(?:alarms?|reminders?|timers?|alerts?|everything)"
    r"(?:\s*(?:,|and|&|\+|or)\s*(?:the\s+)?(?:alarms?|reminders?|timers?))*)"
)
_CLEAR_VERB = r"(?:clear|delete|remove|reset|wipe|cancel|erase|kill)"
_SET_VERB = r"(?:set|change|switch|make|update|turn)"
_STATION_WORD = r"(?:default\s+)?(?:station|music|radio|channel)"
_LEVEL = r"(?P<level>property|hotel|room[\s-]?type|room)"
_DAYS = (
    r"(?:\s+(?:for\s+)?(?:the\s+)?(?:last\s+)?(?P<n>\d+)\s*(?P<unit>d|days?|h|hours?|w|weeks?))?"
)


def _days(m: re.Match[str], default: int) -> int:
    if not m["n"]:
        return default
    n, unit = int(m["n"]), m["unit"].lower()
    if unit.startswith("h"):
        return max(1, -(-n // 24))
    if unit.startswith("w"):
        return n * 7
    return n


def _hours(m: re.Match[str], default: int) -> int:
    if not m["n"]:
        return default
    n, unit = int(m["n"]), m["unit"].lower()
    return n if unit.startswith("h") else n * 24 * (7 if unit.startswith("w") else 1)


def _undo_room(m: re.Match[str]) -> Command | None:
    room = m["room"]
    if room.casefold() in ("it", "that", "this", "change", "changes", "last", "everything", "all"):
        return None
    return c.Undo(room=room)


RULES: tuple[Rule, ...] = (
    Rule(
        topic="general",
        summary="Confirm what I asked you to confirm",
        patterns=_p(
            r"^(?:yes|y|yep|yeah|yup|ya|yea|yass?|aye|confirm(?:ed)?|ok|okay|k|go(?:\s+ahead)?|do\s+it"
            r"|proceed|sure(?:\s+thing)?|absolutely|definitely|correct|right|👍|✅|👌)"
            r"(?:[\s,!.]+(?:please|pls|do\s+it|go\s+ahead|go\s+for\s+it|that'?s\s+right|correct"
            r"|thanks|👍|✅|👌))*[\s!.]*(?:\s+(?P<token>[a-f0-9]{6,}))?$"
        ),
        build=lambda m: c.Confirm(token=m["token"]),
        examples=("yes", "confirm"),
        command=c.Confirm,
    ),
    Rule(
        topic="general",
        summary="Cancel what waits for confirmation",
        patterns=_p(
            r"^(?:no|n|nope|nah|nay|no\s+way|cancel(?:led)?(?:\s+that)?|stop|abort|never\s*mind"
            r"|don'?t|forget\s+(?:it|that|about\s+it)|scratch\s+that|no\s+thanks|leave\s+it|👎|❌)"
            r"[\s!.]*(?:\s+(?P<token>[a-f0-9]{6,}))?$"
        ),
        build=lambda m: c.Cancel(token=m["token"]),
        examples=("no", "cancel"),
        command=c.Cancel,
    ),
    Rule(
        topic="general",
        summary="Undo my last change",
        patterns=_p(
            r"^(?:(?:oops|whoops|sorry)[\s,!]+)?(?:undo|revert|roll\s*back|roll\s+(?:that|it)\s+back"
            r"|put\s+(?:it|that)\s+back(?:\s+(?:the\s+way\s+it\s+was|how\s+it\s+was))?)"
            r"(?:\s+(?:my\s+|the\s+|that\s+)?(?:last\s+)?(?:change|that|it))?"
            r"(?:\s+(?:change\s+)?#?(?P<token>\d{6,}))?$"
        ),
        build=lambda m: c.Undo(token=m["token"]),
        examples=("undo", "undo my last change"),
        command=c.Undo,
    ),
    Rule(
        topic="general",
        summary="Undo my last change to one room",
        patterns=_p(
            r"^(?:undo|revert|roll\s*back)\s+(?:my\s+|the\s+)?(?:last\s+)?(?:change\s+)?"
            r"(?:in|for|of|on|to)?\s*(?:room\s+|rm\s+)?#?(?P<room>[A-Za-z0-9][\w#=;:@&-]*)$",
            r"^(?:change|set|put|switch|turn)\s+(?:room\s+|rm\s+)?#?(?P<room>[A-Za-z0-9][\w#=;:@&-]*)"
            r"\s+back(?:\s+(?:to\s+)?(?:what|how)\s+it\s+was(?:\s+before)?)?$",
        ),
        build=_undo_room,
        examples=("undo 204", "change 204 back"),
        command=c.Undo,
    ),
    Rule(
        topic="general",
        summary="Undo my last change after a mistake",
        patterns=_p(
            r"^(?:wrong\s+(?:room|station|one|hotel)|my\s+(?:mistake|bad)|mistake|oops|whoops)"
            r"[\s,!.-]+(?:please\s+)?(?:undo|revert|put\s+it\s+back)(?:\s+(?:it|that|please))?$",
        ),
        build=lambda m: c.Undo(),
        examples=("wrong room, undo",),
        command=c.Undo,
    ),
    Rule(
        topic="general",
        summary="Re-run only the rooms that failed in the last bulk change",
        patterns=_p(
            r"^(?:retry|try\s+again|try)(?:\s+(?:the\s+)?fail(?:ed|ures)?(?:\s+(?:ones?|rooms?))?)?"
            r"(?:\s+again)?(?:\s+(?P<token>[a-f0-9]{6,}))?$"
        ),
        build=lambda m: c.RetryFailed(token=m["token"]),
        examples=("retry failed",),
        command=c.RetryFailed,
    ),
    Rule(
        topic="general",
        summary="Help: an overview, or one topic",
        patterns=_p(
            r"^(?:help|\?|commands|what\s+can\s+you\s+do|what\s+can\s+i\s+(?:ask|say|do)(?:\s+you)?"
            r"|how\s+do\s+i\s+use\s+(?:this|you)|how\s+does\s+this\s+work)"
            r"(?:\s+(?:with|on|about)?\s*(?P<topic>[\w\s-]+))?$",
            r"^how\s+do\s+i\s+(?P<topic>set\s+a\s+station|clear\s+alarms|change\s+a\s+station|undo)$",
        ),
        build=lambda m: c.Help(topic=_name(m["topic"])),
        examples=("help", "help stations"),
        command=c.Help,
    ),
    *PROFILE_RULES,
    *PROPERTY_RULES,
    # --- stations: asking first, so that "what station is 204 on" is never read as a change
    Rule(
        topic="stations",
        summary="Ask what a room plays",
        patterns=_p(
            r"^(?:what'?s|what\s+is|whats|what)\s+(?:currently\s+)?(?:playing|on|set|the\s+station|the\s+music)"
            r"\s+(?:in|at|for|on)\s+(?P<target>.+)$",
            r"^(?:what|which)\s+(?:station|music|radio)\s+(?:is\s+)?(?:set\s+)?(?:in|for|on|at)?\s*(?P<target>.+?)"
            r"(?:\s+(?:on|playing|set\s+to|using))?$",
            r"^(?:get|show|check|read)\s+(?:me\s+)?(?:the\s+)?(?:default\s+)?(?:station|music)\s+"
            r"(?:of|for|in|at)?\s*(?P<target>.+)$",
            r"^(?:station|music)\s+(?:in|for|of)\s+(?P<target>.+)$",
            r"^what'?s\s+(?P<target>.+?)\s+playing$",
            # a bare "rm 204" is most likely asking about the room
            r"^(?P<target>(?:rooms?|rms?)\s+#?[A-Za-z]*\d[\w-]*(?:\s+(?:at|in|@)\s+[A-Za-z].*)?)$",
        ),
        build=_ask_station,
        examples=(
            "what's playing in 204",
            "what station is 311 on",
            "show station for rooms 201-203",
        ),
        command=c.AskStation,
    ),
    Rule(
        topic="stations",
        summary="List the stations offered in a property's country",
        patterns=_p(
            r"^(?:list\s+|show\s+|which\s+|what\s+)?(?:the\s+)?(?:available\s+)?stations"
            r"(?:\s+(?:are\s+)?(?:there|available|offered))?(?:\s+(?:at|in|for)\s+(?P<where>.+))?$"
        ),
        build=lambda m: c.ListStations(where=_name(m["where"])),
        examples=("stations", "list stations at Rive Gauche Paris", "stations in UK"),
        command=c.ListStations,
    ),
    Rule(
        topic="stations",
        summary="Set the default station of rooms",
        patterns=_p(
            rf"^{_SET_VERB}\s+(?:the\s+)?{_STATION_WORD}\s+(?:in|for|of|on|at)\s+(?P<target>.+?)\s+(?:to|=|->)\s+(?P<station>.+)$",
            rf"^{_SET_VERB}\s+(?:the\s+)?{_STATION_WORD}\s+(?:to\s+)?(?P<station>.+?)\s+(?:in|for|on|at)\s+(?P<target>.+)$",
            rf"^{_SET_VERB}\s+(?P<target>.+?)(?:'s)?\s+{_STATION_WORD}(?:\s+(?:to|=|->))?\s+(?P<station>.+)$",
            rf"^{_SET_VERB}\s+(?P<target>.+?)\s+(?:to|=|->)\s+(?P<station>.+)$",
            r"^(?:put\s+on|put|play|tune)\s+(?P<station>.+?)\s+(?:on\s+)?(?:in|for|at|into|on|to)\s+(?P<target>.+)$",
            r"^(?P<target>[^>]+?)\s+->\s+(?P<station>.+)$",
        ),
        build=_set_station,
        examples=(
            "set room 204 station jazz",
            "set rm 204 to jazz",
            "put jazz on in 204",
            "change the station in 204 to classic rock",
            "204 -> classical",
            "play country in S303 at Lakeside Chicago",
            "jazz in villa-3 at Alpine Lodge Aspen",
            "set rooms 201, 203 and 205 to pop",
            "set rooms 101-110 to oldies",
            "set room type Deluxe King station classical",
            "set all rooms at Harbor View to jazz",
            "preview set all rooms at Lakeside Chicago to jazz",
        ),
        command=c.SetStation,
    ),
    # --- alarms
    Rule(
        topic="alarms",
        summary="Clear alarms (and reminders and timers) of rooms",
        patterns=_p(
            rf"^{_CLEAR_VERB}\s+{_KINDS_RE}\s+(?:(?:in|for|from|on|of|at)\s+)?(?P<target>.+)$",
            rf"^{_CLEAR_VERB}\s+(?:the\s+)?(?P<target>.+?)(?:'s)?\s+{_KINDS_RE}$",
        ),
        build=_clear,
        examples=(
            "clear alarms in 118",
            "clear alarms, reminders and timers in 118",
            "delete reminders for room 204 at Lakeside Chicago",
            "clear everything in rooms 101-103",
        ),
        command=c.ClearAlerts,
    ),
    # --- hierarchy (reading)
    Rule(
        topic="rooms",
        summary="List properties",
        patterns=_p(
            r"^(?:list\s+|show\s+(?:me\s+)?|which\s+|what\s+)?(?:all\s+)?(?:the\s+)?(?:properties|hotels)"
            r"(?:\s+(?:are\s+there|do\s+we\s+have))?$"
        ),
        build=lambda m: c.ListProperties(),
        examples=("properties", "list hotels"),
        command=c.ListProperties,
    ),
    Rule(
        topic="rooms",
        summary="List the room types of a property",
        patterns=_p(
            r"^(?:list\s+|show\s+(?:me\s+)?)?(?:all\s+)?(?:the\s+)?room[\s-]?types(?:\s+(?:at|in|of|for)\s+(?P<prop>.+))?$"
        ),
        build=lambda m: c.ListRoomTypes(property_name=_name(m["prop"])),
        examples=("room types", "list room types at Harbor View"),
        command=c.ListRoomTypes,
    ),
    Rule(
        topic="rooms",
        summary="List rooms, of a room type or a property",
        patterns=_p(
            r"^(?:list\s+|show\s+(?:me\s+)?)?(?:all\s+)?(?:the\s+)?rooms\s+(?:of|in|for)\s+(?:the\s+)?room[\s-]?type\s+(?P<rt>.+?)"
            r"(?:\s+(?:at|in)\s+(?P<prop>[A-Za-z].*))?$",
            r"^(?:list\s+|show\s+(?:me\s+)?)?(?:all\s+)?(?:the\s+)?rooms(?:\s+(?:at|in|of|for)\s+(?P<prop>.+))?$",
        ),
        build=lambda m: c.ListRooms(
            room_type=_name(m.groupdict().get("rt")), property_name=_name(m["prop"])
        ),
        examples=(
            "rooms at Lakeside Chicago",
            "list rooms of room type Junior Suite at Harbor View",
        ),
        command=c.ListRooms,
    ),
    Rule(
        topic="rooms",
        summary="Find a room in every property",
        patterns=_p(
            r"^(?:find|where\s+is|locate|search(?:\s+for)?|lookup|look\s+up)\s+(?:room\s+|rm\s+)?(?P<room>[^\s]+)$"
        ),
        build=lambda m: c.FindRoom(room=m["room"].lstrip("#")),
        examples=("find room 204", "where is PH-1"),
        command=c.FindRoom,
    ),
    # --- hierarchy (changing; admin)
    Rule(
        topic="hierarchy",
        summary="Add a room, a room type or a property",
        patterns=_p(
            r"^(?:add|create|new)\s+(?:a\s+)?room\s+(?P<name>\S+)\s+(?:to|in|under|as)\s+(?:room[\s-]?type\s+)?(?P<parent>.+?)"
            r"(?:\s+(?:at|@)\s+(?P<prop>.+))?$",
            r"^(?:add|create|new)\s+(?:a\s+)?(?P<level>room[\s-]?type)\s+(?P<name>.+?)(?:\s+(?:at|to|in|@)\s+(?P<prop>.+))?$",
            r"^(?:add|create|new)\s+(?:a\s+)?(?P<level>property|hotel)\s+(?P<name>.+)$",
        ),
        build=lambda m: c.AddUnit(
            level=_level(m.groupdict().get("level") or "room"),
            unit_name=m["name"].strip().strip("\"'"),
            parent=_name(m.groupdict().get("parent")),
            property_name=_name(m.groupdict().get("prop")),
        ),
        examples=(
            "add room 250 to Deluxe King at Harbor View Seattle",
            "add room type Ocean View at Lakeside Chicago",
            "add property Bayside Miami",
        ),
        role=Role.ADMIN,
        command=c.AddUnit,
    ),
    Rule(
        topic="hierarchy",
        summary="Rename a room, a room type or a property",
        patterns=_p(
            rf"^(?:rename|change\s+the\s+name\s+of)\s+{_LEVEL}\s+(?P<old>.+?)\s+(?:to|as|->)\s+(?P<new>.+?)"
            r"(?:\s+(?:at|@)\s+(?P<prop>[A-Za-z].*))?$"
        ),
        build=lambda m: c.RenameUnit(
            level=_level(m["level"]),
            old=m["old"].strip().lstrip("#"),
            new=m["new"].strip().strip("\"'"),
            property_name=_name(m["prop"]),
        ),
        examples=(
            "rename room 250 to 251 at Harbor View Seattle",
            "rename room type Ocean View to Sea View at Lakeside Chicago",
        ),
        role=Role.ADMIN,
        command=c.RenameUnit,
    ),
    Rule(
        topic="hierarchy",
        summary="Delete a room, a room type or a property (asks first)",
        patterns=_p(
            rf"^(?:delete|remove|drop|destroy)\s+{_LEVEL}\s+(?P<name>.+?)(?:\s+(?:at|@|from)\s+(?P<prop>[A-Za-z].*))?$"
        ),
        build=lambda m: c.DeleteUnit(
            level=_level(m["level"]),
            unit_name=m["name"].strip().lstrip("#"),
            property_name=_name(m["prop"]),
        ),
        examples=(
            "delete room 251 at Harbor View Seattle",
            "delete room type Sea View at Lakeside Chicago",
        ),
        role=Role.ADMIN,
        command=c.DeleteUnit,
    ),
    # --- devices (engineer)
    Rule(
        topic="devices",
        summary="Offline devices, grouped by property and room",
        patterns=_p(
            r"^(?:list\s+|show\s+(?:me\s+)?)?(?:what'?s\s+|which\s+devices\s+are\s+|whats\s+)?(?:the\s+)?"
            r"offline(?:\s+devices)?(?:\s+(?:at|in|for)\s+(?P<prop>.+))?$"
        ),
        build=lambda m: c.OfflineDevices(property_name=_name(m["prop"])),
        examples=("offline devices", "offline devices at Harbor View Seattle"),
        role=Role.ENGINEER,
        command=c.OfflineDevices,
    ),
    Rule(
        topic="devices",
        summary="A room's devices and their status",
        patterns=_p(
            r"^(?:status|devices|device\s+status|health)\s+(?:of\s+|in\s+|for\s+)?(?P<target>.+)$"
        ),
        build=lambda m: (lambda t: c.RoomDevices(target=t) if t else None)(
            parse_target(m["target"])
        ),
        examples=("status room 204", "devices in 204"),
        role=Role.ENGINEER,
        command=c.RoomDevices,
    ),
    Rule(
        topic="devices",
        summary="Connection history of a room or device (timeline)",
        patterns=_p(
            r"^(?:history|timeline|events)\s+(?:of\s+|for\s+)?(?:room\s+|rm\s+)?(?P<subject>.+?)"
            + _DAYS
            + "$"
        ),
        build=lambda m: c.DeviceHistory(subject=m["subject"].lstrip("#"), days=_days(m, 7)),
        examples=("history 204", "history 204 at Lakeside Chicago 3d"),
        role=Role.ENGINEER,
        command=c.DeviceHistory,
    ),
    Rule(
        topic="devices",
        summary="Devices that keep dropping (3 or more transitions)",
        patterns=_p(
            r"^(?:show\s+|list\s+)?(?:the\s+)?flapping(?:\s+devices)?"
            r"(?:\s+(?:at|in|for)\s+(?P<prop>[A-Za-z].*?))?" + _DAYS + "$"
        ),
        build=lambda m: c.Flapping(hours=_hours(m, 24), property_name=_name(m["prop"])),
        examples=("flapping", "flapping 48h", "flapping at Lakeside Chicago"),
        role=Role.ENGINEER,
        command=c.Flapping,
    ),
    Rule(
        topic="devices",
        summary="Uptime of devices, per property",
        patterns=_p(
            r"^(?:show\s+)?uptime(?:\s+(?:at|of|for|in)\s+|\s+)?(?P<prop>.*?)" + _DAYS + "$"
        ),
        build=lambda m: c.Uptime(property_name=_name(m["prop"]), days=_days(m, 7)),
        examples=("uptime", "uptime Harbor View Seattle 7d"),
        role=Role.ENGINEER,
        command=c.Uptime,
    ),
    Rule(
        topic="devices",
        summary="Build a property's health digest now",
        patterns=_p(
            r"^(?:show\s+|build\s+)?(?:the\s+)?(?:health\s+)?digest(?:\s+(?:for|of|at)\s+|\s+)?(?P<prop>.*)$"
        ),
        build=lambda m: c.ShowDigest(property_name=_name(m["prop"])),
        examples=("digest Harbor View Seattle",),
        role=Role.ENGINEER,
        command=c.ShowDigest,
    ),
    Rule(
        topic="devices",
        summary="Refresh the index from Amazon (rooms, or devices)",
        patterns=_p(
            r"^(?:sync|resync|refresh|reload)(?:\s+(?:the\s+)?(?P<what>devices|index|rooms|everything))?"
            r"(?:\s+(?:at|for|of)\s+(?P<prop>.+))?$"
        ),
        build=lambda m: c.Sync(
            devices=(m["what"] or "").lower() == "devices", property_name=_name(m["prop"])
        ),
        examples=("sync", "sync devices"),
        role=Role.ENGINEER,
        command=c.Sync,
    ),
    Rule(
        topic="general",
        summary="Recent changes (the audit log)",
        patterns=_p(
            r"^(?:audit|history\s+of\s+changes|recent\s+changes|what\s+changed|changes)(?:\s+(?P<n>\d+))?$"
        ),
        build=lambda m: c.ShowAudit(limit=int(m["n"] or 10)),
        examples=("recent changes",),
        command=c.ShowAudit,
    ),
)

TOPICS = REGISTRY_TOPICS  # the help topics live with the registry (bot/core/registry.py)
