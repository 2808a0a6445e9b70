"""Deterministic generator of the demo world: `python -m bot.sandbox.demo` rewrites it.

The world is a four-hotel chain whose device health tells a fixed story (WORLD.md lists it):
the same seed and code always give byte-identical JSON, so tests and the digest can count on
exact numbers.
"""

from __future__ import annotations

import base64
import hashlib
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.sandbox.world import (
    ENDPOINT_ID_PREFIX,
    STATION_TABLE,
    UNIT_ID_PREFIX,
    Country,
    Device,
    Event,
    Organization,
    Property,
    Room,
    RoomType,
    Station,
    World,
    load_world,
    rename_a4b_rooms,
    save_world,
)

DEMO_WORLD_PATH = Path(__file__).parent / "worlds" / "demo.json"
SEED = 20240611
HOUR = 3600
DAY = 24 * HOUR

# How many placed devices fall in each health category (see WORLD.md).
OFFLINE_2H = 8
OFFLINE_30H = 5
OFFLINE_4D = 2
FLAPPING = 3
RECOVERED = 3

DEVICE_TYPES = (
    ("A4ZP7ZC4PI6TO", "Echo Show 5"),
    ("A2JKHJ0PX4J3L3", "Echo Show 8"),
    ("A32DOYMUN6DTXA", "Echo Dot"),
)
ARN_PREFIX = "arn:aws:a4b:us-east-1:123456789012:device/"
SOFTWARE_VERSIONS = ("8289044612", "8627123972", "8995432836")


def _hash(*parts: str, length: int = 32) -> str:
    digest = hashlib.sha256(":".join(("demo", *parts)).encode()).digest()
    return base64.b32encode(digest).decode()[:length]


def unit_id(*parts: str) -> str:
    return UNIT_ID_PREFIX + _hash(*parts)


@dataclass(frozen=True)
class PropertyPlan:
    name: str
    short: str
    country: Country
    timezone: str
    floors: int
    rooms_per_floor: int
    # room type name -> rule picking room numbers (1-based index on the floor) into it
    bands: tuple[tuple[str, Callable[[int], bool]], ...]
    extras: tuple[tuple[str, str], ...]  # (room type name, room name) beyond the numbered floors
    empty_room_types: tuple[str, ...] = ()


PLANS = (
    PropertyPlan(
        "Harbor View Seattle",
        "HVS",
        "US",
        "America/Los_Angeles",
        5,
        20,
        (
            ("Standard Queen", lambda n: n <= 8),
            ("Deluxe King", lambda n: 9 <= n <= 16),
            ("Junior Suite", lambda n: n >= 17),
        ),
        (("Penthouse", "PH-1"), ("Penthouse", "PH-2")),
    ),
    PropertyPlan(
        "Lakeside Chicago",
        "LSC",
        "US",
        "America/Chicago",
        4,
        20,
        (
            ("Standard Queen", lambda n: n <= 8),
            ("Deluxe King", lambda n: 9 <= n <= 16),
            ("Junior Suite", lambda n: n >= 17),
        ),
        (("Junior Suite", "S303"), ("Junior Suite", "S304")),
        empty_room_types=("Accessible King",),
    ),
    PropertyPlan(
        "Kensington Gardens London",
        "KGL",
        "UK",
        "Europe/London",
        4,
        18,
        (
            ("Classic Double", lambda n: n <= 8),
            ("Deluxe King", lambda n: 9 <= n <= 14),
            ("Junior Suite", lambda n: n >= 15),
        ),
        (("Penthouse", "PH-1"),),
    ),
    PropertyPlan(
        "Rive Gauche Paris",
        "RGP",
        "FR",
        "Europe/Paris",
        3,
        20,
        (
            ("Classic Double", lambda n: n <= 10),
            ("Deluxe King", lambda n: 11 <= n <= 17),
            ("Junior Suite", lambda n: n >= 18),
        ),
        (("Atelier Loft", "L-1"), ("Atelier Loft", "L-2")),
    ),
)


