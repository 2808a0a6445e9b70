"""AWS JSON 1.1 operations of the sandbox: Alexa for Business SearchDevices, GetDevice and
ListDeviceEvents (seed 001); SearchProfiles, GetProfile, CreateProfile, UpdateProfile (seed 000) and
SearchUsers (seed 001), with the documented errors.

`handle(target, body, headers, state)` gets the `POST /` requests that carry `X-Amz-Target`. It
serves the world's devices in the seed-001 shapes (epoch-second timestamps, NextToken paging,
MaxResults 1–50) and refuses unsigned requests as AWS does. The signature itself is not verified:
the sandbox does not know the caller's secret key; the point is to prove the client signs each call.

`DeviceBackend` works on plain records, so a benchmark can serve a 10,000-device fleet without a
World.
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

import httpx

from bot.json_types import JsonMapping, JsonObject, JsonValue, as_list, as_object
from bot.sandbox.aws_shapes import A4B_MODEL, request_problem
from bot.sandbox.profile_world import ProfileWorld, profile_world_of
from bot.sandbox.world import PlacedDevice, WorldState

_PREFIX = "AlexaForBusiness."
_FAULT_NS = "com.amazonaws.alexaforbusiness#"
_SORT_FIELDS = {
    "DeviceName": "DeviceName",
    "DeviceStatus": "DeviceStatus",
    "RoomName": "RoomName",
    "DeviceType": "DeviceType",
    "DeviceSerialNumber": "DeviceSerialNumber",
    "ConnectionStatus": "ConnectionStatus",
}
_FILTER_KEYS = frozenset(
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

Answer = tuple[int, JsonObject]


def unknown_operation(target: str) -> Answer:
    return 400, {"__type": "UnknownOperationException", "message": f"Unknown operation {target}"}


def _error(kind: str, message: str, status: int = 400) -> Answer:
    return status, {"__type": _FAULT_NS + kind, "message": message}


@dataclass
class DeviceRecord:
    """One device as Alexa for Business reports it; events are (time, type, value), any order."""

    arn: str
    serial: str
    name: str
    type: str
    software_version: str
    mac_address: str
    status: str
    connection: str
    room_name: str | None
    events: list[tuple[datetime, str, str]] = field(default_factory=list)

    def wire(self) -> JsonObject:
        details: list[JsonValue] = (
            [{"Code": "DEVICE_WAS_OFFLINE"}] if self.status == "WAS_OFFLINE" else []
        )
        out: JsonObject = {
            "DeviceArn": self.arn,
            "DeviceSerialNumber": self.serial,
            "DeviceType": self.type,
            "DeviceName": self.name,
            "SoftwareVersion": self.software_version,
            "MacAddress": self.mac_address,
            "DeviceStatus": self.status,
            "DeviceStatusInfo": {
                "DeviceStatusDetails": details,
                "ConnectionStatus": self.connection,
            },
        }
        if self.room_name is not None:
            out["RoomName"] = self.room_name
            out["RoomArn"] = "arn:aws:a4b:us-east-1:000000000000:room/" + _b64(self.room_name)
        return out

    def field_value(self, key: str) -> str:
        return {
            "DeviceName": self.name,
            "DeviceStatus": self.status,
            "RoomName": self.room_name or "",
            "DeviceType": self.type,
            "DeviceSerialNumber": self.serial,
            "ConnectionStatus": self.connection,
        }.get(key, "")


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _encode_token(offset: int) -> str:
    return _b64(f"offset:{offset}")


def _decode_token(token: str) -> int | None:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    if not raw.startswith("offset:"):
        return None
    try:
        return int(raw.removeprefix("offset:"))
    except ValueError:
        return None


class _Refused(Exception):
    def __init__(self, answer: Answer) -> None:
        self.answer = answer


def _page_bounds(body: JsonMapping, default: int) -> tuple[int, int]:
    """(offset, size) from NextToken/MaxResults; refuses out-of-range sizes and foreign tokens."""
    size = body.get("MaxResults", default)
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= 50:
        raise _Refused(_error("ValidationException", "MaxResults must be between 1 and 50"))
    token = body.get("NextToken")
    offset = 0
    if token is not None:
        decoded = _decode_token(token) if isinstance(token, str) else None
        if decoded is None:
            raise _Refused(_error("InvalidNextTokenException", "The NextToken is not valid"))
        offset = decoded
    return offset, size


class DeviceBackend:
    """The three device operations over a list of records."""

    def __init__(self, devices: Iterable[DeviceRecord]) -> None:
        self.devices = list(devices)
        self._by_arn = {d.arn: d for d in self.devices}

    def dispatch(self, operation: str, body: JsonMapping) -> Answer:
        try:
            if operation == "SearchDevices":
                return self.search_devices(body)
            if operation == "GetDevice":
                return self.get_device(body)
            if operation == "ListDeviceEvents":
                return self.list_device_events(body)
        except _Refused as refused:
            return refused.answer
        return unknown_operation(_PREFIX + operation)

    def search_devices(self, body: JsonMapping) -> Answer:
        offset, size = _page_bounds(body, 10)
        filters = body.get("Filters") or []
        if not isinstance(filters, list) or len(filters) > 25:
            return _error("ValidationException", "Filters must be a list of at most 25 filters")
        matching = self.devices
        for item in filters:
            if not isinstance(item, dict) or item.get("Key") not in _FILTER_KEYS:
                return _error("ValidationException", f"Unsupported filter {item!r}")
            values = item.get("Values")
            if not isinstance(values, list) or not 1 <= len(values) <= 50:
                return _error("ValidationException", "Filter Values must hold 1 to 50 strings")
            wanted = [str(v) for v in values]
            filter_key = str(item["Key"])
            matching = [d for d in matching if _matches(d, filter_key, wanted)]
        for raw in reversed(as_list(body.get("SortCriteria"))):
            criterion = as_object(raw)
            key = criterion.get("Key")
            if key not in _SORT_FIELDS:
                return _error("ValidationException", f"Unsupported sort key {key!r}")
            descending = criterion.get("Value") == "DESC"
            sort_key = str(key)
            matching = sorted(matching, key=lambda d: d.field_value(sort_key), reverse=descending)
        page = matching[offset : offset + size]
        answer: JsonObject = {
            "Devices": [d.wire() for d in page],
            "TotalCount": len(matching),
        }
        if offset + size < len(matching):
            answer["NextToken"] = _encode_token(offset + size)
        return 200, answer

    def get_device(self, body: JsonMapping) -> Answer:
        device = self._by_arn.get(str(body.get("DeviceArn") or ""))
        if device is None:
            return _error("NotFoundException", "The device was not found")
        return 200, {"Device": device.wire()}

    def list_device_events(self, body: JsonMapping) -> Answer:
        device = self._by_arn.get(str(body.get("DeviceArn") or ""))
        if device is None:
            return _error("NotFoundException", "The device was not found")
        offset, size = _page_bounds(body, 50)
        event_type = body.get("EventType")
        if event_type is not None and event_type not in ("CONNECTION_STATUS", "DEVICE_STATUS"):
            return _error("ValidationException", f"Unsupported EventType {event_type!r}")
        events = sorted(
            (e for e in device.events if event_type is None or e[1] == event_type),
            key=lambda e: e[0],
            reverse=True,
        )
        page = events[offset : offset + size]
        answer: JsonObject = {
            "DeviceEvents": [
                {"Type": kind, "Value": value, "Timestamp": when.timestamp()}
                for when, kind, value in page
            ],
            "NextToken": _encode_token(offset + size) if offset + size < len(events) else None,
        }
        return 200, answer


def _matches(device: DeviceRecord, key: str, values: list[str]) -> bool:
    if key == "UnassociatedOnly":
        return device.room_name is None
    if key == "DeviceStatusDetailCode":
        return "DEVICE_WAS_OFFLINE" in values and device.status == "WAS_OFFLINE"
    if key in _SORT_FIELDS:
        return device.field_value(key) in values
    return False  # network profiles, features and failure codes are not modelled


# -- room profiles (seed 000) and users (seed 001) ------------------------------------------------

PROFILE_OPERATIONS = frozenset(
    {"SearchProfiles", "GetProfile", "CreateProfile", "UpdateProfile", "SearchUsers"}
)
_PROFILE_SUMMARY_KEYS = (
    "ProfileArn",
    "ProfileName",
    "IsDefault",
    "Address",
    "Timezone",
    "DistanceUnit",
    "TemperatureUnit",
    "WakeWord",
    "Locale",
)
_PROFILE_WRITABLE = frozenset(
    {
        "ProfileName",
        "IsDefault",
        "Timezone",
        "Address",
        "DistanceUnit",
        "TemperatureUnit",
        "WakeWord",
        "Locale",
        "SetupModeDisabled",
        "MaxVolumeLimit",
        "PSTNEnabled",
        "DataRetentionOptIn",
        "MeetingRoomConfiguration",
    }
)
_PROFILE_REQUIRED = (
    "ProfileName",
    "Timezone",
    "Address",
    "DistanceUnit",
    "TemperatureUnit",
    "WakeWord",
)
_ENUMS = {
    "DistanceUnit": ("METRIC", "IMPERIAL"),
    "TemperatureUnit": ("FAHRENHEIT", "CELSIUS"),
    "WakeWord": ("ALEXA", "AMAZON", "ECHO", "COMPUTER"),
}
_REMINDER_TYPES = ("ANNOUNCEMENT_TIME_CHECK", "ANNOUNCEMENT_VARIABLE_TIME_LEFT", "CHIME", "KNOCK")
_USER_KEYS = ("UserId", "FirstName", "LastName", "Email", "EnrollmentStatus")
_ENROLLMENT = ("INITIALIZED", "PENDING", "REGISTERED", "DISASSOCIATING", "DEREGISTERING")
_PROFILE_ARN = "arn:aws:a4b:us-east-1:123456789012:profile/"


def _invalid(message: str) -> _Refused:
    return _Refused(_error("ValidationException", message))


def _check_meeting_room(config: JsonValue) -> None:
    """Seed 000's documented ranges; the real service refuses values outside them."""
    if not isinstance(config, dict):
        raise _invalid("MeetingRoomConfiguration must be an object")
    reminder = as_object(config.get("EndOfMeetingReminder"))
    for minutes in as_list(reminder.get("ReminderAtMinutes")):
        if not isinstance(minutes, int) or not 3 <= minutes <= 15:
            raise _invalid("ReminderAtMinutes must be between 3 and 15")
    if "ReminderType" in reminder and reminder["ReminderType"] not in _REMINDER_TYPES:
        raise _invalid(f"Unsupported ReminderType {reminder['ReminderType']!r}")
    booking = as_object(config.get("InstantBooking"))
    duration = booking.get("DurationInMinutes")
    if duration is not None and (
        not isinstance(duration, int) or not 15 <= duration <= 240 or duration % 15
    ):
        raise _invalid("DurationInMinutes must be between 15 and 240 in increments of 15")
    check_in = as_object(config.get("RequireCheckIn"))
    release = check_in.get("ReleaseAfterMinutes")
    if release is not None and (not isinstance(release, int) or not 5 <= release <= 20):
        raise _invalid("ReleaseAfterMinutes must be between 5 and 20")


