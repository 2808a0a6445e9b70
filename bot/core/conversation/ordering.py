"""Arrival order and clean input at the engine's door.

`ConversationOrder` hands out one turn at a time per (platform, user, conversation): asyncio locks
are first-come first-served, so messages that reach `Engine.handle` in arrival order are handled in
that order, while other people and other conversations go on in parallel.
`valid_utf8` replaces what cannot be stored (lone surrogates from undecodable bytes) so that no
message fails after Amazon applied its change, when it is written to the audit log.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

from bot.core.access.context import Message


class ConversationOrder:
    def __init__(self) -> None:
        self._locks: dict[tuple[str, str, str | None], asyncio.Lock] = {}
        self._users: dict[tuple[str, str, str | None], int] = {}

    @asynccontextmanager
    async def turn(self, platform: str, user: str, channel: str | None) -> AsyncIterator[None]:
        key = (platform, user, channel)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if not self._users[key]:  # nobody waits: forget the lock, so the map stays small
                del self._users[key]
                del self._locks[key]

    def __len__(self) -> int:
        return len(self._locks)


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    return text.encode("utf-8", "replace").decode("utf-8")


def valid_utf8(msg: Message) -> Message:
    """The message with every field valid UTF-8 (undecodable parts become "?")."""
    fields = ("text", "user", "channel", "thread", "request_id")
    cleaned = {name: _clean(getattr(msg, name)) for name in fields}
    if all(cleaned[name] == getattr(msg, name) for name in fields):
        return msg
    return replace(msg, **cleaned)  # type: ignore[arg-type]
