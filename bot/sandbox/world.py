"""The sandbox world: a JSON file of properties → room types → rooms → devices, and its state.

`World` is the file format (documented in WORLD.md). `WorldState` wraps one World with id
indexes and the mutations the hierarchy API performs; it mutates the World it was given in
place, so dumping the World always shows the current state. Everything here runs on the
sandbox's event loop thread.
"""

from __future__ import annotations

import base64
import builtins
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)

from bot.json_types import JsonObject

UNIT_ID_PREFIX = "amzn1.alexa.unit.did."
ENDPOINT_ID_PREFIX = "amzn1.alexa.endpoint."
ROOM_NAME_SPECIALS = frozenset("_-=#;:?@&")
ROOM_NAME_MAX = 256

Country = Literal["US", "UK", "FR"]
DeviceStatus = Literal["READY", "PENDING", "WAS_OFFLINE", "DEREGISTERED", "FAILED"]
ConnectionStatus = Literal["ONLINE", "OFFLINE"]
EventType = Literal["CONNECTION_STATUS", "DEVICE_STATUS"]

# Seed 003, "Provider and station ID reference": (country, providerId, stationId, description),
# all 40 rows.
STATION_TABLE: tuple[tuple[Country, str, str, str], ...] = (
    ("US", "I_HEART_RADIO", "4802", "American Top 40"),
    ("US", "I_HEART_RADIO", "4426", "Classic Rock (IHR_CLASSIC_ROCK)"),
    ("US", "I_HEART_RADIO", "4429", "Hip Hop (IHR_HIPHOP)"),
    ("US", "I_HEART_RADIO", "4422", "Pop (IHR_POP)"),
    ("US", "I_HEART_RADIO", "4418", "Country (IHR_COUNTRY)"),
    ("US", "I_HEART_RADIO", "7193", "Latin (IHR_LATIN)"),
    ("US", "I_HEART_RADIO", "5953", "Dance (IHR_DANCE)"),
    ("US", "I_HEART_RADIO", "5162", "Gospel (IHR_GOSPEL)"),
    ("US", "I_HEART_RADIO", "4242", "Jazz (IHR_JAZZ)"),
    ("US", "I_HEART_RADIO", "6377", "Classical (IHR_CLASSICAL)"),
    ("US", "I_HEART_RADIO", "4409", "Mix (IHR_MIX)"),
    ("US", "I_HEART_RADIO", "4717", "Oldies (IHR_OLDIES)"),
    ("US", "I_HEART_RADIO", "4447", "Alternative (IHR_ALTERNATIVE)"),
    ("US", "I_HEART_RADIO", "7312", "Wynn's Station (IHR_WYNN_MUSIC)"),
    ("UK", "TUNEIN", "s45300", "Jazz (TSF Jazz)"),
    ("UK", "TUNEIN", "s287575", "Relaxing ( The Relaxing Radio Show)"),
    ("UK", "TUNEIN", "s266086", "Meditation (Ambi Nature Radio)"),
    ("UK", "TUNEIN", "s243906", "MPR Classical Lullabies"),
    ("UK", "GLOBAL_PLAYER", "7946cba4-3a8c-424a-a2e5-e555bb8a09a3", "Pop (Smooth Thames Valley)"),
    ("UK", "GLOBAL_PLAYER", "c374b219-8b87-4c9f-aade-4704727b48bd", "Great Hits (from Gold)"),
    ("UK", "GLOBAL_PLAYER", "66a602fa-f80a-4c2f-9fab-26bb436c7376", "Country (Smooth Country)"),
    ("UK", "GLOBAL_PLAYER", "789e024c-6c90-4793-a54b-fd6be69d5274", "Classical (Classic FM)"),
    ("UK", "GLOBAL_PLAYER", "eee30e01-9a26-4e82-81a2-45012648baa3", "Rock ( Radio X London)"),
    ("UK", "GLOBAL_PLAYER", "5b08094f-59fa-41ba-8e81-78f0ad0b26db", "Dance (Heart Dance)"),
    ("UK", "GLOBAL_PLAYER", "5af71b40-104e-45ac-8940-c99418a5bafe", "Heart (Heart London)"),
    ("FR", "TUNEIN", "s16492", "Jazz (TSF Jazz)"),
    ("FR", "TUNEIN", "s287575", "Relaxing (The Relaxing Radio Show)"),
    ("FR", "TUNEIN", "s298983", "Smooth Jazz (Crooner Radio Lounge)"),
    ("FR", "TUNEIN", "s178199", "Pop (Pop Gold)"),
    ("FR", "TUNEIN", "s196675", "Country (Chris country FM)"),
    ("FR", "TUNEIN", "s107537", "Classical 102"),
    ("FR", "TUNEIN", "s257854", "Relaxing"),
    ("FR", "TUNEIN", "s266086", "Meditation (Ambi Nature Radio)"),
    ("FR", "TUNEIN", "s54693", "MPR Classical Lullabies"),
)

