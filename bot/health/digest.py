"""The nightly health digest: figures per property, the Reply, and the exactly-once send rule.

The chart has one bar per calendar day in the property's timezone (the 7 full days before the
digest's local day); the digest's "Yesterday" and "Last 7 days" lines are the same figures as the
bars. "Uptime 24 h" is the rolling 24 hours before the build. "Newly offline" and "recovered"
compare against the last digest sent for the property (or 24 hours back when there is none). Devices
that are online but not READY (FAILED, DEREGISTERED, ...) are listed with the time their status
began. Each device counts only from its registration (see timeline.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from bot.core.shared.replies import Attachment, Reply, ReplyKind, Table
from bot.core.understanding.text import plural
from bot.health.chart import DayPoint, render_chart, severity
from bot.health.fmt import duration, local_time, percent
from bot.health.sites import Site
from bot.health.store import DeviceRow, HealthStore, dt, ts
from bot.health.timeline import OFFLINE, ONLINE, History, fleet_profile
from bot.health.triage import INCOMPLETE, incomplete_note
from bot.json_types import JsonObject

DAY = 86400.0
FLAPPING_TRANSITIONS = 3
CHART_DAYS = 7
MAX_WINDOW = 7 * DAY


class DigestRecords(Protocol):
    """Where a day's digest is recorded: the digest outbox (shared by replicas), or the store."""

    def digest_record(self, property_id: str, local_date: str) -> JsonObject | None: ...


class DigestPoster(Protocol):
    """The proactive half of the chat adapter contract (bot/chat/contract.py, ChatAdapter):
    the platform's id of the post (Slack `ts`, Teams activity id), or raise."""

    async def post_to_channel(self, channel: str, reply: Reply) -> str: ...


@dataclass(frozen=True)
class DeviceLine:
    room: str
    name: str
    serial: str
    since: float | None = None
    changes: int = 0
    status: str = ""
    incomplete: bool = False  # its events are still to be fetched: no since is known


@dataclass
class DigestFigures:
    property_id: str
    property_name: str
    built_at: float
    window_start: float
    total: int = 0
    online: int = 0
    offline: int = 0
    not_ready_count: int = 0
    unplaced: int = 0
    online_day_before: int = 0
    offline_day_before: int = 0
    uptime_24h: float = 100.0
    uptime_day_before: float = 100.0
    newly_offline: list[DeviceLine] = field(default_factory=list)
    recovered: list[DeviceLine] = field(default_factory=list)
    long_offline: list[DeviceLine] = field(default_factory=list)
    flapping: list[DeviceLine] = field(default_factory=list)
    not_ready: list[DeviceLine] = field(default_factory=list)
    # offline devices whose events Amazon has not given yet: no "since" is known
    incomplete: list[DeviceLine] = field(default_factory=list)
    incomplete_note: str | None = None
    days: list[DayPoint] = field(default_factory=list)
    week_uptime: float = 100.0

    def summary(self) -> JsonObject:
        """What is kept in digests_sent (and compared by tests)."""
        return {
            "total": self.total,
            "online": self.online,
            "offline": self.offline,
            "unplaced": self.unplaced,
            "uptime_24h": round(self.uptime_24h, 3),
            "uptime_day_before": round(self.uptime_day_before, 3),
            "newly_offline": [d.serial for d in self.newly_offline],
            "recovered": [d.serial for d in self.recovered],
            "long_offline": [d.serial for d in self.long_offline],
            "flapping": [d.serial for d in self.flapping],
            "not_ready": [d.serial for d in self.not_ready],
            "days": {d.day.isoformat(): [round(d.uptime_pct, 3), d.offline] for d in self.days},
        }


def _line(device: DeviceRow, since: float | None = None, changes: int = 0) -> DeviceLine:
    return DeviceLine(device.where, device.name, device.serial, since, changes)


def local_midnight(day: date, site: Site) -> float:
    """The start of a local calendar day, as epoch seconds (DST-aware)."""
    return datetime.combine(day, time(0), tzinfo=site.zone).timestamp()


def chart_days(site: Site, end: float) -> list[tuple[date, float, float]]:
    """(day, start, end) of the CHART_DAYS full local days before the local day of `end`."""
    today = dt(end).astimezone(site.zone).date()
    days = [today - timedelta(days=back) for back in range(CHART_DAYS, 0, -1)]
    return [(d, local_midnight(d, site), local_midnight(d + timedelta(days=1), site)) for d in days]


