"""Hotel worlds for the blind any-hotel suite (issue 17, item 6).

A world is described by a compact *spec* (property name -> country and room types -> room names) that
`world_from_spec` turns into a sandbox world dict (bot/sandbox/WORLD.md). Everything else in the world (ids,
timezones, stations, alert counts) is derived deterministically from the spec, so a spec printed by a failing
example is enough to rebuild the same world in a regression test.

`world_specs()` is the Hypothesis strategy: 1-4 properties, 1-3 room types each, at most 30 rooms per property,
rooms named by the schemes real hotels use (numbers, prefixed numbers, single words, hyphen and underscore
compounds, `#` names, station words, room type words, numbers that exist in other properties).
"""

from __future__ import annotations

import re
import zlib
from typing import Any

from hypothesis import strategies as st

Spec = dict[str, tuple[str, dict[str, list[str]]]]
"""property name -> (country, {room type name -> [room names]}), in world order."""

TIMEZONES = {"US": "America/New_York", "UK": "Europe/London", "FR": "Europe/Paris"}

# Seed 003's catalog per country: (provider, station id, display name = description without parenthesis).
CATALOG: dict[str, list[tuple[str, str, str]]] = {
    "US": [
        ("I_HEART_RADIO", "4802", "American Top 40"),
        ("I_HEART_RADIO", "4426", "Classic Rock"),
        ("I_HEART_RADIO", "4429", "Hip Hop"),
        ("I_HEART_RADIO", "4422", "Pop"),
        ("I_HEART_RADIO", "4418", "Country"),
        ("I_HEART_RADIO", "7193", "Latin"),
        ("I_HEART_RADIO", "5953", "Dance"),
        ("I_HEART_RADIO", "5162", "Gospel"),
        ("I_HEART_RADIO", "4242", "Jazz"),
        ("I_HEART_RADIO", "6377", "Classical"),
        ("I_HEART_RADIO", "4409", "Mix"),
        ("I_HEART_RADIO", "4717", "Oldies"),
        ("I_HEART_RADIO", "4447", "Alternative"),
    ],
    "UK": [
        ("TUNEIN", "s45300", "Jazz"),
        ("GLOBAL_PLAYER", "7946cba4-3a8c-424a-a2e5-e555bb8a09a3", "Pop"),
        ("GLOBAL_PLAYER", "66a602fa-f80a-4c2f-9fab-26bb436c7376", "Country"),
        ("GLOBAL_PLAYER", "789e024c-6c90-4793-a54b-fd6be69d5274", "Classical"),
        ("GLOBAL_PLAYER", "5b08094f-59fa-41ba-8e81-78f0ad0b26db", "Dance"),
    ],
    "FR": [
        ("TUNEIN", "s16492", "Jazz"),
        ("TUNEIN", "s178199", "Pop"),
        ("TUNEIN", "s196675", "Country"),
    ],
}

# Stations a request may name, per country, as typed -> display name. Only words that name exactly one
# station of that country (in France "classical" could be "Classical 102" or "MPR Classical Lullabies",
# "relaxing" is two stations: not used).
REQUESTABLE: dict[str, dict[str, str]] = {
    "US": {
        "jazz": "Jazz",
        "classical": "Classical",
        "country": "Country",
        "classic rock": "Classic Rock",
        "pop": "Pop",
        "oldies": "Oldies",
        "gospel": "Gospel",
        "latin": "Latin",
    },
    "UK": {"jazz": "Jazz", "classical": "Classical", "country": "Country", "pop": "Pop"},
    "FR": {"jazz": "Jazz", "country": "Country", "pop": "Pop"},
}

# Every word of a station name of any country (a room named so collides with a station).
STATION_WORDS = {
    "jazz",
    "classical",
    "country",
    "classic",
    "rock",
    "pop",
    "oldies",
    "gospel",
    "latin",
    "dance",
    "mix",
    "alternative",
    "relaxing",
    "meditation",
    "heart",
    "hits",
    "smooth",
}

