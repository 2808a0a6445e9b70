"""`bot doctor`: every configured part checked for real against the sandbox, one line each, exit 0 when
all works and 1 with a plain line when something is refused or unreachable."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World

BOT_TOML = """
[[properties]]
name = "Hotel A"
country = "US"
timezone = "America/New_York"

[[properties]]
name = "Hotel Z"
"""


def sandbox_env(server: SandboxServer, world: World, tmp_path: Path) -> dict[str, str]:
    """What `bot sandbox serve` prints, plus a database in tmp_path."""
    lwa = world.lwa.clients[0]
    return {
        "ASP_API_URL": server.url,
        "LWA_TOKEN_URL": f"{server.url}/auth/o2/token",
        "ASP_ORGANIZATION_ID": world.organization.id,
        "LWA_CLIENT_ID": lwa.client_id,
        "LWA_CLIENT_SECRET": lwa.client_secret,
        "LWA_REFRESH_TOKEN": lwa.refresh_tokens[0],
        "BOT_DB_PATH": str(tmp_path / "data" / "bot.db"),
        "A4B_ENDPOINT_URL": server.url,
        "AWS_ACCESS_KEY_ID": "sandbox",
        "AWS_SECRET_ACCESS_KEY": "sandbox",
        "CUSTOMER_PROFILES_ENDPOINT_URL": server.url,
        "CUSTOMER_PROFILES_DOMAIN": "hotel-guests",
    }


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty folder (no bot.toml, no .env) with no chat platform in the environment."""
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "BOT_CONFIG",
                 "AWS_PROFILE", "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def doctor(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(app, ["doctor"])
    return result.exit_code, result.output


def test_doctor_passes_against_a_working_sandbox(
    sandbox: SandboxServer, demo_world: World, in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every configured check is ok, unconfigured ones say skip, and the exit code is 0."""
    sandbox.reset(demo_world)
    code, output = doctor(sandbox_env(sandbox, demo_world, in_tmp), monkeypatch)
    assert code == 0, output
    for line in ("ok    LWA token exchange", "ok    ASP API: list properties: 5 properties",
                 "ok    Alexa for Business", "ok    Customer Profiles", "ok    database file mode",
                 "skip  Slack: not configured", "skip  Teams: not configured"):  # fmt: skip
        assert line in output, output
    assert "Traceback" not in output
    # no bot.toml: every property's place is unknown, which warns but does not fail
    assert "warn  property place: Rive Gauche Paris" in output
    assert "Everything checked works." in output


def test_doctor_warns_about_bot_toml_names_and_missing_places(
    sandbox: SandboxServer, small_world: World, in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bot.toml name the organization lacks fails; a block without country/timezone is named."""
    (in_tmp / "bot.toml").write_text(BOT_TOML, encoding="utf-8")
    code, output = doctor(sandbox_env(sandbox, small_world, in_tmp), monkeypatch)
    assert code == 1, output
    assert (
        "FAIL  bot.toml: names property 'Hotel Z', which the organization does not have" in output
    )
    assert "Hotel Z has no country or timezone" in output
    assert "Hotel B: country or timezone unknown" in output
    assert "set Hotel B country <US, UK or FR> timezone <zone, e.g. America/New_York>" in output


def test_doctor_fails_plainly_when_the_asp_api_cannot_be_reached(
    sandbox: SandboxServer, small_world: World, in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ASP API on a closed port: a FAIL line for the listing, exit 1, no traceback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    env = sandbox_env(sandbox, small_world, in_tmp) | {"ASP_API_URL": closed}
    code, output = doctor(env, monkeypatch)
    assert code == 1, output
    assert "FAIL  ASP API: list properties" in output and "check the network" in output
    assert "Traceback" not in output and "1 of" in output


def test_doctor_fails_plainly_when_a_credential_is_refused(
    sandbox: SandboxServer, small_world: World, in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refresh token LWA does not know: the LWA line fails with what to do, the listing is skipped."""
    env = sandbox_env(sandbox, small_world, in_tmp) | {"LWA_REFRESH_TOKEN": "Atzr|revoked"}
    code, output = doctor(env, monkeypatch)
    assert code == 1, output
    assert "FAIL  LWA token exchange" in output and "bot login" in output
    assert "skip  ASP API: list properties: needs the LWA token" in output
    assert "Traceback" not in output


def test_doctor_names_missing_amazon_settings(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the Amazon variables the doctor names them instead of trying anything."""
    for name in ("ASP_ORGANIZATION_ID", "LWA_CLIENT_ID", "LWA_CLIENT_SECRET", "LWA_REFRESH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    code, output = doctor({"BOT_DB_PATH": str(in_tmp / "bot.db")}, monkeypatch)
    assert code == 1
    assert "FAIL  Amazon credentials: ASP_ORGANIZATION_ID, LWA_CLIENT_ID" in output
    assert "ok    database" in output
