"""Shared pieces of the Slack adapter tests: a canned engine, signed request builders, and app
wiring.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fake_slack import FakeSlack
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.chat.slack import build_slack_app
from bot.chat.slack.contract import Message, ProgressSink
from bot.clock import FakeClock
from bot.core.shared.replies import Action, ActionKind, Reply, ReplyKind, Table

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-token"
ALICE = "UALICE"
BOB = "UBOB"
CHANNEL = "C0FRONTDESK"


@dataclass
class FakeEngine:
    """Canned answers in the shape the real engine gives, and a record of what it was asked.

    Confirmation tokens belong to whoever asked; pressing someone else's Confirm gets a REFUSAL, as
    the real engine does. `applied` lists the changes made, so tests can count double applications.
    """

    clock: FakeClock = field(default_factory=FakeClock)
    delay: float = 0.0  # real seconds of "work" (benchmark only)
    progress_steps: int = 3
    progress_gap: float = 2.5  # fake seconds between progress reports
    messages: list[Message] = field(default_factory=list)
    applied: list[str] = field(default_factory=list)
    pending: dict[str, tuple[str, float]] = field(default_factory=dict)
    gate: asyncio.Event | None = None  # when set, handle() waits for it (to prove ack comes first)

    async def handle(self, msg: Message, progress: ProgressSink | None = None) -> Reply:
        self.messages.append(msg)
        if self.gate is not None:
            await self.gate.wait()
        if self.delay:
            await asyncio.sleep(self.delay)
        text = msg.text
        if text == "help":
            return Reply(headline="Try: set room 204 station jazz", notes=["Type help <topic>."])
        if text == "boom":
            raise RuntimeError("database is locked")
        if text == "delete alarms room 204":
            self.pending["tok1"] = (msg.user, self.clock.monotonic() + 60)
            return Reply(
                headline="Delete all alarms in room 204?",
                kind=ReplyKind.CONFIRM,
                public=True,
                ref="tok1",
                actions=[
                    Action(
                        kind=ActionKind.CONFIRM, label="Delete", value="confirm tok1", danger=True
                    ),
                    Action(kind=ActionKind.CANCEL, label="Cancel", value="cancel tok1"),
                ],
            )
        if text.startswith("confirm "):
            token = text.split()[1]
            if token not in self.pending:
                return Reply(headline="Nothing waits for confirmation.", kind=ReplyKind.ERROR)
            owner, expires = self.pending[token]
            if msg.user != owner:
                return Reply(headline="This isn't yours to confirm.", kind=ReplyKind.REFUSAL)
            if self.clock.monotonic() > expires:
                del self.pending[token]
                return Reply(headline="That confirmation expired; ask again.", kind=ReplyKind.ERROR)
            del self.pending[token]
            self.applied.append(f"delete alarms 204 ({msg.request_id})")
            return Reply(
                headline="Deleted 3 alarms in room 204.",
                kind=ReplyKind.SUCCESS,
                public=True,
                actions=[Action(kind=ActionKind.UNDO, label="Undo", value="undo c1")],
            )
        if text.startswith("cancel "):
            self.pending.pop(text.split()[1], None)
            return Reply(headline="Cancelled; nothing was changed.")
        if text == "set room 204 station jaz":
            return Reply(
                headline="Did you mean…?",
                kind=ReplyKind.QUESTION,
                actions=[
                    Action(kind=ActionKind.CHOICE, label="Jazz", value="set room 204 station jazz"),
                    Action(
                        kind=ActionKind.CHOICE,
                        label="Jazz Classics",
                        value="set room 204 station jc",
                    ),
                ],
            )
        if text.startswith("set room 204 station"):
            self.applied.append(f"{text} ({msg.request_id})")
            return Reply(
                headline="Room 204 now plays Jazz.",
                kind=ReplyKind.SUCCESS,
                public=True,
                fields=[("Room", "204"), ("Station", "Jazz")],
                actions=[Action(kind=ActionKind.UNDO, label="Undo", value="undo s1")],
            )
        if text == "set all rooms station jazz":
            for i in range(1, self.progress_steps + 1):
                if progress is not None:
                    await progress(
                        Reply(headline=f"{i * 10} of 30 rooms done", kind=ReplyKind.PROGRESS)
                    )
                self.clock.advance(self.progress_gap)
            self.applied.append(f"{text} ({msg.request_id})")
            return Reply(
                headline="Set Jazz in 28 of 30 rooms; 2 failed.",
                kind=ReplyKind.SUMMARY,
                public=True,
                table=Table(
                    columns=["Room", "Error"], rows=[["101", "offline"], ["102", "offline"]]
                ),
                actions=[
                    Action(kind=ActionKind.RETRY_FAILED, label="Retry failed", value="retry b1")
                ],
            )
        if text == "list rooms":
            rows = [[f"{n}", f"Deluxe king room number {n}", "online"] for n in range(1, 1001)]
            return Reply(
                headline="1000 rooms.", table=Table(columns=["Room", "Type", "State"], rows=rows)
            )
        return Reply(headline=f"I don't know '{text}'.", kind=ReplyKind.REFUSAL)


def sign(body: str, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"x-slack-request-timestamp": ts, "x-slack-signature": f"v0={digest}"}


def command_body(
    text: str, *, user: str = ALICE, channel: str = CHANNEL, trigger: str = "trig1",
    response_url: str = "http://127.0.0.1:9/response/cmd", command: str = "/alexa",
) -> str:  # fmt: skip
    return urlencode({
        "token": "legacy", "team_id": "T0001", "channel_id": channel, "channel_name": "front-desk",
        "user_id": user, "user_name": user.lower(), "command": command, "text": text,
        "response_url": response_url, "trigger_id": trigger, "api_app_id": "A0001",
    })  # fmt: skip


def event_body(event: dict[str, Any], *, event_id: str = "Ev1") -> str:
    return json.dumps({
        "token": "legacy", "team_id": "T0001", "api_app_id": "A0001", "type": "event_callback",
        "event_id": event_id, "event_time": 1700000000, "event": event,
        "authorizations": [{"team_id": "T0001", "user_id": "UBOT", "is_bot": True}],
    })  # fmt: skip


def action_body(
    value: str, *, action_id: str = "alexa_confirm", user: str = ALICE, channel: str = CHANNEL,
    message_ts: str = "1700000000.000001", ephemeral: bool = False, trigger: str = "atrig1",
    response_url: str = "http://127.0.0.1:9/response/act", thread_ts: str | None = None,
) -> str:  # fmt: skip
    container: dict[str, Any] = {"type": "message", "message_ts": message_ts, "channel_id": channel,
                                 "is_ephemeral": ephemeral}  # fmt: skip
    payload: dict[str, Any] = {
        "type": "block_actions", "team": {"id": "T0001"}, "user": {"id": user},
        "api_app_id": "A0001", "trigger_id": trigger, "container": container,
        "channel": {"id": channel}, "response_url": response_url,
        "actions": [{"type": "button", "action_id": action_id, "block_id": "alexa_actions_0",
                     "value": value, "action_ts": "1700000001.1"}],
    }  # fmt: skip
    if not ephemeral:
        payload["message"] = {
            "ts": message_ts,
            "text": "card",
            **({"thread_ts": thread_ts} if thread_ts else {}),
        }
    return urlencode({"payload": json.dumps(payload)})


def request(body: str, *, content_type: str, **extra_headers: str) -> AsyncBoltRequest:
    headers: dict[str, str | Sequence[str]] = {
        "content-type": content_type,
        **sign(body),
        **extra_headers,
    }
    return AsyncBoltRequest(body=body, headers=headers)


def form_request(body: str, **extra: str) -> AsyncBoltRequest:
    return request(body, content_type="application/x-www-form-urlencoded", **extra)


def json_request(body: str, **extra: str) -> AsyncBoltRequest:
    return request(body, content_type="application/json", **extra)


@asynccontextmanager
async def running_fake() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    try:
        yield fake
    finally:
        await fake.stop()


def make_app(
    fake: FakeSlack, engine: FakeEngine, *, process_before_response: bool = True
) -> AsyncApp:
    return build_slack_app(
        engine,
        bot_token=BOT_TOKEN,
        signing_secret=SECRET,
        api_url=fake.api_url,
        process_before_response=process_before_response,
        clock=engine.clock,
    )
