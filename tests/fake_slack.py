"""A local fake of the Slack Web API (and of response_url / file-upload endpoints) for offline
tests.

It runs an aiohttp server on 127.0.0.1 in the test's own event loop, records every call with its
parameters (read from the query string, a form body or a JSON body, as slack_sdk sends each method
differently), and answers the methods the adapter uses. `fail_next` makes the next call of a method
answer `ok: false`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USER_ID = "UBOT"
TEAM_ID = "T0001"


@dataclass
class Call:
    method: str  # "chat.postMessage", or "upload" / "response" for the non-API endpoints
    params: dict[str, Any]
    raw: bytes = b""
    path: str = ""


@dataclass
class FakeSlack:
    calls: list[Call] = field(default_factory=list)
    fail_next: dict[str, str] = field(default_factory=dict)
    refused_tokens: set[str] = field(default_factory=set)  # answered `invalid_auth`, every call
    # HTTP statuses the next calls of a method answer, one per call (500, 503: an outage; 429:
    # rate limited, with Retry-After: 1), before it answers normally again
    http_fail: dict[str, list[int]] = field(default_factory=dict)
    # what chat.postMessage posted, per channel, newest first (conversations.history answers it)
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # methods whose next call is applied but answered only after this many seconds (a timeout)
    slow_next: dict[str, float] = field(default_factory=dict)
    scopes: str | None = None  # the `x-oauth-scopes` header of auth.test, when set
    base_url: str = ""
    _runner: web.AppRunner | None = None
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _file_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.base_url}/response/{name}"

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/response/{name}", self._response)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- inspection
    # -------------------------------------------------------------------------------------
    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def methods(self, *, include_auth: bool = False) -> list[str]:
        return [c.method for c in self.calls if include_auth or c.method != "auth.test"]

    async def wait_for(self, method: str, count: int = 1, within: float = 2.0) -> list[Call]:
        """Wait (on an event, not a sleep) until `method` has been called `count` times."""

        async def reached() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.of(method)) >= count)

        await asyncio.wait_for(reached(), within)
        return self.of(method)

    # -- handlers
    # ---------------------------------------------------------------------------------------
    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    @staticmethod
    async def _params(request: web.Request) -> tuple[dict[str, Any], bytes]:
        raw = await request.read()
        params: dict[str, Any] = dict(request.query)
        ctype = request.content_type
        if ctype == "application/json" and raw:
            params.update(json.loads(raw))
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
        for key in ("blocks", "files"):  # form-encoded methods carry these as JSON strings
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        return params, raw

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params, raw = await self._params(request)
        await self._record(Call(method, params, raw, request.path))
        if self.http_fail.get(method):
            status = self.http_fail[method].pop(0)
            if status == 429:
                return web.json_response(
                    {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"}
                )
            return web.Response(status=status, text="upstream outage", content_type="text/html")
        if method in self.fail_next:
            return web.json_response({"ok": False, "error": self.fail_next.pop(method)})
        if method in self.slow_next:  # applied now, answered too late for the client
            delay = self.slow_next.pop(method)
            answer = self._answer(method, params)
            await asyncio.sleep(delay)
            return web.json_response(answer)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token in self.refused_tokens:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        headers = {"x-oauth-scopes": self.scopes} if self.scopes and method == "auth.test" else {}
        return web.json_response(self._answer(method, params), headers=headers)

    def _answer(self, method: str, p: dict[str, Any]) -> dict[str, Any]:
        ok: dict[str, Any] = {"ok": True}
        match method:
            case "auth.test":
                return ok | {
                    "user_id": BOT_USER_ID,
                    "bot_id": "BBOT",
                    "team_id": TEAM_ID,
                    "user": "alexa",
                    "team": "Hotel",
                    "url": "https://hotel.slack.com/",
                }
            case "chat.postMessage":
                ts = f"1700000000.{next(self._ts):06d}"
                message = {"text": p.get("text"), "ts": ts}
                if p.get("metadata"):
                    metadata = p["metadata"]
                    message["metadata"] = (
                        json.loads(metadata) if isinstance(metadata, str) else metadata
                    )
                self.history.setdefault(str(p.get("channel")), []).insert(0, message)
                return ok | {"channel": p.get("channel"), "ts": ts, "message": message}
            case "conversations.history":
                # newest first, like Slack; metadata only with include_all_metadata
                messages = list(self.history.get(str(p.get("channel")), []))
                if str(p.get("include_all_metadata", "")).lower() not in ("true", "1"):
                    messages = [{k: v for k, v in m.items() if k != "metadata"} for m in messages]
                return ok | {"messages": messages, "has_more": False}
            case "chat.postEphemeral":
                return ok | {"message_ts": f"1700000000.{next(self._ts):06d}"}
            case "chat.update":
                return ok | {"channel": p.get("channel"), "ts": p.get("ts"), "text": p.get("text")}
            case "apps.connections.open":
                return ok | {"url": f"{self.base_url.replace('http', 'ws')}/socket"}
            case "conversations.replies":
                return ok | {"messages": [], "has_more": False}
            case "files.getUploadURLExternal":
                file_id = f"F{next(self._file_ids):04d}"
                return ok | {"upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}
            case "files.completeUploadExternal":
                files = p.get("files") or []
                return ok | {"files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}
            case _:
                return {"ok": False, "error": "unknown_method"}

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """A Socket Mode connection: says hello, then holds the line until the client leaves,
        recording what the client sends (its acks, as "socket.ack" calls)."""
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await self._record(Call("socket", {}, b"", request.path))
        await socket.send_json({"type": "hello", "num_connections": 1})
        try:
            async for message in socket:
                if message.type == web.WSMsgType.TEXT:
                    await self._record(Call("socket.ack", json.loads(message.data), b"", "/socket"))
        finally:
            self._sockets.remove(socket)
        return socket

    async def envelope(self, kind: str, payload: dict[str, Any], envelope_id: str) -> None:
        """Send one Socket Mode envelope ("slash_commands", "events_api", "interactive") down
        the open connection, as Slack does for each user action."""
        [socket] = self._sockets
        await socket.send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind != "events_api",
            }
        )

    async def _upload(self, request: web.Request) -> web.Response:
        raw = await request.read()
        await self._record(
            Call("upload", {"file_id": request.match_info["file_id"]}, raw, request.path)
        )
        return web.Response(text=f"OK - {len(raw)}")

    async def _response(self, request: web.Request) -> web.Response:
        raw = await request.read()
        params = json.loads(raw) if raw else {}
        await self._record(Call("response", params, raw, request.path))
        return web.Response(text="ok")
