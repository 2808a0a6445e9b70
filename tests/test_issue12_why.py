"""Every example under "Why" in issue 12 does what a front-desk clerk meant, or asks one clear question.

Run through the real engine on the demo world (the sandbox over HTTP), in a channel bound to Harbor View
Seattle unless the case says otherwise.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from core_helpers import BotUnderTest, config_for, text_of
from recording_bot import recording_bot

from bot.core.access.context import Ctx
from bot.core.shared import commands as c
from bot.core.shared.replies import Reply, ReplyKind
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World
from bot.settings import RolesConfig

DESK = "desk-hvs"
JAZZ = ("I_HEART_RADIO", "4242")

# (what the clerk typed, the command it must run) — in the channel of Harbor View Seattle.
DOES: list[tuple[str, type[c.Command]]] = [
    ("room 204 jazz", c.SetStation),
    ("jazz in 204", c.SetStation),
    ("204 jazz", c.SetStation),
    ("set 204 jazz", c.SetStation),
    ("make 204 jazz", c.SetStation),
    ("204 = jazz", c.SetStation),
    ("room 204: jazz", c.SetStation),
    ("i need jazz in 204", c.SetStation),
    ("guest in 204 wants jazz", c.SetStation),
    ("tune 204 to jazz", c.SetStation),
    ("put some jazz on in 204", c.SetStation),
    ("whats playing 204", c.AskStation),
    ("what's room 204 listening to", c.AskStation),
    ("station 204", c.AskStation),
    ("what's playing in Deluxe King", c.AskStation),
    ("what's playing at Harbor View", c.AskStation),
    ("clear wake up calls in 204", c.ClearAlerts),
    ("clear all timers in 503", c.ClearAlerts),
    ("clear all alarms in 204", c.ClearAlerts),
    ("delete all alarms in 204", c.ClearAlerts),
    ("hello", c.SmallTalk),
    ("thanks", c.SmallTalk),
]


@pytest.fixture(scope="module")
def why_bot(
    _sandbox_server: SandboxServer, _demo_world_text: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[BotUnderTest, asyncio.AbstractEventLoop, list[Ctx]]]:
    world = World.model_validate_json(_demo_world_text)
    config = config_for(
        world, channels={"Harbor View Seattle": [DESK]}, roles=RolesConfig(admin=["*"])
    )
    yield from recording_bot(_sandbox_server, world, tmp_path_factory.mktemp("why"), config)


@pytest.mark.parametrize(("text", "command"), DOES, ids=[t for t, _c in DOES])
def test_the_why_phrasings_do_what_was_meant(
    text: str,
    command: type[c.Command],
    why_bot: tuple[BotUnderTest, asyncio.AbstractEventLoop, list[Ctx]],
) -> None:
    """Each phrasing of the issue that used to be misread runs the command the clerk meant."""
    bot, loop, seen = why_bot
    seen.clear()
    reply = loop.run_until_complete(bot.say(text, user=f"u-{text}", channel=DESK))
    assert seen and type(seen[-1].command) is command, text_of(reply)
    assert "Nothing was changed" not in reply.headline or command is not c.AskStation


def _say(
    why_bot: tuple[BotUnderTest, asyncio.AbstractEventLoop, list[Ctx]], text: str, **kw: str
) -> Reply:
    bot, loop, _seen = why_bot
    return loop.run_until_complete(bot.say(text, **kw))


def test_all_timers_clears_timers_only(
    why_bot: tuple[BotUnderTest, asyncio.AbstractEventLoop, list[Ctx]],
) -> None:
    """Sandbox check: `clear all timers in R` leaves R's alarms and reminders as they were."""
    bot, _loop, _seen = why_bot
    room = bot.room("Harbor View Seattle", "404")
    room.alarms, room.reminders, room.timers = 2, 3, 4
    reply = _say(why_bot, "clear all timers in 404", user="timers", channel=DESK)
    assert reply.kind == ReplyKind.SUCCESS, text_of(reply)
    room = bot.room("Harbor View Seattle", "404")
    assert (room.alarms, room.reminders, room.timers) == (2, 3, 0)


