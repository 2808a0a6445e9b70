"""Wording from the new-user trial: existing names, refusals, cancellations, plurals, flapping scope."""

from __future__ import annotations

from pathlib import Path

from core_helpers import BotUnderTest, bot_on, config_for, text_of

from bot.core.shared.replies import ReplyKind
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World
from bot.settings import RolesConfig


async def test_adding_or_renaming_onto_an_existing_name_is_refused_before_amazon(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """Adding a room, room type or property whose name exists, or renaming a room onto an
    existing room of the same property, is answered from the index and calls no mutating API."""
    roles = RolesConfig(admin=["boss"])
    async with bot_on(
        sandbox, small_world, tmp_path, config=config_for(small_world, roles=roles)
    ) as bot:
        cases = {
            "add room 204 to King at Hotel A": "Room 204 already exists at Hotel A.",
            "rename room 101 to 205 at Hotel A": "Room 205 already exists at Hotel A.",
            "add room type King at Hotel A": "Room type King already exists at Hotel A.",
            "add property Hotel B": "Property Hotel B already exists.",
        }
        for text, expected in cases.items():
            reply = await bot.say(text, user="boss")
            assert reply.headline == f"{expected} Nothing was changed.", text_of(reply)
            assert reply.kind == ReplyKind.ERROR
        assert bot.mutating_requests() == {}
        # a name that exists only in another property is fine there
        added = await bot.say("add room 205 to Double at Hotel B", user="boss")
        assert added.headline == "Done: added room 205 to Double at Hotel B.", text_of(added)
        prop = await bot.say("add property Test Inn", user="boss")
        assert prop.headline == "Done: added property Test Inn.", text_of(prop)


async def test_role_refusal_names_who_the_command_is_for(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """A refusal names the role the command needs and the user's role, not the help's rule summary."""
    roles = RolesConfig(admin=["boss"], front_desk=["*"])
    async with bot_on(
        sandbox, small_world, tmp_path, config=config_for(small_world, roles=roles)
    ) as bot:
        reply = await bot.say("offline devices", user="desk")
        assert reply.kind == ReplyKind.REFUSAL
        assert reply.headline == (
            "Sorry, that command needs the engineer role; you are front desk. Nothing was changed."
        )
        admin_only = await bot.say("delete room 204 at Hotel A", user="desk")
        assert "that command needs the admin role" in admin_only.headline


async def test_cancel_repeats_the_question_as_a_plain_clause(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """Cancelling states what was not done, without the question mark or the warning after it."""
    roles = RolesConfig(admin=["boss"])
    async with bot_on(
        sandbox, small_world, tmp_path, config=config_for(small_world, roles=roles)
    ) as bot:
        await bot.say("delete room 102 at Hotel A", user="boss")
        reply = await bot.say("no", user="boss")
        assert reply.headline == "Cancelled: delete room 102 at Hotel A. Nothing was changed."


async def test_counts_of_one_are_singular(small_bot: BotUnderTest) -> None:
    """Headlines with a count of one use the singular ("1 room", not "1 rooms")."""
    reply = await small_bot.say("rooms of room type King at Hotel A")
    assert reply.headline.startswith("4 rooms")
    small_bot.runtime.index.delete_room(small_bot.room("Hotel B", "204").id)
    one = await small_bot.say("rooms at Hotel B")
    assert one.headline == "1 room at Hotel B:", text_of(one)
