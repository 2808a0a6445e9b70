"""A second press, a stale card and a repeated delivery never destroy a result (issue 19, item 2).

The real engine and sandbox; the real Bolt app against the fake Slack Web API with signed requests;
the real Agents SDK adapter against the fake Bot Connector. Confirm is pressed twice: the result
card stays, the presser alone hears "already confirmed". Undo is pressed twice: the same. A Slack
delivery replayed into a fresh process (the engine's delivery log remembers it) posts nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from fake_slack import FakeSlack
from fake_teams import FakeConnector, card_text, message
from slack_bolt.async_app import AsyncApp
from slack_support import BOT_TOKEN, SECRET, action_body, command_body, form_request, running_fake

from bot.chat.slack import build_slack_app
from bot.chat.teams import MESSAGES_PATH, teams_setup
from bot.chat.teams.host import TEAMS_HOST_KEY
from bot.demo import DEMO_CHANNEL, demo_runtime
from bot.runtime import Runtime

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

REQUEST = "set all rooms at Harbor View Seattle to jazz"
ALICE = "UALICE"


@pytest.fixture
async def runtime() -> AsyncIterator[Runtime]:
    async with demo_runtime() as (runtime, _server):
        # no "N of 102 rooms done…" message on a loaded machine: the result is the first post
        # (a 102-room change took over the 2 s progress interval beside CPU-burning loops)
        runtime.config.bot.progress_interval_seconds = 3600.0
        yield runtime


def _buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def _slack_app(runtime: Runtime, fake: FakeSlack) -> AsyncApp:
    return build_slack_app(
        runtime.engine, bot_token=BOT_TOKEN, signing_secret=SECRET, api_url=fake.api_url,
        process_before_response=True,
    )  # fmt: skip


async def _press(app: AsyncApp, button: dict[str, Any], trigger: str, **where: Any) -> None:
    body = action_body(
        button["value"], action_id=button["action_id"], user=ALICE, channel=DEMO_CHANNEL,
        trigger=trigger, **where,
    )  # fmt: skip
    await app.async_dispatch(form_request(body))


async def test_slack_double_confirm_and_double_undo_keep_the_result(runtime: Runtime) -> None:
    """Confirm twice, then Undo twice on the result: each second press is a private note and the
    public card still shows what the first press did."""
    fake: FakeSlack
    async with running_fake() as fake:
        app = _slack_app(runtime, fake)
        await app.async_dispatch(
            form_request(command_body(REQUEST, user=ALICE, channel=DEMO_CHANNEL,
                                      response_url=fake.response_url()))
        )  # fmt: skip
        [question] = fake.of("chat.postEphemeral")
        confirm = _buttons(question.params["blocks"])[0]
        assert confirm["value"].startswith("confirm ") and len(confirm["value"].split()) == 2
        await _press(app, confirm, "t-yes-1", ephemeral=True, response_url=fake.response_url("y1"))
        [result] = fake.of("chat.postMessage")
        assert result.params["text"].startswith("Set 102 of 102 rooms"), result.params["text"]
        assert not fake.of("chat.update")
        await _press(app, confirm, "t-yes-2", ephemeral=True, response_url=fake.response_url("y2"))
        assert not fake.of("chat.update")  # the result was not touched
        assert len(fake.of("chat.postMessage")) == 1
        note = fake.of("chat.postEphemeral")[-1].params
        assert (note["user"], "already confirmed" in note["text"]) == (ALICE, True)

        undo = next(b for b in _buttons(result.params["blocks"]) if b["value"].startswith("undo"))
        assert undo["value"].split()[1].isdigit()  # bound to the change, not "the latest"
        where = {"message_ts": "1700000000.000002"}  # the fake's ts of the result
        await _press(app, undo, "t-undo-1", **where)
        undone = fake.of("chat.update")[-1].params
        assert undone["text"].startswith("Undone"), undone["text"]
        count = len(fake.of("chat.update"))
        await _press(app, undo, "t-undo-2", **where)
        assert len(fake.of("chat.update")) == count
        assert "already undone" in fake.of("chat.postEphemeral")[-1].params["text"]


async def test_slack_repeated_delivery_in_another_process_posts_nothing(runtime: Runtime) -> None:
    """The same command delivered again to a fresh Bolt app (its in-memory log is empty) is
    recognised by the engine's delivery log and not answered a second time."""
    fake: FakeSlack
    async with running_fake() as fake:
        body = command_body("what's playing in room 101 at Harbor View Seattle", user=ALICE,
                            channel=DEMO_CHANNEL, trigger="t-same")  # fmt: skip
        await _slack_app(runtime, fake).async_dispatch(form_request(body))
        first = fake.methods()
        assert first, "the first delivery was answered"
        await _slack_app(runtime, fake).async_dispatch(form_request(body))
        assert fake.methods() == first


