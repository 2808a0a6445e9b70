"""Round 15's wrong action and bad replies (tests/worlds/trial17o.json: rooms Porch, Parlour,
Cedar-1, Cedar_3 at Cedar Bay; the demo world, whose Alpine Lodge has a room named Country)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_issue17_trial2 import DEMO, HARBOR, _world
from world_reading import WorldReader

TRIAL_O = Path(__file__).parent / "worlds" / "trial17o.json"
CEDAR = "Cedar Bay Inn Portland"


@pytest.fixture(scope="module")
def cedar() -> WorldReader:
    return _world(TRIAL_O)


@pytest.fixture(scope="module")
def demo() -> WorldReader:
    return _world(DEMO)


@pytest.mark.parametrize(
    ("text", "rooms"),
    [
        ("set 105 not 106 to pop", ["105"]),  # the wrong action: 106 was set too
        ("clear alarms in 101 not 102", ["101"]),
        ("clear timers in 203 (not 202)", ["203"]),
        ("set cedar-1 not cedar-2 to pop", ["Cedar-1"]),
    ],
)
def test_a_bare_not_after_a_room_leaves_the_next_room_out(
    cedar: WorldReader, text: str, rooms: list[str]
) -> None:
    read = cedar.read(text)
    if read.get("ask") == "confirm" or "rooms" in read:
        assert read["rooms"] == rooms, read
    else:
        assert read.get("intent") in ("none", None), read


@pytest.mark.parametrize(
    ("text", "rooms", "station"),
    [
        ("swap 110 over to oldies asap", ["110"], "Oldies"),
        ("set cedar_3 n cedar-1 to gospel", ["Cedar-1", "Cedar_3"], "Gospel"),
    ],
)
def test_everyday_words_around_a_whole_request_are_context(
    cedar: WorldReader, text: str, rooms: list[str], station: str
) -> None:
    read = cedar.read(text)
    assert (read["rooms"], read["station"]) == (rooms, station), read


@pytest.mark.parametrize(
    ("text", "rooms"),
    [
        ("leave 120 alone and set 119 to mix", ["119"]),
        ("dont touch 410 just do 411 with latin", ["411"]),
        ("mix it up in 207, guest wants variety", ["207"]),
        ("guest in 413 says the music is annoying, switch to classical", ["413"]),
        ("vip arriving in 410 tonight, put jazz on", ["410"]),
    ],
)
def test_a_request_with_rooms_left_alone_or_a_reason_is_done(
    demo: WorldReader, text: str, rooms: list[str]
) -> None:
    read = demo.read(text, channel_property=HARBOR)
    assert read.get("rooms") == rooms and "ask" not in read, read


def test_guests_arriving_later_is_when_they_come_not_when_to_change(demo: WorldReader) -> None:
    read = demo.read("lotus alpine: put on some jazz for the guests arriving later")
    assert (read["rooms"], read["station"]) == (["Lotus"], "Jazz"), read
    assert demo.read("set 204 to jazz later", channel_property=HARBOR).get("ask") is not None


def test_tonight_at_nine_is_never_room_nine(demo: WorldReader) -> None:
    read = demo.read("set 204 to jazz tonight at 9", channel_property=HARBOR)
    assert read.get("ask") is not None and "rooms" not in read, read  # asked: only now
    read = demo.read("clear the alarms in 206 tomorrow at 9", channel_property=HARBOR)
    assert read.get("rooms") == ["206"], read


@pytest.mark.parametrize(
    "text",
    [
        "set country at redwood to jazz",
        "whats playing in country at redwood",
        "clear alarms in country at redwood",
    ],
)
def test_a_room_named_country_is_the_room_never_a_property_country(text: str) -> None:
    redwood = _world(Path(__file__).parent / "worlds" / "trial17m.json")
    read = redwood.read(text)
    assert read.get("rooms") == ["Country"], read
    assert read.get("property") == "Redwood Canyon Lodge", read


def test_a_read_everywhere_answers_at_each_property_holding_the_room(
    demo: WorldReader,
) -> None:
    read = demo.read("what's playing in 204 everywhere", channel_property=HARBOR)
    assert read.get("ask") is None and read.get("intent") != "none", read
