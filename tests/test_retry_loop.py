"""One call's retry loop (bot/clients/retry.py `RetryLoop`, `request_loop`) driven directly with a
fake clock and fake answers: the deadline's edge, what a throttled or failed call counts and says,
the timeout a send gets, and each verdict of the classifier. Fast, direct tests for mutation testing
(scripts/mutation.py)."""

from __future__ import annotations

import logging
import random
from dataclasses import FrozenInstanceError

import httpx
import pytest

from bot.clients.errors import ApiError, DeadlineExceeded, ServerError, Throttled, TransportError
from bot.clients.retry import (
    Again,
    Done,
    Resend,
    RetryLoop,
    RetryPolicy,
    Throttle,
    Throttling,
    Verdict,
    request_loop,
    retry_policy,
)
from bot.clock import FakeClock

TOO_MANY = ApiError(429, "slow down")


def _loop(clock: FakeClock, **kwargs: object) -> RetryLoop:
    return RetryLoop("GET /x", clock=clock, rng=random.Random(1), idempotent=True, **kwargs)  # type: ignore[arg-type]


def test_the_deadline_passes_at_its_very_second() -> None:
    """No time left is a passed deadline, said with the operation and what was waited."""
    clock = FakeClock()
    loop = _loop(clock, deadline_s=5)
    clock.advance(5)
    with pytest.raises(DeadlineExceeded) as raised:
        loop.remaining()
    assert raised.value.message == "GET /x: deadline passed" and raised.value.waited_s == 0


async def test_throttled_waits_add_up_and_count_as_resends() -> None:
    clock = FakeClock()
    loop = _loop(clock)
    await loop.throttled(TOO_MANY)
    await loop.throttled(TOO_MANY)
    assert (loop.throttled_s, loop.resends) == (3.0, 2)
    await loop.failed(ServerError(500, "boom"))
    await loop.failed(ServerError(500, "boom"))
    assert loop.resends == 4


async def test_the_429s_in_a_row_are_counted_again_after_an_answer() -> None:
    heard: list[Throttling] = []
    clock = FakeClock()
    with retry_policy(RetryPolicy(None, heard.append)):
        loop = _loop(clock)
    await loop.throttled(TOO_MANY)
    await loop.throttled(TOO_MANY)
    loop.answered()
    await loop.throttled(TOO_MANY)
    assert [(h.throttles, h.wait_s, h.waited_s) for h in heard] == [
        (1, 1.0, 0.0), (2, 2.0, 1.0), (1, 1.0, 3.0),
    ]  # fmt: skip


async def test_throttled_past_the_deadline_says_so_or_keeps_amazons_words() -> None:
    clock = FakeClock()
    with pytest.raises(Throttled) as raised:
        await _loop(clock, deadline_s=0.5).throttled(ApiError(429, ""))
    assert raised.value.message == "GET /x: throttled past the deadline"
    assert raised.value.next_delay_s == 1.0
    with pytest.raises(Throttled) as kept:
        await _loop(clock, deadline_s=0.5).throttled(ApiError(429, "Rate exceeded"))
    assert kept.value.message == "Rate exceeded"


async def test_a_failing_throttle_hook_is_logged_with_its_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(event: Throttling) -> None:
        raise RuntimeError("hook down")

    clock = FakeClock()
    with retry_policy(RetryPolicy(None, broken)):
        loop = _loop(clock)
    with caplog.at_level(logging.WARNING, logger="bot.clients.retry"):
        await loop.throttled(TOO_MANY)
    [record] = [r for r in caplog.records if r.getMessage() == "throttle hook failed"]
    assert record.exc_info is not None and "hook down" in str(record.exc_info[1])


def test_verdicts_are_small_immutable_values() -> None:
    """Verdicts cannot be changed, carry no per-instance dict, and are equal (and hashable) by
    value: `Again()` is `Again()`."""
    fields: list[tuple[object, str]] = [
        (Done(1), "value"), (Throttle(TOO_MANY), "error"), (Resend(TOO_MANY), "error"),
    ]  # fmt: skip
    for verdict, field in fields:
        with pytest.raises(FrozenInstanceError):
            setattr(verdict, field, None)
    for value in (Done(1), Throttle(TOO_MANY), Resend(TOO_MANY), Again()):
        assert not hasattr(value, "__dict__")
    assert Again() == Again() and len({Again(), Again(), Done(1), Done(1)}) == 2
    assert Throttle(TOO_MANY).retry_after_s is None


# --- the request loop ----------------------------------------------------------------------------


class Script:
    """Answers in order: an httpx.Response, or an exception to raise from `send`."""

    def __init__(self, *answers: object) -> None:
        self.answers = list(answers)
        self.limits: list[float | None] = []

    async def send(self, limit: float | None) -> httpx.Response:
        self.limits.append(limit)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        assert isinstance(answer, httpx.Response)
        return answer


async def classify(response: httpx.Response) -> Verdict[str]:
    if response.status_code == 429:
        return Throttle(ApiError(429, "slow"), None)
    if response.status_code >= 500:
        return Resend(ServerError(response.status_code, "boom"))
    if response.status_code == 401:
        return Again()
    return Done(response.text)


def _lost(exc: Exception) -> ApiError:
    return TransportError(None, str(exc))


async def _run(script: Script, clock: FakeClock, **kwargs: object) -> str:
    resends: list[int] = []
    value = await request_loop(
        "GET /x", send=script.send, classify=classify, lost=_lost, clock=clock,
        rng=random.Random(1), idempotent=True, on_resend=lambda: resends.append(1),
        **kwargs,  # type: ignore[arg-type]
    )  # fmt: skip
    return f"{value} after {len(resends)} resends"


async def test_a_send_gets_the_timeout_cut_to_the_time_left() -> None:
    clock = FakeClock()
    script = Script(httpx.Response(429), httpx.Response(200, text="ok"))
    assert await _run(script, clock, deadline_s=30, timeout_s=10) == "ok after 1 resends"
    assert script.limits == [10, 10]
    short = Script(httpx.Response(200, text="ok"))
    await _run(short, clock, deadline_s=3, timeout_s=10)
    assert short.limits == [3]
    none = Script(httpx.Response(200, text="ok"))
    await _run(none, clock, deadline_s=3)
    assert none.limits == [None]


async def test_a_timeout_the_deadline_cut_short_is_the_deadline_at_once() -> None:
    clock = FakeClock()
    script = Script(httpx.ReadTimeout("slow"), httpx.Response(200, text="ok"))
    with pytest.raises(DeadlineExceeded):
        await _run(script, clock, deadline_s=3, timeout_s=10)
    assert len(script.answers) == 1  # not resent


async def test_a_timeout_of_the_calls_own_length_is_resent() -> None:
    clock = FakeClock()
    script = Script(httpx.ReadTimeout("slow"), httpx.Response(200, text="ok"))
    assert await _run(script, clock, timeout_s=10) == "ok after 1 resends"
    lost = Script(httpx.ConnectError("down"), httpx.Response(200, text="ok"))
    assert await _run(lost, clock, deadline_s=60, timeout_s=10) == "ok after 1 resends"


async def test_every_verdict_of_the_classifier() -> None:
    """Again sends at once (no resend counted), a 429 and a 5xx wait and count, Done returns."""
    clock = FakeClock()
    script = Script(
        httpx.Response(401), httpx.Response(429), httpx.Response(503), httpx.Response(200, text="v")
    )
    assert await _run(script, clock) == "v after 2 resends"
    assert clock.sleeps[0] == 1.0 and len(clock.sleeps) == 2
