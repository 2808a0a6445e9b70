"""Issue 17 trial: what a new user's 404 messages found wrong, each pinned through the real engine.

The world is the trial's (tests/worlds/trial17.json: Hanami Ryokan Kyoto, Pinecrest Resort, Thames
Court London) or the demo chain; `WorldReader` runs the real understanding and the handlers'
decisions and records what a change would write instead of sending it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from core_helpers import BotUnderTest, text_of
from world_reading import WorldReader

from bot.core.access.context import Message
from bot.core.shared.replies import Reply, ReplyKind

HERE = Path(__file__).parent
TRIAL = HERE / "worlds" / "trial17.json"
DEMO = HERE.parent / "bot" / "sandbox" / "worlds" / "demo.json"
LODGE = "Alpine Lodge Aspen"
PINECREST = "Pinecrest Resort"
THAMES = "Thames Court London"
HANAMI = "Hanami Ryokan Kyoto"


@pytest.fixture(scope="module")
def trial() -> WorldReader:
    return WorldReader(json.loads(TRIAL.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def demo() -> WorldReader:
    return WorldReader(json.loads(DEMO.read_text(encoding="utf-8")))


def _writes(outcome: dict[str, Any]) -> bool:
    return "intent" in outcome and "rooms" in outcome and outcome.get("ask") is None


# --- 1. "X to Y" between named rooms is a range, never just the two ends -------------------------


@pytest.mark.parametrize(
    ("text", "rooms", "station"),
    [
        ("set Cabin-1 to Cabin-3 at Pinecrest to dance", ["Cabin-1", "Cabin-2", "Cabin-3"], "Dance"),
        ("set 12A to 12C at Thames to great hits", ["12A", "12B", "12C"], "Great Hits"),
        ("set 12A-12C at Thames to great hits", ["12A", "12B", "12C"], "Great Hits"),
        ("set Cabin-1 thru Cabin-8 at Pinecrest to dance", [f"Cabin-{n}" for n in range(1, 9)],
         "Dance"),
        ("set Cabin-1 - Cabin-8 at Pinecrest except Cabin-5 to oldies",
         [f"Cabin-{n}" for n in (1, 2, 3, 4, 6, 7, 8)], "Oldies"),
    ],
)  # fmt: skip
def test_two_named_rooms_joined_by_to_thru_or_a_dash_are_the_range_between(
    trial: WorldReader, text: str, rooms: list[str], station: str
) -> None:
    outcome = trial.read(text)
    assert outcome["rooms"] == rooms and outcome["station"] == station, outcome


@pytest.mark.parametrize(
    ("text", "rooms"),
    [
        ("set villa-1 to villa-3 at alpine to pop", ["villa-1", "villa-2", "villa-3"]),
        ("set villa-2 thru villa-4 at Alpine Lodge to country", ["villa-2", "villa-3", "villa-4"]),
    ],
)
def test_a_range_of_the_demo_lodges_villas_is_every_villa_between(
    demo: WorldReader, text: str, rooms: list[str]
) -> None:
    assert demo.read(text)["rooms"] == rooms


@pytest.mark.parametrize(
    "text",
    [
        "set villa-3 to villa-1 at alpine to pop",  # backwards
        "set villa-1 - Orchid at alpine to pop",  # no shared scheme
        "set villa-1 thru Lotus at alpine to pop",
    ],
)
def test_a_backwards_range_or_ends_of_two_schemes_change_nothing(
    demo: WorldReader, text: str
) -> None:
    assert not _writes(demo.read(text))


def test_a_room_then_to_then_a_station_named_like_a_room_is_still_a_station(
    trial: WorldReader,
) -> None:
    """`Jazz` is a room at Hanami and a station: "set Sakura to Jazz" sets Sakura's station."""
    outcome = trial.read("set Sakura to Jazz at Hanami")
    assert outcome["rooms"] == ["Sakura"] and outcome["station"] == "Jazz"


# --- 2. `undo <room>` undoes only what touched that room, never an older change ------------------


async def test_undo_a_room_of_a_change_to_several_asks_and_changes_nothing(
    small_bot: BotUnderTest,
) -> None:
    """`undo 102` after a change of 101, 102 and 204 used to put back all three: now it says what
    else that change set, offers both ways, and changes nothing."""
    first = await small_bot.say("set rooms 101, 102 and 204 at Hotel A to pop")
    assert first.headline.startswith("Set 3 of 3 rooms"), text_of(first)
    before = small_bot.snapshot()
    reply = await small_bot.say("undo 102")
    said = text_of(reply)
    assert "also set 101 and 204" in reply.headline and "Nothing was changed" in said, said
    assert "Undone" not in said
    assert small_bot.snapshot() == before


