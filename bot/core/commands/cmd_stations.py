"""The station commands: set a room's default station, ask what it plays, list the stations offered.

Their phrasing hooks read what the reading of names (understanding/reading.py) leaves alone: the
pipeline applies the same completeness check to whatever they build.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.core.changes.undo import undo_stations
from bot.core.commands.entry_parts import name_of, target_core, where
from bot.core.commands.stations import ask_station, list_stations, retry_stations, set_station
from bot.core.shared import commands as c
from bot.core.shared.commands import Command
from bot.core.shared.registry import Entry, Score, phrasing, register
from bot.core.understanding.targets import parse_target

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
# A "to" left in the target ("room 204 to" of "set room 204 to radio 1") means the phrasing split the
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


_SET_VERB = r"(?:set|change|switch|make|update|turn)"
_STATION_WORD = r"(?:default\s+)?(?:station|music|radio|channel)"


def rephrase_set_station(cmd: c.SetStation) -> str:
    was = f" from {cmd.expected}" if cmd.expected else ""
    return f"set {target_core(cmd.target)}{was} to {cmd.station}{where(cmd.target.property_name)}"


def rephrase_ask_station(cmd: c.AskStation) -> str:
    return f"what's playing in {target_core(cmd.target)}{where(cmd.target.property_name)}"


register(
    Entry(
        command=c.SetStation,
        topic="stations",
        summary="Set the default station of rooms",
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
            "jazz in 204",
            "room 204: jazz",
            "guest in 204 wants jazz",
            "put some jazz on in 204",
        ),
        handler=set_station,
        rephrase=rephrase_set_station,
        undo=undo_stations,
        words=("set", "change", "switch", "tune", "put", "play", "make", "wants", "->", "=", ":"),
        phrasings=(
            phrasing(
                rf"^{_SET_VERB}\s+(?:the\s+)?{_STATION_WORD}\s+(?:in|for|of|on|at)\s+(?P<target>.+?)\s+(?:to|=|->)\s+(?P<station>.+)$",
                rf"^{_SET_VERB}\s+(?:the\s+)?{_STATION_WORD}\s+(?:to\s+)?(?P<station>.+?)\s+(?:in|for|on|at)\s+(?P<target>.+)$",
                rf"^{_SET_VERB}\s+(?P<target>.+?)(?:'s)?\s+{_STATION_WORD}(?:\s+(?:to|=|->))?\s+(?P<station>.+)$",
                rf"^{_SET_VERB}\s+(?P<target>.+?)\s+(?:to|=|->)\s+(?P<station>.+)$",
                r"^(?:put\s+on|put|play|tune)\s+(?P<station>.+?)\s+(?:on\s+)?(?:in|for|at|into|on|to)\s+(?P<target>.+)$",
                r"^(?P<target>[^>]+?)\s+->\s+(?P<station>.+)$",
                build=_set_station,
                score=Score.STATIONS,
            ),
        ),
        mutating=True,
        retry=retry_stations,
    )
)
register(
    Entry(
        command=c.AskStation,
        topic="stations",
        summary="Ask what a room plays",
        examples=(
            "what's playing in 204",
            "what station is 311 on",
            "show station for rooms 201-203",
            "whats playing 204",
            "what's room 204 listening to",
            "what's playing at Harbor View",
        ),
        handler=ask_station,
        rephrase=rephrase_ask_station,
        words=("what's playing", "what's on", "which station", "listening to"),
        # asking outranks changing, so that "what station is 204 on" is never read as a change
        phrasings=(
            phrasing(
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
                build=_ask_station,
                score=Score.STATIONS + 2,
            ),
        ),
    )
)
register(
    Entry(
        command=c.ListStations,
        topic="stations",
        summary="List the stations offered in a property's country",
        examples=("stations", "list stations at Rive Gauche Paris", "stations in UK"),
        handler=list_stations,
        rephrase=lambda cmd: f"stations at {cmd.where}" if cmd.where else "stations",
        phrasings=(
            phrasing(
                r"^(?:list\s+|show\s+|which\s+|what\s+)?(?:the\s+)?(?:available\s+)?stations"
                r"(?:\s+(?:are\s+)?(?:there|available|offered))?(?:\s+(?:at|in|for)\s+(?P<where>.+))?$",
                build=lambda m: c.ListStations(where=name_of(m["where"])),
                score=Score.STATIONS + 1,
            ),
        ),
    )
)