# (providerId, stationId) -> countries where the pair is listed. The sandbox accepts any listed
# pair in
# any room: seed 003 does not say that the API checks the pair against the unit's country.
STATION_PAIRS: dict[tuple[str, str], frozenset[Country]] = {}
for _country, _provider, _station, _ in STATION_TABLE:
    _key = (_provider, _station)
    STATION_PAIRS[_key] = STATION_PAIRS.get(_key, frozenset()) | {_country}


def is_valid_room_name(name: str) -> bool:
    """Seed 004: letters, digits and `_ - = # ; : ? @ &`, no spaces or periods, at most 256
    characters.
    """
    return 0 < len(name) <= ROOM_NAME_MAX and all(
        ch.isalnum() or ch in ROOM_NAME_SPECIALS for ch in name
    )


def new_unit_id() -> str:
    """A fresh random id in the ASP shape `amzn1.alexa.unit.did.<base32>`."""
    return UNIT_ID_PREFIX + base64.b32encode(uuid.uuid4().bytes).decode().rstrip("=")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Event(_Model):
    type: EventType
    value: str
    ago_s: int = Field(ge=0, description="seconds before the world's `now`")


class Device(_Model):
    serial: str
    name: str
    type: str
    arn: str
    endpointId: str
    softwareVersion: str = "1"
    macAddress: str = "00:00:00:00:00:00"
    status: DeviceStatus = "READY"
    connection: ConnectionStatus = "ONLINE"
    roomName: str | None = Field(
        default=None,
        description='A4B room name; derived as "<property name> <room name>" when absent',
    )
    events: list[Event] = Field(default_factory=list)
    aspReachable: bool | None = Field(
        default=None,
        description="what ASP's connectivity feature says (OK/UNREACHABLE); None: as `connection`",
    )

    @model_serializer(mode="wrap")
    def _without_unset_extras(self, handler: SerializerFunctionWrapHandler) -> JsonObject:
        # written only when set, so world files from before the field stay byte-identical
        data: JsonObject = handler(self)
        if data.get("aspReachable") is None:
            data.pop("aspReachable", None)
        return data


class Station(_Model):
    providerId: str
    stationId: str


class Room(_Model):
    id: str
    name: str
    station: Station | None = None
    alarms: int = Field(default=0, ge=0)
    reminders: int = Field(default=0, ge=0)
    timers: int = Field(default=0, ge=0)
    devices: list[Device] = Field(default_factory=list)
    aspOnlyDevices: list[Device] = Field(
        default_factory=list,
        description="ASP endpoints of the room that Alexa for Business does not know",
    )

    @model_serializer(mode="wrap")
    def _without_unset_extras(self, handler: SerializerFunctionWrapHandler) -> JsonObject:
        # written only when set, so world files from before the field stay byte-identical
        data: JsonObject = handler(self)
        if not data.get("aspOnlyDevices"):
            data.pop("aspOnlyDevices", None)
        return data

    @field_validator("name")
    @classmethod
    def _room_name(cls, value: str) -> str:
        if not is_valid_room_name(value):
            raise ValueError(f"invalid room name {value!r} (seed 004 rule)")
        return value


class RoomType(_Model):
    id: str
    name: str
    rooms: list[Room] = Field(default_factory=list)


class Property(_Model):
    id: str
    name: str
    country: Country = "US"
    timezone: str = "America/Los_Angeles"
    roomTypes: list[RoomType] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA timezone {value!r}") from exc
        return value


class LwaClient(_Model):
    client_id: str
    client_secret: str
    refresh_tokens: list[str] = Field(default_factory=list)


def _default_clients() -> list[LwaClient]:
    return [
        LwaClient(
            client_id="demo-client",
            client_secret="demo-secret",
            refresh_tokens=["Atzr|demo-refresh"],
        )
    ]


class LwaSettings(_Model):
    clients: list[LwaClient] = Field(default_factory=_default_clients)
    static_tokens: list[str] = Field(default_factory=lambda: ["Atza|sandbox-static-token"])
    rotate_refresh_token: bool = False


# The key pairs the sandbox accepts unless the world names its own: the one `bot sandbox serve`
# prints, and the AWS documentation's example key id the tests sign with.
DEFAULT_AWS_CREDENTIALS = {"sandbox": "sandbox", "AKIDEXAMPLE": "fake-secret-for-tests"}


