"""Commands written back as text the parser reads: the value of "did you mean" choices and of retries."""

from __future__ import annotations

from dataclasses import replace

from bot.core import commands as c
from bot.core.commands import Target


def target_text(target: Target) -> str:
    where = f" at {target.property_name}" if target.property_name else ""
    if target.all_rooms:
        return f"all rooms{where}"
    if target.room_type:
        return f"room type {target.room_type}{where}"
    if target.room_range:
        return f"rooms {target.room_range[0]}-{target.room_range[1]}{where}"
    if len(target.rooms) == 1:
        return f"room {target.rooms[0]}{where}"
    return "rooms " + ", ".join(target.rooms) + where


def command_text(command: c.Command) -> str:
    match command:
        case c.SetStation(target=target, station=station):
            return f"set {target_text(target)} station {station}"
        case c.AskStation(target=target):
            return f"what's playing in {target_text(target)}"
        case c.ClearAlerts(target=target, kinds=kinds):
            return f"clear {' and '.join(k.value for k in kinds)} in {target_text(target)}"
        case c.RoomDevices(target=target):
            return f"status {target_text(target)}"
        case c.ListRoomTypes(property_name=prop):
            return f"room types at {prop}" if prop else "room types"
        case c.ListRooms(room_type=rt, property_name=prop):
            base = f"rooms of room type {rt}" if rt else "rooms"
            return f"{base} at {prop}" if prop else base
        case c.ListStations(where=where):
            return f"stations at {where}" if where else "stations"
        case c.OfflineDevices(property_name=prop):
            return f"offline devices at {prop}" if prop else "offline devices"
        case c.Flapping(property_name=prop, hours=hours):
            return f"flapping at {prop} {hours}h" if prop else f"flapping {hours}h"
        case c.Uptime(property_name=prop, days=days):
            return f"uptime {prop or ''} {days}d".replace("  ", " ")
        case c.ShowDigest(property_name=prop):
            return f"digest {prop}" if prop else "digest"
        case c.DeviceHistory(subject=subject, days=days):
            return f"history {subject} {days}d"
    return ""


def with_property(command: c.Command, property_name: str) -> str:
    """The command again, about one named property (for "which property?" choices)."""
    match command:
        case c.SetStation() | c.AskStation() | c.ClearAlerts() | c.RoomDevices():
            return command_text(
                replace(command, target=replace(command.target, property_name=property_name))
            )
        case (
            c.ListRoomTypes()
            | c.ListRooms()
            | c.OfflineDevices()
            | c.Uptime()
            | c.ShowDigest()
            | c.Flapping()
        ):
            return command_text(replace(command, property_name=property_name))
        case c.ListStations():
            return command_text(c.ListStations(where=property_name))
    return command_text(command)
