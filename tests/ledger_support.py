"""A bot's services on a SQLite file with Amazon's station and room calls in memory: for direct
tests of the ledger (undo, crash recovery) that run without a sandbox or an HTTP server, so that a
mutant costs one quick pytest start (scripts/mutation.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import bot.core.shared.registry  # noqa: F401  (says which commands write; Ctx asks it)
from bot.clients.errors import BadRequest, NotFound, ServerError
from bot.clients.models import Room, StationPreference
from bot.clock import FakeClock
from bot.core.access.access import Access
from bot.core.access.context import Ctx, Message
from bot.core.access.services import Services
from bot.core.ledger.audit import AuditLog
from bot.core.shared import commands as c
from bot.core.shared.commands import Role
from bot.core.shared.ports import AspPort
from bot.index.catalog import default_catalog
from bot.index.db import open_index
from bot.index.lookup import Index
from bot.settings import BotConfig, RolesConfig

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
JAZZ = {"providerId": "I_HEART_RADIO", "stationId": "4242"}
POP = {"providerId": "I_HEART_RADIO", "stationId": "4422"}
ROCK = {"providerId": "I_HEART_RADIO", "stationId": "9999"}


class FakeAsp:
    """Amazon's default stations and rooms, in memory: what the ledger reads and writes."""

    def __init__(self) -> None:
        self.stations: dict[str, dict[str, str]] = {}
        self.rooms: dict[str, Room] = {}  # room id -> room
        self.unreadable: set[str] = set()  # unit ids whose read fails (a 500)
        self.refused: set[str] = set()  # unit ids whose station write Amazon refuses (a 400)
        self.lost: set[str] = set()  # unit ids whose write applies but whose answer is lost
        self.blind: set[str] = set()  # ... and that cannot be read once written (not confirmed)
        self.writes: list[tuple[str, dict[str, str]]] = []
        self.renames: list[tuple[str, str]] = []
        self.reading = 0  # reads under way now
        self.most_reading = 0  # the most reads ever under way at once

    async def get_default_station(
        self, unit_id: str, *, deadline: float | None = None
    ) -> StationPreference | None:
        self.reading += 1
        self.most_reading = max(self.most_reading, self.reading)
        await asyncio.sleep(0)  # a real read lets other tasks run meanwhile
        self.reading -= 1
        if unit_id in self.unreadable:
            raise ServerError(500, "read failed")
        value = self.stations.get(unit_id)
        return StationPreference.model_validate(value) if value is not None else None

    async def set_default_station(
        self, unit_id: str, pref: StationPreference, *, deadline: float | None = None
    ) -> str:
        if unit_id in self.refused:
            raise BadRequest(400, "no such station")
        value = {"providerId": pref.providerId, "stationId": pref.stationId}
        self.stations[unit_id] = value
        self.writes.append((unit_id, value))
        if unit_id in self.blind:
            self.unreadable.add(unit_id)
        if unit_id in self.lost | self.blind:
            raise ServerError(503, "answer lost", may_have_applied=True)
        return f"req-{len(self.writes)}"

    async def list_rooms(self, room_type_id: str, *, deadline: float | None = None) -> list[Room]:
        if room_type_id in self.unreadable:
            raise ServerError(500, "list failed")
        return [r for r in self.rooms.values() if r.roomTypeId == room_type_id]

    async def get_room(self, room_id: str, *, deadline: float | None = None) -> Room:
        if room_id in self.unreadable:
            raise ServerError(500, "read failed")
        if room_id not in self.rooms:
            raise NotFound(404, "no such room")
        return self.rooms[room_id]

    async def update_room(self, room_id: str, name: str, *, deadline: float | None = None) -> None:
        if room_id in self.refused:
            raise BadRequest(400, "name taken")
        self.rooms[room_id] = self.rooms[room_id].model_copy(update={"name": name})
        self.renames.append((room_id, name))
        if room_id in self.blind:
            self.unreadable.add(room_id)
            raise ServerError(503, "answer lost", may_have_applied=True)

    async def delete_room(self, room_id: str, *, deadline: float | None = None) -> None:
        if room_id in self.refused:
            raise BadRequest(400, "room in use")
        del self.rooms[room_id]

    async def create_room(self, *args: Any, **kwargs: Any) -> str:
        raise AssertionError("not sent by these tests")


def services_for(
    db: Path, asp: FakeAsp | None = None, *, roles: RolesConfig | None = None
) -> Services:
    database = open_index(db)
    clock = FakeClock(T0)
    return Services(
        index=Index(database, clock=clock),
        asp=cast(AspPort, asp or FakeAsp()),
        catalog=default_catalog(),
        config=BotConfig(),
        access=Access(roles),
        audit=AuditLog(database),
        clock=clock,
        organization_id="amzn1.alexa.unit.did.ORG",
    )


def ctx_for(
    services: Services,
    command: c.Command | None = None,
    *,
    user: str = "alice",
    channel: str | None = "C1",
    text: str = "undo",
    preview: bool = False,
) -> Ctx:
    message = Message(text=text, user=user, channel=channel, platform="slack")
    return Ctx(services, message, Role.ADMIN, command or c.Undo(), preview=preview)
