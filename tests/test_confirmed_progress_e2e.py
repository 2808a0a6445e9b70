"""A 102-room change that needs a yes shows its progress on Slack and on Teams.

The real engine, ASP client and sandbox over HTTP; the real Bolt app against the fake Slack Web API;
the real Agents SDK adapter against the fake Bot Connector. The run is started by the Confirm
button, whose request (not the one that asked) must carry the progress.
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
from bot.demo import DEMO_CHANNEL, demo_runtime
from bot.runtime import Runtime

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

REQUEST = "set all rooms at Harbor View Seattle to jazz"
ALICE = "UALICE"


@pytest.fixture
async def runtime() -> AsyncIterator[Runtime]:
    async with demo_runtime() as (runtime, _server):
        # Report every room, so a run on the local sandbox (well under 2 s) still reports; the
        # adapters' own pacing is what is under test.
        runtime.config.bot.progress_interval_seconds = 0.0
        yield runtime


def _buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


async def test_slack_shows_progress_of_a_confirmed_102_room_change(runtime: Runtime) -> None:
    """Confirm posts a progress message ("n of 102 rooms done") and edits it into the summary."""
    fake: FakeSlack
    async with running_fake() as fake:
        app = build_slack_app(
            runtime.engine, bot_token=BOT_TOKEN, signing_secret=SECRET, api_url=fake.api_url,
            process_before_response=True,
        )  # fmt: skip
        await app.async_dispatch(
            form_request(
                command_body(
                    REQUEST, user=ALICE, channel=DEMO_CHANNEL, response_url=fake.response_url()
                )
            )
        )
        [question] = fake.of("chat.postEphemeral")
        assert "102" in str(question.params["blocks"])
        confirm = next(
            b for b in _buttons(question.params["blocks"]) if b["text"]["text"] == "Confirm"
        )
        body = action_body(
            confirm["value"], action_id=confirm["action_id"], user=ALICE, channel=DEMO_CHANNEL,
            ephemeral=True, trigger="t-yes", response_url=fake.response_url("yes"),
        )  # fmt: skip
        await app.async_dispatch(form_request(body))
        [progress] = fake.of("chat.postMessage")
        assert "of 102 rooms done" in progress.params["text"]
        updates = fake.of("chat.update")
        assert len({u.params["ts"] for u in updates}) == 1  # one message, edited in place
        summary = updates[-1].params
        assert summary["text"].startswith("Set 102 of 102 rooms")


async def test_teams_shows_progress_of_a_confirmed_102_room_change(runtime: Runtime) -> None:
    """Confirm turns the confirmation card into progress, then into the summary, in place."""
    connector = await FakeConnector().start()
    app = web.Application()
    teams_setup(runtime.engine, runtime.index.db, anonymous=True, env={})(app)
    try:
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:

            async def send(activity: dict[str, Any]) -> None:
                assert (await client.post(MESSAGES_PATH, json=activity)).status == 202
                await app[TEAMS_HOST_KEY].drain()

            await send(message(REQUEST, expect_replies=False, service_url=connector.url))
            [asked] = connector.calls
            assert "102" in card_text(asked.card)
            confirm = next(a for a in asked.card["actions"] if a["title"] == "Confirm")
            await send(
                message(
                    None,
                    value=confirm["data"],
                    expect_replies=False,
                    service_url=connector.url,
                    reply_to_id="sent-1",
                )
            )
        progress, *_, summary = connector.calls[1:]
        assert (progress.method, progress.activity_id) == ("PUT", "sent-1")
        assert "of 102 rooms done" in card_text(progress.card)
        assert (summary.method, summary.activity_id) == ("PUT", "sent-1")
        assert "Set 102 of 102 rooms" in card_text(summary.card)
    finally:
        await connector.close()


async def test_every_long_run_reports_progress_not_only_station_changes(runtime: Runtime) -> None:
    """Clearing alarms in 102 rooms (after yes) reports "n of 102 rooms done" to the yes's sink."""
    from bot.core.access.context import Message
    from bot.core.shared.replies import Reply, ReplyKind

    asked_progress: list[Reply] = []
    confirmed_progress: list[Reply] = []

    async def asked_sink(reply: Reply) -> None:
        asked_progress.append(reply)

    async def confirmed_sink(reply: Reply) -> None:
        confirmed_progress.append(reply)

    def say(text: str) -> Message:
        return Message(text=text, user="demo-admin", channel=None, platform="console")

    question = await runtime.engine.handle(
        say("clear alarms in all rooms at Harbor View Seattle"), asked_sink
    )
    assert question.kind == ReplyKind.CONFIRM, question.headline
    done = await runtime.engine.handle(say("yes"), confirmed_sink)
    assert done.kind in (ReplyKind.SUCCESS, ReplyKind.SUMMARY), done.headline
    assert asked_progress == []
    assert confirmed_progress and "of 102 rooms done" in confirmed_progress[-1].headline
