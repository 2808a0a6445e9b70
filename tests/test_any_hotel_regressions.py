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
