"""Room profiles from chat (issue 6) over the real sandbox: each phrasing, range checks at their
edges, UpdateProfile bodies holding only what changed, audit and undo, roles, no credentials."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from core_helpers import text_of
from profile_support import FRONT_DESK, ProfileBot, profile_bot

from bot.core.shared.replies import ReplyKind
from bot.sandbox.profile_world import attach_profile_world, load_profile_world, profile_world_of
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World


@pytest.fixture
async def pbot(sandbox: SandboxServer, small_world: World, tmp_path: Path) -> Any:
    async with profile_bot(sandbox, small_world, tmp_path) as bot:
        yield bot


def fresh(pbot: ProfileBot) -> None:
    """The sandbox's profiles as in the world file again, and no request recorded."""
    attach_profile_world(pbot.bot.state, load_profile_world())
    pbot.a4b.sent.clear()


def stored(pbot: ProfileBot, name: str) -> dict[str, Any]:
    found = profile_world_of(pbot.bot.state).profile_named(name)
    assert found is not None
    return found


async def test_profiles_lists_every_profile(pbot: ProfileBot) -> None:
    """`profiles` answers with one row per room profile of SearchProfiles, the default marked."""
    reply = await pbot.say("profiles")
    assert reply.table is not None
    names = [row[0] for row in reply.table.rows]
    assert names == ["Boardroom", "Guest Rooms (default)", "Lobby"]


async def test_show_profile_shows_every_field_readably(pbot: ProfileBot) -> None:
    """`show profile Boardroom` shows each seed-000 field, meeting-room settings and data retention."""
    reply = await pbot.say("show profile boardroom")
    text = text_of(reply)
    for expected in (
        "Name: Boardroom",
        "Time zone: America/Los_Angeles",
        "Wake word: Alexa",
        "Distance unit: imperial (miles)",
        "Temperature unit: Fahrenheit",
        "Max volume: 9",
        "PSTN calling: off",
        "Data retention: on",
        "Setup mode: off",
        "Locale: en-US",
        "Room utilization metrics: off",
        "End-of-meeting reminder: on",
        "Reminder at: 5 minutes before the end",
        "Reminder sound: knock",
        "Instant booking: off",
        "Instant booking length: 60 minutes",
        "Require check-in: off",
        "Release without check-in after: 15 minutes",
        "Default profile: no",
        "Address: 1200 Harbor Way",
    ):
        assert expected in text, expected


async def test_show_unknown_profile_offers_close_names(pbot: ProfileBot) -> None:
    """A misspelt profile name gets a "did you mean" with the right name in the re-sent text."""
    reply = await pbot.say("show profile Lobbby")
    assert reply.kind is ReplyKind.QUESTION
    assert any(a.value == "show profile Lobby" for a in reply.actions)


CHANGES: list[tuple[str, str, dict[str, Any]]] = [
    ("set profile Lobby max volume 7", "Lobby", {"MaxVolumeLimit": 7}),
    ("profile Lobby wake word computer", "Lobby", {"WakeWord": "COMPUTER"}),
    ("profile Lobby data retention on", "Lobby", {"DataRetentionOptIn": True}),
    ("profile Boardroom data retention off", "Boardroom", {"DataRetentionOptIn": False}),
    ("profile Lobby pstn off", "Lobby", {"PSTNEnabled": False}),
    (
        "profile Boardroom end of meeting reminder 7 minutes chime",
        "Boardroom",
        {
            "MeetingRoomConfiguration": {
                "EndOfMeetingReminder": {"ReminderAtMinutes": [7], "ReminderType": "CHIME"}
            }
        },
    ),
    (
        "profile Boardroom instant booking 30 minutes",
        "Boardroom",
        {
            "MeetingRoomConfiguration": {
                "InstantBooking": {"DurationInMinutes": 30, "Enabled": True}
            }
        },
    ),
    (
        "profile Boardroom release after 10 minutes without check-in",
        "Boardroom",
        {
            "MeetingRoomConfiguration": {
                "RequireCheckIn": {"ReleaseAfterMinutes": 10, "Enabled": True}
            }
        },
    ),
    (
        "profile Boardroom room utilization metrics on",
        "Boardroom",
        {"MeetingRoomConfiguration": {"RoomUtilizationMetricsEnabled": True}},
    ),
    (
        "profile Lobby units metric",
        "Lobby",
        {"DistanceUnit": "METRIC", "TemperatureUnit": "CELSIUS"},
    ),
    ("rename profile Lobby to Reception", "Lobby", {"ProfileName": "Reception"}),
]


