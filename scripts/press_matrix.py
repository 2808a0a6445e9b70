"""Every button of every card, pressed twice and as a stale card, against the running bot (issue 19).

What runs (all real processes on 127.0.0.1):
- `bot sandbox serve` on a copy of the demo world in which 200 devices are offline;
- `bot serve --teams-dev` (Slack HTTP mode too: signing secret, the Web API pointed at a fake);
- the Microsoft 365 Agents Playground (npm `@microsoft/m365agentsplayground`), driven headless
  through the HTTP API its own web page uses (`/_conversation/v1/...`: a message, an
  `adaptiveCard/action` invoke, a submit), with its log stream (`/_ws/log/stream`) read for errors;
- a logging proxy between the Playground and the bot, both ways: every activity the Playground
  delivers, the bot's answer to each invoke, and every card the bot posts or updates through the
  connector (the proxy forwards it to the Playground and records the Playground's answer);
- tests/fake_slack.py as a server for the bot's outgoing Slack calls; Slack requests are signed
  slash commands and `block_actions` payloads posted to `/slack/events`.

A "path" is a command and the presses that lead to a card. For each button on that card the path
is replayed twice (an older and a newer card of the same kind), the newer card's button is pressed
twice, then the older card's (a stale card after a newer change). Every card collected is checked:
Adaptive Cards 1.5 with the official `adaptivecards` parser (bench/validate_cards.cjs) and < 28 KB;
every Block Kit message with slack_sdk's models and Slack's message limits.

Messages holding several whole requests (bot/core/compound.py: two changes, a change and a
clearing, a change and a read, one room "everywhere" asked first) are pressed the same way, button
by button (each Undo of a card by its place on the card, Confirm and Cancel), and after every press
the rooms are read back through the bot (`what's on in 101 at Harbor View Seattle`): an Undo must
put back its own room alone, a second or stale press must change nothing. One Undo of several on a
card must leave the card as it is (the other changes and their Undo buttons) with its result in a
message under it, and the other Undo buttons of that card, pressed in turn from it, must each still
put back their own room. `--only-parts` runs these alone (a quicker check).

    npm install --prefix /tmp/pg @microsoft/m365agentsplayground adaptivecards@3
    NODE_PATH=/tmp/pg/node_modules python scripts/press_matrix.py \\
        --playground /tmp/pg/node_modules/.bin/agentsplayground --out docs/chat-press-matrix.md
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fake_slack import FakeSlack  # noqa: E402
from slack_sdk.errors import SlackObjectFormationError  # noqa: E402
from slack_sdk.models.blocks import Block  # noqa: E402

from bot.sandbox.demo import DEMO_WORLD_PATH  # noqa: E402
from bot.sandbox.world import load_world, save_world  # noqa: E402

SECRET = "press-matrix-signing-secret"
SLACK_USER = "UALICE"
SLACK_CHANNEL = "CFRONTDESK"
SLACK_ONCALL = "CONCALL"
PG_USER = "user-id-0"
PG_AAD = "00000000-0000-0000-0000-0000000000020"
PG_PERSONAL = "a:playground-personal"
PG_CHANNEL = "team-id"
PG_BOT = "00000000-0000-0000-0000-00000000000011"
CARD_TYPE = "application/vnd.microsoft.card.adaptive"
FILE_CARD_TYPES = ("application/vnd.microsoft.teams.card.file.",)
HAND_WRITTEN = "## What was real"
TEAMS_LIMIT = 28 * 1024
QUIET_S = 1.2
# Slack's answers come after the ack, from the background work (a run, a file upload): wait longer
SLACK_QUIET_S = 2.5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


# -- the world and the processes ------------------------------------------------------------------
MENU_PROPERTIES = [
    ("Coral Bay Miami", "America/New_York"),
    ("Desert Rose Phoenix", "America/Phoenix"),
]


def offline_world(path: Path) -> None:
    """The demo world with 200 devices offline: all of Harbor View and Lakeside, most of London,
    two in Paris (its on-call channel is on Slack) and two in Aspen (on Teams). Two more properties
    (no devices) have a room 201, which is then in 6 properties: "Which property?" is a menu."""
    world = load_world(DEMO_WORLD_PATH)
    wanted = {"Kensington Gardens London": 30, "Rive Gauche Paris": 2, "Alpine Lodge Aspen": 2}
    for prop in world.properties:
        devices = [d for rt in prop.roomTypes for r in rt.rooms for d in r.devices]
        already = [d for d in devices if d.connection == "OFFLINE"]
        online = [d for d in devices if d.connection != "OFFLINE"]
        goal = wanted.get(prop.name, len(devices))
        for n, device in enumerate(online[: max(0, goal - len(already))]):
            device.connection = "OFFLINE"
            device.events.append(
                type(device.events[0])(type="CONNECTION_STATUS", value="OFFLINE", ago_s=3600 + n)
            )
    total = sum(
        d.connection == "OFFLINE"
        for p in world.properties
        for rt in p.roomTypes
        for r in rt.rooms
        for d in r.devices
    )
    assert total == 200, total
    save_world(world, path)
    data = json.loads(path.read_text())
    for n, (name, timezone) in enumerate(MENU_PROPERTIES):
        unit = f"amzn1.alexa.unit.did.PRESSMATRIX{n}"
        data["properties"].append({
            "id": f"{unit}P", "name": name, "country": "US", "timezone": timezone,
            "roomTypes": [{"id": f"{unit}T", "name": "Standard King", "rooms": [
                {"id": f"{unit}R201", "name": "201", "station": None, "alarms": 0, "reminders": 0,
                 "timers": 0, "devices": []}]}],
        })  # fmt: skip
    path.write_text(json.dumps(data))


def bot_toml(path: Path) -> None:
    """The sandbox's bot.toml, plus the trial's admins and on-call channels."""
    text = path.read_text()
    text = text.replace('admin = ["console"]', f'admin = ["console", "{SLACK_USER}", "{PG_AAD}"]')
    text = text.replace(
        'name = "Rive Gauche Paris"',
        f'name = "Rive Gauche Paris"\noncall_channel = "{SLACK_ONCALL}"',
    )
    text = text.replace(
        'name = "Alpine Lodge Aspen"',
        f'name = "Alpine Lodge Aspen"\noncall_channel = "teams:{PG_CHANNEL}"',
    )
    path.write_text(text)


async def start_process(
    args: list[str], env: dict[str, str], log: Path, ready: Callable[[str], bool], within: float
) -> tuple[asyncio.subprocess.Process, str]:
    out = log.open("w")
    # in the work directory: the Playground writes devTools/ into its current directory
    process = await asyncio.create_subprocess_exec(
        *args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        cwd=log.parent,
    )  # fmt: skip
    assert process.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            line = await asyncio.wait_for(process.stdout.readline(), 1.0)
        except TimeoutError:
            continue
        if not line:
            break
        seen.append(line.decode(errors="replace"))
        out.write(seen[-1])
        out.flush()
        if ready("".join(seen)):
            break
    else:
        raise RuntimeError(f"{args[:3]} did not start: {''.join(seen)[-800:]}")

    async def drain() -> None:
        assert process.stdout is not None
        async for line in process.stdout:
            out.write(line.decode(errors="replace"))
            out.flush()

    asyncio.get_running_loop().create_task(drain())
    return process, "".join(seen)


def stop(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)


# -- the logging proxy between the Playground and the bot ----------------------------------------
@dataclass
class Traffic:
    kind: str  # "to_bot" | "invoke_answer" | "post" | "update" | "pg_log"
    body: dict[str, Any]
    status: int = 0
    answer: Any = None
    at: float = field(default_factory=time.monotonic)


@dataclass
class Proxy:
    bot_url: str
    traffic: list[Traffic] = field(default_factory=list)
    playground_connector: str = ""
    url: str = ""

    async def to_bot(self, request: web.Request) -> web.Response:
        activity = await request.json()
        self.playground_connector = activity.get("serviceUrl", self.playground_connector)
        activity["serviceUrl"] = f"{self.url}/connector/"
        entry = Traffic("to_bot", activity)
        self.traffic.append(entry)
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{self.bot_url}/api/messages", json=activity) as resp,
        ):
            raw = await resp.read()
            entry.status = resp.status
            entry.answer = json.loads(raw) if raw else None
        if activity.get("type") == "invoke" and entry.answer is not None:
            self.traffic.append(Traffic("invoke_answer", entry.answer, resp.status))
        return web.Response(body=raw, status=resp.status, content_type="application/json")

    async def connector(self, request: web.Request) -> web.Response:
        tail = request.match_info["tail"]
        raw = await request.read()
        body = json.loads(raw) if raw else {}
        entry = Traffic("update" if request.method == "PUT" else "post", body)
        entry.answer = {"path": tail}
        self.traffic.append(entry)
        target = self.playground_connector.rstrip("/") + "/" + tail
        headers = {"Content-Type": "application/json"}
        async with (
            aiohttp.ClientSession() as session,
            session.request(request.method, target, data=raw, headers=headers) as resp,
        ):
            answer_raw = await resp.read()
            entry.status = resp.status
            with contextlib.suppress(ValueError):
                entry.answer = {"path": tail, **json.loads(answer_raw)}
        return web.Response(body=answer_raw, status=resp.status, content_type="application/json")

    async def start(self) -> web.AppRunner:
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_post("/api/messages", self.to_bot)
        app.router.add_route("*", "/connector/{tail:.*}", self.connector)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}"
        return runner


async def quiet(count: Callable[[], int], within: float = 25.0, still: float = QUIET_S) -> None:
    """Wait until nothing new has happened for `still` seconds (a run's progress edits included)."""
    deadline = time.monotonic() + within
    last, since = count(), time.monotonic()
    while time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        now = count()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= still:
            return


# -- cards and what a press did -------------------------------------------------------------------
def texts(node: Any) -> list[str]:
    out: list[str] = []
    if isinstance(node, dict):
        if node.get("type") in ("TextBlock", "TextRun") and isinstance(node.get("text"), str):
            out.append(node["text"])
        if node.get("type") == "section" and isinstance(node.get("text"), dict):
            out.append(node["text"].get("text", ""))
        for key, value in node.items():
            if key != "actions":
                out += texts(value)
    elif isinstance(node, list):
        for value in node:
            out += texts(value)
    return out


def headline(card: dict[str, Any]) -> str:
    lines = [t for t in texts(card.get("body", card.get("blocks", []))) if t.strip()]
    first = lines[0] if lines else str(card.get("text", ""))
    return re.sub(r"\s+", " ", first).strip()[:90]


def kind_of(title: str) -> str:
    """A card's kind for the matrix: its headline with numbers and names of the moment blurred."""
    return re.sub(r"\d+", "#", title)[:70]


@dataclass
class Button:
    title: str
    press: dict[str, Any]  # what the UI would send


@dataclass
class Card:
    platform: str
    ref: str  # Teams: the Playground's message id; Slack: ts or "ephemeral:<n>"
    content: dict[str, Any]
    where: dict[str, Any] = field(default_factory=dict)  # Slack: channel, ephemeral, response_url

    @property
    def title(self) -> str:
        return headline(self.content)

    def buttons(self) -> list[Button]:
        if self.platform == "teams":
            return teams_buttons(self.content)
        return slack_buttons(self.content)


def teams_buttons(card: dict[str, Any]) -> list[Button]:
    inputs: dict[str, Any] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Input.ChoiceSet" and node.get("choices"):
                inputs[node["id"]] = node["choices"][0]["value"]
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(card.get("body", []))
    out = []
    for action in card.get("actions", []):
        if action.get("type") not in ("Action.Execute", "Action.Submit"):
            continue
        data = {**action.get("data", {}), **inputs}
        out.append(
            Button(
                action.get("title", "?"),
                {"type": action["type"], "verb": action.get("verb"), "data": data},
            )
        )
    return out


def slack_buttons(message: dict[str, Any]) -> list[Button]:
    out = []
    for block in message.get("blocks") or []:
        if block.get("type") != "actions":
            continue
        for element in block.get("elements", []):
            if element.get("type") == "button":
                action = {"type": "button", "action_id": element["action_id"],
                          "block_id": block.get("block_id", "b"), "value": element.get("value", ""),
                          "text": element["text"]}  # fmt: skip
                out.append(Button(element["text"]["text"], action))
            elif element.get("type") == "static_select":
                option = element["options"][0]
                action = {"type": "static_select", "action_id": element["action_id"],
                          "block_id": block.get("block_id", "b"), "selected_option": option}  # fmt: skip
                out.append(Button(f"menu: {option['text']['text']}", action))
    return out


# -- the Teams side (through the Playground) ------------------------------------------------------
@dataclass
class Teams:
    playground: str
    proxy: Proxy
    cards: dict[str, Card] = field(default_factory=dict)  # by Playground message id, latest content
    collected: list[dict[str, Any]] = field(default_factory=list)  # every card the bot sent
    errors: list[str] = field(default_factory=list)
    absorbed: int = 0
    log_lines: int = -1  # lines read from the Playground's log stream (-1: not connected)
    warnings: set[str] = field(default_factory=set)

    def absorb(self, conversation: str, pressed: str | None = None) -> tuple[list[str], list[Card]]:
        """Cards and notes since the last call: what the press or message did in `conversation`,
        in words, and the cards it left (a card an invoke answered with takes the pressed card's
        place). Posts elsewhere (the scheduler's alerts) are collected but not told."""
        said: list[str] = []
        new: list[Card] = []
        start, self.absorbed = self.absorbed, len(self.proxy.traffic)
        for entry in self.proxy.traffic[start : self.absorbed]:
            path = unquote(str((entry.answer or {}).get("path", "")))
            if entry.kind in ("post", "update") and f"/{conversation}" not in path:
                for attachment in entry.body.get("attachments") or []:
                    if attachment.get("contentType") == CARD_TYPE:
                        self.collected.append(attachment["content"])
                        ref = str(entry.answer.get("id") or path.split("/")[-1])
                        self.cards[ref] = Card("teams", ref, attachment["content"])
                if entry.status >= 400:
                    self.errors.append(f"connector {entry.status}: {entry.answer}")
                continue
            if entry.kind in ("post", "update"):
                for attachment in entry.body.get("attachments") or []:
                    if attachment.get("contentType") != CARD_TYPE:
                        continue
                    content = attachment["content"]
                    self.collected.append(content)
                    ref = str(
                        (entry.answer or {}).get("id")
                        or entry.answer.get("path", "").split("/")[-1]
                    )
                    self.cards[ref] = Card("teams", ref, content)
                    new.append(self.cards[ref])
                    verb = "updated" if entry.kind == "update" else "new card"
                    said.append(f"{verb}: {headline(content)}")
                for attachment in entry.body.get("attachments") or []:
                    if attachment.get("contentType", "").startswith(FILE_CARD_TYPES):
                        kind = attachment["contentType"].rsplit(".", 1)[-1]
                        said.append(f"file {kind} card: {attachment.get('name')}")
                if not entry.body.get("attachments") and entry.body.get("text"):
                    said.append(f"text: {entry.body['text'][:80]}")
                if entry.status >= 400:
                    self.errors.append(f"connector {entry.status}: {entry.answer}")
                    said.append(f"PLAYGROUND ERROR {entry.status}")
            elif entry.kind == "invoke_answer":
                body = entry.body.get("body") if isinstance(entry.body, dict) else None
                body = body or entry.body
                if body.get("type") == CARD_TYPE:
                    self.collected.append(body["value"])
                    if pressed is not None:
                        self.cards[pressed] = Card("teams", pressed, body["value"])
                        new.append(self.cards[pressed])
                    said.append(f"card replaced: {headline(body['value'])}")
                elif body.get("type") == "application/vnd.microsoft.activity.message":
                    said.append(f"note to presser: {str(body.get('value'))[:90]}")
                else:
                    said.append(f"invoke answer: {json.dumps(body)[:90]}")
            elif entry.kind == "to_bot" and entry.status >= 400:
                self.errors.append(f"bot answered {entry.status} to {entry.body.get('type')}")
                said.append(f"BOT {entry.status}")
        return said, new

    async def post(self, session: aiohttp.ClientSession, path: str, body: dict[str, Any]) -> Any:
        async with session.post(f"{self.playground}/_conversation{path}", json=body) as resp:
            raw = await resp.read()
            if resp.status >= 400:
                self.errors.append(f"playground {path} {resp.status}: {raw[:200]!r}")
            return json.loads(raw) if raw else None

    async def say(self, text: str, *, channel: bool = False) -> tuple[list[str], list[Card]]:
        self.absorb(PG_CHANNEL if channel else PG_PERSONAL)
        conversation = PG_CHANNEL if channel else PG_PERSONAL
        body: dict[str, Any] = {"from": {"id": PG_USER}, "textFormat": "plain",
                                "text": f"<at>Test Bot</at> {text}" if channel else text}  # fmt: skip
        if channel:
            body["mentions"] = [{"mentioned": {"id": PG_BOT}, "text": "<at>Test Bot</at>"}]
        async with aiohttp.ClientSession() as session:
            await self.post(session, f"/v1/conversations/{conversation}/messages", body)
        await quiet(lambda: len(self.proxy.traffic))
        return self.absorb(conversation)

    async def press(
        self, card: Card, button: Button, conversation: str
    ) -> tuple[list[str], list[Card]]:
        self.absorb(conversation)
        press = button.press
        async with aiohttp.ClientSession() as session:
            if press["type"] == "Action.Execute":
                value = {"action": {"type": "Action.Execute", "verb": press["verb"],
                                    "data": press["data"]}, "trigger": "manual"}  # fmt: skip
                await self.post(session, "/v1/invoke", {
                    "name": "adaptiveCard/action", "value": value, "from": {"id": PG_USER},
                    "conversation": {"id": conversation}, "replyToId": card.ref,
                })  # fmt: skip
            else:
                await self.post(session, "/v1/submit", {
                    "conversation": {"id": conversation}, "from": {"id": PG_USER},
                    "replyToId": card.ref, "value": press["data"],
                })  # fmt: skip
        await quiet(lambda: len(self.proxy.traffic))
        return self.absorb(conversation, pressed=card.ref)


class RecordingSlack(FakeSlack):
    """The fake Web API, keeping the ts it gave each posted message (its buttons need it)."""

    def _answer(self, method: str, p: dict[str, Any]) -> dict[str, Any]:
        answer = super()._answer(method, p)
        if "ts" in answer:
            p["_ts"] = answer["ts"]
        return answer


# -- the Slack side (signed requests to `bot serve`, the fake Web API for its calls) -------------
def signed(body: str) -> dict[str, str]:
    timestamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256)
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest.hexdigest()}"}


