"""Shrunk counterexamples of the any-hotel property test, kept as regression tests (issue 17, item 6).

When tests/test_any_hotel_property.py fails it prints a test in exactly this shape (set
ANY_HOTEL_FAILURE_FILE=path to also write it to a file): paste it below, give it a name that says the
behaviour, and keep it. The first two are the issue's own examples in the same shape.
"""

from __future__ import annotations

import pytest
from any_hotel.cases import Case, Command, Expected, Turn
from any_hotel.checks import assert_case

pytest.importorskip("world_reading")


def test_regression_one_word_room_in_a_ten_room_property_is_that_room_only() -> None:
    """`set <a room named by one word> at <property> to classic rock` set all 10 rooms (issue 17, Why 2)."""
    spec = {
        "Maple Lodge": (
            "US",
            {
                "Garden Room": ["Orchid", "Magnolia", "Willow", "Birch", "Lotus"],
                "Suite Type A": ["Heron", "Juniper", "Saffron", "Camellia", "Edelweiss"],
            },
        )
    }
    command = Command("set_station", "Maple Lodge", ("Heron",), "Classic Rock")
    case = Case(
        turns=(Turn("set Heron at Maple Lodge to classic rock", Expected(command, must_act=True)),),
        label="set_station",
    )
    assert_case(spec, case)


def test_regression_a_list_of_two_hyphen_rooms_names_both() -> None:
    """`set rooms villa-4 and villa-5 to jazz` set villa-4 and dropped villa-5 (issue 17, Why 2)."""
    spec = {"Cedar Creek Inn": ("US", {"Villa": ["villa-3", "villa-4", "villa-5"]})}
    command = Command("set_station", "Cedar Creek Inn", ("villa-4", "villa-5"), "Jazz")
    case = Case(
        turns=(Turn("set rooms villa-4 and villa-5 to jazz", Expected(command, must_act=True)),),
        label="several_rooms",
    )
    assert_case(spec, case)


def test_regression_a_station_named_room_in_a_list_of_rooms_is_a_room() -> None:
    """`clear alarms in rooms Jazz and Country at ...` cleared Jazz only: "Country" was read as a
    station and dropped (shrunk by the property test)."""
    spec = {"Cedar Creek Inn": ("US", {"Garden Room": ["Jazz", "Country"]})}
    command = Command("clear_alerts", "Cedar Creek Inn", ("Country", "Jazz"), kinds=("alarms",))
    case = Case(
        turns=(
            Turn("clear alarms in rooms Jazz and Country at Cedar Creek Inn", Expected(command)),
        ),
        label="several_rooms",
    )
    assert_case(spec, case)


def test_regression_a_clear_at_a_time_is_asked_first() -> None:
    """`clear the timers in PH#1 at The Grand Inn at noon` cleared at once (shrunk by the property
    test): a time is never dropped."""
    spec = {"The Grand Inn": ("US", {"Garden Room": ["PH#1", "PH#2"]})}
    command = Command("clear_alerts", "The Grand Inn", ("PH#1",), kinds=("timers",))
    case = Case(
        turns=(
            Turn(
                "clear the timers in PH#1 at The Grand Inn at noon",
                Expected(command, confirm_first=True),
            ),
        ),
        label="timed",
    )
    assert_case(spec, case)


def test_regression_actually_make_it_country_never_leaves_the_old_station_armed() -> None:
    """`set all rooms ... to classic rock`, `actually make it country`, `yes` applied Classic Rock
    ("country" was read as a property's country; shrunk by the property test)."""
    rooms = ["villa-1", "villa-2", "villa-3", "villa-6", "PH#1", "PH#2", "PH#3", "PH#4", "101"]
    spec = {"The Grand Inn": ("US", {"Garden Room": rooms, "Penthouse": ["Cabana#1", "Cabana#2"]})}
    every = tuple(sorted([*rooms, "Cabana#1", "Cabana#2"]))
    old = Command("set_station", "The Grand Inn", every, "Classic Rock")
    new = Command("set_station", "The Grand Inn", every, "Country")
    case = Case(
        turns=(
            Turn("set all rooms at The Grand Inn to classic rock", Expected(old)),
            Turn("actually make it country", Expected(new)),
            Turn("yes", Expected(new)),
        ),
        label="amend",
    )
    assert_case(spec, case)


