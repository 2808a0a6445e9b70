"""Slack over the real conversation core: the Bolt app, the Engine, the ASP client and the sandbox over HTTP.

The demo runtime binds the channel `front-desk` to Harbor View Seattle and makes `demo-admin` an admin;
everyone else is front desk.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from fake_slack import FakeSlack
from slack_bolt.async_app import AsyncApp
from slack_support import BOT_TOKEN, SECRET, action_body, command_body, form_request, running_fake

from bot.chat.slack import build_slack_app
from bot.demo import DEMO_CHANNEL, demo_runtime
from bot.runtime import Runtime
from bot.sandbox.server import SandboxServer

ALICE = "UALICE"
BOB = "UBOB"


@pytest.fixture
async def stack() -> AsyncIterator[tuple[Runtime, SandboxServer, FakeSlack, AsyncApp]]:
    async with demo_runtime() as (runtime, server), running_fake() as fake:
        app = build_slack_app(
            runtime.engine,
            bot_token=BOT_TOKEN,
            signing_secret=SECRET,
            api_url=fake.api_url,
            process_before_response=True,
        )
        yield runtime, server, fake, app


def _station(server: SandboxServer, property_name: str, room_name: str) -> Any:
    for room in server.state.rooms.values():
        if room.name == room_name and server.state.property_of_room(room.id).name == property_name:
            return room.station
    raise AssertionError(f"no room {room_name} at {property_name}")


async def test_slash_command_changes_the_room_and_says_so_in_the_channel(stack: Any) -> None:
    """/alexa set room 204 station jazz changes Harbor View's 204 on the sandbox and posts publicly."""
    _runtime, server, fake, app = stack
    response = await app.async_dispatch(
        form_request(command_body("set room 204 station jazz", channel=DEMO_CHANNEL))
    )
    assert response.status == 200
    [post] = fake.of("chat.postMessage")
    assert "now plays Jazz" in post.params["text"]
    assert _station(server, "Harbor View Seattle", "204").stationId == "4242"


async def test_bulk_change_asks_and_only_the_requester_can_confirm(stack: Any) -> None:
    """A change to 80+ rooms asks first; another user's Confirm is refused; the requester's applies it."""
    runtime, server, fake, app = stack
    await app.async_dispatch(
        form_request(
            command_body(
                "set all rooms at Lakeside Chicago to jazz", user=ALICE, channel=DEMO_CHANNEL
            )
        )
    )
    [question] = fake.of("chat.postEphemeral")
    assert "Set the default station of all" in question.params["text"]
    buttons = [
        e for b in question.params["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    confirm = next(b for b in buttons if b["text"]["text"] == "Confirm")
    await app.async_dispatch(
        form_request(
            action_body(
                confirm["value"],
                action_id=confirm["action_id"],
                user=BOB,
                channel=DEMO_CHANNEL,
                ephemeral=True,
                trigger="t-bob",
            )
        )
    )
    refusals = [
        c for c in fake.of("chat.postEphemeral") if "isn't yours" in c.params.get("text", "")
    ]
    assert refusals and refusals[0].params["user"] == BOB
    assert (
        _station(server, "Lakeside Chicago", "204") is None
        or _station(server, "Lakeside Chicago", "204").stationId != "4242"
    )
    await app.async_dispatch(
        form_request(
            action_body(
                confirm["value"],
                action_id=confirm["action_id"],
                user=ALICE,
                channel=DEMO_CHANNEL,
                ephemeral=True,
                trigger="t-alice",
            )
        )
    )
    assert _station(server, "Lakeside Chicago", "204").stationId == "4242"
    entries = runtime.services.audit.entries(limit=5)
    assert any(
        e.platform == "slack" and e.command == "SetStation" and e.outcome == "ok" for e in entries
    )


async def test_a_retried_delivery_is_applied_once(stack: Any) -> None:
    """The same slash command delivered twice (Slack retry) sets the station once."""
    runtime, server, _fake, app = stack
    body = command_body("set room 205 to classical", channel=DEMO_CHANNEL, trigger="same-trigger")
    await app.async_dispatch(form_request(body))
    await app.async_dispatch(
        form_request(body, **{"x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"})
    )
    changes = [e for e in runtime.services.audit.entries(limit=10) if e.command == "SetStation"]
    assert len(changes) == 1
    assert _station(server, "Harbor View Seattle", "205").stationId == "6377"
