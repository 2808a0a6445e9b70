"""Turns the bot starts itself: a fresh TurnContext for a stored conversation reference.

A request's own TurnContext is only good while its turn lasts (its connector session closes with
it); progress of a long run, and the nightly digest, therefore go through the adapter's
`continue_conversation`, which opens a new turn, with its own connector client, each time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from microsoft_agents.activity import Activity, ActivityTypes, ConversationReference
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import (
    AuthenticationConstants,
    ClaimsIdentity,
    ConnectorClientBase,
    TurnContext,
)

TurnCallback = Callable[[TurnContext], Awaitable[None]]


def new_message(**fields: object) -> Activity:
    """A message activity with only the fields given: an outgoing activity must not carry
    `"id": null` (the SDK sends every field that was set, and Teams' emulators reject a null id).
    """
    return Activity(
        type=ActivityTypes.message, **{k: v for k, v in fields.items() if v is not None}
    )


@dataclass(frozen=True)
class Proactive:
    adapter: CloudAdapter
    app_id: str
    anonymous: bool = False

    async def continue_in(self, reference: ConversationReference, callback: TurnCallback) -> None:
        """Run `callback` in a new turn of the conversation `reference` points to."""
        continuation = reference.get_continuation_activity()
        # Outgoing activities "reply to" the id of the turn's activity: the message the user sent,
        # as in the original turn, or nothing (a digest is a new post, not a reply to a random id).
        continuation.id = reference.activity_id
        if self.anonymous:
            await self.adapter.continue_conversation_with_claims(
                ClaimsIdentity(),
                continuation,
                callback,
                audience=AuthenticationConstants.AGENTS_SDK_SCOPE,
            )
        else:
            await self.adapter.continue_conversation(self.app_id, continuation, callback)

    async def send(self, reference: ConversationReference, activity: Activity) -> str:
        """Post `activity` and return the id Teams gave it; raise when the post was not accepted.

        The connector is called directly: the SDK's own send sets `id = None` on the activity and
        its send-to-conversation call then carries `"id": null`, which Teams' emulators refuse.
        """
        sent: list[str] = []
        failed: list[BaseException] = []

        async def post(context: TurnContext) -> None:
            try:
                sent.append(await _post(context, activity))
            except Exception as error:  # the adapter would only log it; the caller must know
                failed.append(error)

        await self.continue_in(reference, post)
        if failed:
            raise failed[0]
        if not sent or not sent[0]:
            raise RuntimeError("Teams accepted the post but returned no activity id")
        return sent[0]

    async def update(self, reference: ConversationReference, activity: Activity) -> None:
        """Replace the activity `activity.id` in place; raise when Teams refused it."""
        failed: list[BaseException] = []

        async def put(context: TurnContext) -> None:
            try:
                await context.update_activity(activity)
            except Exception as error:
                failed.append(error)

        await self.continue_in(reference, put)
        if failed:
            raise failed[0]


def _clean(activity: Activity) -> Activity:
    """The activity with every empty field unset, so none is sent as null."""
    return Activity.model_validate(activity.model_dump(by_alias=True, exclude_none=True))


async def _post(context: TurnContext, activity: Activity) -> str:
    outgoing = activity.model_copy(deep=True)
    outgoing.apply_conversation_reference(context.activity.get_conversation_reference())
    outgoing = _clean(outgoing)
    client = context.services.get(ConnectorClientBase)  # type: ignore[type-abstract]
    if client is None:
        raise RuntimeError("the Teams turn has no connector client")
    conversation_id = outgoing.conversation.id if outgoing.conversation is not None else ""
    if outgoing.reply_to_id:
        response = await client.conversations.reply_to_activity(
            conversation_id, outgoing.reply_to_id, outgoing
        )
    else:
        response = await client.conversations.send_to_conversation(conversation_id, outgoing)
    return response.id if response is not None and response.id else ""
