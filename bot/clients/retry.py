"""The one retry primitive of every client (ASP, Alexa for Business, Customer Profiles, LWA).

Rules:
- 429 / throttling (seed 004): wait 1 s, doubling up to 256 s, then every 256 s until a non-429
  answer. A Retry-After header (not in the seeds) may lengthen a wait, never shorten it. The
  doubling restarts after any other answer, a 5xx included.
- 5xx and lost answers: a few retries with exponential backoff and jitter, for idempotent calls
  only, because resending a create could make a second property or room. A write that got a 5xx or
  no answer after it was sent "may have been applied" (`ApiError.may_have_applied`).
- Deadlines bound a *command*, not a call: `RetryPolicy.command(clock, 25)` or a call's own
  `deadline=` seconds. Background work (sync, bulk continuations, device refresh) runs under
  `background()`, with no deadline: the 429 rule is followed to the end. When the next wait would
  not fit the deadline, every client raises DeadlineExceeded (Throttled when Amazon throttled).
- `RetryPolicy.on_throttle` hears "Amazon is throttling, waiting N s" before each 429 wait.

`request_loop` is the one request loop of every client: it sends, asks the RetryLoop below what to
do after each answer, and gives up with the client's error. A client keeps only its own parts: how
to send one attempt (signing, the token), and how to read an answer (`classify`: Done, Throttle,
Resend, Again, or raise).

The policy is ambient (a context variable, inherited by the asyncio tasks a caller starts), so a
command or a background job sets it once around all of its calls:

    with retry_policy(RetryPolicy.command(clock, 25, on_throttle=tell_user)):
        await engine_work()
    with background():
        await full_sync(...)
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import random
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Generic, TypeAlias, TypeVar

import httpx

from bot.clients.errors import ApiError, DeadlineExceeded, Throttled
from bot.clock import Clock

log = logging.getLogger(__name__)

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


# --- the policy: how long a command may keep retrying ---------------------------------------------


@dataclass(frozen=True, slots=True)
class Throttling:
    """What a throttle hook hears before each 429 wait."""

    operation: str  # "GET /enterprise/hospitality/v1/properties", "AlexaForBusiness.SearchDevices"
    wait_s: float  # the wait about to start
    waited_s: float  # throttled waits of this call so far
    throttles: int  # 429s in a row, this one included


ThrottleHook = Callable[[Throttling], Awaitable[None] | None]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """A deadline on the monotonic clock (None: follow the 429 rule to the end) and a hook."""

    deadline_at: float | None = None
    on_throttle: ThrottleHook | None = None

    @classmethod
    def command(
        cls, clock: Clock, seconds: float, on_throttle: ThrottleHook | None = None
    ) -> RetryPolicy:
        """A command's budget: every call it makes ends by `seconds` from now."""
        return cls(clock.monotonic() + seconds, on_throttle)

    @classmethod
    def background(cls, on_throttle: ThrottleHook | None = None) -> RetryPolicy:
        """Background work: no deadline, the 429 rule to the end."""
        return cls(None, on_throttle)


_POLICY: ContextVar[RetryPolicy | None] = ContextVar("retry_policy", default=None)


def current_policy() -> RetryPolicy | None:
    """The ambient policy, or None when the caller set none (then the client's default applies)."""
    return _POLICY.get()


@contextlib.contextmanager
def retry_policy(policy: RetryPolicy) -> Iterator[RetryPolicy]:
    """Run the block (and the tasks it starts) under `policy`."""
    token = _POLICY.set(policy)
    try:
        yield policy
    finally:
        _POLICY.reset(token)


def background(
    on_throttle: ThrottleHook | None = None,
) -> contextlib.AbstractContextManager[RetryPolicy]:
    """Run the block as background work: no deadline, the 429 rule followed to the end."""
    return retry_policy(RetryPolicy.background(on_throttle))


def resolve_deadline(
    clock: Clock, call_deadline_s: float | None, client_default_s: float | None
) -> tuple[float | None, ThrottleHook | None]:
    """The monotonic deadline of one call and its throttle hook.

    A call's own `deadline=` seconds and the ambient policy both bound it (the earlier wins); with
    neither, the client's default deadline applies.
    """
    policy = current_policy()
    now = clock.monotonic()
    own = None if call_deadline_s is None else now + call_deadline_s
    if policy is None:
        if own is None and client_default_s is not None:
            own = now + client_default_s
        return own, None
    candidates = [t for t in (own, policy.deadline_at) if t is not None]
    return (min(candidates) if candidates else None), policy.on_throttle


# --- one call's retry bookkeeping -----------------------------------------------------------------


