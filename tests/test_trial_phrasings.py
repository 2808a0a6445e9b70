"""What a new-user trial typed and the bot misread (items 1-7, 9-11, 15 of the trial findings): each is
now done as meant, or the bot says plainly what it will not do and changes nothing, or asks.

Run through the real engine on the demo world (the sandbox over HTTP), in a channel bound to Harbor View
Seattle unless the case says otherwise.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator

import pytest
from core_helpers import BotUnderTest, config_for, text_of
from lexicon_support import demo_lexicon
from recording_bot import recording_bot

from bot.core.access.context import Ctx
from bot.core.shared import commands as c
from bot.core.shared.commands import SetPropertyPlace
from bot.core.shared.replies import ActionKind, Reply, ReplyKind
from bot.core.understanding.pipeline import parse
from bot.index.catalog import default_catalog
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World
from bot.settings import RolesConfig

DESK = "desk-hvs"
PARIS = "desk-paris"
Bot = tuple[BotUnderTest, asyncio.AbstractEventLoop, list[Ctx]]


def _pair(country: str, name: str) -> tuple[str, str]:
    station = default_catalog().lookup(country, name).station
    assert station is not None
    return station.pair


@pytest.fixture(scope="module")
def trial_bot(
    _sandbox_server: SandboxServer, _demo_world_text: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Bot]:
    world = World.model_validate_json(_demo_world_text)
    config = config_for(
        world, channels={"Harbor View Seattle": [DESK]}, roles=RolesConfig(admin=["*"])
    )
    config.properties[3].channels.append(PARIS)
    yield from recording_bot(_sandbox_server, world, tmp_path_factory.mktemp("trial"), config)


def _say(trial_bot: Bot, text: str, user: str, channel: str | None = DESK) -> Reply:
    bot, loop, _seen = trial_bot
    return loop.run_until_complete(bot.say(text, user=user, channel=channel))


def _changes_nothing(trial_bot: Bot, text: str, user: str, says: str) -> Reply:
    bot, _loop, _seen = trial_bot
    writes = bot.mutating_requests()
    reply = _say(trial_bot, text, user)
    assert says in text_of(reply), text_of(reply)
    assert reply.kind != ReplyKind.SUCCESS and bot.mutating_requests() == writes, text
    return reply


# --- 4: one wake-up call is never "all alarms" without a yes ----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "cancel the 7am wake-up call in 305",
        "delete the second alarm in 305",
        "remove tomorrow's alarm in 305",
        "clear tonight's alarms in 305",
    ],
)
def test_one_alarm_asked_for_says_only_all_can_be_cleared_and_asks(
    text: str, trial_bot: Bot
) -> None:
    """Asking to clear one (or some) alarms says the bot can only clear all of the room's alarms and
    asks for a yes; "tomorrow's"/"tonight's" are not read as a negation. Nothing is cleared before."""
    bot, _loop, _seen = trial_bot
    room = bot.room("Harbor View Seattle", "305")
    room.alarms = 3
    reply = _say(trial_bot, text, user="one-alarm")
    assert reply.kind == ReplyKind.CONFIRM, text_of(reply)
    assert "only clear all alarms" in text_of(reply)
    assert bot.room("Harbor View Seattle", "305").alarms == 3
    _say(trial_bot, "no", user="one-alarm")
    assert bot.room("Harbor View Seattle", "305").alarms == 3


def test_a_yes_after_the_one_alarm_note_clears_the_rooms_alarms(trial_bot: Bot) -> None:
    """The note is a question: a yes clears the room's alarms, and only its alarms."""
    bot, _loop, _seen = trial_bot
    room = bot.room("Harbor View Seattle", "307")
    room.alarms, room.reminders = 2, 1
    asked = _say(trial_bot, "delete the second alarm in 307", user="one-yes")
    assert asked.kind == ReplyKind.CONFIRM
    done = _say(trial_bot, "yes", user="one-yes")
    assert done.kind == ReplyKind.SUCCESS, text_of(done)
    room = bot.room("Harbor View Seattle", "307")
    assert (room.alarms, room.reminders) == (0, 1)


