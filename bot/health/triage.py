"""On-call triage queries over the device index; each answer is a Reply with a table.

Phrases (wired by the parser): `offline devices [at P]`, `status room 204` / `devices in 204`,
`history <room | serial | device name> [7d]`, `flapping [24h]`, `uptime [P] [7d]`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.core.replies import Reply, ReplyKind, Table
from bot.core.text import plural
from bot.health.fmt import duration, local_time, percent
from bot.health.sites import Site, find_site
from bot.health.store import DeviceRow, HealthStore, ts
from bot.health.timeline import OFFLINE, uptime_percent

FLAPPING_TRANSITIONS = 3
UTC_ZONE = ZoneInfo("UTC")
UNPLACED_GROUP = "(no property)"


class HealthQueries:
    def __init__(self, store: HealthStore, sites: Sequence[Site], clock: Clock) -> None:
        self.store = store
        self.sites = list(sites)
        self.clock = clock
        self._by_id = {s.property_id: s for s in self.sites}

    # -- helpers -----------------------------------------------------------------------------------
    def _zone(self, device: DeviceRow) -> ZoneInfo:
        site = self._by_id.get(device.property_id or "")
        return site.zone if site else UTC_ZONE

    def _property_name(self, device: DeviceRow) -> str:
        site = self._by_id.get(device.property_id or "")
        return site.name if site else (device.property_id or UNPLACED_GROUP)

    def _scope(self, property_name: str | None) -> tuple[list[DeviceRow], Site | None] | Reply:
        if property_name is None:
            return self.store.devices(), None
        site = find_site(self.sites, property_name)
        if site is None:
            known = ", ".join(s.name for s in self.sites) or "none configured"
            return Reply(
                headline=f"I don't know a property called {property_name!r} (known: {known}).",
                kind=ReplyKind.ERROR,
            )
        return self.store.devices(site.property_id), site

    def _sort_key(self, device: DeviceRow) -> tuple[str, int, str, str]:
        return (self._property_name(device), not device.placed, device.where, device.name)

    # -- queries -----------------------------------------------------------------------------------
    def offline_devices(self, property_name: str | None = None) -> Reply:
        scope = self._scope(property_name)
        if isinstance(scope, Reply):
            return scope
        devices, site = scope
        now = ts(self.clock.now())
        offline = sorted((d for d in devices if d.connection == OFFLINE), key=self._sort_key)
        where = f" at {site.name}" if site else ""
        if not devices:
            return Reply(headline=f"No devices are known{where}.")
        if not offline:
            if len(devices) == 1:
                return Reply(headline=f"The only device{where} is online.")
            return Reply(headline=f"All {len(devices)} devices{where} are online.")
        histories = self.store.histories(offline)
        rows = []
        for device in offline:
            since = histories[device.arn].offline_since(now) or device.last_changed
            rows.append(
                [
                    self._property_name(device),
                    device.where,
                    device.name,
                    device.serial,
                    local_time(since, self._zone(device)),
                    duration(now - since),
                ]
            )
        return Reply(
            headline=f"{len(offline)} of {plural(len(devices), 'device')}{where} "
            f"{'is' if len(offline) == 1 else 'are'} offline.",
            table=Table(
                columns=["Property", "Room", "Device", "Serial", "Offline since", "For"], rows=rows
            ),
        )

    def room_status(self, room: str, property_name: str | None = None) -> Reply:
        scope = self._scope(property_name)
        if isinstance(scope, Reply):
            return scope
        devices, _ = scope
        key = room.strip().casefold()
        found = sorted(
            (
                d
                for d in devices
                if key in ((d.room_name or "").casefold(), (d.room_name_a4b or "").casefold())
            ),
            key=self._sort_key,
        )
        if not found:
            return Reply(headline=f"No devices are known in room {room}.")
        now = ts(self.clock.now())
        rows = [
            [
                self._property_name(d),
                d.where,
                d.name,
                d.serial,
                d.connection,
                d.status,
                f"{local_time(d.last_changed, self._zone(d))} ({duration(now - d.last_changed)})",
            ]
            for d in found
        ]
        online = sum(d.connection != OFFLINE for d in found)
        return Reply(
            headline=f"Room {room}: {online} of {len(found)} devices online.",
            table=Table(
                columns=["Property", "Room", "Device", "Serial", "Connection", "Status", "Since"],
                rows=rows,
            ),
        )

    def history(self, target: str, days: int = 7) -> Reply:
        key = target.strip().casefold()
        devices = [
            d
            for d in self.store.devices()
            if key
            in (
                (d.room_name or "").casefold(),
                (d.room_name_a4b or "").casefold(),
                d.serial.casefold(),
                d.name.casefold(),
            )
        ]
        if not devices:
            return Reply(headline=f"No room, serial or device name matches {target!r}.")
        now = ts(self.clock.now())
        start = now - timedelta(days=days).total_seconds()
        names = {d.arn: d for d in devices}
        events = self.store.device_events(list(names), start)
        rows = [
            [
                local_time(when, self._zone(names[arn])),
                names[arn].where,
                names[arn].name,
                kind.replace("_", " ").lower(),
                value,
            ]
            for arn, kind, value, when in events
        ]
        if not rows:
            return Reply(headline=f"No events for {target} in the last {days} d.")
        return Reply(
            headline=f"History of {target} over {days} d: {plural(len(rows), 'event')}.",
            table=Table(columns=["Time", "Room", "Device", "Event", "Value"], rows=rows),
        )

    def flapping(self, hours: int = 24) -> Reply:
        now = ts(self.clock.now())
        start = now - timedelta(hours=hours).total_seconds()
        devices = self.store.devices()
        histories = self.store.histories(devices, since=start)
        found = [
            (d, histories[d.arn].transitions(start, now))
            for d in sorted(devices, key=self._sort_key)
        ]
        found = [(d, n) for d, n in found if n >= FLAPPING_TRANSITIONS]
        if not found:
            return Reply(
                headline=f"No device changed status {FLAPPING_TRANSITIONS}+ times in {hours} h."
            )
        return Reply(
            headline=(
                f"{plural(len(found), 'device')} {'is' if len(found) == 1 else 'are'} flapping "
                f"({FLAPPING_TRANSITIONS}+ changes in {hours} h)."
            ),
            table=Table(
                columns=["Property", "Room", "Device", "Serial", "Changes", "Now"],
                rows=[
                    [self._property_name(d), d.where, d.name, d.serial, str(n), d.connection]
                    for d, n in found
                ],
            ),
        )

    def uptime(self, property_name: str | None = None, days: int = 7) -> Reply:
        scope = self._scope(property_name)
        if isinstance(scope, Reply):
            return scope
        devices, site = scope
        if not devices:
            # 100% of nothing would read as a healthy hotel; there is simply no measurement
            where = f" at {site.name}" if site else ""
            return Reply(
                headline=f"Uptime over {days} d{where}: {percent(None)} "
                f"(no devices are known{' there' if site else ''})."
            )
        now = ts(self.clock.now())
        start = now - timedelta(days=days).total_seconds()
        histories = self.store.histories(devices, since=start)
        groups: dict[str, list[DeviceRow]] = {}
        for device in devices:
            groups.setdefault(self._property_name(device), []).append(device)
        rows = []
        for name in sorted(groups):
            members = groups[name]
            value = uptime_percent([histories[d.arn] for d in members], start, now)
            worst = min(members, key=lambda d: histories[d.arn].online_seconds(start, now))
            worst_up = uptime_percent([histories[worst.arn]], start, now)
            rows.append(
                [name, str(len(members)), percent(value), f"{worst.name} ({percent(worst_up)})"]
            )
        overall = uptime_percent(list(histories.values()), start, now)
        return Reply(
            headline=f"Uptime over {days} d: {percent(overall)} across "
            f"{plural(len(devices), 'device')}.",
            table=Table(columns=["Property", "Devices", "Uptime", "Lowest device"], rows=rows),
        )
