"""The pure retry schedules of bot.clients.retry."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime

from bot.clients.retry import (
    fits_deadline,
    is_retryable_method,
    retry_after_seconds,
    server_retry_delays,
    throttle_delays,
    throttle_wait,
)


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
