"""The one retry primitive shared by the ASP, AWS and LWA clients: command deadlines, background
work that follows seed 004's 429 rule to the end, the throttle hook, and "may have been applied"."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import httpx
import pytest

from bot.clients.a4b import A4BClient
from bot.clients.asp import AspClient
from bot.clients.errors import (
    DeadlineExceeded,
    ServerError,
    Throttled,
    TransportError,
    may_have_applied,
)
from bot.clients.lwa import LwaAuth, StaticToken
from bot.clients.models import StationPreference
from bot.clients.retry import RetryPolicy, Throttling, background, current_policy, retry_policy
from bot.clock import FakeClock

ROOM = "amzn1.alexa.unit.did.ROOM1"
ARN = "arn:aws:a4b:us-east-1:1:device/0001"
POP = StationPreference(providerId="I_HEART_RADIO", stationId="4422")
Answer = httpx.Response | type[Exception]


@pytest.fixture(autouse=True)
def fake_aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "fake-secret-for-tests")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def transport(*answers: Answer) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """Answers in order, the last one repeated; exception classes are raised."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = answers[min(len(seen) - 1, len(answers) - 1)]
        if isinstance(answer, type):
            raise answer("boom")
        return answer

    return httpx.MockTransport(handler), seen


def r(status: int, body: Any = None) -> httpx.Response:
    return httpx.Response(status, json=body if body is not None else {})


def asp(clock: FakeClock, *answers: Answer, deadline_s: float | None = 25.0) -> AspClient:
    mock, _ = transport(*answers)
    return AspClient(
        "https://asp.test",
        StaticToken("Atza|t"),
        transport=mock,
        clock=clock,
        deadline_s=deadline_s,
        rng=random.Random(1),
    )


def a4b(clock: FakeClock, *answers: Answer) -> A4BClient:
    mock, _ = transport(*answers)
    return A4BClient("http://a4b.test", transport=mock, clock=clock, deadline_s=25.0)


AWS_THROTTLE = r(400, {"__type": "ThrottlingException", "message": "Rate exceeded"})


async def test_background_work_follows_the_429_rule_past_the_clients_deadline() -> None:
    """Under background(), twelve 429s are waited out (1 ... 256, 256, 256 s) although the
    client's deadline is 25 s; without it the same call gives up after 1+2+4+8 s."""
    clock = FakeClock()
    async with asp(clock, *([r(429)] * 12), r(204)) as client:
        with background():
            await client.delete_room(ROOM)
    assert clock.sleeps == [1, 2, 4, 8, 16, 32, 64, 128, 256, 256, 256, 256]
    clock = FakeClock()
    async with asp(clock, r(429)) as client:
        with pytest.raises(Throttled):
            await client.delete_room(ROOM)
    assert clock.sleeps == [1, 2, 4, 8]


async def test_a_command_deadline_bounds_all_of_its_calls() -> None:
    """One 10 s budget for the command: the first call spends 7 s on 429s, so the second call's
    2 s wait no longer fits and it raises Throttled (not each call 10 s of its own)."""
    clock = FakeClock()
    async with asp(clock, r(429), r(429), r(429), r(204), r(429)) as client:
        with retry_policy(RetryPolicy.command(clock, 10)):
            await client.delete_room(ROOM)
            with pytest.raises(Throttled) as info:
                await client.delete_room(ROOM)
    assert clock.sleeps == [1, 2, 4, 1]
    assert info.value.next_delay_s == 2
    assert isinstance(info.value, DeadlineExceeded)


async def test_the_policy_reaches_tasks_and_ends_with_the_block() -> None:
    """The ambient policy is inherited by tasks started inside the block and gone after it."""
    policy = RetryPolicy.background()
    with retry_policy(policy):
        assert await asyncio.create_task(_current()) is policy
    assert current_policy() is None


async def _current() -> RetryPolicy | None:
    return current_policy()


async def test_the_throttle_hook_hears_each_wait_before_it_starts() -> None:
    """Sync and async hooks hear operation, wait and waits so far; a failing hook is ignored."""
    heard: list[Throttling] = []

    async def tell(event: Throttling) -> None:
        heard.append(event)

    clock = FakeClock()
    async with asp(clock, r(429), r(429), r(204)) as client:
        with background(on_throttle=tell):
            await client.delete_room(ROOM)
    assert [(e.wait_s, e.waited_s, e.throttles) for e in heard] == [(1, 0, 1), (2, 1, 2)]
    assert heard[0].operation == f"DELETE /enterprise/hospitality/v1/rooms/{ROOM}"

    def broken(event: Throttling) -> None:
        raise RuntimeError("chat is down")

    async with asp(FakeClock(), r(429), r(204)) as client:
        with background(on_throttle=broken):
            await client.delete_room(ROOM)