def _check_profile_body(body: JsonMapping) -> None:
    for key, allowed in _ENUMS.items():
        if key in body and body[key] not in allowed:
            raise _invalid(f"{key} must be one of {', '.join(allowed)}")
    for key, limit in (("ProfileName", 100), ("Timezone", 100), ("Address", 500)):
        value = body.get(key)
        if key in body and (not isinstance(value, str) or not 1 <= len(value) <= limit):
            raise _invalid(f"{key} must be 1 to {limit} characters")
    if "MeetingRoomConfiguration" in body:
        _check_meeting_room(body["MeetingRoomConfiguration"])


def _merge(into: JsonObject, changes: JsonMapping) -> None:
    """UpdateProfile leaves what is not sent as it was, down to the meeting-room sub-settings."""
    for key, value in changes.items():
        inner = into.get(key)
        if isinstance(value, dict) and isinstance(inner, dict):
            _merge(inner, value)
        else:
            into[key] = copy.deepcopy(value)


def _value_matches(actual: JsonValue, wanted: list[str], *, exact: bool) -> bool:
    text = "" if actual is None else str(actual).casefold()
    if exact:
        return text in {w.casefold() for w in wanted}
    return any(text.startswith(w.casefold()) for w in wanted)


def _filtered_sorted(
    items: list[JsonObject], body: JsonMapping, keys: Mapping[str, str], exact: set[str]
) -> list[JsonObject]:
    """Filters (prefix match, case-insensitive; exact for enums) then sort criteria, as A4B does."""
    filters = body.get("Filters") or []
    if not isinstance(filters, list) or len(filters) > 25:
        raise _invalid("Filters must be a list of at most 25 filters")
    found = items
    for raw in filters:
        item = as_object(raw)
        key = item.get("Key")
        if not isinstance(key, str) or key not in keys:
            raise _invalid(f"Unsupported filter key {key!r}")
        values = item.get("Values")
        if not isinstance(values, list) or not 1 <= len(values) <= 50:
            raise _invalid("Filter Values must hold 1 to 50 strings")
        field_name = keys[key]
        found = [
            x
            for x in found
            if _value_matches(x.get(field_name), [str(v) for v in values], exact=key in exact)
        ]
    for criterion in reversed(as_list(body.get("SortCriteria"))):
        key = criterion.get("Key") if isinstance(criterion, dict) else None
        if not isinstance(key, str) or key not in keys:
            raise _invalid(f"Unsupported sort key {key!r}")
        field_name = keys[key]
        found = sorted(
            found,
            key=lambda x: str(x.get(field_name) or "").casefold(),
            reverse=as_object(criterion).get("Value") == "DESC",
        )
    return found


