"""Slack acknowledgement latency in HTTP mode (issue 4): 200 signed slash commands, 50 at a time.

The aiohttp app of `bot serve` runs on a real 127.0.0.1 port (the load comes from a second process,
as it would from Slack), the Web API is the local fake from the tests, and the engine takes 200 ms
per command, so what is measured is the ack path: signature check, Bolt dispatch, `ack()`, while the
work goes on after the answer. Target: p99 under 50 ms, none over 3 s.

    python bench/slack_ack.py [--requests 200] [--concurrency 50] [--work-ms 200]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fake_slack import FakeSlack
from slack_support import SECRET, FakeEngine, command_body, make_app, sign

from bot.web import build_web_app

SLACK_DEADLINE_S = 3.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def load(
    url: str, requests: int, concurrency: int, settle_s: float
) -> tuple[list[float], list[int], float]:
    """The load generator, run in its own process as Slack is: returns latencies, statuses, wall
    time.
    """

    async def run() -> tuple[list[float], list[int], float]:
        latencies: list[float] = []
        statuses: list[int] = []
        gate = asyncio.Semaphore(concurrency)
        connector = aiohttp.TCPConnector(limit=concurrency)
        async with aiohttp.ClientSession(connector=connector) as session:

            async def one(i: int) -> None:
                body = command_body(f"set room 204 station jazz {i}", trigger=f"bench-{i}")
                headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
                async with gate:
                    start = time.perf_counter()
                    async with session.post(url, data=body, headers=headers) as resp:
                        await resp.read()
                        latencies.append(time.perf_counter() - start)
                        statuses.append(resp.status)

            # Warm-up, not counted: a running server has its auth.test result cached and connections
            # open.
            await asyncio.gather(*(one(-1 - i) for i in range(concurrency)))
            await asyncio.sleep(settle_s)  # let the warm-up's own work (its posts) finish first
            latencies.clear()
            statuses.clear()
            wall = time.perf_counter()
            await asyncio.gather(*(one(i) for i in range(requests)))
            return latencies, statuses, time.perf_counter() - wall

    return asyncio.run(run())


async def main(requests: int, concurrency: int, work_ms: int) -> int:
    fake = await FakeSlack().start()
    engine = FakeEngine(delay=work_ms / 1000)
    slack_app = make_app(fake, engine, process_before_response=False)
    # as `bot serve` builds it: acknowledged once the signature checks out, dispatched after
    web_app = build_web_app(
        engine, slack_app=slack_app, is_ready=lambda: True, signing_secret=SECRET
    )
    server_side: list[float] = []

    @web.middleware
    async def timed(request: web.Request, handler: Any) -> web.StreamResponse:
        # from the request reaching the app to its answer: the bot's own share of the latency
        start = time.perf_counter()
        response = await handler(request)
        server_side.append(time.perf_counter() - start)
        return response

    web_app.middlewares.append(timed)

    async def noop(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(status=200)

    web_app.router.add_post("/bench/noop", noop)
    runner = web.AppRunner(web_app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"

    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        latencies, statuses, wall = await loop.run_in_executor(
            pool, load, url, requests, concurrency, work_ms / 1000 + 0.5
        )
        # The same load against a route that does nothing: what this harness itself costs.
        floor, _, _ = await loop.run_in_executor(
            pool, load, url.replace("/slack/events", "/bench/noop"), requests, concurrency, 0.1
        )
    # The work must still happen after the acks: every command gets its post.
    await fake.wait_for("chat.postMessage", count=requests + concurrency, within=60)
    await runner.cleanup()
    await fake.stop()

    ms = [x * 1000 for x in latencies]
    missed = sum(1 for x in latencies if x > SLACK_DEADLINE_S)
    bad = sum(1 for s in statuses if s != 200)
    p50, p99 = statistics.median(ms), percentile(ms, 0.99)
    print(f"slack ack, HTTP mode: {requests} signed /alexa commands, {concurrency} at a time, "
          f"engine work {work_ms} ms each")  # fmt: skip
    print(f"  ack latency p50 {p50:.1f} ms  p99 {p99:.1f} ms  max {max(ms):.1f} ms")
    inside = [x * 1000 for x in server_side if x is not None][: requests + concurrency][-requests:]
    floor_ms = [x * 1000 for x in floor]
    print(
        f"  in the app (request in to answer out): p50 {statistics.median(inside):.2f} ms  "
        f"p99 {percentile(inside, 0.99):.2f} ms"
    )
    print(
        f"  harness floor (same load, a route that does nothing): p50 {statistics.median(floor_ms):.1f} ms"
        f"  p99 {percentile(floor_ms, 0.99):.1f} ms"
    )
    print(
        f"  over 3 s: {missed}   non-200: {bad}   wall {wall:.2f} s   "
        f"posts done: {len(fake.of('chat.postMessage'))}/{requests + concurrency} (with warm-up)"
    )
    ok = missed == 0 and bad == 0 and p99 < 50
    print("  target p99 < 50 ms, none missed:", "MET" if ok else "NOT MET",
          f"  (load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--work-ms", type=int, default=200)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.requests, args.concurrency, args.work_ms)))
