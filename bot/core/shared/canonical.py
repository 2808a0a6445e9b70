"""Commands written back as text the parser reads: the value of "did you mean" choices and of retries."""

from __future__ import annotations

from dataclasses import replace

from bot.core.shared import commands as c
from bot.core.shared.commands import Target


def target_text(target: Target) -> str:
    where = f" at {target.property_name}" if target.property_name else ""
    but = f" except {', '.join(target.excluded)}" if target.excluded else ""
    if target.all_rooms:
        return f"all rooms{but}{where}"
    if target.room_type:  # "the penthouse" stays one room, asked which, never the whole type
        return f"{'the ' if target.one else 'room type '}{target.room_type}{but}{where}"
    if target.room_range:
        return f"rooms {target.room_range[0]}-{target.room_range[1]}{where}"
    if len(target.rooms) == 1:
        return f"room {target.rooms[0]}{where}"
    return "rooms " + ", ".join(target.rooms) + where


def command_text(command: c.Command) -> str:
    """The command as text the parser reads back to it: its registry entry's rephrasing."""
    from bot.core.shared.registry import rephrase  # the registry's entries import this module

    return rephrase(command)


def with_property(command: c.Command, property_name: str) -> str:
    """The command again, about one named property (for "which property?" choices)."""
    match command:
        case c.SetStation() | c.AskStation() | c.ClearAlerts() | c.RoomDevices():
            return command_text(
                replace(command, target=replace(command.target, property_name=property_name))
            )
        case c.EchoOnline():
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
