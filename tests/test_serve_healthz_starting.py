"""`bot serve` binds its port before the start-up checks: while Amazon cannot be reached, /healthz
answers 503 saying what it waits for and the chat routes answer 503; once the ASP API answers and the
index is loaded, /healthz answers 200. Refused credentials still stop it with one plain line."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest

import bot.doctor
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World
from bot.serving import run_http
from bot.settings import ConfigError


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _amazon_env(url: str, world: World, tmp_path: Path) -> dict[str, str]:
    lwa = world.lwa.clients[0]
    return {
        "ASP_API_URL": url,
        "LWA_TOKEN_URL": f"{url}/auth/o2/token",
        "ASP_ORGANIZATION_ID": world.organization.id,
        "LWA_CLIENT_ID": lwa.client_id,
        "LWA_CLIENT_SECRET": lwa.client_secret,
        "LWA_REFRESH_TOKEN": lwa.refresh_tokens[0],
        "BOT_DB_PATH": str(tmp_path / "bot.db"),
    }


@pytest.fixture
def quick_serve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[dict[str, str]], None]:
    """An empty folder, no chat platform or AWS in the environment, and start-up retries that wait
    50 ms instead of 2 s; returns a function that sets the Amazon environment."""
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "BOT_CONFIG",
                 "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "PORT",
                 "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(bot.doctor, "RETRY_FIRST_S", 0.05)
    monkeypatch.setattr(bot.doctor, "RETRY_CAP_S", 0.1)

    def set_env(env: dict[str, str]) -> None:
        for key, value in env.items():
            monkeypatch.setenv(key, value)

    return set_env


async def _until(check: Callable[[], Awaitable[bool]], tries: int = 500) -> None:
    """Polls the bot over HTTP (it runs on this loop, so there is no event to wait on) for 10 s."""
    for _ in range(tries):
        if await check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the bot never reached the expected state")


async def test_healthz_answers_503_while_amazon_is_unreachable_then_200_once_ready(
    small_world: World, tmp_path: Path, quick_serve: Callable[[dict[str, str]], None]
) -> None:
    """The ASP API on a closed port: /healthz is 503 naming the unreachable API and Teams' route is
    503; the sandbox then starts on that port and /healthz turns 200 without a restart."""
    amazon_port, bot_port = _free_port(), _free_port()
    quick_serve(_amazon_env(f"http://127.0.0.1:{amazon_port}", small_world, tmp_path))
    serving = asyncio.create_task(run_http("127.0.0.1", bot_port, teams_dev=True))
    sandbox = SandboxServer(small_world, port=amazon_port)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{bot_port}") as client:
            starting: list[httpx.Response] = []

            async def answers() -> bool:
                try:
                    response = await client.get("/healthz")
                except httpx.ConnectError:
                    return False
                starting.append(response)
                return "unreachable" in response.json().get("waiting_for", "")

            await _until(answers)
            assert starting[-1].status_code == 503
            assert starting[-1].json()["status"] == "starting"
            chat = await client.post("/api/messages", json={"type": "message"})
            assert chat.status_code == 503

            await asyncio.to_thread(sandbox.start)

            async def ready() -> bool:
                return (await client.get("/healthz")).status_code == 200

            await _until(ready)
            assert (await client.get("/healthz")).json() == {"status": "ok"}
    finally:
        serving.cancel()
        with pytest.raises(asyncio.CancelledError):
            await serving
        sandbox.stop()


async def test_refused_credentials_still_stop_serve_with_one_plain_line(
    sandbox: SandboxServer,
    small_world: World,
    tmp_path: Path,
    quick_serve: Callable[[dict[str, str]], None],
) -> None:
    """A refused LWA secret is not retried: run_http raises ConfigError (the CLI's exit 2), and the
    port it bound is released."""
    bot_port = _free_port()
    quick_serve(_amazon_env(sandbox.url, small_world, tmp_path) | {"LWA_CLIENT_SECRET": "wrong"})
    with pytest.raises(ConfigError) as refused:
        await asyncio.wait_for(run_http("127.0.0.1", bot_port, teams_dev=True), 10)
    assert "Traceback" not in str(refused.value)
    with socket.socket() as again:
        again.bind(("127.0.0.1", bot_port))
