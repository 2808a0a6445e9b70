"""Rooms named with the letters of European languages ("Løve-Suite", "Zimmer-Größe", "Ærø"): typed as
named, or with the letter's plain base ("love suite"), a request finds the room, without a sandbox."""

from __future__ import annotations

import pytest
from lexicon_support import demo_lexicon_with_rooms

from bot.core.shared import commands as c
from bot.core.understanding.lexicon import fold
from bot.core.understanding.pipeline import parse

NORDIC = demo_lexicon_with_rooms("204", "Løve-Suite", "Zimmer-Größe", "Ærø", "Café-Bleu", "Łódź-3")


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Løve-Suite", "love-suite"), ("Größe", "grose"), ("ÆRØ", "aro"), ("Œil", "oil"),
     ("Łódź", "lodz"), ("Café", "cafe"), ("Þór", "tor"), ("Ðan", "dan"), ("Đakovo", "dakovo"),
     ("Iğdır", "igdir"), ("Ħamrun", "hamrun"), ("Ŋa", "na"), ("plain", "plain")],
)  # fmt: skip
def test_a_letter_folds_to_its_plain_latin_base_one_for_one(text: str, folded: str) -> None:
    """One character for one, so a position in the folded text is that in the typed text."""
    assert fold(text) == folded
    assert len(fold(text)) == len(text)


@pytest.mark.parametrize(
    ("text", "room"),
    [("set Løve-Suite to jazz", "Løve-Suite"), ("set løve suite to jazz", "Løve-Suite"),
     ("set room Løve-Suite station jazz", "Løve-Suite"), ("jazz in Zimmer-Größe", "Zimmer-Größe"),
     ("set zimmer größe to jazz", "Zimmer-Größe"), ("set Ærø to jazz", "Ærø"),
     ("set cafe bleu to jazz", "Café-Bleu"), ("set Łódź-3 to jazz", "Łódź-3")],
)  # fmt: skip
def test_a_room_named_with_european_letters_is_found(text: str, room: str) -> None:
    result = parse(text, NORDIC)
    assert result.parsed is not None
    command = result.parsed.command
    assert isinstance(command, c.SetStation), command
    assert command.target.rooms == (room,)


def test_what_plays_in_a_room_with_a_sharp_s() -> None:
    result = parse("what's on in Zimmer-Größe", NORDIC)
    assert result.parsed is not None
    assert result.parsed.command == c.AskStation(target=c.Target(rooms=("Zimmer-Größe",)))
