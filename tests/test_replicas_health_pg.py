"""Device health shared by replicas (issue 18): the device index is in PostgreSQL, so a refresh by
one replica is what every replica answers from, and none asks Amazon again while it is fresh.
Real parts: build_runtime, the sandbox over HTTP (A4B, Endpoints API), PostgreSQL (skips without
BOT_TEST_DATABASE_URL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from core_helpers import text_of
from health_support import desk_of, health_bot
from pg_support import fresh_database, needs_postgres
from test_health_serial_rooms import unconventional_world

from bot.sandbox.server import SandboxServer

pytestmark = needs_postgres


async def test_a_refresh_by_one_replica_is_what_another_answers_from(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = unconventional_world()
    with fresh_database() as url:
        async with (
            health_bot(sandbox, world, tmp_path / "a", monkeypatch, database_url=url) as first,
            health_bot(sandbox, world, tmp_path / "b", monkeypatch, database_url=url) as second,
        ):
            synced = await first.say("sync devices")
            assert "device" in synced.headline, text_of(synced)
            second.reset_stats()
            offline = await second.say("offline devices at Hotel A")
            assert offline.table is not None, text_of(offline)
            rooms = {(row[1], row[3], row[4]) for row in offline.table.rows}
            assert rooms == {
                ("204", "SA204", "offline"),
                ("205", "SA205X", "offline"),
                ("205", "SA205Y", "FAILED (online)"),
            }
            # no device refresh (A4B) on B: only ASP's word on the offline devices
            requests = second.stats()["requests"]
            assert set(requests) == {"GET /v2/endpoints/{endpointId}/features/connectivity"}, (
                requests
            )
            stored = desk_of(second).store.devices()
            assert stored == desk_of(first).store.devices() and stored
