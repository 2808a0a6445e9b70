"""Opening the shared PostgreSQL database: a connection pool, migrated on open."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from psycopg import Connection
from psycopg_pool import ConnectionPool

from bot.schema import migrate_pg

T = TypeVar("T")

POSTGRES_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def is_postgres_url(url: str | None) -> bool:
    return bool(url) and str(url).startswith(POSTGRES_SCHEMES)


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


class PgDatabase:
    """A pool of connections to one database; `write(work)` runs `work` in one transaction."""

    def __init__(self, url: str, *, min_size: int = 1, max_size: int = 8) -> None:
        self.url = _plain(url)
        self.pool = ConnectionPool(
            self.url, min_size=min_size, max_size=max_size, open=True, name="bot"
        )
        with self.pool.connection() as conn:
            migrate_pg(conn)

    def write(self, work: Callable[[Connection[Any]], T]) -> T:
        with self.pool.connection() as conn, conn.transaction():
            return work(conn)

    def read(self, work: Callable[[Connection[Any]], T]) -> T:
        with self.pool.connection() as conn:
            return work(conn)

    def close(self) -> None:
        self.pool.close()
