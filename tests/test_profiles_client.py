"""A4B room-profile and user operations: client checks before sending, idempotent create under a
retry, and the sandbox's documented errors (seed 000, SearchUsers of seed 001)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from profile_support import CREDENTIALS, handler_transport

from bot.clients.a4b import A4BClient, Filter, SortCriterion, check_profile_fields
from bot.clients.errors import ApiError, InvalidInput, NotFound, Unauthorized
from bot.clock import FakeClock
from bot.sandbox.aws_handlers import handle
from bot.sandbox.profile_world import profile_world_of

SIGNED = {
    "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20260310/us-east-1/a4b/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=abc",
    "X-Amz-Date": "20260310T150000Z",
}
NEW: dict[str, Any] = {
    "name": "Spa",
    "timezone": "Europe/Paris",
    "address": "1 Rue de Rivoli, Paris",
    "distance_unit": "METRIC",
    "temperature_unit": "CELSIUS",
    "client_request_token": "token-0123456789",
}


class _State:
    """A stand-in live world to key the profile world on."""


def call(state: Any, operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return handle("AlexaForBusiness." + operation, body, SIGNED, state)


def client(state: Any, **kwargs: Any) -> A4BClient:
    return A4BClient(
        "http://a4b.test",
        credentials=CREDENTIALS,
        clock=FakeClock(),
        transport=handler_transport(state, **kwargs),
    )


async def test_create_is_idempotent_under_a_retry() -> None:
    """The first CreateProfile is served but its answer lost (500); the client retries with the same
    ClientRequestToken and gets the same ARN: one profile, not two."""
    state = _State()
    async with client(state, lose_first=lambda op: op == "CreateProfile") as c:
        arn = await c.create_profile(**NEW)
        assert c.stats.calls("CreateProfile") == 2
    spas = [p for p in profile_world_of(state).profiles if p["ProfileName"] == "Spa"]
    assert len(spas) == 1 and spas[0]["ProfileArn"] == arn


async def test_create_with_a_taken_name_is_already_exists() -> None:
    """Another token with an existing name answers AlreadyExistsException."""
    async with client(_State()) as c:
        with pytest.raises(ApiError) as caught:
            await c.create_profile(**{**NEW, "name": "Lobby"})
    assert caught.value.error_type == "AlreadyExistsException"


async def test_get_unknown_profile_is_not_found() -> None:
    """GetProfile and UpdateProfile of an unknown ARN raise NotFound (NotFoundException)."""
    async with client(_State()) as c:
        with pytest.raises(NotFound):
            await c.get_profile("arn:aws:a4b:us-east-1:1:profile/nope")
        with pytest.raises(NotFound):
            await c.update_profile("arn:aws:a4b:us-east-1:1:profile/nope", {"MaxVolumeLimit": 3})


def test_update_to_a_taken_name_is_name_in_use() -> None:
    """UpdateProfile renaming onto another profile's name answers NameInUseException."""
    state = _State()
    lobby = profile_world_of(state).profile_named("Lobby")
    assert lobby is not None
    status, body = call(
        state, "UpdateProfile", {"ProfileArn": lobby["ProfileArn"], "ProfileName": "boardroom"}
    )
    assert status == 400 and body["__type"].endswith("#NameInUseException")


def test_update_keeps_what_is_not_sent() -> None:
    """A partial MeetingRoomConfiguration leaves the other meeting-room settings as they were."""
    state = _State()
    board = profile_world_of(state).profile_named("Boardroom")
    assert board is not None
    call(
        state,
        "UpdateProfile",
        {
            "ProfileArn": board["ProfileArn"],
            "MeetingRoomConfiguration": {"InstantBooking": {"DurationInMinutes": 45}},
        },
    )
    meeting: Any = board["MeetingRoomConfiguration"]
    assert meeting["InstantBooking"] == {"DurationInMinutes": 45, "Enabled": False}
    assert meeting["EndOfMeetingReminder"]["ReminderType"] == "KNOCK"


