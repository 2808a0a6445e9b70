"""A change announced in a thread is seen in the channel and linked to its thread (issue 19).

Slack: the announcement of a change made in a thread of a channel is a thread reply also sent to
the channel (`reply_broadcast`: Slack shows it in the channel as "replied to a thread", linked to
it); not in a DM, not for answers to questions. Teams: a change made in a channel thread is
announced in that thread (Teams shows a thread's replies in the channel). A restart notice about a
change made in a thread goes to that thread on both (Slack: also sent to the channel).

The real engine on the sandbox; the real Bolt app against the fake Slack Web API with signed
requests; the real Agents SDK adapter and Teams poster against the fake connector.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import unquote

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from fake_slack import FakeSlack
from fake_teams import CHANNEL_ID, FakeConnector, card_text, installed_in_channel, message
from microsoft_agents.activity import Activity
from slack_sdk.web.async_client import AsyncWebClient
from slack_support import (
    BOT_TOKEN,
    SECRET,
    command_body,
    event_body,
    form_request,
    json_request,
    running_fake,
)
from sqlite_utils import Database

from bot.chat.slack import build_slack_app
from bot.chat.slack.digest import SlackDigestPoster
from bot.chat.teams import MESSAGES_PATH, TeamsDigestPoster, teams_setup
from bot.chat.teams.host import TEAMS_HOST_KEY
from bot.chat.teams.store import ConversationStore
from bot.core.changes.recovery import deliver
from bot.demo import DEMO_CHANNEL, DEMO_USER, demo_runtime
from bot.runtime import Runtime

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

THREAD = "1700000100.000100"
NOTICE = "Your change of 2 rooms (“set rooms 101-102 to jazz”) was interrupted: 1 applied, 1 not."


@pytest.fixture
async def runtime() -> AsyncIterator[Runtime]:
    async with demo_runtime() as (runtime, _server):
        yield runtime


def _broadcast(params: dict[str, Any]) -> bool:
    return str(params.get("reply_broadcast", "")).lower() in ("true", "1")


def _event(text: str, *, channel: str, kind: str, ts: str, thread_ts: str | None) -> dict[str, Any]:
    event: dict[str, Any] = {"type": kind, "channel": channel, "user": DEMO_USER,
                             "text": f"<@UBOT> {text}", "ts": ts}  # fmt: skip
    if kind == "message":
        event["channel_type"] = "im"
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


async def test_slack_change_in_a_thread_is_also_sent_to_the_channel(runtime: Runtime) -> None:
    """A change asked by a mention in a channel thread: its announcement is a reply in that thread
    with `reply_broadcast`, so the channel sees it linked to the thread. An answer to a question
    in the same thread is not broadcast."""
    fake: FakeSlack
    async with running_fake() as fake:
        app = build_slack_app(runtime.engine, bot_token=BOT_TOKEN, signing_secret=SECRET,
                              api_url=fake.api_url, process_before_response=True)  # fmt: skip
        event = _event("set room 101 at Harbor View Seattle to gospel", channel=DEMO_CHANNEL,
                       kind="app_mention", ts="1700000100.000200", thread_ts=THREAD)  # fmt: skip
        await app.async_dispatch(json_request(event_body(event, event_id="Ev-change")))
        [announced] = fake.of("chat.postMessage")
        assert announced.params["text"].startswith("Done"), announced.params["text"]
        assert announced.params["thread_ts"] == THREAD and _broadcast(announced.params)

        asked = _event("what's playing in room 101 at Harbor View Seattle", channel=DEMO_CHANNEL,
                       kind="app_mention", ts="1700000100.000300", thread_ts=THREAD)  # fmt: skip
        await app.async_dispatch(json_request(event_body(asked, event_id="Ev-ask")))
        answers = fake.of("chat.postMessage")[1:] + fake.of("chat.postEphemeral")
        assert answers and not any(_broadcast(c.params) for c in answers)


async def test_slack_change_in_a_dm_thread_or_top_level_is_not_broadcast(
    runtime: Runtime,
) -> None:
    """In a DM thread (all one conversation) and from `/alexa` at the channel's top level (no
    thread) a change is posted once, without `reply_broadcast`."""
    fake: FakeSlack
    async with running_fake() as fake:
        app = build_slack_app(runtime.engine, bot_token=BOT_TOKEN, signing_secret=SECRET,
                              api_url=fake.api_url, process_before_response=True)  # fmt: skip
        dm = _event("set room 102 at Harbor View Seattle to gospel", channel="D0DEMO",
                    kind="message", ts="1700000200.000200", thread_ts="1700000200.000100")  # fmt: skip
        await app.async_dispatch(json_request(event_body(dm, event_id="Ev-dm")))
        await app.async_dispatch(form_request(command_body(
            "set room 103 at Harbor View Seattle to gospel", user=DEMO_USER,
            channel=DEMO_CHANNEL, trigger="t-top")))  # fmt: skip
        posts = fake.of("chat.postMessage")
        assert [p.params["text"][:4] for p in posts] == ["Done", "Done"]
        assert posts[0].params["thread_ts"] == "1700000200.000100"
        assert not posts[1].params.get("thread_ts")
        assert not any(_broadcast(p.params) for p in posts)


async def test_teams_change_in_a_channel_thread_is_announced_in_that_thread(
    runtime: Runtime,
) -> None:
    """Teams: a change asked in a channel thread is answered in that thread (the conversation id
    with its `;messageid=`), naming who asked."""
    connector = await FakeConnector().start()
    app = web.Application()
    teams_setup(runtime.engine, runtime.index.db, anonymous=True, env={})(app)
    try:
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            activity = message("set room 104 at Harbor View Seattle to gospel", channel=True,
                               expect_replies=False, service_url=connector.url, user=DEMO_USER)  # fmt: skip
            assert (await client.post(MESSAGES_PATH, json=activity)).status == 202
            await app[TEAMS_HOST_KEY].drain()
        [announced] = connector.calls
        assert ";messageid=1700000000001/" in unquote(announced.path)
        text = card_text(announced.card)
        assert "Room 104" in text and "Requested by Dana Desk" in text
    finally:
        await connector.close()


def _notice(runtime: Runtime, platform: str, channel: str, thread: str | None) -> None:
    runtime.services.journal.add_notice(
        platform=platform, user=DEMO_USER, channel=channel, thread=thread, change_id=None,
        text=NOTICE, at=runtime.services.clock.now(),
    )  # fmt: skip


async def test_slack_restart_notice_goes_to_the_thread_of_its_change(runtime: Runtime) -> None:
    """The notice of a change interrupted by a restart, made in a thread, is a reply in that
    thread also sent to the channel; one made at the channel's top level is a channel post."""
    fake: FakeSlack
    async with running_fake() as fake:
        poster = SlackDigestPoster(AsyncWebClient(token=BOT_TOKEN, base_url=fake.api_url))
        _notice(runtime, "slack", "CFRONT", THREAD)
        _notice(runtime, "slack", "CFRONT", None)
        assert await deliver(runtime.services, {"slack": poster}) == 2
        threaded, top = fake.of("chat.postMessage")
        assert (threaded.params["thread_ts"], _broadcast(threaded.params)) == (THREAD, True)
        assert threaded.params["text"].startswith("Your change of 2 rooms")
        assert not top.params.get("thread_ts") and not _broadcast(top.params)


async def test_teams_restart_notice_goes_to_the_thread_of_its_change(runtime: Runtime) -> None:
    """Teams: the notice of a change made in a channel thread is posted into that thread."""
    connector = await FakeConnector().start()
    try:
        db = Database(memory=True)
        ConversationStore(db).save(Activity.model_validate(installed_in_channel(connector.url)))
        poster = TeamsDigestPoster(db, anonymous=True, env={})
        _notice(runtime, "teams", CHANNEL_ID, "1700000000001")
        assert await deliver(runtime.services, {"teams": poster}) == 1
        [call] = connector.calls
        assert unquote(call.path) == (
            f"/v3/conversations/{CHANNEL_ID};messageid=1700000000001/activities"
        )
        assert "Your change of 2 rooms" in card_text(call.card)
    finally:
        await connector.close()
