"""What the Slack adapter needs from the conversation core (ARCHITECTURE.md, "Core").

The adapter is written against `Engine.handle(Message, progress) -> Reply` only, so tests can drive it with a
fake engine and the real one can change inside without the adapter noticing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.core.replies import Reply

try:
    from bot.core.engine import Message, ProgressSink
except (
    ModuleNotFoundError
):  # pragma: no cover - only until the core lands (it is written in parallel)
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Message:  # type: ignore[no-redef]
        """Stand-in with exactly the fields ARCHITECTURE.md gives the core's Message."""

        text: str
        user: str
        channel: str | None
        platform: str
        thread: str | None = None
        request_id: str | None = None

    ProgressSink = Callable[[Reply], Awaitable[None]]  # type: ignore[misc]

__all__ = ["ConversationEngine", "Message", "ProgressSink", "ReplySink"]

ReplySink = Callable[[Reply], Awaitable[None]]


class ConversationEngine(Protocol):
    async def handle(self, msg: Message, progress: ProgressSink | None = None) -> Reply: ...
