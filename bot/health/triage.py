"""On-call triage queries over the device index; each answer is a Reply with a table.

Phrases (wired by the parser): `offline devices [at P | everywhere]`, `status room 204` /
`devices in 204`, `status <serial>`, `unplaced devices`, `history <room | serial | device name> [7d]`,
`flapping [24h]`, `uptime [P] [7d | 24h]`.

A device "needs attention" when it is offline or when its device status is not READY (FAILED,
DEREGISTERED, PENDING, WAS_OFFLINE): an online but FAILED device is listed with its own "since".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.core.shared.replies import Reply, ReplyKind, Table
from bot.core.understanding.text import plural
from bot.health.fmt import NO_DATA, duration, local_time, percent, window
from bot.health.sites import Site, find_site
from bot.health.store import DeviceRow, HealthStore, Reachability, ts
from bot.health.timeline import OFFLINE, uptime_percent

FLAPPING_TRANSITIONS = 3
UTC_ZONE = ZoneInfo("UTC")
UNPLACED_GROUP = "(no property)"
HISTORY_LIMIT = "more than 30 d"
INCOMPLETE = "history incomplete"
NOT_KNOWN_YET = "are known yet: its history is incomplete"


def incomplete_note(
    devices: Sequence[DeviceRow], as_of: float | None, now: float, zone: ZoneInfo
) -> str | None:
    """What the answer leaves out because Amazon has not given some devices' events yet."""
    pending = sorted(d.name for d in devices if d.history_incomplete)
    if not pending:
        return None
    names = ", ".join(pending[:5]) + (f" and {len(pending) - 5} more" if len(pending) > 5 else "")
    when = f"; as of {local_time(as_of, zone, now)}" if as_of else ""
    return (
        f"History incomplete for {plural(len(pending), 'device')} ({names}): Amazon has not given "
        f"their events yet (it was throttling or failing){when}. Their since and uptime are left "
        "out until a refresh fetches them."
    )


def problem(device: DeviceRow) -> str:
    """What is wrong with a device, in a few words ("offline", "FAILED (online)", ...)."""
    parts = []
    if device.connection == OFFLINE:
        parts.append("offline")
    if not device.ready:
        parts.append(device.status if parts else f"{device.status} (online)")
    return ", ".join(parts) or "ok"


