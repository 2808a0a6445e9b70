"""Every wrong action and refused request of issue 17's "Why", in a fixed world with its names.

Each test runs the request(s) through WorldReader (tests/world_reading.py) in WHY_SPEC's world and judges the
outcome with the any-hotel checker: a write (or a proposal for a yes) must name exactly the expected target;
where the issue says what is right, the test also asks for RIGHT (not merely a safe question).
"""

from __future__ import annotations

from typing import Any

import pytest
from any_hotel.cases import Case, Command, Expected, Turn
from any_hotel.checks import Judgement, assert_case, is_write, make_reader
from any_hotel.why_world import (
    BAYVIEW,
    CLIFFSIDE,
    HARBORSIDE,
    KENSINGTON,
    STATION_ROOMS_SPEC,
    WHY_SPEC,
)
from any_hotel.worlds import world_from_spec

pytest.importorskip("world_reading")

ALL_KINDS = ("alarms", "reminders", "timers")


def _set(property_name: str, rooms: tuple[str, ...], station: str) -> Command:
    return Command("set_station", property_name, rooms, station)


def _clear(property_name: str, rooms: tuple[str, ...], kinds: tuple[str, ...]) -> Command:
    return Command("clear_alerts", property_name, rooms, kinds=kinds)


def _run(turns: list[tuple[str, Expected]], channel: str | None = None) -> list[Judgement]:
    case = Case(tuple(Turn(text, expected) for text, expected in turns), channel, label="why")
    return assert_case(WHY_SPEC, case)


def _outcomes(texts: list[str], channel: str | None = None) -> list[dict[str, Any]]:
    reader = make_reader(world_from_spec(WHY_SPEC))
    if len(texts) == 1:
        return [reader.read(texts[0], channel_property=channel)]
    return reader.converse(texts, channel_property=channel)


def _assert_right(text: str, command: Command, channel: str | None = None) -> None:
    judgements = _run([(text, Expected(command, must_act=True))], channel)
    assert judgements[0].verdict == "right", f"{text!r}: {judgements[0].reason}"


# --- 1. rooms are found by their names ---------------------------------------------------------------


def test_a_room_named_by_a_word_is_found_by_its_name() -> None:
    _assert_right("set room Orchid station jazz", _set(BAYVIEW, ("Orchid",), "Jazz"))


def test_a_hash_room_is_one_room_never_room_9() -> None:
    _assert_right("jazz in PH#9", _set(KENSINGTON, ("PH#9",), "Jazz"))


def test_a_space_typed_for_a_hyphen_finds_the_villa() -> None:
    _assert_right("set villa 3 to jazz", _set(CLIFFSIDE, ("villa-3",), "Jazz"))


def test_an_underscore_name_typed_with_a_space_in_lower_case_finds_the_room() -> None:
    _assert_right("set loft edelweiss to jazz", _set(BAYVIEW, ("Loft_Edelweiss",), "Jazz"))


def test_the_staff_abbreviation_ph2_never_names_another_room() -> None:
    """`ph2` for `PH#2` (issue item 1): right is PH#2; a question is safe; any other room is wrong."""
    _run([("jazz in ph2", Expected(_set(HARBORSIDE, ("PH#2",), "Jazz")))], HARBORSIDE)


@pytest.mark.parametrize(
    ("text", "command"),
    [
        (
            "set room Jazz at Kensington Lofts London station country",
            _set(KENSINGTON, ("Jazz",), "Country"),
        ),
        ("set room Country station jazz", _set(KENSINGTON, ("Country",), "Jazz")),
        ("set 205 to jazz", _set(HARBORSIDE, ("205",), "Jazz")),
    ],
)
def test_a_room_named_like_a_station_is_a_room_only_where_the_words_say_room(
    text: str, command: Command
) -> None:
    """A word that is a room and a station: the room where the words say "room", else the station."""
    case = Case((Turn(text, Expected(command)),), label="station_room")
    assert_case(STATION_ROOMS_SPEC, case)


# --- 2. wrong actions ----------------------------------------------------------------------------------


