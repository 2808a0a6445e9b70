"""What `find_entities` (bot/core/understanding/entities.py) reads in a message, field by field.

Each row is a phrasing as staff type it, every field of `Entities` it sets (the others must keep their
defaults, written out below) and the words left for the intent words (what was not recognised). The
demo world's lexicon (no room names: rooms by shape only), and two small indexes with room names
for the rooms the index knows (`villa-3`, `Cabin-1`, `12A`, rooms named like stations or properties).
"""

from __future__ import annotations

from dataclasses import fields

import pytest
from lexicon_support import demo_lexicon, demo_world

from bot.core.shared.commands import AlertKind
from bot.core.understanding.entities import Entities, find_entities, too_large
from bot.core.understanding.lexicon import Lexicon, build_lexicon

LEXICON = demo_lexicon()
_WORLD = demo_world()
_ROOM_NAMES = sorted({r.name for p in _WORLD.properties for t in p.roomTypes for r in t.rooms})
ROOMED = build_lexicon(
    [*(p.name for p in _WORLD.properties), "Heron Bay Inn", "Bayou Blues Hotel", "Granite Bay",
     "Whitsand Bay", "Hanami", "Granite Peak", "Ark & Bee"],
    {t.name for p in _WORLD.properties for t in p.roomTypes},
    None,
    [*_ROOM_NAMES, "Jazz", "Heron", "Cabin-1", "Cabin-2", "Cabin-3", "Cabin-4", "12A", "12B", "12C",
     "Sakura", "Classic", "Suite", "Bay", "Blues", "Country", "Fuji", "PH=1", "Tower"],
)  # fmt: skip
# bare numbers that are rooms of their own: "cabins 1-3" is then asked about
NUMBERED = build_lexicon(
    ["Pine Lodge", "Cabin Creek"],
    ["Cabin"],
    None,
    [
        "Cabin-1",
        "Cabin-2",
        "Cabin-3",
        "1",
        "2",
        "3",
        "A-1",
        "B-7",
        "Pi#ne",
        "Loft-01",
        "Loft-02",
        "Loft-03",
        "7a",
        "7b",
        "7c",
        "8c",
    ],
)

# Every field's default, written out: a row lists only the fields that differ.
DEFAULTS: dict[str, object] = {
    "rooms": [], "room_range": None, "room_marked": False, "too_many_rooms": False,
    "room_type": None, "room_type_one": False, "room_shadowed": None, "backwards_range": None,
    "unclear_range": None, "station_room": None, "property_room": None,
    "property_prefix_room": None, "rooms_like_stations": False, "range_guess": None,
    "loose_word_rooms": [], "speaker_rooms": [],
    "property_name": None, "all_rooms": False, "everywhere": False, "station": None,
    "was_station": None, "kinds": [], "hours": None, "serial": None, "setting": None,
    "setting_name": None, "setting_value": None, "words": [], "typed": {},
    "other_stations": [], "other_properties": [], "excluded": [], "disliked": None,
    "station_end": -1, "stations_adjacent": False, "floor": False, "marker_text": None,
}  # fmt: skip
# words and typed are compared apart; station_end is a position (tested apart)
_APART = ("words", "typed", "station_end")

Row = tuple[str, dict[str, object], list[str]]


def read(text: str, lexicon: Lexicon) -> tuple[dict[str, object], list[str]]:
    """The fields `text` sets (kinds as their names) and the words left over."""
    found = find_entities(text, lexicon)
    got: dict[str, object] = {}
    for f in fields(found):
        value = getattr(found, f.name)
        if f.name in _APART or value == DEFAULTS[f.name]:
            continue
        got[f.name] = [str(k) for k in value] if f.name == "kinds" else value
    return got, found.words


def test_the_defaults_of_an_empty_message() -> None:
    """Nothing said: every field at its default (None is no False, "" no None)."""
    found = find_entities("", LEXICON)
    for f in fields(found):
        value = getattr(found, f.name)
        assert value == DEFAULTS[f.name] and type(value) is type(DEFAULTS[f.name]), f.name
    assert Entities().rooms_like_stations is False and Entities().disliked is None


