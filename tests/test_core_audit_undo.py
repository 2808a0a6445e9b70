"""The audit log's contents, `bot audit --json`, undo, and previews that call no mutating API."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from core_helpers import BotUnderTest, bot_on, config_for, text_of
from typer.testing import CliRunner

from bot.cli import app
from bot.core.shared.replies import ReplyKind
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World
from bot.settings import RolesConfig

JAZZ = {"providerId": "I_HEART_RADIO", "stationId": "4242"}
POP = {"providerId": "I_HEART_RADIO", "stationId": "4422"}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


async def test_a_change_is_audited_with_who_where_what_before_after_and_request_ids(
    small_bot: BotUnderTest,
) -> None:
    """Every field the issue names is in the entry: time, platform, user, channel, text, parsed
    command, targets, before and after, outcome, and the X-Amzn-RequestId of the write."""
    text = "set rooms 101, 102 at Hotel A to pop please"
    reply = await small_bot.say(text, user="U42", channel="C7", platform="slack")
    assert reply.kind == ReplyKind.SUCCESS, text_of(reply)
    entry = small_bot.runtime.services.audit.entries(limit=1)[0]
    assert (entry.platform, entry.user, entry.channel, entry.text) == ("slack", "U42", "C7", text)
    assert (
        entry.command == "SetStation" and "SetStation(" in entry.parsed and "'pop'" in entry.parsed
    )
    assert entry.outcome == "ok"
    assert entry.at.startswith("2026-01-15T12:00")  # the FakeClock's time
    by_room = {c.unit_name: c for c in entry.changes}
    assert set(entry.targets) == {c.unit_id for c in entry.changes} and len(by_room) == 2
    assert by_room["101"].before == JAZZ and by_room["101"].after == POP
    assert by_room["102"].before is None and by_room["102"].after == POP
    assert all(c.ok and c.property_name == "Hotel A" for c in entry.changes)
    assert len(entry.request_ids) == 2 and all(UUID.match(r) for r in entry.request_ids)


async def test_refusals_and_failures_are_audited(small_bot: BotUnderTest) -> None:
    """A refused command and a failed one each leave an entry (with the reason / device errors)."""
    await small_bot.say("delete room 102 at Hotel A", user="desk")
    await small_bot.say("clear alarms in 204 at Hotel A", user="desk")
    failed, refused = small_bot.runtime.services.audit.entries(limit=2)
    assert (refused.outcome, refused.command) == ("refused", "DeleteUnit")
    assert (failed.outcome, failed.command) == ("failed", "ClearAlerts")
    assert failed.changes and "device offline" in (failed.changes[0].error or "")
    assert failed.request_ids  # the failed DELETE's request id, for Amazon support


async def test_bot_audit_json_prints_the_entries(small_bot: BotUnderTest, tmp_path: Path) -> None:
    """`bot audit --json` (BOT_DB_PATH set) prints one JSON object per entry, newest first, with the
    changes.
    """
    await small_bot.say("set room 102 at Hotel A to jazz", user="U1")
    await small_bot.say("add room 9 to King at Hotel A", user="U1")
    result = CliRunner().invoke(
        app, ["audit", "--json"], env={"BOT_DB_PATH": str(tmp_path / "bot.db")}
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines() if line.strip()]
    assert [e["outcome"] for e in lines] == ["refused", "ok"]
    change = lines[1]["changes"][0]
    assert change["unit_name"] == "102" and change["before"] is None and change["after"] == JAZZ
    assert (
        lines[1]["request_ids"] and lines[1]["user"] == "U1" and lines[1]["platform"] == "console"
    )
    plain = CliRunner().invoke(
        app, ["audit", "--limit", "1"], env={"BOT_DB_PATH": str(tmp_path / "bot.db")}
    )
    assert plain.exit_code == 0 and "refused" in plain.output


async def test_undo_puts_the_previous_station_back(small_bot: BotUnderTest) -> None:
    """Undo after a station change restores the station that was there before, and is audited as an
    undo.
    """
    await small_bot.say("set room 101 at Hotel A to pop")
    assert small_bot.station("Hotel A", "101") == ("I_HEART_RADIO", "4422")
    reply = await small_bot.say("undo")
    assert reply.kind == ReplyKind.SUCCESS and "back on Jazz" in reply.headline, text_of(reply)
    assert small_bot.station("Hotel A", "101") == ("I_HEART_RADIO", "4242")
    entries = small_bot.runtime.services.audit.entries(limit=2)
    assert entries[0].command == "Undo" and entries[0].undoes == entries[1].id
    assert entries[1].undone_by == entries[0].id


async def test_undo_says_plainly_when_a_room_had_no_station(small_bot: BotUnderTest) -> None:
    """A room that had no station before cannot go back to none: the reply says so; it keeps the new
    one.
    """
    await small_bot.say("set room 102 at Hotel A to jazz")
    reply = await small_bot.say("undo")
    assert "had no station before" in text_of(reply)
    assert small_bot.station("Hotel A", "102") == ("I_HEART_RADIO", "4242")


async def test_undo_is_per_user_and_deletes_cannot_be_undone(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """Bob cannot undo Alice's change; a delete is reported as not undoable."""
    config = config_for(small_world, roles=RolesConfig(admin=["boss"], front_desk=["*"]))
    async with bot_on(sandbox, small_world, tmp_path, config=config) as bot:
        await bot.say("set room 101 at Hotel A to pop", user="alice")
        reply = await bot.say("undo", user="bob")
        assert "nothing of yours to undo" in reply.headline
        assert bot.station("Hotel A", "101") == ("I_HEART_RADIO", "4422")
        await bot.say("delete room 102 at Hotel A", user="boss")
        await bot.say("yes", user="boss")
        reply = await bot.say("undo", user="boss")
        assert reply.kind == ReplyKind.REFUSAL and "cannot be undone" in reply.headline


