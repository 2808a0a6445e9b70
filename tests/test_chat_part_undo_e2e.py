"""An Undo of one change on a card holding several (one message's parts, each with its Undo) puts
back that change only, and the card keeps the other changes and their buttons: its result comes
under it (found by scripts/press_matrix.py: one Undo replaced the card of two changes with its own
result, and the other change's Undo could no longer be seen).

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

# 101 and 102 play a station first, so that their Undo has something to put back
BEFORE = "set 101 to country and 102 to country at Harbor View Seattle"
TWO_CHANGES = "set 101 to jazz and 102 to pop at Harbor View Seattle"


@pytest.fixture
async def runtime() -> AsyncIterator[Runtime]:
    async with demo_runtime() as (runtime, _server):
        yield runtime


def _undos(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    return [b for b in buttons if b["value"].startswith("undo ")]


async def test_slack_one_undo_of_several_keeps_the_card(runtime: Runtime) -> None:
    fake: FakeSlack
    async with running_fake() as fake:
        app = build_slack_app(
            runtime.engine, bot_token=BOT_TOKEN, signing_secret=SECRET, api_url=fake.api_url,
            process_before_response=True,
        )  # fmt: skip
        for n, text in enumerate((BEFORE, TWO_CHANGES)):
            body = command_body(text, user=DEMO_USER, channel=DEMO_CHANNEL, trigger=f"t-{n}",
                                response_url=fake.response_url(f"c{n}"))  # fmt: skip
            await app.async_dispatch(form_request(body))
        posts = fake.of("chat.postMessage") + fake.of("response")
        card = [c for c in posts if len(_undos(c.params.get("blocks") or [])) == 2][-1]
        first = _undos(card.params["blocks"])[0]
        updates = len(fake.of("chat.update"))
        replaced = [c for c in fake.of("response") if c.params.get("replace_original")]
        press = action_body(first["value"], action_id=first["action_id"], user=DEMO_USER,
                            channel=DEMO_CHANNEL, trigger="t-undo", message_ts="1700000000.000001",
                            response_url=fake.response_url("undo"))  # fmt: skip
        await app.async_dispatch(form_request(press))
        assert len(fake.of("chat.update")) == updates  # the card of two changes was not edited
        assert [c for c in fake.of("response") if c.params.get("replace_original")] == replaced
        said = [str(c.params.get("text")) for c in fake.calls[-3:]]
        assert any("Undone" in text and "101" in text and "102" not in text for text in said), said


async def test_teams_one_undo_of_several_keeps_the_card(runtime: Runtime) -> None:
    connector = await FakeConnector().start()
    app = web.Application()
    teams_setup(runtime.engine, runtime.index.db, anonymous=True, env={})(app)
    try:
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            for text in (BEFORE, TWO_CHANGES):
                said = message(text, user=DEMO_USER, expect_replies=False,
                               service_url=connector.url)  # fmt: skip
                assert (await client.post(MESSAGES_PATH, json=said)).status == 202
                await app[TEAMS_HOST_KEY].drain()
            card = [
                c
                for c in connector.calls
                if sum(a["title"].startswith("Undo") for a in c.card.get("actions", [])) == 2
            ][-1]
            undo = next(a for a in card.card["actions"] if a["title"].startswith("Undo"))
            card_id = f"sent-{connector.calls.index(card) + 1}"  # the fake numbers its posts
            press = message(None, user=DEMO_USER, expect_replies=False, service_url=connector.url,
                            reply_to_id=card_id, activity_id="inv-part")  # fmt: skip
            press.update(type="invoke", name="adaptiveCard/action",
                         value={"action": {"type": "Action.Execute", "verb": undo["verb"],
                                           "data": undo["data"]}, "trigger": "manual"})  # fmt: skip
            calls = len(connector.calls)
            response = await client.post(MESSAGES_PATH, json=press)
            assert response.status == 200
            answer = await response.json()
            await app[TEAMS_HOST_KEY].drain()
            # the press is answered with a note, never with a card that takes the card's place
            assert answer["type"] == "application/vnd.microsoft.activity.message"
            [result] = connector.calls[calls:]
            assert result.method == "POST" and result.activity_id != card_id
            assert "Undone" in card_text(result.card), card_text(result.card)
    finally:
        await connector.close()
