"""The plan of a change over a whole property or room type, said by its scope instead of its rooms.

`set all rooms at Bench Hotel to jazz` over a million rooms is one `ScopePlan`: the property (or
room type), the writes each room gets, and how many rooms there were. Its rooms are read from the
index a batch at a time, in room id order (`batch`), so nothing ever holds them all: the change
journal queues them chunk by chunk as the change runs (bot/core/changes/chunks.py), the first chunk before
the rest is read, and the audit entry records the scope (`targets`), not a million ids. The spec is
kept with the change (table change_plans), so crash recovery can queue what the dead process had not
(`from_spec`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from bot.core.ledger.journal import Planned
from bot.index.lookup import Index, ScopeRooms
from bot.json_types import JsonData, as_list, as_object, thaw

BATCH_ROOMS = 1000  # rooms read from the index at a time when a plan is listed whole


@dataclass(frozen=True)
class RoomWrite:
    """One write every room of the scope gets (a station change is one; a clear up to three)."""

    kind: str
    after: JsonData


@dataclass(frozen=True)
class ScopePlan:
    """Every room of a property (or of one of its room types), each with the same writes."""

    index: Index
    property_id: str
    room_type_id: str | None
    writes: tuple[RoomWrite, ...]
    rooms: int  # counted when the plan was made (the index may change while it runs)
    property_name: str

    @classmethod
    def of(cls, rooms: ScopeRooms, writes: Sequence[RoomWrite], property_name: str) -> ScopePlan:
        return cls(
            rooms.lookup,
            rooms.property_id,
            rooms.room_type_id,
            tuple(writes),
            len(rooms),
            property_name,
        )

    def __len__(self) -> int:
        return self.rooms * len(self.writes)

    def __iter__(self) -> Iterator[Planned]:
        """Every planned write, read a batch of rooms at a time (for small plans and readers)."""
        after: str | None = None
        while True:
            planned, after = self.batch(after, BATCH_ROOMS)
            yield from planned
            if after is None:
                return

    def batch(self, after: str | None, rooms: int) -> tuple[list[Planned], str | None]:
        """The writes of the next `rooms` rooms after room id `after`, and the last room id read
        (None once the scope has no more rooms)."""
        found, last = self.index.room_batch(self.property_id, self.room_type_id, after, rooms)
        planned = [
            Planned(room.room_id, room.room_name, room.property_name, write.kind, write.after)
            for room in found
            for write in self.writes
        ]
        return planned, last

    @property
    def targets(self) -> list[str]:
        """What the audit entry records instead of the rooms' ids: the scope (ScopeRooms.mark)."""
        return [ScopeRooms(self.index, self.property_id, self.room_type_id).mark]

    def listed(self) -> list[Planned]:
        """Every planned write at once, rooms in name order (a small plan, run as any change)."""
        rooms = ScopeRooms(self.index, self.property_id, self.room_type_id)
        return [
            Planned(room.room_id, room.room_name, room.property_name, write.kind, write.after)
            for room in rooms
            for write in self.writes
        ]

    def spec(self) -> str:
        """The plan as kept with its change (table change_plans), for `from_spec`."""
        return json.dumps(
            {
                "property_id": self.property_id,
                "room_type_id": self.room_type_id,
                "property_name": self.property_name,
                "rooms": self.rooms,
                "writes": [[w.kind, w.after] for w in self.writes],
            }
        )

    @classmethod
    def from_spec(cls, index: Index, spec: str) -> ScopePlan:
        data = as_object(json.loads(spec))
        room_type = data.get("room_type_id")
        writes = []
        for write in as_list(data.get("writes")):
            kind, after = as_list(write)
            writes.append(RoomWrite(str(kind), thaw(after)))
        rooms = data.get("rooms")
        return cls(
            index,
            str(data["property_id"]),
            str(room_type) if room_type is not None else None,
            tuple(writes),
            rooms if isinstance(rooms, int) else 0,
            str(data.get("property_name", "")),
        )


Plan = Sequence[Planned] | ScopePlan
