"""Name normalisation: what a typed room, room type or property name is compared as."""

from __future__ import annotations

import pytest

from bot.index.normalize import normalize_name, normalize_room_name


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("204", "204"),
        ("Rm 204", "204"),
        ("rm.204", "204"),
        ("RM. 204", "204"),
        ("rm204", "204"),
        ("Room 204", "204"),
        ("room204", "204"),
        ("#204", "204"),
        ("# 204", "204"),
        ("Room #204", "204"),
        ("room no. 204", "204"),
        ("No. 204", "204"),
        ("number 204", "204"),
        ("204.", "204"),
        ("  204 ?", "204"),
        ("s303", "s303"),
        ("S303", "s303"),
        ("Suite 5", "suite5"),
        ("Roomba", "roomba"),
        ("North1", "north1"),
        ("No-Smoking", "no-smoking"),
        ("Room", "room"),
        ("101-A", "101-a"),
    ],
)
def test_room_names_normalise(typed: str, key: str) -> None:
    """Case, room prefixes ("Rm", "Room", "#", "No."), whitespace and trailing punctuation go; a
    prefix glued to letters ("Roomba") is part of the name."""
    assert normalize_room_name(typed) == key


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Harbor View Seattle", "harbor view seattle"),
        ("  harbor   VIEW-seattle. ", "harbor view seattle"),
        ("Queen's Court", "queens court"),
        ("Deluxe_King", "deluxe king"),
        ("...", ""),
    ],
)
def test_other_names_normalise(typed: str, key: str) -> None:
    """Property and room type names compare case-folded, punctuation as spaces, spaces collapsed."""
    assert normalize_name(typed) == key
