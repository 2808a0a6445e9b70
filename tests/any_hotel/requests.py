"""Requests for a generated world, each with what is right and what is merely safe (issue 17, item 6).

`cases(spec)` draws one `Case`: a README help example (or a follow-up conversation) rewritten with the world's
names. The oracle is deliberately conservative:

- a name is typed exactly, in another case, or with its separators folded (`villa 3` for `villa-3`) only when
  the folded words are no other room's name;
- a request is `must_act` only when its words name one reading: the room is named once in the world or its
  property is named (message or channel), and no typed word is also a station, a room type word, a part of a
  property name or another room; a name that collides is still expected to resolve to the room when the
  words say "room X" (then acting on it is right, asking is safe);
- a property alone, a negation governing the verb, a time, snoozing or setting an alarm never run a write.
"""

from __future__ import annotations

import re

from hypothesis import strategies as st

from .cases import Case, Command, Expected, Turn
from .worlds import (
    GENERIC_WORDS,
    REQUESTABLE,
    STATION_WORDS,
    Spec,
    fold,
    is_numeric,
    properties_with_room,
    rooms_of_property,
)

# The part of each pool property name staff would type alone (never a generic word).
DISTINCTIVE = {
    "The Grand Inn": "Grand",
    "Harbor Suites Hotel": "Harbor",
    "Maple Lodge": "Maple",
    "Cedar Creek Inn": "Cedar Creek",
    "Bellwether House London": "Bellwether",
    "Rive Droite Paris": "Rive Droite",
    "Ocean Breeze Resort": "Ocean Breeze",
    "Magnolia Court Hotel": "Magnolia Court",
    "Alpenglow Suites": "Alpenglow",
    "Kingsbridge Hotel": "Kingsbridge",
}

KIND_PHRASES: list[tuple[str, tuple[str, ...]]] = [
    ("clear alarms in {room}{at}", ("alarms",)),
    ("clear wake up calls in {room}{at}", ("alarms",)),
    ("cancel the wake-up calls in {room}{at}", ("alarms",)),
    ("clear alarms, reminders and timers in {room}{at}", ("alarms", "reminders", "timers")),
    ("clear everything in {room}{at}", ("alarms", "reminders", "timers")),
    ("delete reminders for room {room}{at}", ("reminders",)),
    ("clear all timers in {room}{at}", ("timers",)),
    ("clear alarms and timers in {room}{at}", ("alarms", "timers")),
    ("clear everything except reminders in {room}{at}", ("alarms", "timers")),
    ("clear the alarms in {room}{at} but keep reminders", ("alarms",)),
    ("guest in {room}{at} checked out, clear alarms", ("alarms",)),
    ("guest in {room}{at} already left, clear everything", ("alarms", "reminders", "timers")),
    ("room {room}{at}: clear timers", ("timers",)),
]

SET_TEMPLATES = [
    "set room {room}{at} station {station}",
    "set rm {room}{at} to {station}",
    "put {station} on in {room}{at}",
    "change the station in {room}{at} to {station}",
    "{room}{at} -> {station}",
    "play {station} in {room}{at}",
    "{station} in {room}{at}",
    "room {room}{at}: {station}",
    "guest in {room}{at} wants {station}",
    "put some {station} on in {room}{at}",
    "set {room}{at} to {station}",
    "can you set {room}{at} to {station}?",
]
# Templates that say "room" before the name: the name is a room whatever else it also names.
ROOM_KEYWORD_TEMPLATES = [
    "set room {room}{at} station {station}",
    "set rm {room}{at} to {station}",
    "room {room}{at}: {station}",
    "guest in room {room}{at} wants {station}",
]
WRAPPERS = ["{t}", "{t}", "{t}", "please {t}", "{t} please", "{t} asap", "{t}, thanks"]
READ_TEMPLATES = [
    "what's playing in {room}{at}",
    "what station is {room}{at} on",
    "whats playing {room}{at}",
    "what's room {room}{at} listening to",
]
NEGATIONS = [
    "don't set {room}{at} to {station}",
    "do not put {station} on in {room}{at}",
    "don't clear the alarms in {room}{at}",
    "please don't clear alarms in {room}{at}",
]
CANNOT = [
    "snooze the alarm in {room}{at}",
    "set an alarm for 7am in {room}{at}",
    "add a reminder in {room}{at} for 8pm",
    "set a timer for 10 minutes in {room}{at}",
]
TIMED = [
    ("set {room}{at} to {station} at 6pm", "set"),
    ("set {room}{at} to {station} tomorrow", "set"),
    ("put {station} on in {room}{at} at 7:30 tomorrow", "set"),
    ("clear alarms in {room}{at} tomorrow morning", "clear"),
    ("clear the timers in {room}{at} at noon", "clear"),
]
CONFIRM_WORDS = ["yes", "sure", "ya", "yep go ahead 👍", "confirm", "go ahead"]
DECLINE_WORDS = ["no", "nah", "nope", "cancel"]


