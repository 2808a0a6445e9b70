"""The answer budget of health commands: causes in plain words, one refresh at a time, the bot's own
failures surfacing as the bot's, and a background refresh stopped at shutdown."""

from __future__ import annotations

import asyncio

import pytest

from bot.clients.errors import (
    ApiError,
    DeadlineExceeded,
    Forbidden,
    ServerError,
    Throttled,
    TransportError,
)
from bot.clock import FakeClock
from bot.core.shared.replies import Reply
from bot.health.freshness import Freshness, Staleness, amazon_cause


def test_each_kind_of_trouble_reads_as_amazons() -> None:
    """Throttling, 5xx, slowness, no answer, refused credentials and other errors each say so."""
    assert "throttling" in amazon_cause(Throttled(429, "slow down"))
    assert "throttling" in amazon_cause(DeadlineExceeded(429, "waited"))
    assert "server errors" in amazon_cause(ServerError(503, "down"))
    assert "server errors" in amazon_cause(DeadlineExceeded(500, "waited"))
    assert "too slowly" in amazon_cause(DeadlineExceeded(None, "late"))
    assert "too slowly" in amazon_cause(None)
    assert "cannot be reached" in amazon_cause(TransportError(None, "refused"))
    assert "credentials" in amazon_cause(Forbidden(403, "no"))
    assert "error" in amazon_cause(ApiError(418, "teapot"))
    assert amazon_cause(RuntimeError("x")) == "the device refresh failed"


def test_staleness_without_state_says_nothing_was_read() -> None:
    """With no state yet the note says so; with one, the headline carries its age."""
    assert "no device state has been read yet" in Staleness("Amazon is down", None).note(0)
    reply = Staleness("Amazon is down", None).apply(Reply(headline="All fine."), 0)
    assert reply.headline == "All fine (no state yet)."


async def test_the_bots_own_failure_is_raised_not_blamed_on_amazon() -> None:
    """A bug in the refresh surfaces as an exception, not as "Amazon is slow"."""

    async def broken(deadline_at: float | None) -> object:
        raise KeyError("bug")

    freshness = Freshness(FakeClock(), broken, answer_s=1)
    with pytest.raises(KeyError):
        await freshness.ensure(None, 60)


async def test_a_fresh_state_is_not_refreshed_and_a_running_refresh_is_joined() -> None:
    """Within the refresh interval nothing is asked; a slow refresh is left running in the
    background and stopped at shutdown."""
    calls: list[float | None] = []
    release = asyncio.Event()

    async def slow(deadline_at: float | None) -> object:
        calls.append(deadline_at)
        await release.wait()
        return "done"

    clock = FakeClock()
    freshness = Freshness(clock, slow, answer_s=0.01)
    assert await freshness.ensure(clock.now().timestamp(), 60) is None and calls == []
    stale = await freshness.ensure(None, 60)
    assert stale is not None and "too slowly" in stale.cause and len(calls) == 1
    assert await freshness.ensure(None, 60) is not None and len(calls) == 1  # joined, not doubled
    await freshness.aclose()
    assert freshness.running is None


async def test_a_failed_bounded_refresh_hands_over_to_the_background() -> None:
    """When the answer's refresh fails on Amazon, an unbounded one starts and can be joined."""
    attempts: list[float | None] = []

    async def flaky(deadline_at: float | None) -> object:
        attempts.append(deadline_at)
        if deadline_at is not None:
            raise ServerError(500, "boom")
        return "ok"

    freshness = Freshness(FakeClock(), flaky, answer_s=1)
    stale = await freshness.ensure(None, 60)
    assert stale is not None and "server errors" in stale.cause
    assert await freshness.wait_unbounded() == "ok"
    assert attempts[0] is not None and attempts[-1] is None
