"""`bot digest --post` to a channel on a platform that is not configured refuses and records nothing."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.chat.platforms import ChannelRouter
from bot.cli import app
from bot.core.shared.replies import Reply
from bot.demo import demo_runtime
from bot.serving import _digest
from bot.settings import ConfigError


@pytest.fixture(autouse=True)
def no_chat_platform(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SLACK_BOT_TOKEN", "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir("/")  # no .env with Teams settings


async def test_no_platform_for_the_channel_refuses_and_records_nothing() -> None:
    """Slack is not configured: one plain line naming the property and what to set; no row."""
    async with demo_runtime() as (runtime, _server):
        with pytest.raises(ConfigError) as refused:
            await _digest(runtime, "Harbor View Seattle", post=True, out=None)
        assert str(refused.value) == (
            "Harbor View Seattle: its digest channel ops-0 is on Slack, which is not configured "
            "here (set SLACK_BOT_TOKEN); nothing was posted or recorded."
        )
        count = runtime.index.db.execute("select count(*) from digests_sent").fetchone()[0]
        assert count == 0


def test_the_cli_says_it_in_one_line_and_exits_2() -> None:
    """`bot digest --post --demo`: exit 2, one line, no traceback."""
    result = CliRunner().invoke(app, ["digest", "--post", "--demo"])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())  # the terminal wraps long lines
    assert said.startswith("Configuration error: Harbor View Seattle: its digest channel ops-0")
    assert said.endswith("nothing was posted or recorded.")
    assert "Traceback" not in result.output


class Recorder:
    def __init__(self, platform: str) -> None:
        self.platform = platform
        self.channels: list[str] = []

    def render(self, reply: Reply) -> object:
        return reply

    async def post_to_channel(self, channel: str, reply: Reply) -> str:
        self.channels.append(channel)
        return f"{self.platform}-1"

    async def update_in_channel(self, channel: str, message_id: str, reply: Reply) -> None:
        self.channels.append(channel)


async def test_router_sends_teams_channels_to_teams_and_the_rest_to_slack() -> None:
    """`teams:`/`19:` channels go to Teams, others to Slack; each returns the platform's id."""
    slack, teams = Recorder("slack"), Recorder("teams")
    router = ChannelRouter({"slack": slack, "teams": teams})
    assert await router.post_to_channel("teams:Front Desk", Reply(headline="d")) == "teams-1"
    assert await router.post_to_channel("C0OPS", Reply(headline="d")) == "slack-1"
    only_teams = ChannelRouter({"teams": teams})
    assert only_teams.platform_of("Front Desk").name == "teams"
    assert ChannelRouter({"slack": slack}).refusal("Hotel", "19:x@thread.tacv2") is not None
    with pytest.raises(LookupError, match="Teams, which is not configured"):
        await ChannelRouter({"slack": slack}).post_to_channel(
            "19:x@thread.tacv2", Reply(headline="d")
        )
