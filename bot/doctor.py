"""`bot doctor`: every configured part checked for real, one line each with what to do.

`bot run` and `bot serve` make the same checks before they claim to work (see `preflight`): a refused
credential stops them with one plain line; a network that is down is retried with backoff.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from bot.clients.errors import (
    DeadlineExceeded,
    Forbidden,
    ServerError,
    Throttled,
    TransportError,
    Unauthorized,
)
from bot.clock import Clock
from bot.core.commands.channel_settings import describe_settings
from bot.core.ledger.property_settings import bot_toml_defaults, how_to_set, incomplete_places
from bot.core.understanding.text import plural
from bot.settings import BotConfig, ConfigError, Settings

if TYPE_CHECKING:
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.runtime import Runtime

log = logging.getLogger("bot.doctor")

# What the manifest asks for; a token missing one answers some requests with `missing_scope`.
SLACK_SCOPES = ("app_mentions:read", "chat:write", "commands", "files:write", "im:history")
# Slack's answers that mean the token itself is refused (not a passing outage).
SLACK_REFUSALS = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "not_allowed_token_type",
        "invalid_token",
        "missing_scope",
    }
)
CHECK_DEADLINE_S = 10.0


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"
    SKIP = "skip"


class Cause(StrEnum):
    """Why a check failed, which decides what `bot run` does: stop (refused, config) or retry."""

    NONE = ""
    REFUSED = "refused"
    UNREACHABLE = "unreachable"
    CONFIG = "config"


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    fix: str = ""
    cause: Cause = Cause.NONE

    def line(self) -> str:
        text = f"{self.status.value:<4}  {self.name}: {self.detail}"
        return f"{text} \u2192 {self.fix}" if self.fix else text


def ok(name: str, detail: str) -> Check:
    return Check(name, Status.OK, detail)


def skipped(name: str, why: str) -> Check:
    return Check(name, Status.SKIP, f"not configured ({why})")


def failed(name: str, error: BaseException, fix: str) -> Check:
    """A failed call, classified: refused credentials, an unreachable service, or something else."""
    cause = cause_of(error)
    detail = _slack_answer(error) or str(error) or type(error).__name__
    if cause == Cause.UNREACHABLE:
        status = getattr(getattr(error, "response", None), "status_code", None)
        if isinstance(status, int):
            detail = f"the service is down or busy, retrying (HTTP {status})"
        fix = "check the network and the URL; `bot run` and `bot serve` retry this on their own"
    return Check(name, Status.FAIL, detail, fix, cause)


def cause_of(error: BaseException) -> Cause:
    if isinstance(error, Unauthorized | Forbidden):
        return Cause.REFUSED
    if isinstance(error, TransportError | ServerError | Throttled | DeadlineExceeded):
        return Cause.UNREACHABLE
    if isinstance(error, OSError | TimeoutError):
        return Cause.UNREACHABLE
    try:
        import aiohttp
        from slack_sdk.errors import SlackApiError
    except ImportError:  # pragma: no cover - both ship with the bot
        return Cause.NONE
    if isinstance(error, SlackApiError):
        # an outage or rate limit is the service being down, never a wrong token (issue 20)
        status = getattr(error.response, "status_code", None)
        if isinstance(status, int) and (status == 429 or status >= 500):
            return Cause.UNREACHABLE
        code = str(error.response.get("error", ""))
        if code in ("ratelimited", "internal_error", "service_unavailable", "fatal_error"):
            return Cause.UNREACHABLE
        return Cause.REFUSED if code in SLACK_REFUSALS else Cause.NONE
    if isinstance(error, aiohttp.ClientError):
        return Cause.UNREACHABLE
    return Cause.NONE


def _slack_answer(error: BaseException) -> str | None:
    response: object = getattr(error, "response", None)
    code = response.get("error") if hasattr(response, "get") else None
    return f"Slack answered {code!r}" if code else None


# --- the database ----------------------------------------------------------------------------------


def check_database(path: Path) -> list[Check]:
    """Opens, migrates, takes a write lock, and is readable by its owner only."""
    from bot.index.db import file_modes, open_index

    name = "database"
    try:
        db = open_index(path)
        try:
            db.conn.execute("BEGIN IMMEDIATE")
            db.conn.rollback()
        finally:
            db.conn.close()
    except (sqlite3.Error, OSError, RuntimeError) as error:
        return [
            Check(
                name,
                Status.FAIL,
                f"{path}: {error}",
                "check BOT_DB_PATH and the folder's permissions",
                Cause.CONFIG,
            )
        ]
    checks = [ok(name, f"{path} opens, is migrated and writable")]
    if str(path) == ":memory:":
        return checks
    modes = file_modes(path)
    if modes["file"] & 0o077:
        checks.append(
            Check(
                "database file mode",
                Status.FAIL,
                f"{path} is {modes['file']:o}: others can read the stored LWA token",
                f"chmod 600 {path}",
            )
        )
    elif modes["folder"] & 0o077:
        checks.append(
            Check(
                "database folder mode",
                Status.WARN,
                f"{path.parent} is {modes['folder']:o}",
                f"chmod 700 {path.parent}",
            )
        )
    else:
        checks.append(ok("database file mode", "600, in a folder only its owner can open"))
    return checks


def check_shared_database(url: str) -> Check:
    """BOT_DATABASE_URL: PostgreSQL answers, and its schema is this bot's (migrated on open)."""
    from bot.pg.database import PgDatabase, where
    from bot.schema import PG_SCHEMA_VERSION, pg_schema_version

    name = "shared database (BOT_DATABASE_URL)"
    try:
        database = PgDatabase(url, wait_s=5.0)
    except ConfigError as error:
        return Check(name, Status.FAIL, str(error), "check BOT_DATABASE_URL", Cause.UNREACHABLE)
    try:
        server, version = database.read(
            lambda conn: (conn.execute("SHOW server_version").fetchone(), pg_schema_version(conn))
        )
    finally:
        database.close()
    return ok(
        name,
        f"PostgreSQL {server[0] if server else '?'} at {where(url)}, schema version {version}"
        f" of {PG_SCHEMA_VERSION}",
    )


