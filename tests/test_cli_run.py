"""`bot run` with Slack tokens that Slack refuses: a plain line and exit 2 within 30 s, never "Connected",
never a traceback (a real subprocess against the fake Slack Web API and the sandbox)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from fake_slack import FakeSlack
from test_cli_doctor import sandbox_env

from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World

RUN_BOT = "from bot.cli import main; main()"


async def run_bot(env: dict[str, str], cwd: Path, *args: str) -> tuple[int, str, str]:
    """`bot run` in a subprocess; the event loop keeps serving the fake Slack meanwhile."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "AWS_", "BOT_"))}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", RUN_BOT, *(args or ("run",)),
        env=clean | env, cwd=cwd,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        out, err = await asyncio.wait_for(proc.communicate(), 90)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise AssertionError("bot run did not exit within 30 s") from None
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_refused_bot_token_stops_bot_run_plainly(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """auth.test answers invalid_auth: exit 2, one plain line naming SLACK_BOT_TOKEN, nothing else."""
    fake = await FakeSlack().start()
    fake.refused_tokens = {"xoxb-refused"}
    try:
        env = sandbox_env(sandbox, small_world, tmp_path) | {
            "SLACK_BOT_TOKEN": "xoxb-refused",
            "SLACK_APP_TOKEN": "xapp-1-fine",
            "SLACK_API_URL": fake.api_url,
        }
        code, out, err = await run_bot(env, tmp_path)
    finally:
        await fake.stop()
    assert code == 2, (out, err)
    assert "Connected" not in out + err
    assert "Traceback" not in out + err
    assert "Slack refused SLACK_BOT_TOKEN" in err and "invalid_auth" in err
    assert [c.method for c in fake.calls] == ["auth.test"]


async def test_refused_app_token_stops_bot_run_before_connecting(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """The app-level token refused by apps.connections.open: exit 2 naming SLACK_APP_TOKEN."""
    fake = await FakeSlack().start()
    fake.refused_tokens = {"xapp-1-refused"}
    try:
        env = sandbox_env(sandbox, small_world, tmp_path) | {
            "SLACK_BOT_TOKEN": "xoxb-fine",
            "SLACK_APP_TOKEN": "xapp-1-refused",
            "SLACK_API_URL": fake.api_url,
        }
        code, out, err = await run_bot(env, tmp_path)
    finally:
        await fake.stop()
    assert code == 2, (out, err)
    assert "Slack refused SLACK_APP_TOKEN" in err
    assert "Connected" not in out + err and "Traceback" not in out + err


async def test_refused_bot_token_stops_bot_serve_before_listening(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """`bot serve` with a refused bot token: exit 2 before it says it is serving."""
    fake = await FakeSlack().start()
    fake.refused_tokens = {"xoxb-refused"}
    try:
        env = sandbox_env(sandbox, small_world, tmp_path) | {
            "SLACK_BOT_TOKEN": "xoxb-refused",
            "SLACK_SIGNING_SECRET": "secret",
            "SLACK_API_URL": fake.api_url,
        }
        code, out, err = await run_bot(env, tmp_path, "serve", "--host", "127.0.0.1", "--port", "0")
    finally:
        await fake.stop()
    assert code == 2, (out, err)
    assert "Serving on" not in out and "Traceback" not in out + err
    assert "Slack refused SLACK_BOT_TOKEN" in err


async def test_working_tokens_connect_and_only_then_say_so(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """Accepted tokens: the checks pass, the Socket Mode connection opens on the fake, and only then
    "Connected to Slack over Socket Mode" is printed."""
    fake = await FakeSlack().start()
    env = sandbox_env(sandbox, small_world, tmp_path) | {
        "SLACK_BOT_TOKEN": "xoxb-fine",
        "SLACK_APP_TOKEN": "xapp-1-fine",
        "SLACK_API_URL": fake.api_url,
    }
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "AWS_", "BOT_"))}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", RUN_BOT, "run", env=clean | env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = await asyncio.wait_for(proc.stdout.readline(), 90)
        assert b"Connected to Slack over Socket Mode" in line
        assert fake.of("socket"), "claimed a connection the fake never saw"
    finally:
        proc.terminate()
        await proc.wait()
        await fake.stop()
