"""The whole list as a CSV file in a Teams personal chat: Teams' file consent flow.

A bot cannot attach a file to a Teams message; in a personal chat it may ask to save one in the
user's OneDrive. So a read-only answer longer than one card, in a personal chat, comes with a file
consent card (`alexa-full-list.csv` and its size) under its first page:

- "Allow" sends a `fileConsent/invoke` (action "accept") with an upload URL and the file's OneDrive
  address. The bot asks the question again as the presser (the consent card carries the query,
  never the rows: it works after a restart, and the presser's role and grants are checked as for a
  typed question), PUTs the CSV to the upload URL, posts a file info card (Teams shows it as the
  file) and turns the consent card into a line saying the file is below, so it cannot be pressed
  again.
- "Decline" turns the consent card into "No file was sent".

Channels and group chats keep paging: Teams offers file consent in personal chats only. The models
are the Agents SDK's (`microsoft_agents.activity.teams`); the invoke is routed by its name.
"""

from __future__ import annotations

import logging
from typing import Final, Protocol

import aiohttp
from microsoft_agents.activity import Activity, ActivityTypes, InvokeResponse
from microsoft_agents.activity import Attachment as ActivityAttachment
from microsoft_agents.activity.teams import (
    FileConsentCard,
    FileConsentCardResponse,
    FileInfoCard,
    FileUploadInfo,
)
from microsoft_agents.hosting.core import TurnContext, TurnState
from pydantic import ValidationError

from bot.chat.contract import ConversationEngine
from bot.chat.tables import CSV_FILENAME, table_csv
from bot.chat.teams.cards import KIND_KEY, card_attachment, render_card
from bot.chat.teams.proactive import new_message
from bot.core.access.context import Message
from bot.core.shared.replies import ActionKind, Reply, ReplyKind

log = logging.getLogger(__name__)

CONSENT_CONTENT_TYPE: Final = "application/vnd.microsoft.teams.card.file.consent"
INFO_CONTENT_TYPE: Final = "application/vnd.microsoft.teams.card.file.info"
FILE_CONSENT_INVOKE: Final = "fileConsent/invoke"
QUERY_KEY: Final = "query"
UPLOAD_TIMEOUT_S: Final = 60.0
SENT: Final = f"The whole list is below as {CSV_FILENAME}, saved in your OneDrive."
DECLINED: Final = "No file was sent; the list stays above, a page at a time."
UPLOAD_FAILED: Final = (
    "Teams did not take the file, so nothing was sent; the list is above, a page at a time. "
    "Ask the question again for a new file."
)


class MessageOf(Protocol):
    """bot/chat/teams/agent.py `message_of`: the engine Message of what was said or pressed."""

    def __call__(
        self, activity: Activity, text: str, card: str | None = None, *, pressed: bool = False
    ) -> Message: ...


def personal(activity: Activity) -> bool:
    conversation = activity.conversation
    return conversation is not None and conversation.conversation_type == "personal"


def _is_paged(reply: Reply) -> bool:
    """Whether the reply's card shows only a page of its table (it has "Show more")."""
    actions = render_card(reply).get("actions", [])
    return any(a.get("data", {}).get(KIND_KEY) == ActionKind.MORE.value for a in actions)


def file_offer(reply: Reply, activity: Activity) -> Activity | None:
    """The consent card offering the whole table of a long read-only answer as a CSV file, in a
    personal chat; None elsewhere, or when the answer fits one card."""
    if not personal(activity) or reply.stale or reply.silent or reply.kind is not ReplyKind.INFO:
        return None
    table, query = reply.table, reply.query
    if table is None or query is None or not _is_paged(reply):
        return None
    size = len(table_csv(table).encode("utf-8"))
    context = {QUERY_KEY: query}
    card = FileConsentCard(
        description=f"The whole list ({len(table.rows)} rows) as a CSV file",
        size_in_bytes=size,
        accept_context=context,
        decline_context=context,
    )
    attachment = ActivityAttachment(
        content_type=CONSENT_CONTENT_TYPE,
        name=CSV_FILENAME,
        content=card.model_dump(mode="json", by_alias=True, exclude_none=True),
    )
    return new_message(summary=f"{CSV_FILENAME} for you", attachments=[attachment])


def _note(text: str, kind: ReplyKind = ReplyKind.INFO, activity_id: str | None = None) -> Activity:
    reply = Reply(headline=text, kind=kind)
    return new_message(id=activity_id, summary=text, attachments=[card_attachment(reply)])


