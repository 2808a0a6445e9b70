"""What staff type → which command: every help example, and issue 3's phrasings, table-driven."""

from __future__ import annotations

import pytest
from lexicon_support import demo_lexicon

from bot.core.commands.help import help_reply
from bot.core.shared import commands as c
from bot.core.shared.commands import AlertKind, Level, Target
from bot.core.shared.registry import entries
from bot.core.understanding.pipeline import parse
from bot.core.understanding.text import clean, split_preview

DEMO_LEXICON = demo_lexicon()
EXAMPLES = [(entry.command, example) for entry in entries() for example in entry.examples]


@pytest.mark.parametrize(("command", "example"), EXAMPLES, ids=[e for _c, e in EXAMPLES])
def test_every_help_example_parses_to_its_entrys_command(
    command: type[c.Command], example: str
) -> None:
    """Each example the help shows parses to its registry entry's command (help never drifts)."""
    result = parse(example, DEMO_LEXICON)
    assert result.parsed is not None, example
    assert type(result.parsed.command) is command


def test_help_shows_only_examples_of_the_registry() -> None:
    """Help per topic lists the entries' own examples, and every one of them parses."""
    for topic in {e.topic for e in entries() if not e.hidden}:
        reply = help_reply(topic, c.Role.ADMIN)
        assert reply.table is not None
        shown = [ex for row in reply.table.rows for ex in row[1].split(" \u00b7 ")]
        assert shown and all(parse(ex, DEMO_LEXICON).parsed is not None for ex in shown)


def room(*names: str, prop: str | None = None) -> Target:
    return Target(rooms=names, property_name=prop)


def rng(a: int, b: int, prop: str | None = None) -> Target:
    return Target(
        rooms=tuple(str(n) for n in range(a, b + 1)),
        room_range=(str(a), str(b)),
        property_name=prop,
    )


R204 = room("204")
SET_STATION: list[tuple[str, c.Command]] = [
    # the six
    ("set room 204 station jazz", c.SetStation(R204, "jazz")),
    ("set rm 204 to jazz", c.SetStation(R204, "jazz")),
    ("put jazz on in 204", c.SetStation(R204, "jazz")),
    ("change the station in 204 to classic rock", c.SetStation(R204, "classic rock")),
    ("204 -> classical", c.SetStation(R204, "classical")),
    ("play country in S303", c.SetStation(room("S303"), "country")),
    # lists, ranges, room types, whole properties
    ("set rooms 201, 203 and 205 to pop", c.SetStation(room("201", "203", "205"), "pop")),
    ("set rooms 201,203,205 to pop", c.SetStation(room("201", "203", "205"), "pop")),
    ("set rooms 201 & 203 to pop", c.SetStation(room("201", "203"), "pop")),
    ("set rooms 101-110 to oldies", c.SetStation(rng(101, 110), "oldies")),
    ("set rm 101..103 station jazz", c.SetStation(rng(101, 103), "jazz")),
    ("set rooms 101 to 103 to jazz", c.SetStation(rng(101, 103), "jazz")),
    ("rooms 101-103 -> jazz", c.SetStation(rng(101, 103), "jazz")),
    (
        "set room type Deluxe King station classical",
        c.SetStation(Target(room_type="Deluxe King"), "classical"),
    ),
    (
        "set room type King at Hotel A to jazz",
        c.SetStation(Target(room_type="King", property_name="Hotel A"), "jazz"),
    ),
    (
        "set all Deluxe King rooms at Harbor View to jazz",
        c.SetStation(Target(room_type="Deluxe King", property_name="Harbor View"), "jazz"),
    ),
    (
        "set all rooms at Harbor View to jazz",
        c.SetStation(Target(all_rooms=True, property_name="Harbor View"), "jazz"),
    ),
    (
        "set every room in Hotel A to jazz",
        c.SetStation(Target(all_rooms=True, property_name="Hotel A"), "jazz"),
    ),
    # a property named around the room, before or after the station
    ("set room 101 at Hotel B to jazz", c.SetStation(room("101", prop="Hotel B"), "jazz")),
    ("put jazz on in 101 at Hotel B", c.SetStation(room("101", prop="Hotel B"), "jazz")),
    ("set room 204 to jazz at Hotel B", c.SetStation(room("204", prop="Hotel B"), "jazz")),
    # politeness, "#", punctuation, arrows, case, mentions
    ("please set room #204 station jazz!!!", c.SetStation(R204, "jazz")),
    ("can you please set rm #204 to jazz?", c.SetStation(R204, "jazz")),
    ("@bot set room 204 to jazz please", c.SetStation(R204, "jazz")),
    ("<@U123ABC> set room 204 to jazz, thanks", c.SetStation(R204, "jazz")),
    ("set room 204 to jazz.", c.SetStation(R204, "jazz")),
    ("SET ROOM 204 TO JAZZ", c.SetStation(R204, "jazz")),  # a known station: its catalog key
    ("Set Room 204 Station Jazz.", c.SetStation(R204, "jazz")),
    ("204 → jazz", c.SetStation(R204, "jazz")),
    ("204 => jazz", c.SetStation(R204, "jazz")),
    ("204->jazz", c.SetStation(R204, "jazz")),
    ("set room #204 -> jazz", c.SetStation(R204, "jazz")),
    ("put on jazz in 204", c.SetStation(R204, "jazz")),
    ("play jazz in room 204 please", c.SetStation(R204, "jazz")),
    ("set the music in 204 to jazz", c.SetStation(R204, "jazz")),
    ("set station jazz in 204", c.SetStation(R204, "jazz")),
    ("switch 204 to jazz", c.SetStation(R204, "jazz")),
    ("set room 204's station to jazz", c.SetStation(R204, "jazz")),
]

