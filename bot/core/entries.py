"""The registry entries of the bot's commands: handler, rephrasing, undo, role and help of each.

Summaries and the first examples come from the phrasing rules of the same command (bot/core/understanding/grammar.py,
profile_rules.py), so the help shows what the fallback rules accept, plus the entity-first phrasings.
"""

from __future__ import annotations

from typing import Any

from bot.core import commands as c
from bot.core.alerts import clear_alerts
from bot.core.canonical import target_text
from bot.core.commands import AlertKind, Command, Level, Role
from bot.core.context import Ctx
from bot.core.devices import device_command, echo_online, unplaced_devices
from bot.core.help import help_reply, in_own_names
from bot.core.hierarchy import (
    add_unit,
    delete_unit,
    find_room,
    list_properties,
    list_room_types,
    list_rooms,
    rename_unit,
)
from bot.core.object_types import ListObjectTypes, SetObjectTypeMax, ShowObjectType
from bot.core.profiles import (
    CreateProfile,
    FindUser,
    ListProfiles,
    SetProfile,
    ShowProfile,
    undo_profile_change,
)
from bot.core.property_place import SetPropertyPlace
from bot.core.registry import Entry, Handler, Undoer, register
from bot.core.replies import Reply
from bot.core.stations import ask_station, list_stations, set_station
from bot.core.understanding.grammar import RULES
from bot.core.undo import undo, undo_hierarchy, undo_stations


def _from_rule(
    command: type[Command],
    handler: Handler | None,
    rephrase: Any,
    *,
    extra: tuple[str, ...] = (),
    undo: Undoer | None = None,
    words: tuple[str, ...] = (),
) -> Entry:
    rule = next(r for r in RULES if r.command is command)
    return register(
        Entry(
            command=command,
            topic=rule.topic,
            summary=rule.summary,
            examples=(*rule.examples, *extra),
            handler=handler,
            rephrase=rephrase,
            role=rule.role,
            undo=undo,
            words=words,
        )
    )


def _sync(fn: Any) -> Handler:
    """A handler from a synchronous function of (ctx, command)."""

    async def run(ctx: Ctx, command: Any) -> Reply:
        reply: Reply = fn(ctx, command)
        return reply

    return run


async def _execute(ctx: Ctx, command: Any) -> Reply:
    """Commands that carry their own handler (room profiles, users, object types)."""
    reply: Reply = await command.execute(ctx)
    return reply


def _where(name: str | None) -> str:
    return f" at {name}" if name else ""


def _kinds_text(kinds: tuple[AlertKind, ...]) -> str:
    if set(kinds) == set(AlertKind):
        return "everything"
    return " and ".join(k.value for k in kinds)


def _target_core(target: c.Target) -> str:
    """The target without its property, which the rephrasings put last ("… at Lakeside Chicago")."""
    return target_text(c.Target(**{**target.__dict__, "property_name": None}))


def rephrase_set_station(cmd: c.SetStation) -> str:
    return f"set {_target_core(cmd.target)} to {cmd.station}{_where(cmd.target.property_name)}"


def rephrase_ask_station(cmd: c.AskStation) -> str:
    return f"what's playing in {_target_core(cmd.target)}{_where(cmd.target.property_name)}"


def rephrase_clear(cmd: c.ClearAlerts) -> str:
    where = _where(cmd.target.property_name)
    return f"clear {_kinds_text(cmd.kinds)} in {_target_core(cmd.target)}{where}"


_LEVEL_WORD = {Level.PROPERTY: "property", Level.ROOM_TYPE: "room type", Level.ROOM: "room"}


def rephrase_add(cmd: c.AddUnit) -> str:
    if cmd.level == Level.ROOM:
        return f"add room {cmd.unit_name} to {cmd.parent}{_where(cmd.property_name)}"
    return f"add {_LEVEL_WORD[cmd.level]} {cmd.unit_name}{_where(cmd.property_name)}"