def _tokens(text: str) -> list[str]:
    return [token for token in re.split(r"[\s_\-]+", text.casefold()) if token]


def _world_words(spec: Spec) -> tuple[set[str], set[str], set[str]]:
    """Non-generic words of room type names and of property names, and every room's folded name."""
    type_words: set[str] = set()
    property_words: set[str] = set()
    rooms: set[str] = set()
    for property_name, (_, room_types) in spec.items():
        property_words.update(t for t in _tokens(property_name) if t not in GENERIC_WORDS)
        for room_type, names in room_types.items():
            type_words.update(t for t in _tokens(room_type) if t not in GENERIC_WORDS)
            rooms.update(fold(name) for name in names)
    return type_words, property_words, rooms


class Naming:
    """How a room name may be typed, and whether the words leave one reading."""

    def __init__(self, spec: Spec, room: str, typed: str) -> None:
        type_words, property_words, rooms = _world_words(spec)
        words = _tokens(typed)
        room_types = {fold(rt) for _, (_, rts) in spec.items() for rt in rts}
        self.typed = typed
        self.station = fold(typed) in {fold(s) for s in STATION_WORDS} or any(
            w in STATION_WORDS for w in words
        )
        self.room_type = fold(typed) in room_types or any(
            w in type_words for w in words if not w.isdigit()
        )
        self.property_part = any(w in property_words for w in words if not w.isdigit())
        # Only folded forms can split into several names; a typed name always is one room.
        self.list_reading = len(words) > 1 and " " in typed and any(fold(w) in rooms for w in words)

    @property
    def clean(self) -> bool:
        return not (self.station or self.room_type or self.property_part)


def _typed_forms(room: str) -> list[str]:
    forms = [room]
    if not is_numeric(room):
        forms += [room.lower(), room.upper()]
    if re.search(r"[_\-]", room):
        forms.append(re.sub(r"[_\-]+", " ", room))
        forms.append(re.sub(r"[_\-]+", " ", room).lower())
    return forms


class Target:
    """A room chosen for a request: its property, how it is typed, how the property is given."""

    def __init__(
        self, spec: Spec, property_name: str, room: str, typed: str, at: str, channel: str | None
    ) -> None:
        self.spec = spec
        self.property = property_name
        self.room = room
        self.naming = Naming(spec, room, typed)
        self.at = at
        self.channel = channel

    def fill(self, template: str, **slots: str) -> str:
        return template.format(room=self.naming.typed, at=self.at, **slots)


def _property_phrase(draw: st.DrawFn, spec: Spec, property_name: str) -> str:
    """The property as staff type it: whole, in lower case, or by its distinctive part when that is unique."""
    forms = [property_name, property_name.lower()]
    part = DISTINCTIVE.get(property_name)
    if part is not None:
        others = [p for p in spec if p != property_name]
        type_words, _, rooms = _world_words(spec)
        clashes = any(w in _tokens(other) for other in others for w in _tokens(part)) or any(
            w in type_words or fold(w) in rooms for w in _tokens(part)
        )
        if not clashes:
            forms.append(part)
    return draw(st.sampled_from(forms))


@st.composite
def targets(draw: st.DrawFn, spec: Spec, property_name: str | None = None) -> Target:
    """A room of the world, typed one of the ways staff type it, with its property given when needed."""
    candidates = [p for p in spec if rooms_of_property(spec, p)]
    if property_name is None:
        property_name = draw(st.sampled_from(candidates))
    room = draw(st.sampled_from(rooms_of_property(spec, property_name)))
    typed = draw(st.sampled_from(_typed_forms(room)))
    if Naming(spec, room, typed).list_reading:
        typed = room
    unique = len(properties_with_room(spec, fold(room))) == 1
    how = draw(st.sampled_from(["message", "channel", "none", "override"]))
    if how == "none" and not unique:
        how = "message"
    if how == "override" and len(spec) == 1:
        how = "message"
    at = ""
    channel: str | None = None
    if how in ("message", "override"):
        at = " at " + _property_phrase(draw, spec, property_name)
    if how == "channel":
        channel = property_name
    if how == "override":
        channel = draw(st.sampled_from([p for p in spec if p != property_name]))
    return Target(spec, property_name, room, typed, at, channel)


