"""AWS JSON 1.1 operations of the sandbox: Alexa for Business SearchDevices, GetDevice and
ListDeviceEvents.

`handle(target, body, headers, state)` gets the `POST /` requests that carry `X-Amz-Target`. It
serves the world's devices in the seed-001 shapes (epoch-second timestamps, NextToken paging,
MaxResults 1–50) and refuses unsigned requests as AWS does. The signature itself is not verified:
the sandbox does not know the caller's secret key; the point is to prove the client signs each call.

`DeviceBackend` works on plain records, so a benchmark can serve a 10,000-device fleet without a
World.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

import httpx

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

Answer = tuple[int, dict[str, Any]]


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

    def wire(self) -> dict[str, Any]:
        details = [{"Code": "DEVICE_WAS_OFFLINE"}] if self.status == "WAS_OFFLINE" else []
        out: dict[str, Any] = {
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


def _page_bounds(body: Mapping[str, Any], default: int) -> tuple[int, int]:
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

    def dispatch(self, operation: str, body: Mapping[str, Any]) -> Answer:
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

    def search_devices(self, body: Mapping[str, Any]) -> Answer:
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
            matching = [d for d in matching if _matches(d, item["Key"], [str(v) for v in values])]
        for criterion in reversed(body.get("SortCriteria") or []):
            key = criterion.get("Key") if isinstance(criterion, dict) else None
            if key not in _SORT_FIELDS:
                return _error("ValidationException", f"Unsupported sort key {key!r}")
            descending = criterion.get("Value") == "DESC"
            sort_key = str(key)
            matching = sorted(matching, key=lambda d: d.field_value(sort_key), reverse=descending)
        page = matching[offset : offset + size]
        answer: dict[str, Any] = {
            "Devices": [d.wire() for d in page],
            "TotalCount": len(matching),
        }
        if offset + size < len(matching):
            answer["NextToken"] = _encode_token(offset + size)
        return 200, answer

    def get_device(self, body: Mapping[str, Any]) -> Answer:
        device = self._by_arn.get(str(body.get("DeviceArn") or ""))
        if device is None:
            return _error("NotFoundException", "The device was not found")
        return 200, {"Device": device.wire()}

    def list_device_events(self, body: Mapping[str, Any]) -> Answer:
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
        answer: dict[str, Any] = {
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

    def iter_devices(self) -> Iterator[Any]: ...


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


def handle(target: str, body: dict[str, Any], headers: Mapping[str, str], state: Any) -> Answer:
    """Serve one AWS JSON 1.1 call of the sandbox (Alexa for Business device operations)."""
    if not is_signed(headers):
        return 403, {
            "__type": "com.amazon.coral.service#UnrecognizedClientException",
            "message": "Missing or malformed AWS Signature Version 4 authentication",
        }
    if not target.startswith(_PREFIX):
        return unknown_operation(target)
    backend = DeviceBackend(records_from_world(state))
    return backend.dispatch(target.removeprefix(_PREFIX), body)


def backend_transport(
    backend: DeviceBackend, seen: list[httpx.Request] | None = None
) -> httpx.MockTransport:
    """An in-process transport serving a DeviceBackend with `handle`'s rules (tests, benchmarks)."""

    def respond(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        target = request.headers.get("x-amz-target", "")
        if not is_signed(request.headers):
            status, body = handle(target, {}, request.headers, None)
        elif not target.startswith(_PREFIX):
            status, body = unknown_operation(target)
        else:
            payload = json.loads(request.content or b"{}")
            status, body = backend.dispatch(target.removeprefix(_PREFIX), payload)
        return httpx.Response(
            status,
            json=body,
            headers={
                "x-amzn-RequestId": "sandbox-request",
                "content-type": "application/x-amz-json-1.1",
            },
        )

    return httpx.MockTransport(respond)