async def test_each_change_sends_only_what_changed(pbot: ProfileBot) -> None:
    """Each phrasing of the issue sends one UpdateProfile whose body is the ARN plus only the
    fields that differ from the profile as it was; the sandbox then holds the new values.
    (One bot for all phrasings, the profiles reset between them: building a bot costs 0.25 s.)"""
    for text, profile, sent in CHANGES:
        fresh(pbot)
        arn = stored(pbot, profile)["ProfileArn"]
        reply = await pbot.say(text)
        assert reply.kind is ReplyKind.SUCCESS, (text, text_of(reply))
        assert pbot.a4b.bodies("UpdateProfile") == [{"ProfileArn": arn, **sent}], text
        after = stored(pbot, sent.get("ProfileName", profile))
        for key, value in sent.items():
            if key != "MeetingRoomConfiguration":
                assert after[key] == value, text


async def test_unchanged_setting_sends_nothing(pbot: ProfileBot) -> None:
    """Asking for the value a profile already has answers so and sends no UpdateProfile."""
    reply = await pbot.say("set profile Lobby max volume 5")
    assert "nothing to change" in reply.headline
    assert pbot.a4b.bodies("UpdateProfile") == []


EDGES = [
    ("set profile Lobby max volume 0", False, "1–10"),
    ("set profile Lobby max volume 1", True, ""),
    ("set profile Lobby max volume 10", True, ""),
    ("set profile Lobby max volume 11", False, "1–10"),
    ("profile Boardroom end of meeting reminder 2 minutes chime", False, "3–15 minutes"),
    ("profile Boardroom end of meeting reminder 3 minutes chime", True, ""),
    ("profile Boardroom end of meeting reminder 15 minutes knock", True, ""),
    ("profile Boardroom end of meeting reminder 3 and 16 minutes chime", False, "3–15 minutes"),
    ("profile Boardroom instant booking 0 minutes", False, "15–240 minutes in steps of 15"),
    ("profile Boardroom instant booking 15 minutes", True, ""),
    ("profile Boardroom instant booking 20 minutes", False, "15–240 minutes in steps of 15"),
    ("profile Boardroom instant booking 240 minutes", True, ""),
    ("profile Boardroom instant booking 255 minutes", False, "15–240 minutes in steps of 15"),
    ("profile Boardroom release after 4 minutes without check-in", False, "5–20 minutes"),
    ("profile Boardroom release after 5 minutes without check-in", True, ""),
    ("profile Boardroom release after 20 minutes without check-in", True, ""),
    ("profile Boardroom release after 21 minutes without check-in", False, "5–20 minutes"),
    ("profile Lobby wake word siri", False, "Alexa, Amazon, Echo, Computer"),
    ("profile Lobby wake word echo", True, ""),
    (
        "profile Boardroom end of meeting reminder 5 minutes bell",
        False,
        "chime, knock, time check, time left",
    ),
    ("profile Lobby distance unit furlongs", False, "metric, imperial"),
    ("profile Lobby pstn maybe", False, "`on` or `off`"),
]


async def test_ranges_are_checked_before_sending(pbot: ProfileBot) -> None:
    """Seed-000 ranges at their edges: inside is sent, outside is refused with the allowed range
    in the answer and nothing sent to Amazon."""
    for text, ok, allowed in EDGES:
        fresh(pbot)
        reply = await pbot.say(text)
        if ok:
            assert reply.kind is ReplyKind.SUCCESS, (text, text_of(reply))
            assert len(pbot.a4b.bodies("UpdateProfile")) == 1, text
        else:
            assert reply.kind is ReplyKind.ERROR, text
            assert allowed in reply.headline and "Nothing was changed" in reply.headline, text
            assert pbot.a4b.bodies("UpdateProfile") == [], text


async def test_switching_on_without_the_needed_value_asks_for_it(pbot: ProfileBot) -> None:
    """`require check-in on` on a profile with no release time says what to add; nothing is sent."""
    meeting = stored(pbot, "Boardroom")["MeetingRoomConfiguration"]
    del meeting["RequireCheckIn"]
    reply = await pbot.say("profile Boardroom require check-in on")
    assert reply.kind is ReplyKind.ERROR and "release after 10 minutes" in reply.headline
    assert pbot.a4b.bodies("UpdateProfile") == []


async def test_change_is_audited_and_undo_puts_back_the_previous_values(pbot: ProfileBot) -> None:
    """The audit holds before and after of exactly the changed fields; `undo` sends the before."""
    await pbot.say("profile Boardroom instant booking 30 minutes")
    entry = pbot.bot.runtime.services.audit.entries(limit=1)[0]
    assert entry.command == "SetProfile" and entry.outcome == "ok"
    change = entry.changes[0]
    assert change.before == {
        "MeetingRoomConfiguration": {"InstantBooking": {"DurationInMinutes": 60, "Enabled": False}}
    }
    assert change.after == {
        "MeetingRoomConfiguration": {"InstantBooking": {"DurationInMinutes": 30, "Enabled": True}}
    }
    reply = await pbot.say("undo")
    assert reply.kind is ReplyKind.SUCCESS, text_of(reply)
    arn = stored(pbot, "Boardroom")["ProfileArn"]
    assert pbot.a4b.bodies("UpdateProfile")[-1] == {"ProfileArn": arn, **change.before}
    booking = stored(pbot, "Boardroom")["MeetingRoomConfiguration"]["InstantBooking"]
    assert booking == {"DurationInMinutes": 60, "Enabled": False}