def _station(draw: st.DrawFn, spec: Spec, property_name: str) -> tuple[str, str]:
    """(typed, display name) of a station of the property's country."""
    country = spec[property_name][0]
    typed = draw(st.sampled_from(sorted(REQUESTABLE[country])))
    return typed, REQUESTABLE[country][typed]


def _station_clashes(spec: Spec, typed_station: str) -> bool:
    _, _, rooms = _world_words(spec)
    return fold(typed_station) in rooms or any(fold(w) in rooms for w in typed_station.split())


def _single(text: str, expected: Expected, channel: str | None, label: str) -> Case:
    return Case(turns=(Turn(text, expected),), channel_property=channel, label=label)


# --- families: each draws one Case for the world, or None when the world has nothing to fit it --------


def _set_station(draw: st.DrawFn, spec: Spec) -> Case | None:
    target = draw(targets(spec))
    typed, display = _station(draw, spec, target.property)
    templates = SET_TEMPLATES if not target.naming.room_type else ROOM_KEYWORD_TEMPLATES
    template = draw(st.sampled_from(templates))
    wrapper = "{t}" if template.endswith("?") else draw(st.sampled_from(WRAPPERS))
    text = wrapper.format(t=target.fill(template, station=typed))
    command = Command("set_station", target.property, (target.room,), display)
    must_act = target.naming.clean and not _station_clashes(spec, typed)
    return _single(text, Expected(command, must_act=must_act), target.channel, "set_station")


def _ask_station(draw: st.DrawFn, spec: Spec) -> Case | None:
    target = draw(targets(spec))
    text = target.fill(draw(st.sampled_from(READ_TEMPLATES)))
    command = Command("ask_station", target.property, (target.room,))
    return _single(text, Expected(command, must_act=target.naming.clean), target.channel, "ask")


def _clear(draw: st.DrawFn, spec: Spec) -> Case | None:
    target = draw(targets(spec))
    template, kinds = draw(st.sampled_from(KIND_PHRASES))
    if target.naming.room_type and "room {room}" not in template:
        template = "clear alarms in room {room}{at}"
        kinds = ("alarms",)
    text = target.fill(template)
    command = Command("clear_alerts", target.property, (target.room,), kinds=kinds)
    return _single(text, Expected(command, must_act=target.naming.clean), target.channel, "clear")


def _several_rooms(draw: st.DrawFn, spec: Spec) -> Case | None:
    candidates = [p for p in spec if len(rooms_of_property(spec, p)) >= 2]
    if not candidates:
        return None
    property_name = draw(st.sampled_from(candidates))
    rooms = draw(
        st.lists(
            st.sampled_from(rooms_of_property(spec, property_name)),
            min_size=2,
            max_size=3,
            unique=True,
        )
    )
    namings = [Naming(spec, room, room) for room in rooms]
    at = " at " + _property_phrase(draw, spec, property_name)
    channel: str | None = None
    if draw(st.booleans()):
        at, channel = "", property_name
    listed = ", ".join(rooms[:-1]) + " and " + rooms[-1]
    if draw(st.booleans()):
        typed, display = _station(draw, spec, property_name)
        template = draw(
            st.sampled_from(
                [
                    "set rooms {rooms}{at} to {station}",
                    "set rooms {rooms}{at} station {station}",
                    "put {station} on in rooms {rooms}{at}",
                ]
            )
        )
        text = template.format(rooms=listed, at=at, station=typed)
        command = Command("set_station", property_name, tuple(sorted(rooms)), display)
        clean = not _station_clashes(spec, typed)
    else:
        template, kinds = draw(
            st.sampled_from(
                [
                    ("clear alarms in rooms {rooms}{at}", ("alarms",)),
                    ("clear all timers in rooms {rooms}{at}", ("timers",)),
                    ("clear everything in rooms {rooms}{at}", ("alarms", "reminders", "timers")),
                ]
            )
        )
        text = template.format(rooms=listed, at=at)
        command = Command("clear_alerts", property_name, tuple(sorted(rooms)), kinds=kinds)
        clean = True
    must_act = clean and all(n.clean for n in namings)
    return _single(text, Expected(command, must_act=must_act), channel, "several_rooms")