def test_clearing_reminders_asks_for_a_yes_first(
    why_bot: tuple[BotUnderTest, asyncio.AbstractEventLoop, list[Ctx]],
) -> None:
    """Reminders are the guests' own: `remove all reminders from room 204` asks before deleting."""
    bot, _loop, _seen = why_bot
    room = bot.room("Harbor View Seattle", "420")
    before = (room.alarms, room.reminders, room.timers)
    asked = _say(why_bot, "remove all reminders from room 420", user="rem", channel=DESK)
    assert asked.kind == ReplyKind.CONFIRM and "reminders" in asked.headline
    assert (room.alarms, room.reminders, room.timers) == before
    done = _say(why_bot, "yes", user="rem", channel=DESK)
    assert done.kind == ReplyKind.SUCCESS, text_of(done)
    room = bot.room("Harbor View Seattle", "420")
    assert (room.alarms, room.reminders) == (before[0], 0)


def test_misread_phrasings_now_mean_what_was_typed(
    why_bot: tuple[BotUnderTest, asyncio.AbstractEventLoop, list[Ctx]],
) -> None:
    """`set room 204 volume to 5` asks which room profile; `uptime 30d` is 30 days, not a property."""
    volume = _say(why_bot, "set room 204 volume to 5", user="vol", channel=DESK)
    assert volume.kind == ReplyKind.QUESTION and "room profile" in volume.headline
    _bot, _loop, seen = why_bot
    seen.clear()
    _say(why_bot, "uptime 30d", user="up", channel=DESK)
    assert seen and seen[-1].command == c.Uptime(days=30)
    seen.clear()
    _say(why_bot, "set the max volume of Lobby to 6", user="lobby", channel=DESK)
    assert seen and seen[-1].command.name == "SetProfile"


def test_genre_mood_and_local_words_find_stations(
    why_bot: tuple[BotUnderTest, asyncio.AbstractEventLoop, list[Ctx]],
) -> None:
    """`something relaxing`, `easy listening` (asked where not offered) and, in Paris, `classique`,
    `musique classique`, `détente` (two stations share the name: asked which)."""
    bot, _loop, _seen = why_bot
    paris = "desk-paris"
    bot.runtime.config.properties[3].channels.append(paris)
    for text in ("classique dans la 204", "musique classique 205"):
        reply = _say(why_bot, text, user="fr", channel=paris)
        assert reply.kind == ReplyKind.SUCCESS and "Classical 102" in reply.headline, text_of(reply)
    detente = _say(why_bot, "détente 206", user="fr2", channel=paris)
    assert detente.kind == ReplyKind.QUESTION
    assert any(a.label == "Relaxing (The Relaxing Radio Show)" for a in detente.actions)
    picked = _say(why_bot, "the relaxing radio show", user="fr2", channel=paris)
    assert picked.kind == ReplyKind.SUCCESS, text_of(picked)
    relaxing = _say(why_bot, "something relaxing in 204", user="us", channel=DESK)
    assert relaxing.kind == ReplyKind.QUESTION and "Which station?" in relaxing.headline


def test_a_room_in_several_hotels_is_answered_by_hotel_name(
    why_bot: tuple[BotUnderTest, asyncio.AbstractEventLoop, list[Ctx]],
) -> None:
    """Without a bound channel, `jazz in 204` asks which hotel; `Lakeside` answers it."""
    bot, _loop, _seen = why_bot
    asked = _say(why_bot, "jazz in 204", user="lake")
    assert asked.kind == ReplyKind.QUESTION and "Which one" in asked.headline
    done = _say(why_bot, "Lakeside", user="lake")
    assert done.kind == ReplyKind.SUCCESS, text_of(done)
    assert bot.station("Lakeside Chicago", "204") == JAZZ


