"""Long-running modes: Slack over Socket Mode (`bot run`), HTTP for every chat platform (`bot serve`,
looping over bot/chat/platforms.py's ChatPlatforms, naming none), and the digest command (`bot
digest`). Every credential is checked before any connection is tried."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from bot.chat.contract import ChannelPoster, ChatPlatform, ServeOptions
from bot.chat.platforms import ChannelRouter, platforms
from bot.clock import Stoppable, SystemClock
from bot.db_wait import wait_out_locks
from bot.runtime import Runtime, build_runtime
from bot.serve_lock import hold_single_server
from bot.settings import ConfigError, load_all

if TYPE_CHECKING:
    from bot.core.changes.recovery import NoticePoster
    from bot.doctor import Check
    from bot.health.sites import Site

__all__ = ["ChannelRouter", "check_teams_dev", "digest_now", "run_http", "run_socket"]

log = logging.getLogger("bot.serving")


async def _start_health_jobs(runtime: Runtime, poster: ChannelPoster) -> Stoppable | None:
    """The device refresh and nightly digests, when device health is configured. Replicas
    (BOT_DATABASE_URL) run them on the job queue instead (`_start_recovery`): None here."""
    desk = runtime.services.health
    if desk is None or poster is None or not hasattr(desk, "start_jobs"):
        return None
    if runtime.settings.bot_database_url:
        return None
    jobs: Stoppable = await desk.start_jobs(poster)
    return jobs


async def _ensure_index(runtime: Runtime) -> None:
    if not runtime.index.is_loaded():
        report = await runtime.sync()
        log.info("index synced: %s rooms in %.1f s", report.rooms, report.seconds)


async def run_socket() -> None:
    settings, config = load_all()
    from bot.chat.slack.platform import check_tokens

    check_tokens("socket", settings)
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
        recovery = await _start_recovery(runtime, {"slack": slack_poster}, slack_poster)
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


async def _start_recovery(
    runtime: Runtime,
    posters: Mapping[str, NoticePoster],
    health_poster: ChannelPoster | None = None,
) -> Stoppable:
    """Interrupted changes re-checked on a schedule; their notices posted where they were made.
    Replicas (BOT_DATABASE_URL): the sweep and the health jobs are periodic tasks of the job queue
    (bot/pg/jobs.py), each tick run once by one replica; what is this replica's own (its leases,
    its worker of chunks, the settings laid over its bot.toml, the housekeeping of its memory)
    stays on its own scheduler here."""
    from bot.core.changes.housekeeping import housekeeping
    from bot.core.changes.recovery import recover
    from bot.core.commands.channel_settings import refresh_settings
    from bot.scheduler import start_recovery_job

    shared = bool(runtime.settings.bot_database_url)

    async def sweep() -> None:
        await recover(runtime.services, posters=dict(posters))

    async def job() -> None:
        if not shared:
            await sweep()
        housekeeping(runtime.services)  # its confirmations in memory too, so on each replica
        refresh_settings(runtime.services)  # settings made in chat through another replica

    def renew() -> None:  # the leases of this process's running changes (bot/core/ledger/leases.py)
        services = runtime.services
        services.audit.renew_leases(set(services.active_changes), services.clock.now())

    # Replicas (BOT_DATABASE_URL): a dead replica's change is claimed once its lease expires, so
    # the sweep (a task of the job queue) runs every lease rather than every 5 minutes, and a
    # setting made through another replica is laid here as often.
    from bot.core.ledger.leases import LEASE_S

    sweep_s = LEASE_S if runtime.settings.bot_database_url else None
    chunks = None
    if runtime.settings.bot_database_url:  # every replica works chunks of bulk changes
        from bot.core.changes.chunks import work_chunks

        chunks = lambda: work_chunks(runtime.services)  # noqa: E731
    jobs: Stoppable = await start_recovery_job(job, renew=renew, seconds=sweep_s, chunks=chunks)
    if shared:
        await _start_job_queue(runtime, sweep, health_poster)
    return jobs


async def _start_job_queue(
    runtime: Runtime, sweep: Callable[[], Awaitable[None]], health_poster: ChannelPoster | None
) -> None:
    """This replica's worker of the job queue: the recovery sweep every lease, and the health
    jobs when device health is configured; stopped with the runtime."""
    from bot.core.ledger.leases import LEASE_S
    from bot.pg.jobs import JobQueue
    from bot.scheduler import RECOVERY_JOB, Periodic, every_seconds

    assert runtime.settings.bot_database_url
    jobs = [Periodic(RECOVERY_JOB, every_seconds(LEASE_S), sweep, one_at_a_time=False)]
    desk = runtime.services.health
    if desk is not None and health_poster is not None and hasattr(desk, "periodic_jobs"):
        jobs += desk.periodic_jobs(health_poster)
    queue = JobQueue(runtime.settings.bot_database_url, jobs)
    await queue.start()
    runtime.closers.append(queue.aclose)


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def check_teams_dev(host: str) -> None:
    """`--teams-dev` on a host other people can reach is refused (bot/chat/teams/platform.py)."""
    from bot.chat.teams.platform import check_teams_dev as check

    check(host)


def _enabled(options: ServeOptions) -> list[ChatPlatform]:
    """The platforms configured here, each one's settings checked (ConfigError before anything
    connects); none configured is an error that says what to set."""
    enabled = [platform for platform in platforms() if platform.enabled(options)]
    if not enabled:
        hints = ", and/or ".join(platform.serve_hint for platform in platforms())
        raise ConfigError(f"no chat platform configured: set {hints}")
    for platform in enabled:
        platform.check(options)
    return enabled


async def run_http(host: str | None, port: int | None, *, teams_dev: bool = False) -> None:
    from aiohttp import web

    host = host or ("127.0.0.1" if teams_dev else "0.0.0.0")
    settings, config = load_all()
    options = ServeOptions(settings, env=_env_with_dotenv(), host=host, dev=teams_dev)
    enabled = _enabled(options)
    port = port or settings.port or 3000
    serve_lock = hold_single_server(settings.db_path, "bot serve")
    runtime = await wait_out_locks(
        lambda: build_runtime(settings, config), clock=SystemClock(), what="opening the database"
    )
    scheduler = recovery = None
    runner = None
    # The port is bound before the start-up checks, so a platform's health check sees the bot start
    # (503 with what it waits for) instead of a dead port while an unreachable service is retried.
    titles = "".join(f", {platform.title}" for platform in enabled)
    waiting: list[str | None] = [f"the start-up checks (Amazon{titles})"]
    try:
        from bot.web import build_web_app

        routes: list[str] = []

        def mount(platform: ChatPlatform) -> Callable[[web.Application], None]:
            return lambda app: routes.append(platform.mount(app, runtime, options))

        app = build_web_app(
            runtime.engine,
            is_ready=runtime.index.is_loaded,
            extra_setup=[mount(platform) for platform in enabled],
            waiting_for=lambda: waiting[0],
        )
        posters = {platform.name: platform.poster(runtime, options) for platform in enabled}
        router = ChannelRouter(posters)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        await startup_checks(
            runtime,
            slack_socket=None,
            on_wait=lambda reason: waiting.__setitem__(0, reason),
            platform_checks=[partial(platform.startup_checks, runtime) for platform in enabled],
        )
        waiting[0] = None
        # Said only now: "serving" means the chat routes work (until then only /healthz answers).
        print(
            f"Serving on http://{host}:{port} ({', '.join(routes)}, health: /healthz)", flush=True
        )
        for platform in enabled:
            banner = platform.dev_banner(port) if options.dev else None
            if banner:
                print(banner, flush=True)

        # /healthz stays 503 while the index loads; chat routes are served (the engine says so).
        # A database locked by another process is waited out, said on /healthz, never fatal.
        def wait(reason: str | None) -> None:
            waiting[0] = reason

        await wait_out_locks(
            lambda: _ensure_index(runtime), clock=runtime.clock, what="loading the index",
            on_wait=wait,
        )  # fmt: skip
        scheduler = await wait_out_locks(
            lambda: _start_health_jobs(runtime, router), clock=runtime.clock,
            what="the start-up device refresh", on_wait=wait,
        )  # fmt: skip
        recovery = await _start_recovery(runtime, posters, router)
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
    platform_checks: Sequence[Callable[[], Awaitable[list[Check]]]] = (),
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
        platform_checks=platform_checks,
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
    """Every platform that can post from here, for `bot digest --post`."""
    options = ServeOptions(runtime.settings, env=_env_with_dotenv())
    posters = {
        platform.name: platform.poster(runtime, options)
        for platform in platforms()
        if platform.can_post(options)
    }
    return ChannelRouter(posters)


def _refuse_unreachable(
    sites: Sequence[Site], property_name: str | None, router: ChannelRouter
) -> None:
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
