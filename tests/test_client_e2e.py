"""AspClient and LwaAuth against the sandbox over real HTTP on 127.0.0.1 (seeds 003 and 004)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator

import pytest

from bot.clients.asp import AspClient
from bot.clients.errors import BadRequest, Forbidden, NotFound, ServerError, Throttled, Unauthorized
from bot.clients.lwa import LwaAuth, StaticToken
from bot.clients.models import StationPreference
from bot.clock import FakeClock
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import Room, World

ORG = "amzn1.alexa.unit.did.SMALLORG"
HOTEL_A = "amzn1.alexa.unit.did.HOTELA"
KING = "amzn1.alexa.unit.did.KING"
EMPTY = "amzn1.alexa.unit.did.EMPTY"
A101 = "amzn1.alexa.unit.did.A101"
A102 = "amzn1.alexa.unit.did.A102"
A204 = "amzn1.alexa.unit.did.A204"
A205 = "amzn1.alexa.unit.did.A205"
B101 = "amzn1.alexa.unit.did.B101"
MISSING = "amzn1.alexa.unit.did.NOPE"


def lwa_for(base: str, clock: FakeClock | None = None, **kw: object) -> LwaAuth:
    return LwaAuth(
        "demo-client",
        "demo-secret",
        "Atzr|demo-refresh",
        f"{base}/auth/o2/token",
        clock=clock,
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture
async def auth(sandbox_url: str) -> AsyncIterator[LwaAuth]:
    a = lwa_for(sandbox_url)
    yield a
    await a.aclose()


@pytest.fixture
async def client(sandbox_url: str, auth: LwaAuth) -> AsyncIterator[AspClient]:
    # A FakeClock on the client: injected 429s and 5xx retries cost no real waiting.
    c = AspClient(sandbox_url, auth, clock=FakeClock(), rng=random.Random(0))
    yield c
    await c.aclose()


async def test_hierarchy_reads_through_lwa(client: AspClient, auth: LwaAuth) -> None:
    """With a token from the sandbox's LWA endpoint, the client lists and gets every level."""
    props = await client.list_properties(ORG)
    assert {p.name for p in props} == {"Hotel A", "Hotel B"}
    assert all(p.organizationId == ORG for p in props)
    room_types = await client.list_room_types(HOTEL_A)
    assert {rt.id for rt in room_types} == {KING, EMPTY}
    rooms = await client.list_rooms(KING)
    assert [r.name for r in rooms] == ["101", "102", "204", "205"]
    assert (await client.get_property(HOTEL_A)).name == "Hotel A"
    assert (await client.get_room_type(KING)).propertyId == HOTEL_A
    assert (await client.get_room(A204)).roomTypeId == KING
    assert await client.list_rooms(EMPTY) == []
    assert auth.refreshes == 1


async def test_create_update_delete_cycle(client: AspClient, sandbox: SandboxServer) -> None:
    """Create property → room type → room (201 ids), rename each (204), then delete in order."""
    prop = await client.create_property("Harbor View", ORG)
    room_type = await client.create_room_type("Ocean", prop)
    room = await client.create_room("301-A", room_type)
    assert (await client.get_room(room)).name == "301-A"
    await client.update_property(prop, "Harbor View Seattle")
    await client.update_room_type(room_type, "Ocean Suite")
    await client.update_room(room, "301-B")
    assert (await client.get_property(prop)).name == "Harbor View Seattle"
    assert (await client.get_room_type(room_type)).name == "Ocean Suite"
    assert (await client.get_room(room)).name == "301-B"
    with pytest.raises(BadRequest):
        await client.delete_property(prop)  # not empty
    await client.delete_room(room)
    await client.delete_room_type(room_type)
    await client.delete_property(prop)
    with pytest.raises(NotFound) as info:
        await client.get_property(prop)
    assert info.value.request_id  # the sandbox stamps X-Amzn-RequestId on every answer


async def test_sandbox_error_paths(client: AspClient) -> None:
    """Deleting a room with devices or a duplicate room name is 400; unknown ids are 404."""
    with pytest.raises(BadRequest):
        await client.delete_room(A101)
    with pytest.raises(BadRequest):
        await client.create_room("204", EMPTY)  # "204" already exists in Hotel A
    with pytest.raises(NotFound):
        await client.get_room(MISSING)
    with pytest.raises(BadRequest):
        await client.set_default_station(A102, StationPreference(providerId="X", stationId="1"))


async def test_pagination_with_odd_page_sizes(sandbox: SandboxServer, small_world: World) -> None:
    """123 rooms come back complete in three pages of at most 50 (50, 50, 23)."""
    small_world.properties[0].roomTypes[1].rooms = [
        Room(id=f"amzn1.alexa.unit.did.X{i}", name=f"X{i}") for i in range(123)
    ]
    sandbox.reset(small_world)
    async with AspClient(sandbox.url, StaticToken("Atza|sandbox-static-token")) as client:
        rooms = await client.list_rooms(EMPTY)
    assert [r.name for r in rooms] == [f"X{i}" for i in range(123)]
    assert client.stats.requests["GET"] == 3
    stats = sandbox.sandbox.stats.snapshot()
    assert stats["requests"]["GET /enterprise/hospitality/v1/rooms"] == 3


async def test_station_get_set_and_204(client: AspClient) -> None:
    """A room without a station answers 204 (None); after a PUT the GET returns the pair."""
    assert await client.get_default_station(A102) is None
    assert await client.get_default_station(A101) == StationPreference(
        providerId="I_HEART_RADIO", stationId="4242"
    )
    pair = StationPreference(providerId="I_HEART_RADIO", stationId="4802")
    await client.set_default_station(A102, pair)
    assert await client.get_default_station(A102) == pair