@dataclass
class HealthStory:
    """Device serial numbers per health category, as generated (the source of WORLD.md's table)."""

    offline_2h: list[str] = field(default_factory=list)
    offline_30h: list[str] = field(default_factory=list)
    offline_4d: list[str] = field(default_factory=list)
    flapping: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)


def _device(rng: random.Random, key: str, label: str) -> Device:
    type_code, model = DEVICE_TYPES[int(_hash(key, "type", length=2), 36) % len(DEVICE_TYPES)]
    serial = "G0" + _hash(key, "serial", length=14)
    mac = bytes.fromhex(hashlib.sha256(f"mac:{key}".encode()).hexdigest()[:6])
    registered = rng.randint(20 * DAY, 29 * DAY)
    return Device(
        serial=serial,
        name=f"{label} {model}",
        type=type_code,
        arn=f"{ARN_PREFIX}{_hash(key, 'arn', length=24).lower()}/{serial}",
        endpointId=ENDPOINT_ID_PREFIX + _hash(key, "endpoint", length=40),
        softwareVersion=SOFTWARE_VERSIONS[rng.randrange(len(SOFTWARE_VERSIONS))],
        macAddress="74:C2:46:" + ":".join(f"{b:02X}" for b in mac),
        events=[
            Event(type="DEVICE_STATUS", value="READY", ago_s=registered + 60),
            Event(type="CONNECTION_STATUS", value="ONLINE", ago_s=registered),
        ],
    )


def _go_offline(device: Device, ago_s: int) -> None:
    device.connection = "OFFLINE"
    device.events.append(Event(type="CONNECTION_STATUS", value="OFFLINE", ago_s=ago_s))


def _transitions(device: Device, ago_list: list[int]) -> None:
    """Alternate OFFLINE/ONLINE at these ages (oldest first), ending ONLINE when the count is
    even.
    """
    for i, ago in enumerate(ago_list):
        value = "OFFLINE" if i % 2 == 0 else "ONLINE"
        device.events.append(Event(type="CONNECTION_STATUS", value=value, ago_s=ago))
    device.connection = "OFFLINE" if len(ago_list) % 2 else "ONLINE"