class AwsSettings(_Model):
    """What the sandbox checks AWS signatures (SigV4) against."""

    credentials: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_AWS_CREDENTIALS),
        description="access key id -> secret access key",
    )
    region: str = Field(
        default="us-east-1",
        description="Customer Profiles' region (its host's); Alexa for Business is us-east-1 only",
    )


class Organization(_Model):
    id: str


class World(_Model):
    organization: Organization
    lwa: LwaSettings = Field(default_factory=LwaSettings)
    aws: AwsSettings = Field(default_factory=AwsSettings)
    now: datetime | None = Field(
        default=None, description="the instant event ages count back from; default: load time"
    )
    properties: list[Property] = Field(default_factory=list)
    unplacedDevices: list[Device] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> World:
        ids: set[str] = {self.organization.id}
        serials: set[str] = set()
        for prop in self.properties:
            for unit_id in _unit_ids(prop):
                if unit_id in ids:
                    raise ValueError(f"duplicate id {unit_id}")
                ids.add(unit_id)
            seen_names: set[str] = set()
            for room_type in prop.roomTypes:
                for room in room_type.rooms:
                    key = room.name.casefold()
                    if key in seen_names:
                        raise ValueError(f"room name {room.name!r} used twice in {prop.name!r}")
                    seen_names.add(key)
        for device in _all_devices(self):
            if device.serial in serials:
                raise ValueError(f"duplicate device serial {device.serial}")
            serials.add(device.serial)
        return self


def _unit_ids(prop: Property) -> Iterator[str]:
    yield prop.id
    for room_type in prop.roomTypes:
        yield room_type.id
        for room in room_type.rooms:
            yield room.id


def _all_devices(world: World) -> Iterator[Device]:
    for prop in world.properties:
        for room_type in prop.roomTypes:
            for room in room_type.rooms:
                yield from room.devices
                yield from room.aspOnlyDevices
    yield from world.unplacedDevices


def rename_a4b_rooms(world: World, name: Callable[[Property, Room, Device], str]) -> World:
    """A copy of `world` whose placed devices carry the A4B room names `name` gives (for worlds
    whose Alexa for Business rooms follow no naming convention)."""
    renamed = world.model_copy(deep=True)
    for prop in renamed.properties:
        for room_type in prop.roomTypes:
            for room in room_type.rooms:
                for device in room.devices:
                    device.roomName = name(prop, room, device)
    return renamed


def load_world(path: str | Path) -> World:
    """Read and validate a world file."""
    return World.model_validate_json(Path(path).read_text(encoding="utf-8"))


class WorldFileError(ValueError):
    """A world file that cannot be read or is not a valid world, said in one plain line."""


