"""Issue 17, fifth trial: what a fifth new user's messages found wrong, pinned through the real engine
(tests/worlds/trial17e.json: Maple Grove Inn and Grove Park Hotel share the word "Grove", which is also
a room's name at Maple Grove Inn)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_issue17_trial2 import _answer, _world
from world_reading import WorldReader

HERE = Path(__file__).parent
TRIAL_E = HERE / "worlds" / "trial17e.json"


@pytest.fixture(scope="module")
def trial() -> WorldReader:
    return _world(TRIAL_E)


def test_at_a_word_of_two_property_names_that_is_also_a_room_asks_never_writes(
    trial: WorldReader,
) -> None:
    """`jazz at Grove` set room Grove at Maple Grove Inn: "at Grove" names a place as much as the
    room, so two readings remain and the bot asks; without "at" the word is the room."""
    outcome = trial.read("jazz at Grove")
    assert "intent" not in outcome or outcome.get("ask"), outcome
    assert outcome.get("ask") in {"room", "property"}, outcome
    assert trial.read("play country in Grove")["rooms"] == ["Grove"]
    assert trial.read("set Grove to jazz")["rooms"] == ["Grove"]


@pytest.mark.parametrize("yes", ["yes", "sure go ahead", "yep go ahead \U0001f44d"])
def test_a_yes_in_several_words_answers_a_question_asked_with_a_question_mark(
    trial: WorldReader, yes: str
) -> None:
    """`jazz in Capri?` asks for a yes; `sure go ahead` and `yep go ahead 👍` were "My last question
    waits for one of its choices", while a bare `yes` worked."""
    turns = trial.converse(["jazz in Capri?", yes])
    assert turns[1].get("rooms") == ["Capri"] and turns[1].get("station") == "Jazz", turns


@pytest.mark.parametrize(
    "text", ["list rooms of room type Composer Suite", "rooms of room type Tower"]
)
def test_rooms_of_a_room_type_without_a_property_are_listed(trial: WorldReader, text: str) -> None:
    """ "I don't know a property called “room type”": the words naming the type were read as a place."""
    reply = _answer(trial, text)
    assert "room type" not in reply.headline.split("called")[-1], reply.headline
    assert reply.table is not None and reply.table.rows, reply.headline


@pytest.mark.parametrize(
    "text", ["Birch isn't on jazz, set it to pop", "Birch is not playing jazz so set it to pop"]
)
def test_what_a_room_is_not_on_is_context_not_a_second_station(
    trial: WorldReader, text: str
) -> None:
    """Was refused as "one station per request": "isn't on jazz" said what Birch does not play."""
    outcome = trial.read(text)
    assert outcome.get("rooms") == ["Birch"] and outcome.get("station") == "Pop", outcome
    assert trial.read("set Birch to jazz and pop").get("intent") != "set_station"