def build_demo() -> tuple[World, HealthStory]:
    rng = random.Random(SEED)
    catalog: dict[Country, list[tuple[str, str]]] = {}
    for country, provider, station, _ in STATION_TABLE:
        catalog.setdefault(country, []).append((provider, station))
    properties: list[Property] = []
    for plan in PLANS:
        room_types: dict[str, RoomType] = {}

        def room_type(
            name: str, plan: PropertyPlan = plan, room_types: dict[str, RoomType] = room_types
        ) -> RoomType:
            if name not in room_types:
                room_types[name] = RoomType(id=unit_id(plan.short, "rt", name), name=name)
            return room_types[name]

        for band_name, _ in plan.bands:
            room_type(band_name)
        for name in plan.empty_room_types:
            room_type(name)
        numbered = [
            (floor, n)
            for floor in range(1, plan.floors + 1)
            for n in range(1, plan.rooms_per_floor + 1)
        ]
        for floor, n in numbered:
            band = next(name for name, rule in plan.bands if rule(n))
            name = f"{floor}{n:02d}"
            room_type(band).rooms.append(Room(id=unit_id(plan.short, "room", name), name=name))
        for type_name, name in plan.extras:
            room_type(type_name).rooms.append(Room(id=unit_id(plan.short, "room", name), name=name))
        prop = Property(
            id=unit_id(plan.short, "property"),
            name=plan.name,
            country=plan.country,
            timezone=plan.timezone,
            roomTypes=list(room_types.values()),
        )
        for rt in prop.roomTypes:
            for room in rt.rooms:
                label = f"{plan.short}-{room.name}"
                draw = rng.random()
                count = 2 if draw < 0.03 else 1 if draw < 0.88 else 0
                room.devices = [
                    _device(rng, f"{label}#{i}", label if i == 0 else f"{label} bedside")
                    for i in range(count)
                ]
                if rng.random() < 0.15:
                    provider, station = rng.choice(catalog[plan.country])
                    room.station = Station(providerId=provider, stationId=station)
                if rng.random() < 0.10:
                    room.alarms = rng.randint(1, 3)
                if rng.random() < 0.05:
                    room.reminders = rng.randint(1, 2)
                if rng.random() < 0.03:
                    room.timers = 1
        properties.append(prop)

    story = HealthStory()
    rooms = [room for prop in properties for rt in prop.roomTypes for room in rt.rooms]
    # The mixed-failure room: one device offline for 2 h, the other FAILED but online, with alarms,
    # so that deleting its alarms answers 500 with two different reasons (seed 003).
    mixed = next(room for room in rooms if len(room.devices) == 2)
    mixed.alarms = 2
    _go_offline(mixed.devices[0], 2 * HOUR + 300)
    story.offline_2h.append(mixed.devices[0].serial)
    failed = mixed.devices[1]
    failed.status = "FAILED"
    failed.events.append(Event(type="DEVICE_STATUS", value="FAILED", ago_s=3 * HOUR))
    story.failed.append(failed.serial)

    candidates = [room.devices[0] for room in rooms if len(room.devices) == 1]
    picked = rng.sample(
        candidates, OFFLINE_2H - 1 + OFFLINE_30H + OFFLINE_4D + FLAPPING + RECOVERED
    )
    for i, device in enumerate(picked[: OFFLINE_2H - 1]):
        _go_offline(device, 2 * HOUR + rng.randint(0, 900))
        story.offline_2h.append(device.serial)
        if i < 3:  # offline rooms with alarms: deleting them answers 504 DEVICE_NOT_REACHABLE
            owner = next(room for room in rooms if device in room.devices)
            owner.alarms = max(owner.alarms, 2)
    rest = picked[OFFLINE_2H - 1 :]
    for device in rest[:OFFLINE_30H]:
        _go_offline(device, 30 * HOUR + rng.randint(0, 1800))
        story.offline_30h.append(device.serial)
    rest = rest[OFFLINE_30H:]
    for device in rest[:OFFLINE_4D]:
        _go_offline(device, 4 * DAY + rng.randint(0, 3600))
        story.offline_4d.append(device.serial)
    rest = rest[OFFLINE_4D:]
    for device in rest[:FLAPPING]:
        ages = [22, 21, 16, 15, 6, 5]
        _transitions(device, [h * HOUR - rng.randint(0, 1200) for h in ages])
        story.flapping.append(device.serial)
    rest = rest[FLAPPING:]
    for device in rest[:RECOVERED]:
        _transitions(device, [14 * HOUR + rng.randint(0, 1800), 9 * HOUR + rng.randint(0, 1800)])
        story.recovered.append(device.serial)

    _echo_in_204(properties[0])
    properties.append(_named_property())
    unplaced = [_device(rng, f"unplaced#{i}", f"Spare {i + 1}") for i in range(2)]
    story.unplaced = [d.serial for d in unplaced]
    for device in (*(d for room in rooms for d in room.devices), *unplaced):
        device.events.sort(key=lambda e: -e.ago_s)  # oldest first: reads like a log in the file
    world = World(
        organization=Organization(id=UNIT_ID_PREFIX + "DEMOORG" + _hash("org", length=25)),
        properties=properties,
        unplacedDevices=unplaced,
    )
    return world, story


# A lodge whose rooms are named, not numbered (issue 17), with a room type named with a generic
# word ("Garden Room"). Built after the health story with its own random source, so the four
# numbered hotels and their story stay exactly as they were; its devices are all online.
NAMED_PROPERTY = "Alpine Lodge Aspen"
NAMED_ROOMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Villa", ("villa-1", "villa-2", "villa-3", "villa-4", "villa-5", "villa-6")),
    ("Garden Room", ("Orchid", "Lotus", "Edelweiss", "Garden_Loft")),
    ("Penthouse Suite", ("PH#1", "PH#2")),
    ("Presidential Suite", ("Tower-East-4", "Tower-West-4")),
)


