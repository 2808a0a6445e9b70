"""Pydantic models of the ASP requests and responses (seeds 003 and 004, and the alert deletes).

Responses ignore unknown fields and coerce numbers to strings: seed 004 types some ids as "Integer"
while showing strings, and the bot must not break when Amazon adds a field.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Response(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True, frozen=True)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Property(_Response):
    id: str
    name: str
    organizationId: str | None = None


class RoomType(_Response):
    id: str
    name: str
    propertyId: str | None = None


class Room(_Response):
    id: str
    name: str
    roomTypeId: str | None = None


class PaginationContext(_Response):
    nextToken: str | None = None


class Page(_Response):
    paginationContext: PaginationContext | None = None

    @property
    def next_token(self) -> str | None:
        token = self.paginationContext.nextToken if self.paginationContext else None
        return token or None


class PropertyPage(Page):
    properties: list[Property] | None = None


class RoomTypePage(Page):
    roomTypes: list[RoomType] | None = None


class RoomPage(Page):
    rooms: list[Room] | None = None


class Created(_Response):
    id: str | None = None


class CreatePropertyBody(_Body):
    name: str
    organizationId: str


class CreateRoomTypeBody(_Body):
    name: str
    propertyId: str


class CreateRoomBody(_Body):
    name: str
    roomTypeId: str


class UpdateNameBody(_Body):
    name: str


class StationPreference(_Response):
    """A room's default station; also the body of the station PUT."""

    providerId: str
    stationId: str


class DeviceFailure(_Response):
    code: str | None = None
    endpointId: str | None = None
    description: str | None = None


class AlertsErrorBody(_Response):
    errors: list[DeviceFailure] | None = None


class AlertsResult(_Response):
    """The outcome of deleting a unit's alarms, reminders or timers; device failures are data."""

    ok: bool
    status: int
    failures: list[DeviceFailure] = Field(default_factory=list)
    request_id: str | None = None
