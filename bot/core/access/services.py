"""What the command handlers use: the index, the API client, the catalog, configuration, audit and time."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Protocol

from bot.clock import Clock
from bot.core.access.access import Access
from bot.core.access.pending import PendingStore
from bot.core.ledger.audit import AuditLog
from bot.core.ledger.journal import JournalStore
from bot.core.ledger.settings_store import SettingsStore
from bot.core.shared.ports import A4BPort, AspPort, CustomerProfilesPort
from bot.core.shared.replies import Reply
from bot.index.catalog import StationCatalog
from bot.index.lookup import Index
from bot.settings import BotConfig
from bot.sql import Sql, SqliteSql

log = logging.getLogger("bot.core")


class HealthDesk(Protocol):
    """Device-health answers (the health package); the core only routes to it."""

    async def offline(self, property_id: str | None) -> Reply: ...  # None: every property
    async def room_devices(self, room_ids: list[str]) -> Reply: ...
    async def device_status(self, serial: str) -> Reply: ...  # `status G0A7…`
    # the properties (None: no property) of the devices a serial or device name means
    async def device_places(self, key: str) -> set[str | None]: ...
    async def unplaced(self) -> Reply: ...  # devices tied to no room
    async def room_online(self, room_ids: list[str]) -> Reply: ...  # front desk, read-only
    async def history(self, subject: str, property_id: str | None, days: int) -> Reply: ...
    async def flapping(self, hours: int, property_id: str | None = None) -> Reply: ...
    async def uptime(self, property_id: str | None, days: float) -> Reply: ...  # 1 reads "24 h"
    async def digest(self, property_id: str) -> Reply: ...
    async def refresh(self, *, wait: bool = False) -> Reply: ...  # wait: `bot sync --devices`


@dataclass
class Services:
    index: Index
    asp: AspPort  # bot.clients.asp.AspClient, or a test's stand-in
    catalog: StationCatalog
    config: BotConfig
    access: Access
    audit: AuditLog
    clock: Clock
    organization_id: str
    default_country: str = "US"
    health: HealthDesk | None = None
    a4b: A4BPort | None = None  # bot.clients.a4b.A4BClient when AWS credentials are found
    # bot.clients.customer_profiles.CustomerProfilesClient when a domain is configured
    customer_profiles: CustomerProfilesPort | None = None
    pending: PendingStore = field(default_factory=PendingStore)
    # changes running in this process: recovery leaves their open journal rows alone
    active_changes: set[int] = field(default_factory=set)
    # the database of the state replicas share beyond the journal (settings made in chat, the
    # digest and alert outboxes): PostgreSQL with BOT_DATABASE_URL (bot.pg.sql.PgSql); None: the
    # index's SQLite file
    shared_sql: Sql | None = None
    settings_seen: int = -1  # the settings' version last laid over the configuration

    @property
    def settings(self) -> SettingsStore:
        """Settings made in chat (a property's place, channel settings, alert mutes)."""
        return SettingsStore(self.shared_sql or SqliteSql(self.index.conn))

    @property
    def journal(self) -> JournalStore:
        return self.audit.journal

    @property
    def deadline(self) -> float:
        return self.config.bot.command_deadline_seconds
