"""Round 24's wrong actions in the demo world: one guest's wake-up call cleared every alarm of the
room at once, and `set both tower suites to jazz` offered each of the two rooms alone."""

from __future__ import annotations

import pytest
from test_issue17_trial2 import DEMO, HARBOR, LODGE, _answer, _world
from world_reading import WorldReader

from bot.core.shared.replies import ActionKind


@pytest.fixture(scope="module")
def demo() -> WorldReader:
    return _world(DEMO)


@pytest.mark.parametrize(
    "text",
    [
        "wake up call in 214 at rive gauche, cancel it",
        "guest in 308 says cancel her wake-up call",
        "guest in 311 wants their wake-up call cancelled",
    ],
)
def test_one_wake_up_call_is_asked_before_every_alarm_of_the_room_is_cleared(
    demo: WorldReader, text: str
) -> None:
    """Was: "Done: cleared all alarms" at once; Alexa's API clears all of a room's alarms."""
    read = demo.read(text, channel_property=HARBOR)
    assert read.get("ask") == "confirm", read


@pytest.mark.parametrize(
    "text",
    [
        "cancel the wake up calls in 118",
        "clear wake-up calls in 212 at lakeside",
        "clear alarm in 105",
    ],
)
def test_the_wake_up_calls_of_a_room_are_cleared_without_a_question(
    demo: WorldReader, text: str
) -> None:
    """Plural, or a kind without a word for one: every alarm of the room is meant ("calls" is
    squeezed to "cals" before reading)."""
    read = demo.read(text, channel_property=HARBOR)
    assert read.get("intent") == "clear_alerts" and "ask" not in read, read


@pytest.mark.parametrize(
    "text",
    [
        "set both tower suites to jazz",
        "set the tower suites to jazz",
        "set towers to jazz at alpine",
    ],
)
def test_rooms_meant_together_are_offered_together_never_one_of_them(
    demo: WorldReader, text: str
) -> None:
    """Was: Tower-East-4 or Tower-West-4 offered alone, each choice setting one room of the two."""
    reply = _answer(demo, text)
    labels = [a.label for a in reply.actions if a.kind == ActionKind.CHOICE]
    assert labels == [f"Tower-East-4 and Tower-West-4 ({LODGE})"], (reply.headline, labels)
    assert not demo.read(text).get("rooms"), "nothing runs before the choice"


# --- Round 24's own world: a time after the station was dropped and the change made at once --------


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("set 101 to jazz for 2 hours", "for 2 hours"),
        ("set Edelweiss at alpine to gospel for tonight only", "for tonight"),
        ("set rm 204 to jazz tmrw", "tmrw"),
        ("set 204 to jazz until 5pm", "until 5pm"),
        ("set 204 to jazz every morning", "every morning"),
        ("set 204 to jazz for the weekend", "for the weekend"),
    ],
)
def test_a_change_for_a_while_or_for_later_is_asked_never_made_at_once(
    demo: WorldReader, text: str, said: str
) -> None:
    """Was: "Done" at once, the "for 2 hours" / "tmrw" not said back; a change stays until changed."""
    read = demo.read(text, channel_property=HARBOR)
    assert "ask" in read and "intent" not in read, read
    assert f"\u201c{said}\u201d" in _answer(demo, text, channel_property=HARBOR).headline


@pytest.mark.parametrize(
    ("text", "room"),
    [("set 107 to jazz in 5 minutes", "107"), ("clear timers in 108 at lakeside in 10 min", "108")],
)
def test_the_number_of_in_n_minutes_is_never_a_room(
    demo: WorldReader, text: str, room: str
) -> None:
    """Was: "set the station of rooms 107, 5 to Jazz now?" (a proposed wrong action)."""
    read = demo.read(text, channel_property=HARBOR)
    assert "ask" in read and "intent" not in read, read
    reply = _answer(demo, text, channel_property=HARBOR)
    assert f"room {room} " in reply.headline and "rooms" not in reply.headline, reply.headline


# --- Round 24's refusals of reasonable requests ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rooms"),
    [
        ("set 502 to jazz and don't touch 503", ["502"]),
        ("set 501 thru 504 to jazz and don't touch 503", ["501", "502", "504"]),
    ],
)
def test_a_room_left_alone_at_the_end_keeps_the_change_before_it(
    demo: WorldReader, text: str, rooms: list[str]
) -> None:
    """Was: "OK, I won't do that. Nothing was changed." (the whole request dropped)."""
    read = demo.read(text, channel_property=HARBOR)
    assert read.get("intent") == "set_station" and read.get("rooms") == rooms, read


def test_every_time_said_is_said_back_never_a_word_not_followed(demo: WorldReader) -> None:
    """Was: `set lotus to jazz at 7am tomorrow`: "I didn't follow “tomorrow”"."""
    reply = _answer(demo, "set lotus to jazz at 7am tomorrow", channel_property=HARBOR)
    assert "schedule" in reply.headline and "didn't follow" not in reply.headline, reply.headline


@pytest.mark.parametrize("text", ["set it back", "change that back"])
def test_set_it_back_undoes_the_last_change(demo: WorldReader, text: str) -> None:
    """Was: "Sorry, I didn't understand “set it back”" (`put it back` worked)."""
    read = demo.converse(["set 204 to pop", text], channel_property=HARBOR)
    assert read[1].get("intent") == "undo", read
