"""Issue 17 "Why": each wrong action and refusal measured on the old main, through the real engine.

The world is the demo chain, which has a lodge whose rooms are named, not numbered (Alpine Lodge
Aspen: villa-1..6, Orchid, Lotus, Edelweiss, Garden_Loft, PH#1, PH#2, Tower-East-4, Tower-West-4).
`WorldReader` runs the real understanding, questions, resolution and the handlers' decisions, and
records what a change would write instead of sending it to Amazon.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from world_reading import WorldReader

DEMO = Path(__file__).parent.parent / "bot" / "sandbox" / "worlds" / "demo.json"
LODGE = "Alpine Lodge Aspen"
SEATTLE = "Harbor View Seattle"


@pytest.fixture(scope="module")
def bot() -> WorldReader:
    world: dict[str, Any] = json.loads(DEMO.read_text(encoding="utf-8"))
    return WorldReader(world)


def _writes(outcome: dict[str, Any]) -> bool:
    return "intent" in outcome and "rooms" in outcome and outcome.get("ask") is None


# --- 1. rooms are found by their names ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "room"),
    [
        ("set room Orchid station jazz", "Orchid"),
        ("jazz in PH#2", "PH#2"),
        ("set villa 3 to jazz", "villa-3"),
        ("set VILLA-3 to jazz", "villa-3"),
        ("garden loft -> jazz", "Garden_Loft"),
        ("ph#2 jazz please", "PH#2"),
        ("put jazz on in Tower-East-4", "Tower-East-4"),
    ],
)
def test_a_room_named_by_a_word_or_compound_is_found_by_its_name(
    bot: WorldReader, text: str, room: str
) -> None:
    assert bot.read(text) == {
        "intent": "set_station",
        "rooms": [room],
        "property": LODGE,
        "station": "Jazz",
    }


def test_an_abbreviation_of_rooms_in_two_hotels_asks_which(bot: WorldReader) -> None:
    """`ph2` is PH-2 at Harbor View Seattle and PH#2 at the lodge: asked, never guessed."""
    assert bot.read("ph2 jazz please") == {"ask": "property"}
    assert bot.read("ph2 jazz please", channel_property=LODGE)["rooms"] == ["PH#2"]


def test_a_room_name_the_index_lacks_is_one_name_never_a_number(bot: WorldReader) -> None:
    """`jazz in PH#9` was "I can't find room 9": now it is room PH#9, not found, nothing changed."""
    outcome = bot.read("jazz in PH#9")
    assert not _writes(outcome)


# --- 2. wrong actions ---------------------------------------------------------------------------


def test_one_room_named_by_a_word_at_a_property_is_that_room_not_the_property(
    bot: WorldReader,
) -> None:
    assert bot.read(f"set Orchid at {LODGE} to classic rock") == {
        "intent": "set_station",
        "rooms": ["Orchid"],
        "property": LODGE,
        "station": "Classic Rock",
    }


def test_cancelling_the_wake_up_calls_of_one_room_clears_that_room_only(bot: WorldReader) -> None:
    first, second = bot.converse([f"cancel the wake-up calls in villa-3 at {LODGE}", "yes"])
    for outcome in (first, second):
        if "rooms" in outcome:
            assert outcome["rooms"] == ["villa-3"]
    assert second.get("rooms", ["villa-3"]) == ["villa-3"]
    assert first.get("kinds", ["alarms"]) == ["alarms"]


def test_the_presidential_suite_is_one_room_so_the_bot_asks_which(bot: WorldReader) -> None:
    assert bot.read("set the presidential suite to jazz") == {"ask": "room"}


def test_the_penthouse_is_one_room_so_the_bot_asks_which(bot: WorldReader) -> None:
    outcome = bot.read("set the penthouse to classical", channel_property=SEATTLE)
    assert outcome == {"ask": "room"}


def test_every_room_of_a_list_of_named_rooms_is_changed(bot: WorldReader) -> None:
    assert bot.read("set rooms villa-4 and villa-5 to jazz")["rooms"] == ["villa-4", "villa-5"]


def test_two_rooms_named_by_words_are_rooms_not_a_room_type(bot: WorldReader) -> None:
    outcome = bot.read("set rooms Orchid and Lotus to country")
    assert outcome == {
        "intent": "set_station",
        "rooms": ["Lotus", "Orchid"],
        "property": LODGE,
        "station": "Country",
    }


