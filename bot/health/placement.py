"""Which property and ASP room an Alexa for Business device belongs to (see README.md here).

The rule: an A4B room name is "<prefix><room name>", where the prefix is a property's
`a4b_room_prefix` or, by default, "<property name> ". ASP room names have no spaces, so the room is
what follows the longest matching prefix; the ASP room id then comes from the index, by name within
that property. A device that matches no prefix, or whose room the index does not know, is unplaced.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.health.sites import Site
from bot.index.lookup import Index

# (property_id, room name) -> ASP room id, or None when the index has no such room
RoomResolver = Callable[[str, str], str | None]


@dataclass(frozen=True)
class Placement:
    property_id: str | None
    room_name: str | None
    room_id: str | None

    @property
    def placed(self) -> bool:
        return self.room_id is not None


UNPLACED = Placement(None, None, None)


def place(
    room_name_a4b: str | None, sites: Sequence[Site], resolver: RoomResolver | None
) -> Placement:
    if not room_name_a4b:
        return UNPLACED
    folded = room_name_a4b.casefold()
    best: Site | None = None
    for site in sites:
        prefix = site.room_prefix.casefold()
        if folded.startswith(prefix) and (best is None or len(prefix) > len(best.room_prefix)):
            best = site
    if best is None:
        return UNPLACED
    room = room_name_a4b[len(best.room_prefix) :].strip()
    if not room or " " in room:
        # ASP room names cannot hold spaces, so this is not "<prefix><room>" after all
        return Placement(best.property_id, None, None)
    room_id = resolver(best.property_id, room) if resolver is not None else None
    return Placement(best.property_id, room, room_id)


def index_room_resolver(index: Index) -> RoomResolver:
    """A resolver over the SQLite index (`Index.find_rooms(name, property_id=None)`).

    Only an exact (case-insensitive) name match counts: a fuzzy match would tie a device to the
    wrong room, which is worse than listing it as unplaced.
    """

    def resolve(property_id: str, room_name: str) -> str | None:
        wanted = room_name.casefold()
        refs = index.find_rooms(room_name, property_id=property_id)
        exact = [
            r
            for r in refs
            if str(getattr(r, "room_name", None) or getattr(r, "name", "")).casefold() == wanted
        ]
        ids = {str(getattr(r, "room_id", None) or getattr(r, "id", "")) for r in exact}
        return ids.pop() if len(ids) == 1 else None

    return resolve