async def test_undo_renames_a_room_type_back(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """Undo of a rename restores the old name on the sandbox and in the index."""
    config = config_for(small_world, roles=RolesConfig(admin=["boss"]))
    async with bot_on(sandbox, small_world, tmp_path, config=config) as bot:
        await bot.say("rename room type King to Royal at Hotel A", user="boss")
        assert bot.state.world.properties[0].roomTypes[0].name == "Royal"
        reply = await bot.say("undo", user="boss")
        assert reply.kind == ReplyKind.SUCCESS, text_of(reply)
        assert bot.state.world.properties[0].roomTypes[0].name == "King"
        assert [t.name for t in bot.runtime.index.find_room_types("King")] == ["King"]


PREVIEWS = [
    "preview set all rooms at Hotel A to pop",
    "set room type King at Hotel A to pop dry run",
    "preview clear alarms in rooms 204, 205 at Hotel A",
    "clear everything in 101 at Hotel A (dry run)",
    "preview add room 300 to King at Hotel A",
    "preview rename room 101 to 199 at Hotel A",
    "preview delete room 102 at Hotel A",
    "preview add property Bayside",
]


@pytest.mark.parametrize("text", PREVIEWS)
async def test_preview_calls_no_mutating_api(
    sandbox: SandboxServer, small_world: World, tmp_path: Path, text: str
) -> None:
    """A preview (even an admin's delete) sends no PUT, POST or DELETE and changes nothing on the
    sandbox.
    """
    config = config_for(small_world, roles=RolesConfig(admin=["boss"]))
    async with bot_on(sandbox, small_world, tmp_path, config=config) as bot:
        before = bot.snapshot()
        reply = await bot.say(text, user="boss")
        assert reply.headline.startswith("Preview"), text_of(reply)
        assert "Nothing was changed" in reply.headline
        assert reply.kind not in (ReplyKind.SUCCESS, ReplyKind.CONFIRM)
        assert bot.mutating_requests() == {}
        assert bot.snapshot() == before
        assert bot.runtime.services.pending.latest_for("boss", None) is None


async def test_station_preview_shows_now_and_would_be(small_bot: BotUnderTest) -> None:
    """A station preview lists each room with its current and would-be station; it is audited."""
    reply = await small_bot.say("preview set all rooms at Hotel A to pop")
    assert reply.table is not None and reply.table.columns == [
        "Room",
        "Property",
        "Now",
        "Would be",
    ]
    rows = {row[0]: row for row in reply.table.rows}
    assert rows["101"][2].startswith("Jazz") and rows["102"][2] == "no station set"
    assert all(row[3].startswith("Pop") for row in rows.values())
    assert small_bot.runtime.services.audit.entries(limit=1)[0].outcome == "preview"
