"""Long-running modes: Slack over Socket Mode (`bot run`), HTTP for Slack and Teams (`bot serve`), and the
digest command (`bot digest`). Every credential is checked before any connection is tried."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.clock import SystemClock
from bot.db_wait import wait_out_locks
from bot.runtime import Runtime, build_runtime
from bot.serve_lock import hold_single_server
from bot.settings import ConfigError, load_all

log = logging.getLogger("bot.serving")


def _slack_tokens(mode: str, settings: Any) -> None:
    from bot.chat.slack.tokens import SlackConfigError, validate_tokens

    try:
        validate_tokens(
            mode=mode,  # type: ignore[arg-type]
            bot_token=settings.slack_bot_token,
            app_token=settings.slack_app_token,
            signing_secret=settings.slack_signing_secret,
        )
    except SlackConfigError as error:
        raise ConfigError(str(error)) from None


async def _start_health_jobs(runtime: Runtime, poster: Any) -> Any:
    """The device refresh and nightly digests, when device health is configured."""
    desk = runtime.services.health
    if desk is None or poster is None or not hasattr(desk, "start_jobs"):
        return None
    if runtime.settings.bot_database_url:  # replicas: one of them runs them (bot/pg/leader.py)
        return await _start_as_leader(runtime, lambda: desk.start_jobs(poster))
    return await desk.start_jobs(poster)


async def _start_as_leader(runtime: Runtime, start: Callable[[], Awaitable[Any]]) -> Any:
    """The scheduled work starts when this replica leads; returns what stops it (`shutdown`)."""
    from bot.pg.leader import JobLeader

    assert runtime.settings.bot_database_url
    leader = JobLeader(runtime.settings.bot_database_url)
    started: list[Any] = []

    async def begin() -> None:
        started.append(await start())

    await leader.run_when_leading(begin)
    runtime.closers.append(leader.aclose)

    class Stop:
        def shutdown(self, wait: bool = False) -> None:
            for scheduler in started:
                scheduler.shutdown(wait=wait)

    return Stop()


async def _ensure_index(runtime: Runtime) -> None:
    if not runtime.index.is_loaded():
        report = await runtime.sync()
        log.info("index synced: %s rooms in %.1f s", report.rooms, report.seconds)


async def run_socket() -> None:
    settings, config = load_all()
    _slack_tokens("socket", settings)
    from bot.chat.slack.app import build_slack_app, run_socket_mode
    from bot.chat.slack.digest import SlackDigestPoster

    serve_lock = hold_single_server(settings.db_path, "bot run")
    runtime = await wait_out_locks(
        lambda: build_runtime(settings, config), clock=SystemClock(), what="opening the database"
    )
    scheduler = recovery = None
    try:
        await startup_checks(runtime, slack_socket=True)
        quiet_socket_mode_logs()
        await wait_out_locks(
            lambda: _ensure_index(runtime), clock=runtime.clock, what="loading the index"
        )
        assert settings.slack_bot_token and settings.slack_app_token
        slack_app = build_slack_app(
            runtime.engine, bot_token=settings.slack_bot_token, api_url=settings.slack_api_url
        )
        slack_poster = SlackDigestPoster.from_token(
            settings.slack_bot_token, settings.slack_api_url
        )
        scheduler = await wait_out_locks(
            lambda: _start_health_jobs(runtime, slack_poster), clock=runtime.clock,
            what="the start-up device refresh",
        )  # fmt: skip
        recovery = await _start_recovery(runtime, {"slack": slack_poster})
        await run_socket_mode(
            slack_app,
            settings.slack_app_token,
            on_connected=lambda: print(
                "Connected to Slack over Socket Mode. Ctrl-C to stop.", flush=True
            ),
        )
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        if recovery is not None:
            recovery.shutdown(wait=False)
        await runtime.aclose()
        serve_lock.release()


async def _start_recovery(runtime: Runtime, posters: dict[str, Any]) -> Any:
    """Interrupted changes re-checked on a schedule; their notices posted where they were made."""
    from bot.core.housekeeping import housekeeping
    from bot.core.recovery import recover
    from bot.scheduler import start_recovery_job

    async def job() -> None:
        await recover(runtime.services, posters=posters)
        housekeeping(runtime.services)

    def renew() -> None:  # the leases of this process's running changes (bot/core/leases.py)
        services = runtime.services
        services.audit.renew_leases(set(services.active_changes), services.clock.now())

    # Replicas (BOT_DATABASE_URL): a dead replica's change is claimed once its lease expires, so
    # sweep every lease rather than every 5 minutes.
    from bot.core.leases import LEASE_S

    sweep_s = LEASE_S if runtime.settings.bot_database_url else None
    chunks = None
    if runtime.settings.bot_database_url:  # every replica works chunks of bulk changes
        from bot.core.chunks import work_chunks

        chunks = lambda: work_chunks(runtime.services)  # noqa: E731
    return await start_recovery_job(job, renew=renew, seconds=sweep_s, chunks=chunks)


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def check_teams_dev(host: str) -> None:
    """`--teams-dev` accepts unauthenticated Teams requests: refuse it anywhere but loopback."""
    if host not in LOOPBACK_HOSTS:
        raise ConfigError(
            f"--teams-dev accepts requests without a Microsoft token, so it serves on 127.0.0.1 "
            f"only; got --host {host}. Use --host 127.0.0.1 (the Agents Playground runs on the "
            "same machine)."
        )


async def run_http(host: str | None, port: int | None, *, teams_dev: bool = False) -> None:
    from aiohttp import web

    host = host or ("127.0.0.1" if teams_dev else "0.0.0.0")
    if teams_dev:
        check_teams_dev(host)
    settings, config = load_all()
    port = port or settings.port or 3000
    slack_on = bool(settings.slack_bot_token or settings.slack_signing_secret)
    teams_on = teams_dev or _teams_enabled()
    if slack_on:
        _slack_tokens("http", settings)
    if not slack_on and not teams_on:
        raise ConfigError(
            "no chat platform configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET for Slack, "
            "and/or the Teams app credentials (see docs/teams.md)"
        )
    serve_lock = hold_single_server(settings.db_path, "bot serve")
    runtime = await wait_out_locks(
        lambda: build_runtime(settings, config), clock=SystemClock(), what="opening the database"
    )
    scheduler = recovery = None
    runner = None
    posters: dict[str, Any] = {}
    # The port is bound before the start-up checks, so a platform's health check sees the bot start
    # (503 with what it waits for) instead of a dead port while an unreachable service is retried.
    waiting: list[str | None] = ["the start-up checks (Amazon, Slack)"]
    try:
        slack_app = None
        poster: Any = None
        if slack_on:
            from bot.chat.slack.app import build_slack_app
            from bot.chat.slack.digest import SlackDigestPoster

            assert settings.slack_bot_token
            slack_app = build_slack_app(
                runtime.engine,
                bot_token=settings.slack_bot_token,
                signing_secret=settings.slack_signing_secret,
                api_url=settings.slack_api_url,
            )
            poster = SlackDigestPoster.from_token(settings.slack_bot_token, settings.slack_api_url)
            posters["slack"] = poster
        extra = []
        if teams_on:
            from bot.chat.teams import TeamsDigestPoster, teams_setup

            env = _env_with_dotenv()
            extra.append(
                teams_setup(runtime.engine, runtime.index.db, anonymous=teams_dev, env=env)
            )
            teams_poster = TeamsDigestPoster(runtime.index.db, env=env, anonymous=teams_dev)
            posters["teams"] = teams_poster
            poster = ChannelRouter(slack=poster, teams=teams_poster)
        from bot.web import build_web_app

        app = build_web_app(
            runtime.engine,
            slack_app=slack_app,
            is_ready=runtime.index.is_loaded,
            extra_setup=extra,
            signing_secret=settings.slack_signing_secret if slack_on else None,
            waiting_for=lambda: waiting[0],
        )
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        await startup_checks(
            runtime,
            slack_socket=False if slack_on else None,
            on_wait=lambda reason: waiting.__setitem__(0, reason),
        )
        waiting[0] = None
        # Said only now: "serving" means the chat routes work (until then only /healthz answers).
        print(
            f"Serving on http://{host}:{port} (Slack: /slack/events, Teams: /api/messages, health: /healthz)",
            flush=True,
        )
        if teams_dev:
            print(_teams_dev_banner(port), flush=True)

        # /healthz stays 503 while the index loads; chat routes are served (the engine says so).
        # A database locked by another process is waited out, said on /healthz, never fatal.
        def wait(reason: str | None) -> None:
            waiting[0] = reason

        await wait_out_locks(
            lambda: _ensure_index(runtime), clock=runtime.clock, what="loading the index",
            on_wait=wait,
        )  # fmt: skip
        scheduler = await wait_out_locks(
            lambda: _start_health_jobs(runtime, poster), clock=runtime.clock,
            what="the start-up device refresh", on_wait=wait,
        )  # fmt: skip
        recovery = await _start_recovery(runtime, posters)
        await asyncio.Event().wait()
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        if recovery is not None:
            recovery.shutdown(wait=False)
        if runner is not None:
            await runner.cleanup()
        await runtime.aclose()
        serve_lock.release()


async def startup_checks(
    runtime: Runtime,
    *,
    slack_socket: bool | None,
    on_wait: Callable[[str | None], None] = lambda _: None,
) -> None:
    """The checks of `bot doctor` that a running bot depends on, before it claims to work: refused
    credentials stop it (ConfigError, exit 2); an unreachable service is retried with backoff."""
    import sys

    from bot.doctor import preflight

    await preflight(
        runtime,
        slack_socket=slack_socket,
        clock=runtime.clock,
        say=lambda line: print(line, file=sys.stderr, flush=True),
        on_wait=on_wait,
    )


class _OneLine(logging.Filter):
    """Slack's Socket Mode client logs a traceback for every failed reconnect or event; keep the
    message, drop the traceback (the bot's own -v logging still has details at DEBUG)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(("slack_sdk", "slack_bolt")):
            return True
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            record.msg = f"{record.getMessage()} ({type(error).__name__}: {error})"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


def quiet_socket_mode_logs() -> None:
    """On the root handlers, so records of every Slack logger (they propagate) pass the filter."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, _OneLine) for f in handler.filters):
            handler.addFilter(_OneLine())


class ChannelRouter:
    """Sends a digest to Teams when its channel is a Teams one ("teams:…" or "19:…", or any
    channel when only Teams is configured), else to Slack."""

    platform = "router"

    def __init__(self, *, slack: Any = None, teams: Any = None) -> None:
        self.slack = slack
        self.teams = teams

    def platform_of(self, channel: str) -> str:
        teams = channel.startswith(("teams:", "19:")) or (self.slack is None and self.teams)
        return "teams" if teams else "slack"

    def _poster(self, channel: str) -> Any:
        return self.teams if self.platform_of(channel) == "teams" else self.slack

    def refusal(self, site_name: str, channel: str) -> str | None:
        """One plain line when `channel` is on a platform this process cannot post to, else None."""
        if self._poster(channel) is not None:
            return None
        how = (
            "the Teams app credentials (see docs/teams.md)"
            if self.platform_of(channel) == "teams"
            else "SLACK_BOT_TOKEN"
        )
        platform = self.platform_of(channel).capitalize()
        return (
            f"{site_name}: its digest channel {channel} is on {platform}, which is not configured "
            f"here (set {how}); nothing was posted or recorded."
        )

    def render(self, reply: Any) -> object:
        return reply

    async def post_marked(self, channel: str, reply: Any, marker: str) -> str:
        poster = self._poster(channel)
        marked = getattr(poster, "post_marked", None)
        if marked is not None:
            return str(await marked(channel, reply, marker))
        return await self.post_to_channel(channel, reply)

    async def find_post(self, channel: str, marker: str, since: float | None) -> str | None:
        find = getattr(self._poster(channel), "find_post", None)
        return None if find is None else await find(channel, marker, since)

    async def post_to_channel(self, channel: str, reply: Any) -> str:
        poster = self._poster(channel)
        if poster is None:
            raise LookupError(self.refusal("the digest", channel))
        return str(await poster.post_to_channel(channel, reply))

    async def update_in_channel(self, channel: str, message_id: str, reply: Any) -> None:
        """Edit a post (an offline alert whose device recovered) on its channel's platform."""
        poster = self._poster(channel)
        if poster is None:
            raise LookupError(self.refusal("the alert", channel))
        await poster.update_in_channel(channel, message_id, reply)


def _teams_dev_banner(port: int) -> str:
    return (
        "Teams developer mode: /api/messages accepts requests without a Microsoft token "
        "(127.0.0.1 only). Try it with the Microsoft 365 Agents Playground:\n"
        f"  npx @microsoft/m365agentsplayground -e http://127.0.0.1:{port}/api/messages -c msteams"
    )


def _teams_enabled() -> bool:
    try:
        from bot.chat.teams import teams_enabled
    except ImportError:
        return False
    return bool(teams_enabled(_env_with_dotenv()))


def env_with_dotenv() -> dict[str, str]:
    return _env_with_dotenv()


def _env_with_dotenv() -> dict[str, str]:
    """The environment plus .env (the SDK's Teams settings are read from both, the environment winning)."""
    from dotenv import dotenv_values

    values = {k: v for k, v in dotenv_values(".env").items() if v is not None}
    return {**values, **os.environ}


async def digest_now(
    property_name: str | None, *, post: bool, out: Path | None, demo: bool = False
) -> None:
    if demo:
        from bot.demo import demo_runtime

        async with demo_runtime() as (runtime, _server):
            await _digest(runtime, property_name, post=post, out=out)
        return
    settings, config = load_all()
    runtime = await build_runtime(settings, config)
    try:
        await _ensure_index(runtime)
        await _digest(runtime, property_name, post=post, out=out)
    finally:
        await runtime.aclose()


async def _digest(
    runtime: Runtime, property_name: str | None, *, post: bool, out: Path | None
) -> None:
    desk = runtime.services.health
    if desk is None or not hasattr(desk, "digest_command"):
        raise ConfigError(
            "device health is not available: Alexa for Business needs AWS credentials "
            "(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a profile); see README"
        )
    poster = _digest_router(runtime) if post else None
    if poster is not None:
        _refuse_unreachable(getattr(desk, "sites", []), property_name, poster)
    try:
        await desk.digest_command(property_name, post=post, out=out, poster=poster)
    except ValueError as error:  # an unknown property name
        raise ConfigError(str(error)) from None


def _digest_router(runtime: Runtime) -> ChannelRouter:
    settings = runtime.settings
    slack = None
    if settings.slack_bot_token:
        from bot.chat.slack.digest import SlackDigestPoster

        slack = SlackDigestPoster.from_token(settings.slack_bot_token, settings.slack_api_url)
    teams = None
    if _teams_enabled():
        from bot.chat.teams import TeamsDigestPoster

        teams = TeamsDigestPoster(runtime.index.db, env=_env_with_dotenv())
    return ChannelRouter(slack=slack, teams=teams)


def _refuse_unreachable(sites: Any, property_name: str | None, router: ChannelRouter) -> None:
    """`bot digest --post` refuses, before anything is posted or recorded, a property whose digest
    channel is on a platform that is not configured, and properties none of which has a channel."""
    from bot.health.sites import find_site

    chosen = list(sites)
    if property_name is not None:
        one = find_site(chosen, property_name)
        chosen = [one] if one is not None else []
    if chosen and not any(site.digest_channel for site in chosen):
        names = ", ".join(site.name for site in chosen)
        raise ConfigError(
            f"{names}: no digest_channel in bot.toml, so there is nowhere to post; nothing was "
            "posted or recorded (add digest_channel to its [[properties]] block, or leave out "
            "--post to print the digest)."
        )
    for site in chosen:
        refusal = site.digest_channel and router.refusal(site.name, site.digest_channel)
        if refusal:
            raise ConfigError(refusal)
