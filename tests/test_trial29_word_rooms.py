"""Round 29's proposed-wrong replies, end to end (tests/worlds/trial29a.json: a boutique hotel with
rooms named Spa, Terrace, Kitchen, Library beside rooms 1-14, and an inn in Bath).

A message that names rooms of its own, asked about because a word of it is also a room's name, is
a new request: it never gives its station to the change still waiting for a yes."""

from __future__ import annotations

from pathlib import Path

from core_helpers import bot_on, config_for

from bot.core.shared.replies import ReplyKind
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World

WORLD = Path(__file__).parent / "worlds" / "trial29a.json"
MAGNOLIA = "Magnolia House Savannah"


async def test_a_question_about_word_rooms_never_changes_the_waiting_request(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    world = World.model_validate_json(WORLD.read_text(encoding="utf-8"))
    config = config_for(world, channels={MAGNOLIA: ["front-desk"]})
    async with bot_on(sandbox, world, tmp_path, config=config) as bot:
        waiting = await bot.say("set all rooms to jazz", channel="front-desk")
        assert waiting.kind == ReplyKind.CONFIRM, waiting.headline
        asked = await bot.say(
            "put on some classical for the spa guests in Terrace", channel="front-desk"
        )
        assert asked.kind == ReplyKind.QUESTION, asked.headline
        assert "Spa" in asked.headline and "Terrace" in asked.headline
        assert "instead of" not in " ".join(asked.notes)
        # the change waiting is left to its card's buttons (round 30b): a yes typed now is about
        # the question, so nothing is changed, never the waiting change with Classical
        assert any("buttons" in note for note in asked.notes), asked.notes
        before = bot.snapshot()
        await bot.say("yes", channel="front-desk")
        assert bot.snapshot() == before


async def test_it_in_a_message_naming_its_own_rooms_never_means_the_rooms_read_before(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Round 29: "set it to classical" in a message about room 12 proposed Office and Corner, the
    rooms of the read before."""
    world = World.model_validate_json(WORLD.read_text(encoding="utf-8"))
    config = config_for(world, channels={MAGNOLIA: ["front-desk"]})
    async with bot_on(sandbox, world, tmp_path, config=config) as bot:
        await bot.say("what's playing in Office and Corner", channel="front-desk")
        asked = await bot.say(
            "the studio guests are complaining about the music in 12, set it to classical",
            channel="front-desk",
        )
        assert asked.kind == ReplyKind.QUESTION, asked.headline
        assert "Office" not in asked.headline and "12" in asked.headline, asked.headline


async def test_a_wish_for_music_in_a_room_never_answers_an_older_which_room(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Round 29b: "country" got "Which room?"; "guest in 207 wants music" then set 207 to Country.
    A message that names its rooms and wants music is a request of its own: its station is asked."""
    demo = Path(__file__).parent.parent / "bot" / "sandbox" / "worlds" / "demo.json"
    world = World.model_validate_json(demo.read_text(encoding="utf-8"))
    config = config_for(world, channels={"Harbor View Seattle": ["front-desk"]})
    async with bot_on(sandbox, world, tmp_path, config=config) as bot:
        await bot.say("country", channel="front-desk")
        before = bot.snapshot()
        asked = await bot.say("guest in 207 wants music", channel="front-desk")
        assert asked.kind == ReplyKind.QUESTION, asked.headline
        assert "Which station" in asked.headline
        assert bot.snapshot() == before


async def test_a_correction_after_a_refused_change_is_of_that_change(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Round 29b: `sorry i meant 219` after `change the station in 999 to jazz` (no room 999)
    proposed Pop, the station of an older change."""
    demo = Path(__file__).parent.parent / "bot" / "sandbox" / "worlds" / "demo.json"
    world = World.model_validate_json(demo.read_text(encoding="utf-8"))
    config = config_for(world, channels={"Harbor View Seattle": ["front-desk"]})
    async with bot_on(sandbox, world, tmp_path, config=config) as bot:
        await bot.say("set 207 and 209 to pop", channel="front-desk")
        refused = await bot.say("change the station in 999 to jazz", channel="front-desk")
        assert "Nothing was changed" in refused.headline
        asked = await bot.say("sorry i meant 219", channel="front-desk")
        assert asked.kind == ReplyKind.QUESTION, asked.headline
        assert asked.headline.startswith("Set room 219 to Jazz?"), asked.headline
        await bot.say("yes", channel="front-desk")
        assert bot.station("Harbor View Seattle", "219") == ("I_HEART_RADIO", "4242")


async def test_great_now_another_room_too_makes_the_same_change_there(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The third hunt: "great, now 205 too" set 205 to Great Hits (UK)."""
    demo = Path(__file__).parent.parent / "bot" / "sandbox" / "worlds" / "demo.json"
    world = World.model_validate_json(demo.read_text(encoding="utf-8"))
    async with bot_on(sandbox, world, tmp_path) as bot:
        await bot.say("set 204 at kensington gardens london to jazz")
        jazz = bot.station("Kensington Gardens London", "204")
        await bot.say("great, now 205 too")
        assert jazz is not None and bot.station("Kensington Gardens London", "205") == jazz


async def test_a_yes_after_a_question_with_choices_never_confirms_an_older_change(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Round 30b: a yes typed after "Did you mean rooms 210, 211?" cleared 215's alarms, the
    confirmation asked before it."""
    demo = Path(__file__).parent.parent / "bot" / "sandbox" / "worlds" / "demo.json"
    world = World.model_validate_json(demo.read_text(encoding="utf-8"))
    config = config_for(world, channels={"Harbor View Seattle": ["front-desk"]})
    async with bot_on(sandbox, world, tmp_path, config=config) as bot:
        waiting = await bot.say("clear the alarms in 215 tonight at 11", channel="front-desk")
        assert waiting.kind == ReplyKind.CONFIRM, waiting.headline
        asked = await bot.say("set 210 to jazz like 211", channel="front-desk")
        assert asked.kind == ReplyKind.QUESTION and len(asked.actions) == 2, asked.headline
        before = bot.snapshot()
        reply = await bot.say("yes", channel="front-desk")
        assert reply.kind == ReplyKind.QUESTION, reply.headline
        assert bot.snapshot() == before
