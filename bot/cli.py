"""The `bot` command. Every subcommand here is documented in README.md (a test checks it)."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from bot.settings import ConfigError, Settings, load_all

if TYPE_CHECKING:
    from bot.core.ledger.audit import Change
    from bot.runtime import Runtime
    from bot.sandbox.world import World

app = typer.Typer(
    name="bot",
    no_args_is_help=True,
    add_completion=False,
    help="Chat-ops bot for hotels on Alexa Smart Properties.",
)
sandbox_app = typer.Typer(no_args_is_help=True, help="The local sandbox of Amazon's APIs.")
app.add_typer(sandbox_app, name="sandbox")
err = Console(stderr=True, soft_wrap=True)  # one line per message: readable in logs and greps
T = TypeVar("T")


def _logging(verbose: bool, *, plain: bool = False) -> None:
    """Log records with -v; else warnings only, as plain sentences where a person reads them."""
    if plain and not verbose:
        from bot.chat.console import plain_log_lines

        plain_log_lines()
        return
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


def _run(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine. What goes wrong is said in one plain line, never as a traceback: configuration
    exits 2, Amazon's refusals and anything unexpected exit 1 (`-v` logs the details)."""
    from bot.clients.errors import ApiError

    log = logging.getLogger("bot.cli")
    try:
        return asyncio.run(make())  # type: ignore[arg-type]
    except ConfigError as error:
        err.print(f"[red]Configuration error:[/] {escape(str(error))}", soft_wrap=True)
        raise typer.Exit(2) from None
    except ApiError as error:
        log.info("Amazon error", exc_info=True)
        err.print(f"[red]Amazon refused the request:[/] {error.user_hint()}\n  ({error})")
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except Exception as error:
        log.info("unexpected error", exc_info=True)
        err.print(
            f"[red]Unexpected error:[/] {type(error).__name__}: {error} (run with -v for details)"
        )
        raise typer.Exit(1) from None


VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Log what the bot does.")]


@app.command()
def demo(
    user: Annotated[
        str, typer.Option(help="Your chat user id in the demo (admin).")
    ] = "demo-admin",
    channel: Annotated[
        str, typer.Option(help="Channel; 'front-desk' is bound to Harbor View Seattle.")
    ] = "front-desk",
    world: Annotated[Path | None, typer.Option(help="Another world file for the sandbox.")] = None,
    verbose: VerboseOpt = False,
) -> None:
    """Run the bot on its embedded sandbox (demo world, no credentials, no network) with a console."""
    _logging(verbose, plain=True)
    from bot.chat.console import greeting_table, run_console
    from bot.demo import DEMO_USER, GREETING_EXAMPLES, demo_runtime
    from bot.sandbox.demo import DEMO_WORLD_PATH

    async def main() -> int:
        async with demo_runtime(world or DEMO_WORLD_PATH) as (runtime, server):
            counts = runtime.index.counts()
            out = Console()
            if sys.stdin.isatty():
                out.print(
                    f"[bold]ASP chat-ops bot — demo[/] (sandbox at {server.url}; "
                    f"{counts.properties} properties, {counts.room_types} room types, {counts.rooms} rooms)"
                )
                out.print(
                    f"You are [bold]{user}[/]{' (admin)' if user == DEMO_USER else ''} in channel "
                    f"[bold]{channel}[/]. Type [bold]quit[/] to leave."
                )
                out.print(greeting_table(GREETING_EXAMPLES))
            return await run_console(runtime.engine, user=user, channel=channel)

    raise typer.Exit(_run(main))


@app.command()
def console(
    user: Annotated[
        str, typer.Option(help="Chat user id to act as (roles in bot.toml).")
    ] = "console",
    channel: Annotated[
        str | None, typer.Option(help="Channel id (picks the property bound to it).")
    ] = None,
    verbose: VerboseOpt = False,
) -> None:
    """Talk to the bot in the terminal, against the configured Amazon account."""
    _logging(verbose, plain=True)
    from bot.chat.console import run_console

    async def main() -> int:
        runtime = await _runtime()
        try:
            if not runtime.index.is_loaded():
                await runtime.sync()
            _warn_about_places(runtime)
            return await run_console(runtime.engine, user=user, channel=channel)
        finally:
            await runtime.aclose()

    raise typer.Exit(_run(main))


