"""Outages at start-up are waited out, never read as bad credentials (issue 20, finding 5): a Slack
500 or 429 on `auth.test` is "the service is down, retrying"; only `invalid_auth` stops the bot."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from core_helpers import bot_on
from slack_support import BOT_TOKEN, running_fake

from bot.clock import FakeClock
from bot.doctor import preflight
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World
from bot.settings import ConfigError


@pytest.mark.parametrize("status", [500, 503, 429])
async def test_a_slack_outage_at_start_up_is_retried_not_called_a_bad_token(
    sandbox: SandboxServer,
    small_world: World,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    status: int,
) -> None:
    """auth.test answers `status` twice, then works: the start-up checks wait (logging that Slack
    is down, retrying) and pass; nothing says the token is wrong (it used to exit 2 with "Slack
    refused SLACK_BOT_TOKEN … paste it again")."""
    clock = FakeClock()
    async with (
        running_fake() as fake,
        bot_on(sandbox, small_world, tmp_path, clock=clock, sync=False) as bot,
    ):
        fake.http_fail["auth.test"] = [status, status]
        runtime = bot.runtime
        runtime.settings = runtime.settings.model_copy(
            update={
                "slack_bot_token": BOT_TOKEN,
                "slack_signing_secret": "secret",
                "slack_api_url": fake.api_url,
            }
        )
        waits: list[str | None] = []
        with caplog.at_level(logging.WARNING, logger="bot.doctor"):
            await preflight(
                runtime, slack_socket=False, clock=clock, say=lambda _: None, on_wait=waits.append
            )
    said = " ".join(r.getMessage() for r in caplog.records) + " ".join(w or "" for w in waits)
    assert "paste" not in said and "refused" not in said, said
    assert "the service is down or busy, retrying" in said, said
    assert waits[-1] is None


async def test_invalid_auth_still_stops_at_once(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """A refused token (`invalid_auth`) is a configuration error: stop, say which token."""
    clock = FakeClock()
    async with (
        running_fake() as fake,
        bot_on(sandbox, small_world, tmp_path, clock=clock, sync=False) as bot,
    ):
        fake.refused_tokens.add(BOT_TOKEN)
        runtime = bot.runtime
        runtime.settings = runtime.settings.model_copy(
            update={
                "slack_bot_token": BOT_TOKEN,
                "slack_signing_secret": "secret",
                "slack_api_url": fake.api_url,
            }
        )
        with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
            await preflight(runtime, slack_socket=False, clock=clock, say=lambda _: None)
