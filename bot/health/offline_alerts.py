"""Offline alerts pushed to a property's on-call channel, once per incident, edited on recovery.

An incident is one device offline since one moment (`devices.last_changed` while OFFLINE). Once a
device has been offline for the property's `offline_alert_minutes` (default 15) a card goes to its
`oncall_channel`, with buttons bound to that device: Status and History (read-only questions) and
Mute 1 h (no new alert for it for an hour; table alert_mutes). A device that drops and comes back within the threshold never alerts, and a device whose
last incident recovered less than an hour ago is not alerted again (flapping: no storm).

Exactly once across restarts, as the digest outbox does it: the incident's row is written before
the post ('pending'), the attempt time moves forward before each try, and the row is settled
'sent' on the platform's id of the post. On recovery the same card is edited ('recovered'), once.
A process killed between the post and the settle may post again on its next run (at least once);
what it never does is lose an alert or post one per refresh.

The incidents and mutes live where the replicas share them (`IncidentStore` over bot/sql.py: the
SQLite file, or PostgreSQL with BOT_DATABASE_URL): an attempt is claimed by one conditional UPDATE
(`attempts` and `state` as they were read), so whichever replica runs the alerts' periodic task
(bot/pg/jobs.py: any replica, tick by tick) posts an incident once and edits it once.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Protocol, runtime_checkable

from bot.clock import Clock
from bot.core.ledger.settings_store import SettingsStore
from bot.core.shared.replies import Action, ActionKind, Reply, ReplyKind
from bot.health.fmt import duration, local_time
from bot.health.outbox import GIVE_UP_AFTER_S, retry_delay
from bot.health.sites import Site
from bot.health.store import DeviceRow, HealthStore, ts
from bot.sql import (
    Row,
    Sql,
    SqliteSql,
    execute,
    integer,
    number,
    optional_number,
    optional_text,
    query,
    text,
)

log = logging.getLogger(__name__)

PENDING: Final = "pending"  # to be posted
SENT: Final = "sent"  # posted, device still offline
RECOVERED: Final = "recovered"  # back online: the card is to be edited (edited = 1 once done)
FAILED: Final = "failed"  # not posted within 12 hours: given up, logged
FLAP_COOLDOWN_S: Final = 3600.0


@runtime_checkable
class AlertPoster(Protocol):
    """The adapter contract's posting, plus editing a post (Slack chat.update, Teams update)."""

    async def post_to_channel(self, channel: str, reply: Reply) -> str: ...

    async def update_in_channel(self, channel: str, message_id: str, reply: Reply) -> None: ...


@dataclass(frozen=True)
class Incident:
    arn: str
    offline_since: float
    property_id: str
    channel: str
    state: str
    attempts: int
    next_attempt_at: float | None
    created_at: float
    message_id: str | None
    recovered_at: float | None
    edited: int


_COLUMNS: Final = (
    "arn, offline_since, property_id, channel, state, attempts, next_attempt_at, created_at,"
    " message_id, recovered_at, edited"
)


def alert_reply(
    device: DeviceRow, site: Site, offline_since: float, now: float, recovered_at: float | None
) -> Reply:
    """The card: where, which device, since when; buttons bound to the device's serial."""
    fields = [
        ("Room", device.where),
        ("Device", device.name),
        ("Serial", device.serial),
        ("Offline since", local_time(offline_since, site.zone, now)),
    ]
    if recovered_at is not None:
        return Reply(
            headline=f"Recovered: {device.name} in {device.where} at {site.name} is back online "
            f"(it was offline for {duration(recovered_at - offline_since)}).",
            kind=ReplyKind.SUCCESS,
            fields=fields,
            actions=[_history(device)],
        )
    return Reply(
        headline=f"{device.name} in {device.where} at {site.name} has been offline for "
        f"{duration(now - offline_since)}.",
        kind=ReplyKind.ERROR,
        fields=fields,
        # bound to this device by its serial (bot/core/commands/cmd_mute_alerts.py reads the mute)
        actions=[
            Action(kind=ActionKind.LOOK, label="Status", value=f"status {device.serial}"),
            _history(device),
            Action(
                kind=ActionKind.MUTE,
                label="Mute 1 h",
                value=f"mute alerts for {device.serial} for 1 hour",
            ),
        ],
    )


