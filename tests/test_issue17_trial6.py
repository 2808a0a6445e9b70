"""Issue 17, sixth trial: a waiting question took the next complete request as its answer (3 wrong
actions), pinned through the real engine (tests/worlds/trial17f.json: rooms A&B, Room=5, Jazz, Como,
Deluxe; two stations called Relaxing in one country)."""

from __future__ import annotations

from pathlib import Path

import pytest
from core_helpers import BotUnderTest
from test_issue17_trial2 import _world
from world_reading import WorldReader

from bot.core.shared.replies import ReplyKind

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


async def test_a_change_made_since_leaves_an_older_confirmation_to_its_buttons(
    demo_bot: BotUnderTest,
) -> None:
    """Demo trial: `cancel the wake up calls in 311 at harbor view` (asks), later `set villa-1 through
    villa-3 to pop` (done), then a `yes` meant for nothing cleared 311's alarms 17 messages on. After
    a change made since, a bare yes no longer reaches the older confirmation; its buttons still do."""
    # one wake-up call: asked ("the wake up calls", plural, are cleared at once since round 24)
    asked = await demo_bot.say("cancel the wake up call in 311 at harbor view")
    assert asked.kind == ReplyKind.CONFIRM, asked.headline
    done = await demo_bot.say("set 214 at harbor view to jazz")
    assert done.kind == ReplyKind.SUCCESS, done.headline
    late = await demo_bot.say("yes")
    assert late.kind != ReplyKind.SUCCESS and "311" not in late.headline, late.headline
    pressed = await demo_bot.say(asked.actions[0].value)
    assert pressed.kind == ReplyKind.SUCCESS and "311" in pressed.headline, pressed.headline
