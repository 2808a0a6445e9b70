"""The health desk: what the conversation core asks about devices, answered from the device index.

It binds bot.toml's properties to the index's property ids (as Sites), keeps the Alexa for Business client,
refreshes on demand, and starts the scheduled jobs with whatever digest poster the chat platform provides.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.clients.a4b import A4BClient
from bot.core.replies import Reply, ReplyKind, Table
from bot.core.text import plural
from bot.health.digest import DigestPoster
from bot.health.placement import index_room_resolver
from bot.health.posting import DigestSender, add_extra_notes, digest_reply, run_digest_command
from bot.health.refresh import refresh_devices
from bot.health.sites import Site, sites_from_config
from bot.health.store import DeviceRow, HealthStore
from bot.health.triage import FLAPPING_TRANSITIONS, HealthQueries
from bot.index.lookup import PropertyRef

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
        replies = [self._room_status(r.room_name, r.property_name) for r in rooms[:50]]
        if len(replies) == 1:
            return replies[0]
        rows = [row for reply in replies if reply.table for row in reply.table.rows]
        columns = next((r.table.columns for r in replies if r.table), ["Room"])
        return Reply(
            headline=f"Devices of {len(rooms)} rooms:",
            table=Table(columns=columns, rows=rows),
            notes=[r.headline for r in replies if not r.table],
        )

    def _room_status(self, room_name: str, property_name: str) -> Reply:
        reply = self._queries().room_status(room_name, property_name)
        if reply.table is None and reply.kind == ReplyKind.INFO:
            return reply.model_copy(
                update={"headline": f"Room {room_name} at {property_name} has no devices."}
            )
        return reply

    async def history(self, subject: str, property_id: str | None, days: int) -> Reply:
        """A room of a known property (named, else the channel's) is answered for that room only;
        serials and device names are matched only when the subject is not a room there."""
        await self._ensure_fresh()
        room = self._history_room(subject, property_id)
        if isinstance(room, Reply):
            return room
        if room is not None:
            prop, room_name, room_ids = room
            site = next((s for s in self.sites if s.property_id == prop.id), None)
            a4b_name = (site.room_prefix + room_name).casefold() if site else None
            store = _FilteredStore(
                self.store,
                lambda d: (
                    d.property_id == prop.id
                    and (d.room_id in room_ids or (d.room_name_a4b or "").casefold() == a4b_name)
                ),
            )
            label = f"room {room_name} at {prop.name}"
            if not store.devices():
                return Reply(headline=f"Room {room_name} at {prop.name} has no devices.")
            reply = HealthQueries(store, self.sites, self.clock).history(
                next(iter(store.devices())).room_name or room_name, days
            )
            return _relabel(reply, label, days)
        queries = self._queries()
        if property_id is None:
            return queries.history(subject, days)
        key = subject.strip().casefold()
        # A property is known and the subject is not one of its rooms: a serial or device name only.
        devices = _FilteredStore(
            self.store, lambda d: key in (d.serial.casefold(), d.name.casefold())
        )
        return HealthQueries(devices, self.sites, self.clock).history(subject, days)

    def _history_room(
        self, subject: str, channel_property: str | None
    ) -> tuple[PropertyRef, str, set[str]] | Reply | None:
        """(property, room name, room ids) when `subject` is one room of a known property."""
        from bot.core.targets import parse_target

        target = parse_target(subject)
        if target is None or len(target.rooms) != 1 or target.room_range is not None:
            return None
        index = self.runtime.index
        if target.property_name:
            props = index.find_properties(target.property_name)
            if len(props) != 1:
                known = ", ".join(p.name for p in index.properties())
                return Reply(
                    headline=f"I don't know a single property called {target.property_name!r} "
                    f"(known: {known}).",
                    kind=ReplyKind.ERROR,
                )
            prop: PropertyRef | None = props[0]
        else:
            prop = index.property(channel_property) if channel_property else None
        if prop is None:
            return None
        rooms = index.find_rooms(target.rooms[0], prop.id)
        if not rooms:
            if target.property_name:
                return Reply(
                    headline=f"There is no room {target.rooms[0]} at {prop.name}.",
                    kind=ReplyKind.ERROR,
                )
            return None
        return prop, rooms[0].room_name, {r.room_id for r in rooms}

    async def flapping(self, hours: int, property_id: str | None = None) -> Reply:
        """Flapping devices of one property (like `offline devices`), or of all when None; the
        headline says which."""
        await self._ensure_fresh()
        name = self._name(property_id)
        store = (
            self.store
            if property_id is None
            else _FilteredStore(self.store, lambda d: d.property_id == property_id)
        )
        reply = HealthQueries(store, self.sites, self.clock).flapping(hours)
        where = f"at {name}" if name else "across all properties"
        if reply.table is None:
            headline = (
                f"No device {where} changed status {FLAPPING_TRANSITIONS}+ times in {hours} h."
            )
        else:
            n = len(reply.table.rows)
            headline = (
                f"{plural(n, 'device')} {where} {'is' if n == 1 else 'are'} flapping "
                f"({FLAPPING_TRANSITIONS}+ changes in {hours} h)."
            )
        return reply.model_copy(update={"headline": headline})

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


class _FilteredStore(HealthStore):
    """The device index seen through a filter, so a query answers for the chosen devices only."""

    def __init__(self, store: HealthStore, keep: Callable[[DeviceRow], bool]) -> None:
        self.__dict__.update(store.__dict__)
        self._keep = keep

    def devices(self, property_id: str | None = None) -> list[DeviceRow]:
        return [d for d in super().devices(property_id) if self._keep(d)]


def _relabel(reply: Reply, label: str, days: int) -> Reply:
    """A room's history headline names the room and its property."""
    if reply.table is not None:
        events = plural(len(reply.table.rows), "event")
        return reply.model_copy(update={"headline": f"History of {label} over {days} d: {events}."})
    return reply.model_copy(update={"headline": f"No events for {label} in the last {days} d."})
