"""`bot sandbox serve`: bad arguments and bad world files get one plain line and exit 2; a good start
writes a bot.toml for the world so that `bot console` works at once (countries known, console admin)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from test_cli_doctor import in_tmp, sandbox_env
from typer.testing import CliRunner

from bot.cli import app
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World

__all__ = ["in_tmp"]


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        (["--port", "99999"], "--port"),
        (["--p5xx", "2"], "--p5xx"),
        (["--p429", "-0.1"], "--p429"),
        (["--latency-ms", "-5"], "--latency-ms"),
        (["--rps", "0"], "--rps"),
    ],
)
def test_an_out_of_range_argument_is_refused_plainly(arguments: list[str], named: str) -> None:
    """Each out-of-range value names its option, exits 2 and shows no traceback."""
    result = CliRunner().invoke(app, ["sandbox", "serve", *arguments])
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{named}'" in result.output
    assert "Traceback" not in result.output


def test_a_missing_world_file_is_named_without_errno(tmp_path: Path) -> None:
    """`--world /nonexistent.json` says the file is missing, with no "[Errno 2]"."""
    missing = tmp_path / "nonexistent.json"
    result = CliRunner().invoke(app, ["sandbox", "serve", "--world", str(missing)])
    assert result.exit_code == 2
    assert f"world file {missing}: no such file" in result.output
    assert "Errno" not in result.output


@pytest.mark.parametrize(
    ("content", "problem"),
    [("nonjson{", "not valid JSON"), ('{"organization": 3}', "organization: Input should be")],
)
def test_a_broken_world_file_names_the_file_and_the_problem(
    tmp_path: Path, content: str, problem: str
) -> None:
    """Invalid JSON or an invalid world: one line with the file and the first problem, no pydantic link."""
    world = tmp_path / "world.json"
    world.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(app, ["sandbox", "serve", "--world", str(world)])
    assert result.exit_code == 2
    assert f"world file {world}: {problem}" in result.output
    assert "pydantic" not in result.output and "http" not in result.output


def test_a_port_in_use_is_said_plainly(sandbox: SandboxServer) -> None:
    """A port another server holds: "Address already in use", exit 2."""
    result = CliRunner().invoke(app, ["sandbox", "serve", "--port", str(sandbox.port)])
    assert result.exit_code == 2
    assert "Cannot start the sandbox on 127.0.0.1" in result.output
    assert "Errno" not in result.output


def _serve_until_interrupted(monkeypatch: pytest.MonkeyPatch, arguments: list[str]) -> str:
    """Run `bot sandbox serve` until its hour-long wait, which is turned into Ctrl-C."""
    real_sleep = time.sleep

    def sleep(seconds: float) -> None:
        if seconds >= 3600:
            raise KeyboardInterrupt
        real_sleep(seconds)

    monkeypatch.setattr(time, "sleep", sleep)
    result = CliRunner().invoke(app, ["sandbox", "serve", "--port", "0", *arguments])
    assert result.exit_code == 0, result.output
    return result.output


def test_serve_writes_a_bot_toml_and_says_how_to_use_it(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default sandbox.bot.toml lists every property with its country and timezone, makes the
    console user an admin, and the printed lines end with `export BOT_CONFIG=...`."""
    import tomllib

    output = _serve_until_interrupted(monkeypatch, [])
    written = in_tmp / "sandbox.bot.toml"
    assert f"export BOT_CONFIG='{written.resolve()}'" in output
    config = tomllib.loads(written.read_text(encoding="utf-8"))
    places = {p["name"]: (p["country"], p["timezone"]) for p in config["properties"]}
    assert places["Harbor View Seattle"] == ("US", "America/Los_Angeles")
    assert places["Rive Gauche Paris"] == ("FR", "Europe/Paris")
    assert config["roles"]["admin"] == ["console"]


def test_serve_writes_the_bot_toml_where_asked_or_warns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--bot-toml PATH` picks the file; one that cannot be written is a warning, the sandbox serves."""
    chosen = tmp_path / "mine.toml"
    output = _serve_until_interrupted(monkeypatch, ["--bot-toml", str(chosen)])
    assert chosen.is_file() and str(chosen) in output
    output = _serve_until_interrupted(monkeypatch, ["--bot-toml", str(tmp_path)])
    assert f"cannot write {tmp_path}" in output
    assert "BOT_CONFIG" not in output and "Sandbox serving at" in output


def test_the_console_works_at_once_with_the_written_bot_toml(
    sandbox: SandboxServer,
    demo_world: World,
    in_tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the printed exports and BOT_CONFIG, `bot console` (user 'console') changes a station and
    knows every property's country: the new user's first command works."""
    from bot.cli import _write_sandbox_toml

    sandbox.reset(demo_world)
    toml_path = _write_sandbox_toml(demo_world, in_tmp / "sandbox.bot.toml")
    assert toml_path is not None
    for key, value in {
        **sandbox_env(sandbox, demo_world, in_tmp),
        "BOT_CONFIG": str(toml_path),
    }.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(
        app,
        ["console"],
        input="set room 204 at Harbor View to jazz\nrename room type Nope to Nope2 at Lakeside Chicago\n",
    )
    assert result.exit_code == 0, result.output
    assert "now plays Jazz" in result.output
    assert "unknown" not in result.output.lower()
    assert "admin" not in result.output  # the console user may change the hierarchy
