"""A button that acts once per card, pressed again on the same card, is a short note to the presser
(issue 19): "Show more" pressed twice does not post the same page twice ("That page is already
shown below."), and "Mute 1 h" pressed twice does not announce (and stretch) the mute twice
("Already muted until …"). A typed mute still sets it again.

The real engine on the sandbox (80 devices offline); the real Bolt app against the fake Slack Web
API with signed requests; the real Agents SDK adapter (Action.Execute invokes) against the fake
connector.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from fake_slack import FakeSlack
from fake_teams import FakeConnector, card_text, message
from slack_sdk.models.blocks import Block
from slack_support import BOT_TOKEN, SECRET, action_body, command_body, form_request, running_fake

from bot.chat.paging import PAGE_SHOWN
from bot.chat.slack import build_slack_app
from bot.chat.slack.blocks import render_reply
from bot.chat.teams import MESSAGES_PATH, teams_setup
from bot.chat.teams.cards import render_card
from bot.chat.teams.host import TEAMS_HOST_KEY
from bot.core.access.context import Message
from bot.core.conversation.engine import ANSWERED_ONCE, Engine
from bot.core.shared.replies import Reply
from bot.demo import DEMO_CHANNEL, DEMO_USER, demo_runtime
from bot.health.offline_alerts import alert_reply
from bot.health.sites import Site
from bot.health.store import DeviceRow
from bot.runtime import Runtime
from bot.sandbox.demo import DEMO_WORLD_PATH

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

QUERY = "offline devices everywhere"
MESSAGE = "application/vnd.microsoft.activity.message"


def _offline_world(directory: Path, count: int = 80) -> tuple[Path, str]:
    """The demo world with its first `count` devices offline, and the first one's serial."""
    world = json.loads(Path(DEMO_WORLD_PATH).read_text())
    devices = [d for p in world["properties"] for t in p["roomTypes"] for r in t["rooms"]
               for d in r.get("devices") or []]  # fmt: skip
    for device in devices[:count]:
        device["connection"] = "OFFLINE"
    path = directory / "world.json"
    path.write_text(json.dumps(world))
    return path, str(devices[0]["serial"])


@pytest.fixture
async def offline(tmp_path: Path) -> AsyncIterator[tuple[Runtime, str]]:
    path, serial = _offline_world(tmp_path)
    async with demo_runtime(path) as (runtime, _server):
        # the device index is read on the first health question (seconds on a busy machine): read
        # here, so a press is answered within Teams' invoke wait as in a running bot
        await runtime.engine.handle(Message(f"status {serial}", DEMO_USER, DEMO_CHANNEL, "slack"))
        yield runtime, serial


def _alert(serial: str) -> Reply:
    """An offline alert card for `serial` as the scheduler posts it (Status, History, Mute 1 h)."""
    device = DeviceRow("arn:1", serial, "Echo Dot", "ECHO", "READY", "OFFLINE", None, "p1", "r1",
                       "101", 1_700_000_000.0, 1_700_000_000.0)  # fmt: skip
    return alert_reply(device, Site("p1", "Harbor View Seattle"), 1_700_000_000.0,
                       1_700_001_200.0, None)  # fmt: skip


def _slack_button(blocks: list[dict[str, Any]], starts: str) -> dict[str, Any]:
    return next(e for b in blocks if b["type"] == "actions" for e in b["elements"]
                if e["text"]["text"].startswith(starts))  # fmt: skip


def _pages(fake: FakeSlack) -> list[str]:
    return [c.params["text"] for c in fake.calls
            if c.method in ("chat.postEphemeral", "chat.postMessage")
            and "(continued)" in str(c.params.get("text"))]  # fmt: skip


async def test_slack_show_more_twice_shows_the_page_once_and_tells_the_presser(
    offline: tuple[Runtime, str],
) -> None:
    """Show more pressed twice on one private list: the next page comes once; the second press is
    a private note "That page is already shown below." Another card's Show more still pages."""
    runtime, _ = offline
    fake: FakeSlack
    async with running_fake() as fake:
        app = build_slack_app(runtime.engine, bot_token=BOT_TOKEN, signing_secret=SECRET,
                              api_url=fake.api_url, process_before_response=True)  # fmt: skip
        for trigger in ("c1", "c2"):  # two answers of the same question: two cards
            await app.async_dispatch(form_request(command_body(
                QUERY, user=DEMO_USER, channel=DEMO_CHANNEL, trigger=trigger)))  # fmt: skip
        first = fake.of("chat.postEphemeral")[0].params["blocks"]
        more = _slack_button(first, "Show more")

        async def press(trigger: str, card_ts: str) -> None:
            body = action_body(more["value"], action_id=more["action_id"], ephemeral=True,
                               user=DEMO_USER, channel=DEMO_CHANNEL, trigger=trigger,
                               message_ts=card_ts)  # fmt: skip
            await app.async_dispatch(form_request(body))

        await press("m1", "1700000000.000101")
        assert len(_pages(fake)) == 1
        await press("m2", "1700000000.000101")
        assert len(_pages(fake)) == 1  # not posted again
        note = fake.of("chat.postEphemeral")[-1].params
        assert (note["user"], note["text"]) == (DEMO_USER, PAGE_SHOWN)
        await press("m3", "1700000000.000102")  # the other card's Show more
        assert len(_pages(fake)) == 2


