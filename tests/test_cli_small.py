"""Small CLI promises: `teams-package` refuses a file as --out and takes your own URLs; `audit --limit`
refuses 0 and negatives; `bot sync` warns about properties without a country or timezone."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from test_cli_doctor import sandbox_env
from typer.testing import CliRunner

from bot.cli import app
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World

APP_ID = "11111111-2222-3333-4444-555555555555"


def test_teams_package_refuses_an_existing_file_as_out(tmp_path: Path) -> None:
    """--out naming a file: one plain line, exit 2, the file untouched, no traceback."""
    existing = tmp_path / "package.zip"
    existing.write_bytes(b"mine")
    result = CliRunner().invoke(app, ["teams-package", "--app-id", APP_ID, "--out", str(existing)])
    assert result.exit_code == 2
    assert "is a file" in result.output and "Traceback" not in result.output
    assert existing.read_bytes() == b"mine"


def test_teams_package_takes_the_developer_privacy_and_terms_urls(tmp_path: Path) -> None:
    """The three URLs land in the manifest's developer block."""
    result = CliRunner().invoke(
        app,
        ["teams-package", "--app-id", APP_ID, "--out", str(tmp_path),
         "--developer-url", "https://hotel.example/ops", "--privacy-url", "https://hotel.example/privacy",
         "--terms-url", "https://hotel.example/terms"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (zipped,) = tmp_path.glob("*.zip")
    with zipfile.ZipFile(zipped) as zf:
        developer = json.loads(zf.read("manifest.json"))["developer"]
    assert developer["websiteUrl"] == "https://hotel.example/ops"
    assert developer["privacyUrl"] == "https://hotel.example/privacy"
    assert developer["termsOfUseUrl"] == "https://hotel.example/terms"
    assert "example.com" not in result.output


def test_teams_package_refuses_a_plain_http_url_and_warns_about_placeholders(
    tmp_path: Path,
) -> None:
    """Teams needs https; without the options the output says the package has placeholder URLs."""
    bad = CliRunner().invoke(
        app,
        ["teams-package", "--app-id", APP_ID, "--out", str(tmp_path), "--privacy-url", "http://x"],
    )
    assert bad.exit_code == 2 and "https://" in bad.output
    plain = CliRunner().invoke(app, ["teams-package", "--app-id", APP_ID, "--out", str(tmp_path)])
    assert (
        plain.exit_code == 0 and "example.com" in plain.output and "--privacy-url" in plain.output
    )


@pytest.mark.parametrize("limit", ["0", "-1"])
def test_audit_limit_below_one_is_refused(
    limit: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`bot audit --limit 0` (or -1) is a plain usage error, not the whole log."""
    monkeypatch.setenv("BOT_DB_PATH", str(tmp_path / "bot.db"))
    result = CliRunner().invoke(app, ["audit", "--limit", limit])
    assert result.exit_code == 2
    assert "--limit must be" in result.output and limit in result.output


def test_sync_warns_about_properties_without_a_place(
    sandbox: SandboxServer, small_world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No bot.toml: `bot sync` works and names each property whose country is unknown."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BOT_CONFIG", raising=False)
    for key, value in sandbox_env(sandbox, small_world, tmp_path).items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(app, ["sync"])
    assert result.exit_code == 0, result.output
    assert "Synced 2 properties" in result.output
    assert "Hotel A: country or timezone unknown" in result.output
    assert (
        "set Hotel B country <US, UK or FR> timezone <zone, e.g. America/New_York>" in result.output
    )