async def test_undo_a_room_whose_latest_change_was_undone_never_undoes_an_older_one(
    small_bot: BotUnderTest,
) -> None:
    await small_bot.say("set room 101 at Hotel A to pop")
    await small_bot.say("set room 101 at Hotel A to country")
    await small_bot.say("undo")
    before = small_bot.snapshot()
    reply = await small_bot.say("undo 101")
    assert "already undone" in reply.headline and "Nothing was changed" in reply.headline
    assert small_bot.snapshot() == before


async def test_undo_a_room_skips_a_change_that_left_it_as_it_was(small_bot: BotUnderTest) -> None:
    """A no-op change (already on Pop) is not the room's latest change: the real one is undone."""
    await small_bot.say("set room 101 at Hotel A to pop")
    await small_bot.say("set room 101 at Hotel A to pop")
    reply = await small_bot.say("undo 101")
    assert reply.headline.startswith("Undone"), text_of(reply)
    assert small_bot.station("Hotel A", "101") == ("I_HEART_RADIO", "4242")  # Jazz, as before


# --- 3. a bare room-type word names one room (asked which), never every room of the type ----------


@pytest.mark.parametrize(
    "text",
    [
        "set standard room at Thames to pop",
        "set penthouse at Thames to dance",
        "set treehouse at Pinecrest to gospel",
        "set the penthouse at Thames to dance",
    ],
)
def test_a_bare_or_singular_room_type_word_asks_which_room(trial: WorldReader, text: str) -> None:
    assert trial.read(text) == {"ask": "room"}


def test_the_demo_penthouse_word_alone_never_sets_both_penthouses(demo: WorldReader) -> None:
    outcome = demo.read("set penthouse to jazz")
    assert not _writes(outcome) and "ask" in outcome


@pytest.mark.parametrize(
    "text",
    [
        "set all penthouse rooms at Thames to dance",
        "set room type penthouse at Thames to dance",
        "set penthouse rooms at Thames to dance",
    ],
)
def test_a_room_type_is_the_target_when_the_words_say_so(trial: WorldReader, text: str) -> None:
    assert trial.read(text)["rooms"] == ["Lake_Suite", "PH-East", "PH-West"]


def test_every_standard_room_is_every_room_of_the_type(trial: WorldReader) -> None:
    assert trial.read("set every standard room at Thames to pop")["rooms"] == [
        "12A", "12B", "12C", "14A"
    ]  # fmt: skip


# --- 4. one wake-up call: asked first, saying Alexa clears all alarms of the room ---------------------


def _reply(bot: WorldReader, text: str) -> Reply:
    msg = Message(text=text, user="trial-user", channel=None, platform="console")
    return bot._loop.run_until_complete(bot.engine.handle(msg))


@pytest.mark.parametrize(
    "text",
    ["cancel the wake-up call in 12A at Thames", "cancel the alarm in 12A at Thames"],
)
def test_one_wake_up_call_asks_first_and_says_all_alarms_go(trial: WorldReader, text: str) -> None:
    reply = _reply(trial, text)
    assert reply.kind == ReplyKind.CONFIRM, text_of(reply)
    assert "only clear all alarms of a room, not one" in text_of(reply)
    _reply(trial, "no")


# --- refused or misread: the room named Jazz, possessive room names ------------------------------


@pytest.mark.parametrize(
    ("text", "where"),
    [("set Jazz to classical", ""), ("Jazz at Hanami: classical", f" at {HANAMI}")],
)
def test_a_room_named_like_a_station_then_a_station_asks_about_the_room(
    trial: WorldReader, text: str, where: str
) -> None:
    """Was "one station per request": now "Do you mean room Jazz?", with a yes that says `room`."""
    reply = _reply(trial, text)
    assert reply.kind == ReplyKind.QUESTION, text_of(reply)
    assert reply.headline.startswith(f"Do you mean room Jazz{where} (to Classical)?")
    assert reply.actions[0].value.startswith("set room Jazz to classical")
    assert not _writes(trial.read(text))


def test_clear_alarms_in_the_room_named_jazz_is_that_room(trial: WorldReader) -> None:
    assert trial.read("clear alarms in Jazz at Hanami") == {
        "intent": "clear_alerts", "rooms": ["Jazz"], "property": HANAMI, "kinds": ["alarms"]
    }  # fmt: skip


def test_whats_playing_in_the_room_named_jazz_is_that_room_not_all_eight(
    trial: WorldReader,
) -> None:
    assert trial.read("what's playing in Jazz at Hanami Ryokan")["rooms"] == ["Jazz"]


