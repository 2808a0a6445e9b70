"""`show object type GuestStay` says its times in words in the viewer's property timezone (the
property the channel is bound to), else in UTC; never as "2025-01-01 00:00 UTC"."""

from __future__ import annotations

import re
from pathlib import Path

from core_helpers import config_for, text_of
from profile_support import profile_bot

from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World
from bot.settings import RolesConfig

ISO_LIKE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


async def test_times_are_in_words_in_utc_without_a_bound_channel(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """No channel: the Created line is a spoken time with "UTC", not an ISO-like stamp."""
    async with profile_bot(sandbox, small_world, tmp_path) as pbot:
        text = text_of(await pbot.say("show object type GuestStay"))
    created = next(line for line in text.splitlines() if "Created:" in line)
    assert created.rstrip().endswith("UTC"), created
    assert not ISO_LIKE.search(created), created


async def test_times_follow_the_bound_property_timezone(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """In a channel bound to a property, the times are in that property's zone (its abbreviation)."""
    first = small_world.properties[0]
    async with profile_bot(sandbox, small_world, tmp_path) as pbot:
        pbot.bot.runtime.services.config = config_for(
            small_world,
            channels={first.name: ["desk"]},
            roles=RolesConfig(admin=["alice"], front_desk=["*"]),
        )
        reply = await pbot.bot.say("show object type GuestStay", channel="desk")
    created = next(line for line in text_of(reply).splitlines() if "Created:" in line)
    assert first.timezone == "America/New_York"
    assert not ISO_LIKE.search(created), created
    assert created.split()[-1] in {"EST", "EDT"}, created