def _warn_about_places(runtime: Runtime) -> None:
    """Properties whose country or timezone nobody gave: station changes there will be refused."""
    from bot.core.ledger.property_settings import how_to_set, incomplete_places

    properties = [(p.id, p.name) for p in runtime.index.properties()]
    for name, _place in incomplete_places(runtime.config, runtime.services.settings, properties):
        err.print(
            f"[yellow]Warning:[/] {escape(name)}: country or timezone unknown; station changes there "
            f"are refused until it is in bot.toml or an admin says, for example, "
            f"`{escape(how_to_set(name))}`.",
            soft_wrap=True,
        )


async def _runtime(*, with_health: bool = True) -> Runtime:
    from bot.runtime import build_runtime

    settings, config = load_all()
    return await build_runtime(settings, config, with_health=with_health)


@app.command()
def sync(
    devices: Annotated[
        bool, typer.Option("--devices", help="Refresh device status from Alexa for Business.")
    ] = False,
    verbose: VerboseOpt = False,
) -> None:
    """Refresh the SQLite index of properties, room types and rooms (or devices) from Amazon."""
    _logging(verbose)

    async def main() -> None:
        runtime = await _runtime(with_health=devices)
        try:
            if devices:
                if runtime.services.health is None:
                    raise ConfigError(
                        "device health is not available (AWS credentials for Alexa for Business?)"
                    )
                reply = await runtime.services.health.refresh(wait=True)
                Console().print(reply.headline)
                return
            report = await runtime.sync()
            Console().print(
                f"Synced {report.properties} properties, {report.room_types} room types, {report.rooms} "
                f"rooms with {report.requests} requests in {report.seconds:.2f} s."
            )
            for name in runtime.unknown_configured_properties():
                err.print(
                    f"[yellow]Warning:[/] bot.toml names property {name!r}, which the organization does not have."
                )
            _warn_about_places(runtime)
        finally:
            await runtime.aclose()

    _run(main)