@dataclass
class Slack:
    bot_url: str
    fake: FakeSlack
    collected: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cards: dict[str, Card] = field(default_factory=dict)
    absorbed: int = 0
    _n: int = 0

    def _next(self) -> str:
        self._n += 1
        return str(self._n)

    def absorb(self, channel: str = SLACK_CHANNEL) -> tuple[list[str], list[Card]]:
        """What happened since the last call, told for `channel` (alerts elsewhere are kept)."""
        said: list[str] = []
        new: list[Card] = []
        start, self.absorbed = self.absorbed, len(self.fake.calls)
        for call in self.fake.calls[start : self.absorbed]:
            p = call.params
            elsewhere = (
                call.method in ("chat.postMessage", "chat.update") and p.get("channel") != channel
            )
            if call.method in ("chat.postMessage", "chat.postEphemeral", "chat.update", "response"):
                message = {"text": p.get("text", ""), "blocks": p.get("blocks") or []}
                self.collected.append(message)
                where = {
                    "channel": p.get("channel", SLACK_CHANNEL),
                    "thread_ts": p.get("thread_ts"),
                }
                if call.method == "chat.postMessage":
                    ref = str(p.get("_ts"))
                    where["ephemeral"] = False
                    said.append(f"posted: {headline(message)}")
                elif call.method == "chat.update":
                    ref = str(p.get("ts"))
                    where["ephemeral"] = False
                    said.append(f"edited: {headline(message)}")
                elif call.method == "chat.postEphemeral":
                    ref = f"ephemeral:{self._next()}"
                    where["ephemeral"] = True
                    said.append(f"private note: {headline(message)}")
                else:
                    kind = (
                        "replaced"
                        if p.get("replace_original")
                        else ("deleted" if p.get("delete_original") else "response_url")
                    )
                    ref = f"ephemeral:{self._next()}"
                    where["ephemeral"] = True
                    said.append(f"{kind}: {headline(message)}")
                card = Card("slack", ref, message, where)
                if elsewhere:
                    said.pop()
                if message["blocks"] and not p.get("delete_original"):
                    self.cards[ref] = card
                    if not elsewhere:
                        new.append(card)
            elif call.method == "files.completeUploadExternal":
                said.append("file uploaded")
            elif call.method not in ("auth.test", "conversations.history", "upload",
                                     "files.getUploadURLExternal", "conversations.replies"):  # fmt: skip
                said.append(f"called {call.method}")
        return said, new

    async def _post(self, body: str, content_type: str) -> int:
        headers = {"Content-Type": content_type, **signed(body)}
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{self.bot_url}/slack/events", data=body, headers=headers) as resp,
        ):
            if resp.status != 200:
                self.errors.append(f"/slack/events answered {resp.status}")
            return resp.status

    async def say(self, text: str, *, channel: str = SLACK_CHANNEL) -> tuple[list[str], list[Card]]:
        self.absorb(channel)
        body = urlencode({
            "token": "legacy", "team_id": "T0001", "channel_id": channel, "channel_name": "front-desk",
            "user_id": SLACK_USER, "user_name": "alice", "command": "/alexa", "text": text,
            "response_url": self.fake.response_url(f"cmd{self._next()}"),
            "trigger_id": f"trig{self._next()}", "api_app_id": "A0001",
        })  # fmt: skip
        await self._post(body, "application/x-www-form-urlencoded")
        await quiet(lambda: len(self.fake.calls), still=SLACK_QUIET_S)
        return self.absorb(channel)

    async def press(self, card: Card, button: Button) -> tuple[list[str], list[Card]]:
        channel = card.where.get("channel") or SLACK_CHANNEL
        self.absorb(channel)
        ephemeral = bool(card.where.get("ephemeral"))
        # Slack gives an ephemeral message a ts of its own too (in the container): one per card
        ts = f"1700009999.{int(card.ref.split(':')[1]):06d}" if ephemeral else card.ref
        container: dict[str, Any] = {"type": "message", "channel_id": channel, "is_ephemeral": ephemeral,
                                     "message_ts": ts}  # fmt: skip
        payload: dict[str, Any] = {
            "type": "block_actions", "team": {"id": "T0001"}, "user": {"id": SLACK_USER},
            "api_app_id": "A0001", "trigger_id": f"atrig{self._next()}", "container": container,
            "channel": {"id": channel}, "response_url": self.fake.response_url(f"act{self._next()}"),
            "actions": [{**button.press, "action_ts": f"{time.time():.6f}"}],
        }  # fmt: skip
        if not ephemeral:
            payload["message"] = {"ts": card.ref, "text": card.content.get("text", ""),
                                  "blocks": card.content.get("blocks", [])}  # fmt: skip
            if card.where.get("thread_ts"):
                payload["message"]["thread_ts"] = card.where["thread_ts"]
        await self._post(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )
        await quiet(lambda: len(self.fake.calls), still=SLACK_QUIET_S)
        return self.absorb(channel)


