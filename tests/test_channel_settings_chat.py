"""Channel settings from chat (issue 19, item 8): an admin says `set digest channel here` or
`bind this channel to <property>` in a channel; it is stored in the database, takes effect at once,
survives a restart (laid over bot.toml at start-up), is listed by `bot doctor`'s lines, and is
refused to anyone who is not an admin. The real engine against the demo sandbox.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.core.access.context import Message
from bot.core.commands.channel_settings import apply_channel_settings, describe_settings
from bot.core.shared.replies import Reply, ReplyKind
from bot.demo import DEMO_USER, demo_runtime
from bot.runtime import Runtime
from bot.settings import BotConfig

HARBOR = "Harbor View Seattle"


@pytest.fixture
async def runtime() -> AsyncIterator[Runtime]:
    async with demo_runtime() as (runtime, _server):
        yield runtime


async def say(
    runtime: Runtime, text: str, *, user: str = DEMO_USER, channel: str = "C-NEW"
) -> Reply:
    return await runtime.engine.handle(Message(text, user, channel, "slack"))


async def test_admin_sets_the_digest_channel_here(runtime: Runtime) -> None:
    reply = await say(runtime, f"set digest channel here for {HARBOR}")
    assert reply.kind == ReplyKind.SUCCESS, reply.headline
    prop = runtime.config.property_named(HARBOR)
    assert prop is not None and prop.digest_channel == "C-NEW"
    [line] = describe_settings(runtime.services.settings)
    assert "digest channel of Harbor View Seattle: C-NEW" in line and DEMO_USER in line
    fresh = BotConfig()  # what a restart with an empty bot.toml would see
    apply_channel_settings(fresh, runtime.services.settings)
    assert [(p.name, p.digest_channel) for p in fresh.properties] == [(HARBOR, "C-NEW")]


async def test_binding_a_channel_makes_its_requests_default_to_the_property(
    runtime: Runtime,
) -> None:
    reply = await say(runtime, f"bind this channel to {HARBOR}", channel="C-BIND")
    assert reply.kind == ReplyKind.SUCCESS, reply.headline
    bound = runtime.config.property_for_channel("C-BIND")
    assert bound is not None and bound.name == HARBOR
    answer = await say(runtime, "what's playing in room 101", channel="C-BIND")
    assert answer.kind == ReplyKind.INFO and HARBOR in answer.headline + str(answer.fields), answer


async def test_someone_not_an_admin_is_refused_and_nothing_is_stored(runtime: Runtime) -> None:
    reply = await say(runtime, "set digest channel here", user="UFRONTDESK")
    assert reply.kind == ReplyKind.REFUSAL
    assert describe_settings(runtime.services.settings) == []


async def test_the_console_is_told_channel_settings_are_made_in_slack_or_teams(
    runtime: Runtime,
) -> None:
    """Round 24: `bind this channel to …` in `bot demo --channel lobby` got "Say this in the channel
    you mean", which was confusing in that very channel; nothing is stored."""
    reply = await runtime.engine.handle(
        Message(f"bind this channel to {HARBOR}", DEMO_USER, "lobby", "console")
    )
    assert reply.kind == ReplyKind.ERROR and "in Slack or Teams" in reply.headline, reply.headline
    assert describe_settings(runtime.services.settings) == []
