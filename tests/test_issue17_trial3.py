"""Issue 17, third trial: what a third new user's messages found wrong, each pinned through the
real engine (tests/worlds/trial17c.json: Juniper Creek Lodge, Juniper Bay Inn, Ben Nevis House,
Le Jardin Lyon, rooms named by words, some like stations; and the demo chain)."""

from __future__ import annotations

from pathlib import Path

import pytest
from core_helpers import bot_on
from test_issue17_trial2 import DEMO, HARBOR, LODGE, _answer, _world, _writes
from world_reading import WorldReader

from bot.core.shared.replies import ReplyKind
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World

HERE = Path(__file__).parent
TRIAL_C = HERE / "worlds" / "trial17c.json"
CREEK = "Juniper Creek Lodge"


@pytest.fixture(scope="module")
def creek() -> WorldReader:
    return _world(TRIAL_C)


@pytest.fixture(scope="module")
def demo() -> WorldReader:
    return _world(DEMO)


# --- 1. a station change and a clear in one message: one thing at a time, whatever the words name --


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "set Everest to pop and clear alarms in K2",  # Pop is a room of Le Jardin Lyon
            [("set_station", ["Everest"], "Pop"), ("clear_alerts", ["K2"], None)],
        ),
        (
            "set Monet to jazz and clear alarms in Degas",  # Jazz is a room of Juniper Creek Lodge
            [("set_station", ["Monet"], "Jazz"), ("clear_alerts", ["Degas"], None)],
        ),
        (
            "clear alarms in Monet then set Degas to pop",
            [("clear_alerts", ["Monet"], None), ("set_station", ["Degas"], "Pop")],
        ),
    ],
)
def test_a_station_change_and_a_clear_in_one_message_are_each_done_on_their_own_rooms(
    creek: WorldReader, text: str, parts: list[tuple[str, list[str], str | None]]
) -> None:
    """Each part a whole request alone: a station word after "to" is the station, never a room
    whose alarms are cleared; the clear is of its own rooms only."""
    read = creek.read(text)
    assert read["intent"] == "several", read
    got = [(p["intent"], p["rooms"], p.get("station")) for p in read["parts"]]
    assert got == parts


def test_a_request_with_a_part_not_whole_is_one_thing_at_a_time(creek: WorldReader) -> None:
    text = "clear alarms in Rose and set it to pop"
    assert creek.read(text) == {"intent": "none"}
    reply = _answer(creek, text)
    assert "one thing at a time" in reply.headline, reply.headline
    assert not reply.actions