# -- the matrix -----------------------------------------------------------------------------------
@dataclass
class Row:
    platform: str
    card: str
    button: str
    first: str
    second: str
    stale: str
    valid: str = ""
    size: int = 0


# A write replayed with the same station would only say "already plays …": each replay takes the
# next station of this cycle.
STATIONS = ["jazz", "pop", "country", "latin", "dance", "gospel", "classical", "oldies", "mix",
            "alternative"]  # fmt: skip
_station_turn = [0]


def with_station(text: str) -> str:
    _station_turn[0] += 1
    return text.replace("{station}", STATIONS[_station_turn[0] % len(STATIONS)])


PathStep = tuple[str, str]  # ("say", text) | ("say-channel", text) | ("press", button title)

TEAMS_COMMANDS = [
    "set room 101 at Harbor View Seattle to {station}",
    "set all rooms at Lakeside Chicago to {station}",
    "undo",
    "offline devices everywhere",
    "offline devices at Harbor View Seattle",
    "set room 101 to jazz",
    "set room 201 to {station}",  # room 201 is in 6 properties: "Which property?" as a menu
    "what's playing in room 101",
    "set room 101 at Harbor View Seattle",  # no station: "Which station?" with the stations menu
    "blorp the frobnicator",
    "help",
    "digest Harbor View Seattle",
    "history of room 101 at Harbor View Seattle",
    "retry failed",
]
CHANNEL_COMMANDS = [
    "bind this channel to Alpine Lodge Aspen",
    "set digest channel here for Alpine Lodge Aspen",
]


