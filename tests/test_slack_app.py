"""The Bolt app end to end (signed requests dispatched into a real AsyncApp, fake Web API on
127.0.0.1).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence

import pytest
from fake_slack import FakeSlack
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_support import (
    ALICE,
    CHANNEL,
    FakeEngine,
    command_body,
    event_body,
    form_request,
    json_request,
    make_app,
    running_fake,
    sign,
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with running_fake() as f:
        yield f


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


async def test_slash_command_change_is_acked_then_posted_publicly(
    fake: FakeSlack, engine: FakeEngine
) -> None:
    """/alexa with a change acks with an empty 200 and posts the result in the channel."""
    app = make_app(fake, engine)
    resp = await app.async_dispatch(form_request(command_body("set room 204 station jazz")))
    assert resp.status == 200
    assert resp.body == ""
    [post] = fake.of("chat.postMessage")
    assert post.params["channel"] == CHANNEL
    assert "Room 204 now plays Jazz." in post.params["text"]
    assert any(b["type"] == "actions" for b in post.params["blocks"])
    [msg] = engine.messages
    assert (msg.text, msg.user, msg.channel, msg.platform) == (
        "set room 204 station jazz", ALICE, CHANNEL, "slack",
    )  # fmt: skip
    assert msg.request_id == "command:trig1"
    assert fake.of("chat.postEphemeral") == []


async def test_slash_command_help_goes_only_to_the_requester(
    fake: FakeSlack, engine: FakeEngine
) -> None:
    """Help (and an empty /alexa) is answered with chat.postEphemeral to the requester, not the
    channel.
    """
    app = make_app(fake, engine)
    await app.async_dispatch(form_request(command_body("", trigger="t-empty")))
    [eph] = fake.of("chat.postEphemeral")
    assert eph.params["user"] == ALICE and eph.params["channel"] == CHANNEL
    assert engine.messages[0].text == "help"
    assert fake.of("chat.postMessage") == []


async def test_ack_returns_before_the_engine_finishes(fake: FakeSlack, engine: FakeEngine) -> None:
    """Without process_before_response the HTTP answer returns while the engine still works."""
    engine.gate = asyncio.Event()
    app = make_app(fake, engine, process_before_response=False)
    resp = await asyncio.wait_for(
        app.async_dispatch(form_request(command_body("set room 204 station jazz"))), 2
    )
    assert resp.status == 200
    assert fake.of("chat.postMessage") == []  # the work has not happened yet
    engine.gate.set()
    await fake.wait_for("chat.postMessage")


async def test_bad_signature_is_rejected(fake: FakeSlack, engine: FakeEngine) -> None:
    """A request signed with another secret gets 401 and never reaches the engine."""
    app = make_app(fake, engine)
    body = command_body("set room 204 station jazz")
    headers: dict[str, str | Sequence[str]] = {
        "content-type": "application/x-www-form-urlencoded",
        **sign(body, secret="wrong"),
    }
    resp = await app.async_dispatch(AsyncBoltRequest(body=body, headers=headers))
    assert resp.status == 401
    assert engine.messages == []


async def test_stale_timestamp_is_rejected(fake: FakeSlack, engine: FakeEngine) -> None:
    """A correctly signed request older than 5 minutes (a replay) gets 401."""
    app = make_app(fake, engine)
    body = command_body("set room 204 station jazz")
    headers: dict[str, str | Sequence[str]] = {
        "content-type": "application/x-www-form-urlencoded",
        **sign(body, timestamp=int(time.time()) - 600),
    }
    resp = await app.async_dispatch(AsyncBoltRequest(body=body, headers=headers))
    assert resp.status == 401
    assert engine.messages == []


async def test_mention_answers_in_a_thread(fake: FakeSlack, engine: FakeEngine) -> None:
    """@bot in a channel: the bot's mention is stripped and the answer goes into the message's
    thread.
    """
    app = make_app(fake, engine)
    event = {"type": "app_mention", "user": ALICE, "channel": CHANNEL, "ts": "1700000100.000200",
             "text": "<@UBOT> set room 204 station jazz"}  # fmt: skip
    resp = await app.async_dispatch(json_request(event_body(event)))
    assert resp.status == 200
    [post] = fake.of("chat.postMessage")
    assert post.params["thread_ts"] == "1700000100.000200"
    assert engine.messages[0].text == "set room 204 station jazz"
    assert engine.messages[0].thread == "1700000100.000200"


async def test_mention_question_is_ephemeral_in_the_thread(
    fake: FakeSlack, engine: FakeEngine
) -> None:
    """A "did you mean" question to a mention goes only to the requester, inside the thread."""
    app = make_app(fake, engine)
    event = {
        "type": "app_mention",
        "user": ALICE,
        "channel": CHANNEL,
        "ts": "1700000100.000300",
        "thread_ts": "1700000000.000009",
        "text": "<@UBOT> set room 204 station jaz",
    }
    await app.async_dispatch(json_request(event_body(event)))
    [eph] = fake.of("chat.postEphemeral")
    assert eph.params["thread_ts"] == "1700000000.000009"
    buttons = [e for b in eph.params["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["value"] for b in buttons] == ["set room 204 station jazz", "set room 204 station jc"]


async def test_direct_message_without_mention_is_answered(
    fake: FakeSlack, engine: FakeEngine
) -> None:
    """A DM (message.im) is handled without a mention; even help is a plain message there."""
    app = make_app(fake, engine)
    event = {"type": "message", "channel_type": "im", "user": ALICE, "channel": "D0ALICE",
             "ts": "1700000100.000400", "text": "help"}  # fmt: skip
    await app.async_dispatch(json_request(event_body(event, event_id="EvDM")))
    [post] = fake.of("chat.postMessage")
    assert post.params["channel"] == "D0ALICE"
    assert fake.of("chat.postEphemeral") == []


@pytest.mark.parametrize(
    "extra",
    [
        {"subtype": "message_changed"},
        {"bot_id": "BOTHER"},
        {"channel_type": "channel"},
    ],
)
async def test_edits_bot_messages_and_channel_messages_are_ignored(
    fake: FakeSlack, engine: FakeEngine, extra: dict[str, str]
) -> None:
    """Edits, other bots' messages and non-DM messages never reach the engine."""
    app = make_app(fake, engine)
    event = {"type": "message", "channel_type": "im", "user": ALICE, "channel": "D0ALICE",
             "ts": "1700000100.000500", "text": "set room 204 station jazz", **extra}  # fmt: skip
    resp = await app.async_dispatch(json_request(event_body(event, event_id="EvIgnored")))
    assert resp.status == 200
    assert engine.messages == []


