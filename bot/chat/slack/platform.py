"""Slack as a ChatPlatform of `bot serve` (HTTP: POST /slack/events). `bot run` (Socket Mode) is
Slack's own long-running mode and stays in bot/serving.py's `run_socket`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.chat.contract import ChannelPoster, ServeOptions
from bot.settings import ConfigError

if TYPE_CHECKING:
    from aiohttp import web

    from bot.doctor import Check
    from bot.runtime import Runtime
    from bot.settings import Settings


def check_tokens(mode: str, settings: Settings) -> None:
    """The tokens `mode` ("socket" or "http") needs, as a ConfigError naming what is wrong."""
    from bot.chat.slack.tokens import SlackConfigError, validate_tokens

    try:
        validate_tokens(
            mode="socket" if mode == "socket" else "http",
            bot_token=settings.slack_bot_token,
            app_token=settings.slack_app_token,
            signing_secret=settings.slack_signing_secret,
        )
    except SlackConfigError as error:
        raise ConfigError(str(error)) from None


class SlackPlatform:
    name = "slack"
    title = "Slack"
    channel_prefixes: tuple[str, ...] = ()  # Slack's channel ids (`C0…`) carry no prefix
    setup_hint = "SLACK_BOT_TOKEN"
    serve_hint = "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET for Slack"

    def enabled(self, options: ServeOptions) -> bool:
        settings = options.settings
        return bool(settings.slack_bot_token or settings.slack_signing_secret)

    def can_post(self, options: ServeOptions) -> bool:
        return bool(options.settings.slack_bot_token)

    def check(self, options: ServeOptions) -> None:
        check_tokens("http", options.settings)

    def mount(self, app: web.Application, runtime: Runtime, options: ServeOptions) -> str:
        from bot.chat.slack.app import build_slack_app
        from bot.chat.slack.http import SLACK_EVENTS_PATH, mount_slack_events

        settings = options.settings
        assert settings.slack_bot_token
        slack_app = build_slack_app(
            runtime.engine,
            bot_token=settings.slack_bot_token,
            signing_secret=settings.slack_signing_secret,
            api_url=settings.slack_api_url,
        )
        mount_slack_events(app, slack_app, settings.slack_signing_secret)
        return f"{self.title}: {SLACK_EVENTS_PATH}"

    def poster(self, runtime: Runtime, options: ServeOptions) -> ChannelPoster:
        from bot.chat.slack.digest import SlackDigestPoster

        settings = options.settings
        assert settings.slack_bot_token
        return SlackDigestPoster.from_token(settings.slack_bot_token, settings.slack_api_url)

    async def startup_checks(self, runtime: Runtime) -> list[Check]:
        from bot.doctor import check_slack

        return await check_slack(runtime.settings, socket=False)

    def dev_banner(self, port: int) -> str | None:
        return None


PLATFORM = SlackPlatform()
