"""The any-hotel generators make valid worlds and coherent expectations (runs without the reader)."""

from __future__ import annotations

from any_hotel.cases import Case
from any_hotel.checks import Conversation
from any_hotel.requests import cases
from any_hotel.why_world import STATION_ROOMS_SPEC, WHY_SPEC
from any_hotel.worlds import (
    CATALOG,
    REQUESTABLE,
    Spec,
    fold,
    rooms_of_property,
    world_from_spec,
    world_specs,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.sandbox.world import World

FAST = settings(
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@FAST
@given(spec=world_specs())
def test_generated_worlds_are_valid_sandbox_worlds_of_small_size(spec: Spec) -> None:
    """Every generated world passes the sandbox's own validation (WORLD.md) and stays small."""
    World.model_validate(world_from_spec(spec))
    assert 1 <= len(spec) <= 4
    for property_name in spec:
        rooms = rooms_of_property(spec, property_name)
        assert len(rooms) <= 30
        assert len({fold(room) for room in rooms}) == len(rooms)


def test_the_fixed_why_world_is_a_valid_sandbox_world() -> None:
    World.model_validate(world_from_spec(WHY_SPEC))
    World.model_validate(world_from_spec(STATION_ROOMS_SPEC))


def _check_expectations(spec: Spec, case: Case) -> None:
    for turn in case.turns:
        command = turn.expected.command
        assert turn.text.strip(), case
        if command is None:
            assert not turn.expected.must_act, case
            continue
        if command.property is not None:
            assert command.property in spec, case
            present = set(rooms_of_property(spec, command.property))
            assert set(command.rooms) <= present, case
            if command.station is not None:
                country = spec[command.property][0]
                assert command.station in {name for _, _, name in CATALOG[country]}, case
                assert command.station in REQUESTABLE[country].values(), case
        if command.intent == "clear_alerts":
            assert list(command.kinds) == sorted(command.kinds), case
            assert set(command.kinds) <= {"alarms", "reminders", "timers"}, case


@FAST
@given(data=st.data())
def test_generated_requests_name_only_what_the_world_has(data: st.DataObject) -> None:
    """Expected commands name rooms of their property and stations of its country; no-write turns never
    must act."""
    spec = data.draw(world_specs())
    for _ in range(10):
        _check_expectations(spec, data.draw(cases(spec)))


def test_the_judge_catches_a_stale_yes_and_a_wider_target() -> None:
    """A bare yes runs the last proposal; a proposal of more rooms than named is wrong."""
    from any_hotel.cases import Command, Expected

    spec: Spec = {"Maple Lodge": ("US", {"Villa": ["villa-3", "villa-4"]})}
    jazz = Command("set_station", "Maple Lodge", ("villa-3", "villa-4"), "Jazz")
    pop = Command("set_station", "Maple Lodge", ("villa-3", "villa-4"), "Pop")
    conversation = Conversation(spec)
    proposal = {
        "ask": "confirm",
        "intent": "set_station",
        "property": "Maple Lodge",
        "rooms": ["villa-3", "villa-4"],
        "station": "Jazz",
    }
    assert conversation.judge(proposal, Expected(jazz, must_act=True)).verdict == "right"
    assert conversation.judge({"intent": "none"}, Expected(pop)).verdict == "safe"
    assert conversation.judge({"intent": "confirm"}, Expected(pop)).verdict == "wrong"
    one = Command("set_station", "Maple Lodge", ("villa-3",), "Jazz")
    wide = {
        "intent": "set_station",
        "property": "Maple Lodge",
        "all_rooms": True,
        "station": "jazz",
    }
    assert Conversation(spec).judge(wide, Expected(one, must_act=True)).verdict == "wrong"
    assert Conversation(spec).judge({"ask": "room"}, Expected(one, must_act=True)).verdict == "safe"


def test_the_judge_forgets_a_proposal_once_it_is_cancelled() -> None:
    """After `no` cancels a proposal, a bare yes runs nothing (so it is not counted as a write)."""
    from any_hotel.cases import Command, Expected

    spec: Spec = {"Maple Lodge": ("US", {"Villa": ["villa-3"]})}
    clear = Command("clear_alerts", "Maple Lodge", ("villa-3",), kinds=("reminders",))
    conversation = Conversation(spec)
    proposal = {
        "ask": "confirm",
        "intent": "clear_alerts",
        "property": "Maple Lodge",
        "rooms": ["villa-3"],
        "kinds": ["reminders"],
    }
    assert conversation.judge(proposal, Expected(clear, must_act=True)).verdict == "right"
    assert conversation.judge({"intent": "cancel"}, Expected(None)).verdict == "safe"
    assert conversation.judge({"intent": "confirm"}, Expected(None)).verdict == "safe"