def test_a_possessive_room_name_is_the_room(trial: WorldReader, demo: WorldReader) -> None:
    assert demo.read("is Edelweiss's echo online?")["rooms"] == ["Edelweiss"]
    assert trial.read("is Sakura's echo online?") == {"ask": "property"}  # at two hotels
    assert trial.read("is Sakura's echo online?", channel_property=HANAMI)["rooms"] == ["Sakura"]


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("set cabins 1-4 at Pinecrest to country", "Cabin-1", "Cabin-4"),
        ("set cabin 1 to 3 at pinecrest to oldies", "Cabin-1", "Cabin-3"),
    ],
)
def test_a_word_and_numbers_that_are_named_rooms_are_those_rooms(
    trial: WorldReader, text: str, first: str, last: str
) -> None:
    """Was "can't find rooms 1, 2, 3", then a needless "Do you mean rooms Cabin-1 to Cabin-4?":
    `cabin 1` is Cabin-1 with its separator folded, so the range is Cabin-1..Cabin-4."""
    read = trial.read(text)
    assert read["rooms"][0] == first and read["rooms"][-1] == last, read
    assert read["property"] == PINECREST


@pytest.mark.parametrize(
    ("text", "room", "prop", "station"),
    [
        ("set PH East at Thames to country", "PH-East", THAMES, "Country"),  # was "PH Easy"
        ("set Kaze & Ame at Hanami to gospel", "Kaze&Ame", HANAMI, "Gospel"),
    ],
)
def test_a_room_name_typed_with_spaces_is_the_room(
    trial: WorldReader, text: str, room: str, prop: str, station: str
) -> None:
    assert trial.read(text) == {
        "intent": "set_station", "rooms": [room], "property": prop, "station": station
    }  # fmt: skip


def _answer(bot: WorldReader, text: str) -> Reply:
    """The real handler's answer to a read (the reader stops reads before their handler)."""
    from bot.core.conversation.engine import Engine

    real = Engine(bot.services)
    msg = Message(text=text, user="trial-reader", channel=None, platform="console")
    return bot._loop.run_until_complete(real.handle(msg))


@pytest.mark.parametrize("place", ["Paris", "Berlin"])
def test_availability_in_a_place_with_no_property_says_so_never_yes_for_another(
    trial: WorldReader, place: str
) -> None:
    """Was "Yes: Jazz is available in US" for Paris, and Berlin ignored in silence."""
    reply = _answer(trial, f"is jazz available in {place}?")
    assert "Yes" not in reply.headline
    assert f"I don't know a property called \u201c{place}\u201d" in reply.headline


def test_availability_in_a_country_or_a_property_town_answers_for_it(trial: WorldReader) -> None:
    assert _answer(trial, "is jazz available in France?").headline.endswith("available in FR.")
    london = _answer(trial, "is jazz available in London?").headline
    assert london.endswith(f"available in {THAMES} (UK).")


def test_several_waiting_questions_alike_are_told_apart_by_the_request_typed(
    demo: WorldReader,
) -> None:
    """Three "delete all alarms of room 311?" asked in turn: each newer one says which it drops,
    quoting the request as typed; `no` then answers the last."""
    said = [
        "clear alarms in 311 at Harbor View Seattle at 6pm",
        "clear alarms tomorrow in 311 at Harbor View Seattle",
        "cancel the 7am wake-up call in 311 at Harbor View Seattle",
    ]
    replies = [_answer(demo, text) for text in said]
    assert all(r.kind == ReplyKind.CONFIRM for r in replies)
    # each newer one drops the older for a typed yes/no, quoting the request as typed
    for earlier, reply in zip(said, replies[1:], strict=False):
        assert any(f"\u201c{earlier}\u201d" in note for note in reply.notes), reply.notes
    reply = _answer(demo, "no")
    assert reply.headline.startswith("Cancelled"), reply.headline


def test_the_index_caches_forget_an_index_when_it_is_gone() -> None:
    """A blind-suite run once answered "all rooms at Maple Lodge" with another world's rooms: caches
    keyed by an index's address must not outlive the index (a new one may get the address)."""
    import gc

    from world_reading import _index_of

    from bot.core.access import resolve
    from bot.core.understanding import lexicon

    world = json.loads(TRIAL.read_text(encoding="utf-8"))
    index = _index_of(world)
    key = id(index)
    lexicon.lexicon_for(index)
    resolve._find_rooms(index, "Cabin-1", None)
    assert index in lexicon._BY_INDEX and any(k[0] == key for k in resolve._FOUND)
    del index
    gc.collect()
    assert len(lexicon._BY_INDEX) == 0 or key not in {id(i) for i in lexicon._BY_INDEX}
    assert not any(k[0] == key for k in resolve._FOUND)
