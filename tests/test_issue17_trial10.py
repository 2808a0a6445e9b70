"""Issue 17, tenth trial (the demo world, and tests/worlds/trial17j.json with rooms Mews:3,
Loft_1, Loft_2 and a room type Music Loft elsewhere): a new request taken as the answer to an
open question (its wrong actions), rooms left out of a room type, and the replies it found."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import HV_DESK
from core_helpers import BotUnderTest, text_of
from test_issue17_trial2 import _world
from world_reading import WorldReader

from bot.core.shared.replies import ActionKind, ReplyKind

DESK = HV_DESK
ALPINE = "Alpine Lodge Aspen"
COUNTRY = ("I_HEART_RADIO", "4418")
TRIAL_J = Path(__file__).parent / "worlds" / "trial17j.json"


@pytest.fixture(scope="module")
def trial_j() -> WorldReader:
    return _world(TRIAL_J)


@pytest.mark.parametrize(
    "second",
    [
        "all villas at alpine except villa-5 -> country",
        "actually all villas at alpine except villa-5 should be country",
    ],
)
async def test_a_new_request_is_never_the_answer_to_an_open_question(
    desk: BotUnderTest, second: str
) -> None:
    """Was: `villas 1-3 at alpine to pop` (asked "villa-1 to villa-3?"), then the new request
    set all six villas, villa-5 included, to Pop."""
    await desk.say("villas 1-3 at alpine to pop", channel=DESK)
    reply = await desk.say(second, channel=DESK)
    if reply.kind == ReplyKind.CONFIRM:
        reply = await desk.say("yes", channel=DESK)
    assert desk.station(ALPINE, "villa-5") is None, text_of(reply)
    for room in ("villa-1", "villa-2", "villa-3"):  # the new request's Country, or untouched
        assert desk.station(ALPINE, room) in (None, COUNTRY), room


async def test_rooms_named_after_except_are_left_out_of_a_room_type(desk: BotUnderTest) -> None:
    reply = await desk.say("all villas at alpine except villa-5 -> jazz", channel=DESK)
    if reply.kind == ReplyKind.CONFIRM:
        reply = await desk.say("yes", channel=DESK)
    assert reply.kind in (ReplyKind.SUCCESS, ReplyKind.SUMMARY), text_of(reply)
    assert desk.station(ALPINE, "villa-5") is None
    assert desk.station(ALPINE, "villa-6") == ("I_HEART_RADIO", "4242")


async def test_a_room_left_out_that_is_not_among_them_changes_nothing(desk: BotUnderTest) -> None:
    before = desk.snapshot()
    reply = await desk.say("set all rooms at alpine except PH-1 to jazz", channel=DESK)
    if reply.kind == ReplyKind.CONFIRM:
        reply = await desk.say("yes", channel=DESK)
    assert desk.snapshot() == before, text_of(reply)


async def test_only_some_of_the_rooms_just_changed_says_what_was_done(desk: BotUnderTest) -> None:
    """Was: `no actually only 509 and 510` offered to set them "too" and said 511 "stays"."""
    await desk.say("set 509 510 511 to mix", channel=DESK)
    reply = await desk.say("no actually only 509 and 510", channel=DESK)
    assert "511 was changed too" in reply.headline, text_of(reply)


async def test_a_correction_that_names_the_room_it_replaces_never_includes_it(
    desk: BotUnderTest,
) -> None:
    """Was: `no wait, ph2 not ph1` proposed "set rooms ph2, ph1"."""
    await desk.say("PH 1 at aspen classical pls", channel=DESK)
    reply = await desk.say("no wait, ph2 not ph1", channel=DESK)
    values = [a.value for a in reply.actions if a.kind is ActionKind.CHOICE]
    assert values and all("ph1" not in v.lower().replace("ph#1", "") for v in values), values


async def test_no_wait_a_station_while_a_change_waits_changes_that_one(desk: BotUnderTest) -> None:
    await desk.say("set all rooms at alpine to jazz", channel=DESK)
    reply = await desk.say("no wait classical", channel=DESK)
    assert reply.kind == ReplyKind.CONFIRM and "Classical" in reply.headline, text_of(reply)


@pytest.mark.parametrize(
    "text", ["ok forget that, set 204 to classical", "PH-1 kensington - lullabies for the baby"]
)
async def test_context_words_of_a_busy_desk_are_followed(desk: BotUnderTest, text: str) -> None:
    reply = await desk.say(text, channel=DESK)
    assert reply.kind == ReplyKind.SUCCESS, text_of(reply)


def test_an_ordinal_answers_a_question_with_choices(trial_j: WorldReader) -> None:
    from datetime import UTC, datetime

    from bot.core.understanding.followup import Question

    asked = Question(expires=datetime.now(UTC), choices=[("a", "A"), ("b", "B"), ("c", "C")])
    assert [asked.choice_for(t) for t in ("the second one", "3rd", "the last one")] == [
        "B",
        "C",
        "C",
    ]


def test_a_room_name_typed_loosely_is_never_a_room_of_another_property_room_type(
    trial_j: WorldReader,
) -> None:
    """Was: `set loft 3 to rock at thistle` read "loft" as room type Music Loft and offered
    room Mews:3 as one keystroke."""
    outcome = trial_j.read("set loft 3 to rock at thistle")
    assert "intent" not in outcome or outcome.get("intent") == "none", outcome