# Words that name no particular thing in a hotel (the issue: never match by a generic word).
GENERIC_WORDS = {
    "the",
    "room",
    "rooms",
    "type",
    "suite",
    "suites",
    "inn",
    "hotel",
    "hotels",
    "resort",
    "lodge",
    "house",
    "a",
    "b",
    "and",
    "at",
    "in",
    "of",
    "on",
    "to",
}

PROPERTY_NAMES = [
    "The Grand Inn",
    "Harbor Suites Hotel",
    "Maple Lodge",
    "Cedar Creek Inn",
    "Bellwether House London",
    "Rive Droite Paris",
    "Ocean Breeze Resort",
    "Magnolia Court Hotel",
    "Alpenglow Suites",
    "Kingsbridge Hotel",
]

ROOM_TYPE_NAMES = [
    "Garden Room",
    "Suite Type A",
    "Suite Type B",
    "Deluxe King",
    "Standard Queen",
    "Penthouse",
    "Villa",
    "Loft Studio",
    "Family Room",
    "Ocean View",
]

WORD_ROOMS = [
    "Orchid",
    "Magnolia",
    "Edelweiss",
    "Juniper",
    "Saffron",
    "Willow",
    "Birch",
    "Lotus",
    "Camellia",
    "Heron",
    # names of European hotels with letters that have no ASCII base (ø, ß) or do (é)
    "Løve-Suite",
    "Größe-Nord",
    "Café-Bleu",
]
STATION_ROOMS = ["Jazz", "Country", "Pop", "Oldies"]
ROOM_TYPE_WORD_ROOMS = ["Suite-12", "Suite-14", "Loft-2", "Penthouse", "Villa-East"]


def fold(name: str) -> str:
    """A name as staff may type it: case and the separators `-`, `_` and spaces do not matter."""
    return re.sub(r"[\s_\-]+", "", name).casefold()


def is_numeric(name: str) -> bool:
    return name.isdigit()


def _hyphen_rooms(draw: st.DrawFn) -> list[str]:
    stem = draw(st.sampled_from(["villa", "cabin", "Tower-East", "chalet", "Bungalow"]))
    numbers = draw(st.lists(st.integers(1, 12), min_size=1, max_size=6, unique=True))
    return [f"{stem}-{n}" for n in sorted(numbers)]


