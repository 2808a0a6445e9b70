"""Shared fixtures. Keep each fixture small and documented; add new ones below the sandbox
section.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from bot.core.ledger.audit import AuditLog, Change
from bot.index.db import open_index
from bot.sandbox.demo import DEMO_WORLD_PATH
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import (
    Device,
    DeviceStatus,
    Event,
    Organization,
    Property,
    Room,
    RoomType,
    Station,
    World,
)

# -- sandbox worlds ------------------------------------------------------------------------

SMALL_ORG_ID = "amzn1.alexa.unit.did.SMALLORG"
STATIC_TOKEN = (
    "Atza|sandbox-static-token"  # always valid in every world that keeps the default LWA block
)
AUTH = {"Authorization": f"Bearer {STATIC_TOKEN}"}


def _uid(name: str) -> str:
    return f"amzn1.alexa.unit.did.{name}"


def _device(serial: str, *, online: bool = True, status: DeviceStatus = "READY") -> Device:
    return Device(
        serial=serial,
        name=f"Echo {serial}",
        type="A4ZP7ZC4PI6TO",
        arn=f"arn:aws:a4b:us-east-1:123456789012:device/{serial.lower()}/{serial}",
        endpointId=f"amzn1.alexa.endpoint.{serial}",
        softwareVersion="8289044612",
        macAddress="74:C2:46:00:00:01",
        status=status,
        connection="ONLINE" if online else "OFFLINE",
        events=[
            Event(type="CONNECTION_STATUS", value="ONLINE" if online else "OFFLINE", ago_s=7200)
        ],
    )


def build_small_world() -> World:
    """Two properties whose room names repeat ("101", "204" in both), ids spelled out for
    readable tests.

    Hotel A (US): room type KING (rooms 101 with a device and a station, 102 empty, 204 with an
    offline
    device and 3 alarms, 205 with an offline and a FAILED device and 2 alarms), room type EMPTY
    (no rooms).
    Hotel B (UK): room type DOUBLE (rooms 101, 204, each with one online device).
    """
    return World(
        organization=Organization(id=SMALL_ORG_ID),
        properties=[
            Property(
                id=_uid("HOTELA"),
                name="Hotel A",
                country="US",
                timezone="America/New_York",
                roomTypes=[
                    RoomType(
                        id=_uid("KING"),
                        name="King",
                        rooms=[
                            Room(
                                id=_uid("A101"),
                                name="101",
                                station=Station(providerId="I_HEART_RADIO", stationId="4242"),
                                alarms=1,
                                devices=[_device("SA101")],
                            ),
                            Room(id=_uid("A102"), name="102"),
                            Room(
                                id=_uid("A204"),
                                name="204",
                                alarms=3,
                                devices=[_device("SA204", online=False)],
                            ),
                            Room(
                                id=_uid("A205"),
                                name="205",
                                alarms=2,
                                devices=[
                                    _device("SA205X", online=False),
                                    _device("SA205Y", status="FAILED"),
                                ],
                            ),
                        ],
                    ),
                    RoomType(id=_uid("EMPTY"), name="Empty"),
                ],
            ),
            Property(
                id=_uid("HOTELB"),
                name="Hotel B",
                country="UK",
                timezone="Europe/London",
                roomTypes=[
                    RoomType(
                        id=_uid("DOUBLE"),
                        name="Double",
                        rooms=[
                            Room(id=_uid("B101"), name="101", devices=[_device("SB101")]),
                            Room(id=_uid("B204"), name="204", devices=[_device("SB204")]),
                        ],
                    )
                ],
            ),
        ],
        unplacedDevices=[_device("SPARE1")],
    )


@pytest.fixture(scope="session")
def _demo_world_text() -> str:
    return DEMO_WORLD_PATH.read_text(encoding="utf-8")


@pytest.fixture
def demo_world(_demo_world_text: str) -> World:
    """A fresh World loaded from the committed demo file (safe to mutate)."""
    return World.model_validate_json(_demo_world_text)


@pytest.fixture
def small_world() -> World:
    """A tiny hand-written World: see build_small_world."""
    return build_small_world()


@pytest.fixture(scope="session")
def _sandbox_server() -> Iterator[SandboxServer]:
    # One server for the session: stopping uvicorn costs ~0.1 s, so tests swap worlds instead.
    with SandboxServer(build_small_world()) as server:
        yield server


@pytest.fixture
def sandbox(_sandbox_server: SandboxServer, small_world: World) -> SandboxServer:
    """A running SandboxServer serving `small_world`, with fresh stats and tokens, no faults and
    the system clock. The server is shared by the session: swap worlds with `.reset(world,
    faults, clock=...)`; never `.stop()` it.
    """
    _sandbox_server.reset(small_world)
    return _sandbox_server


@pytest.fixture
def sandbox_url(sandbox: SandboxServer) -> str:
    """Base URL of the `sandbox` fixture's server, e.g. http://127.0.0.1:PORT."""
    return sandbox.url


@pytest.fixture
def sandbox_client(sandbox_url: str) -> Iterator[httpx.Client]:
    """A sync httpx client on the sandbox, authorized with the world's static token."""
    with httpx.Client(base_url=sandbox_url, headers=AUTH, timeout=10) as client:
        yield client


# -- conversation core: a real Engine on the sandbox (see tests/core_helpers.py) -------------------
# Appended by the core-tests owner; other sections above are unchanged.


@pytest.fixture
async def small_bot(sandbox: SandboxServer, small_world: World, tmp_path):  # type: ignore[no-untyped-def]
    """The bot (build_runtime, FakeClock, no [roles]: everyone front desk) synced from
    `small_world` on the shared sandbox. Hotel A is US, Hotel B is UK; no channel is bound."""
    from core_helpers import bot_on

    async with bot_on(sandbox, small_world, tmp_path) as bot:
        yield bot


@pytest.fixture
async def demo_bot(sandbox: SandboxServer, demo_world: World, tmp_path):  # type: ignore[no-untyped-def]
    """The bot synced from the demo world (4 properties, ~400 rooms), FakeClock, no [roles]."""
    from core_helpers import bot_on

    async with bot_on(sandbox, demo_world, tmp_path) as bot:
        yield bot


HV_DESK = "hv-desk"


@pytest.fixture
async def desk(sandbox: SandboxServer, demo_world: World, tmp_path):  # type: ignore[no-untyped-def]
    """The demo world's bot in channel HV_DESK, bound to Harbor View Seattle (bot.toml), as a
    front desk's channel is (the issue-17 trials' conversations)."""
    from core_helpers import bot_on, config_for

    config = config_for(demo_world, channels={"Harbor View Seattle": [HV_DESK]})
    async with bot_on(sandbox, demo_world, tmp_path, config=config) as bot:
        yield bot


AUDIT_JAZZ = {"providerId": "I_HEART_RADIO", "stationId": "4242"}


@pytest.fixture
def audit_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The database `bot audit` reads (BOT_DB_PATH): room 204 changed 1 h ago, room 311 50 h ago."""
    path = tmp_path / "bot.db"
    monkeypatch.setenv("BOT_DB_PATH", str(path))
    log = AuditLog(open_index(path))
    for hours_ago, room in ((1, "204"), (50, "311")):
        log.record(
            at=datetime.now(UTC) - timedelta(hours=hours_ago), platform="console", user="alice",
            channel=None, text=f"set room {room} to jazz", command="SetStation", parsed="-",
            targets=[room], outcome="ok", changes=[Change("station", room, room, "Harbor View", None, AUDIT_JAZZ)],
        )  # fmt: skip
    return path
