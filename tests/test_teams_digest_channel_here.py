"""`set digest channel here` said in Teams sends the digest to Teams, even when Slack is configured
too (found by scripts/press_matrix.py in the Agents Playground, whose channel id is not "19:…").

The real engine on the demo sandbox, the real Agents SDK adapter against the fake connector, and the
channel router `bot serve` uses: the stored channel is routed to Teams, and the digest poster posts
it into the conversation the admin spoke in.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from fake_teams import FakeConnector, card_text, message

from bot.chat.teams import MESSAGES_PATH, TeamsDigestPoster, teams_setup
from bot.chat.teams.host import TEAMS_HOST_KEY
from bot.core.shared.replies import Reply, ReplyKind
from bot.demo import DEMO_USER, demo_runtime
from bot.runtime import Runtime
from bot.serving import ChannelRouter

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

HARBOR = "Harbor View Seattle"


@pytest.fixture
async def runtime() -> AsyncIterator[Runtime]:
    async with demo_runtime() as (runtime, _server):
        yield runtime


class RefusingSlack:
    """Slack's poster in the router: a digest routed here is the bug."""

    platform = "slack"

    def render(self, reply: Reply) -> object:
        return reply.headline

    async def post_to_channel(self, channel: str, reply: Reply) -> str:
        raise AssertionError(f"the digest for {channel} went to Slack")

    async def update_in_channel(self, channel: str, message_id: str, reply: Reply) -> None:
        raise AssertionError(f"a post in {channel} was edited on Slack")


async def _say_in_teams(
    runtime: Runtime, connector: FakeConnector, activity: dict[str, Any]
) -> None:
    app = web.Application()
    teams_setup(runtime.engine, runtime.index.db, anonymous=True, env={})(app)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        assert (await client.post(MESSAGES_PATH, json=activity)).status == 202
        await app[TEAMS_HOST_KEY].drain()


async def test_a_digest_channel_set_in_a_teams_chat_is_posted_to_teams(runtime: Runtime) -> None:
    """An admin says `set digest channel here for Harbor View Seattle` in their Teams chat with the
    bot: the setting names a Teams conversation, the router sends the digest to Teams (not to
    Slack, which is configured too), and it arrives in that chat."""
    connector = await FakeConnector().start()
    try:
        said = message(f"set digest channel here for {HARBOR}", user=DEMO_USER,
                       service_url=connector.url, expect_replies=False)  # fmt: skip
        await _say_in_teams(runtime, connector, said)
        assert "nightly digest will be posted in this channel" in card_text(
            connector.calls[-1].card
        )
        prop = runtime.config.property_named(HARBOR)
        assert prop is not None and prop.digest_channel is not None
        router = ChannelRouter(
            {
                "slack": RefusingSlack(),
                "teams": TeamsDigestPoster(runtime.index.db, anonymous=True, env={}),
            }
        )
        assert router.platform_of(prop.digest_channel).name == "teams"
        digest = Reply(headline=f"{HARBOR}: 98% of devices online", kind=ReplyKind.INFO)
        await router.post_to_channel(prop.digest_channel, digest)
        post = connector.calls[-1]
        assert post.path == f"/v3/conversations/{said['conversation']['id']}/activities"
        assert "98% of devices online" in card_text(post.card)
    finally:
        await connector.close()
