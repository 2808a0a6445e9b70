"""`mute alerts for <serial> for 1 hour`: the "Mute 1 h" button of an offline alert (and the same
typed). While a device is muted no new offline alert is posted for it (bot/health/offline_alerts.py
reads table alert_mutes); an alert already posted is still edited when the device recovers. The
button pressed again while the device is muted changes nothing and tells the presser until when.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.core.access.context import Ctx
from bot.core.shared import commands as c
from bot.core.shared.registry import Entry, Score, phrasing, register
from bot.core.shared.replies import Reply, ReplyKind
from bot.core.shared.when import spoken_time, zone_of

MAX_MINUTES = 24 * 60


@dataclass(frozen=True)
class MuteAlerts(c.Command):
    serial: str
    minutes: int


_MUTE = re.compile(
    r"^mute (?:the )?(?:offline )?alerts? (?:for|of|on) (?P<serial>[A-Za-z0-9]{6,32})"
    r" (?:for )?(?P<n>\d{1,4}|an?|one) ?(?P<unit>h|hours?|m|min|minutes?)$",
    re.I,
)


def _mute(found: re.Match[str]) -> MuteAlerts:
    n = found.group("n").lower()
    count = 1 if n in ("a", "an", "one") else int(n)
    minutes = count * 60 if found.group("unit").lower().startswith("h") else count
    return MuteAlerts(found.group("serial").upper(), minutes)


async def mute_alerts(ctx: Ctx, command: MuteAlerts) -> Reply:
    health = ctx.s.health
    if health is None:
        return Reply(headline="Device health is not set up here. Nothing was muted.",
                     kind=ReplyKind.ERROR)  # fmt: skip
    if not await health.device_places(command.serial):
        return Reply(
            headline=f"I know no device with serial {command.serial}. Nothing was muted.",
            kind=ReplyKind.ERROR,
        )
    if not 1 <= command.minutes <= MAX_MINUTES:
        return Reply(headline="Alerts can be muted for 1 minute to 24 hours. Nothing was muted.",
                     kind=ReplyKind.ERROR)  # fmt: skip
    if ctx.preview:
        return Reply(headline=f"Preview: offline alerts for {command.serial} would be muted. "
                     "Nothing was changed.")  # fmt: skip
    now = ctx.s.clock.now()
    if ctx.msg.pressed_on is not None and (muted := _muted_until(ctx, command.serial)):
        # a second press of Mute 1 h (or one on an older alert of the same device) does not
        # stretch the mute: the presser alone is told until when; typed, a mute is set again
        return Reply(
            headline=f"Already muted until {spoken_time(muted, now, zone_of('UTC'))} (UTC); "
            "nothing was changed.",
            kind=ReplyKind.INFO,
            notes=[f"To mute it longer, say `mute alerts for {command.serial} for 2 hours`."],
            stale=True,
        )
    until = now + timedelta(minutes=command.minutes)
    # in the database every replica shares (BOT_DATABASE_URL), read by whichever runs the alerts
    ctx.s.settings.mute(command.serial, until.timestamp(), ctx.msg.user)
    ctx.audit("ok", detail=f"muted alerts of {command.serial} until {until.isoformat()}")
    return Reply(
        headline=f"No new offline alerts for {command.serial} until "
        f"{spoken_time(until, now, zone_of('UTC'))} (UTC).",
        kind=ReplyKind.SUCCESS,
        notes=["An alert already posted is still marked recovered when the device comes back."],
    )


def _muted_until(ctx: Ctx, serial: str) -> datetime | None:
    """When the device's offline alerts are muted until, if they are now."""
    row = ctx.s.index.conn.execute(
        "select until from alert_mutes where serial = ? and until > ?",
        (serial, ctx.s.clock.now().timestamp()),
    ).fetchone()
    return datetime.fromtimestamp(float(row[0]), UTC) if row else None


register(
    Entry(
        command=MuteAlerts,
        topic="devices",
        summary="Mute a device's offline alerts for a while (the alert's Mute 1 h button)",
        examples=("mute alerts for G090XG1234567890 for 1 hour",),
        handler=mute_alerts,
        rephrase=lambda cmd: f"mute alerts for {cmd.serial} for {cmd.minutes} minutes",
        role=c.Role.ENGINEER,
        # the button's own form, read as typed before anything else
        phrasings=(phrasing(_MUTE.pattern, build=_mute, score=Score.EXACT),),
    )
)
