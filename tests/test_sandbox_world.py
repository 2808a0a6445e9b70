"""The world file format, its validation, WorldState helpers, and the demo world's promised
contents.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.sandbox.demo import DEMO_WORLD_PATH, build_demo, build_demo_world, story_markdown
from bot.sandbox.world import (
    STATION_TABLE,
    World,
    WorldState,
    load_world,
    save_world,
    world_json,
)

DAY = 86400


def test_demo_file_is_what_the_generator_makes() -> None:
    """worlds/demo.json is byte-identical to a fresh `python -m bot.sandbox.demo` run
    (deterministic).
    """
    assert world_json(build_demo_world()) == DEMO_WORLD_PATH.read_text(encoding="utf-8")
    assert DEMO_WORLD_PATH.stat().st_size < 1_000_000


def test_demo_hierarchy(demo_world: World) -> None:
    """Five hotels in US/UK/FR (four numbered, one with named rooms), several room types each, ≥300 rooms, names that repeat across
    hotels.
    """
    props = {p.name: p for p in demo_world.properties}
    assert {name: (p.country, p.timezone) for name, p in props.items()} == {
        "Harbor View Seattle": ("US", "America/Los_Angeles"),
        "Lakeside Chicago": ("US", "America/Chicago"),
        "Kensington Gardens London": ("UK", "Europe/London"),
        "Rive Gauche Paris": ("FR", "Europe/Paris"),
        "Alpine Lodge Aspen": ("US", "America/Denver"),  # rooms named, not numbered (issue 17)
    }
    assert demo_world.organization.id.startswith("amzn1.alexa.unit.did.DEMOORG")
    assert all(len(p.roomTypes) >= 3 for p in demo_world.properties)
    names = Counter(
        room.name for p in demo_world.properties for rt in p.roomTypes for room in rt.rooms
    )
    assert sum(names.values()) >= 300
    assert names["204"] >= 2 and names["PH-1"] >= 2
    assert names["S303"] == 1
    assert any(not rt.rooms for p in demo_world.properties for rt in p.roomTypes)


def test_demo_rooms_stations_and_devices(demo_world: World) -> None:
    """Stations come from the property's country catalog; ~85% rooms have 1 device, a few 2,
    the rest 0.
    """
    by_country = {(c, p, s) for c, p, s, _ in STATION_TABLE}
    rooms = [(p, room) for p in demo_world.properties for rt in p.roomTypes for room in rt.rooms]
    with_station = [(p, r) for p, r in rooms if r.station]
    assert len(with_station) >= 20
    assert all(
        (p.country, r.station.providerId, r.station.stationId) in by_country
        for p, r in with_station
        if r.station
    )
    assert sum(r.alarms > 0 for _, r in rooms) >= 10
    devices = Counter(len(r.devices) for _, r in rooms)
    assert 0.80 < devices[1] / len(rooms) < 0.90
    assert 3 <= devices[2] <= 15
    assert devices[0] > 0


def test_demo_health_story(demo_world: World) -> None:
    """The health story of WORLD.md: 15 offline (8 ~2 h, 5 ~30 h, 2 ~4 d), 3 flapping, 3
    recovered, 2 unplaced.
    """
    state = WorldState(demo_world)
    offline: Counter[str] = Counter()
    flapping = recovered = 0
    for placed in state.iter_devices():
        device = placed.device
        conn = [e for _, e in state.device_events(device, "CONNECTION_STATUS")]
        assert conn, device.serial
        assert conn[0].value == device.connection  # the newest event matches the status
        assert all(e.ago_s < 30 * DAY for e in device.events)
        recent = [e for e in conn if e.ago_s <= DAY]
        if device.connection == "OFFLINE":
            hours = conn[0].ago_s / 3600
            offline[
                "2h" if hours < 3 else "30h" if hours < 32 else "4d" if 95 < hours < 99 else "?"
            ] += 1
        elif len(recent) >= 5:
            flapping += 1
        elif recent:
            recovered += 1
        else:
            assert conn[0].ago_s > 19 * DAY
    assert offline == {"2h": 8, "30h": 5, "4d": 2}
    assert (flapping, recovered) == (3, 3)
    assert len(demo_world.unplacedDevices) == 2
    assert sum(1 for p in state.iter_devices() if p.device.status == "FAILED") == 1
    _, story = build_demo()
    assert len(story.offline_2h + story.offline_30h + story.offline_4d) == 15


def _minimal(**room: object) -> dict[str, object]:
    return {
        "organization": {"id": "amzn1.alexa.unit.did.O"},
        "properties": [
            {
                "id": "amzn1.alexa.unit.did.P",
                "name": "P",
                "roomTypes": [{"id": "amzn1.alexa.unit.did.T", "name": "T", "rooms": [room]}],
            }
        ],
    }


@pytest.mark.parametrize(
    "world",
    [
        _minimal(id="amzn1.alexa.unit.did.R", name="Room 1"),  # space in the room name
        _minimal(id="amzn1.alexa.unit.did.P", name="101"),  # id reused
        _minimal(id="amzn1.alexa.unit.did.R", name="101", alarms=-1),
        _minimal(id="amzn1.alexa.unit.did.R", name="101", colour="red"),  # unknown field
        {
            "organization": {"id": "o"},
            "properties": [{"id": "p", "name": "p", "timezone": "Mars/Olympus"}],
        },
        {"organization": {"id": "o"}, "properties": [{"id": "p", "name": "p", "country": "DE"}]},
    ],
)
def test_invalid_worlds_are_refused(world: dict[str, object]) -> None:
    """A world file the API could not have produced fails validation with a clear error."""
    with pytest.raises(ValidationError):
        World.model_validate(world)


def test_duplicate_room_names_in_a_property_are_refused() -> None:
    """Room names are unique per property regardless of case."""
    world = _minimal(id="amzn1.alexa.unit.did.R", name="ph-1")
    rooms = world["properties"][0]["roomTypes"][0]["rooms"]  # type: ignore[index]
    rooms.append({"id": "amzn1.alexa.unit.did.R2", "name": "PH-1"})
    with pytest.raises(ValidationError, match="used twice"):
        World.model_validate(world)


def test_save_and_load_round_trip(tmp_path: Path, small_world: World) -> None:
    """save_world then load_world gives an equal World; defaults fill the LWA block."""
    path = tmp_path / "w.json"
    save_world(small_world, path)
    loaded = load_world(path)
    assert loaded == small_world
    assert loaded.lwa.clients[0].client_id == "demo-client"
    assert loaded.lwa.clients[0].refresh_tokens == ["Atzr|demo-refresh"]


def test_state_device_helpers(small_world: World) -> None:
    """iter_devices gives each device's place and derived A4B room name; events get absolute
    times.
    """
    now = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    small_world.now = now
    state = WorldState(small_world)
    placed = {p.device.serial: p for p in state.iter_devices()}
    assert len(placed) == 7
    a204 = placed["SA204"]
    assert a204.property is not None and a204.property.name == "Hotel A"
    assert a204.room is not None and a204.room.name == "204"
    assert a204.room_name == "Hotel A 204"
    spare = placed["SPARE1"]
    assert (spare.property, spare.room, spare.room_name) == (None, None, None)
    a204.device.roomName = "Custom"
    assert a204.room_name == "Custom"
    [(when, event)] = state.device_events(a204.device)
    assert when == now - timedelta(seconds=7200) and event.value == "OFFLINE"
    by_arn = state.find_device(a204.device.arn)
    assert by_arn is not None and by_arn.device is a204.device
    assert state.find_device("SB101") is not None and state.find_device("nope") is None


def test_state_now_defaults_to_load_time(small_world: World) -> None:
    """Without `now` in the world, event ages count back from the moment the state was built."""
    loaded_at = datetime(2026, 3, 1, tzinfo=UTC)
    assert WorldState(small_world, loaded_at=loaded_at).now == loaded_at


def test_device_events_newest_first(demo_world: World) -> None:
    """device_events sorts newest first, as ListDeviceEvents does."""
    state = WorldState(demo_world)
    for placed in state.iter_devices():
        times = [when for when, _ in state.device_events(placed.device)]
        assert times == sorted(times, reverse=True)


def test_world_md_lists_the_generated_health_story() -> None:
    """WORLD.md's device table is the generator's story, so the documented serials stay true."""
    world, story = build_demo()
    text = (DEMO_WORLD_PATH.parent.parent / "WORLD.md").read_text(encoding="utf-8")
    assert story_markdown(world, story) in text
