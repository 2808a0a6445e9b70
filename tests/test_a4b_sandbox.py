"""The sandbox's Alexa for Business handler: refuses unsigned calls, serves the world's devices."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.clients.a4b import A4BClient
from bot.json_types import JsonObject
from bot.sandbox.aws_handlers import handle
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World, WorldState

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
SIGNED = {
    "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20260310/us-east-1/a4b/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=abc",
    "X-Amz-Date": "20260310T150000Z",
}


def serve(
    target: str, body: JsonObject, headers: Mapping[str, str], state: WorldState
) -> tuple[int, Any]:
    """The sandbox's answer, its JSON read loosely (the tests index into it)."""
    return handle(target, body, headers, state)


def world() -> WorldState:
    data = {
        "organization": {"id": "amzn1.alexa.unit.did.ORG"},
        "now": NOW.isoformat(),
        "properties": [
            {
                "id": "amzn1.alexa.unit.did.P1",
                "name": "Sea View",
                "roomTypes": [
                    {
                        "id": "amzn1.alexa.unit.did.RT1",
                        "name": "King",
                        "rooms": [
                            {
                                "id": "amzn1.alexa.unit.did.R101",
                                "name": "101",
                                "devices": [
                                    {
                                        "serial": "S1",
                                        "name": "Echo 101",
                                        "type": "ECHO",
                                        "arn": "arn:aws:a4b:us-east-1:1:device/dev1",
                                        "endpointId": "amzn1.alexa.endpoint.1",
                                        "connection": "OFFLINE",
                                        "events": [
                                            {
                                                "type": "CONNECTION_STATUS",
                                                "value": "OFFLINE",
                                                "ago_s": 60,
                                            },
                                            {
                                                "type": "CONNECTION_STATUS",
                                                "value": "ONLINE",
                                                "ago_s": 600,
                                            },
                                        ],
                                    }
                                ],
                            }
                        ],
                    }
                ],
            }
        ],
        "unplacedDevices": [
            {
                "serial": "S9",
                "name": "Spare",
                "type": "ECHO",
                "arn": "arn:aws:a4b:us-east-1:1:device/dev9",
                "endpointId": "e9",
            }
        ],
    }
    return WorldState(World.model_validate(data))


def test_unsigned_request_is_refused() -> None:
    """Without an AWS4-HMAC-SHA256 Authorization header the answer is 403 UnrecognizedClient."""
    status, body = serve("AlexaForBusiness.SearchDevices", {}, {}, world())
    assert status == 403
    assert body["__type"].endswith("#UnrecognizedClientException")


def test_search_devices_serves_placed_and_unplaced_devices() -> None:
    """Devices carry the derived A4B room name "<property> <room>"; unplaced ones have none."""
    status, body = serve("AlexaForBusiness.SearchDevices", {"MaxResults": 50}, SIGNED, world())
    assert status == 200 and body["TotalCount"] == 2
    by_serial = {d["DeviceSerialNumber"]: d for d in body["Devices"]}
    assert by_serial["S1"]["RoomName"] == "Sea View 101"
    assert by_serial["S1"]["DeviceStatusInfo"]["ConnectionStatus"] == "OFFLINE"
    assert "RoomName" not in by_serial["S9"]


def test_list_device_events_are_newest_first_in_epoch_seconds() -> None:
    """Event ages become epoch timestamps counted back from the world's now."""
    status, body = serve(
        "AlexaForBusiness.ListDeviceEvents",
        {"DeviceArn": "arn:aws:a4b:us-east-1:1:device/dev1"},
        SIGNED,
        world(),
    )
    assert status == 200 and body["NextToken"] is None
    assert [e["Value"] for e in body["DeviceEvents"]] == ["OFFLINE", "ONLINE"]
    assert body["DeviceEvents"][0]["Timestamp"] == NOW.timestamp() - 60


def test_page_size_out_of_range_is_a_validation_error() -> None:
    """MaxResults must be 1–50."""
    status, body = serve("AlexaForBusiness.SearchDevices", {"MaxResults": 51}, SIGNED, world())
    assert status == 400 and body["__type"].endswith("ValidationException")


def test_unknown_device_is_not_found() -> None:
    """GetDevice of an unknown ARN answers NotFoundException."""
    status, body = serve(
        "AlexaForBusiness.GetDevice",
        {"DeviceArn": "arn:aws:a4b:us-east-1:1:device/nope"},
        SIGNED,
        world(),
    )
    assert status == 400 and body["__type"].endswith("#NotFoundException")


async def test_client_against_running_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real client, signed with fake env credentials, reads the sandbox over 127.0.0.1."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "fake-secret-for-tests")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with SandboxServer(world().world) as server:
        async with A4BClient(server.url) as client:
            devices = await client.search_devices()
            events = await client.list_device_events("arn:aws:a4b:us-east-1:1:device/dev1")
    assert {d.device_serial_number for d in devices} == {"S1", "S9"}
    assert [e.value for e in events] == ["OFFLINE", "ONLINE"]
