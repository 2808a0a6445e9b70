"""FakeChat, a stub ChatPlatform: POST /fakechat/messages with {"user", "channel", "text"} is
acknowledged at once (202) and answered afterwards, into `sent` (what a real platform would post back
to the user); its poster posts digests and notices into `posted`. Channels are `fakechat:<name>`.

Enabled by FAKECHAT_TOKEN in the environment or .env. `gate` holds the work back (tests open it), so a
test sees the acknowledgement come before any work: the ack-then-work rule of ChatPlatform.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aiohttp import web

from bot.chat.contract import AcknowledgeThenWork, ChannelPoster, Message, ServeOptions
from bot.core.shared.replies import Reply
from bot.settings import ConfigError

if TYPE_CHECKING:
    from bot.doctor import Check
    from bot.runtime import Runtime

MESSAGES_PATH = "/fakechat/messages"
TOKEN = "FAKECHAT_TOKEN"


@dataclass
class FakePoster:
    platform: str = "fakechat"
    posted: list[tuple[str, Reply]] = field(default_factory=list)

    def render(self, reply: Reply) -> object:
        return reply.headline

    async def post_to_channel(self, channel: str, reply: Reply) -> str:
        self.posted.append((channel, reply))
        return f"fakechat-{len(self.posted)}"

    async def update_in_channel(self, channel: str, message_id: str, reply: Reply) -> None:
        self.posted.append((channel, reply))


@dataclass
class FakeChat:
    name: str = "fakechat"
    title: str = "FakeChat"
    channel_prefixes: tuple[str, ...] = ("fakechat:",)
    setup_hint: str = TOKEN
    serve_hint: str = f"{TOKEN} for FakeChat"
    sent: list[tuple[str, Reply]] = field(default_factory=list)
    outbox: FakePoster = field(default_factory=FakePoster)
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    work: AcknowledgeThenWork = field(default_factory=AcknowledgeThenWork)

    def enabled(self, options: ServeOptions) -> bool:
        return bool(options.env.get(TOKEN))

    def can_post(self, options: ServeOptions) -> bool:
        return self.enabled(options)

    def check(self, options: ServeOptions) -> None:
        if options.env.get(TOKEN, "").strip() != options.env.get(TOKEN, ""):
            raise ConfigError(f"{TOKEN} has spaces around it")

    def mount(self, app: web.Application, runtime: Runtime, options: ServeOptions) -> str:
        engine = runtime.engine

        async def answer(message: Message) -> None:
            await self.gate.wait()
            reply = await engine.handle(message)
            self.sent.append((message.channel or "", reply))

        async def messages(request: web.Request) -> web.Response:
            body = await request.json()
            message = Message(
                text=str(body["text"]),
                user=str(body["user"]),
                channel=str(body["channel"]),
                platform=self.name,
            )
            self.work.start(answer(message))
            return web.Response(status=202)

        app.router.add_post(MESSAGES_PATH, messages)
        return f"{self.title}: {MESSAGES_PATH}"

    def poster(self, runtime: Runtime, options: ServeOptions) -> ChannelPoster:
        return self.outbox

    async def startup_checks(self, runtime: Runtime) -> list[Check]:
        return []

    def dev_banner(self, port: int) -> str | None:
        return None


PLATFORM = FakeChat()