class FileConsent:
    """The `fileConsent/invoke` handler (bot/chat/teams/agent.py registers it). `plain_http`
    allows an http upload URL (a local emulator or test); Teams' own are https."""

    def __init__(
        self,
        engine: ConversationEngine,
        message_of: MessageOf,
        *,
        plain_http: bool = False,
        timeout_s: float = UPLOAD_TIMEOUT_S,
    ) -> None:
        self._engine = engine
        self._message_of = message_of
        self._plain_http = plain_http
        self._timeout_s = timeout_s

    async def __call__(self, context: TurnContext, _state: TurnState) -> None:
        status = 200
        try:
            status = await self._answer(context)
        except Exception:
            log.exception("the Teams file consent %s failed", context.activity.id)
            await context.send_activity(
                _note("Something went wrong sending the file; nothing was sent.", ReplyKind.ERROR)
            )
        finally:
            # Teams waits for the invoke's answer: always given, a failure told in the chat
            await context.send_activity(
                Activity(type=ActivityTypes.invoke_response, value=InvokeResponse(status=status))
            )

    async def _answer(self, context: TurnContext) -> int:
        activity = context.activity
        value = activity.value if isinstance(activity.value, dict) else {}
        try:
            # a decline carries no uploadInfo (and the SDK's model wants every field named)
            answer = FileConsentCardResponse.model_validate(
                {"action": None, "context": None, "uploadInfo": None, **value}
            )
        except ValidationError:
            log.warning("a file consent invoke without its value: %r", activity.value)
            return 400
        if answer.action not in ("accept", "decline"):
            log.warning("a file consent invoke with action %r", answer.action)
            return 400
        query = answer.context.get(QUERY_KEY) if isinstance(answer.context, dict) else None
        if answer.action != "accept" or not isinstance(query, str):
            await self._settle_consent(context, DECLINED)
            return 200
        try:
            info = FileUploadInfo.model_validate(answer.upload_info)
        except ValidationError:
            log.warning("a file consent accepted without upload info: %r", answer.upload_info)
            return 400
        if not info.upload_url.startswith("https://") and not self._plain_http:
            log.warning("refused a file upload URL that is not https: %s", info.upload_url)
            text = "Teams gave no secure address for the file; nothing was sent."
            await context.send_activity(_note(text, ReplyKind.ERROR))
            return 200
        reply = await self._engine.handle(self._message_of(activity, query, None, pressed=True))
        if reply.table is None or reply.kind is not ReplyKind.INFO:
            # the question is no longer answered with a list (a refusal, an error): say that
            answered = new_message(summary=reply.headline, attachments=[card_attachment(reply)])
            await context.send_activity(answered)
            return 200
        try:
            await self._upload(info.upload_url, table_csv(reply.table).encode("utf-8"))
        except Exception:
            log.warning("the file upload to the user's OneDrive failed", exc_info=True)
            await context.send_activity(_note(UPLOAD_FAILED, ReplyKind.ERROR))
            return 200
        file_card = FileInfoCard(unique_id=info.unique_id, file_type=info.file_type, etag=None)
        attachment = ActivityAttachment(
            content_type=INFO_CONTENT_TYPE,
            content_url=info.content_url,
            name=info.name,
            content=file_card.model_dump(mode="json", by_alias=True, exclude_none=True),
        )
        await context.send_activity(new_message(summary=info.name, attachments=[attachment]))
        await self._settle_consent(context, SENT)
        return 200

    async def _upload(self, url: str, data: bytes) -> None:
        """PUT the whole file to the upload session Teams opened in the user's OneDrive."""
        headers = {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Range": f"bytes 0-{len(data) - 1}/{len(data)}",
        }
        timeout = aiohttp.ClientTimeout(total=self._timeout_s)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.put(url, data=data, headers=headers) as response,
        ):
            if response.status >= 300:
                raise RuntimeError(f"the file upload was refused: HTTP {response.status}")

    @staticmethod
    async def _settle_consent(context: TurnContext, text: str) -> None:
        """The consent card becomes one line (it cannot be pressed again)."""
        card_id = context.activity.reply_to_id
        if not card_id:
            return
        try:
            await context.update_activity(_note(text, activity_id=card_id))
        except Exception:
            log.warning("could not replace the file consent card %s", card_id, exc_info=True)