async def test_station_of_unknown_unit_is_forbidden(client: AspClient) -> None:
    """The settings API answers an unknown unit with 403."""
    with pytest.raises(Forbidden):
        await client.get_default_station(MISSING)


async def test_alarms_success_and_partial_failures(client: AspClient) -> None:
    """Alarms of a room with online devices are deleted (204); offline devices come back as
    per-device failures (504 DEVICE_NOT_REACHABLE, or 500 for mixed reasons)."""
    ok = await client.delete_alarms(A101)
    assert ok.ok and ok.status == 204 and ok.request_id
    offline = await client.delete_alarms(A204)
    assert not offline.ok and offline.status == 504
    assert [f.code for f in offline.failures] == ["DEVICE_NOT_REACHABLE"]
    assert offline.failures[0].endpointId == "amzn1.alexa.endpoint.SA204"
    mixed = await client.delete_reminders(A205)
    assert mixed.status == 500
    assert {f.code for f in mixed.failures} == {"DEVICE_NOT_REACHABLE", "INTERNAL_SERVER_ERROR"}
    assert (await client.delete_timers(B101)).ok


async def test_alarms_of_unknown_unit_raise_forbidden(client: AspClient) -> None:
    """Seed 003's 401 FORBIDDEN for an unknown unit is Forbidden, not a sign-in failure."""
    with pytest.raises(Forbidden):
        await client.delete_alarms(MISSING)


async def test_raw_token_alarm_setting_is_accepted(sandbox_url: str, auth: LwaAuth) -> None:
    """With alarm_auth_raw=True the alerts DELETE carries the raw token and still succeeds."""
    async with AspClient(sandbox_url, auth, alarm_auth_raw=True) as client:
        assert (await client.delete_alarms(A101)).ok


async def test_401_refresh_when_the_server_forgets_the_token(
    sandbox: SandboxServer, small_world: World, client: AspClient, auth: LwaAuth
) -> None:
    """A cached token the server no longer knows gets one refresh and one retry, then succeeds."""
    await client.get_room(A101)
    sandbox.reset(small_world)  # fresh token store: the cached access token is now unknown
    assert (await client.get_room(A101)).name == "101"
    assert auth.refreshes == 2
    assert client.stats.auth_refreshes == 1


async def test_bad_static_token_is_unauthorized(sandbox_url: str) -> None:
    """A token the sandbox never issued ends in Unauthorized after one retry."""
    async with AspClient(sandbox_url, StaticToken("Atza|bogus")) as client:
        with pytest.raises(Unauthorized):
            await client.get_room(A101)
        assert client.stats.requests["GET"] == 2


async def test_bad_lwa_secret_is_unauthorized(sandbox_url: str) -> None:
    """Wrong client credentials at the token endpoint raise Unauthorized with the login hint."""
    auth = LwaAuth("demo-client", "wrong", "Atzr|demo-refresh", f"{sandbox_url}/auth/o2/token")
    async with AspClient(sandbox_url, auth) as client:
        with pytest.raises(Unauthorized) as info:
            await client.get_room(A101)
    assert "bot login" in info.value.user_hint()
    await auth.aclose()


async def test_refresh_token_rotation(sandbox: SandboxServer, small_world: World) -> None:
    """A rotated refresh token is kept, reported through on_rotate, and works next time."""
    small_world.lwa.rotate_refresh_token = True
    sandbox.reset(small_world)
    rotated: list[str] = []
    auth = lwa_for(sandbox.url, on_rotate=rotated.append)
    await auth.token()
    assert len(rotated) == 1 and auth.refresh_token == rotated[0] != "Atzr|demo-refresh"
    await auth.invalidate()
    await auth.token()  # the old refresh token was revoked: this only works with the new one
    assert len(rotated) == 2
    await auth.aclose()


async def test_injected_429s_are_waited_out(sandbox: SandboxServer, client: AspClient) -> None:
    """Injected 429s are retried on the seed schedule (fake clock) until the call succeeds."""
    sandbox.faults.update(p429=0.5, seed=4)
    rooms = await asyncio.gather(*(client.get_room(A101) for _ in range(20)))
    assert all(r.id == A101 for r in rooms)
    assert client.stats.throttled == sandbox.sandbox.stats.injected["injected_429"] > 0


async def test_always_429_hits_the_deadline(sandbox: SandboxServer, client: AspClient) -> None:
    """If the sandbox throttles every request, the call gives up with Throttled at its deadline."""
    await client.get_room(A101)  # fetch the token before the faults start
    sandbox.faults.update(p429=1.0)
    with pytest.raises(Throttled) as info:
        await client.get_room(A101, deadline=60)
    assert info.value.waited_s == 1 + 2 + 4 + 8 + 16


async def test_injected_5xx_never_resends_a_create(
    sandbox: SandboxServer, client: AspClient
) -> None:
    """A create that meets a 500 is sent once and reported as possibly created."""
    await client.get_room(A101)
    sandbox.faults.update(p5xx=1.0)
    with pytest.raises(ServerError) as info:
        await client.create_room("999", KING)
    assert info.value.uncertain_create
    assert (
        sandbox.sandbox.stats.snapshot()["requests"]["POST /enterprise/hospitality/v1/rooms"] == 1
    )


async def test_many_concurrent_calls_share_one_token(sandbox_url: str) -> None:
    """Fifty concurrent calls over one client make one token request and all succeed."""
    auth = lwa_for(sandbox_url)
    async with AspClient(sandbox_url, auth, max_concurrency=16) as client:
        results = await asyncio.gather(*(client.get_room(A101) for _ in range(50)))
    assert len(results) == 50 and auth.refreshes == 1
    await auth.aclose()
