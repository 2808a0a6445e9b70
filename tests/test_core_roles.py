"""Roles from [roles] in bot.toml: who may do what, refusals are polite and audited."""

from __future__ import annotations

from pathlib import Path

from core_helpers import BotUnderTest, bot_on, config_for, text_of

from bot.core.shared.replies import ReplyKind
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World
from bot.settings import RolesConfig


async def test_without_roles_everyone_is_front_desk(small_bot: BotUnderTest) -> None:
    """No [roles]: anyone may set a station, nobody may add a room (refused, audited, no call)."""
    ok = await small_bot.say("set room 102 at Hotel A to jazz", user="anyone-at-all")
    assert ok.kind == ReplyKind.SUCCESS, text_of(ok)
    small_bot.reset_stats()
    refused = await small_bot.say("add room 250 to King at Hotel A", user="anyone-at-all")
    assert refused.kind == ReplyKind.REFUSAL
    assert "admin" in refused.headline and "front desk" in refused.headline
    assert "Nothing was changed" in refused.headline
    assert small_bot.mutating_requests() == {}
    entry = small_bot.runtime.services.audit.entries(limit=1)[0]
    assert (entry.outcome, entry.user, entry.command) == ("refused", "anyone-at-all", "AddUnit")
    assert "needs role admin" in entry.detail


async def test_unknown_user_is_refused_politely_when_roles_have_no_star(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """With [roles] listing people and no "*", a stranger is refused politely (even for reading),
    and audited."""
    roles = RolesConfig(admin=["boss"], engineer=["eng"], front_desk=["alice"])
    async with bot_on(
        sandbox, small_world, tmp_path, config=config_for(small_world, roles=roles)
    ) as bot:
        before = bot.snapshot()
        reply = await bot.say(
            "set room 102 at Hotel A to jazz", user="stranger", channel="lobby", platform="slack"
        )
        assert reply.kind == ReplyKind.REFUSAL
        assert reply.headline.startswith("Sorry") and "don't know you" in reply.headline
        assert bot.snapshot() == before and bot.mutating_requests() == {}
        entry = bot.runtime.services.audit.entries(limit=1)[0]
        assert (entry.outcome, entry.user, entry.channel, entry.platform) == (
            "refused",
            "stranger",
            "lobby",
            "slack",
        )
        assert entry.text == "set room 102 at Hotel A to jazz"
        listed = await bot.say("properties", user="stranger")
        assert listed.kind == ReplyKind.REFUSAL
        # The people who are listed get through.
        assert (
            await bot.say("set room 102 at Hotel A to jazz", user="alice")
        ).kind == ReplyKind.SUCCESS


async def test_engineer_commands_are_refused_to_front_desk(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """`sync` and device triage need the engineer role: front desk is refused (audited); an engineer
    may sync.
    """
    roles = RolesConfig(engineer=["eng"], front_desk=["*"])
    async with bot_on(
        sandbox, small_world, tmp_path, config=config_for(small_world, roles=roles)
    ) as bot:
        for text in ("sync", "offline devices", "flapping", "status room 204 at Hotel A"):
            reply = await bot.say(text, user="alice")
            assert reply.kind == ReplyKind.REFUSAL, text
            assert "engineer" in reply.headline
        refusals = [e for e in bot.runtime.services.audit.entries() if e.outcome == "refused"]
        assert len(refusals) == 4 and all("needs role engineer" in e.detail for e in refusals)
        synced = await bot.say("sync", user="eng")
        assert synced.kind == ReplyKind.SUCCESS, text_of(synced)
        assert "2 properties" in synced.headline
        hierarchy = await bot.say("add room type Suite at Hotel A", user="eng")
        assert hierarchy.kind == ReplyKind.REFUSAL  # engineers do not change the hierarchy


async def test_admin_changes_the_hierarchy_and_undo_removes_the_added_room(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """An admin adds a room (on the sandbox and in the index), renames it, and undo reverts the
    rename."""
    roles = RolesConfig(admin=["boss"])
    async with bot_on(
        sandbox, small_world, tmp_path, config=config_for(small_world, roles=roles)
    ) as bot:
        added = await bot.say("add room 250 to King at Hotel A", user="boss")
        assert added.kind == ReplyKind.SUCCESS, text_of(added)
        assert bot.room("Hotel A", "250")
        renamed = await bot.say("rename room 250 to 251 at Hotel A", user="boss")
        assert renamed.kind == ReplyKind.SUCCESS, text_of(renamed)
        assert bot.room("Hotel A", "251")
        undone = await bot.say("undo", user="boss")
        assert undone.kind == ReplyKind.SUCCESS and "back to 250" in undone.headline, text_of(
            undone
        )
        assert bot.room("Hotel A", "250") and len(bot.runtime.index.find_rooms("250")) == 1
        undone = await bot.say("undo", user="boss")
        assert undone.kind == ReplyKind.SUCCESS, text_of(undone)
        assert bot.runtime.index.find_rooms("250") == []
        assert not any(r.name == "250" for r in bot.state.world.properties[0].roomTypes[0].rooms)


async def test_demo_local_user_is_admin(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """`bot demo` names its local user admin (Access(local_admin=...)) even if [roles] does not list
    them.
    """
    config = config_for(small_world, roles=RolesConfig(front_desk=["*"]))
    async with bot_on(
        sandbox, small_world, tmp_path, config=config, local_admin="demo-admin"
    ) as bot:
        reply = await bot.say("add room type Suite at Hotel A", user="demo-admin")
        assert reply.kind == ReplyKind.SUCCESS, text_of(reply)