def _underscore_rooms(draw: st.DrawFn) -> list[str]:
    return draw(
        st.lists(
            st.sampled_from(
                ["Garden_Loft", "Loft_Edelweiss", "Sky_Suite", "Pool_Cabana", "Tower_West_2"]
            ),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )


def _hash_rooms(draw: st.DrawFn) -> list[str]:
    stem = draw(st.sampled_from(["PH", "Cabana", "Loft"]))
    numbers = draw(st.lists(st.integers(1, 9), min_size=1, max_size=4, unique=True))
    return [f"{stem}#{n}" for n in sorted(numbers)]


def _numbered_rooms(draw: st.DrawFn) -> list[str]:
    # Few floors and low numbers, so the same number often exists in several properties.
    floor = draw(st.integers(1, 3))
    first = draw(st.integers(1, 8))
    count = draw(st.integers(1, 12))
    return [str(floor * 100 + n) for n in range(first, first + count)]


def _prefixed_rooms(draw: st.DrawFn) -> list[str]:
    style = draw(st.sampled_from(["S{f}0{n}", "{f}{n}B", "G{f}{n}"]))
    floor = draw(st.integers(1, 4))
    numbers = draw(st.lists(st.integers(1, 9), min_size=1, max_size=6, unique=True))
    return [style.format(f=floor, n=n) for n in sorted(numbers)]


def _word_rooms(draw: st.DrawFn) -> list[str]:
    return draw(st.lists(st.sampled_from(WORD_ROOMS), min_size=1, max_size=5, unique=True))


def _station_rooms(draw: st.DrawFn) -> list[str]:
    return draw(st.lists(st.sampled_from(STATION_ROOMS), min_size=1, max_size=2, unique=True))


def _room_type_word_rooms(draw: st.DrawFn) -> list[str]:
    return draw(
        st.lists(st.sampled_from(ROOM_TYPE_WORD_ROOMS), min_size=1, max_size=2, unique=True)
    )


SCHEMES = {
    "numbers": _numbered_rooms,
    "prefixed": _prefixed_rooms,
    "words": _word_rooms,
    "hyphen": _hyphen_rooms,
    "underscore": _underscore_rooms,
    "hash": _hash_rooms,
    "station_words": _station_rooms,
    "room_type_words": _room_type_word_rooms,
}


@st.composite
def _property_rooms(draw: st.DrawFn, room_types: list[str]) -> dict[str, list[str]]:
    seen: set[str] = set()
    result: dict[str, list[str]] = {}
    total = 0
    for room_type in room_types:
        schemes = draw(
            st.lists(st.sampled_from(sorted(SCHEMES)), min_size=1, max_size=2, unique=True)
        )
        rooms: list[str] = []
        for scheme in schemes:
            for name in SCHEMES[scheme](draw):
                # Unique per property even with separators folded ("villa-3" and "Villa_3" never together).
                if fold(name) in seen or total >= 30:
                    continue
                seen.add(fold(name))
                rooms.append(name)
                total += 1
        result[room_type] = rooms
    return result


@st.composite
def world_specs(draw: st.DrawFn) -> Spec:
    """1-4 properties of 1-3 room types, at most 30 rooms each, in mixed naming schemes."""
    names = draw(st.lists(st.sampled_from(PROPERTY_NAMES), min_size=1, max_size=4, unique=True))
    spec: Spec = {}
    for name in names:
        country = draw(st.sampled_from(["US", "US", "UK", "FR"]))
        room_types = draw(
            st.lists(st.sampled_from(ROOM_TYPE_NAMES), min_size=1, max_size=3, unique=True)
        )
        spec[name] = (country, draw(_property_rooms(room_types)))
    return spec


def _unit_id(kind: str, counter: int) -> str:
    return f"amzn1.alexa.unit.did.AH{kind}{counter:029d}"


def _derived(name: str, modulo: int) -> int:
    return zlib.crc32(name.encode()) % modulo


def world_from_spec(spec: Spec) -> dict[str, Any]:
    """The sandbox world of a spec: ids, timezones, stations and alert counts derived from the names."""
    counter = 0
    properties: list[dict[str, Any]] = []
    for property_name, (country, room_types) in spec.items():
        counter += 1
        property_id = _unit_id("P", counter)
        types: list[dict[str, Any]] = []
        for room_type_name, rooms in room_types.items():
            counter += 1
            room_type_id = _unit_id("T", counter)
            room_dicts: list[dict[str, Any]] = []
            for room_name in rooms:
                counter += 1
                key = f"{property_name}/{room_name}"
                pick = _derived(key, len(CATALOG[country]) * 2)
                station = None
                if pick < len(CATALOG[country]):
                    provider, station_id, _ = CATALOG[country][pick]
                    station = {"providerId": provider, "stationId": station_id}
                room_dicts.append(
                    {
                        "id": _unit_id("R", counter),
                        "name": room_name,
                        "station": station,
                        "alarms": _derived(key + "a", 3),
                        "reminders": _derived(key + "r", 2),
                        "timers": _derived(key + "t", 2),
                        "devices": [],
                        "aspOnlyDevices": [],
                    }
                )
            types.append({"id": room_type_id, "name": room_type_name, "rooms": room_dicts})
        properties.append(
            {
                "id": property_id,
                "name": property_name,
                "country": country,
                "timezone": TIMEZONES[country],
                "roomTypes": types,
            }
        )
    return {
        "organization": {"id": "amzn1.alexa.unit.did.AHORG00000000000000000000000000"},
        "now": None,
        "properties": properties,
        "unplacedDevices": [],
    }


def rooms_of_property(spec: Spec, property_name: str) -> list[str]:
    return [room for rooms in spec[property_name][1].values() for room in rooms]


def properties_with_room(spec: Spec, folded: str) -> list[tuple[str, str]]:
    """(property, room name) of every room whose folded name is `folded`."""
    return [
        (property_name, room)
        for property_name in spec
        for room in rooms_of_property(spec, property_name)
        if fold(room) == folded
    ]