# --- 1, 6: one station and one request per message ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rooms"),
    [
        ("set 204 and 205 to jazz and 206 to pop", {"204": "Jazz", "205": "Jazz", "206": "Pop"}),
        ("set 310 to jazz, 311 to pop", {"310": "Jazz", "311": "Pop"}),
        ("set 312 to pop. set 313 to jazz", {"312": "Pop", "313": "Jazz"}),
    ],
)
def test_several_stations_in_one_message_each_set_when_each_part_is_whole(
    text: str, rooms: dict[str, str], trial_bot: Bot
) -> None:
    """Never the first station for every room: each part, a whole request alone, is set, and
    the reply says each."""
    bot, _loop, _seen = trial_bot
    reply = _say(trial_bot, text, "several")
    assert reply.kind == ReplyKind.SUCCESS, text_of(reply)
    for room, station in rooms.items():
        assert bot.station("Harbor View Seattle", room) == _pair("US", station), room
        assert room in text_of(reply) and station in text_of(reply)
    undo = [a.label for a in reply.actions if a.kind == ActionKind.UNDO]
    assert len(undo) == len(set(undo)), undo  # each button names its own change


def test_two_requests_in_one_message_are_each_done(trial_bot: Bot) -> None:
    """`set 204 to jazz and then clear alarms in 205`: both, each said."""
    bot, _loop, _seen = trial_bot
    reply = _say(trial_bot, "set 204 to jazz and then clear alarms in 205", "two")
    assert bot.station("Harbor View Seattle", "204") == _pair("US", "Jazz")
    assert bot.room("Harbor View Seattle", "205").alarms == 0
    assert "cleared all alarms in room 205" in text_of(reply), text_of(reply)


@pytest.mark.parametrize(
    "text",
    [
        "set 204 to jazz at Lakeside and Harbor View",  # a room at two properties: which?
        "set 204 to jazz and pop",  # two stations for one room
        "set 204 to jazz and clear alarms in that room maybe",  # a part not whole: nothing
    ],
)
def test_a_message_not_made_of_whole_requests_changes_nothing(text: str, trial_bot: Bot) -> None:
    """Half of a two-part request is never silently dropped or run alone: nothing changed."""
    bot, _loop, _seen = trial_bot
    writes = bot.mutating_requests()
    reply = _say(trial_bot, text, "two")
    assert reply.kind != ReplyKind.SUCCESS and bot.mutating_requests() == writes, text_of(reply)


# --- 2: "from X to Y" means Y -----------------------------------------------------------------------


def test_from_one_station_to_another_sets_the_second(trial_bot: Bot) -> None:
    """`switch 204 from jazz to pop` sets Pop when 204 is on Jazz; `change 204 from pop to jazz`
    sets Jazz."""
    bot, _loop, _seen = trial_bot
    _say(trial_bot, "set 204 to jazz", user="from")
    done = _say(trial_bot, "switch 204 from jazz to pop", user="from")
    assert done.kind == ReplyKind.SUCCESS, text_of(done)
    assert bot.station("Harbor View Seattle", "204") == _pair("US", "pop")
    done = _say(trial_bot, "change 204 from pop to jazz", user="from")
    assert bot.station("Harbor View Seattle", "204") == _pair("US", "jazz"), text_of(done)


def test_from_a_station_the_room_is_not_on_says_what_it_is_on_and_asks(trial_bot: Bot) -> None:
    """`switch 204 from pop to classical` while 204 plays Jazz: the reply says 204 is on Jazz and
    asks; nothing changes until `yes`, then Classical is set."""
    bot, _loop, _seen = trial_bot
    _say(trial_bot, "set 204 to jazz", user="from-off")
    writes = bot.mutating_requests()
    asked = _say(trial_bot, "switch 204 from pop to classical", user="from-off")
    assert asked.kind == ReplyKind.CONFIRM, text_of(asked)
    assert asked.headline.startswith(
        "You said from Pop, but room 204 at Harbor View Seattle is on Jazz"
    )
    assert "Nothing was changed yet" in asked.headline and "Classical" in asked.headline
    assert bot.mutating_requests() == writes
    assert bot.station("Harbor View Seattle", "204") == _pair("US", "jazz")
    done = _say(trial_bot, "yes", user="from-off")
    assert done.kind == ReplyKind.SUCCESS, text_of(done)
    assert bot.station("Harbor View Seattle", "204") == _pair("US", "classical")
    _say(trial_bot, "set 204 to jazz", user="from-off")


# --- 5: except / but not ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rooms"),
    [
        ("set 101-110 except 105 to jazz", [f"1{n:02}" for n in range(1, 11) if n != 5]),
        ("set rooms 201-210 but not 205 to jazz", [f"2{n:02}" for n in range(1, 11) if n != 5]),
        ("set 204 to jazz but not 205", ["204"]),
        ("set 101-104 excluding 102 and 103 to jazz", ["101", "104"]),
    ],
)
def test_rooms_after_except_or_but_not_are_left_out(
    text: str, rooms: list[str], trial_bot: Bot
) -> None:
    """The excluded rooms are not in the command, and "but not" is not read as a negation."""
    _bot, _loop, seen = trial_bot
    seen.clear()
    _say(trial_bot, text, user="except")
    assert seen and isinstance(seen[-1].command, c.SetStation), text
    assert list(seen[-1].command.target.rooms) == rooms
    _say(trial_bot, "no", user="except")