def check_scheduled_work(url: str) -> Check:
    """Replicas: the workers of the job queue (procrastinate, bot/pg/jobs.py) that are alive (a
    heartbeat within STALLED_S), and the jobs left running by a worker that stopped."""
    from bot.pg.database import PgDatabase
    from bot.pg.jobs import STALLED_S

    name = "scheduled work (device refresh, digests)"
    try:
        database = PgDatabase(url, wait_s=5.0)
    except ConfigError as error:
        return Check(name, Status.SKIP, f"the database cannot be used: {error}")
    try:
        row = database.read(
            lambda conn: conn.execute(
                "SELECT (SELECT count(*) FROM procrastinate_workers"
                "        WHERE last_heartbeat >= now() - make_interval(secs => %s)),"
                "       (SELECT count(*) FROM procrastinate_jobs j"
                "        LEFT JOIN procrastinate_workers w ON w.id = j.worker_id"
                "        WHERE j.status = 'doing'"
                "          AND (w.id IS NULL OR w.last_heartbeat < now() - make_interval(secs => %s)))",
                (STALLED_S, STALLED_S),
            ).fetchone()
        )
    finally:
        database.close()
    alive, stalled = (int(row[0]), int(row[1])) if row else (0, 0)
    if not alive:
        return Check(
            name,
            Status.WARN,
            "no replica runs the job queue (none is serving with BOT_DATABASE_URL)",
            "start `bot serve` with BOT_DATABASE_URL set",
        )
    left = (
        f"; {plural(stalled, 'job')} of a replica that stopped, run again within a minute"
        if stalled
        else ""
    )
    return ok(
        name,
        f"{plural(alive, 'worker')} on the job queue (procrastinate), each tick of a periodic task"
        f" run once by one of them{left}",
    )