def test_not_commands_change_nothing_and_get_a_friendly_reply(
    why_bot: tuple[BotUnderTest, asyncio.AbstractEventLoop, list[Ctx]],
) -> None:
    """Negations, greetings and thanks: a short reply, no request to Amazon that changes anything."""
    bot, _loop, _seen = why_bot
    writes = bot.mutating_requests()
    for text in ("don't set 210 to jazz", "never mind", "hello", "thanks", "hello there"):
        reply = _say(why_bot, text, user="talk", channel=DESK)
        assert "didn't understand" not in reply.headline, text
    assert bot.mutating_requests() == writes


def test_answers_to_questions_do_not_end_with_nothing_was_changed(
    why_bot: tuple[BotUnderTest, asyncio.AbstractEventLoop, list[Ctx]],
) -> None:
    """A question is answered in staff language: station names without provider codes or ids."""
    _say(why_bot, "jazz in 311", user="ask", channel=DESK)
    reply = _say(why_bot, "what's playing in 311", user="ask", channel=DESK)
    assert reply.headline == "Room 311 at Harbor View Seattle plays Jazz."


def test_a_range_with_gaps_offers_the_rooms_that_exist(
    why_bot: tuple[BotUnderTest, asyncio.AbstractEventLoop, list[Ctx]],
) -> None:
    """`518-522 jazz`: 521 and 522 do not exist; the bot offers to set the three that do."""
    reply = _say(why_bot, "518-522 jazz", user="gap", channel=DESK)
    assert reply.kind == ReplyKind.CONFIRM, text_of(reply)
    assert "521, 522" in reply.headline and "518, 519, 520" in reply.headline


def test_a_missing_part_is_asked_and_the_next_message_answers_it(
    why_bot: tuple[BotUnderTest, asyncio.AbstractEventLoop, list[Ctx]],
) -> None:
    """`set 204` asks which station; `jazz` answers it. The question expires after 10 minutes."""
    bot, _loop, _seen = why_bot
    asked = _say(why_bot, "set 207", user="slot", channel=DESK)
    assert asked.kind == ReplyKind.QUESTION and asked.headline.startswith("Which station")
    done = _say(why_bot, "jazz", user="slot", channel=DESK)
    assert done.kind == ReplyKind.SUCCESS and bot.station("Harbor View Seattle", "207") == JAZZ
    _say(why_bot, "set 208", user="late", channel=DESK)
    clock = bot.clock
    clock.advance(11 * 60)  # type: ignore[attr-defined]
    late = _say(why_bot, "jazz", user="late", channel=DESK)
    assert late.kind == ReplyKind.QUESTION and late.headline == "Which room?"


def test_a_typo_in_a_name_is_said_back(
    why_bot: tuple[BotUnderTest, asyncio.AbstractEventLoop, list[Ctx]],
) -> None:
    """A clear typo is applied only with a note of what was understood (never silently)."""
    reply = _say(why_bot, "jazz in 312 at Lakside", user="typo")
    assert reply.kind == ReplyKind.SUCCESS, text_of(reply)
    assert "I read \u201cLakside\u201d as \u201cLakeside\u201d." in reply.notes


def test_a_new_request_replaces_an_open_question(
    why_bot: tuple[BotUnderTest, asyncio.AbstractEventLoop, list[Ctx]],
) -> None:
    """A question about 205's station is open; `set 206` is a new request (it asks its own question),
    not a station called "set 206"."""
    _say(why_bot, "something relaxing in 205", user="new", channel=DESK)
    asked = _say(why_bot, "set 206", user="new", channel=DESK)
    assert asked.kind == ReplyKind.QUESTION and asked.headline == "Which station for room 206?"
    done = _say(why_bot, "oldies", user="new", channel=DESK)
    assert done.kind == ReplyKind.SUCCESS and "Room 206" in done.headline, text_of(done)
