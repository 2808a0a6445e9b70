"""Opening the shared PostgreSQL database: a connection pool, migrated on open."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import psycopg
from psycopg import Connection
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import TupleRow
from psycopg_pool import ConnectionPool, PoolTimeout

from bot.schema import migrate_pg
from bot.settings import ConfigError

T = TypeVar("T")

POSTGRES_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def is_postgres_url(url: str | None) -> bool:
    return bool(url) and str(url).startswith(POSTGRES_SCHEMES)


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


class PgDatabase:
    """A pool of connections to one database; `write(work)` runs `work` in one transaction."""

    def __init__(
        self, url: str, *, min_size: int = 1, max_size: int = 8, wait_s: float = 10.0
    ) -> None:
        self.url = _plain(url)
        self.pool = ConnectionPool(
            self.url, min_size=min_size, max_size=max_size, open=False, name="bot"
        )
        try:
            self.pool.open(wait=True, timeout=wait_s)
            with self.pool.connection() as conn:
                migrate_pg(conn)
        except (PoolTimeout, psycopg.Error) as error:
            self.pool.close()
            raise ConfigError(
                f"the database at {where(self.url)} cannot be used: {_first_line(error)}; check "
                "BOT_DATABASE_URL and that PostgreSQL is up"
            ) from None

    def write(self, work: Callable[[Connection[TupleRow]], T]) -> T:
        with self.pool.connection() as conn, conn.transaction():
            return work(conn)

    def read(self, work: Callable[[Connection[TupleRow]], T]) -> T:
        with self.pool.connection() as conn:
            return work(conn)

    def close(self) -> None:
        self.pool.close()


def where(url: str) -> str:
    """host:port/database of a URL, without its user or password (for logs and `bot doctor`)."""
    params = conninfo_to_dict(url)
    host = params.get("host") or "localhost"
    return f"{host}:{params.get('port') or 5432}/{params.get('dbname') or ''}"


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
