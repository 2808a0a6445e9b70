"""Issue 17, what the third trial left open: each pinned through the real engine
(tests/worlds/trial17c.json and the demo chain)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from core_helpers import bot_on
from test_issue17_trial2 import DEMO, _answer, _world, _writes
from world_reading import WorldReader

from bot.core.shared.replies import ReplyKind
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World

HERE = Path(__file__).parent
TRIAL_C = HERE / "worlds" / "trial17c.json"
CREEK = "Juniper Creek Lodge"
LAKESIDE = "Lakeside Chicago"


@pytest.fixture(scope="module")
def creek() -> WorldReader:
    return _world(TRIAL_C)


@pytest.fixture(scope="module")
def demo() -> WorldReader:
    return _world(DEMO)


@pytest.fixture(scope="module")
def sky() -> WorldReader:
    """The trial world with Cabin_9 named Sky_Suite, as the trial's room was."""
    text = TRIAL_C.read_text(encoding="utf-8").replace('"Cabin_9"', '"Sky_Suite"')
    return WorldReader(json.loads(text))


# --- a room's name typed with spaces, in the possessive ------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("is sky suite's echo online?", "echo_online"),
        ("is Sky_Suite's echo online?", "echo_online"),
        ("what's playing in sky suite's room", "ask_station"),
        ("what's playing in sky suite?", "ask_station"),
    ],
)
def test_a_spaced_room_name_in_the_possessive_is_that_room(
    sky: WorldReader, text: str, intent: str
) -> None:
    outcome = sky.read(text)
    assert outcome == {"intent": intent, "rooms": ["Sky_Suite"], "property": CREEK}, outcome


# --- a room named by an ordinary word, read after "in" -------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent"),
    [("what's playing in Suite", "ask_station"), ("what's playing in Suite?", "ask_station")],
)
def test_a_room_named_by_an_ordinary_word_is_read_after_in(
    creek: WorldReader, text: str, intent: str
) -> None:
    outcome = creek.read(text)
    assert outcome == {"intent": intent, "rooms": ["Suite"], "property": CREEK}, outcome
    cleared = creek.read("clear alarms in Suite")
    assert cleared["rooms"] == ["Suite"] and cleared["kinds"] == ["alarms"], cleared


def test_suite_before_a_number_is_still_a_mark_not_the_room_suite(creek: WorldReader) -> None:
    outcome = creek.read("what's playing in suite 7")
    assert outcome.get("rooms") != ["Suite"], outcome


def test_in_the_suite_after_a_room_number_is_never_a_second_room(creek: WorldReader) -> None:
    turns = creek.converse(["set 101 to jazz in the Suite", CREEK])
    assert not any(_writes(turn) for turn in turns), turns


# --- a clear typo of the verb is corrected like the names' typos, and said -----------------------


def test_a_verb_typo_is_corrected_like_the_names_and_said(demo: WorldReader) -> None:
    text = "sett 213 to clasical at lakside"
    outcome = demo.read(text)
    assert outcome["rooms"] == ["213"] and outcome["station"] == "Classical", outcome
    assert outcome["property"] == LAKESIDE
    notes = _answer(demo, text).notes  # a write with a corrected verb says what it read
    assert "I read \u201csett\u201d as \u201cset\u201d." in notes, notes


def test_a_verb_typo_never_makes_a_half_reading_a_write(demo: WorldReader) -> None:
    """The corrected verb passes the same completeness check: another word unfollowed stops it."""
    outcome = demo.read("sett 213 to clasical at lakside maybe")
    assert not _writes(outcome), outcome


# --- replies -------------------------------------------------------------------------------------


async def test_a_room_without_a_station_has_no_station_set(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    world = World.model_validate_json(DEMO.read_text(encoding="utf-8"))
    async with bot_on(sandbox, world, tmp_path) as bot:
        reply = await bot.say(f"switch 206 from jazz to pop at {LAKESIDE}")
    assert "room 206 at Lakeside Chicago has no station set" in reply.headline, reply.headline
    assert "is on no station" not in reply.headline
    assert reply.kind != ReplyKind.SUCCESS


# --- "the <room type> rooms": the room type, never a property called "rooms" ---------------------


@pytest.mark.parametrize(
    "text", ["whats playing in the Garden Suite rooms", "clear alarms in the Garden Suite rooms"]
)
def test_the_rooms_of_a_type_in_several_properties_asks_which_property(
    creek: WorldReader, text: str
) -> None:
    assert creek.read(text) == {"ask": "property"}
    reply = _answer(creek, text)
    assert "Garden Suite" in reply.headline and "rooms\u201d" not in reply.headline, reply.headline
    assert [a.label for a in reply.actions] == [CREEK, "Le Jardin Lyon"]


def test_the_rooms_of_a_type_at_a_property_are_read(creek: WorldReader) -> None:
    outcome = creek.read("what's playing in the Garden Suite rooms at Le Jardin Lyon")
    assert outcome["intent"] == "ask_station" and outcome["property"] == "Le Jardin Lyon", outcome
    assert outcome["rooms"] == ["Pop", "Suite-1", "Suite-2"]


# --- suggestions: a name whose distinctive part is what was typed --------------------------------


@pytest.mark.parametrize(
    ("text", "offered"),
    [
        ("set Top to heart", "Room@Top (Ben Nevis House)"),
        ("set Room = 5 to pop gold", "Room=5 (Le Jardin Lyon)"),
    ],
)
def test_a_name_whose_part_after_a_separator_was_typed_is_suggested(
    creek: WorldReader, text: str, offered: str
) -> None:
    assert creek.read(text) == {"ask": "room"}
    reply = _answer(creek, text)
    assert reply.kind == ReplyKind.QUESTION, reply.headline
    assert reply.actions[0].label == offered, [a.label for a in reply.actions]


def test_a_past_tense_is_never_a_verb_typo(demo: WorldReader) -> None:
    """Only a typo of the first word is corrected: "cleared" says it was done, it asks nothing."""
    assert not _writes(demo.read("I cleared the alarms in 118 already"))
    assert not _writes(demo.read("cleared the alarms in 118 at Lakeside Chicago"))