def test_regression_a_room_named_like_its_room_type_answers_which_room_as_the_room() -> None:
    """`put classic rock on` -> "Which room?" -> `Penthouse at Harbor Suites Hotel` set all 7 rooms of
    the room type Penthouse, though a room is named Penthouse too (shrunk by the property test): an
    answer to "Which room?" names a room first."""
    spec = {
        "Harbor Suites Hotel": (
            "US",
            {
                "Penthouse": [
                    "villa-1",
                    "villa-2",
                    "villa-3",
                    "villa-4",
                    "villa-5",
                    "villa-6",
                    "Penthouse",
                ],
                "Garden Room": ["PH#1"],
            },
        )
    }
    command = Command("set_station", "Harbor Suites Hotel", ("Penthouse",), "Classic Rock")
    case = Case(
        turns=(
            Turn("put classic rock on", Expected(None)),
            Turn("Penthouse at Harbor Suites Hotel", Expected(command)),
        ),
        label="answer_room",
    )
    assert_case(spec, case)


def test_regression_the_words_of_a_room_name_are_never_corrected_as_typos() -> None:
    """`set room Villa East station` (room Villa-East, room type Villa) + `classic rock` set both
    rooms of the room type: "East" was corrected to the station "Easy" (shrunk by the property test)."""
    spec = {"The Grand Inn": ("US", {"Villa": ["Villa-East", "PH#1"], "Garden Room": ["villa-1"]})}
    command = Command("set_station", "The Grand Inn", ("Villa-East",), "Classic Rock")
    case = Case(
        turns=(
            Turn("set room Villa East station", Expected(None)),
            Turn("classic rock", Expected(command)),
        ),
        channel_property="The Grand Inn",
        label="answer_station",
    )
    assert_case(spec, case)


def test_a_new_index_never_gets_the_names_of_an_index_that_is_gone() -> None:
    """The lexicon cache was keyed by id(index): a new world's index at a reused address got the
    rooms of the previous world (the 100,000-example run set `Loft#1`, a room of another world)."""
    import gc

    from world_reading import _index_of

    from bot.core.understanding.lexicon import lexicon_for

    for number in range(40):
        name = f"Room-{number}"
        world = {
            "properties": [
                {"name": "Inn", "roomTypes": [{"name": "Suite", "rooms": [{"name": name}]}]}
            ]
        }
        index = _index_of(world)
        assert lexicon_for(index).room_names(name)[0] == (name,)
        del index
        gc.collect()


def test_regression_a_freed_index_never_lends_its_names_to_a_new_one() -> None:
    """100,000-example run: a room of a freed index's world answered for a new world (caches keyed by
    the index's address) and {'intent': 'clear_alerts', 'rooms': ['Tower_West_2'], 'property': 'Cedar Creek Inn', 'kinds': ['timers']}: property 'Cedar Creek Inn', expected 'Magnolia Court Hotel'"""
    spec = {
        "Alpenglow Suites": (
            "UK",
            {
                "Suite Type B": [
                    "chalet-1",
                    "chalet-2",
                    "chalet-5",
                    "chalet-7",
                    "chalet-10",
                    "chalet-11",
                ],
                "Penthouse": ["villa-6", "villa-7"],
            },
        ),
        "Bellwether House London": (
            "FR",
            {"Deluxe King": ["Country", "Oldies", "Cabana#2", "Cabana#5", "Cabana#8"]},
        ),
        "Magnolia Court Hotel": (
            "US",
            {
                "Suite Type B": ["Jazz", "Tower_West_2"],
                "Loft Studio": ["Saffron", "Heron", "Lotus", "Camellia", "Juniper"],
            },
        ),
        "Ocean Breeze Resort": ("US", {"Standard Queen": ["villa-7"]}),
    }
    case = Case(
        turns=(
            Turn(
                text="room TOWER_WEST_2: clear timers",
                expected=Expected(
                    command=Command(
                        intent="clear_alerts",
                        property="Magnolia Court Hotel",
                        rooms=("Tower_West_2",),
                        station=None,
                        kinds=("timers",),
                    ),
                    must_act=True,
                    confirm_first=False,
                    every=(),
                ),
            ),
        ),
        channel_property=None,
        label="clear",
        tags=(),
    )
    assert_case(spec, case)


