"""The chat platforms `bot serve` knows: every package under bot/chat/ with a `platform` module
that defines `PLATFORM` (a ChatPlatform), plus any registered at run time (a plug-in, a test's stub).

A new platform is its package (with `platform.py`), its settings and its docs: serving, the digest
router and recovery's notices loop over `platforms()` and name none.
"""

from __future__ import annotations

import pkgutil
from importlib import import_module
from importlib.util import find_spec

from bot.chat.contract import ChannelPoster, ChatPlatform
from bot.core.shared.replies import Reply

_registered: dict[str, ChatPlatform] = {}


def register(platform: ChatPlatform) -> ChatPlatform:
    """Add a platform that lives outside bot/chat/ (replaces one of the same name)."""
    _registered[platform.name] = platform
    return platform


def unregister(name: str) -> None:
    _registered.pop(name, None)


def _discovered() -> list[ChatPlatform]:
    import bot.chat

    found: list[ChatPlatform] = []
    for package in sorted(pkgutil.iter_modules(bot.chat.__path__), key=lambda m: m.name):
        if not package.ispkg:
            continue
        name = f"bot.chat.{package.name}.platform"
        if find_spec(name) is None:
            continue
        platform: ChatPlatform = import_module(name).PLATFORM
        found.append(platform)
    return found


def platforms() -> list[ChatPlatform]:
    """Every known platform, those of bot/chat/ first (by package name), then registered ones."""
    known = {p.name: p for p in _discovered()}
    known.update(_registered)
    return list(known.values())


class ChannelRouter:
    """Posts to the platform a channel belongs to: the one whose prefix it carries ("teams:…",
    "19:…"), else the platform for bare channel ids (Slack's `C…`), or, when that one is not
    configured here and only one platform is, that one."""

    platform = "router"

    def __init__(
        self,
        posters: dict[str, ChannelPoster],
        known: list[ChatPlatform] | None = None,
    ) -> None:
        self.posters = posters
        self.known = known if known is not None else platforms()

    def platform_of(self, channel: str) -> ChatPlatform:
        for platform in self.known:
            if platform.channel_prefixes and channel.startswith(platform.channel_prefixes):
                return platform
        bare = [p for p in self.known if not p.channel_prefixes]
        if bare and bare[0].name in self.posters:
            return bare[0]
        configured = [p for p in self.known if p.name in self.posters]
        if len(configured) == 1:
            return configured[0]
        return bare[0] if bare else self.known[0]

    def _poster(self, channel: str) -> ChannelPoster | None:
        return self.posters.get(self.platform_of(channel).name)

    def refusal(self, site_name: str, channel: str) -> str | None:
        """One plain line when `channel` is on a platform this process cannot post to, else None."""
        if self._poster(channel) is not None:
            return None
        platform = self.platform_of(channel)
        return (
            f"{site_name}: its digest channel {channel} is on {platform.title}, which is not "
            f"configured here (set {platform.setup_hint}); nothing was posted or recorded."
        )

    def render(self, reply: Reply) -> object:
        return reply

    async def post_marked(self, channel: str, reply: Reply, marker: str) -> str:
        poster = self._required(channel, "the digest")
        marked = getattr(poster, "post_marked", None)
        if marked is not None:
            return str(await marked(channel, reply, marker))
        return str(await poster.post_to_channel(channel, reply))

    async def find_post(self, channel: str, marker: str, since: float | None) -> str | None:
        find = getattr(self._poster(channel), "find_post", None)
        if find is None:
            return None
        found = await find(channel, marker, since)
        return None if found is None else str(found)

    def _required(self, channel: str, what: str) -> ChannelPoster:
        poster = self._poster(channel)
        if poster is None:
            raise LookupError(self.refusal(what, channel))
        return poster

    async def post_to_channel(self, channel: str, reply: Reply) -> str:
        poster = self._required(channel, "the digest")
        return str(await poster.post_to_channel(channel, reply))

    async def update_in_channel(self, channel: str, message_id: str, reply: Reply) -> None:
        """Edit a post (an offline alert whose device recovered) on its channel's platform."""
        poster = self._required(channel, "the alert")
        await poster.update_in_channel(channel, message_id, reply)
