"""An offline alert's buttons (Status, History, Mute 1 h) leave the alert as it is: the answer comes
under it (Slack: privately for a look, in the thread for a mute; Teams: a new card), so the card
can still be edited to "Recovered" and pressed again by the next engineer.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from fake_slack import FakeSlack
from fake_teams import FakeConnector, card_text, message
from slack_support import CHANNEL, action_body, form_request, make_app, running_fake
from sqlite_utils import Database

from bot.chat.contract import Message, ProgressSink
from bot.chat.slack.blocks import render_reply
from bot.chat.teams import MESSAGES_PATH, teams_setup
from bot.chat.teams.cards import render_card
from bot.chat.teams.host import TEAMS_HOST_KEY
from bot.clock import FakeClock
from bot.core.shared.replies import Reply, ReplyKind
from bot.health.offline_alerts import alert_reply
from bot.health.sites import Site
from bot.health.store import DeviceRow

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

DEVICE = DeviceRow("arn:1", "G0SERIAL0001", "Echo Dot", "ECHO", "READY", "OFFLINE", None, "p1",
                   "r1", "204", 1_700_000_000.0, 1_700_000_000.0)  # fmt: skip
ALERT = alert_reply(DEVICE, Site("p1", "Harbor View"), 1_700_000_000.0, 1_700_001_200.0, None)


class TriageEngine:
    clock = FakeClock()

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def handle(self, msg: Message, progress: ProgressSink | None = None) -> Reply:
        self.asked.append(msg.text)
        if msg.text.startswith("mute"):
            return Reply(headline="No new offline alerts for G0SERIAL0001 until 11:00.",
                         kind=ReplyKind.SUCCESS)  # fmt: skip
        return Reply(headline=f"Echo Dot in 204: offline ({msg.text})")


def _button(blocks: list[dict[str, Any]], label: str) -> dict[str, Any]:
    return next(e for b in blocks if b["type"] == "actions" for e in b["elements"]
                if e["text"]["text"] == label)  # fmt: skip


async def test_slack_status_is_private_and_mute_goes_to_the_thread_the_alert_stays() -> None:
    engine = TriageEngine()
    blocks = render_reply(ALERT).blocks
    fake: FakeSlack
    async with running_fake() as fake:
        app = make_app(fake, engine)  # type: ignore[arg-type]
        for label, trigger in (("Status", "t1"), ("Mute 1 h", "t2")):
            button = _button(blocks, label)
            body = action_body(button["value"], action_id=button["action_id"], trigger=trigger,
                               message_ts="1700000000.000123")  # fmt: skip
            await app.async_dispatch(form_request(body))
        assert engine.asked == ["status G0SERIAL0001", "mute alerts for G0SERIAL0001 for 1 hour"]
        assert not fake.of("chat.update")  # the alert is never replaced
        [look] = fake.of("chat.postEphemeral")
        assert "offline" in look.params["text"]
        [muted] = fake.of("chat.postMessage")
        assert (muted.params["channel"], muted.params["thread_ts"]) == (
            CHANNEL,
            "1700000000.000123",
        )


async def test_teams_status_press_answers_under_the_alert() -> None:
    engine = TriageEngine()
    status = next(a for a in render_card(ALERT)["actions"] if a["title"] == "Status")
    connector = await FakeConnector().start()
    app = web.Application()
    teams_setup(engine, Database(memory=True), anonymous=True, env={})(app)
    try:
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            press = message(None, expect_replies=False, service_url=connector.url,
                            reply_to_id="alert-1")  # fmt: skip
            press.update(type="invoke", name="adaptiveCard/action",
                         value={"action": {"type": "Action.Execute", "verb": "alexa",
                                           "data": status["data"]}})  # fmt: skip
            response = await client.post(MESSAGES_PATH, json=press)
            await app[TEAMS_HOST_KEY].drain()
            answer = await response.json()
        assert answer["type"] == "application/vnd.microsoft.activity.message"
        [posted] = connector.calls
        assert posted.method == "POST" and "offline (status G0SERIAL0001)" in card_text(posted.card)
    finally:
        await connector.close()