def test_one_word_room_at_a_property_sets_that_room_not_all_ten() -> None:
    _assert_right(
        "set Orchid at Bayview Inn to classic rock", _set(BAYVIEW, ("Orchid",), "Classic Rock")
    )


def test_cancelling_wake_up_calls_in_one_villa_then_yes_clears_only_that_villa() -> None:
    command = _clear(CLIFFSIDE, ("villa-3",), ("alarms",))
    judgements = _run(
        [
            (
                "cancel the wake-up calls in villa-3 at Cliffside Resort",
                Expected(command, must_act=True),
            ),
            ("yes", Expected(command)),
        ]
    )
    assert judgements[0].verdict == "right", judgements[0].reason


def test_the_presidential_suite_is_one_room_never_its_whole_room_type() -> None:
    _run(
        [
            (
                "set the presidential suite to jazz",
                Expected(_set(CLIFFSIDE, ("Presidential",), "Jazz")),
            )
        ],
        CLIFFSIDE,
    )


def test_two_villas_in_a_list_are_both_set_none_dropped() -> None:
    _assert_right(
        "set rooms villa-4 and villa-5 to jazz", _set(CLIFFSIDE, ("villa-4", "villa-5"), "Jazz")
    )


def test_a_room_type_named_in_full_never_matches_another_type_sharing_the_word_type() -> None:
    rooms = tuple(WHY_SPEC[BAYVIEW][1]["Suite Type A"])
    _assert_right("set room type Suite Type A station jazz", _set(BAYVIEW, rooms, "Jazz"))


def test_two_rooms_named_by_words_are_not_taken_for_the_room_type_garden_room() -> None:
    _assert_right(
        "set rooms Orchid and Magnolia to country", _set(BAYVIEW, ("Magnolia", "Orchid"), "Country")
    )


def test_snoozing_an_alarm_changes_nothing_and_arms_nothing() -> None:
    _run([("snooze the alarm in 305", Expected(None)), ("yes", Expected(None))], HARBORSIDE)


def test_setting_an_alarm_changes_nothing_and_arms_nothing() -> None:
    _run([("set an alarm for 7am in 306", Expected(None)), ("yes", Expected(None))], HARBORSIDE)


@pytest.mark.parametrize(
    ("text", "room", "kinds"),
    [
        ("clear the alarm in 307 but keep reminders", "307", ("alarms",)),
        ("clear everything except reminders in 308", "308", ("alarms", "timers")),
    ],
)
def test_keeping_reminders_clears_only_the_other_kinds(
    text: str, room: str, kinds: tuple[str, ...]
) -> None:
    command = _clear(HARBORSIDE, (room,), kinds)
    judgements = _run(
        [(text, Expected(command, must_act=True)), ("yes", Expected(command))], HARBORSIDE
    )
    assert judgements[0].verdict == "right", judgements[0].reason


def test_a_short_range_counts_up_from_its_first_room_never_backwards() -> None:
    command = _set(HARBORSIDE, ("204", "205", "206"), "Jazz")
    _run([("set 204-6 to jazz", Expected(command)), ("yes", Expected(command))], HARBORSIDE)


def test_a_question_while_a_room_is_asked_is_not_taken_as_the_answer() -> None:
    _run(
        [
            ("put jazz on", Expected(None)),
            ("is 310's echo online?", Expected(None)),
            ("yes", Expected(None)),
        ],
        HARBORSIDE,
    )


@pytest.mark.parametrize("change", ["actually make it classical", "no wait classical"])
def test_changing_the_station_while_a_bulk_change_waits_never_applies_the_old_one(
    change: str,
) -> None:
    rooms = tuple(sorted(r for names in WHY_SPEC[CLIFFSIDE][1].values() for r in names))
    jazz = _set(CLIFFSIDE, rooms, "Jazz")
    classical = _set(CLIFFSIDE, rooms, "Classical")
    judgements = _run(
        [
            ("set all rooms at Cliffside Resort to jazz", Expected(jazz, must_act=True)),
            (change, Expected(classical)),
            ("yes", Expected(classical)),
        ]
    )
    assert judgements[0].verdict == "right", judgements[0].reason


