"""Bad input never raises to the user, and what the parser does not understand changes nothing.

Hypothesis sends random text and near-misses (the help's examples mutated by deleting, inserting,
swapping and replacing characters and words) through the real engine on the real sandbox. The
un-understood path never calls the API, so thousands of examples stay fast.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from core_helpers import BotUnderTest, bot_on, config_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.shared.registry import entries
from bot.core.shared.replies import Reply
from bot.core.understanding.lexicon import lexicon_for
from bot.core.understanding.pipeline import parse
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World

SEEDS = [e for entry in entries() for e in entry.examples] + [
    "set room 204 station jazz",
    "set rm 204 to jazz",
    "put jazz on in 204",
    "change the station in 204 to classic rock",
    "204 -> classical",
    "play country in S303",
    "set room 204 to jazz at Hotel B",
    "clear alarms in rooms 204, 205 at Hotel A",
    "what's playing in 101 at Hotel A",
]
WORDS = [
    "room",
    "rooms",
    "rm",
    "#",
    "204",
    "101",
    "9999",
    "101-110",
    "1-99999",
    "to",
    "->",
    "at",
    "in",
    "Hotel A",
    "Hotel B",
    "jazz",
    "jaz",
    "heart",
    "pop",
    "all",
    "every",
    "type",
    "King",
    "please",
    "yes",
    "no",
    "undo",
    "preview",
    "dry run",
    "delete",
    "clear",
    "alarms",
    "set",
    "station",
    "'",
    '"',
    "\u2192",
    "\u00e9t\u00e9",
    "🎷",
    "<@U1>",
    "",
    " ",
    "\n",
    "\t",
    "\x00",
    "%s",
    "{}",
    "DROP TABLE rooms;--",
    "a" * 300,
]
INTERNAL_ERROR = "Something went wrong on our side"


@st.composite
def near_miss(draw: st.DrawFn) -> str:
    """A help example with a few character- or word-level mutations."""
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["del", "ins", "swap", "word", "dup", "case", "cut", "punct"]))
        if not text:
            text = draw(st.sampled_from(WORDS))
            continue
        i = draw(st.integers(0, len(text) - 1))
        if kind == "del":
            text = text[:i] + text[i + 1 :]
        elif kind == "ins":
            text = text[:i] + draw(st.characters()) + text[i:]
        elif kind == "swap" and i + 1 < len(text):
            text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        elif kind in ("word", "dup"):
            words = text.split(" ")
            j = draw(st.integers(0, len(words) - 1))
            words[j] = draw(st.sampled_from(WORDS)) if kind == "word" else words[j] + " " + words[j]
            text = " ".join(words)
        elif kind == "case":
            text = text.swapcase()
        elif kind == "cut":
            text = text[:i]
        else:
            text = text + draw(
                st.sampled_from(["?", "!!!", "...", " :)", ",", " -", " ->", " pls"])
            )
    return text


MESSAGES = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=st.characters(codec="ascii"), max_size=60),
    st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join),
    near_miss(),
)


@pytest.fixture
def bot_loop(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> Iterator[tuple[BotUnderTest, asyncio.AbstractEventLoop]]:
    # Hypothesis drives a synchronous test, so the bot lives on a loop of its own.
    loop = asyncio.new_event_loop()
    manager = bot_on(
        sandbox, small_world, tmp_path, config=config_for(small_world, command_deadline_seconds=5)
    )
    bot = loop.run_until_complete(manager.__aenter__())
    try:
        yield bot, loop
    finally:
        loop.run_until_complete(manager.__aexit__(None, None, None))
        loop.close()


@pytest.mark.timeout(900)  # 2,000 messages through the engine: minutes on a loaded 2-core machine
def test_random_and_near_miss_messages_never_raise_and_unparsed_ones_change_nothing(
    bot_loop: tuple[BotUnderTest, asyncio.AbstractEventLoop],
) -> None:
    """Thousands of messages: handle() always returns a Reply (never the internal-error one), and a
    message the parser does not understand sends no mutating request and leaves the world as it
    was."""
    bot, loop = bot_loop
    counts = {"understood": 0, "not understood": 0}

    @settings(
        max_examples=2000, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(text=MESSAGES, user=st.sampled_from(["alice", "bob"]))
    def check(text: str, user: str) -> None:
        # An open question would take the message as its answer: this test is about parsing alone.
        bot.engine.questions.drop((user, None, None))
        understood = parse(text, lexicon_for(bot.runtime.index)).parsed is not None
        counts["understood" if understood else "not understood"] += 1
        before = None if understood else bot.snapshot()
        writes = bot.mutating_requests()
        reply = loop.run_until_complete(bot.say(text, user=user))
        assert isinstance(reply, Reply) and reply.headline
        assert INTERNAL_ERROR not in reply.headline, f"{text!r} -> {reply.headline}"
        if not understood:
            assert bot.snapshot() == before, repr(text)
            assert bot.mutating_requests() == writes, repr(text)

    check()
    assert counts["not understood"] > 500 and counts["understood"] > 50, counts
