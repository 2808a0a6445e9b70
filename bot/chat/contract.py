"""The one contract between the conversation core and a chat platform (Slack, Teams, the console).

The core gives an adapter Replies; an adapter gives the core Messages. What an adapter must do with
Replies is split in two, because Slack and Teams answer a request inside that request's context but
post digests from no request at all:

- a `Responder` answers one request: `progress` posts a message and then edits it in place (at most
  one edit per 2 s, see bot/chat/pacing.py); `final` posts the answer, or turns the progress message
  into it.
- a `ChatAdapter` renders a Reply in the platform's format and posts proactively into a channel,
  returning the platform's id of the post (Slack `ts`, Teams activity id) or raising. The digest
  outbox (bot/health/posting.py) counts a digest as sent only on that id; it states the same
  method as its own Protocol, so device health never imports chat code.

Implementations: bot/chat/slack (SlackResponder, SlackDigestPoster), bot/chat/teams (CardResponder,
TeamsDigestPoster), bot/chat/console.py (ConsoleResponder, ConsoleAdapter).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.core.context import Message, ProgressSink
from bot.core.replies import Reply

__all__ = ["ChatAdapter", "ConversationEngine", "Message", "ProgressSink", "Responder"]


class ConversationEngine(Protocol):
    """What adapters need from the core: `Engine.handle` (tests drive adapters with fakes)."""

    async def handle(self, msg: Message, progress: ProgressSink | None = None) -> Reply: ...


@runtime_checkable
class Responder(Protocol):
    """The answers to one request; `progress` is the engine's ProgressSink."""

    async def progress(self, reply: Reply) -> None: ...

    async def final(self, reply: Reply) -> None: ...


@runtime_checkable
class ChatAdapter(Protocol):
    platform: str

    def render(self, reply: Reply) -> object:
        """The platform's form of a Reply (Block Kit message, Adaptive Card, text)."""
        ...

    async def post_to_channel(self, channel: str, reply: Reply) -> str:
        """Post into `channel` unprompted; the platform's id of the post, or raise."""
        ...