def _echo_in_204(harbor_view: Property) -> None:
    """Room 204 of Harbor View Seattle, the README's and help's example room, has an Echo (added
    after the health story, so the story's numbers stay; it is online)."""
    room = next(r for rt in harbor_view.roomTypes for r in rt.rooms if r.name == "204")
    if not room.devices:
        room.devices = [_device(random.Random(f"{SEED}:HVS-204"), "HVS-204", "HVS-204")]


def _named_property() -> Property:
    rng = random.Random(f"{SEED}:{NAMED_PROPERTY}")
    room_types = []
    for type_name, names in NAMED_ROOMS:
        rooms = []
        for name in names:
            label = f"AL-{name}"
            rooms.append(
                Room(
                    id=unit_id("ALA", "room", name),
                    name=name,
                    # the last room has no Echo yet (an ASP-only one in the unconventional world)
                    devices=[] if name == "Tower-West-4" else [_device(rng, label, label)],
                )
            )
        room_types.append(RoomType(id=unit_id("ALA", "rt", type_name), name=type_name, rooms=rooms))
    return Property(
        id=unit_id("ALA", "property"),
        name=NAMED_PROPERTY,
        country="US",
        timezone="America/Denver",
        roomTypes=room_types,
    )


def build_demo_world() -> World:
    return build_demo()[0]


def unconventional_room_name(prop: Property, room: Room, device: Device) -> str:
    """An A4B room name as an installer might type it, matching no "<property> <room>" rule."""
    initials = "".join(word[0] for word in prop.name.split())
    return f"Guest Rm {room.name} ({initials})"


def build_unconventional_world(world: World | None = None) -> World:
    """The demo world whose A4B room names follow no convention (devices are tied to rooms by
    serial only), plus one ASP-only device (Alexa for Business does not know it) in the first
    room without devices of each property."""
    renamed = rename_a4b_rooms(world or load_demo_world(), unconventional_room_name)
    for prop in renamed.properties:
        rooms = [room for rt in prop.roomTypes for room in rt.rooms]
        empty = next((room for room in rooms if not room.devices), None)
        if empty is not None:
            key = f"{prop.name}/{empty.name}/asp-only"
            device = _device(random.Random(key), key, f"{prop.name.split()[0]}-{empty.name}")
            empty.aspOnlyDevices = [device]
    return renamed


def load_demo_world() -> World:
    """The committed demo world, freshly loaded (each call returns a new, independent World)."""
    return load_world(DEMO_WORLD_PATH)


def story_markdown(world: World, story: HealthStory) -> str:
    where = {}
    for prop in world.properties:
        for rt in prop.roomTypes:
            for room in rt.rooms:
                for device in room.devices:
                    where[device.serial] = f"{prop.name} / {room.name}"
    lines = ["| category | serial | property / room |", "|---|---|---|"]
    for category, serials in vars(story).items():
        for serial in serials:
            lines.append(f"| {category} | {serial} | {where.get(serial, '(unplaced)')} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """`python -m bot.sandbox.demo [PATH]` rewrites the demo world; with `--unconventional PATH`
    it writes the demo world whose A4B room names follow no convention instead."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--unconventional"]:
        target = (
            Path(args[1]) if len(args) > 1 else DEMO_WORLD_PATH.with_name("unconventional.json")
        )
        save_world(build_unconventional_world(), target)
        print(f"wrote {target}: the demo world with A4B room names like 'Guest Rm 204 (HVS)'")
        return
    path = Path(args[0]) if args else DEMO_WORLD_PATH
    world, story = build_demo()
    save_world(world, path)
    rooms = sum(len(rt.rooms) for p in world.properties for rt in p.roomTypes)
    devices = sum(len(r.devices) for p in world.properties for rt in p.roomTypes for r in rt.rooms)
    print(
        f"wrote {path}: {len(world.properties)} properties, {rooms} rooms, {devices} placed devices"
    )
    print(story_markdown(world, story))


if __name__ == "__main__":
    main()