def same_button(card: Card, title: str) -> Button | None:
    """The button of `card` that is `title`'s (labels name their change, so numbers are blurred)."""
    buttons = card.buttons()
    exact = [b for b in buttons if b.title == title]
    blurred = [b for b in buttons if kind_of(b.title) == kind_of(title)]
    found = exact or blurred
    return found[0] if found else None


def first_line(said: list[str]) -> str:
    return "; ".join(said)[:160] or "nothing posted"


async def replay(
    say: Callable[[str], Awaitable[tuple[list[str], list[Card]]]],
    press: Callable[[Card, Button], Awaitable[tuple[list[str], list[Card]]]],
    path: list[PathStep],
) -> Card | None:
    """Run a path again and return the card it ends on (None when the bot answers differently)."""
    cards: list[Card] = []
    for step, arg in path:
        if step == "say":
            _, cards = await say(with_station(arg))
        else:
            card = cards[-1] if cards else None
            button = same_button(card, arg) if card else None
            if card is None or button is None:
                return None
            _, cards = await press(card, button)
    with_buttons = [c for c in cards if c.buttons()]
    return with_buttons[-1] if with_buttons else None


async def explore(
    platform: str,
    say: Callable[[str], Awaitable[tuple[list[str], list[Card]]]],
    press: Callable[[Card, Button], Awaitable[tuple[list[str], list[Card]]]],
    commands: list[str],
    rows: list[Row],
    seen: set[str],
    depth: int = 2,
) -> None:
    queue: list[list[PathStep]] = [[("say", c)] for c in commands]
    while queue:
        path = queue.pop(0)
        probe = await replay(say, press, path)
        if probe is None:
            if len(path) == 1:
                rows.append(Row(platform, f"`{path[0][1]}`", "(no buttons)", "-", "-", "-"))
            continue
        for button in probe.buttons():
            key = f"{platform}|{kind_of(probe.title)}|{kind_of(button.title)}"
            if key in seen:
                continue
            seen.add(key)
            older = await replay(say, press, path)
            newer = await replay(say, press, path)
            if older is None or newer is None:
                rows.append(
                    Row(platform, probe.title, button.title, "(replay gave no card)", "-", "-")
                )
                continue
            target = same_button(newer, button.title)
            stale_button = same_button(older, button.title)
            if target is None or stale_button is None:
                rows.append(
                    Row(
                        platform,
                        probe.title,
                        button.title,
                        "(replay gave no such button)",
                        "-",
                        "-",
                    )
                )
                continue
            # Stale: the older card pressed once a newer change has happened. A result card's
            # newer change is in effect as soon as its card exists, so its older card goes first;
            # a question's or confirmation's newer change happens at the newer card's first press.
            undo_like = kind_of(button.title).startswith(("Undo", "Retry"))
            if undo_like:
                said3, _ = await press(older, stale_button)
            said1, new1 = await press(newer, target)
            said2, _ = await press(newer, target)
            if not undo_like:
                said3, _ = await press(older, stale_button)
            rows.append(Row(platform, f"{probe.title} (`{path[-1][1]}`)", button.title,
                            first_line(said1), first_line(said2), first_line(said3)))  # fmt: skip
            if len(path) < depth and [c for c in new1 if c.buttons()]:
                queue.append([*path, ("press", button.title)])


# -- several whole requests in one message (bot/core/compound.py) ---------------------------------
HARBOR = "Harbor View Seattle"
# offered in the US, the UK and France alike: a change everywhere then reaches every property
# holding the room (one not offering the station is left out and said)
EVERYWHERE_STATIONS = ["jazz", "pop", "country", "classical"]
Place = tuple[str, str]  # (room, property)
State = dict[Place, str]  # the station a room plays, lower case; "" for none


@dataclass
class PartsCase:
    label: str
    text: str  # {a} and {b}: the next stations of `stations` at each run
    rooms: list[Place]  # read back after each press; property "*": at every property holding it
    stations: list[str] = field(default_factory=lambda: list(STATIONS))
    confirm: bool = False  # asked first: a run is the message, then its card's Confirm
    turn: int = 0
    picked: list[str] = field(default_factory=list)  # the stations of the last run, by slot

    def next_text(self, known: State) -> str:
        """The message with stations that change every room it names: none it plays now (as last
        read back), none of the run before (a newer card then always changes its rooms again)."""
        text, picks = self.text, []
        for slot, (room, place) in zip(("{a}", "{b}"), self.rooms, strict=False):
            if slot not in text:
                break
            now = {s for (r, p), s in known.items() if r == room and place in ("*", p)}
            before = self.picked[len(picks)] if len(self.picked) > len(picks) else ""
            for tries in range(3 * len(self.stations)):
                self.turn += 1
                station = self.stations[self.turn % len(self.stations)]
                # rooms already on every other station: one is taken (a room then says so)
                fresh = station not in now or tries >= 2 * len(self.stations)
                if fresh and station != before and station not in picks:
                    break
            picks.append(station)
            text = text.replace(slot, station)
        self.picked = picks
        return text


