"""Confirmations as data, for replicas: each question waiting for a yes or no is also a row of
PostgreSQL (token, who, where, what was typed, the summary it showed, expiry), so a `yes` or a
Confirm button that the load balancer sends to another replica finds it. The replica that asked
keeps the parked run in memory and runs it itself; another replica gets a Pending marked remote,
which the engine rebuilds from the typed request (bot/core/conversation/confirm_elsewhere.py). Taking one is a
`DELETE ... RETURNING`: one replica answers it, once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from psycopg import Connection
from psycopg.rows import TupleRow

from bot.core.access.pending import Pending, PendingStore
from bot.core.shared.replies import Reply
from bot.pg.database import PgDatabase

_COLUMNS = 'token, platform, "user", channel, thread, summary, text, command, expires, request'


async def _elsewhere() -> Reply:  # never run: the engine rebuilds a remote confirmation
    raise RuntimeError("a confirmation asked on another replica is rebuilt, not run")


def _remote(row: TupleRow) -> Pending:
    token, platform, user, channel, thread, summary, text, command, expires, request = row
    return Pending(
        token, user, channel, summary, _elsewhere, datetime.fromtimestamp(expires, UTC), text,
        command,
        extra={"remote": True, "platform": platform, "thread": thread, "request": request},
    )  # fmt: skip


class SharedPendingStore(PendingStore):
    def __init__(self, database: PgDatabase) -> None:
        super().__init__()
        self._database = database

    def add(
        self,
        *,
        user: str,
        channel: str | None,
        summary: str,
        run: Callable[[], Awaitable[Reply]],
        now: datetime,
        ttl: timedelta,
        text: str,
        command: str,
        owner: object = None,
        units: tuple[str, ...] = (),
        asked_after: int = 0,
    ) -> Pending:
        msg = getattr(owner, "msg", None)
        while True:
            pending = super().add(
                user=user, channel=channel, summary=summary, run=run, now=now, ttl=ttl,
                text=text, command=command, owner=owner, units=units, asked_after=asked_after,
            )  # fmt: skip
            values = (
                pending.token, getattr(msg, "platform", "console"), user, channel,
                getattr(msg, "thread", None), summary, text, command, pending.expires.timestamp(),
                # what to handle again on another replica: the whole request when it was
                # completed by an answer to a question, else what was typed
                getattr(msg, "answered", None) or getattr(msg, "text", text),
            )  # fmt: skip

            def insert(conn: Connection[TupleRow], values: tuple[object, ...] = values) -> int:
                return conn.execute(
                    f"INSERT INTO confirmations ({_COLUMNS}) VALUES"
                    " (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (token) DO NOTHING",
                    values,
                ).rowcount

            stored = self._database.write(insert)
            if stored:
                return pending
            super().pop(pending.token)  # another replica's token: draw again

    def get(self, token: str) -> Pending | None:
        row = self._database.read(
            lambda conn: conn.execute(
                f"SELECT {_COLUMNS} FROM confirmations WHERE token = %s", (token,)
            ).fetchone()
        )
        if row is None:
            return None
        return super().get(token) or _remote(row)

    def waiting_for(self, user: str, channel: str | None) -> list[Pending]:
        def read(conn: Connection[TupleRow]) -> list[TupleRow]:
            mine = conn.execute(
                f'SELECT {_COLUMNS} FROM confirmations WHERE "user" = %s'
                " AND channel IS NOT DISTINCT FROM %s",
                (user, channel),
            ).fetchall()
            if mine:
                return mine
            return conn.execute(
                f'SELECT {_COLUMNS} FROM confirmations WHERE "user" = %s', (user,)
            ).fetchall()

        found = [PendingStore.get(self, r[0]) or _remote(r) for r in self._database.read(read)]
        return sorted(found, key=lambda p: p.expires)

    def pop(self, token: str, *, settled: str | None = None) -> Pending | None:
        row = self._database.write(
            lambda conn: conn.execute(
                f"DELETE FROM confirmations WHERE token = %s RETURNING {_COLUMNS}", (token,)
            ).fetchone()
        )
        if row is None:
            super().pop(token)
            return None  # answered already, here or on another replica
        remote = _remote(row)
        if token not in self._by_token:  # asked elsewhere: parked here as its remote twin
            self._by_token[token] = remote
        return super().pop(token, settled=settled)

    def purge(self, now: datetime) -> int:
        purged = super().purge(now)
        # Kept a day past expiry, so a late `yes` is told it expired rather than "nothing waiting".
        self._database.write(
            lambda conn: conn.execute(
                "DELETE FROM confirmations WHERE expires < %s", (now.timestamp() - 86400,)
            )
        )
        return purged
