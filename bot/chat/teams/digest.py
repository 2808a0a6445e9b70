"""Posting the nightly health digest to a Teams conversation (the scheduler calls it).

A bot may only post where it has been installed or spoken to; the stored conversation reference says
where that is. The chart travels inside the card as a data-URI image, since a proactive bot message
cannot carry an uploaded file in a channel.
"""

from __future__ import annotations

from collections.abc import Mapping

from microsoft_agents.hosting.core import AuthenticationConstants, ClaimsIdentity, TurnContext
from sqlite_utils import Database

from bot.chat.teams.agent import card_activity
from bot.chat.teams.config import app_id, auth_configuration, connection_manager, sdk_configuration
from bot.chat.teams.host import build_adapter
from bot.chat.teams.store import ConversationStore
from bot.clock import Clock
from bot.core.replies import Reply


class UnknownTeamsConversation(LookupError):
    """The digest channel is not one the bot has been installed in or spoken to."""


class TeamsDigestPoster:
    """Posts a digest Reply as an Adaptive Card into a stored Teams conversation."""

    def __init__(
        self,
        db: Database,
        *,
        env: Mapping[str, str] | None = None,
        anonymous: bool = False,
        clock: Clock | None = None,
    ) -> None:
        config = sdk_configuration(env, anonymous=anonymous)
        connections = connection_manager(config)
        auth_configuration(connections, anonymous=anonymous)
        self._adapter = build_adapter(connections)
        self._app_id = app_id(env)
        self._anonymous = anonymous
        self._store = ConversationStore(db, clock)

    async def post_digest(self, channel: str, reply: Reply) -> None:
        """`channel`: a Teams conversation or channel id (optionally `teams:`-prefixed) or a channel
        name.
        """
        stored = self._store.find(channel)
        if stored is None:
            raise UnknownTeamsConversation(
                f"The bot has no Teams conversation {channel!r} on record: "
                "add the app to that team or chat "
                "(or mention it there once) so Teams tells the bot where it is."
            )
        continuation = stored.reference.get_continuation_activity()
        # The SDK gives the continuation event a random id, which outgoing messages would then
        # "reply to";
        # a digest is a new post in the conversation, not a reply.
        continuation.id = None

        async def send(context: TurnContext) -> None:
            await context.send_activity(card_activity(reply))

        if self._anonymous:
            await self._adapter.continue_conversation_with_claims(
                ClaimsIdentity(),
                continuation,
                send,
                audience=AuthenticationConstants.AGENTS_SDK_SCOPE,
            )
        else:
            await self._adapter.continue_conversation(self._app_id, continuation, send)
