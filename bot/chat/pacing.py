"""How often a message may be edited in place: at most once per interval, the first post at once.

Slack rate-limits chat.update and Teams throttles activity updates; the engine already spaces its
progress reports, and this is the adapters' own guard. The final reply is never paced: it replaces
whatever progress was shown last.
"""

from __future__ import annotations

from bot.clock import Clock

MIN_EDIT_INTERVAL_S = 2.0


class EditPacer:
    def __init__(self, clock: Clock, interval: float = MIN_EDIT_INTERVAL_S) -> None:
        self._clock = clock
        self._interval = interval
        self._last: float | None = None
        self.skipped = 0

    def due(self) -> bool:
        """True when an edit may go out now (and counts it as sent); False counts a skip."""
        now = self._clock.monotonic()
        if self._last is not None and now - self._last < self._interval:
            self.skipped += 1
            return False
        self._last = now
        return True