@pytest.mark.parametrize("text", ["set 204 everywhere to jazz", "set 204 at all hotels to jazz"])
def test_scope_words_are_confirmed_over_every_hotel_or_refused_never_narrowed(text: str) -> None:
    every = ((HARBORSIDE, "204"), (KENSINGTON, "204"))
    command = Command("set_station", None, ("204",), "Jazz")
    _run(
        [
            (text, Expected(command, confirm_first=True, every=every)),
            ("yes", Expected(command, every=every)),
        ]
    )


def test_a_time_in_the_request_is_asked_about_never_dropped() -> None:
    command = _set(HARBORSIDE, ("211",), "Pop")
    _run([("set 211 to pop at 6pm", Expected(command, confirm_first=True))], HARBORSIDE)


def test_the_penthouse_with_two_penthouses_asks_which() -> None:
    _run([("set the penthouse to classical", Expected(None))])


@pytest.mark.parametrize("choice", ["1", "2", "3"])
def test_a_number_after_i_did_not_understand_is_never_a_write(choice: str) -> None:
    """Suggestions after "I didn't understand" are read-only: typing their number changes nothing."""
    _run(
        [
            ("set 204 to jazz", Expected(_set(HARBORSIDE, ("204",), "Jazz"), must_act=True)),
            ("flibber the wotsit", Expected(None)),
            (choice, Expected(None)),
        ],
        HARBORSIDE,
    )


def test_a_negation_governing_the_verb_changes_nothing() -> None:
    _run([("don't set 210 to jazz", Expected(None))], HARBORSIDE)


# --- 3. reasonable requests refused ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("guest in 305 checked out, clear alarms", _clear(HARBORSIDE, ("305",), ("alarms",))),
        ("guest in 309 already left, clear everything", _clear(HARBORSIDE, ("309",), ALL_KINDS)),
        ("guest arriving tonight in 306, put jazz on", _set(HARBORSIDE, ("306",), "Jazz")),
        ("306 still isn't on jazz, set 306 to jazz asap", _set(HARBORSIDE, ("306",), "Jazz")),
        ("please set 307 to classical asap", _set(HARBORSIDE, ("307",), "Classical")),
    ],
)
def test_context_words_do_not_block_a_request(text: str, command: Command) -> None:
    _assert_right(text, command, HARBORSIDE)


@pytest.mark.parametrize("text", ["undo 204", "change 204 back", "wrong room, undo", "cancel that"])
def test_undo_phrasings_undo_the_last_change_to_that_room(text: str) -> None:
    _run(
        [("set 204 to jazz", Expected(_set(HARBORSIDE, ("204",), "Jazz"), must_act=True))],
        HARBORSIDE,
    )
    outcomes = _outcomes(["set 204 to jazz", text], HARBORSIDE)
    assert outcomes[1].get("intent") == "undo", f"{text!r} -> {outcomes[1]!r}"
    assert outcomes[1].get("rooms") in (None, ["204"]), outcomes[1]
    assert outcomes[1].get("property") in (None, HARBORSIDE), outcomes[1]


@pytest.mark.parametrize("word", ["sure", "ya", "yep go ahead 👍", "👍"])
def test_yes_words_run_the_waiting_clear(word: str) -> None:
    command = _clear(HARBORSIDE, ("305",), ("reminders",))
    judgements = _run(
        [
            ("clear reminders in 305", Expected(command, must_act=True)),
            (word, Expected(command, must_act=True)),
        ],
        HARBORSIDE,
    )
    assert [j.verdict for j in judgements] == ["right", "right"], judgements


@pytest.mark.parametrize("word", ["nah", "no", "nope"])
def test_no_words_decline_the_waiting_clear(word: str) -> None:
    command = _clear(HARBORSIDE, ("305",), ("reminders",))
    _run(
        [("clear reminders in 305", Expected(command, must_act=True)), (word, Expected(None))],
        HARBORSIDE,
    )


def test_asking_about_the_catalog_is_answered_read_only() -> None:
    """`is jazz available in London?` answers about the catalog (any read intent); it never sets a room."""
    outcome = _outcomes(["is jazz available in London?"])[0]
    assert not is_write(outcome.get("intent")), outcome
    assert outcome.get("ask") != "confirm", outcome
