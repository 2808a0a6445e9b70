"""Issue 17, sixth trial: a waiting question took the next complete request as its answer (3 wrong
actions), pinned through the real engine (tests/worlds/trial17f.json: rooms A&B, Room=5, Jazz, Como,
Deluxe; two stations called Relaxing in one country)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_issue17_trial2 import _world
from world_reading import WorldReader

HERE = Path(__file__).parent
TRIAL_F = HERE / "worlds" / "trial17f.json"


@pytest.fixture(scope="module")
def trial() -> WorldReader:
    return _world(TRIAL_F)


@pytest.mark.parametrize(
    ("question", "said", "rooms", "station"),
    [
        ("set A&B to relaxing", "Room=5 jazz", ["Room=5"], "Jazz"),
        ("set Jazz to pop", "jazz in Jazz", ["Jazz"], "Jazz"),
        ("in Como jazz set", "station country Deluxe room", ["Deluxe"], "Country"),
    ],
)
def test_a_complete_request_after_a_question_is_its_own_never_the_answer(
    trial: WorldReader, question: str, said: str, rooms: list[str], station: str
) -> None:
    """Was: `Room=5 jazz` set A&B to Jazz; `jazz in Jazz` set Jazz to Pop; `station country Deluxe
    room` set Como and Jazz to Country. A message naming its rooms and its station is a request."""
    turns = trial.converse([question, said])
    second = turns[1]
    assert second.get("rooms") == rooms or second.get("ask"), turns
    if "rooms" in second:
        assert second.get("station") == station, turns
