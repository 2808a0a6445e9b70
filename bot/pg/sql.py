"""The `bot.sql.Sql` port on PostgreSQL: the shared stores (digest outbox, offline alerts and
mutes, settings made in chat, Teams conversation references) read and claim rows every replica
sees. Their statements are written once, with `?` placeholders, turned into psycopg's `%s` here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from psycopg import Connection
from psycopg.rows import TupleRow

from bot.pg.database import PgDatabase
from bot.sql import Row, Tx

T = TypeVar("T")


def _postgres(statement: str) -> str:
    # The shared stores' statements hold no literal `?` or `%`.
    return statement.replace("?", "%s")


class _PgTx:
    def __init__(self, conn: Connection[TupleRow]) -> None:
        self._conn = conn

    def execute(self, sql: str, args: Sequence[object] = ()) -> int:
        return self._conn.execute(_postgres(sql), tuple(args)).rowcount

    def execute_many(self, sql: str, batch: Sequence[Sequence[object]]) -> int:
        with self._conn.cursor() as cursor:
            cursor.executemany(_postgres(sql), [tuple(r) for r in batch])
            return max(cursor.rowcount, 0)  # the sum over the batch (psycopg 3.1+)

    def rows(self, sql: str, args: Sequence[object] = ()) -> list[Row]:
        return [tuple(r) for r in self._conn.execute(_postgres(sql), tuple(args)).fetchall()]


class PgSql:
    backend = "postgresql"

    def __init__(self, database: PgDatabase) -> None:
        self.database = database

    def write(self, work: Callable[[Tx], T]) -> T:
        return self.database.write(lambda conn: work(_PgTx(conn)))

    def read(self, work: Callable[[Tx], T]) -> T:
        return self.database.read(lambda conn: work(_PgTx(conn)))
