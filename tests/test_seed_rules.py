"""The last seed rules (issue 21, item 7), one test each: hierarchy writes under throttling run to
the end as background work (seed 004), an organization with no properties is empty (not an error),
the sandbox verifies AWS signatures, the AWS clients honour Retry-After, and the Customer Profiles
object-type PUT carries no Tags."""

from __future__ import annotations

from pathlib import Path

import pytest
from core_helpers import BotUnderTest, bot_on, text_of
from journal_support import HOTEL, journal_world, room_id, uid

from bot.core.replies import ReplyKind
from bot.sandbox.faults import FaultRule, Faults
from bot.sandbox.server import SandboxServer

# ten 429s in a row: seed 004's waits double from 1 s to the 256 s cap, then stay there
TEN_WAITS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 256]


def _throttled_waits(bot: BotUnderTest) -> list[float]:
    return [s for s in bot.clock.sleeps if s >= 1]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("request_text", "method", "done"),
    [
        ("add property Seaview", "POST", "Done: added property Seaview."),
        ("add room type Suite at Harbor", "POST", "Done: added room type Suite at Harbor."),
        ("add room 399 to King at Harbor", "POST", "Done: added room 399 to King at Harbor."),
        ("rename room 303 to 350 at Harbor", "PUT", "Done: renamed room 303 to 350 (Harbor)."),
        ("rename property Harbor to Quayside", "PUT", "Done: renamed property Harbor to Quayside (Harbor)."),
    ],
)
async def test_a_hierarchy_write_keeps_backing_off_until_amazon_answers(
    sandbox: SandboxServer, tmp_path: Path, request_text: str, method: str, done: str
) -> None:
    """Ten 429s in a row (1,023 s of seed-004 waits, far past the 25 s command deadline): the user
    hears at once that Amazon is throttling and the run continues; the write then goes through and
    the reply says done, never "Amazon is busy; try again"."""
    rule = FaultRule("429", method=method, attempts=10)
    async with bot_on(
        sandbox, journal_world(), tmp_path, faults=Faults(rules=[rule]), local_admin="alice"
    ) as bot:
        reply = await bot.say(request_text)
        assert bot.progress and "throttling" in bot.progress[0].headline
        assert "continues" in bot.progress[0].headline
        assert reply.kind == ReplyKind.SUCCESS, text_of(reply)
        assert reply.headline == done
        assert _throttled_waits(bot) == TEN_WAITS
        [entry] = bot.runtime.services.audit.entries(limit=1)
        assert entry.outcome == "ok"


async def test_a_confirmed_delete_keeps_backing_off_until_amazon_answers(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """`delete room 312` confirmed, then ten 429s on the DELETE: the user hears of the throttling
    at once, and the room is deleted in the end."""
    rule = FaultRule("429", method="DELETE", units=[room_id("312")], attempts=10)
    async with bot_on(
        sandbox, journal_world(), tmp_path, faults=Faults(rules=[rule]), local_admin="alice"
    ) as bot:
        asked = await bot.say(f"delete room 312 at {HOTEL}")
        assert asked.kind == ReplyKind.CONFIRM, text_of(asked)
        reply = await bot.say("yes")
        assert reply.kind == ReplyKind.SUCCESS, text_of(reply)
        assert any("throttling" in p.headline for p in bot.progress)
        assert _throttled_waits(bot) == TEN_WAITS
        names = [r.name for r in bot.state.world.properties[0].roomTypes[0].rooms]
        assert "312" not in names
        assert uid("KING")  # the room type stays
