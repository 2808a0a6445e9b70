"""Questions as menus (issue 19, item 4) and suggestion buttons that never run a write (item 5 of
"Why"): a question with more than 5 choices is a Slack static_select and a Teams Input.ChoiceSet;
choosing sends the choice's text, as if typed. A suggestion after "I didn't understand" is a button
only when it is read-only.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from fake_slack import FakeSlack
from fake_teams import FakeConnector, message
from slack_support import ALICE, CHANNEL, command_body, form_request, make_app, running_fake
from sqlite_utils import Database

from bot.chat.contract import Message, ProgressSink
from bot.chat.slack.blocks import render_reply
from bot.chat.teams import MESSAGES_PATH, teams_setup
from bot.chat.teams.cards import render_card
from bot.chat.teams.host import TEAMS_HOST_KEY
from bot.clock import FakeClock
from bot.core.shared.replies import Action, ActionKind, Reply, ReplyKind

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

ROOMS = [f"set room {n} at Harbor View Seattle to jazz" for n in range(201, 208)]


class MenuEngine:
    clock = FakeClock()

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def handle(self, msg: Message, progress: ProgressSink | None = None) -> Reply:
        self.asked.append(msg.text)
        if msg.text == "jazz in 20x":
            choices = [Action(kind=ActionKind.CHOICE, label=f"Room {r.split()[2]}", value=r)
                       for r in ROOMS]  # fmt: skip
            return Reply(headline="Which room?", kind=ReplyKind.QUESTION, actions=choices)
        return Reply(headline=f"Done: {msg.text}", kind=ReplyKind.SUCCESS, public=True)


def _select_body(value: str) -> str:
    payload: dict[str, Any] = {
        "type": "block_actions", "team": {"id": "T0001"}, "user": {"id": ALICE},
        "api_app_id": "A0001", "trigger_id": "t-menu",
        "container": {"type": "message", "message_ts": "1700000000.000001", "channel_id": CHANNEL,
                      "is_ephemeral": True},
        "channel": {"id": CHANNEL}, "response_url": "http://127.0.0.1:9/response/menu",
        "actions": [{"type": "static_select", "action_id": "alexa_choice_menu",
                     "block_id": "alexa_menu", "action_ts": "1700000001.2",
                     "selected_option": {"text": {"type": "plain_text", "text": "Room 205"},
                                         "value": value}}],
    }  # fmt: skip
    return urlencode({"payload": json.dumps(payload)})


async def test_slack_question_with_seven_choices_is_a_menu_and_choosing_sends_its_text() -> None:
    engine = MenuEngine()
    fake: FakeSlack
    async with running_fake() as fake:
        app = make_app(fake, engine)  # type: ignore[arg-type]
        await app.async_dispatch(form_request(command_body("jazz in 20x")))
        [question] = fake.of("chat.postEphemeral")
        [menu] = [b for b in question.params["blocks"] if b.get("block_id") == "alexa_menu"]
        [select] = menu["elements"]
        assert select["type"] == "static_select"
        assert [o["value"] for o in select["options"]] == ROOMS
        await app.async_dispatch(form_request(_select_body(ROOMS[4])))
        assert engine.asked[-1] == ROOMS[4]


async def test_teams_question_with_seven_choices_is_a_choice_set_and_submit() -> None:
    engine = MenuEngine()
    connector = await FakeConnector().start()
    app = web.Application()
    teams_setup(engine, Database(memory=True), anonymous=True, env={})(app)
    try:
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            activity = message("jazz in 20x", expect_replies=False, service_url=connector.url)
            assert (await client.post(MESSAGES_PATH, json=activity)).status == 202
            await app[TEAMS_HOST_KEY].drain()
            card = connector.calls[0].card
            [choices] = [b for b in card["body"] if b["type"] == "Input.ChoiceSet"]
            assert [c["value"] for c in choices["choices"]] == ROOMS
            [choose] = card["actions"]
            assert choose["type"] == "Action.Execute" and choose["title"] == "Choose"
            press = message(None, expect_replies=False, service_url=connector.url,
                            reply_to_id="sent-1")  # fmt: skip
            press.update(type="invoke", name="adaptiveCard/action",
                         value={"action": {"type": "Action.Execute", "verb": "alexa",
                                           "data": {"choice": ROOMS[2]}}})  # fmt: skip
            response = await client.post(MESSAGES_PATH, json=press)
            assert response.status == 200
            assert engine.asked[-1] == ROOMS[2]
    finally:
        await connector.close()


def test_a_write_suggestion_is_never_a_button_on_either_platform() -> None:
    reply = Reply(
        headline="Sorry, I didn't understand “blorp”. Nothing was changed.",
        kind=ReplyKind.REFUSAL,
        actions=[
            Action(kind=ActionKind.CHOICE, label="retry failed", value="retry failed"),
            Action(kind=ActionKind.CHOICE, label="add property Bayside", value="add property Bayside"),
            Action(kind=ActionKind.CHOICE, label="what's playing in 204", value="what's playing in 204"),
        ],
    )  # fmt: skip
    slack = render_reply(reply)
    values = [e["value"] for b in slack.blocks if b["type"] == "actions" for e in b["elements"]]
    assert values == ["what's playing in 204"]
    assert "add property Bayside" in json.dumps(slack.blocks)  # shown as text to type
    card = render_card(reply)
    assert [a["data"]["text"] for a in card["actions"]] == ["what's playing in 204"]