def _range(draw: st.DrawFn, spec: Spec) -> Case | None:
    options: list[tuple[str, list[int]]] = []
    for property_name in spec:
        numbers = sorted(int(r) for r in rooms_of_property(spec, property_name) if is_numeric(r))
        if len(numbers) >= 2:
            options.append((property_name, numbers))
    if not options:
        return None
    property_name, numbers = draw(st.sampled_from(options))
    low = draw(st.sampled_from(numbers[:-1]))
    high = draw(st.sampled_from([n for n in numbers if n > low]))
    names = tuple(
        sorted(
            r
            for r in rooms_of_property(spec, property_name)
            if is_numeric(r) and low <= int(r) <= high
        )
    )
    short = str(low)[:-1] == str(high)[:-1] and len(str(low)) == len(str(high))
    style = draw(st.sampled_from(["dash", "thru", "short"] if short else ["dash", "thru"]))
    span = {
        "dash": f"{low}-{high}",
        "thru": f"{low} thru {high}",
        "short": f"{low}-{str(high)[-1]}",
    }
    typed, display = _station(draw, spec, property_name)
    at = " at " + property_name
    channel: str | None = None
    if draw(st.booleans()):
        at, channel = "", property_name
    text = f"set rooms {span[style]}{at} to {typed}"
    command = Command("set_station", property_name, names, display)
    must_act = style != "short" and not _station_clashes(spec, typed)
    return _single(text, Expected(command, must_act=must_act), channel, f"range_{style}")


def _room_type(draw: st.DrawFn, spec: Spec) -> Case | None:
    options = [
        (p, rt, rooms)
        for p, (_, room_types) in spec.items()
        for rt, rooms in room_types.items()
        if rooms
    ]
    if not options:
        return None
    property_name, room_type, rooms = draw(st.sampled_from(options))
    typed, display = _station(draw, spec, property_name)
    at = " at " + property_name
    channel: str | None = None
    where = draw(st.sampled_from(["message", "channel", "none"]))
    if where == "channel":
        at, channel = "", property_name
    unique = [fold(rt) for _, (_, rts) in spec.items() for rt in rts].count(fold(room_type)) == 1
    if where == "none" and unique:
        # Named in full and in one hotel only: never another hotel's type sharing a word ("Type").
        at = ""
    template = draw(
        st.sampled_from(
            ["set room type {rt}{at} station {station}", "set all {rt} rooms{at} to {station}"]
        )
    )
    text = template.format(rt=room_type, at=at, station=typed)
    command = Command("set_station", property_name, tuple(sorted(rooms)), display)
    _, _, world_rooms = _world_words(spec)
    clean = fold(room_type) not in world_rooms and not _station_clashes(spec, typed)
    must_act = clean and template.startswith("set room type")
    return _single(text, Expected(command, must_act=must_act), channel, "room_type")


def _whole_property(draw: st.DrawFn, spec: Spec) -> Case | None:
    candidates = [p for p in spec if rooms_of_property(spec, p)]
    property_name = draw(st.sampled_from(candidates))
    typed, display = _station(draw, spec, property_name)
    phrase = _property_phrase(draw, spec, property_name)
    template = draw(
        st.sampled_from(
            [
                "set all rooms at {p} to {station}",
                "set every room at {p} to {station}",
                "put {station} on in every room at {p}",
            ]
        )
    )
    text = template.format(p=phrase, station=typed)
    rooms = tuple(sorted(rooms_of_property(spec, property_name)))
    command = Command("set_station", property_name, rooms, display)
    must_act = not _station_clashes(spec, typed)
    return _single(text, Expected(command, must_act=must_act), None, "whole_property")


def _property_alone(draw: st.DrawFn, spec: Spec) -> Case | None:
    property_name = draw(st.sampled_from(list(spec)))
    typed, _ = _station(draw, spec, property_name)
    template = draw(
        st.sampled_from(
            [
                "set {p} to {station}",
                "{station} at {p}",
                "play {station} at {p}",
                "clear alarms at {p}",
            ]
        )
    )
    text = template.format(p=property_name, station=typed)
    return _single(text, Expected(None), None, "property_alone")


