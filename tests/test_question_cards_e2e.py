"""Question cards are bound to their question (issue 19, item 4): "Room 101 exists in 4
properties" comes with one button per property carrying the question's token; pressing one answers
it; pressing the same card again, or after the question was answered by typing, changes nothing and
tells the presser alone. The real engine and sandbox, the real Bolt app against the fake Slack Web
API, the real Agents SDK adapter against the fake connector.
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
from bot.core.access.context import Message
from bot.demo import DEMO_USER, demo_runtime
from bot.runtime import Runtime

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

CHANNEL = "C-ANY"  # bound to no property, so "room 101" is ambiguous


@pytest.fixture
async def runtime() -> AsyncIterator[Runtime]:
    async with demo_runtime() as (runtime, _server):
        yield runtime


def _applied(runtime: Runtime) -> int:
    return sum(1 for e in runtime.services.audit.entries(limit=100) if e.outcome == "ok")


async def test_slack_question_buttons_carry_the_question_and_a_second_press_is_a_note(
    runtime: Runtime,
) -> None:
    fake: FakeSlack
    async with running_fake() as fake:
        app = build_slack_app(runtime.engine, bot_token=BOT_TOKEN, signing_secret=SECRET,
                              api_url=fake.api_url, process_before_response=True)  # fmt: skip
        await app.async_dispatch(form_request(command_body("jazz in 101", user=DEMO_USER,
                                                           channel=CHANNEL)))  # fmt: skip
        [question] = fake.of("chat.postEphemeral")
        [block] = [b for b in question.params["blocks"] if b["type"] == "actions"]
        assert block["block_id"].startswith("alexa_q_q")
        lakeside = next(e for e in block["elements"] if "Lakeside" in e["value"])

        async def press(trigger: str) -> None:
            payload = action_body(lakeside["value"], action_id=lakeside["action_id"],
                                  user=DEMO_USER, channel=CHANNEL, ephemeral=True,
                                  trigger=trigger)  # fmt: skip
            await app.async_dispatch(form_request(payload.replace(
                "alexa_actions_0", block["block_id"])))  # fmt: skip

        await press("q1")
        assert _applied(runtime) == 1
        await press("q2")
        assert _applied(runtime) == 1  # nothing ran a second time
        note = fake.of("chat.postEphemeral")[-1].params["text"]
        assert "no longer open" in note


async def test_typed_answer_still_works_and_closes_the_card(runtime: Runtime) -> None:
    """Answering by typing works; the card's buttons are then stale."""
    engine = runtime.engine

    async def say(text: str, card: str | None = None) -> Any:
        return await engine.handle(Message(text, DEMO_USER, CHANNEL, "slack", card=card))

    asked = await say("jazz in 101")
    assert asked.ref and asked.ref.startswith("q")
    done = await say("Lakeside Chicago")
    assert done.kind.value == "success", done.headline
    late = await say(asked.actions[0].value, card=asked.ref)
    assert late.stale and "no longer open" in late.headline


async def test_teams_question_press_twice(runtime: Runtime) -> None:
    connector = await FakeConnector().start()
    app = web.Application()
    teams_setup(runtime.engine, runtime.index.db, anonymous=True, env={})(app)
    try:
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            first = message("jazz in 101", expect_replies=False, service_url=connector.url,
                            user=DEMO_USER)  # fmt: skip
            assert (await client.post(MESSAGES_PATH, json=first)).status == 202
            await app[TEAMS_HOST_KEY].drain()
            card = connector.calls[0].card
            button = next(a for a in card["actions"] if "Lakeside" in a["title"])
            assert button["data"]["card"].startswith("q")
            answers = []
            for n in range(2):
                press = message(None, expect_replies=False, service_url=connector.url,
                                user=DEMO_USER, reply_to_id="sent-1", activity_id=f"inv-q{n}")  # fmt: skip
                press.update(type="invoke", name="adaptiveCard/action",
                             value={"action": {"type": "Action.Execute", "verb": "alexa",
                                               "data": button["data"]}})  # fmt: skip
                response = await client.post(MESSAGES_PATH, json=press)
                answers.append(await response.json())
                await app[TEAMS_HOST_KEY].drain()
        assert answers[0]["type"] == "application/vnd.microsoft.card.adaptive"
        assert "Lakeside Chicago" in card_text(answers[0]["value"])
        assert answers[1]["type"] == "application/vnd.microsoft.activity.message"
        assert "no longer open" in answers[1]["value"]
        assert _applied(runtime) == 1
    finally:
        await connector.close()
