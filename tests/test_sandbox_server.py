"""SandboxServer lifecycle, concurrency, and routing of Alexa-for-Business calls to aws_handlers."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any

import httpx
import pytest
from aws_signing import signed_headers
from conftest import AUTH

from bot.sandbox import aws_handlers
from bot.sandbox.faults import Faults
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World, WorldState

JSON_11 = "application/x-amz-json-1.1"
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


async def _raw_get(port: int, path: str) -> tuple[bytes, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: sandbox\r\nAuthorization: {AUTH['Authorization']}\r\n"
        "Connection: close\r\n\r\n".encode()
    )
    answer = await reader.read()
    writer.close()
    head = answer.partition(b"\r\n\r\n")[0].lower()
    request_id = head.partition(b"x-amzn-requestid: ")[2].partition(b"\r\n")[0]
    return answer.split(b" ", 2)[1], request_id


async def test_hundreds_of_concurrent_requests(sandbox: SandboxServer) -> None:
    """300 simultaneous connections with added latency all get 200 (latency never blocks the loop).

    Raw asyncio streams, not httpx: httpx's connection pool, not the server, is the bottleneck at
    hundreds of connections.
    """
    sandbox.faults.update(latency_ms=20)
    answers = await asyncio.gather(*(_raw_get(sandbox.port, PROPERTY) for _ in range(300)))
    assert [status for status, _ in answers] == [b"200"] * 300
    assert len({request_id for _, request_id in answers}) == 300


async def test_concurrent_httpx_requests(sandbox: SandboxServer) -> None:
    """50 concurrent httpx requests (the bench's top concurrency) with 20 ms latency all succeed."""
    sandbox.faults.update(latency_ms=20)
    async with httpx.AsyncClient(base_url=sandbox.url, headers=AUTH, timeout=30) as client:
        responses = await asyncio.gather(*(client.get(PROPERTY) for _ in range(50)))
    assert [r.status_code for r in responses] == [200] * 50


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
    body = json.dumps({"MaxResults": 10})
    unsigned = {"X-Amz-Target": "AlexaForBusiness.SearchDevices", "Content-Type": JSON_11}
    response = httpx.post(
        sandbox.url + "/",
        headers=signed_headers("POST", sandbox.url + "/", body, unsigned, service="a4b"),
        content=body,
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
    unsigned = {"X-Amz-Target": "AlexaForBusiness.Nope", "Content-Type": JSON_11}
    response = httpx.post(
        sandbox.url + "/",
        headers=signed_headers("POST", sandbox.url + "/", "{}", unsigned, service="a4b"),
        content="{}",
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