# --- Amazon ------------------------------------------------------------------------------------------


async def check_lwa(runtime: Runtime) -> Check:
    name = "LWA token exchange"
    try:
        await runtime.auth.token()
    except Exception as error:
        return failed(name, error, lwa_repair(error))
    return ok(name, f"got an access token from {runtime.settings.lwa_token_url}")


def lwa_repair(error: BaseException) -> str:
    """The real cause of a refused LWA exchange and the one command that repairs it."""
    kind = (getattr(error, "error_type", None) or "").lower()
    if "invalid_client" in kind or "unauthorized_client" in kind:
        return (
            "LWA does not know this client: LWA_CLIENT_ID/LWA_CLIENT_SECRET are wrong; copy them "
            "again from the LWA security profile"
        )
    if isinstance(error, Unauthorized | Forbidden):
        return (
            "LWA refused every refresh token the bot has (the stored one, and LWA_REFRESH_TOKEN): "
            "they were revoked; run `bot login` (it stores the new token in the database, no "
            "restart needed)"
        )
    return "check LWA_CLIENT_ID/LWA_CLIENT_SECRET, and run `bot login` for a new refresh token"


async def check_asp(runtime: Runtime) -> tuple[Check, list[tuple[str, str]]]:
    """Lists the organization's properties; returns them as (id, name) for the bot.toml check."""
    name = "ASP API: list properties"
    org = runtime.services.organization_id
    try:
        found = await runtime.asp.list_properties(org, deadline=CHECK_DEADLINE_S)
    except Exception as error:
        fix = f"check ASP_ORGANIZATION_ID ({org}) and that the LWA profile is enabled for it"
        return failed(name, error, fix), []
    pairs = [(p.id, p.name) for p in found]
    if not pairs:
        # seed 004's 404 on the list: a new customer's organization, ready for `add property`
        return ok(
            name,
            f"the organization has no properties yet (at {runtime.settings.asp_base_url}); "
            "an admin adds one in chat with `add property <name>`",
        ), pairs
    return ok(name, f"{len(pairs)} properties at {runtime.settings.asp_base_url}"), pairs


async def check_a4b(runtime: Runtime) -> Check:
    name = "Alexa for Business (signed call)"
    if runtime.services.a4b is None:
        return skipped(name, "no AWS credentials: device health, room profiles and users are off")
    try:
        await runtime.services.a4b.search_devices_page(max_results=1, deadline=CHECK_DEADLINE_S)
    except Exception as error:
        return failed(name, error, "check the AWS credentials and A4B_ENDPOINT_URL")
    return ok(name, f"SearchDevices answered at {runtime.settings.a4b_endpoint_url}")


async def check_customer_profiles(runtime: Runtime) -> Check:
    name = "Customer Profiles"
    client = runtime.services.customer_profiles
    if client is None:
        return skipped(name, "CUSTOMER_PROFILES_DOMAIN unset")
    try:
        await client.list_object_types_page(max_results=1, deadline=CHECK_DEADLINE_S)
    except Exception as error:
        return failed(name, error, "check CUSTOMER_PROFILES_DOMAIN and the AWS credentials")
    return ok(name, f"domain {runtime.settings.customer_profiles_domain} answered")


def _closest_hint(name: str, names: list[str]) -> str:
    """What to write instead of a bot.toml name the organization lacks: its closest real name."""
    from rapidfuzz import fuzz, process

    found = process.extractOne(name, names, scorer=fuzz.WRatio, processor=str.casefold)
    if found is None or found[1] < 70:
        return "fix the name (it must match the ASP name or id; `properties` lists them)"
    return f"did you mean {found[0]!r}? (it must match the ASP name or id)"


