"""Round 27's proposed wrong action: `remind the guest in 103 about checkout at 11` was read as
"reminder" (a command word one letter away) and offered as a clear of 103's reminders."""

from __future__ import annotations

import pytest
from test_issue17_trial2 import DEMO, HARBOR, _answer, _world
from world_reading import WorldReader


@pytest.fixture(scope="module")
def demo() -> WorldReader:
    return _world(DEMO)


@pytest.mark.parametrize(
    "text", ["remind the guest in 103 about checkout at 11", "remind 204 about breakfast"]
)
def test_asking_for_a_reminder_never_offers_to_clear_the_reminders(
    demo: WorldReader, text: str
) -> None:
    read = demo.read(text, channel_property=HARBOR)
    assert "rooms" not in read and read.get("ask") != "confirm", read
    reply = _answer(demo, text, channel_property=HARBOR)
    assert "reminders" not in reply.headline.lower(), reply.headline
    assert not [a for a in reply.actions if a.value.startswith("clear")], reply.actions


def test_clearing_the_reminders_is_still_understood(demo: WorldReader) -> None:
    read = demo.read("clear reminders in 204", channel_property=HARBOR)
    assert read.get("kinds") == ["reminders"] and read.get("rooms") == ["204"], read
