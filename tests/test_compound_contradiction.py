"""Several requests in one message (bot/core/conversation/compound.py) that give one room two
stations: round 29b's "set room 204 to jazz and room 204 to pop" set jazz, then pop."""

from __future__ import annotations

import pytest
from lexicon_support import demo_lexicon

from bot.core.conversation.compound import clauses

LEXICON = demo_lexicon()


@pytest.mark.parametrize(
    "text",
    [
        "set room 204 to jazz and room 204 to pop",
        "set 204 to jazz, 204 to pop",
        "set 204 and 205 to jazz, then 205 to pop",
    ],
)
def test_one_room_given_two_stations_is_never_split_into_requests(text: str) -> None:
    assert clauses(text, LEXICON) is None


@pytest.mark.parametrize(
    "text",
    [
        "set 204 to jazz and 205 to pop",
        "set 204 to jazz and 204 at lakeside to pop",  # one room number, two properties
        "set 204 to pop and clear alarms in 204",
    ],
)
def test_different_rooms_or_properties_are_still_split(text: str) -> None:
    assert clauses(text, LEXICON) is not None


@pytest.mark.parametrize(
    "text", ["set 310 to jazz, 311 is on pop", "set 310 to jazz, someone set 311 to pop"]
)
def test_a_report_after_a_request_is_never_given_its_verb(text: str) -> None:
    """The regression hunt: "… 311 is on pop" became "set 311 is on pop" and set 311 to Pop."""
    assert clauses(text, LEXICON) is None
