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

A `ChatPlatform` is how a platform plugs into `bot serve` (bot/serving.py loops over them, naming
none): whether it is configured, its routes on the shared web application, its channel poster, and
which channel names are its own. A platform's package holds a `platform` module with a `PLATFORM`
(found by bot/chat/platforms.py); nothing else names it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from bot.core.access.context import Message, ProgressSink
from bot.core.shared.replies import Reply

if TYPE_CHECKING:
    from aiohttp import web

    from bot.doctor import Check
    from bot.runtime import Runtime
    from bot.settings import Settings

__all__ = [
    "AcknowledgeThenWork",
    "ChannelPoster",
    "ChatAdapter",
    "ChatPlatform",
    "ConversationEngine",
    "Message",
    "ProgressSink",
    "Responder",
    "ServeOptions",
]


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


@runtime_checkable
class ChannelPoster(ChatAdapter, Protocol):
    """A ChatAdapter that can also edit its own post (an offline alert marked recovered). Optional,
    looked up when present: `post_marked(channel, reply, marker)` and `find_post(channel, marker,
    since)` (a digest's marker, so a retried post is not a second one)."""

    async def update_in_channel(self, channel: str, message_id: str, reply: Reply) -> None: ...


@dataclass(frozen=True)
class ServeOptions:
    """What `bot serve` knows before the runtime exists: the settings, the environment with .env
    (some SDKs read their own names there), the host, and developer mode (`--teams-dev`: a platform
    may accept unauthenticated requests, on loopback only)."""

    settings: Settings
    env: Mapping[str, str] = field(default_factory=dict)
    host: str = "127.0.0.1"
    dev: bool = False


class ChatPlatform(Protocol):
    """One chat platform as `bot serve` and `bot digest --post` see it.

    The ack-then-work rule: a route `mount` adds answers the platform's request at once (2xx within
    its limit: Slack 3 s, Teams 15 s) and runs the engine's work after it (AcknowledgeThenWork); the
    answer reaches the user through the platform's Responder, never through the request's body.
    """

    name: str  # Message.platform and the key of its poster ("slack")
    title: str  # said to people ("Slack")
    # channel names that are this platform's ("teams:", "19:"); the platform with none takes bare ids
    channel_prefixes: tuple[str, ...]
    setup_hint: str  # what to set to enable it, said when a channel is on it but it is off
    serve_hint: str  # what to set to serve it, said when `bot serve` finds no platform configured

    def enabled(self, options: ServeOptions) -> bool:
        """Configured here (its credentials are set), so `bot serve` mounts it."""
        ...

    def can_post(self, options: ServeOptions) -> bool:
        """Its poster works here (`bot digest --post` posts through it)."""
        ...

    def check(self, options: ServeOptions) -> None:
        """Raise ConfigError on settings that cannot work, before anything connects."""
        ...

    def mount(self, app: web.Application, runtime: Runtime, options: ServeOptions) -> str:
        """Add its routes to the shared application; returns them as said at start-up
        ("Slack: /slack/events")."""
        ...

    def poster(self, runtime: Runtime, options: ServeOptions) -> ChannelPoster:
        """Its poster for digests, alerts and notices (channel ids of this platform)."""
        ...

    async def startup_checks(self, runtime: Runtime) -> list[Check]:
        """`bot doctor`'s checks of its credentials, run before `bot serve` says it serves."""
        ...

    def dev_banner(self, port: int) -> str | None:
        """What developer mode means for it and how to try it (printed once serving), or None."""
        ...


class AcknowledgeThenWork:
    """The ack-then-work rule in one place: `start(work)` runs the work in the background (a
    reference kept until it ends, so it is not collected mid-way) and returns at once, so the route
    can answer the platform's request before the engine has done anything."""

    def __init__(self) -> None:
        self._running: set[asyncio.Task[object]] = set()

    def start(self, work: Coroutine[object, object, object]) -> asyncio.Task[object]:
        task = asyncio.create_task(work)
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return task

    async def drain(self) -> None:
        """Wait for the work started so far (at shutdown, and in tests)."""
        while self._running:
            await asyncio.gather(*list(self._running), return_exceptions=True)
