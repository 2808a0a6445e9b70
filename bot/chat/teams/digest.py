"""Posting the nightly health digest to a Teams conversation (the scheduler calls it).

A bot may only post where it has been installed or spoken to; the stored conversation reference says
where that is. The chart travels inside the card as a data-URI image, since a proactive bot message
cannot carry an uploaded file in a channel.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from sqlite_utils import Database

from bot.chat.teams.agent import card_activity
from bot.chat.teams.cards import render_card, render_cards
from bot.chat.teams.config import app_id, auth_configuration, connection_manager, sdk_configuration
from bot.chat.teams.host import build_adapter
from bot.chat.teams.proactive import Proactive
from bot.chat.teams.store import ConversationStore
from bot.clock import Clock
from bot.core.shared.replies import Reply
from bot.sql import Sql

log = logging.getLogger(__name__)


class UnknownTeamsConversation(LookupError):
    """The digest channel is not one the bot has been installed in or spoken to."""


class TeamsDigestPoster:
    """Posts a digest Reply as an Adaptive Card into a stored Teams conversation."""

    platform = "teams"

    def __init__(
        self,
        db: Database | Sql,
        *,
        env: Mapping[str, str] | None = None,
        anonymous: bool = False,
        clock: Clock | None = None,
    ) -> None:
        config = sdk_configuration(env, anonymous=anonymous)
        connections = connection_manager(config)
        auth_configuration(connections, anonymous=anonymous)
        self._proactive = Proactive(build_adapter(connections), app_id(env), anonymous)
        self._store = ConversationStore(db, clock)

    def render(self, reply: Reply) -> dict[str, object]:
        return render_card(reply)

    async def post_to_channel(self, channel: str, reply: Reply) -> str:
        """Post into `channel`: a Teams conversation or channel id (optionally `teams:`-prefixed) or a
        channel name. Returns the activity id Teams gave the post; raises when it was not accepted.
        """
        stored = self._store.find(channel)
        if stored is None:
            raise UnknownTeamsConversation(
                f"The bot has no Teams conversation {channel!r} on record: "
                "add the app to that team or chat "
                "(or mention it there once) so Teams tells the bot where it is."
            )
        first, *rest = render_cards(reply)
        message_id = await self._proactive.send(stored.reference, card_activity(reply, card=first))
        for card in rest:  # the rows that did not fit: a courtesy, the digest is already sent
            try:
                await self._proactive.send(stored.reference, card_activity(reply, card=card))
            except Exception:
                log.warning("a follow-up card of the digest to %s failed", channel, exc_info=True)
        return message_id

    async def post_in_thread(self, channel: str, thread: str, reply: Reply) -> str:
        """Reply in the thread `thread` (its first message's id) of a Teams channel: the notice of
        a change made in that thread. A chat has no threads: posted into it."""
        stored = self._store.find(channel)
        if stored is None:
            raise UnknownTeamsConversation(f"The bot has no Teams conversation {channel!r}.")
        reference = stored.reference.model_copy(deep=True)
        if stored.conversation_type == "channel":
            reference.conversation.id = f"{stored.conversation_id};messageid={thread}"
        return await self._proactive.send(reference, card_activity(reply))

    async def update_in_channel(self, channel: str, message_id: str, reply: Reply) -> None:
        """Replace the post `message_id` in `channel` with `reply` (an alert marked recovered)."""
        stored = self._store.find(channel)
        if stored is None:
            raise UnknownTeamsConversation(f"The bot has no Teams conversation {channel!r}.")
        await self._proactive.update(stored.reference, card_activity(reply, message_id))
