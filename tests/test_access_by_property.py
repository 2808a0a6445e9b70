"""Access by property: roles granted at one property, channels that restrict, deny by default; checked
for every kind of command before anything is sent to Amazon."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from conftest import build_small_world
from core_helpers import BotUnderTest, bot_on, config_for, text_of
from profile_support import CREDENTIALS

from bot.clients.a4b import A4BClient
from bot.core.access.access import Access
from bot.core.shared.commands import Role
from bot.core.shared.replies import ReplyKind
from bot.runtime import _attach_health
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World
from bot.settings import BotConfig, ConfigError, PropertyConfig, RolesConfig, load_config

# Serials as Amazon writes them ("G" and 11 to 15 letters and digits), so `status <serial>` reads one.
SERIALS = {"SA101": "G0HOTELA0101", "SB101": "G0HOTELB0101", "SPARE1": "G0SPARE00001"}


@pytest.fixture
def small_world() -> World:
    """The small world, with real-looking serials for Hotel A's 101, Hotel B's 101 and the spare."""
    world = build_small_world()
    rooms = [r for p in world.properties for t in p.roomTypes for r in t.rooms]
    for device in [d for r in rooms for d in r.devices] + world.unplacedDevices:
        device.serial = SERIALS.get(device.serial, device.serial)
    return world


def chain_config(world: World) -> BotConfig:
    """boss: admin of the chain. At Hotel A only: admin_a, eng_a, desk_a; at Hotel B only: desk_b.
    Hotel B's channel CB restricts; Hotel A's channel CA only defaults."""
    config = config_for(
        world,
        channels={"Hotel A": ["CA"], "Hotel B": ["CB"]},
        roles=RolesConfig(admin=["boss"], engineer=[], front_desk=[]),
    )
    hotel_a, hotel_b = config.properties
    hotel_a.admins, hotel_a.engineers, hotel_a.front_desk = ["admin_a"], ["eng_a"], ["desk_a"]
    hotel_b.front_desk = ["desk_b"]
    hotel_b.restrict_channels = True
    return config


@pytest.fixture
async def chain(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> AsyncIterator[BotUnderTest]:
    async with bot_on(sandbox, small_world, tmp_path, config=chain_config(small_world)) as bot:
        a4b = A4BClient(sandbox.url, credentials=CREDENTIALS, clock=bot.clock)
        bot.runtime.services.a4b = a4b
        _attach_health(bot.runtime)
        try:
            yield bot
        finally:
            await a4b.aclose()


async def refused(bot: BotUnderTest, text: str, user: str, channel: str | None = None) -> str:
    """Say `text`; assert it was refused with nothing sent to Amazon; return what was said."""
    before = bot.snapshot()
    bot.reset_stats()
    reply = await bot.say(text, user=user, channel=channel)
    assert reply.kind == ReplyKind.REFUSAL, text_of(reply)
    assert "Nothing was changed" in reply.headline
    assert bot.mutating_requests() == {} and bot.snapshot() == before
    return reply.headline


async def test_station_changes_and_questions_stay_in_the_granted_property(
    chain: BotUnderTest,
) -> None:
    """desk_a sets and asks at Hotel A; at Hotel B both are refused, naming the property."""
    done = await chain.say("set room 102 at Hotel A to jazz", user="desk_a")
    assert done.kind == ReplyKind.SUCCESS, text_of(done)
    why = await refused(chain, "set room 101 at Hotel B to classic fm", "desk_a")
    assert "front desk role at Hotel B" in why
    assert "Hotel B" in await refused(chain, "what's playing in 204 at Hotel B", "desk_a")


async def test_a_user_of_one_property_needs_not_name_it(chain: BotUnderTest) -> None:
    """Room 204 exists in both hotels: for desk_a it means Hotel A's, without a question."""
    reply = await chain.say("what's playing in 204", user="desk_a")
    assert reply.kind != ReplyKind.QUESTION and "Hotel A" in reply.headline, text_of(reply)


