"""Phrasings read by the understanding package (bot/core/understanding) against the demo world's
lexicon, without a bot or a sandbox: the ones mutation testing (scripts/mutation.py, a sample of the
package's mutants) found no other fast test telling apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from lexicon_support import demo_lexicon

from bot.core.shared import commands as c
from bot.core.understanding.followup import TTL, Question, Questions
from bot.core.understanding.pipeline import parse

LEXICON = demo_lexicon()


@pytest.mark.parametrize("text", ["where 204", "204 where", "where is 204 at London"])
def test_where_with_one_room_finds_that_room(text: str) -> None:
    result = parse(text, LEXICON)
    assert result.parsed is not None and result.parsed.command == c.FindRoom(room="204")


# --- answers to a question (followup.py) ----------------------------------------------------------

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
THREE = [("Lakeside Chicago", "set 204 at Lakeside Chicago to jazz"),
         ("Lakeview Boston", "set 204 at Lakeview Boston to jazz"),
         ("Harbor Hotel", "set 204 at Harbor Hotel to jazz")]  # fmt: skip
EIGHT = [(f"Hotel {n}", f"run {n}") for n in range(1, 9)]


def _question(choices: list[tuple[str, str]]) -> Question:
    return Question(expires=NOW, choices=choices)


@pytest.mark.parametrize(
    "answer",
    ["yes", "y", "yep", "yeah", "sure", "ok", "okay", "that one", "correct", "\U0001f44d", "\u2705",
     "\U0001f44c", "yes.", "Yes!", "sure go ahead", "yup", "ya", "go ahead", "affirmative", "oui",
     "please do", "yep go ahead \U0001f44d", "ok pls", "yes thanks", "yes correct", "yes right",
     "ok proceed", "yes absolutely", "yes definitely", "yes for it", "go", "please"],
)  # fmt: skip
def test_a_yes_picks_the_only_choice(answer: str) -> None:
    assert _question([("Lakeside Chicago", "run it")]).choice_for(answer) == "run it"


@pytest.mark.parametrize(
    "answer", ["yes", "ok", "\U0001f44d", "sure go ahead", "no", "it", "do it"]
)
def test_a_yes_or_a_short_word_picks_none_of_several(answer: str) -> None:
    assert _question(THREE).choice_for(answer) is None


def test_do_it_alone_is_no_yes() -> None:
    """The words of a yes need one that says yes ("go", "sure"...): "do it" alone is not."""
    assert _question([("Harbor Hotel", "run it")]).choice_for("do it thanks") is None


@pytest.mark.parametrize(
    ("answer", "picked"),
    [("1", 0), ("2", 1), ("3", 2), ("first", 0), ("the second one", 1), ("third", 2), ("last", 2),
     ("the last", 2), ("1st", 0), ("2nd", 1), ("3rd", 2), ("number 2", 1), ("no 2", 1),
     ("option 3", 2), ("choice 1", 0), ("# 2", 1), ("2 please", 1), ("second option", 1),
     ("third choice", 2), ("2 pls", 1), ("lakes", 0),
     ("lakeside chi", 0), ("harbor", 2), ("the harbor hotel", 2), ("harbor please", 2),
     ("Lakeview Boston.", 1), ("set 204 at Harbor Hotel to jazz", 2)],
)  # fmt: skip
def test_an_answer_picks_a_choice_by_number_ordinal_or_words(answer: str, picked: int) -> None:
    assert _question(THREE).choice_for(answer) == THREE[picked][1]


@pytest.mark.parametrize(
    ("answer", "picked"),
    [("fourth", 3), ("fifth", 4), ("sixth", 5), ("seventh", 6), ("eighth", 7), ("4th", 3),
     ("5th", 4), ("6th", 5), ("7th", 6), ("8th", 7), ("8", 7), ("last", 7)],
)  # fmt: skip
def test_every_ordinal_up_to_eight(answer: str, picked: int) -> None:
    assert _question(EIGHT).choice_for(answer) == EIGHT[picked][1]


@pytest.mark.parametrize(
    ("answer", "picked"),
    [("one", 0), ("two", 1), ("three", 2), ("option two", 1), ("number three", 2),
     ("choice one", 0), ("two please", 1), ("no two", 1)],
)  # fmt: skip
def test_a_number_word_picks_the_choice_at_that_position(answer: str, picked: int) -> None:
    assert _question(THREE).choice_for(answer) == THREE[picked][1]


@pytest.mark.parametrize(
    ("answer", "picked"), [("four", 3), ("five", 4), ("six", 5), ("seven", 6), ("eight", 7)]
)
def test_every_number_word_up_to_eight(answer: str, picked: int) -> None:
    lettered = [(f"Hotel {letter}", f"run {letter}") for letter in "abcdefgh"]
    assert _question(lettered).choice_for(answer) == lettered[picked][1]
    assert _question(EIGHT).choice_for(answer) is None  # "Hotel 4", or the fourth? not a guess


def test_a_choice_named_by_a_number_word_wins_over_the_position() -> None:
    """Rooms named "Suite One" and "Suite Two" listed the other way round: "two" is the room
    named Two (the first choice), not the second choice."""
    named = [("Suite Two", "run suite two"), ("Suite One", "run suite one")]
    assert _question(named).choice_for("two") == "run suite two"
    assert _question(named).choice_for("one") == "run suite one"
    assert _question(named).choice_for("2") == "run suite one"  # a digit is still a position
    digits = [("Suite 2", "run suite 2"), ("Suite 1", "run suite 1")]
    assert _question(digits).choice_for("two") is None  # Suite 2, or the second? not a guess


@pytest.mark.parametrize(
    "answer", ["0", "4", "fourth", "four", "lake", "the one", "the two", "at the hotel", "a", "",
               "ha"]
)  # fmt: skip
def test_an_answer_picking_none_or_several_is_none(answer: str) -> None:
    assert _question(THREE).choice_for(answer) is None
    assert Question(expires=NOW).choice_for("1") is None


@pytest.mark.parametrize("filler", ["the", "one", "at", "in", "hotel", "please", "that", "ones", "property", "a"])  # fmt: skip
def test_filler_words_in_an_answer_are_passed_over(filler: str) -> None:
    assert _question(THREE).choice_for(f"{filler} harbor") == THREE[2][1]


def test_a_question_expires_after_ten_minutes_and_can_be_dropped() -> None:
    questions = Questions()
    key = ("slack", "C1", None)
    questions.ask(key, NOW, choices=THREE)
    assert timedelta(minutes=10) == TTL
    assert questions.get(key, NOW + timedelta(minutes=9, seconds=59)) is not None
    assert questions.get(key, NOW + timedelta(minutes=10)) is None
    assert questions.get(key, NOW) is None  # gone once expired
    questions.ask(key, NOW, choices=THREE)
    assert questions.drop(key) and not questions.drop(key)
    assert Questions(timedelta(seconds=5)).ttl == timedelta(seconds=5)


# --- names said back (spelling.py) ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["hi set 204 at lakside to jazz", "hii set 204 at lakside to jazz",
             "thx set 204 at lakside to jazz"]
)  # fmt: skip
def test_a_typo_in_a_name_is_said_back_also_after_a_short_form(text: str) -> None:
    """A short form read as a word of two letters ("hii" as "hi") does not hide the correction of
    a name later in the message: the change is never made on a name read silently."""
    result = parse(text, LEXICON)
    assert result.parsed is not None
    assert result.parsed.notes == ("I read \u201clakside\u201d as \u201clakeside\u201d.",)


# --- times and places (entities.py) ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["set 204 to jazz tomorrow morning at 7", "set 204 to jazz tomorrow evening at 9pm",
             "set 204 to jazz this evening at 8", "set 204 to jazz in the morning at 6 am",
             "set 204 to jazz tomorrow at 7"]
)  # fmt: skip
def test_the_hour_after_a_part_of_the_day_is_no_room(text: str) -> None:
    """ "tomorrow morning at 7": the 7 is the hour, never room 7; the change is asked first, for
    room 204 alone."""
    result = parse(text, LEXICON)
    assert result.ask is not None and result.ask.partial is not None
    assert result.ask.partial == c.SetStation(target=c.Target(rooms=("204",)), station="jazz")


@pytest.mark.parametrize(
    "text", ["set 204 at a Juniper Creek to jazz", "set 204 at the in Juniper Creek to jazz",
             "set 204 at the Juniper Creek to jazz"]
)  # fmt: skip
def test_words_before_a_place_nobody_knows_leave_no_piece_of_it_unread(text: str) -> None:
    """A place the lexicon does not know is kept whole for the resolver to name, whatever small
    words come before it ("at a Juniper Creek"): no piece of it ("ek") is left as a word not
    followed."""
    result = parse(text, LEXICON)
    assert result.parsed is not None
    assert result.parsed.command == c.SetStation(
        target=c.Target(rooms=("204",), property_name="Juniper Creek"), station="jazz"
    )


# --- what was done, and what must not be, is no request (reading.py, spelling.py) ---------------


@pytest.mark.parametrize(
    "text", ["alarms already deleted in 204", "alarms already removed in 204",
             "the alarms were deleted in 204", "alarms have been removed in 204",
             "the wake up call was cancelled in 118", "alarms got wiped in 204",
             "204 should not be jazz", "204 shouldnt be on jazz", "204 must not have jazz"]
)  # fmt: skip
def test_a_report_or_a_wish_against_is_no_request(text: str) -> None:
    """What was done ("the alarms were deleted in 204") or what a room must not have ("204
    should not be jazz") changes nothing: such messages cleared alarms and set jazz."""
    result = parse(text, LEXICON)
    assert result.parsed is not None
    command = result.parsed.command
    assert not isinstance(command, c.ClearAlerts | c.SetStation), command


def test_a_past_tense_is_no_typo_of_its_verb() -> None:
    result = parse("204 should be jazz", LEXICON)
    assert result.parsed is not None
    assert result.parsed.command == c.SetStation(target=c.Target(rooms=("204",)), station="jazz")


@pytest.mark.parametrize(
    ("text", "kind"), [("hi all", "greeting"), ("hey all", "greeting"), ("bye all", "bye"),
                       ("ty all", "thanks"), ("hiii", "greeting"), ("thankss", "thanks")]
)  # fmt: skip
def test_a_greeting_to_all_is_small_talk(text: str, kind: str) -> None:
    """The trailing repeat of "hiii" is emphasis, but "all" is a word (it was read as "al")."""
    result = parse(text, LEXICON)
    assert result.parsed is not None and result.parsed.command == c.SmallTalk(kind=kind)


def test_is_a_room_unreachable_asks_whether_its_echo_is_online() -> None:
    result = parse("is 204 unreachable", LEXICON)
    assert result.parsed is not None
    assert result.parsed.command == c.EchoOnline(target=c.Target(rooms=("204",)))


@pytest.mark.parametrize(
    "text", ["set 204 to jazz right away", "set 204 to jazz straight away",
             "guest calls from 204, set it to jazz", "any chance you could set 204 to jazz"]
)  # fmt: skip
def test_words_of_context_are_no_typos_of_command_words(text: str) -> None:
    """ "away" is no "way", "calls" no "cals", "chance" no "change": the request is done."""
    result = parse(text, LEXICON)
    assert result.parsed is not None
    assert result.parsed.command == c.SetStation(target=c.Target(rooms=("204",)), station="jazz")


@pytest.mark.parametrize(
    "text", ["set 204 to jazz at 7 p.m.", "set 204 to jazz at 7 a.m", "set 204 to jazz at 7 pm",
             "set 204 to jazz at 7 o'clock", "set 204 to jazz at 7 oclock", "set 204 to jazz at 19h",
             "set 204 to jazz at 19h30", "set 204 to jazz at 7.30pm", "set 204 to jazz at 7:30 p.m.",
             "set 204 to jazz at noon", "set 204 to jazz tonight at 8 o'clock"]
)  # fmt: skip
def test_a_change_for_a_time_is_asked_for_its_room_alone(text: str) -> None:
    """Every way of writing an hour makes the change a question (it would apply now, not then),
    and the hour is never a room or a place: "at 7 pm" proposed rooms 204 and 7 "at pm", and
    "at 7 p.m." and "at 19h" were done at once."""
    result = parse(text, LEXICON)
    assert result.ask is not None and result.ask.partial is not None, result
    assert result.ask.partial == c.SetStation(target=c.Target(rooms=("204",)), station="jazz")


@pytest.mark.parametrize("text", ["clear the 7 a.m. alarm in 204", "clear the 7 am alarm in 204"])
def test_the_hour_of_an_alarm_is_no_room(text: str) -> None:
    result = parse(text, LEXICON)
    assert result.parsed is not None
    command = result.parsed.command
    assert isinstance(command, c.ClearAlerts) and command.target.rooms == ("204",)
    assert command.note  # Amazon clears all of a kind: said before asking
