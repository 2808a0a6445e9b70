"""What the Slack adapter needs from the conversation core: the shared contract of bot/chat/contract.py."""

from __future__ import annotations

from bot.chat.contract import ConversationEngine, Message, ProgressSink

__all__ = ["ConversationEngine", "Message", "ProgressSink"]
