"""The health desk: what the conversation core asks about devices, answered from the device index.

It binds bot.toml's properties to the index's property ids (as Sites), keeps the Alexa for Business and
ASP Endpoints clients, refreshes on demand (within the answer budget, see freshness.py), and starts
the scheduled jobs with whatever digest poster the chat platform provides.

Entry points for the core (bot/core/commands/devices.py): `offline` (one property or everywhere),
`room_devices`, `device_status` (by serial), `unplaced`, `room_online` (front desk, read-only: no
serials, ARNs or endpoint ids), `history`, `flapping`, `uptime`, `digest`, `refresh`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.clients.a4b import A4BClient
from bot.clients.endpoints import EndpointsClient
from bot.clients.errors import ApiError
from bot.clock import Clock, Stoppable
from bot.core.shared.replies import Reply, ReplyKind, Table
from bot.core.understanding.text import plural
from bot.health import capacity, reachability
from bot.health.digest import DigestPoster
from bot.health.fmt import duration, local_time
from bot.health.freshness import ANSWER_S, Freshness, Staleness, amazon_cause
from bot.health.offline_alerts import AlertPoster, IncidentStore, OfflineAlerts
from bot.health.outbox import DigestOutbox
from bot.health.placement import index_room_resolver
from bot.health.posting import DigestSender, add_extra_notes, digest_reply, run_digest_command
from bot.health.refresh import RefreshReport, UnitResolver, refresh_devices
from bot.health.sites import Site, sites_from_config
from bot.health.store import DeviceRow, HealthStore, Reachability, ts
from bot.health.triage import FLAPPING_TRANSITIONS, NOT_KNOWN_YET, HealthQueries
from bot.index.lookup import Index, PropertyRef, RoomRef
from bot.settings import BotConfig
from bot.sql import Sql

log = logging.getLogger(__name__)

CONFIRM_S = 0.5  # of the answer budget, kept for ASP's word on offline devices
MIN_CONFIRM_S = 0.1

if TYPE_CHECKING:
    from bot.core.shared.ports import CustomerProfilesPort
    from bot.scheduler import Periodic


class HealthDesk:
    """Built from its parts (the index, bot.toml, the clock and the clients), never from the
    runtime that wires them, so health/ does not import the wiring back."""

    def __init__(
        self,
        index: Index,
        config: BotConfig,
        clock: Clock,
        client: A4BClient,
        endpoints: EndpointsClient | None = None,
        *,
        customer_profiles: CustomerProfilesPort | None = None,
        shared: Sql | None = None,
    ) -> None:
        self.index = index
        self.config = config
        self.client = client
        self.endpoints = endpoints
        self.customer_profiles = customer_profiles
        # the device index, the digest outbox and the offline alerts where every replica sees them
        # (BOT_DATABASE_URL: PostgreSQL), else the index's file
        self.store = HealthStore(shared if shared is not None else index.db)
        self.outbox = DigestOutbox(self.store.sql)
        self.incidents = IncidentStore(self.store.sql)
        self.clock = clock
        self.freshness = Freshness(self.clock, self._refresh)
        # the chain's capacity section goes out with the first nightly digest of each day
        self._nightly_capacity = capacity.OncePerKey(
            self.capacity_section, lambda: self.clock.now().date()
        )

    async def aclose(self) -> None:
        """Stop a background refresh (at shutdown)."""
        await self.freshness.aclose()

    @property
    def sites(self) -> list[Site]:
        # Recomputed on use: property ids appear in the index only after the first sync.
        ids = {p.name.casefold(): p.id for p in self.index.properties()}
        configured = list(self.config.properties)
        names = {p.name.casefold() for p in configured}
        # Properties in the index but not in bot.toml still get their devices placed (UTC, no digest).
        extra = [p for p in self.index.properties() if p.name.casefold() not in names]
        sites = sites_from_config(configured, ids)
        sites += [Site(property_id=p.id, name=p.name, timezone=p.timezone) for p in extra]
        return sites

    def _queries(self) -> HealthQueries:
        return HealthQueries(self.store, self.sites, self.clock)

    def _name(self, property_id: str | None) -> str | None:
        if property_id is None:
            return None
        prop = self.index.property(property_id)
        return prop.name if prop else property_id

    def _units(self) -> UnitResolver:
        index = self.index

        def unit(unit_id: str) -> tuple[str, str] | None:
            room = index.room(unit_id)
            return (room.property_id, room.room_name) if room else None

        return unit

    async def _refresh(self, deadline_at: float | None) -> RefreshReport:
        return await refresh_devices(
            self.client,
            self.store,
            self.sites,
            clock=self.clock,
            resolver=index_room_resolver(self.index),
            endpoints=self.endpoints,
            units=self._units(),
            deadline_at=deadline_at,
        )

    async def _ensure_fresh(self, *, force: bool = False) -> Staleness | None:
        """Bring the index up to date within the answer budget (see freshness.py)."""
        as_of = self.store.last_refreshed_at()
        if as_of is None and self.freshness.running is None:
            # nothing to answer from: worth waiting up to the command's own deadline
            self.freshness.answer_s = self.config.bot.command_deadline_seconds
        else:
            self.freshness.answer_s = min(ANSWER_S, self.config.bot.command_deadline_seconds)
        stale_after = self.config.bot.device_refresh_minutes * 60.0
        return await self.freshness.ensure(as_of, stale_after, force=force)

    def _now(self) -> float:
        return ts(self.clock.now())

    def _answer(self, reply: Reply, staleness: Staleness | None) -> Reply:
        return staleness.apply(reply, self._now()) if staleness is not None else reply

    def _no_state(self, staleness: Staleness | None) -> Reply | None:
        """The answer when Amazon failed before any device state was read."""
        if staleness is None or staleness.as_of is not None:
            return None
        return Reply(headline=staleness.note(self._now()), kind=ReplyKind.ERROR)

    async def offline(self, property_id: str | None) -> Reply:
        """Devices offline or not ready, at one property or (None) everywhere; ASP's connectivity
        confirms each offline report when it can answer in time."""
        started = self.clock.monotonic()
        staleness = await self._ensure_fresh()
        if (blocked := self._no_state(staleness)) is not None:
            return blocked
        name = self._name(property_id)
        queries = self._queries()
        # ASP's word on each offline device, in what is left of the answer budget
        confirm_by = started + self.freshness.answer_s + CONFIRM_S
        reply = queries.offline_devices(name)
        left = confirm_by - self.clock.monotonic()
        if reply.table is not None and self.endpoints is not None and left > MIN_CONFIRM_S:
            offline = [
                d.endpoint_id
                for d in self.store.devices(property_id)
                if d.connection == "OFFLINE" and d.endpoint_id
            ]
            samples = await reachability.confirm(
                self.endpoints,
                self.store,
                offline,
                clock=self.clock,
                deadline_at=confirm_by,
            )
            reply = queries.offline_devices(name, reachability=samples)
        if property_id is None and reply.table is not None:
            reply = reply.model_copy(
                update={"headline": reply.headline.rstrip(".") + " across all properties."}
            )
        return self._answer(reply, staleness)

    async def unplaced(self) -> Reply:
        """Devices tied to no room (neither their serial nor their A4B room name says where)."""
        staleness = await self._ensure_fresh()
        return self._no_state(staleness) or self._answer(
            self._queries().unplaced_devices(), staleness
        )

    async def device_status(self, serial: str) -> Reply:
        """One device by serial number (or device name): connection and status, each with its since."""
        staleness = await self._ensure_fresh()
        return self._no_state(staleness) or self._answer(
            self._queries().device_status(serial), staleness
        )

    async def device_places(self, key: str) -> set[str | None]:
        """The properties (None: no property) of the devices whose serial or name is `key`: the core
        checks them against the asker's grant before answering by serial."""
        await self._ensure_fresh()
        key = key.strip().casefold()
        return {
            d.property_id
            for d in self.store.devices()
            if key in (d.serial.casefold(), d.name.casefold())
        }

    async def room_devices(self, room_ids: list[str]) -> Reply:
        staleness = await self._ensure_fresh()
        if (blocked := self._no_state(staleness)) is not None:
            return blocked
        rooms = [r for r in (self.index.room(i) for i in room_ids) if r is not None]
        replies = [await self._room_status(r) for r in rooms[:50]]
        if len(replies) == 1:
            return self._answer(replies[0], staleness)
        rows = [row for reply in replies if reply.table for row in reply.table.rows]
        columns = next((r.table.columns for r in replies if r.table), ["Room"])
        return self._answer(
            Reply(
                headline=f"Devices of {len(rooms)} rooms:",
                table=Table(columns=columns, rows=rows),
                notes=[r.headline for r in replies if not r.table],
            ),
            staleness,
        )

    def _room_rows(self, room: RoomRef) -> list[DeviceRow]:
        """The devices of one ASP room: tied by serial or by the A4B room name convention."""
        site = next((s for s in self.sites if s.property_id == room.property_id), None)
        a4b_name = (site.room_prefix + room.room_name).casefold() if site else None
        return [
            d
            for d in self.store.devices(room.property_id)
            if d.room_id == room.room_id
            or (d.room_id is None and (d.room_name_a4b or "").casefold() == a4b_name)
        ]

    async def _room_status(self, room: RoomRef) -> Reply:
        found = self._room_rows(room)
        label = f"Room {room.room_name} at {room.property_name}"
        if found:
            return self._queries().device_table(found, label)
        asp_only = await self._asp_devices(room, {d.serial for d in self.store.devices()})
        if asp_only is None or not asp_only:
            return Reply(headline=f"Room {room.room_name} at {room.property_name} has no devices.")
        now = self._now()
        rows = [
            [
                room.property_name,
                room.room_name,
                device.endpoint.friendly_name or "device",
                device.endpoint.serial or "",
                _reachability_word(device.reachability),
                "ASP only: Alexa for Business does not know this device",
            ]
            for device in asp_only
        ]
        reachable = sum(_reachability_word(d.reachability) == "reachable" for d in asp_only)
        return Reply(
            headline=f"{label}: {reachable} of {plural(len(asp_only), 'device')} reachable "
            "(from ASP; Alexa for Business does not know them).",
            table=Table(
                columns=["Property", "Room", "Device", "Serial", "ASP says", "Note"], rows=rows
            ),
            notes=[_sampled_note(asp_only, now)],
        )

    async def _asp_devices(
        self, room: RoomRef, known_serials: set[str]
    ) -> list[reachability.AspDevice] | None:
        """ASP's endpoints of a room that A4B does not know; None when ASP could not say in time."""
        if self.endpoints is None:
            return None
        try:
            return await reachability.room_endpoints(
                self.endpoints,
                self.store,
                room.room_id,
                known_serials,
                clock=self.clock,
                deadline_at=self.clock.monotonic() + ANSWER_S,
            )
        except ApiError as error:
            log.info("ASP endpoints of %s: %s", room.room_id, amazon_cause(error))
            return None

    async def room_online(self, room_ids: list[str]) -> Reply:
        """Front desk: "is 204's Echo online?" Read-only, in plain words: device names and
        whether they are online, never serials, ARNs or endpoint ids."""
        staleness = await self._ensure_fresh()
        if (blocked := self._no_state(staleness)) is not None:
            return blocked.model_copy(
                update={"headline": "I can't tell right now: " + _lower(blocked.headline)}
            )
        rooms = [r for r in (self.index.room(i) for i in room_ids) if r is not None]
        lines = [await self._room_online_line(r) for r in rooms[:20]]
        if len(lines) == 1:
            reply = Reply(headline=lines[0])
        else:
            reply = Reply(headline=f"{len(rooms)} rooms:", notes=lines)
        if staleness is not None:
            now = self._now()
            age = "unknown" if staleness.as_of is None else f"{duration(now - staleness.as_of)} ago"
            reply = reply.model_copy(
                update={"notes": [*reply.notes, f"Last checked {age}: {staleness.cause}."]}
            )
        return reply

    async def _room_online_line(self, room: RoomRef) -> str:
        where = f"Room {room.room_name} at {room.property_name}"
        found = self._room_rows(room)
        if not found:
            asp_only = await self._asp_devices(room, {d.serial for d in self.store.devices()})
            if not asp_only:
                return f"{where} has no Echo that I know of."
            words = [
                f"{_device_word(d.endpoint.friendly_name, d.endpoint.serial)} is {_reachability_word(d.reachability, plain=True)}"
                for d in asp_only
            ]
            return f"{where}: " + "; ".join(words) + "."
        zone = next((s.zone for s in self.sites if s.property_id == room.property_id), None)
        words = []
        for device in sorted(found, key=lambda d: d.name):
            name = _device_word(device.name, device.serial)
            if device.connection == "OFFLINE":
                known = zone is not None and not device.history_incomplete
                since = local_time(device.last_changed, zone, self._now()) if zone and known else ""
                words.append(
                    f"{name} is offline (since {since})" if since else f"{name} is offline"
                )
            elif not device.ready:
                words.append(f"{name} is online but not working properly ({device.status.lower()})")
            else:
                words.append(f"{name} is online")
        trouble = any(d.needs_attention for d in found)
        tail = " An engineer can look into it." if trouble else ""
        return f"{where}: " + "; ".join(words) + "." + tail

    async def history(self, subject: str, property_id: str | None, days: int) -> Reply:
        """A room of a known property (named, else the channel's) is answered for that room only;
        serials and device names are matched only when the subject is not a room there."""
        staleness = await self._ensure_fresh()
        if (blocked := self._no_state(staleness)) is not None:
            return blocked
        return self._answer(self._history(subject, property_id, days), staleness)

    def _history(self, subject: str, property_id: str | None, days: int) -> Reply:
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
        from bot.core.understanding.targets import parse_target

        target = parse_target(subject)
        if target is None or len(target.rooms) != 1 or target.room_range is not None:
            return None
        index = self.index
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
        staleness = await self._ensure_fresh()
        if (blocked := self._no_state(staleness)) is not None:
            return blocked
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
        return self._answer(reply.model_copy(update={"headline": headline}), staleness)

    async def uptime(self, property_id: str | None, days: float) -> Reply:
        """Uptime over `days` (1 reads as 24 h), each device counted from its registration."""
        staleness = await self._ensure_fresh()
        if (blocked := self._no_state(staleness)) is not None:
            return blocked
        return self._answer(self._queries().uptime(self._name(property_id), days), staleness)

    async def digest(self, property_id: str) -> Reply:
        staleness = await self._ensure_fresh()
        if (blocked := self._no_state(staleness)) is not None:
            return blocked
        site = next((s for s in self.sites if s.property_id == property_id), None)
        if site is None:
            return Reply(
                headline="That property has no digest settings in bot.toml.", kind=ReplyKind.ERROR
            )
        reply = await digest_reply(self.store, site, self.clock.now(), self.capacity_section)
        return self._answer(reply, staleness)

    async def capacity_section(self) -> list[str]:
        """The chain's guest-profile capacity section, when an object type is near what the domain
        allows; else [] (see capacity.py)."""
        return await capacity.capacity_section(
            self.customer_profiles, self.config.bot.capacity_threshold
        )

    async def with_capacity(self, reply: Reply) -> Reply:
        """`reply` with the guest-profile capacity section appended."""
        return await add_extra_notes(reply, self.capacity_section)

    async def refresh(self, *, wait: bool = False) -> Reply:
        """`sync devices`: refresh now, within the answer budget; when Amazon is slow or failing
        the refresh goes on in the background and the reply says so. With `wait` (`bot sync
        --devices`, where nobody waits on a chat deadline and the process ends with the reply) the
        refresh is background work: it follows the 429 rule to the end."""
        if wait:
            staleness = await self.refresh_now()
            if staleness is None:
                report = self.freshness.last_result
                described = report.describe() if isinstance(report, RefreshReport) else "done"
                return Reply(headline=f"Devices refreshed: {described}", kind=ReplyKind.SUCCESS)
            return Reply(headline=staleness.note(self._now()), kind=ReplyKind.ERROR)
        staleness = await self._ensure_fresh(force=True)
        if staleness is not None:
            return Reply(headline=staleness.note(self._now()), kind=ReplyKind.ERROR)
        report = self.freshness.last_result
        described = report.describe() if isinstance(report, RefreshReport) else "done"
        return Reply(headline=f"Devices refreshed: {described}", kind=ReplyKind.SUCCESS)

    async def refresh_now(self) -> Staleness | None:
        """A refresh without the answer budget (scheduled jobs, `bot digest`); Amazon's failure is
        logged and returned, never raised."""
        try:
            await self.freshness.wait_unbounded()
        except ApiError as error:
            log.warning("device refresh failed: %s", amazon_cause(error))
            return Staleness(amazon_cause(error), self.store.last_refreshed_at())
        return None

    async def _scheduled_refresh(self) -> None:
        await self.refresh_now()

    async def digest_command(
        self,
        property_name: str | None,
        *,
        post: bool,
        out: Path | None,
        poster: DigestPoster | None,
    ) -> list[Reply]:
        staleness = await self.refresh_now()
        run = object()  # the chain's capacity section once per run, in the first digest
        once = capacity.OncePerKey(self.capacity_section, lambda: run)

        async def notes() -> list[str]:
            stale = [staleness.note(self._now())] if staleness is not None else []
            return [*stale, *await once()]

        return await run_digest_command(
            self.store,
            self.sites,
            clock=self.clock,
            property_name=property_name,
            post=post,
            out_dir=out,
            poster=poster,
            extra_notes=notes,
            outbox=self.outbox,
        )

    def digest_sender(self, poster: DigestPoster) -> DigestSender:
        """The sender of the nightly digests, with the same sections as the chat command."""
        return DigestSender(
            self.store, self.sites, self.clock, poster, extra_notes=self._nightly_capacity,
            outbox=self.outbox,
        )  # fmt: skip

    async def start_jobs(self, poster: DigestPoster) -> Stoppable:
        from bot.scheduler import start_health_jobs

        await self.refresh_now()
        jobs: Stoppable = await start_health_jobs(
            refresh=self._scheduled_refresh,
            sender=self.digest_sender(poster),
            sites=self.sites,
            refresh_minutes=self.config.bot.device_refresh_minutes,
            offline_alerts=self.offline_alerts(poster),
            sites_now=lambda: self.sites,
        )
        return jobs

    def periodic_jobs(self, poster: DigestPoster) -> list[Periodic]:
        """The same jobs as `start_jobs`, as periodic tasks of the replicas' job queue
        (bot/pg/jobs.py). No refresh here at start-up: the queue's first tick is it, run once
        however many replicas start."""
        from bot.scheduler import health_periodic

        return health_periodic(
            refresh=self._scheduled_refresh,
            sender=self.digest_sender(poster),
            sites_now=lambda: self.sites,
            refresh_minutes=self.config.bot.device_refresh_minutes,
            offline_alerts=self.offline_alerts(poster),
        )

    def offline_alerts(self, poster: object) -> OfflineAlerts | None:
        """The on-call alerts, when a property names an `oncall_channel` and the poster can edit
        its posts (an alert is edited when its device recovers)."""
        if not any(s.oncall_channel for s in self.sites) or not isinstance(poster, AlertPoster):
            return None
        return OfflineAlerts(self.store, self.sites, poster, self.clock, incidents=self.incidents)


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
    if NOT_KNOWN_YET in reply.headline:
        return reply.model_copy(update={"headline": f"No events for {label} {NOT_KNOWN_YET}."})
    return reply.model_copy(update={"headline": f"No events for {label} in the last {days} d."})


def _reachability_word(sample: Reachability | None, *, plain: bool = False) -> str:
    if sample is None:
        return "not known right now" if plain else "\u2013"
    if sample.value == "OK":
        return "online" if plain else "reachable"
    return "offline" if plain else "unreachable"


def _sampled_note(devices: list[reachability.AspDevice], now: float) -> str:
    times = [
        d.reachability.sampled_at for d in devices if d.reachability and d.reachability.sampled_at
    ]
    if not times:
        return "ASP did not say when it last sampled these devices."
    return f"ASP sampled them {duration(now - min(times))} ago."


def _device_word(name: str | None, serial: str | None = None) -> str:
    """A device as front desk says it: "the Echo Show 5" from "HVS-204 Echo Show 5" (no serial)."""
    words = [w for w in (name or "").split() if not serial or w.casefold() != serial.casefold()]
    if len(words) > 1 and any(ch.isdigit() for ch in words[0]):
        words = words[1:]  # the room label the installer put first
    return "the " + (" ".join(words) or "Echo")


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]
