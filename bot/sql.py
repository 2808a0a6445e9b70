"""One SQL for both backends: the small stores that replicas share (issue 18).

The digest outbox, the offline-alert outbox and mutes, the settings made in chat and the Teams
conversation references are each one class written once against `Sql`, a port with two adapters:
`SqliteSql` (the index's file: one process, the default) and `bot.pg.sql.PgSql` (PostgreSQL, with
BOT_DATABASE_URL: every replica reads and claims the same rows). The statements are the dialect
both engines speak (`INSERT ... ON CONFLICT`, `?` placeholders, which the PostgreSQL adapter turns
into `%s`), so a store's claims behave the same on both and the contract tests
(tests/test_shared_stores.py) run each store on each backend.

Rows come back as tuples of `object`; the `text`/`number`/... helpers narrow them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

T = TypeVar("T")
Row = tuple[object, ...]


class Tx(Protocol):
    """One transaction's statements."""

    def execute(self, sql: str, args: Sequence[object] = ()) -> int: ...  # rows changed

    def execute_many(self, sql: str, batch: Sequence[Sequence[object]]) -> int: ...  # rows changed

    def rows(self, sql: str, args: Sequence[object] = ()) -> list[Row]: ...


class Sql(Protocol):
    backend: str  # "sqlite" or "postgresql"

    def write(self, work: Callable[[Tx], T]) -> T: ...  # one transaction, committed

    def read(self, work: Callable[[Tx], T]) -> T: ...


class _SqliteTx:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, args: Sequence[object] = ()) -> int:
        return self._conn.execute(sql, tuple(args)).rowcount

    def execute_many(self, sql: str, batch: Sequence[Sequence[object]]) -> int:
        before = self._conn.total_changes
        self._conn.executemany(sql, [tuple(r) for r in batch])
        return int(self._conn.total_changes - before)

    def rows(self, sql: str, args: Sequence[object] = ()) -> list[Row]:
        return [tuple(r) for r in self._conn.execute(sql, tuple(args)).fetchall()]


class SqliteSql:
    """The index's SQLite file (its connection, shared with the index)."""

    backend = "sqlite"

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def write(self, work: Callable[[Tx], T]) -> T:
        with self.conn:  # commits, or rolls back on an exception
            return work(_SqliteTx(self.conn))

    def read(self, work: Callable[[Tx], T]) -> T:
        return work(_SqliteTx(self.conn))


def execute(sql: Sql, statement: str, args: Sequence[object] = ()) -> int:
    """One statement in its own transaction; the number of rows it changed."""
    return sql.write(lambda tx: tx.execute(statement, args))


def query(sql: Sql, statement: str, args: Sequence[object] = ()) -> list[Row]:
    return sql.read(lambda tx: tx.rows(statement, args))


def text(value: object) -> str:
    return "" if value is None else str(value)


def optional_text(value: object) -> str | None:
    return None if value is None else str(value)


def number(value: object) -> float:
    return float(value) if isinstance(value, int | float | str) else 0.0


def optional_number(value: object) -> float | None:
    return None if value is None else number(value)


def integer(value: object) -> int:
    return int(value) if isinstance(value, int | float | str) else 0
