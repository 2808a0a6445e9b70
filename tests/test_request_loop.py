"""The one request loop of every client (bot/clients/retry.py `request_loop`): what each verdict of a
client's `classify` makes it do, on a FakeClock (no sleeping)."""

from __future__ import annotations

import random
from collections.abc import Callable

import httpx
import pytest

from bot.clients.errors import ApiError, DeadlineExceeded, ServerError, TransportError
from bot.clients.retry import Again, Done, Resend, Throttle, Verdict, request_loop
from bot.clock import FakeClock


class Script:
    """Answers in order: a status code, or an exception raised as the lost answer."""

    def __init__(self, *answers: int | Exception) -> None:
        self.answers = list(answers)
        self.sent: list[float | None] = []

    async def send(self, limit_s: float | None) -> httpx.Response:
        self.sent.append(limit_s)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return httpx.Response(answer)


async def classify(response: httpx.Response) -> Verdict[int]:
    status = response.status_code
    if status == 401:
        return Again()
    if status == 429:
        return Throttle(ApiError(429, "slow down"))
    if status >= 500:
        return Resend(ServerError(status, "broken"))
    if status >= 400:
        raise ApiError(status, "refused")
    return Done(status)


def lost(exc: Exception) -> ApiError:
    return TransportError(None, repr(exc))


async def run(
    script: Script,
    clock: FakeClock,
    *,
    idempotent: bool = True,
    on_resend: Callable[[], None] = lambda: None,
    deadline_s: float | None = None,
) -> int:
    return await request_loop(
        "GET /thing",
        send=script.send,
        classify=classify,
        lost=lost,
        clock=clock,
        rng=random.Random(1),
        idempotent=idempotent,
        deadline_s=deadline_s,
        timeout_s=30.0,
        on_resend=on_resend,
    )


async def test_done_returns_the_value_after_one_send() -> None:
    clock, script = FakeClock(), Script(200)
    assert await run(script, clock) == 200
    assert script.sent == [30.0] and clock.sleeps == []


async def test_throttles_wait_by_seed_004_and_count_as_resends() -> None:
    """Two 429s: waits of 1 s then 2 s, each heard by on_resend, then the answer."""
    clock, script, resent = FakeClock(), Script(429, 429, 200), []
    assert await run(script, clock, on_resend=lambda: resent.append(1)) == 200
    assert clock.sleeps == [1.0, 2.0] and len(resent) == 2


async def test_again_resends_at_once_without_a_wait() -> None:
    """A refreshed token (Again) is sent again with no wait and no retry counted."""
    clock, script, resent = FakeClock(), Script(401, 200), []
    assert await run(script, clock, on_resend=lambda: resent.append(1)) == 200
    assert clock.sleeps == [] and resent == [] and len(script.sent) == 2


async def test_a_5xx_is_resent_only_when_the_call_may_be_resent() -> None:
    """Idempotent: a backoff, then the answer. Not idempotent (a create): the 5xx itself."""
    clock = FakeClock()
    assert await run(Script(503, 200), clock) == 200
    assert len(clock.sleeps) == 1
    with pytest.raises(ServerError):
        await run(Script(503, 200), FakeClock(), idempotent=False)


async def test_a_lost_answer_is_resent_like_a_5xx() -> None:
    clock = FakeClock()
    assert await run(Script(httpx.ConnectError("refused"), 200), clock) == 200
    with pytest.raises(TransportError):
        await run(Script(httpx.ReadError("lost"), 200), FakeClock(), idempotent=False)


async def test_a_timeout_the_deadline_cut_short_is_the_deadline() -> None:
    """With 5 s left the attempt's timeout is 5 s, not 30 s; its timeout is DeadlineExceeded."""
    script = Script(httpx.ReadTimeout("slow"))
    with pytest.raises(DeadlineExceeded):
        await run(script, FakeClock(), deadline_s=5.0)
    assert script.sent == [5.0]


async def test_a_refusal_raised_by_classify_ends_the_loop() -> None:
    script = Script(404, 200)
    with pytest.raises(ApiError, match="refused"):
        await run(script, FakeClock())
    assert len(script.sent) == 1
