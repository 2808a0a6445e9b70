"""`bot serve`'s Slack fast-ack path hands one person's messages to the engine in arrival order:
`undo` posted right after a change (acknowledged before either has run) undoes that change."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from core_helpers import bot_on, config_for
from slack_support import BOT_TOKEN, SECRET, command_body, running_fake, sign

from bot.chat.slack import build_slack_app
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World
from bot.web import build_web_app

# the Agents SDK's JWT middleware keeps its claims under a string key (aiohttp 3.14 warns)
pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

HV = "Harbor View Seattle"
CHANNEL = "C0FRONTDESK"


async def test_undo_right_after_a_change_over_slack_http_undoes_that_change(
    sandbox: SandboxServer, demo_world: World, tmp_path: Path
) -> None:
    config = config_for(demo_world, channels={HV: [CHANNEL]})
    async with bot_on(sandbox, demo_world, tmp_path, config=config) as bot, running_fake() as fake:
        await bot.say(
            f"set room 101 at {HV} to pop", user="UALICE", channel=CHANNEL, platform="slack"
        )
        bot.server.sandbox.faults.update(latency_ms=30)
        slack_app = build_slack_app(
            bot.runtime.engine, bot_token=BOT_TOKEN, signing_secret=SECRET, api_url=fake.api_url,
            clock=bot.clock,
        )  # fmt: skip
        app = build_web_app(
            bot.runtime.engine, slack_app=slack_app, is_ready=lambda: True, signing_secret=SECRET
        )
        async with TestClient(TestServer(app, host="127.0.0.1")) as http:
            for text, trigger in ((f"set room 102 at {HV} to jazz", "o-1"), ("undo", "o-2")):
                body = command_body(text, user="UALICE", channel=CHANNEL, trigger=trigger,
                                    response_url=fake.response_url(trigger))  # fmt: skip
                headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
                assert (await http.post("/slack/events", data=body, headers=headers)).status == 200
            for _ in range(500):  # both are acknowledged; wait for the work to finish
                entries = bot.runtime.services.audit.entries()
                if len(entries) >= 3 and entries[0].finished:
                    break
                await asyncio.sleep(0.02)
        undo = bot.runtime.services.audit.entries(limit=1)[0]
        assert undo.command == "Undo"
        assert bot.station(HV, "102") == ("I_HEART_RADIO", "4802")  # back on Top 40
        assert bot.station(HV, "101") == ("I_HEART_RADIO", "4422")  # the earlier change stays


async def test_undo_right_after_a_change_over_teams_undoes_that_change(
    sandbox: SandboxServer, demo_world: World, tmp_path: Path
) -> None:
    """The same through the Teams host: both activities are accepted (202) before either runs."""
    from aiohttp import web
    from fake_teams import FakeConnector, message

    from bot.chat.teams import MESSAGES_PATH, teams_setup
    from bot.chat.teams.host import TEAMS_HOST_KEY

    async with bot_on(sandbox, demo_world, tmp_path) as bot:
        connector = await FakeConnector().start()
        app = web.Application()
        teams_setup(bot.runtime.engine, bot.runtime.index.db, anonymous=True, env={})(app)
        try:
            async with TestClient(TestServer(app, host="127.0.0.1")) as client:
                first = message(f"set room 101 at {HV} to pop", expect_replies=False,
                                service_url=connector.url)  # fmt: skip
                assert (await client.post(MESSAGES_PATH, json=first)).status == 202
                await app[TEAMS_HOST_KEY].drain()
                bot.server.sandbox.faults.update(latency_ms=30)
                for text in (f"set room 102 at {HV} to jazz", "undo"):
                    activity = message(text, expect_replies=False, service_url=connector.url)
                    assert (await client.post(MESSAGES_PATH, json=activity)).status == 202
                await app[TEAMS_HOST_KEY].drain()
        finally:
            await connector.close()
        assert bot.station(HV, "102") == ("I_HEART_RADIO", "4802")
        assert bot.station(HV, "101") == ("I_HEART_RADIO", "4422")
