"""Microsoft Teams as a ChatPlatform of `bot serve` (POST /api/messages through the Agents SDK).

Its settings are the SDK's own names, read from the environment and .env (`ServeOptions.env`);
developer mode (`--teams-dev`) accepts requests without a Microsoft token, on loopback only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.chat.contract import ChannelPoster, ServeOptions
from bot.chat.teams.config import teams_enabled
from bot.settings import ConfigError

if TYPE_CHECKING:
    from aiohttp import web
    from sqlite_utils import Database

    from bot.doctor import Check
    from bot.runtime import Runtime
    from bot.sql import Sql

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def check_teams_dev(host: str) -> None:
    """`--teams-dev` accepts unauthenticated Teams requests: refuse it anywhere but loopback."""
    if host not in LOOPBACK_HOSTS:
        raise ConfigError(
            f"--teams-dev accepts requests without a Microsoft token, so it serves on 127.0.0.1 "
            f"only; got --host {host}. Use --host 127.0.0.1 (the Agents Playground runs on the "
            "same machine)."
        )


class TeamsPlatform:
    name = "teams"
    title = "Teams"
    channel_prefixes: tuple[str, ...] = ("teams:", "19:")  # a stored name, or a channel id
    setup_hint = "the Teams app credentials (see docs/teams.md)"
    serve_hint = setup_hint

    def enabled(self, options: ServeOptions) -> bool:
        return options.dev or teams_enabled(options.env)

    def can_post(self, options: ServeOptions) -> bool:
        return teams_enabled(options.env)

    def check(self, options: ServeOptions) -> None:
        if options.dev:
            check_teams_dev(options.host)

    def mount(self, app: web.Application, runtime: Runtime, options: ServeOptions) -> str:
        from bot.chat.teams.host import MESSAGES_PATH, teams_setup

        setup = teams_setup(
            runtime.engine, _conversations(runtime), anonymous=options.dev, env=options.env
        )
        setup(app)
        return f"{self.title}: {MESSAGES_PATH}"

    def poster(self, runtime: Runtime, options: ServeOptions) -> ChannelPoster:
        from bot.chat.teams.digest import TeamsDigestPoster

        return TeamsDigestPoster(_conversations(runtime), env=options.env, anonymous=options.dev)

    async def startup_checks(self, runtime: Runtime) -> list[Check]:
        return []  # the SDK checks its token on each request; `bot doctor` checks the settings

    def dev_banner(self, port: int) -> str | None:
        return (
            "Teams developer mode: /api/messages accepts requests without a Microsoft token "
            "(127.0.0.1 only). Try it with the Microsoft 365 Agents Playground:\n"
            f"  npx @microsoft/m365agentsplayground -e http://127.0.0.1:{port}/api/messages -c msteams"
        )


PLATFORM = TeamsPlatform()


def _conversations(runtime: Runtime) -> Database | Sql:
    """Where conversation references are kept: PostgreSQL with BOT_DATABASE_URL (any replica posts
    to a conversation another one heard from), else the index's file."""
    return runtime.services.shared_sql or runtime.index.db
