"""Generated hotels end to end: the sandbox's world changes exactly as the request expects (issue 17, item 6).

The property suite (test_any_hotel_property.py) reads what the bot would do through WorldReader, cut before
the first write to Amazon. This sample runs the same generated (world, request) cases through the real
parts: the world served by the real sandbox over HTTP, the bot built by `build_runtime` (LWA, AspClient,
SQLite index synced from the sandbox), every turn through `Engine.handle`; then the sandbox's own state is
compared with the expected effect. A small derandomized sample (`ANY_HOTEL_E2E_EXAMPLES`, default 30), so
it stays fast; every run tries the same cases.

Invariants (a change is a room whose station or alert counts differ after the conversation):
1. every change is one a turn of the case expected: the room is among the expected command's rooms at its
   property, with the expected station (a set) or the expected kinds gone and the others kept (a clear);
2. a command that changed anything changed all of its rooms (nothing dropped in silence).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from any_hotel.cases import Case, Command
from any_hotel.requests import cases
from any_hotel.worlds import CATALOG, Spec, world_from_spec, world_specs
from core_helpers import BotUnderTest, bot_on
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from world_reading import channel_of

from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World
from bot.settings import BotConfig, PropertyConfig, RolesConfig

EXAMPLES = int(os.environ.get("ANY_HOTEL_E2E_EXAMPLES", "30"))
KINDS = ("alarms", "reminders", "timers")
RoomState = tuple[str | None, int, int, int]  # station name, alarms, reminders, timers


def _sample() -> list[tuple[Spec, Case]]:
    """The first EXAMPLES generated cases whose writes are station changes or clears (what the
    sandbox's state shows), one per world."""
    found: list[tuple[Spec, Case]] = []

    @settings(
        max_examples=EXAMPLES * 4,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def collect(data: st.DataObject) -> None:
        spec = data.draw(world_specs(), label="spec")
        case = data.draw(cases(spec), label="case")
        fits = all(_shown(turn.expected.command) for turn in case.turns)
        if fits and len(found) < EXAMPLES and (spec, case) not in found:
            found.append((spec, case))

    collect()
    return found


def _shown(command: Command | None) -> bool:
    return command is None or (
        command.intent not in {"undo", "retry_failed"}
        and (command.intent in {"set_station", "clear_alerts"} or not _is_write(command.intent))
    )


def _is_write(intent: str) -> bool:
    return intent in {"confirm"} or intent.startswith(
        ("add", "rename", "delete", "create", "set_profile", "set_property", "set_object")
    )


def _config(world: World) -> BotConfig:
    """bot.toml as WorldReader has it: every property, its channel bound, one admin granted all."""
    properties = [
        PropertyConfig(
            name=p.name, country=p.country, timezone=p.timezone, channels=[channel_of(p.name)]
        )
        for p in world.properties
    ]
    return BotConfig(properties=properties, roles=RolesConfig(admin=["*"]))


def _station_name(country: str, station_id: str | None) -> str | None:
    if station_id is None:
        return None
    return next((name for _p, sid, name in CATALOG[country] if sid == station_id), station_id)


def _state(bot: BotUnderTest) -> dict[tuple[str, str], RoomState]:
    rooms: dict[tuple[str, str], RoomState] = {}
    for prop in bot.state.world.properties:
        for room_type in prop.roomTypes:
            for room in room_type.rooms:
                station = _station_name(
                    prop.country, room.station.stationId if room.station else None
                )
                rooms[(prop.name, room.name)] = (station, room.alarms, room.reminders, room.timers)
    return rooms


def _same_station(expected: str | None, actual: str | None) -> bool:
    def plain(name: str | None) -> str:
        return re.sub(r"\s*\(.*\)$", "", name or "").casefold()

    return plain(expected) == plain(actual)


def _explains(command: Command, key: tuple[str, str], before: RoomState, after: RoomState) -> bool:
    """Whether `command` accounts for the room `key` going from `before` to `after`."""
    prop, room = key
    if command.property != prop or room not in command.rooms:
        return False
    if command.intent == "set_station":
        return _same_station(command.station, after[0]) and before[1:] == after[1:]
    if command.intent == "clear_alerts":
        counts = dict(zip(KINDS, after[1:], strict=True))
        kept = dict(zip(KINDS, before[1:], strict=True))
        return before[0] == after[0] and all(
            counts[k] == 0 if k in command.kinds else counts[k] == kept[k] for k in KINDS
        )
    return False


def _done(command: Command, key: tuple[str, str], after: RoomState) -> bool:
    if command.intent == "set_station":
        return _same_station(command.station, after[0])
    counts = dict(zip(KINDS, after[1:], strict=True))
    return all(counts[k] == 0 for k in command.kinds)


def _check(
    case: Case,
    before: dict[tuple[str, str], RoomState],
    after: dict[tuple[str, str], RoomState],
) -> list[str]:
    """What went wrong, per the module's invariants (empty: nothing)."""
    expected = [t.expected.command for t in case.turns if t.expected.command is not None]
    writes = [c for c in expected if c.intent in {"set_station", "clear_alerts"}]
    changed = {key for key in after if after[key] != before[key]}
    problems = [
        f"{key}: {before[key]} -> {after[key]}, which no expected command explains"
        for key in sorted(changed)
        if not any(_explains(command, key, before[key], after[key]) for command in writes)
    ]
    for command in writes:
        keys = [(command.property or "", room) for room in command.rooms]
        if any(key in changed for key in keys):
            problems += [
                f"{command.intent} changed some rooms but not {key}"
                for key in keys
                if key in after and not _done(command, key, after[key])
            ]
    return problems


async def test_generated_requests_end_to_end_change_exactly_the_expected_rooms(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A sample of generated cases through the real sandbox over HTTP and the real engine: the
    world changes only where the request said, and a change is never partial."""
    sample = _sample()
    assert len(sample) >= EXAMPLES // 2, f"only {len(sample)} cases drawn"
    acted = 0
    failures: list[str] = []
    for number, (spec, case) in enumerate(sample):
        world = World.model_validate(world_from_spec(spec))
        db_dir = tmp_path / f"case{number}"
        db_dir.mkdir()
        async with bot_on(sandbox, world, db_dir, config=_config(world)) as bot:
            before = _state(bot)
            channel = channel_of(case.channel_property) if case.channel_property else None
            for turn in case.turns:
                await bot.say(turn.text, user=f"desk-{number}", channel=channel)
            after = _state(bot)
        acted += before != after
        problems = _check(case, before, after)
        if problems:
            turns = " / ".join(turn.text for turn in case.turns)
            failures.append(f"{spec!r}\n  {turns!r}: " + "; ".join(problems))
    assert not failures, "\n".join(failures)
    assert acted >= len(sample) // 4, f"only {acted} of {len(sample)} cases changed anything"


def test_the_end_to_end_check_catches_a_wider_target_and_a_partial_change() -> None:
    """The comparison itself: a room nobody named changing is caught, and so is a set that left
    one of its rooms unchanged; the expected change passes."""
    from any_hotel.cases import Expected, Turn

    jazz = Command("set_station", "Inn", ("villa-1", "villa-2"), "Jazz")
    case = Case(turns=(Turn("jazz in villa-1 and villa-2 at Inn", Expected(jazz, must_act=True)),))
    before: dict[tuple[str, str], RoomState] = {
        ("Inn", "villa-1"): ("Pop", 1, 0, 0),
        ("Inn", "villa-2"): ("Pop", 1, 0, 0),
        ("Inn", "villa-3"): ("Pop", 1, 0, 0),
    }
    jazz_room: RoomState = ("Jazz", 1, 0, 0)
    right = {**before, ("Inn", "villa-1"): jazz_room, ("Inn", "villa-2"): jazz_room}
    wider = dict.fromkeys(before, jazz_room)
    partial = {**before, ("Inn", "villa-1"): jazz_room}
    assert _check(case, before, right) == []
    assert _check(case, before, before) == []
    assert any("villa-3" in problem for problem in _check(case, before, wider))
    assert any("villa-2" in problem for problem in _check(case, before, partial))
