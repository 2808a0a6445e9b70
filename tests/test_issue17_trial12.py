"""Issue 17, twelfth trial (tests/worlds/trial17l.json: rooms Chill, Folk, Premier and V-4, a room
type Premier King, properties Copper Bay Resort and Bay Tree House Brighton): its two wrong
actions and its proposed ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_issue17_trial2 import _world
from world_reading import WorldReader

TRIAL_L = Path(__file__).parent / "worlds" / "trial17l.json"
HOME = "Copper Bay Resort"


@pytest.fixture(scope="module")
def trial_l() -> WorldReader:
    return _world(TRIAL_L)


def test_a_request_naming_other_rooms_never_answers_which_station(trial_l: WorldReader) -> None:
    """Was: "Which station?" for V-4, then `the guy in premier wants jazz asap` set V-4 to Jazz."""
    _asked, second = trial_l.converse(
        ["guest in v4 wants something relaxing", "the guy in premier wants jazz asap"],
        channel_property=HOME,
    )
    assert second.get("rooms") != ["V-4"], second


def test_what_follows_to_is_the_station_never_a_room_swapped_in(trial_l: WorldReader) -> None:
    """Was: `set chill at brighton to folk` set room Folk to Relaxing ("chill" a mood word)."""
    outcome = trial_l.read("set chill at brighton to folk", channel_property=HOME)
    assert outcome.get("rooms") != ["Folk"], outcome
    assert "intent" not in outcome or outcome["intent"] == "none", outcome


def test_a_word_two_property_names_share_is_asked_never_the_one_it_begins(
    trial_l: WorldReader,
) -> None:
    """Was: `set all rooms at bay to jazz` asked a yes for Bay Tree House only (Copper Bay has the
    word too)."""
    assert trial_l.read("set all rooms at bay to jazz", channel_property=HOME) == {
        "ask": "property"
    }