@app.command()
def audit(
    since: Annotated[
        str | None,
        typer.Option(
            help="Only entries since then: today, yesterday (from its midnight), a duration "
            "(90m, 24h, 7d, 2w) or a date/time (2026-11-22)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    limit: Annotated[int, typer.Option(help="At most this many entries (newest first).")] = 50,
) -> None:
    """Print the audit log: every change, refusal and failure, with before and after."""
    if limit < 1:
        err.print(f"[red]--limit must be a whole number of entries, 1 or more; got {limit}.[/]")
        raise typer.Exit(2)
    from bot.core.ledger.audit import AuditLog
    from bot.index.db import open_index
    from bot.settings import load_settings

    try:
        settings = load_settings()
    except ConfigError as error:
        err.print(f"[red]Configuration error:[/] {error}")
        raise typer.Exit(2) from None
    log: AuditLog
    if settings.bot_database_url:  # the shared audit log of replicas
        from bot.pg.audit import open_audit_log

        try:
            log = open_audit_log(settings.bot_database_url)
        except ConfigError as error:
            err.print(f"[red]Configuration error:[/] {error}")
            raise typer.Exit(2) from None
    else:
        log = AuditLog(open_index(settings.db_path))
    entries = log.entries(since=_since(since) if since else None, limit=limit)
    if as_json:
        for entry in entries:
            typer.echo(json.dumps(entry.as_json()))
        return
    if not entries:
        typer.echo("No audit entries" + (f" since {since}." if since else " yet."))
    for entry in entries:
        typer.echo(f"{entry.at}  {entry.platform}/{entry.user}  {entry.outcome:<9} {entry.text}")
        for change in entry.changes:
            state = _change_state(change)
            before, after = _audit_value(change.before), _audit_value(change.after)
            typer.echo(
                f"    {change.kind} {change.unit_name} ({change.property_name}): {before} -> {after} [{state}]"
            )


def _change_state(change: Change) -> str:
    """A change's journal state as the audit prints it: applied, unchanged, or why not."""
    words = {"failed": "FAILED", "refused": "REFUSED by Amazon", "unknown": "NOT CONFIRMED"}
    label = words.get(change.state, change.state)
    return f"{label}: {change.error}" if change.error and change.state in words else label


_DURATION = {"m": 60, "h": 3600, "d": 86400, "w": 604800}


def _since(text: str) -> str:
    """`--since` as the ISO time the audit log compares with (UTC)."""
    import re
    from datetime import UTC, datetime, timedelta

    days_back = {"today": 0, "yesterday": 1}.get(text.strip().lower())
    if days_back is not None:  # midnight of that day on this machine's clock
        midnight = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
        start = midnight - timedelta(days=days_back)
        return start.astimezone(UTC).isoformat(timespec="seconds")
    found = re.fullmatch(r"\s*(\d+)\s*([mhdw])\s*", text.lower())
    if found:
        seconds = int(found[1]) * _DURATION[found[2]]
        return (datetime.now(UTC) - timedelta(seconds=seconds)).isoformat(timespec="seconds")
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is neither a duration (90m, 24h, 7d, 2w) nor a date/time "
            "(2026-11-22 or 2026-11-22T08:00), nor today or yesterday",
            param_hint="--since",
        ) from None
    return (
        (when if when.tzinfo else when.replace(tzinfo=UTC))
        .astimezone(UTC)
        .isoformat(timespec="seconds")
    )


def _audit_value(value: object) -> str:
    """A before/after value as staff read it: station names rather than provider/station ids."""
    from bot.index.catalog import default_catalog

    if value is None:
        return "none"
    if isinstance(value, dict) and {"providerId", "stationId"} <= value.keys():
        station = default_catalog().by_pair(str(value["providerId"]), str(value["stationId"]))
        return station.label if station else f"{value['providerId']} {value['stationId']}"
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


@app.command()
def login(
    redirect_uri: Annotated[
        str, typer.Option(help="Redirect URL allowed in the LWA security profile.")
    ] = "http://127.0.0.1:9090/cb",
    open_browser: Annotated[
        bool, typer.Option("--open/--no-open", help="Open the sign-in page in a browser.")
    ] = False,
    authorize_url: Annotated[
        str | None,
        typer.Option(
            help="Authorize endpoint (default Amazon's; a sandbox's /ap/oa for a dry run)."
        ),
    ] = None,
) -> None:
    """One-time Login with Amazon sign-in: prints the URL to open, then the refresh token to keep."""
    from bot.clients.login import AUTHORIZE_BASE, run_login
    from bot.settings import load_settings

    async def main() -> None:
        settings = load_settings()
        if not settings.lwa_client_id or not settings.lwa_client_secret:
            raise ConfigError(
                "set LWA_CLIENT_ID and LWA_CLIENT_SECRET (the LWA security profile) first"
            )
        token = await run_login(
            settings.lwa_client_id,
            settings.lwa_client_secret,
            settings.lwa_token_url,
            redirect_uri=redirect_uri,
            open_browser=open_browser,
            printer=typer.echo,
            authorize_base=authorize_url or AUTHORIZE_BASE,
        )
        where = await _store_login_token(settings, token)
        typer.echo(
            f"\nSigned in. The refresh token is stored in {where}: every bot process on it "
            "uses it from its next token refresh (no restart needed)."
            if where
            else "\nSigned in."
        )
        typer.echo("Keep it as LWA_REFRESH_TOKEN too (environment or .env) for a new database:")
        typer.echo(token)

    _run(main)


async def _store_login_token(settings: Settings, token: str) -> str | None:
    """`bot login` writes the new token into the bot's store directly (a token only printed was
    ignored while a revoked one was stored): the database, waiting out a lock."""
    from bot.index.db import open_index
    from bot.token_store import TokenStore

    if not settings.lwa_client_id or str(settings.db_path) == ":memory:":
        return None
    try:
        db = open_index(settings.db_path)
    except Exception as error:  # the token is printed below: nothing is lost
        typer.echo(f"Could not open the database {settings.db_path} ({error}).", err=True)
        return None
    try:
        store = TokenStore.for_database(db.conn, settings.lwa_client_id)
        # the environment token is marked seen: the stored one is the newest now
        await store.keep(token, env_token=settings.lwa_refresh_token or None)
    finally:
        db.conn.close()
    return str(settings.db_path)


@app.command()
def doctor(verbose: VerboseOpt = False) -> None:
    """Check every configured part for real (Amazon, AWS, Slack, Teams, the database, bot.toml); one
    line each with what to do; exits 1 if any check fails."""
    _logging(verbose)
    from bot.doctor import failures, run_checks
    from bot.runtime import build_runtime
    from bot.serving import env_with_dotenv

    async def main() -> int:
        settings, config = load_all()
        checks = await run_checks(
            settings,
            config,
            env_with_dotenv(),
            build=lambda: build_runtime(settings, config, with_health=False),
        )
        for check in checks:
            typer.echo(check.line())
        failed = failures(checks)
        typer.echo(
            f"{len(failed)} of {len(checks)} checks failed."
            if failed
            else "Everything checked works."
        )
        return 1 if failed else 0

    raise typer.Exit(_run(main))


@app.command()
def run(verbose: VerboseOpt = False) -> None:
    """Run in Slack over Socket Mode (SLACK_BOT_TOKEN and SLACK_APP_TOKEN; no public URL needed)."""
    _logging(verbose)
    from bot.serving import run_socket

    _run(run_socket)


@app.command()
def serve(
    host: Annotated[
        str | None,
        typer.Option(help="Interface to listen on (default 0.0.0.0; 127.0.0.1 with --teams-dev)."),
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default $PORT, else 3000).")] = None,
    teams_dev: Annotated[
        bool,
        typer.Option(
            "--teams-dev",
            help="Accept unauthenticated Teams requests (Agents Playground); 127.0.0.1 only.",
        ),
    ] = False,
    verbose: VerboseOpt = False,
) -> None:
    """Run the HTTP endpoints: Slack at /slack/events, Teams at /api/messages, GET /healthz."""
    _logging(verbose)
    from bot.serving import run_http

    _run(lambda: run_http(host, port, teams_dev=teams_dev))


@app.command()
def digest(
    property_name: Annotated[
        str | None, typer.Option("--property", help="One property (name); default all.")
    ] = None,
    post: Annotated[
        bool, typer.Option("--post", help="Post to each property's digest_channel.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option(help="Write the chart PNG (and text) into this folder.")
    ] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="Use the embedded sandbox's demo world.")
    ] = False,
) -> None:
    """Build the nightly device-health digest now: print it and write the chart, or post it."""
    from bot.health.posting import NotPosted
    from bot.serving import digest_now

    async def main() -> None:
        try:
            await digest_now(property_name, post=post, out=out, demo=demo)
        except NotPosted as error:  # said plainly, and the exit code says it too
            err.print(escape(str(error)), soft_wrap=True)
            raise _Exit1 from None

    try:
        _run(main)
    except _Exit1:
        raise typer.Exit(1) from None


