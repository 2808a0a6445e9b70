"""Issue 17, eighth trial (two blind users: the demo world and a world of their own): what they
found, pinned through the real engine on the sandbox, in a channel bound to Harbor View Seattle."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import HV_DESK
from core_helpers import BotUnderTest, text_of
from test_issue17_trial2 import _world
from world_reading import WorldReader

from bot.core.shared.replies import ActionKind, ReplyKind

DESK = HV_DESK


async def say(bot: BotUnderTest, text: str) -> str:
    return text_of(await bot.say(text, channel=DESK))


@pytest.mark.parametrize(
    ("text", "room"),
    [
        ("what's playing in edelweiss", "Edelweiss"),
        ("whats on in lotus now", "Lotus"),
        ("what's playing in garden loft", "Garden_Loft"),
    ],
)
async def test_a_read_of_a_room_found_only_at_another_property_is_answered_there(
    desk: BotUnderTest, text: str, room: str
) -> None:
    """Was: "Room Lotus isn't at Harbor View Seattle, but exists at Alpine… Did you mean?" for a
    question whose meaning is clear."""
    reply = await desk.say(text, channel=DESK)
    assert reply.kind != ReplyKind.QUESTION, text_of(reply)
    assert f"{room} at Alpine Lodge Aspen" in reply.headline, text_of(reply)


async def test_a_write_to_a_room_of_another_property_still_asks(desk: BotUnderTest) -> None:
    reply = await desk.say("set lotus to jazz", channel=DESK)
    assert reply.kind == ReplyKind.QUESTION, text_of(reply)
    assert desk.station("Alpine Lodge Aspen", "Lotus") is None


async def test_clearing_rooms_of_another_property_is_one_confirmation_that_names_it(
    desk: BotUnderTest,
) -> None:
    """Was: a "which property?" question, then after its yes the clear's own confirmation."""
    reply = await desk.say("clear timers and alarms in S303 and S304", channel=DESK)
    assert reply.kind == ReplyKind.CONFIRM, text_of(reply)
    assert "at Lakeside Chicago" in reply.headline
    assert any("not at Harbor View Seattle" in note for note in reply.notes), reply.notes
    done = await desk.say("yes", channel=DESK)
    assert done.kind == ReplyKind.SUCCESS, text_of(done)
    assert desk.room("Lakeside Chicago", "S303").alarms == 0


async def test_a_guessed_range_of_another_property_names_it_and_its_yes_runs_there(
    desk: BotUnderTest,
) -> None:
    """Was: `jazz in villas 4-6` → "Do you mean villa-4 to villa-6?" → 1 → "can't find villa-4,
    villa-5, villa-6 at Harbor View Seattle"."""
    asked = await desk.say("jazz in villas 4-6", channel=DESK)
    assert "at Alpine Lodge Aspen" in asked.headline, text_of(asked)
    done = await desk.say("1", channel=DESK)
    assert done.kind == ReplyKind.SUCCESS, text_of(done)
    for room in ("villa-4", "villa-5", "villa-6"):
        assert desk.station("Alpine Lodge Aspen", room) is not None


@pytest.mark.parametrize(
    ("text", "offered"),
    [
        ("jazz in the penthouse at alpine", {"PH#1", "PH#2"}),
        ("put pop on in the loft at alpine", {"room Garden_Loft"}),
    ],
)
async def test_a_word_of_a_room_type_or_room_at_the_property_named_is_offered_never_another_property(
    desk: BotUnderTest, text: str, offered: set[str]
) -> None:
    """Was: the Penthouse rooms of Harbor View and Kensington, the Atelier Loft of Paris."""
    reply = await desk.say(text, channel=DESK)
    assert reply.kind == ReplyKind.QUESTION, text_of(reply)
    labels = {a.label for a in reply.actions if a.kind is ActionKind.CHOICE}
    assert labels == offered, text_of(reply)
    assert all(
        "Alpine Lodge Aspen" in a.value for a in reply.actions if a.kind is ActionKind.CHOICE
    )


async def test_a_time_with_a_clear_says_it_clears_all_now(desk: BotUnderTest) -> None:
    reply = await desk.say("tomorrow morning clear alarms in 305", channel=DESK)
    assert reply.kind == ReplyKind.CONFIRM, text_of(reply)
    assert "only now" in text_of(reply) and "tomorrow morning" in text_of(reply)


async def test_a_room_missing_here_is_never_one_keystroke_from_another_property_room(
    desk: BotUnderTest,
) -> None:
    """Was: `set room 6 to pop` offered `set room villa-6 to pop at Alpine Lodge Aspen` as 1."""
    reply = await desk.say("set room 6 to pop", channel=DESK)
    assert not [a for a in reply.actions if a.kind is ActionKind.CHOICE], text_of(reply)
    assert "villa-6" in reply.headline


async def test_a_room_of_the_property_just_named_and_of_the_channel_property_is_asked(
    desk: BotUnderTest,
) -> None:
    """Was: after `what's playing in 110-114 at kensington`, `set 112 to classical` set Harbor
    View's 112 (the channel's), and `clear everything in 113` + yes cleared Harbor View's 113."""
    await desk.say("what's playing in 110-114 at kensington", channel=DESK)
    reply = await desk.say("set 112 to classical", channel=DESK)
    assert reply.kind == ReplyKind.QUESTION, text_of(reply)
    labels = {a.label for a in reply.actions if a.kind is ActionKind.CHOICE}
    assert labels == {"Harbor View Seattle", "Kensington Gardens London"}
    assert desk.station("Harbor View Seattle", "112") is None
    done = await desk.say("2", channel=DESK)
    assert "Kensington Gardens London" in done.headline, text_of(done)


