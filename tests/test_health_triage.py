"""Triage answers over the hand-built fleet, with times in the property's timezone."""

from __future__ import annotations

from test_health_world import NOW, SITE, fleet, make_client, make_store, resolver

from bot.clock import FakeClock
from bot.health.refresh import refresh_devices
from bot.health.sites import Site
from bot.health.triage import HealthQueries
from bot.sandbox.aws_handlers import DeviceBackend


async def queries() -> HealthQueries:
    clock = FakeClock(NOW)
    store = make_store()
    async with make_client(DeviceBackend(fleet()), clock) as client:
        await refresh_devices(client, store, [SITE], clock=clock, resolver=resolver())
    return HealthQueries(store, [SITE], clock)


async def test_offline_devices_grouped_with_since_and_duration() -> None:
    """Offline devices list property, room, since (local time, in words) and how long, ordered by room."""
    reply = (await queries()).offline_devices("sea view")
    assert reply.headline == "2 of 5 devices at Sea View are offline."
    assert reply.table is not None
    assert [row[1] for row in reply.table.rows] == ["102", "103"]
    assert reply.table.rows[0][4:7] == ["offline", "today 05:00", "2 h 0 min"]
    assert reply.table.rows[1][6] == "2 d 2 h"


async def test_unknown_property_is_an_error() -> None:
    """Naming a property that is not configured says which ones exist."""
    reply = (await queries()).offline_devices("Nowhere")
    assert "Sea View" in reply.headline


async def test_room_status_and_history_timeline() -> None:
    """`status room 105` shows its device; `history 105` lists its four changes oldest first."""
    q = await queries()
    status = q.room_status("105")
    assert status.headline == "Room 105: 1 of 1 devices online."
    history = q.history("105", days=7)
    assert history.table is not None
    assert [row[4] for row in history.table.rows] == ["OFFLINE", "ONLINE", "OFFLINE", "ONLINE"]
    assert history.table.rows[0][0] == "today 02:00"


async def test_flapping_and_uptime() -> None:
    """Only 105 flaps (4 changes in 24 h); 7-day uptime is computed per property."""
    q = await queries()
    flapping = q.flapping(24)
    assert flapping.table is not None and [r[3] for r in flapping.table.rows] == ["S105"]
    uptime = q.uptime("Sea View", 1)
    assert uptime.table is not None and uptime.table.rows[0][2] == "61.7%"


EMPTY_SITE = Site(property_id="P9", name="Test Inn", timezone="America/Los_Angeles")


async def test_property_without_devices_says_none_are_known() -> None:
    """A property with no devices is not "all 0 online" nor 100% up: it has no devices known and
    its uptime reads as a dash (no data)."""
    q = await queries()
    q = HealthQueries(q.store, [SITE, EMPTY_SITE], q.clock)
    assert q.offline_devices("Test Inn").headline == "No devices are known at Test Inn."
    uptime = q.uptime("Test Inn", 7)
    assert uptime.headline == "Uptime over 7 d at Test Inn: \u2013 (no devices are known there)."
    assert "100" not in uptime.headline and uptime.table is None


async def test_counts_of_one_are_singular() -> None:
    """One event, one flapping device: no "1 events" or "1 devices are"."""
    q = await queries()
    assert q.history("103", days=7).headline == "History of 103 over 7 d: 1 event."
    assert q.flapping(24).headline == "1 device is flapping (3+ changes in 24 h)."
    assert q.uptime(None, 1).headline.endswith("across 6 devices.")