PARTS_CASES = [
    PartsCase("two changes, the property named once",
              f"set 101 to {{a}} and 102 to {{b}} at {HARBOR}", [("101", HARBOR), ("102", HARBOR)]),
    PartsCase("a change and a clearing, each with its property",
              f"set 101 at {HARBOR} to {{a}} and clear the alarms in 102 at {HARBOR}",
              [("101", HARBOR), ("102", HARBOR)]),
    PartsCase("a change and a read", f"set 101 to {{a}} and what's playing in 102 at {HARBOR}",
              [("101", HARBOR), ("102", HARBOR)]),
    PartsCase("one room everywhere, asked first", "set 101 everywhere to {a}", [("101", "*")],
              list(EVERYWHERE_STATIONS), confirm=True),
]  # fmt: skip

_READ = re.compile(
    r"Room (\S+) at (.+?) (?:plays (.+?)|has no default station set)\.(?=\s|$)", re.MULTILINE
)
_DONE = re.compile(r"Done: Room (\S+) at (.+?) now plays ", re.MULTILINE)


def all_text(card: Card) -> str:
    content = card.content
    return "\n".join([*texts(content.get("body", content.get("blocks", []))),
                      str(content.get("text", ""))])  # fmt: skip


def changes_of(card: Card) -> list[Place]:
    """The rooms a multi-part result changed, in the order of its parts (and of its Undo
    buttons: one per change)."""
    found: list[Place] = []
    for text in texts(card.content.get("body", card.content.get("blocks", []))):
        for m in _DONE.finditer(re.sub(r"[*_]", "", text)):
            if (m[1], m[2]) not in found:
                found.append((m[1], m[2]))
    return found


def short(place: Place) -> str:
    return f"{place[0]}@{place[1].split()[0]}"


def said_state(state: State) -> str:
    return ", ".join(f"{short(p)} {s or '-'}" for p, s in sorted(state.items()))