def _negation(draw: st.DrawFn, spec: Spec) -> Case | None:
    target = draw(targets(spec))
    typed, _ = _station(draw, spec, target.property)
    text = target.fill(draw(st.sampled_from(NEGATIONS)), station=typed)
    return _single(text, Expected(None), target.channel, "negation")


def _not_a_negation(draw: st.DrawFn, spec: Spec) -> Case | None:
    """`isn't`, `not yet`, `already` describe the room; they do not govern the verb."""
    target = draw(targets(spec))
    typed, display = _station(draw, spec, target.property)
    template = draw(
        st.sampled_from(
            [
                "{room}{at} isn't on {station} yet, please set room {room} to {station}",
                "the guest in {room}{at} is not happy, set room {room} to {station}",
                "guest in room {room}{at} already asked twice: {station} please",
            ]
        )
    )
    text = target.fill(template, station=typed)
    command = Command("set_station", target.property, (target.room,), display)
    return _single(text, Expected(command), target.channel, "not_a_negation")


def _cannot(draw: st.DrawFn, spec: Spec) -> Case | None:
    target = draw(targets(spec))
    text = target.fill(draw(st.sampled_from(CANNOT)))
    return _single(text, Expected(None), target.channel, "cannot")


def _timed(draw: st.DrawFn, spec: Spec) -> Case | None:
    target = draw(targets(spec))
    template, kind = draw(st.sampled_from(TIMED))
    typed, display = _station(draw, spec, target.property)
    text = target.fill(template, station=typed)
    if kind == "set":
        command = Command("set_station", target.property, (target.room,), display)
    else:
        command = Command(
            "clear_alerts",
            target.property,
            (target.room,),
            kinds=("timers" if "timers" in template else "alarms",),
        )
    expected = Expected(command, confirm_first=True)
    return _single(text, expected, target.channel, "timed")


def _everywhere(draw: st.DrawFn, spec: Spec) -> Case | None:
    shared = sorted(
        {
            fold(r)
            for p in spec
            for r in rooms_of_property(spec, p)
            if len(properties_with_room(spec, fold(r))) > 1
        }
    )
    if not shared:
        return None
    folded = draw(st.sampled_from(shared))
    where = properties_with_room(spec, folded)
    room = where[0][1]
    country = spec[where[0][0]][0]
    common = set.intersection(*(set(REQUESTABLE[spec[p][0]]) for p, _ in where))
    typed = draw(st.sampled_from(sorted(common)))
    scope = draw(st.sampled_from(["everywhere", "at all hotels", "in every hotel"]))
    text = f"set {room} {scope} to {typed}"
    command = Command("set_station", None, (room,), REQUESTABLE[country][typed])
    expected = Expected(command, confirm_first=True, every=tuple(where))
    return _single(text, expected, None, "everywhere")


# --- conversations ---------------------------------------------------------------------------------


def _answer_room(draw: st.DrawFn, spec: Spec) -> Case | None:
    target = draw(targets(spec))
    typed, display = _station(draw, spec, target.property)
    first = draw(
        st.sampled_from(["put {station} on", "play {station}", "set the station to {station}"])
    )
    answer = target.naming.typed + target.at
    must_act = target.naming.clean and not _station_clashes(spec, typed)
    command = Command("set_station", target.property, (target.room,), display)
    turns = (
        Turn(first.format(station=typed), Expected(None)),
        Turn(answer, Expected(command, must_act=must_act)),
    )
    return Case(turns, target.channel, "answer_room")


def _answer_station(draw: st.DrawFn, spec: Spec) -> Case | None:
    target = draw(targets(spec))
    typed, display = _station(draw, spec, target.property)
    first = target.fill(
        draw(st.sampled_from(["change the station in {room}{at}", "set room {room}{at} station"]))
    )
    command = Command("set_station", target.property, (target.room,), display)
    must_act = target.naming.clean and not _station_clashes(spec, typed)
    turns = (Turn(first, Expected(None)), Turn(typed, Expected(command, must_act=must_act)))
    return Case(turns, target.channel, "answer_station")


