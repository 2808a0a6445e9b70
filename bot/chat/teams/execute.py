"""Universal Actions: a button press (`Action.Execute`, verb "alexa") answered in place.

Teams sends the press as an `adaptiveCard/action` invoke and waits about 5 seconds for the answer,
which is either a card, shown in place of the pressed one for everyone in the conversation, or a
message shown only to the presser. So:

- the result of the press (a change made, a question answered, a cancellation) replaces the card;
- a stale press (a second Confirm, an Undo already done), an error or a refusal is told to the
  presser alone, and the card keeps its result;
- "Show more", and an alert's Status / History / Mute, post their answer as a new card under the
  card, which stays;
- a run that outlasts the wait answers with a "working" card at once, then updates that card with
  its progress and its result through the connector when it ends.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Final

from microsoft_agents.activity import (
    Activity,
    AdaptiveCardInvokeResponse,
    ConversationReference,
)
from microsoft_agents.hosting.core import TurnContext, TurnState

from bot.chat.contract import ConversationEngine, Message
from bot.chat.pacing import EditPacer
from bot.chat.paging import next_page, parse_more
from bot.chat.teams.cards import (
    CARD_CONTENT_TYPE,
    PAGE_ROWS,
    keeps_card,
    on_a_result,
    question_card,
    render_card,
    submitted_text,
)
from bot.chat.teams.files import MessageOf, file_offer
from bot.chat.teams.proactive import Proactive, new_message
from bot.chat.teams.store import ConversationStore
from bot.clock import Clock, SystemClock
from bot.core.shared.replies import Reply, ReplyKind

log = logging.getLogger(__name__)

EXECUTE_WAIT_S: Final = 4.0  # Teams gives an invoke about 5 s
ANSWER_FIRST_S: Final = 0.5  # a long run's result is not sent sooner than this after the answer
MESSAGE_TYPE: Final = "application/vnd.microsoft.activity.message"
ENGINE_FAILED: Final = "Something went wrong on our side; nothing was changed. (ref {ref})"

Background = Callable[[Coroutine[object, object, None]], None]


Signer = Callable[[Reply, Activity], Reply]


def note(text: str) -> AdaptiveCardInvokeResponse:
    """An answer only the presser sees; the card stays as it is."""
    return AdaptiveCardInvokeResponse(status_code=200, type=MESSAGE_TYPE, value=text)


def card(reply: Reply) -> AdaptiveCardInvokeResponse:
    """The pressed card, replaced by this reply's card for everyone."""
    return AdaptiveCardInvokeResponse(
        status_code=200, type=CARD_CONTENT_TYPE, value=render_card(reply)
    )


def _private(reply: Reply) -> bool:
    return reply.stale or reply.silent or reply.kind in (ReplyKind.ERROR, ReplyKind.REFUSAL)


