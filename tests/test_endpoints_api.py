"""ASP's Endpoints API: the client against the sandbox over HTTP (serial look-up, a unit's devices
across pages, connectivity) and the sandbox's own rules (one filter, paging, 404s, no token)."""

from __future__ import annotations

import httpx
import pytest
from conftest import AUTH, STATIC_TOKEN

from bot.clients.endpoints import EndpointsClient, validate_endpoint_id
from bot.clients.errors import InvalidInput, NotFound, Unauthorized
from bot.clients.lwa import StaticToken
from bot.sandbox.endpoints import EndpointDirectory, EndpointRecord, directory_transport
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import Device, World

UNIT_A205 = "amzn1.alexa.unit.did.A205"


def client_for(url: str, token: str = STATIC_TOKEN) -> EndpointsClient:
    return EndpointsClient(url, StaticToken(token))


async def test_find_by_serial_gives_endpoint_and_unit(sandbox: SandboxServer) -> None:
    """A4B's serial number finds the ASP endpoint and the room (unit) it is associated with."""
    async with client_for(sandbox.url) as client:
        found = await client.find_by_serial("SA204")
        assert found is not None and found.id == "amzn1.alexa.endpoint.SA204"
        assert found.unit_ids == ["amzn1.alexa.unit.did.A204"]
        assert found.friendly_name == "Echo SA204" and found.serial == "SA204"
        assert await client.find_by_serial("NOSUCH") is None
        spare = await client.find_by_serial("SPARE1")
        assert spare is not None and spare.unit_ids == []
        with pytest.raises(InvalidInput):
            await client.find_by_serial("  ")


async def test_unit_endpoints_follow_pages(sandbox: SandboxServer, small_world: World) -> None:
    """A unit with more endpoints than a page: every page is read."""
    room = small_world.properties[0].roomTypes[0].rooms[3]
    room.devices += [
        Device(
            serial=f"EXTRA{i:02d}",
            name=f"Echo EXTRA{i:02d}",
            type="A4ZP7ZC4PI6TO",
            arn=f"arn:aws:a4b:us-east-1:123456789012:device/x/EXTRA{i:02d}",
            endpointId=f"amzn1.alexa.endpoint.EXTRA{i:02d}",
        )
        for i in range(60)
    ]
    sandbox.reset(small_world)
    async with client_for(sandbox.url) as client:
        found = await client.unit_endpoints(UNIT_A205)
        assert len(found) == 62 and client.stats.total_requests == 2
        with pytest.raises(InvalidInput):
            await client.unit_endpoints("not-a-unit")


async def test_connectivity_ok_unreachable_and_unknown(sandbox: SandboxServer) -> None:
    """OK for an online device, UNREACHABLE for an offline one, with ASP's sample time; 404 for
    an endpoint that does not exist; ids that could escape the path are refused before sending."""
    async with client_for(sandbox.url) as client:
        online = await client.connectivity("amzn1.alexa.endpoint.SA101")
        assert online.reachable is True and online.time_of_sample is not None
        offline = await client.connectivity("amzn1.alexa.endpoint.SA204")
        assert offline.value == "UNREACHABLE" and offline.reachable is False
        with pytest.raises(NotFound):
            await client.connectivity("amzn1.alexa.endpoint.NOSUCH")
        with pytest.raises(InvalidInput):
            await client.connectivity("amzn1.alexa.endpoint.../x")
    with pytest.raises(InvalidInput):
        validate_endpoint_id("amzn1.alexa.unit.did.X")


async def test_no_token_is_refused(sandbox: SandboxServer) -> None:
    """The Endpoints routes want the same LWA bearer token as the rest of ASP."""
    async with client_for(sandbox.url, "Atza|bogus") as client:
        with pytest.raises(Unauthorized):
            await client.find_by_serial("SA204")


def test_sandbox_wants_exactly_one_filter(sandbox_client: httpx.Client) -> None:
    """No filter, two filters, a bad owner, a bad page size or a foreign token: 400."""
    for query in (
        "",
        "?serialNumber.value.text=SA204&associatedUnits.id=amzn1.alexa.unit.did.A204",
        "?owner=someone",
        "?owner=~caller&maxResults=0",
        "?owner=~caller&nextToken=garbage!",
    ):
        answer = sandbox_client.get(f"/v2/endpoints{query}")
        assert answer.status_code == 400, query
    unplaced = sandbox_client.get("/v2/endpoints?owner=~caller&expand=all").json()
    assert [e["serialNumber"]["value"]["text"] for e in unplaced["results"]] == ["SPARE1"]
    bare = sandbox_client.get("/v2/endpoints?serialNumber.value.text=SA204").json()
    assert bare["results"] == [{"id": "amzn1.alexa.endpoint.SA204"}]
    one = sandbox_client.get("/v2/endpoints/amzn1.alexa.endpoint.SA204?expand=all")
    assert one.status_code == 200 and one.json()["associatedUnits"] == [
        {"id": "amzn1.alexa.unit.did.A204"}
    ]
    assert sandbox_client.get("/v2/endpoints/amzn1.alexa.endpoint.NONE").status_code == 404


def test_sandbox_routes_need_a_token(sandbox_url: str) -> None:
    assert httpx.get(f"{sandbox_url}/v2/endpoints?owner=~caller").status_code == 401
    assert AUTH["Authorization"].startswith("Bearer ")


async def test_in_process_directory_serves_the_same_rules() -> None:
    """The directory transport (for benchmarks) pages, looks up and reports reachability."""
    records = [
        EndpointRecord(
            f"amzn1.alexa.endpoint.E{i}",
            f"S{i}",
            f"Echo {i}",
            "amzn1.alexa.unit.did.U",
            i % 2 == 0,
            None,
        )
        for i in range(12)
    ]
    seen: list[httpx.Request] = []
    transport = directory_transport(EndpointDirectory(records), seen)
    async with EndpointsClient("http://asp.test", StaticToken("t"), transport=transport) as client:
        assert len(await client.unit_endpoints("amzn1.alexa.unit.did.U")) == 12
        found = await client.find_by_serial("S3")
        assert found is not None and found.id == "amzn1.alexa.endpoint.E3"
        reach = await client.connectivity("amzn1.alexa.endpoint.E3")
        assert reach.reachable is False and reach.time_of_sample is None
        one = await client._request("GET", "/v2/endpoints/amzn1.alexa.endpoint.E4")
        assert one.json() == {"id": "amzn1.alexa.endpoint.E4"}
        with pytest.raises(NotFound):
            await client._request("GET", "/elsewhere")
    assert len(seen) == 5
