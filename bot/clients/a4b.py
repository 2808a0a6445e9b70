"""Alexa for Business (seed 001): SearchDevices, GetDevice, ListDeviceEvents (AWS JSON 1.1, SigV4).

Request limits are checked before sending (InvalidInput), because a bad page size or filter key is
our bug, not something worth a round trip to Amazon.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

import httpx
from botocore.credentials import Credentials
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_pascal

from bot.clients.aws import AwsJsonClient
from bot.clients.errors import InvalidInput
from bot.clock import Clock

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


class _AwsModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_pascal, populate_by_name=True, extra="ignore")


class StatusDetail(_AwsModel):
    code: str


class DeviceStatusInfo(_AwsModel):
    device_status_details: list[StatusDetail] = Field(default_factory=list)
    connection_status: str | None = None


class Device(_AwsModel):
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


class DevicePage(_AwsModel):
    devices: list[Device] = Field(default_factory=list)
    next_token: str | None = None
    total_count: int | None = None


class DeviceEvent(_AwsModel):
    type: str
    value: str | None = None
    timestamp: datetime  # epoch seconds on the wire; pydantic makes them aware UTC


class DeviceEventPage(_AwsModel):
    device_events: list[DeviceEvent] = Field(default_factory=list)
    next_token: str | None = None


class Filter(_AwsModel):
    key: str
    values: list[str]


class SortCriterion(_AwsModel):
    key: str
    value: Literal["ASC", "DESC"] = "ASC"


def _page_size(value: int) -> int:
    if not 1 <= value <= MAX_PAGE:
        raise InvalidInput(f"page size must be 1–{MAX_PAGE}, got {value}", field="MaxResults")
    return value


def _check_filters(filters: Sequence[Filter]) -> None:
    if len(filters) > 25:
        raise InvalidInput("at most 25 device filters are allowed", field="Filters")
    for item in filters:
        if item.key not in DEVICE_FILTER_KEYS:
            raise InvalidInput(f"unknown device filter key {item.key!r}", field="Filters")
        if not 1 <= len(item.values) <= 50:
            raise InvalidInput(f"filter {item.key} needs 1–50 values", field="Filters")


def _check_sort(sort: Sequence[SortCriterion]) -> None:
    for item in sort:
        if item.key not in DEVICE_SORT_KEYS:
            raise InvalidInput(f"unknown device sort key {item.key!r}", field="SortCriteria")


class A4BClient(AwsJsonClient):
    """The three Alexa for Business device operations the health features need."""

    def __init__(
        self,
        endpoint_url: str | None = None,
        *,
        credentials: Credentials | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        deadline_s: float | None = 300.0,
    ) -> None:
        super().__init__(
            endpoint_url or os.environ.get("A4B_ENDPOINT_URL") or DEFAULT_ENDPOINT,
            service="a4b",
            target_prefix=TARGET_PREFIX,
            region="us-east-1",  # the only region A4B ever had
            credentials=credentials,
            transport=transport,
            clock=clock,
            deadline_s=deadline_s,
        )

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
        payload: dict[str, Any] = {"MaxResults": _page_size(max_results)}
        if filters:
            payload["Filters"] = [f.model_dump(by_alias=True) for f in filters]
        if sort:
            payload["SortCriteria"] = [s.model_dump(by_alias=True) for s in sort]
        if next_token:
            payload["NextToken"] = next_token
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
        devices: list[Device] = []
        token: str | None = None
        while True:
            page = await self.search_devices_page(
                filters=filters,
                sort=sort,
                max_results=page_size,
                next_token=token,
                deadline=deadline,
            )
            devices.extend(page.devices)
            token = page.next_token
            if not token:
                return devices

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
        payload: dict[str, Any] = {"DeviceArn": device_arn, "MaxResults": _page_size(max_results)}
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
        events: list[DeviceEvent] = []
        token: str | None = None
        while True:
            page = await self.list_device_events_page(
                device_arn,
                event_type=event_type,
                max_results=page_size,
                next_token=token,
                deadline=deadline,
            )
            for event in page.device_events:
                if since is not None and event.timestamp < since:
                    return events
                events.append(event)
            token = page.next_token
            if not token:
                return events
