"""Benchmark: how fast health commands answer (real seconds) while Amazon is in trouble.

The scenarios of tests/test_health_amazon_trouble.py, timed on the real clock: every request
answering 500, device searches throttled, and a 5 requests/s rate limit on the demo chain. The bot
must answer from the last known state instead of waiting Amazon out. Target: every answer under 3 s.
(The bound was an assert in the tests; a loaded machine made it flaky, so it is measured here.)

    python bench/health_answer.py
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from conftest import build_small_world
from health_support import NOW, health_bot

from bot.sandbox.demo import DEMO_WORLD_PATH
from bot.sandbox.faults import FaultRule, Faults
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World, load_world

TARGET_S = 3.0


async def timed(
    server: SandboxServer, world: World, label: str, faults: Faults, *, advance: float, rps: bool
) -> None:
    world.now = NOW
    with tempfile.TemporaryDirectory() as tmp:
        monkeypatch = pytest.MonkeyPatch()
        try:
            async with health_bot(server, world, Path(tmp), monkeypatch, sandbox_clock=rps) as bot:
                await bot.say("sync devices")
                bot.clock.advance(advance)  # type: ignore[attr-defined]
                server.sandbox.faults = faults
                started = time.perf_counter()
                await bot.say("offline devices")
                seconds = time.perf_counter() - started
        finally:
            monkeypatch.undo()
    verdict = "ok" if seconds < TARGET_S else "OVER TARGET"
    print(f"{label:34} {seconds:6.2f} s  (target < {TARGET_S:.0f} s) {verdict}")


async def main() -> None:
    with SandboxServer(build_small_world()) as server:
        await timed(
            server,
            build_small_world(),
            "every request 500",
            Faults(p5xx=1.0),
            advance=600,
            rps=False,
        )
        throttle = Faults(rules=[FaultRule("429", target="AlexaForBusiness.SearchDevices")])
        await timed(
            server,
            build_small_world(),
            "device searches throttled",
            throttle,
            advance=3600,
            rps=False,
        )
        await timed(
            server,
            load_world(DEMO_WORLD_PATH),
            "demo chain at 5 requests/s",
            Faults(rps=5),
            advance=3600,
            rps=True,
        )


if __name__ == "__main__":
    asyncio.run(main())