def _paged(found: list[JsonObject], body: JsonMapping, key: str) -> Answer:
    offset, size = _page_bounds(body, 10)
    page: list[JsonValue] = list(found[offset : offset + size])
    answer: JsonObject = {key: page, "TotalCount": len(found)}
    if offset + size < len(found):
        answer["NextToken"] = _encode_token(offset + size)
    return 200, answer


class ProfileBackend:
    """Room profiles and users of a ProfileWorld, answered in the shapes of seeds 000 and 001."""

    def __init__(self, world: ProfileWorld) -> None:
        self.world = world

    def dispatch(self, operation: str, body: JsonMapping) -> Answer:
        handlers = {
            "SearchProfiles": self.search_profiles,
            "GetProfile": self.get_profile,
            "CreateProfile": self.create_profile,
            "UpdateProfile": self.update_profile,
            "SearchUsers": self.search_users,
        }
        handler = handlers.get(operation)
        if handler is None:
            return unknown_operation(_PREFIX + operation)
        try:
            return handler(body)
        except _Refused as refused:
            return refused.answer

    def search_profiles(self, body: JsonMapping) -> Answer:
        keys = {"ProfileName": "ProfileName", "Address": "Address"}
        found = _filtered_sorted(self.world.profiles, body, keys, set())
        summaries = [{k: p[k] for k in _PROFILE_SUMMARY_KEYS if k in p} for p in found]
        return _paged(summaries, body, "Profiles")

    def _existing(self, body: JsonMapping) -> JsonObject:
        profile = self.world.profile(str(body.get("ProfileArn") or ""))
        if profile is None:
            raise _Refused(_error("NotFoundException", "The room profile was not found"))
        return profile

    def get_profile(self, body: JsonMapping) -> Answer:
        return 200, {"Profile": copy.deepcopy(self._existing(body))}

    def create_profile(self, body: JsonMapping) -> Answer:
        missing = [k for k in _PROFILE_REQUIRED if not body.get(k)]
        if missing:
            raise _invalid(f"Missing required parameters: {', '.join(missing)}")
        _check_profile_body(body)
        token = body.get("ClientRequestToken")
        if token is not None and (not isinstance(token, str) or not 10 <= len(token) <= 150):
            raise _invalid("ClientRequestToken must be 10 to 150 characters")
        if token and token in self.world.create_tokens:
            # the same request again (a retry after a lost answer): the same profile, no second one
            return 200, {"ProfileArn": self.world.create_tokens[token]}
        if self.world.profile_named(str(body["ProfileName"])) is not None:
            raise _Refused(
                _error("AlreadyExistsException", f"A profile named {body['ProfileName']} exists")
            )
        arn = _PROFILE_ARN + _b64(f"{body['ProfileName']}|{len(self.world.profiles)}")
        profile: JsonObject = {"ProfileArn": arn, "IsDefault": False}
        profile.update({k: copy.deepcopy(v) for k, v in body.items() if k in _PROFILE_WRITABLE})
        self.world.profiles.append(profile)
        if token:
            self.world.create_tokens[token] = arn
        return 200, {"ProfileArn": arn}

    def update_profile(self, body: JsonMapping) -> Answer:
        profile = self._existing(body)
        unknown = sorted(set(body) - _PROFILE_WRITABLE - {"ProfileArn"})
        if unknown:
            raise _invalid(f"Unknown parameters: {', '.join(unknown)}")
        _check_profile_body(body)
        new_name = body.get("ProfileName")
        if new_name is not None:
            other = self.world.profile_named(str(new_name))
            if other is not None and other is not profile:
                raise _Refused(_error("NameInUseException", f"The name {new_name} is in use"))
        if body.get("IsDefault") is True:
            for other in self.world.profiles:
                other["IsDefault"] = False
        _merge(profile, {k: v for k, v in body.items() if k != "ProfileArn"})
        return 200, {}

    def search_users(self, body: JsonMapping) -> Answer:
        keys = {"UserId": "UserArn", **{k: k for k in _USER_KEYS if k != "UserId"}}
        for item in as_list(body.get("Filters")):
            if isinstance(item, dict) and item.get("Key") == "EnrollmentStatus":
                bad = [v for v in as_list(item.get("Values")) if v not in _ENROLLMENT]
                if bad:
                    raise _invalid(f"Unsupported EnrollmentStatus {bad[0]!r}")
        found = _filtered_sorted(self.world.users, body, keys, {"EnrollmentStatus", "UserId"})
        return _paged([copy.deepcopy(u) for u in found], body, "Users")


