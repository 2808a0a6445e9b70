"""Full and partial sync against an in-memory fake of the ASP hierarchy lists (no HTTP)."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field

import pytest

from bot.clock import FakeClock
from bot.index.lookup import Index
from bot.index.sync import full_sync, refresh_property, refresh_room_type

ORG = "ORG"


@dataclass(frozen=True)
class Item:
    id: str
    name: str


class Boom(RuntimeError):
    pass


@dataclass
class FakeSource:
    """Properties -> room types -> rooms in dicts; counts calls, tracks calls in flight."""

    properties: list[Item]
    room_types: dict[str, list[Item]]
    rooms: dict[str, list[Item]]
    calls: Counter[str] = field(default_factory=Counter)
    in_flight: int = 0
    max_in_flight: int = 0
    log: list[str] = field(default_factory=list)
    fail_on: str | None = None
    gate: dict[str, asyncio.Event] = field(default_factory=dict)

    async def _serve(self, key: str) -> None:
        self.calls[key] += 1
        self.log.append(key)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if key in self.gate:
                await self.gate[key].wait()
            for _ in range(3):  # yield so that other calls overlap with this one
                await asyncio.sleep(0)
            if key == self.fail_on:
                raise Boom(key)
        finally:
            self.in_flight -= 1

    async def list_properties(self, organization_id: str) -> list[Item]:
        await self._serve(f"org:{organization_id}")
        return list(self.properties)

    async def list_room_types(self, property_id: str) -> list[Item]:
        await self._serve(f"property:{property_id}")
        return list(self.room_types.get(property_id, []))

    async def list_rooms(self, room_type_id: str) -> list[Item]:
        await self._serve(f"room_type:{room_type_id}")
        return list(self.rooms.get(room_type_id, []))


def make_source(properties: int = 3, types: int = 2, rooms: int = 4) -> FakeSource:
    """Properties P0.. each with room types P0-T0.. each with rooms named 101..; one empty room
    type.
    """
    props = [Item(f"P{p}", f"Hotel {p}") for p in range(properties)]
    room_types = {p.id: [Item(f"{p.id}-T{t}", f"Type {t}") for t in range(types)] for p in props}
    room_types[props[0].id].append(Item("P0-EMPTY", "Empty"))
    room_lists = {
        t.id: [Item(f"{t.id}-R{r}", f"{101 + r}") for r in range(rooms)]
        for ts in room_types.values()
        for t in ts
        if t.id != "P0-EMPTY"
    }
    return FakeSource(props, room_types, room_lists)


@pytest.fixture
def index() -> Index:
    return Index(":memory:", clock=FakeClock())


async def test_full_sync_loads_everything_with_the_fewest_calls(index: Index) -> None:
    """One properties list, one room-type list per property, one room list per room type (the empty
    one included), nothing twice; the index then holds the whole hierarchy and is loaded."""
    source = make_source()
    report = await full_sync(index, source, ORG)
    assert report.calls == report.requests == 1 + 3 + 7
    assert max(source.calls.values()) == 1
    assert (report.properties, report.room_types, report.rooms) == (3, 7, 24)
    assert (index.counts().properties, index.counts().room_types, index.counts().rooms) == (
        3,
        7,
        24,
    )
    assert len(index.find_rooms("101")) == 6
    assert index.is_loaded()
    assert index.synced_at(f"org:{ORG}") == FakeClock().now()


async def test_concurrency_is_bounded_across_all_lists(index: Index) -> None:
    """With concurrency 3 no more than 3 lists are ever in flight, across properties and levels."""
    source = make_source(properties=6, types=4)
    await full_sync(index, source, ORG, concurrency=3)
    assert source.max_in_flight == 3


async def test_room_lists_start_before_all_room_type_lists_finish(index: Index) -> None:
    """Pipelining: a property's room lists start while another property's room-type list is still
    out (here the last one waits until a room list has been asked for, so a sync that first gathered
    every room-type list would never finish)."""
    source = make_source(properties=3)
    started_rooms = asyncio.Event()
    source.gate["property:P2"] = started_rooms
    original = source.list_rooms

    async def list_rooms(room_type_id: str) -> list[Item]:
        started_rooms.set()
        return await original(room_type_id)

    source.list_rooms = list_rooms  # type: ignore[method-assign]
    async with asyncio.timeout(5):
        report = await full_sync(index, source, ORG, concurrency=8)
    assert report.rooms == 24


async def test_country_and_timezone_come_from_property_meta(index: Index) -> None:
    """property_meta supplies each property's country and timezone; without it, US and UTC."""
    source = make_source()

    def meta(property_id: str, name: str) -> tuple[str, str]:
        return ("UK", "Europe/London") if name == "Hotel 1" else ("US", "America/New_York")

    await full_sync(index, source, ORG, property_meta=meta)
    london = index.property("P1")
    assert london is not None and (london.country, london.timezone) == ("UK", "Europe/London")
    fresh = Index(":memory:")
    await full_sync(fresh, make_source(), ORG)
    plain = fresh.property("P1")
    assert plain is not None and (plain.country, plain.timezone) == ("US", "UTC")


