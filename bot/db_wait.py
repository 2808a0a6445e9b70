"""Waiting out a locked database instead of dying of it (issue 20).

Another process (a cron `bot sync`, a second `bot serve`, an operator's `sqlite3` shell) may hold
the database file's write lock for longer than SQLite's busy timeout (5 s). A write that meets it
raises "database is locked"; at start-up, or in a job that can simply run again, `wait_out_locks`
runs the work again with doubling waits (0.5 s up to 30 s), for as long as the lock lasts, saying
"waiting for the database" in the log and, through `on_wait`, on /healthz. Writes that must not be
repeated as a whole (the change journal, the rotated LWA token) retry their own single write the
same way (bot/core/ledger/journal.py, bot/token_store.py).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.clock import Clock

log = logging.getLogger("bot.database")

WAITING = "waiting for the database"
T = TypeVar("T")


def is_locked(error: BaseException) -> bool:
    """Whether SQLite refused because another connection holds the file locked."""
    text = str(error).lower()
    return isinstance(error, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


async def wait_out_locks(
    work: Callable[[], Awaitable[T]],
    *,
    clock: Clock,
    what: str,
    on_wait: Callable[[str | None], None] = lambda _: None,
    first_s: float = 0.5,
    cap_s: float = 30.0,
) -> T:
    """`work()`, run again while the database is locked; `on_wait` hears why, then None."""
    delay, waited = first_s, False
    while True:
        try:
            result = await work()
        except sqlite3.OperationalError as error:
            if not is_locked(error):
                raise
            waited = True
            reason = f"{WAITING} (another process holds it locked; {what})"
            on_wait(reason)
            log.warning("%s; trying again in %.1f s", reason, delay)
            await clock.sleep(delay)
            delay = min(delay * 2, cap_s)
            continue
        if waited:
            log.warning("the database is free again; %s done", what)
            on_wait(None)
        return result