def compute_figures(
    store: HealthStore,
    site: Site,
    now: datetime,
    *,
    last_digest_at: float | None = None,
    devices: Sequence[DeviceRow] | None = None,
) -> DigestFigures:
    """Every number of one property's digest, from the device index alone."""
    end = ts(now)
    if last_digest_at is None:
        last_digest_at = store.last_digest_at(site.property_id, end)
    window_start = end - DAY if last_digest_at is None else max(last_digest_at, end - MAX_WINDOW)
    rows = list(devices) if devices is not None else store.devices(site.property_id)
    days = chart_days(site, end)
    earliest = min(window_start, days[0][1], end - 2 * DAY)
    # a device whose events Amazon has not given yet is counted and named, never guessed at
    known = [d for d in rows if not d.history_incomplete]
    histories = store.histories(known, since=earliest)
    figures = DigestFigures(site.property_id, site.name, end, window_start, total=len(rows))
    for device in rows:
        if device.history_incomplete:
            _classify_incomplete(figures, device)
        else:
            _classify(figures, device, histories[device.arn], end, window_start)
    figures.incomplete_note = incomplete_note(rows, store.last_refreshed_at(), end, site.zone)
    # windows: the last 24 h, the 24 h before, the whole week of the chart, then one per day
    windows = [(end - DAY, end), (end - 2 * DAY, end - DAY), (days[0][1], days[-1][2])]
    windows += [(start, stop) for _, start, stop in days]
    profile = fleet_profile(list(histories.values()), windows)
    figures.uptime_24h = profile.uptime_percent(0)
    figures.uptime_day_before = profile.uptime_percent(1)
    figures.week_uptime = profile.uptime_percent(2)
    for k, (day, _, _) in enumerate(days, start=3):
        figures.days.append(
            DayPoint(
                day=day,
                uptime_pct=profile.uptime_percent(k),
                offline=profile.down_in[k],
                devices=1 if profile.exposure_seconds[k] > 0 else 0,
            )
        )
    for group in (
        figures.newly_offline,
        figures.long_offline,
        figures.recovered,
        figures.flapping,
        figures.not_ready,
        figures.incomplete,
    ):
        group.sort(key=lambda d: (d.room, d.name))
    return figures


def _classify_incomplete(figures: DigestFigures, device: DeviceRow) -> None:
    """Count a device whose history is not known: its state now, no since, no uptime."""
    figures.unplaced += not device.placed
    if device.connection == OFFLINE:
        figures.offline += 1
        figures.incomplete.append(_line(device))
    else:
        figures.online += 1
    if not device.ready:
        figures.not_ready_count += 1
        figures.not_ready.append(replace(_line(device), status=device.status, incomplete=True))


def _classify(
    figures: DigestFigures, device: DeviceRow, history: History, end: float, window_start: float
) -> None:
    """Count one device into the figures and the lists it belongs in."""
    figures.unplaced += not device.placed
    if device.connection == OFFLINE:
        figures.offline += 1
        since = history.offline_since(end) or device.last_changed
        if history.status_at(window_start) != OFFLINE or since > window_start:
            figures.newly_offline.append(_line(device, since))
        if end - since > DAY:
            figures.long_offline.append(_line(device, since))
    else:
        figures.online += 1
        if history.status_at(window_start) == OFFLINE:
            figures.recovered.append(_line(device))
    if not device.ready:
        figures.not_ready_count += 1
        line = DeviceLine(device.where, device.name, device.serial, device.status_since)
        figures.not_ready.append(replace(line, status=device.status))
    if history.status_at(end - DAY) == OFFLINE:
        figures.offline_day_before += 1
    elif history.status_at(end - DAY) == ONLINE:
        figures.online_day_before += 1
    changes = history.transitions(end - DAY, end)
    if changes >= FLAPPING_TRANSITIONS:
        figures.flapping.append(_line(device, changes=changes))


def _delta(now: float, before: float, unit: str = "") -> str:
    diff = now - before
    sign = "+" if diff > 0 else ""
    return f"{sign}{diff:.1f}{unit}" if unit else f"{sign}{int(diff)}"


def _detail(line: DeviceLine, label: str, built_at: float, site: Site) -> str:
    if label == "offline":
        return f"since unknown: {INCOMPLETE}"
    if label == "not ready":
        if line.incomplete:
            return f"{line.status}, since unknown: {INCOMPLETE}"
        if line.since is None:
            return f"{line.status} for more than 30 d"
        spell = duration(built_at - line.since)
        return f"{line.status} since {local_time(line.since, site.zone, built_at)} ({spell})"
    if line.since is not None:
        spell = duration(built_at - line.since)
        return f"since {local_time(line.since, site.zone, built_at)} ({spell})"
    if line.changes:
        return f"{plural(line.changes, 'change')} in 24 h"
    return "back online"


