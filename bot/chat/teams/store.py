"""Where the bot was installed or spoken to in Teams: the conversation references needed for
proactive posts.

Teams gives a bot no way to post into a conversation it has never seen; the reference (service URL,
tenant, conversation id, bot id) captured from an incoming activity is what lets the nightly digest
find its way back. Kept in table `teams_conversations`: the index's SQLite file, or PostgreSQL with
BOT_DATABASE_URL (through bot/sql.py), so a conversation one replica heard from can be posted to
by whichever replica posts the digest or the alert.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Final

from microsoft_agents.activity import Activity, ConversationReference
from sqlite_utils import Database

from bot.clock import Clock, SystemClock
from bot.json_types import JsonObject
from bot.schema import migrate
from bot.sql import Row, Sql, SqliteSql, execute, optional_text, query, text

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


_COLUMNS: Final = "conversation_id, channel_id, channel_name, team_name, conversation_type, service_url, reference"


class ConversationStore:
    def __init__(self, db: Database | Sql, clock: Clock | None = None) -> None:
        if isinstance(db, Database):
            migrate(db.conn)
            self._sql: Sql = SqliteSql(db.conn)
        else:
            self._sql = db
        self._clock = clock or SystemClock()

    def _one(self, where: str, args: tuple[object, ...]) -> StoredConversation | None:
        rows = query(
            self._sql,
            f"SELECT {_COLUMNS} FROM {TABLE} WHERE {where} ORDER BY saved_at DESC LIMIT 1",
            args,
        )
        return _stored(rows[0]) if rows else None

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
        execute(
            self._sql,
            f"INSERT INTO {TABLE} (conversation_id, channel_id, channel_name, team_name,"
            " conversation_type, tenant_id, service_url, reference, saved_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (conversation_id) DO UPDATE SET"
            " channel_id = excluded.channel_id, channel_name = excluded.channel_name,"
            " team_name = excluded.team_name, conversation_type = excluded.conversation_type,"
            " tenant_id = excluded.tenant_id, service_url = excluded.service_url,"
            " reference = excluded.reference, saved_at = excluded.saved_at",
            (
                conversation_id,
                channel_of(activity),
                _optional(channel.get("name")),
                _optional(team.get("name")),
                activity.conversation.conversation_type,
                activity.conversation.tenant_id,
                activity.service_url,
                reference.model_dump_json(by_alias=True, exclude_none=True),
                self._clock.now().isoformat(),
            ),
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
        execute(
            self._sql,
            f"DELETE FROM {TABLE} WHERE conversation_id = ?",
            (conversation_id.split(";", 1)[0],),
        )

    def get(self, conversation_id: str) -> StoredConversation | None:
        return self._one("conversation_id = ?", (conversation_id,))

    def find(self, channel: str) -> StoredConversation | None:
        """A digest target: a conversation id, a channel id or a channel name, optionally prefixed
        `teams:`.
        """
        key = channel.removeprefix(TEAMS_PREFIX).strip()
        found = self.get(key)
        if found is not None:
            return found
        for where in ("channel_id = ?", "lower(channel_name) = lower(?)"):
            found = self._one(where, (key.lstrip("#"),))
            if found is not None:
                return found
        if key.startswith("19:") and "@thread" in key:
            return self._other_channel_of_a_team(key)
        return None

    def _other_channel_of_a_team(self, channel_id: str) -> StoredConversation | None:
        """A channel the bot never heard from, reached through a team install (same service URL).

        A team install reports only the team's General channel, but the bot may post to
        every channel of that team; the reference differs only in the conversation id.
        """
        team = self._one("conversation_type = 'channel'", ())
        if team is None:
            return None
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


def _optional(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _stored(row: Row) -> StoredConversation:
    conversation_id, channel_id, channel_name, team_name, kind, service_url, reference = row
    return StoredConversation(
        conversation_id=text(conversation_id),
        channel_id=optional_text(channel_id),
        channel_name=optional_text(channel_name),
        team_name=optional_text(team_name),
        conversation_type=optional_text(kind),
        service_url=text(service_url),
        reference=ConversationReference.model_validate(json.loads(text(reference))),
    )