async def test_resync_removes_what_is_gone_upstream(index: Index) -> None:
    """A second full sync drops rooms, room types and properties deleted upstream, and adds new
    ones.
    """
    source = make_source()
    await full_sync(index, source, ORG)
    source.properties.pop()  # P2 deleted
    source.room_types["P1"].pop()  # P1-T1 deleted
    source.rooms["P0-T0"] = [source.rooms["P0-T0"][0], Item("P0-T0-NEW", "999")]
    report = await full_sync(index, source, ORG)
    assert report.removed_properties == ("P2",)
    assert index.property("P2") is None and index.counts("P2").rooms == 0
    assert index.room_type("P1-T1") is None and index.find_rooms("101", property_id="P1") != []
    assert [r.room_id for r in index.rooms_of_room_type("P0-T0")] == ["P0-T0-R0", "P0-T0-NEW"]


async def test_duplicate_items_are_listed_once(index: Index) -> None:
    """A room type repeated in a page is not listed twice."""
    source = make_source(properties=1)
    source.room_types["P0"].append(source.room_types["P0"][0])
    report = await full_sync(index, source, ORG)
    assert max(source.calls.values()) == 1
    assert report.calls == 1 + 1 + 3


async def test_a_failing_list_raises_its_own_error_and_keeps_earlier_data(index: Index) -> None:
    """An upstream error surfaces as itself (not an ExceptionGroup); properties already swapped in
    keep their data; the index is not marked loaded and nothing is dropped."""
    source = make_source()
    await full_sync(index, source, ORG)
    index.conn.execute("DELETE FROM sync_state")
    source.fail_on = "room_type:P1-T0"
    with pytest.raises(Boom):
        await full_sync(index, source, ORG)
    assert not index.is_loaded()
    assert index.counts().properties == 3 and index.counts("P1").rooms == 8


async def test_room_lists_put_aside_by_a_failed_sync_never_reach_the_next_one(
    index: Index,
) -> None:
    """Each room list is put aside as it arrives (a property is never held whole in memory): a
    sync that fails half-way through a property leaves its old rooms, and the lists it had put
    aside are not swapped in by the next sync, after the rooms changed upstream."""
    source = make_source()
    await full_sync(index, source, ORG)
    source.rooms["P1-T1"] = [Item("P1-T1-GONE", "999")]  # listed once, then gone upstream
    source.fail_on = "room_type:P1-T0"
    with pytest.raises(Boom):
        await full_sync(index, source, ORG)
    assert index.counts("P1").rooms == 8 and not index.find_rooms("999")
    source.fail_on = None
    source.rooms["P1-T1"] = [Item("P1-T1-R9", "777")]
    await full_sync(index, source, ORG)
    assert index.counts("P1").rooms == 5
    assert not index.find_rooms("999") and len(index.find_rooms("777")) == 1


async def test_refresh_property_and_room_type(index: Index) -> None:
    """A partial refresh re-reads one property (its room types and rooms) or one room type (its
    rooms) and picks up rooms added outside the bot, with the fewest calls."""
    source = make_source()
    await full_sync(index, source, ORG)
    source.rooms["P1-T0"].append(Item("P1-T0-R9", "777"))
    source.room_types["P1"].append(Item("P1-T9", "Penthouse"))
    source.rooms["P1-T9"] = [Item("P1-T9-R0", "PH1")]
    report = await refresh_property(index, source, "P1")
    assert report.calls == 1 + 3 and report.rooms == 10
    assert [r.property_id for r in index.find_rooms("777")] == ["P1"]
    assert [r.room_type_name for r in index.find_rooms("ph1")] == ["Penthouse"]
    assert index.property("P1") is not None and index.synced_at("property:P1") is not None

    source.rooms["P0-T1"] = [Item("P0-T1-R0", "101"), Item("P0-T1-NEW", "888")]
    report = await refresh_room_type(index, source, "P0-T1")
    assert (report.calls, report.rooms) == (1, 2)
    assert [r.room_id for r in index.find_rooms("888")] == ["P0-T1-NEW"]
    assert index.find_rooms("104", property_id="P0")[0].room_type_id == "P0-T0"
    assert index.synced_at("room_type:P0-T1") is not None


async def test_refresh_of_unknown_scope_is_a_key_error(index: Index) -> None:
    """Refreshing a property or room type the index has never seen asks for a full sync instead."""
    source = make_source()
    with pytest.raises(KeyError):
        await refresh_property(index, source, "P0")
    with pytest.raises(KeyError):
        await refresh_room_type(index, source, "P0-T0")
    assert sum(source.calls.values()) == 0


async def test_twenty_thousand_rooms_sync_with_the_fewest_calls(index: Index) -> None:
    """A 20,000-room sync (40 x 10 x 50) stores every room with one call per list (bench/sync.py
    times it)."""
    source = make_source(properties=40, types=10, rooms=50)
    report = await full_sync(index, source, ORG)
    assert report.rooms == 20_000 and index.counts().rooms == 20_000
    assert report.calls == 1 + 40 + 401
