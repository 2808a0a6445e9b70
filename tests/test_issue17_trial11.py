"""Issue 17, eleventh trial (the demo world, and tests/worlds/trial17k.json with rooms named
Suite, Country, Mix, Garden, Tower, Heart and Cabana-3 / Cabana_4): rooms named by ordinary or
station words in lists, context words of a busy desk, and what a guest dislikes."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import HV_DESK
from core_helpers import BotUnderTest, text_of
from test_issue17_trial2 import _world
from world_reading import WorldReader

from bot.core.shared.replies import ActionKind, ReplyKind

DESK = HV_DESK
TRIAL_K = Path(__file__).parent / "worlds" / "trial17k.json"


@pytest.fixture(scope="module")
def trial_k() -> WorldReader:
    return _world(TRIAL_K)


@pytest.mark.parametrize(
    ("text", "rooms"),
    [
        ("whats playing in country, suite, garden", ["Country", "Garden", "Suite"]),
        ("set suite and 101 to country", ["101", "Suite"]),
        ("clear alarms in suite, tower", ["Suite", "Tower"]),
        ("cabana3 and cabana 4 to hiphop please", ["Cabana-3", "Cabana_4"]),
        ("set 110 to jazz asap the guest is waiting", ["110"]),
        ("set 104 and 105 to jazz but leave 105 alone", ["104"]),
    ],
)
def test_every_room_of_a_list_is_read_and_busy_words_are_followed(
    trial_k: WorldReader, text: str, rooms: list[str]
) -> None:
    """Was: the room Suite silently dropped from lists (or the list refused); one unknown word
    ("tonite", "waiting") blocked a request understood; "but leave 105 alone" did nothing."""
    outcome = trial_k.read(text, channel_property="Pelican Bay Resort")
    assert sorted(outcome.get("rooms", [])) == rooms, outcome


async def test_a_station_the_guest_dislikes_is_context_never_the_station(
    desk: BotUnderTest,
) -> None:
    """Was: "the guest in 204 doesn't like jazz, play classical" refused as two requests, and
    "hates country, put something else on" read as Country."""
    done = await desk.say("the guest in 204 doesn't like jazz, play classical", channel=DESK)
    assert done.kind == ReplyKind.SUCCESS and "Classical" in done.headline, text_of(done)
    asked = await desk.say("guest in 409 hates country, put something else on", channel=DESK)
    assert asked.kind == ReplyKind.QUESTION, text_of(asked)
    assert desk.station("Harbor View Seattle", "409") is None
    assert [a for a in asked.actions if a.kind is ActionKind.CHOICE], text_of(asked)


async def test_the_plural_of_a_room_type_word_at_the_property_named_is_that_type(
    desk: BotUnderTest,
) -> None:
    """Was: `set the penthouses at alpine to classical` asked "did you mean Penthouse Suite?"."""
    done = await desk.say("set the penthouses at alpine to classical", channel=DESK)
    assert done.kind in (ReplyKind.SUCCESS, ReplyKind.SUMMARY), text_of(done)
    assert "Penthouse Suite" in done.headline


@pytest.mark.parametrize(
    ("text", "room"),
    [("set villa 7 at alpine to jazz", "villa 7"), ("set junior suite 318 to pop", "318")],
)
async def test_a_kind_of_room_before_a_number_is_one_room(
    desk: BotUnderTest, text: str, room: str
) -> None:
    """Was: "can't find room 7" (villa read as the room type); "junior suite 318" not found."""
    reply = await desk.say(text, channel=DESK)
    assert room in reply.headline, text_of(reply)


async def test_whoops_i_meant_another_room_asks_about_it(desk: BotUnderTest) -> None:
    await desk.say("set 301 to jazz", channel=DESK)
    asked = await desk.say("whoops i meant 302", channel=DESK)
    assert asked.kind == ReplyKind.QUESTION and "302" in asked.headline, text_of(asked)


# --- the twelfth trial (demo world) ------------------------------------------------------------


async def test_a_correction_naming_the_room_left_out_first_says_what_was_done(
    desk: BotUnderTest,
) -> None:
    """Was: `no wait, not 207 - just 206 and 208` offered "Set rooms 207, 206, 208 to Oldies"."""
    await desk.say("set 206-208 to oldies", channel=DESK)
    reply = await desk.say("no wait, not 207 - just 206 and 208", channel=DESK)
    assert "207 was changed too" in reply.headline, text_of(reply)
    assert not [a for a in reply.actions if a.kind is ActionKind.CHOICE]


async def test_tonight_at_a_time_is_said_back_as_a_time(desk: BotUnderTest) -> None:
    reply = await desk.say("set 301-304 to top 40 tonight at 6pm", channel=DESK)
    assert "can't schedule" in reply.headline and "6pm" in reply.headline, text_of(reply)


async def test_a_kind_of_room_and_its_number_is_the_room_of_that_kind(desk: BotUnderTest) -> None:
    """Was: `loft 2 at rive gauche -> tsf jazz` suggested Lotus at Alpine (L-2 is the Atelier
    Loft room numbered 2)."""
    done = await desk.say("loft 2 at rive gauche -> tsf jazz", channel=DESK)
    assert done.kind == ReplyKind.SUCCESS and "L-2" in done.headline, text_of(done)


@pytest.mark.parametrize(
    ("text", "offered"),
    [
        ("set tower east at alpine to dance", ["Tower-East-4"]),
        ("set the tower suite at alpine to classic rock", ["Tower-East-4", "Tower-West-4"]),
    ],
)
async def test_the_words_of_a_room_name_without_its_number_offer_that_room(
    desk: BotUnderTest, text: str, offered: list[str]
) -> None:
    reply = await desk.say(text, channel=DESK)
    labels = [a.label.split(" (")[0] for a in reply.actions if a.kind is ActionKind.CHOICE]
    assert labels == offered, text_of(reply)
    assert desk.station("Alpine Lodge Aspen", offered[0]) is None