class Execute:
    """The `action_execute` handler of the agent (bot/chat/teams/agent.py registers it)."""

    def __init__(
        self,
        engine: ConversationEngine,
        store: ConversationStore,
        *,
        message_of: MessageOf,
        signed: Signer,
        proactive: Proactive | None,
        background: Background,
        clock: Clock | None = None,
    ) -> None:
        self._engine = engine
        self._store = store
        self._message_of = message_of
        self._signed = signed
        self._proactive = proactive
        self._background = background
        self._clock = clock or SystemClock()

    async def __call__(
        self, context: TurnContext, _state: TurnState, data: object
    ) -> AdaptiveCardInvokeResponse:
        activity = context.activity
        if not self._store.knows(activity):
            self._store.save(activity)
        text = submitted_text(data)
        if text is None:
            return note("Choose an option first.")
        msg = self._message_of(activity, text, question_card(data), pressed=True)
        live = _LiveCard(self._proactive, activity, self._clock)
        task = asyncio.ensure_future(self._run(msg, live))
        try:
            reply = await asyncio.wait_for(asyncio.shield(task), EXECUTE_WAIT_S)
        except TimeoutError:
            live.start(self._clock.monotonic())
            self._background(self._finish_later(task, live, activity))
            return card(Reply(headline="Working on it\u2026", kind=ReplyKind.PROGRESS))
        except Exception:
            log.exception("engine failed on a Teams button %s", activity.id)
            return note(ENGINE_FAILED.format(ref=activity.id or "-"))
        asks = reply.kind in (ReplyKind.QUESTION, ReplyKind.CONFIRM)
        beside = parse_more(text) is not None or keeps_card(data) or (asks and on_a_result(data))
        return await self._answer(context, reply, beside)

    async def _run(self, msg: Message, live: _LiveCard) -> Reply:
        page = await next_page(self._engine, msg, PAGE_ROWS)
        return page or await self._engine.handle(msg, live.progress)

    async def _answer(
        self, context: TurnContext, reply: Reply, beside: bool
    ) -> AdaptiveCardInvokeResponse:
        if reply.silent:
            log.info("a repeated delivery of a Teams button press: %s", reply.headline)
            return note("Already done.")
        if _private(reply):
            return note(reply.headline)
        reply = self._signed(reply, context.activity)
        # the next rows, a look, a mute, or a question asked before an Undo acts go under the card,
        # which stays
        if beside:
            await context.send_activity(_message(reply))
            await self._offer_file(context, reply)
            return note("The answer is below.")
        await self._offer_file(context, reply)
        return card(reply)

    @staticmethod
    async def _offer_file(context: TurnContext, reply: Reply) -> None:
        """In a personal chat, a list longer than its card is also offered as a CSV file."""
        offer = file_offer(reply, context.activity)
        if offer is not None:
            await context.send_activity(offer)

    async def _finish_later(
        self, task: asyncio.Future[Reply], live: _LiveCard, activity: Activity
    ) -> None:
        try:
            reply = await task
        except Exception:
            log.exception("engine failed on a Teams button %s", activity.id)
            reply = Reply(headline=ENGINE_FAILED.format(ref=activity.id or "-"),
                          kind=ReplyKind.ERROR)  # fmt: skip
        if not reply.silent:
            # the "working" card goes back in the invoke's answer: an update sent right after it
            # could reach Teams first and be overwritten by it
            wait = ANSWER_FIRST_S - (self._clock.monotonic() - live.answered_at)
            if wait > 0:
                await self._clock.sleep(wait)
            await live.final(self._signed(reply, activity))


def _message(reply: Reply, activity_id: str | None = None) -> Activity:
    from bot.chat.teams.cards import card_attachment

    return new_message(id=activity_id, summary=reply.headline, attachments=[card_attachment(reply)])


class _LiveCard:
    """The pressed card once the invoke has been answered: progress edits (paced) and the result,
    through the connector."""

    def __init__(self, proactive: Proactive | None, activity: Activity, clock: Clock) -> None:
        self._proactive = proactive
        self._reference: ConversationReference = activity.get_conversation_reference()
        self._card_id = activity.reply_to_id
        self._pacer = EditPacer(clock)
        self._started = False
        self.answered_at = 0.0

    def start(self, answered_at: float) -> None:
        self._started = True
        self.answered_at = answered_at

    async def progress(self, reply: Reply) -> None:
        if not self._started or self._proactive is None or not self._pacer.due():
            return
        try:
            await self._proactive.update(self._reference, _message(reply, self._card_id))
        except Exception:
            log.warning("could not show progress in Teams", exc_info=True)

    async def final(self, reply: Reply) -> None:
        if self._proactive is None:
            log.warning("no connector to show the result of a long button press")
            return
        if self._card_id and not _private(reply):
            try:
                await self._proactive.update(self._reference, _message(reply, self._card_id))
                return
            except Exception:
                log.warning("could not update card %s; posting a new one", self._card_id,
                            exc_info=True)  # fmt: skip
        await self._proactive.send(self._reference, _message(reply))
