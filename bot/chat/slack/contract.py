"""What the Slack adapter needs from the conversation core (ARCHITECTURE.md, "Core").

The adapter is written against `Engine.handle(Message, progress) -> Reply` only, so tests can drive
it with a fake engine and the real one can change inside without the adapter noticing.
"""

from __future__ import annotations

from typing import Protocol

from bot.core.engine import Message, ProgressSink
from bot.core.replies import Reply

__all__ = ["ConversationEngine", "Message", "ProgressSink"]


class ConversationEngine(Protocol):
    async def handle(self, msg: Message, progress: ProgressSink | None = None) -> Reply: ...
