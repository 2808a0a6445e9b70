"""The ports of the conversation core to Amazon: what the core asks of each client, as Protocols.

The clients (bot/clients/asp.py, a4b.py, customer_profiles.py) satisfy them structurally; the core
never needs the classes, so a test may hand it any object that answers the same calls. The index's
sync states its own, smaller port (bot/index/sync.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from bot.clients.a4b import DevicePage, Filter, Profile, ProfileSummary, SortCriterion, User
from bot.clients.customer_profiles import ObjectTypePage, ObjectTypeSummary
from bot.clients.models import AlertsResult, Property, Room, RoomType, StationPreference
from bot.json_types import JsonObject, JsonValue


class AspPort(Protocol):
    """Alexa Smart Properties: the hierarchy (seed 004), a unit's default station and its alerts
    (seed 003). Every call takes the seconds it may take (`deadline`), None for the ambient policy."""

    async def list_properties(
        self, organization_id: str, *, deadline: float | None = None
    ) -> list[Property]: ...
    async def get_property(
        self, property_id: str, *, deadline: float | None = None
    ) -> Property: ...
    async def create_property(
        self, name: str, organization_id: str, *, deadline: float | None = None
    ) -> str: ...
    async def update_property(
        self, property_id: str, name: str, *, deadline: float | None = None
    ) -> None: ...
    async def delete_property(self, property_id: str, *, deadline: float | None = None) -> None: ...
    async def list_room_types(
        self, property_id: str, *, deadline: float | None = None
    ) -> list[RoomType]: ...
    async def get_room_type(
        self, room_type_id: str, *, deadline: float | None = None
    ) -> RoomType: ...
    async def create_room_type(
        self, name: str, property_id: str, *, deadline: float | None = None
    ) -> str: ...
    async def update_room_type(
        self, room_type_id: str, name: str, *, deadline: float | None = None
    ) -> None: ...
    async def delete_room_type(
        self, room_type_id: str, *, deadline: float | None = None
    ) -> None: ...
    async def list_rooms(
        self, room_type_id: str, *, deadline: float | None = None
    ) -> list[Room]: ...
    async def get_room(self, room_id: str, *, deadline: float | None = None) -> Room: ...
    async def create_room(
        self, name: str, room_type_id: str, *, deadline: float | None = None
    ) -> str: ...
    async def update_room(
        self, room_id: str, name: str, *, deadline: float | None = None
    ) -> None: ...
    async def delete_room(self, room_id: str, *, deadline: float | None = None) -> None: ...
    async def get_default_station(
        self, unit_id: str, *, deadline: float | None = None
    ) -> StationPreference | None: ...
    async def set_default_station(
        self, unit_id: str, pref: StationPreference, *, deadline: float | None = None
    ) -> str | None: ...
    async def delete_alarms(
        self, unit_id: str, *, deadline: float | None = None
    ) -> AlertsResult: ...
    async def delete_reminders(
        self, unit_id: str, *, deadline: float | None = None
    ) -> AlertsResult: ...
    async def delete_timers(
        self, unit_id: str, *, deadline: float | None = None
    ) -> AlertsResult: ...


class A4BPort(Protocol):
    """Alexa for Business as the core uses it: room profiles and users (and one page of devices,
    `bot doctor`'s probe)."""

    last_request_id: str | None  # Amazon's id of the last answer (for the audit log)

    async def search_devices_page(
        self, *, max_results: int = ..., deadline: float | None = None
    ) -> DevicePage: ...

    async def search_profiles(
        self,
        *,
        filters: Sequence[Filter] = ...,
        sort: Sequence[SortCriterion] = ...,
        deadline: float | None = None,
    ) -> list[ProfileSummary]: ...
    async def get_profile(self, profile_arn: str, *, deadline: float | None = None) -> Profile: ...
    async def create_profile(
        self,
        *,
        name: str,
        timezone: str,
        address: str,
        distance_unit: str,
        temperature_unit: str,
        wake_word: str = ...,
        client_request_token: str,
        deadline: float | None = None,
    ) -> str: ...
    async def update_profile(
        self, profile_arn: str, changes: Mapping[str, JsonValue], *, deadline: float | None = None
    ) -> str | None: ...
    async def search_users(
        self,
        *,
        filters: Sequence[Filter] = ...,
        sort: Sequence[SortCriterion] = ...,
        limit: int = ...,
        deadline: float | None = None,
    ) -> list[User]: ...


class CustomerProfilesPort(Protocol):
    """Amazon Connect Customer Profiles: the domain's object types and their profile limits."""

    domain: str  # the Customer Profiles domain the client works in
    last_request_id: str | None  # Amazon's id of the last answer (for the audit log)

    async def list_object_types_page(
        self, *, max_results: int = ..., deadline: float | None = None
    ) -> ObjectTypePage: ...

    async def list_object_types(
        self, *, deadline: float | None = None
    ) -> list[ObjectTypeSummary]: ...
    async def get_object_type(self, name: str, *, deadline: float | None = None) -> JsonObject: ...
    async def set_max_profile_object_count(
        self, name: str, value: int, *, deadline: float | None = None
    ) -> tuple[JsonObject, JsonObject]: ...
