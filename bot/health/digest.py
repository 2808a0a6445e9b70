"""The nightly health digest: figures per property, the Reply, and the exactly-once send rule.

Windows are rolling 24-hour blocks ending at the digest's build time, so the last bar of the chart
is the "24 h uptime" figure. "Newly offline" and "recovered" compare against the last digest sent
for the property (or 24 hours back when there is none).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from bot.core.replies import Attachment, Reply, ReplyKind, Table
from bot.core.text import plural
from bot.health.chart import DayPoint, render_chart
from bot.health.fmt import duration, local_time, percent
from bot.health.sites import Site
from bot.health.store import DeviceRow, HealthStore, dt, ts
from bot.health.timeline import OFFLINE, ONLINE, fleet_profile

DAY = 86400.0
FLAPPING_TRANSITIONS = 3
CHART_DAYS = 7
MAX_WINDOW = 7 * DAY


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


@dataclass
class DigestFigures:
    property_id: str
    property_name: str
    built_at: float
    window_start: float
    total: int = 0
    online: int = 0
    offline: int = 0
    unplaced: int = 0
    online_day_before: int = 0
    offline_day_before: int = 0
    uptime_24h: float = 100.0
    uptime_day_before: float = 100.0
    newly_offline: list[DeviceLine] = field(default_factory=list)
    recovered: list[DeviceLine] = field(default_factory=list)
    long_offline: list[DeviceLine] = field(default_factory=list)
    flapping: list[DeviceLine] = field(default_factory=list)
    days: list[DayPoint] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
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
        }


def _line(device: DeviceRow, since: float | None = None, changes: int = 0) -> DeviceLine:
    return DeviceLine(device.where, device.name, device.serial, since, changes)


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
    earliest = min(window_start, end - CHART_DAYS * DAY)
    histories = store.histories(rows, since=earliest)
    figures = DigestFigures(site.property_id, site.name, end, window_start, total=len(rows))
    for device in rows:
        history = histories[device.arn]
        figures.unplaced += not device.placed
        if device.connection == OFFLINE:
            figures.offline += 1
            since = history.offline_since(end) or device.last_changed
            if history.status_at(window_start) == ONLINE or since > window_start:
                figures.newly_offline.append(_line(device, since))
            if end - since > DAY:
                figures.long_offline.append(_line(device, since))
        else:
            figures.online += 1
            if history.status_at(window_start) == OFFLINE:
                figures.recovered.append(_line(device))
        if history.status_at(end - DAY) == OFFLINE:
            figures.offline_day_before += 1
        else:
            figures.online_day_before += 1
        changes = history.transitions(end - DAY, end)
        if changes >= FLAPPING_TRANSITIONS:
            figures.flapping.append(_line(device, changes=changes))
    # windows: the last 24 h, the 24 h before, then one per chart day (oldest first)
    block_ends = [end - back * DAY for back in range(CHART_DAYS - 1, -1, -1)]
    windows = [(end - DAY, end), (end - 2 * DAY, end - DAY)]
    windows += [(block_end - DAY, block_end) for block_end in block_ends]
    profile = fleet_profile(list(histories.values()), windows, block_ends)
    figures.uptime_24h = profile.uptime_percent(0, windows)
    figures.uptime_day_before = profile.uptime_percent(1, windows)
    zone = site.zone
    for k, block_end in enumerate(block_ends):
        figures.days.append(
            DayPoint(
                label=dt(block_end).astimezone(zone).strftime("%a %d"),
                uptime_pct=profile.uptime_percent(2 + k, windows),
                offline_at_end=profile.offline_at[k],
            )
        )
    for group in (figures.newly_offline, figures.long_offline, figures.recovered, figures.flapping):
        group.sort(key=lambda d: (d.room, d.name))
    return figures


def _delta(now: float, before: float, unit: str = "") -> str:
    diff = now - before
    sign = "+" if diff > 0 else ""
    return f"{sign}{diff:.1f}{unit}" if unit else f"{sign}{int(diff)}"


def build_digest_reply(figures: DigestFigures, site: Site, *, chart: bool = True) -> Reply:
    zone = site.zone
    local_day = dt(figures.built_at).astimezone(zone).date().isoformat()
    rows: list[list[str]] = []
    for label, group in (
        ("newly offline", figures.newly_offline),
        ("offline > 24 h", figures.long_offline),
        ("recovered", figures.recovered),
        ("flapping", figures.flapping),
    ):
        for line in group:
            if line.since is not None:
                spell = duration(figures.built_at - line.since)
                detail = f"since {local_time(line.since, zone)} ({spell})"
            elif line.changes:
                detail = f"{plural(line.changes, 'change')} in 24 h"
            else:
                detail = "back online"
            rows.append([label, line.room, line.name, line.serial, detail])
    online_delta = _delta(figures.online, figures.online_day_before)
    offline_delta = _delta(figures.offline, figures.offline_day_before)
    # with no devices the 100% of the figures is no measurement: shown as a dash, not as health
    uptime = percent(figures.uptime_24h if figures.total else None)
    uptime_delta = _delta(figures.uptime_24h, figures.uptime_day_before, " pt")
    note = "Changes are against the day before."
    if figures.unplaced:
        are = "is" if figures.unplaced == 1 else "are"
        note += f" {plural(figures.unplaced, 'device')} {are} unplaced (no property/room match)."
    headline = (
        f"Device health for {site.name}, {local_day}: {figures.online} online, "
        f"{figures.offline} offline, 24 h uptime {uptime}."
    )
    if not figures.total:
        headline = f"Device health for {site.name}, {local_day}: no devices are known there."
    reply = Reply(
        headline=headline,
        kind=ReplyKind.INFO,
        public=True,
        fields=[
            ("Online", f"{figures.online} ({online_delta})"),
            ("Offline", f"{figures.offline} ({offline_delta})"),
            ("Uptime 24 h", f"{uptime} ({uptime_delta})" if figures.total else uptime),
            ("Newly offline", str(len(figures.newly_offline))),
            ("Recovered", str(len(figures.recovered))),
            ("Offline > 24 h", str(len(figures.long_offline))),
            ("Flapping", str(len(figures.flapping))),
        ],
        table=Table(columns=["", "Room", "Device", "Serial", "Detail"], rows=rows)
        if rows
        else None,
        notes=[note],
    )
    if chart:
        png = render_chart(figures.days, f"{site.name}: last {CHART_DAYS} days")
        reply.attachments.append(
            Attachment(
                filename=f"health-{_slug(site.name)}-{local_day}.png",
                data=png,
                title=f"{site.name}: uptime and offline devices, last {CHART_DAYS} days",
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


def due_date(site: Site, store: HealthStore, now: datetime) -> date | None:
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
