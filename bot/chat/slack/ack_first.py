"""Slack's ack-then-work under a burst: every request of the burst is acknowledged before the work
of any starts, and the work starts in the order the requests arrived.

One event loop serves both: once a request is answered, its Bolt dispatch (parsing, middleware, the
listener, the engine) is ready to run, and asyncio runs every ready task before it reads the next
request from a socket. Under 200 commands at once the last acks waited behind the first ones' work.
The work waits instead, until no request has been acknowledged for `AckFirst.QUIET_S`, and never
longer than `AckFirst.MAX_WAIT_S`: Slack needs the ack within 3 s, while the work's first post has
no such deadline. bench/slack_ack.py measures it (`--work-right-away` turns the wait off).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine

Work = Callable[[], Coroutine[object, object, None]]


class AckFirst:
    """Tells the work when the acks have gone quiet."""

    QUIET_S = 0.005
    MAX_WAIT_S = 0.5

    def __init__(
        self,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._now, self._sleep = now, sleep
        self._last_ack = -float("inf")

    def acked(self) -> None:
        self._last_ack = self._now()

    async def quiet(self) -> None:
        """Return once no request has been acknowledged for `QUIET_S` (or after `MAX_WAIT_S`)."""
        start = self._now()
        while True:
            now = self._now()
            idle = now - self._last_ack
            if idle >= self.QUIET_S or now - start >= self.MAX_WAIT_S:
                return
            seen = self._last_ack
            await self._sleep(min(self.QUIET_S - idle, self.MAX_WAIT_S - (now - start)))
            if self._last_ack == seen:  # nothing acknowledged meanwhile: quiet
                return


class AckedInOrder:
    """The work of acknowledged requests, started in the order they arrived (a command and the
    `undo` right after it reach the engine in turn) once the acks have gone quiet."""

    def __init__(self, gate: AckFirst | None = None) -> None:
        self._gate = gate or AckFirst()
        self._arrived: asyncio.Queue[Work] = asyncio.Queue()
        self._running: set[asyncio.Task[None]] = set()

    def acked(self, work: Work) -> None:
        """Called on the ack path, after the answer is decided: nothing runs yet."""
        self._gate.acked()
        self._arrived.put_nowait(work)

    async def _pump(self) -> None:
        while True:
            work = await self._arrived.get()
            await self._gate.quiet()
            task = asyncio.create_task(work())
            self._running.add(task)  # keep a reference until it is done
            task.add_done_callback(self._running.discard)

    @contextlib.asynccontextmanager
    async def pumping(self) -> AsyncIterator[None]:
        """Start the work as it comes, for the life of the web application."""
        pump = asyncio.create_task(self._pump())
        try:
            yield
        finally:
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump
