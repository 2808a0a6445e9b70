"""Round 13's bad replies: several whole requests in one message, the rooms named at every hotel,
rooms to leave alone named first, and a number typed with a letter for a digit."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_issue17_trial2 import DEMO, HARBOR, LODGE, _answer, _world
from world_reading import WorldReader

from bot.core.shared.replies import ReplyKind

LAKESIDE = "Lakeside Chicago"


@pytest.fixture(scope="module")
def demo() -> WorldReader:
    return _world(DEMO)


def test_each_whole_request_of_a_message_is_done_at_the_property_one_part_names(
    demo: WorldReader,
) -> None:
    """`set 301 to jazz, 302 to pop at Lakeside`: both at Lakeside, never 301 at the channel's."""
    read = demo.read("set 301 to jazz, 302 to pop at lakeside", channel_property=HARBOR)
    assert read["intent"] == "several", read
    got = [(p["rooms"], p["property"], p["station"]) for p in read["parts"]]
    assert got == [(["301"], LAKESIDE, "Jazz"), (["302"], LAKESIDE, "Pop")]


@pytest.mark.parametrize(
    "text",
    [
        "set 301 to jazz, 302 to pop maybe",  # a word not followed
        "set 301 to jazz at lakeside, 302 to pop at harbor view, 303 to rock",  # 303: where?
        "set 301 to jazz and undo",  # undo is never a part
    ],
)
def test_a_message_with_a_part_that_is_not_a_whole_request_changes_nothing(
    demo: WorldReader, text: str
) -> None:
    read = demo.read(text, channel_property=HARBOR)
    assert read.get("intent") in ("none", None) and "rooms" not in read, read


def test_a_question_for_the_first_part_carries_the_rest_in_each_choice(demo: WorldReader) -> None:
    """Asked which property for 310, the answer runs 311 there too, never 310 alone."""
    turns = demo.converse(
        ["what's playing in 204 at lakeside", "set 310 to jazz, 311 to pop", "Lakeside"],
        channel_property=HARBOR,
    )
    assert turns[1] == {"ask": "property"}, turns[1]
    got = [(p["rooms"], p["property"], p["station"]) for p in turns[2]["parts"]]
    assert got == [(["310"], LAKESIDE, "Jazz"), (["311"], LAKESIDE, "Pop")]


def test_a_room_named_everywhere_is_confirmed_at_each_property_holding_it(
    demo: WorldReader,
) -> None:
    turns = demo.converse(["set 204 everywhere to jazz", "yes"], channel_property=HARBOR)
    assert turns[0]["ask"] == "confirm", turns[0]
    assert len(turns[0]["properties"]) == 4 and turns[0]["station"] == "Jazz"
    assert turns[1] == {"intent": "confirm"}  # the yes runs what the question showed
    reply = _answer(demo, "clear alarms in 204 at all hotels", channel_property=HARBOR)
    assert reply.kind == ReplyKind.CONFIRM and "(4 properties)" in reply.headline


@pytest.mark.parametrize(
    "text",
    [
        "set everything everywhere to jazz",  # a whole property is never "all its rooms"
        "set 204 and 9999 everywhere to jazz",  # 9999 is nowhere: never dropped in silence
        "clear reminders everywhere",
    ],
)
def test_scope_words_without_rooms_held_somewhere_change_nothing(
    demo: WorldReader, text: str
) -> None:
    read = demo.read(text, channel_property=HARBOR)
    assert "rooms" not in read and read.get("ask") != "confirm", read


def test_rooms_left_alone_named_first_are_left_out_of_the_request_after(
    demo: WorldReader,
) -> None:
    read = demo.read("don't touch 204, set 205 to oldies", channel_property=HARBOR)
    assert (read["rooms"], read["station"]) == (["205"], "Oldies"), read


def test_a_number_typed_with_a_letter_for_a_digit_is_offered_as_the_room(
    demo: WorldReader,
) -> None:
    reply = _answer(demo, "set 5o3 to jazz", channel_property=HARBOR)
    assert reply.kind == ReplyKind.QUESTION, reply.headline
    assert [a.value for a in reply.actions] == ["set 503 to jazz"]
    reply = _answer(demo, "set 2o4 at lakeside to pop", channel_property=HARBOR)
    assert [a.label for a in reply.actions] == [f"204 ({LAKESIDE})"]
    assert LODGE not in reply.headline


# --- the round's own world (tests/worlds/trial17m.json) and the demo's named rooms ----------------

TRIAL_M = Path(__file__).parent / "worlds" / "trial17m.json"
REDWOOD = "Redwood Canyon Lodge"


@pytest.fixture(scope="module")
def mossy() -> WorldReader:
    return _world(TRIAL_M)


@pytest.mark.parametrize(
    ("text", "rooms"),
    [
        ("villas 1 thru 3 at alpine to latin", ["villa-1", "villa-2", "villa-3"]),
        ("set villas 2 and 4 at alpine to jazz", ["villa-2", "villa-4"]),
        ("set villa 2, 4, 6 at alpine to jazz", ["villa-2", "villa-4", "villa-6"]),
    ],
)
def test_a_word_and_numbers_that_name_rooms_are_those_rooms(
    demo: WorldReader, text: str, rooms: list[str]
) -> None:
    """`villa 1 thru 3` is villa-1..villa-3 (the separator folded), never a needless question."""
    assert sorted(demo.read(text, channel_property=HARBOR)["rooms"]) == rooms


@pytest.mark.parametrize(
    ("text", "choices"),
    [
        (
            "tower 4 at alpine to jazz",
            ["Tower-East-4 at alpine to jazz", "Tower-West-4 at alpine to jazz"],
        ),
        ("east tower 4 alpine, jazz", ["Tower-East-4 alpine, jazz"]),
    ],
)
def test_the_words_of_a_name_typed_with_its_number_are_offered_as_the_rooms(
    demo: WorldReader, text: str, choices: list[str]
) -> None:
    reply = _answer(demo, text, channel_property=HARBOR)
    assert reply.kind == ReplyKind.QUESTION, reply.headline
    assert [a.value for a in reply.actions] == choices


def test_a_read_of_a_room_no_one_has_says_it_is_not_found(mossy: WorldReader) -> None:
    """Was a bare "Which room?"; "the penthouse" was all 28 rooms of the property."""
    for text in ("whats playing in penthouse", "whats playing in the penthouse at coral"):
        reply = _answer(mossy, text)
        assert "can't find room penthouse" in reply.headline, reply.headline
        assert reply.table is None


@pytest.mark.parametrize(
    ("text", "room", "station"),
    [
        ("set oldies to country at redwood", "Oldies", "country"),
        ("set country to oldies at redwood", "Country", "oldies"),
    ],
)
def test_a_room_named_like_a_station_beside_country_is_never_a_property_country(
    mossy: WorldReader, text: str, room: str, station: str
) -> None:
    reply = _answer(mossy, text)
    assert "country" not in reply.headline.lower().split("room")[0], reply.headline
    assert [a.value for a in reply.actions] == [f"set room {room} to {station} at {REDWOOD}"]
