"""Posting the nightly health digest to a Slack channel (the scheduler calls it)."""

from __future__ import annotations

import os

from slack_sdk.web.async_client import AsyncWebClient

from bot.chat.slack.blocks import render_reply
from bot.chat.slack.files import upload_extras
from bot.chat.slack.tokens import api_base_url
from bot.core.replies import Reply


class SlackDigestPoster:
    """Posts a digest Reply as Block Kit, then its chart (and any overflow list) as files."""

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    @classmethod
    def from_token(cls, bot_token: str, api_url: str | None = None) -> SlackDigestPoster:
        base_url = api_base_url(api_url or os.environ.get("SLACK_API_URL"))
        return cls(AsyncWebClient(token=bot_token, base_url=base_url))

    async def post_digest(self, channel: str, reply: Reply) -> None:
        msg = render_reply(reply)
        resp = await self._client.chat_postMessage(
            channel=channel, text=msg.text, blocks=msg.blocks
        )
        # The chart goes to the channel itself, right under the digest, where people see it without
        # opening a thread.
        await upload_extras(self._client, str(resp["channel"]), None, msg, reply)
