"""Wiring: settings → clients, index, health desk and engine. The one place that builds the bot."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx

from bot.clients.asp import AspClient
from bot.clock import Clock, SystemClock
from bot.core.access.access import Access
from bot.core.access.resolve import property_meta
from bot.core.access.services import Services
from bot.core.commands.channel_settings import refresh_settings
from bot.core.conversation.engine import Engine
from bot.core.ledger.audit import AuditLog
from bot.index.catalog import default_catalog
from bot.index.db import open_index
from bot.index.lookup import Index
from bot.index.sync import SyncReport, full_sync
from bot.settings import BotConfig, ConfigError, Settings
from bot.token_store import SharedLwaAuth, TokenStore

if TYPE_CHECKING:
    from bot.core.changes.recovery import RecoveryReport
    from bot.pg.ordering import ReplicaOrder

log = logging.getLogger("bot.runtime")


@dataclass
class Runtime:
    settings: Settings
    config: BotConfig
    clock: Clock
    index: Index
    asp: AspClient
    services: Services
    engine: Engine
    auth: SharedLwaAuth  # the LWA sign-in (for `bot doctor` and the start-up checks)
    closers: list[Callable[[], Awaitable[object]]] = field(default_factory=list)
    recovery: RecoveryReport | None = None  # what the start-up recovery did

    async def sync(self) -> SyncReport:
        return await full_sync(
            self.index,
            self.asp,
            self.services.organization_id,
            concurrency=self.config.bot.sync_concurrency,
            property_meta=property_meta(self.services),
        )

    def unknown_configured_properties(self) -> list[str]:
        """bot.toml properties that the organization (as last synced) does not have: likely typos."""
        known = {key for p in self.index.properties() for key in (p.name.casefold(), p.id)}
        return [
            p.name
            for p in self.config.properties
            if p.name.casefold() not in known and p.name not in known
        ]

    async def aclose(self) -> None:
        for closer in reversed(self.closers):
            try:
                await closer()
            except Exception:  # closing must never hide the real outcome
                log.debug("error while closing", exc_info=True)


def require_asp(settings: Settings) -> None:
    missing = settings.missing_asp_credentials()
    if missing:
        raise ConfigError(
            "Missing environment variable(s): "
            + ", ".join(missing)
            + ". Set them (or put them in .env); "
            "`bot login` prints LWA_REFRESH_TOKEN after a one-time sign-in. To try the bot without Amazon, "
            "run `bot demo`."
        )


async def build_runtime(
    settings: Settings,
    config: BotConfig,
    *,
    clock: Clock | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    local_admin: str | None = None,
    with_health: bool = True,
) -> Runtime:
    """Build the bot from configuration; raises ConfigError before connecting to anything."""
    require_asp(settings)
    assert settings.lwa_client_id and settings.lwa_client_secret and settings.lwa_refresh_token
    assert settings.asp_organization_id
    clock = clock or SystemClock()
    index = Index(open_index(settings.db_path), clock=clock)
    # LWA may rotate the refresh token: the newest is kept in the database and shared with every
    # process on the file (bot.token_store), so a restart or a cron `bot sync` never uses a revoked one.
    audit = _audit_log(settings, index)
    store = _token_store(audit, index, settings.lwa_client_id)
    auth = SharedLwaAuth(
        settings.lwa_client_id,
        settings.lwa_client_secret,
        store.first_token(settings.lwa_refresh_token),
        settings.lwa_token_url,
        transport=transport,
        clock=clock,
        store=store,
        env_token=settings.lwa_refresh_token,
    )
    asp = AspClient(
        settings.asp_base_url,
        auth,
        transport=transport,
        clock=clock,
        deadline_s=config.bot.command_deadline_seconds,
        max_concurrency=max(config.bot.bulk_concurrency, config.bot.sync_concurrency),
        alarm_auth_raw=config.bot.alarm_auth_raw,
    )
    services = Services(
        index=index,
        asp=asp,
        catalog=default_catalog(),
        config=config,
        access=Access(config.roles, local_admin=local_admin, properties=config.properties),
        audit=audit,
        clock=clock,
        organization_id=settings.asp_organization_id,
        default_country=settings.default_country,
    )
    database = getattr(audit, "database", None)
    if database is not None:  # confirmations as data: a `yes` on any replica
        from bot.pg.pending import SharedPendingStore
        from bot.pg.sql import PgSql

        services.pending = SharedPendingStore(database)
        services.shared_sql = PgSql(database)  # settings made in chat, digest and alert outboxes
    refresh_settings(services)  # channel settings made in chat override bot.toml
    apply_property_config(services)
    order = await _replica_order(settings)
    engine = Engine(services, order)
    if database is not None:  # follow-up questions as data: an answer on any replica
        from bot.pg.questions import SharedQuestions

        engine.questions = SharedQuestions(database)
    runtime = Runtime(settings, config, clock, index, asp, services, engine, auth)
    if database is not None:  # PostgreSQL: its pools close last
        runtime.closers.insert(0, _closer(database.close))
    if order is not None:
        runtime.closers.insert(0, order.aclose)
    runtime.closers.append(asp.aclose)
    closer = getattr(auth, "aclose", None)
    if closer is not None:
        runtime.closers.append(closer)
    _attach_aws_clients(runtime, transport)
    if with_health:
        _attach_health(runtime, transport)
    await recover_at_start(runtime)
    return runtime


def _audit_log(settings: Settings, index: Index) -> AuditLog:
    """The audit log and change journal: in PostgreSQL when BOT_DATABASE_URL is set (shared by
    replicas), else in the SQLite file."""
    if settings.bot_database_url:
        from bot.pg.audit import open_audit_log

        return open_audit_log(settings.bot_database_url)
    return AuditLog(index.db)


def _token_store(audit: AuditLog, index: Index, client_id: str) -> TokenStore:
    """Beside the audit log: in PostgreSQL for replicas, else in the SQLite file."""
    database = getattr(audit, "database", None)
    if database is not None:
        from bot.pg.token_store import PgTokenStore

        return PgTokenStore(database, client_id)
    return TokenStore.for_database(index.conn, client_id)


async def _replica_order(settings: Settings) -> ReplicaOrder | None:
    """With BOT_DATABASE_URL, one person's turns are ordered across replicas (an advisory lock)."""
    if not settings.bot_database_url:
        return None
    from bot.pg.ordering import ReplicaOrder

    order = ReplicaOrder(settings.bot_database_url)
    await order.open()
    return order