def read_world_file(path: str | Path) -> World:
    """`load_world` for people: a missing, unreadable or invalid file raises WorldFileError naming
    the file and the first problem (no errno, no pydantic link)."""
    try:
        return load_world(path)
    except FileNotFoundError:
        raise WorldFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise WorldFileError(f"{path}: is a folder, not a world file") from None
    except OSError as error:
        raise WorldFileError(f"{path}: cannot be read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise WorldFileError(f"{path}: not UTF-8 text") from None
    except ValidationError as error:
        raise WorldFileError(f"{path}: {_first_problem(error)}") from None


def _first_problem(error: ValidationError) -> str:
    problems = error.errors(include_url=False)
    first = problems[0]
    where = ".".join(str(part) for part in first["loc"])
    if first["type"] == "json_invalid":
        text = f"not valid JSON ({first['msg'].removeprefix('Invalid JSON: ')})"
    else:
        text = f"{where or 'the file'}: {first['msg']}"
    more = len(problems) - 1
    return text + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")


def save_world(world: World, path: str | Path) -> None:
    Path(path).write_text(world_json(world), encoding="utf-8")


def world_json(world: World) -> str:
    return world.model_dump_json(indent=1, exclude_none=False) + "\n"


@dataclass(frozen=True)
class PlacedDevice:
    """A device with where it is: property, room type and room are None for an unplaced device."""

    device: Device
    property: Property | None
    room_type: RoomType | None
    room: Room | None

    @builtins.property
    def room_name(self) -> str | None:
        """The Alexa-for-Business room name: explicit, else "<property name> <room name>"."""
        if self.device.roomName is not None:
            return self.device.roomName
        if self.property is None or self.room is None:
            return None
        return f"{self.property.name} {self.room.name}"


class WorldState:
    """One World with id indexes and the hierarchy mutations; the sandbox's single source of
    truth.
    """

    def __init__(self, world: World, *, loaded_at: datetime | None = None) -> None:
        self.world = world
        self.now: datetime = world.now or loaded_at or datetime.now(UTC)
        if self.now.tzinfo is None:
            self.now = self.now.replace(tzinfo=UTC)
        self.properties: dict[str, Property] = {}
        self.room_types: dict[str, RoomType] = {}
        self.rooms: dict[str, Room] = {}
        self._room_type_property: dict[str, str] = {}
        self._room_room_type: dict[str, str] = {}
        for prop in world.properties:
            self._index_property(prop)

    # -- indexes ---------------------------------------------------------------------------------
    def _index_property(self, prop: Property) -> None:
        self.properties[prop.id] = prop
        for room_type in prop.roomTypes:
            self._index_room_type(prop, room_type)

    def _index_room_type(self, prop: Property, room_type: RoomType) -> None:
        self.room_types[room_type.id] = room_type
        self._room_type_property[room_type.id] = prop.id
        for room in room_type.rooms:
            self.rooms[room.id] = room
            self._room_room_type[room.id] = room_type.id

    @property
    def organization_id(self) -> str:
        return self.world.organization.id

    def property_of_room_type(self, room_type_id: str) -> Property:
        return self.properties[self._room_type_property[room_type_id]]

    def room_type_of_room(self, room_id: str) -> RoomType:
        return self.room_types[self._room_room_type[room_id]]

    def property_of_room(self, room_id: str) -> Property:
        return self.property_of_room_type(self._room_room_type[room_id])

    def room_name_taken(self, prop: Property, name: str, *, except_room: str | None = None) -> bool:
        """Room names are unique per property, compared case-insensitively."""
        key = name.casefold()
        return any(
            room.name.casefold() == key and room.id != except_room
            for room_type in prop.roomTypes
            for room in room_type.rooms
        )

    # -- mutations (the hierarchy API) -------------------------------------------------------------
    def create_property(self, name: str) -> Property:
        prop = Property(id=new_unit_id(), name=name)
        self.world.properties.append(prop)
        self._index_property(prop)
        return prop

    def create_room_type(self, property_id: str, name: str) -> RoomType:
        prop = self.properties[property_id]
        room_type = RoomType(id=new_unit_id(), name=name)
        prop.roomTypes.append(room_type)
        self._index_room_type(prop, room_type)
        return room_type

    def create_room(self, room_type_id: str, name: str) -> Room:
        room_type = self.room_types[room_type_id]
        room = Room(id=new_unit_id(), name=name)
        room_type.rooms.append(room)
        self.rooms[room.id] = room
        self._room_room_type[room.id] = room_type_id
        return room

    def delete_property(self, property_id: str) -> None:
        prop = self.properties.pop(property_id)
        self.world.properties.remove(prop)

    def delete_room_type(self, room_type_id: str) -> None:
        prop = self.property_of_room_type(room_type_id)
        room_type = self.room_types.pop(room_type_id)
        del self._room_type_property[room_type_id]
        prop.roomTypes.remove(room_type)

    def delete_room(self, room_id: str) -> None:
        room_type = self.room_type_of_room(room_id)
        room = self.rooms.pop(room_id)
        del self._room_room_type[room_id]
        room_type.rooms.remove(room)

    # -- devices (for the Alexa-for-Business handlers and the digest) ------------------------------
    def iter_devices(self) -> Iterator[PlacedDevice]:
        """Every device, placed ones in world order first, then the unplaced ones."""
        for prop in self.world.properties:
            for room_type in prop.roomTypes:
                for room in room_type.rooms:
                    for device in room.devices:
                        yield PlacedDevice(device, prop, room_type, room)
        for device in self.world.unplacedDevices:
            yield PlacedDevice(device, None, None, None)

    def find_device(self, key: str) -> PlacedDevice | None:
        """A device by ARN, serial number or endpoint id."""
        for placed in self.iter_devices():
            dev = placed.device
            if key in (dev.arn, dev.serial, dev.endpointId):
                return placed
        return None

    def event_time(self, event: Event) -> datetime:
        return self.now - timedelta(seconds=event.ago_s)

    def device_events(
        self, device: Device, event_type: EventType | None = None
    ) -> list[tuple[datetime, Event]]:
        """A device's events with absolute times, newest first (the order ListDeviceEvents uses)."""
        events = [e for e in device.events if event_type is None or e.type == event_type]
        events.sort(key=lambda e: e.ago_s)
        return [(self.event_time(e), e) for e in events]

    def dump_json(self) -> str:
        return world_json(self.world)