def is_signed(headers: Mapping[str, str]) -> bool:
    """A SigV4 header with a credential scope for a4b, and the date it was signed at."""
    lowered = {k.lower(): v for k, v in headers.items()}
    auth = lowered.get("authorization", "")
    return (
        auth.startswith("AWS4-HMAC-SHA256 ")
        and "Credential=" in auth
        and "/a4b/aws4_request" in auth
        and "SignedHeaders=" in auth
        and "Signature=" in auth
        and "x-amz-date" in lowered
    )


# -- the World adapter ----------------------------------------------------------------------------


class _WorldState(Protocol):
    now: datetime

    def iter_devices(self) -> Iterator[PlacedDevice]: ...


def records_from_world(state: _WorldState) -> list[DeviceRecord]:
    """The world's devices (placed and unplaced) as Alexa for Business sees them."""
    records: list[DeviceRecord] = []
    for placed in state.iter_devices():
        dev = placed.device
        records.append(
            DeviceRecord(
                arn=dev.arn,
                serial=dev.serial,
                name=dev.name,
                type=dev.type,
                software_version=dev.softwareVersion,
                mac_address=dev.macAddress,
                status=dev.status,
                connection=dev.connection,
                room_name=placed.room_name,
                events=[
                    (state.now - timedelta(seconds=e.ago_s), e.type, e.value) for e in dev.events
                ],
            )
        )
    return records


