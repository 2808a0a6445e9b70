"""Issue 17, second trial: what a second new user's messages found wrong, each pinned through the
real engine (tests/worlds/trial17b.json: Atelier Boutique Boston, Backpackers Hostel Austin; the
first trial's world; the demo chain)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from core_helpers import BotUnderTest, bot_on
from world_reading import WorldReader, channel_of

from bot.core.access.context import Message
from bot.core.shared.replies import Reply, ReplyKind
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World

HERE = Path(__file__).parent
TRIAL = HERE / "worlds" / "trial17.json"
TRIAL_B = HERE / "worlds" / "trial17b.json"
DEMO = HERE.parent / "bot" / "sandbox" / "worlds" / "demo.json"
HARBOR = "Harbor View Seattle"
LODGE = "Alpine Lodge Aspen"


def _world(path: Path) -> WorldReader:
    return WorldReader(json.loads(path.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def demo() -> WorldReader:
    return _world(DEMO)


def _answer(bot: WorldReader, text: str, channel_property: str | None = None) -> Reply:
    """The real handler's answer (the reader stops reads before their handler)."""
    from bot.core.conversation.engine import Engine

    channel = channel_of(channel_property) if channel_property else None
    msg = Message(text=text, user="trial2-reader", channel=channel, platform="console")
    return bot._loop.run_until_complete(Engine(bot.services).handle(msg))


def _writes(outcome: dict[str, Any]) -> bool:
    return "intent" in outcome and "rooms" in outcome and outcome.get("ask") is None


# --- 1. `PH#1` typed exactly is Alpine's, never silently the channel's PH-1 ------------------------


@pytest.mark.parametrize(("typed", "loose"), [("PH#1", "PH-1"), ("PH#2", "PH-2")])
def test_a_name_typed_as_a_room_elsewhere_is_asked_about_not_taken_loosely_here(
    demo: WorldReader, typed: str, loose: str
) -> None:
    assert not _writes(demo.read(f"set {typed} to country", channel_property=HARBOR))
    reply = _answer(demo, f"set {typed} to country", channel_property=HARBOR)
    assert f"{typed} is at {LODGE}; {HARBOR} has {loose}" in reply.headline, reply.headline
    labels = [a.label for a in reply.actions]
    assert labels == [f"{typed} ({LODGE})", f"{loose} ({HARBOR})"], labels


def test_the_channels_own_spelling_and_a_named_property_still_act(demo: WorldReader) -> None:
    assert demo.read("set PH-1 to pop", channel_property=HARBOR)["rooms"] == ["PH-1"]
    outcome = demo.read("set PH#1 at alpine to pop", channel_property=HARBOR)
    assert outcome["rooms"] == ["PH#1"] and outcome["property"] == LODGE


# --- 2. a yes to a question about rooms changed since is asked again, never applied stale --------