async def _teams(
    runtime: Runtime, connector: FakeConnector
) -> AsyncIterator[Callable[[dict[str, Any]], Awaitable[None]]]:
    app = web.Application()
    teams_setup(runtime.engine, runtime.index.db, anonymous=True, env={})(app)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:

        async def send(activity: dict[str, Any]) -> None:
            assert (await client.post(MESSAGES_PATH, json=activity)).status == 202
            await app[TEAMS_HOST_KEY].drain()

        yield send


async def test_teams_double_confirm_stale_card_and_redelivery(runtime: Runtime) -> None:
    """Teams: a second Confirm on the card leaves the result in place and posts a small note; a
    redelivered activity (same id) posts nothing."""
    connector = await FakeConnector().start()
    try:
        async for send in _teams(runtime, connector):
            await send(message(REQUEST, expect_replies=False, service_url=connector.url))
            [asked] = connector.calls
            confirm = next(a for a in asked.card["actions"] if a["title"] == "Confirm")
            press = dict(value=confirm["data"], expect_replies=False, service_url=connector.url,
                         reply_to_id="sent-1")  # fmt: skip
            await send(message(None, **press))
            summary = connector.calls[-1]
            assert (summary.method, summary.activity_id) == ("PUT", "sent-1")
            assert "Set 102 of 102 rooms" in card_text(summary.card)
            calls = len(connector.calls)
            await send(message(None, **press))
            [note] = connector.calls[calls:]
            assert note.method == "POST" and "already confirmed" in card_text(note.card)
            assert all(c.activity_id != "sent-1" for c in connector.calls[calls:])

            again = message("what's playing in room 101 at Harbor View Seattle",
                            expect_replies=False, service_url=connector.url, activity_id="dup-1")  # fmt: skip
            await send(again)
            calls = len(connector.calls)
            await send(again)
            assert len(connector.calls) == calls  # the redelivery is silent
    finally:
        await connector.close()


async def test_slack_double_click_at_the_same_moment_applies_once(runtime: Runtime) -> None:
    """Two Confirm presses delivered together (a double click): one run, one result message, and
    the other press is a private note."""
    import asyncio

    fake: FakeSlack
    async with running_fake() as fake:
        app = _slack_app(runtime, fake)
        await app.async_dispatch(
            form_request(command_body(REQUEST, user=ALICE, channel=DEMO_CHANNEL,
                                      response_url=fake.response_url()))
        )  # fmt: skip
        [question] = fake.of("chat.postEphemeral")
        confirm = _buttons(question.params["blocks"])[0]
        await asyncio.gather(
            _press(app, confirm, "t-a", ephemeral=True, response_url=fake.response_url("a")),
            _press(app, confirm, "t-b", ephemeral=True, response_url=fake.response_url("b")),
        )
        # On a slow machine the run may show progress first and edit it into the result, so the
        # result is whichever post or edit carries it: exactly one.
        posts = fake.of("chat.postMessage") + fake.of("chat.update")
        results = [c for c in posts if str(c.params.get("text", "")).startswith("Set 102 of 102")]
        assert len(results) == 1
        notes = [c.params["text"] for c in fake.of("chat.postEphemeral")[1:]]
        assert len([n for n in notes if "already confirmed" in n]) == 1
        changes = [e for e in runtime.services.audit.entries(limit=50) if e.command == "SetStation"]
        assert len([e for e in changes if e.outcome == "ok"]) == 1
