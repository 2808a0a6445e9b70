"""Full sync through the real AspClient against the real sandbox over HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from math import ceil

import pytest

from bot.clients.asp import AspClient
from bot.clients.lwa import StaticToken
from bot.index.lookup import Index
from bot.index.sync import full_sync, refresh_room_type
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import Organization, Property, Room, RoomType, World

PAGED_ORG = "amzn1.alexa.unit.did.PAGEDORG"


def _uid(name: str) -> str:
    return f"amzn1.alexa.unit.did.{name}"


def _minimum(world: World) -> int:
    """One request per started 50 items of every list, and one for an empty list."""

    def pages(n: int) -> int:
        return max(1, ceil(n / 50))

    total = pages(len(world.properties))
    for prop in world.properties:
        total += pages(len(prop.roomTypes))
        total += sum(pages(len(t.rooms)) for t in prop.roomTypes)
    return total


def _paged_world() -> World:
    """Lists on page boundaries: 51 room types (2 pages), a 120-room type (3 pages), 50 rooms (1
    page), an empty property (one request for its empty list)."""
    types = [
        RoomType(
            id=_uid(f"T{t}"),
            name=f"Type {t}",
            rooms=[Room(id=_uid(f"T{t}R{r}"), name=f"{t}-{r}") for r in range(n)],
        )
        for t, n in enumerate([120, 50, *([1] * 49)])
    ]
    return World(
        organization=Organization(id=PAGED_ORG),
        properties=[
            Property(id=_uid("BIG"), name="Big Hotel", roomTypes=types),
            Property(id=_uid("NEW"), name="New Hotel"),
        ],
    )


@pytest.fixture
async def client(sandbox: SandboxServer) -> AsyncIterator[AspClient]:
    """A real AspClient on the `sandbox` server, with the world's static token."""
    api = AspClient(sandbox.url, StaticToken(sandbox.state.world.lwa.static_tokens[0]))
    yield api
    await api.aclose()


def _served(sandbox: SandboxServer) -> int:
    return sum(
        count for key, count in sandbox.sandbox.stats.requests.items() if "_sandbox" not in key
    )


async def test_full_sync_of_the_small_world_makes_the_minimum_requests(
    sandbox: SandboxServer, client: AspClient
) -> None:
    """Both sides count 1 + 2 + 3 = 6 requests for 2 properties and 3 room types, and the index
    holds the rooms, the "204" of both hotels coming back as two candidates."""
    index = Index(":memory:")
    report = await full_sync(index, client, sandbox.state.organization_id)
    assert report.requests == 6 == _served(sandbox) == _minimum(sandbox.state.world)
    assert (report.properties, report.room_types, report.rooms) == (2, 3, 6)
    assert {r.property_name for r in index.find_rooms("rm 204")} == {"Hotel A", "Hotel B"}


async def test_full_sync_pages_by_fifty_and_nothing_twice(
    sandbox: SandboxServer, client: AspClient
) -> None:
    """With lists on page boundaries the request count is exactly the minimum (1 + 3 + 53 = 57), and
    a later partial refresh of the 120-room type takes its 3 pages."""
    world = _paged_world()
    sandbox.reset(world)
    index = Index(":memory:")
    report = await full_sync(index, client, PAGED_ORG, concurrency=4)
    assert report.requests == _minimum(world) == 57 == _served(sandbox)
    assert report.rooms == 120 + 50 + 49
    assert index.counts().room_types == 51 and index.counts("amzn1.alexa.unit.did.NEW").rooms == 0
    refreshed = await refresh_room_type(index, client, _uid("T0"))
    assert (refreshed.requests, refreshed.rooms) == (3, 120)