async def test_clearing_alarms_outside_the_grant_is_refused(chain: BotUnderTest) -> None:
    """Clearing alarms in Hotel B's room 204 as desk_a: refused, the alarms stay."""
    await refused(chain, "clear alarms in 204 at Hotel B", "desk_a")
    assert chain.room("Hotel B", "204").alarms == 0 and chain.room("Hotel A", "204").alarms == 3
    stranger = await chain.say("clear alarms in 204 at Hotel A", user="stranger")
    assert stranger.kind == ReplyKind.REFUSAL and chain.room("Hotel A", "204").alarms == 3


async def test_hierarchy_changes_need_the_role_at_that_property(chain: BotUnderTest) -> None:
    """admin_a adds a room at Hotel A; at Hotel B, renames, adds and reads are refused; adding a
    property covers the chain, so it needs [roles] admin."""
    added = await chain.say("add room 250 to King at Hotel A", user="admin_a")
    assert added.kind == ReplyKind.SUCCESS, text_of(added)
    await refused(chain, "add room 250 to Double at Hotel B", "admin_a")
    await refused(chain, "rename room 101 to 111 at Hotel B", "admin_a")
    await refused(chain, "room types at Hotel B", "admin_a")
    assert "whole chain" in await refused(chain, "add property Canal Side", "admin_a")
    assert "whole chain" in await refused(chain, "delete property Hotel A", "admin_a")


async def test_device_health_stays_in_the_granted_property(chain: BotUnderTest) -> None:
    """eng_a's `offline devices` means Hotel A; naming Hotel B, or its room, is refused."""
    mine = await chain.say("offline devices", user="eng_a")
    assert mine.kind != ReplyKind.REFUSAL and "Hotel B" not in text_of(mine), text_of(mine)
    await refused(chain, "offline devices at Hotel B", "eng_a")
    await refused(chain, "status room 204 at Hotel B", "eng_a")
    await refused(chain, "uptime Hotel B 7d", "eng_a")
    await refused(chain, "history 204 at Hotel B 3d", "eng_a")
    mine = await chain.say("history 204 3d", user="eng_a")
    assert mine.kind != ReplyKind.REFUSAL and "Hotel B" not in text_of(mine), text_of(mine)


async def test_account_wide_commands_need_a_chain_role(chain: BotUnderTest) -> None:
    """Room profiles, users and sync belong to the whole account: refused for a one-hotel admin."""
    for text in ("profiles", "set profile Lobby max volume 7", "find user maria", "sync"):
        assert "whole chain" in await refused(chain, text, "admin_a"), text
    listed = await chain.say("profiles", user="boss")
    assert listed.kind != ReplyKind.REFUSAL, text_of(listed)


async def test_a_restricting_channel_acts_on_its_property_only(chain: BotUnderTest) -> None:
    """In Hotel B's channel even the chain admin cannot change Hotel A; Hotel A's channel only
    defaults, so from there the admin can reach Hotel B."""
    why = await refused(chain, "set room 101 at Hotel A to jazz", "boss", channel="CB")
    assert "This channel is for Hotel B only" in why
    here = await chain.say("set room 101 to classic fm", user="boss", channel="CB")
    assert here.kind == ReplyKind.SUCCESS and "Hotel B" in here.headline, text_of(here)
    there = await chain.say("set room 204 at Hotel B to classic fm", user="boss", channel="CA")
    assert there.kind == ReplyKind.SUCCESS, text_of(there)


async def test_listings_show_only_the_granted_properties(chain: BotUnderTest) -> None:
    """`properties` and `find room` show desk_a Hotel A only; the chain admin sees both."""
    assert "Hotel B" not in text_of(await chain.say("properties", user="desk_a"))
    found = text_of(await chain.say("find room 204", user="desk_a"))
    assert "Hotel A" in found and "Hotel B" not in found
    assert "Hotel B" in text_of(await chain.say("find room 204", user="boss"))
    assert "Hotel A" not in text_of(await chain.say("properties", user="boss", channel="CB"))


async def test_property_place_needs_the_admin_role_there(chain: BotUnderTest) -> None:
    """Setting a property's country is an admin change at that property."""
    await refused(chain, "set Hotel B country FR", "admin_a")


