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
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Protocol, runtime_checkable

from bot.clock import Clock
from bot.core.replies import Action, ActionKind, Reply, ReplyKind
from bot.health.fmt import duration, local_time
from bot.health.outbox import GIVE_UP_AFTER_S, retry_delay
from bot.health.sites import Site
from bot.health.store import DeviceRow, HealthStore, ts

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
        # bound to this device by its serial (bot/core/cmd_mute_alerts.py reads the mute)
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


class OfflineAlerts:
    """Finds incidents in the device index and posts/edits their cards (run after each refresh)."""

    def __init__(
        self, store: HealthStore, sites: Sequence[Site], poster: AlertPoster, clock: Clock
    ) -> None:
        self._store = store
        self._conn: sqlite3.Connection = store.db.conn
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
        for incident in self._due(now):
            if await self._attempt(incident, devices.get(incident.arn), now):
                done.append(incident)
        return done

    def _open(self, devices: dict[str, DeviceRow], now: float) -> None:
        for device in devices.values():
            site = self._sites[str(device.property_id)]
            offline_for = now - device.last_changed
            if device.connection != "OFFLINE" or offline_for < site.offline_alert_minutes * 60:
                continue  # online, or not yet long enough: a short drop never alerts
            if self._flapping(device.arn, device.last_changed, now) or self._muted(device, now):
                continue
            with self._conn:
                self._conn.execute(
                    "insert or ignore into offline_alerts (arn, offline_since, property_id, channel,"
                    " state, created_at, next_attempt_at) values (?, ?, ?, ?, ?, ?, ?)",
                    (device.arn, device.last_changed, site.property_id, site.oncall_channel,
                     PENDING, now, now),
                )  # fmt: skip

    def _muted(self, device: DeviceRow, now: float) -> bool:
        found = self._conn.execute(
            "select 1 from alert_mutes where serial = ? and until > ?", (device.serial, now)
        ).fetchone()
        return found is not None

    def _flapping(self, arn: str, since: float, now: float) -> bool:
        """A new incident within an hour of the last one's recovery is not alerted again."""
        found = self._conn.execute(
            "select 1 from offline_alerts where arn = ? and offline_since < ? and recovered_at"
            " is not null and recovered_at > ?",
            (arn, since, now - FLAP_COOLDOWN_S),
        ).fetchone()
        if found:
            log.info("device %s is offline again within an hour of recovering: not alerted", arn)
        return found is not None

    def _recover(self, devices: dict[str, DeviceRow], now: float) -> None:
        for incident in self._select("state in (?, ?)", (PENDING, SENT)):
            device = devices.get(incident.arn)
            back = device is None or device.connection != "OFFLINE"
            if not back and device is not None and device.last_changed == incident.offline_since:
                continue
            # back online, or offline again since another moment (a new incident)
            state = RECOVERED if incident.state == SENT else FAILED
            with self._conn:
                self._conn.execute(
                    "update offline_alerts set state = ?, recovered_at = ?, next_attempt_at = ?,"
                    " attempts = 0 where arn = ? and offline_since = ?",
                    (state, now, now, incident.arn, incident.offline_since),
                )
            if state == FAILED:
                log.info("device %s came back before its alert was posted", incident.arn)

    def _select(self, where: str, args: tuple[object, ...]) -> list[Incident]:
        rows = self._conn.execute(
            f"select {_COLUMNS} from offline_alerts where {where} order by created_at, arn", args
        ).fetchall()
        return [Incident(*r) for r in rows]

    def _due(self, now: float) -> list[Incident]:
        return self._select(
            "(state = ? or (state = ? and edited = 0)) and coalesce(next_attempt_at, 0) <= ?",
            (PENDING, RECOVERED, now),
        )

    def _take(self, incident: Incident, now: float) -> bool:
        """Claim the attempt (moving the next attempt time forward first), or False if another
        process holds it."""
        attempt = incident.attempts + 1
        with self._conn:
            cursor = self._conn.execute(
                "update offline_alerts set attempts = ?, next_attempt_at = ? where arn = ? and"
                " offline_since = ? and state = ? and attempts = ?",
                (attempt, now + retry_delay(attempt), incident.arn, incident.offline_since,
                 incident.state, incident.attempts),
            )  # fmt: skip
        return cursor.rowcount == 1

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
        with self._conn:
            self._conn.execute(
                f"update offline_alerts set {assignments} where arn = ? and offline_since = ?",
                (*args, incident.arn, incident.offline_since),
            )
