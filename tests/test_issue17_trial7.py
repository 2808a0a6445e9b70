"""Issue 17, seventh trial: wrong actions a seventh new user's messages found, pinned through the
real engine (tests/worlds/trial17g.json: rooms named Morning, Thames, Jazz; a station "Wynn's
Station" in the catalog)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_issue17_trial2 import _world
from world_reading import WorldReader

HERE = Path(__file__).parent
TRIAL_G = HERE / "worlds" / "trial17g.json"


@pytest.fixture(scope="module")
def trial() -> WorldReader:
    return _world(TRIAL_G)


@pytest.mark.parametrize(
    "text",
    ["set Everest to a station", "set Everest to some station", "set Everest to the station"],
)
def test_a_station_not_named_is_asked_never_a_station_called_station(
    trial: WorldReader, text: str
) -> None:
    """Was: "I read 'station' as Wynn's Station", and set it."""
    assert trial.read(text) == {"ask": "station"}


@pytest.mark.parametrize(
    ("text", "rooms"),
    [
        ("set Everest to pop in the morning", ["Everest"]),
        ("set Everest to jazz tomorrow morning", ["Everest"]),
    ],
)
def test_a_time_of_day_is_asked_about_never_a_room_named_morning(
    trial: WorldReader, text: str, rooms: list[str]
) -> None:
    """Was: `set Everest to pop in the morning` set rooms Everest and Morning now; `clear alarms in
    Morning tomorrow` still asks the alarm confirmation (the time may say which alarm)."""
    outcome = trial.read(text)
    assert outcome.get("ask") == "yes" or "intent" not in outcome, outcome
    assert outcome.get("rooms", rooms) == rooms, outcome
    assert trial.read("play jazz in Morning")["rooms"] == ["Morning"]


def test_a_room_named_like_a_word_of_a_station_alias_is_never_that_station(
    trial: WorldReader,
) -> None:
    """Was: `jazz in Thames at Thames Quay` set room Thames to Pop ("smooth thames valley")."""
    outcome = trial.read("jazz in Thames at Thames Quay")
    assert outcome.get("station") in (None, "Jazz"), outcome


@pytest.mark.parametrize("yes", ["affirmative", "go for it", "please do", "oui"])
def test_more_ways_of_saying_yes_answer_a_confirmation(trial: WorldReader, yes: str) -> None:
    """Trial 7: each was "I didn't understand", with unrelated suggestions, while a yes was awaited."""
    turns = trial.converse(["set all rooms at Glacier Peak Lodge to jazz", yes])
    assert turns[0].get("ask") == "confirm", turns
    assert turns[1].get("intent") == "confirm" or turns[1].get("station") == "Jazz", turns
