"""Generated hotels x generated requests: the bot never names a wrong target (issue 17, item 6).

Each Hypothesis example draws one world (1-4 properties, up to 30 rooms each, rooms named by mixed schemes)
and `PER_WORLD` requests or conversations for it; at least `ANY_HOTEL_EXAMPLES` (default 2000) distinct
(world, request) pairs run in all, derandomized, without a database and without deadline, so every run (and
CI) tries the same examples. `ANY_HOTEL_EXAMPLES=100000` for the issue's big run.

Invariants:
1. Never a wrong target: every write the bot runs or proposes (`ask: confirm`) has exactly the expected
   intent, property, rooms, station and kinds; where no write may run (negations, a property alone, snoozing
   or setting an alarm, two readings) the bot asks or changes nothing; a request with a time or scope words is
   never run at once. The first wrong outcome fails the test, shrunk, printed as a test to paste into
   tests/test_any_hotel_regressions.py.
2. Unambiguous requests are done: of the turns marked `must_act` (one reading, every name typed in a way the
   issue says must be understood), at least `ANY_HOTEL_RIGHT_FLOOR` (default 0.90) are exactly right (run, or
   proposed for a yes, as expected). 90 % leaves room for a few questions a careful bot may still ask (a
   folded separator it offers as a did-you-mean, a confirm on a clear) while catching a reader that asks
   "Which room?" for rooms named by words (the issue measured about 40 %).
"""

from __future__ import annotations

import math
import os
from collections import Counter
from dataclasses import dataclass, field

import pytest
from any_hotel.cases import Case
from any_hotel.checks import Judgement, judge_case, make_reader, regression_text, run_case
from any_hotel.requests import cases
from any_hotel.worlds import Spec, world_from_spec, world_specs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("ANY_HOTEL_EXAMPLES", "2000"))
RIGHT_FLOOR = float(os.environ.get("ANY_HOTEL_RIGHT_FLOOR", "0.90"))
# A long run (100,000) takes most of an hour: it can write its tallies so far to this file as it goes.
PROGRESS_FILE = os.environ.get("ANY_HOTEL_PROGRESS_FILE")
# The first wrong outcome as drawn (before shrinking, which can fail on a long run).
FIRST_FAILURE_FILE = os.environ.get("ANY_HOTEL_FIRST_FAILURE_FILE")
PER_WORLD = 10
# Hypothesis often replays a world it has drawn before (it mutates earlier examples), so about half the
# requests are repeats: draw 2.5 times as many as asked and count only distinct (world, request) pairs.
WORLDS_PER_REQUEST = 2.5 / PER_WORLD


@dataclass
class Tally:
    requests: int = 0
    turns: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    must_act: int = 0
    must_act_right: int = 0
    by_label: Counter[tuple[str, str]] = field(default_factory=Counter)
    not_done: list[str] = field(default_factory=list)
    texts: set[str] = field(default_factory=set)

    def add(
        self, spec: Spec, case: Case, judgements: list[Judgement], outcomes: list[dict[str, object]]
    ) -> None:
        self.requests += 1
        self.texts.add(repr(spec) + " / ".join(turn.text for turn in case.turns))
        for turn, judgement, outcome in zip(case.turns, judgements, outcomes, strict=True):
            self.turns += 1
            self.verdicts[judgement.verdict] += 1
            self.by_label[(case.label, judgement.verdict)] += 1
            if turn.expected.must_act:
                self.must_act += 1
                if judgement.verdict == "right":
                    self.must_act_right += 1
                elif len(self.not_done) < 25:
                    where = f" [channel {case.channel_property}]" if case.channel_property else ""
                    self.not_done.append(f"{turn.text!r}{where} -> {outcome!r}")

    def report(self) -> str:
        rate = self.must_act_right / self.must_act if self.must_act else 1.0
        labels = sorted({label for label, _ in self.by_label})
        lines = [
            f"any-hotel: {self.requests} requests ({self.turns} turns): "
            f"{self.verdicts['right']} exactly right, {self.verdicts['safe']} safe (asked or no change), "
            f"{self.verdicts['wrong']} wrong; {len(self.texts)} distinct (world, request)",
            f"  must-act turns: {self.must_act_right}/{self.must_act} right ({rate:.1%}), "
            f"floor {RIGHT_FLOOR:.0%}",
        ]
        for label in labels:
            counts = ", ".join(
                f"{verdict} {self.by_label[(label, verdict)]}"
                for verdict in ("right", "safe", "wrong")
            )
            lines.append(f"  {label}: {counts}")
        return "\n".join(lines)


# 2,000 examples take about 30 s on a quiet machine, several minutes beside CPU-burning loops and
# coverage: past the suite's 120 s default, which is for tests that hang, not for this one's size
# (a long run by hand, ANY_HOTEL_EXAMPLES above the default, has no limit)
@pytest.mark.timeout(1800 if EXAMPLES <= 2000 else 0)
def test_generated_requests_never_name_a_wrong_target_and_unambiguous_ones_are_done(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Invariants 1 and 2 of the module docstring, over ANY_HOTEL_EXAMPLES generated requests."""
    pytest.importorskip("world_reading")
    tally = Tally()
    failures: list[str] = []

    @settings(
        max_examples=math.ceil(WORLDS_PER_REQUEST * EXAMPLES),
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def check_one_world(data: st.DataObject) -> None:
        spec = data.draw(world_specs(), label="spec")
        reader = make_reader(world_from_spec(spec))
        seen: set[tuple[str, ...]] = set()
        for number in range(PER_WORLD):
            case = data.draw(cases(spec), label=f"case {number}")
            for _ in range(8):  # a small world repeats requests: draw again for variety
                if tuple(turn.text for turn in case.turns) not in seen:
                    break
                case = data.draw(cases(spec), label=f"case {number} again")
            seen.add(tuple(turn.text for turn in case.turns))
            outcomes = run_case(reader, case)
            judgements = judge_case(spec, case, outcomes)
            tally.add(spec, case, judgements, list(outcomes))
            if PROGRESS_FILE and tally.requests % 500 == 0:
                with open(PROGRESS_FILE, "w", encoding="utf-8") as file:
                    file.write(tally.report() + "\n")
            for judgement in judgements:
                if judgement.verdict == "wrong":
                    failures.append(regression_text(spec, case, outcomes, judgement.reason))
                    if FIRST_FAILURE_FILE and len(failures) == 1:  # kept even if shrinking fails
                        with open(FIRST_FAILURE_FILE, "w", encoding="utf-8") as file:
                            file.write(failures[0])
                    raise AssertionError(judgement.reason)

    try:
        check_one_world()
    except AssertionError:
        # Hypothesis replays the shrunk example last: its text is the one to keep as a regression test.
        if failures:
            with capsys.disabled():
                print(failures[-1])
            path = os.environ.get("ANY_HOTEL_FAILURE_FILE")
            if path:
                with open(path, "w", encoding="utf-8") as file:
                    file.write(failures[-1])
        raise
    with capsys.disabled():
        print("\n" + tally.report())
    assert len(tally.texts) >= EXAMPLES, f"only {len(tally.texts)} distinct requests"
    rate = tally.must_act_right / tally.must_act if tally.must_act else 1.0
    assert rate >= RIGHT_FLOOR, (
        f"only {rate:.1%} of unambiguous requests were done exactly (floor {RIGHT_FLOOR:.0%}); "
        "some of them:\n" + "\n".join(tally.not_done)
    )