A_DEVICE_SERIAL: list[Row] = [
    ('check gabcdefghi12 now', {'serial': 'GABCDEFGHI12'}, ['check', 'now']),
    ('check gabcdefghij1 now', {}, ['check', 'gabcdefghij1', 'now']),
    ('check g123456789abc now', {'serial': 'G123456789ABC'}, ['check', 'now']),
    ('check g1234567890ab now', {}, ['check', 'g1234567890ab', 'now']),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected", "words"), A_DEVICE_SERIAL)
def test_a_device_serial(text: str, expected: dict[str, object], words: list[str]) -> None:
    """A serial: g and 11 to 15 letters or digits, two digits and four letters at least; the first of two."""
    assert read(text, LEXICON) == (expected, words)


A_PROFILE_SETTING_ITS_VALUE_AND_THE_PROFILE_NAMED: list[Row] = [
    ('set max volume of Lobby to 6', {'setting': 'max volume', 'setting_name': 'Lobby', 'setting_value': '6'}, []),
    ('change the maximum volume for Lobby to 6', {'setting': 'max volume', 'setting_name': 'Lobby', 'setting_value': '6'}, []),
    ('update max volume limit in Lobby = 6', {'setting': 'max volume', 'setting_name': 'Lobby', 'setting_value': '6'}, []),
    ('make volume Lobby : 6', {'setting': 'max volume', 'setting_name': 'Lobby', 'setting_value': '6'}, []),
    ('turn volume limit of Lobby to 7 please', {'setting': 'max volume', 'setting_name': 'Lobby', 'setting_value': '7'}, []),
    ('switch instant booking at Lobby on pls', {'setting': 'instant booking', 'setting_name': 'Lobby', 'setting_value': 'on'}, []),
    ('set the wake word of the lobby profile to off', {'setting': 'wake word', 'setting_name': 'lobby', 'setting_value': 'off'}, []),
    ('end of meeting reminders for Boardroom is 10 minutes', {'setting': 'end of meeting reminder', 'setting_name': 'Boardroom', 'setting_value': '10 minutes'}, []),
    ('end-of-meeting reminder of Boardroom to 5 mins', {'setting': 'end of meeting reminder', 'setting_name': 'Boardroom', 'setting_value': '5 mins'}, []),
    ('data retention for Lobby be off', {'setting': 'data retention', 'setting_name': 'Lobby', 'setting_value': 'off'}, []),
    ('room utilization metrics of Lobby on', {'setting': 'room utilization metrics', 'setting_name': 'Lobby', 'setting_value': 'on'}, []),
    ('utilisation metrics for Lobby off', {'setting': 'room utilization metrics', 'setting_name': 'Lobby', 'setting_value': 'off'}, []),
    ('setup mode of Lobby on', {'setting': 'setup mode', 'setting_name': 'Lobby', 'setting_value': 'on'}, []),
    ("Lobby's max volume to 6", {'setting': 'max volume', 'setting_name': 'Lobby', 'setting_value': '6'}, []),
    ('max volume 6', {'setting': 'max volume', 'setting_value': '6'}, []),
    ('max volume', {'setting': 'max volume'}, []),
    ('set max volume of "Lobby" to 6.', {'setting': 'max volume', 'setting_name': 'Lobby', 'setting_value': '6'}, []),
    ('set max volume of Lobby, Bar to 6', {'setting': 'max volume', 'setting_name': 'Lobby, Bar', 'setting_value': '6'}, []),
    ('max volume to 10 minutes at Lobby', {'setting': 'max volume', 'setting_name': 'Lobby', 'setting_value': '10 minutes'}, []),
    ('max volume to 10min at Lobby', {'setting': 'max volume', 'setting_name': 'Lobby', 'setting_value': '10min'}, []),
    ('max volume ON for Lobby', {'setting': 'max volume', 'setting_name': 'Lobby', 'setting_value': 'ON'}, []),
    ('max volume 6b for Lobby', {'setting': 'max volume', 'setting_name': '6b Lobby'}, []),
    ('max volume x6 for Lobby', {'setting': 'max volume', 'setting_name': 'x6 Lobby'}, []),
    ('set the volume', {'setting': 'max volume'}, []),
    ('set max volume of Bar X to 6', {'setting': 'max volume', 'setting_name': 'Bar X', 'setting_value': '6'}, []),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected", "words"), A_PROFILE_SETTING_ITS_VALUE_AND_THE_PROFILE_NAMED
)
def test_a_profile_setting_its_value_and_the_profile_named(
    text: str, expected: dict[str, object], words: list[str]
) -> None:
    """Each setting's words, each value shape, and every filler word dropped from the profile's name."""
    assert read(text, LEXICON) == (expected, words)


A_DURATION_IN_HOURS: list[Row] = [
    ('alarms cleared in the last 3 hours', {'kinds': ['alarms'], 'hours': 3}, ['cleared']),
    ('changes for the past 2 h', {'hours': 2}, ['changes']),
    ('changes over the last 2 hrs', {'hours': 2}, ['changes']),
    ('changes during the past 1 hr', {'hours': 1}, ['changes']),
    ('changes for 2 hour', {'hours': 2}, ['changes']),
    ('changes in 2 days', {'hours': 48}, ['changes']),
    ('changes 3 d', {'hours': 72}, ['changes']),
    ('changes 1 day', {'hours': 24}, ['changes']),
    ('changes 2 w', {'hours': 336}, ['changes']),
    ('changes 2 weeks', {'hours': 336}, ['changes']),
    ('changes 1 week', {'hours': 168}, ['changes']),
    ('changes 3 wks', {'hours': 504}, ['changes']),
    ('changes 1 wk', {'hours': 168}, ['changes']),
    ('changes 12345 hours', {'rooms': ['12345']}, ['changes', 'hours']),
    ('changes 1234 hours', {'hours': 1234}, ['changes']),
    ('changes in the last day', {'hours': 24}, ['changes']),
    ('changes over the past week', {'hours': 168}, ['changes']),
    ('changes during the last month', {'hours': 720}, ['changes']),
    ('changes for past month', {'hours': 720}, ['changes']),
    ('changes the last week', {'hours': 168}, ['changes']),
    ('changes last day', {'hours': 24}, ['changes']),
    ('changes 3 hoursx', {'rooms': ['3']}, ['changes', 'hoursx']),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected", "words"), A_DURATION_IN_HOURS)
def test_a_duration_in_hours(text: str, expected: dict[str, object], words: list[str]) -> None:
    assert read(text, LEXICON) == (expected, words)


A_TIME_OF_DAY_IS_NEVER_A_ROOM: list[Row] = [
    ('set 204 to jazz in the morning', {'rooms': ['204'], 'station': 'jazz'}, ['set', 'to']),
    ('set 204 to jazz tomorrow afternoon', {'rooms': ['204'], 'station': 'jazz'}, ['set', 'to']),
    ('set 204 to jazz this evening', {'rooms': ['204'], 'station': 'jazz'}, ['set', 'to']),
    ('set 204 to jazz tonight night', {'rooms': ['204'], 'station': 'jazz'}, ['set', 'to']),
    ('set 204 to jazz today morning', {'rooms': ['204'], 'station': 'jazz'}, ['set', 'to']),
    ('set 204 to jazz at 6:30', {'rooms': ['204'], 'station': 'jazz'}, ['set', 'to']),
    ('set 204 to jazz at 7:15pm', {'rooms': ['204'], 'station': 'jazz'}, ['set', 'to']),
    ('set 204 to jazz at 7:15 am', {'rooms': ['204'], 'station': 'jazz'}, ['set', 'to']),
    ('set 204 to jazz at 7:15 a.m.', {'rooms': ['204'], 'station': 'jazz'}, ['set', 'to']),
    ('set 204 to jazz at 7:15 p.m.', {'rooms': ['204'], 'station': 'jazz'}, ['set', 'to']),
    ('set 204 to jazz tonight at 9', {'rooms': ['204'], 'station': 'jazz'}, ['set', 'to']),
    ('set 204 to jazz tomorrow at 7am', {'rooms': ['204'], 'station': 'jazz'}, ['set', 'to']),
    ('set 204 to jazz today at 7 pm', {'rooms': ['204'], 'station': 'jazz'}, ['set', 'to']),
    ('set 204 to jazz tonight at 9 oclock', {'rooms': ['204'], 'station': 'jazz'}, ['set', 'to']),
    ('set 204 to jazz today at 7 p.m.', {'rooms': ['204'], 'station': 'jazz'}, ['set', 'to']),
    ('set 204 to jazz in 5 minutes', {'rooms': ['204'], 'station': 'jazz'}, ['set', 'to']),
    ('set 204 to jazz for 10 min', {'rooms': ['204'], 'station': 'jazz'}, ['set', 'to']),
    ('set 204 to jazz in 5 mins', {'rooms': ['204'], 'station': 'jazz'}, ['set', 'to']),
    ('set 204 to jazz in 1 minute', {'rooms': ['204'], 'station': 'jazz'}, ['set', 'to']),
    ('set 204 to jazz in 5', {'rooms': ['204', '5'], 'station': 'jazz', 'marker_text': 'in'}, ['set', 'to', 'in']),
    ('set 204 to jazz in morning', {'rooms': ['204'], 'station': 'jazz', 'marker_text': 'in morning'}, ['set', 'to', 'in', 'morning']),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected", "words"), A_TIME_OF_DAY_IS_NEVER_A_ROOM)
def test_a_time_of_day_is_never_a_room(
    text: str, expected: dict[str, object], words: list[str]
) -> None:
    assert read(text, LEXICON) == (expected, words)


SET_EVERYTHING_MEANS_EVERY_ROOM: list[Row] = [
    ('set everything at Lakeside to jazz', {'property_name': 'Lakeside Chicago', 'all_rooms': True, 'station': 'jazz'}, ['set', 'at', 'to']),
    ('change everything to jazz', {'all_rooms': True, 'station': 'jazz'}, ['change', 'to']),
    ('switch everything to pop', {'all_rooms': True, 'station': 'pop'}, ['switch', 'to']),
    ('put everything on jazz', {'all_rooms': True, 'station': 'jazz'}, ['put', 'on']),
    ('make everything jazz', {'all_rooms': True, 'station': 'jazz'}, ['make']),
    ('clear everything in 204', {'rooms': ['204'], 'kinds': ['alarms', 'reminders', 'timers']}, ['clear', 'in']),
    ('set everythings to jazz', {'station': 'jazz'}, ['set', 'everythings', 'to']),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected", "words"), SET_EVERYTHING_MEANS_EVERY_ROOM)
def test_set_everything_means_every_room(
    text: str, expected: dict[str, object], words: list[str]
) -> None:
    assert read(text, LEXICON) == (expected, words)


ALERT_KINDS_SAID_AND_KEPT: list[Row] = [
    ('cancel the wake up calls in 118', {'rooms': ['118'], 'kinds': ['alarms']}, ['cancel', 'in']),
    ('cancel wakeup call in 118', {'rooms': ['118'], 'kinds': ['alarms']}, ['cancel', 'in']),
    ('cancel wake-up in 118', {'rooms': ['118'], 'kinds': ['alarms']}, ['cancel', 'in']),
    ('cancel wakeups in 118', {'rooms': ['118'], 'kinds': ['alarms']}, ['cancel', 'in']),
    ('cancel wakeup in 118', {'rooms': ['118'], 'kinds': ['alarms']}, ['cancel', 'in']),
    ('cancel wake up cals in 118', {'rooms': ['118'], 'kinds': ['alarms']}, ['cancel', 'in']),
    ('clear alarm in 118', {'rooms': ['118'], 'kinds': ['alarms']}, ['clear', 'in']),
    ('clear all of the alarms in 118', {'rooms': ['118'], 'kinds': ['alarms']}, ['clear', 'in']),
    ('clear all the reminders in 118', {'rooms': ['118'], 'kinds': ['reminders']}, ['clear', 'in']),
    ('clear any timers in 118', {'rooms': ['118'], 'kinds': ['timers']}, ['clear', 'in']),
    ("clear guest's timer in 118", {'rooms': ['118'], 'kinds': ['timers']}, ['clear', 'in']),
    ('clear guests reminder in 118', {'rooms': ['118'], 'kinds': ['reminders']}, ['clear', 'in']),
    ('clear guest timers in 118', {'rooms': ['118'], 'kinds': ['timers']}, ['clear', 'in']),
    ('clear their alarms in 118', {'rooms': ['118'], 'kinds': ['alarms']}, ['clear', 'in']),
    ('clear his alarms in 118', {'rooms': ['118'], 'kinds': ['alarms']}, ['clear', 'in']),
    ('clear her alarms in 118', {'rooms': ['118'], 'kinds': ['alarms']}, ['clear', 'in']),
    ('clear alerts in 118', {'rooms': ['118'], 'kinds': ['alarms', 'reminders', 'timers']}, ['clear', 'in']),
    ('clear alert in 118', {'rooms': ['118'], 'kinds': ['alarms', 'reminders', 'timers']}, ['clear', 'in']),
    ('clear timers and reminders and alarms in 118', {'rooms': ['118'], 'kinds': ['alarms', 'reminders', 'timers']}, ['clear', 'and', 'and', 'in']),
    ('clear alerts in 118 except the alarms', {'rooms': ['118'], 'kinds': ['reminders', 'timers']}, ['clear', 'in']),
    ('clear everything in 118 except for reminders', {'rooms': ['118'], 'kinds': ['alarms', 'timers']}, ['clear', 'in']),
    ('clear alerts in 118 excluding timers', {'rooms': ['118'], 'kinds': ['alarms', 'reminders']}, ['clear', 'in']),
    ('clear everything in 118 but alarms', {'rooms': ['118'], 'kinds': ['reminders', 'timers']}, ['clear', 'in']),
    ('clear everything in 118 but not reminders', {'rooms': ['118'], 'kinds': ['alarms', 'timers']}, ['clear', 'in']),
    ('clear everything in 118 but keep the alarms and timers', {'rooms': ['118'], 'kinds': ['reminders']}, ['clear', 'in']),
    ('clear everything in 118 but leave their reminders alone', {'rooms': ['118'], 'kinds': ['alarms', 'timers']}, ['clear', 'in']),
    ('clear alerts in 118 apart from alarms', {'rooms': ['118'], 'kinds': ['reminders', 'timers']}, ['clear', 'in']),
    ('clear alerts in 118 other than wake up calls', {'rooms': ['118'], 'kinds': ['reminders', 'timers']}, ['clear', 'in']),
    ('clear everything in 118 keeping the timers as they are', {'rooms': ['118'], 'kinds': ['alarms', 'reminders']}, ['clear', 'in']),
    ('leave alarms in 118, clear everything', {'rooms': ['118'], 'kinds': ['reminders', 'timers']}, ['in', 'clear']),
    ('clear everything in 118 leaving reminders', {'rooms': ['118'], 'kinds': ['alarms', 'timers']}, ['clear', 'in']),
    ('clear alerts in 118 except any alarms, and reminders', {'rooms': ['118'], 'kinds': ['timers']}, ['clear', 'in']),
    ('clear alerts in 118 except alarms & timers', {'rooms': ['118'], 'kinds': ['reminders']}, ['clear', 'in']),
    ('clear alerts in 118 except alarms or timers', {'rooms': ['118'], 'kinds': ['reminders']}, ['clear', 'in']),
    ('clear alerts in 118 except wakeups', {'rooms': ['118'], 'kinds': ['reminders', 'timers']}, ['clear', 'in']),
    ('clear alerts in 118 except wake up call', {'rooms': ['118'], 'kinds': ['reminders', 'timers']}, ['clear', 'in']),
    ('clear alerts in 118 except reminder', {'rooms': ['118'], 'kinds': ['alarms', 'timers']}, ['clear', 'in']),
    ('clear alerts in 118 except timer', {'rooms': ['118'], 'kinds': ['alarms', 'reminders']}, ['clear', 'in']),
    ('clear alerts in 118 except alarms and the timers', {'rooms': ['118'], 'kinds': ['reminders']}, ['clear', 'in']),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected", "words"), ALERT_KINDS_SAID_AND_KEPT)
def test_alert_kinds_said_and_kept(
    text: str, expected: dict[str, object], words: list[str]
) -> None:
    assert read(text, LEXICON) == (expected, words)


TWO_PHRASES_THAT_LEAVE_THINGS_OUT_BOTH_COUNT: list[Row] = [
    ('clear everything in 118 but keep the alarms and leave the timers', {'rooms': ['118'], 'kinds': ['reminders']}, ['clear', 'in', 'and']),
    ('set 101-110 to jazz except 105, but not 107', {'rooms': ['101', '102', '103', '104', '106', '108', '109', '110'], 'station': 'jazz', 'excluded': ['105', '107']}, ['set', 'to']),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected", "words"), TWO_PHRASES_THAT_LEAVE_THINGS_OUT_BOTH_COUNT
)
def test_two_phrases_that_leave_things_out_both_count(
    text: str, expected: dict[str, object], words: list[str]
) -> None:
    assert read(text, LEXICON) == (expected, words)


EVERYWHERE_AND_EVERY_ROOM: list[Row] = [
    ('set everything to jazz everywhere', {'all_rooms': True, 'everywhere': True, 'station': 'jazz'}, ['set', 'to']),
    ('clear alarms in all properties', {'everywhere': True, 'kinds': ['alarms']}, ['clear', 'in']),
    ('clear alarms in all hotels', {'everywhere': True, 'kinds': ['alarms']}, ['clear', 'in']),
    ('clear alarms at all sites', {'everywhere': True, 'kinds': ['alarms']}, ['clear', 'at']),
    ('clear alarms across the chain', {'everywhere': True, 'kinds': ['alarms']}, ['clear']),
    ('clear alarms all property', {'kinds': ['alarms']}, ['clear', 'all', 'property']),
    ('set all rooms to jazz', {'all_rooms': True, 'station': 'jazz'}, ['set', 'to']),
    ('set every room to jazz', {'all_rooms': True, 'station': 'jazz'}, ['set', 'to']),
    ('set each room at Lakeside to jazz', {'property_name': 'Lakeside Chicago', 'all_rooms': True, 'station': 'jazz'}, ['set', 'at', 'to']),
    ('set all of the rooms to jazz', {'all_rooms': True, 'station': 'jazz'}, ['set', 'to']),
    ('set all the guest rooms to jazz', {'all_rooms': True, 'station': 'jazz'}, ['set', 'to']),
    ('set all of rooms to jazz', {'all_rooms': True, 'station': 'jazz'}, ['set', 'to']),
    ('set the whole property to jazz', {'all_rooms': True, 'station': 'jazz'}, ['set', 'to']),
    ('set the entire hotel to jazz', {'all_rooms': True, 'station': 'jazz'}, ['set', 'to']),
    ('set whole building to jazz', {'all_rooms': True, 'station': 'jazz'}, ['set', 'to']),
    ('set the entire place to jazz', {'all_rooms': True, 'station': 'jazz'}, ['set', 'to']),
    ('set all of the property to jazz', {'all_rooms': True, 'station': 'jazz'}, ['set', 'to']),
    ('set all of hotel to jazz', {'all_rooms': True, 'station': 'jazz'}, ['set', 'to']),
    ('set all roomsx to jazz', {'station': 'jazz'}, ['set', 'all', 'roomsx', 'to']),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected", "words"), EVERYWHERE_AND_EVERY_ROOM)
def test_everywhere_and_every_room(
    text: str, expected: dict[str, object], words: list[str]
) -> None:
    assert read(text, LEXICON) == (expected, words)


A_FLOOR_IS_NOTED_NEVER_A_ROOM: list[Row] = [
    ('set floor 5 to jazz', {'station': 'jazz', 'floor': True}, ['set', 'to']),
    ('set the floors #5 to jazz', {'station': 'jazz', 'floor': True}, ['set', 'to']),
    ('set level 2 to jazz', {'station': 'jazz', 'floor': True}, ['set', 'to']),
    ('set levels 2 to jazz', {'station': 'jazz', 'floor': True}, ['set', 'to']),
    ('set etage 3 to jazz', {'station': 'jazz', 'floor': True}, ['set', 'to']),
    ('set 5th floor to jazz', {'station': 'jazz', 'floor': True}, ['set', 'to']),
    ('set 1st floor to jazz', {'station': 'jazz', 'floor': True}, ['set', 'to']),
    ('set 2nd floor to jazz', {'station': 'jazz', 'floor': True}, ['set', 'to']),
    ('set 3rd floor to jazz', {'station': 'jazz', 'floor': True}, ['set', 'to']),
    ('set 5 floor to jazz', {'rooms': ['5'], 'station': 'jazz'}, ['set', 'floor', 'to']),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected", "words"), A_FLOOR_IS_NOTED_NEVER_A_ROOM)
def test_a_floor_is_noted_never_a_room(
    text: str, expected: dict[str, object], words: list[str]
) -> None:
    assert read(text, LEXICON) == (expected, words)


ROOMS_LEFT_OUT_BY_NUMBER: list[Row] = [
    ('set all rooms to jazz except 105', {'all_rooms': True, 'station': 'jazz', 'excluded': ['105']}, ['set', 'to']),
    ('set all rooms to jazz except for 105 and 106', {'all_rooms': True, 'station': 'jazz', 'excluded': ['105', '106']}, ['set', 'to']),
    ('set all rooms to jazz excluding rooms 105, 107', {'all_rooms': True, 'station': 'jazz', 'excluded': ['105', '107']}, ['set', 'to']),
    ('set all rooms to jazz but not 105 & 106', {'all_rooms': True, 'station': 'jazz', 'excluded': ['105', '106']}, ['set', 'to']),
    ('set all rooms to jazz apart from #105', {'all_rooms': True, 'station': 'jazz', 'excluded': ['105']}, ['set', 'to']),
    ('set all rooms to jazz other than rm 105', {'all_rooms': True, 'station': 'jazz', 'excluded': ['105']}, ['set', 'to']),
    ('set all rooms to jazz without 105 or 106', {'all_rooms': True, 'station': 'jazz', 'excluded': ['105', '106']}, ['set', 'to']),
    ('set all rooms to jazz leave out 105-107', {'all_rooms': True, 'station': 'jazz', 'excluded': ['105', '106', '107']}, ['set', 'to']),
    ('set all rooms to jazz skip 105 thru 107', {'all_rooms': True, 'station': 'jazz', 'excluded': ['105', '106', '107']}, ['set', 'to']),
    ('set all rooms to jazz skipping 105 through 107', {'all_rooms': True, 'station': 'jazz', 'excluded': ['105', '106', '107']}, ['set', 'to']),
    ('set 101-110 to jazz, not 105', {'rooms': ['101', '102', '103', '104', '106', '107', '108', '109', '110'], 'station': 'jazz', 'excluded': ['105']}, ['set', 'to']),
    ('set 101-110 to jazz, but not 105', {'rooms': ['101', '102', '103', '104', '106', '107', '108', '109', '110'], 'station': 'jazz', 'excluded': ['105']}, ['set', 'to']),
    ('set 101-110 to jazz, and not in 105', {'rooms': ['101', '102', '103', '104', '106', '107', '108', '109', '110'], 'station': 'jazz', 'excluded': ['105']}, ['set', 'to']),
    ('set 101-110 to jazz and not 105', {'rooms': ['101', '102', '103', '104', '106', '107', '108', '109', '110'], 'station': 'jazz', 'excluded': ['105']}, ['set', 'to']),
    ('set 101-110 to jazz but not in 105', {'rooms': ['101', '102', '103', '104', '106', '107', '108', '109', '110'], 'station': 'jazz', 'excluded': ['105']}, ['set', 'to']),
    ("set 101-110 to jazz, don't touch 105", {'rooms': ['101', '102', '103', '104', '106', '107', '108', '109', '110'], 'station': 'jazz', 'excluded': ['105']}, ['set', 'to']),
    ('set 101-110 to jazz but do not change 105', {'rooms': ['101', '102', '103', '104', '106', '107', '108', '109', '110'], 'station': 'jazz', 'excluded': ['105']}, ['set', 'to']),
    ('set 101-110 to jazz, but dont do 105', {'rooms': ['101', '102', '103', '104', '106', '107', '108', '109', '110'], 'station': 'jazz', 'excluded': ['105']}, ['set', 'to']),
    ('set 101-110 to jazz, do not include 105', {'rooms': ['101', '102', '103', '104', '106', '107', '108', '109', '110'], 'station': 'jazz', 'excluded': ['105']}, ['set', 'to']),
    ("set 101-110 to jazz, don't set in 105", {'rooms': ['101', '102', '103', '104', '106', '107', '108', '109', '110'], 'station': 'jazz', 'excluded': ['105']}, ['set', 'to']),
    ('set 101-110 to jazz but leave 105', {'rooms': ['101', '102', '103', '104', '106', '107', '108', '109', '110'], 'station': 'jazz', 'excluded': ['105']}, ['set', 'to']),
    ('set 101-110 to jazz but leave out 105', {'rooms': ['101', '102', '103', '104', '106', '107', '108', '109', '110'], 'station': 'jazz', 'excluded': ['105']}, ['set', 'to']),
    ('set 105 not 106 to pop', {'rooms': ['105'], 'station': 'pop', 'excluded': ['106']}, ['set', 'to']),
    ('clear timers in 203 (not 202)', {'rooms': ['203'], 'kinds': ['timers'], 'excluded': ['202']}, ['clear', 'in']),
    ('set 101-110 to jazz except rooms 105 and rooms 107', {'rooms': ['101', '102', '103', '104', '106', '108', '109', '110'], 'station': 'jazz', 'excluded': ['105', '107']}, ['set', 'to']),
    ('set 101-110 to jazz except 105, 107 and 109', {'rooms': ['101', '102', '103', '104', '106', '108', '110'], 'station': 'jazz', 'excluded': ['105', '107', '109']}, ['set', 'to']),
    ('set all rooms to jazz except ph-1', {'all_rooms': True, 'station': 'jazz', 'excluded': ['ph-1']}, ['set', 'to']),
    ("set 101-110 to jazz, don't clear 105", {'rooms': ['101', '102', '103', '104', '106', '107', '108', '109', '110'], 'station': 'jazz', 'excluded': ['105']}, ['set', 'to']),
    ('set 101-110 to jazz except 1050', {'rooms': ['101', '102', '103', '104', '105', '106', '107', '108', '109', '110'], 'station': 'jazz', 'excluded': ['1050']}, ['set', 'to']),
    ('set all rooms to jazz except 105 and 105', {'all_rooms': True, 'station': 'jazz', 'excluded': ['105']}, ['set', 'to']),
    ('set all rooms to jazz except S301-S303', {'all_rooms': True, 'station': 'jazz', 'excluded': ['S301', 'S302', 'S303']}, ['set', 'to']),
    ('set all rooms to jazz except #105-#107', {'all_rooms': True, 'station': 'jazz', 'excluded': ['105', '106', '107']}, ['set', 'to']),
    ('set PH-1, PH-2 to jazz except ph-1', {'rooms': ['PH-2'], 'station': 'jazz', 'excluded': ['ph-1']}, ['set', 'to']),
    ('set 101-103 to jazz except 102', {'rooms': ['101', '103'], 'station': 'jazz', 'excluded': ['102']}, ['set', 'to']),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected", "words"), ROOMS_LEFT_OUT_BY_NUMBER)
def test_rooms_left_out_by_number(text: str, expected: dict[str, object], words: list[str]) -> None:
    assert read(text, LEXICON) == (expected, words)


THE_STATION_PLAYED_NOW_OR_DISLIKED_IS_CONTEXT: list[Row] = [
    ('change 204 from jazz to pop', {'rooms': ['204'], 'station': 'pop', 'was_station': 'jazz'}, ['change', 'to']),
    ('change 204 from jazz into pop', {'rooms': ['204'], 'station': 'pop', 'was_station': 'jazz'}, ['change', 'into']),
    ('change 204 from jazz -> pop', {'rooms': ['204'], 'station': 'pop', 'was_station': 'jazz'}, ['change', '->']),
    ('move 204 from lakeside to pop', {'rooms': ['204'], 'property_name': 'Lakeside Chicago', 'station': 'pop'}, ['move', 'from', 'to']),
    ('move 204 from room 3 to pop', {'rooms': ['3', '204'], 'room_marked': True, 'station': 'pop'}, ['move', 'from', 'to']),
    ('move 204 from 3 to pop', {'rooms': ['204', '3'], 'station': 'pop'}, ['move', 'from', 'to']),
    ("204 isn't on jazz, set it to pop", {'rooms': ['204'], 'station': 'pop'}, ["isn't", 'on', 'set', 'it', 'to']),
    ('204 isnt on jazz set them to pop', {'rooms': ['204'], 'station': 'pop'}, ['isnt', 'on', 'set', 'them', 'to']),
    ('204 is not playing jazz yet, so set it to pop', {'rooms': ['204'], 'station': 'pop'}, ['is', 'not', 'playing', 'yet', 'so', 'set', 'it', 'to']),
    ('204 not on jazz anymore, put it on pop', {'rooms': ['204'], 'station': 'pop'}, ['not', 'on', 'anymore', 'put', 'it', 'on']),
    ("204 isn't on jazz, make that pop", {'rooms': ['204'], 'station': 'pop'}, ["isn't", 'on', 'make', 'that']),
    ("204 isn't on jazz, change it to pop", {'rooms': ['204'], 'station': 'pop'}, ["isn't", 'on', 'change', 'it', 'to']),
    ("204 isn't on jazz, switch it to pop", {'rooms': ['204'], 'station': 'pop'}, ["isn't", 'on', 'switch', 'it', 'to']),
    ("204 isn't on lakeside, set it to pop", {'rooms': ['204'], 'property_name': 'Lakeside Chicago', 'station': 'pop'}, ["isn't", 'on', 'set', 'it', 'to']),
    ('the guest in 204 hates country, put something else on', {'rooms': ['204'], 'disliked': 'country'}, ['the', 'guest', 'in', 'put', 'on']),
    ('guest in 204 hate country and wants another station', {'rooms': ['204'], 'disliked': 'country'}, ['guest', 'in', 'and', 'wants']),
    ('204 hated the jazz, play some other music', {'rooms': ['204'], 'disliked': 'jazz'}, ['play']),
    ('204 dislikes jazz so play some other station', {'rooms': ['204'], 'disliked': 'jazz'}, ['so', 'play']),
    ('204 dislike jazz. a different station', {'rooms': ['204'], 'disliked': 'jazz'}, []),
    ("204 doesn't like jazz, a different one please", {'rooms': ['204'], 'disliked': 'jazz'}, ['please']),
    ('204 doesnt like jazz, anything else', {'rooms': ['204'], 'disliked': 'jazz'}, []),
    ('204 does not like jazz but', {'rooms': ['204'], 'station': 'jazz'}, ['does', 'not', 'like', 'but']),
    ("204 don't like jazz!", {'rooms': ['204'], 'disliked': 'jazz'}, []),
    ('204 dont like smooth jazz; pls', {'rooms': ['204'], 'disliked': 'smooth jazz'}, ['pls']),
    ('204 is tired of jazz, something else', {'rooms': ['204'], 'disliked': 'jazz'}, []),
    ('204 sick of jazz please', {'rooms': ['204'], 'disliked': 'jazz'}, ['please']),
    ('204 not a fan of jazz, set something', {'rooms': ['204'], 'disliked': 'jazz'}, ['set']),
    ("204 can't stand jazz music", {'rooms': ['204'], 'disliked': 'jazz'}, ['music']),
    ('204 cant stand jazz, switch', {'rooms': ['204'], 'disliked': 'jazz'}, ['switch']),
    ('204 hates lakeside, change', {'rooms': ['204'], 'property_name': 'Lakeside Chicago'}, ['hates', 'change']),
    ('204 hates jazz set', {'rooms': ['204'], 'disliked': 'jazz'}, ['set']),
    ('204 hates jazz change', {'rooms': ['204'], 'disliked': 'jazz'}, ['change']),
    ('204 hates jazz put', {'rooms': ['204'], 'disliked': 'jazz'}, ['put']),
    ('204 hates jazz play', {'rooms': ['204'], 'disliked': 'jazz'}, ['play']),
    ('change 204 from #3 to pop', {'rooms': ['3', '204'], 'room_marked': True, 'station': 'pop'}, ['change', 'from', 'to']),
    ('change 204 from rm 3 to pop', {'rooms': ['3', '204'], 'room_marked': True, 'station': 'pop'}, ['change', 'from', 'to']),
    ('change 204 from rooms 3 to pop', {'rooms': ['3', '204'], 'room_marked': True, 'station': 'pop'}, ['change', 'from', 'to']),
    ('204 hates jazz but', {'rooms': ['204'], 'disliked': 'jazz'}, ['but']),
    ('204 hates jazz pls', {'rooms': ['204'], 'disliked': 'jazz'}, ['pls']),
    ('204 hates jazz switch', {'rooms': ['204'], 'disliked': 'jazz'}, ['switch']),
    ('204 hates jazz, so', {'rooms': ['204'], 'disliked': 'jazz'}, ['so']),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected", "words"), THE_STATION_PLAYED_NOW_OR_DISLIKED_IS_CONTEXT
)
def test_the_station_played_now_or_disliked_is_context(
    text: str, expected: dict[str, object], words: list[str]
) -> None:
    assert read(text, LEXICON) == (expected, words)


RANGES_OF_NUMBERS: list[Row] = [
    ('set 101-105 to jazz', {'rooms': ['101', '102', '103', '104', '105'], 'room_range': ('101', '105'), 'station': 'jazz'}, ['set', 'to']),
    ('set 101–103 to jazz', {'rooms': ['101', '102', '103'], 'room_range': ('101', '103'), 'station': 'jazz'}, ['set', 'to']),
    ('set 101—103 to jazz', {'rooms': ['101', '102', '103'], 'room_range': ('101', '103'), 'station': 'jazz'}, ['set', 'to']),
    ('set 101..103 to jazz', {'rooms': ['101', '102', '103'], 'room_range': ('101', '103'), 'station': 'jazz'}, ['set', 'to']),
    ('set 101 to 103 at lakeside to jazz', {'rooms': ['101', '102', '103'], 'room_range': ('101', '103'), 'property_name': 'Lakeside Chicago', 'station': 'jazz'}, ['set', 'at', 'to']),
    ('set 107 thru 109 to jazz', {'rooms': ['107', '108', '109'], 'room_range': ('107', '109'), 'station': 'jazz'}, ['set', 'to']),
    ('set 107 through 109 to jazz', {'rooms': ['107', '108', '109'], 'room_range': ('107', '109'), 'station': 'jazz'}, ['set', 'to']),
    ('set 107 until 109 to jazz', {'rooms': ['107', '108', '109'], 'room_range': ('107', '109'), 'station': 'jazz'}, ['set', 'to']),
    ('set 107 till 109 to jazz', {'rooms': ['107', '108', '109'], 'room_range': ('107', '109'), 'station': 'jazz'}, ['set', 'to']),
    ('set #107-#109 to jazz', {'rooms': ['107', '108', '109'], 'room_range': ('107', '109'), 'station': 'jazz'}, ['set', 'to']),
    ('set rooms 107-109 to jazz', {'rooms': ['107', '108', '109'], 'room_range': ('107', '109'), 'room_marked': True, 'station': 'jazz'}, ['set', 'to']),
    ('set rm 107-9 to jazz', {'rooms': ['107', '108', '109'], 'room_range': ('107', '109'), 'room_marked': True, 'station': 'jazz'}, ['set', 'to']),
    ('set s301-s303 to jazz', {'rooms': ['s301', 's302', 's303'], 'room_range': ('s301', 's303'), 'station': 'jazz'}, ['set', 'to']),
    ('set s301-t303 to jazz', {'rooms': ['s301-t303'], 'station': 'jazz'}, ['set', 'to']),
    ('set 310-301 to jazz', {'backwards_range': ('310', '301'), 'station': 'jazz'}, ['set', 'to']),
    ('set 1-1001 to jazz', {'too_many_rooms': True, 'station': 'jazz'}, ['set', 'to']),
    ('set 204, 101-102 to jazz', {'rooms': ['101', '102', '204'], 'station': 'jazz'}, ['set', 'to']),
    ('set 101-102 and 201-202 to jazz', {'rooms': ['101', '102', '201', '202'], 'station': 'jazz'}, ['set', 'and', 'to']),
    ('set 0101-0103 to jazz', {'rooms': ['0101', '0102', '0103'], 'room_range': ('0101', '0103'), 'station': 'jazz'}, ['set', 'to']),
    ('set 204-6 to jazz', {'rooms': ['204', '205', '206'], 'room_range': ('204', '206'), 'station': 'jazz'}, ['set', 'to']),
    ('set 204 to 206 to jazz', {'rooms': ['204', '205', '206'], 'room_range': ('204', '206'), 'station': 'jazz'}, ['set', 'to']),
    ('set x101-105 to jazz', {'rooms': ['x101', 'x102', 'x103', 'x104', 'x105'], 'room_range': ('x101', 'x105'), 'station': 'jazz'}, ['set', 'to']),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected", "words"), RANGES_OF_NUMBERS)
def test_ranges_of_numbers(text: str, expected: dict[str, object], words: list[str]) -> None:
    assert read(text, LEXICON) == (expected, words)


A_WORD_AND_NUMBERS_NAME_ROOMS_OF_THE_INDEX: list[Row] = [
    ('set cabins 1-4 to jazz', {'rooms': ['Cabin-1', 'Cabin-2', 'Cabin-3', 'Cabin-4'], 'room_range': ('Cabin-1', 'Cabin-4'), 'station_room': 'Jazz', 'station': 'jazz'}, ['set', 'to']),
    ('set cabin 1 thru 3 to jazz', {'rooms': ['Cabin-1', 'Cabin-2', 'Cabin-3'], 'room_range': ('Cabin-1', 'Cabin-3'), 'station_room': 'Jazz', 'station': 'jazz'}, ['set', 'to']),
    ('set cabin 1 through 3 to jazz', {'rooms': ['Cabin-1', 'Cabin-2', 'Cabin-3'], 'room_range': ('Cabin-1', 'Cabin-3'), 'station_room': 'Jazz', 'station': 'jazz'}, ['set', 'to']),
    ('set cabin 1 to 3 to pop', {'rooms': ['Cabin-1', 'Cabin-2', 'Cabin-3'], 'room_range': ('Cabin-1', 'Cabin-3'), 'station': 'pop'}, ['set', 'to']),
    ('set cabin 1 – 3 to pop', {'rooms': ['Cabin-1', 'Cabin-2', 'Cabin-3'], 'room_range': ('Cabin-1', 'Cabin-3'), 'station': 'pop'}, ['set', 'to']),
    ('set villa 1 - villa 3 to pop', {'rooms': ['villa-1', 'villa-2', 'villa-3'], 'room_range': ('villa-1', 'villa-3'), 'station': 'pop'}, ['set', 'to']),
    ('set villas 2 - 6 to pop', {'rooms': ['villa-2', 'villa-3', 'villa-4', 'villa-5', 'villa-6'], 'room_range': ('villa-2', 'villa-6'), 'station': 'pop'}, ['set', 'to']),
    ('set rooms 1-2 to pop', {'rooms': ['1', '2'], 'room_range': ('1', '2'), 'room_marked': True, 'station': 'pop'}, ['set', 'to']),
    ('set cabin 1-9 to pop', {'rooms': ['1', '2', '3', '4', '5', '6', '7', '8', '9'], 'room_range': ('1', '9'), 'station': 'pop'}, ['set', 'cabin', 'to']),
    ('set villa 2, 4, 6 to pop', {'rooms': ['villa-2', 'villa-4', 'villa-6'], 'station': 'pop'}, ['set', 'to']),
    ('set villas 2 and 4 to pop', {'rooms': ['villa-2', 'villa-4'], 'station': 'pop'}, ['set', 'to']),
    ('set villa 2 & 4 to pop', {'rooms': ['villa-2', 'villa-4'], 'station': 'pop'}, ['set', 'to']),
    ('set villa 2, 9 to pop', {'rooms': ['villa-2', '9'], 'station': 'pop'}, ['set', 'to']),
    ('set rooms 1, 2 to pop', {'rooms': ['1', '2'], 'room_marked': True, 'station': 'pop'}, ['set', 'to']),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected", "words"), A_WORD_AND_NUMBERS_NAME_ROOMS_OF_THE_INDEX)
def test_a_word_and_numbers_name_rooms_of_the_index(
    text: str, expected: dict[str, object], words: list[str]
) -> None:
    """`cabins 1-4`, `villa 2, 4, 6`: the index's rooms typed with their separator folded."""
    assert read(text, ROOMED) == (expected, words)


TWO_ROOMS_OF_THE_INDEX_AS_A_RANGE: list[Row] = [
    ('set villa-1 to villa-3 to pop', {'rooms': ['villa-1', 'villa-2', 'villa-3'], 'room_range': ('villa-1', 'villa-3'), 'station': 'pop'}, ['set', 'to']),
    ('set Cabin-1 thru Cabin-3 to pop', {'rooms': ['Cabin-1', 'Cabin-2', 'Cabin-3'], 'room_range': ('Cabin-1', 'Cabin-3'), 'station': 'pop'}, ['set', 'to']),
    ('set 12A - 12C to pop', {'rooms': ['12A', '12B', '12C'], 'room_range': ('12A', '12C'), 'station': 'pop'}, ['set', 'to']),
    ('set 12a through 12c to pop', {'rooms': ['12A', '12B', '12C'], 'room_range': ('12A', '12C'), 'station': 'pop'}, ['set', 'to']),
    ('set 12C - 12A to pop', {'backwards_range': ('12C', '12A'), 'station': 'pop'}, ['set', 'to']),
    ('set villa-1 - Orchid to pop', {'unclear_range': ('villa-1', 'Orchid'), 'station': 'pop'}, ['set', 'to']),
    ('set villa-1 until villa-2 to pop', {'rooms': ['villa-1', 'villa-2'], 'room_range': ('villa-1', 'villa-2'), 'station': 'pop'}, ['set', 'to']),
    ('set villa-1 till villa-2 to pop', {'rooms': ['villa-1', 'villa-2'], 'room_range': ('villa-1', 'villa-2'), 'station': 'pop'}, ['set', 'to']),
    ('set villa-1 .. villa-2 to pop', {'rooms': ['villa-1', 'villa-2'], 'room_range': ('villa-1', 'villa-2'), 'station': 'pop'}, ['set', 'to']),
    ('set villa-1 – villa-2 to pop', {'rooms': ['villa-1', 'villa-2'], 'room_range': ('villa-1', 'villa-2'), 'station': 'pop'}, ['set', 'to']),
    ('set villa-1 — villa-2 to pop', {'rooms': ['villa-1', 'villa-2'], 'room_range': ('villa-1', 'villa-2'), 'station': 'pop'}, ['set', 'to']),
    ('set villa-1-villa-3 to pop', {'rooms': ['villa-1', 'villa-2', 'villa-3'], 'room_range': ('villa-1', 'villa-3'), 'station': 'pop'}, ['set', 'to']),
    ('set Sakura to Jazz', {'rooms': ['Sakura'], 'station_room': 'Jazz', 'station': 'jazz'}, ['set', 'to']),
    ('set Sakura to Heron', {'unclear_range': ('Sakura', 'Heron')}, ['set']),
    ('set 106 to classic rock', {'rooms': ['106'], 'station': 'classic rock'}, ['set', 'to']),
    ('set villa-1 to villa-1 to pop', {'rooms': ['villa-1'], 'station': 'pop', 'marker_text': 'to'}, ['set', 'to', 'to']),
    ('set villa-3 to villa-1 to pop', {'backwards_range': ('villa-3', 'villa-1'), 'station': 'pop'}, ['set', 'to']),
    ('set Cabin-1 to Cabin-4, please', {'rooms': ['Cabin-1', 'Cabin-2', 'Cabin-3', 'Cabin-4'], 'room_range': ('Cabin-1', 'Cabin-4')}, ['set', 'please']),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected", "words"), TWO_ROOMS_OF_THE_INDEX_AS_A_RANGE)
def test_two_rooms_of_the_index_as_a_range(
    text: str, expected: dict[str, object], words: list[str]
) -> None:
    assert read(text, ROOMED) == (expected, words)


A_WORD_RANGE_WHOSE_BARE_NUMBERS_ARE_ROOMS_IS_ASKED: list[Row] = [
    ('set cabins 1-3 to pop', {'range_guess': ('Cabin-1', 'Cabin-3'), 'station': 'pop'}, ['set', 'to']),
    ('set cabin 1, 2 to pop', {'rooms': ['Cabin-1', '2'], 'station': 'pop'}, ['set', 'to']),
    ('set cabins 1 to 2 to pop', {'range_guess': ('Cabin-1', 'Cabin-2'), 'station': 'pop'}, ['set', 'to']),
    ('set A-1 to B-7 to pop', {'unclear_range': ('A-1', 'B-7'), 'station': 'pop'}, ['set', 'to']),
    ('set Loft-01 to Loft-03', {'rooms': ['Loft-01', 'Loft-02', 'Loft-03'], 'room_range': ('Loft-01', 'Loft-03')}, ['set']),
    ('set 7a - 7c to pop', {'rooms': ['7a', '7b', '7c'], 'room_range': ('7a', '7c'), 'station': 'pop'}, ['set', 'to']),
    ('set 7a - 8c to pop', {'unclear_range': ('7a', '8c'), 'station': 'pop'}, ['set', 'to']),
    ('set 7a - 7cc to pop', {'rooms': ['7a'], 'station': 'pop'}, ['set', '7cc', 'to']),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected", "words"), A_WORD_RANGE_WHOSE_BARE_NUMBERS_ARE_ROOMS_IS_ASKED
)
def test_a_word_range_whose_bare_numbers_are_rooms_is_asked(
    text: str, expected: dict[str, object], words: list[str]
) -> None:
    assert read(text, NUMBERED) == (expected, words)


A_PROPERTY_WORD_BEFORE_A_NUMBER_NAMES_ONE_ROOM: list[Row] = [
    ('set cabin 9 to pop', {'rooms': ['cabin 9'], 'property_prefix_room': 'cabin 9', 'station': 'pop'}, ['set', 'to']),
    ('set cabin 2 to pop', {'rooms': ['Cabin-2'], 'station': 'pop'}, ['set', 'to']),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected", "words"), A_PROPERTY_WORD_BEFORE_A_NUMBER_NAMES_ONE_ROOM
)
def test_a_property_word_before_a_number_names_one_room(
    text: str, expected: dict[str, object], words: list[str]
) -> None:
    assert read(text, NUMBERED) == (expected, words)


ROOMS_BY_SHAPE_AND_MARK: list[Row] = [
    ('set PH#9 to jazz', {'rooms': ['PH#9'], 'station': 'jazz'}, ['set', 'to']),
    ('set villa-12 to jazz', {'rooms': ['villa-12'], 'station': 'jazz'}, ['set', 'to']),
    ('set Tower-East-4 to jazz', {'rooms': ['Tower-East-4'], 'station': 'jazz'}, ['set', 'to']),
    ('set tower-east to jazz', {'station': 'jazz'}, ['set', 'tower', 'east', 'to']),
    ('set room 204 to jazz', {'rooms': ['204'], 'room_marked': True, 'station': 'jazz'}, ['set', 'to']),
    ('set rooms 204 to jazz', {'rooms': ['204'], 'room_marked': True, 'station': 'jazz'}, ['set', 'to']),
    ('set rm 204 to jazz', {'rooms': ['204'], 'room_marked': True, 'station': 'jazz'}, ['set', 'to']),
    ('set rms 204 to jazz', {'rooms': ['204'], 'room_marked': True, 'station': 'jazz'}, ['set', 'to']),
    ('set unit 204 to jazz', {'rooms': ['204'], 'room_marked': True, 'station': 'jazz'}, ['set', 'to']),
    ('set units 204 to jazz', {'rooms': ['204'], 'room_marked': True, 'station': 'jazz'}, ['set', 'to']),
    ('set suite 12 to jazz', {'rooms': ['12'], 'room_marked': True, 'station': 'jazz'}, ['set', 'to']),
    ('set suites 12 to jazz', {'rooms': ['12'], 'room_marked': True, 'station': 'jazz'}, ['set', 'to']),
    ('set no 204 to jazz', {'rooms': ['204'], 'room_marked': True, 'station': 'jazz'}, ['set', 'to']),
    ('set no. 204 to jazz', {'rooms': ['204'], 'room_marked': True, 'station': 'jazz'}, ['set', 'to']),
    ('set nos 204 to jazz', {'rooms': ['204'], 'room_marked': True, 'station': 'jazz'}, ['set', 'to']),
    ('set number 204 to jazz', {'rooms': ['204'], 'room_marked': True, 'station': 'jazz'}, ['set', 'to']),
    ('set room #204 to jazz', {'rooms': ['204'], 'room_marked': True, 'station': 'jazz'}, ['set', 'to']),
    ('set #204 to jazz', {'rooms': ['204'], 'room_marked': True, 'station': 'jazz'}, ['set', 'to']),
    ('set # 204 to jazz', {'rooms': ['204'], 'room_marked': True, 'station': 'jazz'}, ['set', 'to']),
    ('set room to 204 jazz', {'rooms': ['204'], 'station': 'jazz'}, ['set', 'room', 'to']),
    ('set room rooms 5 to jazz', {'rooms': ['5'], 'station': 'jazz'}, ['set', 'room', 'rooms', 'to']),
    ('set room type 5 to jazz', {'room_type': '5', 'station': 'jazz'}, ['set', 'to']),
    ('set S303 to jazz', {'rooms': ['S303'], 'station': 'jazz'}, ['set', 'to']),
    ('set 204b to jazz', {'rooms': ['204b'], 'station': 'jazz'}, ['set', 'to']),
    ('set abcd204 to jazz', {'station': 'jazz'}, ['set', 'abcd204', 'to']),
    ('play radio 2 in 204', {'rooms': ['204']}, ['play', 'radio', '2', 'in']),
    ('play fm 2 in 204', {'rooms': ['204']}, ['play', 'fm', '2', 'in']),
    ('play top 40 in 204', {'rooms': ['204'], 'station': 'top 40'}, ['play', 'in']),
    ('play channel 4 in 204', {'rooms': ['204']}, ['play', 'channel', '4', 'in']),
    ('play classical 102 in 204', {'rooms': ['204'], 'station': 'classical 102'}, ['play', 'in']),
    ('play kiss 100 in 204', {'rooms': ['204']}, ['play', 'kiss', '100', 'in']),
    ('play capital 95 in 204', {'rooms': ['204']}, ['play', 'capital', '95', 'in']),
    ('play radio x2 in 204', {'rooms': ['x2', '204']}, ['play', 'radio', 'in']),
    ('set 305 to 80s', {'rooms': ['305'], 'marker_text': '80s'}, ['set', 'to', '80s']),
    ('set 305 to 1990s', {'rooms': ['305'], 'marker_text': '1990s'}, ['set', 'to', '1990s']),
    ('set 305 to 2010s', {'rooms': ['305'], 'marker_text': '2010s'}, ['set', 'to', '2010s']),
    ('set 305 to 2030s', {'rooms': ['305', '2030s']}, ['set', 'to']),
    ('set 305 to 00s', {'rooms': ['305'], 'marker_text': '00s'}, ['set', 'to', '00s']),
    ('set 305 to 85s', {'rooms': ['305', '85s']}, ['set', 'to']),
    ('set 204 to classic - rock', {'rooms': ['204'], 'station': 'classic rock'}, ['set', 'to']),
    ('set 204 to classic  &  rock', {'rooms': ['204'], 'room_type': 'Classic Double', 'room_type_one': True, 'station': 'rock', 'marker_text': '&'}, ['set', 'to']),
    ('set 204 to classic , rock', {'rooms': ['204'], 'room_type': 'Classic Double', 'room_type_one': True, 'station': 'rock', 'marker_text': ','}, ['set', 'to']),
    ('set 204 to jazz, yes jazz', {'rooms': ['204'], 'station': 'jazz', 'marker_text': ', yes'}, ['set', 'to', 'yes']),
    ('play top 41 in 204', {'rooms': ['204']}, ['play', 'top', '41', 'in']),
    ('set every property rooms to jazz', {'station': 'jazz'}, ['set', 'every', 'property', 'rooms', 'to']),
    ('set 204 to classic & rock', {'rooms': ['204'], 'station': 'classic rock'}, ['set', 'to']),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected", "words"), ROOMS_BY_SHAPE_AND_MARK)
def test_rooms_by_shape_and_mark(text: str, expected: dict[str, object], words: list[str]) -> None:
    assert read(text, LEXICON) == (expected, words)


ROOM_TYPES: list[Row] = [
    ('set all penthouse rooms to jazz', {'room_type': 'Penthouse', 'station': 'jazz'}, ['set', 'rooms', 'to']),
    ('set every Junior Suite rooms to jazz', {'room_type': 'Junior Suite', 'station': 'jazz'}, ['set', 'rooms', 'to']),
    ('set all of the deluxe king rooms to jazz', {'room_type': 'Deluxe King', 'station': 'jazz'}, ['set', 'rooms', 'to']),
    ('set all guest rooms to jazz', {'all_rooms': True, 'station': 'jazz'}, ['set', 'to']),
    ('set all Treehouse rooms to jazz', {'room_type': 'Treehouse', 'station': 'jazz'}, ['set', 'to']),
    ('set room type Treehouse to jazz', {'room_type': 'Treehouse', 'station': 'jazz'}, ['set', 'to']),
    ('set room type Villa at Alpine to jazz', {'room_type': 'Villa', 'property_name': 'Alpine Lodge Aspen', 'station': 'jazz'}, ['set', 'at', 'to']),
    ('set room-types Villa to jazz', {'room_type': 'Villa', 'station': 'jazz'}, ['set', 'to']),
    ('set room type Villa station jazz', {'room_type': 'Villa', 'station': 'jazz'}, ['set', 'station']),
    ('set room type Villa -> jazz', {'room_type': 'Villa', 'station': 'jazz'}, ['set', '->']),
    ('set room type Villa = jazz', {'room_type': 'Villa', 'station': 'jazz'}, ['set']),
    ('set room type Villa in Aspen to jazz', {'room_type': 'Villa', 'property_name': 'Alpine Lodge Aspen', 'station': 'jazz'}, ['set', 'in', 'to']),
    ('set room type Villa, jazz', {'room_type': 'Villa', 'station': 'jazz'}, ['set']),
    ('set room type Villa: jazz', {'room_type': 'Villa', 'station': 'jazz'}, ['set']),
    ('set room type Villa @ Aspen to jazz', {'room_type': 'Villa', 'property_name': 'Alpine Lodge Aspen', 'station': 'jazz'}, ['set', 'to']),
    ('set the penthouse to jazz', {'room_type': 'Penthouse', 'room_type_one': True, 'station': 'jazz'}, ['set', 'the', 'to']),
    ('set penthouses to jazz', {'room_type': 'Penthouse', 'station': 'jazz'}, ['set', 'to']),
    ('set penthouse rooms to jazz', {'room_type': 'Penthouse', 'station': 'jazz'}, ['set', 'rooms', 'to']),
    ('set all of the penthouse to jazz', {'room_type': 'Penthouse', 'station': 'jazz'}, ['set', 'to']),
    ('set every penthouse to jazz', {'room_type': 'Penthouse', 'station': 'jazz'}, ['set', 'to']),
    ('set room type penthouse to jazz', {'room_type': 'Penthouse', 'station': 'jazz'}, ['set', 'to']),
    ('set the kings to jazz', {'room_type': 'kings', 'station': 'jazz'}, ['set', 'the', 'to']),
    ('set villa 7 to jazz', {'rooms': ['villa 7'], 'station': 'jazz'}, ['set', 'to']),
    ('set loft 3 to jazz', {'rooms': ['loft 3'], 'station': 'jazz'}, ['set', 'to']),
    ('set villa rooms 7 to jazz', {'rooms': ['7'], 'room_marked': True, 'room_type': 'Villa', 'station': 'jazz'}, ['set', 'to']),
    ('set villa #7 to jazz', {'rooms': ['villa #7'], 'station': 'jazz'}, ['set', 'to']),
    ('set villa-7b to jazz', {'rooms': ['villa-7b'], 'station': 'jazz'}, ['set', 'to']),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected", "words"), ROOM_TYPES)
def test_room_types(text: str, expected: dict[str, object], words: list[str]) -> None:
    assert read(text, LEXICON) == (expected, words)


ROOMS_STATIONS_AND_PROPERTIES_OF_THE_INDEX: list[Row] = [
    ('set Heron to oldies', {'rooms': ['Heron'], 'property_room': 'Heron', 'station': 'oldies'}, ['set', 'to']),
    ('set Heron at Heron Bay Inn to oldies', {'rooms': ['Heron'], 'property_name': 'Heron Bay Inn', 'station': 'oldies'}, ['set', 'at', 'to']),
    ('set Blues, Fuji at Bayou to pop', {'rooms': ['Fuji', 'Blues'], 'property_name': 'Bayou Blues Hotel', 'station': 'pop'}, ['set', 'at', 'to']),
    ('set Jazz and Country to pop', {'rooms': ['Jazz', 'Country'], 'rooms_like_stations': True, 'station': 'pop'}, ['set', 'and', 'to']),
    ('set Jazz, Country to pop', {'rooms': ['Jazz', 'Country'], 'rooms_like_stations': True, 'station': 'pop'}, ['set', 'to']),
    ('set Jazz to jazz', {'rooms': ['Jazz'], 'station_room': 'Jazz', 'station': 'jazz'}, ['set', 'to']),
    ("what's on in Jazz", {'rooms': ['Jazz']}, ["what's", 'on', 'in']),
    ('whats playing Country, Fuji', {'rooms': ['Country', 'Fuji']}, ['whats', 'playing']),
    ('clear alarms in Jazz', {'rooms': ['Jazz'], 'kinds': ['alarms']}, ['clear', 'in']),
    ('set Jazz and Sakura at Hanami to classical', {'rooms': ['Jazz', 'Sakura'], 'property_name': 'Hanami', 'station': 'classical'}, ['set', 'and', 'at', 'to']),
    ('set 204 to jazz and 204 at Hanami to pop', {'rooms': ['204'], 'station_room': 'Jazz', 'property_name': 'Hanami', 'station': 'jazz', 'other_stations': ['pop'], 'marker_text': 'and at to'}, ['set', 'to', 'and', 'at', 'to']),
    ('set Sakura to classic rock', {'rooms': ['Sakura'], 'station': 'classic rock'}, ['set', 'to']),
    ('set 204 to jazz and pop', {'rooms': ['204'], 'station_room': 'Jazz', 'station': 'jazz', 'other_stations': ['pop'], 'marker_text': 'and'}, ['set', 'to', 'and']),
    ('set 204 to jazz, pop', {'rooms': ['204'], 'station_room': 'Jazz', 'station': 'jazz', 'other_stations': ['pop'], 'marker_text': ','}, ['set', 'to']),
    ('set 204 to jazz or pop', {'rooms': ['204'], 'station_room': 'Jazz', 'station': 'jazz', 'other_stations': ['pop'], 'marker_text': 'or'}, ['set', 'to', 'or']),
    ('set 204 to jazz + pop', {'rooms': ['204'], 'station_room': 'Jazz', 'station': 'jazz', 'other_stations': ['pop'], 'marker_text': '+'}, ['set', 'to']),
    ('set 204 to smooth jazz pop', {'rooms': ['204'], 'station': 'smooth jazz', 'other_stations': ['pop'], 'stations_adjacent': True}, ['set', 'to']),
    ('set 204 to jazz pop', {'rooms': ['204'], 'station_room': 'Jazz', 'station': 'jazz', 'other_stations': ['pop'], 'stations_adjacent': True}, ['set', 'to']),
    ('set 204 to pop jazz', {'rooms': ['204'], 'station': 'pop', 'other_stations': ['jazz'], 'stations_adjacent': True}, ['set', 'to']),
    ('set 204 to jazz, set 205 to pop', {'rooms': ['204', '205'], 'station_room': 'Jazz', 'station': 'jazz', 'other_stations': ['pop'], 'marker_text': ', set to'}, ['set', 'to', 'set', 'to']),
    ('set 204 at Lakeside to jazz and 205 at Harbor to pop', {'rooms': ['204', '205'], 'station_room': 'Jazz', 'property_name': 'Lakeside Chicago', 'station': 'jazz', 'other_stations': ['pop'], 'other_properties': ['Harbor'], 'marker_text': 'and at to'}, ['set', 'at', 'to', 'and', 'at', 'to']),
    ('set 204 at Lakeside and Harbor to pop', {'rooms': ['204'], 'property_name': 'Lakeside Chicago', 'station': 'pop', 'other_properties': ['Harbor']}, ['set', 'at', 'and', 'to']),
    ('set 204 to station 4242', {'rooms': ['204'], 'station': '4242', 'marker_text': 'station'}, ['set', 'to', 'station']),
    ('set 204 to ihr jazz', {'rooms': ['204'], 'station': '4242'}, ['set', 'to']),
    ('set 204 to s107537', {'rooms': ['204'], 'station': 's107537'}, ['set', 'to']),
    ('set all rooms at bay to pop', {'property_name': 'bay', 'all_rooms': True, 'station': 'pop'}, ['set', 'at', 'to']),
    ('set all rooms at the bay to pop', {'property_name': 'bay', 'all_rooms': True, 'station': 'pop'}, ['set', 'at', 'the', 'to']),
    ('set Bay to pop', {'rooms': ['Bay'], 'station': 'pop'}, ['set', 'to']),
    ('set room Bay to pop', {'rooms': ['Bay'], 'room_marked': True, 'station': 'pop'}, ['set', 'room', 'to']),
    ('set room To to pop', {'station': 'pop', 'marker_text': 'to'}, ['set', 'room', 'to', 'to']),
    ('set Suite and 101 to pop', {'rooms': ['Suite', '101'], 'station': 'pop'}, ['set', 'and', 'to']),
    ('set suite, Tower to pop', {'rooms': ['Suite', 'Tower'], 'station': 'pop'}, ['set', 'to']),
    ("what's playing in Suite", {'rooms': ['Suite']}, ["what's", 'playing', 'in']),
    ("what's playing in the suite at Lakeside", {'rooms': ['Suite'], 'property_name': 'Lakeside Chicago'}, ["what's", 'playing', 'in', 'the', 'at']),
    ('set 101 to pop in the suite', {'rooms': ['101'], 'station': 'pop', 'marker_text': 'in the suite'}, ['set', 'to', 'in', 'the', 'suite']),
    ('set PH=1 to pop', {'rooms': ['PH=1'], 'station': 'pop'}, ['set', 'to']),
    ('set ph=1 to pop', {'rooms': ['ph=1'], 'station': 'pop'}, ['set', 'to']),
    ('set villa 9 to pop', {'rooms': ['villa 9'], 'station': 'pop'}, ['set', 'to']),
    ('set Heron 9 to pop', {'rooms': ['9'], 'property_room': 'Heron', 'property_name': 'Heron Bay Inn', 'station': 'pop'}, ['set', 'to']),
    ('set Orchid to pop', {'rooms': ['Orchid'], 'station': 'pop'}, ['set', 'to']),
    ("set orchid's echo to pop", {'rooms': ['Orchid'], 'station': 'pop'}, ['set', 'echo', 'to']),
    ("set Sakura's echo to pop", {'rooms': ['Sakura'], 'station': 'pop'}, ['set', 'echo', 'to']),
    ('set Sakura? to pop', {'rooms': ['Sakura'], 'station': 'pop'}, ['set', '?', 'to']),
    ("set Lakeside Chicago's 204 to pop", {'rooms': ['204'], 'property_name': 'Lakeside Chicago', 'station': 'pop'}, ['set', "chicago's", 'to']),
    ("is 118 at lakeside's echo online?", {'rooms': ['118'], 'property_name': 'Lakeside Chicago'}, ['is', 'at', 'echo', 'online', '?']),
    ("is 118 at alpine's echo online?", {'rooms': ['118'], 'property_name': 'Alpine Lodge Aspen'}, ['is', 'at', 'echo', 'online', '?']),
    ('set 204 at lake side to pop', {'rooms': ['204'], 'property_name': 'Lakeside Chicago', 'station': 'pop'}, ['set', 'at', 'to']),
    ('set Tower to pop', {'rooms': ['Tower'], 'station': 'pop'}, ['set', 'to']),
    ('set Tower East 4 to pop', {'rooms': ['Tower-East-4'], 'station': 'pop'}, ['set', 'to']),
    ('set Classic to pop', {'room_type': 'Classic Double', 'room_type_one': True, 'room_shadowed': 'Classic', 'station': 'pop'}, ['set', 'to']),
    ('set room Classic to pop', {'rooms': ['Classic'], 'room_marked': True, 'station': 'pop'}, ['set', 'room', 'to']),
    ('set the classic to pop', {'room_type': 'Classic Double', 'room_type_one': True, 'room_shadowed': 'Classic', 'station': 'pop'}, ['set', 'the', 'to']),
    ('set 204 to classic fm', {'rooms': ['204'], 'station': 'classic fm'}, ['set', 'to']),
    ('set room type Classic to pop', {'room_type': 'Classic Double', 'station': 'pop'}, ['set', 'to']),
    ('set Classic rooms to pop', {'room_type': 'Classic Double', 'station': 'pop'}, ['set', 'rooms', 'to']),
    ('what is playing Country', {'rooms': ['Country']}, ['what', 'is', 'playing']),
    ('set 204 at granite to pop', {'rooms': ['204'], 'property_name': 'granite', 'station': 'pop'}, ['set', 'at', 'to']),
    ('set 101 and Country to pop', {'rooms': ['101', 'Country'], 'station': 'pop'}, ['set', 'and', 'to']),
    ("set ph1's echo to pop", {'rooms': ['ph1'], 'station': 'pop'}, ['set', 'echo', 'to']),
    ('set 101-102 and villa-1 to villa-3 to pop', {'rooms': ['101', '102', 'villa-1', 'villa-2', 'villa-3'], 'station': 'pop'}, ['set', 'and', 'to']),
    ("is 118 at granite's echo online?", {'rooms': ['118'], 'property_name': 'granite'}, ['is', 'at', 'echo', 'online', '?']),
    ('set Jazz and Sakura at Hanami to pop please', {'rooms': ['Jazz', 'Sakura'], 'property_name': 'Hanami', 'station': 'pop', 'marker_text': 'please'}, ['set', 'and', 'at', 'to', 'please']),
    ('set 204 to pop at ark & bee', {'rooms': ['204'], 'property_name': 'Ark & Bee', 'station': 'pop', 'marker_text': 'at'}, ['set', 'to', 'at']),
    ('set 204 to pop at ark &  bee', {'rooms': ['204'], 'property_name': 'ark &  bee', 'station': 'pop', 'marker_text': 'at'}, ['set', 'to', 'at']),
    ('set 204 to pop and Country', {'rooms': ['204'], 'station': 'pop', 'other_stations': ['country'], 'marker_text': 'and'}, ['set', 'to', 'and']),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected", "words"), ROOMS_STATIONS_AND_PROPERTIES_OF_THE_INDEX)
def test_rooms_stations_and_properties_of_the_index(
    text: str, expected: dict[str, object], words: list[str]
) -> None:
    assert read(text, ROOMED) == (expected, words)


ROOMS_OF_THE_INDEX_LEFT_OUT: list[Row] = [
    ('418 and 419 -> pop, 420 stays', {'rooms': ['418', '419'], 'station': 'pop', 'excluded': ['420']}, ['and', '->']),
    ('set 418-420 to pop; 420 stay as is', {'rooms': ['418', '419'], 'station': 'pop', 'excluded': ['420']}, ['set', 'to']),
    ('set 418-420 to pop, 420 remains', {'rooms': ['418', '419'], 'station': 'pop', 'excluded': ['420']}, ['set', 'to']),
    ('set 418-420 to pop, 420 remain', {'rooms': ['418', '419'], 'station': 'pop', 'excluded': ['420']}, ['set', 'to']),
    ('set 418-420 to pop, 420 keeps its station', {'rooms': ['418', '419'], 'station': 'pop', 'excluded': ['420']}, ['set', 'to']),
    ('set 418-420 to pop, 420 keep it', {'rooms': ['418', '419'], 'station': 'pop', 'excluded': ['420']}, ['set', 'to']),
    ('set 418-420 to pop, 420 should stay', {'rooms': ['418', '419'], 'station': 'pop', 'excluded': ['420']}, ['set', 'to']),
    ('set 418-420 to pop, 420 is fine', {'rooms': ['418', '419'], 'station': 'pop', 'excluded': ['420']}, ['set', 'to']),
    ('set 418-420 to pop, 420 is ok', {'rooms': ['418', '419'], 'station': 'pop', 'excluded': ['420']}, ['set', 'to']),
    ('set 418-420 to pop, 420 is staying', {'rooms': ['418', '419'], 'station': 'pop', 'excluded': ['420']}, ['set', 'to']),
    ('set 418-420 to pop, 420 untouched', {'rooms': ['418', '419'], 'station': 'pop', 'excluded': ['420']}, ['set', 'to']),
    ('set 418-420 to pop, rooms 419 & 420 unchanged', {'rooms': ['418'], 'station': 'pop', 'excluded': ['419', '420']}, ['set', 'to']),
    ('set 418-420 to pop but 420 stays', {'rooms': ['418', '419'], 'station': 'pop', 'excluded': ['420']}, ['set', 'to']),
    ('set 418-420 to pop, and 420 stays', {'rooms': ['418', '419'], 'station': 'pop', 'excluded': ['420']}, ['set', 'to']),
    ('set 418-420 to pop, while 420 stays', {'rooms': ['418', '419'], 'station': 'pop', 'excluded': ['420']}, ['set', 'to']),
    ('set all rooms to pop except Cabin-2', {'all_rooms': True, 'station': 'pop', 'excluded': ['Cabin-2']}, ['set', 'to']),
    ('set all rooms to pop except cabin 2 and villa 3', {'all_rooms': True, 'station': 'pop', 'excluded': ['Cabin-2', 'villa-3']}, ['set', 'to']),
    ('set all rooms to pop but not villa-3, Orchid', {'all_rooms': True, 'station': 'pop', 'excluded': ['villa-3', 'Orchid']}, ['set', 'to']),
    ('set all rooms to pop except PH #2', {'all_rooms': True, 'station': 'pop', 'excluded': ['PH#2']}, ['set', 'to']),
    ('set rooms 101-102 to pop, Bay too', {'rooms': ['101', '102', 'Bay'], 'room_marked': True, 'station': 'pop', 'marker_text': ', too'}, ['set', 'to', 'too']),
    ('set Heron penthouses to oldies', {'room_type': 'Penthouse', 'property_room': 'Heron', 'property_name': 'Heron Bay Inn', 'station': 'oldies'}, ['set', 'to']),
    ('set all rooms at Heron to oldies', {'property_name': 'Heron Bay Inn', 'all_rooms': True, 'station': 'oldies'}, ['set', 'at', 'to']),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected", "words"), ROOMS_OF_THE_INDEX_LEFT_OUT)
def test_rooms_of_the_index_left_out(
    text: str, expected: dict[str, object], words: list[str]
) -> None:
    """`420 stays`, `except Cabin-2`: every verb of staying, every way to list them."""
    assert read(text, ROOMED) == (expected, words)


A_PLACE_THE_LEXICON_DOES_NOT_KNOW: list[Row] = [
    ('set 204 at Juniper Creek to jazz', {'rooms': ['204'], 'property_name': 'Juniper Creek', 'station': 'jazz'}, ['set', 'at', 'to']),
    ('set 204 @ Juniper Creek to jazz', {'rooms': ['204'], 'property_name': 'Juniper Creek', 'station': 'jazz'}, ['set', 'to']),
    ('set 204 at the Juniper Creek -> jazz', {'rooms': ['204'], 'property_name': 'Juniper Creek', 'station': 'jazz'}, ['set', 'at', 'the', '->']),
    ('set 204 at Juniper Creek = jazz', {'rooms': ['204'], 'property_name': 'Juniper Creek', 'station': 'jazz'}, ['set', 'at']),
    ('set all rooms in Juniper Creek to jazz', {'property_name': 'Juniper Creek', 'all_rooms': True, 'station': 'jazz'}, ['set', 'in', 'to']),
    ('set all rooms of Juniper Creek to jazz', {'property_name': 'Juniper Creek', 'all_rooms': True, 'station': 'jazz'}, ['set', 'of', 'to']),
    ('set all rooms for Juniper Creek to jazz', {'all_rooms': True, 'station': 'jazz'}, ['set', 'for', 'juniper', 'creek', 'to']),
    ('set 204 in Juniper Creek to jazz', {'rooms': ['204'], 'station': 'jazz'}, ['set', 'in', 'juniper', 'creek', 'to']),
    ('set all penthouse rooms in Juniper Creek to jazz', {'room_type': 'Penthouse', 'property_name': 'Juniper Creek', 'station': 'jazz'}, ['set', 'rooms', 'in', 'to']),
    ('set all rooms at 204 to jazz', {'rooms': ['204'], 'all_rooms': True, 'station': 'jazz'}, ['set', 'at', 'to']),
    ('set all rooms at 204-206 to jazz', {'rooms': ['204', '205', '206'], 'room_range': ('204', '206'), 'all_rooms': True, 'station': 'jazz'}, ['set', 'at', 'to']),
    ('set all rooms in the rooms', {'all_rooms': True}, ['set', 'in', 'the', 'rooms']),
    ('set all rooms at the suites', {'all_rooms': True}, ['set', 'at', 'the', 'suites']),
    ('set all rooms in room type Tower', {'room_type': 'Tower', 'all_rooms': True}, ['set', 'in']),
    ('set all rooms in room-types Tower', {'room_type': 'Tower', 'all_rooms': True}, ['set', 'in']),
    ('the guy at 204 wants jazz', {'rooms': ['204'], 'station': 'jazz'}, ['the', 'guy', 'at', 'wants']),
    ('all rooms at want jazz', {'all_rooms': True, 'station': 'jazz'}, ['at', 'want']),
    ('all rooms at wanted jazz', {'all_rooms': True, 'station': 'jazz'}, ['at', 'wanted']),
    ('all rooms at needs jazz', {'all_rooms': True, 'station': 'jazz'}, ['at', 'needs']),
    ('all rooms at need jazz', {'all_rooms': True, 'station': 'jazz'}, ['at', 'need']),
    ('all rooms at likes jazz', {'all_rooms': True, 'station': 'jazz'}, ['at', 'likes']),
    ('all rooms at would like jazz', {'all_rooms': True, 'station': 'jazz'}, ['at', 'would', 'like']),
    ('all rooms at asks for jazz', {'all_rooms': True, 'station': 'jazz'}, ['at', 'asks', 'for']),
    ('all rooms at asked for jazz', {'all_rooms': True, 'station': 'jazz'}, ['at', 'asked', 'for']),
    ('all rooms at says jazz', {'all_rooms': True, 'station': 'jazz'}, ['at', 'says']),
    ('all rooms at asap jazz', {'all_rooms': True, 'station': 'jazz'}, ['at', 'asap']),
    ('all rooms at please jazz', {'all_rooms': True, 'station': 'jazz'}, ['at', 'please']),
    ('all rooms at pls jazz', {'all_rooms': True, 'station': 'jazz'}, ['at', 'pls']),
    ('all rooms at plz jazz', {'all_rooms': True, 'station': 'jazz'}, ['at', 'plz']),
    ('all rooms at now jazz', {'all_rooms': True, 'station': 'jazz'}, ['at', 'now']),
    ('all rooms at tonight jazz', {'all_rooms': True, 'station': 'jazz'}, ['at', 'tonight']),
    ('all rooms at today jazz', {'all_rooms': True, 'station': 'jazz'}, ['at', 'today']),
    ('all rooms at too jazz', {'all_rooms': True, 'station': 'jazz'}, ['at', 'too']),
    ('all rooms at also jazz', {'all_rooms': True, 'station': 'jazz'}, ['at', 'also']),
    ('all rooms at as well jazz', {'all_rooms': True, 'station': 'jazz'}, ['at', 'as', 'well']),
    ('all rooms at wanting jazz', {'property_name': 'wanting', 'all_rooms': True, 'station': 'jazz'}, ['at']),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected", "words"), A_PLACE_THE_LEXICON_DOES_NOT_KNOW)
def test_a_place_the_lexicon_does_not_know(
    text: str, expected: dict[str, object], words: list[str]
) -> None:
    """`at <name>` kept as typed; never a word of the request (`wants`, `please`...) nor the words for rooms."""
    assert read(text, LEXICON) == (expected, words)


WHAT_FOLLOWS_TO_IS_KEPT_AS_TYPED: list[Row] = [
    ('set 204 = Blue Note', {'rooms': ['204'], 'marker_text': 'Blue Note'}, ['set', 'blue', 'note']),
    ('set 204: Blue   Note', {'rooms': ['204'], 'marker_text': 'Blue Note'}, ['set', 'blue', 'note']),
    ('move 204 into Blue Note', {'rooms': ['204'], 'marker_text': 'Blue Note'}, ['move', 'into', 'blue', 'note']),
    ('set 204 to', {'rooms': ['204']}, ['set', 'to']),
    ('set 204 onto Blue Note', {'rooms': ['204']}, ['set', 'onto', 'blue', 'note']),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected", "words"), WHAT_FOLLOWS_TO_IS_KEPT_AS_TYPED)
def test_what_follows_to_is_kept_as_typed(
    text: str, expected: dict[str, object], words: list[str]
) -> None:
    assert read(text, LEXICON) == (expected, words)


BOUNDS_AND_WORDS_FOR_ROOMS: list[Row] = [
    ('is gabcd1234567 online', {'serial': 'GABCD1234567'}, ['is', 'online']),
    ('is gabcd123456 online', {}, ['is', 'gabcd123456', 'online']),
    ('is gabcd1234567890a online', {'serial': 'GABCD1234567890A'}, ['is', 'online']),
    ('is gabcd1234567890ab online', {}, ['is', 'gabcd1234567890ab', 'online']),
    ('is gabcd1234567 or gefgh7654321 online', {'serial': 'GABCD1234567'}, ['is', 'or', 'gefgh7654321', 'online']),
    ("Lobby 'S max volume to 6", {'setting': 'max volume', 'setting_name': 'Lobby', 'setting_value': '6'}, []),
    ('set all rooms in the room', {'all_rooms': True}, ['set', 'in', 'the', 'room']),
    ('set all rooms in the rooms', {'all_rooms': True}, ['set', 'in', 'the', 'rooms']),
    ('set all rooms in the rm', {'all_rooms': True}, ['set', 'in', 'the', 'rm']),
    ('set all rooms in the rms', {'all_rooms': True}, ['set', 'in', 'the', 'rms']),
    ('set all rooms in the unit', {'all_rooms': True}, ['set', 'in', 'the', 'unit']),
    ('set all rooms in the units', {'all_rooms': True}, ['set', 'in', 'the', 'units']),
    ('set all rooms in the suite', {'all_rooms': True}, ['set', 'in', 'the', 'suite']),
    ('set all rooms in the suites', {'all_rooms': True}, ['set', 'in', 'the', 'suites']),
    ('set all rooms in the no', {'all_rooms': True}, ['set', 'in', 'the', 'no']),
    ('set all rooms in the room type', {'all_rooms': True}, ['set', 'in', 'the', 'room', 'type']),
    ("set 204 at Seattle's to jazz", {'rooms': ['204'], 'property_name': 'Harbor View Seattle', 'station': 'jazz'}, ['set', 'at', 'to']),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected", "words"), BOUNDS_AND_WORDS_FOR_ROOMS)
def test_bounds_and_words_for_rooms(
    text: str, expected: dict[str, object], words: list[str]
) -> None:
    """A serial's length at its limits, `'S` dropped from a profile's name, every word for rooms after "in the"."""
    assert read(text, LEXICON) == (expected, words)


def test_a_profile_volume_in_a_room_takes_no_room_number_for_its_value() -> None:
    """`the volume in 204`, `in room 204`, `in rm #204`: the number after "in"/"room"/"rm" is no value."""
    for text in ("set the volume in 204 to 6", "set the volume in room 204 to 6",
                 "set the volume in rm #204 to 6"):  # fmt: skip
        found = find_entities(text, LEXICON)
        assert (found.setting, found.setting_value) == ("max volume", None), text
    found = find_entities("set the volume of 204 to 6", LEXICON)
    assert found.setting_value == "204"


@pytest.mark.parametrize(
    ("found", "large"),
    [
        (Entities(too_many_rooms=True), True),
        (Entities(rooms=[str(n) for n in range(1000)]), False),
        (Entities(rooms=[str(n) for n in range(1001)]), True),
        (Entities(), False),
    ],
)
def test_too_large_past_a_thousand_rooms(found: Entities, large: bool) -> None:
    assert too_large(found) is large


def test_a_range_of_a_thousand_rooms_is_read_one_more_is_too_many() -> None:
    found = find_entities("set 1-1000 to jazz", LEXICON)
    assert (len(found.rooms), found.rooms[0], found.rooms[-1]) == (1000, "1", "1000")
    assert found.room_range == ("1", "1000") and not found.too_many_rooms
    assert find_entities("set 1-1001 to jazz", LEXICON).too_many_rooms is True


@pytest.mark.parametrize(
    ("found", "target"),
    [
        (Entities(rooms=["204"]), True),
        (Entities(room_type="Villa"), True),
        (Entities(all_rooms=True), True),
        (Entities(property_name="Lakeside Chicago", station="jazz"), False),
    ],
)
def test_has_target_is_rooms_a_room_type_or_all_rooms(found: Entities, target: bool) -> None:
    assert found.has_target is target


def test_the_words_left_keep_their_typed_spelling() -> None:
    """What the bot did not follow is said back as typed: each word, and the word without its quotes."""
    found = find_entities("Hello GUESTS' Wifi, Don’t (Ask) 204", LEXICON)
    assert found.words == ["hello", "guests'", "wifi", "don't", "ask"]
    assert found.typed == {
        "hello": "Hello",
        "guests'": "GUESTS'",
        "guests": "GUESTS",
        "wifi": "Wifi",
        "don't": "Don’t",
        "ask": "Ask",
    }


def test_the_first_spelling_of_a_word_is_kept() -> None:
    found = find_entities("Foo foo FOO", LEXICON)
    assert found.words == ["foo", "foo", "foo"] and found.typed == {"foo": "Foo"}


def test_the_station_end_is_where_the_station_ends() -> None:
    assert find_entities("set 204 to jazz now", LEXICON).station_end == len("set 204 to jazz")
    assert find_entities("set 204 to station 4242", LEXICON).station_end == -1


def test_kinds_are_listed_in_their_own_order() -> None:
    found = find_entities("clear timers, reminders, wake up calls in 118", LEXICON)
    assert found.kinds == [AlertKind.ALARMS, AlertKind.REMINDERS, AlertKind.TIMERS]


# The words requests are made of: a room of the index so named is that room only when marked.
# ("alarm", "alarms", "reminders", "timers", "everything" are read as alert kinds before any room.)
_REQUEST_WORDS = [
    "to", "and", "or", "in", "at", "of", "for", "on", "the", "a", "an", "set", "change", "put",
    "play", "make", "clear", "cancel", "delete", "remove", "all", "every", "room", "rooms",
    "please", "yes", "no", "it", "is", "what", "whats", "what's", "which", "station", "music",
    "radio", "now", "then", "but", "except", "not", "don't", "dont", "i", "me", "my", "we", "you",
    "this", "that", "one", "two", "three", "with", "from", "into", "by", "be", "can", "could",
    "would", "will", "guest", "guests", "undo", "help", "back", "so", "up", "off", "type", "types",
    "suite",
]  # fmt: skip
WORDY = build_lexicon([], [], None, [w.capitalize() for w in _REQUEST_WORDS] + ["Ping"])


@pytest.mark.parametrize("word", _REQUEST_WORDS)
def test_a_room_named_like_a_request_word_is_no_room_unmarked(word: str) -> None:
    found = find_entities(f"ping {word}", WORDY)
    assert found.rooms == ["Ping"] and found.words == [word]


@pytest.mark.parametrize("word", ["with", "guest", "not", "yes", "help"])
def test_a_room_named_like_a_request_word_is_that_room_when_marked(word: str) -> None:
    found = find_entities(f"room {word}", WORDY)
    assert (found.rooms, found.room_marked, found.words) == ([word.capitalize()], True, ["room"])


def test_a_property_word_that_names_a_room_only_loosely_stays_the_property() -> None:
    """`set pine to pop` (room Pi#ne, property Pine Lodge): only a room's exact name is taken for
    the room instead of the property; `Pi#ne` typed exactly is the room."""
    assert read("set pine to pop", NUMBERED) == (
        {"property_name": "Pine Lodge", "station": "pop"},
        ["set", "to"],
    )
    assert read("set Pi#ne to pop", NUMBERED) == (
        {"rooms": ["Pi#ne"], "station": "pop"},
        ["set", "to"],
    )
