"""Alexa for Business client: SigV4, targets, pagination, limits, typed errors, throttling."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bot.clients.a4b import A4BClient, Filter, SortCriterion
from bot.clients.errors import InvalidInput, NotFound, ServerError, Throttled
from bot.clock import FakeClock
from bot.sandbox.aws_handlers import DeviceBackend, DeviceRecord, backend_transport

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fake_aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "fake-secret-for-tests")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def fleet(n: int) -> list[DeviceRecord]:
    return [
        DeviceRecord(
            arn=f"arn:aws:a4b:us-east-1:1:device/{i:04d}",
            serial=f"S{i:04d}",
            name=f"Echo {i:04d}",
            type="ECHO",
            software_version="1",
            mac_address="00:00:00:00:00:00",
            status="READY",
            connection="OFFLINE" if i % 4 == 0 else "ONLINE",
            room_name=f"Sea View {100 + i}",
            events=[(NOW - timedelta(minutes=k), "CONNECTION_STATUS", "ONLINE") for k in range(i)],
        )
        for i in range(n)
    ]


def client_for(backend: DeviceBackend, seen: list[httpx.Request]) -> A4BClient:
    return A4BClient(
        "http://a4b.test", transport=backend_transport(backend, seen), clock=FakeClock(NOW)
    )


async def test_every_call_is_signed_with_target_and_content_type() -> None:
    """Each operation is a SigV4-signed POST / with its X-Amz-Target and the JSON 1.1 type."""
    seen: list[httpx.Request] = []
    async with client_for(DeviceBackend(fleet(3)), seen) as client:
        await client.search_devices()
        await client.get_device("arn:aws:a4b:us-east-1:1:device/0001")
        await client.list_device_events("arn:aws:a4b:us-east-1:1:device/0002")
    targets = [r.headers["x-amz-target"] for r in seen]
    assert targets == [
        "AlexaForBusiness.SearchDevices",
        "AlexaForBusiness.GetDevice",
        "AlexaForBusiness.ListDeviceEvents",
    ]
    for request in seen:
        assert request.method == "POST" and request.url.path == "/"
        assert request.headers["content-type"] == "application/x-amz-json-1.1"
        auth = request.headers["authorization"]
        assert auth.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
        assert "/us-east-1/a4b/aws4_request" in auth
        assert "x-amz-target" in auth.split("SignedHeaders=")[1]
        assert "x-amz-date" in request.headers


async def test_search_devices_follows_next_token_at_50_a_page() -> None:
    """120 devices come back complete in ceil(120/50) = 3 pages of MaxResults 50."""
    seen: list[httpx.Request] = []
    async with client_for(DeviceBackend(fleet(120)), seen) as client:
        devices = await client.search_devices()
    assert len({d.device_arn for d in devices}) == 120
    assert [json.loads(r.content)["MaxResults"] for r in seen] == [50, 50, 50]
    assert "NextToken" not in json.loads(seen[0].content)
    assert client.stats.calls("SearchDevices") == 3


async def test_filters_and_sort_are_sent_and_applied() -> None:
    """ConnectionStatus filter and a DESC sort reach the service in the documented shape."""
    seen: list[httpx.Request] = []
    async with client_for(DeviceBackend(fleet(8)), seen) as client:
        devices = await client.search_devices(
            filters=[Filter(key="ConnectionStatus", values=["OFFLINE"])],
            sort=[SortCriterion(key="DeviceSerialNumber", value="DESC")],
        )
    body = json.loads(seen[0].content)
    assert body["Filters"] == [{"Key": "ConnectionStatus", "Values": ["OFFLINE"]}]
    assert body["SortCriteria"] == [{"Key": "DeviceSerialNumber", "Value": "DESC"}]
    assert [d.device_serial_number for d in devices] == ["S0004", "S0000"]


async def test_list_device_events_pages_and_stops_at_since() -> None:
    """Events page through NextToken newest first, and paging stops once past `since`."""
    seen: list[httpx.Request] = []
    arn = "arn:aws:a4b:us-east-1:1:device/0120"
    async with client_for(DeviceBackend(fleet(121)), seen) as client:
        everything = await client.list_device_events(arn, event_type="CONNECTION_STATUS")
        assert len(everything) == 120 and len(seen) == 3
        assert everything[0].timestamp > everything[-1].timestamp
        recent = await client.list_device_events(arn, since=NOW - timedelta(minutes=9))
    assert len(recent) == 10
    assert len(seen) == 4  # one page was enough
    assert json.loads(seen[0].content)["EventType"] == "CONNECTION_STATUS"


async def test_limits_are_checked_before_sending() -> None:
    """Page sizes outside 1–50, unknown filter keys and event types never leave the client."""
    seen: list[httpx.Request] = []
    async with client_for(DeviceBackend(fleet(1)), seen) as client:
        with pytest.raises(InvalidInput):
            await client.search_devices_page(max_results=51)
        with pytest.raises(InvalidInput):
            await client.search_devices(filters=[Filter(key="Colour", values=["red"])])
        with pytest.raises(InvalidInput):
            await client.list_device_events("arn", event_type="POWER")  # type: ignore[arg-type]
    assert seen == []


async def test_errors_are_typed_from_type_field() -> None:
    """A `...#NotFoundException` answer raises NotFound carrying the type and request id."""
    async with client_for(DeviceBackend([]), []) as client:
        with pytest.raises(NotFound) as caught:
            await client.get_device("arn:aws:a4b:us-east-1:1:device/missing")
    assert caught.value.error_type == "NotFoundException"
    assert caught.value.request_id == "sandbox-request"


@pytest.mark.parametrize("status", [400, 429])
async def test_throttling_400_or_429_backs_off_on_the_seed_schedule(status: int) -> None:
    """ThrottlingException (400 or 429) is retried after 1 s, 2 s, 4 s; then the answer is used."""
    answers = iter([status, status, status, 200])

    def respond(request: httpx.Request) -> httpx.Response:
        code = next(answers)
        if code != 200:
            return httpx.Response(code, json={"__type": "ThrottlingException", "message": "slow"})
        return httpx.Response(200, json={"Devices": [], "TotalCount": 0})

    clock = FakeClock(NOW)
    client = A4BClient("http://a4b.test", transport=httpx.MockTransport(respond), clock=clock)
    assert await client.search_devices() == []
    assert clock.sleeps == [1.0, 2.0, 4.0]
    assert client.stats.throttled == 3


async def test_throttling_past_deadline_raises_throttled() -> None:
    """When the next wait would pass the caller's deadline, the call ends with Throttled."""
    transport = httpx.MockTransport(
        lambda r: httpx.Response(429, json={"__type": "ThrottlingException"})
    )
    clock = FakeClock(NOW)
    client = A4BClient("http://a4b.test", transport=transport, clock=clock)
    with pytest.raises(Throttled):
        await client.get_device("arn:x", deadline=5.0)
    assert clock.sleeps == [1.0, 2.0]


async def test_server_errors_are_retried_a_bounded_number_of_times() -> None:
    """A 500 that persists is retried three times, then raised as ServerError."""
    transport = httpx.MockTransport(
        lambda r: httpx.Response(500, json={"__type": "ServiceFailure"})
    )
    clock = FakeClock(NOW)
    client = A4BClient("http://a4b.test", transport=transport, clock=clock)
    with pytest.raises(ServerError):
        await client.get_device("arn:x")
    assert client.stats.requests == 4


def test_endpoint_override_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A4B_ENDPOINT_URL replaces the default https://a4b.us-east-1.amazonaws.com."""
    assert A4BClient().endpoint_url == "https://a4b.us-east-1.amazonaws.com/"
    monkeypatch.setenv("A4B_ENDPOINT_URL", "http://127.0.0.1:9999")
    assert A4BClient().endpoint_url == "http://127.0.0.1:9999/"
