"""Phrasings a new user tried in `bot demo` that used to be misread: digits in station names,
bare room numbers, and typos of command words."""

from __future__ import annotations

import pytest

from bot.core.shared import commands as c
from bot.core.shared.commands import AlertKind, Target
from bot.core.understanding.pipeline import correct_keywords, parse

R204 = Target(rooms=("204",))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("set room 204 to radio 1", c.SetStation(R204, "radio 1")),
        ("set room 204 to bbc radio 2", c.SetStation(R204, "bbc radio 2")),
        (
            "set room 101 at Kensington Gardens London to bbc radio 2",
            c.SetStation(
                Target(rooms=("101",), property_name="Kensington Gardens London"), "bbc radio 2"
            ),
        ),
        (
            "set room 204 at Kensington to bbc radio 2",
            c.SetStation(Target(rooms=("204",), property_name="Kensington"), "bbc radio 2"),
        ),
        (
            "set room 204 to radio 2 at Kensington",
            c.SetStation(Target(rooms=("204",), property_name="Kensington"), "radio 2"),
        ),
        (
            "set rooms 101 to 103 to radio 1",
            c.SetStation(Target(rooms=("101", "102", "103"), room_range=("101", "103")), "radio 1"),
        ),
    ],
)
def test_station_names_with_digits_stay_whole(text: str, expected: c.Command) -> None:
    """A station whose name has digits ("bbc radio 2") is the station, never rooms or part of the
    property; a range written with "to" is still a range."""
    result = parse(text)
    assert result.parsed is not None
    assert result.parsed.command == expected


def test_a_bare_room_asks_what_it_plays() -> None:
    """`rm 204` alone asks what room 204 plays; a bare number is still not a request."""
    result = parse("rm 204")
    assert result.parsed is not None and result.parsed.command == c.AskStation(R204)
    assert parse("204").parsed is None
    assert parse("room types").parsed is not None
    assert parse("room types").parsed.command == c.ListRoomTypes()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("set room 204 staton jazz", c.SetStation(R204, "jazz")),
        ("whats playin in 204", c.AskStation(R204)),
        ("claer alarms in 204", c.ClearAlerts(R204, (AlertKind.ALARMS,))),
    ],
)
def test_typos_of_command_words_are_tolerated(text: str, expected: c.Command) -> None:
    """A near-miss of a command word is read as that word."""
    result = parse(text)
    assert result.parsed is not None
    assert result.parsed.command == expected


def test_typo_correction_never_touches_names() -> None:
    """Only command words are corrected: station and room names (and anything with a digit) stay
    as typed, so a typo in a name is asked about rather than guessed."""
    assert correct_keywords("set room 204 to jaz") == "set room 204 to jaz"
    assert correct_keywords("set room 204 to clasic rock") == "set room 204 to clasic rock"
    assert correct_keywords("staton 2O4") == "station 2O4"
    result = parse("set room 204 to jaz")
    assert result.parsed is not None and result.parsed.command == c.SetStation(R204, "jaz")
