"""The access policy through the engine (issue 21, item 3): the same answers on every chat
platform, and the issue's three access findings, each tried as staff would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from core_helpers import BotUnderTest, bot_on, config_for, text_of

from bot.core.shared.replies import ReplyKind
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World
from bot.settings import BotConfig, RolesConfig

# --- through the engine, on every platform ----------------------------------------------------------


def hotel_config(world: World) -> BotConfig:
    """boss: admin of the chain; clerk: front desk of the chain. At Kensington Gardens London only:
    lon_admin (admin) and lon_desk (front desk)."""
    config = config_for(world, roles=RolesConfig(admin=["boss"], front_desk=["clerk"]))
    london = next(p for p in config.properties if p.name == "Kensington Gardens London")
    london.admins, london.front_desk = ["lon_admin"], ["lon_desk"]
    return config


@pytest.fixture
async def hotels(
    sandbox: SandboxServer, demo_world: World, tmp_path: Path
) -> AsyncIterator[BotUnderTest]:
    async with bot_on(sandbox, demo_world, tmp_path, config=hotel_config(demo_world)) as bot:
        yield bot


OTHER_HOTELS = ("Harbor View Seattle", "Lakeside Chicago", "Rive Gauche Paris")
REQUESTS = {
    # (request, user) -> refused?
    ("where is 303", "lon_desk"): False,
    ("where is 303", "clerk"): False,
    ("sync", "lon_admin"): True,
    ("sync", "boss"): False,
    ("rooms at Lakeside Chicago", "lon_desk"): True,
    ("rooms at Kensington Gardens London", "lon_desk"): False,
    ("recent changes", "lon_desk"): False,
    ("add room type Loft at Kensington Gardens London", "lon_desk"): True,
    ("add room type Loft at Lakeside Chicago", "lon_admin"): True,
}


@pytest.mark.parametrize("platform", ["console", "slack", "teams"])
async def test_the_same_answers_on_every_platform(hotels: BotUnderTest, platform: str) -> None:
    """The policy does not depend on the chat platform: the same requests get the same refusals
    (and nothing else's names) in the console, Slack and Teams."""
    for (text, user), refused in REQUESTS.items():
        reply = await hotels.say(text, user=user, platform=platform, channel=f"D-{user}")
        assert (reply.kind == ReplyKind.REFUSAL) == refused, (text, user, text_of(reply))
        if user.startswith("lon_") and "Chicago" not in text:
            said = text_of(reply)
            assert not any(h in said for h in OTHER_HOTELS), (text, said)


# --- the three access findings ---------------------------------------------------------------


async def test_a_london_desk_asking_where_s303_is_hears_of_no_other_hotel(
    hotels: BotUnderTest,
) -> None:
    """S303 exists only at Lakeside Chicago: a desk of London alone hears that there is no such
    room (for them), and the close names offered are London's only, never rooms at three hotels it
    has no access to."""
    reply = await hotels.say("where is S303", user="lon_desk")
    said = text_of(reply)
    assert not any(h in said for h in OTHER_HOTELS), said
    assert "303 (Kensington Gardens London)" in said, said
    # the chain's front desk is told where S303 is
    assert "Lakeside Chicago" in text_of(await hotels.say("where is S303", user="clerk"))


async def test_a_property_desk_sees_its_propertys_recent_changes(hotels: BotUnderTest) -> None:
    """A change at London and one at Paris: London's desk sees London's in `recent changes` (it is
    no longer refused as a command of the whole chain), and nothing of Paris."""
    at_london = await hotels.say(
        "set room 303 at Kensington Gardens London to pop", user="boss", channel="C1"
    )
    assert at_london.kind == ReplyKind.SUCCESS, text_of(at_london)
    at_paris = await hotels.say("set room 303 at Rive Gauche Paris to pop", user="boss")
    assert at_paris.kind == ReplyKind.SUCCESS, text_of(at_paris)
    reply = await hotels.say("recent changes", user="lon_desk")
    assert reply.kind != ReplyKind.REFUSAL, text_of(reply)
    assert reply.table is not None
    requests = [row[2] for row in reply.table.rows]
    assert requests == ["set room 303 at Kensington Gardens London to pop"], requests
    everything = await hotels.say("recent changes", user="boss")
    assert everything.table is not None and len(everything.table.rows) >= 2


async def test_an_admin_confirms_a_clerks_change_by_typing_and_the_audit_names_both(
    hotels: BotUnderTest,
) -> None:
    """A clerk asks for a change that needs a yes and walks away; the chain admin types `yes` in
    the same channel: the change is made, logged as the clerk's, with an entry in the admin's name
    saying whose request it confirmed."""
    asked = await hotels.say(
        "clear alarms in all rooms at Kensington Gardens London", user="clerk", channel="C1"
    )
    assert asked.kind == ReplyKind.CONFIRM, text_of(asked)
    done = await hotels.say("yes", user="boss", channel="C1")
    assert done.kind in (ReplyKind.SUCCESS, ReplyKind.SUMMARY), text_of(done)
    entries = hotels.runtime.services.audit.entries(limit=5)
    change = next(e for e in entries if e.command == "ClearAlerts" and e.outcome != "refused")
    assert change.user == "clerk"
    confirmed = next(e for e in entries if e.outcome == "confirmed")
    assert confirmed.user == "boss" and "clerk's request" in confirmed.detail


async def test_an_admin_of_the_property_undoes_a_clerks_change_by_typing(
    hotels: BotUnderTest,
) -> None:
    """London's admin types `undo <change id>` for a clerk's change at London: undone, and the undo
    is logged as the admin's while the undone change stays the clerk's. A change at Paris is not
    London's admin's to undo, and a desk may not undo someone else's."""
    london = await hotels.say("set room 205 at Kensington Gardens London to pop", user="clerk")
    paris = await hotels.say("set room 206 at Rive Gauche Paris to pop", user="clerk")
    assert london.kind == paris.kind == ReplyKind.SUCCESS
    audit = hotels.runtime.services.audit
    london_id, paris_id = (e.id for e in reversed(audit.entries(limit=2)))
    refused = await hotels.say(f"undo {paris_id:06d}", user="lon_admin")
    assert refused.kind == ReplyKind.REFUSAL, text_of(refused)
    assert (await hotels.say(f"undo {london_id:06d}", user="lon_desk")).kind == ReplyKind.REFUSAL
    undone = await hotels.say(f"undo {london_id:06d}", user="lon_admin")
    assert undone.kind == ReplyKind.SUCCESS, text_of(undone)
    undo_entry = audit.entries(limit=1)[0]
    assert undo_entry.user == "lon_admin" and undo_entry.undoes == london_id
    assert audit.get(london_id).user == "clerk"  # type: ignore[union-attr]