@dataclass
class Parts:
    """Presses the cards of the multi-part messages on one platform and reads the rooms back."""

    platform: str
    say: Callable[[str], Awaitable[tuple[list[str], list[Card]]]]
    press: Callable[[Card, Button], Awaitable[tuple[list[str], list[Card]]]]
    rows: list[Row]
    checks: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    known: State = field(default_factory=dict)  # the rooms as last read back

    async def read(self, rooms: list[Place]) -> State:
        state: State = {}
        for room, place in rooms:
            text = f"what's on in {room} everywhere" if place == "*" else (
                f"what's on in {room} at {place}")  # fmt: skip
            said, cards = await self.say(text)
            body = "\n".join([*(all_text(c) for c in cards), *said])
            for m in _READ.finditer(re.sub(r"[*_]", "", body)):
                if place in ("*", m[2]) and m[1] == room:
                    state[(m[1], m[2])] = (m[3] or "").strip().lower()
        self.known |= state
        return state

    def check(self, what: str, ok: bool, detail: str) -> str:
        line = f"{'ok' if ok else 'FAILED'}: {self.platform} {what}: {detail}"
        self.checks.append(line)
        if not ok:
            self.failed.append(line)
        return "read back ok" if ok else f"READ BACK WRONG: {detail}"

    async def run(self, case: PartsCase) -> tuple[list[str], Card | None]:
        """The message (and, when asked first, its Confirm): what was said, the result card."""
        said, cards = await self.say(case.next_text(self.known))
        card = next((c for c in reversed(cards) if c.buttons()), None)
        if case.confirm and card is not None:
            confirm = same_button(card, "Confirm")
            if confirm is None:
                return said, None
            said, cards = await self.press(card, confirm)
            card = next((c for c in reversed(cards) if c.buttons()), None)
        return said, card

    async def case(self, case: PartsCase) -> None:
        await self.read(case.rooms)
        said, probe = await self.run(case)
        if probe is None:
            self.rows.append(Row(self.platform, f"`{case.text}`", "(no buttons)",
                                 first_line(said), "-", "-"))  # fmt: skip
            return
        self.checks.append(f"{self.platform} `{case.text}` ({case.label}): {card_bytes(probe.content)}"
                           f" bytes; parts: {' / '.join(headline_lines(probe))}")  # fmt: skip
        if case.confirm:
            await self.confirmations(case)
        undos = [b for b in probe.buttons() if b.title.startswith("Undo")]
        if len(undos) != len(changes_of(probe)):
            self.check(f"`{case.text}`", False, f"{len(undos)} Undo buttons for "
                       f"{len(changes_of(probe))} changes: {[b.title for b in probe.buttons()]}")  # fmt: skip
        for k in range(len(undos)):
            await self.undo(case, k)
        if len(undos) > 1:
            await self.undo_in_turn(case)

    async def confirmations(self, case: PartsCase) -> None:
        """Confirm and Cancel of the question asked first, each pressed twice and as stale."""
        for title in ("Confirm", "Cancel"):
            await self.read(case.rooms)  # the newer question's station then changes every room
            _, older_cards = await self.say(case.next_text(self.known))
            _, newer_cards = await self.say(case.next_text(self.known))
            wanted = case.picked[0]
            older = next((c for c in reversed(older_cards) if c.buttons()), None)
            newer = next((c for c in reversed(newer_cards) if c.buttons()), None)
            if older is None or newer is None:
                self.rows.append(Row(self.platform, f"`{case.text}`", title,
                                     "(no question card)", "-", "-"))  # fmt: skip
                continue
            o_button, n_button = same_button(older, title), same_button(newer, title)
            assert o_button is not None and n_button is not None, newer.buttons()
            s0 = await self.read(case.rooms)
            said1, new1 = await self.press(newer, n_button)
            r1 = await self.read(case.rooms)
            said2, _ = await self.press(newer, n_button)
            r2 = await self.read(case.rooms)
            said3, _ = await self.press(older, o_button)
            r3 = await self.read(case.rooms)
            if title == "Confirm":
                v1 = self.check(f"{title} (1st)", bool(r1) and all(
                    s.startswith(wanted) for s in r1.values()) and r1.keys() == s0.keys(),
                    f"{wanted} wanted; {said_state(r1)}")  # fmt: skip
                result = next((c for c in new1 if c.buttons()), None)
                if result is not None:
                    self.checks.append(f"{self.platform} result of Confirm: "
                                       f"{' / '.join(headline_lines(result))}; buttons "
                                       f"{[b.title for b in result.buttons()]}")  # fmt: skip
            else:
                v1 = self.check(f"{title} (1st)", r1 == s0, f"{said_state(s0)} -> {said_state(r1)}")
            v2 = self.check(f"{title} (2nd)", r2 == r1, f"{said_state(r1)} -> {said_state(r2)}")
            v3 = self.check(f"{title} (stale)", r3 == r2, f"{said_state(r2)} -> {said_state(r3)}")
            self.rows.append(Row(self.platform, f"{newer.title} (`{case.text}`)", title,
                                 f"{first_line(said1)} [{v1}]", f"{first_line(said2)} [{v2}]",
                                 f"{first_line(said3)} [{v3}]"))  # fmt: skip

    async def undo(self, case: PartsCase, k: int) -> None:
        """The k-th Undo of a multi-part result: the older card's while the newer card's change is
        in effect, then the newer card's twice; each must put back its own room alone."""
        _, older = await self.run(case)
        s1 = await self.read(case.rooms)
        _, newer = await self.run(case)
        s2 = await self.read(case.rooms)
        if older is None or newer is None:
            self.rows.append(Row(self.platform, f"`{case.text}`", f"Undo #{k + 1}",
                                 "(replay gave no card)", "-", "-"))  # fmt: skip
            return
        o_undos = [b for b in older.buttons() if b.title.startswith("Undo")]
        n_undos = [b for b in newer.buttons() if b.title.startswith("Undo")]
        mine = changes_of(newer)
        if k >= min(len(o_undos), len(n_undos), len(mine)):
            self.rows.append(Row(self.platform, f"`{case.text}`", f"Undo #{k + 1}",
                                 "(replay gave no such button)", "-", "-"))  # fmt: skip
            return
        room = mine[k]
        self.check(f"`{case.text}` newer change of {short(room)}", s1.get(room) != s2.get(room),
                   f"{s1.get(room)} -> {s2.get(room)}")  # fmt: skip
        said3, _ = await self.press(older, o_undos[k])
        r3 = await self.read(case.rooms)
        v3 = self.check(f"`{case.text}` stale {o_undos[k].title} ({short(room)})", r3 == s2,
                        f"{said_state(s2)} -> {said_state(r3)}")  # fmt: skip
        said1, new1 = await self.press(newer, n_undos[k])
        r1 = await self.read(case.rooms)
        expected = {**s2, room: s1.get(room, "")}
        v1 = self.check(f"`{case.text}` {n_undos[k].title} ({short(room)}) 1st", r1 == expected,
                        f"expected {said_state(expected)}; read {said_state(r1)}")  # fmt: skip
        said2, _ = await self.press(newer, n_undos[k])
        r2 = await self.read(case.rooms)
        v2 = self.check(f"`{case.text}` {n_undos[k].title} ({short(room)}) 2nd", r2 == r1,
                        f"{said_state(r1)} -> {said_state(r2)}")  # fmt: skip
        # One change of several on its card: the card must stay as it was, with the other
        # changes and their Undo buttons, and this Undo's result must come under it
        others = [p for p in mine if p != room]
        if others:
            after = shown_after(newer, said1, new1)
            kept = after is newer
            left = changes_of(after) if after is not None else []
            undos_left = [b.title for b in (after.buttons() if after is not None else [])
                          if b.title.startswith("Undo")]  # fmt: skip
            what = (f"{n_undos[k].title} ({short(room)}) on `{case.text}`: the card "
                    f"{'is kept' if kept else 'now reads ' + ' / '.join(headline_lines(after))}; "
                    f"Undo buttons on it {undos_left}")  # fmt: skip
            self.check(what, kept and all(p in left for p in others)
                       and len(undos_left) == len(mine), f"{len(mine)} changes on the card")  # fmt: skip
            under = undone_under(newer, said1, new1, room)
            self.check(f"`{case.text}` {n_undos[k].title} ({short(room)}): its result under the "
                       "card", under is not None, under or f"none in {first_line(said1)}")  # fmt: skip
            if after is not None and not all(p in left for p in others):
                self.lost.append(f"{self.platform} {what}")
        self.rows.append(Row(self.platform, f"{newer.title} (`{case.text}`)",
                             f"{n_undos[k].title} (part {k + 1}: {short(room)})",
                             f"{first_line(said1)} [{v1}]", f"{first_line(said2)} [{v2}]",
                             f"{first_line(said3)} [{v3}]"))  # fmt: skip

    async def undo_in_turn(self, case: PartsCase) -> None:
        """Every Undo of one card pressed in turn, each from the card as it shows after the
        presses before: each puts back its own room alone (read back), and the card keeps the
        Undo buttons not pressed yet; at the end all the rooms are put back."""
        s0 = await self.read(case.rooms)
        _, card = await self.run(case)
        if card is None:
            return
        mine = changes_of(card)
        before = await self.read(case.rooms)
        shown: Card | None = card
        said: list[str] = []
        for k, first in enumerate([b for b in card.buttons() if b.title.startswith("Undo")]):
            button = same_button(shown, first.title) if shown is not None else None
            if k and (button is None or button.title != first.title):
                self.check(f"`{case.text}` {first.title} still on the card after the Undo before",
                           False, f"buttons {[b.title for b in shown.buttons()] if shown else []}"
                           " (pressed from the card as first shown)")  # fmt: skip
            one, new = await self.press(card, button if button is not None else first)
            shown = shown_after(shown, one, new) if shown is not None else None
            said.append(f"{first.title}: {first_line(one)[:70]}")
            if k < len(mine):
                room = mine[k]
                now = await self.read(case.rooms)
                expected = {**before, room: s0.get(room, "")}
                self.check(f"`{case.text}` {first.title} ({short(room)}) in turn", now == expected,
                           f"expected {said_state(expected)}; read {said_state(now)}")  # fmt: skip
                before = now
        r = await self.read(case.rooms)
        v = self.check(f"`{case.text}` every Undo in turn", r == s0,
                       f"{said_state(s0)} -> {said_state(r)}")  # fmt: skip
        self.rows.append(Row(self.platform, f"{card.title} (`{case.text}`)",
                             "every Undo of one card, in turn", f"{'; '.join(said)} [{v}]", "-",
                             "-"))  # fmt: skip


REPLACED = ("card replaced:", "replaced:", "deleted:")  # what a press did to the pressed card


def shown_after(card: Card, said: list[str], new: list[Card]) -> Card | None:
    """The pressed card as it shows after the press: itself when untouched, its new content when
    edited in place, None when replaced by an answer or deleted."""
    edited = next((c for c in new if c.ref == card.ref), None)
    if edited is not None:
        return edited
    return None if any(s.startswith(REPLACED) for s in said) else card


def undone_under(card: Card, said: list[str], new: list[Card], room: Place) -> str | None:
    """The message under the pressed card that says `room` was put back (None: none was)."""
    wanted = re.compile(rf"Undone: room {room[0]} at {re.escape(room[1])}\b", re.IGNORECASE)
    for c in new:
        if c.ref != card.ref and wanted.search(re.sub(r"[*_]", "", all_text(c))):
            return c.title
    for s in said:
        if not s.startswith(REPLACED) and wanted.search(re.sub(r"[*_]", "", s)):
            return s
    return None


def headline_lines(card: Card | None) -> list[str]:
    if card is None:
        return []
    lines = [
        t for t in texts(card.content.get("body", card.content.get("blocks", []))) if t.strip()
    ]
    return [re.sub(r"\s+", " ", line).strip()[:90] for line in lines[:6]]