def _history(device: DeviceRow) -> Action:
    return Action(kind=ActionKind.LOOK, label="History", value=f"history {device.serial}")


def _incident(r: Row) -> Incident:
    return Incident(
        text(r[0]), number(r[1]), text(r[2]), text(r[3]), text(r[4]), integer(r[5]),
        optional_number(r[6]), number(r[7]), optional_text(r[8]), optional_number(r[9]),
        integer(r[10]),
    )  # fmt: skip


class IncidentStore:
    """The offline-alert outbox (table offline_alerts) and the mutes it honours (alert_mutes)."""

    def __init__(self, sql: Sql | sqlite3.Connection) -> None:
        self.sql: Sql = SqliteSql(sql) if isinstance(sql, sqlite3.Connection) else sql

    def open(
        self, arn: str, offline_since: float, property_id: str, channel: str, now: float
    ) -> bool:
        """The incident's row, written once (True when this call wrote it)."""
        return (
            execute(
                self.sql,
                "INSERT INTO offline_alerts (arn, offline_since, property_id, channel, state,"
                " created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (arn, offline_since) DO NOTHING",
                (arn, offline_since, property_id, channel, PENDING, now, now),
            )
            == 1
        )

    def muted(self, serial: str, now: float) -> bool:
        until = SettingsStore(self.sql).muted_until(serial)
        return until is not None and until > now

    def recovered_since(self, arn: str, before: float, after: float) -> bool:
        """An earlier incident of the device (offline before `before`) recovered after `after`."""
        return bool(
            query(
                self.sql,
                "SELECT 1 FROM offline_alerts WHERE arn = ? AND offline_since < ?"
                " AND recovered_at IS NOT NULL AND recovered_at > ?",
                (arn, before, after),
            )
        )

    def select(self, where: str, args: tuple[object, ...]) -> list[Incident]:
        rows = query(
            self.sql,
            f"SELECT {_COLUMNS} FROM offline_alerts WHERE {where} ORDER BY created_at, arn",
            args,
        )
        return [_incident(r) for r in rows]

    def open_incidents(self) -> list[Incident]:
        return self.select("state IN (?, ?)", (PENDING, SENT))

    def due(self, now: float) -> list[Incident]:
        return self.select(
            "(state = ? OR (state = ? AND edited = 0)) AND coalesce(next_attempt_at, 0) <= ?",
            (PENDING, RECOVERED, now),
        )

    def mark_back(self, incident: Incident, state: str, now: float) -> bool:
        """The device is back (or offline since another moment): the incident moves to `state`
        (RECOVERED: its card is to be edited; FAILED: never posted), once: only from the state it
        was read in, so two passes (two replicas) never reset an edit already taken."""
        return (
            execute(
                self.sql,
                "UPDATE offline_alerts SET state = ?, recovered_at = ?, next_attempt_at = ?,"
                " attempts = 0 WHERE arn = ? AND offline_since = ? AND state = ?",
                (state, now, now, incident.arn, incident.offline_since, incident.state),
            )
            == 1
        )

    def take(self, incident: Incident, now: float) -> bool:
        """Claim the attempt (moving the next attempt time forward first), or False if another
        process or replica holds it."""
        attempt = incident.attempts + 1
        return execute(
            self.sql,
            "UPDATE offline_alerts SET attempts = ?, next_attempt_at = ? WHERE arn = ? AND"
            " offline_since = ? AND state = ? AND attempts = ?",
            (attempt, now + retry_delay(attempt), incident.arn, incident.offline_since,
             incident.state, incident.attempts),
        ) == 1  # fmt: skip

    def settle(self, incident: Incident, assignments: str, args: tuple[object, ...]) -> None:
        execute(
            self.sql,
            f"UPDATE offline_alerts SET {assignments} WHERE arn = ? AND offline_since = ?",
            (*args, incident.arn, incident.offline_since),
        )


