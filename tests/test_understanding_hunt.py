"""Wrong actions found by reading the understanding package adversarially (two bug hunts, 7 Dec 2026),
in a small inn whose rooms are numbered 1 to 39 (so an hour or a count is a room that exists) and has
rooms named with words: none of these messages may change a room it does not name."""

from __future__ import annotations

import pytest
from lexicon_support import demo_lexicon_with_rooms

from bot.core.shared import commands as c
from bot.core.understanding.lexicon import Lexicon
from bot.core.understanding.pipeline import parse


def _inn() -> Lexicon:
    rooms = [str(n) for n in range(1, 40)] + ["118", "204", "311", "Garden", "Library"]
    return demo_lexicon_with_rooms(*rooms)


INN = _inn()


def _asked_for(text: str) -> c.Command:
    result = parse(text, INN)
    assert result.ask is not None and result.ask.partial is not None, result
    return result.ask.partial


def _read(text: str) -> c.Command:
    result = parse(text, INN)
    assert result.parsed is not None, result
    return result.parsed.command


@pytest.mark.parametrize(
    ("text", "room"),
    [("set 204 to jazz at 7", "204"), ("set 204 to jazz by 9", "204"),
     ("at 10 set 204 to jazz", "204"), ("set 204 to jazz from 9 to 11", "204"),
     ("set 3 to jazz at 20 to 7", "3"), ("set 204 to jazz at half past 7", "204"),
     ("set 204 to jazz at quarter to 8", "204"), ("set 311 to jazz at 1700", "311"),
     ("set 204 to jazz at 8.00", "204"), ("set 204 to jazz @ 5", "204"),
     ("set 204 to jazz around 8", "204"), ("set 12 to jazz from 7 till 9", "12"),
     ("guest arriving at 3, set 311 to jazz", "311"), ("set garden to jazz at 7", "Garden")],
)  # fmt: skip
def test_an_hour_after_a_word_of_time_is_asked_about_never_a_room(text: str, room: str) -> None:
    """ "set 204 to jazz at 7" set rooms 204 and 7 (room 7 exists here); now the change is asked
    first (it would apply now), for the room named alone."""
    command = _asked_for(text)
    assert isinstance(command, c.SetStation) and command.target.rooms == (room,)


@pytest.mark.parametrize(
    ("text", "target"),
    [("set the penthouse to jazz at 7", c.Target(room_type="Penthouse", one=True)),
     ("set all rooms to jazz at 8", c.Target(all_rooms=True))],
)  # fmt: skip
def test_an_hour_never_replaces_a_room_type_or_all_rooms(text: str, target: c.Target) -> None:
    command = _asked_for(text)
    assert isinstance(command, c.SetStation) and command.target == target


@pytest.mark.parametrize(
    ("text", "room"),
    [("clear alarms in 204 at 7", "204"), ("118 checked out at 11, clear alarms", "118")],
)
def test_an_hour_with_a_clearing_is_asked_about_for_the_room_alone(text: str, room: str) -> None:
    command = _asked_for(text)
    assert isinstance(command, c.ClearAlerts) and command.target.rooms == (room,)


def test_a_station_without_a_room_but_with_a_time_says_the_change_is_made_now() -> None:
    result = parse("set jazz tomorrow", INN)
    assert result.ask is not None and result.ask.missing == "target"
    assert result.ask.question == (
        "I can't schedule a change for \u201ctomorrow\u201d: changes apply as soon as they are"
        " made. Which room should I change now? Nothing was changed yet."
    )


@pytest.mark.parametrize(
    ("text", "excluded"),
    [("set all rooms but 204 to jazz", ("204",)), ("set all rooms to jazz but 204", ("204",)),
     ("set the whole hotel but 204 to jazz", ("204",)),
     ("set everything but 204 to jazz", ("204",)),
     ("set all rooms but Garden to jazz", ("Garden",))],
)  # fmt: skip
def test_all_rooms_but_one_leaves_that_one_out(text: str, excluded: tuple[str, ...]) -> None:
    """ "set all rooms but 204 to jazz" set room 204 alone, the one room left out."""
    command = _read(text)
    assert isinstance(command, c.SetStation)
    assert command.target.all_rooms and command.target.excluded == excluded
    assert command.target.rooms == ()


def test_a_range_but_one_leaves_that_one_out() -> None:
    command = _read("clear alarms in 201-210 but 205")
    assert isinstance(command, c.ClearAlerts) and "205" not in command.target.rooms
    assert command.target.rooms[0] == "201" and command.target.rooms[-1] == "210"


def test_a_room_type_but_one_leaves_that_one_out() -> None:
    command = _read("set the junior suites but 204 to jazz")
    assert isinstance(command, c.SetStation)
    assert command.target.room_type == "Junior Suite" and command.target.excluded == ("204",)


@pytest.mark.parametrize(
    "text", ["set 204 to jazz but 205 to pop", "set 418-420 to pop but 420 stays"]
)
def test_but_elsewhere_still_joins_two_parts(text: str) -> None:
    command = _read(text)
    assert not (isinstance(command, c.SetStation) and command.target.all_rooms)


