"""Round 17's wrong actions: questions about changes made before were run as changes, and an
answer to a question about a device set the station of an earlier change."""

from __future__ import annotations

from pathlib import Path

import pytest
from core_helpers import bot_on
from test_issue17_trial2 import DEMO, HARBOR, _answer, _world
from world_reading import WorldReader

from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World


@pytest.fixture(scope="module")
def demo() -> WorldReader:
    return _world(DEMO)


@pytest.mark.parametrize(
    "text",
    [
        "who put jazz on in 111",
        "who set 108 to classic rock",
        "when was 106 set to jazz",
        "who set 102 to pop",
        "why is 109 on classic rock",
        "who cleared the alarms in 109",
        "has 102 been switched to pop yet",
        "did someone set 111 to classical?",
    ],
)
def test_a_question_about_a_change_made_before_never_changes_anything(
    demo: WorldReader, text: str
) -> None:
    read = demo.read(text, channel_property=HARBOR)
    assert "rooms" not in read or read.get("intent") == "who_changed", read
    assert read.get("intent") not in ("set_station", "clear_alerts"), read


async def test_and_a_room_answering_a_device_question_never_repeats_an_earlier_change(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The wrong action: `and the lakeside 219?` after a question about an Echo set 219 to the
    station of a change made before the question."""
    world = World.model_validate_json(DEMO.read_text(encoding="utf-8"))
    async with bot_on(sandbox, world, tmp_path) as bot:
        await bot.say("set 101 at harbor view to jazz")
        await bot.say("is the echo in 219 online?")
        before = bot.station("Lakeside Chicago", "219")
        await bot.say("and the lakeside 219?")
        assert bot.station("Lakeside Chicago", "219") == before


def test_a_correction_that_puts_a_room_back_is_never_the_change_again(demo: WorldReader) -> None:
    turns = demo.converse(
        ["set all garden rooms at alpine to dance", "no wait, not orchid - put orchid back"],
        channel_property=HARBOR,
    )
    assert "rooms" not in turns[1] and turns[1].get("ask") is None, turns[1]


def test_but_dont_touch_leaves_the_room_out(demo: WorldReader) -> None:
    read = demo.read("set 204 to jazz but dont touch 205", channel_property=HARBOR)
    assert (read["rooms"], read["station"]) == (["204"], "Jazz"), read


def test_a_read_of_a_room_misspelt_at_another_property_offers_it(demo: WorldReader) -> None:
    """Was: "Nearest names: Edelweiss (Alpine Lodge Aspen)" and "send it again"; a read (or a
    clear, which asks first) is offered the room as a choice; a station change still is not."""
    reply = _answer(demo, "whats playing in edelweis", channel_property=HARBOR)
    assert [a.value for a in reply.actions] == [
        "what's playing in room Edelweiss at Alpine Lodge Aspen"
    ], reply
    assert "rooms" not in demo.read("set edelweis to jazz", channel_property=HARBOR)