async def test_retried_event_is_applied_once(fake: FakeSlack, engine: FakeEngine) -> None:
    """Slack's retry (X-Slack-Retry-Num, same event_id) is acked but the change is applied only
    once.
    """
    app = make_app(fake, engine)
    event = {"type": "app_mention", "user": ALICE, "channel": CHANNEL, "ts": "1700000100.000600",
             "text": "<@UBOT> set room 204 station jazz"}  # fmt: skip
    body = event_body(event, event_id="EvRetry")
    first = await app.async_dispatch(json_request(body))
    retries = [
        await app.async_dispatch(
            json_request(
                body, **{"x-slack-retry-num": str(n), "x-slack-retry-reason": "http_timeout"}
            )
        )
        for n in (1, 2)
    ]
    assert [first.status, *(r.status for r in retries)] == [200, 200, 200]
    assert len(engine.applied) == 1
    assert len(fake.of("chat.postMessage")) == 1
    assert engine.messages[0].request_id == "event:EvRetry"


async def test_retried_slash_command_is_applied_once(fake: FakeSlack, engine: FakeEngine) -> None:
    """A slash command delivered twice with the same trigger_id is handled once."""
    app = make_app(fake, engine)
    body = command_body("set room 204 station jazz", trigger="trigDup")
    await app.async_dispatch(form_request(body))
    await app.async_dispatch(form_request(body, **{"x-slack-retry-num": "1"}))
    assert len(engine.applied) == 1


async def test_engine_failure_shows_a_reference_not_a_trace(
    fake: FakeSlack, engine: FakeEngine, caplog: pytest.LogCaptureFixture
) -> None:
    """An exception in the engine is logged; the user gets a private apology with a ref, no
    traceback.
    """
    app = make_app(fake, engine)
    resp = await app.async_dispatch(form_request(command_body("boom", trigger="tBoom")))
    assert resp.status == 200
    [eph] = fake.of("chat.postEphemeral")
    text = eph.params["text"]
    assert text.startswith("Something went wrong on our side; nothing was changed. (ref ")
    assert "database is locked" not in str(eph.params)
    ref = text.rsplit("ref ", 1)[1].rstrip(")")
    assert any(ref in r.getMessage() and r.exc_info for r in caplog.records)


async def test_not_in_channel_falls_back_to_the_response_url(
    fake: FakeSlack, engine: FakeEngine
) -> None:
    """In a channel the bot has not joined, the public answer goes through the command's
    response_url.
    """
    app = make_app(fake, engine)
    fake.fail_next["chat.postMessage"] = "not_in_channel"
    body = command_body(
        "set room 204 station jazz", trigger="tNic", response_url=fake.response_url("nic")
    )
    await app.async_dispatch(form_request(body))
    [resp] = fake.of("response")
    assert resp.params["response_type"] == "in_channel"
    assert "Room 204 now plays Jazz." in resp.params["text"]
