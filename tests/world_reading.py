"""What the bot does with a message in any world, in the corpus's neutral form, fast (no HTTP).

`WorldReader(world)` builds the index of a sandbox world (a dict in bot/sandbox/WORLD.md format) in
memory, straight from the dict, and wires the real engine over it: understanding, follow-up
questions, resolution, access and the handlers' decisions (confirm or run) all run as in production.
Only the last step is cut: where a handler would start writing to Amazon (`run_change`), the
planned writes are recorded instead, so `read` sees exactly the rooms, property and value a change
would write. Reads are not run either: their target is resolved the way their handler resolves it.

The neutral form (see tests/corpus/README.md):
- `{"intent": "set_station", "rooms": [...], "property": ..., "station": display name}`;
- `{"intent": "clear_alerts", "rooms": [...], "property": ..., "kinds": [...]}`;
- `{"intent": "ask_station", "rooms": [...], "property": ...}` and the other intents of the corpus;
- `{"ask": "station" | "room" | "property" | "which"}` for a question back, `{"ask": "confirm",
  "intent": ..., <slots>}` for a yes/no (the slots are what `yes` would run);
- `{"intent": "none"}`: nothing changes and the bot answers (not understood, refused, cannot do).
Rooms are sorted, named exactly as in the world.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import sqlite3
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from bot.clock import FakeClock
from bot.core.access.access import Access
from bot.core.access.context import Ctx, Message
from bot.core.access.resolve import Resolver, Rooms
from bot.core.access.services import Services
from bot.core.commands import alerts as alerts_module
from bot.core.commands import stations as stations_module
from bot.core.conversation.engine import Engine
from bot.core.ledger.audit import AuditLog
from bot.core.ledger.journal import Planned
from bot.core.shared import commands as c
from bot.core.shared.replies import Reply, ReplyKind
from bot.index.catalog import default_catalog
from bot.index.db import open_index
from bot.index.lookup import Index
from bot.json_types import as_object, thaw
from bot.settings import BotConfig, PropertyConfig, RolesConfig

__all__ = ["WorldReader", "channel_of"]

USER = "world-reader"
_START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def channel_of(property_name: str) -> str:
    """The chat channel bound to a property (as the corpus test binds them)."""
    return "desk-" + property_name.lower().replace(" ", "-")


# --- the cut before Amazon: run_change records the planned writes when a reader is active ----------


@dataclass
class _Written:
    command: c.Command
    planned: list[Planned]
    # the later parts of one message holding several requests (bot/core/conversation/compound.py)
    more: list[_Written] = field(default_factory=list)


class _Captured(Exception):
    """Raised where the first write to Amazon would start; carries what it would write."""

    def __init__(self, written: _Written) -> None:
        super().__init__("captured")
        self.written = written


_CAPTURING: contextvars.ContextVar[bool] = contextvars.ContextVar("world_reading", default=False)


def _cut(original: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    async def run_change(ctx: Ctx, planned: list[Planned], *args: Any, **kwargs: Any) -> Any:
        if not _CAPTURING.get():
            return await original(ctx, planned, *args, **kwargs)
        raise _Captured(_Written(ctx.command, list(planned)))

    run_change.__wrapped__ = original  # type: ignore[attr-defined]
    return run_change


for _module in (stations_module, alerts_module):
    _names = vars(_module)  # a module's namespace: where its handlers look `run_change` up
    if not hasattr(_names["run_change"], "__wrapped__"):
        _names["run_change"] = _cut(_names["run_change"])


class _NoAmazon:
    """The ASP client of a reader: every call fails at once (a miss never refreshes from Amazon)."""

    def __getattr__(self, name: str) -> Any:
        async def call(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError(f"no Amazon in a world reader ({name})")

        return call


# --- the index of a world, in memory ---------------------------------------------------------------

_TEMPLATE: sqlite3.Connection | None = None


def _fresh_database() -> sqlite3.Connection:
    """An empty migrated database with the catalog, copied from one built once (fast)."""
    global _TEMPLATE
    if _TEMPLATE is None:
        _TEMPLATE = open_index(":memory:").conn
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    _TEMPLATE.backup(conn)
    return conn


def _index_of(world: dict[str, Any]) -> Index:
    from sqlite_utils import Database

    index = Index(Database(_fresh_database()), clock=FakeClock(_START))
    organization = str(world.get("organization", {}).get("id", "org"))
    ids = itertools.count(1)
    for prop in world.get("properties", []):
        pid = str(prop.get("id") or f"p{next(ids)}")
        room_types: list[tuple[str, str]] = []
        rooms: list[tuple[str, str, str]] = []
        for room_type in prop.get("roomTypes", []):
            tid = str(room_type.get("id") or f"t{next(ids)}")
            room_types.append((tid, str(room_type["name"])))
            for room in room_type.get("rooms", []):
                rooms.append((str(room.get("id") or f"r{next(ids)}"), str(room["name"]), tid))
        index.replace_property(
            pid,
            str(prop["name"]),
            organization_id=organization,
            country=str(prop.get("country", "US")),
            timezone=str(prop.get("timezone", "UTC")),
            room_types=room_types,
            rooms=rooms,
        )
    return index


def _config(world: dict[str, Any]) -> BotConfig:
    props = [
        PropertyConfig(
            name=str(p["name"]),
            country=str(p.get("country", "US")),
            timezone=str(p.get("timezone", "UTC")),
            channels=[channel_of(str(p["name"]))],
        )
        for p in world.get("properties", [])
    ]
    return BotConfig(properties=props, roles=RolesConfig(admin=["*"]))


# --- the neutral form ------------------------------------------------------------------------------

_INTENTS: dict[type[c.Command], str] = {
    c.SetStation: "set_station",
    c.AskStation: "ask_station",
    c.ListStations: "list_stations",
    c.ClearAlerts: "clear_alerts",
    c.ListProperties: "list_properties",
    c.ListRoomTypes: "list_room_types",
    c.ListRooms: "list_rooms",
    c.FindRoom: "find_room",
    c.Undo: "undo",
    c.RetryFailed: "retry_failed",
    c.Confirm: "confirm",
    c.Cancel: "cancel",
    c.Help: "help",
    c.RoomDevices: "device_status",
    c.OfflineDevices: "offline_devices",
    c.UnplacedDevices: "unplaced_devices",
    c.DeviceHistory: "device_history",
    c.Flapping: "flapping",
    c.Uptime: "uptime",
    c.ShowDigest: "digest",
    c.EchoOnline: "echo_online",
}


def _intent(command: c.Command) -> str:
    if isinstance(command, c.SmallTalk):
        return {"greeting": "greeting", "thanks": "thanks", "bye": "greeting"}.get(
            command.kind, "none"
        )
    if isinstance(command, c.NotDone):
        return "none"
    return _INTENTS.get(type(command), type(command).__name__)


def ask_of(reply: Reply) -> str:
    """What a question back asks for, from its wording."""
    text = reply.headline.lower()
    if text.startswith("clear what"):
        return "which"
    if "which room" in text:
        return "room"
    if "exists in" in text or "exists at" in text or "propert" in text or "hotel" in text:
        return "property"
    if "station" in text:
        return "station"
    if "room" in text:
        return "room"
    return "which"


@dataclass
class _Turn:
    dispatched: list[Ctx] = field(default_factory=list)
    written: _Written | None = None


class WorldReader:
    """The real engine over an in-memory index of `world`, cut before the first write to Amazon."""

    def __init__(self, world: dict[str, Any]) -> None:
        self.world = world
        index = _index_of(world)
        config = _config(world)
        clock = FakeClock(_START)
        self.services = Services(
            index=index,
            asp=_NoAmazon(),
            catalog=default_catalog(),
            config=config,
            access=Access(config.roles, properties=config.properties),
            audit=AuditLog(index.db),
            clock=clock,
            organization_id=str(world.get("organization", {}).get("id", "org")),
        )
        self.engine = Engine(self.services)
        self._turn = _Turn()
        self._conversations = itertools.count(1)
        dispatch = self.engine._dispatch

        async def recording(ctx: Ctx) -> Reply:
            self._turn.dispatched.append(ctx)
            if not ctx.command.mutating and _is_read(ctx.command):
                return Reply(headline="(read)", kind=ReplyKind.INFO)
            try:
                reply: Reply = await dispatch(ctx)
            except _Captured as captured:
                # the parts of one message (bot/core/conversation/compound.py) add up to what the turn writes
                if self._turn.written is None:
                    self._turn.written = captured.written
                else:
                    self._turn.written.more.append(captured.written)
                return Reply(headline="(written)", kind=ReplyKind.SUCCESS)
            return reply

        self.engine._dispatch = recording  # type: ignore[method-assign]
        self._loop = asyncio.new_event_loop()
        weakref.finalize(self, self._loop.close)

    # --- public face ---------------------------------------------------------------------------------

    def read(self, text: str, *, channel_property: str | None = None) -> dict[str, Any]:
        """The neutral form of what the bot does with `text` as a fresh conversation's first message."""
        return self.converse([text], channel_property=channel_property)[0]

    def converse(
        self, turns: list[str], *, channel_property: str | None = None
    ) -> list[dict[str, Any]]:
        """Turns in one conversation (same user and channel); one neutral form per turn."""
        user = f"{USER}-{next(self._conversations)}"
        channel = channel_of(channel_property) if channel_property else None
        token = _CAPTURING.set(True)
        try:
            return [self._loop.run_until_complete(self._one(text, user, channel)) for text in turns]
        finally:
            _CAPTURING.reset(token)

    # --- one turn --------------------------------------------------------------------------------------

    async def _one(self, text: str, user: str, channel: str | None) -> dict[str, Any]:
        self._turn = _Turn()
        msg = Message(text=text, user=user, channel=channel, platform="console")
        reply = await self.engine.handle(msg)
        turn = self._turn
        if turn.written is not None:
            return self._written(turn.written)
        if reply.kind == ReplyKind.CONFIRM:
            return await self._confirmable(user, channel)
        if reply.kind == ReplyKind.QUESTION:
            return {"ask": ask_of(reply)}
        if not turn.dispatched:
            return {"intent": "none"}
        ctx = turn.dispatched[-1]
        if ctx.command.mutating or reply.kind in (ReplyKind.REFUSAL, ReplyKind.ERROR):
            return {"intent": "none"}  # nothing was written: refused, not found, or cannot do
        return await self._read_slots(ctx)

    async def _confirmable(self, user: str, channel: str | None) -> dict[str, Any]:
        """What `yes` would run: the parked run, called with the cut in place."""
        pending = self.services.pending.latest_for(user, channel)
        if pending is None:
            return {"ask": "confirm"}
        try:
            await pending.run()
        except _Captured as captured:
            return {"ask": "confirm", **self._written(captured.written)}
        if self._turn.written is not None:  # several parts, each captured as it was dispatched
            return {"ask": "confirm", **self._written(self._turn.written)}
        return {"ask": "confirm"}

    def _written(self, written: _Written) -> dict[str, Any]:
        """One write's neutral form; the parts of one message as one when they are one kind of
        change (the rooms named everywhere), else `{"intent": "several", "parts": [...]}`."""
        if written.more:
            parts = [written, *written.more]
            if any(not _same_change(part.command, written.command) for part in parts):
                return {
                    "intent": "several",
                    "parts": [self._written(_Written(p.command, p.planned)) for p in parts],
                }
            planned = [one for part in parts for one in part.planned]
            return self._written(_Written(written.command, planned))
        command = written.command
        props = sorted({p.property_name for p in written.planned})
        # over several properties a room name is counted once per property holding it
        rooms = sorted(
            name for _, name in {(p.property_name, p.unit_name) for p in written.planned}
        )
        out: dict[str, Any] = {"intent": _intent(command), "rooms": rooms}
        if len(props) == 1:
            out["property"] = props[0]
        elif props:
            out["properties"] = props
        if isinstance(command, c.SetStation):
            labels = sorted({self._station_label(p) for p in written.planned})
            out["station"] = labels[0] if len(labels) == 1 else labels
        if isinstance(command, c.ClearAlerts):
            out["kinds"] = sorted({p.kind for p in written.planned})
        return out

    def _station_label(self, planned: Planned) -> str:
        value = as_object(thaw(planned.after))
        country = None
        for prop in self.services.index.properties():
            if prop.name == planned.property_name:
                country = prop.country
        found = self.services.catalog.by_pair(
            str(value.get("providerId")), str(value.get("stationId")), country
        )
        return found.label if found else str(value.get("stationId"))

    async def _read_slots(self, ctx: Ctx) -> dict[str, Any]:
        command = ctx.command
        out: dict[str, Any] = {"intent": _intent(command)}
        target = getattr(command, "target", None)
        if isinstance(target, c.Target) and (target.rooms or target.room_type or target.all_rooms):
            resolver = Resolver(  # as the handler's, without the user's grants
                self.services,
                ctx.msg.channel,
                moves=ctx.resolver.moves,
                recent_property=ctx.resolver.recent_property,
            )
            resolver._refreshed = True
            resolved = await resolver.rooms(target, lambda t: "")
            if isinstance(resolved, Reply):
                if resolved.kind == ReplyKind.QUESTION:
                    return {"ask": ask_of(resolved)}
                return {"intent": "none"}
            out.update(_room_slots(resolved))
        if isinstance(command, c.ListStations):
            where = command.where or _bound(self.services, ctx)
            if where:
                found = self.services.index.find_properties(where)
                out["property"] = found[0].name if len(found) == 1 else where
        if isinstance(command, c.FindRoom):
            out["rooms"] = [command.room]
        return out


def _same_change(one: c.Command, other: c.Command) -> bool:
    """The same change of other rooms (one station, or one set of kinds, everywhere)."""
    if not isinstance(one, c.SetStation | c.ClearAlerts) or type(one) is not type(other):
        return False
    return replace(one, target=other.target) == other


def _is_read(command: c.Command) -> bool:
    """Commands answered from Amazon or device health: resolved here, never run."""
    return isinstance(
        command,
        c.AskStation
        | c.RoomDevices
        | c.EchoOnline
        | c.OfflineDevices
        | c.DeviceHistory
        | c.Flapping
        | c.Uptime
        | c.ShowDigest
        | c.UnplacedDevices,
    )


def _bound(services: Services, ctx: Ctx) -> str | None:
    scope = Resolver(services, ctx.msg.channel).channel_property()
    return scope.name if scope else None


def _room_slots(resolved: Rooms) -> dict[str, Any]:
    out: dict[str, Any] = {"rooms": sorted(r.room_name for r in resolved.rooms)}
    props = sorted({r.property_name for r in resolved.rooms})
    if len(props) == 1:
        out["property"] = props[0]
    elif resolved.scope is not None:
        out["property"] = resolved.scope.name
    return out
