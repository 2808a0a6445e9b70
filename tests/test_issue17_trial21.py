"""Round 21's wrong actions (tests/worlds/trial17r.json: room 136 and C-130 at some hotels and not
at Whitby; rooms Cathedral and Kachina at Sedona)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_issue17_trial2 import DEMO, _world
from world_reading import WorldReader

TRIAL_R = Path(__file__).parent / "worlds" / "trial17r.json"


@pytest.fixture(scope="module")
def whitby() -> WorldReader:
    return _world(TRIAL_R)


@pytest.mark.parametrize(
    "turns",
    [
        ["set 136 to latin at oyster bay lodge", "set 136 at whitby to pop"],
        ["set c-130 to pop at sedona", "set c-130 at whitby to jazz"],
    ],
)
def test_a_property_named_that_lacks_the_room_is_never_the_property_worked_at_before(
    whitby: WorldReader, turns: list[str]
) -> None:
    """The wrong actions: the room at the property of the request before was changed."""
    read = whitby.converse(turns)
    assert "rooms" not in read[1], read[1]


def test_a_read_after_a_write_in_one_message_is_never_written(whitby: WorldReader) -> None:
    """The wrong action: `… and what's playing in kachina` set Kachina to Gospel too."""
    read = whitby.read("set cathedral at sedona to gospel and what's playing in kachina at sedona")
    assert read["intent"] == "set_station" and read["rooms"] == ["Cathedral"], read


def test_everything_but_a_kind_keeps_that_kind() -> None:
    """Round 22's wrong action: `clear everything but reminders in villas 4-6 at aspen` deleted
    the reminders too."""
    read = _world(DEMO).read("clear everything but reminders in villas 4-6 at aspen")
    assert read["kinds"] == ["alarms", "timers"], read


@pytest.mark.parametrize(
    "text",
    [
        "snooze the alarm in Premium at Silverstrand Bay Hotel Whitby",
        "set an alarm for 7am in Premium at Silverstrand Bay Hotel Whitby",
        "add a reminder in Premium at Silverstrand Bay Hotel Whitby for 8pm",
    ],
)
def test_setting_an_alarm_in_a_room_named_like_a_room_type_is_refused(
    whitby: WorldReader, text: str
) -> None:
    """Found by the 100,000-example run: the question "room Premium or room type Premium …?"
    came before the refusal, and its room side was taken at once as a clear of the alarms."""
    read = whitby.read(text)
    assert read == {"intent": "none"}, read
