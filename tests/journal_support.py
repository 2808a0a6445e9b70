"""A small world for the change-journal tests: one US property, 12 rooms that all have a station."""

from __future__ import annotations

from bot.sandbox.world import Organization, Property, Room, RoomType, Station, World

ORG = "amzn1.alexa.unit.did.JOURNALORG"
HOTEL = "Harbor"
JAZZ = {"providerId": "I_HEART_RADIO", "stationId": "4242"}
# Rooms start on different stations, so undo has something distinct to put back in each.
STARTING = [
    Station(providerId="I_HEART_RADIO", stationId=s) for s in ("4422", "4418", "7193", "4717")
]


def uid(name: str) -> str:
    return f"amzn1.alexa.unit.did.{name}"


def room_id(name: str) -> str:
    return uid(f"R{name}")


def journal_world(rooms: int = 12) -> World:
    """Rooms 301.. (ids ...R301..), each on one of four stations, none on jazz."""
    return World(
        organization=Organization(id=ORG),
        properties=[
            Property(
                id=uid("HARBOR"),
                name=HOTEL,
                country="US",
                timezone="UTC",
                roomTypes=[
                    RoomType(
                        id=uid("KING"),
                        name="King",
                        rooms=[
                            Room(
                                id=room_id(str(301 + n)),
                                name=str(301 + n),
                                station=STARTING[n % len(STARTING)],
                                alarms=2,
                            )
                            for n in range(rooms)
                        ],
                    )
                ],
            )
        ],
    )


def stations_of(world_rooms: list[Room]) -> dict[str, dict[str, str] | None]:
    return {r.name: (r.station.model_dump() if r.station else None) for r in world_rooms}
