"""Devices are tied to rooms by serial number (ASP Endpoints API) when their Alexa for Business room
names follow no convention: triage, the digest and front desk name the right rooms."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build_small_world
from core_helpers import text_of
from health_support import NOW, desk_of, endpoint_calls, health_bot

from bot.sandbox.server import SandboxServer
from bot.sandbox.world import Device, Event, World, rename_a4b_rooms


def unconventional_world() -> World:
    """The small world with A4B rooms named "Blue wing #n", one ASP-only device in Hotel A's
    room 102 (A4B does not know it) and one spare device in no room."""
    counter = iter(range(100))
    world = rename_a4b_rooms(build_small_world(), lambda p, r, d: f"Blue wing #{next(counter)}")
    world.now = NOW
    room_102 = world.properties[0].roomTypes[0].rooms[1]
    room_102.aspOnlyDevices = [
        Device(
            serial="ASPONLY102",
            name="Lobby-style Echo Show",
            type="A4ZP7ZC4PI6TO",
            arn="arn:aws:a4b:us-east-1:123456789012:device/asp-only/ASPONLY102",
            endpointId="amzn1.alexa.endpoint.ASPONLY102",
            events=[Event(type="CONNECTION_STATUS", value="ONLINE", ago_s=3600)],
        )
    ]
    return world


async def test_offline_devices_status_and_digest_name_the_rooms(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`offline devices at P`, `status room X` and the digest name rooms 204 and 205 although no
    A4B room name says so; the FAILED device is listed with its own problem."""
    async with health_bot(sandbox, unconventional_world(), tmp_path, monkeypatch) as bot:
        offline = await bot.say("offline devices at Hotel A")
        assert offline.table is not None, text_of(offline)
        rooms = {(row[1], row[3], row[4]) for row in offline.table.rows}
        assert rooms == {
            ("204", "SA204", "offline"),
            ("205", "SA205X", "offline"),
            ("205", "SA205Y", "FAILED (online)"),
        }
        assert offline.headline.startswith("2 of 4 devices at Hotel A are offline; 1 more")
        status = await bot.say("status room 204 at Hotel A")
        assert status.headline == "Room 204 at Hotel A: 0 of 1 devices online.", text_of(status)
        digest = await bot.say("digest Hotel A")
        assert digest.table is not None
        assert {(row[0], row[1]) for row in digest.table.rows} >= {
            ("newly offline", "204"),
            ("newly offline", "205"),
            ("not ready", "205"),
        }
        assert "unplaced" not in text_of(digest)


async def test_a_refresh_with_no_new_device_asks_asp_nothing(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first refresh looks up every serial once; the next one makes no Endpoints call, and a
    new device costs exactly one."""
    async with health_bot(sandbox, unconventional_world(), tmp_path, monkeypatch) as bot:
        first = await bot.say("sync devices")
        assert "8 to ASP endpoints" not in first.headline  # 7 A4B devices, one call each
        assert endpoint_calls(bot) == 7, bot.stats()["requests"]
        bot.reset_stats()
        await bot.say("sync devices")
        assert endpoint_calls(bot) == 0
        bot.room("Hotel B", "101").devices.append(
            Device(
                serial="NEWB101",
                name="Echo NEWB101",
                type="A4ZP7ZC4PI6TO",
                arn="arn:aws:a4b:us-east-1:123456789012:device/new/NEWB101",
                endpointId="amzn1.alexa.endpoint.NEWB101",
                roomName="Somewhere else entirely",
            )
        )
        bot.reset_stats()
        await bot.say("sync devices")
        assert endpoint_calls(bot) == 1
        status = await desk_of(bot).device_status("NEWB101")
        assert status.table is not None and status.table.rows[0][:2] == ["Hotel B", "101"]


async def test_room_known_only_to_asp_is_answered_from_asp(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Room 102's device is unknown to Alexa for Business: `status room 102` asks ASP's
    connectivity feature and says so."""
    async with health_bot(sandbox, unconventional_world(), tmp_path, monkeypatch) as bot:
        reply = await bot.say("status room 102 at Hotel A")
        assert reply.table is not None, text_of(reply)
        assert reply.table.rows[0][3:5] == ["ASPONLY102", "reachable"]
        assert "Alexa for Business does not know" in reply.headline


async def test_unplaced_devices_and_status_by_serial(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The spare device is listed as tied to no room (never dropped); a serial answers its status
    with the status's own since."""
    async with health_bot(sandbox, unconventional_world(), tmp_path, monkeypatch) as bot:
        desk = desk_of(bot)
        unplaced = await desk.unplaced()
        assert unplaced.table is not None
        assert [row[3] for row in unplaced.table.rows] == ["SPARE1"]
        failed = await desk.device_status("SA205Y")
        assert failed.table is not None and failed.table.rows[0][6] == "FAILED"
        assert "not ready (FAILED)" in failed.headline
        nothing = await desk.device_status("NOPE")
        assert nothing.table is None and "NOPE" in nothing.headline


async def test_front_desk_hears_whether_the_echo_is_online_in_plain_words(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Is 204's Echo online?" is answered without serials, ARNs or endpoint ids."""
    async with health_bot(sandbox, unconventional_world(), tmp_path, monkeypatch) as bot:
        desk = desk_of(bot)
        index = bot.runtime.index
        ids = {
            name: index.find_rooms(name, index.find_properties("Hotel A")[0].id)[0].room_id
            for name in ("101", "204", "205", "102")
        }
        online = await desk.room_online([ids["101"]])
        assert online.headline == "Room 101 at Hotel A: the Echo is online."
        offline = await desk.room_online([ids["204"]])
        assert "is offline (since" in offline.headline and "engineer" in offline.headline
        mixed = await desk.room_online([ids["205"], ids["102"]])
        words = text_of(mixed)
        assert "the Echo is online but not working properly (failed)" in words
        assert "Room 102 at Hotel A: the Lobby-style Echo Show is online." in words
        for reply in (online, offline, mixed):
            text = text_of(reply)
            assert "arn:" not in text and "amzn1." not in text and "SA205Y" not in text


def test_unconventional_demo_world_ties_no_room_by_name(tmp_path: Path) -> None:
    """`python -m bot.sandbox.demo --unconventional FILE` writes the demo world whose A4B room names
    match no "<property> <room>" rule, with one ASP-only device per property."""
    from bot.sandbox.demo import main
    from bot.sandbox.world import load_world

    target = tmp_path / "unconventional.json"
    main(["--unconventional", str(target)])
    world = load_world(target)
    rooms = [room for p in world.properties for rt in p.roomTypes for room in rt.rooms]
    names = {d.roomName for room in rooms for d in room.devices}
    assert names and all(name and name.startswith("Guest Rm ") for name in names)
    assert sum(len(room.aspOnlyDevices) for room in rooms) == len(world.properties)
