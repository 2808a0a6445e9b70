"""The Teams agent: turns Teams activities into engine Messages and engine Replies into Adaptive
Cards.

Routing mirrors Slack where Teams allows it. Teams has no ephemeral messages, so every reply goes to
the conversation it came from (a channel thread, a group chat or the personal chat). A long run
posts one card and updates it in place; its final reply replaces it. A button press updates the card
it was pressed on, except that errors and refusals ("this isn't yours") are posted as a new card so
the original stays usable for its owner. Replies requested with `deliveryMode: expectReplies` come
back in the HTTP body, where nothing can be updated later, so such turns get the final card only.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from collections.abc import Coroutine, Sequence

from microsoft_agents.activity import Activity, ActivityTypes, DeliveryModes
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.core import (
    AgentApplication,
    ApplicationOptions,
    MemoryStorage,
    TurnContext,
    TurnState,
)

from bot.chat.contract import ConversationEngine
from bot.chat.pacing import EditPacer
from bot.chat.paging import next_page, parse_more
from bot.chat.teams.cards import (
    EXECUTE_VERB,
    PAGE_ROWS,
    Card,
    card_attachment,
    keeps_card,
    question_card,
    submitted_text,
)
from bot.chat.teams.execute import Background, Execute
from bot.chat.teams.files import FILE_CONSENT_INVOKE, FileConsent, file_offer
from bot.chat.teams.proactive import Proactive, new_message
from bot.chat.teams.store import ConversationStore, channel_of
from bot.clock import Clock, SystemClock
from bot.core.access.context import Message
from bot.core.shared.replies import Reply, ReplyKind

log = logging.getLogger(__name__)

PLATFORM = "teams"
ENGINE_FAILED = "Something went wrong on our side; nothing was changed. (ref {ref})"
_MENTION = re.compile(r"<at[^>]*>.*?</at>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def clean_text(text: str) -> str:
    """Typed text without bot mentions or the HTML Teams wraps around channel messages."""
    text = _TAG.sub(" ", _MENTION.sub(" ", text))
    return " ".join(html.unescape(text).replace("\xa0", " ").split())


def to_message(activity: Activity) -> tuple[Message, bool]:
    """The engine Message for an incoming message activity, and whether it is a button press."""
    pressed = submitted_text(activity.value)
    if pressed is None:
        return message_of(activity, clean_text(activity.text or "")), False
    return message_of(activity, pressed, question_card(activity.value), pressed=True), True


def message_of(
    activity: Activity, text: str, card: str | None = None, *, pressed: bool = False
) -> Message:
    """The engine Message of `text` said (typed, or `pressed` on a card: on question card `card`)
    in `activity`'s conversation."""
    sender = activity.from_property
    # Roles in bot.toml list AAD object ids: they are the same across Teams, Outlook and Graph.
    user = (sender.aad_object_id or sender.id) if sender is not None else ""
    conversation_id = activity.conversation.id if activity.conversation is not None else ""
    _, _, thread = conversation_id.partition(";messageid=")
    # the card pressed: the message a press replies to, in its conversation
    on = f"{conversation_id}/{activity.reply_to_id}" if activity.reply_to_id else ""
    return Message(
        text=text,
        user=user,
        channel=channel_of(activity),
        platform=PLATFORM,
        thread=thread or None,
        request_id=activity.id,
        card=card,
        pressed_on=on if pressed else None,
    )


def signed(reply: Reply, activity: Activity) -> Reply:
    """A change shown in a channel or group chat says who made it (a personal chat is the
    reader's own)."""
    conversation = activity.conversation
    personal = conversation is None or conversation.conversation_type in (None, "personal")
    sender = activity.from_property
    name = sender.name if sender is not None else None
    if personal or not name or not (reply.public or reply.is_change):
        return reply
    return reply.model_copy(update={"notes": [f"Requested by {name}", *reply.notes]})


def card_activity(
    reply: Reply, activity_id: str | None = None, *, card: Card | None = None
) -> Activity:
    """A message carrying the Reply's card (or `card`, one of its parts)."""
    attachment = card_attachment(reply if card is None else card)
    return new_message(id=activity_id, summary=reply.headline, attachments=[attachment])


