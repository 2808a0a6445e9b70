"""The commands the bot understands, as plain data: what the parser produces and the engine executes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    FRONT_DESK = "front_desk"
    ENGINEER = "engineer"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return {"front_desk": 1, "engineer": 2, "admin": 3}[self.value]

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


class AlertKind(StrEnum):
    ALARMS = "alarms"
    REMINDERS = "reminders"
    TIMERS = "timers"


@dataclass(frozen=True)
class Target:
    """Which rooms a command is about, as typed; the resolver turns it into rooms of the index."""

    rooms: tuple[str, ...] = ()  # explicit room names, ranges already expanded
    room_range: tuple[str, str] | None = None  # as typed, for messages ("101-110")
    room_type: str | None = None
    property_name: str | None = None
    all_rooms: bool = False
    # "the penthouse": one room of the room type (asked which when it has several), not all of them
    one: bool = False
    # "all villas except villa-5": rooms of the room type or the property left out, by name
    excluded: tuple[str, ...] = ()

    def describe(self) -> str:
        where = f" at {self.property_name}" if self.property_name else ""
        but = f" except {', '.join(self.excluded)}" if self.excluded else ""
        if self.all_rooms:
            return f"all rooms{where}{but}"
        if self.room_type:
            return f"{'the ' if self.one else 'room type '}{self.room_type}{where}{but}"
        if self.room_range:
            return f"rooms {self.room_range[0]}-{self.room_range[1]}{where}"
        if len(self.rooms) == 1:
            return f"room {self.rooms[0]}{where}"
        return "rooms " + ", ".join(self.rooms) + where


def _registry_not_loaded(command: Command) -> bool:
    raise RuntimeError(
        "bot.core.shared.registry is not imported: it says which commands are writes"
    )


# Which commands change something is the registry's policy (bot/core/shared/registry.py). The registry imports
# this module, so it installs its answer here instead of this module importing it (no import cycle).
_mutating_policy: Callable[[Command], bool] = _registry_not_loaded


def use_mutating_policy(policy: Callable[[Command], bool]) -> None:
    global _mutating_policy
    _mutating_policy = policy


@dataclass(frozen=True)
class Command:
    """Base of every command. `name` keys the help and the audit."""

    @property
    def name(self) -> str:
        return type(self).__name__

    @property
    def mutating(self) -> bool:
        """Whether it changes something: its registry entry's policy (bot/core/shared/registry.py)."""
        return _mutating_policy(self)


@dataclass(frozen=True)
class SetStation(Command):
    target: Target
    station: str
    expected: str | None = None  # "from jazz to pop": the station the rooms are said to play now


@dataclass(frozen=True)
class AskStation(Command):
    target: Target


@dataclass(frozen=True)
class ListStations(Command):
    where: str | None = None  # a property or a country code
    station: str | None = None  # `is jazz available in London?`: whether this one is offered


@dataclass(frozen=True)
class ClearAlerts(Command):
    target: Target
    kinds: tuple[AlertKind, ...] = (AlertKind.ALARMS,)
    # Said before the yes it then always asks for ("I can only clear all alarms of a room"); not compared.
    note: str = field(default="", compare=False)


@dataclass(frozen=True)
class ListProperties(Command):
    pass


@dataclass(frozen=True)
class ListRoomTypes(Command):
    property_name: str | None = None


@dataclass(frozen=True)
class ListRooms(Command):
    room_type: str | None = None
    property_name: str | None = None


@dataclass(frozen=True)
class FindRoom(Command):
    room: str


class Level(StrEnum):
    PROPERTY = "property"
    ROOM_TYPE = "room type"
    ROOM = "room"


@dataclass(frozen=True)
class AddUnit(Command):
    level: Level
    unit_name: str
    parent: str | None = None  # room type of a new room
    property_name: str | None = None


@dataclass(frozen=True)
class RenameUnit(Command):
    level: Level
    old: str
    new: str
    property_name: str | None = None


@dataclass(frozen=True)
class DeleteUnit(Command):
    level: Level
    unit_name: str
    property_name: str | None = None


@dataclass(frozen=True)
class Help(Command):
    topic: str | None = None


@dataclass(frozen=True)
class Undo(Command):
    token: str | None = None  # the change id a button names; None: my latest change here
    room: str | None = None  # `undo 204`: my latest change that touched this room


@dataclass(frozen=True)
class Confirm(Command):
    token: str | None = None


@dataclass(frozen=True)
class Cancel(Command):
    token: str | None = None


@dataclass(frozen=True)
class RetryFailed(Command):
    token: str | None = None


@dataclass(frozen=True)
class Choose(Command):
    """The answer to a "did you mean" question: run `text` instead (carried by buttons)."""

    text: str


@dataclass(frozen=True)
class Sync(Command):
    devices: bool = False
    property_name: str | None = None


@dataclass(frozen=True)
class ShowAudit(Command):
    limit: int = 10


@dataclass(frozen=True)
class OfflineDevices(Command):
    property_name: str | None = None
    everywhere: bool = False  # every property, even in a channel bound to one


@dataclass(frozen=True)
class UnplacedDevices(Command):
    """Devices that belong to no room of the index."""


@dataclass(frozen=True)
class RoomDevices(Command):
    target: Target = field(default_factory=Target)
    serial: str | None = None  # `status G0A7…`: one device by its serial number


@dataclass(frozen=True)
class EchoOnline(Command):
    """Front desk's read-only question: is the Echo of this room online?"""

    target: Target


@dataclass(frozen=True)
class SmallTalk(Command):
    """Not a command: a greeting, thanks, a goodbye or a negation ("don't set 210 to jazz")."""

    kind: str  # "greeting" | "thanks" | "bye" | "negation"


@dataclass(frozen=True)
class NotDone(Command):
    """Understood but not done as typed (bot/core/commands/cmd_not_done.py says why); `understood` says back
    what the bot read and is not compared (a rephrasing reads back to the same reason)."""

    reason: str
    understood: str = field(default="", compare=False)
    unfollowed: tuple[str, ...] = field(default=(), compare=False)  # words not understood


@dataclass(frozen=True)
class DeviceHistory(Command):
    subject: str
    days: int = 7


@dataclass(frozen=True)
class Flapping(Command):
    hours: int = 24
    property_name: str | None = None  # None: the channel's property, else all


@dataclass(frozen=True)
class Uptime(Command):
    property_name: str | None = None
    days: int = 7


@dataclass(frozen=True)
class ShowDigest(Command):
    property_name: str | None = None


@dataclass(frozen=True)
class SetProfile(Command):
    """`set profile Lobby max volume 7`: one room-profile setting (bot/core/commands/profiles.py runs it)."""

    profile: str
    setting: str  # a key of profile_settings.SETTINGS
    value: str  # as typed


@dataclass(frozen=True)
class SetPropertyPlace(Command):
    """`set <property> country UK timezone Europe/London` (bot/core/commands/property_place.py runs it)."""

    property_name: str
    country: str | None = None
    timezone: str | None = None


@dataclass(frozen=True)
class Parsed:
    """What the parser made of a message: a command, and whether it is only a preview."""

    command: Command
    preview: bool = False
    notes: tuple[str, ...] = field(default=())
