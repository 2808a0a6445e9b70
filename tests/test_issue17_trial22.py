"""Round 22's proposed wrong action: `set 104 at prospect to jazz` offered only room 104 of the
channel's hotel, never Prospect's W-104 (a world of generated names, as the trial's)."""

from __future__ import annotations

import asyncio

import pytest
from any_hotel.worlds import world_from_spec
from world_reading import WorldReader, channel_of

from bot.core.access.context import Message
from bot.core.conversation.engine import Engine
from bot.core.shared.replies import ActionKind, ReplyKind

HARBOR = "Harbor View Inn"
PROSPECT = "Prospect Park Hotel"
SPEC = {
    HARBOR: ("US", {"Standard": ["101", "104", "105"]}),
    PROSPECT: ("US", {"West Wing": ["W-101", "W-104"], "East": ["E-104"]}),
}


@pytest.fixture(scope="module")
def reader() -> WorldReader:
    return WorldReader(world_from_spec(SPEC))


def test_a_room_missing_at_the_property_named_offers_its_rooms_of_that_number_first(
    reader: WorldReader,
) -> None:
    """Prospect's W-104 and E-104 come before the channel's 104, and nothing is changed."""
    engine = Engine(reader.services)
    message = Message(
        text="set 104 at prospect to jazz", user="u", channel=channel_of(HARBOR), platform="console"
    )
    reply = asyncio.run(engine.handle(message))
    assert reply.kind == ReplyKind.QUESTION, reply
    assert "(it has W-104, E-104), but exists at Harbor View Inn" in reply.headline, reply.headline
    labels = [action.label for action in reply.actions if action.kind == ActionKind.CHOICE]
    assert labels[:2] == [f"W-104 ({PROSPECT})", f"E-104 ({PROSPECT})"], labels
    assert labels[2] == HARBOR, labels


@pytest.mark.parametrize(
    "text", ["what's on in 104 at prospect", "is the echo in 104 at prospect online"]
)
def test_a_read_of_a_room_the_property_named_lacks_is_asked_never_read_elsewhere(
    reader: WorldReader, text: str
) -> None:
    """Was: the channel's 104 was read, though the request named Prospect."""
    read = reader.read(text, channel_property=HARBOR)
    assert "ask" in read, read


def test_a_read_without_a_property_still_finds_the_one_property_holding_the_room(
    reader: WorldReader,
) -> None:
    """`what's on in W-104` from Harbor View's channel reads Prospect's W-104 (unchanged)."""
    read = reader.read("what's on in W-104", channel_property=HARBOR)
    assert read.get("rooms") == ["W-104"] and read.get("property") == PROSPECT, read