def test_leaving_a_room_type_out_of_a_whole_property_is_refused(trial_bot: Bot) -> None:
    """`all rooms … except the penthouses`: what is left out is not a room named, so nothing runs
    and the bot says to name the rooms (rooms named by their names may be left out)."""
    _changes_nothing(
        trial_bot,
        "set all rooms at Harbor View Seattle except the penthouses to jazz",
        "except-all",
        "Name the rooms",
    )


def test_leaving_a_room_out_of_a_whole_property_asks_first(trial_bot: Bot) -> None:
    """`all rooms at Harbor View except 105`: nothing runs before the yes, which names the count
    without 105 (trial 10: leaving rooms out of a room type or a property)."""
    reply = _changes_nothing(
        trial_bot, "set all rooms at Harbor View Seattle except 105 to jazz", "except-105", "?"
    )
    assert "except 105" in reply.headline, text_of(reply)
    _say(trial_bot, "no", user="except-105")


# --- 3: a station cannot be switched off --------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["stop the music in 204", "turn off the music in 204", "turn the radio off in 311"]
)
def test_switching_the_music_off_is_refused_plainly(text: str, trial_bot: Bot) -> None:
    """No station called "off", and "stop" is never read as "top": nothing changes."""
    reply = _changes_nothing(trial_bot, text, "off", "can't be switched off")
    assert "top" not in text_of(reply).lower().replace("stop", "")


# --- 10: a waiting question takes only a plausible answer ---------------------------------------------


def test_a_waiting_question_does_not_capture_a_new_command(trial_bot: Bot) -> None:
    """After "Which station for room 311?", `recent changes` shows the audit and a repeated request
    is read as itself; a station's name still answers the question."""
    bot, _loop, seen = trial_bot
    asked = _say(trial_bot, "set 311", user="wait")
    assert asked.kind == ReplyKind.QUESTION
    seen.clear()
    _say(trial_bot, "recent changes", user="wait")
    assert seen and isinstance(seen[-1].command, c.ShowAudit)
    _say(trial_bot, "set 311", user="wait")
    again = _say(trial_bot, "turn the radio off in 311", user="wait")
    assert "can't be switched off" in again.headline
    _say(trial_bot, "set 311", user="wait")
    done = _say(trial_bot, "jazz", user="wait")
    assert done.kind == ReplyKind.SUCCESS, text_of(done)
    assert bot.station("Harbor View Seattle", "311") == _pair("US", "jazz")


# --- 7: a statement asked is not a request ------------------------------------------------------------


def test_a_bare_statement_question_asks_for_a_yes_first(trial_bot: Bot) -> None:
    """`jazz in 214?` changes nothing and asks; `yes` then sets it."""
    bot, _loop, _seen = trial_bot
    before = bot.station("Harbor View Seattle", "214")
    writes = bot.mutating_requests()
    asked = _say(trial_bot, "jazz in 214?", user="q")
    assert asked.kind == ReplyKind.QUESTION and "say yes" in asked.headline, text_of(asked)
    assert bot.mutating_requests() == writes and bot.station("Harbor View Seattle", "214") == before
    done = _say(trial_bot, "yes", user="q")
    assert done.kind == ReplyKind.SUCCESS, text_of(done)
    assert bot.station("Harbor View Seattle", "214") == _pair("US", "jazz")


def test_a_polite_request_with_a_question_mark_still_sets(trial_bot: Bot) -> None:
    """`can you set 215 to jazz?` is a request: it sets without asking."""
    bot, _loop, _seen = trial_bot
    done = _say(trial_bot, "can you set 215 to jazz?", user="polite")
    assert done.kind == ReplyKind.SUCCESS, text_of(done)
    assert bot.station("Harbor View Seattle", "215") == _pair("US", "jazz")


# --- 9: no station ids in choices -----------------------------------------------------------------------


