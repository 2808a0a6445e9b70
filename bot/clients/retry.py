"""Retry schedules as pure functions, so they are testable without a network or a real clock.

Two rules live here:
- 429 (seed 004): wait 1 s, doubling up to 256 s, then every 256 s until a non-429 answer. Nothing
  else is honoured, except that a Retry-After header (not in the seeds) may lengthen a wait.
- 5xx and transport errors: a few retries with exponential backoff and jitter, for idempotent
  methods only, because resending a create could make a second property or room.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime

THROTTLE_FIRST_S = 1.0
THROTTLE_CAP_S = 256.0

SERVER_RETRIES = 3
SERVER_BASE_S = 0.5
SERVER_CAP_S = 8.0

IDEMPOTENT_METHODS = frozenset({"GET", "PUT", "DELETE"})


def throttle_delays(
    first: float = THROTTLE_FIRST_S, cap: float = THROTTLE_CAP_S
) -> Iterator[float]:
    """The seed-004 waits after consecutive 429s: 1, 2, 4, ..., 256, 256, 256, ... (endless)."""
    delay = first
    while True:
        yield min(delay, cap)
        if delay < cap:
            delay *= 2


def server_retry_delays(
    rng: random.Random,
    retries: int = SERVER_RETRIES,
    base: float = SERVER_BASE_S,
    cap: float = SERVER_CAP_S,
) -> Iterator[float]:
    """Waits before each of at most `retries` resends after a 5xx or a lost answer.

    "Equal jitter": half of the exponential step is fixed, half random, so retries of many
    concurrent callers spread out but never come back immediately.
    """
    for attempt in range(retries):
        step = min(cap, base * (2**attempt))
        yield step / 2 + rng.uniform(0.0, step / 2)


def is_retryable_method(method: str) -> bool:
    """Whether a request may be resent after a 5xx or a lost answer (never a POST/create)."""
    return method.upper() in IDEMPOTENT_METHODS


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Parse Retry-After (delta seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


def throttle_wait(rule_delay: float, retry_after: float | None) -> float:
    """The wait after a 429: the seed rule, lengthened (never shortened) by a Retry-After header."""
    return rule_delay if retry_after is None else max(rule_delay, retry_after)


def fits_deadline(now: float, delay: float, deadline_at: float | None) -> bool:
    """Whether waiting `delay` s from monotonic `now` ends before the deadline (None: none).

    Strictly before: a wait that ends exactly at the deadline leaves no time for the request itself.
    """
    return deadline_at is None or now + delay < deadline_at