class CardResponder:
    """One turn's answers: the progress card and its updates, then the final card.

    Progress goes through `proactive` (a fresh turn context each time) when it is given, so it
    reaches Teams whenever it is reported; edits are paced to one per 2 s. A run started by a button
    shows its progress in the card that was pressed, as Slack does.
    """

    def __init__(
        self,
        context: TurnContext,
        *,
        pressed: bool,
        proactive: Proactive | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._context = context
        self._pressed = pressed
        self._proactive = proactive
        self._reference = context.activity.get_conversation_reference()
        self._can_update = context.activity.delivery_mode != DeliveryModes.expect_replies
        self._posted_id: str | None = None
        self._pacer = EditPacer(clock or SystemClock())
        self._lock = asyncio.Lock()
        self._closed = False

    async def progress(self, reply: Reply) -> None:
        if not self._can_update:
            return
        async with self._lock:
            if self._closed or not self._pacer.due():
                return
            try:
                await self._show_progress(reply)
            except Exception:
                # progress is a courtesy: a failed update must not stop the run
                log.warning("could not show progress in Teams", exc_info=True)

    async def _show_progress(self, reply: Reply) -> None:
        if self._posted_id is None and self._pressed and self._context.activity.reply_to_id:
            self._posted_id = self._context.activity.reply_to_id
        if self._posted_id is None:
            self._posted_id = await self._send(card_activity(reply))
        else:
            await self._update(card_activity(reply, self._posted_id))

    async def _send(self, activity: Activity) -> str | None:
        if self._proactive is not None:
            return await self._proactive.send(self._reference, activity)
        sent = await self._context.send_activity(activity)
        return sent.id if sent is not None and sent.id else None

    async def _update(self, activity: Activity) -> None:
        if self._proactive is not None:
            await self._proactive.update(self._reference, activity)
        else:
            await self._context.update_activity(activity)

    def _signed(self, reply: Reply) -> Reply:
        return signed(reply, self._context.activity)

    def _target(self, reply: Reply) -> str | None:
        if not self._can_update:
            return None
        if self._posted_id is not None:
            return self._posted_id
        # A stale press (a second Confirm, an Undo already done) leaves the card's result alone:
        # Teams has no message only the presser sees outside Action.Execute, so a small new reply.
        settled = reply.stale or reply.kind in (ReplyKind.ERROR, ReplyKind.REFUSAL)
        if self._pressed and not settled:
            return self._context.activity.reply_to_id
        return None

    async def final(self, reply: Reply) -> None:
        async with self._lock:
            self._closed = True
        if reply.silent:
            log.info("not posting the answer to a repeated delivery: %s", reply.headline)
            return
        reply = self._signed(reply)
        target = self._target(reply)
        if target:
            try:
                await self._context.update_activity(card_activity(reply, target))
                await self._offer_file(reply)
                return
            except Exception:
                log.warning("could not update card %s; posting a new one", target, exc_info=True)
        await self._context.send_activity(card_activity(reply))
        await self._offer_file(reply)

    async def _offer_file(self, reply: Reply) -> None:
        """In a personal chat, a list longer than its card is also offered as a CSV file."""
        offer = file_offer(reply, self._context.activity)
        if offer is not None:
            await self._context.send_activity(offer)


_DETACHED: set[asyncio.Task[None]] = set()


def _detached(work: Coroutine[object, object, None]) -> None:
    task = asyncio.create_task(work)
    _DETACHED.add(task)
    task.add_done_callback(_DETACHED.discard)


def _is_bot(members: Sequence[object] | None, activity: Activity) -> bool:
    bot_id = activity.recipient.id if activity.recipient is not None else None
    return any(getattr(m, "id", None) == bot_id for m in members or [])


def build_agent(
    engine: ConversationEngine,
    store: ConversationStore,
    connections: MsalConnectionManager,
    *,
    proactive: Proactive | None = None,
    clock: Clock | None = None,
    background: Background | None = None,
    plain_http_uploads: bool = False,
) -> AgentApplication[TurnState]:
    """The SDK application with our routes: messages (typed, and the Action.Submit of older
    cards), Action.Execute presses, file consent answers, installs/uninstalls, and turn errors.
    `background` runs what outlasts a press's invoke (the host's task set, so shutdown and tests
    can wait for it); `plain_http_uploads` lets a local emulator give an http upload URL."""
    agent = AgentApplication[TurnState](
        # The typing indicator runs on a wall-clock timer; our cards already show progress.
        ApplicationOptions(
            storage=MemoryStorage(), start_typing_timer=False, remove_recipient_mention=True
        ),
        connection_manager=connections,
    )

    @agent.activity(ActivityTypes.conversation_update)
    async def on_conversation_update(context: TurnContext, _: TurnState) -> None:
        activity = context.activity
        if _is_bot(activity.members_added, activity):
            store.save(activity)
        elif _is_bot(activity.members_removed, activity) and activity.conversation is not None:
            store.forget(activity.conversation.id)

    @agent.activity(ActivityTypes.installation_update)
    async def on_installation_update(context: TurnContext, _: TurnState) -> None:
        activity = context.activity
        if (activity.action or "").startswith("remove"):
            if activity.conversation is not None:
                store.forget(activity.conversation.id)
        else:
            store.save(activity)

    @agent.activity(ActivityTypes.message)
    async def on_message(context: TurnContext, _: TurnState) -> None:
        activity = context.activity
        if not store.knows(activity):
            store.save(activity)
        msg, pressed = to_message(activity)
        if not msg.text:
            return
        # "Show more" adds the next page under the list rather than replacing it
        beside = parse_more(msg.text) is not None or keeps_card(activity.value)
        responder = CardResponder(
            context, pressed=pressed and not beside, proactive=proactive, clock=clock
        )
        try:
            page = await next_page(engine, msg, PAGE_ROWS)
            reply = page or await engine.handle(msg, responder.progress)
        except Exception:
            log.exception("engine failed on Teams message %s", activity.id)
            reply = Reply(
                headline=ENGINE_FAILED.format(ref=activity.id or "-"), kind=ReplyKind.ERROR
            )
        await responder.final(reply)

    execute = Execute(
        engine, store, message_of=message_of, signed=signed, proactive=proactive,
        background=background or _detached, clock=clock,
    )  # fmt: skip
    agent.adaptive_card.action_execute(EXECUTE_VERB)(execute)
    consent = FileConsent(engine, message_of, plain_http=plain_http_uploads)

    @agent.invoke(FILE_CONSENT_INVOKE)
    async def on_file_consent(context: TurnContext, state: TurnState) -> None:
        await consent(context, state)

    @agent.error
    async def on_error(context: TurnContext, error: Exception) -> None:
        # The SDK's default handler would echo the exception text into the chat.
        log.error("Teams turn failed: %s", error, exc_info=error)

    return agent
