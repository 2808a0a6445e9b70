"""Device-health commands through the conversation core, on the demo world served by the sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.conversation.engine import Message
from bot.core.shared.replies import Reply, ReplyKind
from bot.demo import DEMO_CHANNEL, DEMO_USER, demo_runtime
from bot.health.capacity import TITLE
from bot.health.desk import HealthDesk
from bot.runtime import Runtime


@pytest.fixture
async def runtime() -> AsyncIterator[Runtime]:
    """The demo bot with its device state read first: these tests are about what an answer says,
    so none may depend on a first refresh finishing within the answer budget on a loaded machine
    (the budget itself is tested in test_health_freshness.py)."""
    async with demo_runtime() as (rt, _server):
        desk = rt.services.health
        assert isinstance(desk, HealthDesk)
        assert await desk.refresh_now() is None
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
        async def post_to_channel(self, channel: str, reply: Reply) -> str:
            posted.append(reply)
            return "ts-1"

    site = next(s for s in desk.sites if s.name == "Harbor View Seattle")
    today = desk.clock.now().astimezone(site.zone).date()
    outcome = await desk.digest_sender(Poster()).send(site, today)
    assert outcome.sent and len(posted) == 1
    for reply in (chat, command, posted[0]):
        assert TITLE in reply.notes
        assert "GuestStay: up to 850 objects per profile; the domain allows 1,000." in reply.notes


async def test_history_of_a_room_stays_in_the_channels_property(runtime: Runtime) -> None:
    """In a channel bound to Harbor View Seattle, `history 208` answers for Harbor View's room 208
    (which has no devices) and never shows another hotel's 208; naming the property does the same."""
    for text in ("history 208 7d", "history 208 at Harbor View Seattle 7d"):
        reply = await say(runtime, text)
        assert reply.headline == "Room 208 at Harbor View Seattle has no devices.", text
        assert reply.table is None


async def test_room_status_names_the_property_when_it_has_no_devices(runtime: Runtime) -> None:
    """`status room 208` in Harbor View's channel says which property's room has no devices."""
    reply = await say(runtime, "status room 208")
    assert reply.headline == "Room 208 at Harbor View Seattle has no devices."


async def test_history_of_a_named_room_headline_names_room_and_property(runtime: Runtime) -> None:
    """A room's history headline names the room and the property, with the event count."""
    reply = await say(runtime, "history 204 at Lakeside Chicago 3d")
    assert reply.headline.startswith("History of room 204 at Lakeside Chicago over 3 d:")


async def test_flapping_follows_the_channel_scope_and_says_where(runtime: Runtime) -> None:
    """`flapping` in a channel bound to a property shows that property's devices only and says so;
    outside a bound channel it covers all properties, and `flapping at P` names one."""
    bound = await say(runtime, "flapping 72h")
    assert "at Harbor View Seattle" in bound.headline
    if bound.table is not None:
        assert {row[0] for row in bound.table.rows} == {"Harbor View Seattle"}
    everywhere = await say(runtime, "flapping 72h", channel=None)
    assert "across all properties" in everywhere.headline
    assert everywhere.table is not None
    named = await say(runtime, "flapping at Lakeside Chicago 72h", channel=None)
    assert "at Lakeside Chicago" in named.headline
    if named.table is not None:
        assert {row[0] for row in named.table.rows} == {"Lakeside Chicago"}


async def test_capacity_is_shown_once_for_the_chain(runtime: Runtime) -> None:
    """`bot digest` for every property carries the chain's capacity section in one digest only,
    and the nightly digests of one day carry it once; the words say limits, not usage."""
    desk = runtime.services.health
    assert isinstance(desk, HealthDesk)
    replies = await desk.digest_command(None, post=False, out=None, poster=None)
    assert len(replies) == len(runtime.index.properties())
    assert sum(TITLE in reply.notes for reply in replies) == 1
    posted: list[Reply] = []

    class Poster:
        async def post_to_channel(self, channel: str, reply: Reply) -> str:
            posted.append(reply)
            return f"ts-{len(posted)}"

    sender = desk.digest_sender(Poster())
    for site in desk.sites[:2]:
        today = desk.clock.now().astimezone(site.zone).date()
        await sender.send(site, today, channel="#ops")
    assert [TITLE in reply.notes for reply in posted] == [True, False]
    assert not any("assigned" in note for reply in replies for note in reply.notes)