def check_bot_toml(runtime: Runtime, properties: list[tuple[str, str]]) -> list[Check]:
    """bot.toml names the organization has, and every property with a country and a timezone."""
    config = runtime.config
    known = {key for pid, pname in properties for key in (pid, pname.casefold())}
    names = [pname for _pid, pname in properties]
    checks = [
        Check(
            "bot.toml",
            Status.FAIL,
            f"names property {p.name!r}, which the organization does not have",
            _closest_hint(p.name, names),
            Cause.CONFIG,
        )
        for p in config.properties
        if p.name.casefold() not in known and p.name not in known
    ]
    for name, missing in bot_toml_defaults(config):
        checks.append(
            Check(
                "bot.toml",
                Status.WARN,
                f"{name} has no {' or '.join(missing)}",
                f"add {' and '.join(missing)} to its [[properties]] block",
            )
        )
    for name, _place in incomplete_places(config, runtime.services.settings, properties):
        checks.append(
            Check(
                "property place",
                Status.WARN,
                f"{name}: country or timezone unknown (station changes there are refused)",
                f"add it to bot.toml, or have an admin say, for example, `{how_to_set(name)}`",
            )
        )
    if not checks:
        checks.append(ok("bot.toml", "every property has a country and a timezone"))
    # channel settings an admin made in chat (they override bot.toml's)
    checks += [ok("channel setting", line) for line in describe_settings(runtime.services.settings)]
    return checks


# --- chat platforms ----------------------------------------------------------------------------------


async def check_slack(settings: Settings, *, socket: bool | None = None) -> list[Check]:
    """auth.test with the bot token (and its scopes); apps.connections.open with the app token."""
    name = "Slack"
    if not settings.slack_bot_token:
        return [skipped(name, "SLACK_BOT_TOKEN unset")]
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.chat.slack.tokens import SlackConfigError, api_base_url, validate_tokens

    socket = bool(settings.slack_app_token) if socket is None else socket
    try:
        validate_tokens(
            mode="socket" if socket else "http",
            bot_token=settings.slack_bot_token,
            app_token=settings.slack_app_token,
            signing_secret=settings.slack_signing_secret,
        )
    except SlackConfigError as error:
        return [Check(name, Status.FAIL, str(error), "see docs/slack.md", Cause.CONFIG)]
    client = AsyncWebClient(
        token=settings.slack_bot_token,
        base_url=api_base_url(settings.slack_api_url),
        timeout=int(CHECK_DEADLINE_S),
    )
    try:
        answer = await client.auth_test()
    except Exception as error:
        return [
            failed(
                f"{name} auth.test",
                error,
                _slack_fix("SLACK_BOT_TOKEN", "the Bot User OAuth Token (OAuth & Permissions)"),
            )
        ]
    checks = [
        ok(f"{name} auth.test", f"signed in as {answer.get('user')} in {answer.get('team')}"),
        _scopes(answer.headers),
    ]
    if socket:
        checks.append(await _app_token(client, settings))
    return checks


def _slack_fix(variable: str, what: str) -> str:
    return f"Slack refused {variable}: paste {what} again, and reinstall the app if it was removed"


def _scopes(headers: Mapping[str, object]) -> Check:
    granted = {k.lower(): v for k, v in headers.items()}.get("x-oauth-scopes")
    if granted is None:
        return Check("Slack scopes", Status.SKIP, "Slack did not list the token's scopes")
    missing = sorted(set(SLACK_SCOPES) - {s.strip() for s in str(granted).split(",")})
    if missing:
        return Check(
            "Slack scopes",
            Status.FAIL,
            f"the bot token lacks {', '.join(missing)}",
            "add them under OAuth & Permissions (or recreate the app from manifest.yml) and reinstall",
            Cause.REFUSED,
        )
    return ok("Slack scopes", ", ".join(SLACK_SCOPES))