async def test_a_station_word_before_a_clear_is_never_a_room_whose_alarms_are_cleared(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The trial's wrong action: the pending clear of Everest, Pop, K2 was confirmed later. Now
    Everest is set to Pop and K2's alarms cleared, and a later yes runs nothing."""
    world = World.model_validate_json(TRIAL_C.read_text(encoding="utf-8"))
    async with bot_on(sandbox, world, tmp_path) as bot:
        done = await bot.say("set Everest to pop and clear alarms in K2")
        assert "Everest" in done.headline and "K2" in done.headline, done.headline
        assert "Pop at" not in done.headline, done.headline  # never the room Pop
        after = bot.snapshot()
        await bot.say("yes")
        assert bot.snapshot() == after


def test_a_confirmation_of_rooms_in_several_properties_names_each_property(
    creek: WorldReader,
) -> None:
    reply = _answer(creek, "clear alarms in Everest and Pop")
    assert reply.kind == ReplyKind.CONFIRM, reply.headline
    assert "Everest at Ben Nevis House and Pop at Le Jardin Lyon" in reply.headline, reply.headline


def test_a_room_type_of_another_property_is_offered_there_never_a_look_alike_here(
    demo: WorldReader,
) -> None:
    text = "set the presidential suite to classical"
    assert not _writes(demo.read(text, channel_property=HARBOR))
    reply = _answer(demo, text, channel_property=HARBOR)
    assert f"exists at {LODGE}" in reply.headline, reply.headline
    labels = [a.label for a in reply.actions]
    assert labels == [f"Presidential Suite ({LODGE})"], labels


def test_a_request_asked_with_a_question_mark_asks_for_a_yes(creek: WorldReader) -> None:
    assert creek.read("set Matterhorn to jazz?") == {"ask": "room"}
    reply = _answer(creek, "set Matterhorn to jazz?")
    assert "say yes to do it" in reply.headline, reply.headline
    turns = creek.converse(["set Matterhorn to jazz?", "yes"])
    assert turns[1]["rooms"] == ["Matterhorn"] and turns[1]["station"] == "Jazz"
    assert _writes(creek.read("can you set Matterhorn to jazz?"))  # polite: done


# --- 2. wrong meanings -------------------------------------------------------------------------------


def test_isnt_on_jazz_fix_it_is_a_request_not_a_negation(demo: WorldReader) -> None:
    outcome = demo.read("314 isn't on jazz, fix it", channel_property=HARBOR)
    assert outcome["rooms"] == ["314"] and outcome["station"] == "Jazz", outcome
    assert "won't" not in _answer(demo, "314 isn't on jazz, fix it", HARBOR).headline


def test_a_property_alone_while_a_confirmation_waits_asks_which_room(creek: WorldReader) -> None:
    turns = creek.converse(
        ["set all rooms at Le Jardin Lyon to jazz", "set Le Jardin Lyon to jazz"]
    )
    assert turns[0]["ask"] == "confirm" and len(turns[0]["rooms"]) == 12
    assert turns[1] == {"ask": "room"}


def test_set_everything_at_a_property_confirms_all_its_rooms(creek: WorldReader) -> None:
    outcome = creek.read("set everything at Juniper Creek to jazz")
    assert outcome["ask"] == "confirm" and outcome["property"] == CREEK, outcome
    assert len(outcome["rooms"]) == 14 and outcome["station"] == "Jazz"
    assert creek.read("clear everything in Birch")["kinds"] == ["alarms", "reminders", "timers"]


@pytest.mark.parametrize(
    ("world", "text", "where"),
    [
        ("creek", "is country available at Le Jardin?", "Le Jardin Lyon (FR)"),
        ("demo", "is country available at Rive Gauche?", "Rive Gauche Paris (FR)"),
    ],
)
def test_is_country_available_answers_about_the_station_country(
    creek: WorldReader, demo: WorldReader, world: str, text: str, where: str
) -> None:
    reader = creek if world == "creek" else demo
    reply = _answer(reader, text)
    assert reply.headline == f"Yes: Country is available in {where}.", reply.headline


# --- 3. room names -----------------------------------------------------------------------------------


def test_rooms_named_like_stations_in_a_list_are_asked_about_as_rooms(creek: WorldReader) -> None:
    text = "set Jazz and Country to pop"
    assert creek.read(text) == {"ask": "room"}
    reply = _answer(creek, text)
    assert "rooms Jazz, Country (to Pop)" in reply.headline, reply.headline
    turns = creek.converse([text, "1"])
    assert turns[1]["rooms"] == ["Country", "Jazz"] and turns[1]["station"] == "Pop"
    assert _writes(creek.read("set Aspen and Birch to jazz"))
    assert creek.read("Birch isn't on jazz, set it to jazz")["rooms"] == ["Birch"]
    read = creek.read("set Denali to jazz, Fuji to pop")  # a station after "to": a station
    assert [(p["rooms"], p["station"]) for p in read["parts"]] == [
        (["Denali"], "Jazz"),
        (["Fuji"], "Pop"),
    ]


@pytest.mark.parametrize(
    "text", ["set rooms villa-4 and villa-5 to jazz", "set rooms Edelweiss and Orchid to country"]
)
def test_several_rooms_of_another_property_are_offered_there(demo: WorldReader, text: str) -> None:
    assert not _writes(demo.read(text, channel_property=HARBOR))
    reply = _answer(demo, text, channel_property=HARBOR)
    assert f"exist at {LODGE}" in reply.headline, reply.headline
    assert [a.label for a in reply.actions] == [LODGE]


@pytest.mark.parametrize(
    ("text", "offered"),
    [
        ("set Birhc to jazz", "Birch"),
        ("set Mapel to country", "Maple"),
        ("set Ceder to oldies", "Cedar"),
    ],
)
def test_a_room_name_typo_is_asked_about_with_the_nearest_index_name(
    creek: WorldReader, text: str, offered: str
) -> None:
    assert creek.read(text) == {"ask": "room"}
    reply = _answer(creek, text)
    assert reply.kind == ReplyKind.QUESTION, reply.headline
    assert "can't find room" in reply.headline and "not named" not in reply.headline
    assert reply.actions[0].label == f"{offered} ({CREEK})", [a.label for a in reply.actions]


def test_a_room_that_does_not_exist_is_named_never_read_as_its_number(creek: WorldReader) -> None:
    reply = _answer(creek, "set Cabin 10 to jazz")
    assert "can't find room Cabin 10" in reply.headline, reply.headline
    # another number is another room: named read-only, never a write one keystroke away
    assert not reply.actions, [a.label for a in reply.actions]
    for n in (7, 8, 9):
        assert f"Cabin_{n} ({CREEK})" in reply.headline, reply.headline


def test_a_generic_beginning_of_two_room_names_asks_which(creek: WorldReader) -> None:
    assert creek.read("set Loft to jazz") == {"ask": "room"}
    labels = [a.label for a in _answer(creek, "set Loft to jazz").actions]
    assert labels == [f"Loft-East ({CREEK})", f"Loft-West ({CREEK})"], labels


def test_a_room_named_by_a_generic_word_is_that_room(creek: WorldReader) -> None:
    outcome = creek.read("set Suite to pop")
    assert outcome["rooms"] == ["Suite"] and outcome["property"] == CREEK, outcome


def test_the_reply_quotes_the_users_words_not_the_spelling_correction(creek: WorldReader) -> None:
    reply = _answer(creek, "set the lofts at Juniper Creek to jazz")
    assert "lofts" in reply.headline and "lots" not in reply.headline, reply.headline
    # "lofts": both rooms, as one choice (round 24: never one of the rooms meant together)
    assert [a.label for a in reply.actions] == [f"Loft-East and Loft-West ({CREEK})"]


def test_an_empty_room_type_says_it_has_no_rooms_plainly(creek: WorldReader) -> None:
    reply = _answer(creek, "set Treehouse to jazz")
    assert reply.headline == (
        f"There are no rooms in room type Treehouse at {CREEK}; nothing to change."
    ), reply.headline
    cleared = _answer(creek, "clear alarms in Treehouse")
    assert "Done" not in cleared.headline and "no rooms" in cleared.headline, cleared.headline


# --- 4. lesser ---------------------------------------------------------------------------------------


def test_help_names_the_users_own_hotels_not_the_demos(
    creek: WorldReader, demo: WorldReader
) -> None:
    reply = _answer(creek, "help stations")
    assert reply.table is not None
    said = " ".join(" ".join(row) for row in reply.table.rows) + " ".join(reply.notes)
    for demo_name in ("Harbor View", "Lakeside", "Alpine Lodge", "villa-3", "Deluxe King"):
        assert demo_name not in said, demo_name
    assert "Juniper Creek Lodge" in said
    in_demo = _answer(demo, "help stations")
    assert in_demo.table is not None and "villa-3" in in_demo.table.rows[0][1]


def test_a_question_in_between_leaves_the_which_room_question_waiting(creek: WorldReader) -> None:
    turns = creek.converse(["put jazz on", "is Monet's echo online?", "Monet"])
    assert turns[0] == {"ask": "room"}
    assert turns[1]["intent"] == "echo_online"  # answered on its own, never taken as the answer
    assert turns[2]["rooms"] == ["Monet"] and turns[2]["station"] == "Jazz", turns[2]
    replaced = creek.converse(["put jazz on", "set Birch to pop", "Monet"])
    assert replaced[2] == {"intent": "none"}  # a new request replaces the question


def test_a_room_elsewhere_in_a_list_is_never_offered_alone_dropping_the_others(
    demo: WorldReader,
) -> None:
    for text in ("set rooms 204 and villa-5 to jazz", "set rooms 204, villa-4 and villa-5 to jazz"):
        reply = _answer(demo, text, channel_property=HARBOR)
        assert reply.kind == ReplyKind.ERROR and not reply.actions, (text, reply.headline)
