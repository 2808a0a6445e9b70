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


def test_regression_a_room_named_like_its_room_type_answering_which_room_is_never_the_whole_type() -> (
    None
):
    """Trial 17 finding 3: "Penthouse at <hotel>" answering "Which room?" ran {'intent': 'set_station', 'rooms': ['Penthouse', 'Suite-12', 'villa-1', 'villa-2', 'villa-3', 'villa-4', 'villa-5', 'villa-6'], 'property': 'Harbor Suites Hotel', 'station': 'Classic Rock'}: rooms"""
    spec = {
        "The Grand Inn": ("US", {"Garden Room": ["PH#1"], "Suite Type A": ["PH#2"]}),
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
                    "Suite-12",
                ],
                "Garden Room": ["PH#1"],
            },
        ),
    }
    case = Case(
        turns=(
            Turn(
                text="put classic rock on",
                expected=Expected(command=None, must_act=False, confirm_first=False, every=()),
            ),
            Turn(
                text="Penthouse at Harbor Suites Hotel",
                expected=Expected(
                    command=Command(
                        intent="set_station",
                        property="Harbor Suites Hotel",
                        rooms=("Penthouse",),
                        station="Classic Rock",
                        kinds=(),
                    ),
                    must_act=False,
                    confirm_first=False,
                    every=(),
                ),
            ),
        ),
        channel_property=None,
        label="answer_room",
        tags=(),
    )
    assert_case(spec, case)
