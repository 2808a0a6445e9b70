"""The world reader (tests/world_reading.py) reads what the real engine would do, in the neutral form."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from world_reading import WorldReader

DEMO = Path(__file__).parent.parent / "bot" / "sandbox" / "worlds" / "demo.json"


@pytest.fixture(scope="module")
def demo() -> WorldReader:
    world: dict[str, Any] = json.loads(DEMO.read_text(encoding="utf-8"))
    return WorldReader(world)


def test_a_station_change_reads_as_its_rooms_property_and_station(demo: WorldReader) -> None:
    assert demo.read("jazz in 204", channel_property="Harbor View Seattle") == {
        "intent": "set_station",
        "rooms": ["204"],
        "property": "Harbor View Seattle",
        "station": "Jazz",
    }


def test_a_room_in_several_hotels_asks_which_property(demo: WorldReader) -> None:
    assert demo.read("jazz in 204") == {"ask": "property"}


def test_a_confirmation_reads_as_what_yes_would_run(demo: WorldReader) -> None:
    asked, done = demo.converse(["set 501-520 to jazz", "yes"])
    assert asked["ask"] == "confirm" and asked["intent"] == "set_station"
    assert asked["rooms"] == [str(n) for n in range(501, 521)]
    assert done == {k: v for k, v in asked.items() if k != "ask"}


def test_an_answer_completes_the_command(demo: WorldReader) -> None:
    first, second = demo.converse(["put jazz on in 204", "Lakeside"])
    assert first == {"ask": "property"}
    assert second["rooms"] == ["204"] and second["property"] == "Lakeside Chicago"


def test_alerts_and_reads_and_nothing(demo: WorldReader) -> None:
    assert demo.read("clear alarms in 305 at Lakeside")["kinds"] == ["alarms"]
    assert demo.read("what's playing in S303") == {
        "intent": "ask_station",
        "rooms": ["S303"],
        "property": "Lakeside Chicago",
    }
    assert demo.read("blah blah") == {"intent": "none"}