async def _app_token(client: AsyncWebClient, settings: Settings) -> Check:
    name = "Slack app token (Socket Mode)"
    try:
        # validate_tokens has refused Socket Mode without an app token before this runs
        await client.apps_connections_open(app_token=settings.slack_app_token or "")
    except Exception as error:
        return failed(
            name,
            error,
            _slack_fix(
                "SLACK_APP_TOKEN", "an app-level token with connections:write (Basic Information)"
            ),
        )
    return ok(name, "Slack accepts it for Socket Mode")


def check_teams(env: Mapping[str, str]) -> Check:
    """The Azure Bot settings are complete (no call is made: Microsoft is not reachable from here)."""
    from bot.chat.teams.config import AUTH_TYPE, CLIENT_ID, CLIENT_SECRET, TENANT_ID, teams_enabled

    name = "Teams"
    given = [key for key in (CLIENT_ID, TENANT_ID, CLIENT_SECRET, AUTH_TYPE) if env.get(key)]
    if not given:
        return skipped(name, "no CONNECTIONS__SERVICE_CONNECTION__SETTINGS__* variables")
    if not teams_enabled(env):
        missing = [k for k in (CLIENT_ID, TENANT_ID) if not env.get(k)]
        if not env.get(CLIENT_SECRET) and not env.get(AUTH_TYPE):
            missing.append(CLIENT_SECRET)
        return Check(
            name,
            Status.FAIL,
            f"incomplete: {', '.join(missing)} unset",
            "see docs/teams.md",
            Cause.CONFIG,
        )
    return ok(name, f"app id {env.get(CLIENT_ID)} and tenant set (checked when Teams first calls)")


# --- all of them ---------------------------------------------------------------------------------------


async def check_amazon(runtime: Runtime) -> list[Check]:
    lwa = await check_lwa(runtime)
    if lwa.status != Status.OK:
        return [lwa, Check("ASP API: list properties", Status.SKIP, "needs the LWA token")]
    asp, properties = await check_asp(runtime)
    checks = [lwa, asp]
    if asp.status == Status.OK:
        checks += check_bot_toml(runtime, properties)
    return checks


async def run_checks(
    settings: Settings,
    config: BotConfig,
    env: Mapping[str, str],
    *,
    build: Callable[[], Awaitable[Runtime]],
) -> list[Check]:
    """Every check `bot doctor` prints, in order. `build` makes the runtime (after the database check)."""
    checks = check_database(settings.db_path)
    if settings.bot_database_url:
        checks.append(check_shared_database(settings.bot_database_url))
        if checks[-1].status == Status.OK:
            checks.append(check_scheduled_work(settings.bot_database_url))
    missing = settings.missing_asp_credentials()
    if missing:
        checks.append(
            Check(
                "Amazon credentials",
                Status.FAIL,
                f"{', '.join(missing)} unset",
                "set them (or .env); `bot login` prints LWA_REFRESH_TOKEN",
                Cause.CONFIG,
            )
        )
    elif checks[0].status == Status.OK:
        runtime = await build()
        try:
            checks += await check_amazon(runtime)
            checks += [await check_a4b(runtime), await check_customer_profiles(runtime)]
        finally:
            await runtime.aclose()
    checks += await check_slack(settings)
    checks.append(check_teams(env))
    return with_steps(checks)


# --- the steps of docs/going-live.md --------------------------------------------------------------------

