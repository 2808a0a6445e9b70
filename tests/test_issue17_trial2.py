"""Issue 17, second trial: what a second new user's messages found wrong, each pinned through the
real engine (tests/worlds/trial17b.json: Atelier Boutique Boston, Backpackers Hostel Austin; the
first trial's world; the demo chain)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from world_reading import WorldReader, channel_of

from bot.core.context import Message
from bot.core.replies import Reply

HERE = Path(__file__).parent
TRIAL = HERE / "worlds" / "trial17.json"
TRIAL_B = HERE / "worlds" / "trial17b.json"
DEMO = HERE.parent / "bot" / "sandbox" / "worlds" / "demo.json"
HARBOR = "Harbor View Seattle"
LODGE = "Alpine Lodge Aspen"


def _world(path: Path) -> WorldReader:
    return WorldReader(json.loads(path.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def demo() -> WorldReader:
    return _world(DEMO)


def _answer(bot: WorldReader, text: str, channel_property: str | None = None) -> Reply:
    """The real handler's answer (the reader stops reads before their handler)."""
    from bot.core.engine import Engine

    channel = channel_of(channel_property) if channel_property else None
    msg = Message(text=text, user="trial2-reader", channel=channel, platform="console")
    return bot._loop.run_until_complete(Engine(bot.services).handle(msg))


def _writes(outcome: dict[str, Any]) -> bool:
    return "intent" in outcome and "rooms" in outcome and outcome.get("ask") is None


# --- 1. `PH#1` typed exactly is Alpine's, never silently the channel's PH-1 ------------------------


@pytest.mark.parametrize(("typed", "loose"), [("PH#1", "PH-1"), ("PH#2", "PH-2")])
def test_a_name_typed_as_a_room_elsewhere_is_asked_about_not_taken_loosely_here(
    demo: WorldReader, typed: str, loose: str
) -> None:
    assert not _writes(demo.read(f"set {typed} to country", channel_property=HARBOR))
    reply = _answer(demo, f"set {typed} to country", channel_property=HARBOR)
    assert f"{typed} is at {LODGE}; {HARBOR} has {loose}" in reply.headline, reply.headline
    labels = [a.label for a in reply.actions]
    assert labels == [f"{typed} ({LODGE})", f"{loose} ({HARBOR})"], labels


def test_the_channels_own_spelling_and_a_named_property_still_act(demo: WorldReader) -> None:
    assert demo.read("set PH-1 to pop", channel_property=HARBOR)["rooms"] == ["PH-1"]
    outcome = demo.read("set PH#1 at alpine to pop", channel_property=HARBOR)
    assert outcome["rooms"] == ["PH#1"] and outcome["property"] == LODGE
