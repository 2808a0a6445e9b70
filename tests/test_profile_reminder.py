"""ReminderAtMinutes takes exactly one value: two are refused before sending, with the range."""

from __future__ import annotations

from pathlib import Path

import pytest
from core_helpers import text_of
from profile_support import profile_bot

from bot.clients.a4b import check_meeting_room
from bot.clients.errors import InvalidInput
from bot.core.shared.replies import ReplyKind
from bot.json_types import JsonValue
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World


async def test_two_reminder_times_send_nothing_and_say_what_is_allowed(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """ "end of meeting reminder 5 and 10 minutes" sends no UpdateProfile and the reply names the
    one value allowed, 3–15 minutes before the end (seed 000's range)."""
    async with profile_bot(sandbox, small_world, tmp_path) as pbot:
        reply = await pbot.say("profile Boardroom end of meeting reminder 5 and 10 minutes chime")
        text = text_of(reply)
        assert reply.kind is not ReplyKind.SUCCESS, text
        assert "exactly one time" in text and "3–15 minutes" in text, text
        assert pbot.a4b.bodies("UpdateProfile") == []
        single = await pbot.say("profile Boardroom end of meeting reminder 5 minutes chime")
        assert single.kind is not ReplyKind.ERROR, text_of(single)


@pytest.mark.parametrize("minutes", [[5, 10], []])
def test_the_client_refuses_anything_but_one_reminder_time(minutes: list[JsonValue]) -> None:
    """The A4B client's own check: a list of exactly one value (the AWS model's length 1)."""
    with pytest.raises(InvalidInput, match="exactly one"):
        check_meeting_room({"EndOfMeetingReminder": {"ReminderAtMinutes": list(minutes)}})
