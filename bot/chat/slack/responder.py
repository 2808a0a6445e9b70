"""Where and how one request's answers go: progress edits, the final reply, and the apology on
failure.

Routing (issue 4): a change is public in the channel; help, errors, refusals and questions go only
to the requester (ephemeral); in a DM everything is a plain message since only the requester sees it
anyway. A long run posts one message and edits it in place; its final reply replaces it. A button
press edits the message it was pressed on, except that errors and refusals (e.g. "this isn't yours")
go privately to the presser and leave the card for its owner.

A change announced in a thread of a channel (a mention, a reply in a thread, a button on a card in
one) is also sent to the channel (`reply_broadcast`, Slack's "Also send to #channel"): people who
do not follow the thread see it, and Slack shows it as "replied to a thread", linked to it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Literal

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat.slack.blocks import SlackMessage, render_reply
from bot.chat.slack.files import upload_extras
from bot.clock import Clock, SystemClock
from bot.core.shared.replies import Reply, ReplyKind

log = logging.getLogger(__name__)

Surface = Literal["command", "mention", "dm", "action"]

MIN_EDIT_INTERVAL_S = (
    2.0  # Slack rate-limits chat.update; the engine throttles too, this is the guard
)
RESPONSE_URL_USES = 5
RESPONSE_URL_TTL_S = 30 * 60
ENGINE_FAILED = "Something went wrong on our side; nothing was changed. (ref {ref})"
DELIVERY_FAILED = "Something went wrong showing the answer here. (ref {ref})"

# Errors meaning "the bot may not post in this conversation": fall back to the command's
# response_url.
_NOT_MEMBER = {"channel_not_found", "not_in_channel", "user_not_in_channel", "is_archived"}


@dataclass(frozen=True)
class Origin:
    """The message a button was pressed on."""

    channel: str
    ts: str | None
    ephemeral: bool


@dataclass(frozen=True)
class Target:
    surface: Surface
    channel: str
    user: str  # the requester, or the presser of a button
    thread_ts: str | None = None
    origin: Origin | None = None
    respond: AsyncRespond | None = None  # Bolt's response_url helper (commands and buttons)


@dataclass
class _Posted:
    channel: str
    ts: str  # "" for a message sent through the response_url (edited through it, not chat.update)


class SlackResponder:
    """Delivers the replies of one request. `progress` is the engine's ProgressSink."""

    def __init__(
        self,
        client: AsyncWebClient,
        target: Target,
        *,
        clock: Clock | None = None,
        min_edit_interval: float = MIN_EDIT_INTERVAL_S,
    ) -> None:
        self._client = client
        self._target = target
        self._clock = clock or SystemClock()
        self._min_edit_interval = min_edit_interval
        self._lock = asyncio.Lock()
        self._progress: _Posted | None = None
        self._last_edit = 0.0
        self._closed = False
        self.skipped_edits = 0
        self._url_uses = 0  # Slack takes 5 messages per response_url, within 30 minutes
        self._url_since = 0.0

    # -- progress
    # ---------------------------------------------------------------------------------------
    async def progress(self, reply: Reply) -> None:
        async with self._lock:
            if self._closed:
                return
            try:
                await self._show_progress(reply)
            except Exception:
                # progress is a courtesy: a refused edit must not stop the run
                log.warning("could not show progress in Slack", exc_info=True)

    async def _show_progress(self, reply: Reply) -> None:
        now = self._clock.monotonic()
        if self._progress is None:
            self._progress = await self._open_progress(render_reply(reply, can_attach=False))
            self._last_edit = now
            return
        if now - self._last_edit < self._min_edit_interval:
            self.skipped_edits += 1  # the final reply replaces the message anyway
            return
        await self._update(self._progress, render_reply(reply, can_attach=False))
        self._last_edit = now

    async def _open_progress(self, msg: SlackMessage) -> _Posted:
        origin = self._target.origin
        if origin is not None and not origin.ephemeral and origin.ts:
            # The run was started from a card everyone sees: the card itself becomes the progress
            # message.
            posted = _Posted(origin.channel, origin.ts)
            await self._update(posted, msg)
            return posted
        posted_or_none = await self._post(msg)
        # None: the bot may not post here and the command's response_url carried the message;
        # the progress is then edited through it while Slack still takes it.
        return posted_or_none or _Posted(self._target.channel, "")

    # -- final reply
    # ------------------------------------------------------------------------------------
    async def final(self, reply: Reply) -> None:
        if reply.silent:
            log.info("not posting the answer to a repeated delivery: %s", reply.headline)
            return
        async with self._lock:
            self._closed = True
            posted = await self._deliver(reply)
        if posted is not None:
            await upload_extras(
                self._client,
                posted.channel,
                self._target.thread_ts or posted.ts,
                render_reply(reply),
                reply,
            )

    def _render(self, reply: Reply, *, can_attach: bool = True) -> SlackMessage:
        """A change announced in a channel says who made it; in a DM it is the reader's own."""
        t = self._target
        announced = (reply.public or reply.is_change) and t.surface != "dm"
        by = t.user if announced and not t.channel.startswith("D") else None
        return render_reply(reply, can_attach=can_attach, requester=by)

    async def _deliver(self, reply: Reply) -> _Posted | None:
        t = self._target
        public = reply.public or reply.is_change
        if self._progress is not None and not self._progress.ts:
            # the answer always goes, even past the response_url's limits (Slack may refuse it)
            await self._respond(self._render(reply), replace_original=True)
            return None
        if self._progress is not None:
            broadcast = self._broadcasts(reply, self._progress.ts)
            await self._update(self._progress, self._render(reply), broadcast=broadcast)
            if t.origin is not None and t.origin.ephemeral:
                await self._respond(delete_original=True)
            return self._progress
        if t.surface == "action" and t.origin is not None:
            if reply.stale or reply.kind in (ReplyKind.REFUSAL, ReplyKind.ERROR):
                # the card keeps its result (or its question) for everyone; only the presser hears
                await self._ephemeral(self._render(reply, can_attach=False))
                return None
            if not t.origin.ephemeral and t.origin.ts:
                posted = _Posted(t.origin.channel, t.origin.ts)
                broadcast = self._broadcasts(reply, t.origin.ts)
                await self._update(posted, self._render(reply), broadcast=broadcast)
                return posted
            if public:
                await self._respond(delete_original=True)
                return await self._post(self._render(reply), broadcast=self._broadcasts(reply))
            msg = self._render(reply, can_attach=False)
            await self._respond(msg, replace_original=True)
            return None
        if public or t.surface == "dm":
            broadcast = self._broadcasts(reply)
            return await self._post(self._render(reply), public=public, broadcast=broadcast)
        await self._ephemeral(self._render(reply, can_attach=False))
        return None

    def _broadcasts(self, reply: Reply, ts: str | None = None) -> bool:
        """Whether the answer, a change posted (or edited, message `ts`) as a reply in a thread of
        a channel, is also sent to the channel. Not in a DM (it is all one conversation), not for
        answers to questions (they stay in their thread), not for a thread's own first message."""
        t = self._target
        thread = t.thread_ts
        in_a_dm = t.surface == "dm" or t.channel.startswith("D")
        return bool(reply.is_change and thread and thread != ts and not in_a_dm)

    async def fail(self, ref: str, *, engine_failed: bool = True) -> None:
        """Tell the requester privately that something broke, with a reference for the logs."""
        text = (ENGINE_FAILED if engine_failed else DELIVERY_FAILED).format(ref=ref)
        msg = render_reply(Reply(headline=text, kind=ReplyKind.ERROR), can_attach=False)
        try:
            async with self._lock:
                self._closed = True
                if self._progress is not None:
                    await self._update(self._progress, msg)
                elif self._target.surface == "dm":
                    await self._post(msg)
                else:
                    await self._ephemeral(msg)
        except Exception:
            log.exception("could not tell the user about failure ref %s", ref)

    # -- Web API calls
    # ----------------------------------------------------------------------------------
    async def _post(
        self, msg: SlackMessage, *, public: bool = True, broadcast: bool = False
    ) -> _Posted | None:
        t = self._target
        try:
            resp = await self._client.chat_postMessage(
                channel=t.channel, thread_ts=t.thread_ts, text=msg.text, blocks=msg.blocks,
                reply_broadcast=True if broadcast else None,
            )  # fmt: skip
        except SlackApiError as e:
            if t.respond is None or e.response.get("error") not in _NOT_MEMBER:
                raise
            # A slash command in a channel the bot is not in: the response_url still reaches it.
            if self._url_uses == 0:
                self._url_since = self._clock.monotonic()
            self._url_uses += 1
            # (a private answer stays private: `/alexa` in a DM the bot is not part of)
            kind = "in_channel" if public else "ephemeral"
            await t.respond(text=msg.text, blocks=msg.blocks, response_type=kind)
            return None
        return _Posted(str(resp["channel"]), str(resp["ts"]))

    async def _ephemeral(self, msg: SlackMessage) -> None:
        t = self._target
        try:
            await self._client.chat_postEphemeral(
                channel=t.channel,
                user=t.user,
                thread_ts=t.thread_ts,
                text=msg.text,
                blocks=msg.blocks,
            )
        except SlackApiError as e:
            if t.respond is None or e.response.get("error") not in _NOT_MEMBER:
                raise
            await t.respond(text=msg.text, blocks=msg.blocks, response_type="ephemeral")

    async def _update(self, posted: _Posted, msg: SlackMessage, *, broadcast: bool = False) -> None:
        if posted.ts:
            await self._client.chat_update(
                channel=posted.channel, ts=posted.ts, text=msg.text, blocks=msg.blocks,
                reply_broadcast=True if broadcast else None,
            )  # fmt: skip
        elif self._response_url_valid():
            await self._respond(msg, replace_original=True)
        else:
            self.skipped_edits += 1

    def _response_url_valid(self) -> bool:
        return (
            self._url_uses < RESPONSE_URL_USES
            and self._clock.monotonic() - self._url_since < RESPONSE_URL_TTL_S
        )

    async def _respond(
        self,
        msg: SlackMessage | None = None,
        *,
        replace_original: bool | None = None,
        delete_original: bool | None = None,
    ) -> None:
        respond = self._target.respond
        if respond is None:
            return
        if self._url_uses == 0:
            self._url_since = self._clock.monotonic()
        self._url_uses += 1
        await respond(
            text=msg.text if msg else "",
            blocks=msg.blocks if msg else None,
            replace_original=replace_original,
            delete_original=delete_original,
        )
