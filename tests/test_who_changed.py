"""`who changed 204`: the desk asks who last changed a room; the answer names the person, the time
and the request, spells the room as the index does, only from entries the user may see, and changes
nothing."""

from __future__ import annotations

from core_helpers import BotUnderTest, text_of
from lexicon_support import demo_lexicon

from bot.core.commands.cmd_who_changed import WhoChanged
from bot.core.shared.replies import ReplyKind
from bot.core.understanding.pipeline import parse


def test_the_phrasings_read_as_the_question_not_as_a_change() -> None:
    """`who set 204` is a question about the past: never a station change."""
    lexicon = demo_lexicon()
    for text, expected in [
        ("who changed 204", WhoChanged("204")),
        ("who changed room 204?", WhoChanged("204")),
        ("who set 204", WhoChanged("204")),
        ("who last changed 311 at Harbor View Seattle", WhoChanged("311", "Harbor View Seattle")),
        (
            "who changed room 311 at Harbor View Seattle last",
            WhoChanged("311", "Harbor View Seattle"),
        ),
        ("last change to room 204", WhoChanged("204")),
    ]:
        result = parse(text, lexicon)
        assert result.parsed is not None and result.parsed.command == expected, text


async def test_the_answer_names_who_when_and_the_request(small_bot: BotUnderTest) -> None:
    """Two people changed room 101 at Hotel A: the latest is named first, with both in the table;
    the answer changes nothing."""
    await small_bot.say("set 101 at Hotel A to pop", user="alice")
    await small_bot.say("set 101 at Hotel A to jazz", user="bob")
    before = small_bot.snapshot()
    small_bot.reset_stats()
    reply = await small_bot.say("who changed 101 at hotel a", user="carol")
    text = text_of(reply)
    assert reply.kind == ReplyKind.INFO, text
    assert reply.headline.startswith("Room 101 at Hotel A was last changed by bob"), text
    assert "set 101 at Hotel A to jazz" in reply.headline
    assert reply.table is not None and [row[1] for row in reply.table.rows] == ["bob", "alice"]
    assert small_bot.snapshot() == before and small_bot.mutating_requests() == {}


async def test_a_room_nobody_changed_is_said_plainly(small_bot: BotUnderTest) -> None:
    """No entry for the room: said so, with the room and property as the index spells them."""
    reply = await small_bot.say("who changed 102 at hotel a", user="carol")
    assert reply.headline == "I have no change to room 102 at Hotel A in the audit log.", text_of(
        reply
    )


async def test_a_room_of_two_properties_is_asked_about_never_guessed(
    small_bot: BotUnderTest,
) -> None:
    """Room 204 is at Hotel A and Hotel B: the bot asks which, as it does for any other command."""
    reply = await small_bot.say("who changed 204", user="carol")
    assert reply.kind in (ReplyKind.QUESTION, ReplyKind.ERROR), text_of(reply)
    assert "Hotel A" in text_of(reply) and "Hotel B" in text_of(reply)