OTHERS = [
    # asking
    ("what's playing in 204", c.AskStation(R204)),
    ("what's playing in room 204?", c.AskStation(R204)),
    ("whats on in 204", c.AskStation(R204)),
    ("what station is 311 on", c.AskStation(room("311"))),
    ("what's 204 playing", c.AskStation(R204)),
    ("show station for rooms 201-203", c.AskStation(rng(201, 203))),
    ("stations", c.ListStations()),
    ("stations in UK", c.ListStations(where="UK")),
    ("list stations at Rive Gauche Paris", c.ListStations(where="Rive Gauche Paris")),
    # clearing alarms
    ("clear alarms in 118", c.ClearAlerts(room("118"))),
    ("clear alarms room 204", c.ClearAlerts(R204)),
    ("clear the alarms in room 204 please", c.ClearAlerts(R204)),
    ("clear 204's alarms", c.ClearAlerts(R204)),
    ("clear alarms in rooms 101-103", c.ClearAlerts(rng(101, 103))),
    ("clear alarms in 204 at Hotel A", c.ClearAlerts(room("204", prop="Hotel A"))),
    ("delete reminders for room 204", c.ClearAlerts(R204, (AlertKind.REMINDERS,))),
    (
        "delete all alarms, reminders and timers for 118",
        c.ClearAlerts(room("118"), tuple(AlertKind)),
    ),
    ("clear everything in rooms 101-103", c.ClearAlerts(rng(101, 103), tuple(AlertKind))),
    # hierarchy
    ("properties", c.ListProperties()),
    ("show me the hotels", c.ListProperties()),
    ("room types at Hotel A", c.ListRoomTypes(property_name="Hotel A")),
    ("list rooms", c.ListRooms()),
    ("rooms at Lakeside Chicago", c.ListRooms(property_name="Lakeside Chicago")),
    ("find room 204", c.FindRoom("204")),
    ("where is #PH-1", c.FindRoom("PH-1")),
    (
        "add room 250 to King at Hotel A",
        c.AddUnit(Level.ROOM, "250", parent="King", property_name="Hotel A"),
    ),
    (
        "add room type Suite at Hotel A",
        c.AddUnit(Level.ROOM_TYPE, "Suite", property_name="Hotel A"),
    ),
    ("add property Bayside Miami", c.AddUnit(Level.PROPERTY, "Bayside Miami")),
    ("rename room 250 to 251", c.RenameUnit(Level.ROOM, "250", "251")),
    (
        "rename room type King to Queen at Hotel A",
        c.RenameUnit(Level.ROOM_TYPE, "King", "Queen", "Hotel A"),
    ),
    ("delete room 251", c.DeleteUnit(Level.ROOM, "251")),
    ("delete room type Empty at Hotel A", c.DeleteUnit(Level.ROOM_TYPE, "Empty", "Hotel A")),
    ("delete property Hotel C", c.DeleteUnit(Level.PROPERTY, "Hotel C")),
    # help, undo, yes/no, retry
    ("help", c.Help()),
    ("help stations", c.Help("stations")),
    ("help with alarms", c.Help("alarms")),
    ("undo", c.Undo()),
    ("undo my last change", c.Undo()),
    ("revert", c.Undo()),
    ("yes", c.Confirm()),
    ("Yes!", c.Confirm()),
    ("yep", c.Confirm()),
    ("ok", c.Confirm()),
    ("confirm", c.Confirm()),
    ("confirm abcdef12", c.Confirm("abcdef12")),
    ("no", c.Cancel()),
    ("nope", c.Cancel()),
    ("cancel", c.Cancel()),
    ("cancel abcdef12", c.Cancel("abcdef12")),
    ("never mind", c.Cancel()),
    ("retry failed", c.RetryFailed()),
    ("try again", c.RetryFailed()),
]


