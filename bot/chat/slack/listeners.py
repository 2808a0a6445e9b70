"""Bolt listeners: thin. Each acknowledges first, drops retried deliveries, builds a Message and
hands it to the engine; everything Slack-specific about answering lives in SlackResponder.

Acknowledging before the work keeps every request inside Slack's 3-second window: with the default
`process_before_response=False` Bolt answers the HTTP request as soon as `ack()` is called and the
rest of the listener runs on; with `process_before_response=True` (tests, FaaS) Bolt waits for the
whole listener.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Mapping

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat.paging import next_page, parse_more
from bot.chat.slack.blocks import ACTION_ID_PATTERN, PAGE_ROWS, PART_UNDO_ACTION_ID, question_of
from bot.chat.slack.contract import ConversationEngine, Message
from bot.chat.slack.delivery import DeliveryLog, delivery_id
from bot.chat.slack.payloads import Action, ActionBody, CommandBody, ErrorBody, Event, EventBody
from bot.chat.slack.responder import Origin, SlackResponder, Surface, Target
from bot.clock import Clock, SystemClock
from bot.core.shared.replies import ActionKind, ReplyKind

log = logging.getLogger(__name__)

PLATFORM = "slack"
# Buttons whose card stays as it is: an alert's Status / History / Mute, "Show more"
KEEPS_CARD_ACTION_IDS = (
    *(f"alexa_{kind.value}" for kind in (ActionKind.LOOK, ActionKind.MUTE, ActionKind.MORE)),
    PART_UNDO_ACTION_ID,  # one change of several on its card
)
# Buttons on a message that shows a result (Undo, Retry): a question their press is answered with
# (an Undo of rooms changed since asks first) goes to the presser, and the result stays
ON_A_RESULT_ACTION_IDS = tuple(
    f"alexa_{kind.value}" for kind in (ActionKind.UNDO, ActionKind.RETRY_FAILED)
)
COMMAND = "/alexa"
_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")


def strip_mention(text: str, bot_user_id: str | None) -> str:
    """Remove the bot's own mention (or, not knowing the bot's id, a leading one); keep other
    mentions.
    """
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", "", text)
    else:
        text = re.sub(r"^\s*" + _MENTION.pattern, "", text)
    return clean_text(text)


def clean_text(text: str) -> str:
    """Slack escapes &, < and > in message text: unescape so "R&B" reaches the engine as typed."""
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())


class SlackListeners:
    """The state the listeners share: engine, clock and the log of recent deliveries."""

    def __init__(
        self,
        engine: ConversationEngine,
        *,
        clock: Clock | None = None,
        deliveries: DeliveryLog | None,
    ) -> None:
        self.engine = engine
        self.clock = clock or SystemClock()
        self.deliveries = deliveries if deliveries is not None else DeliveryLog()

    def is_retry(self, body: Mapping[str, object]) -> tuple[bool, str | None]:
        rid = delivery_id(body)
        if not self.deliveries.first_time(rid):
            log.info("dropped a repeated Slack delivery %s", rid)
            return True, rid
        return False, rid

    async def run(
        self,
        client: AsyncWebClient,
        target: Target,
        msg: Message,
        *,
        beside: bool = False,
        on_a_result: bool = False,
    ) -> None:
        """`beside`: a button that leaves its card as it is (a look, a mute, the next page): the
        answer goes under it, not in its place. `on_a_result`: a button on a result (Undo,
        Retry); when its answer is a question, that goes beside too and the result stays."""
        paging = parse_more(msg.text) is not None
        if paging or beside:
            target = _page_target(target)
        responder = SlackResponder(client, target, clock=self.clock)
        try:
            page = await next_page(self.engine, msg, PAGE_ROWS)
            if page is not None and paging and target.surface == "mention" and not page.stale:
                page = page.model_copy(update={"public": True})  # under a list everyone saw
            reply = page or await self.engine.handle(msg, responder.progress)
            if on_a_result and not beside and reply.kind in (ReplyKind.QUESTION, ReplyKind.CONFIRM):
                responder = SlackResponder(client, _page_target(target), clock=self.clock)
        except Exception:
            ref = uuid.uuid4().hex[:8]
            log.exception("engine failed on a Slack %s (ref %s)", target.surface, ref)
            await responder.fail(ref)
            return
        try:
            await responder.final(reply)
        except Exception:
            ref = uuid.uuid4().hex[:8]
            log.exception("could not deliver a Slack reply (ref %s)", ref)
            await responder.fail(ref, engine_failed=False)


def _page_target(pressed: Target) -> Target:
    """Where the next page of a long answer goes: a new message under the one pressed (the earlier
    rows stay), in its thread when the list was public, privately when it was private."""
    origin = pressed.origin
    if origin is None:
        return pressed
    if origin.ephemeral:
        return Target("command", pressed.channel, pressed.user, respond=pressed.respond)
    thread = pressed.thread_ts or origin.ts
    return Target("dm" if pressed.channel.startswith("D") else "mention", pressed.channel,
                  pressed.user, thread_ts=thread, respond=pressed.respond)  # fmt: skip


def pressed_value(action: Action) -> str:
    """The typed-equivalent text of a button (its value) or of a menu (the chosen option's)."""
    selected = action.get("selected_option") or {}
    return str(selected.get("value") or action.get("value") or "")


def register(
    app: AsyncApp,
    engine: ConversationEngine,
    *,
    clock: Clock | None = None,
    deliveries: DeliveryLog | None = None,
    command: str = COMMAND,
) -> SlackListeners:
    """Attach the slash command, mention, DM and button listeners to `app`."""
    state = SlackListeners(engine, clock=clock, deliveries=deliveries)

    @app.command(command)
    async def on_command(
        ack: AsyncAck, body: CommandBody, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        retry, rid = state.is_retry(body)
        if retry:
            return
        user, channel = body["user_id"], body["channel_id"]
        text = clean_text(body.get("text") or "") or "help"
        # `/alexa` in the bot's DM is answered there as a DM, not as in a channel
        surface: Surface = "dm" if channel.startswith("D") else "command"
        target = Target(surface, channel=channel, user=user, respond=respond)
        await state.run(client, target, Message(text, user, channel, PLATFORM, request_id=rid))

    @app.event("app_mention")
    async def on_mention(
        ack: AsyncAck, body: EventBody, event: Event, client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:  # fmt: skip
        await ack()
        channel = event["channel"]
        if channel.startswith("D"):
            return  # a mention in a DM also arrives as message.im, answered there
        retry, rid = state.is_retry(body)
        if retry:
            return
        user = event["user"]
        text = strip_mention(event.get("text") or "", context.bot_user_id) or "help"
        thread_ts = event.get("thread_ts") or event["ts"]
        target = Target("mention", channel=channel, user=user, thread_ts=thread_ts)
        msg = Message(text, user, channel, PLATFORM, thread=thread_ts, request_id=rid)
        await state.run(client, target, msg)

    @app.event("message")
    async def on_message(
        ack: AsyncAck, body: EventBody, event: Event, client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:  # fmt: skip
        await ack()
        # Only direct messages from people: edits, deletions, joins and bots carry a subtype or
        # bot_id.
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        if not event.get("user"):
            return
        retry, rid = state.is_retry(body)
        if retry:
            return
        user, channel = event["user"], event["channel"]
        text = strip_mention(event.get("text") or "", context.bot_user_id) or "help"
        thread_ts = event.get("thread_ts")
        target = Target("dm", channel=channel, user=user, thread_ts=thread_ts)
        msg = Message(text, user, channel, PLATFORM, thread=thread_ts, request_id=rid)
        await state.run(client, target, msg)

    @app.action(ACTION_ID_PATTERN)
    async def on_action(
        ack: AsyncAck, body: ActionBody, action: Action, client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:  # fmt: skip
        await ack()
        retry, rid = state.is_retry(body)
        if retry:
            return
        container = body.get("container") or {}
        presser = body["user"]["id"]
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
        if not channel:
            log.warning("a button press without a channel (action %s)", action.get("action_id"))
            return
        message = body.get("message") or {}
        thread_ts = message.get("thread_ts") or container.get("thread_ts")
        origin = Origin(
            channel=channel,
            ts=container.get("message_ts") or message.get("ts"),
            ephemeral=bool(container.get("is_ephemeral")),
        )
        target = Target(
            "action",
            channel=channel,
            user=presser,
            thread_ts=thread_ts,
            origin=origin,
            respond=respond,
        )
        msg = Message(pressed_value(action), presser, channel, PLATFORM, thread_ts, rid,
                      card=question_of(action.get("block_id")),
                      pressed_on=f"{channel}/{origin.ts}" if origin.ts else "")  # fmt: skip
        action_id = str(action.get("action_id") or "")
        beside = action_id.startswith(KEEPS_CARD_ACTION_IDS)
        on_a_result = action_id.startswith(ON_A_RESULT_ACTION_IDS)
        await state.run(client, target, msg, beside=beside, on_a_result=on_a_result)

    @app.error
    async def on_error(error: Exception, body: ErrorBody) -> None:
        log.error("Slack request failed: %r (type %s)", error, body.get("type"), exc_info=error)

    return state
