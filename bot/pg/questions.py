"""Follow-up questions as data, for replicas: "Which property?" asked by one replica and answered
("Lakeside") through another. The engine's `Questions` (bot/core/understanding/followup.py) keeps
them in memory; this store keeps each open question as a row of PostgreSQL per conversation (user,
channel, thread): its choices, the partial command (as data: its type and fields), what is missing
and its expiry. A new question replaces the conversation's open one, as in memory.
"""

from __future__ import annotations

import json
import secrets
from collections import OrderedDict
from datetime import UTC, datetime, timedelta

from psycopg import Connection
from psycopg.rows import TupleRow
from pydantic import TypeAdapter

from bot.core.shared.commands import Command
from bot.core.understanding.followup import TTL, Key, Question, Questions
from bot.pg.database import PgDatabase

JsonValue = str | int | float | bool | None | list["JsonValue"] | dict[str, "JsonValue"]


def _command_types() -> dict[str, type[Command]]:
    found: dict[str, type[Command]] = {}
    pending: list[type[Command]] = [Command]
    while pending:
        for sub in pending.pop().__subclasses__():
            found[sub.__name__] = sub
            pending.append(sub)
    return found


def dump_command(command: Command | None) -> JsonValue:
    if command is None:
        return None
    fields: JsonValue = TypeAdapter(type(command)).dump_python(command, mode="json")
    return {"type": type(command).__name__, "fields": fields}


def load_command(data: JsonValue) -> Command | None:
    if not isinstance(data, dict):
        return None
    kind = _command_types().get(str(data.get("type")))
    if kind is None:  # a command this version does not know: the question is asked anew
        return None
    command: Command = TypeAdapter(kind).validate_python(data.get("fields") or {})
    return command


def _conversation(key: Key) -> str:
    return json.dumps(list(key))


class SharedQuestions(Questions):
    def __init__(self, database: PgDatabase, ttl: timedelta = TTL) -> None:
        super().__init__(ttl)
        self._database = database
        # The same Question object for the same asked question: a press on its card is compared
        # by identity (bot/core/conversation/question_cards.py), so one read twice must not look like two.
        self._seen: OrderedDict[str, Question] = OrderedDict()

    def ask(self, key: Key, now: datetime, **question: object) -> None:
        asked = Question(expires=now + self.ttl, **question)  # type: ignore[arg-type]
        data = {
            "choices": [list(choice) for choice in asked.choices],
            "partial": dump_command(asked.partial),
            "missing": asked.missing,
            "preview": asked.preview,
            "order": asked.order,
            "id": secrets.token_hex(8),
        }

        def upsert(conn: Connection[TupleRow]) -> None:
            conn.execute(
                "INSERT INTO questions (conversation, expires, question) VALUES (%s, %s, %s)"
                " ON CONFLICT (conversation) DO UPDATE SET expires = EXCLUDED.expires,"
                " question = EXCLUDED.question",
                (_conversation(key), asked.expires.timestamp(), json.dumps(data)),
            )

        self._database.write(upsert)

    def get(self, key: Key, now: datetime) -> Question | None:
        row = self._database.read(
            lambda conn: conn.execute(
                "SELECT expires, question FROM questions WHERE conversation = %s AND expires > %s",
                (_conversation(key), now.timestamp()),
            ).fetchone()
        )
        if row is None:
            return None
        expires, text = row
        data = json.loads(str(text))
        known = self._seen.get(str(data.get("id")))
        if known is not None:
            return known
        found = Question(
            expires=datetime.fromtimestamp(float(str(expires)), UTC),
            choices=[(str(label), str(value)) for label, value in data["choices"]],
            partial=load_command(data.get("partial")),
            missing=data.get("missing"),
            preview=bool(data.get("preview")),
            order=int(data.get("order") or 0),
        )
        self._seen[str(data.get("id"))] = found
        while len(self._seen) > 1000:
            self._seen.popitem(last=False)
        return found

    def drop(self, key: Key) -> bool:
        dropped = self._database.write(
            lambda conn: (
                conn.execute(
                    "DELETE FROM questions WHERE conversation = %s", (_conversation(key),)
                ).rowcount
            )
        )
        return int(dropped) > 0