@pytest.mark.parametrize(
    "text", ["cancel jazz in 204", "remove the jazz station from 204", "delete jazz in 204",
             "clear the jazz in 204", "204 wants jazz removed", "jazz gone from 204",
             "no more jazz in 204", "the guest in 204 said no jazz after 10",
             "204 no jazz tonight"]
)  # fmt: skip
def test_a_station_taken_away_is_never_put_on(text: str) -> None:
    """ "cancel jazz in 204" set 204 to jazz, the opposite of what was asked."""
    assert _read(text) == c.NotDone("switch_off", understood="switch off the music in room 204")


@pytest.mark.parametrize(
    ("text", "room"),
    [("who set 204 to jazz", "204"), ("who put jazz in 204", "204"),
     ("who changed the garden", "garden"), ("who set the garden to jazz?", "garden"),
     ("who cleared the alarms in 118", "118")],
)  # fmt: skip
def test_who_did_it_is_a_question_never_a_change(text: str, room: str) -> None:
    command = _read(text)
    assert type(command).__name__ == "WhoChanged"
    assert getattr(command, "room", None) == room


@pytest.mark.parametrize(
    "text", ["if the guest asks, set 204 to jazz", "should we clear 118's alarms",
             "I set 204 to jazz at 7", "204 was set to jazz", "we will set 12 to jazz",
             "fyi 204 is on jazz"]
)  # fmt: skip
def test_a_condition_a_question_or_a_report_changes_nothing(text: str) -> None:
    assert _read(text) == c.SmallTalk(kind="negation")


@pytest.mark.parametrize(
    "text", ["set 204, no 205, to jazz", "set 204 no 205 to jazz", "204 jazz, 205 no"]
)
def test_a_room_taken_back_in_the_message_is_refused(text: str) -> None:
    command = _read(text)
    assert isinstance(command, c.NotDone) and command.reason == "corrected_inside"


def test_room_no_is_a_number_not_a_correction() -> None:
    command = _read("set room no 204 to jazz")
    assert command == c.SetStation(target=c.Target(rooms=("204",)), station="jazz")


@pytest.mark.parametrize(
    "text", ["clear 2 alarms in 3", "clear the 2 alarms in 3", "remove 2 alarms from 3"]
)
def test_a_count_of_alarms_is_no_room(text: str) -> None:
    command = _read(text)
    assert isinstance(command, c.ClearAlerts) and command.target.rooms == ("3",)


@pytest.mark.parametrize("text", ["jazz in 3, 2 guests", "the 2 guests in 3 want jazz"])
def test_a_count_of_guests_is_no_room(text: str) -> None:
    assert _read(text) == c.SetStation(target=c.Target(rooms=("3",)), station="jazz")


@pytest.mark.parametrize("text", ["set 7 to jazz", "set jazz in 7", "set room 7 to jazz"])
def test_a_room_named_by_a_small_number_is_still_found(text: str) -> None:
    assert _read(text) == c.SetStation(target=c.Target(rooms=("7",)), station="jazz")


@pytest.mark.parametrize(
    "text", ["set 311 to jazz 17:00", "set 204 to jazz for 2hrs", "set 204 to jazz for 1h", "set 3 to jazz in 1hr",
             "set 3 to jazz in 2 days", "set 204 to jazz before checkout",
             "set 311 to jazz when the guest arrives", "on arrival 204 jazz",
             "set 3 to jazz for the stay", "after checkout clear alarms in 204"]
)  # fmt: skip
def test_a_time_said_any_other_way_is_asked_about_first(text: str) -> None:
    """A clock time without "at", "for 2hrs", a moment of the stay: each was
    dropped and the change made at once."""
    assert parse(text, INN).ask is not None


def test_not_now_is_no_request() -> None:
    assert _read("set 204 to jazz not now") == c.SmallTalk(kind="negation")


def test_guests_arriving_later_still_get_their_music_now() -> None:
    """ "guests arriving tonight, put jazz on": when they come, not when to change (asked of the
    desk to prepare the room)."""
    assert _read("guests arriving tonight, put jazz on in 204") == c.SetStation(
        target=c.Target(rooms=("204",)), station="jazz"
    )


@pytest.mark.parametrize(
    "text", ["good morning! could you set 204 to jazz", "morning, set 204 to jazz please",
             "set 204 to jazz if it's not too much trouble",
             "if it's not too much trouble, set 204 to jazz",
             "could you please set 204 to jazz, thank you so much!",
             "set 204 to jazz if you get a chance"]
)  # fmt: skip
def test_greetings_and_politeness_around_a_request_are_passed_over(text: str) -> None:
    """Round 28: refused for "good", "morning", "much", "trouble"; "if it's not too much trouble"
    is politeness, not a condition ("if the guest asks, ..." is one)."""
    assert _read(text) == c.SetStation(target=c.Target(rooms=("204",)), station="jazz")