class OfflineAlerts:
    """Finds incidents in the device index and posts/edits their cards (run after each refresh)."""

    def __init__(
        self,
        store: HealthStore,
        sites: Sequence[Site],
        poster: AlertPoster,
        clock: Clock,
        *,
        incidents: IncidentStore | None = None,
    ) -> None:
        self._store = store
        # shared by replicas (BOT_DATABASE_URL), else the index's file
        self.incidents = incidents if incidents is not None else IncidentStore(store.sql)
        self._sites = {s.property_id: s for s in sites if s.oncall_channel}
        self._poster = poster
        self._clock = clock

    async def run(self) -> list[Incident]:
        """One pass: open incidents past the threshold, mark recoveries, post and edit what is due.
        Returns the incidents posted or edited in this pass."""
        now = ts(self._clock.now())
        devices = {d.arn: d for d in self._store.devices() if d.property_id in self._sites}
        self._open(devices, now)
        self._recover(devices, now)
        done = []
        for incident in self.incidents.due(now):
            if await self._attempt(incident, devices.get(incident.arn), now):
                done.append(incident)
        return done

    def _open(self, devices: dict[str, DeviceRow], now: float) -> None:
        for device in devices.values():
            site = self._sites[str(device.property_id)]
            offline_for = now - device.last_changed
            if device.connection != "OFFLINE" or offline_for < site.offline_alert_minutes * 60:
                continue  # online, or not yet long enough: a short drop never alerts
            if self._flapping(device.arn, device.last_changed, now) or self.incidents.muted(
                device.serial, now
            ):
                continue
            assert site.oncall_channel is not None
            self.incidents.open(
                device.arn, device.last_changed, site.property_id, site.oncall_channel, now
            )

    def _flapping(self, arn: str, since: float, now: float) -> bool:
        """A new incident within an hour of the last one's recovery is not alerted again."""
        found = self.incidents.recovered_since(arn, since, now - FLAP_COOLDOWN_S)
        if found:
            log.info("device %s is offline again within an hour of recovering: not alerted", arn)
        return found

    def _recover(self, devices: dict[str, DeviceRow], now: float) -> None:
        for incident in self.incidents.open_incidents():
            device = devices.get(incident.arn)
            back = device is None or device.connection != "OFFLINE"
            if not back and device is not None and device.last_changed == incident.offline_since:
                continue
            # back online, or offline again since another moment (a new incident)
            state = RECOVERED if incident.state == SENT else FAILED
            if self.incidents.mark_back(incident, state, now) and state == FAILED:
                log.info("device %s came back before its alert was posted", incident.arn)

    def _take(self, incident: Incident, now: float) -> bool:
        return self.incidents.take(incident, now)

    async def _attempt(self, incident: Incident, device: DeviceRow | None, now: float) -> bool:
        site = self._sites.get(incident.property_id)
        if site is None or device is None or not self._take(incident, now):
            return False
        try:
            if incident.state == PENDING:
                reply = alert_reply(device, site, incident.offline_since, now, None)
                message_id = await self._poster.post_to_channel(incident.channel, reply)
                self._settle("state = ?, message_id = ?", (SENT, message_id), incident)
            else:
                assert incident.message_id is not None
                back = incident.recovered_at or now
                reply = alert_reply(device, site, incident.offline_since, now, back)
                await self._poster.update_in_channel(incident.channel, incident.message_id, reply)
                self._settle("edited = 1", (), incident)
            return True
        except Exception as error:
            log.warning("offline alert for %s not delivered yet: %s", incident.arn, error)
            gave_up = now - incident.created_at >= GIVE_UP_AFTER_S
            fields = "last_error = ?" + (", state = ?" if gave_up else "")
            args = (str(error)[:500], *((FAILED,) if gave_up else ()))
            self._settle(fields, args, incident)
            return False

    def _settle(self, assignments: str, args: tuple[object, ...], incident: Incident) -> None:
        self.incidents.settle(incident, assignments, args)