@pytest.mark.parametrize(
    ("text", "expected"), SET_STATION + OTHERS, ids=[t for t, _e in SET_STATION + OTHERS]
)
def test_phrasing_parses_to_the_command(text: str, expected: c.Command) -> None:
    """Each phrasing staff use (issue 3's list and variants) parses to exactly this command."""
    result = parse(text)
    assert result.parsed is not None, f"not understood: {text!r}"
    assert result.parsed.command == expected
    assert result.parsed.preview is False


PREVIEWS = [
    "preview set room 204 to jazz",
    "dry run: set room 204 to jazz",
    "set room 204 to jazz dry run",
    "set room 204 to jazz (dry run)",
    "set room 204 to jazz --dry-run",
    "what if I set room 204 to jazz",
    "Preview: set room 204 to jazz, please",
]


@pytest.mark.parametrize("text", PREVIEWS)
def test_preview_and_dry_run_mark_the_command_as_a_preview(text: str) -> None:
    """`preview …` and `… dry run` give the same command, flagged as a preview."""
    result = parse(text)
    assert result.parsed is not None
    assert result.parsed.preview is True
    assert result.parsed.command == c.SetStation(R204, "jazz")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "set",
        "204",
        "set room to",
        "play in 204",
        "what",
        "delete",
        "asdf qwer",
    ],
)
def test_what_is_not_a_request_is_not_understood(text: str) -> None:
    """Noise, fragments and empty messages parse to nothing (and never raise)."""
    assert parse(text).parsed is None


def test_unknown_text_gets_suggestions_from_the_examples() -> None:
    """What is not understood comes back with up to three help examples to try."""
    result = parse("set the thing in the place")
    examples = {e for entry in entries() for e in entry.examples}
    assert result.parsed is None
    assert 0 < len(result.suggestions) <= 3 and set(result.suggestions) <= examples


def test_cleaning_removes_noise_but_keeps_case_of_names() -> None:
    """Mentions, politeness, arrows and trailing punctuation go; names keep their case."""
    assert clean("<@U1> please set Room 204 → Jazz!!") == "set Room 204 -> Jazz"
    assert (
        clean("hi bot, could you please show rooms at Hotel A? thanks") == "show rooms at Hotel A"
    )
    assert split_preview("preview set room 1 to x") == ("set room 1 to x", True)
    assert split_preview("set room 1 to x") == ("set room 1 to x", False)


def test_huge_ranges_are_refused() -> None:
    """A range over 1000 rooms is not read as rooms (no runaway bulk change)."""
    assert parse("set rooms 1-5000 to jazz").parsed is None


def test_a_backwards_range_is_never_run() -> None:
    """`rooms 110-101` runs backwards: nothing is changed and the bot says how to say it (issue 17:
    a range never runs backwards); `204-6` is 204 to 206."""
    result = parse("set rooms 110-101 to jazz")
    assert result.parsed is not None
    assert result.parsed.command == c.NotDone("backwards_range")
    short = parse("set 204-6 to jazz").parsed
    assert short is not None and short.command == c.SetStation(rng(204, 206), "jazz")