def rephrase_room_devices(cmd: c.RoomDevices) -> str:
    if cmd.serial:
        return f"status {cmd.serial}"
    return f"status {_target_core(cmd.target)}{_where(cmd.target.property_name)}"


def rephrase_find_user(cmd: FindUser) -> str:
    if cmd.query and cmd.status:
        return f"find user {cmd.query} with status {cmd.status.lower()}"
    if cmd.query:
        return f"find user {cmd.query}"
    return f"users with status {(cmd.status or '').lower()}"


def rephrase_set_profile(cmd: SetProfile) -> str:
    if cmd.setting == "name":
        return f"rename profile {cmd.profile} to {cmd.value}"
    if cmd.setting == "check-in release":
        return f"profile {cmd.profile} release after {cmd.value} minutes without check-in"
    return f"set profile {cmd.profile} {cmd.setting} {cmd.value}"


def _token(word: str, token: str | None) -> str:
    return f"{word} {token}" if token else word


# --- stations --------------------------------------------------------------------------------------
_from_rule(
    c.SetStation,
    set_station,
    rephrase_set_station,
    extra=("jazz in 204", "room 204: jazz", "guest in 204 wants jazz", "put some jazz on in 204"),
    undo=undo_stations,
    words=("set", "change", "switch", "tune", "put", "play", "make", "wants", "->", "=", ":"),
)
_from_rule(
    c.AskStation,
    ask_station,
    rephrase_ask_station,
    extra=("whats playing 204", "what's room 204 listening to", "what's playing at Harbor View"),
    words=("what's playing", "what's on", "which station", "listening to"),
)
_from_rule(
    c.ListStations,
    list_stations,
    lambda cmd: f"stations at {cmd.where}" if cmd.where else "stations",
)
# --- alarms ----------------------------------------------------------------------------------------
_from_rule(
    c.ClearAlerts,
    clear_alerts,
    rephrase_clear,
    extra=("clear wake up calls in 204", "clear all timers in 503"),
    words=("clear", "cancel", "delete", "remove"),
)
# --- rooms -----------------------------------------------------------------------------------------
_from_rule(
    c.ListProperties, _sync(lambda ctx, _cmd: list_properties(ctx)), lambda _cmd: "properties"
)
_from_rule(
    c.ListRoomTypes,
    _sync(list_room_types),
    lambda cmd: f"room types{_where(cmd.property_name)}",
)
_from_rule(
    c.ListRooms,
    _sync(list_rooms),
    lambda cmd: (
        (f"rooms of room type {cmd.room_type}" if cmd.room_type else "rooms")
        + _where(cmd.property_name)
    ),
)
_from_rule(c.FindRoom, _sync(find_room), lambda cmd: f"find room {cmd.room}")
# --- hierarchy -------------------------------------------------------------------------------------
_from_rule(c.AddUnit, add_unit, rephrase_add, undo=undo_hierarchy)
_from_rule(
    c.RenameUnit,
    rename_unit,
    lambda cmd: (
        f"rename {_LEVEL_WORD[cmd.level]} {cmd.old} to {cmd.new}{_where(cmd.property_name)}"
    ),
    undo=undo_hierarchy,
)
_from_rule(
    c.DeleteUnit,
    delete_unit,
    lambda cmd: f"delete {_LEVEL_WORD[cmd.level]} {cmd.unit_name}{_where(cmd.property_name)}",
)
# --- general ---------------------------------------------------------------------------------------
_from_rule(
    c.Help,
    _sync(lambda ctx, cmd: in_own_names(help_reply(cmd.topic, ctx.role), ctx.s.index)),
    lambda cmd: _token("help", cmd.topic),
)
_from_rule(
    c.Undo,
    lambda ctx, _cmd: undo(ctx),
    lambda cmd: _token("undo", cmd.token),
    extra=("undo 000042",),
)
_from_rule(c.Confirm, None, lambda cmd: _token("confirm", cmd.token))
_from_rule(c.Cancel, None, lambda cmd: _token("cancel", cmd.token))
_from_rule(c.RetryFailed, None, lambda cmd: _token("retry failed", cmd.token))
_from_rule(c.ShowAudit, None, lambda cmd: f"recent changes {cmd.limit}")
# --- devices ---------------------------------------------------------------------------------------
_from_rule(
    c.OfflineDevices,
    device_command,
    lambda cmd: (
        "offline devices everywhere"
        if cmd.everywhere
        else f"offline devices{_where(cmd.property_name)}"
    ),
    extra=("offline devices everywhere",),
)
_from_rule(c.RoomDevices, device_command, rephrase_room_devices, extra=("status G03OEWKUOKCBX6EA",))
_from_rule(
    c.DeviceHistory,
    device_command,
    lambda cmd: f"history {cmd.subject} {cmd.days}d",
    extra=("history G03OEWKUOKCBX6EA",),
)
_from_rule(
    c.Flapping,
    device_command,
    lambda cmd: f"flapping{_where(cmd.property_name)} {cmd.hours}h",
)
_from_rule(
    c.Uptime,
    device_command,
    lambda cmd: f"uptime{_where(cmd.property_name)} {cmd.days}d",
    extra=("uptime 24h", "uptime 30d"),
)
_from_rule(c.ShowDigest, device_command, lambda cmd: f"digest {cmd.property_name or ''}".strip())
_from_rule(
    c.Sync,
    device_command,
    lambda cmd: ("sync devices" if cmd.devices else "sync") + _where(cmd.property_name),
)
register(
    Entry(
        command=c.UnplacedDevices,
        topic="devices",
        summary="Devices that belong to no room",
        examples=("unplaced devices",),
        handler=unplaced_devices,
        rephrase=lambda _cmd: "unplaced devices",
        role=Role.ENGINEER,
        words=("unplaced",),
    )
)
register(
    Entry(
        command=c.EchoOnline,
        topic="devices",
        summary="Is a room's Echo online? (front desk may ask)",
        examples=("is 204's Echo online?", "is the echo in 204 online"),
        handler=echo_online,
        rephrase=lambda cmd: (
            f"is the echo online in {_target_core(cmd.target)}{_where(cmd.target.property_name)}"
        ),
        words=("online", "offline", "echo"),
    )
)


