"""`find user` (SearchUsers, seed 001): filters by name or e-mail, sorted, enrollment shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from core_helpers import text_of
from profile_support import ProfileBot, profile_bot

from bot.core.shared.replies import ReplyKind
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World


@pytest.fixture
async def pbot(sandbox: SandboxServer, small_world: World, tmp_path: Path) -> Any:
    async with profile_bot(sandbox, small_world, tmp_path) as bot:
        yield bot


async def test_find_by_email_uses_the_email_filter(pbot: ProfileBot) -> None:
    """An e-mail address is searched with the Email filter and the user's enrollment is shown."""
    reply = await pbot.say("find user maria.lopez@harborview.example")
    assert reply.table is not None and reply.table.rows == [
        ["Maria Lopez", "maria.lopez@harborview.example", "enrolled"]
    ]
    body = pbot.a4b.bodies("SearchUsers")[0]
    assert body["Filters"] == [{"Key": "Email", "Values": ["maria.lopez@harborview.example"]}]
    assert body["SortCriteria"] == [
        {"Key": "LastName", "Value": "ASC"},
        {"Key": "FirstName", "Value": "ASC"},
    ]


async def test_one_word_matches_first_or_last_name_sorted_by_last_name(pbot: ProfileBot) -> None:
    """`find user maria` finds first names and last names, each once, sorted by last name."""
    reply = await pbot.say("find user maria")
    assert reply.table is not None
    assert [row[0] for row in reply.table.rows] == ["Maria Lopez", "Tom Maria", "Maria Schmidt"]
    assert "being removed from the organization" in text_of(reply)


async def test_first_and_last_name_together(pbot: ProfileBot) -> None:
    """`find user Maria Lopez` sends FirstName and LastName filters together."""
    reply = await pbot.say("find user Maria Lopez")
    assert reply.table is not None and [r[0] for r in reply.table.rows] == ["Maria Lopez"]
    assert {"Key": "LastName", "Values": ["Lopez"]} in pbot.a4b.bodies("SearchUsers")[0]["Filters"]


async def test_status_filter(pbot: ProfileBot) -> None:
    """`users with status pending` filters on EnrollmentStatus."""
    reply = await pbot.say("users with status pending")
    assert reply.table is not None and [r[0] for r in reply.table.rows] == ["James Chen"]
    assert pbot.a4b.bodies("SearchUsers")[0]["Filters"] == [
        {"Key": "EnrollmentStatus", "Values": ["PENDING"]}
    ]


async def test_unknown_status_is_refused_with_the_list(pbot: ProfileBot) -> None:
    """An enrollment status outside seed 001's enum is refused before sending, listing the allowed ones."""
    reply = await pbot.say("find user maria status sleeping")
    assert reply.kind is ReplyKind.ERROR and "REGISTERED" in reply.headline
    assert pbot.a4b.bodies("SearchUsers") == []


async def test_nobody_found(pbot: ProfileBot) -> None:
    """No match answers plainly."""
    reply = await pbot.say("find user zebediah")
    assert reply.headline.startswith("No user matches")


async def test_counts_are_singular_or_plural(pbot: ProfileBot) -> None:
    """ "1 user matching …", "3 users matching …", and a status-only search reads "with status"."""
    one = await pbot.say("find user lopez")
    assert one.headline == "1 user matching \u201clopez\u201d:"
    three = await pbot.say("find user maria")
    assert three.headline == "3 users matching \u201cmaria\u201d:"
    pending = await pbot.say("users with status pending")
    assert pending.headline == "1 user with status pending:"
