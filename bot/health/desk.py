"""The health desk: what the conversation core asks about devices, answered from the device index.

It binds bot.toml's properties to the index's property ids (as Sites), keeps the Alexa for Business client,
refreshes on demand, and starts the scheduled jobs with whatever digest poster the chat platform provides.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.clients.a4b import A4BClient
from bot.core.replies import Reply, ReplyKind, Table
from bot.health.digest import DigestPoster
from bot.health.placement import index_room_resolver
from bot.health.posting import DigestSender, add_extra_notes, digest_reply, run_digest_command
from bot.health.refresh import refresh_devices
from bot.health.sites import Site, sites_from_config
from bot.health.store import HealthStore
from bot.health.triage import HealthQueries

if TYPE_CHECKING:
    from bot.runtime import Runtime


class HealthDesk:
    def __init__(self, runtime: Runtime, client: A4BClient) -> None:
        self.runtime = runtime
        self.client = client
        self.store = HealthStore(runtime.index.db)
        self.clock = runtime.clock

    @property
    def sites(self) -> list[Site]:
        # Recomputed on use: property ids appear in the index only after the first sync.
        ids = {p.name.casefold(): p.id for p in self.runtime.index.properties()}
        configured = list(self.runtime.config.properties)
        names = {p.name.casefold() for p in configured}
        # Properties in the index but not in bot.toml still get their devices placed (UTC, no digest).
        extra = [p for p in self.runtime.index.properties() if p.name.casefold() not in names]
        sites = sites_from_config(configured, ids)
        sites += [Site(property_id=p.id, name=p.name, timezone=p.timezone) for p in extra]
        return sites

    def _queries(self) -> HealthQueries:
        return HealthQueries(self.store, self.sites, self.clock)

    def _name(self, property_id: str | None) -> str | None:
        if property_id is None:
            return None
        prop = self.runtime.index.property(property_id)
        return prop.name if prop else property_id

    async def _ensure_fresh(self) -> None:
        if not self.store.devices():
            await self.refresh()

    async def offline(self, property_id: str | None) -> Reply:
        await self._ensure_fresh()
        return self._queries().offline_devices(self._name(property_id))

    async def room_devices(self, room_ids: list[str]) -> Reply:
        await self._ensure_fresh()
        rooms = [r for r in (self.runtime.index.room(i) for i in room_ids) if r is not None]
        replies = [self._queries().room_status(r.room_name, r.property_name) for r in rooms[:50]]
        if len(replies) == 1:
            return replies[0]
        rows = [row for reply in replies if reply.table for row in reply.table.rows]
        columns = next((r.table.columns for r in replies if r.table), ["Room"])
        return Reply(
            headline=f"Devices of {len(rooms)} rooms:",
            table=Table(columns=columns, rows=rows),
            notes=[r.headline for r in replies if not r.table],
        )

    async def history(self, subject: str, property_id: str | None, days: int) -> Reply:
        await self._ensure_fresh()
        queries = self._queries()
        for key in self._history_keys(subject, property_id):
            reply = queries.history(key, days)
            if reply.table is not None or not reply.headline.startswith("No room"):
                return reply
        return queries.history(subject, days)

    def _history_keys(self, subject: str, property_id: str | None) -> list[str]:
        """A room is asked for by its ASP name ("204 at Lakeside Chicago"); devices know its A4B name."""
        from bot.core.targets import parse_target

        target = parse_target(subject)
        if target is None or len(target.rooms) != 1:
            return []
        wanted = target.property_name
        props = self.runtime.index.find_properties(wanted) if wanted else []
        pid = props[0].id if len(props) == 1 else property_id
        site = next((s for s in self.sites if s.property_id == pid), None)
        return [site.room_prefix + target.rooms[0]] if site else [target.rooms[0]]

    async def flapping(self, hours: int) -> Reply:
        await self._ensure_fresh()
        return self._queries().flapping(hours)

    async def uptime(self, property_id: str | None, days: int) -> Reply:
        await self._ensure_fresh()
        return self._queries().uptime(self._name(property_id), days)

    async def digest(self, property_id: str) -> Reply:
        await self._ensure_fresh()
        site = next((s for s in self.sites if s.property_id == property_id), None)
        if site is None:
            return Reply(
                headline="That property has no digest settings in bot.toml.", kind=ReplyKind.ERROR
            )
        return await digest_reply(self.store, site, self.clock.now(), self.capacity_section)

    async def capacity_section(self) -> list[str]:
        """The guest-profile capacity section, when an object type is near its maximum; else [].

        The one hook every digest path is given (the chat command, `bot digest`, the nightly job),
        so they all carry the same section.
        """
        from bot.core.object_types import capacity_notes

        notes = await capacity_notes(
            self.runtime.services.customer_profiles, self.runtime.config.bot.capacity_threshold
        )
        return ["Guest-profile capacity:", *notes] if notes else []

    async def with_capacity(self, reply: Reply) -> Reply:
        """`reply` with the guest-profile capacity section appended."""
        return await add_extra_notes(reply, self.capacity_section)

    async def refresh(self) -> Reply:
        report = await refresh_devices(
            self.client,
            self.store,
            self.sites,
            clock=self.clock,
            resolver=index_room_resolver(self.runtime.index),
        )
        return Reply(headline=f"Devices refreshed: {report.describe()}", kind=ReplyKind.SUCCESS)

    async def digest_command(
        self,
        property_name: str | None,
        *,
        post: bool,
        out: Path | None,
        poster: DigestPoster | None,
    ) -> list[Reply]:
        await self.refresh()
        return await run_digest_command(
            self.store,
            self.sites,
            clock=self.clock,
            property_name=property_name,
            post=post,
            out_dir=out,
            poster=poster,
            extra_notes=self.capacity_section,
        )

    def digest_sender(self, poster: DigestPoster) -> DigestSender:
        """The sender of the nightly digests, with the same sections as the chat command."""
        return DigestSender(
            self.store, self.sites, self.clock, poster, extra_notes=self.capacity_section
        )

    async def start_jobs(self, poster: DigestPoster) -> Any:
        from bot.scheduler import start_health_jobs

        await self.refresh()
        return await start_health_jobs(
            refresh=self.refresh,
            sender=self.digest_sender(poster),
            sites=self.sites,
            refresh_minutes=self.runtime.config.bot.device_refresh_minutes,
        )