async def test_no_wait_another_room_after_a_change_asks_about_that_room(
    desk: BotUnderTest,
) -> None:
    """Was: `no wait, 206` read as a station called "no"; `sorry i meant 314` not understood."""
    await desk.say("set 204 to jazz", channel=DESK)
    before = desk.station("Harbor View Seattle", "204")
    asked = await desk.say("no wait, 206", channel=DESK)
    assert asked.kind == ReplyKind.QUESTION and "206" in asked.headline, text_of(asked)
    assert "undo" in asked.headline
    done = await desk.say("yes", channel=DESK)
    assert done.kind == ReplyKind.SUCCESS, text_of(done)
    assert desk.station("Harbor View Seattle", "206") == before
    asked = await desk.say("sorry i meant 314", channel=DESK)
    assert asked.kind == ReplyKind.QUESTION and "314" in asked.headline, text_of(asked)


async def test_dont_change_one_room_just_another_says_what_was_already_done(
    desk: BotUnderTest,
) -> None:
    """Was: "OK, I won't do that. Nothing was changed." while 210 stayed changed."""
    await desk.say("rm 210-212 classic rock", channel=DESK)
    reply = await desk.say("don't change 210, just 211", channel=DESK)
    assert "Room 210 was already changed" in reply.headline, text_of(reply)
    assert "undo" in text_of(reply)


async def test_dont_clear_alarms_just_the_timers_clears_only_the_timers(
    desk: BotUnderTest,
) -> None:
    room = desk.room("Harbor View Seattle", "309")
    room.alarms, room.timers = 2, 2
    await say(desk, "don't clear alarms in 309, just the timers")
    assert (room.alarms, room.timers) == (2, 0)


@pytest.mark.parametrize(
    "text", ["wake up call for 6:30 in 312", "cancel the 6:30 wake up call in 213"]
)
async def test_a_clock_time_is_never_rooms(desk: BotUnderTest, text: str) -> None:
    reply = await say(desk, text)
    assert "6, 30" not in reply and "room 6" not in reply, reply


async def test_a_wake_up_call_for_a_time_is_asking_for_an_alarm_the_bot_cannot_set(
    desk: BotUnderTest,
) -> None:
    room = desk.room("Harbor View Seattle", "312")
    room.alarms = 1
    reply = await say(desk, "wake up call for 6:30 in 312")
    assert "can't set" in reply, reply
    assert room.alarms == 1


@pytest.mark.parametrize("text", ["alarms in 305", "wake up calls 305", "reminders for 204"])
async def test_alerts_named_with_no_verb_are_asked_never_cleared(
    desk: BotUnderTest, text: str
) -> None:
    """Was: `alarms in 305` cleared 305's alarms at once (no word said to clear them)."""
    room = desk.room("Harbor View Seattle", "305")
    room.alarms = 2
    reply = await desk.say(text, channel=DESK)
    assert reply.kind in (ReplyKind.QUESTION, ReplyKind.CONFIRM), text_of(reply)
    assert room.alarms == 2


# --- the second user's own world (tests/worlds/trial17h.json: rooms Blues at Bayou Blues Hotel,
# Sand&Surf, Puffin#2, Swing; "bay" in Pelican Bay and Cardigan Bay, and the start of Bayou) -------

TRIAL_H = Path(__file__).parent / "worlds" / "trial17h.json"


@pytest.fixture(scope="module")
def trial_h() -> WorldReader:
    return _world(TRIAL_H)


@pytest.mark.parametrize(
    ("text", "rooms"),
    [
        ("what's playing in blues, zydeco and bebop at bayou", ["Bebop", "Blues", "Zydeco"]),
        ("set blues to pop at bayou", ["Blues"]),
        ("set sand and surf to hip hop", ["Sand&Surf"]),
        ("what's playing in puffin#1, puffin #2 at cardigan", ["Puffin#1", "Puffin#2"]),
        ("no wait, the lyon one, put jazz in 112 at lyon", ["112"]),
    ],
)
def test_every_room_named_is_read_and_none_is_dropped(
    trial_h: WorldReader, text: str, rooms: list[str]
) -> None:
    """Was: Blues (a word of Bayou Blues Hotel) silently dropped, or the request refused for
    'bayou'; 'sand and surf', 'puffin #2' (room 2), 'lyon' said twice not followed."""
    outcome = trial_h.read(text)
    assert sorted(outcome.get("rooms", [])) == rooms, outcome


def test_a_word_of_two_property_names_is_never_a_third_that_only_begins_with_it(
    trial_h: WorldReader,
) -> None:
    """Was: `set 113 at bay to jazz` took "bay" for Bayou Blues (where there is no 113)."""
    outcome = trial_h.read("set 113 at bay to jazz")
    assert outcome.get("property") != "Bayou Blues Hotel New Orleans", outcome
    assert trial_h.read("what's playing in 113 at bay")["property"] == (
        "Pelican Bay Resort Monterey"
    )


def test_set_it_after_a_question_about_a_room_is_that_room(trial_h: WorldReader) -> None:
    """Was: `set it to gospel` right after `what's playing in swing at bayou` → "Which room?",
    then a needless "Set room Swing to Gospel?": that one room, read last, said back."""
    _first, second = trial_h.converse(["what's playing in swing at bayou", "set it to gospel"])
    assert (second["rooms"], second["station"]) == (["Swing"], "Gospel"), second
