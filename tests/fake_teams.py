"""Offline Teams test kit: a fake Bot Connector service on 127.0.0.1 and builders of Teams-shaped
activities.

The fake answers the three connector calls the adapter makes (send, reply, update) and records each
with its JSON body, so tests can assert on the cards that would have reached Teams.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

BOT_ID = "28:alexa-ops-bot"
BOT_NAME = "Alexa Ops"
TENANT = "72f988bf-0000-0000-0000-000000000000"
CHANNEL_ID = "19:frontdesk@thread.tacv2"
USER_AAD = "aad-0001"


@dataclass
class ConnectorCall:
    method: str  # "POST" (send or reply) or "PUT" (update)
    path: str
    body: dict[str, Any]

    @property
    def card(self) -> dict[str, Any]:
        content: dict[str, Any] = self.body["attachments"][0]["content"]
        return content

    @property
    def activity_id(self) -> str | None:
        """The updated (PUT) or replied-to (POST .../activities/{id}) activity id."""
        parts = self.path.rstrip("/").split("/")
        return parts[-1] if parts[-2] == "activities" else None


@dataclass
class Upload:
    """A file PUT to the fake's OneDrive upload session (`/upload/{name}`)."""

    path: str
    headers: dict[str, str]
    data: bytes


@dataclass
class FakeConnector:
    calls: list[ConnectorCall] = field(default_factory=list)
    uploads: list[Upload] = field(default_factory=list)
    upload_status: int = 201  # what the upload session answers (a 4xx/5xx: a refused upload)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _server: TestServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return str(self._server.make_url("/"))

    async def _record(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.calls.append(ConnectorCall(request.method, request.path, body))
        if request.method == "POST" and "id" in body and body["id"] is None:
            # The Microsoft 365 Agents Playground's connector answers a null id this way.
            return web.json_response(
                {"error": {"code": "BadArgument", "message": "Activity id must not be null"}},
                status=400,
            )
        if request.method == "PUT":
            return web.json_response({"id": request.match_info["activity_id"]})
        return web.json_response({"id": f"sent-{next(self._ids)}"})

    def upload_url(self, name: str = "alexa-full-list.csv") -> str:
        """An upload session URL such as Teams gives in a file consent's uploadInfo."""
        return str(self._server.make_url(f"/upload/{name}")) if self._server else ""

    async def _upload(self, request: web.Request) -> web.Response:
        data = await request.read()
        self.uploads.append(Upload(request.path, dict(request.headers), data))
        if self.upload_status >= 300:
            return web.json_response({"error": {"code": "accessDenied"}}, status=self.upload_status)
        return web.json_response({"id": "drive-item-1", "size": len(data)}, status=201)

    async def start(self) -> FakeConnector:
        app = web.Application()
        app.router.add_put("/upload/{name}", self._upload)
        app.router.add_post("/v3/conversations/{conversation_id}/activities", self._record)
        app.router.add_post(
            "/v3/conversations/{conversation_id}/activities/{activity_id}", self._record
        )
        app.router.add_put(
            "/v3/conversations/{conversation_id}/activities/{activity_id}", self._record
        )
        self._server = TestServer(app, host="127.0.0.1")
        await self._server.start_server()
        return self

    async def close(self) -> None:
        if self._server is not None:
            await self._server.close()


_activity_ids = itertools.count(1)


def message(
    text: str | None,
    *,
    service_url: str = "http://127.0.0.1:9/",
    channel: bool = False,
    expect_replies: bool = True,
    user: str = USER_AAD,
    value: dict[str, Any] | None = None,
    reply_to_id: str | None = None,
    activity_id: str | None = None,
) -> dict[str, Any]:
    """A Teams message activity; `channel=True` makes it a channel post that @mentions the bot."""
    activity: dict[str, Any] = {
        "type": "message",
        "id": activity_id or f"1700000000{next(_activity_ids):03d}",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": {"id": "29:teams-user", "name": "Dana Desk", "aadObjectId": user},
        "recipient": {"id": BOT_ID, "name": BOT_NAME},
        "locale": "en-US",
    }
    if text is not None:
        activity["text"] = f"<at>{BOT_NAME}</at> {text}" if channel else text
    if channel:
        activity["conversation"] = {
            "id": f"{CHANNEL_ID};messageid=1700000000001",
            "conversationType": "channel",
            "tenantId": TENANT,
            "isGroup": True,
        }
        activity["entities"] = [
            {
                "type": "mention",
                "text": f"<at>{BOT_NAME}</at>",
                "mentioned": {"id": BOT_ID, "name": BOT_NAME},
            }
        ]
        activity["channelData"] = {
            "tenant": {"id": TENANT},
            "team": {"id": CHANNEL_ID, "name": "Harbor View"},
            "channel": {"id": CHANNEL_ID, "name": "Front Desk"},
        }
    else:
        activity["conversation"] = {
            "id": f"a:personal-{user}",
            "conversationType": "personal",
            "tenantId": TENANT,
        }
        activity["channelData"] = {"tenant": {"id": TENANT}}
    if expect_replies:
        activity["deliveryMode"] = "expectReplies"
    if value is not None:
        activity["value"] = value
    if reply_to_id is not None:
        activity["replyToId"] = reply_to_id
    return activity


def installed_in_channel(service_url: str) -> dict[str, Any]:
    """The conversationUpdate Teams sends when the app is added to a team."""
    return {
        "type": "conversationUpdate",
        "id": "f:install-1",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": {"id": "29:teams-admin", "aadObjectId": "aad-admin"},
        "recipient": {"id": BOT_ID, "name": BOT_NAME},
        "conversation": {
            "id": CHANNEL_ID,
            "conversationType": "channel",
            "tenantId": TENANT,
            "isGroup": True,
        },
        "membersAdded": [{"id": BOT_ID}],
        "channelData": {
            "eventType": "teamMemberAdded",
            "tenant": {"id": TENANT},
            "team": {"id": CHANNEL_ID, "name": "Harbor View"},
            "channel": {"id": CHANNEL_ID, "name": "Front Desk"},
        },
    }


def cards_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The Adaptive Cards in an expectReplies response body, in order."""
    return [
        a["content"]
        for activity in body.get("activities", [])
        for a in activity.get("attachments") or []
        if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
    ]


def card_text(card: dict[str, Any]) -> str:
    """Every text and field of a card, joined: what a reader would see."""
    out: list[str] = []

    def runs(node: Any) -> str:
        inlines = node.get("inlines", [])
        return "".join(i if isinstance(i, str) else str(i["text"]) for i in inlines
                       if isinstance(i, str) or i["type"] == "TextRun")  # fmt: skip

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                out.append(str(node["text"]))
            if node.get("type") == "RichTextBlock":
                out.append(runs(node))
            if node.get("type") == "FactSet":
                out.extend(f"{f['title']}: {f['value']}" for f in node["facts"])
            if node.get("type") == "ColumnSet":  # a field: name and value side by side
                cells = [runs(i) for c in node["columns"] for i in c["items"]]
                out.append(": ".join(cells))
                return
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(card.get("body", []))
    return "\n".join(out)
