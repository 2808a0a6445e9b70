"""Device-health commands: the core resolves the property or room, the health desk answers."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.core.access.context import Ctx
from bot.core.access.resolve import property_meta
from bot.core.access.services import HealthDesk
from bot.core.shared import commands as c
from bot.core.shared.canonical import command_text, with_property
from bot.core.shared.errors import describe_error
from bot.core.shared.replies import Reply, ReplyKind
from bot.core.understanding.targets import parse_target
from bot.index.lookup import PropertyRef
from bot.index.sync import full_sync

_NO_HEALTH = Reply(
    headline="Device health is not set up here: the bot needs Alexa for Business access "
    "(AWS credentials; see README, \u201cDevice health\u201d).",
    kind=ReplyKind.ERROR,
)


def _scope(ctx: Ctx, name: str | None, command: c.Command) -> PropertyRef | Reply | None:
    return ctx.resolver.scope(name, lambda n: with_property(command, n))


async def device_command(ctx: Ctx, cmd: c.Command) -> Reply:
    if isinstance(cmd, c.Sync) and not cmd.devices:
        return await sync_index(ctx, cmd)
    if isinstance(cmd, c.DeviceHistory):
        # A room is resolved here first, so a room in several hotels is asked about, not guessed.
        located = await _history_subject(ctx, cmd)
        if isinstance(located, Reply):
            return located
        cmd = replace(cmd, subject=located)
    rooms: list[str] = []
    if isinstance(cmd, c.RoomDevices) and cmd.serial is None:
        resolved = await ctx.resolver.rooms(
            cmd.target, lambda t: command_text(replace(cmd, target=t))
        )
        if isinstance(resolved, Reply):
            return resolved
        rooms = [r.room_id for r in resolved.rooms]
    health = ctx.s.health
    if health is None:
        return _NO_HEALTH
    match cmd:
        case c.Sync():
            return await health.refresh()
        case c.OfflineDevices(everywhere=True):
            return await health.offline(None)
        case c.OfflineDevices(property_name=name):
            scope = _scope(ctx, name, cmd)
            return (
                scope
                if isinstance(scope, Reply)
                else await health.offline(scope.id if scope else None)
            )
        case c.RoomDevices(serial=str() as serial):
            if (refused := await _device_refusal(ctx, health, serial)) is not None:
                return refused
            by_serial = getattr(
                health, "device_status", None
            )  # the health desk's, where it has one
            if by_serial is not None:
                answer: Reply = await by_serial(serial)
                return answer
            return await health.history(serial, None, 1)
        case c.RoomDevices():
            return await health.room_devices(rooms)
        case c.DeviceHistory(subject=subject, days=days):
            # the subject may name a property ("204 at Hotel B"): resolved here, so access is checked
            named = parse_target(subject)
            scope = ctx.resolver.scope(
                named.property_name if named else None,
                lambda n: f"history {subject} at {n} {days}d",
            )
            if isinstance(scope, Reply):
                return scope
            if (refused := await _device_refusal(ctx, health, subject)) is not None:
                return refused
            return await health.history(subject, scope.id if scope else None, days)
        case c.Flapping(property_name=name, hours=hours):
            scope = _scope(ctx, name, cmd)
            return (
                scope
                if isinstance(scope, Reply)
                else await health.flapping(hours, scope.id if scope else None)
            )
        case c.Uptime(property_name=name, days=days):
            scope = _scope(ctx, name, cmd)
            return (
                scope
                if isinstance(scope, Reply)
                else await health.uptime(scope.id if scope else None, days)
            )
        case c.ShowDigest(property_name=name):
            scope = _scope(ctx, name, cmd)
            if isinstance(scope, Reply):
                return scope
            if scope is None:
                return ctx.resolver.which_property(
                    "Which property's digest?", lambda n: f"digest {n}"
                )
            return await health.digest(scope.id)
    return Reply(headline="I can't do that yet.", kind=ReplyKind.ERROR)


async def _device_refusal(ctx: Ctx, health: HealthDesk, key: str) -> Reply | None:
    """A serial or device name is answered only when the device's own property is in the asker's
    grant (a room was checked when it resolved; a serial names no property of its own)."""
    return ctx.resolver.guard_places(await health.device_places(key))


async def sync_index(ctx: Ctx, cmd: c.Sync) -> Reply:
    try:
        report = await full_sync(
            ctx.s.index,
            ctx.s.asp,
            ctx.s.organization_id,
            concurrency=ctx.s.config.bot.sync_concurrency,
            property_meta=property_meta(ctx.s),
        )
    except Exception as error:
        ctx.audit("failed", detail=describe_error(error))
        return Reply(headline=f"The sync failed: {describe_error(error)}", kind=ReplyKind.ERROR)
    return Reply(
        headline=f"Synced: {report.properties} properties, {report.room_types} room types, {report.rooms} rooms "
        f"({report.requests} requests, {report.seconds:.1f} s).",
        kind=ReplyKind.SUCCESS,
    )


async def unplaced_devices(ctx: Ctx, cmd: c.UnplacedDevices) -> Reply:
    """Devices of no room, from the device index as the health desk keeps it."""
    health = ctx.s.health
    if health is None:
        return _NO_HEALTH
    return await health.unplaced()


async def echo_online(ctx: Ctx, cmd: c.EchoOnline) -> Reply:
    """Front desk's read-only question, answered with the room's device status."""
    resolved = await ctx.resolver.rooms(cmd.target, lambda t: command_text(replace(cmd, target=t)))
    if isinstance(resolved, Reply):
        return resolved
    health = ctx.s.health
    if health is None:
        return _NO_HEALTH
    online = getattr(health, "room_online", None)  # the desk's read-only answer, where it has one
    if online is not None:
        answer: Reply = await online([r.room_id for r in resolved.rooms])
        return answer
    return await health.room_devices([r.room_id for r in resolved.rooms])


_SERIAL = re.compile(r"^G[0-9A-Z]{11,15}$")


async def _history_subject(ctx: Ctx, cmd: c.DeviceHistory) -> str | Reply:
    """`204` -> `204 at Harbor View Seattle` (the one property it is in, or the question which)."""
    room, _, prop = cmd.subject.partition(" at ")
    if _SERIAL.match(room) or " " in room.strip():
        return cmd.subject
    resolved = await ctx.resolver.rooms(
        c.Target(rooms=(room,), property_name=prop or None),
        lambda t: command_text(replace(cmd, subject=f"{room} at {t.property_name}")),
    )
    if isinstance(resolved, Reply):
        return resolved
    names = {r.property_name for r in resolved.rooms}
    return f"{room} at {names.pop()}" if len(names) == 1 else cmd.subject
