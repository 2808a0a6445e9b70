"""SandboxServer lifecycle, concurrency, and routing of Alexa-for-Business calls to aws_handlers."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import httpx
import pytest

from bot.sandbox import aws_handlers
from bot.sandbox.faults import Faults
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World, WorldState
from tests.conftest import AUTH

PROPERTY = "/enterprise/hospitality/v1/properties/amzn1.alexa.unit.did.HOTELA"


def test_start_stop_and_context_manager(small_world: World) -> None:
    """start() returns a listening base URL on 127.0.0.1; stop() frees it; url before start
    raises.
    """
    server = SandboxServer(small_world)
    with pytest.raises(RuntimeError):
        _ = server.url
    url = server.start()
    assert url.startswith("http://127.0.0.1:") and url == server.url
    assert httpx.get(url + PROPERTY, headers=AUTH).status_code == 200
    server.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + PROPERTY, headers=AUTH)
    with SandboxServer(small_world) as again:
        assert httpx.get(again.url + PROPERTY, headers=AUTH).status_code == 200


async def test_hundreds_of_concurrent_requests(sandbox: SandboxServer) -> None:
    """300 concurrent requests with added latency all succeed (latency never blocks the loop)."""
    sandbox.faults.update(latency_ms=20)
    limits = httpx.Limits(max_connections=300)
    async with httpx.AsyncClient(
        base_url=sandbox.url, headers=AUTH, limits=limits, timeout=30
    ) as client:
        responses = await asyncio.gather(*(client.get(PROPERTY) for _ in range(300)))
    assert [r.status_code for r in responses] == [200] * 300
    assert len({r.headers["X-Amzn-RequestId"] for r in responses}) == 300


def test_aws_calls_go_to_the_handler(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """POST / with X-Amz-Target calls aws_handlers.handle(target, body, headers, state) and
    returns its answer.
    """
    calls: list[tuple[str, dict[str, Any], str, WorldState]] = []

    def handle(
        target: str, body: dict[str, Any], headers: Mapping[str, str], state: WorldState
    ) -> tuple[int, dict[str, Any]]:
        calls.append((target, body, headers["x-amz-target"], state))
        return 200, {"Devices": [], "TotalCount": 0}

    monkeypatch.setattr(aws_handlers, "handle", handle, raising=False)
    response = httpx.post(
        sandbox.url + "/",
        headers={"X-Amz-Target": "AlexaForBusiness.SearchDevices"},
        json={"MaxResults": 10},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-amz-json-1.1"
    assert response.json() == {"Devices": [], "TotalCount": 0}
    assert calls == [
        (
            "AlexaForBusiness.SearchDevices",
            {"MaxResults": 10},
            "AlexaForBusiness.SearchDevices",
            sandbox.state,
        )
    ]
    stats = httpx.get(sandbox.url + "/_sandbox/stats").json()
    assert stats["aws_targets"] == {"AlexaForBusiness.SearchDevices": 1}
    assert stats["requests"] == {"POST /": 1}


def test_aws_calls_without_handler_are_unknown_operations(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without aws_handlers.handle the call answers unknown_operation's 400."""
    monkeypatch.delattr(aws_handlers, "handle", raising=False)
    response = httpx.post(
        sandbox.url + "/", headers={"X-Amz-Target": "AlexaForBusiness.Nope"}, json={}
    )
    assert response.status_code == 400
    assert response.json()["__type"] == "UnknownOperationException"


def test_aws_calls_are_faulted(sandbox: SandboxServer) -> None:
    """Faults apply to the AWS route too."""
    sandbox.reset(sandbox.state, Faults(p5xx=1.0))
    response = httpx.post(
        sandbox.url + "/", headers={"X-Amz-Target": "AlexaForBusiness.GetDevice"}, json={}
    )
    assert response.status_code == 500