async def test_slack_mute_twice_announces_once_then_tells_until_when(
    offline: tuple[Runtime, str],
) -> None:
    """Mute 1 h pressed twice on an alert: the mute is announced once in the alert's thread; the
    second press is a private note "Already muted until …" and does not stretch the mute. A typed
    mute still sets it again."""
    runtime, serial = offline
    blocks = render_reply(_alert(serial)).blocks
    for block in blocks:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
    mute = _slack_button(blocks, "Mute")
    fake: FakeSlack
    async with running_fake() as fake:
        app = build_slack_app(runtime.engine, bot_token=BOT_TOKEN, signing_secret=SECRET,
                              api_url=fake.api_url, process_before_response=True)  # fmt: skip
        for trigger in ("a1", "a2"):
            body = action_body(mute["value"], action_id=mute["action_id"], user=DEMO_USER,
                               channel=DEMO_CHANNEL, trigger=trigger,
                               message_ts="1700000000.000200")  # fmt: skip
            await app.async_dispatch(form_request(body))
        [announced] = fake.of("chat.postMessage")
        assert announced.params["text"].startswith(f"No new offline alerts for {serial} until")
        assert announced.params["thread_ts"] == "1700000000.000200"
        assert not fake.of("chat.update")  # the alert stays as it is
        note = fake.of("chat.postEphemeral")[-1].params
        assert note["user"] == DEMO_USER
        assert note["text"].startswith("Already muted until"), note["text"]
        mutes = runtime.index.conn.execute("select count(*) from alert_mutes").fetchone()[0]
        assert mutes == 1
    typed = await runtime.engine.handle(
        Message(f"mute alerts for {serial} for 2 hours", DEMO_USER, DEMO_CHANNEL, "slack")
    )
    assert typed.headline.startswith("No new offline alerts") and not typed.stale


async def test_a_page_answered_once_is_remembered_by_a_fresh_engine(
    offline: tuple[Runtime, str],
) -> None:
    """The record of an answered page lives in the database (deliveries), so a restarted bot (a
    new Engine on the same services) still tells the second press."""
    runtime, _ = offline
    pressed = Message(QUERY, DEMO_USER, DEMO_CHANNEL, "slack", pressed_on="C1/1.0",
                      once="page:slack:C1/1.0:x")  # fmt: skip
    first = await runtime.engine.handle(pressed)
    assert first.table is not None and not first.stale
    again = await Engine(runtime.services).handle(replace(pressed, request_id="other"))
    assert (again.headline, again.stale) == (ANSWERED_ONCE, True)


class _Teams:
    def __init__(self, client: TestClient[Any, Any], app: web.Application, url: str) -> None:
        self.client, self.app, self.url = client, app, url

    async def say(self, text: str) -> None:
        activity = message(text, expect_replies=False, service_url=self.url, user=DEMO_USER)
        assert (await self.client.post(MESSAGES_PATH, json=activity)).status == 202
        await self.app[TEAMS_HOST_KEY].drain()

    async def press(self, data: dict[str, Any], card_id: str) -> dict[str, Any]:
        """An Action.Execute press on card `card_id`; the invoke's answer."""
        activity = message(None, expect_replies=False, service_url=self.url, user=DEMO_USER,
                           reply_to_id=card_id)  # fmt: skip
        activity.update(type="invoke", name="adaptiveCard/action",
                        value={"action": {"type": "Action.Execute", "verb": "alexa",
                                          "data": data}, "trigger": "manual"})  # fmt: skip
        response = await self.client.post(MESSAGES_PATH, json=activity)
        assert response.status == 200
        answer: dict[str, Any] = await response.json()
        await self.app[TEAMS_HOST_KEY].drain()
        return answer


@pytest.fixture
async def teams(offline: tuple[Runtime, str]) -> AsyncIterator[tuple[_Teams, FakeConnector, str]]:
    runtime, serial = offline
    connector = await FakeConnector().start()
    app = web.Application()
    teams_setup(runtime.engine, runtime.index.db, anonymous=True, env={})(app)
    try:
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            yield _Teams(client, app, connector.url), connector, serial
    finally:
        await connector.close()


def _action(card: dict[str, Any], starts: str) -> dict[str, Any]:
    return next(a for a in card["actions"] if a["title"].startswith(starts))


async def test_teams_show_more_twice_posts_one_page_and_a_note_only_the_presser_sees(
    teams: tuple[_Teams, FakeConnector, str],
) -> None:
    """Teams: the first Show more adds the next page as a new card; the second press on the same
    card posts nothing and answers the invoke with "That page is already shown below.", which only
    the presser sees."""
    client, connector, _ = teams
    await client.say(QUERY)
    listed, _csv_offer = connector.calls  # a personal chat: the list, then its CSV's consent card
    more = _action(listed.card, "Show more")
    first = await client.press(more["data"], "sent-1")
    assert first["type"] == MESSAGE
    [page] = connector.calls[2:]
    assert page.method == "POST" and "(continued)" in card_text(page.card)
    second = await client.press(more["data"], "sent-1")
    assert (second["type"], second["value"]) == (MESSAGE, PAGE_SHOWN)
    assert len(connector.calls) == 3  # nothing more was posted or updated


async def test_teams_mute_twice_announces_once_then_tells_until_when(
    teams: tuple[_Teams, FakeConnector, str],
) -> None:
    """Teams: Mute 1 h pressed twice on an alert card: one "No new offline alerts … until" card
    under the alert, then a note only the presser sees, "Already muted until …"."""
    client, connector, serial = teams
    mute = _action(render_card(_alert(serial)), "Mute")
    first = await client.press(mute["data"], "alert-1")
    assert first["type"] == MESSAGE
    [announced] = connector.calls
    assert f"No new offline alerts for {serial} until" in card_text(announced.card)
    second = await client.press(mute["data"], "alert-1")
    assert second["type"] == MESSAGE
    assert str(second["value"]).startswith("Already muted until"), second
    assert len(connector.calls) == 1
