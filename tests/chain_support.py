"""A kill and a restart inside one test process, for the undo/retry chain tests.

`say_killed` sends one message and kills its run when the bot is about to send its station write
number `writes + 1` (or read number `reads + 1`): the task handling the message is cancelled there,
as a `kill -9` would stop it, so rows stay pending or queued and the change stays "running".
`restart` is what the next process does at start: nothing of the dead one is active any more, its
confirmations are gone, and recovery settles what it left.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.core.access.context import Message
from bot.core.access.pending import PendingStore
from bot.core.changes.recovery import RecoveryReport, recover
from bot.core.shared.replies import Reply
from bot.runtime import Runtime


class _Killed(Exception):
    pass


async def say_killed(
    runtime: Runtime,
    text: str,
    *,
    user: str = "alice",
    channel: str | None = None,
    writes: int | None = None,
    reads: int | None = None,
    answered: int | None = None,
) -> Reply | None:
    """Send `text`; kill the run before its write number `writes + 1` (or read `reads + 1`), or
    right after the answer to write number `answered` arrived (applied, not yet recorded).
    Returns the reply when the run ended before the kill point (nothing was killed)."""
    asp: Any = runtime.services.asp
    counts = {"writes": 0, "reads": 0}
    task: asyncio.Task[Reply] | None = None
    set_station, get_station = asp.set_default_station, asp.get_default_station

    def due(kind: str, limit: int | None) -> bool:
        if limit is not None and counts[kind] >= limit and task is not None:
            task.cancel()
            return True
        counts[kind] += 1
        return False

    async def write(*args: Any, **kwargs: Any) -> Any:
        if due("writes", writes):
            raise asyncio.CancelledError
        result = await set_station(*args, **kwargs)
        if answered is not None and counts["writes"] == answered and task is not None:
            task.cancel()
            raise asyncio.CancelledError
        return result

    async def read(*args: Any, **kwargs: Any) -> Any:
        if due("reads", reads):
            raise asyncio.CancelledError
        return await get_station(*args, **kwargs)

    asp.set_default_station, asp.get_default_station = write, read
    try:
        task = asyncio.ensure_future(
            runtime.engine.handle(
                Message(text=text, user=user, channel=channel, platform="console")
            )
        )
        try:
            return await task
        except asyncio.CancelledError:
            if asyncio.current_task() is not None and asyncio.current_task().cancelling():  # type: ignore[union-attr]
                raise
            return None
    finally:
        del asp.set_default_station, asp.get_default_station


async def restart(runtime: Runtime) -> RecoveryReport:
    """What a new process finds: no change active, no confirmation waiting; recovery runs."""
    services = runtime.services
    services.active_changes.clear()
    services.pending = PendingStore()
    return await recover(services)
