"""The SQLite index: schema, lookups of rooms / room types / properties, and the writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.index.db import open_index
from bot.index.lookup import Index


def _hotels(index: Index) -> Index:
    """Harbor View Seattle (US) and Harbor View London (UK) both have a "204"; Seattle has
    "#204" too.
    """
    index.replace_property(
        "P1",
        "Harbor View Seattle",
        organization_id="ORG",
        country="US",
        timezone="America/Los_Angeles",
        room_types=[("T1", "Deluxe King"), ("T2", "Suite")],
        rooms=[
            ("R1", "204", "T1"),
            ("R2", "205", "T1"),
            ("R3", "S303", "T2"),
            ("R4", "#204", "T2"),
        ],
    )
    index.replace_property(
        "P2",
        "Harbor View London",
        organization_id="ORG",
        country="UK",
        timezone="Europe/London",
        room_types=[("T3", "Deluxe King"), ("T4", "Twin")],
        rooms=[("R5", "204", "T3"), ("R6", "101", "T4")],
    )
    index.replace_property(
        "P3",
        "Le Petit Paris",
        organization_id="ORG",
        country="FR",
        timezone="Europe/Paris",
        room_types=[("T5", "Chambre")],
        rooms=[("R7", "12", "T5")],
    )
    return index


@pytest.fixture
def index() -> Index:
    return _hotels(Index(":memory:", clock=FakeClock()))


def test_schema_is_idempotent_and_file_uses_wal(tmp_path: Path) -> None:
    """Opening the same file twice keeps its data; the file is in WAL mode with the expected tables,
    indexes on the normalised names, and the 34 catalog stations."""
    path = tmp_path / "sub" / "index.db"
    first = Index(path)
    first.upsert_property("P1", "Hotel")
    second = Index(open_index(path))
    assert second.property("P1") is not None
    db = second.db
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"properties", "room_types", "rooms", "stations", "sync_state"} <= set(db.table_names())
    indexed = {
        c
        for name in ("rooms", "room_types", "properties")
        for i in db.table(name).indexes
        for c in i.columns
    }
    assert "name_norm" in indexed
    assert db.conn.execute("SELECT count(*) FROM stations").fetchone()[0] == 34


def test_find_rooms_exact_then_normalised(index: Index) -> None:
    """An exact name wins over normalised matches ("#204" is only that room); "rm 204" finds every
    room whose name normalises to "204", in each property."""
    exact = index.find_rooms("#204")
    assert [r.room_id for r in exact] == ["R4"]
    normalised = index.find_rooms("rm 204")
    assert {r.room_id for r in normalised} == {"R1", "R4", "R5"}
    assert [r.room_id for r in index.find_rooms("s303")] == ["R3"]
    assert index.find_rooms("999") == []


def test_room_in_several_properties_comes_back_once_per_property(index: Index) -> None:
    """ "204" exists in Seattle and London: two RoomRefs with their property, type, country and
    zone.
    """
    found = index.find_rooms("204")
    assert [
        (r.room_id, r.property_name, r.room_type_name, r.country, r.timezone) for r in found
    ] == [
        ("R5", "Harbor View London", "Deluxe King", "UK", "Europe/London"),
        ("R1", "Harbor View Seattle", "Deluxe King", "US", "America/Los_Angeles"),
    ]


def test_find_rooms_within_a_property_and_by_id(index: Index) -> None:
    """A property scope narrows the answer; a room id finds its room."""
    assert [r.room_id for r in index.find_rooms("Room 204", property_id="P2")] == ["R5"]
    assert [r.room_id for r in index.find_rooms("R7")] == ["R7"]
    assert index.find_rooms("12", property_id="P1") == []


def test_suggest_rooms_narrowest_scope_first(index: Index) -> None:
    """Suggestions come from the property first, and from everywhere only when it has none close."""
    assert {r.room_name for r in index.suggest_rooms("2044", property_id="P1")} >= {"204", "#204"}
    assert all(r.property_id == "P1" for r in index.suggest_rooms("2044", property_id="P1"))
    wider = index.suggest_rooms("102", property_id="P1")
    assert "R6" in {r.room_id for r in wider}
    assert index.suggest_rooms("zzzzzz") == []


def test_find_room_types_and_suggestions(index: Index) -> None:
    """Room types match by exact or normalised name, one per property; a miss can be suggested."""
    kings = index.find_room_types("deluxe-king")
    assert {(t.id, t.property_name) for t in kings} == {
        ("T1", "Harbor View Seattle"),
        ("T3", "Harbor View London"),
    }
    assert [t.id for t in index.find_room_types("Deluxe King", property_id="P2")] == ["T3"]
    assert index.find_room_types("Penthouse") == []
    assert [t.id for t in index.suggest_room_types("Delux Kng", property_id="P1")] == ["T1"]


def test_find_properties(index: Index) -> None:
    """Properties match by exact, normalised, prefix and whole-word name, then a clear typo; a
    prefix shared by two properties gives both."""
    assert [p.id for p in index.find_properties("Harbor View Seattle")] == ["P1"]
    assert [p.id for p in index.find_properties("harbor-view  seattle")] == ["P1"]
    assert {p.id for p in index.find_properties("Harbor View")} == {"P1", "P2"}
    assert [p.id for p in index.find_properties("london")] == ["P2"]
    assert [p.id for p in index.find_properties("Le Petit Pariss")] == ["P3"]
    assert [p.id for p in index.find_properties("P3")] == ["P3"]
    assert index.find_properties("Grand Budapest") == []
    assert [p.id for p in index.suggest_properties("Harbour View Londn", limit=1)] == ["P2"]


def test_listings_and_counts(index: Index) -> None:
    """Properties, a property's room types and rooms, a room type's rooms, and counts."""
    assert [p.name for p in index.properties()] == [
        "Harbor View London",
        "Harbor View Seattle",
        "Le Petit Paris",
    ]
    assert [t.name for t in index.room_types("P1")] == ["Deluxe King", "Suite"]
    assert [r.room_name for r in index.rooms_of_room_type("T2")] == ["#204", "S303"]
    assert len(index.rooms_of_property("P1")) == 4
    room = index.room("R3")
    assert room is not None and room.room_type_name == "Suite" and room.property_id == "P1"
    assert (index.counts().properties, index.counts().room_types, index.counts().rooms) == (3, 5, 7)
    assert index.counts("P2").rooms == 2


def test_writes_keep_lookups_current(index: Index) -> None:
    """Upsert, rename and delete of rooms show at once in lookups and suggestions."""
    index.upsert_room("R8", "310", "T1")
    assert [r.property_id for r in index.find_rooms("310")] == ["P1"]
    assert index.suggest_rooms("3100", property_id="P1")[0].room_id == "R8"
    assert index.rename_room("R8", "311")
    assert index.find_rooms("310") == [] and [r.room_id for r in index.find_rooms("311")] == ["R8"]
    assert index.suggest_rooms("3110", property_id="P1")[0].room_id == "R8"
    assert index.delete_room("R8") and not index.delete_room("R8")
    assert index.find_rooms("311") == []
    with pytest.raises(KeyError):
        index.upsert_room("R9", "1", "NO-SUCH-TYPE")


def test_room_type_and_property_writes_cascade(index: Index) -> None:
    """Deleting a room type drops its rooms; deleting a property drops its room types and rooms;
    renames change what finds them."""
    index.upsert_room_type("T6", "Family", "P3")
    assert [t.id for t in index.find_room_types("family")] == ["T6"]
    assert index.rename_room_type("T6", "Famille")
    assert index.find_room_types("family") == []
    assert index.delete_room_type("T2")
    assert index.find_rooms("S303") == []
    assert index.rename_property("P2", "Harbour View London")
    assert index.find_rooms("101")[0].property_name == "Harbour View London"
    assert index.delete_property("P2") and not index.delete_property("P2")
    assert index.find_rooms("101") == [] and index.counts("P2").room_types == 0


def test_upsert_property_keeps_what_is_not_given(index: Index) -> None:
    """Upserting a property with only a new name keeps its country, timezone and organization; a new
    property defaults to US / UTC."""
    index.upsert_property("P2", "London HV")
    london = index.property("P2")
    assert london is not None
    assert (london.name, london.country, london.timezone, london.organization_id) == (
        "London HV",
        "UK",
        "Europe/London",
        "ORG",
    )
    index.upsert_property("P9", "New")
    new = index.property("P9")
    assert new is not None and (new.country, new.timezone) == ("US", "UTC")


def test_replace_property_drops_rooms_gone_upstream(index: Index) -> None:
    """Re-syncing a property replaces its content: a room missing from the new lists disappears."""
    index.replace_property(
        "P2",
        "Harbor View London",
        organization_id="ORG",
        country=None,
        timezone=None,
        room_types=[("T3", "Deluxe King")],
        rooms=[("R5", "204", "T3")],
    )
    assert index.find_rooms("101") == []
    assert [t.id for t in index.room_types("P2")] == ["T3"]
    london = index.property("P2")
    assert london is not None and london.country == "UK"


def test_sync_state(index: Index) -> None:
    """Sync state records when each scope was synced; the index is loaded after an org sync."""
    assert not index.is_loaded()
    assert index.synced_at("property:P1") == FakeClock().now()
    index.mark_synced("org:ORG", 3)
    assert index.is_loaded()
    assert index.synced_at("room_type:T1") is None


def test_find_rooms_in_a_big_index() -> None:
    """In a 20,000-room index a room lookup finds the room by its name, normalised or not, and a
    miss finds nothing (bench/lookup.py times them)."""
    index = Index(":memory:")
    for p in range(20):
        index.replace_property(
            f"P{p}",
            f"Hotel {p}",
            organization_id="ORG",
            country="US",
            timezone="UTC",
            room_types=[(f"T{p}-{t}", f"Type {t}") for t in range(10)],
            rooms=[
                (f"R{p}-{t}-{r}", f"{t}{r:02d}", f"T{p}-{t}") for t in range(10) for r in range(100)
            ],
        )
    assert index.counts().rooms == 20_000
    assert [r.room_id for r in index.find_rooms("512", property_id="P3")] == ["R3-5-12"]
    assert [r.room_id for r in index.find_rooms("rm 512", property_id="P3")] == ["R3-5-12"]
    assert [r.room_id for r in index.find_rooms("#733", property_id="P3")] == ["R3-7-33"]
    assert index.find_rooms("nope", property_id="P3") == []