# --- properties (admins) -------------------------------------------------------------------------
def rephrase_place(cmd: SetPropertyPlace) -> str:
    parts = [f"set {cmd.property_name}"]
    if cmd.country:
        parts.append(f"country {cmd.country}")
    if cmd.timezone:
        parts.append(f"timezone {cmd.timezone}")
    return " ".join(parts)


_from_rule(
    SetPropertyPlace,
    _execute,
    rephrase_place,
    extra=("Harbor View Seattle country US", "set country of Rive Gauche to France"),
)
# --- profiles --------------------------------------------------------------------------------------
_from_rule(ListProfiles, _execute, lambda _cmd: "profiles")
_from_rule(
    CreateProfile,
    _execute,
    lambda cmd: f"create profile {cmd.profile} timezone {cmd.timezone} address {cmd.address}",
    undo=undo_profile_change,
)
_from_rule(
    SetProfile,
    _execute,
    rephrase_set_profile,
    extra=("set the max volume of Lobby to 6",),
    undo=undo_profile_change,
)
_from_rule(ShowProfile, _execute, lambda cmd: f"show profile {cmd.profile}")
_from_rule(FindUser, _execute, rephrase_find_user)
_from_rule(ListObjectTypes, _execute, lambda _cmd: "object types")
_from_rule(
    SetObjectTypeMax,
    _execute,
    lambda cmd: f"set object type {cmd.object_type} max {cmd.maximum}",
    undo=undo_profile_change,
)
_from_rule(ShowObjectType, _execute, lambda cmd: f"show object type {cmd.object_type}")