def test_choices_name_stations_and_parse_back_to_the_same_station(trial_bot: Bot) -> None:
    """In Paris, `chill` matches two stations: neither choice shows an id like s257854, and each
    choice sets the station it names."""
    bot, _loop, _seen = trial_bot
    asked = _say(trial_bot, "set room 104 to chill", user="paris", channel=PARIS)
    assert asked.kind == ReplyKind.QUESTION and len(asked.actions) == 2
    shown = " ".join(f"{a.label} {a.value}" for a in asked.actions)
    assert not re.search(r"\bs\d{5,}\b", shown), shown
    for number, station_id in (("2", "s257854"), ("1", "s287575")):
        _say(trial_bot, "set room 104 to chill", user="paris", channel=PARIS)
        done = _say(trial_bot, number, user="paris", channel=PARIS)
        assert done.kind == ReplyKind.SUCCESS, text_of(done)
        assert bot.station("Rive Gauche Paris", "104") == ("TUNEIN", station_id)


# --- 11: a new property's country and timezone --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "answer", "country", "timezone"),
    [
        ("Bayside Miami", "US", "US", None),
        ("Bayside Orlando", "US America/New_York", "US", "America/New_York"),
        ("Bayside Brighton", "Europe/London", None, "Europe/London"),
    ],
)
def test_the_answer_to_which_country_and_timezone_is_taken(
    name: str, answer: str, country: str | None, timezone: str | None, trial_bot: Bot
) -> None:
    """`add property X` asks its country and timezone; `US`, `US America/New_York`, `Europe/London`
    answer it."""
    _bot, _loop, seen = trial_bot
    added = _say(trial_bot, f"add property {name}", user="place", channel=None)
    assert "Which country and timezone" in text_of(added), text_of(added)
    seen.clear()
    done = _say(trial_bot, answer, user="place", channel=None)
    assert done.kind == ReplyKind.SUCCESS, text_of(done)
    assert seen[-1].command == SetPropertyPlace(name, country=country, timezone=timezone)


def test_something_else_after_which_country_is_not_taken_as_the_answer(trial_bot: Bot) -> None:
    """A message that is no place is read as itself, not as the property's country."""
    _bot, _loop, seen = trial_bot
    _say(trial_bot, "add property Bayside Tampa", user="place2", channel=None)
    seen.clear()
    reply = _say(trial_bot, "Mars Europe/Nowhere", user="place2", channel=None)
    assert not seen or not isinstance(seen[-1].command, SetPropertyPlace), text_of(reply)


# --- 15: near misses and odd guesses ------------------------------------------------------------------


def test_a_name_between_two_stations_asks_which(trial_bot: Bot) -> None:
    """`set 305 to Classical Rock`: Classical or Classic Rock? Nothing changes until answered."""
    bot, _loop, _seen = trial_bot
    writes = bot.mutating_requests()
    asked = _say(trial_bot, "set 305 to Classical Rock", user="near")
    assert asked.kind == ReplyKind.QUESTION, text_of(asked)
    assert [a.label for a in asked.actions] == ["Classical", "Classic Rock"]
    assert bot.mutating_requests() == writes
    done = _say(trial_bot, "2", user="near")
    assert done.kind == ReplyKind.SUCCESS, text_of(done)
    assert bot.station("Harbor View Seattle", "305") == _pair("US", "classic rock")


def test_floors_are_not_known(trial_bot: Bot) -> None:
    """`set floor 5 to jazz` says floors are not known, never "room 5"."""
    _changes_nothing(trial_bot, "set floor 5 to jazz", "floor", "don't know floors")


def test_a_decade_is_a_station_not_a_room(trial_bot: Bot) -> None:
    """`set 305 to 80s` is about room 305 only, and asks which station (none is called "80s")."""
    _bot, _loop, seen = trial_bot
    seen.clear()
    reply = _say(trial_bot, "set 305 to 80s", user="decade")
    assert seen and seen[-1].command == c.SetStation(c.Target(rooms=("305",)), station="80s")
    assert reply.kind == ReplyKind.QUESTION and "Which station" in reply.headline


def test_a_question_about_the_past_is_not_a_station(trial_bot: Bot) -> None:
    """`did 310 change` is never read as "a station called did": not understood, nothing changed."""
    reply = _changes_nothing(trial_bot, "did 310 change", "past", "didn't understand")
    assert "station called" not in text_of(reply)


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("is the echo in 204 switched off?", c.EchoOnline),
        ("what's playing in 204 and set it to jazz", c.NotDone),
        ("set 204 to jazz and 205 to jazz", c.SetStation),
        ("mute 204", c.NotDone),
    ],
)
def test_neighbours_of_the_trial_phrasings_read_as_meant(
    text: str, command: type[c.Command]
) -> None:
    """A device question with "off" stays a health question; a question plus a change is two requests;
    the same station twice is one station."""
    result = parse(text, demo_lexicon())
    assert result.parsed is not None and type(result.parsed.command) is command, text