@pytest.mark.parametrize(
    ("config", "ok"),
    [
        ({"InstantBooking": {"DurationInMinutes": 15}}, True),
        ({"InstantBooking": {"DurationInMinutes": 240}}, True),
        ({"InstantBooking": {"DurationInMinutes": 250}}, False),
        ({"RequireCheckIn": {"ReleaseAfterMinutes": 4}}, False),
        ({"EndOfMeetingReminder": {"ReminderAtMinutes": [16]}}, False),
        ({"EndOfMeetingReminder": {"ReminderType": "BELL"}}, False),
    ],
)
def test_sandbox_checks_seed_000_ranges(config: dict[str, Any], ok: bool) -> None:
    """The sandbox refuses out-of-range meeting-room values with a ValidationException."""
    state = _State()
    board = profile_world_of(state).profile_named("Boardroom")
    assert board is not None
    status, body = call(
        state,
        "UpdateProfile",
        {"ProfileArn": board["ProfileArn"], "MeetingRoomConfiguration": config},
    )
    assert (status == 200) is ok, body


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"MaxVolumeLimit": 0}, "1–10"),
        ({"MaxVolumeLimit": 11}, "1–10"),
        ({"WakeWord": "SIRI"}, "ALEXA, AMAZON, ECHO, COMPUTER"),
        ({"DistanceUnit": "MILES"}, "METRIC, IMPERIAL"),
        ({"ProfileName": "x" * 101}, "1–100"),
        ({"Address": ""}, "1–500"),
        ({"MeetingRoomConfiguration": {"InstantBooking": {"DurationInMinutes": 14}}}, "15–240"),
        ({"MeetingRoomConfiguration": {"RequireCheckIn": {"ReleaseAfterMinutes": 21}}}, "5–20"),
        (
            {"MeetingRoomConfiguration": {"EndOfMeetingReminder": {"ReminderAtMinutes": [2]}}},
            "3–15",
        ),
    ],
)
def test_client_checks_name_the_allowed_range(fields: dict[str, Any], message: str) -> None:
    """check_profile_fields refuses out-of-range values with the allowed range in the message."""
    with pytest.raises(InvalidInput) as caught:
        check_profile_fields(fields)
    assert message in caught.value.message


async def test_nothing_is_sent_for_an_invalid_update_or_token() -> None:
    """Out-of-range updates, empty updates and a short ClientRequestToken never reach the wire."""
    seen: list[httpx.Request] = []

    def respond(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    async with A4BClient(
        "http://a4b.test", credentials=CREDENTIALS, transport=httpx.MockTransport(respond)
    ) as c:
        with pytest.raises(InvalidInput):
            await c.update_profile("arn:x", {"MaxVolumeLimit": 12})
        with pytest.raises(InvalidInput):
            await c.update_profile("arn:x", {})
        with pytest.raises(InvalidInput):
            await c.create_profile(**{**NEW, "client_request_token": "short"})
        with pytest.raises(InvalidInput):
            await c.search_users(filters=[Filter(key="Phone", values=["1"])])
    assert seen == []


async def test_search_profiles_pages_and_filters() -> None:
    """SearchProfiles follows NextToken (page size 1) and filters by ProfileName."""
    async with client(_State()) as c:
        page = await c.search_profiles_page(max_results=1)
        assert page.total_count == 3 and page.next_token
        every = await c.search_profiles()
        assert [p.profile_name for p in every] == ["Boardroom", "Guest Rooms", "Lobby"]
        lobby = await c.search_profiles(filters=[Filter(key="ProfileName", values=["Lob"])])
        assert [p.profile_name for p in lobby] == ["Lobby"]


async def test_search_users_sorts_and_pages() -> None:
    """SearchUsers with a descending sort and small pages returns every user in order."""
    async with client(_State()) as c:
        page = await c.search_users_page(
            max_results=2, sort=[SortCriterion(key="Email", value="DESC")]
        )
        assert page.total_count == 5 and page.next_token
        users = await c.search_users(sort=[SortCriterion(key="LastName")])
        assert [u.last_name for u in users] == ["Chen", "Haddad", "Lopez", "Maria", "Schmidt"]


def test_unsigned_profile_call_is_refused() -> None:
    """Profile operations refuse unsigned requests like the device ones."""
    state: Any = _State()
    status, body = handle("AlexaForBusiness.SearchProfiles", {}, {}, state)
    assert status == 403 and "UnrecognizedClientException" in str(body["__type"])


async def test_over_http_with_a_bad_signature_is_unauthorized(sandbox: Any) -> None:
    """Over real HTTP, a call signed for another service is refused and typed Unauthorized."""
    async with A4BClient(sandbox.url, credentials=CREDENTIALS) as c:
        c.service = "profile"
        with pytest.raises(Unauthorized):
            await c.search_profiles()
