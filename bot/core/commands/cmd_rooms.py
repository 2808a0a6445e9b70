"""Reading the hierarchy: properties, room types, rooms, and which property a room is in."""

from __future__ import annotations

from bot.core.commands.entry_parts import name_of, sync_handler, where
from bot.core.commands.hierarchy import find_room, list_properties, list_room_types, list_rooms
from bot.core.shared import commands as c
from bot.core.shared.registry import Entry, Score, phrasing, register

register(
    Entry(
        command=c.ListProperties,
        topic="rooms",
        summary="List properties",
        examples=("properties", "list hotels"),
        handler=sync_handler(lambda ctx, _cmd: list_properties(ctx)),
        rephrase=lambda _cmd: "properties",
        phrasings=(
            phrasing(
                r"^(?:list\s+|show\s+(?:me\s+)?|which\s+|what\s+)?(?:all\s+)?(?:the\s+)?(?:properties|hotels)"
                r"(?:\s+(?:are\s+there|do\s+we\s+have))?$",
                build=lambda m: c.ListProperties(),
                score=Score.ROOMS + 6,
            ),
        ),
    )
)
register(
    Entry(
        command=c.ListRoomTypes,
        topic="rooms",
        summary="List the room types of a property",
        examples=("room types", "list room types at Harbor View"),
        handler=sync_handler(list_room_types),
        rephrase=lambda cmd: f"room types{where(cmd.property_name)}",
        phrasings=(
            phrasing(
                r"^(?:list\s+|show\s+(?:me\s+)?)?(?:all\s+)?(?:the\s+)?room[\s-]?types(?:\s+(?:at|in|of|for)\s+(?P<prop>.+))?$",
                build=lambda m: c.ListRoomTypes(property_name=name_of(m["prop"])),
                score=Score.ROOMS + 5,
            ),
        ),
    )
)
register(
    Entry(
        command=c.ListRooms,
        topic="rooms",
        summary="List rooms, of a room type or a property",
        examples=(
            "rooms at Lakeside Chicago",
            "list rooms of room type Junior Suite at Harbor View",
        ),
        handler=sync_handler(list_rooms),
        rephrase=lambda cmd: (
            (f"rooms of room type {cmd.room_type}" if cmd.room_type else "rooms")
            + where(cmd.property_name)
        ),
        phrasings=(
            phrasing(
                r"^(?:list\s+|show\s+(?:me\s+)?)?(?:all\s+)?(?:the\s+)?rooms\s+(?:of|in|for)\s+(?:the\s+)?room[\s-]?type\s+(?P<rt>.+?)"
                r"(?:\s+(?:at|in)\s+(?P<prop>[A-Za-z].*))?$",
                r"^(?:list\s+|show\s+(?:me\s+)?)?(?:all\s+)?(?:the\s+)?rooms(?:\s+(?:at|in|of|for)\s+(?P<prop>.+))?$",
                build=lambda m: c.ListRooms(
                    room_type=name_of(m.groupdict().get("rt")), property_name=name_of(m["prop"])
                ),
                score=Score.ROOMS + 4,
            ),
        ),
    )
)
register(
    Entry(
        command=c.FindRoom,
        topic="rooms",
        summary="Find a room in every property",
        examples=("find room 204", "where is PH-1"),
        handler=sync_handler(find_room),
        rephrase=lambda cmd: f"find room {cmd.room}",
        phrasings=(
            phrasing(
                r"^(?:find|where\s+is|locate|search(?:\s+for)?|lookup|look\s+up)\s+(?:room\s+|rm\s+)?(?P<room>[^\s]+)$",
                build=lambda m: c.FindRoom(room=m["room"].lstrip("#")),
                score=Score.ROOMS + 3,
            ),
        ),
    )
)