GOING_LIVE = "docs/going-live.md"
LWA_PROFILE = "step 1 (LWA security profile)"
LOGIN = "step 2 (`bot login`)"
ORGANIZATION = "step 3 (organization id)"
AWS_POLICY = "step 4 (AWS keys and IAM policy)"
SLACK_APP = "step 5 (Slack app)"
TEAMS_APP = "step 6 (Teams app)"
BOT_TOML = "step 7 (bot.toml)"
_STEP_OF_CHECK = {
    "ASP API: list properties": ORGANIZATION,
    "Alexa for Business (signed call)": AWS_POLICY,
    "Customer Profiles": AWS_POLICY,
    "Slack": SLACK_APP,
    "Slack auth.test": SLACK_APP,
    "Slack scopes": SLACK_APP,
    "Slack app token (Socket Mode)": SLACK_APP,
    "Teams": TEAMS_APP,
    "bot.toml": BOT_TOML,
    "property place": BOT_TOML,
    "database": BOT_TOML,
    "database file mode": BOT_TOML,
    "database folder mode": BOT_TOML,
}
_STEP_OF_VARIABLE = {
    "LWA_CLIENT_ID": LWA_PROFILE,
    "LWA_CLIENT_SECRET": LWA_PROFILE,
    "LWA_REFRESH_TOKEN": LOGIN,
    "ASP_ORGANIZATION_ID": ORGANIZATION,
}


def step_of(check: Check) -> str | None:
    """The step of docs/going-live.md a check proves (None: none)."""
    if check.name == "LWA token exchange":
        # LWA says invalid_client for the security profile's id/secret, invalid_grant for the token
        return LWA_PROFILE if "invalid_client" in check.detail else LOGIN
    if check.name == "Amazon credentials":
        for variable, step in _STEP_OF_VARIABLE.items():
            if variable in check.detail:
                return step
    return _STEP_OF_CHECK.get(check.name)


def with_steps(checks: list[Check]) -> list[Check]:
    """A failing or warning line names the step of docs/going-live.md to go back to."""
    named = []
    for check in checks:
        step = step_of(check)
        if check.status in (Status.FAIL, Status.WARN) and step and check.cause != Cause.UNREACHABLE:
            check = replace(check, fix=f"{step} of {GOING_LIVE}: {check.fix}")
        named.append(check)
    return named


def failures(checks: list[Check]) -> list[Check]:
    return [c for c in checks if c.status == Status.FAIL]


# --- before `bot run` / `bot serve` claim to work ---------------------------------------------------------

RETRY_FIRST_S = 2.0
RETRY_CAP_S = 60.0


async def preflight(
    runtime: Runtime,
    *,
    slack_socket: bool | None,
    clock: Clock,
    say: Callable[[str], None] = print,
    attempts: int | None = None,
    on_wait: Callable[[str | None], None] = lambda _: None,
    platform_checks: Sequence[Callable[[], Awaitable[list[Check]]]] = (),
) -> None:
    """LWA, the ASP API and Slack (when used) must answer before the bot connects anywhere;
    `platform_checks` are the chat platforms' own (ChatPlatform.startup_checks of `bot serve`).

    Refused credentials or bad settings raise ConfigError (one plain line; the CLI exits 2). A service
    that cannot be reached is retried with doubling waits (2 s up to 60 s), each wait logged in one
    line; `attempts` bounds the tries (None: until it answers). `on_wait` hears what is being waited
    for before each wait, and None once every check passes (`bot serve` shows it on /healthz)."""
    delay = RETRY_FIRST_S
    tried = 0
    while True:
        tried += 1
        checks = await check_amazon(runtime)
        if slack_socket is not None:
            checks += await check_slack(runtime.settings, socket=slack_socket)
        for platform_check in platform_checks:
            checks += await platform_check()
        stop = [c for c in failures(checks) if c.cause != Cause.UNREACHABLE]
        if stop:
            raise ConfigError("\n".join(c.line() for c in stop))
        down = failures(checks)
        if not down:
            on_wait(None)
            for warning in (c for c in checks if c.status == Status.WARN):
                say(f"Warning: {warning.line()}")
            return
        if attempts is not None and tried >= attempts:
            raise ConfigError("\n".join(c.line() for c in down))
        on_wait("; ".join(f"{check.name} unreachable: {check.detail}" for check in down))
        for check in down:
            log.warning("%s unreachable (%s); retrying in %.0f s", check.name, check.detail, delay)
        await clock.sleep(delay)
        delay = min(delay * 2, RETRY_CAP_S)
