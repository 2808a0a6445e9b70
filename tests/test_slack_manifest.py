"""manifest.yml and Procfile: valid, minimal, and in step with what the app listens to."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fake_slack import FakeSlack
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
)

ROOT = Path(__file__).resolve().parent.parent


def manifest() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "manifest.yml").read_text())
    assert isinstance(data, dict)
    return data


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with running_fake() as f:
        yield f


def test_manifest_has_what_a_one_step_install_needs() -> None:
    """Display info, a bot user, /alexa with a usage hint, interactivity and Socket Mode on."""
    m = manifest()
    assert m["display_information"]["name"]
    assert 175 <= len(m["display_information"]["long_description"]) <= 4000  # Slack's bounds
    assert m["features"]["bot_user"]["display_name"]
    [cmd] = m["features"]["slash_commands"]
    assert cmd["command"] == "/alexa" and cmd["usage_hint"] and cmd["description"]
    assert m["features"]["app_home"]["messages_tab_enabled"] is True  # DMs to the bot
    assert m["settings"]["interactivity"]["is_enabled"] is True
    assert m["settings"]["socket_mode_enabled"] is True


def test_manifest_asks_for_exactly_the_scopes_it_uses() -> None:
    """The bot scopes are the five the adapter needs, no more."""
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    assert scopes == {"app_mentions:read", "chat:write", "commands", "files:write", "im:history"}
    assert "user" not in manifest()["oauth_config"]["scopes"]


async def test_every_command_and_event_in_the_manifest_has_a_listener(fake: FakeSlack) -> None:
    """Each command and bot event the manifest subscribes to is handled (Bolt answers 404
    otherwise).
    """
    engine = FakeEngine()
    app = make_app(fake, engine)
    m = manifest()
    samples = {
        "app_mention": {"type": "app_mention", "user": ALICE, "channel": CHANNEL, "ts": "1.1",
                        "text": "<@UBOT> help"},
        "message.im": {"type": "message", "channel_type": "im", "user": ALICE, "channel": "D1",
                       "ts": "1.2", "text": "help"},
    }  # fmt: skip
    events = m["settings"]["event_subscriptions"]["bot_events"]
    assert set(events) == set(samples)
    for n, name in enumerate(events):
        resp = await app.async_dispatch(json_request(event_body(samples[name], event_id=f"Ev{n}")))
        assert resp.status == 200, name
    for cmd in m["features"]["slash_commands"]:
        resp = await app.async_dispatch(form_request(command_body("help", command=cmd["command"])))
        assert resp.status == 200
    assert len(engine.messages) == len(events) + len(m["features"]["slash_commands"])
    unsubscribed = {"type": "reaction_added", "user": ALICE, "reaction": "x", "item": {}}
    resp = await app.async_dispatch(json_request(event_body(unsubscribed, event_id="EvX")))
    assert resp.status == 404  # proof that the 200s above came from real listeners


def test_procfile_runs_both_modes() -> None:
    """Procfile: web serves HTTP mode on $PORT, worker runs Socket Mode."""
    lines = dict(
        line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip()
    )
    assert lines["web"].strip() == "bot serve --port $PORT"
    assert lines["worker"].strip() == "bot run"
