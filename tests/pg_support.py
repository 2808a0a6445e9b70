"""PostgreSQL for tests: a fresh database per test on the server BOT_TEST_DATABASE_URL names
(.ci/run starts one; `. .ci/postgres.sh; pg_start` by hand). Without it, these tests skip."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest

SERVER_URL = os.environ.get("BOT_TEST_DATABASE_URL", "")

needs_postgres = pytest.mark.skipif(
    not SERVER_URL, reason="BOT_TEST_DATABASE_URL is not set (no PostgreSQL to test against)"
)


@contextmanager
def fresh_database() -> Iterator[str]:
    """The URL of a new, empty database, dropped afterwards."""
    import psycopg

    name = f"bot_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(SERVER_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(SERVER_URL)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(SERVER_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
