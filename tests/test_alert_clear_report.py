"""Clearing alarms, reminders and timers: each failed device by its name, lost answers apart from
failures, progress by rooms (trial findings, item 13)."""

from __future__ import annotations

from core_helpers import BotUnderTest, text_of

from bot.core.changes.unit_writes import devices_text
from bot.core.shared.replies import ReplyKind
from bot.health.store import DeviceRow, HealthStore
from bot.sandbox.faults import FaultRule


def _known_device(serial: str, name: str) -> DeviceRow:
    """A device as the health refresh keeps it: with its name and its ASP endpoint."""
    return DeviceRow(
        arn=f"arn:aws:a4b:us-east-1:123456789012:device/{serial.lower()}/{serial}",
        serial=serial, name=name, type="A4ZP7ZC4PI6TO", status="READY", connection="OFFLINE",
        room_name_a4b=None, property_id=None, room_id=None, room_name=None, last_changed=0.0,
        refreshed_at=0.0, endpoint_id=f"amzn1.alexa.endpoint.{serial}",
    )  # fmt: skip


async def test_a_failed_device_is_named_and_an_unknown_one_is_one_device(
    small_bot: BotUnderTest,
) -> None:
    """A device the bot knows is named ("HVS-204 Echo Dot (device offline or unreachable)"); one
    it does not know is "one device", never its endpoint id; the table lists real failures."""
    HealthStore(small_bot.runtime.index.db).upsert_devices(
        [_known_device("SA204", "HVS-204 Echo Dot"), _known_device("SA205Y", "HVS-205 Echo Show")]
    )
    await small_bot.say("clear alarms in rooms 204, 205 at Hotel A")
    done = await small_bot.say("yes")
    assert done.kind == ReplyKind.SUMMARY, text_of(done)
    assert done.table is not None
    by_room = {row[0]: row[3] for row in done.table.rows}
    assert by_room["204"] == "not cleared on HVS-204 Echo Dot (device offline or unreachable)"
    assert by_room["205"] == (
        "not cleared on HVS-205 Echo Show (unexpected error at Amazon) and one other device "
        "(device offline or unreachable)"
    )
    assert "amzn1" not in text_of(done)
    assert "2 rooms not cleared on some devices" in done.headline
    assert "not confirmed" not in done.headline


async def test_a_lost_answer_is_not_confirmed_not_failed(small_bot: BotUnderTest) -> None:
    """Room 101's alarm delete answers 500 every time (Amazon may have done it): the heading and
    the table say "not confirmed: clear again to be sure" for 101, apart from 204's real failure."""
    small_bot.server.faults.update(
        rules=[FaultRule("500", method="DELETE", units=["amzn1.alexa.unit.did.A101"])]
    )
    await small_bot.say("clear alarms in rooms 101, 204 at Hotel A")
    done = await small_bot.say("yes")
    assert done.kind == ReplyKind.SUMMARY, text_of(done)
    assert done.headline.startswith("Cleared alarms in 0 of 2 rooms; "), done.headline
    assert "1 room not cleared on some devices" in done.headline
    assert "1 room not confirmed (below): Amazon's answer was lost" in done.headline
    assert done.table is not None
    by_room = {row[0]: row[3] for row in done.table.rows}
    assert by_room["101"].startswith("not confirmed: clear again to be sure")
    assert by_room["204"].startswith("not cleared on one device")
    assert "failed" not in by_room["101"].lower()


async def test_progress_of_a_clear_of_three_kinds_counts_rooms(small_bot: BotUnderTest) -> None:
    """`clear everything` in 4 rooms is 12 writes; progress says "of 4 rooms", never "of 12"."""
    small_bot.runtime.config.bot.progress_interval_seconds = 0.0
    await small_bot.say("clear everything in rooms 101, 102, 204, 205 at Hotel A")
    await small_bot.say("yes")
    said = [p.headline for p in small_bot.progress if p.headline.startswith("Working")]
    assert said, "a run over several rooms shows progress"
    assert all(" of 4 rooms done" in line for line in said), said
    assert said[-1].startswith("Working: 4 of 4 rooms done, 2 failed"), said


def test_several_failed_devices_are_listed_one_by_one() -> None:
    """Three or more failed devices are separated by semicolons; unnamed ones are counted."""
    text = devices_text(
        [
            ("e1", "offline"),
            ("e2", "failed"),
            ("e3", "failed"),
            (None, "failed"),
            ("e4", "offline"),
        ],
        {"e1": "Lobby Dot", "e4": "Bar Dot"},
    )
    assert text == "Lobby Dot (offline); Bar Dot (offline); 3 other devices (failed)"
