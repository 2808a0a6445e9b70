"""Judging the bot's outcomes against what a case expects: RIGHT, SAFE or WRONG (issue 17, item 6).

The invariant: whenever an outcome is a write (or an `ask: confirm` proposing one), its intent, rooms,
property, station and kinds equal the expected command's; otherwise the outcome is a question or changes
nothing. A bare `confirm` runs the command the last `ask: confirm` of the conversation proposed (unless the
outcome names its own slots), so a `yes` that applies a stale proposal is caught too.
"""

from __future__ import annotations

import pprint
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, cast

import pytest

from .cases import Case, Command, Expected
from .worlds import Spec, world_from_spec

Outcome = Mapping[str, Any]
Verdict = Literal["right", "safe", "wrong"]

# "several": the parts of one message, each a whole request (bot/core/conversation/compound.py)
WRITE_INTENTS = {"set_station", "clear_alerts", "undo", "retry_failed", "confirm", "several"}
WRITE_PREFIXES = ("add", "rename", "delete", "create", "set_profile", "set_property", "set_object")


class Reader(Protocol):
    """The face of tests/world_reading.py (written by the understanding developer)."""

    def read(self, text: str, channel_property: str | None = None) -> dict[str, Any]: ...

    def converse(
        self, texts: list[str], channel_property: str | None = None
    ) -> list[dict[str, Any]]: ...


def make_reader(world: Mapping[str, Any]) -> Reader:
    """A WorldReader for the world; the test is skipped while tests/world_reading.py does not exist."""
    module = pytest.importorskip("world_reading")
    return cast(Reader, module.WorldReader(dict(world)))


def is_write(intent: object) -> bool:
    return isinstance(intent, str) and (
        intent in WRITE_INTENTS or intent.startswith(WRITE_PREFIXES)
    )


def _room_list(outcome: Outcome, spec: Spec | None) -> tuple[str, ...] | None:
    """The rooms an outcome targets: its `rooms`, else its room type's or its whole property's rooms."""
    rooms = outcome.get("rooms")
    if isinstance(rooms, list | tuple):
        return tuple(sorted(str(room) for room in rooms))
    property_name = outcome.get("property")
    if spec is None or not isinstance(property_name, str) or property_name not in spec:
        return None
    room_types = spec[property_name][1]
    if outcome.get("all_rooms") is True:
        return tuple(sorted(r for names in room_types.values() for r in names))
    room_type = outcome.get("room_type")
    if isinstance(room_type, str) and room_type in room_types:
        return tuple(sorted(room_types[room_type]))
    return None


def _same_station(actual: object, expected: str) -> bool:
    # Display names are compared case-insensitively, and "Jazz (TSF Jazz)" counts as "Jazz".
    if not isinstance(actual, str):
        return False
    return re.sub(r"\s*\(.*\)\s*$", "", actual).casefold() == expected.casefold()


def mismatch(outcome: Outcome, expected: Command, spec: Spec | None) -> str | None:
    """Why a write outcome does not run exactly `expected`, or None when it does."""
    if outcome.get("intent") != expected.intent:
        return f"intent {outcome.get('intent')!r}, expected {expected.intent!r}"
    if expected.property is not None and outcome.get("property") != expected.property:
        return f"property {outcome.get('property')!r}, expected {expected.property!r}"
    rooms = _room_list(outcome, spec)
    if expected.rooms and rooms != tuple(sorted(expected.rooms)):
        return f"rooms {rooms!r}, expected {tuple(sorted(expected.rooms))!r}"
    if expected.station is not None and not _same_station(outcome.get("station"), expected.station):
        return f"station {outcome.get('station')!r}, expected {expected.station!r}"
    if expected.intent == "clear_alerts":
        kinds = outcome.get("kinds")
        actual = sorted(kinds) if isinstance(kinds, list | tuple) else kinds
        if actual != sorted(expected.kinds):
            return f"kinds {kinds!r}, expected {sorted(expected.kinds)!r}"
    return None


def _every_mismatch(outcome: Outcome, expected: Expected) -> str | None:
    """A proposal for scope words must not narrow to one property in silence."""
    properties = {p for p, _ in expected.every}
    named = outcome.get("property")
    if isinstance(named, str) and len(properties) > 1:
        return f"scope words narrowed to one property ({named!r}) of {sorted(properties)!r}"
    rooms = outcome.get("rooms")
    if isinstance(rooms, list | tuple) and len(rooms) < len(expected.every):
        return f"scope words cover {len(expected.every)} rooms, the proposal {len(rooms)}"
    return None


@dataclass
class Judgement:
    verdict: Verdict
    reason: str


