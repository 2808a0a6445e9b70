"""Housekeeping (issue 20, finding 8): a stranger's refused message is stored truncated and purged
after the retention (30 days by default, `[bot] refused_retention_days`); expired confirmations are
dropped; both run with the recovery job of `bot run`/`bot serve`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from core_helpers import BotUnderTest, bot_on, config_for
from journal_support import HOTEL, journal_world

from bot.clock import FakeClock
from bot.core.changes.housekeeping import REFUSED_TEXT_LIMIT, housekeeping
from bot.core.shared.replies import ReplyKind
from bot.sandbox.server import SandboxServer
from bot.serving import _start_recovery
from bot.settings import RolesConfig


async def test_a_strangers_message_is_stored_truncated_and_purged_after_the_retention(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """100 KB from an unknown user: the audit keeps 500 characters (and an ellipsis); 30 days
    later the scheduled purge removes it, while alice's own entries stay."""
    world = journal_world(2)
    clock = FakeClock()
    config = config_for(world, roles=RolesConfig(admin=[], engineer=[], front_desk=["alice"]))
    async with bot_on(sandbox, world, tmp_path, config=config, clock=clock) as bot:
        reply = await bot.say("x" * 100_000, user="stranger")
        assert reply.kind == ReplyKind.REFUSAL
        await bot.say(f"set room 301 at {HOTEL} to jazz")
        audit = bot.runtime.services.audit
        [refused] = [e for e in audit.entries() if e.user == "stranger"]
        assert len(refused.text) == REFUSED_TEXT_LIMIT + 1
        assert housekeeping(bot.runtime.services).refused == 0  # within the retention
        clock.advance(timedelta(days=31).total_seconds())
        scheduler = await _start_recovery(bot.runtime, {})  # its first run is at once
        scheduler.shutdown(wait=False)
        assert [e.user for e in audit.entries()] == ["alice"]


async def test_the_retention_is_configurable(sandbox: SandboxServer, tmp_path: Path) -> None:
    """`refused_retention_days = 2`: purged after 2 days."""
    world = journal_world(2)
    clock = FakeClock()
    config = config_for(
        world, roles=RolesConfig(admin=[], engineer=[], front_desk=["alice"]),
        refused_retention_days=2,
    )  # fmt: skip
    async with bot_on(sandbox, world, tmp_path, config=config, clock=clock) as bot:
        await bot.say("hello", user="stranger")
        clock.advance(timedelta(days=3).total_seconds())
        assert housekeeping(bot.runtime.services).refused == 1


async def test_expired_confirmations_are_purged(small_bot: BotUnderTest) -> None:
    """A confirmation left unanswered past its expiry is dropped by the housekeeping."""
    asked = await small_bot.say("clear everything in rooms 101, 102 at Hotel A")
    assert asked.kind == ReplyKind.CONFIRM
    services = small_bot.runtime.services
    assert housekeeping(services).confirmations == 0
    small_bot.clock.advance(timedelta(minutes=11).total_seconds())  # type: ignore[attr-defined]
    assert housekeeping(services).confirmations == 1
    assert services.pending.waiting_for("alice", None) == []
