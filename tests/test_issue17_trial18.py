"""Round 18's wrong action and bad replies (the demo world: Harbor View's PH-2 and Alpine's PH#2;
rooms that only Alpine has)."""

from __future__ import annotations

from pathlib import Path

import pytest
from core_helpers import bot_on, config_for
from test_issue17_trial2 import DEMO, HARBOR, _world
from world_reading import WorldReader

from bot.core.shared.replies import ReplyKind
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World
from bot.settings import RolesConfig

LODGE = "Alpine Lodge Aspen"


@pytest.fixture(scope="module")
def demo() -> WorldReader:
    return _world(DEMO)


def test_a_loose_name_both_the_channel_and_the_property_just_named_hold_is_asked(
    demo: WorldReader,
) -> None:
    """The wrong action: `set ph 2 to rap` right after Alpine's PH#1 and PH#2 wrote Harbor View's
    PH-2 without asking."""
    turns = demo.converse(
        ["set PH#1 and PH#2 at Alpine to Latin", "set ph 2 to rap", "2"], channel_property=HARBOR
    )
    assert turns[1] == {"ask": "property"}, turns[1]
    assert (turns[2]["rooms"], turns[2]["property"]) == (["PH#2"], LODGE), turns[2]


def test_a_correction_after_a_question_never_repeats_an_older_change(demo: WorldReader) -> None:
    """The proposed wrong action: `no wait, orchid not lotus` while a station for Lotus was
    asked offered Orchid the station of an older change."""
    turns = demo.converse(
        [
            "set garden_loft at alpine to country",
            "set lotus at alpine to",
            "no wait, orchid not lotus",
        ],
        channel_property=HARBOR,
    )
    assert turns[2].get("station") != "Country" and turns[2].get("ask") != "confirm", turns[2]


async def test_rooms_only_the_property_just_worked_at_has_are_taken_there(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Was: "isn't at Harbor View, but exists at Alpine… did you mean?" again and again, right
    after a request about Alpine's rooms (here from a channel bound to Harbor View)."""
    world = World.model_validate_json(DEMO.read_text(encoding="utf-8"))
    config = config_for(world, channels={HARBOR: ["desk"]}, roles=RolesConfig(admin=["*"]))
    async with bot_on(sandbox, world, tmp_path, config=config) as bot:
        first = await bot.say("set lotus to pop", channel="desk")
        assert first.kind == ReplyKind.QUESTION, first.headline  # nothing said before: asked
        await bot.say("whats on in edelweiss at alpine", channel="desk")
        done = await bot.say("set edelweiss to jazz", channel="desk")
        assert "Edelweiss at Alpine Lodge Aspen now plays Jazz" in done.headline, done.headline
        again = await bot.say("set lotus to pop", channel="desk")
        assert "Lotus at Alpine Lodge Aspen now plays Pop" in again.headline, again.headline


async def test_undo_after_a_change_and_a_clear_in_one_message_undoes_the_change(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    world = World.model_validate_json(DEMO.read_text(encoding="utf-8"))
    async with bot_on(sandbox, world, tmp_path) as bot:
        before = bot.station("Harbor View Seattle", "204")
        await bot.say("set 204 at harbor view to latin and clear alarms in 204 at harbor view")
        undone = await bot.say("undo")
        assert bot.station("Harbor View Seattle", "204") == before, undone.headline


@pytest.mark.parametrize(
    "text",
    [
        "set 112 to pop no wait 111",  # the wrong action (round 19): 112 and 111 both set
        "set 112 to pop, no wait 111",
        "set 112 to pop actually 111",
        "set 112 to pop, sorry 111",
    ],
)
def test_a_request_corrected_inside_the_message_changes_nothing(
    demo: WorldReader, text: str
) -> None:
    read = demo.read(text, channel_property=HARBOR)
    assert "rooms" not in read, read


@pytest.mark.parametrize(
    ("text", "rooms"),
    [
        ("set 204-206 to jazz but 205 stays", ["204", "206"]),
        ("asap 206 and 207 -> jazz, guest group checking in", ["206", "207"]),
        ("set all garden rooms at alpine to pop but leave orchid alone", None),
    ],
)
def test_round_19_rooms_left_out_and_context_words(
    demo: WorldReader, text: str, rooms: list[str] | None
) -> None:
    read = demo.read(text, channel_property=HARBOR)
    if rooms is None:  # a whole room type but one: confirmed or run, Orchid never among them
        assert read.get("rooms") and "Orchid" not in read["rooms"], read
    else:
        assert sorted(read["rooms"]) == rooms, read
