"""One long-running bot (`bot serve`, `bot run`) per SQLite file.

SQLite is the embedded store of ONE process: two servers on one file would each keep their own
confirmations, order turns only among their own messages and run every scheduled job twice
(issue 18). The second one refuses to start, in one line, and says what to do instead. The lock is
the kernel's (flock on a file beside the database), so it is released when the process dies, even
by SIGKILL, and nothing stale is ever left to clean up.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from bot.settings import ConfigError


class ServeLock:
    """Held for the life of the server; `release()` (or the process ending) frees it."""

    def __init__(self, handle: IO[str] | None) -> None:
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".serve.lock")


def hold_single_server(db_path: Path, what: str = "bot serve") -> ServeLock:
    """Take the file's server lock, or raise ConfigError naming the process that holds it."""
    if str(db_path) == ":memory:":
        return ServeLock(None)
    path = lock_path(Path(db_path).expanduser())
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (held open while serving)
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise ConfigError(
            f"another bot server ({holder}) already runs on {db_path}; SQLite serves one process. "
            "Stop it first, or set BOT_DATABASE_URL=postgresql://... to run several replicas"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{what}, pid {os.getpid()}")
    handle.flush()
    return ServeLock(handle)
