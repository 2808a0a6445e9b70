"""AspClient failure handling: error mapping, the 429 schedule under a deadline, bounded 5xx retry,
no resend of a create, 401 refresh-and-retry, alarm partial failures and concurrency."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable

import httpx
import pytest

from bot.clients.asp import AspClient
from bot.clients.errors import (
    BadRequest,
    DeadlineExceeded,
    Forbidden,
    NotFound,
    ServerError,
    Throttled,
    TransportError,
    Unauthorized,
)
from bot.clients.lwa import LwaAuth, StaticToken
from bot.clock import FakeClock

BASE = "https://asp.test"
ORG = "amzn1.alexa.unit.did.ORG1"
PROP = "amzn1.alexa.unit.did.PROP1"
RT = "amzn1.alexa.unit.did.RT1"
ROOM = "amzn1.alexa.unit.did.ROOM1"

Handler = Callable[[httpx.Request], httpx.Response]


def scripted(*answers: httpx.Response | type[Exception]) -> tuple[Handler, list[httpx.Request]]:
    """A handler that gives the answers in order and repeats the last one; exceptions are raised."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = answers[min(len(seen) - 1, len(answers) - 1)]
        if isinstance(answer, type):
            raise answer("boom")
        return answer

    return handler, seen


def make(
    handler: Handler, clock: FakeClock | None = None, **kw: object
) -> tuple[AspClient, FakeClock]:
    clock = clock or FakeClock()
    client = AspClient(
        BASE,
        StaticToken("Atza|t"),
        transport=httpx.MockTransport(handler),
        clock=clock,
        rng=random.Random(3),
        **kw,  # type: ignore[arg-type]
    )
    return client, clock


def r(status: int, **kw: object) -> httpx.Response:
    return httpx.Response(status, **kw)  # type: ignore[arg-type]


# --- error mapping --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "cls"),
    [(400, BadRequest), (401, Unauthorized), (403, Forbidden), (404, NotFound)],
)
async def test_status_maps_to_typed_error_with_message_type_and_request_id(
    status: int, cls: type[Exception]
) -> None:
    """4xx answers raise typed errors carrying status, message, type and X-Amzn-RequestId."""
    handler, _ = scripted(
        r(
            status,
            json={"message": "nope", "type": "SOME_TYPE"},
            headers={"X-Amzn-RequestId": "rid-9"},
        )
    )
    client, _ = make(handler)
    with pytest.raises(cls) as info:
        await client.get_room(ROOM)
    error = info.value
    assert (error.status, error.message, error.error_type, error.request_id) == (  # type: ignore[attr-defined]
        status,
        "nope",
        "SOME_TYPE",
        "rid-9",
    )
    assert error.user_hint()  # type: ignore[attr-defined]
    await client.aclose()


async def test_unauthorized_hint_names_bot_login() -> None:
    """A refused sign-in tells staff that an admin should run `bot login`."""
    handler, _ = scripted(r(401, json={"message": "bad token"}))
    client, _ = make(handler)
    with pytest.raises(Unauthorized) as info:
        await client.delete_room(ROOM)
    assert info.value.user_hint() == (
        "The bot's Amazon sign-in was refused; an admin should run `bot login`."
    )
    await client.aclose()


async def test_error_without_json_body_keeps_text() -> None:
    """A non-JSON error body is kept (shortened) as the message."""
    handler, _ = scripted(r(400, text="plain failure"))
    client, _ = make(handler)
    with pytest.raises(BadRequest, match="plain failure"):
        await client.delete_room(ROOM)
    await client.aclose()


# --- 401 ------------------------------------------------------------------------------------------


async def test_401_refreshes_once_and_retries_once() -> None:
    """On a 401 the client refreshes the token and retries once with it; a 2nd 401 raises."""
    tokens: list[str] = []

    def lwa(request: httpx.Request) -> httpx.Response:
        tokens.append(f"Atza|{len(tokens) + 1}")
        return httpx.Response(200, json={"access_token": tokens[-1], "expires_in": 3600})

    clock = FakeClock()
    auth = LwaAuth(
        "c", "s", "Atzr|r", "https://lwa.test/t", transport=httpx.MockTransport(lwa), clock=clock
    )
    handler, seen = scripted(r(401), r(200, json={"id": ROOM, "name": "1"}))
    client = AspClient(BASE, auth, transport=httpx.MockTransport(handler), clock=clock)
    assert (await client.get_room(ROOM)).id == ROOM
    assert [q.headers["authorization"] for q in seen] == ["Bearer Atza|1", "Bearer Atza|2"]
    assert client.stats.auth_refreshes == 1

    handler2, seen2 = scripted(r(401))
    client2 = AspClient(BASE, auth, transport=httpx.MockTransport(handler2), clock=clock)
    with pytest.raises(Unauthorized):
        await client2.get_room(ROOM)
    assert len(seen2) == 2
    await client.aclose()
    await client2.aclose()
    await auth.aclose()