def test_without_chain_roles_property_grants_deny_everyone_else() -> None:
    """No [roles] but per-property lists: a stranger has no role; with [roles] that omits
    front_desk, front desk is not everyone either."""
    props = [PropertyConfig(name="Hotel A", front_desk=["desk_a"])]
    for roles in (None, RolesConfig(admin=["boss"])):
        access = Access(roles, properties=props)
        assert access.role_of("stranger") is None
        assert access.role_of("desk_a") == Role.FRONT_DESK
    assert Access(None).role_of("anyone") == Role.FRONT_DESK  # unchanged without any grants


def test_bad_access_settings_name_the_file_and_key(tmp_path: Path) -> None:
    """A role list that is not a list, and restrict_channels without channels, are refused."""
    path = tmp_path / "bot.toml"
    path.write_text('[[properties]]\nname = "Hotel A"\nadmins = "U1"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"properties\.0\.admins"):
        load_config(path)
    path.write_text(
        '[[properties]]\nname = "Hotel A"\nrestrict_channels = true\n', encoding="utf-8"
    )
    with pytest.raises(
        ConfigError, match=r"restrict_channels = true needs the property's channels"
    ):
        load_config(path)
    path.write_text(
        '[[properties]]\nname = "Hotel A"\nchannels = ["CA"]\nrestrict_channels = true\n'
        'front_desk = ["U2"]\nengineers = ["U3"]\n',
        encoding="utf-8",
    )
    loaded = load_config(path).properties[0]
    assert loaded.restrict_channels and loaded.front_desk == ["U2"] and loaded.engineers == ["U3"]


def test_a_property_named_by_its_id_restricts_its_channel_to_itself() -> None:
    """bot.toml may give a property's id as its name: the channel still accepts that property."""
    from bot.index.lookup import PropertyRef

    access = Access(
        None, properties=[PropertyConfig(name="amzn1.X", channels=["C1"], restrict_channels=True)]
    )
    same = PropertyRef("amzn1.X", "Hotel X", None, "US", "UTC")
    other = PropertyRef("amzn1.Y", "Hotel Y", None, "US", "UTC")
    assert access.refusal("u", "C1", Role.FRONT_DESK, [same]) is None
    why = access.refusal("u", "C1", Role.FRONT_DESK, [other])
    assert why is not None and "Hotel Y" in why


async def test_a_device_of_another_property_is_refused_by_serial(chain: BotUnderTest) -> None:
    """eng_a asks by serial: Hotel A's device is answered, Hotel B's and the unplaced spare are
    refused (an unplaced device is for chain-wide engineers); the chain admin sees all three."""
    for text in ("status G0HOTELA0101", "history G0HOTELA0101 3d"):
        mine = await chain.say(text, user="eng_a")
        assert mine.kind != ReplyKind.REFUSAL and "G0HOTELA0101" in text_of(mine), text_of(mine)
    theirs = ("G0HOTELB0101", "G0SPARE00001")
    for text in [f"{verb} {serial}" for serial in theirs for verb in ("status", "history")]:
        assert "Nothing was changed" in await refused(chain, text, "eng_a")
    assert "Hotel B" in await refused(chain, "status G0HOTELB0101", "eng_a")
    for text in ("status G0HOTELB0101", "history G0HOTELB0101 3d", "status G0SPARE00001"):
        seen = await chain.say(text, user="boss")
        assert seen.kind != ReplyKind.REFUSAL, text_of(seen)


async def test_a_missing_room_names_only_the_granted_properties(chain: BotUnderTest) -> None:
    """Room 205 is Hotel A's only: desk_b (Hotel B only) is not told it exists at Hotel A; the
    chain admin is offered it."""
    reply = await chain.say("set room 205 to jazz", user="desk_b")
    assert "Hotel A" not in text_of(reply), text_of(reply)
    offered = await chain.say("set room 205 at Hotel B to jazz", user="boss")
    assert "Hotel A" in text_of(offered), text_of(offered)
