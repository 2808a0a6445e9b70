"""Round 25: a change made while an older question waited for a yes dropped that question without a
word (demo world); a part of a message pointing back at another part's rooms, and a number offered
as a named room sharing only its digits (the trial's own world)."""

from __future__ import annotations

import pytest
from any_hotel.worlds import world_from_spec
from core_helpers import BotUnderTest
from test_issue17_trial2 import DEMO, _answer, _world
from world_reading import WorldReader

from bot.core.access.context import Message
from bot.core.shared.replies import ActionKind, Reply, ReplyKind
from bot.demo import DEMO_USER, demo_runtime


async def test_a_change_made_while_a_question_waits_says_the_question_is_left_to_its_buttons(
    demo_bot: BotUnderTest,
) -> None:
    asked = await demo_bot.say("clear alarms in villa-1 at alpine at 11am", channel="ops")
    assert asked.kind == ReplyKind.CONFIRM, asked.headline
    await demo_bot.say("set 101 at lakeside to dance at 6pm", channel="ops")
    done = await demo_bot.say("yes", channel="ops")
    assert done.kind == ReplyKind.SUCCESS and "101" in done.headline, done.headline
    assert any("villa-1" in note and "buttons" in note for note in done.notes), done.notes


# --- Round 25's own world -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> WorldReader:
    return _world(DEMO)


@pytest.mark.parametrize(
    "text",
    [
        "clear alarms in 101, 104 at lakeside and set them to pop",
        "set 105 at lakeside to classical. also clear its alarms",
    ],
)
def test_a_part_pointing_back_at_another_parts_rooms_changes_nothing(
    demo: WorldReader, text: str
) -> None:
    """Was: the message was cut inside the list of rooms; 101's alarms were cleared and 104 was
    set to Pop ("104 at edinburgh and set them to pop" read as one request)."""
    read = demo.read(text)
    assert "rooms" not in read and "parts" not in read, read


def test_a_number_is_never_offered_as_a_named_room_sharing_only_its_digits() -> None:
    """Was: `put jazz in room 5` offered Tower-East-5 as its one choice (the user meant 105)."""
    spec = {
        "Saguaro Springs": ("US", {"Standard": ["101", "105", "Heron"]}),
        "Wharfside Edinburgh": ("UK", {"Tower": ["Tower-East-4", "Tower-East-5", "105"]}),
    }
    reader = WorldReader(world_from_spec(spec))
    reply = _answer(reader, "put jazz in room 5")
    assert not [a for a in reply.actions if a.kind == ActionKind.CHOICE], reply.actions
    assert "Tower-East-5" in reply.headline, reply.headline  # named, read-only


async def test_a_room_profile_named_without_a_value_is_asked_its_value() -> None:
    """Round 24: `turn up the volume in 203`, then `profiles` got "The max volume needs a whole
    number, not “”"; now `profiles` lists them and a profile's name asks for the value."""
    async with demo_runtime() as (runtime, _server):

        async def say(text: str) -> Reply:
            return await runtime.engine.handle(Message(text, DEMO_USER, "C-VOL", "slack"))

        asked = await say("turn up the volume in 203")
        assert asked.kind == ReplyKind.QUESTION, asked.headline
        listed = await say("profiles")
        assert listed.kind == ReplyKind.INFO and "profile" in listed.headline, listed.headline
        await say("turn up the volume in 203")
        value = await say("Lobby")
        assert value.kind == ReplyKind.QUESTION, value.headline
        assert "max volume of Lobby" in value.headline, value.headline
