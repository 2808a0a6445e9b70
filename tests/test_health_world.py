"""A hand-built fleet whose health answers are known by construction (shared by the health tests).

Property "Sea View" (America/Los_Angeles), digest at 07:00, now = 2026-03-10 07:00 PDT.
  101  ONLINE throughout                                 24 h online
  102  OFFLINE since -2 h (ONLINE since -10 d)           22 h  -> newly offline
  103  OFFLINE since -50 h                                0 h  -> offline > 24 h
  104  OFFLINE -30 h .. -6 h, then ONLINE                 6 h  -> recovered
  105  OFF -5 h, ON -4 h, OFF -3 h, ON -2 h              22 h  -> flapping (4 changes)
  a "Lobby Kiosk" device that matches no property        unplaced
Property 24 h uptime = 74/120 = 61.667 %; the day before 90/120 = 75 %.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
import sqlite_utils
from botocore.credentials import Credentials

from bot.clients.a4b import A4BClient
from bot.clock import FakeClock
from bot.health.placement import RoomResolver
from bot.health.sites import Site
from bot.health.store import HealthStore
from bot.sandbox.aws_handlers import DeviceBackend, DeviceRecord, backend_transport

NOW = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)  # 07:00 PDT
SITE = Site(
    property_id="P1",
    name="Sea View",
    timezone="America/Los_Angeles",
    digest_channel="#sea-view-ops",
)
ROOMS = {("P1", r): f"R{r}" for r in ("101", "102", "103", "104", "105")}


def resolver() -> RoomResolver:
    return lambda property_id, room: ROOMS.get((property_id, room))


def _events(*spec: tuple[float, str]) -> list[tuple[datetime, str, str]]:
    return [(NOW - timedelta(hours=h), "CONNECTION_STATUS", v) for h, v in spec]


def _device(
    n: str, connection: str, room: str, events: list[tuple[datetime, str, str]]
) -> DeviceRecord:
    return DeviceRecord(
        arn=f"arn:aws:a4b:us-east-1:1:device/{n}",
        serial=f"S{n}",
        name=f"Echo {n}",
        type="ECHO",
        software_version="1",
        mac_address="00:00:00:00:00:00",
        status="READY",
        connection=connection,
        room_name=room,
        events=events,
    )


def fleet() -> list[DeviceRecord]:
    return [
        _device("101", "ONLINE", "Sea View 101", []),
        _device("102", "OFFLINE", "Sea View 102", _events((240, "ONLINE"), (2, "OFFLINE"))),
        _device("103", "OFFLINE", "Sea View 103", _events((240, "ONLINE"), (50, "OFFLINE"))),
        _device("104", "ONLINE", "Sea View 104", _events((30, "OFFLINE"), (6, "ONLINE"))),
        _device(
            "105",
            "ONLINE",
            "Sea View 105",
            _events((5, "OFFLINE"), (4, "ONLINE"), (3, "OFFLINE"), (2, "ONLINE")),
        ),
        _device("900", "ONLINE", "Lobby Kiosk", []),
    ]


@pytest.fixture(autouse=True)
def fake_aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "fake-secret-for-tests")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def make_client(
    backend: DeviceBackend, clock: FakeClock, seen: list[httpx.Request] | None = None
) -> A4BClient:
    return A4BClient(
        "http://a4b.test",
        transport=backend_transport(backend, seen),
        clock=clock,
        credentials=Credentials("AKIDEXAMPLE", "fake-secret-for-tests"),
    )


def make_store() -> HealthStore:
    return HealthStore(sqlite_utils.Database(memory=True))


def test_fleet_is_what_the_docstring_says() -> None:
    """The shared fleet has five placed rooms and one unplaced device."""
    assert len(fleet()) == 6
