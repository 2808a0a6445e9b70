"""Slack, Teams and the console implement the one adapter contract of bot/chat/contract.py."""

from __future__ import annotations

from sqlite_utils import Database

from bot.chat.console import ConsoleAdapter, ConsoleResponder
from bot.chat.contract import ChatAdapter, Responder
from bot.chat.slack import SlackDigestPoster
from bot.chat.slack.responder import SlackResponder, Target
from bot.chat.teams import TeamsDigestPoster
from bot.chat.teams.agent import CardResponder
from bot.core.shared.replies import Reply


def test_every_platform_has_a_chat_adapter() -> None:
    """Each platform's proactive poster renders a Reply and posts to a channel, returning an id."""
    adapters: list[ChatAdapter] = [
        SlackDigestPoster.from_token("xoxb-test", api_url="http://127.0.0.1:9/api/"),
        TeamsDigestPoster(Database(memory=True), anonymous=True, env={}),
        ConsoleAdapter(),
    ]
    assert [a.platform for a in adapters] == ["slack", "teams", "console"]
    assert all(isinstance(a, ChatAdapter) for a in adapters)
    assert all(a.render(Reply(headline="Hello")) for a in adapters)


def test_every_platform_has_a_responder() -> None:
    """The per-request answerers share progress() and final()."""
    responders: list[type[Responder]] = [SlackResponder, CardResponder, ConsoleResponder]
    assert all(hasattr(r, "progress") and hasattr(r, "final") for r in responders)
    assert isinstance(ConsoleResponder(print), Responder)
    assert Target("dm", channel="D1", user="U1").surface == "dm"


async def test_console_adapter_posts_and_numbers_its_posts() -> None:
    """The console prints the channel and the reply; each post gets its own id."""
    lines: list[str] = []
    console = ConsoleAdapter(lines.append)
    first = await console.post_to_channel("ops", Reply(headline="Digest"))
    second = await console.post_to_channel("ops", Reply(headline="Digest"))
    assert (first, second) == ("console-1", "console-2")
    assert lines[0].startswith("--> ops") and "Digest" in lines[0]