async def test_a_yes_after_the_rooms_were_changed_since_asks_again_and_writes_nothing(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    world = World.model_validate_json(TRIAL.read_text(encoding="utf-8"))
    async with bot_on(sandbox, world, tmp_path) as bot:
        asked = await bot.say("set 12A to 14A at Thames to dance")
        assert asked.kind == ReplyKind.CONFIRM, asked.headline
        newer = await bot.say("set all rooms at thames to lullabies")
        assert newer.kind == ReplyKind.SUCCESS, newer.headline
        after_newer = bot.snapshot()
        # a change made since: a bare yes no longer reaches the older confirmation (trial 6) ...
        late = await bot.say("yes")
        assert late.kind != ReplyKind.SUCCESS and bot.snapshot() == after_newer, late.headline
        # ... its own button does, and asks again since its rooms were changed
        again = await bot.say(asked.actions[0].value)
        assert again.kind == ReplyKind.CONFIRM, again.headline
        assert "Rooms 12A, 14A were changed since you were asked" in again.headline
        assert "set all rooms at thames to lullabies" in again.headline
        assert bot.snapshot() == after_newer  # the newer change stands
        done = await bot.say("yes")  # asked again, and answered: now it is meant
        assert done.kind == ReplyKind.SUCCESS and "Dance" in done.headline, done.headline


# --- 3. "to jazz and pop" is two stations, never a room named Pop at another property ------------


@pytest.fixture(scope="module")
def atelier() -> WorldReader:
    return _world(TRIAL_B)


@pytest.mark.parametrize(
    "text",
    ["set Monet, Klimt-2 at atelier to jazz and pop", "set Monet, Klimt-2 at atelier to jazz, pop"],
)
def test_a_second_station_after_the_first_is_one_station_per_request_never_a_room(
    atelier: WorldReader, text: str
) -> None:
    assert not _writes(atelier.read(text))
    reply = _answer(atelier, text)
    assert "one station per request" in reply.headline, reply.headline
    assert "Backpackers" not in reply.headline + " ".join(a.label for a in reply.actions)


# --- 4. a room named like a station or a command word, before "at <property> to <station>" -------


@pytest.fixture(scope="module")
def hanami() -> WorldReader:
    return _world(TRIAL)


@pytest.mark.parametrize(
    ("text", "rooms", "prop", "station"),
    [
        ("set Country at atelier to pop", ["Country"], "Atelier Boutique Boston", "Pop"),
        ("set Pop and Bunk#7 at backpackers to dance", ["Bunk#7", "Pop"],
         "Backpackers Hostel Austin", "Dance"),
    ],
)  # fmt: skip
def test_rooms_named_like_a_station_before_at_property_to_station_are_the_rooms(
    atelier: WorldReader, text: str, rooms: list[str], prop: str, station: str
) -> None:
    assert atelier.read(text) == {
        "intent": "set_station", "rooms": rooms, "property": prop, "station": station,
    }  # fmt: skip


def test_a_room_named_jazz_in_a_list_before_at_property_to_station_is_the_room(
    hanami: WorldReader,
) -> None:
    outcome = hanami.read("set Jazz and Sakura at Hanami to classical")
    assert outcome["rooms"] == ["Jazz", "Sakura"] and outcome["station"] == "Classical", outcome
    assert not _writes(hanami.read("set Jazz to classical"))  # no property said: still asked


# --- 5. a question about a room the index lacks names it, never lists the whole property ---------


def test_a_question_about_an_unknown_room_says_so_with_the_nearest_names(
    atelier: WorldReader,
) -> None:
    text = "what's playing in Klimt at atelier"
    assert atelier.read(text) == {"ask": "room"}
    reply = _answer(atelier, text)
    assert "can't find room klimt" in reply.headline.lower(), reply.headline
    assert [a.label for a in reply.actions] == ["Klimt-2 (Atelier Boutique Boston)"]
    assert len(atelier.read("what's playing at atelier")["rooms"]) == 8  # the property: all of it


def test_replies_say_names_as_the_index_spells_them_or_as_typed(atelier: WorldReader) -> None:
    """A room of the index is said as the index spells it ("klimt" -> "Klimt"); a word the bot did
    not follow or a room it cannot find is said back as the user typed it, never lower-cased."""
    world = json.loads(TRIAL_B.read_text(encoding="utf-8"))
    world["properties"][0]["roomTypes"][0]["rooms"][1]["name"] = "Klimt"  # was Klimt-2
    renamed = WorldReader(world)
    for text in ("what's playing in klimt", "what's playing in KLIMT at atelier"):
        assert "room Klimt at Atelier Boutique Boston" in _answer(renamed, text).headline, text
    assert "find room Klimt at" in _answer(atelier, "what's playing in Klimt at atelier").headline
    # a name typed where a room goes is looked up as a room (trial 17c): said back as typed
    assert "find room Klimt at" in _answer(atelier, "set Klimt at atelier to jazz").headline


# --- 6. "nah" right after a question answers that question, even with confirmations waiting ------


async def test_nah_after_a_question_answers_it_not_the_older_confirmations(
    demo_bot: BotUnderTest,
) -> None:
    first = await demo_bot.say("set all rooms at harbor view to jazz")
    second = await demo_bot.say("set 201-215 at harbor view to classical")
    assert first.kind == second.kind == ReplyKind.CONFIRM, (first.headline, second.headline)
    asked = await demo_bot.say("jazz in 216 at harbor view?")
    assert asked.kind == ReplyKind.QUESTION, asked.headline
    before = demo_bot.snapshot()
    reply = await demo_bot.say("nah")
    assert "forget it" in reply.headline.lower(), reply.headline
    assert demo_bot.snapshot() == before
    waiting = await demo_bot.say("no")  # the newer confirmation still waits; the older was dropped
    assert "Cancelled" in waiting.headline and "201" in waiting.headline, waiting.headline