class _Exit1(BaseException):
    """Leaves `_run` (which turns other exceptions into "unexpected error") with exit code 1."""


@app.command("teams-package")
def teams_package(
    app_id: Annotated[str, typer.Option(help="The Azure bot's Microsoft App ID (a GUID).")],
    out: Annotated[Path, typer.Option(help="Folder to write the zip into.")] = Path("."),
    version: Annotated[str | None, typer.Option(help="App version in the manifest.")] = None,
    developer_url: Annotated[
        str | None, typer.Option(help="Your website (https://…), shown in Teams' app details.")
    ] = None,
    privacy_url: Annotated[
        str | None, typer.Option(help="Your privacy statement (https://…).")
    ] = None,
    terms_url: Annotated[str | None, typer.Option(help="Your terms of use (https://…).")] = None,
) -> None:
    """Build the Microsoft Teams app package (manifest and icons) to upload to Teams."""
    from bot.chat.teams import build_teams_package
    from bot.chat.teams.package import TeamsPackageError

    given = {"developer": developer_url, "privacy": privacy_url, "terms": terms_url}
    urls = {which: url for which, url in given.items() if url}
    try:
        path = build_teams_package(out, app_id, version=version, urls=urls)
    except TeamsPackageError as error:
        err.print(f"[red]Cannot build the package:[/] {error}")
        raise typer.Exit(2) from None
    typer.echo(f"Wrote {path}. Upload it in Teams: Apps → Manage your apps → Upload an app.")
    placeholders = [f"--{which}-url" for which in given if which not in urls]
    if placeholders:
        typer.echo(
            f"Note: the package still has example.com addresses; give yours with {', '.join(placeholders)}."
        )


def _positive_rps(value: float | None) -> float | None:
    if value is not None and value <= 0:
        raise typer.BadParameter(f"{value:g} is not more than 0 (leave it out for no limit)")
    return value


SANDBOX_TOML = Path("sandbox.bot.toml")


