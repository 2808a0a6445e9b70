"""`bot digest --post` for properties with no digest_channel: one plain refusal, exit 2, nothing
recorded (not a quiet "nothing posted" with exit 0)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_cli_doctor import in_tmp, sandbox_env
from typer.testing import CliRunner

from bot.cli import app
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World

__all__ = ["in_tmp"]

NO_CHANNEL = """
[[properties]]
name = "Harbor View Seattle"
country = "US"
timezone = "America/Los_Angeles"
"""


def test_post_without_a_digest_channel_is_refused(
    sandbox: SandboxServer, demo_world: World, in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The property is named, the fix is said, the exit code is 2 and no digest is recorded."""
    sandbox.reset(demo_world)
    (in_tmp / "bot.toml").write_text(NO_CHANNEL, encoding="utf-8")
    env = sandbox_env(sandbox, demo_world, in_tmp)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(app, ["digest", "--property", "Harbor View Seattle", "--post"])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert said.startswith(
        "Configuration error: Harbor View Seattle: no digest_channel in bot.toml"
    ), said
    assert "nothing was posted or recorded" in said
    assert "Traceback" not in result.output
    with sqlite3.connect(env["BOT_DB_PATH"]) as conn:
        assert conn.execute("select count(*) from digests_sent").fetchone()[0] == 0
