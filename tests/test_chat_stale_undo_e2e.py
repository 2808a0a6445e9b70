"""An Undo pressed on an older result, while a newer change of the same room is in effect, asks
before acting, and the question never takes the result's place (issue 19, item 2; found by
scripts/press_matrix.py: the older "Done" card was replaced for everyone by the question).

Slack: the real Bolt app against the fake Web API with signed requests; Teams: the real Agents SDK
adapter against the fake connector; the real engine on the demo sandbox for both.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from fake_slack import FakeSlack
from fake_teams import FakeConnector, card_text, message
from slack_support import BOT_TOKEN, SECRET, action_body, command_body, form_request, running_fake

from bot.chat.slack import build_slack_app
from bot.chat.teams import MESSAGES_PATH, teams_setup
from bot.chat.teams.host import TEAMS_HOST_KEY
from bot.demo import DEMO_CHANNEL, DEMO_USER, demo_runtime
from bot.runtime import Runtime

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

ROOM = "room 101 at Harbor View Seattle"


@pytest.fixture
async def runtime() -> AsyncIterator[Runtime]:
    async with demo_runtime() as (runtime, _server):
        yield runtime


def _undo(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    return next(b for b in buttons if b["action_id"].startswith("alexa_undo"))


async def test_slack_a_stale_undo_asks_the_presser_and_the_result_stays(runtime: Runtime) -> None:
    """Room 101 is set to jazz, pop, then country; Undo on the pop result asks the presser alone
    whether to put back jazz anyway, and the pop result message is not edited."""
    fake: FakeSlack
    async with running_fake() as fake:
        app = build_slack_app(
            runtime.engine, bot_token=BOT_TOKEN, signing_secret=SECRET, api_url=fake.api_url,
            process_before_response=True,
        )  # fmt: skip
        for n, station in enumerate(("jazz", "pop", "country")):
            body = command_body(f"set {ROOM} to {station}", user=DEMO_USER, channel=DEMO_CHANNEL,
                                trigger=f"t-{n}", response_url=fake.response_url(f"c{n}"))  # fmt: skip
            await app.async_dispatch(form_request(body))
        posts = fake.of("chat.postMessage") + fake.of("response")
        [older] = [c for c in posts if "now plays Pop" in str(c.params.get("text"))]
        undo = _undo(older.params["blocks"])
        updates = len(fake.of("chat.update"))
        replaced = [c for c in fake.of("response") if c.params.get("replace_original")]
        press = action_body(undo["value"], action_id=undo["action_id"], user=DEMO_USER,
                            channel=DEMO_CHANNEL, trigger="t-undo", message_ts="1700000000.000001",
                            response_url=fake.response_url("undo"))  # fmt: skip
        await app.async_dispatch(form_request(press))
        assert len(fake.of("chat.update")) == updates  # the result message was not edited
        assert [c for c in fake.of("response") if c.params.get("replace_original")] == replaced
        asked = fake.of("chat.postEphemeral")[-1].params
        assert asked["user"] == DEMO_USER
        assert "changed 1 room since" in asked["text"], asked["text"]


async def test_teams_a_stale_undo_asks_under_the_card_and_the_result_stays(
    runtime: Runtime,
) -> None:
    """The same in Teams: the press is answered with a note, the question is a new card under
    the result card, and the result card is neither replaced nor edited."""
    connector = await FakeConnector().start()
    app = web.Application()
    teams_setup(runtime.engine, runtime.index.db, anonymous=True, env={})(app)
    try:
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            for station in ("jazz", "pop", "country"):
                said = message(f"set {ROOM} to {station}", user=DEMO_USER, expect_replies=False,
                               service_url=connector.url)  # fmt: skip
                assert (await client.post(MESSAGES_PATH, json=said)).status == 202
                await app[TEAMS_HOST_KEY].drain()
            [older] = [c for c in connector.calls if "now plays Pop" in card_text(c.card)]
            undo = next(a for a in older.card["actions"] if a["title"].startswith("Undo"))
            older_id = f"sent-{connector.calls.index(older) + 1}"  # the fake numbers its posts
            press = message(None, user=DEMO_USER, expect_replies=False, service_url=connector.url,
                            reply_to_id=older_id, activity_id="inv-stale")  # fmt: skip
            press.update(type="invoke", name="adaptiveCard/action",
                         value={"action": {"type": "Action.Execute", "verb": undo["verb"],
                                           "data": undo["data"]}, "trigger": "manual"})  # fmt: skip
            calls = len(connector.calls)
            response = await client.post(MESSAGES_PATH, json=press)
            assert response.status == 200
            answer = await response.json()
            await app[TEAMS_HOST_KEY].drain()
            assert answer["type"] == "application/vnd.microsoft.activity.message"
            [question] = connector.calls[calls:]
            assert question.method == "POST" and question.activity_id != older_id
            assert "changed 1 room since" in card_text(question.card)
    finally:
        await connector.close()
