"""`bot run`'s Slack Socket Mode path hands one person's messages to the engine in arrival order:
`undo` sent right after a change (both envelopes on the wire before either has run) undoes that
change, not the one before it.

The real Bolt app and `run_socket_mode` (slack_sdk's Socket Mode client over a real WebSocket)
against the fake Slack, which opens the connection and sends the envelopes; the real engine and
ASP client against the sandbox over HTTP, answering slowly so the two runs would overlap.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from urllib.parse import parse_qsl

from core_helpers import BotUnderTest, bot_on, config_for
from fake_slack import FakeSlack
from slack_support import BOT_TOKEN, command_body, running_fake

from bot.chat.slack.app import build_slack_app, run_socket_mode
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World

HV = "Harbor View Seattle"
CHANNEL = "C0FRONTDESK"
APP_TOKEN = "xapp-1-A0001-test"


async def _finished(bot: BotUnderTest, entries: int) -> None:
    """Wait (polling the audit log, bounded) until `entries` entries exist and all are finished."""
    for _ in range(500):
        found = bot.runtime.services.audit.entries()
        if len(found) >= entries and all(e.finished for e in found):
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"only {len(found)} audit entries after 10 s")


async def _send(fake: FakeSlack, text: str, trigger: str) -> None:
    body = command_body(text, user="UALICE", channel=CHANNEL, trigger=trigger,
                        response_url=fake.response_url(trigger))  # fmt: skip
    await fake.envelope("slash_commands", dict(parse_qsl(body)), envelope_id=f"env-{trigger}")


async def test_undo_right_after_a_change_over_socket_mode_undoes_that_change(
    sandbox: SandboxServer, demo_world: World, tmp_path: Path
) -> None:
    config = config_for(demo_world, channels={HV: [CHANNEL]})
    async with bot_on(sandbox, demo_world, tmp_path, config=config) as bot, running_fake() as fake:
        slack_app = build_slack_app(
            bot.runtime.engine, bot_token=BOT_TOKEN, api_url=fake.api_url, clock=bot.clock
        )
        connected = asyncio.Event()
        serving = asyncio.create_task(
            run_socket_mode(slack_app, APP_TOKEN, on_connected=connected.set)
        )
        try:
            await asyncio.wait_for(connected.wait(), 10)
            await fake.wait_for("socket", within=10)
            await _send(fake, f"set room 101 at {HV} to pop", "s-1")
            await _finished(bot, 1)

            bot.server.sandbox.faults.update(latency_ms=30)
            await _send(fake, f"set room 102 at {HV} to jazz", "s-2")
            await _send(fake, "undo", "s-3")
            await _finished(bot, 3)
        finally:
            serving.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await serving
        acked = {c.params.get("envelope_id") for c in fake.of("socket.ack")}
        assert {"env-s-1", "env-s-2", "env-s-3"} <= acked  # every envelope acknowledged
        change, undo = bot.runtime.services.audit.entries(limit=2)[::-1]
        assert (change.command, undo.command, undo.undoes) == ("SetStation", "Undo", change.id)
        assert bot.station(HV, "102") == ("I_HEART_RADIO", "4802")  # back on Top 40
        assert bot.station(HV, "101") == ("I_HEART_RADIO", "4422")  # the earlier change stays
