"""Object types from chat (seed 002): list with share used, show, set max with a confirmation
showing old → new, audit and undo; the answer without a domain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from core_helpers import text_of
from profile_support import DOMAIN, FRONT_DESK, ProfileBot, profile_bot

from bot.clients.errors import ServerError
from bot.core.shared.replies import ReplyKind
from bot.sandbox.profile_world import profile_world_of
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World


@pytest.fixture
async def pbot(sandbox: SandboxServer, small_world: World, tmp_path: Path) -> Any:
    async with profile_bot(sandbox, small_world, tmp_path) as bot:
        yield bot


def stored(pbot: ProfileBot, name: str) -> dict[str, Any]:
    return profile_world_of(pbot.bot.state).domains[DOMAIN][name]


async def test_object_types_lists_capacity_and_share(pbot: ProfileBot) -> None:
    """`object types` shows assigned max against available and the share, flagging >= 80%."""
    reply = await pbot.say("object types")
    assert reply.table is not None
    assert reply.table.rows[0] == ["GuestStay", "850", "1,000", "85% \u26a0"]
    assert reply.table.rows[2] == ["SpaBooking", "300", "1,000", "30%"]


async def test_show_object_type(pbot: ProfileBot) -> None:
    """`show object type GuestStay` shows its settings, fields and keys."""
    text = text_of(await pbot.say("show object type GuestStay"))
    for expected in (
        "Assigned max: 850",
        "Available: 1,000",
        "Share used: 85%",
        "Expires after: 365 days",
        "Creates profiles: yes",
        "email | _source.Email",
        "Key guest: PROFILE on email",
    ):
        assert expected in text, expected


async def test_show_unknown_object_type(pbot: ProfileBot) -> None:
    """An unknown name answers plainly (404 from the sandbox)."""
    reply = await pbot.say("show object type Nope")
    assert reply.kind is ReplyKind.ERROR and "no object type called" in reply.headline


async def test_set_max_confirms_old_and_new_then_puts_and_undo_restores(pbot: ProfileBot) -> None:
    """The confirmation shows 850 → 900; yes PUTs the whole definition; undo puts 850 back."""
    reply = await pbot.say("set object type GuestStay max 900")
    assert reply.kind is ReplyKind.CONFIRM
    assert ("Maximum", "850 \u2192 900") in reply.fields
    assert "PUT" not in pbot.cp.methods()
    done = await pbot.say("yes")
    assert done.kind is ReplyKind.SUCCESS, text_of(done)
    assert stored(pbot, "GuestStay")["MaxProfileObjectCount"] == 900
    assert stored(pbot, "GuestStay")["Keys"]["guest"][0]["FieldNames"] == ["email"]
    entry = pbot.bot.runtime.services.audit.entries(limit=1)[0]
    assert entry.command == "SetObjectTypeMax"
    assert (entry.changes[0].before, entry.changes[0].after) == (850, 900)
    undone = await pbot.say("undo")
    assert undone.kind is ReplyKind.SUCCESS, text_of(undone)
    assert stored(pbot, "GuestStay")["MaxProfileObjectCount"] == 850


async def test_failed_set_max_is_audited_with_what_was_tried(
    pbot: ProfileBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When Amazon fails the PUT, the answer says so and the audit entry is `failed` with the
    attempted before and after marked not applied, so nothing is offered for undo."""
    client = pbot.bot.runtime.services.customer_profiles

    async def fail(*_args: Any, **_kwargs: Any) -> Any:
        raise ServerError(500, "boom", "req-failed", None)

    monkeypatch.setattr(client, "set_max_profile_object_count", fail)
    await pbot.say("set object type GuestStay max 900")
    reply = await pbot.say("yes")
    assert reply.kind is ReplyKind.ERROR and "req-failed" in reply.headline
    entry = pbot.bot.runtime.services.audit.entries(limit=1)[0]
    assert (entry.command, entry.outcome) == ("SetObjectTypeMax", "failed")
    change = entry.changes[0]
    assert (change.before, change.after, change.ok) == (850, 900, False)
    assert stored(pbot, "GuestStay")["MaxProfileObjectCount"] == 850


async def test_set_max_above_available_names_the_range(pbot: ProfileBot) -> None:
    """A maximum above what is available is refused with the range; nothing is PUT."""
    reply = await pbot.say("set object type GuestStay max 1001")
    assert reply.kind is ReplyKind.ERROR and "1–1,000" in reply.headline
    assert "PUT" not in pbot.cp.methods()


async def test_set_max_needs_admin(pbot: ProfileBot) -> None:
    """A front-desk user can list but not change object types."""
    reply = await pbot.say("set object type GuestStay max 900", user=FRONT_DESK)
    assert reply.kind is ReplyKind.REFUSAL


async def test_without_a_domain_the_answer_says_so(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """With no Customer Profiles client the answer names CUSTOMER_PROFILES_DOMAIN."""
    async with profile_bot(sandbox, small_world, tmp_path, with_clients=False) as bot:
        reply = await bot.say("object types")
        assert reply.kind is ReplyKind.ERROR and "CUSTOMER_PROFILES_DOMAIN" in reply.headline


async def test_done_answer_states_the_new_maximum_once(pbot: ProfileBot) -> None:
    """After `yes`, the old and new maximum are said once (the headline), not again as a field."""
    await pbot.say("set object type GuestStay max 900")
    done = await pbot.say("yes")
    assert done.headline == "Done: the maximum of object type GuestStay is now 900 (was 850)."
    assert "Maximum" not in dict(done.fields) and "900" not in str(
        dict(done.fields).get("Available")
    )
    assert ("Share used", "85% \u2192 90%") in done.fields
