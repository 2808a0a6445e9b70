"""The pure retry schedules of bot.clients.retry."""

from __future__ import annotations

import itertools
import random
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime

import pytest

from bot.clients.errors import ServerError
from bot.clients.retry import (
    SERVER_BASE_S,
    SERVER_CAP_S,
    SERVER_RETRIES,
    THROTTLE_CAP_S,
    THROTTLE_FIRST_S,
    RetryLoop,
    RetryPolicy,
    Throttling,
    background,
    fits_deadline,
    is_retryable_method,
    resolve_deadline,
    retry_after_seconds,
    retry_policy,
    server_retry_delays,
    throttle_delays,
    throttle_wait,
)
from bot.clock import FakeClock


def test_throttle_schedule_is_seed_004_exactly() -> None:
    """429 waits are 1, 2, 4, ..., 256 s and then 256 s forever."""
    first = list(itertools.islice(throttle_delays(), 14))
    assert first == [1, 2, 4, 8, 16, 32, 64, 128, 256, 256, 256, 256, 256, 256]


def test_throttle_schedule_is_endless() -> None:
    """The schedule never runs out: seed 004 says retry until a non-429 answer."""
    assert list(itertools.islice(throttle_delays(), 1000, 1002)) == [256, 256]


def test_server_retries_are_bounded_jittered_and_seedable() -> None:
    """5xx retries: three waits, each within its exponential step, identical for the same seed."""
    a = list(server_retry_delays(random.Random(7)))
    b = list(server_retry_delays(random.Random(7)))
    assert a == b
    assert len(a) == 3
    for attempt, delay in enumerate(a):
        step = 0.5 * 2**attempt
        assert step / 2 <= delay <= step


def test_only_idempotent_methods_are_resent() -> None:
    """GET, PUT and DELETE may be resent after a 5xx; a POST (create) never."""
    assert all(is_retryable_method(m) for m in ("GET", "put", "DELETE"))
    assert not is_retryable_method("POST")


def test_retry_after_parsing() -> None:
    """Retry-After in seconds or as an HTTP date is read; junk and absence give None."""
    now = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("30", now) == 30
    assert retry_after_seconds("Thu, 15 Jan 2026 12:00:10 GMT", now) == 10
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None


def test_retry_after_only_lengthens_the_rule() -> None:
    """A Retry-After header can make a wait longer than the seed rule, never shorter."""
    assert throttle_wait(4, None) == 4
    assert throttle_wait(4, 1) == 4
    assert throttle_wait(4, 10) == 10


def test_fits_deadline() -> None:
    """A wait fits when it ends before the deadline; no deadline means it always fits."""
    assert fits_deadline(10, 4.99, 15)
    assert not fits_deadline(10, 5, 15)
    assert fits_deadline(10, 10_000, None)


def test_a_negative_or_past_retry_after_is_no_wait() -> None:
    """A negative Retry-After, or a date already past, asks for no wait at all (never a negative
    one); a date without a timezone is unreadable."""
    now = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("-5", now) == 0.0
    assert retry_after_seconds(" 2.5 ", now) == 2.5
    assert retry_after_seconds("Thu, 15 Jan 2026 11:59:00 GMT", now) == 0.0
    assert retry_after_seconds("2026-01-15T12:00:10", now) is None
    assert retry_after_seconds("", now) is None


def test_the_earlier_of_two_deadlines_wins() -> None:
    """A call's own deadline and the command's both bound it: the earlier one, whichever it is;
    with neither, the client's default; background work has none at all."""
    clock = FakeClock()
    start = clock.monotonic()
    with retry_policy(RetryPolicy.command(clock, 25)):
        assert resolve_deadline(clock, 5, 60)[0] == start + 5
        assert resolve_deadline(clock, 40, 60)[0] == start + 25
        assert resolve_deadline(clock, None, 60)[0] == start + 25
    assert resolve_deadline(clock, 5, 60)[0] == start + 5
    assert resolve_deadline(clock, None, 60)[0] == start + 60
    assert resolve_deadline(clock, None, None)[0] is None
    with background():
        assert resolve_deadline(clock, None, 60)[0] is None
        assert resolve_deadline(clock, 7, 60)[0] == start + 7


def test_the_seed_constants() -> None:
    """Seed 004's numbers: the first 429 wait is 1 s and the cap 256 s; 5xx resends are three,
    from 0.5 s, capped at 8 s."""
    assert (THROTTLE_FIRST_S, THROTTLE_CAP_S) == (1.0, 256.0)
    assert (SERVER_RETRIES, SERVER_BASE_S, SERVER_CAP_S) == (3, 0.5, 8.0)
    assert list(itertools.islice(throttle_delays(3, 10), 4)) == [3, 6, 10, 10]
    waits = list(server_retry_delays(random.Random(1), retries=6, base=1, cap=4))
    assert len(waits) == 6 and all(2 <= w <= 4 for w in waits[2:])


def test_server_retry_jitter_spans_the_upper_half_of_each_step() -> None:
    """Equal jitter: each wait lies in the upper half of its step and, over many callers, reaches
    close to the whole step (the spread that keeps callers apart)."""
    firsts = [next(server_retry_delays(random.Random(seed))) for seed in range(300)]
    assert min(firsts) >= 0.25 and max(firsts) <= 0.5
    assert max(firsts) > 0.48 and min(firsts) < 0.27


def test_policies_and_throttle_events_are_small_immutable_values() -> None:
    """A policy without arguments has no deadline and no hook (background work); a policy and a
    throttle event cannot be changed once shared between tasks, and carry no per-instance dict."""
    policy = RetryPolicy()
    assert policy.deadline_at is None and policy.on_throttle is None
    event = Throttling("GET /x", 1.0, 0.0, 1)
    for value, field in ((policy, "deadline_at"), (event, "wait_s")):
        with pytest.raises(FrozenInstanceError):
            setattr(value, field, 5.0)
        assert not hasattr(value, "__dict__")


async def test_a_retry_loop_counts_what_it_waited() -> None:
    """A fresh loop has resent nothing; it keeps whether its call is idempotent; `remaining()` is
    the time left to its deadline, shrinking as the clock moves."""
    clock = FakeClock()
    loop = RetryLoop("GET /x", clock=clock, rng=random.Random(1), idempotent=True, deadline_s=25)
    assert loop.resends == 0 and loop.throttled_s == 0 and loop.idempotent is True
    assert loop.remaining() == 25
    clock.advance(10)
    assert loop.remaining() == 15
    await loop.failed(ServerError(500, "boom", None, None))
    assert loop.resends == 1
