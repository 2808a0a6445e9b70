"""Alexa for Business (seeds 000, 001): devices, room profiles and users (AWS JSON 1.1, SigV4).

Request limits are checked before sending (InvalidInput), because a bad page size or filter key is
our bug, not something worth a round trip to Amazon.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import Field

from bot.clients.aws import DEFAULT_REGION, AwsJsonClient, AwsModel, follow_pages
from bot.clients.errors import InvalidInput
from bot.json_types import JsonMapping, JsonObject, JsonValue

DEFAULT_ENDPOINT = "https://a4b.us-east-1.amazonaws.com"
TARGET_PREFIX = "AlexaForBusiness"
MAX_PAGE = 50

DEVICE_FILTER_KEYS = frozenset(
    {
        "DeviceName",
        "DeviceStatus",
        "DeviceStatusDetailCode",
        "RoomName",
        "DeviceType",
        "DeviceSerialNumber",
        "UnassociatedOnly",
        "ConnectionStatus",
        "NetworkProfileName",
        "NetworkProfileArn",
        "Feature",
        "FailureCode",
    }
)
DEVICE_SORT_KEYS = frozenset(
    {
        "DeviceName",
        "DeviceStatus",
        "RoomName",
        "DeviceType",
        "DeviceSerialNumber",
        "ConnectionStatus",
    }
)
EVENT_TYPES = frozenset({"CONNECTION_STATUS", "DEVICE_STATUS"})

EventType = Literal["CONNECTION_STATUS", "DEVICE_STATUS"]


class StatusDetail(AwsModel):
    code: str


class DeviceStatusInfo(AwsModel):
    device_status_details: list[StatusDetail] = Field(default_factory=list)
    connection_status: str | None = None


class Device(AwsModel):
    device_arn: str
    device_serial_number: str | None = None
    device_type: str | None = None
    device_name: str | None = None
    software_version: str | None = None
    mac_address: str | None = None
    device_status: str | None = None
    room_arn: str | None = None
    room_name: str | None = None
    device_status_info: DeviceStatusInfo = Field(default_factory=DeviceStatusInfo)

    @property
    def connection(self) -> str | None:
        """ONLINE, OFFLINE or None when Amazon does not say."""
        return self.device_status_info.connection_status


class DevicePage(AwsModel):
    devices: list[Device] = Field(default_factory=list)
    next_token: str | None = None
    total_count: int | None = None


class DeviceEvent(AwsModel):
    type: str
    value: str | None = None
    timestamp: datetime  # epoch seconds on the wire; pydantic makes them aware UTC


class DeviceEventPage(AwsModel):
    device_events: list[DeviceEvent] = Field(default_factory=list)
    next_token: str | None = None


class Filter(AwsModel):
    key: str
    values: list[str]


class SortCriterion(AwsModel):
    key: str
    value: Literal["ASC", "DESC"] = "ASC"


def _page_size(value: int) -> int:
    if not 1 <= value <= MAX_PAGE:
        raise InvalidInput(f"page size must be 1–{MAX_PAGE}, got {value}", field="MaxResults")
    return value


def _check_filters(filters: Sequence[Filter]) -> None:
    if len(filters) > 25:
        raise InvalidInput("at most 25 device filters are allowed", field="Filters")
    _check_keys(filters, DEVICE_FILTER_KEYS, "Filters", what="device filter")
    for item in filters:
        if not 1 <= len(item.values) <= 50:
            raise InvalidInput(f"filter {item.key} needs 1–50 values", field="Filters")


def _check_sort(sort: Sequence[SortCriterion]) -> None:
    _check_keys(sort, DEVICE_SORT_KEYS, "SortCriteria", what="device sort")


# -- room profiles (seed 000) and users (seed 001) ----------------------------------------------

WAKE_WORDS = ("ALEXA", "AMAZON", "ECHO", "COMPUTER")
DISTANCE_UNITS = ("METRIC", "IMPERIAL")
TEMPERATURE_UNITS = ("FAHRENHEIT", "CELSIUS")
REMINDER_TYPES = ("ANNOUNCEMENT_TIME_CHECK", "ANNOUNCEMENT_VARIABLE_TIME_LEFT", "CHIME", "KNOCK")
ENROLLMENT_STATUSES = ("INITIALIZED", "PENDING", "REGISTERED", "DISASSOCIATING", "DEREGISTERING")
REMINDER_MINUTES = (3, 15)
INSTANT_BOOKING_MINUTES = (15, 240, 15)  # low, high, step
CHECK_IN_RELEASE_MINUTES = (5, 20)
# Seed 000 gives no range for MaxVolumeLimit; Alexa's volume scale is 1-10, anything else is a typo.
MAX_VOLUME = (1, 10)
PROFILE_FILTER_KEYS = frozenset({"ProfileName", "Address"})
PROFILE_SORT_KEYS = frozenset({"ProfileName", "Address"})
USER_KEYS = frozenset({"UserId", "FirstName", "LastName", "Email", "EnrollmentStatus"})
_TEXT_LIMITS = {"ProfileName": 100, "Timezone": 100, "Address": 500}
_BOOL_FIELDS = ("IsDefault", "SetupModeDisabled", "PSTNEnabled", "DataRetentionOptIn")


class EndOfMeetingReminder(AwsModel):
    reminder_at_minutes: list[int] = Field(default_factory=list)
    reminder_type: str | None = None
    enabled: bool | None = None


class InstantBooking(AwsModel):
    duration_in_minutes: int | None = None
    enabled: bool | None = None


class RequireCheckIn(AwsModel):
    release_after_minutes: int | None = None
    enabled: bool | None = None


class MeetingRoomConfiguration(AwsModel):
    room_utilization_metrics_enabled: bool | None = None
    end_of_meeting_reminder: EndOfMeetingReminder | None = None
    instant_booking: InstantBooking | None = None
    require_check_in: RequireCheckIn | None = None


class ProfileSummary(AwsModel):
    """One row of SearchProfiles (ProfileData)."""

    profile_arn: str
    profile_name: str
    is_default: bool | None = None
    address: str | None = None
    timezone: str | None = None
    distance_unit: str | None = None
    temperature_unit: str | None = None
    wake_word: str | None = None
    locale: str | None = None


class Profile(ProfileSummary):
    """GetProfile's Profile, every field of seed 000."""

    setup_mode_disabled: bool | None = None
    max_volume_limit: int | None = None
    pstn_enabled: bool | None = Field(default=None, alias="PSTNEnabled")
    data_retention_opt_in: bool | None = None
    address_book_arn: str | None = None
    meeting_room_configuration: MeetingRoomConfiguration | None = None

    def wire(self) -> JsonObject:
        """The profile as Amazon spells it (PascalCase, absent fields left out)."""
        return self.model_dump(by_alias=True, exclude_none=True)