def test_snoozing_an_alarm_changes_nothing(bot: WorldReader) -> None:
    assert bot.read("snooze the alarm in 305", channel_property=SEATTLE) == {"intent": "none"}


def test_setting_an_alarm_changes_nothing_even_after_yes(bot: WorldReader) -> None:
    turns = bot.converse(["set an alarm for 7am in 306", "yes"], channel_property=SEATTLE)
    assert not any(_writes(t) or t.get("ask") == "confirm" for t in turns)


@pytest.mark.parametrize(
    "text",
    ["clear the alarm in 307 but keep reminders", "clear everything except reminders in 307"],
)
def test_keeping_reminders_clears_only_the_other_kinds(bot: WorldReader, text: str) -> None:
    turns = bot.converse([text, "yes"], channel_property=SEATTLE)
    for outcome in turns:
        assert "reminders" not in outcome.get("kinds", [])
        assert outcome.get("rooms", ["307"]) == ["307"]
    cleared = [t["kinds"] for t in turns if "kinds" in t]
    assert cleared and cleared[0] in (["alarms"], ["alarms", "timers"])


def test_a_short_range_end_takes_the_start_digits(bot: WorldReader) -> None:
    assert bot.read("set 204-6 to jazz", channel_property=SEATTLE)["rooms"] == ["204", "205", "206"]


def test_a_backwards_range_changes_nothing(bot: WorldReader) -> None:
    assert bot.read("set 210-201 to jazz", channel_property=SEATTLE) == {"intent": "none"}


def test_a_question_is_never_taken_as_the_answer_to_which_room(bot: WorldReader) -> None:
    asked, question = bot.converse(
        ["put jazz on", "is 310's echo online?"], channel_property=SEATTLE
    )
    assert asked == {"ask": "room"}
    assert question.get("intent") != "set_station"


def test_actually_make_it_classical_changes_the_waiting_confirmation(bot: WorldReader) -> None:
    turns = bot.converse(
        ["set 501-512 to jazz", "actually make it classical", "yes"], channel_property=SEATTLE
    )
    assert turns[0]["ask"] == "confirm" and turns[0]["station"] == "Jazz"
    assert turns[-1].get("station") != "Jazz"
    if _writes(turns[-1]):
        assert turns[-1]["station"] == "Classical"


@pytest.mark.parametrize("text", ["set 204 everywhere to jazz", "set 204 to jazz at all hotels"])
def test_chain_scope_is_never_narrowed_to_one_hotel(bot: WorldReader, text: str) -> None:
    outcome = bot.read(text)
    assert not _writes(outcome)
    if outcome.get("ask") == "confirm":
        assert len(outcome["rooms"]) > 1


def test_a_time_is_not_dropped(bot: WorldReader) -> None:
    outcome = bot.read("set 211 to pop at 6pm", channel_property=SEATTLE)
    assert not _writes(outcome)
    assert "ask" in outcome


# --- 3. reasonable requests with context are done -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("guest in 305 checked out, clear alarms", ["alarms"]),
        ("305 already left, please clear the alarms", ["alarms"]),
        ("clear the alarms in 305 asap", ["alarms"]),
    ],
)
def test_context_words_do_not_stop_a_request(bot: WorldReader, text: str, kinds: list[str]) -> None:
    outcome = bot.read(text, channel_property=SEATTLE)
    assert outcome == {
        "intent": "clear_alerts",
        "rooms": ["305"],
        "property": SEATTLE,
        "kinds": kinds,
    }


@pytest.mark.parametrize(
    "text",
    [
        "guest arriving tonight in 305, set it to jazz",
        "305 isn't on jazz, please set it to jazz",
        "please set 305 to jazz asap",
    ],
)
def test_context_words_around_a_station_change(bot: WorldReader, text: str) -> None:
    assert bot.read(text, channel_property=SEATTLE) == {
        "intent": "set_station",
        "rooms": ["305"],
        "property": SEATTLE,
        "station": "Jazz",
    }


def test_a_word_not_understood_stops_a_write(bot: WorldReader) -> None:
    assert bot.read("set 305 to jazz and frobnicate", channel_property=SEATTLE) == {
        "intent": "none"
    }


def test_negation_that_governs_the_verb_changes_nothing(bot: WorldReader) -> None:
    assert bot.read("don't set 210 to jazz", channel_property=SEATTLE) == {"intent": "none"}
