"""Round 20's wrong actions (tests/worlds/trial17q.json: rooms B-10..B-15 at Solent, a room Jazz
at Copper Bay)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_issue17_trial2 import _world
from world_reading import WorldReader

TRIAL_Q = Path(__file__).parent / "worlds" / "trial17q.json"


@pytest.fixture(scope="module")
def copper() -> WorldReader:
    return _world(TRIAL_Q)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("clear the timers in 108 but leave the reminders and alarms", ["timers"]),
        ("clear reminders in 104 but keep the alarms and timers", ["reminders"]),
        ("clear everything in 105 but keep the alarms, and the timers", ["reminders"]),
    ],
)
def test_every_kind_listed_to_keep_is_kept(
    copper: WorldReader, text: str, kinds: list[str]
) -> None:
    """The wrong actions: alarms (or timers) cleared with the kind asked for."""
    read = copper.read(text, channel_property="Copper Bay Monterey")
    assert read.get("kinds") == kinds, read


def test_a_room_left_out_in_other_case_is_left_out_of_a_range(copper: WorldReader) -> None:
    """The wrong action: `… except b-11` set B-11 with B-10 and B-12."""
    read = copper.read("set b 10 thru b 12 to pop at solent except b-11")
    assert read["rooms"] == ["B-10", "B-12"], read


def test_a_station_right_after_to_never_heads_a_list_of_rooms(copper: WorldReader) -> None:
    """The proposed wrong action: rooms 204 and Jazz (a room too) to Pop; the parts are
    `set 204 to jazz` and `204 at prairie to pop`, each on its own property."""
    read = copper.read("set 204 to jazz and 204 at prairie to pop")
    assert read.get("intent") != "set_station" or read.get("station") != "Pop", read
    assert "Jazz" not in read.get("rooms", []), read
