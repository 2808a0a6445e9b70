"""A file-backed index is written by a worker thread on its own connection; the bot's connection sees it."""

from __future__ import annotations

from pathlib import Path

from test_sync import make_source

from bot.index.lookup import Index
from bot.index.sync import full_sync


async def test_sync_into_a_file_is_seen_by_the_bots_connection(tmp_path: Path) -> None:
    """After a full sync into a file, lookups on the original Index find every room and room type."""
    index = Index(tmp_path / "index.db")
    report = await full_sync(index, make_source(properties=3, types=2, rooms=4), "org")
    assert (report.properties, report.room_types, report.rooms) == (3, 7, 24)
    counts = index.counts()
    assert (counts.properties, counts.room_types, counts.rooms) == (3, 7, 24)
    some_room = index.rooms_of_property(index.properties()[0].id)[0]
    assert some_room in index.find_rooms(some_room.room_name, some_room.property_id)


async def test_a_second_sync_replaces_rather_than_adds(tmp_path: Path) -> None:
    """Syncing twice into the same file leaves one copy of everything."""
    index = Index(tmp_path / "index.db")
    await full_sync(index, make_source(), "org")
    await full_sync(index, make_source(), "org")
    assert index.counts().rooms == 3 * 2 * 4
