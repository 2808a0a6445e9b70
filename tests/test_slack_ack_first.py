"""Under a burst of Slack requests the acks go first, the work after (bench/slack_ack.py measures it).

`AckFirst` holds each command's work until no request has been acknowledged for a few milliseconds,
never longer than half a second; time is a fake clock here, so nothing sleeps.
"""

from __future__ import annotations

import asyncio

from aiohttp.test_utils import TestClient, TestServer
from slack_support import SECRET, FakeEngine, command_body, make_app, running_fake, sign

from bot.chat.slack.ack_first import AckFirst
from bot.web import build_web_app


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_work_starts_at_once_when_no_request_is_being_acknowledged() -> None:
    """With no ack in flight the work does not wait at all."""
    clock = FakeTime()
    gate = AckFirst(now=clock, sleep=clock.sleep)
    await gate.quiet()
    assert clock.slept == []


async def test_work_waits_until_the_acks_go_quiet() -> None:
    """Right after an ack the work waits out the quiet period, then starts."""
    clock = FakeTime()
    gate = AckFirst(now=clock, sleep=clock.sleep)
    gate.acked()
    clock.now += 0.002
    await gate.quiet()
    assert abs(sum(clock.slept) - (AckFirst.QUIET_S - 0.002)) < 1e-9


async def test_a_never_ending_stream_of_acks_delays_work_by_at_most_half_a_second() -> None:
    """Acks that keep coming cannot starve the work: it starts after MAX_WAIT_S at the latest."""
    clock = FakeTime()

    async def sleep_while_acks_arrive(seconds: float) -> None:
        await clock.sleep(seconds)
        gate.acked()

    gate = AckFirst(now=clock, sleep=sleep_while_acks_arrive)
    gate.acked()
    await gate.quiet()
    assert abs(sum(clock.slept) - AckFirst.MAX_WAIT_S) < 1e-9


async def test_a_burst_of_signed_commands_is_all_answered_and_all_worked() -> None:
    """Twenty signed commands at once through the real web app and Bolt: every one gets its 200
    and, after the burst, every one its post on the fake Slack Web API."""
    async with running_fake() as fake:
        engine = FakeEngine(delay=0.0)
        app = build_web_app(
            engine, slack_app=make_app(fake, engine), is_ready=lambda: True, signing_secret=SECRET
        )
        async with TestClient(TestServer(app, host="127.0.0.1")) as http:

            async def one(i: int) -> int:
                body = command_body(f"set room 204 station jazz {i}", trigger=f"burst-{i}")
                headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
                return (await http.post("/slack/events", data=body, headers=headers)).status

            statuses = await asyncio.gather(*(one(i) for i in range(20)))
            assert statuses == [200] * 20
            posts = await fake.wait_for("chat.postMessage", count=20, within=10)
            assert len(posts) == 20