class RetryLoop:
    """The retry state of one call: every client's request loop asks it what to do next.

    - `remaining()` before sending (None: no deadline; raises DeadlineExceeded when it passed);
    - `throttled(error, retry_after)` after a 429: waits the seed-004 step or raises Throttled;
    - `failed(error)` after a 5xx or a lost answer: waits for a resend or raises;
    - `answered()` after any other answer: the 429 doubling starts again from 1 s.
    """

    def __init__(
        self,
        operation: str,
        *,
        clock: Clock,
        rng: random.Random,
        idempotent: bool,
        deadline_s: float | None = None,
        default_deadline_s: float | None = None,
        retries: int = SERVER_RETRIES,
    ) -> None:
        self.operation = operation
        self.idempotent = idempotent
        self._clock = clock
        self.deadline_at, self._on_throttle = resolve_deadline(
            clock, deadline_s, default_deadline_s
        )
        self._throttle = throttle_delays()
        self._throttles = 0
        self._server = server_retry_delays(rng, retries) if idempotent else iter(())
        self.throttled_s = 0.0
        self.resends = 0

    def remaining(self) -> float | None:
        """Seconds left before the deadline (None: none); DeadlineExceeded when none are left."""
        if self.deadline_at is None:
            return None
        left = self.deadline_at - self._clock.monotonic()
        if left <= 0:
            raise DeadlineExceeded(
                None, f"{self.operation}: deadline passed", waited_s=self.throttled_s
            )
        return left

    def answered(self) -> None:
        """A non-429 answer came: seed 004's doubling runs only "until a non-429 response"."""
        self._throttle = throttle_delays()
        self._throttles = 0

    async def throttled(self, error: ApiError, retry_after_s: float | None = None) -> None:
        """Wait out a 429 by the seed rule, or raise Throttled when the wait would pass the
        deadline.
        """
        wait = throttle_wait(next(self._throttle), retry_after_s)
        self._throttles += 1
        if not fits_deadline(self._clock.monotonic(), wait, self.deadline_at):
            raise Throttled(
                error.status,
                error.message or f"{self.operation}: throttled past the deadline",
                error.request_id,
                error.error_type,
                waited_s=self.throttled_s,
                next_delay_s=wait,
            )
        await self._notify(Throttling(self.operation, wait, self.throttled_s, self._throttles))
        await self._clock.sleep(wait)
        self.throttled_s += wait
        self.resends += 1

    async def failed(self, error: ApiError) -> None:
        """After a 5xx or a lost answer: wait before a resend, or raise.

        Raises `error` itself when the call may not be resent or its retries are spent, and
        DeadlineExceeded (carrying `error`) when the next wait would not fit the deadline.
        """
        self.answered()
        delay = next(self._server, None)
        if delay is None:
            raise error
        if not fits_deadline(self._clock.monotonic(), delay, self.deadline_at):
            raise DeadlineExceeded.after(error, waited_s=self.throttled_s)
        await self._clock.sleep(delay)
        self.resends += 1

    async def _notify(self, event: Throttling) -> None:
        if self._on_throttle is None:
            return
        try:
            result = self._on_throttle(event)
            if inspect.isawaitable(result):
                await result
        except Exception:  # a failed notice must not fail the call it is about
            log.warning("throttle hook failed", exc_info=True)


# --- the one request loop -------------------------------------------------------------------------

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Done(Generic[T]):
    """The call's result: the loop returns it."""

    value: T


@dataclass(frozen=True, slots=True)
class Throttle:
    """A 429 (or AWS's throttling error): wait by seed 004's rule, lengthened by `retry_after_s`."""

    error: ApiError
    retry_after_s: float | None = None


@dataclass(frozen=True, slots=True)
class Resend:
    """A 5xx: resend after a backoff when the call may be resent, else give up with `error`."""

    error: ApiError


@dataclass(frozen=True, slots=True)
class Again:
    """Send again at once, without a wait (a refreshed token, another Authorization form)."""


Verdict: TypeAlias = Done[T] | Throttle | Resend | Again


async def request_loop(
    operation: str,
    *,
    send: Callable[[float | None], Awaitable[httpx.Response]],
    classify: Callable[[httpx.Response], Awaitable[Verdict[T]]],
    lost: Callable[[Exception], ApiError],
    clock: Clock,
    rng: random.Random,
    idempotent: bool,
    deadline_s: float | None = None,
    default_deadline_s: float | None = None,
    timeout_s: float | None = None,
    lost_errors: tuple[type[Exception], ...] = (httpx.TransportError,),
    on_resend: Callable[[], None] = lambda: None,
) -> T:
    """Send `operation` until `classify` says Done (or raises), under the retry rules above.

    - `send(limit_s)` sends one attempt (signed or with a token, afresh each time); `limit_s` is
      `timeout_s` cut to what is left of the deadline (None: the transport's own timeout).
    - `lost(exc)` is the ApiError of an attempt whose answer never came (`lost_errors`); it is
      resent like a 5xx. A timeout the deadline shortened raises DeadlineExceeded at once.
    - `on_resend()` hears every resend after a wait (the client's retry counter).
    """
    loop = RetryLoop(
        operation,
        clock=clock,
        rng=rng,
        idempotent=idempotent,
        deadline_s=deadline_s,
        default_deadline_s=default_deadline_s,
    )
    while True:
        remaining = loop.remaining()
        timeout = timeout_s if remaining is None or timeout_s is None else min(timeout_s, remaining)
        try:
            answer = await send(timeout)
        except lost_errors as exc:
            failure = lost(exc)
            cut = timeout_s is not None and timeout is not None and timeout < timeout_s
            if cut and isinstance(exc, httpx.TimeoutException):
                # The deadline, not Amazon, cut this wait short.
                raise DeadlineExceeded.after(failure, waited_s=loop.throttled_s) from exc
            await loop.failed(failure)
            on_resend()
            continue
        verdict = await classify(answer)
        if isinstance(verdict, Again):
            continue
        if isinstance(verdict, Throttle):
            await loop.throttled(verdict.error, verdict.retry_after_s)
            on_resend()
            continue
        loop.answered()
        if isinstance(verdict, Resend):
            await loop.failed(verdict.error)
            on_resend()
            continue
        return verdict.value