# -- checks ----------------------------------------------------------------------------------------
def validate_teams(cards: list[dict[str, Any]], workdir: Path) -> tuple[list[dict[str, Any]], str]:
    path = workdir / "teams-cards.json"
    path.write_text(json.dumps(cards))
    node = subprocess.run(
        ["node", str(ROOT / "bench" / "validate_cards.cjs"), str(path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if node.returncode != 0:
        return [], f"not validated: {node.stderr.strip()[:300]}"
    result = json.loads(node.stdout)
    return result["invalid"], "adaptivecards"


def slack_issues(messages: list[dict[str, Any]]) -> list[str]:
    issues = []
    for message in messages:
        blocks = message.get("blocks") or []
        if len(blocks) > 50:
            issues.append(f"{headline(message)}: {len(blocks)} blocks")
        if len(message.get("text") or "") > 40_000:
            issues.append(f"{headline(message)}: text too long")
        for block in blocks:
            try:
                parsed = Block.parse(block)
                if parsed is None:
                    raise SlackObjectFormationError(f"unknown block {block.get('type')}")
                parsed.validate_json()
            except SlackObjectFormationError as error:
                issues.append(f"{headline(message)}: {error}")
    return issues


def card_bytes(card: dict[str, Any]) -> int:
    return len(json.dumps(card).encode())


# -- main ------------------------------------------------------------------------------------------
@contextlib.asynccontextmanager
async def running(args: argparse.Namespace, workdir: Path) -> AsyncIterator[tuple[Teams, Slack]]:
    world = workdir / "world.json"
    offline_world(world)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ASP_", "LWA_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    sandbox_port = free_port()
    sandbox, banner = await start_process(
        [sys.executable, "-m", "bot", "sandbox", "serve", "--world", str(world), "--port",
         str(sandbox_port), "--bot-toml", str(workdir / "bot.toml")],
        env, workdir / "sandbox.log", lambda out: "BOT_CONFIG" in out, 60,
    )  # fmt: skip
    for name, value in re.findall(r"(\w+)=('[^']*'|\S+)", banner.split("To point the bot")[1]):
        env[name] = value.strip("'")
    bot_toml(workdir / "bot.toml")
    fake = await RecordingSlack().start()
    bot_port = free_port()
    proxy = Proxy(f"http://127.0.0.1:{bot_port}")
    proxy_runner = await proxy.start()
    env |= {"SLACK_BOT_TOKEN": "xoxb-press-matrix", "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.api_url, "BOT_DB_PATH": str(workdir / "bot.db"),
            "PYTHONUNBUFFERED": "1"}  # fmt: skip
    bot, _ = await start_process(
        [sys.executable, "-m", "bot", "serve", "--teams-dev", "--port", str(bot_port)],
        env, workdir / "bot.log", lambda out: "Serving on" in out, 120,
    )  # fmt: skip
    pg_port = free_port()
    # The Playground opens its page with xdg-open on start and exits when there is none: a no-op
    # one (headless, the page is not used)
    opener = workdir / "bin" / "xdg-open"
    opener.parent.mkdir(exist_ok=True)
    opener.write_text("#!/bin/sh\nexit 0\n")
    opener.chmod(0o755)
    pg_env = {
        **os.environ,
        "BROWSER": "none",
        "PATH": f"{opener.parent}{os.pathsep}{os.environ['PATH']}",
    }
    playground, _ = await start_process(
        [args.playground, "-e", f"{proxy.url}/api/messages", "-c", "msteams", "-p", str(pg_port),
         "--conversation-id", PG_PERSONAL],
        pg_env, workdir / "playground.log",
        lambda out: "Listening on" in out, 60,
    )  # fmt: skip
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(240):  # the index loads after "Serving on"
                async with session.get(f"http://127.0.0.1:{bot_port}/healthz") as resp:
                    if resp.status == 200:
                        break
                await asyncio.sleep(0.5)
        teams = Teams(f"http://127.0.0.1:{pg_port}", proxy)
        slack = Slack(f"http://127.0.0.1:{bot_port}", fake)
        log_task = asyncio.get_running_loop().create_task(read_log(teams))
        yield teams, slack
        log_task.cancel()
    finally:
        stop(playground)
        stop(bot)
        stop(sandbox)
        await proxy_runner.cleanup()
        await fake.stop()


async def read_log(teams: Teams) -> None:
    """The Playground's log stream: every line it marks as an error is a Playground error; its
    warnings are kept for the summary."""
    url = teams.playground.replace("http", "ws") + "/_ws/log/stream"
    try:
        async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
            teams.log_lines = 0
            async for message in ws:
                text = str(message.data)
                teams.log_lines += 1
                if re.search(r'"(level|type)"\s*:\s*"(error|Error)"|\berror\b', text, re.I):
                    teams.errors.append(f"playground log: {text[:300]}")
                else:
                    # the gist of a warning: the words around it, without the ids of the moment
                    # (a card's `"color": "Warning"` in a logged activity is not one)
                    for found in re.finditer(r"[^{}\[\]]{0,100}\bwarn[^{}\[\]]{0,140}", text, re.I):
                        if '"color":"Warning' not in found.group(0):
                            teams.warnings.add(found.group(0).strip(' ",:'))
    except Exception as error:  # the stream is how Playground errors are seen: say it was not
        teams.errors.append(f"the Playground's log stream could not be read: {error!r}")


def table(rows: list[Row]) -> list[str]:
    out = ["| card | button | 1st press | 2nd press | stale press | valid | bytes |",
           "|---|---|---|---|---|---|---|"]  # fmt: skip

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    for r in rows:
        out.append(f"| {cell(r.card)} | {cell(r.button)} | {cell(r.first)} | {cell(r.second)} | "
                   f"{cell(r.stale)} | {r.valid} | {r.size or ''} |")  # fmt: skip
    return out


async def main(args: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="press-matrix-"))
    teams_rows: list[Row] = []
    slack_rows: list[Row] = []
    async with running(args, workdir) as (teams, slack):
        # The bot learns the channel (and can post alerts there) once it is mentioned in it.
        channel_said: list[tuple[str, list[str], list[Card]]] = []
        for text in CHANNEL_COMMANDS:
            said, cards = await teams.say(text, channel=True)
            channel_said.append((text, said, cards))

        async def t_press(card: Card, button: Button) -> tuple[list[str], list[Card]]:
            return await teams.press(card, button, PG_PERSONAL)

        seen: set[str] = set()
        if not args.only_parts:
            await explore("teams", teams.say, t_press, TEAMS_COMMANDS, teams_rows, seen)
        teams_parts = Parts("teams", teams.say, t_press, teams_rows)
        for case in PARTS_CASES:
            await teams_parts.case(case)
        # Offline alerts: posted by the scheduler (checked every minute) into Aspen's channel.
        await asyncio.sleep(0 if args.only_parts else args.alert_wait)
        teams.absorb(PG_CHANNEL)
        alerts = [c for c in teams.cards.values()
                  if any(b.title.startswith("Mute") for b in c.buttons())]  # fmt: skip
        if args.only_parts:
            pass
        elif len(alerts) >= 2:
            older, newer = alerts[0], alerts[-1]
            for button in newer.buttons():
                # a top-level channel post is a thread of its own in the Playground
                thread = f"{PG_CHANNEL};messageid={newer.ref}"
                first = await teams.press(newer, button, thread)
                second = await teams.press(newer, button, thread)
                old_button = same_button(older, button.title) or button
                stale = await teams.press(older, old_button, f"{PG_CHANNEL};messageid={older.ref}")
                teams_rows.append(Row("teams", f"alert: {newer.title}", button.title,
                                      first_line(first[0]), first_line(second[0]),
                                      first_line(stale[0]) + " (the other device's card)"))  # fmt: skip
        else:
            teams_rows.append(Row("teams", "offline alert", "-", f"{len(alerts)} alert cards seen",
                                  "-", "-"))  # fmt: skip
        for text, said, _cards in channel_said:
            teams_rows.append(
                Row("teams", f"channel: `{text}`", "(typed)", first_line(said), "-", "-")
            )

        slack_commands = [*TEAMS_COMMANDS, *CHANNEL_COMMANDS]
        slack_seen: set[str] = set()
        if not args.only_parts:
            await explore("slack", slack.say, slack.press, slack_commands, slack_rows, slack_seen)
        slack_parts = Parts("slack", slack.say, slack.press, slack_rows)
        for case in PARTS_CASES:
            await slack_parts.case(case)
        slack.absorb(SLACK_ONCALL)
        slack_alerts = [c for c in slack.cards.values()
                        if any(b.title.startswith("Mute") for b in c.buttons())]  # fmt: skip
        if args.only_parts:
            pass
        elif len(slack_alerts) >= 2:
            older, newer = slack_alerts[0], slack_alerts[-1]
            for button in newer.buttons():
                first = await slack.press(newer, button)
                second = await slack.press(newer, button)
                old_button = same_button(older, button.title) or button
                stale = await slack.press(older, old_button)
                slack_rows.append(Row("slack", f"alert: {newer.title}", button.title,
                                      first_line(first[0]), first_line(second[0]),
                                      first_line(stale[0]) + " (the other device's card)"))  # fmt: skip
        else:
            slack_rows.append(Row("slack", "offline alert", "-",
                                  f"{len(slack_alerts)} alert cards seen", "-", "-"))  # fmt: skip
        teams_cards = teams.collected
        slack_messages = slack.collected
        errors = teams.errors + slack.errors
        traffic = teams.proxy.traffic
        log_lines, warnings = teams.log_lines, teams.warnings
        parts_checks = teams_parts.checks + slack_parts.checks
        parts_failed = teams_parts.failed + slack_parts.failed
        parts_lost = teams_parts.lost + slack_parts.lost

    invalid, how = validate_teams(teams_cards, workdir)
    bad = {i for i in (x["index"] for x in invalid)}
    sizes = [card_bytes(c) for c in teams_cards]
    by_title: dict[str, tuple[bool, int]] = {}
    for i, card in enumerate(teams_cards):
        ok, size = by_title.get(headline(card), (True, 0))
        by_title[headline(card)] = (ok and i not in bad, max(size, sizes[i]))
    for row in teams_rows:
        title = row.card.split(" (`")[0].removeprefix("alert: ")
        if title in by_title:
            ok, size = by_title[title]
            row.valid, row.size = ("yes" if ok else "NO"), size
    issues = slack_issues(slack_messages)
    slack_sizes: dict[str, int] = {}
    for message in slack_messages:
        title = headline(message)
        slack_sizes[title] = max(slack_sizes.get(title, 0), card_bytes(message))
    for row in slack_rows:
        row.size = slack_sizes.get(row.card.split(" (`")[0].removeprefix("alert: "), 0)
        row.valid = (
            "yes" if not any(i.startswith(row.card.split(" (`")[0][:40]) for i in issues) else "NO"
        )

    summary = [
        f"Teams: {len(teams_cards)} cards collected from the running bot; Adaptive Cards 1.5 ({how}): "
        f"{len(invalid)} invalid; largest {max(sizes, default=0)} bytes; over 28 KB: "
        f"{sum(s > TEAMS_LIMIT for s in sizes)}",
        f"Slack: {len(slack_messages)} Block Kit messages collected; issues: {len(issues)}",
        f"Errors (Playground, connector, bot): {len(errors)}; Playground log lines read: "
        f"{log_lines}; its distinct warnings: {len(warnings)}",
        *[f"Playground warning: {w}" for w in sorted(warnings)[:10]],
        f"Several requests in one message ({len(PARTS_CASES)} messages): rooms read back after "
        f"each press, {sum(c.startswith(('ok', 'FAILED')) for c in parts_checks)} checks, "
        f"{len(parts_failed)} failed; an Undo press that took the other parts' results off "
        f"their card: {len(parts_lost)}",
    ]
    for line in summary:
        print(line)
    for e in errors[:20]:
        print("  ", e)
    for bad_card in invalid[:10]:
        print("  invalid card", bad_card["index"], headline(teams_cards[bad_card["index"]]),
              bad_card["events"][:2])  # fmt: skip
    for issue in issues[:10]:
        print("  slack issue:", issue)
    for line in parts_failed + parts_lost:
        print("  ", line)
    if args.out:
        lines = ["# Chat press matrix: every button, pressed twice and as a stale card", "",
                 "Written by `scripts/press_matrix.py` (rerun it to regenerate this file; see its "
                 "docstring). Every card below came from the running `bot serve --teams-dev` on "
                 "`bot sandbox serve` with 200 devices offline: Teams through the Microsoft 365 "
                 "Agents Playground driven headless by the HTTP API of its own web page, Slack by "
                 "signed requests to `/slack/events` with the bot's Web API calls going to "
                 "tests/fake_slack.py run as a server. *1st/2nd press*: the same button of the "
                 "newer card pressed twice; *stale press*: the same button of an older card of the "
                 "same kind, pressed once a newer change has happened (for Undo: while the newer "
                 "change is in effect; for a question or confirmation: after the newer one was "
                 "answered). *valid*: Adaptive Cards 1.5 per the `adaptivecards` parser and under "
                 "28 KB (Teams), slack_sdk's Block Kit models and Slack's message limits (Slack). "
                 "*bytes*: the largest card of that kind.", "",
                 "## Summary", "", *[f"- {line}" for line in summary],
                 *([f"  - {e}" for e in errors[:40]]), "",
                 "## Teams (Agents Playground, headless)", "", *table(teams_rows), "",
                 "## Slack (signed requests, fake Web API)", "", *table(slack_rows), "",
                 "## Several requests in one message: the rooms read back", "",
                 "Each press above of a card answering several requests was followed by reading "
                 "the rooms back through the bot (`what's on in 101 at Harbor View Seattle`, "
                 "`what's on in 101 everywhere`). An Undo must put back its own room alone; a "
                 "second press and a stale press must change nothing; Cancel nothing at all. One Undo of "
                 "several on a card must leave the card as it is, its other changes and Undo "
                 "buttons with it, and say its result in a message under it; the other Undo "
                 "buttons, pressed in turn from the same card, must each put back their own "
                 "room.", "",
                 *[f"- {line}" for line in parts_checks], ""]  # fmt: skip
        # the hand-written part at the end (from HAND_WRITTEN on) is kept as it is
        kept = args.out.read_text().partition(HAND_WRITTEN) if args.out.exists() else ("", "", "")
        args.out.write_text("\n".join(lines) + ("\n" + kept[1] + kept[2] if kept[1] else ""))
        print(
            f"matrix written to {args.out} ({len(teams_rows)} Teams rows, {len(slack_rows)} Slack rows)"
        )
    (workdir / "teams-cards.json").write_text(json.dumps(teams_cards))
    (workdir / "teams-traffic.json").write_text(json.dumps(
        [{"kind": t.kind, "status": t.status, "body": t.body, "answer": t.answer} for t in traffic]
    ))  # fmt: skip
    (workdir / "slack-messages.json").write_text(json.dumps(slack_messages))
    print(f"cards, messages and the processes' logs in {workdir}")
    return 0 if not invalid and not issues and not errors else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--playground", default="agentsplayground", help="the Playground's binary")
    parser.add_argument("--out", type=Path, default=None, help="write the matrix (Markdown) here")
    parser.add_argument(
        "--only-parts",
        action="store_true",
        help="only the messages holding several requests (no other card, no alert)",
    )
    parser.add_argument(
        "--alert-wait",
        type=float,
        default=5.0,
        help="seconds to wait for the scheduler's offline alerts after the presses",
    )
    sys.exit(asyncio.run(main(parser.parse_args())))
