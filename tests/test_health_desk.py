"""Device-health commands through the conversation core, on the demo world served by the sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.engine import Message
from bot.core.replies import Reply, ReplyKind
from bot.demo import DEMO_CHANNEL, DEMO_USER, demo_runtime
from bot.health.desk import HealthDesk
from bot.runtime import Runtime


@pytest.fixture
async def runtime() -> AsyncIterator[Runtime]:
    async with demo_runtime() as (rt, _server):
        yield rt


async def say(
    rt: Runtime, text: str, user: str = DEMO_USER, channel: str | None = DEMO_CHANNEL
) -> Reply:
    return await rt.engine.handle(
        Message(text=text, user=user, channel=channel, platform="console")
    )


async def test_offline_devices_lists_each_with_room_and_since(runtime: Runtime) -> None:
    """`offline devices at <property>` answers with a table of room, device and since when."""
    reply = await say(runtime, "offline devices at Rive Gauche Paris")
    assert "offline" in reply.headline and reply.table is not None
    assert reply.table.columns[:2] == ["Property", "Room"]
    assert all(row[0] == "Rive Gauche Paris" for row in reply.table.rows)


async def test_history_of_a_room_at_a_named_property(runtime: Runtime) -> None:
    """`history 204 at Lakeside Chicago 3d` finds the room's device through its A4B room name."""
    reply = await say(runtime, "history 204 at Lakeside Chicago 3d")
    assert reply.table is not None and reply.table.rows
    assert all(row[1] == "204" for row in reply.table.rows)


async def test_triage_needs_the_engineer_role(runtime: Runtime) -> None:
    """Front-desk staff are told politely that triage is for engineers."""
    reply = await say(runtime, "offline devices", user="UFRONTDESK")
    assert reply.kind == ReplyKind.REFUSAL and "engineer" in reply.headline


async def test_digest_reply_carries_its_chart(runtime: Runtime) -> None:
    """`digest <property>` builds the digest now, with the 7-day chart attached."""
    reply = await say(runtime, "digest Harbor View Seattle")
    assert reply.headline.startswith("Device health for Harbor View Seattle")
    assert reply.attachments and reply.attachments[0].data.startswith(b"\x89PNG")


async def test_every_digest_path_has_the_capacity_section(runtime: Runtime, tmp_path: Path) -> None:
    """The chat command, `bot digest` and the nightly sender all carry the guest-profile capacity
    section (the demo's Customer Profiles domain has object types near their maximum)."""
    desk = runtime.services.health
    assert isinstance(desk, HealthDesk)
    chat = await say(runtime, "digest Harbor View Seattle")
    [command] = await desk.digest_command(
        "Harbor View Seattle", post=False, out=tmp_path, poster=None
    )
    posted: list[Reply] = []

    class Poster:
        async def post_digest(self, channel: str, reply: Reply) -> None:
            posted.append(reply)

    site = next(s for s in desk.sites if s.name == "Harbor View Seattle")
    today = desk.clock.now().astimezone(site.zone).date()
    outcome = await desk.digest_sender(Poster()).send(site, today)
    assert outcome.sent and len(posted) == 1
    for reply in (chat, command, posted[0]):
        assert "Guest-profile capacity:" in reply.notes
        assert any(note.startswith("Object type GuestStay") for note in reply.notes)
