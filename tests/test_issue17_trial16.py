"""Round 16's wrong actions and bad replies (tests/worlds/trial17p.json: a room Classic at Copper
Bay beside the station Classic Rock; the demo world)."""

from __future__ import annotations

from pathlib import Path

import pytest
from core_helpers import bot_on
from test_issue17_trial2 import DEMO, HARBOR, _world
from world_reading import WorldReader

from bot.core.shared.replies import ReplyKind
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World

TRIAL_P = Path(__file__).parent / "worlds" / "trial17p.json"


@pytest.fixture(scope="module")
def demo() -> WorldReader:
    return _world(DEMO)


@pytest.fixture(scope="module")
def pelican() -> WorldReader:
    return _world(TRIAL_P)


@pytest.mark.parametrize(
    ("text", "rooms"),
    [
        ("418 and 419 -> jazz, 420 stays", ["418", "419"]),  # the wrong action: 420 set too
        ("511 and 509 to oldies, 510 stays as is", ["509", "511"]),  # and 510 changed
        ("set villa-1 and villa-2 at alpine to jazz, villa-3 stays", ["villa-1", "villa-2"]),
    ],
)
def test_a_room_that_stays_is_left_out(demo: WorldReader, text: str, rooms: list[str]) -> None:
    read = demo.read(text, channel_property=HARBOR)
    assert sorted(read["rooms"]) == rooms, read


def test_a_room_that_keeps_its_alarms_is_left_out_and_never_the_rooms_before_it(
    demo: WorldReader,
) -> None:
    read = demo.read("clear alarms 401, 402 and 403, 403 keeps its alarms", channel_property=HARBOR)
    assert read["rooms"] == ["401", "402"], read


def test_stays_is_never_read_as_says(demo: WorldReader) -> None:
    read = demo.read("set 204 to jazz, guest stays till friday", channel_property=HARBOR)
    assert read == {"intent": "none"}, read  # not followed: nothing changes


@pytest.mark.parametrize("text", ["set 106 to classic rock pls", "set 106 to classic rock"])
def test_a_station_of_several_words_after_to_is_never_the_end_of_a_range(
    pelican: WorldReader, text: str
) -> None:
    read = pelican.read(text)
    assert (read["rooms"], read["station"]) == (["106"], "Classic Rock"), read


async def test_a_correction_after_a_read_of_other_rooms_never_changes_the_earlier_rooms(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The wrong action: `actually make it classical` after a read of 106 set 104 again."""
    world = World.model_validate_json(DEMO.read_text(encoding="utf-8"))
    async with bot_on(sandbox, world, tmp_path) as bot:
        await bot.say("set 104 to jazz")
        await bot.say("whats on in 106")
        before = bot.station(HARBOR, "104")
        await bot.say("actually make it classical")
        assert bot.station(HARBOR, "104") == before


async def test_a_property_named_after_a_change_or_a_question_moves_it_there(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """`sorry i meant at lakeside` after a change asks to make it there; `kensington` answering
    "At Harbor View or at Lakeside?" runs the request there."""
    world = World.model_validate_json(DEMO.read_text(encoding="utf-8"))
    async with bot_on(sandbox, world, tmp_path) as bot:
        await bot.say("set 305 at harbor view to pop")
        asked = await bot.say("sorry i meant at lakeside")
        assert asked.kind == ReplyKind.QUESTION, asked.headline
        assert "305 at Lakeside Chicago to Pop" in asked.headline
        await bot.say("yes")
        await bot.say("whats playing in 219 at lakeside")
        where = await bot.say("set 204 to dance")
        assert where.kind == ReplyKind.QUESTION, where.headline
        done = await bot.say("no i meant the one at kensington")
        assert "204 at Kensington Gardens London now plays Dance" in done.headline, done.headline


def test_a_choice_sent_as_typed_answers_the_question_without_a_note(demo: WorldReader) -> None:
    turns = demo.converse(
        ["play oldies in villa-1", "set room villa-1 to oldies at Alpine Lodge Aspen"],
        channel_property=HARBOR,
    )
    assert turns[0] == {"ask": "property"} and turns[1]["rooms"] == ["villa-1"], turns
