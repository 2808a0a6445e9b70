"""`bot serve --teams-dev`: unauthenticated Teams requests (Agents Playground), on 127.0.0.1 only."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.chat.teams.platform import PLATFORM as TEAMS
from bot.cli import app
from bot.serving import check_teams_dev
from bot.settings import ConfigError


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::"])
def test_refused_on_any_host_but_loopback(host: str) -> None:
    """Any interface other people can reach is refused, with the flag to use instead."""
    with pytest.raises(ConfigError, match=r"127\.0\.0\.1 only"):
        check_teams_dev(host)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_loopback_is_accepted(host: str) -> None:
    check_teams_dev(host)


def test_the_cli_refuses_before_starting_anything() -> None:
    """`bot serve --teams-dev --host 0.0.0.0` exits 2 with one plain line, no traceback."""
    result = CliRunner().invoke(app, ["serve", "--teams-dev", "--host", "0.0.0.0", "--port", "9"])
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "--teams-dev accepts requests without a Microsoft token" in said
    assert "Traceback" not in result.output


def test_the_banner_says_how_to_start_the_playground() -> None:
    banner = TEAMS.dev_banner(3978)
    assert banner is not None
    assert "agentsplayground -e http://127.0.0.1:3978/api/messages -c msteams" in banner
