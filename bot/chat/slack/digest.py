"""Posting the nightly health digest to a Slack channel (the scheduler calls it)."""

from __future__ import annotations

import logging
import os

from slack_sdk.web.async_client import AsyncWebClient

from bot.chat.slack.blocks import SlackMessage, render_reply
from bot.chat.slack.files import upload_extras
from bot.chat.slack.tokens import api_base_url
from bot.core.shared.replies import Reply

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
        return await self.post_marked(channel, reply, None)

    async def post_marked(self, channel: str, reply: Reply, marker: str | None) -> str:
        """`post_to_channel` with the digest's marker in the message metadata, so that a retry
        after a lost answer finds the post (`find_post`) instead of posting it twice."""
        msg = render_reply(reply)
        metadata = (
            {"event_type": DIGEST_EVENT, "event_payload": {"marker": marker}} if marker else None
        )
        resp = await self._client.chat_postMessage(
            channel=channel, text=msg.text, blocks=msg.blocks, metadata=metadata
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

    async def post_in_thread(self, channel: str, thread: str, reply: Reply) -> str:
        """Reply in the thread `thread` (its first message's ts) of `channel`, also sent to the
        channel (`reply_broadcast`) so it is seen there and linked to its thread: the notice of a
        change made in that thread."""
        msg = render_reply(reply, can_attach=False)
        resp = await self._client.chat_postMessage(
            channel=channel, thread_ts=thread, reply_broadcast=not channel.startswith("D"),
            text=msg.text, blocks=msg.blocks,
        )  # fmt: skip
        return str(resp.get("ts") or "")

    async def update_in_channel(self, channel: str, message_id: str, reply: Reply) -> None:
        """Replace the message `message_id` (its ts) in `channel` (an alert marked recovered)."""
        msg = render_reply(reply)
        await self._client.chat_update(
            channel=channel, ts=message_id, text=msg.text, blocks=msg.blocks
        )

    async def find_post(self, channel: str, marker: str, since: float | None) -> str | None:
        """The `ts` of a message in `channel` carrying `marker` (posted since `since`), if any."""
        cursor: str | None = None
        for _ in range(10):  # at most 10 pages of 200 messages: a digest is recent
            resp = await self._client.conversations_history(
                channel=channel,
                oldest=f"{since:.6f}" if since else "0",
                include_all_metadata=True,
                limit=200,
                cursor=cursor,
            )
            for message in resp.get("messages") or []:
                payload = (message.get("metadata") or {}).get("event_payload") or {}
                if payload.get("marker") == marker:
                    return str(message.get("ts"))
            cursor = (resp.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None
        return None


DIGEST_EVENT = "hotel_bot_digest"
