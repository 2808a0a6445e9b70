"""Files that go with a message: the rest of a list too long for blocks, and charts."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.chat.slack.blocks import SlackMessage
from bot.core.shared.replies import Reply


async def upload_extras(
    client: AsyncWebClient, channel: str, thread_ts: str | None, msg: SlackMessage, reply: Reply
) -> None:
    """Upload the overflow text and each attachment of `reply` to `channel` (in `thread_ts` if
    given).
    """
    if msg.overflow is not None:
        await client.files_upload_v2(
            channel=channel,
            thread_ts=thread_ts,
            content=msg.overflow,
            filename=msg.overflow_filename,
            title="Full list",
        )
    for att in reply.attachments:
        await client.files_upload_v2(
            channel=channel,
            thread_ts=thread_ts,
            file=att.data,
            filename=att.filename,
            title=att.title or att.filename,
        )
