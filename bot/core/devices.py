"""Device-health commands: the core resolves the property or room, the health desk answers."""

from __future__ import annotations

from dataclasses import replace

from bot.core import commands as c
from bot.core.canonical import command_text, with_property
from bot.core.context import Ctx
from bot.core.errors import describe_error
from bot.core.replies import Reply, ReplyKind
from bot.core.resolve import property_meta
from bot.core.targets import parse_target
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
    health = ctx.s.health
    if health is None:
        return _NO_HEALTH
    match cmd:
        case c.Sync():
            return await health.refresh()
        case c.OfflineDevices(property_name=name):
            scope = _scope(ctx, name, cmd)
            return (
                scope
                if isinstance(scope, Reply)
                else await health.offline(scope.id if scope else None)
            )
        case c.RoomDevices(target=target):
            resolved = await ctx.resolver.rooms(
                target, lambda t: command_text(replace(cmd, target=t))
            )
            if isinstance(resolved, Reply):
                return resolved
            return await health.room_devices([r.room_id for r in resolved.rooms])
        case c.DeviceHistory(subject=subject, days=days):
            # the subject may name a property ("204 at Hotel B"): resolved here, so access is checked
            named = parse_target(subject)
            scope = ctx.resolver.scope(
                named.property_name if named else None,
                lambda n: f"history {subject} at {n} {days}d",
            )
            if isinstance(scope, Reply):
                return scope
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