def _closer(close: Callable[[], None]) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        close()

    return run


async def recover_at_start(runtime: Runtime) -> None:
    """Settle what a previous process left in flight (bot/core/changes/recovery.py); never blocks a start."""
    from bot.core.changes.recovery import recover

    try:
        report = await recover(runtime.services)
    except Exception:
        log.exception("recovery of interrupted changes failed; it runs again on the schedule")
        return
    runtime.recovery = report
    if report.closed or report.settled:
        log.warning(
            "recovered %d interrupted change(s): %d write(s) settled, %d not confirmed",
            len(report.closed), report.settled, report.still_unknown,
        )  # fmt: skip


def apply_property_config(services: Services) -> None:
    """Country and timezone come from bot.toml: apply them to the index at start, so an edited bot.toml
    takes effect on restart without waiting for a sync."""
    meta = property_meta(services)
    for prop in services.index.properties():
        country, timezone = meta(prop.id, prop.name)
        if (country, timezone) != (prop.country, prop.timezone):
            services.index.upsert_property(prop.id, prop.name, country=country, timezone=timezone)


def _attach_aws_clients(runtime: Runtime, transport: httpx.AsyncBaseTransport | None) -> None:
    """Alexa for Business (room profiles, users) and Customer Profiles, when AWS credentials exist."""
    import botocore.session

    from bot.clients.a4b import A4BClient
    from bot.clients.customer_profiles import CustomerProfilesClient

    credentials = botocore.session.Session().get_credentials()
    if credentials is None:
        return
    settings = runtime.settings
    a4b = A4BClient(
        settings.a4b_endpoint_url, credentials=credentials, transport=transport, clock=runtime.clock
    )
    runtime.services.a4b = a4b
    runtime.closers.append(a4b.aclose)
    if settings.customer_profiles_domain:
        profiles = CustomerProfilesClient(
            settings.customer_profiles_url,
            domain=settings.customer_profiles_domain,
            region=settings.aws_default_region,
            credentials=credentials,
            transport=transport,
            clock=runtime.clock,
            deadline_s=runtime.config.bot.command_deadline_seconds,
        )
        runtime.services.customer_profiles = profiles
        runtime.closers.append(profiles.aclose)


def _attach_health(runtime: Runtime, transport: httpx.AsyncBaseTransport | None = None) -> None:
    """Device health reads Alexa for Business (and ASP's Endpoints API, with the ASP sign-in, to tie
    devices to rooms by serial); without AWS credentials the rest still works."""
    from bot.clients.a4b import A4BClient
    from bot.clients.endpoints import EndpointsClient
    from bot.health.desk import HealthDesk

    a4b = runtime.services.a4b
    if not isinstance(a4b, A4BClient):  # device health reads pages the core's port does not name
        return
    endpoints = None
    if runtime.auth is not None:
        endpoints = EndpointsClient(
            runtime.settings.asp_base_url, runtime.auth, transport=transport, clock=runtime.clock
        )
        runtime.closers.append(endpoints.aclose)
    desk = HealthDesk(
        runtime.index,
        runtime.config,
        runtime.clock,
        a4b,
        endpoints,
        customer_profiles=runtime.services.customer_profiles,
        shared=runtime.services.shared_sql,
    )
    # closers run last-first: the background refresh stops before its clients close
    runtime.closers.append(desk.aclose)
    runtime.services.health = desk