def _day_text(day: DayPoint) -> str:
    """A chart bar in words: the same figures the bar shows."""
    if not day.devices:
        return "no devices"
    return f"{percent(day.uptime_pct)} uptime ({severity(day.uptime_pct)}), {day.offline} offline at some point"


def build_digest_reply(figures: DigestFigures, site: Site, *, chart: bool = True) -> Reply:
    zone = site.zone
    local_day = dt(figures.built_at).astimezone(zone).date().isoformat()
    rows: list[list[str]] = []
    for label, group in (
        ("newly offline", figures.newly_offline),
        ("offline", figures.incomplete),
        ("offline > 24 h", figures.long_offline),
        ("not ready", figures.not_ready),
        ("recovered", figures.recovered),
        ("flapping", figures.flapping),
    ):
        for line in group:
            rows.append(
                [
                    label,
                    line.room,
                    line.name,
                    line.serial,
                    _detail(line, label, figures.built_at, site),
                ]
            )
    online_delta = _delta(figures.online, figures.online_day_before)
    offline_delta = _delta(figures.offline, figures.offline_day_before)
    # with no devices the 100% of the figures is no measurement: shown as a dash, not as health
    uptime = percent(figures.uptime_24h if figures.total else None)
    uptime_delta = _delta(figures.uptime_24h, figures.uptime_day_before, " pt")
    note = "Changes are against the day before."
    if figures.unplaced:
        are = "is" if figures.unplaced == 1 else "are"
        note += f" {plural(figures.unplaced, 'device')} {are} unplaced (no room found for it)."
    not_ready = f", {figures.not_ready_count} not ready" if figures.not_ready_count else ""
    headline = (
        f"Device health for {site.name}, {local_day}: {figures.online} online, "
        f"{figures.offline} offline{not_ready}, 24 h uptime {uptime}."
    )
    if not figures.total:
        headline = f"Device health for {site.name}, {local_day}: no devices are known there."
    fields = [
        ("Online", f"{figures.online} ({online_delta})"),
        ("Offline", f"{figures.offline} ({offline_delta})"),
        ("Not ready", str(figures.not_ready_count)),
        ("Uptime 24 h", f"{uptime} ({uptime_delta})" if figures.total else uptime),
    ]
    if figures.days:
        first, last = figures.days[0], figures.days[-1]
        fields.append((f"Yesterday ({last.label})", _day_text(last)))
        week = percent(figures.week_uptime if figures.total else None)
        fields.append((f"Last {len(figures.days)} days ({first.label} – {last.label})", week))
    fields += [
        ("Newly offline", str(len(figures.newly_offline))),
        ("Recovered", str(len(figures.recovered))),
        ("Offline > 24 h", str(len(figures.long_offline))),
        ("Flapping", str(len(figures.flapping))),
    ]
    notes = [note, figures.incomplete_note] if figures.incomplete_note else [note]
    reply = Reply(
        headline=headline,
        kind=ReplyKind.INFO,
        public=True,
        fields=fields,
        table=Table(columns=["", "Room", "Device", "Serial", "Detail"], rows=rows)
        if rows
        else None,
        notes=notes,
    )
    if chart and figures.days:
        title = f"{site.name}: device uptime by day ({site.timezone} time)"
        png = render_chart(figures.days, title)
        reply.attachments.append(
            Attachment(
                filename=f"health-{_slug(site.name)}-{local_day}.png",
                data=png,
                title=f"{site.name}: uptime and offline devices per day, "
                f"{figures.days[0].label} – {figures.days[-1].label}",
            )
        )
    return reply


# -- the exactly-once rule -------------------------------------------------------------------------

LATE_LIMIT = timedelta(hours=6)


def _slug(name: str) -> str:
    """A file-name-safe form of a property name ("Rive Gauche Paris" → "rive-gauche-paris")."""
    return (
        "-".join("".join(ch if ch.isalnum() else " " for ch in name.lower()).split()) or "property"
    )


def slot_utc(site: Site, local_date: date) -> datetime:
    """The digest slot of a local day, in UTC. A slot inside a spring-forward gap moves forward
    (zoneinfo's fold rules), one in an autumn repeat is the first of the two."""
    local = datetime.combine(local_date, site.digest_time, tzinfo=site.zone)
    return local.astimezone(UTC)


def due_date(site: Site, store: DigestRecords, now: datetime) -> date | None:
    """The local day whose digest is due now: its slot has passed by less than 6 hours, unsent."""
    today = now.astimezone(site.zone).date()
    for day in (today, today - timedelta(days=1)):
        slot = slot_utc(site, day)
        if (
            slot <= now < slot + LATE_LIMIT
            and store.digest_record(site.property_id, day.isoformat()) is None
        ):
            return day
    return None