def test_regression_every_hotel_with_a_room_named_in_three_properties_is_never_one_property() -> (
    None
):
    """`set Country in every hotel to pop` ran at once on one property (the 100,000-example run); it must ask.

    Was: ran at once what must be asked first: {'intent': 'set_station', 'rooms': ['Country'], 'property': 'Kingsbridge Hotel', 'station': 'Pop'}"""
    spec = {
        "Ocean Breeze Resort": ("US", {"Penthouse": ["PH#7", "PH#8"]}),
        "Alpenglow Suites": (
            "UK",
            {
                "Garden Room": ["Pop", "Country", "S101", "S102", "S104", "S105", "S107", "S109"],
                "Suite Type B": ["G42", "G43", "G45", "G48"],
            },
        ),
        "Kingsbridge Hotel": ("FR", {"Penthouse": ["Oldies", "Country"]}),
        "The Grand Inn": (
            "US",
            {
                "Loft Studio": [
                    "21B",
                    "22B",
                    "23B",
                    "24B",
                    "28B",
                    "29B",
                    "Loft#1",
                    "Loft#3",
                    "Loft#6",
                    "Loft#7",
                ],
                "Suite Type B": ["PH#2", "PH#3", "PH#6", "PH#8"],
                "Deluxe King": ["Country"],
            },
        ),
    }
    case = Case(
        turns=(
            Turn(
                text="set Country in every hotel to pop",
                expected=Expected(
                    command=Command(
                        intent="set_station",
                        property=None,
                        rooms=("Country",),
                        station="Pop",
                        kinds=(),
                    ),
                    must_act=False,
                    confirm_first=True,
                    every=(
                        ("Alpenglow Suites", "Country"),
                        ("Kingsbridge Hotel", "Country"),
                        ("The Grand Inn", "Country"),
                    ),
                ),
            ),
        ),
        channel_property=None,
        label="everywhere",
        tags=(),
    )
    assert_case(spec, case)


def test_regression_a_question_about_a_room_is_never_the_answer_to_which_room() -> None:
    """`put pop on` -> "Which room?" -> `is sky suite's echo online?` set Sky_Suite to Pop (the
    100,000-example run): a question is never captured as the answer.

    Was: ran a write where none may run: {'intent': 'set_station', 'rooms': ['Sky_Suite'], 'property': 'Ocean Breeze Resort', 'station': 'Pop'}"""
    spec = {
        "Kingsbridge Hotel": ("US", {"Loft Studio": ["Pop"], "Villa": ["Heron", "PH#3"]}),
        "Ocean Breeze Resort": (
            "FR",
            {"Villa": ["Country"], "Deluxe King": ["Loft_Edelweiss", "Sky_Suite", "Pool_Cabana"]},
        ),
    }
    case = Case(
        turns=(
            Turn(
                text="put pop on",
                expected=Expected(command=None, must_act=False, confirm_first=False, every=()),
            ),
            Turn(
                text="is sky suite's echo online?",
                expected=Expected(command=None, must_act=False, confirm_first=False, every=()),
            ),
        ),
        channel_property=None,
        label="question_not_captured",
        tags=(),
    )
    assert_case(spec, case)


def test_regression_a_kind_and_number_that_is_also_a_room_name_is_asked() -> None:
    """`clear alarms in Loft 2 tomorrow morning` proposed Loft Studio's Loft#2 (a room type's word and a
    number) where Loft-2, by its name, is a room too (the 100,000-example run): two readings are asked.

    Was: proposed {'ask': 'confirm', 'intent': 'clear_alerts', 'rooms': ['Loft#2'], 'property':
    'Harbor Suites Hotel', 'kinds': ['alarms']}"""
    spec = {
        "Harbor Suites Hotel": (
            "US",
            {
                "Garden Room": ["Loft-2", "Country"],
                "Penthouse": ["Loft#5", "Loft#7", "Suite-14"],
                "Loft Studio": ["Loft#2", "Loft#6", "Loft#9"],
            },
        ),
        "Bellwether House London": (
            "US",
            {
                "Deluxe King": ["Loft-2", "Country"],
                "Loft Studio": ["Loft#5", "Loft#7", "Suite-14"],
                "Penthouse": ["Loft#2", "Loft#6", "Loft#9"],
            },
        ),
    }
    command = Command("clear_alerts", "Harbor Suites Hotel", ("Loft-2",), kinds=("alarms",))
    case = Case(
        turns=(
            Turn("clear alarms in Loft 2 tomorrow morning", Expected(command, confirm_first=True)),
        ),
        channel_property="Harbor Suites Hotel",
        label="timed",
    )
    assert_case(spec, case)
