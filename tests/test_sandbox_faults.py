"""Fault injection of the sandbox: injected 429/5xx shares, the rps limit, latency, and the
admin routes.
"""

from __future__ import annotations

import time

import httpx
import pytest

from bot.clock import FakeClock
from bot.sandbox.faults import Faults, TokenBucket, Verdict
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World

U = "amzn1.alexa.unit.did."
PROPERTY = f"/enterprise/hospitality/v1/properties/{U}HOTELA"


def test_injected_shares_follow_the_seeded_rng() -> None:
    """p429/p5xx shares come out near their setting, and the same seed repeats the same sequence."""
    runs = []
    for _ in range(2):
        faults = Faults(p429=0.2, p5xx=0.1, seed=42)
        runs.append([faults.decide(0.0) for _ in range(2000)])
    assert runs[0] == runs[1]
    share_429 = runs[0].count(Verdict.INJECTED_429) / 2000
    share_5xx = runs[0].count(Verdict.INJECTED_5XX) / 2000
    assert 0.17 < share_429 < 0.23
    assert 0.07 < share_5xx < 0.13


def test_token_bucket_rejections_take_no_token() -> None:
    """A bucket of 2/s passes 2 at once, rejects the rest without draining, and refills with
    time.
    """
    bucket = TokenBucket(rate=2.0, capacity=2.0, now=0.0)
    assert [bucket.try_take(0.0) for _ in range(5)] == [True, True, False, False, False]
    assert bucket.try_take(0.5) is True
    assert bucket.try_take(0.5) is False
    assert [bucket.try_take(1.5) for _ in range(3)] == [True, True, False]


def test_rate_limit_is_decided_after_injected_faults() -> None:
    """An injected 429 is drawn first and consumes no rate-limit token."""
    faults = Faults(rps=1, p429=1.0)
    assert faults.decide(0.0) is Verdict.INJECTED_429
    faults.update(p429=0.0)
    assert faults.decide(0.0) is None
    assert faults.decide(0.0) is Verdict.RATE_LIMITED


@pytest.mark.parametrize(
    "settings",
    [
        {"p429": 1.5},
        {"p5xx": -0.1},
        {"p429": 0.6, "p5xx": 0.6},
        {"rps": 0},
        {"latency_ms": -1},
        {"nope": 1},
    ],
)
def test_invalid_settings_are_refused(settings: dict[str, float]) -> None:
    """Out-of-range or unknown settings raise ValueError and leave the faults unchanged."""
    faults = Faults()
    with pytest.raises(ValueError):
        faults.update(**settings)
    assert faults.snapshot() == Faults().snapshot()


def test_all_429_over_http(sandbox_client: httpx.Client) -> None:
    """With p429=1 every API call is 429 with a message, but admin routes and the token
    endpoint are not.
    """
    set_faults = sandbox_client.post("/_sandbox/faults", json={"p429": 1.0})
    assert set_faults.status_code == 200
    assert set_faults.json()["p429"] == 1.0
    response = sandbox_client.get(PROPERTY)
    assert response.status_code == 429
    assert response.json()["message"]
    assert "X-Amzn-RequestId" in response.headers
    assert sandbox_client.get("/_sandbox/stats").status_code == 200
    token = sandbox_client.post(
        "/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": "Atzr|demo-refresh",
            "client_id": "demo-client",
            "client_secret": "demo-secret",
        },
    )
    assert token.status_code == 200
    sandbox_client.post("/_sandbox/faults", json={"token_endpoint": True})
    assert sandbox_client.post("/auth/o2/token", data={}).status_code == 429
    stats = sandbox_client.get("/_sandbox/stats").json()
    assert stats["injected"] == {"injected_429": 2}


def test_all_5xx_over_http(sandbox_client: httpx.Client) -> None:
    """With p5xx=1 every API call is a 500."""
    sandbox_client.post("/_sandbox/faults", json={"p5xx": 1.0})
    assert sandbox_client.delete(f"/v1/alerts/alarms?unitId={U}A101").status_code == 500
    sandbox_client.post("/_sandbox/faults", json={"reset": True})
    assert sandbox_client.get(PROPERTY).status_code == 200


def test_injected_share_over_http_is_reproducible(sandbox_client: httpx.Client) -> None:
    """Half 429s with a seed: the same seed gives the same status sequence, roughly half
    throttled.
    """
    sequences = []
    for _ in range(2):
        sandbox_client.post("/_sandbox/faults", json={"p429": 0.5, "seed": 7})
        sequences.append([sandbox_client.get(PROPERTY).status_code for _ in range(40)])
    assert sequences[0] == sequences[1]
    assert set(sequences[0]) == {200, 429}
    assert 8 <= sequences[0].count(429) <= 32


def test_rps_limit_over_http(
    sandbox: SandboxServer, small_world: World, sandbox_client: httpx.Client
) -> None:
    """rps=2 on a frozen clock lets 2 requests through and throttles the rest until time moves."""
    clock = FakeClock()
    sandbox.reset(small_world, Faults(rps=2), clock=clock)
    statuses = [sandbox_client.get(PROPERTY).status_code for _ in range(4)]
    assert statuses == [200, 200, 429, 429]
    clock.advance(1.0)
    assert [sandbox_client.get(PROPERTY).status_code for _ in range(3)] == [200, 200, 429]
    assert sandbox_client.get("/_sandbox/stats").json()["injected"] == {"rate_limited": 3}


def test_latency_is_added(sandbox_client: httpx.Client) -> None:
    """latency_ms delays API answers by at least that much (lower bound only: no flaky upper
    bound).
    """
    sandbox_client.post("/_sandbox/faults", json={"latency_ms": 40})
    started = time.perf_counter()
    assert sandbox_client.get(PROPERTY).status_code == 200
    assert time.perf_counter() - started >= 0.04
    assert sandbox_client.get("/_sandbox/faults").json()["latency_ms"] == 40


def test_bad_fault_settings_over_http_are_400(sandbox_client: httpx.Client) -> None:
    """POST /_sandbox/faults refuses unknown keys and out-of-range values with 400."""
    assert sandbox_client.post("/_sandbox/faults", json={"p429": 2}).status_code == 400
    assert sandbox_client.post("/_sandbox/faults", json={"bogus": 1}).status_code == 400
    assert sandbox_client.post("/_sandbox/faults", content=b"nope").status_code == 400


def test_stats_count_per_route_template_and_reset(sandbox_client: httpx.Client) -> None:
    """Stats count requests per method and route template, with statuses; reset-stats zeroes
    them.
    """
    sandbox_client.get(PROPERTY)
    sandbox_client.get(f"/enterprise/hospitality/v1/properties/{U}NOPE")
    sandbox_client.get(f"/enterprise/hospitality/v1/rooms?roomTypeId={U}KING")
    stats = sandbox_client.get("/_sandbox/stats").json()
    key = "GET /enterprise/hospitality/v1/properties/{propertyId}"
    assert stats["requests"] == {key: 2, "GET /enterprise/hospitality/v1/rooms": 1}
    assert stats["statuses"][key] == {"200": 1, "404": 1}
    assert stats["total"] == 3
    assert sandbox_client.post("/_sandbox/reset-stats").status_code == 204
    assert sandbox_client.get("/_sandbox/stats").json()["total"] == 0
