"""A list longer than its card, in a Teams personal chat, is offered as a CSV file through Teams'
file consent flow (issue 19): a file consent card under the first page; "Allow" (a
`fileConsent/invoke`, action accept) asks the question again as the presser, PUTs the CSV to the
upload URL Teams gave, posts a file info card and turns the consent card into one line; "Decline"
turns it into "No file was sent". Channels keep paging, with no consent card.

The real engine on the sandbox (80 devices offline); the real Agents SDK adapter against the fake
connector, whose `/upload/...` stands for the user's OneDrive upload session.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from fake_teams import ConnectorCall, FakeConnector, card_text, message
from microsoft_agents.activity import Activity, InvokeResponse
from microsoft_agents.hosting.core import TurnContext, TurnState

from bot.chat.contract import Message, ProgressSink
from bot.chat.tables import CSV_FILENAME
from bot.chat.teams import MESSAGES_PATH, teams_setup
from bot.chat.teams.agent import message_of
from bot.chat.teams.files import (
    CONSENT_CONTENT_TYPE,
    DECLINED,
    FILE_CONSENT_INVOKE,
    INFO_CONTENT_TYPE,
    SENT,
    UPLOAD_FAILED,
    FileConsent,
)
from bot.chat.teams.host import TEAMS_HOST_KEY
from bot.core.shared.replies import Reply, Table
from bot.demo import DEMO_USER, demo_runtime
from bot.sandbox.demo import DEMO_WORLD_PATH

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

QUERY = "offline devices everywhere"
CONTENT_URL = "https://contoso-my.sharepoint.com/personal/dana/Documents/Apps/Alexa/" + CSV_FILENAME


def _offline_world(directory: Path, count: int = 80) -> tuple[Path, set[str]]:
    world = json.loads(Path(DEMO_WORLD_PATH).read_text())
    devices = [d for p in world["properties"] for t in p["roomTypes"] for r in t["rooms"]
               for d in r.get("devices") or []]  # fmt: skip
    for device in devices[:count]:
        device["connection"] = "OFFLINE"
    path = directory / "world.json"
    path.write_text(json.dumps(world))
    return path, {str(d["serial"]) for d in devices if d["connection"] == "OFFLINE"}


class _Teams:
    def __init__(self, client: TestClient[Any, Any], app: web.Application, fake: FakeConnector):
        self.client, self.app, self.fake = client, app, fake

    async def say(self, text: str, *, channel: bool = False) -> None:
        activity = message(text, expect_replies=False, service_url=self.fake.url, user=DEMO_USER,
                           channel=channel)  # fmt: skip
        assert (await self.client.post(MESSAGES_PATH, json=activity)).status == 202
        await self.app[TEAMS_HOST_KEY].drain()

    async def consent(self, card_id: str, context: Any, action: str = "accept") -> int:
        """The invoke Teams sends when the user answers the file consent card `card_id`."""
        activity = message(None, expect_replies=False, service_url=self.fake.url, user=DEMO_USER,
                           reply_to_id=card_id)  # fmt: skip
        value: dict[str, Any] = {"type": "fileUpload", "action": action, "context": context}
        if action == "accept":
            value["uploadInfo"] = {"contentUrl": CONTENT_URL, "name": CSV_FILENAME,
                                   "uploadUrl": self.fake.upload_url(), "fileType": "csv",
                                   "uniqueId": "1150D938-8870-4044-9F2C-5BBDEBA70C8C"}  # fmt: skip
        activity.update(type="invoke", name=FILE_CONSENT_INVOKE, value=value)
        response = await self.client.post(MESSAGES_PATH, json=activity)
        await self.app[TEAMS_HOST_KEY].drain()
        return response.status


@pytest.fixture
async def teams(tmp_path: Path) -> AsyncIterator[tuple[_Teams, set[str]]]:
    path, serials = _offline_world(tmp_path)
    async with demo_runtime(path) as (runtime, _server):
        fake = await FakeConnector().start()
        app = web.Application()
        teams_setup(runtime.engine, runtime.index.db, anonymous=True, env={})(app)
        try:
            async with TestClient(TestServer(app, host="127.0.0.1")) as client:
                yield _Teams(client, app, fake), serials
        finally:
            await fake.close()


def _consent_call(calls: list[ConnectorCall]) -> tuple[ConnectorCall, dict[str, Any]]:
    [call] = [c for c in calls if c.body.get("attachments", [{}])[0].get("contentType")
              == CONSENT_CONTENT_TYPE]  # fmt: skip
    return call, call.body["attachments"][0]


async def test_personal_chat_list_is_offered_as_a_csv_and_allow_uploads_it(
    teams: tuple[_Teams, set[str]],
) -> None:
    """The first page comes with a consent card for alexa-full-list.csv (its real size); Allow
    uploads the whole list (every offline serial, one row each) with its Content-Range, posts the
    file info card Teams shows as the file, and turns the consent card into a line."""
    client, serials = teams
    await client.say(QUERY)
    listed, offer = connector_calls = client.fake.calls
    assert "Show more" in json.dumps(listed.card)
    _, attachment = _consent_call(list(connector_calls))
    assert attachment["name"] == CSV_FILENAME
    content = attachment["content"]
    assert content["acceptContext"] == {"query": QUERY}
    card_id = str(offer.body.get("id") or "sent-2")

    assert await client.consent(card_id, content["acceptContext"]) == 200
    [upload] = client.fake.uploads
    rows = list(csv.reader(io.StringIO(upload.data.decode("utf-8"))))
    shown = {cell for row in rows[1:] for cell in row if cell in serials}
    assert shown == serials and len(rows) - 1 == len(serials)
    assert upload.headers["Content-Range"] == f"bytes 0-{len(upload.data) - 1}/{len(upload.data)}"
    # as announced, up to what changed in between (the "ASP says" column is filled in as it is read)
    assert abs(content["sizeInBytes"] - len(upload.data)) < len(upload.data) // 10
    file_info, settled = client.fake.calls[2:]
    [info] = file_info.body["attachments"]
    assert (info["contentType"], info["contentUrl"], info["name"]) == (
        INFO_CONTENT_TYPE, CONTENT_URL, CSV_FILENAME)  # fmt: skip
    assert info["content"] == {"uniqueId": "1150D938-8870-4044-9F2C-5BBDEBA70C8C",
                               "fileType": "csv"}  # fmt: skip
    assert settled.method == "PUT" and unquote(settled.path).endswith(f"/activities/{card_id}")
    assert SENT in card_text(settled.card)


async def test_decline_sends_nothing_and_says_so_in_place(teams: tuple[_Teams, set[str]]) -> None:
    """Decline: no upload, no file; the consent card becomes "No file was sent"."""
    client, _ = teams
    await client.say(QUERY)
    _, attachment = _consent_call(client.fake.calls)
    calls = len(client.fake.calls)
    assert await client.consent("sent-2", attachment["content"]["declineContext"], "decline") == 200
    assert not client.fake.uploads
    [settled] = client.fake.calls[calls:]
    assert settled.method == "PUT" and DECLINED in card_text(settled.card)


async def test_a_refused_upload_is_told_and_the_consent_card_stays(
    teams: tuple[_Teams, set[str]],
) -> None:
    """OneDrive refuses the upload: the user is told nothing was sent; no file card is posted
    and the consent card is left as it was."""
    client, _ = teams
    await client.say(QUERY)
    _, attachment = _consent_call(client.fake.calls)
    client.fake.upload_status = 403
    calls = len(client.fake.calls)
    assert await client.consent("sent-2", attachment["content"]["acceptContext"]) == 200
    [told] = client.fake.calls[calls:]
    assert told.method == "POST" and UPLOAD_FAILED in card_text(told.card)


async def test_channels_and_short_lists_keep_paging_without_a_file(
    teams: tuple[_Teams, set[str]],
) -> None:
    """In a channel the long list is paged with no consent card (Teams offers file consent in
    personal chats only); a list that fits its card has none in a personal chat either."""
    client, _ = teams
    await client.say(QUERY, channel=True)
    [listed] = client.fake.calls
    assert "Show more" in json.dumps(listed.card)
    await client.say("offline devices at Alpine Lodge Aspen")
    assert len(client.fake.calls) == 2
    assert all(c.body["attachments"][0]["contentType"] != CONSENT_CONTENT_TYPE
               for c in client.fake.calls)  # fmt: skip


class _TableEngine:
    async def handle(self, msg: Message, progress: ProgressSink | None = None) -> Reply:
        return Reply(headline="2 rows.", table=Table(columns=["A"], rows=[["1"], ["2"]]),
                     query=msg.text)  # fmt: skip


class _Context:
    """The parts of a TurnContext the consent handler uses."""

    def __init__(self, activity: Activity) -> None:
        self.activity = activity
        self.sent: list[Activity] = []

    async def send_activity(self, activity: Activity) -> None:
        self.sent.append(activity)

    async def update_activity(self, activity: Activity) -> None:
        self.sent.append(activity)


async def test_an_upload_url_that_is_not_https_is_refused_outside_developer_mode() -> None:
    """Teams' upload sessions are https: outside `--teams-dev` any other URL is refused, nothing
    is PUT, and the invoke is still answered 200."""
    activity = Activity.model_validate(message(None, user=DEMO_USER, reply_to_id="consent-1"))
    activity.type, activity.name = "invoke", FILE_CONSENT_INVOKE
    activity.value = {"type": "fileUpload", "action": "accept", "context": {"query": QUERY},
                      "uploadInfo": {"contentUrl": CONTENT_URL, "name": CSV_FILENAME,
                                     "uploadUrl": "http://169.254.169.254/upload",
                                     "fileType": "csv", "uniqueId": "u1"}}  # fmt: skip
    context = _Context(activity)
    handler = FileConsent(_TableEngine(), message_of)
    await handler(cast(TurnContext, context), cast(TurnState, None))
    told, answered = context.sent
    assert "no secure address" in json.dumps(told.model_dump(mode="json"))
    assert answered.type == "invokeResponse" and isinstance(answered.value, InvokeResponse)
    assert answered.value.status == 200