def asp_check(sample: Reachability | None, now: float) -> str:
    """ASP's word on an endpoint, for the offline table."""
    if sample is None:
        return NO_DATA
    word = "reachable" if sample.value == "OK" else "unreachable"
    when = sample.sampled_at if sample.sampled_at is not None else sample.checked_at
    return f"{word} ({duration(now - when)} ago)"


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

    def _since(self, when: float | None, device: DeviceRow, now: float) -> tuple[str, str]:
        """(local time, how long) of a start time; unknown reads as older than the history, and a
        device whose events Amazon has not given yet says so instead of a guess."""
        if device.history_incomplete:
            return INCOMPLETE, NO_DATA
        if when is None:
            return HISTORY_LIMIT, HISTORY_LIMIT
        return local_time(when, self._zone(device), now), duration(now - when)

    def _since_text(self, when: float | None, device: DeviceRow, now: float) -> str:
        local, spell = self._since(when, device, now)
        return local if when is None or device.history_incomplete else f"{local} ({spell})"

    def _notes(self, devices: Sequence[DeviceRow], now: float) -> list[str]:
        """The note on devices whose history is incomplete (none when every history is known)."""
        pending = [d for d in devices if d.history_incomplete]
        if not pending:
            return []
        note = incomplete_note(pending, self.store.last_refreshed_at(), now, self._zone(pending[0]))
        return [note] if note else []

    # -- queries -----------------------------------------------------------------------------------
    def offline_devices(
        self,
        property_name: str | None = None,
        reachability: Mapping[str, Reachability] | None = None,
    ) -> Reply:
        """Devices offline or not ready; with `reachability`, ASP's word on each one too."""
        scope = self._scope(property_name)
        if isinstance(scope, Reply):
            return scope
        devices, site = scope
        now = ts(self.clock.now())
        found = sorted((d for d in devices if d.needs_attention), key=self._sort_key)
        where = f" at {site.name}" if site else ""
        if not devices:
            return Reply(headline=f"No devices are known{where}.")
        if not found:
            if len(devices) == 1:
                return Reply(headline=f"The only device{where} is online and ready.")
            return Reply(headline=f"All {len(devices)} devices{where} are online and ready.")
        offline = [d for d in found if d.connection == OFFLINE]
        histories = self.store.histories(offline)
        rows = []
        for device in found:
            if device.connection == OFFLINE:
                since: float | None = (
                    histories[device.arn].offline_since(now) or device.last_changed
                )
            else:
                since = device.status_since
            row = [
                self._property_name(device),
                device.where,
                device.name,
                device.serial,
                problem(device),
                *self._since(since, device, now),
            ]
            if reachability is not None:
                row.append(asp_check(reachability.get(device.endpoint_id or ""), now))
            rows.append(row)
        columns = ["Property", "Room", "Device", "Serial", "Problem", "Since", "For"]
        if reachability is not None:
            columns.append("ASP says")
        return Reply(
            headline=_attention_headline(
                len(offline), len(found) - len(offline), len(devices), where
            ),
            table=Table(columns=columns, rows=rows),
            notes=self._notes(found, now),
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
        return self.device_table(found, f"Room {room}")

    def device_table(self, found: Sequence[DeviceRow], label: str) -> Reply:
        """Each device's connection and status, each with its own since."""
        now = ts(self.clock.now())
        rows = [
            [
                self._property_name(d),
                d.where,
                d.name,
                d.serial,
                d.connection,
                self._since_text(d.last_changed, d, now),
                d.status or NO_DATA,
                self._since_text(d.status_since, d, now),
            ]
            for d in found
        ]
        online = sum(d.connection != OFFLINE for d in found)
        not_ready = [d for d in found if not d.ready]
        headline = f"{label}: {online} of {len(found)} devices online"
        if not_ready:
            states = ", ".join(sorted({d.status for d in not_ready}))
            headline += f"; {len(not_ready)} not ready ({states})"
        return Reply(
            headline=headline + ".",
            table=Table(
                columns=[
                    "Property",
                    "Room",
                    "Device",
                    "Serial",
                    "Connection",
                    "Since",
                    "Status",
                    "Status since",
                ],
                rows=rows,
            ),
            notes=self._notes(found, now),
        )

    def device_status(self, serial: str) -> Reply:
        """One device by serial number (or device name)."""
        key = serial.strip().casefold()
        found = [d for d in self.store.devices() if key in (d.serial.casefold(), d.name.casefold())]
        if not found:
            return Reply(headline=f"No device has the serial number or name {serial!r}.")
        return self.device_table(sorted(found, key=self._sort_key), f"Device {serial}")

    def unplaced_devices(self) -> Reply:
        """Devices tied to no ASP room: neither their serial nor their A4B room name says where."""
        found = sorted((d for d in self.store.devices() if not d.placed), key=self._sort_key)
        if not found:
            return Reply(headline="Every device is tied to a room.")
        rows = [
            [
                self._property_name(d) if d.property_id else NO_DATA,
                d.room_name_a4b or NO_DATA,
                d.name,
                d.serial,
                d.connection,
                d.status or NO_DATA,
            ]
            for d in found
        ]
        are = "is" if len(found) == 1 else "are"
        return Reply(
            headline=f"{plural(len(found), 'device')} {are} tied to no room.",
            table=Table(
                columns=["Property", "A4B room", "Device", "Serial", "Connection", "Status"],
                rows=rows,
            ),
            notes=[
                "To place one: associate its endpoint with the room in the ASP console, or name its "
                "Alexa for Business room \u201c<property> <room>\u201d (or set a4b_room_prefix)."
            ],
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
        start = now - days * 86400.0
        names = {d.arn: d for d in devices}
        events = self.store.device_events(list(names), start)
        rows = [
            [
                local_time(when, self._zone(names[arn]), now),
                names[arn].where,
                names[arn].name,
                kind.replace("_", " ").lower(),
                value,
            ]
            for arn, kind, value, when in events
        ]
        notes = self._notes(devices, now)
        if not rows:
            if notes:
                return Reply(
                    headline=f"No events for {target} {NOT_KNOWN_YET}.",
                    notes=notes,
                )
            return Reply(headline=f"No events for {target} in the last {days} d.")
        return Reply(
            headline=f"History of {target} over {days} d: {plural(len(rows), 'event')}.",
            table=Table(columns=["Time", "Room", "Device", "Event", "Value"], rows=rows),
            notes=notes,
        )

    def flapping(self, hours: int = 24) -> Reply:
        now = ts(self.clock.now())
        start = now - hours * 3600.0
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

    def uptime(self, property_name: str | None = None, days: float = 7) -> Reply:
        """Uptime over the window, each device counted only while it existed."""
        scope = self._scope(property_name)
        if isinstance(scope, Reply):
            return scope
        devices, site = scope
        span = window(days)
        if not devices:
            # 100% of nothing would read as a healthy hotel; there is simply no measurement
            where = f" at {site.name}" if site else ""
            return Reply(
                headline=f"Uptime over {span}{where}: {percent(None)} "
                f"(no devices are known{' there' if site else ''})."
            )
        now = ts(self.clock.now())
        start = now - days * 86400.0
        # a device whose events Amazon has not given yet is left out, not counted as down
        known = [d for d in devices if not d.history_incomplete]
        histories = self.store.histories(known, since=start)
        groups: dict[str, list[DeviceRow]] = {}
        for device in devices:
            groups.setdefault(self._property_name(device), []).append(device)
        rows = []
        for name in sorted(groups):
            members = [d for d in groups[name] if not d.history_incomplete]
            value = uptime_percent([histories[d.arn] for d in members], start, now)
            each = {d.arn: uptime_percent([histories[d.arn]], start, now) for d in members}
            worst = min(members, key=lambda d: (each[d.arn], d.name), default=None)
            rows.append(
                [
                    name,
                    str(len(groups[name])),
                    percent(value if members else None),
                    f"{worst.name} ({percent(each[worst.arn])})" if worst else INCOMPLETE,
                ]
            )
        overall = uptime_percent(list(histories.values()), start, now)
        counted = (
            plural(len(devices), "device")
            if len(known) == len(devices)
            else f"{len(known)} of {plural(len(devices), 'device')} ({INCOMPLETE} for the rest)"
        )
        return Reply(
            headline=f"Uptime over {span}: {percent(overall if known else None)} across {counted}.",
            table=Table(columns=["Property", "Devices", "Uptime", "Lowest device"], rows=rows),
            notes=[
                "Each device counts from its registration: time before it existed is not downtime.",
                *self._notes(devices, now),
            ],
        )


def _attention_headline(offline: int, not_ready: int, total: int, where: str) -> str:
    if offline:
        verb = "is" if offline == 1 else "are"
        headline = f"{offline} of {plural(total, 'device')}{where} {verb} offline"
        if not_ready:
            headline += (
                f"; {not_ready} more {'is' if not_ready == 1 else 'are'} online but not ready"
            )
        return headline + "."
    verb = "is" if not_ready == 1 else "are"
    return f"{not_ready} of {plural(total, 'device')}{where} {verb} online but not ready."
