"""Answering health questions in time when Amazon is slow: the last known state, its age, the cause.

A health command first brings the device index up to date when it is older than the refresh
interval, but waits at most `answer_s` for that (a chat user is waiting). When Amazon errors,
throttles or is slow, the command answers from the last known state, says how old it is and that
Amazon is the cause, and the refresh goes on in the background. Only one refresh runs at a time:
a command that finds one running waits for it within the same budget.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.clients.errors import (
    ApiError,
    DeadlineExceeded,
    Forbidden,
    ServerError,
    Throttled,
    TransportError,
    Unauthorized,
)
from bot.clients.retry import RetryPolicy, retry_policy
from bot.clock import Clock
from bot.core.shared.replies import Reply
from bot.health.fmt import duration

log = logging.getLogger(__name__)

ANSWER_S = 2.5  # a health answer is due within this long (chat platforms give 3 s)
REAL_TIME_SLACK_S = 0.3  # beyond the clock's own deadline, for time the clock does not see

# refresh(deadline_at | None): one refresh of the device index; deadline_at is clock-monotonic
RefreshFn = Callable[[float | None], Awaitable[object]]


def amazon_cause(error: BaseException | None) -> str:
    """What Amazon did, in a few words, for "... so this is the last known state"."""
    if isinstance(error, DeadlineExceeded) and error.status is not None:
        # out of time while retrying: the status says what Amazon was answering meanwhile
        if error.status == 429:
            return "Amazon is throttling the bot's requests (too many at once)"
        if error.status >= 500:
            return "Amazon is answering with server errors"
    match error:
        case Throttled():
            return "Amazon is throttling the bot's requests (too many at once)"
        case ServerError():
            return "Amazon is answering with server errors"
        case DeadlineExceeded() | None:
            return "Amazon is answering too slowly"
        case TransportError():
            return "Amazon cannot be reached"
        case Unauthorized() | Forbidden():
            return "Amazon refused the bot's credentials (an admin should check them)"
        case ApiError():
            return f"Amazon answered with an error ({error})"
    return "the device refresh failed"


@dataclass(frozen=True)
class Staleness:
    """Why an answer comes from the last known state, and how old that state is."""

    cause: str
    as_of: float | None  # epoch seconds of the last refresh; None: there is no state yet

    def note(self, now: float) -> str:
        if self.as_of is None:
            return f"{self.cause}; no device state has been read yet. A refresh is running in the background."
        return (
            f"{self.cause}, so this is the last known state (as of {duration(now - self.as_of)} ago); "
            "a refresh is running in the background."
        )

    def apply(self, reply: Reply, now: float) -> Reply:
        """The reply with its age in the headline and the cause first in its notes."""
        age = "no state yet" if self.as_of is None else f"as of {duration(now - self.as_of)} ago"
        headline = reply.headline.rstrip(".") + f" ({age})."
        return reply.model_copy(
            update={"headline": headline, "notes": [self.note(now), *reply.notes]}
        )


class Freshness:
    """One refresh at a time, waited for within the answer budget, continued in the background."""

    def __init__(self, clock: Clock, refresh: RefreshFn, *, answer_s: float = ANSWER_S) -> None:
        self.clock = clock
        self.refresh = refresh
        self.answer_s = answer_s
        self.running: asyncio.Task[object] | None = None
        self.last_error: BaseException | None = None
        self.last_result: object = None
        self._bounded: weakref.WeakSet[asyncio.Task[object]] = weakref.WeakSet()

    async def _run(self, deadline_at: float | None) -> object:
        # Set here, in the task: it would otherwise inherit the policy of the command that
        # started it, and a background refresh must follow the 429 rule to the end.
        policy = RetryPolicy.background() if deadline_at is None else RetryPolicy(deadline_at)
        with retry_policy(policy):
            return await self.refresh(deadline_at)

    def _spawn(self, deadline_at: float | None) -> asyncio.Task[object]:
        task = asyncio.ensure_future(self._run(deadline_at))
        self.running = task
        if deadline_at is not None:
            self._bounded.add(task)
        task.add_done_callback(lambda done: self._finished(done, deadline_at is not None))
        return task

    def _finished(self, task: asyncio.Task[object], bounded: bool) -> None:
        if self.running is task:
            self.running = None
        if task.cancelled():
            return
        error = task.exception()
        self.last_error = error
        if error is None:
            self.last_result = task.result()
            return
        if bounded and isinstance(error, ApiError):
            # the answer could not wait; the index still needs the refresh
            self._spawn(None)
            return
        log.warning("device refresh failed: %s", error)

    def background(self) -> None:
        """Start a refresh without a deadline unless one is running."""
        if self.running is None:
            self._spawn(None)

    async def ensure(
        self, as_of: float | None, stale_after_s: float, *, force: bool = False
    ) -> Staleness | None:
        """Refresh when the state is older than `stale_after_s` (or always with `force`), within the
        answer budget. None: the state is fresh now; else why it is not and how old it is."""
        now = self.clock.now().timestamp()
        if not force and as_of is not None and now - as_of < stale_after_s:
            return None
        task = self.running or self._spawn(self.clock.monotonic() + self.answer_s)
        done, _ = await asyncio.wait({task}, timeout=self.answer_s + REAL_TIME_SLACK_S)
        if task in done and not task.cancelled() and task.exception() is None:
            return None
        error = task.exception() if task in done and not task.cancelled() else None
        if error is not None and not isinstance(error, ApiError):
            raise error  # the bot's own failure is not Amazon's: let the core report it
        # still running: the last failure (if any) says why it is taking long
        return Staleness(amazon_cause(error or self.last_error), as_of)

    async def wait_unbounded(self) -> object:
        """Run (or join) a refresh and wait for it to end, however long Amazon takes; raises its
        ApiError when it fails."""
        task = self.running or self._spawn(None)
        try:
            return await asyncio.shield(task)
        except ApiError:
            if task not in self._bounded:
                raise
        # a bounded attempt that failed hands over to a background one (its done-callback
        # starts it); join that one
        await asyncio.sleep(0)
        return await asyncio.shield(self.running or self._spawn(None))

    async def aclose(self) -> None:
        task = self.running
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        self.running = None
