"""Who did it, and DMs as DMs (issue 19, item 5): a change announced in a channel names the person
who made it (Slack mention, Teams name); `/alexa` typed in the bot's DM is answered in the DM as a
plain message; in Teams a personal chat carries no name.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from fake_slack import FakeSlack
from fake_teams import FakeConnector, card_text, message
from slack_support import ALICE, FakeEngine, command_body, form_request, make_app, running_fake
from sqlite_utils import Database

from bot.chat.teams import MESSAGES_PATH, teams_setup
from bot.chat.teams.host import TEAMS_HOST_KEY

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")


def _texts(blocks: list[dict[str, Any]]) -> str:
    return " ".join(
        e.get("text", "") for b in blocks if b["type"] == "context" for e in b["elements"]
    )


async def test_slack_channel_announcement_names_the_requester() -> None:
    engine = FakeEngine()
    fake: FakeSlack
    async with running_fake() as fake:
        await make_app(fake, engine).async_dispatch(
            form_request(command_body("set room 204 station jazz"))
        )
        [post] = fake.of("chat.postMessage")
        assert f"Requested by <@{ALICE}>" in _texts(post.params["blocks"])


async def test_slack_command_in_the_bots_dm_is_answered_as_a_dm() -> None:
    """`/alexa help` in the DM: a plain message there (not an ephemeral), without a name."""
    engine = FakeEngine()
    fake: FakeSlack
    async with running_fake() as fake:
        app = make_app(fake, engine)
        await app.async_dispatch(form_request(command_body("help", channel="D0BOTDM")))
        await app.async_dispatch(
            form_request(command_body("set room 204 station jazz", channel="D0BOTDM", trigger="t2"))
        )
        posts = fake.of("chat.postMessage")
        assert [p.params["channel"] for p in posts] == ["D0BOTDM", "D0BOTDM"]
        assert not fake.of("chat.postEphemeral")
        assert "Requested by" not in _texts(posts[1].params["blocks"])


async def _send_all(engine: FakeEngine, activities: list[dict[str, Any]]) -> FakeConnector:
    connector = await FakeConnector().start()
    app = web.Application()
    teams_setup(engine, Database(memory=True), anonymous=True, env={})(app)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        for activity in activities:
            activity["serviceUrl"] = connector.url
            assert (await client.post(MESSAGES_PATH, json=activity)).status == 202
            await app[TEAMS_HOST_KEY].drain()
    await connector.close()
    return connector


async def test_teams_channel_change_names_the_requester_personal_chat_does_not() -> None:
    connector = await _send_all(
        FakeEngine(),
        [
            message("set room 204 station jazz", channel=True, expect_replies=False),
            message("set room 204 station jazz", expect_replies=False),
        ],
    )
    in_channel, personal = connector.calls
    assert "Requested by Dana Desk" in card_text(in_channel.card)
    assert "Requested by" not in card_text(personal.card)