@sandbox_app.command("serve")
def sandbox_serve(
    world: Annotated[
        Path | None, typer.Option(help="World file (JSON); default the demo world.")
    ] = None,
    host: Annotated[str, typer.Option(help="Interface.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0 picks a free one).")] = 8800,
    latency_ms: Annotated[float, typer.Option(min=0, help="Added latency per request.")] = 0.0,
    rps: Annotated[
        float | None,
        typer.Option(callback=_positive_rps, help="Requests per second before 429s."),
    ] = None,
    p429: Annotated[
        float, typer.Option(min=0, max=1, help="Share of requests answered 429 (0 to 1).")
    ] = 0.0,
    p5xx: Annotated[
        float, typer.Option(min=0, max=1, help="Share of requests answered 5xx (0 to 1).")
    ] = 0.0,
    seed: Annotated[int, typer.Option(help="Seed of the fault dice.")] = 0,
    per_operation: Annotated[
        bool, typer.Option("--per-operation", help="One rate-limit bucket per API operation.")
    ] = False,
    bot_toml: Annotated[
        Path,
        typer.Option(
            "--bot-toml",
            help="Where to write a bot.toml for this world (every property's country and timezone; "
            "the console user an admin).",
        ),
    ] = SANDBOX_TOML,
) -> None:
    """Serve the sandbox of the ASP, LWA and Alexa for Business APIs until Ctrl-C."""
    import time

    from bot.sandbox.demo import DEMO_WORLD_PATH
    from bot.sandbox.faults import Faults
    from bot.sandbox.server import SandboxServer
    from bot.sandbox.world import WorldFileError, read_world_file

    try:
        faults = Faults(
            latency_ms=latency_ms,
            rps=rps,
            p429=p429,
            p5xx=p5xx,
            seed=seed,
            per_operation=per_operation,
        )
        loaded = read_world_file(world or DEMO_WORLD_PATH)
        server = SandboxServer(loaded, faults, host, port)
        url = server.start()
    except WorldFileError as error:
        err.print(f"[red]Cannot start the sandbox:[/] world file {escape(str(error))}")
        raise typer.Exit(2) from None
    except (OSError, ValueError, RuntimeError) as error:  # a port in use, a fault setting
        detail = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        err.print(f"[red]Cannot start the sandbox on {host}:{port}:[/] {escape(detail)}")
        raise typer.Exit(2) from None
    toml_path = _write_sandbox_toml(loaded, bot_toml)
    _print_sandbox_exports(url, loaded, toml_path)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


def _write_sandbox_toml(world: World, path: Path) -> Path | None:
    """bot.toml for the sandbox's world, reusing the demo's configuration; None if it cannot be
    written (the sandbox serves anyway)."""
    from bot.demo import config_toml, world_config

    try:
        path.write_text(config_toml(world_config(world, admin="console")), encoding="utf-8")
    except OSError as error:
        err.print(f"[yellow]Warning:[/] cannot write {escape(str(path))}: {error.strerror}")
        return None
    return path.resolve()


def _print_sandbox_exports(url: str, world: World, toml_path: Path | None) -> None:
    typer.echo(f"Sandbox serving at {url}. Ctrl-C to stop. To point the bot at it (bash):")
    typer.echo(f"  export ASP_API_URL={url} LWA_TOKEN_URL={url}/auth/o2/token")
    typer.echo(f"  export ASP_ORGANIZATION_ID={world.organization.id}")
    for lwa in world.lwa.clients[:1]:
        typer.echo(
            f"  export LWA_CLIENT_ID={lwa.client_id} LWA_CLIENT_SECRET={lwa.client_secret}"
            f" LWA_REFRESH_TOKEN='{lwa.refresh_tokens[0] if lwa.refresh_tokens else ''}'"
        )
    typer.echo(
        "  # device health, room profiles and guest capacity (the sandbox checks SigV4 against these keys):"
    )
    typer.echo(
        f"  export A4B_ENDPOINT_URL={url} AWS_ACCESS_KEY_ID=sandbox AWS_SECRET_ACCESS_KEY=sandbox"
    )
    typer.echo(
        f"  export CUSTOMER_PROFILES_ENDPOINT_URL={url} CUSTOMER_PROFILES_DOMAIN=hotel-guests"
    )
    if toml_path is not None:
        typer.echo(
            "  # every property's country and timezone, and `bot console` (user 'console') as admin:"
        )
        typer.echo(f"  export BOT_CONFIG='{toml_path}'")
        typer.echo("Then: bot console  (try: set room 204 at Harbor View to jazz)")


def main() -> None:
    app()