def serialization_error(message: str) -> Answer:
    return 400, {"__type": "SerializationException", "message": message}


def unsigned() -> Answer:
    return 403, {
        "__type": "com.amazon.coral.service#UnrecognizedClientException",
        "message": "Missing or malformed AWS Signature Version 4 authentication",
    }


def handle(target: str, body: JsonObject, headers: Mapping[str, str], state: WorldState) -> Answer:
    """Serve one AWS JSON 1.1 call of the sandbox (Alexa for Business devices, profiles, users)."""
    if not is_signed(headers):
        return unsigned()
    if not target.startswith(_PREFIX):
        return unknown_operation(target)
    operation = target.removeprefix(_PREFIX)
    invalid = request_problem(A4B_MODEL, operation, body)
    if invalid is not None:
        return _error("ValidationException", invalid)
    if operation in PROFILE_OPERATIONS:
        return ProfileBackend(profile_world_of(state)).dispatch(operation, body)
    backend = DeviceBackend(records_from_world(state))
    return backend.dispatch(operation, body)


def backend_transport(
    backend: DeviceBackend, seen: list[httpx.Request] | None = None
) -> httpx.MockTransport:
    """An in-process transport serving a DeviceBackend with `handle`'s rules (tests, benchmarks)."""

    def respond(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        target = request.headers.get("x-amz-target", "")
        if not is_signed(request.headers):
            status, body = unsigned()
        elif not target.startswith(_PREFIX):
            status, body = unknown_operation(target)
        else:
            payload = json.loads(request.content or b"{}")
            operation = target.removeprefix(_PREFIX)
            invalid = request_problem(A4B_MODEL, operation, payload)
            if invalid is not None:
                status, body = _error("ValidationException", invalid)
            else:
                status, body = backend.dispatch(operation, payload)
        return httpx.Response(
            status,
            json=body,
            headers={
                "x-amzn-RequestId": "sandbox-request",
                "content-type": "application/x-amz-json-1.1",
            },
        )

    return httpx.MockTransport(respond)
