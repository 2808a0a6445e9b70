"""Rooms named by a plain word ("Spa", "Kitchen", "Next") said beside other rooms.

"set 204 to jazz at the spa" may mean room Spa too, or where the speaker is; "the kitchen asked for
jazz in 204" names who asked. A write never guesses: it asks, with a choice for each reading. Said
as one of a list ("204 and the spa", "spa, 204", "spa too") or alone ("set the bar to jazz"), the
word is the room.
"""

from __future__ import annotations

import pytest
from lexicon_support import demo_lexicon_with_rooms

from bot.core.shared import commands as c
from bot.core.understanding.pipeline import parse

LEXICON = demo_lexicon_with_rooms(
    "101", "102", "204", "205", "Spa", "Kitchen", "Office", "Next", "First", "Last", "Bar",
    "Camellia", "Azalea",
)  # fmt: skip


def _rooms_written(text: str) -> tuple[str, ...] | None:
    result = parse(text, LEXICON)
    if result.ask is not None or result.parsed is None:
        return None
    command = result.parsed.command
    assert isinstance(command, c.SetStation | c.ClearAlerts), command
    return command.target.rooms


@pytest.mark.parametrize(
    "text",
    [
        "set 204 to jazz at the spa",
        "set 204 to jazz in the office",
        "put jazz in 204 for the office",
        "the kitchen asked for jazz in 204",
        "set jazz in 204 from the kitchen",
        "set 204 to jazz next",
        "next set 204 to jazz",
        "set 204 to jazz first",
        "set 204 to jazz, last one",
        "set 101-102 to jazz in the kitchen",
        "clear the alarms in 204 for the spa",
        "the kitchen asked for jazz in the spa",
    ],
)
def test_a_plain_word_room_beside_other_rooms_is_asked_never_written(text: str) -> None:
    result = parse(text, LEXICON)
    assert result.ask is not None, result
    assert "Nothing was changed" in result.ask.question
    assert result.ask.choices, "each reading is offered as a choice"


def test_the_question_offers_the_room_with_and_without_the_word() -> None:
    ask = parse("set 204 to jazz at the spa", LEXICON).ask
    assert ask is not None
    assert ask.question.startswith("\u201cSpa\u201d is a room here too.")
    labels = [label for label, _ in ask.choices]
    assert labels == ["with room Spa", "only room 204"]
    # each choice, sent back as text, reads as the rooms it names
    assert [_rooms_written(value) for _, value in ask.choices] == [("204", "Spa"), ("204",)]


def test_two_plain_word_rooms_alone_are_offered_one_by_one_and_together() -> None:
    ask = parse("the kitchen asked for jazz in the spa", LEXICON).ask
    assert ask is not None
    assert [_rooms_written(value) for _, value in ask.choices] == [
        ("Kitchen",),
        ("Spa",),
        ("Kitchen", "Spa"),
    ]


@pytest.mark.parametrize(
    ("text", "rooms"),
    [
        ("set the bar to jazz", ("Bar",)),
        ("jazz in the spa", ("Spa",)),
        ("set 204 and the spa to jazz", ("204", "Spa")),
        ("clear alarms in the spa, 204", ("Spa", "204")),
        ("set the spa and 204 to jazz", ("Spa", "204")),
        ("set 101-102 to pop, spa too", ("101", "102", "Spa")),
        ("camellia, azalea and 204 to jazz", ("Camellia", "Azalea", "204")),
        ("set camellia and azalea to jazz", ("Camellia", "Azalea")),
        ("clear alarms in 204 and the spa", ("204", "Spa")),
    ],
)
def test_a_plain_word_room_in_a_list_of_rooms_or_alone_is_the_room(
    text: str, rooms: tuple[str, ...]
) -> None:
    assert _rooms_written(text) == rooms