async def test_aws_throttling_exception_follows_the_same_rule_and_restarts_after_a_5xx() -> None:
    """A4B's 400 ThrottlingException waits 1, 2 s; a 500 in between restarts the doubling at 1 s."""
    clock = FakeClock()
    answers = [AWS_THROTTLE, AWS_THROTTLE, r(500), AWS_THROTTLE, r(200, {"Devices": []})]
    async with a4b(clock, *answers) as client:
        await client.search_devices()
    assert clock.sleeps[:2] == [1, 2] and clock.sleeps[3] == 1 and len(clock.sleeps) == 4


async def test_asp_429_backoff_restarts_after_a_5xx() -> None:
    """ASP: 429, 429, 503, 429 waits 1, 2, (a 5xx backoff), then 1 s again."""
    clock = FakeClock()
    async with asp(clock, r(429), r(429), r(503), r(429), r(204)) as client:
        await client.delete_room(ROOM)
    assert clock.sleeps[:2] == [1, 2] and clock.sleeps[3] == 1


async def test_every_client_raises_the_same_thing_when_a_wait_will_not_fit() -> None:
    """ASP, A4B and LWA all raise Throttled (a DeadlineExceeded) when the next 429 wait would pass
    the deadline, and DeadlineExceeded carrying the ServerError for a 5xx resend."""
    clock = FakeClock()
    with retry_policy(RetryPolicy.command(clock, 5)):
        async with asp(clock, r(429)) as client:
            with pytest.raises(Throttled):
                await client.get_default_station(ROOM)
    clock = FakeClock()
    with retry_policy(RetryPolicy.command(clock, 5)):
        async with a4b(clock, AWS_THROTTLE) as aws:
            with pytest.raises(Throttled):
                await aws.get_device(ARN)
    clock = FakeClock()
    lwa_transport, _ = transport(r(429))
    auth = LwaAuth(
        "id", "secret", "Atzr|x", "http://lwa.test", transport=lwa_transport, clock=clock
    )
    with retry_policy(RetryPolicy.command(clock, 5)), pytest.raises(Throttled):
        await auth.token()
    await auth.aclose()
    assert clock.sleeps == [1, 2]
    clock = FakeClock()
    async with a4b(clock, r(500, {"__type": "ServiceFailure"})) as aws:
        with pytest.raises(DeadlineExceeded) as info:
            await aws.get_device(ARN, deadline=0.1)
    assert isinstance(info.value.cause, ServerError)


async def test_lwa_follows_the_429_rule_beyond_three_retries() -> None:
    """LWA waits 1, 2, 4, 8, 16 s on five 429s and then gets its token (it used to stop at 3)."""
    clock = FakeClock()
    token = r(200, {"access_token": "Atza|new", "token_type": "bearer", "expires_in": 3600})
    lwa_transport, seen = transport(*([r(429)] * 5), token)
    auth = LwaAuth(
        "id", "secret", "Atzr|x", "http://lwa.test", transport=lwa_transport, clock=clock
    )
    assert await auth.token() == "Atza|new"
    assert clock.sleeps == [1, 2, 4, 8, 16] and len(seen) == 6
    await auth.aclose()


@pytest.mark.parametrize(
    ("answer", "uncertain"),
    [(r(500), True), (httpx.ReadError, True), (httpx.ConnectError, False), (r(400), False)],
)
async def test_a_failed_write_says_whether_it_may_have_been_applied(
    answer: Answer, uncertain: bool
) -> None:
    """A station PUT that got a 5xx or lost its answer may have been applied; a refused connection
    or a 400 was not. Reads never are."""
    async with asp(FakeClock(), answer) as client:
        with pytest.raises(Exception) as info:
            await client.set_default_station(ROOM, POP)
        assert may_have_applied(info.value) is uncertain
        with pytest.raises(Exception) as read:
            await client.get_default_station(ROOM)
        assert not may_have_applied(read.value)


async def test_an_aws_write_without_an_answer_may_have_been_applied() -> None:
    """UpdateProfile (a write) after a lost answer and a 500 may have been applied; GetDevice not."""
    for answer in (httpx.ReadError, r(500, {"__type": "ServiceFailure"})):
        async with a4b(FakeClock(), answer) as aws:
            with pytest.raises((TransportError, ServerError)) as info:
                await aws.update_profile("arn:aws:a4b:us-east-1:1:profile/p", {"WakeWord": "ALEXA"})
            assert info.value.may_have_applied
            with pytest.raises((TransportError, ServerError)) as read:
                await aws.get_device(ARN)
            assert not read.value.may_have_applied