async def test_concurrent_401s_share_one_token_refresh() -> None:
    """Twenty calls that all get 401 with the same stale token cause one LWA refresh, not twenty."""
    refreshes = 0

    async def lwa(request: httpx.Request) -> httpx.Response:
        nonlocal refreshes
        refreshes += 1
        await asyncio.sleep(0.005)
        return httpx.Response(200, json={"access_token": f"Atza|{refreshes}", "expires_in": 3600})

    def api(request: httpx.Request) -> httpx.Response:
        if request.headers["authorization"] == "Bearer Atza|1":
            return httpx.Response(401)
        return httpx.Response(204)

    clock = FakeClock()
    auth = LwaAuth(
        "c", "s", "Atzr|r", "https://lwa.test/t", transport=httpx.MockTransport(lwa), clock=clock
    )
    await auth.token()
    client = AspClient(BASE, auth, transport=httpx.MockTransport(api), clock=clock)
    await asyncio.gather(*(client.delete_room(ROOM) for _ in range(20)))
    assert refreshes == 2  # the first token, then one shared refresh
    await client.aclose()
    await auth.aclose()


# --- 429 ------------------------------------------------------------------------------------------


async def test_429_follows_seed_schedule_exactly() -> None:
    """Thirteen 429s are waited out with 1,2,4,...,256,256,256,256,256 s through the clock."""
    handler, seen = scripted(*([r(429)] * 13), r(204))
    client, clock = make(handler)
    await client.delete_room(ROOM)
    assert clock.sleeps == [1, 2, 4, 8, 16, 32, 64, 128, 256, 256, 256, 256, 256]
    assert len(seen) == 14
    assert client.stats.throttled == 13
    assert client.stats.retries == 13
    await client.aclose()


async def test_429_schedule_restarts_after_a_non_429() -> None:
    """A non-429 answer (here a 503) ends the doubling; the next 429 waits 1 s again."""
    handler, _ = scripted(r(429), r(429), r(503), r(429), r(204))
    client, clock = make(handler)
    await client.get_default_station(ROOM)
    assert clock.sleeps[:2] == [1, 2]
    assert clock.sleeps[3] == 1
    await client.aclose()


async def test_429_past_deadline_raises_throttled_without_sleeping_past_it() -> None:
    """Deadline 20 s: waits 1+2+4+8=15 s; the next 16 s wait would pass it, so Throttled."""
    handler, seen = scripted(r(429, headers={"X-Amzn-RequestId": "rid-t"}))
    client, clock = make(handler)
    with pytest.raises(Throttled) as info:
        await client.get_room(ROOM, deadline=20)
    assert clock.sleeps == [1, 2, 4, 8]
    assert info.value.waited_s == 15
    assert info.value.next_delay_s == 16
    assert info.value.request_id == "rid-t"
    assert info.value.user_hint() == "Amazon is busy (throttling); try again in a few minutes."
    assert len(seen) == 5
    await client.aclose()


async def test_client_default_deadline_applies() -> None:
    """The client's deadline_s applies when the call sets none; a call's own one wins."""
    handler, _ = scripted(r(429))
    client, clock = make(handler, deadline_s=3.5)
    with pytest.raises(Throttled):
        await client.delete_room(ROOM)
    assert clock.sleeps == [1, 2]
    clock.sleeps.clear()
    with pytest.raises(Throttled):
        await client.delete_room(ROOM, deadline=7.5)
    assert clock.sleeps == [1, 2, 4]
    await client.aclose()


async def test_retry_after_header_can_lengthen_a_wait() -> None:
    """A Retry-After longer than the rule's wait is honoured; a shorter one is not."""
    handler, _ = scripted(
        r(429, headers={"Retry-After": "10"}), r(429, headers={"Retry-After": "0"}), r(204)
    )
    client, clock = make(handler)
    await client.delete_room(ROOM)
    assert clock.sleeps == [10, 2]
    await client.aclose()


