"""Where the bot was installed or spoken to in Teams: the conversation references needed for
proactive posts.

Teams gives a bot no way to post into a conversation it has never seen; the reference (service URL,
tenant, conversation id, bot id) captured from an incoming activity is what lets the nightly digest
find its way back. Kept in the index's SQLite file, table `teams_conversations`, created
idempotently.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from microsoft_agents.activity import Activity, ConversationReference
from sqlite_utils import Database
from sqlite_utils.db import NotFoundError, Table

from bot.clock import Clock, SystemClock
from bot.json_types import JsonObject
from bot.schema import migrate

TABLE: Final = "teams_conversations"
TEAMS_PREFIX: Final = "teams:"


@dataclass(frozen=True)
class StoredConversation:
    conversation_id: str
    channel_id: str | None
    channel_name: str | None
    team_name: str | None
    conversation_type: str | None
    service_url: str
    reference: ConversationReference


def _channel_data(activity: Activity) -> JsonObject:
    data = activity.channel_data
    if data is None:
        return {}
    if isinstance(data, dict):
        return data
    dumped = (
        data.model_dump(by_alias=True, exclude_none=True)
        if hasattr(data, "model_dump")
        else vars(data)
    )
    return dict(dumped)


def _dict(value: object) -> JsonObject:
    return value if isinstance(value, dict) else {}


def channel_of(activity: Activity) -> str | None:
    """The Teams channel id of a channel message (the conversation id without its `;messageid=`
    thread part).
    """
    channel = _channel_data(activity).get("channel")
    if isinstance(channel, dict) and isinstance(channel.get("id"), str):
        return str(channel["id"])
    if activity.conversation is None or not activity.conversation.id:
        return None
    return activity.conversation.id.split(";", 1)[0]


class ConversationStore:
    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self._db = db
        self._clock = clock or SystemClock()
        migrate(db.conn)

    def _table(self) -> Table:
        return self._db.table(TABLE)

    def save(self, activity: Activity) -> None:
        """Remember the conversation an incoming activity came from (install, first message, new
        service URL).
        """
        if activity.conversation is None or not activity.service_url:
            return
        reference = activity.get_conversation_reference()
        conversation_id = activity.conversation.id.split(";", 1)[0]
        # A reference to the thread would post the digest as a reply in that thread; keep the
        # channel itself.
        reference.conversation.id = conversation_id
        reference.activity_id = None
        data = _channel_data(activity)
        channel = _dict(data.get("channel"))
        team = _dict(data.get("team"))
        self._table().upsert(
            {
                "conversation_id": conversation_id,
                "channel_id": channel_of(activity),
                "channel_name": channel.get("name"),
                "team_name": team.get("name"),
                "conversation_type": activity.conversation.conversation_type,
                "tenant_id": activity.conversation.tenant_id,
                "service_url": activity.service_url,
                "reference": reference.model_dump_json(by_alias=True, exclude_none=True),
                "saved_at": self._clock.now().isoformat(),
            },
            pk="conversation_id",
        )

    def knows(self, activity: Activity) -> bool:
        """True when the activity's conversation is stored with the same service URL (nothing to
        update).
        """
        if activity.conversation is None:
            return False
        stored = self.get(activity.conversation.id.split(";", 1)[0])
        return stored is not None and stored.service_url == activity.service_url

    def forget(self, conversation_id: str) -> None:
        self._table().delete_where("conversation_id = ?", [conversation_id.split(";", 1)[0]])

    def get(self, conversation_id: str) -> StoredConversation | None:
        try:
            row = self._table().get(conversation_id)
        except NotFoundError:
            return None
        return _stored(row)

    def find(self, channel: str) -> StoredConversation | None:
        """A digest target: a conversation id, a channel id or a channel name, optionally prefixed
        `teams:`.
        """
        key = channel.removeprefix(TEAMS_PREFIX).strip()
        found = self.get(key)
        if found is not None:
            return found
        for where in ("channel_id = ?", "channel_name = ? COLLATE NOCASE"):
            rows = list(
                self._table().rows_where(
                    where, [key.lstrip("#")], order_by="saved_at desc", limit=1
                )
            )
            if rows:
                return _stored(rows[0])
        if key.startswith("19:") and "@thread" in key:
            return self._other_channel_of_a_team(key)
        return None

    def _other_channel_of_a_team(self, channel_id: str) -> StoredConversation | None:
        """A channel the bot never heard from, reached through a team install (same service URL).

        A team install reports only the team's General channel, but the bot may post to
        every channel of that team; the reference differs only in the conversation id.
        """
        rows = list(
            self._table().rows_where(
                "conversation_type = 'channel'", order_by="saved_at desc", limit=1
            )
        )
        if not rows:
            return None
        team = _stored(rows[0])
        reference = team.reference.model_copy(deep=True)
        reference.conversation.id = channel_id
        return StoredConversation(
            conversation_id=channel_id,
            channel_id=channel_id,
            channel_name=None,
            team_name=team.team_name,
            conversation_type="channel",
            service_url=team.service_url,
            reference=reference,
        )


def _stored(row: Mapping[str, str | None]) -> StoredConversation:
    return StoredConversation(
        conversation_id=str(row["conversation_id"]),
        channel_id=row["channel_id"],
        channel_name=row["channel_name"],
        team_name=row["team_name"],
        conversation_type=row["conversation_type"],
        service_url=str(row["service_url"]),
        reference=ConversationReference.model_validate(json.loads(str(row["reference"]))),
    )
