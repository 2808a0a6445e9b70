"""Posting the nightly health digest to a Slack channel (the scheduler calls it)."""

from __future__ import annotations

import logging
import os

from slack_sdk.web.async_client import AsyncWebClient

from bot.chat.slack.blocks import SlackMessage, render_reply
from bot.chat.slack.files import upload_extras
from bot.chat.slack.tokens import api_base_url
from bot.core.replies import Reply

log = logging.getLogger(__name__)


class SlackDigestPoster:
    """Posts a digest Reply as Block Kit, then its chart (and any overflow list) as files."""

    platform = "slack"

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    @classmethod
    def from_token(cls, bot_token: str, api_url: str | None = None) -> SlackDigestPoster:
        base_url = api_base_url(api_url or os.environ.get("SLACK_API_URL"))
        return cls(AsyncWebClient(token=bot_token, base_url=base_url))

    def render(self, reply: Reply) -> SlackMessage:
        return render_reply(reply)

    async def post_to_channel(self, channel: str, reply: Reply) -> str:
        """Post into `channel`; the message's `ts` once Slack accepted it (SlackApiError if not).

        The files that follow (the chart) are a courtesy: the digest counts as sent on the `ts`,
        and a failed upload is logged, never a reason to post the digest again.
        """
        msg = render_reply(reply)
        resp = await self._client.chat_postMessage(
            channel=channel, text=msg.text, blocks=msg.blocks
        )
        ts = str(resp.get("ts") or "")
        if not ts:
            raise RuntimeError(f"Slack accepted the digest for {channel} but returned no ts")
        try:
            # The chart goes to the channel itself, right under the digest, where people see it
            # without opening a thread.
            await upload_extras(self._client, str(resp["channel"]), None, msg, reply)
        except Exception:
            log.warning("the digest went to %s but its chart did not", channel, exc_info=True)
        return ts

    async def update_in_channel(self, channel: str, message_id: str, reply: Reply) -> None:
        """Replace the message `message_id` (its ts) in `channel` (an alert marked recovered)."""
        msg = render_reply(reply)
        await self._client.chat_update(
            channel=channel, ts=message_id, text=msg.text, blocks=msg.blocks
        )