async def test_429_on_create_is_retried() -> None:
    """A throttled create was not processed, so it is sent again after the seed wait."""
    handler, seen = scripted(r(429), r(201, json={"id": ROOM}))
    client, clock = make(handler)
    assert await client.create_room("204", RT) == ROOM
    assert len(seen) == 2 and clock.sleeps == [1]
    await client.aclose()


# --- 5xx and transport errors ---------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get_room", "delete_room"])
async def test_5xx_is_retried_three_times_for_idempotent_calls(method: str) -> None:
    """GET/DELETE after a 500 are resent at most 3 times with jittered backoff, then ServerError."""
    handler, seen = scripted(r(500, json={"message": "oops"}))
    client, clock = make(handler)
    with pytest.raises(ServerError) as info:
        await getattr(client, method)(ROOM)
    assert len(seen) == 4
    assert len(clock.sleeps) == 3
    assert info.value.message == "oops" and not info.value.uncertain_create
    assert client.stats.server_errors == 4
    await client.aclose()


async def test_5xx_then_success_on_put() -> None:
    """A PUT that gets a 503 and then a 204 succeeds."""
    handler, seen = scripted(r(503), r(204))
    client, _ = make(handler)
    await client.update_room(ROOM, "205")
    assert len(seen) == 2
    await client.aclose()


async def test_create_is_never_resent_after_5xx() -> None:
    """A create that got a 500 is not resent; the error says it may or may not exist."""
    handler, seen = scripted(r(500), r(201, json={"id": ROOM}))
    client, clock = make(handler)
    with pytest.raises(ServerError) as info:
        await client.create_room("204", RT)
    assert len(seen) == 1 and clock.sleeps == []
    assert info.value.uncertain_create
    assert "may or may not have been created" in info.value.user_hint()
    await client.aclose()


async def test_create_is_never_resent_after_lost_answer() -> None:
    """A create whose answer never came is not resent either."""
    handler, seen = scripted(httpx.ReadError)
    client, _ = make(handler)
    with pytest.raises(TransportError) as info:
        await client.create_property("Harbor", ORG)
    assert len(seen) == 1
    assert "may or may not have been created" in info.value.user_hint()
    await client.aclose()


async def test_transport_errors_are_retried_for_get() -> None:
    """A connection failure on a GET is retried; after 3 retries it raises TransportError."""
    handler, seen = scripted(httpx.ConnectError)
    client, _ = make(handler)
    with pytest.raises(TransportError) as info:
        await client.get_property(PROP)
    assert len(seen) == 4
    assert info.value.status is None
    assert client.stats.transport_errors == 4
    await client.aclose()


async def test_5xx_retry_stops_at_the_deadline() -> None:
    """A 5xx retry whose wait would pass the deadline is not made: DeadlineExceeded carrying the
    ServerError is raised (the same type every client raises when a wait will not fit)."""
    handler, seen = scripted(r(500))
    client, _ = make(handler)
    with pytest.raises(DeadlineExceeded) as info:
        await client.get_room(ROOM, deadline=0.1)
    assert isinstance(info.value.cause, ServerError) and info.value.status == 500
    assert not info.value.may_have_applied
    assert len(seen) == 1
    await client.aclose()


async def test_expired_deadline_before_sending_raises_deadline_exceeded() -> None:
    """A list whose deadline ran out between pages raises DeadlineExceeded with a staff hint."""
    clock = FakeClock()

    def handler(request: httpx.Request) -> httpx.Response:
        clock.advance(6)  # each page takes 6 s of (fake) time
        return httpx.Response(200, json={"rooms": [], "paginationContext": {"nextToken": "more"}})

    client, _ = make(handler, clock)
    with pytest.raises(DeadlineExceeded) as info:
        await client.list_rooms(RT, deadline=10)
    assert "too long" in info.value.user_hint()
    assert client.stats.total_requests == 2
    await client.aclose()


# --- alarms ---------------------------------------------------------------------------------------

FAILURES = {
    "errors": [
        {
            "code": "DEVICE_NOT_REACHABLE",
            "endpointId": "amzn1.alexa.endpoint.1",
            "description": "Device not reachable / offline",
        },
        {
            "code": "INTERNAL_SERVER_ERROR",
            "endpointId": "amzn1.alexa.endpoint.2",
            "description": "Unexpected Error",
        },
    ]
}