@dataclass
class Conversation:
    """State across the turns of one conversation: the last proposal a bare `yes` would run."""

    spec: Spec | None
    pending: dict[str, Any] | None = None
    judgements: list[Judgement] = field(default_factory=list)

    def judge(self, outcome: Outcome, expected: Expected) -> Judgement:
        judgement = self._judge(outcome, expected)
        self.judgements.append(judgement)
        return judgement

    def _judge(self, outcome: Outcome, expected: Expected) -> Judgement:
        ask = outcome.get("ask")
        intent = outcome.get("intent")
        if ask == "confirm" and is_write(intent):
            self.pending = dict(outcome)
            return self._write(outcome, expected, proposed=True)
        if ask is not None:
            return Judgement("safe", f"asked {ask!r}")
        if intent == "confirm":
            slots = {k: v for k, v in outcome.items() if k != "intent"}
            if self.pending is None and not slots:
                return Judgement("safe", "a yes with nothing waiting")
            effective = {**(self.pending or {}), **slots}
            effective.pop("ask", None)
            if "intent" not in effective or effective["intent"] == "confirm":
                effective["intent"] = (self.pending or {}).get("intent", "confirm")
            self.pending = None
            return self._write(effective, expected, proposed=False, via_yes=True)
        if is_write(intent):
            self.pending = None
            return self._write(outcome, expected, proposed=False)
        if intent == "cancel":
            self.pending = None  # a later bare yes has nothing to run
        command = expected.command
        if command is not None and not is_write(command.intent) and intent == command.intent:
            if mismatch(outcome, command, self.spec) is None:
                return Judgement("right", "answered as asked")
            return Judgement(
                "safe", f"read of another target: {mismatch(outcome, command, self.spec)}"
            )
        return Judgement("safe", f"no change ({intent!r})")

    def _write(
        self, outcome: Outcome, expected: Expected, *, proposed: bool, via_yes: bool = False
    ) -> Judgement:
        what = "proposed" if proposed else "ran"
        command = expected.command
        if command is None or not is_write(command.intent):
            return Judgement("wrong", f"{what} a write where none may run: {dict(outcome)!r}")
        if expected.confirm_first and not proposed and not via_yes:
            return Judgement("wrong", f"ran at once what must be asked first: {dict(outcome)!r}")
        if expected.every:
            problem = _every_mismatch(outcome, expected)
            if problem is not None:
                return Judgement("wrong", f"{what} {dict(outcome)!r}: {problem}")
            return Judgement("safe", f"{what} the command over every property")
        problem = mismatch(outcome, command, self.spec)
        if problem is not None:
            return Judgement("wrong", f"{what} {dict(outcome)!r}: {problem}")
        return Judgement("right", f"{what} exactly the expected command")


def run_case(reader: Reader, case: Case) -> list[dict[str, Any]]:
    if len(case.turns) == 1:
        return [reader.read(case.turns[0].text, channel_property=case.channel_property)]
    texts = [turn.text for turn in case.turns]
    return reader.converse(texts, channel_property=case.channel_property)


def judge_case(spec: Spec, case: Case, outcomes: list[dict[str, Any]]) -> list[Judgement]:
    conversation = Conversation(spec)
    return [
        conversation.judge(outcome, turn.expected)
        for turn, outcome in zip(case.turns, outcomes, strict=True)
    ]


def regression_text(spec: Spec, case: Case, outcomes: list[dict[str, Any]], reason: str) -> str:
    """A failing example as a test to paste into tests/test_any_hotel_regressions.py."""
    slug = re.sub(r"[^a-z0-9]+", "_", (case.label or "case").lower()).strip("_")
    return (
        "\n# ---- paste as a regression test ----\n"
        f"def test_regression_{slug}_never_a_wrong_target() -> None:\n"
        f'    """{reason[:200]!s}"""\n'
        f"    spec = {pprint.pformat(spec, width=90, indent=4, sort_dicts=False)}\n"
        f"    case = {pprint.pformat(case, width=90, indent=4)}\n"
        "    assert_case(spec, case)\n"
        f"# outcomes were: {outcomes!r}\n"
    )


def assert_case(spec: Spec, case: Case, reader: Reader | None = None) -> list[Judgement]:
    """Run a case in the spec's world; fail on a wrong target (a regression test's body)."""
    reader = reader if reader is not None else make_reader(world_from_spec(spec))
    outcomes = run_case(reader, case)
    judgements = judge_case(spec, case, outcomes)
    for judgement in judgements:
        if judgement.verdict == "wrong":
            raise AssertionError(regression_text(spec, case, outcomes, judgement.reason))
    return judgements