async def test_undo_of_a_rename_renames_back(pbot: ProfileBot) -> None:
    """Renaming and undoing leaves the profile with its first name."""
    await pbot.say("rename profile Lobby to Reception")
    await pbot.say("undo")
    assert stored(pbot, "Lobby")["ProfileName"] == "Lobby"


async def test_rename_to_a_taken_name_reports_name_in_use(pbot: ProfileBot) -> None:
    """The sandbox's NameInUseException becomes a plain sentence; nothing changes."""
    reply = await pbot.say("rename profile Lobby to Boardroom")
    assert reply.kind is ReplyKind.ERROR and "already called Boardroom" in reply.headline
    assert stored(pbot, "Lobby")["ProfileName"] == "Lobby"


async def test_changes_need_the_admin_role(pbot: ProfileBot) -> None:
    """A front-desk user may read profiles but not change them; nothing is sent."""
    assert (await pbot.say("profiles", user=FRONT_DESK)).kind is ReplyKind.INFO
    reply = await pbot.say("set profile Lobby max volume 7", user=FRONT_DESK)
    assert reply.kind is ReplyKind.REFUSAL and "admin" in reply.headline
    assert pbot.a4b.bodies("UpdateProfile") == []


async def test_preview_reads_but_sends_nothing(pbot: ProfileBot) -> None:
    """`preview …` shows before and after and sends no UpdateProfile."""
    reply = await pbot.say("preview set profile Lobby max volume 7")
    assert "Max volume: 5 \u2192 7" in text_of(reply)
    assert pbot.a4b.bodies("UpdateProfile") == []


async def test_create_profile_confirms_with_defaults_then_creates_once(pbot: ProfileBot) -> None:
    """`create profile` shows every field with the US defaults (imperial, Fahrenheit, Alexa) in the
    confirmation, and a yes creates it with a ClientRequestToken; sending it again creates nothing."""
    text = "create profile Spa timezone America/Los_Angeles address 1200 Harbor Way, Seattle WA"
    reply = await pbot.say(text)
    assert reply.kind is ReplyKind.CONFIRM
    shown = text_of(reply)
    for expected in (
        "Name: Spa",
        "Distance unit: imperial (miles)",
        "Temperature unit: Fahrenheit",
        "Wake word: Alexa",
        "Time zone: America/Los_Angeles",
    ):
        assert expected in shown
    assert pbot.a4b.bodies("CreateProfile") == []
    done = await pbot.say("yes")
    assert done.kind is ReplyKind.SUCCESS, text_of(done)
    body = pbot.a4b.bodies("CreateProfile")[0]
    assert body["DistanceUnit"] == "IMPERIAL" and body["WakeWord"] == "ALEXA"
    assert 10 <= len(body["ClientRequestToken"]) <= 150
    await pbot.say(text)
    await pbot.say("yes")
    bodies = pbot.a4b.bodies("CreateProfile")
    assert bodies[1]["ClientRequestToken"] == bodies[0]["ClientRequestToken"]
    assert [p["ProfileName"] for p in profile_world_of(pbot.bot.state).profiles].count("Spa") == 1


async def test_create_profile_with_unknown_timezone_is_refused(pbot: ProfileBot) -> None:
    """A time zone that is not an IANA name is refused before anything is asked or sent."""
    reply = await pbot.say("create profile Spa timezone Mars/Olympus address 1 Main St")
    assert reply.kind is ReplyKind.ERROR and "Mars/Olympus" in reply.headline


async def test_without_aws_credentials_the_answer_says_so(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """With no A4B client the profile commands answer that AWS credentials are needed."""
    async with profile_bot(sandbox, small_world, tmp_path, with_clients=False) as bot:
        reply = await bot.say("profiles")
        assert reply.kind is ReplyKind.ERROR and "AWS credentials" in reply.headline


async def test_a_change_is_shown_once(pbot: ProfileBot) -> None:
    """`Max volume: 5 → 7` appears once in the answer (in the headline, not again as a field),
    also in the undo; a change of several settings lists them once, as fields."""
    change = "Max volume: 5 \u2192 7"
    reply = await pbot.say("set profile Lobby max volume 7")
    assert reply.headline == f"Done: profile Lobby changed ({change})."
    assert text_of(reply).count(change) == 1
    undone = await pbot.say("undo")
    assert text_of(undone).count("Max volume: 7 \u2192 5") == 1
    fresh(pbot)
    both = await pbot.say("profile Lobby units metric")
    assert both.headline == "Done: profile Lobby changed:"
    assert [label for label, _ in both.fields] == ["Distance unit", "Temperature unit"]
    assert text_of(both).count("Fahrenheit \u2192 Celsius") == 1