async def test_alarm_partial_failures_are_parsed_not_raised() -> None:
    """A 500 with a per-device errors body is returned as AlertsResult(ok=False) and not retried."""
    handler, seen = scripted(r(500, json=FAILURES, headers={"X-Amzn-RequestId": "rid-a"}))
    client, _ = make(handler)
    result = await client.delete_alarms(ROOM)
    assert not result.ok and result.status == 500 and result.request_id == "rid-a"
    assert [(f.code, f.endpointId) for f in result.failures] == [
        ("DEVICE_NOT_REACHABLE", "amzn1.alexa.endpoint.1"),
        ("INTERNAL_SERVER_ERROR", "amzn1.alexa.endpoint.2"),
    ]
    assert len(seen) == 1
    await client.aclose()


async def test_alarm_504_device_unreachable() -> None:
    """504 DEVICE_NOT_REACHABLE with errors is a partial-failure result too."""
    handler, _ = scripted(r(504, json={"errors": FAILURES["errors"][:1]}))
    client, _ = make(handler)
    result = await client.delete_timers(ROOM)
    assert result.status == 504 and len(result.failures) == 1
    await client.aclose()


async def test_alarm_5xx_without_errors_body_is_a_server_error() -> None:
    """A 5xx alarm answer without device details is retried like any DELETE, then raised."""
    handler, seen = scripted(r(500, json={"message": "x"}))
    client, _ = make(handler)
    with pytest.raises(ServerError):
        await client.delete_reminders(ROOM)
    assert len(seen) == 4
    await client.aclose()


# --- concurrency ----------------------------------------------------------------------------------


async def test_concurrency_is_bounded_by_max_concurrency() -> None:
    """No more than max_concurrency requests are in flight at once, whatever the callers do."""
    in_flight = peak = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.002)
        in_flight -= 1
        return httpx.Response(204)

    client = AspClient(
        BASE, StaticToken("t"), transport=httpx.MockTransport(handler), max_concurrency=4
    )
    await asyncio.gather(*(client.delete_room(ROOM) for _ in range(30)))
    assert peak == 4
    assert client.stats.requests["DELETE"] == 30
    await client.aclose()


async def test_alarm_401_forbidden_is_not_a_sign_in_problem() -> None:
    """Seed 003's 401 FORBIDDEN (unknown unit) raises Forbidden at once, without a token refresh."""
    handler, seen = scripted(
        r(401, json={"errors": [{"code": "FORBIDDEN", "description": "The unit doesn't exist."}]})
    )
    client, _ = make(handler)
    with pytest.raises(Forbidden) as info:
        await client.delete_alarms(ROOM)
    assert len(seen) == 1
    assert info.value.status == 401 and info.value.error_type == "FORBIDDEN"
    assert info.value.message == "The unit doesn't exist."
    assert client.stats.auth_refreshes == 0
    await client.aclose()


async def test_refused_connection_on_create_is_not_uncertain() -> None:
    """A create whose connection was refused is not resent, and staff are not told it may exist."""
    handler, seen = scripted(httpx.ConnectError)
    client, _ = make(handler)
    with pytest.raises(TransportError) as info:
        await client.create_room("204", RT)
    assert len(seen) == 1
    assert not info.value.uncertain_create
    assert "could not reach Amazon" in info.value.user_hint()
    await client.aclose()


async def test_create_timeout_under_deadline_says_it_may_exist() -> None:
    """A create that timed out (cut short by its deadline) is reported as possibly created."""
    handler, seen = scripted(httpx.ReadTimeout)
    client, _ = make(handler)
    with pytest.raises(DeadlineExceeded) as info:
        await client.create_room("204", RT, deadline=5)
    assert len(seen) == 1 and info.value.may_have_applied
    assert isinstance(info.value.cause, TransportError) and info.value.cause.uncertain_create
    assert "may or may not have been created" in info.value.user_hint()
    await client.aclose()


async def test_get_timeout_cut_by_deadline_is_deadline_exceeded() -> None:
    """A GET whose timeout was shortened by the deadline raises DeadlineExceeded, not a retry."""
    handler, seen = scripted(httpx.ReadTimeout)
    client, _ = make(handler)
    with pytest.raises(DeadlineExceeded):
        await client.get_room(ROOM, deadline=5)
    assert len(seen) == 1
    await client.aclose()
