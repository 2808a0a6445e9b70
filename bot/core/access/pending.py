"""Confirmations that wait for a yes or no: who asked, what will run, and when the question expires."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.core.shared.asked import asked_order
from bot.core.shared.replies import Reply


@dataclass
class Pending:
    token: str
    user: str
    channel: str | None
    summary: str
    run: Callable[[], Awaitable[Reply]]
    expires: datetime
    text: str = ""
    command: str = ""
    extra: dict[str, object] = field(default_factory=dict)
    # the request's context, so the run it parks can carry the delivery id and progress of the
    # message that confirms it (a derived run has its own idempotency key)
    owner: object = None  # the engine's Ctx of the request (bot/core/conversation/engine.py)
    # the rooms it would write and the last audit entry when it was asked: a change to any of
    # them settled since means the answer was given to a question about rooms as they were (a
    # whole property or room type is its mark, "property:<id>" / "room_type:<id>", not its ids)
    units: tuple[str, ...] = ()
    asked_after: int = 0
    order: int = field(default_factory=asked_order)
    # a newer question of the same user in the same conversation: a typed yes/no answers that
    # one; this one's card buttons (which name its token) still answer it
    superseded: bool = False

    @property
    def as_asked(self) -> str:
        """The request as the user typed it, quoted; else what the question said."""
        return f"\u201c{self.text}\u201d" if self.text else self.summary


SETTLED_KEPT = 10_000  # settled tokens remembered for a second press (a few hundred KB at most)


class PendingStore:
    """In memory by design: a confirmation does not survive a restart (the user is told it expired).

    Several may wait for the same person at once: each has its token, which buttons name. A newer
    one in the same conversation supersedes the older for a typed `yes`/`no`; a bare `yes` with
    more than one still open (e.g. in several conversations) is asked which."""

    def __init__(self) -> None:
        self._by_token: dict[str, Pending] = {}
        self._settled: dict[str, str] = {}  # token -> how it ended, oldest first

    def add(
        self,
        *,
        user: str,
        channel: str | None,
        summary: str,
        run: Callable[[], Awaitable[Reply]],
        now: datetime,
        ttl: timedelta,
        text: str,
        command: str,
        owner: object = None,
        units: tuple[str, ...] = (),
        asked_after: int = 0,
    ) -> Pending:
        token = secrets.token_hex(4)
        while token in self._by_token:
            token = secrets.token_hex(4)
        pending = Pending(
            token, user, channel, summary, run, now + ttl, text, command, owner=owner,
            units=units, asked_after=asked_after,
        )  # fmt: skip
        self._by_token[token] = pending
        return pending

    def get(self, token: str) -> Pending | None:
        return self._by_token.get(token)

    def latest_for(self, user: str, channel: str | None) -> Pending | None:
        mine = self.waiting_for(user, channel)
        return max(mine, key=lambda p: p.expires) if mine else None

    def waiting_for(self, user: str, channel: str | None) -> list[Pending]:
        """The user's questions in this conversation (else anywhere), oldest first."""
        mine = [p for p in self._by_token.values() if p.user == user and p.channel == channel]
        if not mine:
            mine = [p for p in self._by_token.values() if p.user == user]
        return sorted(mine, key=lambda p: p.expires)

    def supersede(self, user: str, channel: str | None, now: datetime) -> list[Pending]:
        """Mark the user's open questions in this conversation as answered only by their buttons
        (a newer one is being asked); the ones marked, oldest first."""
        older = [
            p
            for p in self._by_token.values()
            if p.user == user and p.channel == channel and not p.superseded and p.expires > now
        ]
        for pending in older:
            pending.superseded = True
        return sorted(older, key=lambda p: p.expires)

    def waiting_in(self, channel: str | None) -> list[Pending]:
        """Everyone's questions in this conversation, oldest first (an admin may answer some)."""
        here = [p for p in self._by_token.values() if p.channel == channel]
        return sorted(here, key=lambda p: p.expires)

    def pop(self, token: str, *, settled: str | None = None) -> Pending | None:
        """Take a confirmation off the list; `settled` ("confirmed", "cancelled", "expired") is
        remembered so a second press of its card is answered with what happened to it."""
        pending = self._by_token.pop(token, None)
        if pending is not None and settled is not None:
            self._settled[token] = settled
            while len(self._settled) > SETTLED_KEPT:
                del self._settled[next(iter(self._settled))]
        return pending

    def settled_note(self, token: str) -> str:
        """What to tell someone who presses a card whose question is no longer open."""
        how = self._settled.get(token)
        if how == "confirmed":
            return "That was already confirmed; the card shows the result. Nothing more was done."
        if how == "cancelled":
            return "That request was already cancelled. Nothing was changed."
        if how == "expired":
            return "That request had expired; nothing was changed. Send it again."
        return (
            "That card's question is no longer open (answered, expired, or asked before the bot "
            "restarted). Nothing was done; send the request again if you still need it."
        )

    def purge(self, now: datetime) -> int:
        """Drop the confirmations past their expiry (bot/core/changes/housekeeping.py calls it)."""
        expired = [t for t, p in self._by_token.items() if p.expires <= now]
        for token in expired:
            del self._by_token[token]
        return len(expired)
