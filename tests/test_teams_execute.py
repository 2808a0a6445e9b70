"""Teams Universal Actions (issue 19, item 7): buttons are Action.Execute; a press is an
`adaptiveCard/action` invoke answered with the updated card (in place, for everyone) or with a
message only the presser sees (a second Confirm, an Undo already done). A run that outlasts the
invoke's wait answers "working" at once and updates the card through the connector when it ends.

The real engine and sandbox; the real Agents SDK adapter against the fake connector.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from fake_teams import FakeConnector, card_text, message
from sqlite_utils import Database

from bot.chat.contract import Message, ProgressSink
from bot.chat.teams import MESSAGES_PATH, execute, teams_setup
from bot.chat.teams.host import TEAMS_HOST_KEY
from bot.core.shared.replies import Reply, Table
from bot.demo import demo_runtime
from bot.runtime import Runtime

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

REQUEST = "set all rooms at Harbor View Seattle to jazz"


@pytest.fixture
async def runtime() -> AsyncIterator[Runtime]:
    async with demo_runtime() as (runtime, _server):
        yield runtime


def invoke(data: dict[str, Any], service_url: str, *, activity_id: str) -> dict[str, Any]:
    """The invoke Teams sends when an Action.Execute button is pressed on card "sent-1"."""
    activity = message(None, expect_replies=False, service_url=service_url, reply_to_id="sent-1",
                       activity_id=activity_id)  # fmt: skip
    activity.update(
        type="invoke",
        name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": "alexa", "data": data},
               "trigger": "manual"},
    )  # fmt: skip
    return activity


class Teams:
    def __init__(self, client: TestClient[Any, Any], app: web.Application, url: str) -> None:
        self.client, self.app, self.url = client, app, url

    async def say(self, text: str) -> None:
        activity = message(text, expect_replies=False, service_url=self.url)
        assert (await self.client.post(MESSAGES_PATH, json=activity)).status == 202
        await self.app[TEAMS_HOST_KEY].drain()

    async def press(self, button: dict[str, Any], activity_id: str) -> dict[str, Any]:
        assert button["type"] == "Action.Execute" and button["verb"] == "alexa"
        activity = invoke(button["data"], self.url, activity_id=activity_id)
        response = await self.client.post(MESSAGES_PATH, json=activity)
        assert response.status == 200
        body: dict[str, Any] = await response.json()
        await self.app[TEAMS_HOST_KEY].drain()
        return body


@pytest.fixture
async def teams(runtime: Runtime) -> AsyncIterator[tuple[Teams, FakeConnector]]:
    connector = await FakeConnector().start()
    app = web.Application()
    teams_setup(runtime.engine, runtime.index.db, anonymous=True, env={})(app)
    try:
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            yield Teams(client, app, connector.url), connector
    finally:
        await connector.close()


def _button(card: dict[str, Any], title: str) -> dict[str, Any]:
    return next(a for a in card["actions"] if a["title"].startswith(title))


async def test_confirm_and_undo_update_the_card_and_second_presses_are_private(
    teams: tuple[Teams, FakeConnector], monkeypatch: pytest.MonkeyPatch
) -> None:
    # every answer in the invoke's reply, however loaded the machine (the "working" card of a
    # run past the wait has its own test below)
    monkeypatch.setattr(execute, "EXECUTE_WAIT_S", 600.0)
    bot, connector = teams
    await bot.say(REQUEST)
    [asked] = connector.calls
    confirm = _button(asked.card, "Confirm")
    done = await bot.press(confirm, "inv-1")
    assert done["type"] == "application/vnd.microsoft.card.adaptive"
    result = done["value"]
    assert "Set 102 of 102 rooms" in card_text(result)
    again = await bot.press(confirm, "inv-2")
    assert again["type"] == "application/vnd.microsoft.activity.message"
    assert "already confirmed" in again["value"]
    undo = _button(result, "Undo")
    undone = await bot.press(undo, "inv-3")
    assert undone["type"] == "application/vnd.microsoft.card.adaptive"
    assert card_text(undone["value"]).lstrip("✅ ").startswith("Undone")
    twice = await bot.press(undo, "inv-4")
    assert twice["type"] == "application/vnd.microsoft.activity.message"
    assert "already undone" in twice["value"]
    assert len(connector.calls) == 1  # nothing else posted or edited: answers came in place


async def test_a_long_run_answers_working_then_updates_the_card(
    teams: tuple[Teams, FakeConnector], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(execute, "EXECUTE_WAIT_S", 0.0)
    bot, connector = teams
    await bot.say(REQUEST)
    confirm = _button(connector.calls[0].card, "Confirm")
    answer = await bot.press(confirm, "inv-9")
    assert "Working on it" in card_text(answer["value"])
    final = connector.calls[-1]
    assert (final.method, final.activity_id) == ("PUT", "sent-1")
    assert "Set 102 of 102 rooms" in card_text(final.card)


class ListEngine:
    """Answers "list" with 150 rows (a read-only answer that can be asked again)."""

    async def handle(self, msg: Message, progress: ProgressSink | None = None) -> Reply:
        rows = [[f"{n}", f"serial-{n:04d}"] for n in range(150)]
        return Reply(headline="150 rows", table=Table(columns=["Room", "Serial"], rows=rows),
                     query="list")  # fmt: skip


async def test_show_more_posts_the_next_page_under_the_list() -> None:
    """Show more (Action.Execute) leaves the list card as it is and posts the next rows as a new
    card; the presser's answer says they are below."""
    connector = await FakeConnector().start()
    app = web.Application()
    teams_setup(ListEngine(), Database(memory=True), anonymous=True, env={})(app)
    try:
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            bot = Teams(client, app, connector.url)
            await bot.say("list")
            first = connector.calls[0].card
            assert "serial-0059" in card_text(first) and "serial-0060" not in card_text(first)
            answer = await bot.press(_button(first, "Show more"), "inv-more")
            assert answer["type"] == "application/vnd.microsoft.activity.message"
            page = connector.calls[-1]
            assert page.method == "POST" and "serial-0060" in card_text(page.card)
            assert "serial-0059" not in card_text(page.card)
    finally:
        await connector.close()