class ProfilePage(AwsModel):
    profiles: list[ProfileSummary] = Field(default_factory=list)
    next_token: str | None = None
    total_count: int | None = None


class User(AwsModel):
    user_arn: str
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    enrollment_status: str | None = None
    enrollment_id: str | None = None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or "(no name)"


class UserPage(AwsModel):
    users: list[User] = Field(default_factory=list)
    next_token: str | None = None
    total_count: int | None = None


def _range_text(low: int, high: int, step: int | None = None) -> str:
    return f"{low}–{high} minutes" + (f" in steps of {step}" if step else "")


def _int(value: JsonValue, field_name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{field_name} must be a whole number, got {value!r}", field=field_name)
    return value


def _enum(value: JsonValue, allowed: Sequence[str], field_name: str) -> None:
    if value not in allowed:
        raise InvalidInput(
            f"{field_name} must be one of {', '.join(allowed)}, got {value!r}", field=field_name
        )


def _section(value: JsonValue, field_name: str) -> JsonObject | None:
    """A meeting-room sub-setting: None when absent, else it must be an object."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidInput(f"{field_name} must be an object", field=field_name)
    return value


def check_meeting_room(config: JsonValue) -> None:
    """Seed 000's meeting-room ranges; the message names the allowed range."""
    if not isinstance(config, dict):
        raise InvalidInput(
            "MeetingRoomConfiguration must be an object", field="MeetingRoomConfiguration"
        )
    reminder = _section(config.get("EndOfMeetingReminder"), "EndOfMeetingReminder")
    if reminder is not None:
        minutes = reminder.get("ReminderAtMinutes")
        if minutes is not None:
            if not isinstance(minutes, list) or len(minutes) != 1:
                # The AWS model takes exactly one value (a list of length 1).
                raise InvalidInput(
                    "give exactly one reminder time (3–15 minutes)", field="ReminderAtMinutes"
                )
            low, high = REMINDER_MINUTES
            for value in minutes:
                if not low <= _int(value, "ReminderAtMinutes") <= high:
                    raise InvalidInput(
                        f"an end-of-meeting reminder must be {_range_text(low, high)} before the"
                        f" end, got {value}",
                        field="ReminderAtMinutes",
                    )
        if "ReminderType" in reminder:
            _enum(reminder["ReminderType"], REMINDER_TYPES, "ReminderType")
    booking = _section(config.get("InstantBooking"), "InstantBooking")
    if booking is not None and booking.get("DurationInMinutes") is not None:
        low, high, step = INSTANT_BOOKING_MINUTES
        value = _int(booking["DurationInMinutes"], "DurationInMinutes")
        if not low <= value <= high or value % step:
            raise InvalidInput(
                f"instant booking must be {_range_text(low, high, step)}, got {value}",
                field="DurationInMinutes",
            )
    check_in = _section(config.get("RequireCheckIn"), "RequireCheckIn")
    if check_in is not None and check_in.get("ReleaseAfterMinutes") is not None:
        low, high = CHECK_IN_RELEASE_MINUTES
        value = _int(check_in["ReleaseAfterMinutes"], "ReleaseAfterMinutes")
        if not low <= value <= high:
            raise InvalidInput(
                f"a room without check-in can be released after {_range_text(low, high)},"
                f" got {value}",
                field="ReleaseAfterMinutes",
            )


def check_profile_fields(fields: JsonMapping) -> None:
    """Every seed-000 limit of a CreateProfile/UpdateProfile body, checked before sending."""
    for key, limit in _TEXT_LIMITS.items():
        if key in fields:
            value = fields[key]
            if not isinstance(value, str) or not 1 <= len(value) <= limit:
                raise InvalidInput(f"{key} must be 1–{limit} characters", field=key)
    if "WakeWord" in fields:
        _enum(fields["WakeWord"], WAKE_WORDS, "WakeWord")
    if "DistanceUnit" in fields:
        _enum(fields["DistanceUnit"], DISTANCE_UNITS, "DistanceUnit")
    if "TemperatureUnit" in fields:
        _enum(fields["TemperatureUnit"], TEMPERATURE_UNITS, "TemperatureUnit")
    for key in _BOOL_FIELDS:
        if key in fields and not isinstance(fields[key], bool):
            raise InvalidInput(f"{key} must be true or false", field=key)
    if "MaxVolumeLimit" in fields:
        low, high = MAX_VOLUME
        value = _int(fields["MaxVolumeLimit"], "MaxVolumeLimit")
        if not low <= value <= high:
            raise InvalidInput(
                f"the max volume must be {low}–{high}, got {value}", field="MaxVolumeLimit"
            )
    if "MeetingRoomConfiguration" in fields:
        check_meeting_room(fields["MeetingRoomConfiguration"])


def _check_keys(
    items: Sequence[Filter] | Sequence[SortCriterion],
    allowed: frozenset[str],
    field: str,
    *,
    what: str | None = None,
) -> None:
    for item in items:
        if item.key not in allowed:
            raise InvalidInput(f"unknown {what or field} key {item.key!r}", field=field)


class _ProfileOperations(AwsJsonClient):
    """Seed 000: SearchProfiles, GetProfile, CreateProfile, UpdateProfile; seed 001: SearchUsers."""

    async def search_profiles_page(
        self,
        *,
        filters: Sequence[Filter] = (),
        sort: Sequence[SortCriterion] = (),
        max_results: int = MAX_PAGE,
        next_token: str | None = None,
        deadline: float | None = None,
    ) -> ProfilePage:
        _check_keys(filters, PROFILE_FILTER_KEYS, "Filters")
        _check_keys(sort, PROFILE_SORT_KEYS, "SortCriteria")
        payload = _search_payload(filters, sort, max_results, next_token)
        return ProfilePage.model_validate(
            await self.call("SearchProfiles", payload, deadline=deadline)
        )

    async def search_profiles(
        self,
        *,
        filters: Sequence[Filter] = (),
        sort: Sequence[SortCriterion] = (SortCriterion(key="ProfileName"),),
        deadline: float | None = None,
    ) -> list[ProfileSummary]:
        """Every room profile matching the filters, following NextToken to the last page."""
        return await follow_pages(
            lambda token: self.search_profiles_page(
                filters=filters, sort=sort, next_token=token, deadline=deadline
            ),
            lambda page: page.profiles,
        )

    async def get_profile(self, profile_arn: str, *, deadline: float | None = None) -> Profile:
        if not profile_arn:
            raise InvalidInput("a profile ARN is required", field="ProfileArn")
        data = await self.call("GetProfile", {"ProfileArn": profile_arn}, deadline=deadline)
        return Profile.model_validate(data.get("Profile") or {})

    async def create_profile(
        self,
        *,
        name: str,
        timezone: str,
        address: str,
        distance_unit: str,
        temperature_unit: str,
        wake_word: str = "ALEXA",
        client_request_token: str,
        extra: JsonMapping | None = None,
        deadline: float | None = None,
    ) -> str:
        """Create a room profile and return its ARN.

        The caller's `client_request_token` makes the create idempotent at Amazon, which is what
        lets this call be retried after a 5xx or a lost answer without making a second profile.
        """
        if not 10 <= len(client_request_token) <= 150:
            raise InvalidInput(
                "ClientRequestToken must be 10–150 characters", field="ClientRequestToken"
            )
        payload: JsonObject = {
            "ProfileName": name,
            "Timezone": timezone,
            "Address": address,
            "DistanceUnit": distance_unit,
            "TemperatureUnit": temperature_unit,
            "WakeWord": wake_word,
            **(extra or {}),
            "ClientRequestToken": client_request_token,
        }
        check_profile_fields(payload)
        data = await self.call("CreateProfile", payload, deadline=deadline, idempotent=True)
        return str(data.get("ProfileArn") or "")

    async def update_profile(
        self, profile_arn: str, changes: JsonMapping, *, deadline: float | None = None
    ) -> str | None:
        """Send exactly `changes` (only what changed); returns Amazon's request id."""
        if not profile_arn:
            raise InvalidInput("a profile ARN is required", field="ProfileArn")
        if not changes:
            raise InvalidInput("there is nothing to change", field="UpdateProfile")
        check_profile_fields(changes)
        # Setting values is idempotent, so a retry after a lost answer is safe.
        await self.call("UpdateProfile", {"ProfileArn": profile_arn, **changes}, deadline=deadline)
        return self.last_request_id

    async def search_users_page(
        self,
        *,
        filters: Sequence[Filter] = (),
        sort: Sequence[SortCriterion] = (),
        max_results: int = MAX_PAGE,
        next_token: str | None = None,
        deadline: float | None = None,
    ) -> UserPage:
        _check_keys(filters, USER_KEYS, "Filters")
        _check_keys(sort, USER_KEYS, "SortCriteria")
        for item in filters:
            if item.key == "EnrollmentStatus":
                for value in item.values:
                    _enum(value, ENROLLMENT_STATUSES, "EnrollmentStatus")
        payload = _search_payload(filters, sort, max_results, next_token)
        return UserPage.model_validate(await self.call("SearchUsers", payload, deadline=deadline))

    async def search_users(
        self,
        *,
        filters: Sequence[Filter] = (),
        sort: Sequence[SortCriterion] = (),
        limit: int = 200,
        deadline: float | None = None,
    ) -> list[User]:
        """Users matching every filter, in sort order, following NextToken up to `limit` users."""
        return await follow_pages(
            lambda token: self.search_users_page(
                filters=filters, sort=sort, next_token=token, deadline=deadline
            ),
            lambda page: page.users,
            limit=limit,
        )


def _search_payload(
    filters: Sequence[Filter],
    sort: Sequence[SortCriterion],
    max_results: int,
    next_token: str | None,
) -> JsonObject:
    payload: JsonObject = {"MaxResults": _page_size(max_results)}
    if filters:
        payload["Filters"] = [f.model_dump(by_alias=True) for f in filters]
    if sort:
        payload["SortCriteria"] = [s.model_dump(by_alias=True) for s in sort]
    if next_token:
        payload["NextToken"] = next_token
    return payload


class A4BClient(_ProfileOperations):
    """Alexa for Business: the device operations of the health features (seed 001) and the room
    profile and user operations (seeds 000 and 001).
    """

    SERVICE = "a4b"
    TARGET_PREFIX = TARGET_PREFIX

    @classmethod
    def default_region(cls) -> str:
        return DEFAULT_REGION  # the only region A4B ever had

    @classmethod
    def default_endpoint(cls, region: str) -> str:
        return os.environ.get("A4B_ENDPOINT_URL") or DEFAULT_ENDPOINT

    async def search_devices_page(
        self,
        *,
        filters: Sequence[Filter] = (),
        sort: Sequence[SortCriterion] = (),
        max_results: int = MAX_PAGE,
        next_token: str | None = None,
        deadline: float | None = None,
    ) -> DevicePage:
        _check_filters(filters)
        _check_sort(sort)
        payload = _search_payload(filters, sort, max_results, next_token)
        data = await self.call("SearchDevices", payload, deadline=deadline)
        return DevicePage.model_validate(data)

    async def search_devices(
        self,
        *,
        filters: Sequence[Filter] = (),
        sort: Sequence[SortCriterion] = (),
        page_size: int = MAX_PAGE,
        deadline: float | None = None,
    ) -> list[Device]:
        """Every device matching the filters, following NextToken to the last page."""
        return await follow_pages(
            lambda token: self.search_devices_page(
                filters=filters,
                sort=sort,
                max_results=page_size,
                next_token=token,
                deadline=deadline,
            ),
            lambda page: page.devices,
        )

    async def get_device(self, device_arn: str, *, deadline: float | None = None) -> Device:
        if not device_arn:
            raise InvalidInput("a device ARN is required", field="DeviceArn")
        data = await self.call("GetDevice", {"DeviceArn": device_arn}, deadline=deadline)
        return Device.model_validate(data.get("Device") or {})

    async def list_device_events_page(
        self,
        device_arn: str,
        *,
        event_type: EventType | None = None,
        max_results: int = MAX_PAGE,
        next_token: str | None = None,
        deadline: float | None = None,
    ) -> DeviceEventPage:
        if not device_arn:
            raise InvalidInput("a device ARN is required", field="DeviceArn")
        if event_type is not None and event_type not in EVENT_TYPES:
            raise InvalidInput(f"unknown event type {event_type!r}", field="EventType")
        payload: JsonObject = {"DeviceArn": device_arn, "MaxResults": _page_size(max_results)}
        if event_type:
            payload["EventType"] = event_type
        if next_token:
            payload["NextToken"] = next_token
        data = await self.call("ListDeviceEvents", payload, deadline=deadline)
        return DeviceEventPage.model_validate(data)

    async def list_device_events(
        self,
        device_arn: str,
        *,
        event_type: EventType | None = None,
        since: datetime | None = None,
        page_size: int = MAX_PAGE,
        deadline: float | None = None,
    ) -> list[DeviceEvent]:
        """Events newest first (up to 30 days); stops paging once older than `since`."""
        return await follow_pages(
            lambda token: self.list_device_events_page(
                device_arn,
                event_type=event_type,
                max_results=page_size,
                next_token=token,
                deadline=deadline,
            ),
            lambda page: page.device_events,
            keep=None if since is None else (lambda event: event.timestamp >= since),
        )