def _answer_property(draw: st.DrawFn, spec: Spec) -> Case | None:
    shared = [
        (p, r)
        for p in spec
        for r in rooms_of_property(spec, p)
        if len(properties_with_room(spec, fold(r))) > 1
    ]
    if not shared:
        return None
    property_name, room = draw(st.sampled_from(shared))
    # A station every one of those hotels has, so the station does not tell the hotel either.
    where = properties_with_room(spec, fold(room))
    common = set.intersection(*(set(REQUESTABLE[spec[p][0]]) for p, _ in where))
    typed = draw(st.sampled_from(sorted(common)))
    display = REQUESTABLE[spec[property_name][0]][typed]
    command = Command("set_station", property_name, (room,), display)
    naming = Naming(spec, room, room)
    must_act = naming.clean and not _station_clashes(spec, typed)
    turns = (
        Turn(f"{typed} in {room}", Expected(None)),
        Turn(_property_phrase(draw, spec, property_name), Expected(command, must_act=must_act)),
    )
    return Case(turns, None, "answer_property")


def _question_not_captured(draw: st.DrawFn, spec: Spec) -> Case | None:
    target = draw(targets(spec))
    typed, _ = _station(draw, spec, target.property)
    question = target.fill(
        draw(st.sampled_from(["is {room}{at}'s echo online?", "what's playing in {room}{at}?"]))
    )
    turns = (Turn(f"put {typed} on", Expected(None)), Turn(question, Expected(None)))
    return Case(turns, target.channel, "question_not_captured")


def _confirm_words(draw: st.DrawFn, spec: Spec) -> Case | None:
    target = draw(targets(spec))
    kinds = draw(st.sampled_from([("reminders",), ("alarms", "reminders", "timers")]))
    template = (
        "clear reminders in {room}{at}"
        if kinds == ("reminders",)
        else "clear everything in {room}{at}"
    )
    if target.naming.room_type:
        template = template.replace("in {room}", "in room {room}")
    command = Command("clear_alerts", target.property, (target.room,), kinds=kinds)
    if draw(st.booleans()):
        second = Turn(draw(st.sampled_from(CONFIRM_WORDS)), Expected(command))
        label = "confirm_words"
    else:
        second = Turn(draw(st.sampled_from(DECLINE_WORDS)), Expected(None))
        label = "decline_words"
    turns = (Turn(target.fill(template), Expected(command, must_act=target.naming.clean)), second)
    return Case(turns, target.channel, label)


def _change_while_waiting(draw: st.DrawFn, spec: Spec) -> Case | None:
    candidates = [
        p for p in spec if len(rooms_of_property(spec, p)) > 10 and len(REQUESTABLE[spec[p][0]]) > 1
    ]
    if not candidates:
        return None
    property_name = draw(st.sampled_from(candidates))
    country = spec[property_name][0]
    first, second = draw(
        st.lists(st.sampled_from(sorted(REQUESTABLE[country])), min_size=2, max_size=2, unique=True)
    )
    if _station_clashes(spec, first) or _station_clashes(spec, second):
        return None
    rooms = tuple(sorted(rooms_of_property(spec, property_name)))
    before = Command("set_station", property_name, rooms, REQUESTABLE[country][first])
    after = Command("set_station", property_name, rooms, REQUESTABLE[country][second])
    turns = (
        Turn(f"set all rooms at {property_name} to {first}", Expected(before, must_act=True)),
        Turn(f"actually make it {second}", Expected(after)),
        Turn("yes", Expected(after)),
    )
    return Case(turns, None, "change_while_waiting")


FAMILIES = {
    "set_station": (_set_station, 6),
    "ask_station": (_ask_station, 2),
    "clear": (_clear, 4),
    "several_rooms": (_several_rooms, 3),
    "range": (_range, 2),
    "room_type": (_room_type, 2),
    "whole_property": (_whole_property, 1),
    "property_alone": (_property_alone, 1),
    "negation": (_negation, 2),
    "not_a_negation": (_not_a_negation, 1),
    "cannot": (_cannot, 1),
    "timed": (_timed, 2),
    "everywhere": (_everywhere, 1),
    "answer_room": (_answer_room, 1),
    "answer_station": (_answer_station, 1),
    "answer_property": (_answer_property, 1),
    "question_not_captured": (_question_not_captured, 1),
    "confirm_words": (_confirm_words, 2),
    "change_while_waiting": (_change_while_waiting, 1),
}
_WEIGHTED = [name for name, (_, weight) in FAMILIES.items() for _ in range(weight)]


@st.composite
def cases(draw: st.DrawFn, spec: Spec) -> Case:
    """One request (or conversation) for the world, of a family drawn by weight."""
    family = draw(st.sampled_from(_WEIGHTED))
    case = FAMILIES[family][0](draw, spec)
    if case is None:
        case = _set_station(draw, spec)
    assert case is not None
    return case
