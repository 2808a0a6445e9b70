"""A chat platform plugs in through the ChatPlatform contract: the stub in tests/fake_platform/ (its
own package, its own setting FAKECHAT_TOKEN) is mounted by `bot serve`, acknowledged before any work,
answered by the real engine, and gets digests for its channels; nothing in bot/ names it."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fake_platform.platform import MESSAGES_PATH, TOKEN, FakeChat

import bot.doctor
from bot.chat.contract import ServeOptions
from bot.chat.platforms import ChannelRouter, platforms, register, unregister
from bot.core.shared.replies import Reply
from bot.demo import demo_runtime
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World
from bot.serving import _digest_router, _enabled, run_http
from bot.settings import ConfigError, Settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def fakechat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeChat]:
    """FakeChat registered and configured; Slack and Teams not configured; an empty folder."""
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "BOT_CONFIG",
                 "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "PORT",
                 "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(TOKEN, "fake-token")
    monkeypatch.setattr(bot.doctor, "RETRY_FIRST_S", 0.05)
    platform = FakeChat()
    register(platform)
    yield platform
    unregister(platform.name)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _amazon_env(sandbox: SandboxServer, world: World, tmp_path: Path) -> dict[str, str]:
    lwa = world.lwa.clients[0]
    return {
        "ASP_API_URL": sandbox.url,
        "LWA_TOKEN_URL": f"{sandbox.url}/auth/o2/token",
        "ASP_ORGANIZATION_ID": world.organization.id,
        "LWA_CLIENT_ID": lwa.client_id,
        "LWA_CLIENT_SECRET": lwa.client_secret,
        "LWA_REFRESH_TOKEN": lwa.refresh_tokens[0],
        "BOT_DB_PATH": str(tmp_path / "bot.db"),
    }


async def _until(check: Callable[[], Awaitable[bool]], tries: int = 500) -> None:
    for _ in range(tries):
        if await check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the bot never reached the expected state")


async def test_serve_mounts_a_registered_platform_and_it_acks_before_the_work(
    fakechat: FakeChat,
    sandbox: SandboxServer,
    small_world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Only FakeChat is configured: `bot serve` serves its route (said in the start-up line),
    answers its request with 202 while the work is still held back, and the real engine's reply
    reaches FakeChat once the work runs."""
    for key, value in _amazon_env(sandbox, small_world, tmp_path).items():
        monkeypatch.setenv(key, value)
    port = _free_port()
    serving = asyncio.create_task(run_http("127.0.0.1", port))
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:

            async def ready() -> bool:
                try:
                    return (await client.get("/healthz")).status_code == 200
                except httpx.ConnectError:
                    return False

            await _until(ready)
            said = {"user": "U1", "channel": "fakechat:front-desk", "text": "help"}
            response = await client.post(MESSAGES_PATH, json=said)
            assert response.status_code == 202
            assert fakechat.sent == []  # acknowledged, nothing done yet
            fakechat.gate.set()

            async def answered() -> bool:
                return bool(fakechat.sent)

            await _until(answered)
            [(channel, reply)] = fakechat.sent
            assert channel == "fakechat:front-desk" and reply.headline
        assert f"FakeChat: {MESSAGES_PATH}, health: /healthz" in capsys.readouterr().out
    finally:
        serving.cancel()
        with pytest.raises(asyncio.CancelledError):
            await serving


async def test_digests_for_its_channels_go_to_its_poster(fakechat: FakeChat) -> None:
    """`bot digest --post` builds its router from every platform that can post: FakeChat's channels
    go to FakeChat; a bare channel id is Slack's when Slack is configured, else the only platform's
    (as with Teams alone)."""
    async with demo_runtime() as (runtime, _server):
        router = _digest_router(runtime)
    assert set(router.posters) == {"fakechat"}
    assert await router.post_to_channel("fakechat:ops", Reply(headline="digest")) == "fakechat-1"
    assert [channel for channel, _ in fakechat.outbox.posted] == ["fakechat:ops"]
    assert router.platform_of("C0OPS").name == "fakechat"
    slack_too = ChannelRouter({"fakechat": fakechat.outbox, "slack": fakechat.outbox})
    assert slack_too.platform_of("C0OPS").name == "slack"
    assert slack_too.platform_of("fakechat:ops").name == "fakechat"
    refusal = slack_too.refusal("Hotel", "19:x@thread.tacv2")
    assert refusal is not None and "on Teams, which is not configured" in refusal


def test_a_new_platform_touches_no_file_of_bot(fakechat: FakeChat) -> None:
    """The stub is found through the registry alone: bot/ never names it, and the platforms of
    bot/chat/ are found the same way (their `platform` module), Slack first for bare channel ids."""
    assert [p.name for p in platforms()] == ["slack", "teams", "fakechat"]
    named = [
        path for path in (ROOT / "bot").rglob("*.py") if "fakechat" in path.read_text().lower()
    ]
    assert named == []
    options = ServeOptions(Settings(), env={TOKEN: "x"})
    assert fakechat.enabled(options) and not fakechat.enabled(ServeOptions(options.settings))


def test_serve_with_no_platform_configured_says_what_to_set() -> None:
    """No platform enabled: one line naming each platform's settings, before anything starts."""
    options = ServeOptions(Settings(slack_bot_token=None, slack_signing_secret=None), env={})
    with pytest.raises(ConfigError) as refused:
        _enabled(options)
    assert str(refused.value) == (
        "no chat platform configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET for Slack, "
        "and/or the Teams app credentials (see docs/teams.md)"
    )
